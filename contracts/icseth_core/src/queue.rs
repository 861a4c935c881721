//! Withdrawal queue accounting (as Lido's queue does it).
//!
//! At request, the ticket's value at the request rate leaves the pooled assets for a queued
//! liability, so gains after the request belong to the remaining holders. At finalization the
//! ticket is worth the smaller of that value and its shares at the finalization rate, so a loss in
//! between is shared by the ticket; any difference returns to the pooled assets.
use crate::math::MathError;
use crate::shares::Pool;

/// What a ticket pays at finalization, and what returns to the pooled assets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Finalization {
    /// Paid to the ticket's owner on claim.
    pub payout: u128,
    /// Returned from the queued liability to the pooled assets (the ticket's share of a loss).
    pub returned_to_pool: u128,
}

/// Values a ticket of `shares`, recorded at `requested_assets`, against the pool as it stands now
/// (the ticket's shares were burned at request, so `pool` prices the remaining holders' shares).
pub fn finalize_ticket(requested_assets: u128, shares: u128, pool: &Pool) -> Result<Finalization, MathError> {
    // The ticket's shares were burned, so they are valued at the rate, not capped by the pool.
    let at_current_rate = pool.value_of(shares)?;
    let payout = requested_assets.min(at_current_rate);
    let returned_to_pool = requested_assets.checked_sub(payout).ok_or(MathError::Overflow)?;
    Ok(Finalization {
        payout,
        returned_to_pool,
    })
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use crate::ONE;
    use proptest::prelude::*;

    #[test]
    fn burned_shares_are_valued_at_the_rate_not_capped_by_the_pool() {
        // the ticket's 60 shares left a pool of 3 shares and 3 ETH: still worth 60 ETH
        let pool = Pool {
            total_shares: 3 * ONE,
            total_pooled: 3 * ONE,
        };
        let f = finalize_ticket(60 * ONE, 60 * ONE, &pool).unwrap();
        assert_eq!(
            f,
            Finalization {
                payout: 60 * ONE,
                returned_to_pool: 0
            }
        );
    }

    #[test]
    fn gains_after_the_request_stay_with_the_pool() {
        // requested at rate 1.0, the pool has since gained 10%
        let pool = Pool {
            total_shares: 100 * ONE,
            total_pooled: 110 * ONE,
        };
        let f = finalize_ticket(10 * ONE, 10 * ONE, &pool).unwrap();
        assert_eq!(
            f,
            Finalization {
                payout: 10 * ONE,
                returned_to_pool: 0
            }
        );
    }

    #[test]
    fn losses_after_the_request_are_shared_by_the_ticket() {
        // requested at rate 1.0, the pool has since lost 10%
        let pool = Pool {
            total_shares: 100 * ONE,
            total_pooled: 90 * ONE,
        };
        let f = finalize_ticket(10 * ONE, 10 * ONE, &pool).unwrap();
        // 9 ETH plus the virtual offset's 1e4 units of the loss it does not share
        assert!(f.payout >= 9 * ONE && f.payout <= 9 * ONE + 10_000);
        assert_eq!(f.payout + f.returned_to_pool, 10 * ONE);
    }

    proptest! {
        #[test]
        fn payout_is_bounded_and_conserves_value(
            requested in 0u128..10u128.pow(26),
            shares in 0u128..10u128.pow(26),
            total_shares in 1u128..10u128.pow(28),
            total_pooled in 0u128..10u128.pow(28),
        ) {
            let pool = Pool { total_shares, total_pooled };
            let f = finalize_ticket(requested, shares, &pool).unwrap();
            prop_assert!(f.payout <= requested);
            prop_assert!(f.payout <= pool.value_of(shares).unwrap());
            prop_assert_eq!(f.payout + f.returned_to_pool, requested);
        }
    }
}
