//! Flash-exit policy: the fee curve over the reserve's depletion, the quote for an exit, and the
//! limit on what exits may take from the reserve in one report frame.
//!
//! The fee is the integral of the curve over the depletion the exit causes: each unit leaving
//! the reserve pays the curve's fee at the reserve level it leaves from. Exits split into parts
//! pay what one exit of their sum pays (each part rounded up), so splitting never beats the
//! curve; and the limit is per frame, so splitting never beats the cap either.
use crate::math::{mul_div_up, MathError, BPS};
use primitive_types::U256;

/// No flash-exit fee may exceed 5%.
pub const HARD_FEE_CAP_BPS: u128 = 500;
/// The minimum fee must exceed the largest rate increase one report may apply
/// (`oracle::Bounds::max_rate_increase_bps`, itself capped at `MAX_RATE_INCREASE_CAP_BPS`), so that
/// deposit, report, flash exit never pays. Enforcing both against this one constant keeps the rule
/// true whichever of the two the board changes.
pub const MAX_RATE_INCREASE_CAP_BPS: u128 = 40;

/// The flash-exit fee curve and the per-exit cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct FlashPolicy {
    /// Fee when the reserve is at or above its target. Default 0.5%.
    pub min_fee_bps: u128,
    /// Fee when the reserve is empty. Default 2%.
    pub max_fee_bps: u128,
    /// Most that exits may take from the reserve in one report frame (a day), in basis points of
    /// the reserve as it stood at the frame's first exit. Default 50%. One holder may use the whole
    /// frame's limit; the withdrawal queue stays open to everyone.
    pub per_exit_cap_bps: u128,
}

impl FlashPolicy {
    pub const DEFAULT: FlashPolicy = FlashPolicy {
        min_fee_bps: 50,
        max_fee_bps: 200,
        per_exit_cap_bps: 5_000,
    };

    /// `cap(max rate increase) < min <= max <= hard cap`, and a per-exit cap within (0, 100%].
    pub fn is_valid(&self) -> bool {
        self.min_fee_bps > MAX_RATE_INCREASE_CAP_BPS
            && self.min_fee_bps <= self.max_fee_bps
            && self.max_fee_bps <= HARD_FEE_CAP_BPS
            && self.per_exit_cap_bps > 0
            && self.per_exit_cap_bps <= BPS
    }
}

/// Why an exit cannot be quoted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum FlashError {
    /// Zero assets.
    ZeroAmount,
    /// More than what is left of this frame's exit limit.
    AboveExitCap,
    /// More than the reserve holds.
    AboveReserve,
    Overflow,
}

impl From<MathError> for FlashError {
    fn from(_: MathError) -> Self {
        FlashError::Overflow
    }
}

/// The fee in basis points for a reserve of `reserve_after` against `target`: the minimum at or
/// above target, rising linearly to the maximum as the reserve empties (rounded up).
pub fn fee_bps(reserve_after: u128, target: u128, policy: &FlashPolicy) -> Result<u128, MathError> {
    if target == 0 || reserve_after >= target {
        return Ok(policy.min_fee_bps);
    }
    let spread = policy.max_fee_bps.saturating_sub(policy.min_fee_bps);
    let depletion = target.saturating_sub(reserve_after);
    let extra = mul_div_up(spread, depletion, target)?;
    Ok(policy.min_fee_bps.saturating_add(extra).min(policy.max_fee_bps))
}

/// What an exit of `assets` pays and keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub struct Quote {
    pub assets: u128,
    pub fee: u128,
    pub payout: u128,
    /// The fee as a share of the assets, in basis points rounded up (the average of the curve
    /// over the depletion).
    pub fee_bps: u128,
}

fn u256_to_u128(value: U256) -> Result<u128, MathError> {
    if value > U256::from(u128::MAX) {
        return Err(MathError::Overflow);
    }
    Ok(value.low_u128())
}

