use super::*;
use crate::oracle::{evaluate, Before, Bounds, Fees, Report};
use crate::ONE;
use proptest::prelude::*;

const DAY_MS: u64 = 24 * 60 * 60 * 1000;

fn funded(deposit: u128, target_bps: u128) -> Books {
    let mut books = Books::default();
    books.deposit(deposit, target_bps).unwrap();
    books
}

#[test]
fn an_empty_pool_mints_one_share_per_unit_and_fills_the_reserve_first() {
    let mut books = Books::default();
    let d = books.deposit(100 * ONE, 500).unwrap();
    assert_eq!(d.shares, 100 * ONE);
    assert_eq!((d.split.to_reserve, d.split.to_buffer), (5 * ONE, 95 * ONE));
    assert_eq!((books.reserve, books.buffered), (5 * ONE, 95 * ONE));
    assert_eq!((books.total_shares, books.total_pooled), (100 * ONE, 100 * ONE));
    assert!(books.identity_holds());
}

#[test]
fn a_deposit_too_small_for_a_share_changes_nothing() {
    let mut books = funded(100 * ONE, 500);
    books.total_pooled *= 3; // a rate of three
    books.buffered += 200 * ONE;
    let before = books;
    assert_eq!(books.deposit(2, 500), Err(BooksError::ZeroShares));
    assert_eq!(books, before);
}

#[test]
fn pending_tickets_are_funded_before_the_reserve() {
    let mut books = funded(100 * ONE, 0);
    books.stake(64 * ONE).unwrap();
    books.request(50 * ONE, 0).unwrap();
    // 36 buffered, 50 queued: the next 14 go to the buffer before the reserve takes anything
    let d = books.deposit(20 * ONE, 2_000).unwrap();
    assert_eq!((d.split.to_buffer, d.split.to_reserve), (14 * ONE, 6 * ONE));
    assert!(books.identity_holds());
}

#[test]
fn deposits_are_priced_with_the_value_kept_from_tickets() {
    let mut books = funded(100 * ONE, 0);
    books.kept_from_tickets = 10 * ONE;
    books.buffered += 10 * ONE;
    let d = books.deposit(11 * ONE, 0).unwrap();
    // 110 assets back 100 shares: 11 buy 10 shares (within the virtual offset), not 11
    assert!(d.shares.abs_diff(10 * ONE) < 1_000_000, "{}", d.shares);
}

#[test]
fn refills_stay_within_the_target_and_the_free_buffer() {
    let mut books = funded(100 * ONE, 0);
    assert_eq!(books.refill_headroom(500).unwrap(), 5 * ONE);
    let before = books;
    assert_eq!(
        books.refill(5 * ONE + 1, 500),
        Err(BooksError::AboveRefillHeadroom)
    );
    assert_eq!(books, before);
    books.refill(5 * ONE, 500).unwrap();
    assert_eq!((books.reserve, books.buffered), (5 * ONE, 95 * ONE));
    // value promised to tickets is never moved to the reserve
    let mut owed = funded(100 * ONE, 0);
    owed.request(98 * ONE, 0).unwrap();
    assert_eq!(owed.refill_headroom(500).unwrap(), 2 * ONE);
}

#[test]
fn staking_never_spends_what_tickets_wait_for() {
    let mut books = funded(100 * ONE, 0);
    let before = books;
    assert_eq!(books.stake(101 * ONE), Err(BooksError::InsufficientBuffer));
    books.request(70 * ONE, 0).unwrap();
    let requested = books;
    assert_eq!(books.stake(32 * ONE), Err(BooksError::BufferOwedToTickets));
    assert_eq!(books, requested);
    let mut free = before;
    free.stake(96 * ONE).unwrap();
    assert_eq!((free.buffered, free.in_flight), (4 * ONE, 96 * ONE));
    assert!(free.identity_holds());
}

#[test]
fn staking_may_take_exactly_the_free_buffer() {
    // the whole buffer when no ticket waits
    let mut all = funded(100 * ONE, 0);
    all.stake(100 * ONE).unwrap();
    assert_eq!((all.buffered, all.in_flight), (0, 100 * ONE));
    // exactly what the waiting tickets leave, and not one unit more
    let mut books = funded(100 * ONE, 0);
    books.request(70 * ONE, 0).unwrap();
    let waiting = books;
    assert_eq!(books.stake(30 * ONE + 1), Err(BooksError::BufferOwedToTickets));
    assert_eq!(books, waiting);
    books.stake(30 * ONE).unwrap();
    assert_eq!(
        (books.buffered, books.in_flight, books.queued),
        (70 * ONE, 30 * ONE, 70 * ONE)
    );
    assert!(books.identity_holds());
}

