//! The icsETH suite on a chain: the embedded chain (`sandbox`), calls that never panic (`calls`),
//! and deployment with wiring (`deploy`). The end-to-end tests in `tests/` and the benchmark use it.
pub mod accounts;
pub mod calls;
pub mod deploy;
pub mod governance;
pub mod model;
pub mod operators;
pub mod oracle;
pub mod sandbox;

pub use accounts::{account_of, hex};
pub use calls::{read, read_ok, submit, CallError, Cost, Env, Outcome};
pub use deploy::{deploy_and_wire, DeployError, GovernorChoice, SuiteConfig, BEACON_GENESIS_MS};
pub use sandbox::{advance_ms, events, events_of, now_ms, ClockSandbox, ETH};

/// The client that drives the embedded chain with the project's sandbox.
pub type EmbeddedClient =
    ink_e2e::SandboxClient<ink::primitives::AccountId, ink::primitives::Hash, ClockSandbox>;

/// `who`'s free native balance on the embedded chain, signed so that changes subtract.
pub async fn native_balance(client: &mut EmbeddedClient, who: &ink_e2e::Keypair) -> Result<i128, CallError> {
    use ink_e2e::ChainBackend;
    let balance = client
        .free_balance(account_of(who))
        .await
        .map_err(|e| CallError::Backend(format!("{e:?}")))?;
    i128::try_from(balance).map_err(|e| CallError::Decode(e.to_string()))
}
