//! A month of the protocol on the embedded chain, every figure checked against the test's own
//! model of the rules (`icseth_e2e::model`, written from the README with its own 256-bit
//! arithmetic), never against what the contracts said before:
//!
//! - the board forms (the protocol alone, then two institutional members, each by vote) and
//!   whitelists three institutions with different minimum tiers, sets the oracle's members,
//!   approves an operator of each kind and allows a donor to the protection pool;
//! - deposits (a deposit below each tier is refused), a donation, the allocation (triggered by an
//!   account with no role) funding 25 validators by the kind targets, each operator's share from
//!   the model's restatement of the rule;
//! - 30 daily reports with consensus rewards and MEV sent by the vault; one member dissents on
//!   some days; each day the operators report their frames and two members attest;
//! - the Obol cluster underperforms: probation after 3 weak frames, paused after 3 more, every one
//!   of its validators asked to exit, the allocation passing it by; the board removes it and
//!   approves a replacement Obol cluster, which the allocation funds first; the exits arrive
//!   through the vault and the oracle attests them in the frame figures, which frees the limit;
//! - a withdrawal requested, finalized by the next report and claimed; two flash exits, the second
//!   at the reserve the first depleted (a higher fee); a slashing the protection pool covers,
//!   with deposits held between the first vote and the quorum; a removed institution that exits
//!   through the queue, paid from validators' withdrawals.
//!
//! After every step the accounting's books, the ledger's supply, every holder's shares, the rate, the reserve
//! the pool holds, each ticket's payout, the fees and the cover are compared with the model;
//! native payouts are compared with the caller's balance change (less the storage deposit the
//! chain charged); a refused call changes no contract's storage.
use flash_exit_pool::flash_exit_pool::{Error as PoolError, FlashExitPool};
use icseth_accounting::icseth_accounting::{
    Error as AccountingError, FlashExited, IcsethAccounting, ReportApplied, ReserveRefilled,
};
use icseth_core::allocation::AllocationPolicy;
use icseth_core::flash::FlashError;
use icseth_core::{
    governance::{Action, OracleDecision, ProtectionDecision, RegistryDecision, TokenDecision},
    operators::Figures,
    oracle::Report,
};
use icseth_e2e::native_balance;
use icseth_e2e::operators::{approval, register_operator, GOOD_FRAME as GOOD, WEAK_FRAME as WEAK};
use icseth_e2e::oracle::assert_report_applied;
use icseth_e2e::{
    account_of, advance_ms, deploy_and_wire, events_of,
    governance::{decide_all, propose_and_approve},
    model::{
        book_figures, frame_score, mul_div, next_status, plan_allocation, OperatorModel, Protocol,
        ReportFigures, BOOK_FIGURES, VALIDATOR,
    },
    now_ms,
    oracle::at,
    read, read_ok, sandbox, submit, ClockSandbox, EmbeddedClient, GovernorChoice, SuiteConfig, ETH,
};
use icseth_token::{
    icseth_token::IcsethToken,
    psp22::{refusal, PSP22Error, PSP22},
};
use ink::primitives::AccountId;
use ink_e2e::{ChainBackend, Keypair};
use operator_registry::operator_registry::{
    Error as RegistryError, OperatorKind, OperatorRegistry, OperatorStatus,
};
use oracle_consensus::oracle_consensus::{OracleConsensus, ReportVoteOutcome};
use slash_protection::slash_protection::SlashProtection;
use whitelist_board::whitelist_board::{Error as BoardError, WhitelistBoard};

type E2EResult<T> = Result<T, Box<dyn std::error::Error>>;

const HOUR_MS: u64 = 60 * 60 * 1000;
const DAY_MS: u64 = 24 * HOUR_MS;
/// Consensus rewards per live validator per day: about 3% a year on 32 ETH.
const CL_REWARD_PER_VALIDATOR: u128 = 2_630_000_000_000_000;
/// Days the oracle does not report (an outage).
const OUTAGE: std::ops::RangeInclusive<u32> = 25..=28;
/// The slashing on day 15.
const SLASHED: u128 = ETH;

/// One operator as the test follows it.
struct Op {
    id: u32,
    admin: Keypair,
    /// What the admin claims each frame, and what the members attest.
    claims: Figures,
    attests: Figures,
    status: OperatorStatus,
    streak: u32,
    frames: u32,
    disputes: u32,
    /// Validators the allocation gave it, those of them the oracle has seen (live) and those it
    /// gave since the last report (not seen yet).
    funded: u32,
    live: u32,
    unseen: u32,
    /// What the allocation and exit rules see: kind, score, dispute, limit, exits.
    kind: usize,
    score: Option<u32>,
    disputed: bool,
    limit: u32,
    exited: u32,
    asked: u32,
}

/// Keys every operator of the month uploads.
const KEYS: u32 = 16;
/// The liquidity floor the board sets at the start: the buffer keeps a validator's worth (it
/// releases it to fund the replacement operator).
const FLOOR: u128 = VALIDATOR;

impl Op {
    fn new(id: u32, admin: Keypair, kind: OperatorKind, claims: Figures, attests: Figures) -> Op {
        Op {
            id,
            admin,
            claims,
            attests,
            status: OperatorStatus::Pending,
            streak: 0,
            frames: 0,
            disputes: 0,
            funded: 0,
            live: 0,
            unseen: 0,
            kind: kind.index(),
            score: None,
            disputed: false,
            limit: 16,
            exited: 0,
            asked: 0,
        }
    }