/// The fee for taking the reserve from `reserve_before` down to `reserve_after` against `target`:
/// the integral of the curve over that depletion, in value, rounded up. Above the target each
/// unit pays the minimum; below it the fee rises linearly to the maximum at an empty reserve, so
/// the integral there is `len x (min + spread x (2 x target - a - c) / (2 x target))` over the
/// stretch from `a` up to `c`.
pub fn depletion_fee(
    reserve_before: u128,
    reserve_after: u128,
    target: u128,
    policy: &FlashPolicy,
) -> Result<u128, MathError> {
    let len = reserve_before
        .checked_sub(reserve_after)
        .ok_or(MathError::Overflow)?;
    if len == 0 {
        return Ok(0);
    }
    if target == 0 {
        return mul_div_up(len, policy.min_fee_bps, BPS);
    }
    let spread = policy.max_fee_bps.saturating_sub(policy.min_fee_bps);
    // the stretch below the target: from reserve_after up to min(reserve_before, target)
    let below_top = reserve_before.min(target);
    let below_len = below_top.saturating_sub(reserve_after);
    let two_t = U256::from(target)
        .checked_mul(U256::from(2u8))
        .ok_or(MathError::Overflow)?;
    // numerator over (2 x target x BPS): min x len x 2T + spread x below_len x (2T - a - c)
    let flat = U256::from(policy.min_fee_bps)
        .checked_mul(U256::from(len))
        .and_then(|v| v.checked_mul(two_t))
        .ok_or(MathError::Overflow)?;
    let rise = if below_len == 0 {
        U256::zero()
    } else {
        let ends = U256::from(reserve_after)
            .checked_add(U256::from(below_top))
            .ok_or(MathError::Overflow)?;
        let height = two_t.checked_sub(ends).ok_or(MathError::Overflow)?;
        U256::from(spread)
            .checked_mul(U256::from(below_len))
            .and_then(|v| v.checked_mul(height))
            .ok_or(MathError::Overflow)?
    };
    let numerator = flat.checked_add(rise).ok_or(MathError::Overflow)?;
    let denominator = two_t.checked_mul(U256::from(BPS)).ok_or(MathError::Overflow)?;
    let quotient = numerator
        .checked_div(denominator)
        .ok_or(MathError::DivisionByZero)?;
    let remainder = numerator
        .checked_rem(denominator)
        .ok_or(MathError::DivisionByZero)?;
    let rounded = if remainder.is_zero() {
        quotient
    } else {
        quotient.checked_add(U256::one()).ok_or(MathError::Overflow)?
    };
    u256_to_u128(rounded)
}

/// Quotes an exit of `assets` against `reserve` (target `target`): the fee is the curve's integral
/// over the depletion the exit causes, rounded up. The frame's exit limit is checked by the pool
/// (`FrameExits`).
pub fn quote(assets: u128, reserve: u128, target: u128, policy: &FlashPolicy) -> Result<Quote, FlashError> {
    if assets == 0 {
        return Err(FlashError::ZeroAmount);
    }
    let after = reserve.checked_sub(assets).ok_or(FlashError::AboveReserve)?;
    let fee = depletion_fee(reserve, after, target, policy)?.min(assets);
    let payout = assets.checked_sub(fee).ok_or(FlashError::Overflow)?;
    Ok(Quote {
        assets,
        fee,
        payout,
        fee_bps: mul_div_up(fee, BPS, assets)?,
    })
}

/// What exits took from the reserve in the current report frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct FrameExits {
    /// The frame (block time / `REPORT_FRAME_MS`) these figures belong to.
    pub frame: u64,
    /// The reserve when the frame's first exit came: the limit is a share of it.
    pub base_reserve: u128,
    /// Assets exits took in this frame.
    pub taken: u128,
}

impl FrameExits {
    /// The frame's figures at `now_ms` with the reserve at `reserve`: a new frame starts from the
    /// reserve as it stands.
    pub fn at(&self, now_ms: u64, reserve: u128) -> FrameExits {
        let frame = now_ms.checked_div(crate::hold::REPORT_FRAME_MS).unwrap_or(0);
        if frame == self.frame && (self.base_reserve > 0 || self.taken > 0) {
            *self
        } else {
            FrameExits {
                frame,
                base_reserve: reserve,
                taken: 0,
            }
        }
    }

