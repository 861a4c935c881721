//! Oracle reports on a chain: the epoch a reference time falls in, and members voting
//! through the oracle contract.
use crate::calls::{submit, CallError, Env};
use crate::suite::BEACON_GENESIS_MS;
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