#[test]
fn a_request_of_exactly_the_minimum_is_taken() {
    let mut books = funded(100 * ONE, 0);
    let r = books.request(ONE, ONE).unwrap();
    assert_eq!(r.assets, ONE);
    let before = books;
    assert_eq!(books.request(ONE - 1, ONE), Err(BooksError::BelowMinWithdrawal));
    assert_eq!(books, before);
}

#[test]
fn the_identity_fails_for_books_that_do_not_balance_or_overflow() {
    let mut books = funded(100 * ONE, 500);
    assert!(books.identity_holds());
    books.reserve += 1;
    assert!(!books.identity_holds(), "one unit held that nobody is owed");
    books.reserve -= 1;
    books.kept_from_tickets += 1;
    assert!(!books.identity_holds(), "one unit owed that is not held");
    // both sides beyond u128: not a balance
    let huge = Books {
        buffered: u128::MAX,
        reserve: 1,
        total_pooled: u128::MAX,
        unapplied_gain: 1,
        ..Books::default()
    };
    assert!(!huge.identity_holds());
}

#[test]
fn requests_below_the_minimum_change_nothing() {
    let mut books = funded(100 * ONE, 0);
    let before = books;
    assert_eq!(
        books.request(ONE / 1000, ONE / 100),
        Err(BooksError::BelowMinWithdrawal)
    );
    assert_eq!(books.request(0, 0), Err(BooksError::BelowMinWithdrawal));
    assert_eq!(books, before);
    let r = books.request(10 * ONE, ONE / 100).unwrap();
    assert_eq!((r.ticket, r.assets), (0, 10 * ONE));
    assert_eq!(
        (books.queued, books.next_ticket, books.total_shares),
        (10 * ONE, 1, 100 * ONE)
    );
}

#[test]
fn finalization_waits_for_the_buffer_and_keeps_the_gain_above_the_request() {
    let mut books = funded(100 * ONE, 0);
    let r = books.request(10 * ONE, 0).unwrap();
    // the pool gained 10% while the ticket waited
    books.total_pooled += 10 * ONE;
    books.cl_balance += 10 * ONE;
    let batch = Batch {
        reference_ms: 1,
        pool: books.pool(),
    };
    let mut short = books;
    short.buffered = ONE;
    let before = short;
    assert_eq!(short.finalize_next(10 * ONE, r.assets, &batch), Ok(None));
    assert_eq!(short, before);
    let f = books.finalize_next(10 * ONE, r.assets, &batch).unwrap().unwrap();
    assert_eq!(f.payout, 10 * ONE);
    assert!(f.kept_by_pool > 0);
    assert_eq!(books.kept_from_tickets, f.kept_by_pool);
    assert_eq!(
        (books.claimable, books.queued, books.next_to_finalize),
        (10 * ONE, 0, 1)
    );
    assert_eq!(books.total_shares, 90 * ONE);
    assert!(books.identity_holds());
    let rate_after = books.pool().rate().unwrap();
    assert!(
        rate_after <= batch.pool.rate().unwrap(),
        "finalization never lifts the rate at once"
    );
    books.claim(10 * ONE).unwrap();
    assert_eq!(books.claim(1), Err(BooksError::Overflow));
}

#[test]
fn a_flash_exit_leaves_its_fee_with_the_holders() {
    let mut books = funded(100 * ONE, 1_000);
    let assets = books.exit_assets(5 * ONE).unwrap();
    assert_eq!(assets, 5 * ONE);
    let rate = books.pool().rate().unwrap();
    books.exit_paid(5 * ONE, assets - ONE / 100).unwrap();
    assert!(books.pool().rate().unwrap() > rate);
    assert!(books.identity_holds());
    let before = books;
    assert_eq!(
        books.exit_paid(ONE, 6 * ONE),
        Err(BooksError::Overflow),
        "more than the reserve"
    );
    assert_eq!(books, before);
}

#[test]
fn a_covered_loss_burns_the_pools_shares_at_most_what_it_holds() {
    let mut books = funded(100 * ONE, 0);
    books.stake(64 * ONE).unwrap();
    // the validators went live: in flight becomes the consensus balance
    books.in_flight = 0;
    books.cl_balance = 64 * ONE;
    books.cl_balance -= 2 * ONE; // a slashing
    let (burned, covered) = books.apply_loss(2 * ONE, 5 * ONE, ONE).unwrap();
    assert_eq!(burned, ONE, "never more than the pool holds");
    assert_eq!(covered, ONE);
    assert_eq!((books.total_shares, books.total_pooled), (99 * ONE, 98 * ONE));
    assert!(books.identity_holds());
}

