//! Where stake goes and where it leaves from: the allocation rule over the operators in service,
//! the exit-request rule (the same rule in reverse) and the demand that triggers exits.
//!
//! The registry keeps every operator in service (approved and not removed) in a bounded index per
//! kind, reads them into `Candidate`s, and this module decides one validator at a time, so a page
//! of `n` validators costs `n` scans of at most `KINDS * max_per_kind` candidates in memory and
//! one storage read and write per operator. Counts are of *staying* validators: funded, not
//! exited and not asked to exit.
use crate::math::BPS;
use crate::operators::{OperatorStatus, VALIDATOR_DEPOSIT};

/// SSV clusters, Obol clusters, KYC ring-fenced nodes.
pub const KINDS: usize = 3;
/// Hard cap on operators in service per kind: every allocation scans them all.
pub const MAX_PER_KIND: u32 = 32;
/// Hard cap on validators one call allocates or asks to exit.
pub const MAX_PAGE: u32 = 32;
/// For how many days (the day of funding included) newly funded validators are never asked to
/// exit by the tickets' demand: the beacon chain lets a validator exit only 256 epochs (27.3
/// hours) after its activation, which itself waits for the deposit and the activation queue.
pub const YOUNG_DAYS: u32 = 3;

/// Validators funded per day in the last `YOUNG_DAYS` days (a ring keyed by the day number).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct RecentlyFunded {
    pub days: [(u32, u32); YOUNG_DAYS as usize],
}

impl RecentlyFunded {
    fn day(now_ms: u64) -> u32 {
        u32::try_from(now_ms / DAY_MS).unwrap_or(u32::MAX)
    }

    /// Counts `validators` funded at `now_ms`.
    pub fn add(&mut self, now_ms: u64, validators: u32) {
        let day = Self::day(now_ms);
        let slot = (day % YOUNG_DAYS) as usize;
        if let Some(entry) = self.days.get_mut(slot) {
            if entry.0 != day {
                *entry = (day, 0);
            }
            entry.1 = entry.1.saturating_add(validators);
        }
    }

    /// Validators funded today or in the `YOUNG_DAYS - 1` days before, at `now_ms`.
    pub fn young(&self, now_ms: u64) -> u32 {
        let today = Self::day(now_ms);
        self.days
            .iter()
            .filter(|(day, _)| today.saturating_sub(*day) < YOUNG_DAYS && *day <= today)
            .fold(0u32, |acc, (_, n)| acc.saturating_add(*n))
    }
}

/// How an operator runs its validators; its index is its place in the kind targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum OperatorKind {
    SsvCluster,
    ObolCluster,
    KycRingFenced,
}

impl OperatorKind {
    pub fn index(self) -> usize {
        match self {
            OperatorKind::SsvCluster => 0,
            OperatorKind::ObolCluster => 1,
            OperatorKind::KycRingFenced => 2,
        }
    }
}

/// The board's allocation and exit parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct AllocationPolicy {
    /// Target share of staying validators per kind (basis points, summing to 10,000).
    pub kind_target_bps: [u32; KINDS],
    /// Most of the staying validators one operator may hold (basis points). With `n` operators
    /// able to take stake the cap is at least `ceil(10,000 / n)`, so it can always be met: with
    /// four or more it is this value.
    pub max_operator_share_bps: u32,
    /// Most operators in service per kind (1..=`MAX_PER_KIND`): the board approves no more.
    pub max_per_kind: u32,
    /// Native value the buffer keeps beyond what tickets are owed: allocation never spends it.
    pub liquidity_floor: u128,
    /// Most validators one call allocates or asks to exit (1..=`MAX_PAGE`).
    pub page: u32,
    /// How long an operator has to exit the validators it is asked to (ms): a day to 30 days.
    pub exit_deadline_ms: u64,
}

const DAY_MS: u64 = 24 * 60 * 60 * 1000;

impl AllocationPolicy {
    /// SSV 40%, Obol 40%, KYC ring-fenced 20%; no operator above 25% once four may take stake; 16
    /// operators per kind; no floor (immediate exits are the flash-exit reserve's, with its own
    /// target, and tickets are owed before anything is allocated); pages of 16 validators; 4 days
    /// to exit (the beacon chain's exit takes about a day when its queue is empty).
    pub const DEFAULT: AllocationPolicy = AllocationPolicy {
        kind_target_bps: [4_000, 4_000, 2_000],
        max_operator_share_bps: 2_500,
        max_per_kind: 16,
        liquidity_floor: 0,
        page: 16,
        exit_deadline_ms: 4 * DAY_MS,
    };

