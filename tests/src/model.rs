//! An independent model of the protocol's accounting, written from the README's rules (token,
//! withdrawal queue, oracle and protection, flash exit references) with its own 256-bit
//! arithmetic. It never calls `icseth_core`'s policy functions: a test that drives the chain and
//! this model side by side asserts the contracts' figures against figures computed here.
//!
//! Defaults as the README states them: reserve target 5% of pooled; flash-exit fee 0.5% at or above
//! the target rising linearly to 2% at an empty reserve, each unit leaving at the level it leaves
//! from (the curve's integral over the exit's depletion, rounded up), exits in one day's frame
//! at most 50% of the reserve at the frame's first exit; fees on gains 10% (treasury) and 5%
//! (protection pool), minted at the post-gain rate; increase at most 10% a year pro rata, at most
//! 0.1% of pooled assets applied per report (the rest carried), decrease at most 5%; cover
//! min(loss, the pool's value, 50% of it); a virtual offset of 1e6 shares over 1e6 units.
use crate::sandbox::ETH;
use icseth_core::oracle::Report;
use ink::primitives::AccountId;
use operator_registry::operator_registry::OperatorStatus;
use primitive_types::U256;
use std::collections::BTreeMap;

/// A validator's deposit.
pub const VALIDATOR: u128 = 32 * ETH;
/// The virtual offset on both sides of the share price.
pub const OFFSET: u128 = 1_000_000;
const BPS: u128 = 10_000;
const YEAR_MS: u128 = 365 * 24 * 60 * 60 * 1000;
/// The reserve target's default (`ReserveTargetBps`, governable).
pub const RESERVE_TARGET_BPS: u128 = 500;
const MIN_FEE_BPS: u128 = 50;
const MAX_FEE_BPS: u128 = 200;
const PER_EXIT_CAP_BPS: u128 = 5_000;
const PROTOCOL_FEE_BPS: u128 = 1_000;
const PROTECTION_FEE_BPS: u128 = 500;
const ANNUAL_INCREASE_BPS: u128 = 1_000;
const RATE_INCREASE_BPS: u128 = 10;
const DECREASE_BPS: u128 = 500;
const COVER_CAP_BPS: u128 = 5_000;
const MAX_FINALIZE_PER_REPORT: usize = 16;

/// floor(a * b / d) in 256 bits.
pub fn mul_div(a: u128, b: u128, d: u128) -> u128 {
    assert!(d > 0, "model: division by zero");
    (U256::from(a) * U256::from(b) / U256::from(d)).low_u128()
}

/// ceil(a * b / d) in 256 bits.
pub fn mul_div_up(a: u128, b: u128, d: u128) -> u128 {
    assert!(d > 0, "model: division by zero");
    let p = U256::from(a) * U256::from(b);
    let d = U256::from(d);
    ((p + d - U256::one()) / d).low_u128()
}

/// A withdrawal ticket as the queue promises it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelTicket {
    pub owner: AccountId,
    pub shares: u128,
    /// Its value at the request: the most it can ever pay.
    pub value: u128,
    pub requested_at: u64,
    pub payout: Option<u128>,
    pub claimed: bool,
}

/// What an applied report did, by the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ReportFigures {
    pub applied_gain: u128,
    pub unapplied_gain: u128,
    /// Value kept from finalized tickets that this report gave the holders.
    pub released_kept: u128,
    pub loss: u128,
    pub covered: u128,
    pub cover_shares: u128,
    pub protocol_fee: u128,
    pub protection_fee: u128,
    pub protocol_fee_shares: u128,
    pub protection_fee_shares: u128,
    pub finalized: usize,
    pub refilled: u128,
}

/// A flash exit, by the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExitFigures {
    pub assets: u128,
    pub fee_bps: u128,
    pub fee: u128,
    pub payout: u128,
}

/// The accounting's books and the ledger's holdings as the rules say they must be.
#[derive(Debug, Clone)]
pub struct Protocol {
    pub total_shares: u128,
    pub total_pooled: u128,
    pub buffered: u128,
    pub reserve: u128,
    pub in_flight: u128,
    pub cl_balance: u128,
    pub unapplied_gain: u128,
    /// What finalized tickets' shares were worth above their payouts: the holders', handed to
    /// them by later reports within the rate cap, before rewards and without fees.
    pub kept_from_tickets: u128,
    pub inflow: u128,
    pub queued: u128,
    pub claimable: u128,
    pub balances: BTreeMap<AccountId, u128>,
    pub tickets: Vec<ModelTicket>,
    pub next_to_finalize: usize,
    pub funded: u32,
    pub last: Option<Report>,
    pub last_applied_ms: u64,
    /// The last applied report's cut-off and the pool it left (tickets are paid at it).
    pub batch: Option<(u64, u128, u128)>,
    pub treasury: AccountId,
    pub protection: AccountId,
    /// The token's own account: it holds the queue's shares.
    pub queue: AccountId,
    /// The reserve's target, in basis points of pooled assets.
    pub reserve_target_bps: u128,
    /// Flash exits in the current frame: (frame, the reserve at its first exit, assets taken).
    pub frame_exits: Option<(u64, u128, u128)>,
}

impl Protocol {
    pub fn new(treasury: AccountId, protection: AccountId, queue: AccountId) -> Self {
        Self {
            total_shares: 0,
            total_pooled: 0,
            buffered: 0,
            reserve: 0,
            in_flight: 0,
            cl_balance: 0,
            unapplied_gain: 0,
            kept_from_tickets: 0,
            inflow: 0,
            queued: 0,
            claimable: 0,
            balances: BTreeMap::new(),
            tickets: Vec::new(),
            next_to_finalize: 0,
            funded: 0,
            last: None,
            last_applied_ms: 0,
            batch: None,
            treasury,
            protection,
            queue,
            reserve_target_bps: RESERVE_TARGET_BPS,
            frame_exits: None,
        }
    }

