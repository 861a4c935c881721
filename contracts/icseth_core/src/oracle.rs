//! The oracle report and what applying it does to the books: sanity bounds, smoothing of large
//! gains, fees on gains only, and the split of a loss into covered and uncovered parts.
use crate::math::{bps_of, mul_div_down, MathError, BPS};
use crate::operators::VALIDATOR_DEPOSIT;
use crate::shares::Pool;

/// Milliseconds in a 365-day year (the annualized bound is pro rata over this).
pub const YEAR_MS: u128 = 365 * 24 * 60 * 60 * 1000;
/// One beacon-chain epoch: 32 slots of 12 seconds.
pub const EPOCH_MS: u64 = 32 * 12 * 1000;
/// Longest a board's loss allowance stays usable: 30 days (a month is ample for the oracle to
/// report the loss; an allowance left lying around would wave through a later, unrelated loss).
pub const MAX_LOSS_ALLOWANCE_MS: u64 = 30 * 24 * 60 * 60 * 1000;

/// The epoch a snapshot taken at `ref_time_ms` describes, counted from `genesis_ms`; `None`
/// before genesis. A report's epoch must equal it, so no report can claim an epoch ahead of the
/// time that has passed.
pub fn epoch_at(genesis_ms: u64, ref_time_ms: u64) -> Option<u64> {
    ref_time_ms
        .checked_sub(genesis_ms)
        .and_then(|elapsed| elapsed.checked_div(EPOCH_MS))
}

/// Votes needed among `members`: strictly more than half.
pub fn quorum(members: u32) -> u32 {
    (members / 2).saturating_add(1)
}

/// The board's permission for the next loss report to apply a loss up to `amount`, above the
/// decrease bound if needed, until `expires_at` (ms). The first report that applies a loss
/// consumes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct LossAllowance {
    pub amount: u128,
    pub expires_at: u64,
}

impl LossAllowance {
    /// What it allows at `now_ms`: its amount until it expires, nothing after.
    pub fn available(&self, now_ms: u64) -> u128 {
        if now_ms < self.expires_at {
            self.amount
        } else {
            0
        }
    }
}

/// What the oracle members agree on for an epoch. Counters (`validators`, `withdrawn_total`,
/// `el_rewards_total`, `exited_validators`) are cumulative and never decrease.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Report {
    /// Beacon-chain epoch the report describes; strictly increasing.
    pub epoch: u64,
    /// When the consensus-layer snapshot the report describes was taken (ms): never after the
    /// block that applies it, strictly increasing. Only withdrawal tickets requested before it
    /// are finalized by the report, so nobody can queue an exit knowing what the report says.
    pub ref_time_ms: u64,
    /// Consensus-layer balance of the protocol's live validators.
    pub cl_balance: u128,
    /// Validators the oracle has seen activated, ever (at most the funded ones).
    pub validators: u32,
    /// Execution-layer and MEV rewards received, ever.
    pub el_rewards_total: u128,
    /// Amount withdrawn from exited validators, ever.
    pub withdrawn_total: u128,
    /// The operator a loss in this report is attributed to, if any.
    pub slashed_operator: Option<u32>,
    /// Validators withdrawn in full, ever (their balances are in `withdrawn_total`): exits whose
    /// value has arrived, so the exits tickets need stop counting them as coming.
    pub exited_validators: u32,
}

/// The report bounds, each governable (basis points and milliseconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Bounds {
    /// Largest annualized increase of pooled assets, pro rata over the time since the last
    /// report. 10%: consensus rewards are about 3% a year and MEV spikes rarely double it; a
    /// larger jump is an oracle error, not a reward.
    pub max_annual_increase_bps: u128,
    /// Largest decrease in one report. 5%: a correlated slashing of a whole operator is far
    /// smaller; anything larger needs a human look, not an automatic application.
    pub max_decrease_bps: u128,
    /// Shortest time between applied reports. 12 hours: reports are daily, and a second report
    /// soon after the first cannot compound the increase bound.
    pub min_interval_ms: u64,
    /// Largest rate increase one applied report may make; rewards above it wait for the next
    /// reports (smoothing). 0.1% (Lido's `maxPositiveTokenRebase` is 0.075% per daily report):
    /// the flash-exit minimum fee must exceed it, so deposit-report-exit never pays.
    pub max_rate_increase_bps: u128,
}

impl Bounds {
    pub const DEFAULT: Bounds = Bounds {
        max_annual_increase_bps: 1_000,
        max_decrease_bps: 500,
        min_interval_ms: 12 * 60 * 60 * 1000,
        max_rate_increase_bps: 10,
    };

    /// Hard caps the board can never exceed: 20% a year, 10% down, 0.4% up per report (below
    /// any flash-exit minimum fee, `flash::MAX_RATE_INCREASE_CAP_BPS`), and at least an hour
    /// between reports.
    pub fn is_valid(&self) -> bool {
        self.max_annual_increase_bps <= 2_000
            && self.max_decrease_bps <= 1_000
            && self.max_rate_increase_bps <= crate::flash::MAX_RATE_INCREASE_CAP_BPS
            && self.max_rate_increase_bps > 0
            && self.min_interval_ms >= 60 * 60 * 1000
    }
}