    fn rules(&self) -> OperatorModel {
        OperatorModel {
            id: self.id,
            kind: self.kind,
            status: self.status,
            score: self.score,
            disputed: self.disputed,
            keys: KEYS,
            limit: self.limit,
            funded: self.funded,
            exited: self.exited,
            asked: self.asked,
            // the month asks no exits for tickets
            young: 0,
        }
    }
}

struct Month {
    suite: icseth_core::SuiteAddresses,
    model: Protocol,
    institutions: [Keypair; 3],
    members: [Keypair; 3],
    manager: Keypair,
    ops: Vec<Op>,
    /// The last applied report and the vault's cumulative MEV.
    last: Report,
    mev_sent: u128,
    withdrawn: u128,
    reports: u32,
    dissents: u32,
    calls: u32,
    checks: u32,
    /// The buffer's liquidity floor the board set.
    floor: u128,
    /// Consensus rewards and MEV since the last applied report.
    unreported_rewards: u128,
    unreported_mev: u128,
    /// The pool's own balance before any reserve (its existential deposit): it holds this plus
    /// the reserve.
    pool_base: u128,
}

fn holders(m: &Month) -> Vec<AccountId> {
    let mut list: Vec<AccountId> = m.institutions.iter().map(account_of).collect();
    list.extend([m.model.treasury, m.model.protection, m.model.queue]);
    list
}

/// Every figure the chain shows against the model.
async fn check(client: &mut EmbeddedClient, m: &mut Month, step: &str) -> E2EResult<()> {
    m.checks += 1;
    let reader = &m.manager;
    let token = ink_e2e::create_call_builder::<IcsethAccounting>(m.suite.accounting);
    let ledger = ink_e2e::create_call_builder::<IcsethToken>(m.suite.token);
    let pool = ink_e2e::create_call_builder::<FlashExitPool>(m.suite.flash_exit_pool);
    let b = read_ok(client, reader, &token.accounting()).await?;
    let x = &m.model;
    assert_eq!(book_figures(&b), x.book_figures(), "{step}: books {BOOK_FIGURES}");
    assert_eq!(
        (b.next_ticket, b.next_to_finalize),
        (x.tickets.len() as u64, x.next_to_finalize as u64),
        "{step}: the queue's ends"
    );
    assert_eq!(
        read(client, reader, &ledger.total_supply()).await?,
        x.total_shares,
        "{step}: supply"
    );
    for holder in holders(m) {
        assert_eq!(
            read(client, reader, &ledger.balance_of(holder)).await?,
            m.model.balance(&holder),
            "{step}: shares of {holder:?}"
        );
    }
    let rate = read(client, reader, &token.rate())
        .await?
        .map_err(|e| format!("{e:?}"))?;
    assert_eq!(rate, m.model.rate(), "{step}: rate");
    assert_eq!(
        read(client, reader, &pool.reserve()).await?,
        m.model.reserve,
        "{step}: the pool's reserve"
    );
    let held = client
        .free_balance(m.suite.flash_exit_pool)
        .await
        .map_err(|e| format!("{e:?}"))?;
    assert_eq!(
        held,
        m.pool_base + m.model.reserve,
        "{step}: the value the pool holds"
    );
    for (id, t) in m.model.tickets.iter().enumerate() {
        let on_chain = read(client, reader, &token.ticket(id as u64))
            .await?
            .ok_or("no ticket")?;
        assert_eq!(
            (on_chain.shares, on_chain.assets, on_chain.status),
            (t.shares, t.value, t.status()),
            "{step}: ticket {id}"
        );
    }
    Ok(())
}

/// Submits a call that must be refused with `$expected`; asserts no contract's storage changed.
macro_rules! refused {
    ($client:expr, $m:expr, $caller:expr, $call:expr, $value:expr, $expected:expr) => {{
        let digests = sandbox::storage_digests();
        let outcome = submit($client, $caller, $call, $value).await?;
        $m.calls += 1;
        assert_eq!(outcome.value, Err($expected), "refusal");
        assert_eq!(
            sandbox::storage_digests(),
            digests,
            "a refused call changed storage"
        );
    }};
}

/// Submits a call that must be accepted; returns its value and the storage deposit it was charged.
macro_rules! accepted {
    ($client:expr, $m:expr, $caller:expr, $call:expr, $value:expr) => {{
        let outcome = submit($client, $caller, $call, $value).await?;
        $m.calls += 1;
        let deposit = outcome.cost.storage_deposit;
        (outcome.accepted()?, deposit)
    }};
}

/// Consensus rewards of the live validators since yesterday (none before the first report).
fn day_rewards(m: &Month, day: u32) -> u128 {
    let live: u32 = m.ops.iter().map(|o| o.live).sum();
    if day == 0 {
        0
    } else {
        u128::from(live) * CL_REWARD_PER_VALIDATOR
    }
}

/// The vault hands the day's MEV and validators' withdrawals to the token.
async fn vault_sends(
    client: &mut EmbeddedClient,
    m: &mut Month,
    mev: u128,
    withdrawn: u128,
) -> E2EResult<()> {
    let mut token = ink_e2e::create_call_builder::<IcsethAccounting>(m.suite.accounting);
    let inflow = mev + withdrawn;
    if inflow > 0 {
        accepted!(client, m, &m.manager, &token.receive_inflow(), inflow);
        m.model.receive_inflow(inflow);
        m.mev_sent += mev;
        m.withdrawn += withdrawn;
    }
    Ok(())
}

