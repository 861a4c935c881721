//! The loss hold: while a loss is pending, deposits and flash exits wait, so nobody leaves at the
//! pre-loss rate or buys in at it. And the rules that stop one oracle member from holding them
//! for days with invented losses.
//!
//! Reports describe snapshots at frame boundaries (one frame is 225 epochs, a day, counted from the
//! oracle's genesis), so "the report for this frame" is well defined: a member cannot vote for a
//! snapshot that no honest report will ever describe.
//!
//! A hold is *corroborated* when the members that voted a loss for its frame reach
//! [`corroboration_threshold`] (at least two, and at least a third of the quorum), or when a
//! quorum-agreed report that the bounds refused shows it: it lasts until a report at or after its
//! snapshot applies. Otherwise it is *lone*: it ends when the report for its frame (or a later
//! one) applies, or [`LONE_HOLD_MS`] after it began, whichever is first. A member whose lone hold
//! ended without its loss being applied for that frame cannot start another lone hold for
//! [`LONE_HOLD_BAR_FRAMES`] frames (its loss votes are still counted and evented: the board's
//! evidence).
use crate::oracle::EPOCH_MS;

/// One report frame: 225 epochs of 384 s, exactly one day (Lido's accounting frame). Every report
/// describes the snapshot at the start of a frame.
pub const REPORT_FRAME_MS: u64 = 225 * EPOCH_MS;
/// Longest a lone hold lasts: 36 hours (a frame and a half: the honest report for its frame has
/// had half a day to arrive).
pub const LONE_HOLD_MS: u64 = 36 * 60 * 60 * 1000;
/// Frames after a lone hold ended unconfirmed during which its member cannot start another.
pub const LONE_HOLD_BAR_FRAMES: u64 = 3;

/// The frame `time_ms` falls in, counted from `genesis_ms` (`None` before genesis).
pub fn frame_at(genesis_ms: u64, time_ms: u64) -> Option<u64> {
    time_ms.checked_sub(genesis_ms)?.checked_div(REPORT_FRAME_MS)
}

/// The frame whose start is `ref_time_ms` (counted from `genesis_ms`), or `None` when the time is
/// before genesis or not a frame's start.
pub fn frame_of_reference(genesis_ms: u64, ref_time_ms: u64) -> Option<u64> {
    frame_at(genesis_ms, ref_time_ms).filter(|_| frame_start_at(genesis_ms, ref_time_ms) == Some(ref_time_ms))
}

/// The start of the frame `now_ms` falls in: the newest snapshot a report may describe at `now_ms`
/// (`None` before genesis).
pub fn frame_start_at(genesis_ms: u64, now_ms: u64) -> Option<u64> {
    let elapsed = now_ms.checked_sub(genesis_ms)?;
    let into_frame = elapsed.checked_rem(REPORT_FRAME_MS)?;
    now_ms.checked_sub(into_frame)
}

/// Distinct members voting a loss for one frame that make its hold corroborated: at least two,
/// and at least a third of the quorum (rounded up). One member alone is never corroboration.
pub fn corroboration_threshold(quorum: u32) -> u32 {
    quorum.div_ceil(3).max(2)
}

/// Whether a member may not start a lone hold for `frame` because its last lone hold ended
/// unconfirmed in frame `ended_in` (the frame its lapse time falls in: a hold its frame's report
/// ended earlier is barred from the same later point, which only errs against the member).
pub fn lone_hold_barred(ended_in: Option<u64>, frame: u64) -> bool {
    ended_in.is_some_and(|last| frame <= last.saturating_add(LONE_HOLD_BAR_FRAMES))
}

/// Whether a loss vote for the snapshot `ref_time_ms` with content `voted` stands unconfirmed: the
/// report applied for that snapshot had other content, or a later snapshot applied and none for
/// this one. `None` while the frame's report may still apply.
pub fn loss_vote_unconfirmed(
    ref_time_ms: u64,
    voted: &[u8; 32],
    applied_for_ref: Option<&[u8; 32]>,
    last_applied_ref: Option<u64>,
) -> Option<bool> {
    match applied_for_ref {
        Some(applied) => Some(applied != voted),
        None if last_applied_ref.is_some_and(|last| last > ref_time_ms) => Some(true),
        None => None,
    }
}

/// What a loss vote shown to the token carries: the snapshot it describes, and whether the hold
/// it starts is corroborated (see the module's rules).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum HoldBasis {
    /// Fewer members than the threshold voted a loss for the frame: the hold lapses.
    Lone,
    /// Enough members voted a loss for the frame, or a quorum's report was refused by a bound.
    Corroborated,
}

/// A corroborated hold: until a report at or after `until_ref` applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct HoldSpan {
    pub since: u64,
    pub until_ref: u64,
}