// ---- any sequence ---------------------------------------------------------------------------

#[derive(Debug, Clone)]
enum Op {
    Deposit { who: usize, milli_eth: u128 },
    Transfer { from: usize, to: usize, percent: u128 },
    Request { who: usize, percent: u128 },
    Finalize { max: u32 },
    Claim { index: usize },
    Stake,
    Reward { milli_eth: u128 },
    Report,
    FlashExit { who: usize, percent: u128 },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0..3usize, 1_000u128..50_000_000).prop_map(|(who, milli_eth)| Op::Deposit { who, milli_eth }),
        (0..3usize, 0..3usize, 0u128..=100).prop_map(|(from, to, percent)| Op::Transfer {
            from,
            to,
            percent
        }),
        (0..3usize, 1u128..=100).prop_map(|(who, percent)| Op::Request { who, percent }),
        (0u32..5).prop_map(|max| Op::Finalize { max }),
        (0usize..12).prop_map(|index| Op::Claim { index }),
        Just(Op::Stake),
        (1u128..2_000).prop_map(|milli_eth| Op::Reward { milli_eth }),
        Just(Op::Report),
        (0..3usize, 1u128..=100).prop_map(|(who, percent)| Op::FlashExit { who, percent }),
    ]
}

struct Ticket {
    shares: u128,
    assets: u128,
    requested_at: u64,
    payout: Option<u128>,
    claimed: bool,
}

/// The ledger's side, kept by the test: who holds which shares, the queue's shares, the tickets.
struct World {
    books: Books,
    holders: [u128; 3],
    queue: u128,
    tickets: Vec<Ticket>,
    now_ms: u64,
    last: Report,
    last_applied_ms: u64,
    funded_validators: u32,
    batch: Batch,
    /// Value that entered from outside: deposits and rewards.
    put_in: u128,
    /// Value that left: claims and flash-exit payouts.
    paid_out: u128,
}

impl World {
    fn finalize(&mut self, max: u32) -> u32 {
        let mut done = 0;
        while done < max && self.books.next_to_finalize < self.books.next_ticket {
            let id = usize::try_from(self.books.next_to_finalize).unwrap();
            let t = &self.tickets[id];
            if !self.batch.is_due(t.requested_at) {
                break;
            }
            let before = self.books;
            match self.books.finalize_next(t.shares, t.assets, &self.batch).unwrap() {
                None => {
                    assert_eq!(self.books, before, "an unfunded ticket changed the books");
                    break;
                }
                Some(f) => {
                    assert!(f.payout <= t.assets, "paid above the request value");
                    self.queue -= t.shares;
                    self.tickets[id].payout = Some(f.payout);
                    done += 1;
                }
            }
        }
        done
    }

