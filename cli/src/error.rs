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
    /// The node at the URL could not be reached or does not serve what the suite needs.
    Chain { url: String, error: String },
    /// A flag's value is not usable.
    Usage(String),
    /// No signer's secret, or one that is not a key.
    Signer(String),
    /// A deployment step failed (which contract, which message, the chain's or contract's error).
    Deploy(String),
    /// The signer cannot pay for the deployment.
    Funds {
        account: String,
        free: u128,
        needed: u128,
    },
    /// The manifest does not match the chain, the signer, the flags or the bundles.
    Mismatch {
        manifest: String,
        differences: Vec<String>,
    },
    /// The chain's native token has other decimals than the suite's amounts assume (18), or than
    /// `--allow-decimals` named.
    Decimals {
        found: Option<u32>,
        allowed: Option<u32>,
    },
    /// The node no longer keeps the blocks or states the history needs.
    Pruned(String),
}

impl CliError {
    pub fn io(path: &Path, error: impl fmt::Display) -> Self {
        CliError::Io {
            path: path.display().to_string(),
            error: error.to_string(),
        }
    }

    /// 2 usage (as clap's), 3 toolchain, 4 build, 5 scenario or deployment step, 6 files and
    /// state, 7 failed audit checks, 8 an unreachable chain, 9 no usable signer, 10 insufficient
    /// funds, 11 a manifest that does not match, 12 a chain with other decimals, 13 a node that
    /// pruned the history a report needs.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Build(BuildError::Toolchain(_)) => 3,
            CliError::Build(BuildError::Io { .. }) => 6,
            CliError::Build(_) => 4,
            CliError::Step { .. } => 5,
            CliError::Io { .. } | CliError::State(_) => 6,
            CliError::Inconsistent(_) => 7,
            CliError::Chain { .. } => 8,
            CliError::Usage(_) => 2,
            CliError::Deploy(_) => 5,
            CliError::Signer(_) => 9,
            CliError::Funds { .. } => 10,
            CliError::Mismatch { .. } => 11,
            CliError::Decimals { .. } => 12,
            CliError::Pruned(_) => 13,
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
            CliError::Chain { url, error } => write!(
                f,
                "cannot use the chain at {url}: {error} (is it running? ./scripts/chain.sh starts one)"
            ),
            CliError::Usage(why) => write!(f, "{why}"),
            CliError::Signer(why) => write!(f, "signer: {why}"),
            CliError::Deploy(why) => write!(f, "deployment: {why} (run the same command again to resume)"),
            CliError::Funds {
                account,
                free,
                needed,
            } => write!(
                f,
                "the signer {account} holds {free} of the chain's smallest unit; a deployment needs {needed}"
            ),
            CliError::Mismatch {
                manifest,
                differences,
            } => write!(
                f,
                "the manifest {manifest} does not match: {}",
                differences.join("; ")
            ),
            CliError::Pruned(what) => write!(
                f,
                "the node no longer keeps {what}: the report's history needs an archive node \
                 (a node run with --pruning archive) or one that kept every block since the deployment"
            ),
            CliError::Decimals { found, allowed } => {
                let found = found.map_or_else(|| "unstated".to_string(), |d| d.to_string());
                match allowed {
                    None => write!(
                        f,
                        "the chain's native token has {found} decimals and the suite's amounts assume 18 \
                         (wei); --allow-decimals {found} deploys anyway, with every amount in that unit"
                    ),
                    Some(allowed) => write!(
                        f,
                        "the chain's native token has {found} decimals, not the {allowed} --allow-decimals named"
                    ),
                }
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
            CliError::Chain {
                url: "ws://127.0.0.1:1".into(),
                error: "connection refused".into(),
            },
        ];
        let codes: Vec<u8> = errors.iter().map(CliError::exit_code).collect();
        assert_eq!(codes, vec![3, 4, 5, 6, 7, 8]);
        let deployment = [
            CliError::Usage("x".into()),
            CliError::Deploy("x".into()),
            CliError::Signer("x".into()),
            CliError::Funds {
                account: "0x01".into(),
                free: 1,
                needed: 2,
            },
            CliError::Mismatch {
                manifest: "m.json".into(),
                differences: vec!["the deployer: recorded 0x01, found 0x02".into()],
            },
            CliError::Decimals {
                found: Some(9),
                allowed: None,
            },
            CliError::Pruned("block 7".into()),
        ];
        let codes: Vec<u8> = deployment.iter().map(CliError::exit_code).collect();
        assert_eq!(codes, vec![2, 5, 9, 10, 11, 12, 13]);
        assert_eq!(
            deployment[4].to_string(),
            "the manifest m.json does not match: the deployer: recorded 0x01, found 0x02"
        );
        assert!(errors[1]
            .to_string()
            .starts_with("building icseth_token failed: x"));
        assert_eq!(errors[3].to_string(), "/x: denied");
    }
}
