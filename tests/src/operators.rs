//! Operators on the embedded chain: registration by an admin, and approval by a governor account
//! (suites tested without the board) or by the board's actions.
use crate::accounts::account_of;
use crate::calls::{submit, CallError, Env};
use icseth_core::governance::{Action, RegistryDecision};
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