/// Fees on gains, in basis points of the gain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Fees {
    /// To the treasury. Default 10%.
    pub protocol_bps: u128,
    /// To the slash-protection pool. Default 5%.
    pub protection_bps: u128,
}

impl Fees {
    pub const DEFAULT: Fees = Fees {
        protocol_bps: 1_000,
        protection_bps: 500,
    };
    /// Together at most 25% of the gain: the holders keep at least three quarters.
    pub const MAX_TOTAL_BPS: u128 = 2_500;

    pub fn is_valid(&self) -> bool {
        self.protocol_bps.saturating_add(self.protection_bps) <= Self::MAX_TOTAL_BPS
    }
}

/// Why a report was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum ReportError {
    /// The epoch is not after the last applied one.
    StaleEpoch,
    /// The reference time is not after the last applied report's.
    StaleReference,
    /// The reference time is after the block time: a snapshot of the future.
    ReferenceInFuture,
    /// Less than the minimum interval since the last applied report.
    TooEarly,
    /// A cumulative counter went down.
    CounterDecreased,
    /// More validators than the protocol funded, or more withdrawn in full than activated.
    ValidatorsAboveFunded,
    /// The increase exceeds the annualized bound.
    IncreaseAboveBound,
    /// The decrease exceeds the one-report bound.
    DecreaseAboveBound,
    /// The report's withdrawals and rewards exceed the value received from the vault.
    InflowNotReceived,
    /// Arithmetic overflow.
    Overflow,
}

impl From<MathError> for ReportError {
    fn from(_: MathError) -> Self {
        ReportError::Overflow
    }
}

/// The state a report is checked and applied against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Before {
    pub last: Report,
    /// When the last report was applied (0 before the first).
    pub last_applied_ms: u64,
    pub now_ms: u64,
    /// Validators the protocol funded (the token's count).
    pub funded_validators: u32,
    /// Value sent to deposit addresses the oracle has not seen yet.
    pub in_flight: u128,
    /// Value received from the vault and not yet reported.
    pub inflow: u128,
    /// Gain seen earlier but not applied yet (smoothing).
    pub unapplied_gain: u128,
    /// Value finalized tickets left behind (their shares were worth more at the report's rate
    /// than their request value), not yet released to the holders.
    pub kept_from_tickets: u128,
    pub pool: Pool,
    /// A loss up to this amount passes the decrease bound (the board's allowance, 0 if none).
    pub loss_allowance: u128,
}

/// What a valid report changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Outcome {
    /// Validator deposits the oracle now sees (leave `in_flight`).
    pub activated: u128,
    /// Withdrawals and rewards that arrived (leave `inflow`, join the buffer).
    pub arrived: u128,
    /// Gain added to pooled assets now (after smoothing).
    pub applied_gain: u128,
    /// Gain left for later reports.
    pub unapplied_gain: u128,
    /// Value kept from finalized tickets released to the holders now (before any reward, under
    /// the same per-report cap, fee-free).
    pub released_kept: u128,
    /// Value kept from finalized tickets left for later reports (a loss uses it first).
    pub kept_from_tickets: u128,
    /// Loss to apply (before cover).
    pub loss: u128,
    /// Fee value minted to the treasury and to the protection pool, as shares.
    pub protocol_fee_shares: u128,
    pub protection_fee_shares: u128,
    pub protocol_fee: u128,
    pub protection_fee: u128,
}

fn sub(a: u128, b: u128) -> Result<u128, ReportError> {
    a.checked_sub(b).ok_or(ReportError::Overflow)
}

fn add(a: u128, b: u128) -> Result<u128, ReportError> {
    a.checked_add(b).ok_or(ReportError::Overflow)
}

/// What a report says happened since the last one, before any bound is checked.
struct Movement {
    activated: u128,
    arrived: u128,
    /// Consensus balance plus what arrived, against the last consensus balance plus the
    /// deposits the oracle now sees.
    after_side: u128,
    before_side: u128,
}

fn movement(report: &Report, before: &Before) -> Result<Movement, ReportError> {
    let last = &before.last;
    if report.validators < last.validators
        || report.exited_validators < last.exited_validators
        || report.withdrawn_total < last.withdrawn_total
        || report.el_rewards_total < last.el_rewards_total
    {
        return Err(ReportError::CounterDecreased);
    }
    let new_validators = report.validators.saturating_sub(last.validators);
    let activated = u128::from(new_validators)
        .checked_mul(VALIDATOR_DEPOSIT)
        .ok_or(ReportError::Overflow)?
        .min(before.in_flight);
    let arrived = add(
        sub(report.withdrawn_total, last.withdrawn_total)?,
        sub(report.el_rewards_total, last.el_rewards_total)?,
    )?;
    Ok(Movement {
        activated,
        arrived,
        after_side: add(report.cl_balance, arrived)?,
        before_side: add(last.cl_balance, activated)?,
    })
}

