//! The icsETH deploy library: what builds the contracts for a chain. The command-line tool and the
//! benchmark use it; the end-to-end tests build through ink_e2e.
pub mod build;

pub use build::{Artifact, BuildError, Contract, CONTRACTS};