    pub fn balance(&self, who: &AccountId) -> u128 {
        self.balances.get(who).copied().unwrap_or(0)
    }

    fn credit(&mut self, who: AccountId, shares: u128) {
        *self.balances.entry(who).or_insert(0) += shares;
    }

    fn debit(&mut self, who: AccountId, shares: u128) {
        let balance = self.balances.entry(who).or_insert(0);
        *balance = balance
            .checked_sub(shares)
            .expect("model: shares above the balance");
    }

    /// Assets per 1e18 shares, with the offset, rounded down.
    pub fn rate(&self) -> u128 {
        mul_div(ETH, self.total_pooled + OFFSET, self.total_shares + OFFSET)
    }

    /// What `shares` pay on exit against a pool of (`shares_total`, `pooled`): the lower of the
    /// price with the offset and the plain ratio, rounded down, never more than the pool.
    fn payout_value(shares: u128, shares_total: u128, pooled: u128) -> u128 {
        let with_offset = mul_div(shares, pooled + OFFSET, shares_total + OFFSET).min(pooled);
        if shares_total == 0 {
            return with_offset;
        }
        with_offset.min(mul_div(shares, pooled, shares_total))
    }

    /// What `shares` pay on exit now.
    pub fn value_of(&self, shares: u128) -> u128 {
        Self::payout_value(shares, self.total_shares, self.total_pooled)
    }

    /// The reserve's target now.
    pub fn reserve_target(&self) -> u128 {
        mul_div(self.total_pooled, self.reserve_target_bps, BPS)
    }

    /// A deposit: shares at the rate with the offset (rounded down), the value kept from finalized
    /// tickets counted in; what pending tickets' request
    /// values exceed the buffer by stays in the buffer, then the reserve is topped up toward its
    /// target of the pooled assets after the deposit, the rest is buffered.
    pub fn deposit(&mut self, who: AccountId, assets: u128) -> u128 {
        // priced with the value kept from tickets, which the holders will receive
        let shares = mul_div(
            assets,
            self.total_shares + OFFSET,
            self.total_pooled + self.kept_from_tickets + OFFSET,
        );
        self.total_shares += shares;
        self.total_pooled += assets;
        let for_tickets = self.queued.saturating_sub(self.buffered).min(assets);
        let to_reserve = self
            .reserve_target()
            .saturating_sub(self.reserve)
            .min(assets - for_tickets);
        self.reserve += to_reserve;
        self.buffered += assets - to_reserve;
        self.credit(who, shares);
        shares
    }

    pub fn transfer(&mut self, from: AccountId, to: AccountId, shares: u128) {
        self.debit(from, shares);
        self.credit(to, shares);
    }

    /// Whether `validators` may be staked now (the buffer, less what pending
    /// tickets' request values wait for, funds them).
    pub fn may_stake(&self, validators: u32) -> bool {
        u128::from(validators) * VALIDATOR <= self.buffered.saturating_sub(self.queued)
    }

    /// Whole validators the allocation may fund now: the buffer above what pending tickets wait
    /// for and the liquidity floor, at most a page.
    pub fn fundable(&self, floor: u128) -> u32 {
        let free = self.buffered.saturating_sub(self.queued).saturating_sub(floor);
        ((free / VALIDATOR) as u32).min(ALLOCATION_PAGE)
    }

    pub fn stake(&mut self, validators: u32) {
        assert!(self.may_stake(validators), "model: stake beyond the free buffer");
        let amount = u128::from(validators) * VALIDATOR;
        self.buffered -= amount;
        self.in_flight += amount;
        self.funded += validators;
    }

    /// The vault hands over withdrawals and execution-layer rewards: held apart until reported.
    pub fn receive_inflow(&mut self, amount: u128) {
        self.inflow += amount;
    }

    /// A withdrawal request: the shares move into the queue, the ticket records their value.
    pub fn request(&mut self, who: AccountId, shares: u128, now_ms: u64) -> usize {
        let value = self.value_of(shares);
        self.transfer(who, self.queue, shares);
        self.queued += value;
        self.tickets.push(ModelTicket {
            owner: who,
            shares,
            value,
            requested_at: now_ms,
            payout: None,
            claimed: false,
        });
        self.tickets.len() - 1
    }

    pub fn claim(&mut self, id: usize) -> u128 {
        let ticket = &mut self.tickets[id];
        let payout = ticket.payout.expect("model: claim of a ticket not finalized");
        assert!(!ticket.claimed, "model: a ticket claimed twice");
        ticket.claimed = true;
        self.claimable -= payout;
        payout
    }

    /// The flash-exit quote for `shares` at `now_ms`, or `None` when the reserve or the frame's
    /// exit limit refuses it.
    pub fn quote_exit(&self, shares: u128, now_ms: u64) -> Option<ExitFigures> {
        let assets = self.value_of(shares);
        if assets == 0 || assets > self.reserve || assets > self.exit_limit_left(now_ms) {
            return None;
        }
        let fee = Self::depletion_fee(self.reserve, self.reserve - assets, self.reserve_target()).min(assets);
        Some(ExitFigures {
            assets,
            fee_bps: mul_div_up(fee, BPS, assets),
            fee,
            payout: assets - fee,
        })
    }

    /// What exits may still take in the frame `now_ms` falls in: half of the reserve as it stood
    /// at the frame's first exit, less what exits took since.
    pub fn exit_limit_left(&self, now_ms: u64) -> u128 {
        let frame = now_ms / FRAME_MS;
        let (base, taken) = match self.frame_exits {
            Some((f, base, taken)) if f == frame => (base, taken),
            _ => (self.reserve, 0),
        };
        mul_div(base, PER_EXIT_CAP_BPS, BPS).saturating_sub(taken)
    }

