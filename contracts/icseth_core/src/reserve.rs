//! The split of each deposit between the flash-exit reserve and the staking buffer.
use crate::math::{bps_of, MathError, BPS};

/// Default target of the flash-exit reserve: 5% of pooled assets.
pub const DEFAULT_RESERVE_TARGET_BPS: u128 = 500;
/// Hard cap of the reserve target: 20% of pooled assets. Above it too much stake sits idle and
/// the holders' yield suffers; the board can move the target only below this.
pub const MAX_RESERVE_TARGET_BPS: u128 = 2_000;

/// How a deposit is divided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DepositSplit {
    /// Sent to the flash-exit reserve.
    pub to_reserve: u128,
    /// Kept in the token's buffer, to be staked in whole validators (or to finalize withdrawals).
    pub to_buffer: u128,
}

/// Splits `deposit`: pending withdrawal tickets come first, so the part of the deposit that
/// `ticket_shortfall` (their request values above the buffer) needs stays in the buffer; of the
/// rest, the reserve is topped up toward `target_bps` of the pooled assets after the deposit,
/// never beyond, and the remainder goes to the staking buffer. (The reserve refill follows the same
/// order: it never takes what pending tickets wait for.)
pub fn split_deposit(
    deposit: u128,
    reserve: u128,
    pooled_after_deposit: u128,
    target_bps: u128,
    ticket_shortfall: u128,
) -> Result<DepositSplit, MathError> {
    if target_bps > BPS {
        return Err(MathError::Overflow);
    }
    let target = bps_of(pooled_after_deposit, target_bps)?;
    let available = deposit.saturating_sub(ticket_shortfall);
    let to_reserve = target.saturating_sub(reserve).min(available);
    let to_buffer = deposit.checked_sub(to_reserve).ok_or(MathError::Overflow)?;
    Ok(DepositSplit {
        to_reserve,
        to_buffer,
    })
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use crate::ONE;
    use proptest::prelude::*;

    #[test]
    fn a_target_of_one_whole_is_allowed() {
        let split = split_deposit(10 * ONE, 0, 10 * ONE, BPS, 0).unwrap();
        assert_eq!((split.to_reserve, split.to_buffer), (10 * ONE, 0));
        assert_eq!(
            split_deposit(10 * ONE, 0, 10 * ONE, BPS + 1, 0),
            Err(MathError::Overflow)
        );
    }

    #[test]
    fn first_deposit_fills_the_reserve_to_target() {
        let split = split_deposit(100 * ONE, 0, 100 * ONE, DEFAULT_RESERVE_TARGET_BPS, 0).unwrap();
        assert_eq!(
            split,
            DepositSplit {
                to_reserve: 5 * ONE,
                to_buffer: 95 * ONE
            }
        );
    }

    #[test]
    fn full_reserve_takes_nothing() {
        let split = split_deposit(10 * ONE, 50 * ONE, 1_000 * ONE, DEFAULT_RESERVE_TARGET_BPS, 0).unwrap();
        assert_eq!(
            split,
            DepositSplit {
                to_reserve: 0,
                to_buffer: 10 * ONE
            }
        );
    }

    #[test]
    fn a_drained_reserve_takes_the_whole_deposit_up_to_target() {
        let split = split_deposit(3 * ONE, 0, 1_000 * ONE, DEFAULT_RESERVE_TARGET_BPS, 0).unwrap();
        assert_eq!(
            split,
            DepositSplit {
                to_reserve: 3 * ONE,
                to_buffer: 0
            }
        );
    }

    #[test]
    fn a_target_above_one_whole_is_refused() {
        assert_eq!(split_deposit(1, 0, 1, BPS + 1, 0), Err(MathError::Overflow));
    }

    /// 40 ETH of tickets wait with 22 ETH buffered and the reserve 25 ETH below its target: a
    /// 30 ETH deposit first covers the tickets' 18 ETH shortfall, then tops the reserve up with
    /// the remaining 12 (before, the reserve took 24.95 and the ticket stayed unfunded).
    #[test]
    fn pending_tickets_come_before_the_reserve() {
        let split = split_deposit(30 * ONE, 0, 500 * ONE, DEFAULT_RESERVE_TARGET_BPS, 18 * ONE).unwrap();
        assert_eq!((split.to_reserve, split.to_buffer), (12 * ONE, 18 * ONE));
        // a deposit smaller than the shortfall stays whole in the buffer
        let split = split_deposit(10 * ONE, 0, 500 * ONE, DEFAULT_RESERVE_TARGET_BPS, 18 * ONE).unwrap();
        assert_eq!((split.to_reserve, split.to_buffer), (0, 10 * ONE));
    }

    proptest! {
        #[test]
        fn the_split_is_exact_and_never_overfills(
            deposit in 0u128..10u128.pow(26),
            reserve in 0u128..10u128.pow(26),
            pooled in 0u128..10u128.pow(28),
            target in 0u128..=MAX_RESERVE_TARGET_BPS,
            buffered in 0u128..10u128.pow(26),
            queued in 0u128..10u128.pow(26),
        ) {
            let pooled_after = pooled + deposit;
            let shortfall = queued.saturating_sub(buffered);
            let split = split_deposit(deposit, reserve, pooled_after, target, shortfall).unwrap();
            // what pending tickets wait for is served before the reserve
            prop_assert!(buffered + split.to_buffer >= queued.min(buffered + deposit));
            prop_assert_eq!(split.to_reserve + split.to_buffer, deposit);
            let goal = pooled_after * target / BPS;
            prop_assert!(reserve + split.to_reserve <= goal.max(reserve));
            if reserve + deposit <= goal && shortfall == 0 {
                prop_assert_eq!(split.to_reserve, deposit);
            }
        }
    }
}