    /// What exits may still take in this frame.
    pub fn left(&self, policy: &FlashPolicy) -> Result<u128, MathError> {
        Ok(crate::math::bps_of(self.base_reserve, policy.per_exit_cap_bps)?.saturating_sub(self.taken))
    }

    /// Counts an exit of `assets` against the frame's limit, or `AboveExitCap`.
    pub fn take(&self, assets: u128, policy: &FlashPolicy) -> Result<FrameExits, FlashError> {
        if assets > self.left(policy)? {
            return Err(FlashError::AboveExitCap);
        }
        Ok(FrameExits {
            taken: self.taken.checked_add(assets).ok_or(FlashError::Overflow)?,
            ..*self
        })
    }
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::*;

    #[test]
    fn no_target_means_the_minimum_fee_and_a_whole_reserve_may_leave() {
        let p = FlashPolicy::DEFAULT;
        // no reserve target (nothing pooled yet): the minimum fee, never a division by zero
        assert_eq!(fee_bps(5, 0, &p), Ok(p.min_fee_bps));
        // with a per-exit cap of 100%, an exit of exactly the reserve is allowed
        let whole = FlashPolicy {
            per_exit_cap_bps: BPS,
            ..p
        };
        let q = quote(1_000, 1_000, 1_000, &whole).unwrap();
        // the whole reserve from its target: the curve's average, (0.5% + 2%) / 2
        assert_eq!((q.assets, q.fee, q.fee_bps), (1_000, 13, 130));
        assert_eq!(quote(1_001, 1_000, 1_000, &whole), Err(FlashError::AboveReserve));
    }
    use crate::oracle::Bounds;
    use crate::shares::Pool;
    use crate::ONE;
    use proptest::prelude::*;

    #[test]
    fn the_curve() {
        let p = FlashPolicy::DEFAULT;
        assert_eq!(fee_bps(100, 100, &p), Ok(50));
        assert_eq!(fee_bps(200, 100, &p), Ok(50));
        assert_eq!(fee_bps(0, 100, &p), Ok(200));
        assert_eq!(fee_bps(50, 100, &p), Ok(125));
        assert_eq!(fee_bps(0, 0, &p), Ok(50));
    }

    #[test]
    fn policy_rules() {
        assert!(FlashPolicy::DEFAULT.is_valid());
        assert!(!FlashPolicy {
            min_fee_bps: 40,
            ..FlashPolicy::DEFAULT
        }
        .is_valid());
        assert!(!FlashPolicy {
            min_fee_bps: 300,
            ..FlashPolicy::DEFAULT
        }
        .is_valid());
        assert!(!FlashPolicy {
            max_fee_bps: 501,
            ..FlashPolicy::DEFAULT
        }
        .is_valid());
        assert!(!FlashPolicy {
            per_exit_cap_bps: 0,
            ..FlashPolicy::DEFAULT
        }
        .is_valid());
        // the oracle's per-report cap can never reach the minimum fee, from either side
        assert!(Bounds::DEFAULT.is_valid());
        assert!(!Bounds {
            max_rate_increase_bps: MAX_RATE_INCREASE_CAP_BPS + 1,
            ..Bounds::DEFAULT
        }
        .is_valid());
    }

    #[test]
    fn quote_refusals() {
        let p = FlashPolicy::DEFAULT;
        assert_eq!(quote(0, 10, 10, &p), Err(FlashError::ZeroAmount));
        assert_eq!(quote(11, 10, 10, &p), Err(FlashError::AboveReserve));
        assert!(
            quote(10, 10, 10, &p).is_ok(),
            "the frame's limit is the pool's to check"
        );
    }

