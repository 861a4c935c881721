//! The books of the pooled assets and every rule that moves them: deposits, the flash-exit
//! reserve's refills, staking, the withdrawal queue, flash exits, inflow and the application of an
//! agreed report.
//!
//! Each rule is a method on `Books` that checks, computes and writes the books, or refuses and
//! leaves them as they were; the contract that keeps the books only adds the crossings (the ledger's
//! mints and burns, the pool's payments, the registry's records) and the events. The books
//! identity, `buffered + reserve + in_flight + cl_balance == total_pooled + unapplied_gain +
//! kept_from_tickets`, holds after every rule (`identity_holds`); `claimable` and `inflow` are held
//! apart, and pending tickets are part of `total_pooled` (their shares are in `total_shares`).
use crate::math::{bps_of, MathError};
use crate::oracle::Outcome;
use crate::queue::{free_buffer, Batch, Finalization};
use crate::reserve::{split_deposit, DepositSplit};
use crate::shares::Pool;

/// The pooled assets' books. `total_shares` mirrors the ledger's supply (checked equal after
/// every mint and burn).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Books {
    pub total_shares: u128,
    /// Assets that belong to the holders of `total_shares`.
    pub total_pooled: u128,
    /// Native value held for staking or finalization.
    pub buffered: u128,
    /// Native value set aside for flash exits.
    pub reserve: u128,
    /// Value sent to operators' deposit addresses that the oracle has not reported yet.
    pub in_flight: u128,
    /// Consensus-layer balance of the protocol's validators, as last reported.
    pub cl_balance: u128,
    /// Gain reported but not applied yet (above the per-report rate cap); joins later reports.
    pub unapplied_gain: u128,
    /// What finalized tickets' shares were worth at their report's rate above the tickets'
    /// request values: the holders', released to them by later reports before any reward,
    /// fee-free and under the same per-report cap (so finalization never lifts the rate at
    /// once); a loss uses it first.
    pub kept_from_tickets: u128,
    /// Withdrawals and rewards received from the vault and not reported yet (held apart).
    pub inflow: u128,
    /// Request value of the tickets not finalized yet: staking never spends it.
    pub queued: u128,
    /// Finalized payouts not yet claimed.
    pub claimable: u128,
    /// Id the next ticket will get.
    pub next_ticket: u64,
    /// Id of the oldest pending ticket (equal to `next_ticket` when none is pending).
    pub next_to_finalize: u64,
}

/// Why a rule refused (the books are unchanged).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BooksError {
    /// The deposit is too small to mint a single share.
    ZeroShares,
    /// The buffer holds less than asked for.
    InsufficientBuffer,
    /// The amount would spend value that pending tickets were promised.
    BufferOwedToTickets,
    /// The request is worth less than the minimum withdrawal (or nothing).
    BelowMinWithdrawal,
    /// The refill exceeds the reserve's shortfall or the buffer not owed to tickets.
    AboveRefillHeadroom,
    /// An amount overflowed (cannot happen with real balances).
    Overflow,
}

impl From<MathError> for BooksError {
    fn from(_: MathError) -> Self {
        BooksError::Overflow
    }
}

/// A booked deposit: the shares to mint and where the value goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deposit {
    pub shares: u128,
    pub split: DepositSplit,
}

/// A booked withdrawal request: the ticket's id and its value at the request rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Request {
    pub ticket: u64,
    pub assets: u128,
}

/// What an applied report mints and burns, for the ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ReportShares {
    /// Fee shares to the treasury and to the slash-protection pool.
    pub protocol_fee_shares: u128,
    pub protection_fee_shares: u128,
    /// The protection pool's shares burned to cover the loss.
    pub cover_burned: u128,
    /// What the burned cover was worth (at most the loss).
    pub covered: u128,
}

fn add(a: u128, b: u128) -> Result<u128, BooksError> {
    a.checked_add(b).ok_or(BooksError::Overflow)
}

fn sub(a: u128, b: u128) -> Result<u128, BooksError> {
    a.checked_sub(b).ok_or(BooksError::Overflow)
}

impl Books {
    /// The shares and the assets they are worth.
    pub fn pool(&self) -> Pool {
        Pool {
            total_shares: self.total_shares,
            total_pooled: self.total_pooled,
        }
    }