    /// The fee for taking the reserve from `from` down to `to` against `target`: every unit pays
    /// the curve at the level it leaves from (the minimum at or above the target, rising linearly
    /// to the maximum at empty), summed exactly and rounded up once.
    fn depletion_fee(from: u128, to: u128, target: u128) -> u128 {
        if target == 0 {
            return mul_div_up(from - to, MIN_FEE_BPS, BPS);
        }
        let lo_top = from.min(target);
        let below = lo_top.saturating_sub(to);
        let t2 = U256::from(target) * U256::from(2u8);
        // over 2 x target x BPS: every unit at the minimum, plus the rise below the target,
        // spread x (2 x target x below - (lo_top^2 - to^2))
        let flat = U256::from(from - to) * U256::from(MIN_FEE_BPS) * t2;
        let squares = if below == 0 {
            U256::zero()
        } else {
            U256::from(lo_top) * U256::from(lo_top) - U256::from(to) * U256::from(to)
        };
        let rise = U256::from(MAX_FEE_BPS - MIN_FEE_BPS) * (t2 * U256::from(below) - squares);
        let d = t2 * U256::from(BPS);
        ((flat + rise + d - U256::one()) / d).low_u128()
    }

    /// A flash exit at `now_ms`: the shares burn, the payout leaves the pool and the reserve, the
    /// fee stays; the exit counts against the frame's limit.
    pub fn flash_exit(&mut self, who: AccountId, shares: u128, now_ms: u64) -> ExitFigures {
        let exit = self.quote_exit(shares, now_ms).expect("model: exit refused");
        let frame = now_ms / FRAME_MS;
        self.frame_exits = Some(match self.frame_exits {
            Some((f, base, taken)) if f == frame => (f, base, taken + exit.assets),
            _ => (frame, self.reserve, exit.assets),
        });
        self.debit(who, shares);
        self.total_shares -= shares;
        self.total_pooled -= exit.payout;
        self.reserve -= exit.payout;
        exit
    }

    /// An oracle report applied at `now_ms`, or the bound that refuses it.
    pub fn apply_report(&mut self, report: &Report, now_ms: u64) -> Result<ReportFigures, &'static str> {
        let last = self.last.unwrap_or_default();
        let first = self.last.is_none();
        let new_validators = u128::from(report.validators - last.validators);
        let activated = (new_validators * VALIDATOR).min(self.in_flight);
        let arrived = (report.withdrawn_total - last.withdrawn_total)
            + (report.el_rewards_total - last.el_rewards_total);
        if report.validators > self.funded {
            return Err("validators above funded");
        }
        if arrived > self.inflow {
            return Err("inflow not received");
        }
        let after_side = report.cl_balance + arrived;
        let before_side = last.cl_balance + activated;
        let pooled = self.total_pooled;
        let mut f = ReportFigures::default();
        let mut used_kept = 0;
        if after_side >= before_side {
            let raw = after_side - before_side;
            let allowed = if first {
                0
            } else {
                mul_div(
                    mul_div(pooled, ANNUAL_INCREASE_BPS, BPS),
                    u128::from(now_ms - self.last_applied_ms),
                    YEAR_MS,
                )
            };
            if raw > allowed {
                return Err("increase above the annual bound");
            }
            // the rate cap covers the kept value first, then rewards
            let cap = mul_div(pooled, RATE_INCREASE_BPS, BPS);
            f.released_kept = self.kept_from_tickets.min(cap);
            let candidate = raw + self.unapplied_gain;
            f.applied_gain = candidate.min(cap - f.released_kept);
            f.unapplied_gain = candidate - f.applied_gain;
        } else {
            // a loss takes the kept value first, then carried rewards, then the holders
            let raw = before_side - after_side;
            let from_kept = raw.min(self.kept_from_tickets);
            let absorbed = (raw - from_kept).min(self.unapplied_gain);
            f.loss = raw - from_kept - absorbed;
            f.unapplied_gain = self.unapplied_gain - absorbed;
            if f.loss > mul_div(pooled, DECREASE_BPS, BPS) {
                return Err("decrease above the bound");
            }
            used_kept = from_kept;
        }
        self.in_flight -= activated;
        self.inflow -= arrived;
        self.buffered += arrived;
        self.cl_balance = report.cl_balance;
        self.unapplied_gain = f.unapplied_gain;
        self.kept_from_tickets -= f.released_kept + used_kept;
        self.total_pooled += f.released_kept;
        if f.applied_gain > 0 {
            // fee shares s with s / (S + s) = fee / (P + gain): priced at the post-report rate
            // (the released kept value included); fees only on the reward
            f.protocol_fee = mul_div(f.applied_gain, PROTOCOL_FEE_BPS, BPS);
            f.protection_fee = mul_div(f.applied_gain, PROTECTION_FEE_BPS, BPS);
            let holders_value = pooled + f.released_kept + f.applied_gain - f.protocol_fee - f.protection_fee;
            f.protocol_fee_shares =
                mul_div(f.protocol_fee, self.total_shares + OFFSET, holders_value + OFFSET);
            f.protection_fee_shares = mul_div(
                f.protection_fee,
                self.total_shares + OFFSET,
                holders_value + OFFSET,
            );
            self.total_pooled += f.applied_gain;
            self.total_shares += f.protocol_fee_shares + f.protection_fee_shares;
            self.credit(self.treasury, f.protocol_fee_shares);
            self.credit(self.protection, f.protection_fee_shares);
        }
        if f.loss > 0 {
            let held = self.balance(&self.protection);
            let held_value = self.value_of(held);
            let wanted = f
                .loss
                .min(held_value)
                .min(mul_div(held_value, COVER_CAP_BPS, BPS));
            let burn = mul_div(wanted, self.total_shares + OFFSET, self.total_pooled + OFFSET).min(held);
            f.cover_shares = burn;
            f.covered = mul_div(burn, self.total_pooled + OFFSET, self.total_shares + OFFSET).min(wanted);
            self.debit(self.protection, burn);
            self.total_shares -= burn;
            self.total_pooled -= f.loss;
        }
        self.last = Some(*report);
        self.last_applied_ms = now_ms;
        self.batch = Some((report.ref_time_ms, self.total_shares, self.total_pooled));
        f.finalized = self.finalize(MAX_FINALIZE_PER_REPORT);
        if arrived > 0 {
            let headroom = self
                .reserve_target()
                .saturating_sub(self.reserve)
                .min(self.buffered.saturating_sub(self.queued));
            f.refilled = headroom.min(arrived);
            self.buffered -= f.refilled;
            self.reserve += f.refilled;
        }
        Ok(f)
    }

    /// Finalizes, oldest first, tickets requested before the last report's snapshot, each at
    /// min(its request value, its shares at the pool that report left), while the buffer pays.
    pub fn finalize(&mut self, max: usize) -> usize {
        let Some((cutoff, batch_shares, batch_pooled)) = self.batch else {
            return 0;
        };
        let mut done = 0;
        while done < max && self.next_to_finalize < self.tickets.len() {
            let ticket = self.tickets[self.next_to_finalize].clone();
            if ticket.requested_at >= cutoff {
                break;
            }
            let worth = Self::payout_value(ticket.shares, batch_shares, batch_pooled);
            let payout = ticket.value.min(worth);
            if payout > self.buffered {
                break;
            }
            self.buffered -= payout;
            // the shares' whole worth leaves the holders' pool; what it exceeds the payout by
            // waits to be released by later reports
            self.total_pooled -= worth;
            self.kept_from_tickets += worth - payout;
            self.total_shares -= ticket.shares;
            self.debit(self.queue, ticket.shares);
            self.queued -= ticket.value;
            self.claimable += payout;
            self.tickets[self.next_to_finalize].payout = Some(payout);
            self.next_to_finalize += 1;
            done += 1;
        }
        done
    }
}

