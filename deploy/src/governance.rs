//! Board decisions on a chain: proposals are passed by voting and then moving the chain's clock
//! past the voting period and the execution delay (`ChainAccess::advance_ms`).
use crate::calls::{submit, CallError, Env};
use crate::chain::ChainAccess;
use icseth_core::governance::{Action, Timing};
use ink::primitives::AccountId;
use ink_e2e::{ContractsBackend, E2EBackend, Keypair};
use std::fmt;
use whitelist_board::whitelist_board::WhitelistBoard;

/// How long a KYC the suite's tools grant lasts: a year (within the default 400-day maximum).
pub const KYC_TERM_MS: u64 = 365 * icseth_core::compliance::DAY_MS;

/// The KYC date a term after `now_ms` (the chain's block time).
pub fn kyc_until(now_ms: u64) -> u64 {
    now_ms.saturating_add(KYC_TERM_MS)
}

/// Proposes `action` as `members[0]` and has every one of `members` approve it. Returns its id.
pub async fn propose_and_approve<C>(
    client: &mut C,
    board: AccountId,
    members: &[Keypair],
    action: Action,
) -> Result<u64, CallError>
where
    C: E2EBackend<Env>,
    <C as ContractsBackend<Env>>::Error: fmt::Debug,
{
    let proposer = members
        .first()
        .ok_or_else(|| CallError::Refused("no proposer".into()))?;
    let mut call = ink_e2e::create_call_builder::<WhitelistBoard>(board);
    let id = submit(client, proposer, &call.propose(action), 0)
        .await?
        .accepted()?;
    for member in members {
        submit(client, member, &call.vote(id, true), 0)
            .await?
            .accepted()?;
    }
    Ok(id)
}

/// Passes every action (proposed by `members[0]`, approved by all of `members`), waits once for
/// the default voting period and execution delay, and executes them in order as `executor`.
/// Returns the proposal ids.
pub async fn decide_all<C>(
    client: &mut C,
    board: AccountId,
    members: &[Keypair],
    executor: &Keypair,
    actions: Vec<Action>,
) -> Result<Vec<u64>, CallError>
where
    C: E2EBackend<Env> + ChainAccess,
    <C as ContractsBackend<Env>>::Error: fmt::Debug,
{
    let mut ids = Vec::new();
    for action in actions {
        ids.push(propose_and_approve(client, board, members, action).await?);
    }
    client
        .advance_ms(Timing::DEFAULT.voting_period_ms + Timing::DEFAULT.execution_delay_ms)
        .await
        .map_err(|e| CallError::Backend(e.to_string()))?;
    let mut call = ink_e2e::create_call_builder::<WhitelistBoard>(board);
    for id in &ids {
        submit(client, executor, &call.execute(*id), 0)
            .await?
            .accepted()?;
    }
    Ok(ids)
}
