//! What can go wrong, said so that the user can act on it; each kind has its own exit code.
use icseth_deploy::BuildError;
use std::fmt;
use std::path::Path;

#[derive(Debug)]
pub enum CliError {
    /// The release builds failed: the toolchain is missing, a contract did not build or is above
    /// its size budget.
    Build(BuildError),
    /// A step of the scenario failed: which step, which contract and message, and its error.
    Step {
        step: usize,
        title: String,
        contract: &'static str,
        message: &'static str,
        error: String,
    },
    /// A file could not be read or written.
    Io { path: String, error: String },
    /// A recorded state could not be read back.
    State(String),
    /// The contracts' answers break an identity an auditor checks (the failed checks).
    Inconsistent(Vec<String>),
}

impl CliError {
    pub fn io(path: &Path, error: impl fmt::Display) -> Self {
        CliError::Io {
            path: path.display().to_string(),
            error: error.to_string(),
        }
    }

    /// 3 toolchain, 4 build, 5 scenario step, 6 files and state, 7 failed audit checks (clap uses
    /// 2 for usage errors).
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Build(BuildError::Toolchain(_)) => 3,
            CliError::Build(BuildError::Io { .. }) => 6,
            CliError::Build(_) => 4,
            CliError::Step { .. } => 5,
            CliError::Io { .. } | CliError::State(_) => 6,
            CliError::Inconsistent(_) => 7,
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Build(error) => write!(f, "{error}"),
            CliError::Step {
                step,
                title,
                contract,
                message,
                error,
            } => write!(f, "step {step} ({title}) failed: {contract}::{message}: {error}"),
            CliError::Io { path, error } => write!(f, "{path}: {error}"),
            CliError::State(why) => write!(f, "recorded state: {why}"),
            CliError::Inconsistent(failed) => {
                write!(
                    f,
                    "the auditor's checks failed (see the report's Checks): {}",
                    failed.join("; ")
                )
            }
        }
    }
}

impl std::error::Error for CliError {}

impl From<BuildError> for CliError {
    fn from(error: BuildError) -> Self {
        CliError::Build(error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_step_names_the_step_the_contract_the_message_and_the_error() {
        let error = CliError::Step {
            step: 7,
            title: "the staking manager funds 8 validators".into(),
            contract: "icseth_token",
            message: "stake",
            error: "the contract refused: OperatorNotActive".into(),
        };
        assert_eq!(
            error.to_string(),
            "step 7 (the staking manager funds 8 validators) failed: icseth_token::stake: \
             the contract refused: OperatorNotActive"
        );
        assert_eq!(error.exit_code(), 5);
    }

    #[test]
    fn each_kind_has_its_own_non_zero_exit_code() {
        let errors = [
            CliError::Build(BuildError::Toolchain("x".into())),
            CliError::Build(BuildError::Build {
                contract: "icseth_token".into(),
                reason: "x".into(),
            }),
            CliError::Step {
                step: 1,
                title: "x".into(),
                contract: "c",
                message: "m",
                error: "e".into(),
            },
            CliError::io(Path::new("/x"), "denied"),
            CliError::Inconsistent(vec!["the accounting's books balance".into()]),
        ];
        let codes: Vec<u8> = errors.iter().map(CliError::exit_code).collect();
        assert_eq!(codes, vec![3, 4, 5, 6, 7]);
        assert!(errors[1]
            .to_string()
            .starts_with("building icseth_token failed: x"));
        assert_eq!(errors[3].to_string(), "/x: denied");
    }
}