impl Protocol {
    /// How much the staking manager may move from the buffer to the reserve now: up to the
    /// target, never from what pending tickets' request values wait for.
    pub fn refill_headroom(&self) -> u128 {
        self.reserve_target()
            .saturating_sub(self.reserve)
            .min(self.buffered.saturating_sub(self.queued))
    }

    pub fn refill(&mut self, amount: u128) {
        assert!(
            amount <= self.refill_headroom(),
            "model: refill above the headroom"
        );
        self.buffered -= amount;
        self.reserve += amount;
    }

    /// What `shares` are worth at the share price with the offset (rounded down): the value a
    /// holder's balance stands for, the value kept from tickets (the holders', released later)
    /// counted in.
    pub fn worth(&self, shares: u128) -> u128 {
        let (total_shares, value) = self.price();
        mul_div(shares, value + OFFSET, total_shares + OFFSET)
    }

    /// The holders' share price as (shares, value): their pooled assets and what later reports
    /// will release to them from finalized tickets.
    pub fn price(&self) -> (u128, u128) {
        (self.total_shares, self.total_pooled + self.kept_from_tickets)
    }

    /// What `who` holds now: its shares' worth, the request values of its pending tickets and the
    /// payouts of its finalized tickets not claimed yet.
    pub fn holdings(&self, who: &AccountId) -> u128 {
        let tickets: u128 = self
            .tickets
            .iter()
            .filter(|t| &t.owner == who && !t.claimed)
            .map(|t| t.payout.unwrap_or(t.value))
            .sum();
        self.worth(self.balance(who)) + tickets
    }
}

/// What holding would have earned: an upper bound on what each account may ever take out,
/// whatever the exit rules say. Each account is owed what it deposited or received, moved up and
/// down with the share price on the shares it holds (applied gains net of fees, flash-exit fees,
/// value a finalized ticket left behind, losses net of cover), rounded in its favour. Shares in a
/// ticket stop following the price for their owner: the ticket promises its request value. An
/// exit that pays above the worth of what left (a ticket paid at a later price than its
/// request's, an exit priced above the pool) shows as taking out more than is owed.
#[derive(Debug, Clone, Default)]
pub struct Owed {
    owed: BTreeMap<AccountId, i128>,
    paid: BTreeMap<AccountId, u128>,
}

impl Owed {
    fn add(&mut self, who: AccountId, delta: i128) {
        *self.owed.entry(who).or_insert(0) += delta;
    }

    pub fn deposited(&mut self, who: AccountId, assets: u128) {
        self.add(who, assets as i128);
    }

    /// `shares` moved from one holder to another at the current price.
    pub fn moved(&mut self, model: &Protocol, from: AccountId, to: AccountId, shares: u128) {
        let value = model.worth(shares) as i128;
        self.add(from, -value);
        // the receiver's balance may be worth one unit more than the value moved (rounding)
        self.add(to, value + 1);
    }

    pub fn paid(&mut self, who: AccountId, amount: u128) {
        *self.paid.entry(who).or_insert(0) += amount;
    }

    /// The share price moved from `before` (`Protocol::price`) to `model`'s: each holder in
    /// `accounts` gains or loses the move on the shares it holds now (a rise rounded up, a fall
    /// rounded down: in the holder's favour).
    pub fn price_moved(&mut self, before: (u128, u128), model: &Protocol, accounts: &[AccountId]) {
        let (shares_before, pooled_before) = before;
        let (shares_now, value_now) = model.price();
        let d = U256::from(shares_before + OFFSET) * U256::from(shares_now + OFFSET);
        for who in accounts {
            let balance = U256::from(model.balance(who));
            let old = balance * U256::from(pooled_before + OFFSET) * U256::from(shares_now + OFFSET);
            let new = balance * U256::from(value_now + OFFSET) * U256::from(shares_before + OFFSET);
            if new > old {
                let rise = (new - old + d - U256::one()) / d;
                self.add(*who, rise.low_u128() as i128);
            } else {
                let fall = (old - new) / d;
                self.add(*who, -(fall.low_u128() as i128));
            }
        }
    }