/// The report: `rewards` of consensus rewards since the last one, `cl_change` to the consensus
/// balance (activations, exits, a slashing), everything the vault sent, voted by two members; on dissent days the third member votes first for other content. Checks the applied
/// figures against the model's.
async fn report_day(
    client: &mut EmbeddedClient,
    m: &mut Month,
    day: u32,
    rewards: u128,
    cl_change: i128,
    slashed_operator: Option<u32>,
) -> E2EResult<ReportFigures> {
    let mut oracle = ink_e2e::create_call_builder::<OracleConsensus>(m.suite.oracle);
    let mut token = ink_e2e::create_call_builder::<IcsethAccounting>(m.suite.accounting);
    let cl = i128::try_from(m.last.cl_balance + rewards)? + cl_change;
    let report = at(
        now_ms(),
        Report {
            cl_balance: u128::try_from(cl)?,
            validators: m.ops.iter().map(|o| o.funded).sum(),
            el_rewards_total: m.mev_sent,
            withdrawn_total: m.withdrawn,
            slashed_operator,
            ..m.last
        },
    );
    let dissent_day = day % 7 == 3;
    let voters: [usize; 2] = if dissent_day {
        // the dissenter votes first, for a balance 1 gwei higher; the other two apply the report
        let other = Report {
            cl_balance: report.cl_balance + 1_000_000_000,
            ..report
        };
        accepted!(client, m, &m.members[2], &oracle.submit_report(other), 0);
        m.dissents += 1;
        [0, 1]
    } else {
        [[0, 1], [1, 2], [2, 0]][day as usize % 3]
    };
    let before_events = events_of::<ReportApplied>(&m.suite.accounting).len();
    let (first, _) = accepted!(client, m, &m.members[voters[0]], &oracle.submit_report(report), 0);
    assert!(
        matches!(first, ReportVoteOutcome::Counted { votes: 1, quorum: 2 }),
        "day {day}: {first:?}"
    );
    if slashed_operator.is_some() {
        // a loss is pending from the first vote: deposits and flash exits wait for the report,
        // one member's vote alone holds them 36 hours at most
        let a = m.institutions[0].clone();
        let until = icseth_core::hold::HoldUntil {
            until_ref: report.ref_time_ms,
            lapses_at: Some(now_ms() + icseth_core::hold::LONE_HOLD_MS),
        };
        refused!(
            client,
            m,
            &a,
            &token.deposit(),
            100 * ETH,
            AccountingError::LossPending(until)
        );
        refused!(
            client,
            m,
            &a,
            &token.flash_exit(ETH, 0),
            0,
            AccountingError::LossPending(until)
        );
    }
    let (second, _) = accepted!(client, m, &m.members[voters[1]], &oracle.submit_report(report), 0);
    assert_eq!(second, ReportVoteOutcome::Applied, "day {day}");
    let figures = m
        .model
        .apply_report(&report, now_ms())
        .map_err(|e| format!("day {day}: model: {e}"))?;
    let applied = events_of::<ReportApplied>(&m.suite.accounting);
    assert_eq!(applied.len(), before_events + 1, "day {day}: one report applied");
    assert_report_applied(&m.suite.accounting, &figures, &format!("day {day}"));
    m.last = report;
    m.reports += 1;
    check(client, m, &format!("day {day}: report")).await?;
    Ok(figures)
}

/// Each live operator reports yesterday's frame and two members attest it; the registry's
/// status, score, frame count and disputes follow the model.
async fn frames_day(client: &mut EmbeddedClient, m: &mut Month, day: u32) -> E2EResult<()> {
    let mut registry = ink_e2e::create_call_builder::<OperatorRegistry>(m.suite.operator_registry);
    let mut oracle = ink_e2e::create_call_builder::<OracleConsensus>(m.suite.oracle);
    let frame = read(client, &m.manager, &registry.current_frame()).await? - 1;
    for i in 0..m.ops.len() {
        // operators in service, and removed ones until their validators' exits are recorded
        let in_service = matches!(
            m.ops[i].status,
            OperatorStatus::Active | OperatorStatus::Probation | OperatorStatus::Paused
        );
        let exits_to_record = m.ops[i].status == OperatorStatus::Exited && m.ops[i].exited < m.ops[i].funded;
        if !(in_service || exits_to_record) {
            continue;
        }
        let (id, admin, claims, attests) = (
            m.ops[i].id,
            m.ops[i].admin.clone(),
            m.ops[i].claims,
            m.ops[i].attests,
        );
        accepted!(
            client,
            m,
            &admin,
            &registry.report_performance(id, frame, claims),
            0
        );
        for member in [
            &m.members[day as usize % 3].clone(),
            &m.members[(day as usize + 1) % 3].clone(),
        ] {
            accepted!(client, m, member, &oracle.attest(id, frame, attests), 0);
        }
        let score = frame_score(&attests);
        let op = &mut m.ops[i];
        let was = op.status;
        (op.status, op.streak) = next_status(op.status, op.streak, score);
        op.frames += 1;
        op.score = Some(score);
        op.disputed = claims != attests;
        if claims != attests {
            op.disputes += 1;
        }
        // attested exits satisfy what was asked
        if attests.exited > op.exited {
            let exits = attests.exited - op.exited;
            op.exited += exits;
            op.asked = op.asked.saturating_sub(exits);
        }
        // paused: every staying validator is asked to exit
        if was != OperatorStatus::Paused && op.status == OperatorStatus::Paused {
            op.asked += op.funded - op.exited - op.asked;
        }
        let record = read(client, &m.manager, &registry.operator(id))
            .await?
            .ok_or("no operator")?;
        assert_eq!(
            (
                record.status,
                record.score,
                record.totals.frames,
                record.totals.disagreements
            ),
            (op.status, Some(score), op.frames, op.disputes),
            "day {day}: operator {id} [status, score, frames, disputes]"
        );
        assert_eq!(
            (
                record.counts.funded,
                record.counts.exited,
                record.outstanding_exits(),
                record.last_frame_unmatched
            ),
            (op.funded, op.exited, op.asked, op.disputed),
            "day {day}: operator {id} [funded, exited, asked to exit, disputed]"
        );
    }
    Ok(())
}

