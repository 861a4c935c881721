//! Flash-exit policy: the fee curve over the reserve's depletion and the quote for an exit.
use crate::math::{mul_div_up, MathError, BPS};

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
    /// Largest exit, in basis points of the reserve. Default 50%.
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
    /// More than the per-exit cap of the reserve.
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
    pub fee_bps: u128,
}

/// Quotes an exit of `assets` against `reserve` (target `target`): the fee is charged at the rate
/// of the reserve the exit leaves (so a large exit pays for the depletion it causes) and rounds up.
pub fn quote(assets: u128, reserve: u128, target: u128, policy: &FlashPolicy) -> Result<Quote, FlashError> {
    if assets == 0 {
        return Err(FlashError::ZeroAmount);
    }
    if assets > reserve {
        return Err(FlashError::AboveReserve);
    }
    if assets > crate::math::bps_of(reserve, policy.per_exit_cap_bps)? {
        return Err(FlashError::AboveExitCap);
    }
    // The fee at the depleted reserve is at least the fee at the reserve left by `assets`.
    let bps = fee_bps(reserve.saturating_sub(assets), target, policy)?;
    let fee = mul_div_up(assets, bps, BPS)?.min(assets);
    let payout = assets.checked_sub(fee).ok_or(FlashError::Overflow)?;
    Ok(Quote {
        assets,
        fee,
        payout,
        fee_bps: bps,
    })
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
        assert_eq!((q.assets, q.fee_bps), (1_000, p.max_fee_bps));
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
        assert_eq!(quote(6, 10, 10, &p), Err(FlashError::AboveExitCap));
        assert!(quote(5, 10, 10, &p).is_ok());
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
                prop_assert!(q.fee_bps >= p.min_fee_bps && q.fee_bps <= p.max_fee_bps);
                prop_assert!(q.fee * BPS >= assets * q.fee_bps, "the fee rounds up");
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

        /// Deposit, then the largest report the bounds allow, then flash exit at the minimum fee:
        /// a loss for the depositor, and never more than the deposit plus its pro-rata gain.
        #[test]
        fn deposit_report_flash_exit_never_pays(
            pooled in 32u128 * ONE..100_000 * ONE,
            deposit in ONE..10_000 * ONE,
        ) {
            let pool = Pool { total_shares: pooled, total_pooled: pooled };
            let shares = pool.shares_for_deposit(deposit).unwrap();
            let pool = pool.with_deposit(deposit, shares).unwrap();
            // the largest rate increase one report may apply, with no fees taken
            let gain = pool.total_pooled * MAX_RATE_INCREASE_CAP_BPS / BPS;
            let after = Pool { total_pooled: pool.total_pooled + gain, ..pool };
            let assets = after.assets_for_shares(shares).unwrap();
            let pro_rata = crate::math::mul_div_down(gain, shares, after.total_shares).unwrap();
            let reserve = assets * 2; // an ample reserve at target: the minimum fee applies
            let q = quote(assets, reserve, reserve, &FlashPolicy::DEFAULT).unwrap();
            prop_assert!(q.payout < deposit, "payout {} >= deposit {}", q.payout, deposit);
            prop_assert!(q.payout <= deposit + pro_rata);
        }
    }
}