    /// Fails when `who` has taken out and still holds more than holding would have earned.
    pub fn check(&self, model: &Protocol, who: &AccountId) -> Result<(), String> {
        let owed = self.owed.get(who).copied().unwrap_or(0);
        let paid = self.paid.get(who).copied().unwrap_or(0);
        let holds = model.holdings(who);
        if (paid + holds) as i128 > owed {
            return Err(format!(
                "{who:?} took out {paid} and holds {holds}: above the {owed} holding would have earned"
            ));
        }
        Ok(())
    }
}

/// The frame score the README defines: 70% attestation effectiveness, 30% proposal reliability
/// (proposed of those due; fully reliable when none were due), in basis points.
pub fn frame_score(figures: &icseth_core::operators::Figures) -> u32 {
    let due = figures.proposed + figures.missed;
    let reliability = if due == 0 {
        10_000
    } else {
        figures.proposed * 10_000 / due
    };
    (figures.effectiveness_bps * 7_000 + reliability * 3_000) / 10_000
}

/// The status rules: below 9,000 for 3 frames in a row to probation, 3 more to paused; one good
/// frame restores active. Returns the status and the run of weak frames.
pub fn next_status(status: OperatorStatus, weak_run: u32, score: u32) -> (OperatorStatus, u32) {
    // a registration waiting for the board and a removed operator never change by performance
    if matches!(status, OperatorStatus::Pending | OperatorStatus::Exited) {
        return (status, weak_run);
    }
    if score >= 9_000 {
        return (OperatorStatus::Active, 0);
    }
    let weak_run = weak_run + 1;
    let next = match status {
        OperatorStatus::Active if weak_run >= 3 => OperatorStatus::Probation,
        OperatorStatus::Probation if weak_run >= 6 => OperatorStatus::Paused,
        other => other,
    };
    (next, weak_run)
}

/// The allocation's defaults as the README states them: SSV 40%, Obol 40%, KYC ring-fenced 20%
/// of the validators that stay (funded, not exited, not asked to exit); no operator above 25% of
/// them, or above an even share when fewer than four can still take a validator; 16 validators
/// per call; validators funded in the last 3 days are never asked to exit for tickets.
pub const KIND_TARGETS_BPS: [u64; 3] = [4_000, 4_000, 2_000];
pub const OPERATOR_CAP_BPS: u64 = 2_500;
pub const ALLOCATION_PAGE: u32 = 16;
/// A new operator without an attested frame ranks at the performance threshold.
pub const UNSCORED_RANK: u32 = 9_000;
/// Validators funded today or on the two days before (UTC days of block time) are young.
pub const YOUNG_DAYS: u64 = 3;

/// Of `funded` (day, validators) pairs, the validators still young at `now_ms`.
pub fn young_at(funded: &[(u64, u32)], now_ms: u64) -> u32 {
    let today = now_ms / (24 * 60 * 60 * 1000);
    funded
        .iter()
        .filter(|(day, _)| *day <= today && today - day < YOUNG_DAYS)
        .map(|(_, n)| n)
        .sum()
}

/// One operator as the allocation and exit rules see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperatorModel {
    pub id: u32,
    /// 0 SSV, 1 Obol, 2 KYC ring-fenced.
    pub kind: usize,
    pub status: OperatorStatus,
    pub score: Option<u32>,
    /// Its last attested frame had no claim of its own, or one that differed from the attested
    /// figures.
    pub disputed: bool,
    pub keys: u32,
    pub limit: u32,
    pub funded: u32,
    pub exited: u32,
    /// Asked to exit and not exited yet.
    pub asked: u32,
    /// Funded in the last 3 days (never asked for tickets).
    pub young: u32,
}

impl OperatorModel {
    pub fn in_service(&self) -> bool {
        matches!(
            self.status,
            OperatorStatus::Active | OperatorStatus::Probation | OperatorStatus::Paused
        )
    }
    pub fn staying(&self) -> u32 {
        self.funded - self.exited - self.asked
    }
    /// Validators it may receive now: none unless active, asked nothing and undisputed; else
    /// room under the limit for live validators and unused keys.
    pub fn room(&self) -> u32 {
        if self.status != OperatorStatus::Active || self.asked > 0 || self.disputed {
            return 0;
        }
        let live = self.funded - self.exited;
        (self.limit.saturating_sub(live)).min(self.keys - self.funded)
    }
    fn rank(&self) -> u32 {
        self.score.unwrap_or(UNSCORED_RANK)
    }
    fn exitable(&self) -> u32 {
        self.staying().saturating_sub(self.young)
    }
}

