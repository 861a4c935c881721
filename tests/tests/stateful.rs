//! A randomized stateful run across the wired contracts on the embedded chain. A seeded generator
//! draws operations from every role: institutions deposit, transfer, spend allowances, request
//! withdrawals, claim and flash-exit; a removed institution and an outsider try the same; the
//! staking manager stakes; the vault sends rewards; oracle members report (honest, dissenting,
//! out of bounds, losses); the governor pauses, unpauses and removes an institution; the clock
//! moves. After every step the invariants below are checked against the contracts' reads and
//! against the test's own model of the rules (README, written here with the test's own 256-bit
//! arithmetic, never `icseth_core`'s functions):
//! - holders' shares (institutions, outsider, treasury, protection pool, the queue) sum to the
//!   supply;
//! - the books identity holds; the token's native balance covers buffered + claimable + inflow; the
//!   flash-exit pool holds the reserve the token counts;
//! - the queue holds exactly the pending tickets' shares, tickets finalize first in first out, no
//!   ticket pays more than its request value, none is paid twice;
//! - pooled assets equal deposits + applied gains - applied losses - finalized payouts - flash-exit
//!   payouts (fees stay pooled, cover burns shares, not assets): conservation, from the test's own
//!   ledger of what it sent and received;
//! - a deposit mints floor(assets * (supply + 1e6) / (pooled + 1e6)) shares;
//! - the rate moves only through an applied report (within its bounds), a flash exit (up) or a
//!   finalization; every other operation leaves it where it was, to 2 units of rounding;
//! - a refused call changes no contract's storage (a digest of all six, from the sandbox).
//!
//! The seed is printed; `ICSETH_STATEFUL_SEED=<n>` replays one run, `ICSETH_STATEFUL_STEPS=<n>`
//! sets its length (scripts/campaign.sh runs many seeds for a bounded time).
use icseth_core::{
    governance::{OracleDecision, ProtectionDecision, RegistryDecision, TokenDecision},
    operators::VALIDATOR_DEPOSIT,
    oracle::Report,
};
use icseth_e2e::{
    account_of, advance_ms, deploy_and_wire, now_ms, oracle::at, read, sandbox, submit, ClockSandbox,
    EmbeddedClient, GovernorChoice, SuiteConfig, ETH,
};
use icseth_token::{
    icseth_token::{Accounting, IcsethToken, ReportApplied, TicketStatus},
    psp22::PSP22,
};
use ink::primitives::AccountId;
use ink_e2e::{ChainBackend, Keypair};
use operator_registry::operator_registry::{OperatorKind, OperatorRegistry};
use oracle_consensus::oracle_consensus::{OracleConsensus, ReportVoteOutcome};
use primitive_types::U256;

type E2EResult<T> = Result<T, Box<dyn std::error::Error>>;

const HOUR_MS: u64 = 60 * 60 * 1000;
const YEAR_MS: u128 = 365 * 24 * 60 * 60 * 1000;
const OFFSET: u128 = 1_000_000;

/// What a run did that changed something (so a run that passes is known to have exercised them).
#[derive(Debug, Default, Clone, Copy)]
struct Done {
    deposits: u32,
    requests: u32,
    claims: u32,
    flash_exits: u32,
    finalized_tickets: u64,
    stakes: u32,
    reports: u32,
    losses: u32,
    refused_reports: u32,
    refused_calls: u32,
}

impl Done {
    fn add(&mut self, o: Done) {
        self.deposits += o.deposits;
        self.requests += o.requests;
        self.claims += o.claims;
        self.flash_exits += o.flash_exits;
        self.finalized_tickets += o.finalized_tickets;
        self.stakes += o.stakes;
        self.reports += o.reports;
        self.losses += o.losses;
        self.refused_reports += o.refused_reports;
        self.refused_calls += o.refused_calls;
    }
}

