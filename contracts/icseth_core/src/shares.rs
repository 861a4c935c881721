//! Share math: icsETH is a balance of shares over the pooled assets.
//!
//! The exchange rate carries a virtual offset (`VIRTUAL_SHARES` over `VIRTUAL_ASSETS`), as
//! OpenZeppelin's ERC-4626 does: an empty pool prices one share at one unit, and no sequence of
//! deposits and gains can make a share so expensive that a later depositor's mint rounds to
//! nothing. Pooled assets are counted by the token itself, never read from its balance, so a
//! donation cannot move the rate either; together these close the first-depositor inflation attack.
//! The offset's own claim on gains is at most a millionth of an ETH: negligible, and kept by the pool.
use crate::math::{mul_div_down, mul_div_up, MathError, ONE};

/// Shares the rate pretends exist beyond the supply.
pub const VIRTUAL_SHARES: u128 = 1_000_000;
/// Assets the rate pretends are pooled beyond the real ones.
pub const VIRTUAL_ASSETS: u128 = 1_000_000;

/// Total shares in circulation and the assets they are worth.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Pool {
    pub total_shares: u128,
    pub total_pooled: u128,
}

impl Pool {
    fn virtual_shares(&self) -> Result<u128, MathError> {
        self.total_shares
            .checked_add(VIRTUAL_SHARES)
            .ok_or(MathError::Overflow)
    }

    fn virtual_assets(&self) -> Result<u128, MathError> {
        self.total_pooled
            .checked_add(VIRTUAL_ASSETS)
            .ok_or(MathError::Overflow)
    }

    /// Shares minted for a deposit of `assets`: rounded down (the depositor gets no more than paid).
    pub fn shares_for_deposit(&self, assets: u128) -> Result<u128, MathError> {
        mul_div_down(assets, self.virtual_shares()?, self.virtual_assets()?)
    }

    /// What `shares` are worth at the rate, rounded down, whether or not they are part of the
    /// pool (burned ticket shares are not). For shares in the pool it may exceed the pool by less
    /// than the virtual offset when the rate is below one: pay out with `assets_for_shares`.
    pub fn value_of(&self, shares: u128) -> Result<u128, MathError> {
        mul_div_down(shares, self.virtual_assets()?, self.virtual_shares()?)
    }

    /// Assets that `shares` are worth when paid out: rounded down, at the lower of the rate with
    /// the virtual offset and the plain ratio `total_pooled / total_shares`, and never more than
    /// the pool holds. Below a rate of one (after a loss) the offset's virtual assets would
    /// otherwise pay an exit a few units above its pro-rata share, at the remaining holders' cost.
    pub fn assets_for_shares(&self, shares: u128) -> Result<u128, MathError> {
        let with_offset = self.value_of(shares)?.min(self.total_pooled);
        if self.total_shares == 0 {
            return Ok(with_offset);
        }
        Ok(with_offset.min(mul_div_down(shares, self.total_pooled, self.total_shares)?))
    }

    /// Shares to burn so that `assets` leave the pool: rounded up, at the higher of the two share
    /// prices `assets_for_shares` pays the lower of, so the burned shares always cover the amount.
    pub fn shares_to_burn_for(&self, assets: u128) -> Result<u128, MathError> {
        let with_offset = mul_div_up(assets, self.virtual_shares()?, self.virtual_assets()?)?;
        if self.total_pooled == 0 {
            return Ok(with_offset);
        }
        Ok(with_offset.max(mul_div_up(assets, self.total_shares, self.total_pooled)?))
    }

    /// Assets per `ONE` share (1e18 fixed point), rounded down.
    pub fn rate(&self) -> Result<u128, MathError> {
        self.value_of(ONE)
    }

    /// The pool after `assets` came in and `shares` were minted for them.
    pub fn with_deposit(&self, assets: u128, shares: u128) -> Result<Pool, MathError> {
        Ok(Pool {
            total_shares: self.total_shares.checked_add(shares).ok_or(MathError::Overflow)?,
            total_pooled: self.total_pooled.checked_add(assets).ok_or(MathError::Overflow)?,
        })
    }

    /// The pool after `shares` were burned and `assets` left it.
    pub fn with_exit(&self, assets: u128, shares: u128) -> Result<Pool, MathError> {
        Ok(Pool {
            total_shares: self.total_shares.checked_sub(shares).ok_or(MathError::Overflow)?,
            total_pooled: self.total_pooled.checked_sub(assets).ok_or(MathError::Overflow)?,
        })
    }
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn empty_pool_is_one_to_one() {
        let pool = Pool::default();
        assert_eq!(pool.rate(), Ok(ONE));
        assert_eq!(pool.shares_for_deposit(32 * ONE), Ok(32 * ONE));
    }