/// Which operator gets each of `validators`, one at a time: the kind furthest below its target
/// once the validator counts, then the best score, the fewest staying, the lowest id; an operator
/// is skipped when full or when one more would put it above ceil(cap) of the staying validators,
/// the cap 25% or 1/n of them with n < 4 operators able to take one. Answers the validators per
/// operator (in `ops`' order).
pub fn plan_allocation(ops: &[OperatorModel], validators: u32) -> Vec<u32> {
    let mut staying: Vec<u64> = ops.iter().map(|o| u64::from(o.staying())).collect();
    let mut room: Vec<u32> = ops
        .iter()
        .map(|o| if o.in_service() { o.room() } else { 0 })
        .collect();
    let mut given = vec![0u32; ops.len()];
    for _ in 0..validators {
        let total: u64 = (0..ops.len())
            .filter(|&i| ops[i].in_service())
            .map(|i| staying[i])
            .sum();
        let able = room.iter().filter(|r| **r > 0).count() as u64;
        // an even share when too few can take stake for 25% to be met
        let cap = if able * OPERATOR_CAP_BPS >= 10_000 {
            OPERATOR_CAP_BPS
        } else {
            10_000u64.div_ceil(able.max(1))
        };
        let mut by_kind = [0u64; 3];
        for (i, o) in ops.iter().enumerate() {
            if o.in_service() {
                by_kind[o.kind] += staying[i];
            }
        }
        let key = |i: usize| {
            let o = &ops[i];
            let below =
                KIND_TARGETS_BPS[o.kind] as i128 * (total + 1) as i128 - by_kind[o.kind] as i128 * 10_000;
            (
                below,
                o.rank(),
                std::cmp::Reverse(staying[i]),
                std::cmp::Reverse(o.id),
            )
        };
        let best = (0..ops.len())
            .filter(|&i| room[i] > 0)
            .filter(|&i| (staying[i] + 1) * 10_000 <= cap * (total + 1) + 9_999)
            .max_by_key(|&i| key(i));
        let Some(i) = best else { break };
        given[i] += 1;
        staying[i] += 1;
        room[i] -= 1;
    }
    given
}

/// Which operators are asked to exit `validators`, one at a time, never a young validator: paused
/// operators first, then the kind furthest above its target once the validator leaves, its weakest
/// score, the most staying, the highest id.
pub fn plan_exits(ops: &[OperatorModel], validators: u32) -> Vec<u32> {
    let mut staying: Vec<u64> = ops
        .iter()
        .map(|o| if o.in_service() { u64::from(o.staying()) } else { 0 })
        .collect();
    let mut asked = vec![0u32; ops.len()];
    let mut exitable: Vec<u32> = ops
        .iter()
        .map(|o| if o.in_service() { o.exitable() } else { 0 })
        .collect();
    for _ in 0..validators {
        let total: u64 = staying.iter().sum();
        let mut by_kind = [0u64; 3];
        for (i, o) in ops.iter().enumerate() {
            by_kind[o.kind] += staying[i];
        }
        let key = |i: usize| {
            let o = &ops[i];
            let above = (by_kind[o.kind] - 1) as i128 * 10_000
                - KIND_TARGETS_BPS[o.kind] as i128 * (total - 1) as i128;
            (
                o.status == OperatorStatus::Paused,
                above,
                std::cmp::Reverse(o.rank()),
                staying[i],
                o.id,
            )
        };
        let Some(i) = (0..ops.len())
            .filter(|&i| exitable[i] > 0)
            .max_by_key(|&i| key(i))
        else {
            break;
        };
        asked[i] += 1;
        staying[i] -= 1;
        exitable[i] -= 1;
    }
    asked
}

/// Validators to ask to exit for pending tickets: what they are owed above the buffer, 32 ETH per
/// validator asked and not exited, and the larger of the unreported inflow and 32 ETH per
/// validator exited and not yet withdrawn in a report (a withdrawal handed over but not reported
/// is in both), in whole validators rounded up.
pub fn exits_needed(owed: u128, buffered: u128, inflow: u128, in_transit: u64, asked: u64) -> u32 {
    let arriving = inflow.max(u128::from(in_transit) * VALIDATOR);
    let covered = buffered + arriving + u128::from(asked) * VALIDATOR;
    let short = owed.saturating_sub(covered);
    short.div_ceil(VALIDATOR) as u32
}

/// The token's ten book figures in the order `book_figures` gives them, for messages.
pub const BOOK_FIGURES: &str =
    "[shares, pooled, buffered, reserve, in flight, cl, unapplied, kept, inflow, queued, claimable]";

/// The accounting's books as the chain reports them, in `BOOK_FIGURES`' order.
pub fn book_figures(b: &icseth_accounting::icseth_accounting::Accounting) -> [u128; 11] {
    [
        b.total_shares,
        b.total_pooled,
        b.buffered,
        b.reserve,
        b.in_flight,
        b.cl_balance,
        b.unapplied_gain,
        b.kept_from_tickets,
        b.inflow,
        b.queued,
        b.claimable,
    ]
}

impl Protocol {
    /// The model's books, in `BOOK_FIGURES`' order.
    pub fn book_figures(&self) -> [u128; 11] {
        [
            self.total_shares,
            self.total_pooled,
            self.buffered,
            self.reserve,
            self.in_flight,
            self.cl_balance,
            self.unapplied_gain,
            self.kept_from_tickets,
            self.inflow,
            self.queued,
            self.claimable,
        ]
    }
}

impl ModelTicket {
    /// The status the token must show for this ticket.
    pub fn status(&self) -> icseth_accounting::icseth_accounting::TicketStatus {
        use icseth_accounting::icseth_accounting::TicketStatus;
        match (self.payout, self.claimed) {
            (None, _) => TicketStatus::Pending,
            (Some(payout), false) => TicketStatus::Finalized { payout },
            (Some(payout), true) => TicketStatus::Claimed { payout },
        }
    }
}

/// A report frame: reports describe the snapshot at a frame's start (a day from genesis).
pub const FRAME_MS: u64 = 24 * 60 * 60 * 1000;
/// How long a lone member's hold lasts at most.
pub const LONE_HOLD_MS: u64 = 36 * 60 * 60 * 1000;
/// Frames after an unconfirmed lone hold's lapse during which its member starts no lone hold.
const LONE_BAR_FRAMES: u64 = 3;