    /// The pool deposits are priced against: the holders' assets and the value kept from
    /// finalized tickets, which later reports release to the holders. A depositor buys its share
    /// of that value too, so it cannot collect value earned before it deposited.
    pub fn deposit_price(&self) -> Result<Pool, BooksError> {
        Ok(Pool {
            total_shares: self.total_shares,
            total_pooled: add(self.total_pooled, self.kept_from_tickets)?,
        })
    }

    /// Whether the books identity holds (it must after every rule).
    pub fn identity_holds(&self) -> bool {
        let held = self
            .buffered
            .checked_add(self.reserve)
            .and_then(|v| v.checked_add(self.in_flight))
            .and_then(|v| v.checked_add(self.cl_balance));
        let owed = self
            .total_pooled
            .checked_add(self.unapplied_gain)
            .and_then(|v| v.checked_add(self.kept_from_tickets));
        held.is_some() && held == owed
    }

    /// The reserve's target: `target_bps` of the pooled assets.
    pub fn reserve_target(&self, target_bps: u128) -> Result<u128, BooksError> {
        Ok(bps_of(self.total_pooled, target_bps)?)
    }

    /// How much the reserve may take from the buffer now: up to its target, and never from value
    /// that pending tickets are waiting for (queued tickets are served first).
    pub fn refill_headroom(&self, target_bps: u128) -> Result<u128, BooksError> {
        Ok(self
            .reserve_target(target_bps)?
            .saturating_sub(self.reserve)
            .min(free_buffer(self.buffered, self.queued)))
    }

    /// A deposit of `assets`: shares at the deposit price (rounded down, at least one); the value
    /// first fills the buffer up to what pending tickets wait for, then tops the reserve up toward
    /// `target_bps` of the pooled assets; the rest is buffered for staking.
    pub fn deposit(&mut self, assets: u128, target_bps: u128) -> Result<Deposit, BooksError> {
        let shares = self.deposit_price()?.shares_for_deposit(assets)?;
        if shares == 0 {
            return Err(BooksError::ZeroShares);
        }
        let after = self.pool().with_deposit(assets, shares)?;
        // Pending tickets come first: the reserve only takes what they do not wait for.
        let split = split_deposit(
            assets,
            self.reserve,
            after.total_pooled,
            target_bps,
            self.queued.saturating_sub(self.buffered),
        )?;
        let reserve = add(self.reserve, split.to_reserve)?;
        let buffered = add(self.buffered, split.to_buffer)?;
        self.reserve = reserve;
        self.buffered = buffered;
        self.total_shares = after.total_shares;
        self.total_pooled = after.total_pooled;
        Ok(Deposit { shares, split })
    }

    /// Moves `amount` from the buffer to the reserve, within the headroom.
    pub fn refill(&mut self, amount: u128, target_bps: u128) -> Result<(), BooksError> {
        if amount > self.refill_headroom(target_bps)? {
            return Err(BooksError::AboveRefillHeadroom);
        }
        let buffered = sub(self.buffered, amount)?;
        self.reserve = add(self.reserve, amount)?;
        self.buffered = buffered;
        Ok(())
    }

    /// Sends `amount` from the buffer toward validators (in flight until reported), never from the
    /// request value of tickets not yet finalized.
    pub fn stake(&mut self, amount: u128) -> Result<(), BooksError> {
        if amount > self.buffered {
            return Err(BooksError::InsufficientBuffer);
        }
        if amount > free_buffer(self.buffered, self.queued) {
            return Err(BooksError::BufferOwedToTickets);
        }
        let in_flight = add(self.in_flight, amount)?;
        self.buffered = sub(self.buffered, amount)?;
        self.in_flight = in_flight;
        Ok(())
    }

    /// A withdrawal request of `shares`: a ticket worth their assets at the current rate, at least
    /// `min_withdrawal` (and more than nothing). The shares stay in the supply.
    pub fn request(&mut self, shares: u128, min_withdrawal: u128) -> Result<Request, BooksError> {
        let assets = self.pool().assets_for_shares(shares)?;
        if assets < min_withdrawal || assets == 0 {
            return Err(BooksError::BelowMinWithdrawal);
        }
        let ticket = self.next_ticket;
        let queued = add(self.queued, assets)?;
        self.next_ticket = ticket.checked_add(1).ok_or(BooksError::Overflow)?;
        self.queued = queued;
        Ok(Request { ticket, assets })
    }

