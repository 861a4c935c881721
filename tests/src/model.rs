//! An independent model of the protocol's accounting, written from the README's rules (token,
//! withdrawal queue, oracle and protection, flash exit references) with its own 256-bit
//! arithmetic. It never calls `icseth_core`'s policy functions: a test that drives the chain and
//! this model side by side asserts the contracts' figures against figures computed here.
//!
//! Defaults as the README states them: reserve target 5% of pooled; flash-exit fee 0.5% at or above
//! the target rising linearly (rounded up) to 2% at an empty reserve, priced at the reserve the
//! exit leaves, one exit at most 50% of the reserve; fees on gains 10% (treasury) and 5%
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

/// The token's books and holdings as the rules say they must be.
#[derive(Debug, Clone)]
pub struct Protocol {
    pub total_shares: u128,
    pub total_pooled: u128,
    pub buffered: u128,
    pub reserve: u128,
    pub in_flight: u128,
    pub cl_balance: u128,
    pub unapplied_gain: u128,
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

    /// A deposit: shares at the rate with the offset (rounded down); the reserve is topped up
    /// toward its target of the pooled assets after the deposit, the rest is buffered.
    pub fn deposit(&mut self, who: AccountId, assets: u128) -> u128 {
        let shares = mul_div(assets, self.total_shares + OFFSET, self.total_pooled + OFFSET);
        self.total_shares += shares;
        self.total_pooled += assets;
        let to_reserve = self.reserve_target().saturating_sub(self.reserve).min(assets);
        self.reserve += to_reserve;
        self.buffered += assets - to_reserve;
        self.credit(who, shares);
        shares
    }

    pub fn transfer(&mut self, from: AccountId, to: AccountId, shares: u128) {
        self.debit(from, shares);
        self.credit(to, shares);
    }

    /// Whether the staking manager may stake `validators` now (the buffer, less what pending
    /// tickets' request values wait for, funds them).
    pub fn may_stake(&self, validators: u32) -> bool {
        u128::from(validators) * VALIDATOR <= self.buffered.saturating_sub(self.queued)
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

    /// The flash-exit quote for `shares` now, or `None` when the reserve or the per-exit cap
    /// refuses it.
    pub fn quote_exit(&self, shares: u128) -> Option<ExitFigures> {
        let assets = self.value_of(shares);
        if assets == 0 || assets > self.reserve || assets > mul_div(self.reserve, PER_EXIT_CAP_BPS, BPS) {
            return None;
        }
        let target = self.reserve_target();
        let left = self.reserve - assets;
        let fee_bps = if target == 0 || left >= target {
            MIN_FEE_BPS
        } else {
            (MIN_FEE_BPS + mul_div_up(MAX_FEE_BPS - MIN_FEE_BPS, target - left, target)).min(MAX_FEE_BPS)
        };
        let fee = mul_div_up(assets, fee_bps, BPS).min(assets);
        Some(ExitFigures {
            assets,
            fee_bps,
            fee,
            payout: assets - fee,
        })
    }

    /// A flash exit: the shares burn, the payout leaves the pool and the reserve, the fee stays.
    pub fn flash_exit(&mut self, who: AccountId, shares: u128) -> ExitFigures {
        let exit = self.quote_exit(shares).expect("model: exit refused");
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
            let candidate = raw + self.unapplied_gain;
            f.applied_gain = candidate.min(mul_div(pooled, RATE_INCREASE_BPS, BPS));
            f.unapplied_gain = candidate - f.applied_gain;
        } else {
            let raw = before_side - after_side;
            let absorbed = raw.min(self.unapplied_gain);
            f.loss = raw - absorbed;
            f.unapplied_gain = self.unapplied_gain - absorbed;
            if f.loss > mul_div(pooled, DECREASE_BPS, BPS) {
                return Err("decrease above the bound");
            }
        }
        self.in_flight -= activated;
        self.inflow -= arrived;
        self.buffered += arrived;
        self.cl_balance = report.cl_balance;
        self.unapplied_gain = f.unapplied_gain;
        if f.applied_gain > 0 {
            // fee shares s with s / (S + s) = fee / (P + gain): priced at the post-gain rate
            f.protocol_fee = mul_div(f.applied_gain, PROTOCOL_FEE_BPS, BPS);
            f.protection_fee = mul_div(f.applied_gain, PROTECTION_FEE_BPS, BPS);
            let holders_value = pooled + f.applied_gain - f.protocol_fee - f.protection_fee;
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
            let payout = ticket
                .value
                .min(Self::payout_value(ticket.shares, batch_shares, batch_pooled));
            if payout > self.buffered {
                break;
            }
            self.buffered -= payout;
            self.total_pooled -= payout;
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
    /// holder's balance stands for.
    pub fn worth(&self, shares: u128) -> u128 {
        mul_div(shares, self.total_pooled + OFFSET, self.total_shares + OFFSET)
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

    /// The share price moved from `before` (shares, pooled) to `model`'s: each holder in
    /// `accounts` gains or loses the move on the shares it holds now (a rise rounded up, a fall
    /// rounded down: in the holder's favour).
    pub fn price_moved(&mut self, before: (u128, u128), model: &Protocol, accounts: &[AccountId]) {
        let (shares_before, pooled_before) = before;
        let d = U256::from(shares_before + OFFSET) * U256::from(model.total_shares + OFFSET);
        for who in accounts {
            let balance = U256::from(model.balance(who));
            let old = balance * U256::from(pooled_before + OFFSET) * U256::from(model.total_shares + OFFSET);
            let new = balance * U256::from(model.total_pooled + OFFSET) * U256::from(shares_before + OFFSET);
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

/// The token's ten book figures in the order `book_figures` gives them, for messages.
pub const BOOK_FIGURES: &str =
    "[shares, pooled, buffered, reserve, in flight, cl, unapplied, inflow, queued, claimable]";

/// The token's books as the chain reports them, in `BOOK_FIGURES`' order.
pub fn book_figures(b: &icseth_token::icseth_token::Accounting) -> [u128; 10] {
    [
        b.total_shares,
        b.total_pooled,
        b.buffered,
        b.reserve,
        b.in_flight,
        b.cl_balance,
        b.unapplied_gain,
        b.inflow,
        b.queued,
        b.claimable,
    ]
}

impl Protocol {
    /// The model's books, in `BOOK_FIGURES`' order.
    pub fn book_figures(&self) -> [u128; 10] {
        [
            self.total_shares,
            self.total_pooled,
            self.buffered,
            self.reserve,
            self.in_flight,
            self.cl_balance,
            self.unapplied_gain,
            self.inflow,
            self.queued,
            self.claimable,
        ]
    }
}

impl ModelTicket {
    /// The status the token must show for this ticket.
    pub fn status(&self) -> icseth_token::icseth_token::TicketStatus {
        use icseth_token::icseth_token::TicketStatus;
        match (self.payout, self.claimed) {
            (None, _) => TicketStatus::Pending,
            (Some(payout), false) => TicketStatus::Finalized { payout },
            (Some(payout), true) => TicketStatus::Claimed { payout },
        }
    }
}