impl Protocol {
    /// The loss `report` shows against the books, bounds aside: what the consensus balance and
    /// arrivals fall short of the last balance and the deposits seen, after the carried gain.
    pub fn loss_shown(&self, report: &Report) -> u128 {
        let last = self.last.unwrap_or_default();
        if report.validators < last.validators
            || report.withdrawn_total < last.withdrawn_total
            || report.el_rewards_total < last.el_rewards_total
        {
            return 0;
        }
        let activated = (u128::from(report.validators - last.validators) * VALIDATOR).min(self.in_flight);
        let arrived = (report.withdrawn_total - last.withdrawn_total)
            + (report.el_rewards_total - last.el_rewards_total);
        (last.cl_balance + activated)
            .saturating_sub(report.cl_balance + arrived)
            .saturating_sub(self.kept_from_tickets)
            .saturating_sub(self.unapplied_gain)
    }
}

/// The pending-loss hold as the README states it: a loss vote short of quorum holds deposits and
/// flash exits. With at least two members (and a third of the quorum) voting a loss for the frame
/// it is corroborated and lasts until a report for that snapshot or later applies; otherwise it
/// is lone and also lapses 36 hours after it began. A member whose lone hold ended without the
/// frame's report confirming its vote starts no lone hold until three frames after that hold's
/// lapse.
#[derive(Debug, Clone, Default)]
pub struct HoldModel {
    /// (since, snapshot) of the corroborated hold.
    pub corroborated: Option<(u64, u64)>,
    /// (since, snapshot, lapses at) of the lone hold.
    pub lone: Option<(u64, u64, u64)>,
    /// The members whose current vote for a snapshot showed a loss.
    loss_voters: BTreeMap<u64, Vec<AccountId>>,
    /// Each member's last vote that asked for a lone hold: (snapshot, report, cast at).
    lone_asked: BTreeMap<AccountId, (u64, Report, u64)>,
    applied: BTreeMap<u64, Report>,
    last_applied: Option<u64>,
}

impl HoldModel {
    /// Until when deposits and flash exits wait at `now`: (snapshot, lapse of a lone hold alone).
    pub fn until(&self, now: u64) -> Option<(u64, Option<u64>)> {
        let lone = self.lone.filter(|l| now < l.2);
        match (self.corroborated, lone) {
            (None, None) => None,
            (Some((_, r)), None) => Some((r, None)),
            (None, Some((_, r, lapse))) => Some((r, Some(lapse))),
            (Some((_, a)), Some((_, b, _))) => Some((a.max(b), None)),
        }
    }

    fn frame(genesis: u64, t: u64) -> u64 {
        (t - genesis) / FRAME_MS
    }

    /// `member` votes `report` (short of quorum) at `now`, showing a loss of `loss`; the basis the
    /// hold took: `Some(true)` corroborated, `Some(false)` lone, `None` barred or no loss.
    pub fn vote(
        &mut self,
        member: AccountId,
        report: &Report,
        loss: u128,
        now: u64,
        quorum: u32,
        genesis: u64,
    ) -> Option<bool> {
        // the member's earlier open vote is replaced
        let last = self.last_applied;
        for (r, voters) in self.loss_voters.iter_mut() {
            if last.is_none_or(|l| *r > l) {
                voters.retain(|v| *v != member);
            }
        }
        if loss == 0 {
            return None;
        }
        let voters = self.loss_voters.get(&report.ref_time_ms).map_or(0, Vec::len) as u32 + 1;
        let needed = (quorum.div_ceil(3)).max(2);
        let corroborated = voters >= needed;
        if !corroborated {
            if let Some((r, voted, at)) = self.lone_asked.get(&member) {
                let lapse = at + LONE_HOLD_MS;
                let ended = now >= lapse || last.is_some_and(|l| l >= *r);
                let confirmed = self.applied.get(r) == Some(voted);
                if ended
                    && !confirmed
                    && Self::frame(genesis, report.ref_time_ms)
                        <= Self::frame(genesis, lapse) + LONE_BAR_FRAMES
                {
                    self.loss_voters
                        .entry(report.ref_time_ms)
                        .or_default()
                        .push(member);
                    return None;
                }
            }
        }
        self.loss_voters
            .entry(report.ref_time_ms)
            .or_default()
            .push(member);
        if self.lone.is_some_and(|l| now >= l.2) {
            self.lone = None;
        }
        if corroborated {
            self.corroborated = Some(match self.corroborated {
                Some((since, r)) => (since, r.max(report.ref_time_ms)),
                None => (now, report.ref_time_ms),
            });
        } else {
            self.lone_asked.insert(member, (report.ref_time_ms, *report, now));
            self.lone = Some(match self.lone {
                Some((since, r, lapse)) => (since, r.max(report.ref_time_ms), lapse),
                None => (now, report.ref_time_ms, now + LONE_HOLD_MS),
            });
        }
        Some(corroborated)
    }

    /// `report` applied at `now`: the holds its snapshot reaches end.
    pub fn applied(&mut self, report: &Report, now: u64) {
        self.applied.insert(report.ref_time_ms, *report);
        self.last_applied = Some(report.ref_time_ms);
        if self.lone.is_some_and(|l| now >= l.2 || report.ref_time_ms >= l.1) {
            self.lone = None;
        }
        if self.corroborated.is_some_and(|c| report.ref_time_ms >= c.1) {
            self.corroborated = None;
        }
    }

    /// The board set new oracle members: votes of the old set no longer count.
    pub fn new_member_set(&mut self) {
        self.loss_voters.clear();
    }
}