    /// Applies a day-later report; answers the fee shares it minted, or `None` if refused.
    fn report(&mut self) -> Option<u128> {
        self.now_ms += DAY_MS;
        let before = Before {
            last: self.last,
            last_applied_ms: self.last_applied_ms,
            now_ms: self.now_ms,
            funded_validators: self.funded_validators,
            in_flight: self.books.in_flight,
            inflow: self.books.inflow,
            unapplied_gain: self.books.unapplied_gain,
            kept_from_tickets: self.books.kept_from_tickets,
            pool: self.books.pool(),
            loss_allowance: 0,
        };
        // every funded validator is live; the rewards received are reported
        let activated = u128::from(self.funded_validators - self.last.validators) * 32 * ONE;
        let report = Report {
            epoch: self.last.epoch + 225,
            ref_time_ms: self.now_ms,
            cl_balance: self.last.cl_balance + activated,
            validators: self.funded_validators,
            el_rewards_total: self.last.el_rewards_total + self.books.inflow,
            withdrawn_total: self.last.withdrawn_total,
            slashed_operator: None,
            exited_validators: 0,
        };
        let Ok(out) = evaluate(&report, &before, &Bounds::DEFAULT, &Fees::DEFAULT) else {
            return None;
        };
        assert_eq!(out.loss, 0, "this sequence never loses value");
        let rate = self.books.pool().rate().unwrap();
        self.books.apply_gain(report.cl_balance, &out).unwrap();
        // fee shares go to holders outside the three (treasury, protection pool)
        assert!(self.books.pool().rate().unwrap() >= rate);
        self.last = report;
        self.last_applied_ms = self.now_ms;
        self.batch = Batch {
            reference_ms: report.ref_time_ms,
            pool: self.books.pool(),
        };
        self.finalize(16);
        Some(if out.applied_gain > 0 {
            out.protocol_fee_shares + out.protection_fee_shares
        } else {
            0
        })
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]
    /// Over any sequence of deposits, transfers, requests, finalizations, claims, staking,
    /// rewards, reports and flash exits: the identity holds; the holders' and the queue's shares
    /// plus the fee shares are the supply; the queue holds the pending tickets' shares and
    /// `queued` their request values; tickets finalize first in first out, only when due, never
    /// above their request value; a deposit's shares are never worth more than it paid; the rate
    /// never falls; a refusal changes nothing; and no sequence pays out more than came in.
    #[test]
    fn the_books_hold_over_any_sequence(ops in proptest::collection::vec(op(), 1..60)) {
        let mut w = World {
            books: Books::default(),
            holders: [0; 3],
            queue: 0,
            tickets: Vec::new(),
            now_ms: DAY_MS,
            last: Report {
                epoch: 0,
                ref_time_ms: 0,
                cl_balance: 0,
                validators: 0,
                el_rewards_total: 0,
                withdrawn_total: 0,
                slashed_operator: None,
                exited_validators: 0,
            },
            last_applied_ms: 0,
            funded_validators: 0,
            batch: Batch::default(),
            put_in: 0,
            paid_out: 0,
        };
        let mut fee_shares: u128 = 0;
        let mut rate = w.books.pool().rate().unwrap();
        for op in ops {
            let before = w.books;
            let mut refused = false;
            match op {
                Op::Deposit { who, milli_eth } => {
                    let value = milli_eth * ONE / 1_000;
                    match w.books.deposit(value, 500) {
                        Ok(d) => {
                            prop_assert!(w.books.pool().value_of(d.shares).unwrap() <= value);
                            w.holders[who] += d.shares;
                            w.put_in += value;
                        }
                        Err(_) => refused = true,
                    }
                }
                Op::Transfer { from, to, percent } => {
                    let value = w.holders[from] * percent / 100;
                    w.holders[from] -= value;
                    w.holders[to] += value;
                }
                Op::Request { who, percent } => {
                    let shares = w.holders[who] * percent / 100;
                    match w.books.request(shares, ONE / 100) {
                        Ok(r) => {
                            prop_assert_eq!(usize::try_from(r.ticket).unwrap(), w.tickets.len());
                            w.holders[who] -= shares;
                            w.queue += shares;
                            w.tickets.push(Ticket {
                                shares,
                                assets: r.assets,
                                requested_at: w.now_ms,
                                payout: None,
                                claimed: false,
                            });
                        }
                        Err(_) => refused = true,
                    }
                }
                Op::Finalize { max } => {
                    w.finalize(max);
                }
                Op::Claim { index } => {
                    if let Some(t) = w.tickets.get_mut(index) {
                        match (t.payout, t.claimed) {
                            (Some(payout), false) => {
                                w.books.claim(payout).unwrap();
                                t.claimed = true;
                                w.paid_out += payout;
                            }
                            _ => refused = true,
                        }
                    }
                }
                Op::Stake => match w.books.stake(32 * ONE) {
                    Ok(()) => w.funded_validators += 1,
                    Err(_) => refused = true,
                },
                Op::Reward { milli_eth } => {
                    let value = milli_eth * ONE / 1_000;
                    w.books.receive_inflow(value).unwrap();
                    w.put_in += value;
                }
                Op::Report => {
                    fee_shares += w.report().unwrap_or(0);
                }
                Op::FlashExit { who, percent } => {
                    let shares = w.holders[who] * percent / 100;
                    let assets = w.books.exit_assets(shares).unwrap();
                    // the pool keeps 0.3% and pays from its reserve
                    let payout = assets - assets * 30 / 10_000;
                    match w.books.exit_paid(shares, payout) {
                        Ok(()) => {
                            w.holders[who] -= shares;
                            w.paid_out += payout;
                        }
                        Err(_) => refused = true,
                    }
                }
            }
            if refused {
                prop_assert_eq!(w.books, before, "a refusal changed the books");
            }
            prop_assert!(w.books.identity_holds(), "books out of balance: {:?}", w.books);
            let pending: Vec<&Ticket> = w.tickets.iter().filter(|t| t.payout.is_none()).collect();
            prop_assert_eq!(w.queue, pending.iter().map(|t| t.shares).sum::<u128>());
            prop_assert_eq!(w.books.queued, pending.iter().map(|t| t.assets).sum::<u128>());
            prop_assert_eq!(
                w.holders.iter().sum::<u128>() + w.queue + fee_shares,
                w.books.total_shares,
                "the holders, the queue and the fees are the supply"
            );
            for (id, t) in w.tickets.iter().enumerate() {
                let id = u64::try_from(id).unwrap();
                prop_assert_eq!(t.payout.is_some(), id < w.books.next_to_finalize, "first in, first out");
            }
            let unclaimed: u128 = w.tickets.iter().filter(|t| !t.claimed).filter_map(|t| t.payout).sum();
            prop_assert_eq!(w.books.claimable, unclaimed);
            prop_assert!(w.paid_out <= w.put_in, "paid out more than came in");
            let now = w.books.pool().rate().unwrap();
            prop_assert!(now >= rate, "the rate fell without a loss: {} -> {}", rate, now);
            rate = now;
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// Deposit just before the largest report the bounds allow (R), request right after it: the
    /// ticket is worth at most what holding through R earned (the deposit plus its pro-rata share
    /// of R's gain net of fees), it is not due in R's own finalization, and the next report's gain
    /// is not the ticket's: it pays that value exactly.
    #[test]
    fn depositing_around_a_report_earns_at_most_holding_through_it(
        deposit_eth in 1u128..5_000,
        days in 1u64..30,
    ) {
        let mut books = Books::default();
        books.deposit(100 * ONE, 500).unwrap();
        let mut last = Report {
            epoch: 10,
            ref_time_ms: DAY_MS,
            cl_balance: 0,
            validators: 0,
            el_rewards_total: 0,
            withdrawn_total: 0,
            slashed_operator: None,
            exited_validators: 0,
        };
        let before = |books: &Books, last: &Report, last_applied_ms: u64, now_ms: u64| Before {
            last: *last,
            last_applied_ms,
            now_ms,
            funded_validators: 0,
            in_flight: books.in_flight,
            inflow: books.inflow,
            unapplied_gain: books.unapplied_gain,
            kept_from_tickets: books.kept_from_tickets,
            pool: books.pool(),
            loss_allowance: 0,
        };
        let first = evaluate(&last, &before(&books, &last, 0, DAY_MS), &Bounds::DEFAULT, &Fees::DEFAULT).unwrap();
        books.apply_gain(last.cl_balance, &first).unwrap();
        let now = DAY_MS + days * DAY_MS;
        let value = deposit_eth * ONE;
        let shares = books.deposit(value, 500).unwrap().shares;
        // the largest gain the annual bound allows after `days`
        let pooled = books.total_pooled;
        let gain = pooled / 10 * u128::from(days) * u128::from(DAY_MS) / (365 * u128::from(DAY_MS));
        books.receive_inflow(gain).unwrap();
        let supply = books.total_shares;
        let r = Report { epoch: 20, ref_time_ms: now, el_rewards_total: gain, ..last };
        let out = evaluate(&r, &before(&books, &last, DAY_MS, now), &Bounds::DEFAULT, &Fees::DEFAULT).unwrap();
        books.apply_gain(r.cl_balance, &out).unwrap();
        last = r;
        let batch = Batch { reference_ms: r.ref_time_ms, pool: books.pool() };
        let applied = gain.min(pooled / 1_000);
        let net = applied - applied / 10 - applied / 20;
        let pro_rata = crate::math::mul_div_down(net, shares, supply).unwrap();
        let request = books.request(shares, ONE / 100).unwrap();
        // the ticket's recorded value is the most it can ever pay (fee shares round down in the
        // holders' favour: a unit or two)
        let most = request.assets;
        prop_assert!(most <= value + pro_rata + 2, "ticket {}, deposit {} + share {}", most, value, pro_rata);
        prop_assert!(!batch.is_due(now), "requested at R's snapshot: not R's to finalize");
        // a day later, the next report with the day's largest gain finalizes it at its request
        // value (another deposit meanwhile makes sure the buffer funds it: 5% of this one went to
        // the reserve)
        books.deposit(value / 10 + 100 * ONE, 500).unwrap();
        let later = now + DAY_MS;
        let next_gain = books.total_pooled / 10 / 365;
        books.receive_inflow(next_gain).unwrap();
        let r2 = Report { epoch: 30, ref_time_ms: later, el_rewards_total: gain + next_gain, ..last };
        let out = evaluate(&r2, &before(&books, &last, now, later), &Bounds::DEFAULT, &Fees::DEFAULT).unwrap();
        books.apply_gain(r2.cl_balance, &out).unwrap();
        let batch = Batch { reference_ms: r2.ref_time_ms, pool: books.pool() };
        prop_assert!(batch.is_due(now));
        let f = books.finalize_next(shares, most, &batch).unwrap().expect("the buffer funds it");
        prop_assert_eq!(f.payout, most);
        prop_assert!(books.identity_holds());
    }
}
