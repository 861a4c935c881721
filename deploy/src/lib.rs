//! The icsETH deploy library: what builds the contracts, deploys and wires the suite, and drives
//! it on a chain (calls that never panic, the board's decisions, operators, oracle reports). Its
//! chain access is a trait (`chain::ChainAccess`: the clock, contract events, pinned reads),
//! implemented here for the embedded chain (`embedded`); the command-line tool, the benchmark and
//! the end-to-end tests use it.
pub mod accounts;
pub mod build;
pub mod calls;
pub mod chain;
pub mod embedded;
pub mod governance;
pub mod manifest;
pub mod node;
pub mod operators;
pub mod oracle;
pub mod suite;

pub use accounts::{account_of, hex};
pub use build::{Artifact, BuildError, Contract, CONTRACTS};
pub use calls::{read, read_ok, submit, CallError, Cost, Env, Outcome};
pub use chain::{read_ok_at, BlockRef, ChainAccess, ChainError, ContractEvent};
pub use embedded::{
    advance_ms, events, events_of, native_balance, now_ms, ClockSandbox, EmbeddedClient, ETH,
};
pub use suite::{deploy_and_wire, DeployError, GovernorChoice, SuiteConfig, BEACON_GENESIS_MS};
