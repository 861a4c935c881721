//! Oracle reports on the embedded chain: the epoch a reference time falls in, and members voting
//! through the oracle contract.
use crate::calls::{submit, CallError, Env};
use crate::deploy::BEACON_GENESIS_MS;
use icseth_core::oracle::Report;
use ink::primitives::AccountId;
use ink_e2e::{ContractsBackend, E2EBackend, Keypair};
use oracle_consensus::oracle_consensus::{OracleConsensus, ReportVoteOutcome};
use std::fmt;

/// The epoch a snapshot at `ref_time_ms` describes, for a suite deployed with the default genesis.
pub fn epoch_at(ref_time_ms: u64) -> u64 {
    icseth_core::oracle::epoch_at(BEACON_GENESIS_MS, ref_time_ms).unwrap_or(0)
}

/// The start of the report frame `time_ms` falls in: the newest snapshot a report may describe at
/// that time (reports describe frame starts), for a suite deployed with the default genesis.
pub fn frame_start(time_ms: u64) -> u64 {
    icseth_core::hold::frame_start_at(BEACON_GENESIS_MS, time_ms).unwrap_or(0)
}

/// Moves the clock to the start of the next report frame; returns it.
pub fn next_frame() -> u64 {
    let next = frame_start(crate::sandbox::now_ms()) + icseth_core::hold::REPORT_FRAME_MS;
    crate::sandbox::advance_ms(next - crate::sandbox::now_ms());
    next
}

/// `report` describing the snapshot at the start of the frame `time_ms` falls in, with the epoch
/// that snapshot falls in.
pub fn at(time_ms: u64, report: Report) -> Report {
    let ref_time_ms = frame_start(time_ms);
    Report {
        epoch: epoch_at(ref_time_ms),
        ref_time_ms,
        ..report
    }
}

/// Each of `members` votes for `report`, in order; returns the last vote's outcome. Fails on the
/// first refused vote.
pub async fn agree<C>(
    client: &mut C,
    oracle: AccountId,
    members: &[Keypair],
    report: Report,
) -> Result<ReportVoteOutcome, CallError>
where
    C: E2EBackend<Env>,
    <C as ContractsBackend<Env>>::Error: fmt::Debug,
{
    let mut call = ink_e2e::create_call_builder::<OracleConsensus>(oracle);
    let mut last = None;
    for member in members {
        last = Some(
            submit(client, member, &call.submit_report(report), 0)
                .await?
                .accepted()?,
        );
    }
    last.ok_or_else(|| CallError::Refused("no member voted".into()))
}

/// Whether a vote applied its report.
pub fn applied(outcome: ReportVoteOutcome) -> bool {
    outcome == ReportVoteOutcome::Applied
}

/// Asserts that the token's last `ReportApplied` event states the figures the test's model
/// computed for the report.
pub fn assert_report_applied(token: &AccountId, figures: &crate::model::ReportFigures, label: &str) {
    let event = crate::sandbox::events_of::<icseth_token::icseth_token::ReportApplied>(token)
        .pop()
        .expect("no ReportApplied event");
    assert_eq!(
        (
            event.applied_gain,
            event.unapplied_gain,
            event.released_kept,
            event.loss,
            event.covered,
            event.protocol_fee,
            event.protection_fee,
            event.finalized_tickets as usize
        ),
        (
            figures.applied_gain,
            figures.unapplied_gain,
            figures.released_kept,
            figures.loss,
            figures.covered,
            figures.protocol_fee,
            figures.protection_fee,
            figures.finalized
        ),
        "{label}: the report's figures [gain, carried, released kept, loss, covered, fees, finalized]"
    );
}
