//! Operator policy that needs no contract: validator counts, performance scores, the comparison of
//! claimed and attested figures, and the status rules driven by scores.
use crate::math::BPS;

/// One validator's deposit: 32 ETH in the chain's smallest unit.
pub const VALIDATOR_DEPOSIT: u128 = 32_000_000_000_000_000_000;

/// An operator's validator counts, kept as `keys >= limit >= funded - exited` (the limit bounds
/// live validators, so an exit frees it), `keys >= funded` (every validator uses a key of its own)
/// and `funded >= exited`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct ValidatorCounts {
    /// Keys the operator has uploaded.
    pub keys: u32,
    /// Most live validators the board lets it run.
    pub limit: u32,
    /// Validators the protocol has funded.
    pub funded: u32,
    /// Funded validators that have exited.
    pub exited: u32,
}

/// Why a change of counts was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum CountsError {
    /// Keys may not drop below the limit nor the funded validators.
    KeysBelowLimit,
    /// The limit may not exceed the keys nor drop below the live validators.
    LimitOutOfRange,
    /// More validators than the spare room (`spare`).
    AboveSpareLimit,
    /// More exits than live validators.
    TooManyExits,
}

impl ValidatorCounts {
    /// Whether `keys >= limit >= live`, `keys >= funded` and `funded >= exited` hold.
    pub fn is_valid(&self) -> bool {
        self.funded >= self.exited
            && self.keys >= self.limit
            && self.keys >= self.funded
            && self.limit >= self.live()
    }

    /// Validators funded and not exited.
    pub fn live(&self) -> u32 {
        self.funded.saturating_sub(self.exited)
    }

    /// Validators that may still be funded: room under the limit for live validators, and unused
    /// keys.
    pub fn spare(&self) -> u32 {
        self.limit
            .saturating_sub(self.live())
            .min(self.keys.saturating_sub(self.funded))
    }

    pub fn with_keys(self, keys: u32) -> Result<Self, CountsError> {
        if keys < self.limit || keys < self.funded {
            return Err(CountsError::KeysBelowLimit);
        }
        Ok(Self { keys, ..self })
    }

    pub fn with_limit(self, limit: u32) -> Result<Self, CountsError> {
        if limit > self.keys || limit < self.live() {
            return Err(CountsError::LimitOutOfRange);
        }
        Ok(Self { limit, ..self })
    }

    pub fn with_funded(self, validators: u32) -> Result<Self, CountsError> {
        if validators == 0 || validators > self.spare() {
            return Err(CountsError::AboveSpareLimit);
        }
        Ok(Self {
            funded: self.funded.saturating_add(validators),
            ..self
        })
    }

    pub fn with_exited(self, validators: u32) -> Result<Self, CountsError> {
        let exited = self
            .exited
            .checked_add(validators)
            .ok_or(CountsError::TooManyExits)?;
        if exited > self.funded {
            return Err(CountsError::TooManyExits);
        }
        Ok(Self { exited, ..self })
    }
}

/// One frame's performance figures, as an operator claims them or an oracle member attests them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Figures {
    /// Attestation effectiveness, in basis points (at most 10,000).
    pub effectiveness_bps: u32,
    /// Blocks proposed.
    pub proposed: u32,
    /// Block proposals missed.
    pub missed: u32,
    /// Consensus-layer rewards (native units).
    pub consensus_rewards: u128,
    /// Execution-layer rewards including MEV (native units).
    pub mev_rewards: u128,
    /// The operator's validators that have exited, ever, as of the frame's end (the registry
    /// records the rise; never above the validators funded).
    pub exited: u32,
}

impl Figures {
    /// Effectiveness within 0..=100%.
    pub fn is_valid(&self) -> bool {
        u128::from(self.effectiveness_bps) <= BPS
    }
}

/// Weight of attestation effectiveness in the score; the rest is proposal reliability.
pub const EFFECTIVENESS_WEIGHT_BPS: u32 = 7_000;