    pub fn is_valid(&self) -> bool {
        let sum = self
            .kind_target_bps
            .iter()
            .fold(0u64, |acc, t| acc.saturating_add(u64::from(*t)));
        u128::from(sum) == BPS
            && (1..=10_000).contains(&self.max_operator_share_bps)
            && (1..=MAX_PER_KIND).contains(&self.max_per_kind)
            && (1..=MAX_PAGE).contains(&self.page)
            && (DAY_MS..=30 * DAY_MS).contains(&self.exit_deadline_ms)
    }

    /// The per-operator cap with `active` operators able to take stake: the board's cap, or
    /// `ceil(10,000 / active)` when that is larger (the cap the field can meet).
    pub fn effective_cap_bps(&self, active: u32) -> u64 {
        let even = 10_000u64.div_ceil(u64::from(active.max(1)));
        u64::from(self.max_operator_share_bps).max(even)
    }
}

/// Whether an operator may receive new stake: active, not asked to exit anything, and its last
/// attested frame not disputed (claims that differ from what the oracle attested attract nothing).
pub fn may_receive_stake(status: OperatorStatus, outstanding_exits: u32, last_disputed: bool) -> bool {
    status.may_stake() && outstanding_exits == 0 && !last_disputed
}

/// One operator in service, as the rules see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    pub id: u32,
    pub kind: OperatorKind,
    /// The last attested score, or the performance threshold for an operator with none yet.
    pub rank_score: u32,
    /// Validators funded, not exited and not asked to exit.
    pub staying: u32,
    /// Of those, the ones the tickets' demand may ask to exit (not funded in the last
    /// `YOUNG_DAYS` days).
    pub exitable: u32,
    /// Validators it may still receive: its spare limit, or 0 when it may not receive stake.
    pub spare: u32,
    /// Paused operators are asked to exit before any other.
    pub paused: bool,
    /// Validators this call gave it.
    pub allocated: u32,
    /// Validators this call asked it to exit.
    pub exit_requested: u32,
}

/// Staying validators per kind and in all.
fn staying_by_kind(candidates: &[Candidate]) -> ([u64; KINDS], u64) {
    let mut kinds = [0u64; KINDS];
    let mut total = 0u64;
    for c in candidates {
        if let Some(k) = kinds.get_mut(c.kind.index()) {
            *k = k.saturating_add(u64::from(c.staying));
        }
        total = total.saturating_add(u64::from(c.staying));
    }
    (kinds, total)
}

/// How far a kind is below its target with `total` staying validators (bps-scaled, signed):
/// `target * total - staying * 10,000`.
fn kind_deficit(policy: &AllocationPolicy, kind: usize, staying: u64, total: u64) -> i128 {
    let target = policy.kind_target_bps.get(kind).copied().unwrap_or(0);
    i128::from(target)
        .saturating_mul(i128::from(total))
        .saturating_sub(i128::from(staying).saturating_mul(10_000))
}

/// Allocates up to `validators` one at a time, writing each candidate's `allocated`, `staying`
/// and `spare`; answers how many were allocated (fewer when nobody eligible is left). For each
/// validator: among kinds with an eligible candidate, the kind furthest below its target share
/// (after the validator is counted); within it, the best rank score, then the fewest staying
/// validators, then the lowest id. A candidate is eligible while it has spare and `staying + 1 <=
/// ceil(cap * (total + 1))`, the cap counted for each validator among the candidates with spare
/// (`effective_cap_bps`).
pub fn allocate(policy: &AllocationPolicy, candidates: &mut [Candidate], validators: u32) -> u32 {
    let (mut kinds, mut total) = staying_by_kind(candidates);
    let mut done = 0u32;
    while done < validators {
        let after = total.saturating_add(1);
        // operators that can still take stake, counted again for each validator: the cap widens
        // when fewer are left, so a second call would do no more than this one
        let active = u32::try_from(candidates.iter().filter(|c| c.spare > 0).count()).unwrap_or(u32::MAX);
        let cap_room = policy
            .effective_cap_bps(active)
            .saturating_mul(after)
            .saturating_add(9_999)
            / 10_000;
        let eligible = |c: &Candidate| c.spare > 0 && u64::from(c.staying).saturating_add(1) <= cap_room;
        // the best candidate: kind deficit first, then score, then fewest staying, then id (ids
        // are distinct, so the key never ties)
        let best = candidates
            .iter()
            .enumerate()
            .filter(|(_, c)| eligible(c))
            .max_by_key(|(_, c)| {
                let deficit = kind_deficit(
                    policy,
                    c.kind.index(),
                    kinds.get(c.kind.index()).copied().unwrap_or(0),
                    after,
                );
                (
                    deficit,
                    c.rank_score,
                    core::cmp::Reverse(c.staying),
                    core::cmp::Reverse(c.id),
                )
            })
            .map(|(i, _)| i);
        let Some(chosen) = best.and_then(|i| candidates.get_mut(i)) else {
            break;
        };
        chosen.allocated = chosen.allocated.saturating_add(1);
        chosen.staying = chosen.staying.saturating_add(1);
        chosen.spare = chosen.spare.saturating_sub(1);
        if let Some(k) = kinds.get_mut(chosen.kind.index()) {
            *k = k.saturating_add(1);
        }
        total = after;
        done = done.saturating_add(1);
    }
    done
}

