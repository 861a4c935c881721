//! Operators on the embedded chain: registration by an admin, and approval by a governor account
//! (suites tested without the board) or by the board's actions.
use crate::accounts::account_of;
use crate::calls::{submit, CallError, Env};
use icseth_abi::registry::RegistryGovernance;
use icseth_core::governance::{Action, RegistryDecision};
use icseth_core::operators::Figures;
use ink::primitives::AccountId;
use ink_e2e::{ContractsBackend, E2EBackend, Keypair};
use operator_registry::operator_registry::{OperatorKind, OperatorRegistry};
use std::fmt;

/// `admin` registers an operator of `kind` named `name`, with its own account as reward and
/// deposit address, and sets `keys` validator keys. Returns the id; the operator is pending.
pub async fn register_operator<C>(
    client: &mut C,
    registry: AccountId,
    admin: &Keypair,
    name: &str,
    kind: OperatorKind,
    keys: u32,
) -> Result<u32, CallError>
where
    C: E2EBackend<Env>,
    <C as ContractsBackend<Env>>::Error: fmt::Debug,
{
    let mut call = ink_e2e::create_call_builder::<OperatorRegistry>(registry);
    let own = account_of(admin);
    let id = submit(
        client,
        admin,
        &call.register_operator(name.into(), kind, own, own),
        0,
    )
    .await?
    .accepted()?;
    submit(client, admin, &call.set_keys(id, keys), 0)
        .await?
        .accepted()?;
    Ok(id)
}

/// The board's actions that approve `operator` and set its limit.
pub fn approval(operator: u32, limit: u32) -> [Action; 2] {
    [
        Action::OperatorRegistry(RegistryDecision::ApproveOperator { operator }),
        Action::OperatorRegistry(RegistryDecision::SetLimit { operator, limit }),
    ]
}

/// A governor account approves `operator` and sets its limit (suites governed by an account).
pub async fn approve_operator<C>(
    client: &mut C,
    registry: AccountId,
    governor: &Keypair,
    operator: u32,
    limit: u32,
) -> Result<(), CallError>
where
    C: E2EBackend<Env>,
    <C as ContractsBackend<Env>>::Error: fmt::Debug,
{
    let mut call = ink_e2e::create_call_builder::<OperatorRegistry>(registry);
    for decision in [
        RegistryDecision::ApproveOperator { operator },
        RegistryDecision::SetLimit { operator, limit },
    ] {
        submit(client, governor, &call.govern(decision), 0)
            .await?
            .accepted()?;
    }
    Ok(())
}

/// A good frame: scores 9,860 (effectiveness 98%, one block proposed of one due).
pub const GOOD_FRAME: Figures = Figures {
    effectiveness_bps: 9_800,
    proposed: 1,
    missed: 0,
    consensus_rewards: 26_300_000_000_000_000,
    mev_rewards: 5_000_000_000_000_000,
    exited: 0,
};

/// A weak frame: scores 4,900 (effectiveness 70%, its one proposal missed), below the threshold.
pub const WEAK_FRAME: Figures = Figures {
    effectiveness_bps: 7_000,
    proposed: 0,
    missed: 1,
    consensus_rewards: 18_000_000_000_000_000,
    mev_rewards: 0,
    exited: 0,
};