    /// Measured before, with the reserve at its 100 ETH target: ten 5 ETH exits paid 0.4515 ETH
    /// of fees where one 50 ETH exit was quoted 0.625 ETH (each part priced at the reserve it
    /// left, on its whole amount). The fee is now the curve's integral over the depletion: the
    /// parts pay what the whole pays (0.4375 ETH, 0.875%), to a wei of rounding each.
    #[test]
    fn split_exits_pay_what_one_exit_pays() {
        let p = FlashPolicy::DEFAULT;
        let target = 100 * ONE;
        let whole = quote(50 * ONE, target, target, &p).unwrap();
        assert_eq!((whole.fee, whole.fee_bps), (4_375 * ONE / 10_000, 88));
        let mut reserve = target;
        let mut fees = 0;
        for _ in 0..10 {
            let part = quote(5 * ONE, reserve, target, &p).unwrap();
            fees += part.fee;
            reserve -= 5 * ONE;
        }
        assert!(
            fees >= whole.fee && fees <= whole.fee + 10,
            "{fees} vs {}",
            whole.fee
        );
        // above the target each unit pays the minimum; below it the curve rises
        assert_eq!(depletion_fee(300, 200, 100, &p), Ok(1)); // 100 x 0.5%, rounded up
        assert_eq!(depletion_fee(200_000, 100_000, 100_000, &p), Ok(500));
        assert_eq!(depletion_fee(100_000, 0, 100_000, &p), Ok(1_250));
        assert_eq!(depletion_fee(150_000, 0, 100_000, &p), Ok(1_500));
        assert_eq!(depletion_fee(7, 7, 100, &p), Ok(0));
        assert_eq!(depletion_fee(7, 8, 100, &p), Err(MathError::Overflow));
    }

    #[test]
    fn the_frame_limit_resets_with_the_frame() {
        let p = FlashPolicy::DEFAULT;
        let day = crate::hold::REPORT_FRAME_MS;
        let frame = FrameExits::default().at(3 * day + 5, 1_000);
        assert_eq!(
            frame,
            FrameExits {
                frame: 3,
                base_reserve: 1_000,
                taken: 0
            }
        );
        assert_eq!(frame.left(&p), Ok(500));
        let frame = frame.take(300, &p).unwrap();
        assert_eq!(frame.take(201, &p), Err(FlashError::AboveExitCap));
        let frame = frame.take(200, &p).unwrap();
        assert_eq!(frame.left(&p), Ok(0));
        // later in the same frame, a refilled reserve does not reset the limit
        assert_eq!(frame.at(4 * day - 1, 5_000), frame);
        // the next frame starts from the reserve as it stands
        assert_eq!(
            frame.at(4 * day, 5_000),
            FrameExits {
                frame: 4,
                base_reserve: 5_000,
                taken: 0
            }
        );
    }