/// The loss holders would bear if `report` applied (after it eats gains not applied yet), with
/// no bound checked: 0 for a gain or a report that could never apply. A vote for a report with
/// a loss puts the token into its pending-loss mode.
pub fn loss_shown(report: &Report, before: &Before) -> u128 {
    match movement(report, before) {
        Ok(m) => m
            .before_side
            .saturating_sub(m.after_side)
            .saturating_sub(before.kept_from_tickets)
            .saturating_sub(before.unapplied_gain),
        Err(_) => 0,
    }
}

/// Checks `report` against the bounds and computes what it changes. Pure: nothing is written.
pub fn evaluate(
    report: &Report,
    before: &Before,
    bounds: &Bounds,
    fees: &Fees,
) -> Result<Outcome, ReportError> {
    let last = &before.last;
    let first = before.last_applied_ms == 0;
    if !first && report.epoch <= last.epoch {
        return Err(ReportError::StaleEpoch);
    }
    if report.ref_time_ms > before.now_ms {
        return Err(ReportError::ReferenceInFuture);
    }
    if !first && report.ref_time_ms <= last.ref_time_ms {
        return Err(ReportError::StaleReference);
    }
    if !first && before.now_ms < before.last_applied_ms.saturating_add(bounds.min_interval_ms) {
        return Err(ReportError::TooEarly);
    }
    let Movement {
        activated,
        arrived,
        after_side,
        before_side,
    } = movement(report, before)?;
    if report.validators > before.funded_validators || report.exited_validators > report.validators {
        return Err(ReportError::ValidatorsAboveFunded);
    }
    if arrived > before.inflow {
        return Err(ReportError::InflowNotReceived);
    }
    let pooled = before.pool.total_pooled;
    if after_side >= before_side {
        let raw_gain = sub(after_side, before_side)?;
        // annualized bound, pro rata over the time since the last report
        let elapsed = u128::from(before.now_ms.saturating_sub(before.last_applied_ms));
        let yearly = bps_of(pooled, bounds.max_annual_increase_bps)?;
        let allowed = if first {
            0
        } else {
            mul_div_down(yearly, elapsed, YEAR_MS)?
        };
        if raw_gain > allowed {
            return Err(ReportError::IncreaseAboveBound);
        }
        // One cap for everything a report adds to the rate: first the value kept from
        // finalized tickets (fee-free: it was the holders' already), then rewards.
        let cap = bps_of(pooled, bounds.max_rate_increase_bps)?;
        let released_kept = before.kept_from_tickets.min(cap);
        let room = sub(cap, released_kept)?;
        let candidate = add(raw_gain, before.unapplied_gain)?;
        let applied_gain = candidate.min(room);
        let unapplied_gain = sub(candidate, applied_gain)?;
        // fee shares are priced with the released value already in the pool
        let released_pool = Pool {
            total_pooled: add(pooled, released_kept)?,
            ..before.pool
        };
        let (protocol_fee, protection_fee, protocol_fee_shares, protection_fee_shares) =
            fee_shares(applied_gain, &released_pool, fees)?;
        Ok(Outcome {
            activated,
            arrived,
            applied_gain,
            unapplied_gain,
            released_kept,
            kept_from_tickets: sub(before.kept_from_tickets, released_kept)?,
            loss: 0,
            protocol_fee_shares,
            protection_fee_shares,
            protocol_fee,
            protection_fee,
        })
    } else {
        let raw_loss = sub(before_side, after_side)?;
        // a loss first uses the value kept from finalized tickets, then gains not applied yet,
        // and only then reaches the holders (and asks for cover)
        let from_kept = raw_loss.min(before.kept_from_tickets);
        let rest = sub(raw_loss, from_kept)?;
        let absorbed = rest.min(before.unapplied_gain);
        let loss = sub(rest, absorbed)?;
        if loss > bps_of(pooled, bounds.max_decrease_bps)? && loss > before.loss_allowance {
            return Err(ReportError::DecreaseAboveBound);
        }
        if loss > pooled {
            return Err(ReportError::Overflow);
        }
        Ok(Outcome {
            activated,
            arrived,
            unapplied_gain: sub(before.unapplied_gain, absorbed)?,
            kept_from_tickets: sub(before.kept_from_tickets, from_kept)?,
            loss,
            ..Outcome::default()
        })
    }
}