/// A frame's score in basis points (0..=10,000) from attested figures: 70% attestation
/// effectiveness, 30% the share of block proposals made (100% when none were due). Monotone in
/// effectiveness; proposals missed only lower it.
pub fn score(figures: &Figures) -> u32 {
    let effectiveness = figures.effectiveness_bps.min(10_000);
    let due = u64::from(figures.proposed).saturating_add(u64::from(figures.missed));
    // no proposals due: fully reliable
    let reliability = u64::from(figures.proposed)
        .saturating_mul(10_000)
        .checked_div(due)
        .unwrap_or(10_000);
    let reliability_weight = 10_000u32.saturating_sub(EFFECTIVENESS_WEIGHT_BPS);
    let weighted = u64::from(effectiveness)
        .saturating_mul(u64::from(EFFECTIVENESS_WEIGHT_BPS))
        .saturating_add(reliability.saturating_mul(u64::from(reliability_weight)))
        .checked_div(10_000)
        .unwrap_or(0);
    u32::try_from(weighted.min(10_000)).unwrap_or(10_000)
}

/// Whether claimed and attested figures differ beyond `tolerance_bps`: effectiveness by more than
/// that many basis points, any proposal count, or either reward by more than that share.
pub fn disagree(claimed: &Figures, attested: &Figures, tolerance_bps: u32) -> bool {
    let reward_off = |a: u128, b: u128| {
        let diff = a.abs_diff(b);
        let scale = a.max(b);
        // diff / scale > tolerance / BPS, without division
        diff.saturating_mul(BPS) > scale.saturating_mul(u128::from(tolerance_bps))
    };
    claimed.effectiveness_bps.abs_diff(attested.effectiveness_bps) > tolerance_bps
        || claimed.proposed != attested.proposed
        || claimed.missed != attested.missed
        || claimed.exited != attested.exited
        || reward_off(claimed.consensus_rewards, attested.consensus_rewards)
        || reward_off(claimed.mev_rewards, attested.mev_rewards)
}

/// Where an operator stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum OperatorStatus {
    /// Registered, waiting for the board.
    Pending,
    /// Approved: may receive stake.
    Active,
    /// Under the score threshold for `frames_to_probation` frames in a row: no new stake.
    Probation,
    /// Still under it for `frames_to_pause` more frames: no new stake.
    Paused,
    /// Removed by the board, for good.
    Exited,
}

impl OperatorStatus {
    /// Whether the operator may receive new stake.
    pub fn may_stake(&self) -> bool {
        matches!(self, OperatorStatus::Active)
    }
}

/// How open self-registration is. Anyone may register an operator, but registrations waiting
/// for the board are capped apart from the operators it approved and expire: an attacker with
/// many accounts can fill the waiting room, never the registry, and the board's invitations
/// (`RegistryDecision::InviteOperator`) bypass the waiting room, so it can always onboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct RegistrationLimits {
    /// Most pending self-registrations at once.
    pub max_pending: u32,
    /// How long a pending registration waits for the board before anyone may expire it (ms).
    pub pending_ttl_ms: u64,
}

impl RegistrationLimits {
    /// 32 waiting registrations, two weeks each.
    pub const DEFAULT: RegistrationLimits = RegistrationLimits {
        max_pending: 32,
        pending_ttl_ms: 14 * 24 * 60 * 60 * 1000,
    };
    /// Hard caps: at most 1,000 waiting (the registry's size), between a day and 90 days.
    pub fn is_valid(&self) -> bool {
        let day = 24 * 60 * 60 * 1000;
        (1..=1_000).contains(&self.max_pending) && (day..=90 * day).contains(&self.pending_ttl_ms)
    }
}

/// The performance rules' parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct PerformancePolicy {
    /// A frame scoring below this is weak (basis points).
    pub threshold_bps: u32,
    /// Weak frames in a row that move an active operator to probation.
    pub frames_to_probation: u32,
    /// Further weak frames in a row that move an operator on probation to paused.
    pub frames_to_pause: u32,
    /// Largest difference between claimed and attested figures that is not flagged (bps).
    pub tolerance_bps: u32,
}

impl PerformancePolicy {
    /// 90% score; 3 weak frames to probation, 3 more to paused; 1% tolerance.
    pub const DEFAULT: PerformancePolicy = PerformancePolicy {
        threshold_bps: 9_000,
        frames_to_probation: 3,
        frames_to_pause: 3,
        tolerance_bps: 100,
    };