/// Asks up to `validators` to exit one at a time, writing each candidate's `exit_requested`,
/// `staying` and `exitable`; answers how many were asked, only ever exitable ones. For each
/// validator: a paused operator first; then the
/// kind furthest above its target share (after the validator leaves); within it, the weakest rank
/// score, then the most staying validators, then the highest id.
pub fn request_exits(policy: &AllocationPolicy, candidates: &mut [Candidate], validators: u32) -> u32 {
    let (mut kinds, mut total) = staying_by_kind(candidates);
    let mut done = 0u32;
    while done < validators {
        let after = total.saturating_sub(1);
        // paused first, then the kind's surplus once this one left it, the weakest score, the
        // most staying, the highest id (ids are distinct, so the key never ties)
        let best = candidates
            .iter()
            .enumerate()
            .filter(|(_, c)| c.exitable > 0)
            .max_by_key(|(_, c)| {
                let staying_after = kinds.get(c.kind.index()).copied().unwrap_or(0).saturating_sub(1);
                let surplus = kind_deficit(policy, c.kind.index(), staying_after, after).saturating_neg();
                (
                    c.paused,
                    surplus,
                    core::cmp::Reverse(c.rank_score),
                    c.staying,
                    c.id,
                )
            })
            .map(|(i, _)| i);
        let Some(chosen) = best.and_then(|i| candidates.get_mut(i)) else {
            break;
        };
        chosen.exit_requested = chosen.exit_requested.saturating_add(1);
        chosen.staying = chosen.staying.saturating_sub(1);
        chosen.exitable = chosen.exitable.saturating_sub(1);
        if let Some(k) = kinds.get_mut(chosen.kind.index()) {
            *k = k.saturating_sub(1);
        }
        total = after;
        done = done.saturating_add(1);
    }
    done
}

/// Validators the buffer can fund: what it holds above what pending tickets are owed and the
/// liquidity floor, in whole validators.
pub fn validators_to_fund(buffered: u128, owed_to_tickets: u128, floor: u128) -> u32 {
    let free = buffered.saturating_sub(owed_to_tickets).saturating_sub(floor);
    u32::try_from(free / VALIDATOR_DEPOSIT).unwrap_or(u32::MAX)
}

/// Validators to ask to exit so that pending tickets can be paid: what they are owed above the
/// buffer, the inflow not reported yet and 32 ETH for every validator coming (asked to exit and
/// not exited, or exited and not yet withdrawn in a report), rounded up to whole validators.
pub fn validators_to_exit(
    owed_to_tickets: u128,
    buffered: u128,
    inflow: u128,
    outstanding_exits: u64,
) -> u32 {
    let coming = u128::from(outstanding_exits).saturating_mul(VALIDATOR_DEPOSIT);
    let short = owed_to_tickets
        .saturating_sub(buffered)
        .saturating_sub(inflow)
        .saturating_sub(coming);
    let whole = short / VALIDATOR_DEPOSIT;
    let validators = if short % VALIDATOR_DEPOSIT == 0 {
        whole
    } else {
        whole.saturating_add(1)
    };
    u32::try_from(validators).unwrap_or(u32::MAX)
}