/// A lone hold: until a report at or after `until_ref` applies, or `lapses_at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct LoneSpan {
    pub since: u64,
    pub until_ref: u64,
    pub lapses_at: u64,
}

/// How a hold ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum HoldEnd {
    /// A report at or after its snapshot applied.
    ReportApplied,
    /// A lone hold reached its lapse time first.
    Lapsed,
}

/// What a refused deposit or flash exit is told: the hold lasts until a report at or after
/// `until_ref` applies, or (a lone hold with nothing corroborated beside it) until `lapses_at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub struct HoldUntil {
    pub until_ref: u64,
    pub lapses_at: Option<u64>,
}

/// The token's pending-loss state: a corroborated span and a lone span, each optional. Deposits
/// and flash exits wait while either holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct LossHold {
    pub corroborated: Option<HoldSpan>,
    pub lone: Option<LoneSpan>,
}

/// What changed when a vote or a report met the hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct HoldChange {
    /// The corroborated span began.
    pub corroborated_started: bool,
    /// The running corroborated span reached a newer snapshot.
    pub corroborated_extended: bool,
    /// The lone span began (a new lone hold) or reached a newer snapshot.
    pub lone_started: bool,
    pub lone_extended: bool,
    /// The corroborated span that ended: (since, ended at).
    pub ended_corroborated: Option<(u64, u64)>,
    /// The lone span that ended: (since, ended at, how).
    pub ended_lone: Option<(u64, u64, HoldEnd)>,
}

/// Moves a span's snapshot to `ref_time_ms` if that is newer; whether it moved.
fn reach(until_ref: &mut u64, ref_time_ms: u64) -> bool {
    let newer = ref_time_ms > *until_ref;
    if newer {
        *until_ref = ref_time_ms;
    }
    newer
}

impl LossHold {
    /// Whether deposits and flash exits wait at `now_ms`.
    pub fn is_active(&self, now_ms: u64) -> bool {
        self.corroborated.is_some() || self.live_lone(now_ms).is_some()
    }

    /// The lone span, unless it has lapsed by `now_ms`.
    fn live_lone(&self, now_ms: u64) -> Option<LoneSpan> {
        self.lone.filter(|l| now_ms < l.lapses_at)
    }

    /// Until when the hold lasts, as a refused caller is told; `None` when nothing holds.
    pub fn until(&self, now_ms: u64) -> Option<HoldUntil> {
        match (self.corroborated, self.live_lone(now_ms)) {
            (None, None) => None,
            (Some(c), None) => Some(HoldUntil {
                until_ref: c.until_ref,
                lapses_at: None,
            }),
            (None, Some(l)) => Some(HoldUntil {
                until_ref: l.until_ref,
                lapses_at: Some(l.lapses_at),
            }),
            // both: the later snapshot; the lone span's lapse no longer frees anyone
            (Some(c), Some(l)) => Some(HoldUntil {
                until_ref: c.until_ref.max(l.until_ref),
                lapses_at: None,
            }),
        }
    }