thread_local! {
    static REFUSED: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// xorshift64*: small, seedable, enough to draw operations.
struct Rng(u64);

impl Rng {
    /// The generator for `seed`, its state spread by splitmix64 (neighbouring seeds must not give
    /// the same run; xorshift's state must not be zero).
    fn new(seed: u64) -> Self {
        let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        Rng((z ^ (z >> 31)) | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn amount(&mut self, max: u128) -> u128 {
        if max == 0 {
            return 0;
        }
        u128::from(self.next()) * u128::from(self.next()) % max
    }
}

fn mul_div(a: u128, b: u128, c: u128) -> u128 {
    let q = U256::from(a) * U256::from(b) / U256::from(c.max(1));
    q.low_u128()
}

/// The actors and the test's own ledger.
struct World {
    suite: icseth_core::SuiteAddresses,
    institutions: Vec<Keypair>,
    removed: Vec<bool>,
    outsider: Keypair,
    manager: Keypair,
    members: Vec<Keypair>,
    operator: u32,
    paused: bool,
    /// Tickets: id, owner index, request value; and whether claimed.
    tickets: Vec<(u64, usize, u128)>,
    claimed: Vec<u64>,
    /// Conservation ledger (wei).
    deposited: u128,
    applied_gains: u128,
    applied_losses: u128,
    finalized_payouts: u128,
    flash_payouts: u128,
    /// The last applied report and what was funded.
    last: Report,
    funded: u32,
    el_sent: u128,
    reports_seen: usize,
}

#[derive(Debug, Clone, PartialEq)]
struct Reads {
    books: Accounting,
    supply: u128,
    rate: u128,
    holders: u128,
    queue: u128,
    token_native: u128,
    pool_reserve: u128,
}

async fn reads(client: &mut EmbeddedClient, w: &World) -> E2EResult<Reads> {
    let reader = &w.manager;
    let token = ink_e2e::create_call_builder::<IcsethToken>(w.suite.token);
    let pool = ink_e2e::create_call_builder::<flash_exit_pool::flash_exit_pool::FlashExitPool>(
        w.suite.flash_exit_pool,
    );
    let mut holders = 0u128;
    let mut accounts: Vec<AccountId> = w.institutions.iter().map(account_of).collect();
    accounts.push(account_of(&w.outsider));
    accounts.push(account_of(&w.manager)); // the treasury
    accounts.push(w.suite.slash_protection);
    for a in accounts {
        holders += read(client, reader, &token.balance_of(a)).await?;
    }
    let queue = read(client, reader, &token.balance_of(w.suite.token)).await?;
    Ok(Reads {
        books: read(client, reader, &token.accounting()).await?,
        supply: read(client, reader, &token.total_supply()).await?,
        rate: read(client, reader, &token.rate())
            .await?
            .map_err(|e| format!("{e:?}"))?,
        holders,
        queue,
        token_native: client
            .free_balance(w.suite.token)
            .await
            .map_err(|e| format!("{e:?}"))?,
        pool_reserve: read(client, reader, &pool.reserve()).await?,
    })
}

/// The invariants after a step. `rate_may_move`: the step applied a report, a flash exit or a
/// finalization.
async fn check(
    client: &mut EmbeddedClient,
    w: &World,
    before: &Reads,
    rate_may_move: bool,
    step: &str,
) -> E2EResult<Reads> {
    let now = reads(client, w).await?;
    let b = &now.books;
    assert_eq!(
        now.holders + now.queue,
        now.supply,
        "{step}: holders do not sum to the supply"
    );
    assert_eq!(b.total_shares, now.supply, "{step}: books' shares");
    assert_eq!(
        b.buffered + b.reserve + b.in_flight + b.cl_balance,
        b.total_pooled + b.unapplied_gain,
        "{step}: books identity {b:?}"
    );
    assert!(
        now.token_native >= b.buffered + b.claimable + b.inflow,
        "{step}: the token holds {} for {b:?}",
        now.token_native
    );
    assert_eq!(now.pool_reserve, b.reserve, "{step}: the pool's reserve");
    // conservation, from the test's own ledger
    assert_eq!(
        w.deposited + w.applied_gains - w.applied_losses - w.finalized_payouts - w.flash_payouts,
        b.total_pooled,
        "{step}: pooled assets do not match deposits + gains - losses - payouts"
    );
    // the queue: pending tickets are exactly those from next_to_finalize on, and hold its shares
    let token = ink_e2e::create_call_builder::<IcsethToken>(w.suite.token);
    let mut pending_shares = 0u128;
    for (id, _, value) in &w.tickets {
        let ticket = read(client, &w.manager, &token.ticket(*id))
            .await?
            .ok_or("a recorded ticket is gone")?;
        match ticket.status {
            TicketStatus::Pending => {
                assert!(
                    *id >= b.next_to_finalize,
                    "{step}: ticket {id} pending behind the head"
                );
                pending_shares += ticket.shares;
            }
            TicketStatus::Finalized { payout } | TicketStatus::Claimed { payout } => {
                assert!(
                    *id < b.next_to_finalize,
                    "{step}: ticket {id} finalized out of order"
                );
                assert!(
                    payout <= *value,
                    "{step}: ticket {id} pays {payout} above {value}"
                );
            }
        }
        if matches!(ticket.status, TicketStatus::Claimed { .. }) {
            assert!(
                w.claimed.contains(id),
                "{step}: ticket {id} claimed behind the test's back"
            );
        }
    }
    assert_eq!(pending_shares, now.queue, "{step}: the queue's shares");
    if !rate_may_move {
        assert!(
            now.rate >= before.rate && now.rate <= before.rate + 2,
            "{step}: the rate moved {} -> {}",
            before.rate,
            now.rate
        );
    }
    Ok(now)
}

/// Runs a call expected to be refusable: on refusal, asserts that no contract's storage changed.
macro_rules! attempt {
    ($client:expr, $caller:expr, $call:expr) => {
        attempt!($client, $caller, $call, 0)
    };
    ($client:expr, $caller:expr, $call:expr, $value:expr) => {{
        let digests = sandbox::storage_digests();
        let outcome = submit($client, $caller, $call, $value).await?;
        if outcome.value.is_err() {
            REFUSED.with(|r| r.set(r.get() + 1));
            assert_eq!(
                sandbox::storage_digests(),
                digests,
                "a refused call changed storage"
            );
        }
        outcome.value
    }};
}

async fn setup(client: &mut EmbeddedClient) -> E2EResult<World> {
    let alice = ink_e2e::alice();
    let mut config = SuiteConfig::single_member(account_of(&alice), ETH / 10);
    config.governor = GovernorChoice::Account(account_of(&alice));
    let suite = deploy_and_wire(client, &alice, &config).await?;
    let institutions = vec![
        ink_e2e::bob(),
        ink_e2e::charlie(),
        ink_e2e::dave(),
        ink_e2e::eve(),
    ];
    let members = vec![ink_e2e::ferdie(), ink_e2e::one(), ink_e2e::two()];
    let mut token = ink_e2e::create_call_builder::<IcsethToken>(suite.token);
    let mut registry = ink_e2e::create_call_builder::<OperatorRegistry>(suite.operator_registry);
    let mut oracle = ink_e2e::create_call_builder::<OracleConsensus>(suite.oracle);
    let mut protection = ink_e2e::create_call_builder::<slash_protection::slash_protection::SlashProtection>(
        suite.slash_protection,
    );
    for institution in &institutions {
        let add = TokenDecision::AddInstitution {
            institution: account_of(institution),
            min_deposit: None,
        };
        submit(client, &alice, &token.govern(add), 0).await?.accepted()?;
    }
    let set = OracleDecision::SetMembers {
        members: members.iter().map(account_of).collect(),
    };
    submit(client, &alice, &oracle.govern(set), 0).await?.accepted()?;
    let donor = ProtectionDecision::AllowDonor {
        donor: account_of(&institutions[0]),
    };
    submit(client, &alice, &protection.govern(donor), 0)
        .await?
        .accepted()?;
    let admin = &alice;
    let operator = submit(
        client,
        admin,
        &registry.register_operator(
            "Stateful".into(),
            OperatorKind::SsvCluster,
            account_of(admin),
            account_of(admin),
        ),
        0,
    )
    .await?
    .accepted()?;
    submit(client, admin, &registry.set_keys(operator, 1_000), 0)
        .await?
        .accepted()?;
    for decision in [
        RegistryDecision::ApproveOperator { operator },
        RegistryDecision::SetLimit {
            operator,
            limit: 1_000,
        },
    ] {
        submit(client, &alice, &registry.govern(decision), 0)
            .await?
            .accepted()?;
    }
    Ok(World {
        suite,
        removed: vec![false; institutions.len()],
        institutions,
        outsider: client.create_and_fund_account(&alice, 10_000 * ETH).await,
        manager: alice,
        members,
        operator,
        paused: false,
        tickets: Vec::new(),
        claimed: Vec::new(),
        deposited: 0,
        applied_gains: 0,
        applied_losses: 0,
        finalized_payouts: 0,
        flash_payouts: 0,
        last: Report::default(),
        funded: 0,
        el_sent: 0,
        reports_seen: 0,
    })
}

/// Adds what the reports applied since the last look to the ledger, and the payouts of the
/// tickets they finalized.
fn absorb_reports(w: &mut World) {
    let applied = icseth_e2e::events_of::<ReportApplied>(&w.suite.token);
    for event in &applied[w.reports_seen..] {
        w.applied_gains += event.applied_gain;
        w.applied_losses += event.loss;
    }
    w.reports_seen = applied.len();
}

/// What the newly finalized tickets pay, added to the ledger.
async fn absorb_finalized(
    client: &mut EmbeddedClient,
    w: &mut World,
    before: u64,
    after: u64,
) -> E2EResult<()> {
    let token = ink_e2e::create_call_builder::<IcsethToken>(w.suite.token);
    for id in before..after {
        let ticket = read(client, &w.manager, &token.ticket(id))
            .await?
            .ok_or("no ticket")?;
        match ticket.status {
            TicketStatus::Finalized { payout } | TicketStatus::Claimed { payout } => {
                w.finalized_payouts += payout;
            }
            TicketStatus::Pending => return Err(format!("ticket {id} behind the head is pending").into()),
        }
    }
    Ok(())
}

async fn run(client: &mut EmbeddedClient, seed: u64, steps: u32) -> E2EResult<Done> {
    let mut done = Done::default();
    REFUSED.with(|r| r.set(0));
    println!("stateful run: seed {seed}, {steps} steps (replay: ICSETH_STATEFUL_SEED={seed})");
    let mut rng = Rng::new(seed);
    let mut w = setup(client).await?;
    let all = [
        w.suite.token,
        w.suite.board,
        w.suite.flash_exit_pool,
        w.suite.operator_registry,
        w.suite.slash_protection,
        w.suite.oracle,
    ];
    sandbox::watch_storage(&all);
    let mut token = ink_e2e::create_call_builder::<IcsethToken>(w.suite.token);
    let mut oracle = ink_e2e::create_call_builder::<OracleConsensus>(w.suite.oracle);
    // a first deposit and the first report, so every operation has something to work on
    submit(client, &w.institutions[0], &token.deposit(), 100 * ETH)
        .await?
        .accepted()?;
    w.deposited += 100 * ETH;
    let first = at(now_ms(), Report::default());
    for member in &w.members[..2] {
        submit(client, member, &oracle.submit_report(first), 0)
            .await?
            .accepted()?;
    }
    w.last = first;
    absorb_reports(&mut w);
    let mut state = reads(client, &w).await?;
    let mut counts = [0u32; 12];
    let mut paused_for = 0u32;
    for step in 0..steps {
        // a pause lasts a few steps: the governor lifts it before the fourth
        if w.paused && paused_for >= 3 {
            submit(client, &w.manager, &token.unpause(), 0)
                .await?
                .accepted()?;
            w.paused = false;
            state = check(client, &w, &state, false, "the governor unpauses").await?;
        }
        paused_for = if w.paused { paused_for + 1 } else { 0 };
        // deposits, requests, claims and reports more often than the rest
        const WEIGHTS: [u64; 12] = [3, 2, 1, 3, 3, 2, 1, 2, 2, 2, 1, 1];
        let mut pick = rng.below(WEIGHTS.iter().sum());
        let mut op = 0;
        while pick >= WEIGHTS[op] {
            pick -= WEIGHTS[op];
            op += 1;
        }
        counts[op] += 1;
        let who = rng.below(w.institutions.len() as u64) as usize;
        let holder = w.institutions[who].clone();
        let label = format!("step {step} (seed {seed}) op {op} by institution {who}");
        let mut rate_may_move = false;
        match op {
            // deposit: shares from the test's own formula
            0 => {
                let assets = ETH / 10 + rng.amount(50 * ETH);
                let books = state.books;
                let expected = mul_div(assets, books.total_shares + OFFSET, books.total_pooled + OFFSET);
                match attempt!(client, &holder, &token.deposit(), assets) {
                    Ok(shares) => {
                        assert!(!w.removed[who] && !w.paused, "{label}: deposit accepted");
                        assert_eq!(shares, expected, "{label}: shares minted");
                        w.deposited += assets;
                        done.deposits += 1;
                    }
                    Err(e) => assert!(w.removed[who] || w.paused, "{label}: deposit refused {e:?}"),
                }
            }
            // transfer to another institution
            1 => {
                let to = rng.below(w.institutions.len() as u64) as usize;
                let balance = read(client, &holder, &token.balance_of(account_of(&holder))).await?;
                let value = rng.amount(balance + 1);
                let result = attempt!(
                    client,
                    &holder,
                    &token.transfer(account_of(&w.institutions[to]), value, Vec::new())
                );
                if result.is_err() {
                    assert!(w.paused || w.removed[to], "{label}: transfer refused {result:?}");
                }
            }
            // an allowance spent by another institution
            2 => {
                let spender = w.institutions[(who + 1) % w.institutions.len()].clone();
                let balance = read(client, &holder, &token.balance_of(account_of(&holder))).await?;
                let value = rng.amount(balance + 1);
                let _ = attempt!(client, &holder, &token.approve(account_of(&spender), value));
                let to = account_of(&w.institutions[(who + 2) % w.institutions.len()]);
                let _ = attempt!(
                    client,
                    &spender,
                    &token.transfer_from(account_of(&holder), to, value, Vec::new())
                );
            }
            // a withdrawal request
            3 => {
                let balance = read(client, &holder, &token.balance_of(account_of(&holder))).await?;
                let shares = rng.amount(balance / 2 + 1);
                if let Ok(id) = attempt!(client, &holder, &token.request_withdrawal(shares)) {
                    let ticket = read(client, &holder, &token.ticket(id))
                        .await?
                        .ok_or("no ticket")?;
                    w.tickets.push((id, who, ticket.assets));
                    done.requests += 1;
                }
            }
            // a claim of one of the holder's tickets (or someone else's)
            4 => {
                // mostly one of the holder's own tickets not claimed yet, sometimes anyone's
                let own: Vec<(u64, usize, u128)> = w
                    .tickets
                    .iter()
                    .copied()
                    .filter(|(id, owner, _)| *owner == who && !w.claimed.contains(id))
                    .collect();
                let pick = if !own.is_empty() && rng.below(3) > 0 {
                    own.get(rng.below(own.len() as u64) as usize).copied()
                } else {
                    w.tickets
                        .get(rng.below(w.tickets.len() as u64 + 1) as usize)
                        .copied()
                };
                if let Some((id, owner, value)) = pick {
                    let status = read(client, &holder, &token.ticket(id))
                        .await?
                        .ok_or("no ticket")?
                        .status;
                    let result = attempt!(client, &holder, &token.claim(id));
                    match result {
                        Ok(payout) => {
                            assert_eq!(owner, who, "{label}: someone else's ticket paid");
                            assert!(!w.claimed.contains(&id), "{label}: ticket {id} paid twice");
                            assert!(payout <= value, "{label}: claim above request value");
                            assert_eq!(status, TicketStatus::Finalized { payout }, "{label}: claim");
                            w.claimed.push(id);
                            done.claims += 1;
                        }
                        Err(e) => assert!(
                            owner != who || !matches!(status, TicketStatus::Finalized { .. }),
                            "{label}: the owner's claim of a finalized ticket refused: {e:?}"
                        ),
                    }
                }
            }
            // a flash exit of a small part of the holding
            5 => {
                let balance = read(client, &holder, &token.balance_of(account_of(&holder))).await?;
                let shares = rng.amount(balance / 10 + 1);
                let books = state.books;
                let pro_rata = mul_div(shares, books.total_pooled, books.total_shares.max(1));
                if let Ok(payout) = attempt!(client, &holder, &token.flash_exit(shares, 0)) {
                    assert!(
                        payout <= pro_rata,
                        "{label}: flash exit {payout} above the pro-rata {pro_rata}"
                    );
                    w.flash_payouts += payout;
                    done.flash_exits += 1;
                    rate_may_move = true;
                }
            }
            // anyone continues the finalization
            6 => {
                let head = state.books.next_to_finalize;
                if attempt!(client, &w.outsider, &token.finalize_withdrawals(8)).is_ok() {
                    let after = read(client, &holder, &token.accounting()).await?.next_to_finalize;
                    absorb_finalized(client, &mut w, head, after).await?;
                    done.finalized_tickets += after - head;
                    rate_may_move = true;
                }
            }
            // the staking manager stakes one validator
            7 => {
                if attempt!(client, &w.manager, &token.stake(w.operator, 1)).is_ok() {
                    w.funded += 1;
                    done.stakes += 1;
                }
            }
            // a report a day later: rewards (some of them MEV from the vault), sometimes a loss,
            // sometimes a dissenting member, sometimes an out-of-bound report first
            8 | 9 => {
                advance_ms(12 * HOUR_MS + rng.below(24) * HOUR_MS);
                let books = state.books;
                let elapsed = u128::from(now_ms() - w.last.ref_time_ms);
                let allowed = mul_div(books.total_pooled / 10, elapsed, YEAR_MS) * 9 / 10;
                let gain = rng.amount(allowed + 1);
                let el = if rng.below(2) == 0 { gain / 3 } else { 0 };
                if el > 0 {
                    submit(client, &w.manager, &token.receive_inflow(), el)
                        .await?
                        .accepted()?;
                    w.el_sent += el;
                }
                let activated = u128::from(w.funded - w.last.validators) * VALIDATOR_DEPOSIT;
                let mut cl = w.last.cl_balance + activated + (gain - el);
                let mut slashed = None;
                if op == 9 && w.last.cl_balance > 0 && rng.below(3) == 0 {
                    let loss = rng.amount(books.total_pooled / 50 + 1).min(cl);
                    cl -= loss;
                    slashed = Some(w.operator);
                    done.losses += 1;
                }
                let report = at(
                    now_ms(),
                    Report {
                        cl_balance: cl,
                        validators: w.funded,
                        el_rewards_total: w.el_sent,
                        slashed_operator: slashed,
                        ..w.last
                    },
                );
                if rng.below(4) == 0 {
                    // far above the annual bound: the quorum's report is refused, nothing applies
                    let greedy = Report {
                        cl_balance: cl + books.total_pooled / 5 + ETH,
                        ..report
                    };
                    submit(client, &w.members[0], &oracle.submit_report(greedy), 0)
                        .await?
                        .accepted()?;
                    let refused = submit(client, &w.members[1], &oracle.submit_report(greedy), 0)
                        .await?
                        .accepted()?;
                    assert!(
                        matches!(refused, ReportVoteOutcome::Refused(_)),
                        "{label}: {refused:?}"
                    );
                    done.refused_reports += 1;
                }
                if rng.below(3) == 0 {
                    let dissent = Report {
                        cl_balance: cl + 1,
                        ..report
                    };
                    submit(client, &w.members[2], &oracle.submit_report(dissent), 0)
                        .await?
                        .accepted()?;
                }
                let head = books.next_to_finalize;
                let first_vote = submit(client, &w.members[0], &oracle.submit_report(report), 0)
                    .await?
                    .accepted()?;
                if slashed.is_some() && matches!(first_vote, ReportVoteOutcome::Counted { .. }) {
                    // a loss is pending: deposits are held until the report applies
                    let held = submit(client, &holder, &token.deposit(), ETH).await?;
                    assert!(held.value.is_err(), "{label}: deposit during a pending loss");
                }
                let outcome = submit(client, &w.members[1], &oracle.submit_report(report), 0)
                    .await?
                    .accepted()?;
                if matches!(first_vote, ReportVoteOutcome::Applied) || outcome == ReportVoteOutcome::Applied {
                    w.last = report;
                    absorb_reports(&mut w);
                    done.reports += 1;
                    let after = read(client, &holder, &token.accounting()).await?.next_to_finalize;
                    absorb_finalized(client, &mut w, head, after).await?;
                    done.finalized_tickets += after - head;
                    rate_may_move = true;
                    let rate = read(client, &holder, &token.rate())
                        .await?
                        .map_err(|e| format!("{e:?}"))?;
                    // within the per-report cap of 0.1% up and the 5% bound down
                    assert!(
                        rate <= state.rate + state.rate / 1_000 + 2,
                        "{label}: rate {} -> {rate}",
                        state.rate
                    );
                    assert!(
                        rate + state.rate / 20 >= state.rate,
                        "{label}: rate {} -> {rate}",
                        state.rate
                    );
                } else {
                    return Err(format!("{label}: the honest report did not apply: {outcome:?}").into());
                }
            }
            // an outsider tries to deposit, to receive, to request
            10 => {
                let refused = attempt!(client, &w.outsider, &token.deposit());
                assert!(refused.is_err(), "{label}: an outsider deposited");
                let to_outsider = attempt!(
                    client,
                    &holder,
                    &token.transfer(account_of(&w.outsider), 1, Vec::new())
                );
                assert!(to_outsider.is_err(), "{label}: an outsider received shares");
                let request = attempt!(client, &w.outsider, &token.request_withdrawal(ETH));
                assert!(request.is_err(), "{label}: an outsider requested");
            }
            // the governor: pause or unpause; once, remove an institution; the clock moves
            _ => match rng.below(3) {
                0 => {
                    let call = if w.paused { token.unpause() } else { token.pause() };
                    submit(client, &w.manager, &call, 0).await?.accepted()?;
                    w.paused = !w.paused;
                }
                1 if !w.removed.contains(&true) && who != 0 => {
                    let remove = TokenDecision::RemoveInstitution {
                        institution: account_of(&holder),
                    };
                    submit(client, &w.manager, &token.govern(remove), 0)
                        .await?
                        .accepted()?;
                    w.removed[who] = true;
                }
                _ => advance_ms(rng.below(48) * HOUR_MS),
            },
        }
        state = check(client, &w, &state, rate_may_move, &label).await?;
    }
    done.refused_calls = REFUSED.with(|r| r.get());
    println!(
        "stateful run: seed {seed}: {steps} steps, operations drawn {counts:?}, all invariants held; {done:?}"
    );
    Ok(done)
}

fn seeds() -> (Vec<u64>, u32) {
    let steps = std::env::var("ICSETH_STATEFUL_STEPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(70);
    match std::env::var("ICSETH_STATEFUL_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        Some(seed) => (vec![seed], steps),
        None => (vec![0x1c5e_7401, 0x2b0a_9911, 0x3d17_55e3], steps),
    }
}

#[ink_e2e::test(backend(runtime_only(sandbox = ClockSandbox)))]
async fn random_runs_keep_every_invariant<Client: E2EBackend>(mut client: Client) -> E2EResult<()> {
    let (list, steps) = seeds();
    let mut total = Done::default();
    let runs = list.len();
    for seed in list {
        total.add(run(&mut client, seed, steps).await?);
    }
    println!("stateful runs: {runs} seeds x {steps} steps; together {total:?}");
    // the runs exercised what the invariants are about (fixed seeds: these are facts of the runs)
    if runs > 1 {
        assert!(
            total.deposits > 0 && total.requests > 0 && total.claims > 0,
            "{total:?}"
        );
        assert!(
            total.flash_exits > 0 && total.finalized_tickets > 0 && total.stakes > 0,
            "{total:?}"
        );
        assert!(
            total.reports > 0 && total.losses > 0 && total.refused_reports > 0,
            "{total:?}"
        );
        assert!(total.refused_calls > 0, "{total:?}");
    }
    Ok(())
}
