//! Withdrawal queue rules (as Lido's queue does it).
//!
//! A request moves the holder's shares into the queue: they stay in the supply, so they share
//! gains, losses and cover through the rate, and the ticket records their value at the request
//! rate, the most it can ever pay. Only an applied oracle report finalizes, first in first out,
//! and only tickets requested before the report's reference time (the moment of the snapshot it
//! describes), each at min(request value, its shares at the rate after that report). Finalization
//! burns the shares and takes the payout from the pooled assets; whatever the shares were worth
//! above the payout stays with the remaining holders. So a request is no exit at a known price:
//! it leaves at the next report's rate, and gains after the request are not the ticket's.
use crate::math::MathError;
use crate::shares::Pool;

/// The finalization an applied report opened: its cut-off and the pool it prices tickets
/// against (the pool right after the report). `finalize_withdrawals` may continue it when its page
/// ran out or the buffer could not fund the next ticket; nothing else opens one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Batch {
    /// The report's reference time: tickets requested at or after it wait for a later report.
    pub reference_ms: u64,
    /// The pool right after the report (locked shares included): the rate tickets are paid at.
    pub pool: Pool,
}

/// What a ticket pays at finalization.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Finalization {
    /// Paid to the ticket's owner on claim; leaves the pooled assets.
    pub payout: u128,
    /// What the ticket's shares were worth at the report's rate above the payout: the remaining
    /// holders' (gains made while the ticket waited), set aside and released to them by later
    /// reports under the per-report rate cap.
    pub kept_by_pool: u128,
}

impl Batch {
    /// Whether a ticket requested at `requested_at` is due in this batch: requested strictly
    /// before the snapshot the report describes.
    pub fn is_due(&self, requested_at: u64) -> bool {
        requested_at < self.reference_ms
    }

    /// Values a ticket of `shares` recorded at `requested_assets`: min(request value, the shares
    /// at this batch's rate), rounded down.
    pub fn finalize(&self, requested_assets: u128, shares: u128) -> Result<Finalization, MathError> {
        let at_rate = self.pool.assets_for_shares(shares)?;
        let payout = requested_assets.min(at_rate);
        Ok(Finalization {
            payout,
            kept_by_pool: at_rate.checked_sub(payout).ok_or(MathError::Overflow)?,
        })
    }
}

/// The part of the buffer that staking and the reserve refill may spend: what the request values
/// of tickets not yet finalized leave of it.
pub fn free_buffer(buffered: u128, queued: u128) -> u128 {
    buffered.saturating_sub(queued)
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use crate::ONE;
    use proptest::prelude::*;

    fn batch(shares: u128, pooled: u128) -> Batch {
        Batch {
            reference_ms: 1_000,
            pool: Pool {
                total_shares: shares,
                total_pooled: pooled,
            },
        }
    }

    #[test]
    fn only_tickets_requested_before_the_snapshot_are_due() {
        let b = batch(ONE, ONE);
        assert!(b.is_due(999));
        assert!(!b.is_due(1_000), "requested at the snapshot: the next report");
        assert!(!b.is_due(1_001));
    }

    #[test]
    fn gains_while_waiting_stay_with_the_pool() {
        // requested at rate 1.0 (10 ETH); the rate has since risen 10%
        let f = batch(100 * ONE, 110 * ONE).finalize(10 * ONE, 10 * ONE).unwrap();
        assert_eq!(f.payout, 10 * ONE);
        // the shares were worth 11 ETH less the virtual offset's sliver; 1 ETH stays
        assert!(f.kept_by_pool <= ONE && f.kept_by_pool + 100_000 >= ONE);
    }

    #[test]
    fn losses_while_waiting_are_shared_by_the_ticket() {
        // requested at rate 1.0; the pool (the ticket's shares included) has since lost 10%
        let f = batch(100 * ONE, 90 * ONE).finalize(10 * ONE, 10 * ONE).unwrap();
        // 9 ETH plus the virtual offset's 1e4 units of the loss it does not share
        assert!(f.payout >= 9 * ONE && f.payout <= 9 * ONE + 10_000);
        assert_eq!(f.kept_by_pool, 0);
    }

    #[test]
    fn staking_leaves_what_tickets_are_owed() {
        assert_eq!(free_buffer(95 * ONE, 70 * ONE), 25 * ONE);
        assert_eq!(free_buffer(60 * ONE, 70 * ONE), 0);
    }

    proptest! {
        /// The ticket never gets more than its request value nor more than its shares are worth
        /// at the report's rate, and finalizing it against any pool whose rate is at least the
        /// report's (the rate only rises between reports) never lowers that pool's rate.
        #[test]
        fn payout_is_bounded_and_never_lowers_the_rate(
            requested in 0u128..10u128.pow(26),
            shares_ppm in 0u128..=1_000_000,
            total_shares in 10u128.pow(18)..10u128.pow(28),
            rate_permille in 500u128..2_000,
            rise_ppm in 0u128..10_000,
        ) {
            let total_pooled = total_shares / 1_000 * rate_permille;
            let shares = total_shares / 1_000_000 * shares_ppm;
            let b = batch(total_shares, total_pooled);
            let f = b.finalize(requested, shares).unwrap();
            prop_assert!(f.payout <= requested);
            let at_rate = b.pool.value_of(shares).unwrap();
            prop_assert!(f.payout <= at_rate);
            prop_assert_eq!(f.payout + f.kept_by_pool, b.pool.assets_for_shares(shares).unwrap());
            // the pool now: same shares, the rate risen by a flash-exit fee or rounding
            let now = Pool { total_shares, total_pooled: total_pooled + total_pooled / 1_000_000 * rise_ppm };
            // the payout and the kept value (set aside for later reports) both leave the pool
            let after = now.with_exit(f.payout + f.kept_by_pool, shares).unwrap();
            if after.total_shares > 0 {
                prop_assert!(after.rate().unwrap() >= now.rate().unwrap());
            }
        }
    }
}