    proptest! {
        #[test]
        fn payout_plus_fee_is_the_assets_and_the_fee_stays_in_range(
            reserve in 1u128..10u128.pow(24),
            target in 0u128..10u128.pow(24),
            fraction in 1u128..=5_000,
        ) {
            let p = FlashPolicy::DEFAULT;
            let assets = (reserve * fraction / BPS).max(1).min(reserve / 2).max(1);
            if let Ok(q) = quote(assets, reserve, target, &p) {
                prop_assert_eq!(q.payout + q.fee, assets);
                // between the minimum and the maximum fee, rounded up
                prop_assert!(q.fee * BPS >= assets * p.min_fee_bps);
                prop_assert!(q.fee <= (assets * p.max_fee_bps).div_ceil(BPS));
                prop_assert!(q.payout <= reserve, "the reserve never goes negative");
            }
        }

        #[test]
        fn the_remaining_holders_rate_never_falls_because_of_an_exit(
            pooled in 32u128 * ONE..100_000 * ONE,
            shares_ppm in 1u128..20_000,
        ) {
            let pool = Pool { total_shares: pooled, total_pooled: pooled };
            let shares = pooled * shares_ppm / 1_000_000;
            let assets = pool.assets_for_shares(shares).unwrap();
            let reserve = pool.total_pooled / 20; // a reserve at its 5% target
            if let Ok(q) = quote(assets, reserve, reserve, &FlashPolicy::DEFAULT) {
                let after = Pool { total_shares: pool.total_shares - shares, total_pooled: pool.total_pooled - q.payout };
                prop_assert!(after.rate().unwrap() >= pool.rate().unwrap());
            }
        }

        #[test]
        fn the_fee_is_monotone_in_depletion(target in 1u128..10u128.pow(24), a in 0u128..10u128.pow(24), b in 0u128..10u128.pow(24)) {
            let p = FlashPolicy::DEFAULT;
            let (fuller, emptier) = (a.max(b), a.min(b));
            prop_assert!(fee_bps(emptier, target, &p).unwrap() >= fee_bps(fuller, target, &p).unwrap());
        }

        /// An exit split into parts, with refills of the reserve between them, pays at least what
        /// one exit of their sum pays after all the refills, less a unit of rounding per part:
        /// each part leaves from a reserve no higher than the single exit's.
        #[test]
        fn splitting_an_exit_never_lowers_its_fee(
            target in ONE..1_000 * ONE,
            reserve_pct in 10u128..200,
            parts in proptest::collection::vec((1u128..1_000, 0u128..1_000), 1..12),
        ) {
            let p = FlashPolicy::DEFAULT;
            let mut reserve = target / 100 * reserve_pct;
            let start = reserve;
            let (mut fees, mut total, mut refills) = (0u128, 0u128, 0u128);
            for (part_permille, refill_permille) in parts {
                let assets = (reserve / 1_000 * part_permille).max(1).min(reserve);
                if assets == 0 {
                    continue;
                }
                fees += quote(assets, reserve, target, &p).unwrap().fee;
                reserve -= assets;
                total += assets;
                let refill = target / 1_000 * refill_permille / 10;
                reserve += refill;
                refills += refill;
            }
            let k = 12;
            if total > 0 {
                let single = quote(total, start + refills, target, &p).unwrap().fee;
                prop_assert!(fees + k >= single, "{fees} < {single}");
            }
        }

        /// Deposit, then the largest rate increase one report may make (rewards and the value
        /// kept from finalized tickets together, at the highest cap the board may set), then flash
        /// exit at any minimum fee the board may set: a loss for the depositor, and never more
        /// than the deposit plus its pro-rata gain. Finalizing due tickets between the report and
        /// the exit adds nothing: their kept value waits for the next report.
        #[test]
        fn deposit_report_flash_exit_never_pays(
            pooled in 32u128 * ONE..100_000 * ONE,
            deposit in ONE..10_000 * ONE,
            min_fee_bps in (MAX_RATE_INCREASE_CAP_BPS + 1)..=HARD_FEE_CAP_BPS,
        ) {
            let policy = FlashPolicy { min_fee_bps, max_fee_bps: HARD_FEE_CAP_BPS, ..FlashPolicy::DEFAULT };
            prop_assert!(policy.is_valid());
            let pool = Pool { total_shares: pooled, total_pooled: pooled };
            let shares = pool.shares_for_deposit(deposit).unwrap();
            let pool = pool.with_deposit(deposit, shares).unwrap();
            // the largest rate increase one report may apply, with no fees taken
            let gain = pool.total_pooled * MAX_RATE_INCREASE_CAP_BPS / BPS;
            let after = Pool { total_pooled: pool.total_pooled + gain, ..pool };
            let assets = after.assets_for_shares(shares).unwrap();
            let pro_rata = crate::math::mul_div_down(gain, shares, after.total_shares).unwrap();
            let reserve = assets * 2; // an ample reserve at target: the minimum fee applies
            let q = quote(assets, reserve, reserve, &policy).unwrap();
            prop_assert!(q.payout < deposit, "payout {} >= deposit {}", q.payout, deposit);
            prop_assert!(q.payout <= deposit + pro_rata);
        }
    }
}
