//! What can go wrong, said so that the user can act on it; each kind has its own exit code.
use std::fmt;
use std::path::Path;

#[derive(Debug)]
pub enum CliError {
    /// The pinned Rust toolchain (or its rust-src) is missing.
    Toolchain(String),
    /// A contract failed to build.
    Build { contract: String, reason: String },
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
}

impl CliError {
    pub fn io(path: &Path, error: impl fmt::Display) -> Self {
        CliError::Io {
            path: path.display().to_string(),
            error: error.to_string(),
        }
    }

    /// 3 toolchain, 4 build, 5 scenario step, 6 files and state (clap uses 2 for usage errors).
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Toolchain(_) => 3,
            CliError::Build { .. } => 4,
            CliError::Step { .. } => 5,
            CliError::Io { .. } | CliError::State(_) => 6,
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Toolchain(why) => write!(f, "toolchain: {why}"),
            CliError::Build { contract, reason } => write!(
                f,
                "building {contract} failed: {reason}\n(the nested cargo output above says where; \
                 `cargo test -p {contract}` shows compile errors faster)"
            ),
            CliError::Step {
                step,
                title,
                contract,
                message,
                error,
            } => write!(f, "step {step} ({title}) failed: {contract}::{message}: {error}"),
            CliError::Io { path, error } => write!(f, "{path}: {error}"),
            CliError::State(why) => write!(f, "recorded state: {why}"),
        }
    }
}

impl std::error::Error for CliError {}