/// Fee values on `gain`, and the shares that pay them at the post-gain rate: the fee recipients
/// receive exactly the fee's value and the holders keep `gain - fees` (rounded in the holders'
/// favour: fee shares round down).
fn fee_shares(gain: u128, pool: &Pool, fees: &Fees) -> Result<(u128, u128, u128, u128), ReportError> {
    let protocol_fee = bps_of(gain, fees.protocol_bps)?;
    let protection_fee = bps_of(gain, fees.protection_bps)?;
    let total_fee = add(protocol_fee, protection_fee)?;
    if total_fee == 0 {
        return Ok((0, 0, 0, 0));
    }
    // shares s such that s / (S + s) == fee / (P + gain): s = fee * S / (P + gain - fee)
    let pooled_after = add(pool.total_pooled, gain)?;
    let holders_value = sub(pooled_after, total_fee)?;
    let shares = pool
        .total_shares
        .checked_add(crate::shares::VIRTUAL_SHARES)
        .ok_or(ReportError::Overflow)?;
    let value = holders_value
        .checked_add(crate::shares::VIRTUAL_ASSETS)
        .ok_or(ReportError::Overflow)?;
    let protocol_shares = mul_div_down(protocol_fee, shares, value)?;
    let protection_shares = mul_div_down(protection_fee, shares, value)?;
    Ok((protocol_fee, protection_fee, protocol_shares, protection_shares))
}

/// Cover for a loss from the protection pool: the value covered and the pool's shares to burn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub struct Cover {
    pub covered: u128,
    pub shares_to_burn: u128,
}