/// Compliance by the README's rules ("Compliance reference"): the role's freeze holds for 14 days
/// unless the board confirms it; the board's own holds until lifted; after an unconfirmed freeze
/// stops holding, the role may not freeze that account for 90 days from its deadline (recorded or
/// not), nor for 90 days after any lift; the role lifts only its own unconfirmed freeze, the board
/// any; the board's freeze takes over the role's unconfirmed one; the role only extends a KYC date,
/// the board sets any; a KYC date holds strictly before it.
#[derive(Debug, Clone, Default)]
pub struct ComplianceModel {
    /// Per account: the current or last unrecorded freeze, and the recorded lockout.
    freezes: BTreeMap<AccountId, FreezeModel>,
    /// Per institution: the KYC date and whether its expiry was recorded.
    kyc: BTreeMap<AccountId, (u64, bool)>,
}

#[derive(Debug, Clone, Copy, Default)]
struct FreezeModel {
    /// (until, by the role, confirmed) of the current freeze.
    current: Option<(u64, bool, bool)>,
    locked_until: u64,
}

pub const DAY_MS: u64 = 24 * 60 * 60 * 1000;
pub const CONFIRM_WINDOW_MS: u64 = 14 * DAY_MS;
pub const REFREEZE_LOCKOUT_MS: u64 = 90 * DAY_MS;
pub const KYC_MAX_VALIDITY_MS: u64 = 400 * DAY_MS;

impl ComplianceModel {
    pub fn frozen(&self, who: &AccountId, now: u64) -> bool {
        self.freezes
            .get(who)
            .and_then(|f| f.current)
            .is_some_and(|(until, _, _)| now < until)
    }

    fn lockout(f: &FreezeModel, now: u64) -> u64 {
        match f.current {
            Some((until, true, false)) if now >= until => f.locked_until.max(until + REFREEZE_LOCKOUT_MS),
            _ => f.locked_until,
        }
    }

    /// The role (`by_role`) or the board freezes `who` at `now`; whether it is accepted.
    pub fn freeze(&mut self, who: AccountId, by_role: bool, now: u64) -> bool {
        if self.frozen(&who, now) {
            // only the board's freeze over the role's unconfirmed one
            let f = self.freezes.entry(who).or_default();
            if by_role || !matches!(f.current, Some((_, true, false))) {
                return false;
            }
            f.current = Some((u64::MAX, false, true));
            return true;
        }
        let f = self.freezes.entry(who).or_default();
        let locked_until = Self::lockout(f, now);
        if by_role && now < locked_until {
            return false;
        }
        *f = FreezeModel {
            current: Some(if by_role {
                (now + CONFIRM_WINDOW_MS, true, false)
            } else {
                (u64::MAX, false, true)
            }),
            locked_until,
        };
        true
    }

    /// The board confirms the role's freeze of `who` at `now`; whether it is accepted.
    pub fn confirm(&mut self, who: AccountId, now: u64) -> bool {
        if !self.frozen(&who, now) {
            return false;
        }
        let f = self.freezes.entry(who).or_default();
        match f.current {
            Some((_, by_role, false)) => {
                f.current = Some((u64::MAX, by_role, true));
                true
            }
            _ => false,
        }
    }

    /// The role (`by_role`) or the board lifts the freeze of `who`; whether it is accepted.
    pub fn lift(&mut self, who: AccountId, by_role: bool, now: u64) -> bool {
        if !self.frozen(&who, now) {
            return false;
        }
        let f = self.freezes.entry(who).or_default();
        let allowed = match f.current {
            Some((_, role_froze, confirmed)) => !by_role || (role_froze && !confirmed),
            None => false,
        };
        if allowed {
            f.current = None;
            // every lift locks the role out as after a lapse, from now
            f.locked_until = f.locked_until.max(now + REFREEZE_LOCKOUT_MS);
        }
        allowed
    }

    /// Anyone records the lapse of `who`'s unconfirmed freeze; whether it is accepted.
    pub fn lapse(&mut self, who: AccountId, now: u64) -> bool {
        let Some(f) = self.freezes.get_mut(&who) else {
            return false;
        };
        match f.current {
            Some((until, _, false)) if now >= until => {
                f.locked_until = Self::lockout(f, now);
                f.current = None;
                true
            }
            _ => false,
        }
    }

    /// Accounts whose unconfirmed freeze has passed its deadline unrecorded.
    pub fn lapsable(&self, now: u64) -> Vec<AccountId> {
        self.freezes
            .iter()
            .filter(|(_, f)| matches!(f.current, Some((until, _, false)) if now >= until))
            .map(|(who, _)| *who)
            .collect()
    }

    /// The board whitelisted `who` (again) with a KYC date.
    pub fn whitelisted(&mut self, who: AccountId, kyc_valid_until: u64) {
        self.kyc.insert(who, (kyc_valid_until, false));
    }

    pub fn kyc_valid(&self, who: &AccountId, now: u64) -> bool {
        self.kyc.get(who).is_some_and(|(until, _)| now < *until)
    }

    /// A renewal of an active institution's KYC at `now` by the role (never an earlier date) or
    /// the board; whether it is accepted.
    pub fn renew(&mut self, who: AccountId, active: bool, valid_until: u64, now: u64, by_role: bool) -> bool {
        if !active || valid_until <= now || valid_until > now + KYC_MAX_VALIDITY_MS {
            return false;
        }
        if by_role
            && self
                .kyc
                .get(&who)
                .is_some_and(|(current, _)| valid_until < *current)
        {
            return false;
        }
        self.kyc.insert(who, (valid_until, false));
        true
    }

    /// Anyone records an active institution's passed KYC date; whether it is accepted.
    pub fn expire(&mut self, who: AccountId, active: bool, now: u64) -> bool {
        match self.kyc.get_mut(&who) {
            Some((until, recorded)) if active && !*recorded && now >= *until => {
                *recorded = true;
                true
            }
            _ => false,
        }
    }

    /// Whether `who` may receive shares or deposit at `now` (given its whitelisting).
    pub fn may_receive(&self, who: &AccountId, now: u64) -> bool {
        self.kyc_valid(who, now) && !self.frozen(who, now)
    }
}