/// `owner` claims ticket `id`: it pays what the model says the ticket owes, and the owner's
/// native balance rises by that less the storage deposit the chain charged.
async fn claim(
    client: &mut EmbeddedClient,
    m: &mut Month,
    owner: &Keypair,
    id: usize,
    label: &str,
) -> E2EResult<()> {
    let mut token = ink_e2e::create_call_builder::<IcsethAccounting>(m.suite.accounting);
    let before = native_balance(client, owner).await?;
    let (paid, deposit) = accepted!(client, m, owner, &token.claim(id as u64), 0);
    let owed = m.model.claim(id);
    assert_eq!(paid, owed, "{label}");
    assert_eq!(
        native_balance(client, owner).await? - before,
        i128::try_from(owed)? - deposit,
        "{label}: native value"
    );
    Ok(())
}

/// The validators allocated since the last report, now seen: their consensus balance.
fn newly_seen(m: &mut Month) -> i128 {
    let mut seen = 0u32;
    for op in &mut m.ops {
        op.live += op.unseen;
        seen += op.unseen;
        op.unseen = 0;
    }
    i128::from(seen) * VALIDATOR as i128
}

/// `caller` (anyone) triggers the allocation until nothing is free: each call funds what the
/// model's rule plans, operator by operator; when the plan is empty the call is refused and
/// changes nothing. Answers the validators each operator got.
async fn allocate_all(
    client: &mut EmbeddedClient,
    m: &mut Month,
    caller: &Keypair,
    label: &str,
) -> E2EResult<Vec<u32>> {
    let mut token = ink_e2e::create_call_builder::<IcsethAccounting>(m.suite.accounting);
    let registry = ink_e2e::create_call_builder::<OperatorRegistry>(m.suite.operator_registry);
    let mut total = vec![0u32; m.ops.len()];
    loop {
        let rules: Vec<OperatorModel> = m.ops.iter().map(Op::rules).collect();
        let plan = plan_allocation(&rules, m.model.fundable(m.floor));
        let planned: u32 = plan.iter().sum();
        if planned == 0 {
            refused!(
                client,
                m,
                caller,
                &token.allocate(),
                0,
                AccountingError::Registry(RegistryError::NothingToAllocate)
            );
            return Ok(total);
        }
        let (funded, _) = accepted!(client, m, caller, &token.allocate(), 0);
        assert_eq!(funded, planned, "{label}: validators allocated");
        m.model.stake(planned);
        for (i, given) in plan.iter().enumerate() {
            m.ops[i].funded += given;
            m.ops[i].unseen += given;
            total[i] += given;
            let record = read(client, &m.manager, &registry.operator(m.ops[i].id))
                .await?
                .ok_or("no operator")?;
            assert_eq!(
                record.counts.funded, m.ops[i].funded,
                "{label}: operator {i}'s validators"
            );
        }
        check(client, m, &format!("{label}: allocated")).await?;
    }
}

/// Proposes `actions` as `members[0]`, approved by all of `members`: ids to execute later.
async fn propose(
    client: &mut EmbeddedClient,
    m: &mut Month,
    members: &[Keypair],
    actions: Vec<Action>,
) -> E2EResult<Vec<u64>> {
    let mut ids = Vec::new();
    for action in actions {
        ids.push(propose_and_approve(client, m.suite.board, members, action).await?);
        m.calls += 1 + members.len() as u32;
    }
    Ok(ids)
}

/// Executes passed proposals (anyone may); a second execution is refused.
async fn execute(client: &mut EmbeddedClient, m: &mut Month, ids: &[u64]) -> E2EResult<()> {
    let mut board = ink_e2e::create_call_builder::<WhitelistBoard>(m.suite.board);
    let executor = m.manager.clone();
    for id in ids {
        accepted!(client, m, &executor, &board.execute(*id), 0);
        refused!(
            client,
            m,
            &executor,
            &board.execute(*id),
            0,
            BoardError::AlreadyExecuted
        );
    }
    Ok(())
}