/// How much of `loss` the pool's `held_shares` cover: min(loss, their value, the per-incident cap
/// of their value), at the pre-loss rate, stated as the value of the shares burned for it. Burning `shares_to_burn` (rounded down) while the pool
/// loses `loss` leaves the rate at most at its pre-loss value, and equal to it (to rounding) when
/// the cover is whole.
pub fn cover(
    loss: u128,
    held_shares: u128,
    pool: &Pool,
    per_incident_cap_bps: u128,
) -> Result<Cover, MathError> {
    let held_value = pool.assets_for_shares(held_shares)?;
    let cap = bps_of(held_value, per_incident_cap_bps.min(BPS))?;
    let wanted = loss.min(held_value).min(cap);
    let shares_to_burn = mul_div_down(
        wanted,
        pool.total_shares
            .checked_add(crate::shares::VIRTUAL_SHARES)
            .ok_or(MathError::Overflow)?,
        pool.total_pooled
            .checked_add(crate::shares::VIRTUAL_ASSETS)
            .ok_or(MathError::Overflow)?,
    )?
    .min(held_shares);
    // What the burned shares are worth: the pool's incident record and the token's event both
    // state this figure, so the two contracts' books agree to the unit.
    let covered = pool.value_of(shares_to_burn)?.min(wanted);
    Ok(Cover {
        covered,
        shares_to_burn,
    })
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use crate::ONE;
    use proptest::prelude::*;

    const DAY: u64 = 24 * 60 * 60 * 1000;

    fn before(pooled: u128) -> Before {
        Before {
            last: Report {
                epoch: 100,
                ref_time_ms: 10 * DAY - 60_000,
                cl_balance: pooled,
                validators: 10,
                ..Report::default()
            },
            last_applied_ms: 10 * DAY,
            now_ms: 11 * DAY,
            funded_validators: 10,
            pool: Pool {
                total_shares: pooled,
                total_pooled: pooled,
            },
            ..Before::default()
        }
    }

    fn report_with(b: &Before, cl: u128) -> Report {
        Report {
            epoch: b.last.epoch + 225,
            // a snapshot taken right after the last report applied: never in the future
            ref_time_ms: b.last_applied_ms + 1,
            cl_balance: cl,
            ..b.last
        }
    }

    #[test]
    fn bounds_are_checked() {
        let b = before(320 * ONE);
        let bounds = Bounds::DEFAULT;
        let fees = Fees::DEFAULT;
        let stale = Report {
            epoch: 100,
            ..report_with(&b, 320 * ONE)
        };
        assert_eq!(evaluate(&stale, &b, &bounds, &fees), Err(ReportError::StaleEpoch));
        let same_snapshot = Report {
            ref_time_ms: b.last.ref_time_ms,
            ..report_with(&b, 320 * ONE)
        };
        assert_eq!(
            evaluate(&same_snapshot, &b, &bounds, &fees),
            Err(ReportError::StaleReference)
        );
        let future = Report {
            ref_time_ms: b.now_ms + 1,
            ..report_with(&b, 320 * ONE)
        };
        assert_eq!(
            evaluate(&future, &b, &bounds, &fees),
            Err(ReportError::ReferenceInFuture)
        );
        let at_the_block = Report {
            ref_time_ms: b.now_ms,
            ..report_with(&b, 320 * ONE)
        };
        assert!(evaluate(&at_the_block, &b, &bounds, &fees).is_ok());
        let early = Before {
            now_ms: b.last_applied_ms + DAY / 4,
            ..b
        };
        assert_eq!(
            evaluate(&report_with(&b, 320 * ONE), &early, &bounds, &fees),
            Err(ReportError::TooEarly)
        );
        let down = Report {
            validators: 9,
            ..report_with(&b, 320 * ONE)
        };
        assert_eq!(
            evaluate(&down, &b, &bounds, &fees),
            Err(ReportError::CounterDecreased)
        );
        let more = Report {
            validators: 11,
            ..report_with(&b, 320 * ONE)
        };
        assert_eq!(
            evaluate(&more, &b, &bounds, &fees),
            Err(ReportError::ValidatorsAboveFunded)
        );
        // one day at 10% a year on 320 ETH allows 0.0877 ETH
        let big = report_with(&b, 320 * ONE + ONE / 10);
        assert_eq!(
            evaluate(&big, &b, &bounds, &fees),
            Err(ReportError::IncreaseAboveBound)
        );
        let crash = report_with(&b, 320 * ONE - 17 * ONE);
        assert_eq!(
            evaluate(&crash, &b, &bounds, &fees),
            Err(ReportError::DecreaseAboveBound)
        );
        let not_arrived = Report {
            withdrawn_total: ONE,
            ..report_with(&b, 319 * ONE)
        };
        assert_eq!(
            evaluate(&not_arrived, &b, &bounds, &fees),
            Err(ReportError::InflowNotReceived)
        );
    }

    #[test]
    fn a_gain_is_smoothed_and_charged_fees() {
        let b = before(320 * ONE);
        let gain = 8 * ONE / 100; // within one day's 10%-a-year bound
        let out = evaluate(
            &report_with(&b, 320 * ONE + gain),
            &b,
            &Bounds::DEFAULT,
            &Fees::DEFAULT,
        )
        .unwrap();
        let cap = 320 * ONE / 1_000; // 0.1%
        assert_eq!(out.applied_gain, gain.min(cap));
        assert_eq!(out.unapplied_gain, gain - gain.min(cap));
        assert_eq!(out.protocol_fee, out.applied_gain / 10);
        assert_eq!(out.protection_fee, out.applied_gain / 20);
        assert_eq!(out.loss, 0);
    }

    #[test]
    fn a_loss_eats_unapplied_gains_first_and_pays_no_fee() {
        let mut b = before(320 * ONE);
        b.unapplied_gain = ONE / 100;
        let out = evaluate(
            &report_with(&b, 320 * ONE - ONE),
            &b,
            &Bounds::DEFAULT,
            &Fees::DEFAULT,
        )
        .unwrap();
        assert_eq!(out.loss, ONE - ONE / 100);
        assert_eq!(out.unapplied_gain, 0);
        assert_eq!(
            (out.protocol_fee, out.protection_fee, out.protocol_fee_shares),
            (0, 0, 0)
        );
    }

    /// Measured before: with 900 of 1,000 shares queued after a 30-day gap, finalization lifted
    /// the rate 0.72% at once (the cap is 0.1%). The value kept from tickets now waits in
    /// `kept_from_tickets` and reports release it first, fee-free, within the same cap.
    #[test]
    fn kept_value_is_released_before_rewards_within_the_cap() {
        let mut b = before(320 * ONE);
        let cap = 320 * ONE / 1_000; // 0.32 ETH
        b.kept_from_tickets = ONE / 5;
        let gain = 8 * ONE / 100;
        let out = evaluate(
            &report_with(&b, 320 * ONE + gain),
            &b,
            &Bounds::DEFAULT,
            &Fees::DEFAULT,
        )
        .unwrap();
        assert_eq!((out.released_kept, out.kept_from_tickets), (ONE / 5, 0));
        assert_eq!((out.applied_gain, out.unapplied_gain), (gain, 0));
        // fees on the reward only
        assert_eq!(out.protocol_fee, gain / 10);
        assert_eq!(out.protection_fee, gain / 20);
        // more kept than the cap: the cap goes to it, the reward waits, no fee
        b.kept_from_tickets = ONE / 2;
        let out = evaluate(
            &report_with(&b, 320 * ONE + gain),
            &b,
            &Bounds::DEFAULT,
            &Fees::DEFAULT,
        )
        .unwrap();
        assert_eq!((out.released_kept, out.kept_from_tickets), (cap, ONE / 2 - cap));
        assert_eq!((out.applied_gain, out.unapplied_gain), (0, gain));
        assert_eq!((out.protocol_fee, out.protection_fee), (0, 0));
    }

    #[test]
    fn a_loss_uses_the_kept_value_first_then_carried_rewards() {
        let mut b = before(320 * ONE);
        b.kept_from_tickets = ONE / 2;
        b.unapplied_gain = ONE / 10;
        let r = report_with(&b, 320 * ONE - 55 * ONE / 100);
        assert_eq!(loss_shown(&r, &b), 0);
        let out = evaluate(&r, &b, &Bounds::DEFAULT, &Fees::DEFAULT).unwrap();
        assert_eq!(
            (
                out.loss,
                out.kept_from_tickets,
                out.unapplied_gain,
                out.released_kept
            ),
            (0, 0, ONE / 20, 0)
        );
        let r = report_with(&b, 319 * ONE);
        assert_eq!(loss_shown(&r, &b), 4 * ONE / 10);
        let out = evaluate(&r, &b, &Bounds::DEFAULT, &Fees::DEFAULT).unwrap();
        assert_eq!(
            (out.loss, out.kept_from_tickets, out.unapplied_gain),
            (4 * ONE / 10, 0, 0)
        );
    }

    #[test]
    fn the_first_report_may_not_gain() {
        let b = Before {
            last_applied_ms: 0,
            last: Report::default(),
            ..before(320 * ONE)
        };
        let r = Report {
            epoch: 1,
            cl_balance: 1,
            ..Report::default()
        };
        assert_eq!(
            evaluate(&r, &b, &Bounds::DEFAULT, &Fees::DEFAULT),
            Err(ReportError::IncreaseAboveBound)
        );
    }

    #[test]
    fn cover_examples() {
        let pool = Pool {
            total_shares: 1_000 * ONE,
            total_pooled: 1_000 * ONE,
        };
        // the pool holds 10 shares (10 ETH); a 4 ETH loss with a 50% cap: 4 ETH covered
        assert_eq!(cover(4 * ONE, 10 * ONE, &pool, 5_000).unwrap().covered, 4 * ONE);
        // a 7 ETH loss: capped at 5 ETH
        assert_eq!(cover(7 * ONE, 10 * ONE, &pool, 5_000).unwrap().covered, 5 * ONE);
        // an empty pool covers nothing
        assert_eq!(cover(7 * ONE, 0, &pool, 5_000).unwrap(), Cover::default());
    }

    #[test]
    fn constants_and_validity_edges() {
        assert_eq!(EPOCH_MS, 384_000);
        assert_eq!(MAX_LOSS_ALLOWANCE_MS, 2_592_000_000);
        let b = Bounds::DEFAULT;
        assert!(b.is_valid());
        assert!(!Bounds {
            max_rate_increase_bps: 0,
            ..b
        }
        .is_valid());
        assert!(Bounds {
            max_rate_increase_bps: 1,
            min_interval_ms: 3_600_000,
            ..b
        }
        .is_valid());
        assert!(!Bounds {
            min_interval_ms: 3_599_999,
            ..b
        }
        .is_valid());
        assert!(Fees::DEFAULT.is_valid());
        assert!(Fees {
            protocol_bps: 2_000,
            protection_bps: 500
        }
        .is_valid());
        assert!(!Fees {
            protocol_bps: 2_000,
            protection_bps: 501
        }
        .is_valid());
    }

    #[test]
    fn every_bound_admits_its_edge() {
        let b = before(320 * ONE);
        let (bounds, fees) = (Bounds::DEFAULT, Fees::DEFAULT);
        // exactly the minimum interval after the last application
        let at_interval = Before {
            now_ms: b.last_applied_ms + bounds.min_interval_ms,
            ..b
        };
        let r = Report {
            ref_time_ms: at_interval.now_ms,
            ..report_with(&b, 320 * ONE)
        };
        assert!(evaluate(&r, &at_interval, &bounds, &fees).is_ok());
        // exactly the annual bound's allowance for one day
        let allowed = mul_div_down(320 * ONE / 10, DAY as u128, YEAR_MS).unwrap();
        assert!(evaluate(&report_with(&b, 320 * ONE + allowed), &b, &bounds, &fees).is_ok());
        assert_eq!(
            evaluate(&report_with(&b, 320 * ONE + allowed + 1), &b, &bounds, &fees),
            Err(ReportError::IncreaseAboveBound)
        );
        // exactly the 5% decrease
        let out = evaluate(&report_with(&b, 304 * ONE), &b, &bounds, &fees).unwrap();
        assert_eq!(out.loss, 16 * ONE);
        // a loss of everything pooled, when allowed
        let tiny = Before {
            pool: Pool {
                total_shares: 320 * ONE,
                total_pooled: 320 * ONE,
            },
            loss_allowance: 320 * ONE,
            ..b
        };
        assert_eq!(
            evaluate(&report_with(&tiny, 0), &tiny, &bounds, &fees).map(|o| o.loss),
            Ok(320 * ONE)
        );
        // a loss smaller than the gains not applied yet leaves the rest unapplied
        let carried = Before {
            unapplied_gain: 2 * ONE,
            ..b
        };
        let out = evaluate(&report_with(&carried, 319 * ONE), &carried, &bounds, &fees).unwrap();
        assert_eq!((out.loss, out.unapplied_gain), (0, ONE));
    }

    #[test]
    fn each_counter_going_down_alone_is_refused() {
        let mut b = before(320 * ONE);
        b.last.withdrawn_total = ONE;
        b.last.el_rewards_total = ONE;
        let r = report_with(&b, 320 * ONE);
        for bad in [
            Report {
                withdrawn_total: ONE - 1,
                ..r
            },
            Report {
                el_rewards_total: ONE - 1,
                ..r
            },
            Report { validators: 9, ..r },
        ] {
            assert_eq!(
                evaluate(&bad, &b, &Bounds::DEFAULT, &Fees::DEFAULT),
                Err(ReportError::CounterDecreased)
            );
        }
    }

    #[test]
    fn a_loss_still_moves_activations_and_arrivals() {
        // 2 new validators seen (64 ETH in flight), 1 ETH withdrawn and received, 0.5 ETH of
        // gains unapplied; the consensus balance shows 3 ETH less than expected
        let mut b = before(320 * ONE);
        b.funded_validators = 12;
        b.in_flight = 64 * ONE;
        b.inflow = ONE;
        b.unapplied_gain = ONE / 2;
        let r = Report {
            validators: 12,
            withdrawn_total: ONE,
            ..report_with(&b, 320 * ONE + 64 * ONE - ONE - 3 * ONE)
        };
        let out = evaluate(&r, &b, &Bounds::DEFAULT, &Fees::DEFAULT).unwrap();
        assert_eq!(out.activated, 64 * ONE);
        assert_eq!(out.arrived, ONE);
        // 3 ETH lost, of which the 0.5 ETH not yet applied absorbs a part
        assert_eq!(out.loss, 3 * ONE - ONE / 2);
        assert_eq!(out.unapplied_gain, 0);
        assert_eq!(out.applied_gain, 0);
    }

    #[test]
    fn an_allowance_lets_a_loss_above_the_bound_apply_until_it_lapses() {
        let mut b = before(320 * ONE);
        // 15% down: above the 5% bound and the 10% hard cap
        let crash = report_with(&b, 272 * ONE);
        let (bounds, fees) = (Bounds::DEFAULT, Fees::DEFAULT);
        assert_eq!(
            evaluate(&crash, &b, &bounds, &fees),
            Err(ReportError::DecreaseAboveBound)
        );
        let allowance = LossAllowance {
            amount: 48 * ONE,
            expires_at: b.now_ms + 1,
        };
        b.loss_allowance = allowance.available(b.now_ms);
        assert_eq!(evaluate(&crash, &b, &bounds, &fees).unwrap().loss, 48 * ONE);
        // one unit more than allowed is refused
        let worse = report_with(&b, 272 * ONE - 1);
        assert_eq!(
            evaluate(&worse, &b, &bounds, &fees),
            Err(ReportError::DecreaseAboveBound)
        );
        // at its expiry it allows nothing
        assert_eq!(allowance.available(b.now_ms + 1), 0);
        // a loss above the pooled assets is refused even when allowed
        b.loss_allowance = u128::MAX;
        let total = Report {
            cl_balance: 0,
            ..report_with(&b, 0)
        };
        let tiny = Before {
            pool: Pool {
                total_shares: ONE,
                total_pooled: ONE,
            },
            ..b
        };
        assert_eq!(
            evaluate(&total, &tiny, &bounds, &fees),
            Err(ReportError::Overflow)
        );
    }

    #[test]
    fn the_loss_a_report_shows_ignores_the_bounds() {
        let mut b = before(320 * ONE);
        assert_eq!(loss_shown(&report_with(&b, 272 * ONE), &b), 48 * ONE);
        assert_eq!(loss_shown(&report_with(&b, 321 * ONE), &b), 0);
        b.unapplied_gain = ONE;
        assert_eq!(loss_shown(&report_with(&b, 319 * ONE), &b), 0);
        assert_eq!(loss_shown(&report_with(&b, 318 * ONE), &b), ONE);
        // a report that could never apply shows nothing
        let backwards = Report {
            validators: 9,
            ..report_with(&b, 0)
        };
        assert_eq!(loss_shown(&backwards, &b), 0);
    }

    #[test]
    fn epochs_follow_the_reference_time() {
        assert_eq!(epoch_at(1_000, 999), None);
        assert_eq!(epoch_at(1_000, 1_000), Some(0));
        assert_eq!(epoch_at(1_000, 1_000 + EPOCH_MS - 1), Some(0));
        assert_eq!(epoch_at(1_000, 1_000 + 225 * EPOCH_MS), Some(225));
        // the largest reference time gives an epoch far below u64::MAX
        assert!(epoch_at(0, u64::MAX).unwrap() < u64::MAX / 1_000);
        assert_eq!(
            (quorum(1), quorum(2), quorum(3), quorum(4), quorum(16)),
            (1, 2, 2, 3, 9)
        );
    }

    fn apply(pool: &Pool, out: &Outcome) -> Pool {
        Pool {
            total_shares: pool.total_shares + out.protocol_fee_shares + out.protection_fee_shares,
            total_pooled: pool.total_pooled + out.applied_gain - out.loss,
        }
    }

    proptest! {
        /// Whatever is kept from tickets and carried from rewards, one report adds at most the
        /// cap to the holders' assets, and fees are never charged on the kept value.
        #[test]
        fn one_report_adds_at_most_the_cap(
            kept in 0u128..ONE,
            carried in 0u128..ONE,
            gain_ppm in 0u128..=900,
        ) {
            let mut b = before(320 * ONE);
            b.kept_from_tickets = kept;
            b.unapplied_gain = carried;
            let allowed = 320 * ONE / 10 / 365; // a day at 10% a year
            let gain = allowed / 1_000 * gain_ppm;
            let out = evaluate(&report_with(&b, 320 * ONE + gain), &b, &Bounds::DEFAULT, &Fees::DEFAULT).unwrap();
            let cap = 320 * ONE / 1_000;
            prop_assert!(out.released_kept + out.applied_gain <= cap);
            prop_assert_eq!(out.released_kept + out.kept_from_tickets, kept);
            prop_assert_eq!(out.applied_gain + out.unapplied_gain, gain + carried);
            prop_assert_eq!(out.protocol_fee, out.applied_gain / 10);
            // the kept value goes first
            prop_assert!(out.kept_from_tickets == 0 || out.applied_gain == 0);
        }

        #[test]
        fn gains_raise_the_rate_by_gain_minus_fees(
            pooled in 32u128 * ONE..100_000 * ONE,
            gain_ppm in 0u128..=250,
            days in 1u64..30,
        ) {
            let mut b = before(pooled);
            b.now_ms = b.last_applied_ms + days * DAY;
            let gain = pooled * gain_ppm / 1_000_000;
            let out = evaluate(&report_with(&b, pooled + gain), &b, &Bounds::DEFAULT, &Fees::DEFAULT);
            let Ok(out) = out else { return Ok(()) }; // above the annual bound
            let after = apply(&b.pool, &out);
            // holders' value rises by exactly gain - fees (to rounding in their favour)
            let holders_before = b.pool.assets_for_shares(b.pool.total_shares).unwrap();
            let holders_after = after.value_of(b.pool.total_shares).unwrap();
            let expected = holders_before + out.applied_gain - out.protocol_fee - out.protection_fee;
            // below: one unit of read rounding and the virtual offset's sliver of the gain;
            // above: a couple of units from fee shares rounded down
            let sliver = (out.applied_gain - out.protocol_fee - out.protection_fee) * crate::shares::VIRTUAL_SHARES
                / b.pool.total_shares;
            prop_assert!(
                holders_after + 2 + sliver >= expected && holders_after <= expected + 2,
                "{holders_after} vs {expected}"
            );
            prop_assert!(after.rate().unwrap() >= b.pool.rate().unwrap());
            // the rate never rises by more than the per-report cap
            let cap = b.pool.rate().unwrap() * Bounds::DEFAULT.max_rate_increase_bps / BPS + 1;
            prop_assert!(after.rate().unwrap() <= b.pool.rate().unwrap() + cap);
            // fee recipients get at most the fee's value
            let fee_value = after.value_of(out.protocol_fee_shares + out.protection_fee_shares).unwrap();
            prop_assert!(fee_value <= out.protocol_fee + out.protection_fee);
        }

        #[test]
        fn a_covered_loss_restores_the_rate_and_an_uncovered_one_lowers_it_exactly(
            pooled in 32u128 * ONE..100_000 * ONE,
            held_ppm in 0u128..50_000,
            loss_ppm in 1u128..50_000,
        ) {
            let pool = Pool { total_shares: pooled, total_pooled: pooled };
            let held = pooled * held_ppm / 1_000_000;
            let loss = pooled * loss_ppm / 1_000_000;
            let c = cover(loss, held, &pool, BPS).unwrap();
            let after = Pool { total_shares: pool.total_shares - c.shares_to_burn, total_pooled: pool.total_pooled - loss };
            let rate_before = pool.rate().unwrap();
            let rate_after = after.rate().unwrap();
            prop_assert!(rate_after <= rate_before, "cover raised the rate");
            // the stated cover is what the burned shares were worth, within one unit of the target
            let wanted = loss.min(pool.assets_for_shares(held).unwrap());
            prop_assert_eq!(c.covered, pool.value_of(c.shares_to_burn).unwrap().min(wanted));
            prop_assert!(c.covered <= wanted && c.covered + 2 >= wanted, "{} vs {wanted}", c.covered);
            if c.covered + 2 >= loss {
                prop_assert!(rate_before - rate_after <= 2, "whole cover: {rate_before} -> {rate_after}");
            }
            // the rate drops by exactly the uncovered loss over the remaining shares (to rounding)
            let uncovered = loss - c.covered;
            let remaining = after.total_shares + crate::shares::VIRTUAL_SHARES;
            let expected_drop = mul_div_down(uncovered, ONE, remaining).unwrap();
            let drop = rate_before - rate_after;
            prop_assert!(drop.abs_diff(expected_drop) <= 3, "drop {drop} expected {expected_drop}");
        }
    }
}