    pub fn is_valid(&self) -> bool {
        self.threshold_bps <= 10_000
            && self.frames_to_probation > 0
            && self.frames_to_pause > 0
            && self.tolerance_bps <= 10_000
    }
}

/// An operator's status after one more attested frame with `frame_score`, and its new streak of
/// weak frames. The only transitions: Active -> Probation after `frames_to_probation` weak frames in
/// a row; Probation -> Paused after `frames_to_pause` more; Probation or Paused -> Active on a
/// frame at or above the threshold. Pending and Exited never change by performance.
pub fn next_status(
    status: OperatorStatus,
    weak_streak: u32,
    frame_score: u32,
    policy: &PerformancePolicy,
) -> (OperatorStatus, u32) {
    if matches!(status, OperatorStatus::Pending | OperatorStatus::Exited) {
        return (status, weak_streak);
    }
    if frame_score >= policy.threshold_bps {
        return (OperatorStatus::Active, 0);
    }
    let streak = weak_streak.saturating_add(1);
    let to_pause = policy.frames_to_probation.saturating_add(policy.frames_to_pause);
    let next = match status {
        OperatorStatus::Active if streak >= policy.frames_to_probation => OperatorStatus::Probation,
        OperatorStatus::Probation if streak >= to_pause => OperatorStatus::Paused,
        other => other,
    };
    (next, streak)
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::*;

    #[test]
    fn count_changes_accept_their_edges_and_record_them() {
        let c = ValidatorCounts {
            keys: 4,
            limit: 3,
            funded: 2,
            exited: 1,
        };
        // keys may equal the limit; the limit may equal keys or the live validators (one exited
        // of two); the spare is min(limit - live, keys - funded) = 2, all fundable at once;
        // exits are recorded
        assert_eq!(c.with_keys(3).map(|c| c.keys), Ok(3));
        assert_eq!(c.with_keys(2), Err(CountsError::KeysBelowLimit));
        assert_eq!(c.with_limit(4).map(|c| c.limit), Ok(4));
        assert_eq!(c.with_limit(1).map(|c| c.limit), Ok(1));
        assert_eq!(c.with_limit(5), Err(CountsError::LimitOutOfRange));
        assert_eq!(c.with_limit(0), Err(CountsError::LimitOutOfRange));
        assert_eq!(c.spare(), 2);
        assert_eq!(c.with_funded(2).map(|c| c.funded), Ok(4));
        assert_eq!(c.with_funded(3), Err(CountsError::AboveSpareLimit));
        // an exit frees the limit, but a used key is never used again
        let full = ValidatorCounts {
            keys: 6,
            limit: 2,
            funded: 2,
            exited: 0,
        };
        assert_eq!(full.spare(), 0);
        assert_eq!(full.with_exited(1).map(|c| c.spare()), Ok(1));
        let no_keys = ValidatorCounts {
            keys: 2,
            limit: 2,
            funded: 2,
            exited: 1,
        };
        assert_eq!(no_keys.spare(), 0);
        assert_eq!(no_keys.with_keys(1), Err(CountsError::KeysBelowLimit));
        assert_eq!(c.with_exited(1).map(|c| c.exited), Ok(2));
        assert_eq!(c.with_exited(2), Err(CountsError::TooManyExits));
        // two weeks of waiting by default
        assert_eq!(RegistrationLimits::DEFAULT.pending_ttl_ms, 1_209_600_000);
    }

    #[test]
    fn each_count_order_is_checked() {
        let ok = ValidatorCounts {
            keys: 4,
            limit: 3,
            funded: 2,
            exited: 1,
        };
        assert!(ok.is_valid());
        // equality at every step is valid
        assert!(ValidatorCounts {
            keys: 2,
            limit: 2,
            funded: 2,
            exited: 2,
        }
        .is_valid());
        // each of the three orders broken alone
        assert!(!ValidatorCounts { keys: 2, ..ok }.is_valid());
        assert!(!ValidatorCounts { limit: 0, ..ok }.is_valid());
        assert!(!ValidatorCounts {
            keys: 5,
            limit: 5,
            funded: 6,
            exited: 1
        }
        .is_valid());
        assert!(!ValidatorCounts { funded: 0, ..ok }.is_valid());
    }

    #[test]
    fn effectiveness_above_one_whole_is_invalid() {
        let at_most = Figures {
            effectiveness_bps: 10_000,
            ..Figures::default()
        };
        assert!(at_most.is_valid());
        assert!(!Figures {
            effectiveness_bps: 10_001,
            ..at_most
        }
        .is_valid());
    }

    #[test]
    fn only_active_operators_may_stake() {
        use OperatorStatus::*;
        let may: Vec<bool> = [Pending, Active, Probation, Paused, Exited]
            .iter()
            .map(OperatorStatus::may_stake)
            .collect();
        assert_eq!(may, vec![false, true, false, false, false]);
    }

    #[test]
    fn policy_bounds_are_each_checked() {
        let p = PerformancePolicy::DEFAULT;
        assert!(p.is_valid());
        assert!(PerformancePolicy {
            threshold_bps: 10_000,
            tolerance_bps: 10_000,
            ..p
        }
        .is_valid());
        assert!(!PerformancePolicy {
            threshold_bps: 10_001,
            ..p
        }
        .is_valid());
        assert!(!PerformancePolicy {
            frames_to_probation: 0,
            ..p
        }
        .is_valid());
        assert!(!PerformancePolicy {
            frames_to_pause: 0,
            ..p
        }
        .is_valid());
        assert!(!PerformancePolicy {
            tolerance_bps: 10_001,
            ..p
        }
        .is_valid());
    }

    #[test]
    fn registration_limits_bounds() {
        let day = 24 * 60 * 60 * 1000;
        let l = RegistrationLimits::DEFAULT;
        assert!(l.is_valid());
        for (max_pending, ttl, valid) in [
            (1, day, true),
            (1_000, 90 * day, true),
            (0, day, false),
            (1_001, day, false),
            (1, day - 1, false),
            (1, 90 * day + 1, false),
        ] {
            let limits = RegistrationLimits {
                max_pending,
                pending_ttl_ms: ttl,
            };
            assert_eq!(limits.is_valid(), valid, "{limits:?}");
        }
    }
    use proptest::prelude::*;

    fn figures(effectiveness_bps: u32, proposed: u32, missed: u32) -> Figures {
        Figures {
            effectiveness_bps,
            proposed,
            missed,
            ..Figures::default()
        }
    }

    #[test]
    fn score_examples() {
        assert_eq!(score(&figures(10_000, 0, 0)), 10_000);
        assert_eq!(score(&figures(0, 0, 0)), 3_000);
        assert_eq!(score(&figures(10_000, 0, 4)), 7_000);
        assert_eq!(score(&figures(9_000, 1, 1)), 7_800);
    }

    #[test]
    fn counts_rules() {
        let c = ValidatorCounts::default()
            .with_keys(10)
            .unwrap()
            .with_limit(4)
            .unwrap();
        assert_eq!(c.spare(), 4);
        let c = c.with_funded(2).unwrap();
        assert_eq!(c.with_funded(3), Err(CountsError::AboveSpareLimit));
        assert_eq!(c.with_funded(0), Err(CountsError::AboveSpareLimit));
        assert_eq!(c.with_keys(3), Err(CountsError::KeysBelowLimit));
        assert_eq!(c.with_limit(11), Err(CountsError::LimitOutOfRange));
        assert_eq!(c.with_limit(1), Err(CountsError::LimitOutOfRange));
        assert_eq!(c.with_exited(3), Err(CountsError::TooManyExits));
        assert!(c.with_exited(2).unwrap().is_valid());
    }

    #[test]
    fn disagreement_tolerance() {
        let claimed = Figures {
            effectiveness_bps: 9_900,
            consensus_rewards: 1_000,
            ..Figures::default()
        };
        assert!(!disagree(&claimed, &claimed, 100));
        let close = Figures {
            effectiveness_bps: 9_800,
            consensus_rewards: 990,
            ..claimed
        };
        assert!(!disagree(&claimed, &close, 100));
        let far = Figures {
            effectiveness_bps: 9_700,
            ..claimed
        };
        assert!(disagree(&claimed, &far, 100));
        let rewards_far = Figures {
            consensus_rewards: 980,
            ..claimed
        };
        assert!(disagree(&claimed, &rewards_far, 100));
        let proposal_off = Figures {
            proposed: 1,
            ..claimed
        };
        assert!(disagree(&claimed, &proposal_off, 100));
    }

    #[test]
    fn probation_then_paused_then_recovery() {
        let p = PerformancePolicy::DEFAULT;
        let mut state = (OperatorStatus::Active, 0);
        let mut seen = vec![];
        for _ in 0..6 {
            state = next_status(state.0, state.1, 5_000, &p);
            seen.push(state.0);
        }
        use OperatorStatus::*;
        assert_eq!(
            seen,
            vec![Active, Active, Probation, Probation, Probation, Paused]
        );
        assert_eq!(next_status(Paused, 6, 9_000, &p), (Active, 0));
        assert_eq!(next_status(Exited, 0, 0, &p), (Exited, 0));
        assert_eq!(next_status(Pending, 0, 0, &p), (Pending, 0));
    }

    fn arb_figures() -> impl Strategy<Value = Figures> {
        (0u32..=10_000, 0u32..100, 0u32..100, any::<u64>(), any::<u64>()).prop_map(|(e, p, m, c, v)| {
            Figures {
                effectiveness_bps: e,
                proposed: p,
                missed: m,
                consensus_rewards: u128::from(c),
                mev_rewards: u128::from(v),
                exited: 0,
            }
        })
    }

    #[derive(Debug, Clone)]
    enum CountOp {
        Keys(u32),
        Limit(u32),
        Fund(u32),
        Exit(u32),
    }

    proptest! {
        #[test]
        fn the_score_stays_in_range_and_is_monotone_in_effectiveness(f in arb_figures(), more in 0u32..=10_000) {
            let s = score(&f);
            prop_assert!(s <= 10_000);
            let better = Figures { effectiveness_bps: f.effectiveness_bps.max(more), ..f };
            prop_assert!(score(&better) >= s);
        }

        #[test]
        fn the_count_invariant_holds_after_any_sequence(ops in proptest::collection::vec(
            prop_oneof![
                (0u32..50).prop_map(CountOp::Keys),
                (0u32..50).prop_map(CountOp::Limit),
                (0u32..10).prop_map(CountOp::Fund),
                (0u32..10).prop_map(CountOp::Exit),
            ], 0..60)) {
            let mut c = ValidatorCounts::default();
            for op in ops {
                let next = match op {
                    CountOp::Keys(k) => c.with_keys(k),
                    CountOp::Limit(l) => c.with_limit(l),
                    CountOp::Fund(n) => c.with_funded(n),
                    CountOp::Exit(n) => c.with_exited(n),
                };
                if let Ok(n) = next {
                    c = n;
                }
                prop_assert!(c.is_valid(), "{:?}", c);
            }
        }

        #[test]
        fn status_transitions_follow_only_the_documented_rules(
            scores in proptest::collection::vec(0u32..=10_000, 0..40),
            start in 0usize..5,
        ) {
            use OperatorStatus::*;
            let p = PerformancePolicy::DEFAULT;
            let mut state = ([Pending, Active, Probation, Paused, Exited][start], 0u32);
            for s in scores {
                let (from, streak) = state;
                let (to, new_streak) = next_status(from, streak, s, &p);
                let allowed = match (from, to) {
                    (a, b) if a == b => true,
                    (Active, Probation) => s < p.threshold_bps && new_streak >= p.frames_to_probation,
                    (Probation, Paused) => s < p.threshold_bps && new_streak >= p.frames_to_probation + p.frames_to_pause,
                    (Probation | Paused, Active) => s >= p.threshold_bps,
                    _ => false,
                };
                prop_assert!(allowed, "{:?} -> {:?} on score {}", from, to, s);
                if matches!(from, Pending | Exited) {
                    prop_assert_eq!(to, from);
                }
                state = (to, new_streak);
            }
        }
    }
}