#[cfg(test)]
#[allow(
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const ETH: u128 = 1_000_000_000_000_000_000;

    fn cand(id: u32, kind: OperatorKind, score: u32, staying: u32, spare: u32) -> Candidate {
        Candidate {
            id,
            kind,
            rank_score: score,
            staying,
            exitable: staying,
            spare,
            paused: false,
            allocated: 0,
            exit_requested: 0,
        }
    }

    use OperatorKind::*;

    #[test]
    fn kinds_fill_toward_their_targets_and_the_better_score_leads_within_a_kind() {
        let p = AllocationPolicy::DEFAULT;
        let mut c = [
            cand(0, SsvCluster, 9_500, 0, 10),
            cand(1, SsvCluster, 9_900, 0, 10),
            cand(2, ObolCluster, 9_700, 0, 10),
            cand(3, KycRingFenced, 9_600, 0, 10),
        ];
        assert_eq!(allocate(&p, &mut c, 10), 10);
        // the cap (4 able x 25%) holds every operator to ceil(25%) of the staying: Obol has one
        // operator, stopped at 3, so SSV takes the fourth; KYC gets its 20%; within SSV the better
        // score leads
        assert_eq!(c.iter().map(|c| c.allocated).collect::<Vec<_>>(), [2, 3, 3, 2]);
    }

    #[test]
    fn a_kind_without_operators_or_a_short_field_does_not_block_the_others() {
        let p = AllocationPolicy::DEFAULT;
        // one operator: the cap widens to 100%, so it takes everything it has room for
        let mut one = [cand(7, ObolCluster, 9_000, 0, 5)];
        assert_eq!(allocate(&p, &mut one, 8), 5);
        assert_eq!(one[0].allocated, 5);
        // nobody eligible: nothing
        let mut none = [cand(7, ObolCluster, 9_000, 3, 0)];
        assert_eq!(allocate(&p, &mut none, 8), 0);
    }

    #[test]
    fn the_cap_bounds_a_high_scorer_once_enough_operators_are_active() {
        let p = AllocationPolicy::DEFAULT;
        // operator 0 scores best and holds 10 of 20; four active with spare: it gets nothing
        // until the others bring it under 25%
        let mut c = [
            cand(0, SsvCluster, 10_000, 10, 100),
            cand(1, SsvCluster, 9_000, 4, 100),
            cand(2, ObolCluster, 9_000, 4, 100),
            cand(3, KycRingFenced, 9_000, 2, 100),
        ];
        allocate(&p, &mut c, 16);
        assert_eq!(c[0].allocated, 0);
        let total: u32 = c.iter().map(|c| c.staying).sum();
        assert_eq!(total, 36);
    }

    #[test]
    fn exits_start_with_the_paused_then_the_kind_most_above_target_and_its_weakest() {
        let p = AllocationPolicy::DEFAULT;
        let mut c = [
            cand(0, SsvCluster, 9_900, 6, 0),
            cand(1, SsvCluster, 9_100, 6, 0),
            cand(2, ObolCluster, 9_500, 4, 0),
            cand(3, KycRingFenced, 9_900, 2, 0),
        ];
        c[2].paused = true;
        assert_eq!(request_exits(&p, &mut c, 6), 6);
        // the paused one's 4 first, then SSV (12 of 14 left, target 40%) from its weakest
        assert_eq!(
            c.iter().map(|c| c.exit_requested).collect::<Vec<_>>(),
            [0, 2, 4, 0]
        );
        // more than there is: all of it
        assert_eq!(request_exits(&p, &mut c, 100), 12);
    }

    #[test]
    fn the_demand_counts_buffer_inflow_and_exits_already_asked() {
        assert_eq!(validators_to_exit(100 * ETH, 10 * ETH, 5 * ETH, 0), 3);
        assert_eq!(validators_to_exit(100 * ETH, 10 * ETH, 26 * ETH, 0), 2);
        assert_eq!(validators_to_exit(100 * ETH, 10 * ETH, 26 * ETH, 2), 0);
        assert_eq!(validators_to_exit(10 * ETH, 100 * ETH, 0, 0), 0);
        assert_eq!(validators_to_fund(100 * ETH, 4 * ETH, 32 * ETH), 2);
        assert_eq!(validators_to_fund(95 * ETH, 0, 32 * ETH), 1);
        assert_eq!(validators_to_fund(10 * ETH, 40 * ETH, 0), 0);
        assert!(AllocationPolicy::DEFAULT.is_valid());
        let mut bad = AllocationPolicy::DEFAULT;
        bad.kind_target_bps = [5_000, 4_000, 2_000];
        assert!(!bad.is_valid());
    }

    #[test]
    fn validators_stay_young_for_three_days_whatever_comes_after() {
        let mut r = RecentlyFunded::default();
        r.add(0, 4); // day 0
        r.add(DAY_MS + 5, 2); // day 1
        assert_eq!(r.young(DAY_MS + 5), 6);
        assert_eq!(r.young(2 * DAY_MS), 6);
        // a daily trickle never keeps older validators young
        r.add(3 * DAY_MS, 1); // day 3 takes day 0's slot
        assert_eq!(r.young(3 * DAY_MS), 3);
        assert_eq!(r.young(4 * DAY_MS), 1);
        assert_eq!(r.young(6 * DAY_MS), 0);
    }

    fn kind_of(i: u8) -> OperatorKind {
        match i % 3 {
            0 => SsvCluster,
            1 => ObolCluster,
            _ => KycRingFenced,
        }
    }

    proptest! {
        /// Whatever the field: allocation never exceeds spare room, gives exactly what it
        /// answers, and while the cap applies no operator ends above ceil(cap * total) staying
        /// unless it already was.
        #[test]
        fn allocation_respects_room_and_cap(
            ops in proptest::collection::vec((0u8..3, 0u32..=10_000, 0u32..20, 0u32..20), 1..12),
            n in 0u32..40,
        ) {
            let p = AllocationPolicy::DEFAULT;
            let mut c: Vec<Candidate> = ops.iter().enumerate()
                .map(|(i, (k, s, st, sp))| cand(i as u32, kind_of(*k), *s, *st, *sp)).collect();
            let before = c.clone();
            let given = allocate(&p, &mut c, n);
            prop_assert_eq!(given, c.iter().map(|c| c.allocated).sum::<u32>());
            prop_assert!(given <= n);
            let total: u64 = c.iter().map(|c| u64::from(c.staying)).sum();
            let active_before = before.iter().filter(|c| c.spare > 0).count() as u64;
            // the widest the cap can have been: with the fewest operators able, at the end
            let active_after = c.iter().filter(|c| c.spare > 0).count() as u64;
            let widest = 2_500u64.max(10_000u64.div_ceil(active_after.max(1)));
            let cap = (widest * total).div_ceil(10_000);
            for (a, b) in c.iter().zip(&before) {
                prop_assert!(a.allocated <= b.spare);
                // an operator that received stake ends within the cap (or where it already was)
                if a.allocated > 0 && active_before > 0 {
                    prop_assert!(u64::from(a.staying) <= cap.max(u64::from(b.staying)));
                }
            }
            // stopped early only when nobody could take one more
            if given < n {
                let mut again = c.clone();
                prop_assert_eq!(allocate(&p, &mut again, 1), 0);
            }
        }

        /// Exit requests take exactly what they answer, never more than an operator holds, and
        /// a paused operator is emptied before any other is asked.
        #[test]
        fn exits_respect_holdings_and_paused_first(
            ops in proptest::collection::vec((0u8..3, 0u32..=10_000, 0u32..20, any::<bool>()), 1..12),
            n in 0u32..60,
        ) {
            let p = AllocationPolicy::DEFAULT;
            let mut c: Vec<Candidate> = ops.iter().enumerate().map(|(i, (k, s, st, paused))| {
                let mut x = cand(i as u32, kind_of(*k), *s, *st, 0);
                x.paused = *paused;
                // the young are never asked
                x.exitable = st / 2;
                x
            }).collect();
            let before = c.clone();
            let asked = request_exits(&p, &mut c, n);
            prop_assert_eq!(asked, c.iter().map(|c| c.exit_requested).sum::<u32>());
            let held: u32 = before.iter().map(|c| c.exitable).sum();
            prop_assert_eq!(asked, n.min(held));
            for (a, b) in c.iter().zip(&before) {
                prop_assert!(a.exit_requested <= b.exitable);
            }
            let unpaused_asked = c.iter().any(|c| !c.paused && c.exit_requested > 0);
            if unpaused_asked {
                prop_assert!(c.iter().filter(|c| c.paused).all(|c| c.exitable == 0));
            }
        }
    }
}