    /// Since when a hold is active (the earlier span's start), if one is.
    pub fn since(&self, now_ms: u64) -> Option<u64> {
        match (
            self.corroborated.map(|c| c.since),
            self.live_lone(now_ms).map(|l| l.since),
        ) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// A lone span that has lapsed by `now_ms` is dropped (reported as ended at its lapse time).
    fn drop_lapsed(&mut self, now_ms: u64, change: &mut HoldChange) {
        if let Some(l) = self.lone {
            if now_ms >= l.lapses_at {
                change.ended_lone = Some((l.since, l.lapses_at, HoldEnd::Lapsed));
                self.lone = None;
            }
        }
    }

    /// A vote (or a refused quorum report) showed a loss for the snapshot `ref_time_ms` at
    /// `now_ms`, with `basis`. A corroborated loss starts or extends the corroborated span; a lone
    /// one starts a lone span (lapsing `LONE_HOLD_MS` later) or extends the running one to the
    /// newer snapshot without moving its lapse.
    pub fn on_loss(&mut self, ref_time_ms: u64, basis: HoldBasis, now_ms: u64) -> HoldChange {
        let mut change = HoldChange::default();
        self.drop_lapsed(now_ms, &mut change);
        match basis {
            HoldBasis::Corroborated => match &mut self.corroborated {
                Some(c) => change.corroborated_extended = reach(&mut c.until_ref, ref_time_ms),
                None => {
                    self.corroborated = Some(HoldSpan {
                        since: now_ms,
                        until_ref: ref_time_ms,
                    });
                    change.corroborated_started = true;
                }
            },
            HoldBasis::Lone => match &mut self.lone {
                Some(l) => change.lone_extended = reach(&mut l.until_ref, ref_time_ms),
                None => {
                    self.lone = Some(LoneSpan {
                        since: now_ms,
                        until_ref: ref_time_ms,
                        lapses_at: now_ms.saturating_add(LONE_HOLD_MS),
                    });
                    change.lone_started = true;
                }
            },
        }
        change
    }

    /// A report for the snapshot `ref_time_ms` applied at `now_ms`: each span whose snapshot it
    /// reaches ends; a lapsed lone span is dropped.
    pub fn on_report_applied(&mut self, ref_time_ms: u64, now_ms: u64) -> HoldChange {
        let mut change = HoldChange::default();
        self.drop_lapsed(now_ms, &mut change);
        if let Some(c) = self.corroborated {
            if ref_time_ms >= c.until_ref {
                change.ended_corroborated = Some((c.since, now_ms));
                self.corroborated = None;
            }
        }
        if let Some(l) = self.lone {
            if ref_time_ms >= l.until_ref {
                change.ended_lone = Some((l.since, now_ms, HoldEnd::ReportApplied));
                self.lone = None;
            }
        }
        change
    }
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const HOUR: u64 = 60 * 60 * 1000;
    const DAY: u64 = 24 * HOUR;
    const GENESIS: u64 = 1_606_824_023_000;

    #[test]
    fn a_frame_is_a_day_of_whole_epochs() {
        assert_eq!(REPORT_FRAME_MS, DAY);
        assert_eq!(REPORT_FRAME_MS % EPOCH_MS, 0);
    }

    #[test]
    fn reference_times_are_frame_starts() {
        assert_eq!(frame_of_reference(GENESIS, GENESIS), Some(0));
        assert_eq!(frame_of_reference(GENESIS, GENESIS + 3 * DAY), Some(3));
        assert_eq!(frame_of_reference(GENESIS, GENESIS + 3 * DAY + 1), None);
        assert_eq!(frame_of_reference(GENESIS, GENESIS + 3 * DAY - 1), None);
        assert_eq!(frame_of_reference(GENESIS, GENESIS - DAY), None);
        assert_eq!(
            frame_start_at(GENESIS, GENESIS + 3 * DAY + 5),
            Some(GENESIS + 3 * DAY)
        );
        assert_eq!(
            frame_start_at(GENESIS, GENESIS + 3 * DAY),
            Some(GENESIS + 3 * DAY)
        );
        assert_eq!(frame_start_at(GENESIS, GENESIS - 1), None);
        assert_eq!(frame_at(GENESIS, GENESIS + 3 * DAY + 5), Some(3));
        assert_eq!(frame_at(GENESIS, GENESIS + 3 * DAY - 1), Some(2));
        assert_eq!(frame_at(GENESIS, GENESIS - 1), None);
    }

    #[test]
    fn corroboration_needs_two_members_and_a_third_of_the_quorum() {
        // 1 member (quorum 1), 3 (2), 5 (3): two members corroborate
        assert_eq!(corroboration_threshold(1), 2);
        assert_eq!(corroboration_threshold(2), 2);
        assert_eq!(corroboration_threshold(3), 2);
        assert_eq!(corroboration_threshold(6), 2);
        // 13 members (quorum 7) and 16 (quorum 9): three
        assert_eq!(corroboration_threshold(7), 3);
        assert_eq!(corroboration_threshold(9), 3);
    }

    #[test]
    fn the_bar_lasts_three_frames() {
        assert!(!lone_hold_barred(None, 10));
        assert!(lone_hold_barred(Some(10), 10));
        assert!(lone_hold_barred(Some(10), 13));
        assert!(!lone_hold_barred(Some(10), 14));
        assert!(lone_hold_barred(Some(u64::MAX), u64::MAX));
    }

    #[test]
    fn a_loss_vote_is_judged_by_its_frames_report() {
        let (mine, other) = ([1u8; 32], [2u8; 32]);
        assert_eq!(loss_vote_unconfirmed(5, &mine, Some(&mine), Some(5)), Some(false));
        assert_eq!(loss_vote_unconfirmed(5, &mine, Some(&other), Some(5)), Some(true));
        // the frame was passed over by a later report
        assert_eq!(loss_vote_unconfirmed(5, &mine, None, Some(6)), Some(true));
        // not decided yet
        assert_eq!(loss_vote_unconfirmed(5, &mine, None, Some(4)), None);
        assert_eq!(loss_vote_unconfirmed(5, &mine, None, Some(5)), None);
        assert_eq!(loss_vote_unconfirmed(5, &mine, None, None), None);
    }

    #[test]
    fn a_lone_hold_ends_with_its_frames_report_or_lapses() {
        let mut hold = LossHold::default();
        let now = 100 * DAY;
        let ch = hold.on_loss(99 * DAY, HoldBasis::Lone, now);
        assert!(ch.lone_started);
        assert!(hold.is_active(now));
        assert_eq!(
            hold.until(now),
            Some(HoldUntil {
                until_ref: 99 * DAY,
                lapses_at: Some(now + LONE_HOLD_MS)
            })
        );
        // an older report leaves it
        let ch = hold.on_report_applied(98 * DAY, now + HOUR);
        assert_eq!(ch.ended_lone, None);
        assert!(hold.is_active(now + HOUR));
        // the frame's report ends it
        let ch = hold.on_report_applied(99 * DAY, now + 2 * HOUR);
        assert_eq!(ch.ended_lone, Some((now, now + 2 * HOUR, HoldEnd::ReportApplied)));
        assert!(!hold.is_active(now + 2 * HOUR));
        assert_eq!(hold, LossHold::default());

        // without a report it lapses after 36 hours, to the millisecond
        hold.on_loss(99 * DAY, HoldBasis::Lone, now);
        assert!(hold.is_active(now + LONE_HOLD_MS - 1));
        assert!(!hold.is_active(now + LONE_HOLD_MS));
        assert_eq!(hold.until(now + LONE_HOLD_MS), None);
        assert_eq!(hold.since(now + LONE_HOLD_MS), None);
        let ch = hold.on_report_applied(98 * DAY, now + LONE_HOLD_MS);
        assert_eq!(ch.ended_lone, Some((now, now + LONE_HOLD_MS, HoldEnd::Lapsed)));
    }

    #[test]
    fn a_second_lone_vote_extends_the_snapshot_not_the_lapse() {
        let mut hold = LossHold::default();
        hold.on_loss(99 * DAY, HoldBasis::Lone, 100 * DAY);
        let ch = hold.on_loss(100 * DAY, HoldBasis::Lone, 100 * DAY + HOUR);
        assert!(ch.lone_extended && !ch.lone_started);
        assert_eq!(hold.lone.unwrap().lapses_at, 100 * DAY + LONE_HOLD_MS);
        assert_eq!(hold.lone.unwrap().until_ref, 100 * DAY);
        // an older snapshot changes nothing
        assert_eq!(
            hold.on_loss(98 * DAY, HoldBasis::Lone, 100 * DAY + HOUR),
            HoldChange::default()
        );
    }

    #[test]
    fn a_corroborated_hold_lasts_until_its_report_and_outlives_a_lone_lapse() {
        let mut hold = LossHold::default();
        let now = 100 * DAY;
        hold.on_loss(99 * DAY, HoldBasis::Lone, now);
        let ch = hold.on_loss(99 * DAY, HoldBasis::Corroborated, now + HOUR);
        assert!(ch.corroborated_started && !ch.corroborated_extended);
        assert_eq!(
            hold.until(now + HOUR),
            Some(HoldUntil {
                until_ref: 99 * DAY,
                lapses_at: None
            })
        );
        // long after the lone span's lapse the corroborated one still holds
        assert!(hold.is_active(now + 10 * DAY));
        assert_eq!(hold.since(now + 10 * DAY), Some(now + HOUR));
        let ch = hold.on_report_applied(98 * DAY, now + 10 * DAY);
        assert_eq!(ch.ended_corroborated, None);
        assert!(hold.is_active(now + 10 * DAY));
        let ch = hold.on_report_applied(99 * DAY, now + 11 * DAY);
        assert_eq!(ch.ended_corroborated, Some((now + HOUR, now + 11 * DAY)));
        assert!(!hold.is_active(now + 11 * DAY));
    }

    proptest! {
        /// Whatever lone votes arrive, a hold with no corroborated span frees deposits at the
        /// latest `LONE_HOLD_MS` after it began, and a report for its snapshot always ends it.
        #[test]
        fn lone_votes_never_hold_beyond_the_lapse(
            votes in proptest::collection::vec((0u64..10, 0u64..(3 * DAY)), 1..20),
        ) {
            let mut hold = LossHold::default();
            let mut now = 100 * DAY;
            let mut newest_ref = 0;
            let mut started = None;
            for (frame, step) in votes {
                now += step;
                let r = (90 + frame) * DAY;
                let before = hold;
                let ch = hold.on_loss(r, HoldBasis::Lone, now);
                if ch.lone_started {
                    started = Some(now);
                    newest_ref = r;
                } else if before.lone.is_some_and(|l| now < l.lapses_at) {
                    newest_ref = newest_ref.max(r);
                }
                let begun = started.unwrap();
                prop_assert_eq!(hold.is_active(now), now < begun + LONE_HOLD_MS);
                prop_assert!(!hold.is_active(begun + LONE_HOLD_MS));
                let mut ended = hold;
                ended.on_report_applied(newest_ref, now);
                prop_assert!(!ended.is_active(now));
            }
        }
    }
}