#[ink_e2e::test(backend(runtime_only(sandbox = ClockSandbox)))]
async fn a_month_of_the_protocol_matches_the_rules<Client: E2EBackend>(mut client: Client) -> E2EResult<()> {
    let alice = ink_e2e::alice();
    let (bob, charlie) = (ink_e2e::bob(), ink_e2e::charlie());
    let mut fund = Vec::new();
    for _ in 0..14 {
        fund.push(client.create_and_fund_account(&alice, 100_000 * ETH).await);
    }
    let [a, b, c, m0, m1, m2, manager, guardian, treasury, ssv, obol, kyc, replacement, outsider]: [Keypair;
        14] = fund.try_into().map_err(|_| "accounts")?;

    // ---- the board forms: the protocol alone, then two institutional members by vote ----------
    let mut config = SuiteConfig::single_member(account_of(&alice), ETH);
    config.governor = GovernorChoice::Board;
    config.guardian = account_of(&guardian);
    config.staking_manager = account_of(&manager);
    config.treasury = account_of(&treasury);
    let suite = deploy_and_wire(&mut client, &alice, &config).await?;
    sandbox::watch_storage(&[
        suite.token,
        suite.board,
        suite.flash_exit_pool,
        suite.operator_registry,
        suite.slash_protection,
        suite.oracle,
        suite.accounting,
    ]);
    let mut m = Month {
        suite,
        model: Protocol::new(account_of(&treasury), suite.slash_protection, suite.token),
        institutions: [a.clone(), b.clone(), c.clone()],
        members: [m0.clone(), m1.clone(), m2.clone()],
        manager: manager.clone(),
        ops: Vec::new(),
        last: Report::default(),
        mev_sent: 0,
        withdrawn: 0,
        reports: 0,
        dissents: 0,
        calls: 0,
        checks: 0,
        floor: FLOOR,
        unreported_rewards: 0,
        unreported_mev: 0,
        pool_base: client
            .free_balance(suite.flash_exit_pool)
            .await
            .map_err(|e| format!("{e:?}"))?,
    };
    let mut token = ink_e2e::create_call_builder::<IcsethAccounting>(suite.accounting);
    let mut ledger = ink_e2e::create_call_builder::<IcsethToken>(suite.token);
    let registry = ink_e2e::create_call_builder::<OperatorRegistry>(suite.operator_registry);
    let mut protection = ink_e2e::create_call_builder::<SlashProtection>(suite.slash_protection);
    let board = ink_e2e::create_call_builder::<WhitelistBoard>(suite.board);
    decide_all(
        &mut client,
        suite.board,
        std::slice::from_ref(&alice),
        &alice,
        vec![Action::AddMember {
            account: account_of(&bob),
            quorum: 2,
        }],
    )
    .await?;
    // operators of each kind register (pending) while the board is forming
    for (admin, name, kind) in [
        (&ssv, "SSV cluster", OperatorKind::SsvCluster),
        (&obol, "Obol cluster", OperatorKind::ObolCluster),
        (&kyc, "KYC ring-fenced", OperatorKind::KycRingFenced),
    ] {
        let id = register_operator(&mut client, suite.operator_registry, admin, name, kind, KEYS).await?;
        m.calls += 2;
        // the Obol cluster underperforms and claims the good figures anyway: each frame is disputed
        let attests = if kind == OperatorKind::ObolCluster {
            WEAK
        } else {
            GOOD
        };
        m.ops.push(Op::new(id, admin.clone(), kind, GOOD, attests));
    }
    let tiers = [100 * ETH, 50 * ETH, 10 * ETH];
    let mut actions = vec![Action::AddMember {
        account: account_of(&charlie),
        quorum: 2,
    }];
    for (institution, tier) in m.institutions.iter().zip(tiers) {
        actions.push(Action::Token(TokenDecision::AddInstitution {
            institution: account_of(institution),
            min_deposit: Some(tier),
            kyc_valid_until: icseth_deploy::governance::kyc_until(icseth_deploy::now_ms()),
        }));
    }
    actions.push(Action::Oracle(OracleDecision::SetMembers {
        members: m.members.iter().map(account_of).collect(),
    }));
    for op in &m.ops {
        actions.extend(approval(op.id, 16));
    }
    actions.push(Action::SlashProtection(ProtectionDecision::AllowDonor {
        donor: account_of(&a),
    }));
    // the buffer keeps a validator's worth beyond what tickets are owed
    actions.push(Action::OperatorRegistry(RegistryDecision::SetAllocationPolicy {
        policy: AllocationPolicy {
            liquidity_floor: FLOOR,
            ..AllocationPolicy::DEFAULT
        },
    }));
    decide_all(
        &mut client,
        suite.board,
        &[alice.clone(), bob.clone()],
        &alice,
        actions,
    )
    .await?;
    for op in &mut m.ops {
        op.status = OperatorStatus::Active;
    }
    assert_eq!(
        read(&mut client, &alice, &board.members()).await?,
        vec![account_of(&alice), account_of(&bob), account_of(&charlie)]
    );
    println!("lifecycle: the board formed and decided by vote; the month starts");

    // ---- day 0: deposits at each tier, a donation, staking, the first report --------------------
    for (institution, tier) in m.institutions.clone().iter().zip(tiers) {
        refused!(
            &mut client,
            m,
            institution,
            &token.deposit(),
            tier - 1,
            AccountingError::BelowMinDeposit
        );
    }
    refused!(
        &mut client,
        m,
        &outsider,
        &token.deposit(),
        100 * ETH,
        AccountingError::NotWhitelisted
    );
    for (institution, assets) in m
        .institutions
        .clone()
        .iter()
        .zip([400 * ETH, 300 * ETH, 200 * ETH])
    {
        let (shares, _) = accepted!(&mut client, m, institution, &token.deposit(), assets);
        assert_eq!(
            shares,
            m.model.deposit(account_of(institution), assets),
            "deposit shares"
        );
        check(&mut client, &mut m, "day 0: deposit").await?;
    }
    accepted!(
        &mut client,
        m,
        &a,
        &ledger.approve(suite.slash_protection, 4 * ETH),
        0
    );
    accepted!(&mut client, m, &a, &protection.donate(4 * ETH), 0);
    m.model.transfer(account_of(&a), suite.slash_protection, 4 * ETH);
    // anyone triggers the allocation: 855 ETH buffered, a validator's worth kept, 25 validators
    // in two pages (16 and 9), by kind targets (SSV 40%, Obol 40%, KYC 20%) within the cap
    let staked = allocate_all(&mut client, &mut m, &outsider, "day 0").await?;
    assert_eq!(staked.iter().sum::<u32>(), 25, "day 0: validators allocated");
    // three operators: none above an even third (9 of 25), so KYC takes more than its 20%
    assert_eq!(staked, vec![9, 9, 7], "day 0: validators per operator");
    // the first report sees the 25 validators at their deposits: no gain to apply yet
    let seen = newly_seen(&mut m);
    let first = report_day(&mut client, &mut m, 0, 0, seen, None).await?;
    assert_eq!(first, ReportFigures::default());

    // ---- the month ------------------------------------------------------------------------------
    let mut replace_ids = Vec::new();
    let mut removal_ids = Vec::new();
    let mut b_ticket = None;
    let mut c_ticket = None;
    let mut b_second_ticket = None;
    let mut flash_fees = Vec::new();
    for day in 1..=30u32 {
        advance_ms(DAY_MS);
        frames_day(&mut client, &mut m, day).await?;
        let mev = u128::from(day % 5 + 1) * 4_000_000_000_000_000;
        // validators allocated since the last report are seen at their deposits
        let mut cl_change: i128 = if OUTAGE.contains(&day) {
            0
        } else {
            newly_seen(&mut m)
        };
        let mut withdrawn = 0;
        let mut slashed = None;
        match day {
            15 => {
                cl_change = -(SLASHED as i128);
                slashed = Some(m.ops[0].id);
            }
            19 => {
                // the removed Obol cluster's validators, asked to exit when it was paused, exited:
                // their balance arrives; its admin and the oracle state the exits in the frame
                // figures, which the registry records tomorrow
                let obol = &mut m.ops[1];
                assert_eq!(obol.asked, obol.funded, "day 19: all the Obol's validators asked");
                withdrawn = u128::from(obol.live) * VALIDATOR;
                cl_change -= withdrawn as i128;
                obol.live = 0;
                obol.claims.exited = obol.funded;
                obol.attests.exited = obol.funded;
            }
            _ => {}
        }
        let rate_before = m.model.rate();
        let rewards = day_rewards(&m, day);
        vault_sends(&mut client, &mut m, mev, withdrawn).await?;
        m.unreported_rewards += rewards;
        m.unreported_mev += mev;
        if OUTAGE.contains(&day) {
            // the oracle is down: nothing is reported, the vault's MEV waits in the inflow
            check(&mut client, &mut m, &format!("day {day}: no report")).await?;
            continue;
        }
        if day == OUTAGE.end() + 1 {
            // a MEV spike on top of five days of rewards: above the per-report cap (0.1% of the
            // pooled assets), within the annual bound (10% a year pro rata, here five days), so
            // the report applies the cap and carries the rest
            let cap = mul_div(m.model.total_pooled, 10, 10_000);
            let elapsed = u128::from(now_ms() - m.model.last_applied_ms);
            let allowed = mul_div(m.model.total_pooled / 10, elapsed, 365 * u128::from(DAY_MS));
            assert!(allowed > cap, "five days allow more than the cap");
            let spike = (cap + allowed) / 2 - m.unreported_rewards - m.unreported_mev;
            vault_sends(&mut client, &mut m, spike, 0).await?;
            m.unreported_mev += spike;
        }
        let unreported = std::mem::take(&mut m.unreported_rewards);
        let pooled_before = m.model.total_pooled;
        let carried_before = m.model.unapplied_gain;
        let figures = report_day(&mut client, &mut m, day, unreported, cl_change, slashed).await?;
        let gain = std::mem::take(&mut m.unreported_mev) + unreported;
        if slashed.is_none() && withdrawn == 0 && cl_change == 0 {
            // the rules on an ordinary day: what arrived and accrued is the gain; at most 0.1% of
            // the pooled assets applies, the rest is carried
            let cap = mul_div(pooled_before, 10, 10_000);
            assert_eq!(
                figures.applied_gain,
                (gain + carried_before).min(cap),
                "day {day}: applied"
            );
            assert_eq!(
                figures.unapplied_gain,
                (gain + carried_before).saturating_sub(cap),
                "day {day}: carried"
            );
        }
        if day == OUTAGE.end() + 1 {
            assert!(figures.unapplied_gain > 0, "day {day}: the spike is carried");
        }
        match day {
            2 => {
                // b asks to withdraw 30 icsETH after the report: the next report finalizes it
                advance_ms(HOUR_MS);
                let (id, _) = accepted!(&mut client, m, &b, &token.request_withdrawal(30 * ETH), 0);
                let expected = m.model.request(account_of(&b), 30 * ETH, now_ms());
                assert_eq!(id, expected as u64);
                b_ticket = Some(expected);
                check(&mut client, &mut m, "day 2: request").await?;
            }
            3 => {
                assert_eq!(figures.finalized, 1, "day 3: b's ticket finalized");
                let id = b_ticket.ok_or("no ticket")?;
                claim(&mut client, &mut m, &b, id, "day 3: claim").await?;
                refused!(
                    &mut client,
                    m,
                    &b,
                    &token.claim(id as u64),
                    0,
                    AccountingError::AlreadyClaimed
                );
                check(&mut client, &mut m, "day 3: claim").await?;
            }
            5 => {
                // the replacement registers while the Obol cluster is on probation
                let id = register_operator(
                    &mut client,
                    suite.operator_registry,
                    &replacement,
                    "Replacement Obol",
                    OperatorKind::ObolCluster,
                    KEYS,
                )
                .await?;
                m.calls += 2;
                m.ops.push(Op::new(
                    id,
                    replacement.clone(),
                    OperatorKind::ObolCluster,
                    GOOD,
                    GOOD,
                ));
            }
            6 => {
                assert_eq!(m.ops[1].status, OperatorStatus::Paused, "six weak frames pause");
                // paused: its validators were asked to exit, by the deadline
                let paused = m.ops[1].id;
                let record = read(&mut client, &manager, &registry.operator(paused))
                    .await?
                    .ok_or("no operator")?;
                assert_eq!(record.outstanding_exits(), m.ops[1].funded, "day 6: exits asked");
                // c tops up (the deposit refills the reserve first); the allocation passes the
                // paused operator by
                let (shares, _) = accepted!(&mut client, m, &c, &token.deposit(), 50 * ETH);
                assert_eq!(shares, m.model.deposit(account_of(&c), 50 * ETH));
                check(&mut client, &mut m, "day 6: deposit").await?;
                let staked = allocate_all(&mut client, &mut m, &outsider, "day 6").await?;
                assert_eq!(staked[1], 0, "day 6: nothing to the paused operator");
                // the members of the board replace it: bob proposes, bob and charlie approve
                let new = m.ops[3].id;
                replace_ids = propose(
                    &mut client,
                    &mut m,
                    &[bob.clone(), charlie.clone()],
                    [Action::OperatorRegistry(RegistryDecision::RemoveOperator {
                        operator: paused,
                    })]
                    .into_iter()
                    .chain(approval(new, 16))
                    // the board releases the buffer's floor to fund the replacement
                    .chain([Action::OperatorRegistry(RegistryDecision::SetAllocationPolicy {
                        policy: AllocationPolicy::DEFAULT,
                    })])
                    .collect(),
                )
                .await?;
            }
            8 => {
                // a exits at once twice: the second exit meets the reserve the first depleted, and
                // what is left of the day's exit limit (half the reserve at the first exit)
                for (wanted, label) in [(20 * ETH, "first"), (10 * ETH, "second")] {
                    let room = m.model.exit_limit_left(now_ms()) * 9 / 10;
                    let shares = wanted.min(mul_div(room, m.model.total_shares, m.model.total_pooled));
                    let quote = m
                        .model
                        .quote_exit(shares, now_ms())
                        .ok_or("the model refuses the exit")?;
                    let before = native_balance(&mut client, &a).await?;
                    let (paid, deposit) =
                        accepted!(&mut client, m, &a, &token.flash_exit(shares, quote.payout), 0);
                    let exit = m.model.flash_exit(account_of(&a), shares, now_ms());
                    assert_eq!(paid, exit.payout, "day 8: {label} flash exit");
                    assert_eq!(
                        native_balance(&mut client, &a).await? - before,
                        i128::try_from(exit.payout)? - deposit
                    );
                    let event = events_of::<FlashExited>(&suite.accounting)
                        .pop()
                        .ok_or("no event")?;
                    assert_eq!((event.fee, event.reserve_after), (exit.fee, m.model.reserve));
                    flash_fees.push(exit.fee_bps);
                    check(&mut client, &mut m, &format!("day 8: {label} flash exit")).await?;
                }
                assert!(
                    flash_fees[1] > flash_fees[0],
                    "the depleted reserve costs more: {flash_fees:?}"
                );
                // above what is left of the day's limit: refused
                let big = mul_div(
                    m.model.reserve * 6 / 10,
                    m.model.total_shares,
                    m.model.total_pooled,
                );
                assert!(m.model.quote_exit(big, now_ms()).is_none());
                let digests = sandbox::storage_digests();
                let refused = submit(&mut client, &a, &token.flash_exit(big, 0), 0).await?;
                assert_eq!(
                    refused.value,
                    Err(AccountingError::Pool(PoolError::Flash(FlashError::AboveExitCap)))
                );
                assert_eq!(sandbox::storage_digests(), digests);
            }
            10 => {
                advance_ms(HOUR_MS);
                execute(&mut client, &mut m, &replace_ids).await?;
                m.ops[1].status = OperatorStatus::Exited;
                m.ops[3].status = OperatorStatus::Active;
                m.floor = 0;
                // the floor released, the replacement Obol cluster is the kind furthest below
                // its target: the allocation funds it first
                let staked = allocate_all(&mut client, &mut m, &outsider, "day 10").await?;
                assert!(staked[3] >= 1, "day 10: the replacement is staked: {staked:?}");
                check(&mut client, &mut m, "day 10: replaced and staked").await?;
                let removed = read(&mut client, &manager, &registry.operator(m.ops[1].id))
                    .await?
                    .ok_or("no operator")?;
                assert_eq!(removed.status, OperatorStatus::Exited);
            }
            14 => {
                // the board removes c; charlie proposes
                removal_ids = propose(
                    &mut client,
                    &mut m,
                    &[charlie.clone(), alice.clone()],
                    vec![Action::Token(TokenDecision::RemoveInstitution {
                        institution: account_of(&c),
                    })],
                )
                .await?;
            }
            15 => {
                // the slashing, net of the day's rewards and MEV: within half the pool's value, so
                // covered whole; the rate holds at its pre-loss value (rounding only down)
                assert_eq!(figures.loss, SLASHED - rewards - mev);
                // (the cover is the value of the shares burned for it, rounded down)
                assert!(figures.covered <= figures.loss && figures.covered + 2 >= figures.loss);
                assert!(m.model.rate() <= rate_before && m.model.rate() + 2 >= rate_before);
                let incidents = read(&mut client, &manager, &protection.incident_count()).await?;
                assert_eq!(incidents, 1);
                let incident = read(&mut client, &manager, &protection.incident(0))
                    .await?
                    .ok_or("no incident")?;
                assert_eq!(
                    (
                        incident.operator,
                        incident.loss,
                        incident.covered,
                        incident.uncovered,
                        incident.shares_burned
                    ),
                    (
                        Some(m.ops[0].id),
                        figures.loss,
                        figures.covered,
                        figures.loss - figures.covered,
                        figures.cover_shares
                    )
                );
                let slashed_op = read(&mut client, &manager, &registry.operator(m.ops[0].id))
                    .await?
                    .ok_or("no operator")?;
                assert_eq!(
                    (slashed_op.totals.slashing_incidents, slashed_op.totals.slashed),
                    (1, figures.loss)
                );
            }
            18 => {
                advance_ms(HOUR_MS);
                execute(&mut client, &mut m, &removal_ids).await?;
                // removed: no more deposits or shares in, but its exit stays open
                refused!(
                    &mut client,
                    m,
                    &c,
                    &token.deposit(),
                    10 * ETH,
                    AccountingError::NotWhitelisted
                );
                let everything = m.model.balance(&account_of(&c));
                let (id, _) = accepted!(&mut client, m, &c, &token.request_withdrawal(everything), 0);
                let expected = m.model.request(account_of(&c), everything, now_ms());
                assert_eq!(id, expected as u64);
                c_ticket = Some(expected);
                check(&mut client, &mut m, "day 18: the removed institution requests").await?;
            }
            19 => {
                assert_eq!(
                    figures.finalized, 1,
                    "day 19: c's ticket finalized from the withdrawals"
                );
                // the withdrawals left after the ticket top the reserve the exits depleted up
                assert!(figures.refilled > 0, "day 19: no refill");
                let refill = events_of::<ReserveRefilled>(&suite.accounting)
                    .pop()
                    .ok_or("no refill")?;
                assert_eq!(
                    (refill.amount, refill.reserve),
                    (figures.refilled, m.model.reserve)
                );
            }
            20 => {
                let id = c_ticket.ok_or("no ticket")?;
                claim(
                    &mut client,
                    &mut m,
                    &c,
                    id,
                    "day 20: the removed institution's claim",
                )
                .await?;
                assert_eq!(m.model.balance(&account_of(&c)), 0);
                check(&mut client, &mut m, "day 20: c paid").await?;
            }
            22 => {
                advance_ms(HOUR_MS);
                let (id, _) = accepted!(&mut client, m, &b, &token.request_withdrawal(20 * ETH), 0);
                assert_eq!(id, m.model.request(account_of(&b), 20 * ETH, now_ms()) as u64);
                b_second_ticket = Some(id as usize);
                // shares to a removed institution are refused; between institutions they move
                let digests = sandbox::storage_digests();
                let to_c = submit(
                    &mut client,
                    &a,
                    &ledger.transfer(account_of(&c), ETH, Vec::new()),
                    0,
                )
                .await?;
                assert_eq!(
                    to_c.value,
                    Err(PSP22Error::Custom(refusal::RECEIVER_NOT_WHITELISTED.into()))
                );
                assert_eq!(sandbox::storage_digests(), digests);
                accepted!(
                    &mut client,
                    m,
                    &a,
                    &ledger.transfer(account_of(&b), 10 * ETH, Vec::new()),
                    0
                );
                m.model.transfer(account_of(&a), account_of(&b), 10 * ETH);
                check(&mut client, &mut m, "day 22: request and transfer").await?;
            }
            24 => {
                let id = b_second_ticket.ok_or("no ticket")?;
                claim(&mut client, &mut m, &b, id, "day 24: claim").await?;
                check(&mut client, &mut m, "day 24: claim").await?;
            }
            _ => {}
        }
    }

    // ---- the month's end: what the auditors read ------------------------------------------------
    let oracle = ink_e2e::create_call_builder::<OracleConsensus>(suite.oracle);
    assert_eq!(
        read(&mut client, &manager, &oracle.disagreements_of(account_of(&m2))).await?,
        m.dissents
    );
    for honest in [&m0, &m1] {
        assert_eq!(
            read(
                &mut client,
                &manager,
                &oracle.disagreements_of(account_of(honest))
            )
            .await?,
            0
        );
    }
    let totals = read_ok(&mut client, &manager, &protection.totals()).await?;
    let incident = read(&mut client, &manager, &protection.incident(0))
        .await?
        .ok_or("no incident")?;
    assert_eq!((totals.losses, totals.covered), (incident.loss, incident.covered));
    assert_eq!(totals.shares_donated, 4 * ETH);
    // the rate rose over the month: holding earned what the reports applied, less the fees
    assert!(m.model.rate() > ETH);
    check(&mut client, &mut m, "day 30").await?;
    println!(
        "lifecycle: 30 days, {} reports ({} with a dissenting vote), {} calls, {} checks of every figure; final rate {}, flash-exit fees {:?} bps",
        m.reports,
        m.dissents,
        m.calls,
        m.checks,
        m.model.rate(),
        flash_fees
    );
    Ok(())
}