    /// Finalizes the oldest pending ticket (`shares` and request value `assets`) at `batch`'s
    /// rate if the buffer funds its payout, or answers `None` and changes nothing. The payout
    /// leaves the buffer and the pooled assets together; what the shares were worth above it
    /// leaves the pooled assets for `kept_from_tickets` (later reports release it under the rate
    /// cap), so the identity holds and the rate does not jump; the shares leave the supply.
    pub fn finalize_next(
        &mut self,
        shares: u128,
        assets: u128,
        batch: &Batch,
    ) -> Result<Option<Finalization>, BooksError> {
        let f = batch.finalize(assets, shares)?;
        let Some(buffered) = self.buffered.checked_sub(f.payout) else {
            return Ok(None);
        };
        let mut next = *self;
        next.buffered = buffered;
        next.total_pooled = sub(sub(self.total_pooled, f.payout)?, f.kept_by_pool)?;
        next.kept_from_tickets = add(self.kept_from_tickets, f.kept_by_pool)?;
        next.total_shares = sub(self.total_shares, shares)?;
        next.queued = sub(self.queued, assets)?;
        next.claimable = add(self.claimable, f.payout)?;
        next.next_to_finalize = self.next_to_finalize.checked_add(1).ok_or(BooksError::Overflow)?;
        *self = next;
        Ok(Some(f))
    }

    /// A finalized payout claimed.
    pub fn claim(&mut self, payout: u128) -> Result<(), BooksError> {
        self.claimable = sub(self.claimable, payout)?;
        Ok(())
    }

    /// What a flash exit of `shares` is worth now.
    pub fn exit_assets(&self, shares: u128) -> Result<u128, BooksError> {
        Ok(self.pool().assets_for_shares(shares)?)
    }

    /// A flash exit: `shares` burned, `payout` paid from the reserve (the fee stays pooled).
    pub fn exit_paid(&mut self, shares: u128, payout: u128) -> Result<(), BooksError> {
        let mut next = *self;
        next.total_shares = sub(self.total_shares, shares)?;
        next.total_pooled = sub(self.total_pooled, payout)?;
        next.reserve = sub(self.reserve, payout)?;
        *self = next;
        Ok(())
    }

    /// Withdrawals and rewards received from the vault, held apart until reported.
    pub fn receive_inflow(&mut self, amount: u128) -> Result<(), BooksError> {
        self.inflow = add(self.inflow, amount)?;
        Ok(())
    }

    /// The first half of an applied report, before its loss: deposits now seen and arrived value
    /// leave their holding lines, the reported balance and the smoothing lines are taken, the
    /// kept value released and the gain applied with its fee shares minted.
    pub fn apply_gain(&mut self, cl_balance: u128, out: &Outcome) -> Result<(), BooksError> {
        let mut next = *self;
        next.in_flight = sub(self.in_flight, out.activated)?;
        next.inflow = sub(self.inflow, out.arrived)?;
        next.buffered = add(self.buffered, out.arrived)?;
        next.cl_balance = cl_balance;
        next.unapplied_gain = out.unapplied_gain;
        next.kept_from_tickets = out.kept_from_tickets;
        next.total_pooled = add(self.total_pooled, out.released_kept)?;
        if out.applied_gain > 0 {
            next.total_pooled = add(next.total_pooled, out.applied_gain)?;
            next.total_shares = add(
                add(next.total_shares, out.protocol_fee_shares)?,
                out.protection_fee_shares,
            )?;
        }
        *self = next;
        Ok(())
    }

    /// The loss half of an applied report: `cover_shares` of the protection pool's shares (at most
    /// `held`) burned, worth `covered` (at most the loss) at the rate before the loss, then the
    /// loss leaves the pooled assets. Returns the shares burned and what they covered.
    pub fn apply_loss(
        &mut self,
        loss: u128,
        cover_shares: u128,
        held: u128,
    ) -> Result<(u128, u128), BooksError> {
        let burned = cover_shares.min(held);
        let covered = self.pool().value_of(burned)?.min(loss);
        let mut next = *self;
        next.total_shares = sub(self.total_shares, burned)?;
        next.total_pooled = sub(self.total_pooled, loss)?;
        *self = next;
        Ok((burned, covered))
    }
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests;