    #[test]
    fn gains_raise_the_rate() {
        let pool = Pool {
            total_shares: 100 * ONE,
            total_pooled: 110 * ONE,
        };
        let rate = pool.rate().unwrap();
        // the virtual offset keeps 1e-15 of the gain: the rate is 1.1 less 1,000 units
        assert!(rate > ONE + ONE / 10 - 2_000 && rate < ONE + ONE / 10);
        // a deposit of 11 ETH buys 10 shares, give or take the offset's ten thousand units
        let minted = pool.shares_for_deposit(11 * ONE).unwrap();
        assert!(minted.abs_diff(10 * ONE) < 10_000);
        // and those shares are never worth more than was paid
        let after = pool.with_deposit(11 * ONE, minted).unwrap();
        assert!(after.assets_for_shares(minted).unwrap() <= 11 * ONE);
    }

    #[test]
    fn inflation_attack_gains_nothing() {
        // The attacker mints one share for one unit; a "donation" never reaches `total_pooled`,
        // so the victim buys at the same rate as the attacker did.
        let pool = Pool::default();
        let attacker = pool.shares_for_deposit(1).unwrap();
        let pool = pool.with_deposit(1, attacker).unwrap();
        let victim_assets = 10 * ONE;
        let victim = pool.shares_for_deposit(victim_assets).unwrap();
        let pool = pool.with_deposit(victim_assets, victim).unwrap();
        assert!(pool.assets_for_shares(victim).unwrap() + 1 >= victim_assets);
        assert!(pool.assets_for_shares(attacker).unwrap() <= 1);
    }

    fn pool_strategy() -> impl Strategy<Value = Pool> {
        (0u128..10u128.pow(30), 0u128..10u128.pow(30)).prop_filter_map("rate within 1e-3..1e3", |(s, a)| {
            let pool = Pool {
                total_shares: s,
                total_pooled: a,
            };
            let rate = pool.rate().ok()?;
            (ONE / 1_000..=ONE * 1_000).contains(&rate).then_some(pool)
        })
    }

    proptest! {
        #[test]
        fn deposit_then_exit_never_profits(pool in pool_strategy(), assets in 0u128..10u128.pow(27)) {
            let shares = pool.shares_for_deposit(assets).unwrap();
            let after = pool.with_deposit(assets, shares).unwrap();
            let back = after.assets_for_shares(shares).unwrap();
            prop_assert!(back <= assets);
        }

        #[test]
        fn burning_for_an_amount_rounds_up(pool in pool_strategy(), assets in 0u128..10u128.pow(27)) {
            let burn = pool.shares_to_burn_for(assets).unwrap();
            // the burned shares are worth at least the amount that leaves
            prop_assert!(mul_div_up(burn, pool.total_pooled + VIRTUAL_ASSETS, pool.total_shares + VIRTUAL_SHARES).unwrap() >= assets);
            if assets <= pool.total_pooled {
                prop_assert!(pool.assets_for_shares(burn).unwrap() + 1 >= assets);
            }
        }

        #[test]
        fn deposits_never_lower_the_rate(pool in pool_strategy(), assets in 0u128..10u128.pow(27)) {
            let shares = pool.shares_for_deposit(assets).unwrap();
            let after = pool.with_deposit(assets, shares).unwrap();
            prop_assert!(after.rate().unwrap() >= pool.rate().unwrap());
        }

        #[test]
        fn a_payout_never_exceeds_the_pro_rata_share(pool in pool_strategy(), fraction in 0u128..=100) {
            let shares = pool.total_shares * fraction / 100;
            let paid = pool.assets_for_shares(shares).unwrap();
            // the test's own arithmetic: paid * supply <= shares * pooled
            let (lhs, rhs) = (
                primitive_types::U256::from(paid) * primitive_types::U256::from(pool.total_shares),
                primitive_types::U256::from(shares) * primitive_types::U256::from(pool.total_pooled),
            );
            prop_assert!(pool.total_shares == 0 || lhs <= rhs, "{paid} for {shares} of {pool:?}");
        }

        #[test]
        fn exits_at_payout_value_never_lower_the_rate(pool in pool_strategy(), fraction in 0u128..=100) {
            let shares = pool.total_shares * fraction / 100;
            let assets = pool.assets_for_shares(shares).unwrap();
            let after = pool.with_exit(assets, shares).unwrap();
            prop_assert!(after.rate().unwrap() >= pool.rate().unwrap());
        }
    }
}
