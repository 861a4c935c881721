//! Oracle reports on the embedded chain: the deploy library's drivers (`icseth_deploy::oracle`),
//! and what the tests add (the clock moved frame by frame, the model's figures checked).
pub use icseth_deploy::oracle::*;
use ink::primitives::AccountId;

/// Moves the clock to the start of the next report frame; returns it.
pub fn next_frame() -> u64 {
    let next = frame_start(icseth_deploy::embedded::now_ms()) + icseth_core::hold::REPORT_FRAME_MS;
    icseth_deploy::embedded::advance_ms(next - icseth_deploy::embedded::now_ms());
    next
}

/// Asserts that the accounting's last `ReportApplied` event states the figures the test's model
/// computed for the report.
pub fn assert_report_applied(accounting: &AccountId, figures: &crate::model::ReportFigures, label: &str) {
    let event =
        icseth_deploy::embedded::events_of::<icseth_accounting::icseth_accounting::ReportApplied>(accounting)
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
