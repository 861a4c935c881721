//! Stake that follows performance, under attack, on the embedded chain. Each test performs the
//! attack with numbers and checks the chain against the test's own restatement of the rules
//! (`icseth_e2e::model::plan_allocation`, `plan_exits`, `exits_needed`; README, "Allocation and
//! exits"):
//! - an operator that claims more than the oracle attests, or scores perfectly to draw stake,
//!   is held by the disputed-frame rule and the per-operator cap;
//! - an operator that ignores an exit request is flagged, paused and replaced in the demand;
//! - triggering the allocation or the exit request again moves nothing when nothing is free or
//!   needed, and the caller gains nothing;
//! - a kind without operators, or too few operators for the cap, blocks nobody;
//! - a holder who churns (withdraws, then deposits again) pays for it;
//! - a withdrawal the buffer cannot pay asks for exits, the validators' withdrawals arrive
//!   through the vault, and the ticket is finalized within the README's stated number of reports.
use icseth_abi::{accounting::AccountingGovernance, oracle::OracleGovernance, registry::RegistryError};
use icseth_accounting::icseth_accounting::{Error as AccountingError, IcsethAccounting, TicketStatus};
use icseth_core::{
    governance::{OracleDecision, TokenDecision},
    operators::{Figures, VALIDATOR_DEPOSIT},
    oracle::Report,
    SuiteAddresses,
};
use icseth_e2e::model::{exits_needed, plan_allocation, plan_exits, young_at, OperatorModel};
use icseth_e2e::operators::{approve_operator, register_operator, GOOD_FRAME};
use icseth_e2e::{
    account_of, advance_ms, deploy_and_wire, events_of, now_ms,
    oracle::{applied, epoch_at, frame_start, next_frame},
    read, read_ok, sandbox, submit, ClockSandbox, EmbeddedClient, GovernorChoice, SuiteConfig, ETH,
};
use icseth_token::{icseth_token::IcsethToken, psp22::PSP22};
use ink_e2e::{ChainBackend, Keypair};
use operator_registry::operator_registry::{
    ExitsRequested, OperatorKind, OperatorRegistry, OperatorStatus, FRAME_MS,
};
use oracle_consensus::oracle_consensus::OracleConsensus;

type E2EResult<T> = Result<T, Box<dyn std::error::Error>>;

const V: u128 = VALIDATOR_DEPOSIT;
const DAY_MS: u64 = 24 * 60 * 60 * 1000;
/// The README's stated wait, in daily reports, for a ticket the buffer cannot pay: validators
/// funded in the last 3 days are not asked, the operators' exit deadline (4 days), the beacon
/// chain's exit queue and withdrawal sweep under normal conditions (1 and 10 days), and the report
/// after the withdrawals arrive.
const STATED_WAIT_REPORTS: u32 = 3 + 4 + 1 + 10 + 1;

/// One operator of a field: its admin, kind and limit (its keys are its limit).
struct Entrant {
    admin: Keypair,
    kind: OperatorKind,
    limit: u32,
}

/// The wired suite governed by alice (also the only oracle member, the vault and the treasury),
/// the operators approved, charlie and dave whitelisted.
struct Field {
    suite: SuiteAddresses,
    ids: Vec<u32>,
    kinds: Vec<usize>,
    limits: Vec<u32>,
    last: Report,
}

async fn field(client: &mut EmbeddedClient, entrants: Vec<Entrant>) -> E2EResult<Field> {
    let alice = ink_e2e::alice();
    let mut config = SuiteConfig::single_member(account_of(&alice), ETH);
    config.governor = GovernorChoice::Account(account_of(&alice));
    let suite = deploy_and_wire(client, &alice, &config).await?;
    sandbox::watch_storage(&suite.all());
    let mut token = ink_e2e::create_call_builder::<IcsethAccounting>(suite.accounting);
    let mut oracle = ink_e2e::create_call_builder::<OracleConsensus>(suite.oracle);
    let mut f = Field {
        suite,
        ids: Vec::new(),
        kinds: Vec::new(),
        limits: Vec::new(),
        last: Report::default(),
    };
    for e in entrants {
        let id = register_operator(client, suite.operator_registry, &e.admin, "op", e.kind, e.limit).await?;
        approve_operator(client, suite.operator_registry, &alice, id, e.limit).await?;
        f.ids.push(id);
        f.kinds.push(e.kind.index());
        f.limits.push(e.limit);
    }
    for who in [ink_e2e::charlie(), ink_e2e::dave()] {
        let add = TokenDecision::AddInstitution {
            institution: account_of(&who),
            min_deposit: None,
            kyc_valid_until: icseth_deploy::governance::kyc_until(now_ms()),
        };
        submit(client, &alice, &token.govern(add), 0).await?.accepted()?;
    }
    let members = OracleDecision::SetMembers {
        members: vec![account_of(&alice)],
    };
    submit(client, &alice, &oracle.govern(members), 0)
        .await?
        .accepted()?;
    Ok(f)
}

/// The registry's view of the field, as the rules see it.
async fn rules(client: &mut EmbeddedClient, f: &Field) -> E2EResult<Vec<OperatorModel>> {
    let registry = ink_e2e::create_call_builder::<OperatorRegistry>(f.suite.operator_registry);
    let mut out = Vec::new();
    for (i, id) in f.ids.iter().enumerate() {
        let r = read(client, &ink_e2e::alice(), &registry.operator(*id))
            .await?
            .ok_or("no operator")?;
        out.push(OperatorModel {
            id: *id,
            kind: f.kinds[i],
            status: r.status,
            score: r.score,
            disputed: r.last_frame_unmatched,
            keys: r.counts.keys,
            limit: r.counts.limit,
            funded: r.counts.funded,
            exited: r.counts.exited,
            asked: r.outstanding_exits(),
            young: young_at(
                &r.recently_funded
                    .days
                    .iter()
                    .map(|(day, n)| (u64::from(*day), *n))
                    .collect::<Vec<_>>(),
                now_ms(),
            ),
        });
    }
    Ok(out)
}

/// Validators per operator, as the registry counts them funded.
async fn funded(client: &mut EmbeddedClient, f: &Field) -> E2EResult<Vec<u32>> {
    Ok(rules(client, f).await?.iter().map(|o| o.funded).collect())
}

/// Anyone (an account with no role) triggers the allocation until it is refused: each accepted
/// call funds exactly what the model plans from the registry's records and the books; the last
/// call is refused and changes no contract's storage. Answers the validators each operator got.
async fn allocate_all(client: &mut EmbeddedClient, f: &Field, caller: &Keypair) -> E2EResult<Vec<u32>> {
    let mut token = ink_e2e::create_call_builder::<IcsethAccounting>(f.suite.accounting);
    let before = funded(client, f).await?;
    loop {
        let books = read_ok(client, caller, &token.accounting()).await?;
        let free = ((books.buffered.saturating_sub(books.queued)) / V).min(16) as u32;
        let plan = plan_allocation(&rules(client, f).await?, free);
        let was = funded(client, f).await?;
        let digests = sandbox::storage_digests();
        let outcome = submit(client, caller, &token.allocate(), 0).await?;
        match outcome.value {
            Ok(n) => {
                assert_eq!(n, plan.iter().sum::<u32>(), "validators allocated");
                let now = funded(client, f).await?;
                let given: Vec<u32> = now.iter().zip(&was).map(|(a, b)| a - b).collect();
                assert_eq!(given, plan, "each operator's validators, as the rule plans them");
            }
            Err(e) => {
                assert_eq!(e, AccountingError::Registry(RegistryError::NothingToAllocate));
                assert_eq!(plan.iter().sum::<u32>(), 0, "the rule planned {plan:?}");
                assert_eq!(
                    sandbox::storage_digests(),
                    digests,
                    "a refused allocation changed storage"
                );
                let now = funded(client, f).await?;
                return Ok(now.iter().zip(&before).map(|(a, b)| a - b).collect());
            }
        }
    }
}

/// The next report (alice is the oracle's only member): the frame `now` falls in, with the
/// consensus balance, the withdrawals and the validators withdrawn in full given.
async fn report(
    client: &mut EmbeddedClient,
    f: &mut Field,
    cl_balance: u128,
    withdrawn_total: u128,
    exited_validators: u32,
) -> E2EResult<()> {
    let mut oracle = ink_e2e::create_call_builder::<OracleConsensus>(f.suite.oracle);
    let token = ink_e2e::create_call_builder::<IcsethAccounting>(f.suite.accounting);
    let validators = read_ok(client, &ink_e2e::alice(), &token.oracle_state_read())
        .await?
        .funded_validators;
    let report = Report {
        epoch: epoch_at(frame_start(now_ms())),
        ref_time_ms: frame_start(now_ms()),
        cl_balance,
        validators,
        withdrawn_total,
        exited_validators,
        ..f.last
    };
    assert!(
        applied(
            submit(client, &ink_e2e::alice(), &oracle.submit_report(report), 0)
                .await?
                .accepted()?
        ),
        "the report applies"
    );
    f.last = report;
    Ok(())
}

/// The operator's admin claims `claimed` for the last finished frame and the oracle attests
/// `attested`.
async fn frame(
    client: &mut EmbeddedClient,
    f: &Field,
    i: usize,
    admin: &Keypair,
    claimed: Figures,
    attested: Figures,
) -> E2EResult<()> {
    let mut registry = ink_e2e::create_call_builder::<OperatorRegistry>(f.suite.operator_registry);
    let mut oracle = ink_e2e::create_call_builder::<OracleConsensus>(f.suite.oracle);
    let frame = read(client, admin, &registry.current_frame()).await? - 1;
    submit(
        client,
        admin,
        &registry.report_performance(f.ids[i], frame, claimed),
        0,
    )
    .await?
    .accepted()?;
    submit(
        client,
        &ink_e2e::alice(),
        &oracle.attest(f.ids[i], frame, attested),
        0,
    )
    .await?
    .accepted()?;
    Ok(())
}

fn entrant(admin: Keypair, kind: OperatorKind, limit: u32) -> Entrant {
    Entrant { admin, kind, limit }
}

/// Operator A claims more than the oracle attests; operator B scores perfectly every frame to
/// draw the stake. Twenty validators go out: A gets none (its last frame is disputed), B at most
/// ceil(25%) of the staying validators, the others take the rest by kind target and score.
#[ink_e2e::test(backend(runtime_only(sandbox = ClockSandbox)))]
async fn gaming_the_score_is_bounded_by_disputes_and_the_cap<Client: E2EBackend>(
    mut client: Client,
) -> E2EResult<()> {
    let (a, b, c, d, e) = (
        ink_e2e::bob(),
        ink_e2e::ferdie(),
        ink_e2e::one(),
        ink_e2e::two(),
        ink_e2e::eve(),
    );
    let f = field(
        &mut client,
        vec![
            entrant(a.clone(), OperatorKind::SsvCluster, 32),
            entrant(b.clone(), OperatorKind::SsvCluster, 32),
            entrant(c.clone(), OperatorKind::ObolCluster, 32),
            entrant(d.clone(), OperatorKind::ObolCluster, 32),
            entrant(e.clone(), OperatorKind::KycRingFenced, 32),
        ],
    )
    .await?;
    advance_ms(FRAME_MS);
    let perfect = Figures {
        effectiveness_bps: 10_000,
        ..GOOD_FRAME
    };
    let decent = Figures {
        effectiveness_bps: 9_300,
        ..GOOD_FRAME
    };
    // A claims a perfect frame the oracle attests as decent: disputed
    frame(&mut client, &f, 0, &a, perfect, decent).await?;
    frame(&mut client, &f, 1, &b, perfect, perfect).await?;
    for (i, admin) in [(2, &c), (3, &d), (4, &e)] {
        frame(&mut client, &f, i, admin, decent, decent).await?;
    }
    // 700 ETH: 665 buffered, 20 validators
    let mut token = ink_e2e::create_call_builder::<IcsethAccounting>(f.suite.accounting);
    submit(&mut client, &ink_e2e::charlie(), &token.deposit(), 700 * ETH)
        .await?
        .accepted()?;
    let outsider = ink_e2e::alice();
    let given = allocate_all(&mut client, &f, &outsider).await?;
    assert_eq!(given.iter().sum::<u32>(), 20);
    assert_eq!(given[0], 0, "a disputed claim draws no stake");
    assert!(
        given[1] <= 5,
        "the perfect scorer holds at most ceil(25%) of 20: {given:?}"
    );
    // SSV short of its 40% is the cap's price: Obol and KYC take the rest
    assert_eq!(given, vec![0, 5, 5, 5, 5]);
    // a clean frame lifts A's exclusion; two more validators (91.5 ETH buffered) go to SSV,
    // furthest below its target: the first to B (6 of 21 is within ceil(25%)), the second to A,
    // as B would hold 7 of 22
    advance_ms(FRAME_MS);
    frame(&mut client, &f, 0, &a, decent, decent).await?;
    submit(&mut client, &ink_e2e::dave(), &token.deposit(), 70 * ETH)
        .await?
        .accepted()?;
    let given = allocate_all(&mut client, &f, &outsider).await?;
    assert_eq!(given, vec![1, 1, 0, 0, 0]);
    Ok(())
}

/// A withdrawal the buffer cannot pay: anyone asks for the exits (the rule in reverse); asking
/// again asks nothing; operator B exits its validators, whose balances arrive through the vault,
/// and A ignores the request. After the deadline anyone flags A: its record shows the missed
/// exits, it is paused (its remaining validators asked), and the demand asks others in its place.
#[ink_e2e::test(backend(runtime_only(sandbox = ClockSandbox)))]
async fn an_ignored_exit_request_is_flagged_paused_and_asked_of_others<Client: E2EBackend>(
    mut client: Client,
) -> E2EResult<()> {
    let (a, b, c) = (ink_e2e::bob(), ink_e2e::eve(), ink_e2e::ferdie());
    let mut f = field(
        &mut client,
        vec![
            entrant(a.clone(), OperatorKind::SsvCluster, 6),
            entrant(b.clone(), OperatorKind::KycRingFenced, 6),
            entrant(c.clone(), OperatorKind::ObolCluster, 6),
        ],
    )
    .await?;
    let mut token = ink_e2e::create_call_builder::<IcsethAccounting>(f.suite.accounting);
    let mut registry = ink_e2e::create_call_builder::<OperatorRegistry>(f.suite.operator_registry);
    let ledger = ink_e2e::create_call_builder::<IcsethToken>(f.suite.token);
    let charlie = ink_e2e::charlie();
    submit(&mut client, &charlie, &token.deposit(), 600 * ETH)
        .await?
        .accepted()?;
    let outsider = ink_e2e::dave();
    // 570 ETH buffered: 17 validators, by targets (SSV 40%, Obol 40%, KYC 20%) within the limits
    let given = allocate_all(&mut client, &f, &outsider).await?;
    assert_eq!(given.iter().sum::<u32>(), 17);
    next_frame();
    let staked = u128::from(given.iter().sum::<u32>()) * V;
    report(&mut client, &mut f, staked, 0, 0).await?;

    // three days on (validators funded since are never asked), charlie asks for 300 ETH back:
    // 26 ETH buffered, 274 ETH short: 9 validators
    advance_ms(3 * DAY_MS);
    let shares = read(&mut client, &charlie, &ledger.balance_of(account_of(&charlie))).await? / 2;
    let ticket = submit(&mut client, &charlie, &token.request_withdrawal(shares), 0)
        .await?
        .accepted()?;
    let books = read_ok(&mut client, &charlie, &token.accounting()).await?;
    let needed = exits_needed(books.queued, books.buffered, books.inflow, 0, 0);
    assert_eq!(needed, 9);
    let plan = plan_exits(&rules(&mut client, &f).await?, needed);
    let asked = submit(&mut client, &outsider, &token.request_exits(), 0)
        .await?
        .accepted()?;
    assert_eq!(asked, 9);
    let state = rules(&mut client, &f).await?;
    assert_eq!(
        state.iter().map(|o| o.asked).collect::<Vec<_>>(),
        plan,
        "asked per operator"
    );
    let events = events_of::<ExitsRequested>(&f.suite.operator_registry);
    assert_eq!(events.iter().map(|e| e.validators).sum::<u32>(), 9);
    // asking again asks nothing and changes nothing
    let digests = sandbox::storage_digests();
    let again = submit(&mut client, &outsider, &token.request_exits(), 0).await?;
    assert_eq!(
        again.value,
        Err(AccountingError::Registry(RegistryError::NoExitsNeeded))
    );
    assert_eq!(sandbox::storage_digests(), digests);

    // B and C exit what they were asked within the deadline; A exits nothing
    let (a_asked, bc_asked) = (plan[0], plan[1] + plan[2]);
    assert!(a_asked > 0 && bc_asked > 0, "{plan:?}");
    advance_ms(FRAME_MS);
    let alice = ink_e2e::alice();
    let withdrawn = u128::from(bc_asked) * V;
    submit(&mut client, &alice, &token.receive_inflow(), withdrawn)
        .await?
        .accepted()?;
    for (i, admin) in [(1usize, &b), (2, &c)] {
        let exited = Figures {
            exited: plan[i],
            ..GOOD_FRAME
        };
        frame(&mut client, &f, i, admin, exited, exited).await?;
    }
    frame(&mut client, &f, 0, &a, GOOD_FRAME, GOOD_FRAME).await?;
    report(&mut client, &mut f, staked - withdrawn, withdrawn, bc_asked).await?;
    // the exits freed B's and C's limits; the ticket still waits for A's validators
    let ticket_now = read(&mut client, &charlie, &token.ticket(ticket))
        .await?
        .ok_or("no ticket")?;
    assert_eq!(ticket_now.status, TicketStatus::Pending);

    // before the deadline nobody can flag A
    let refused = submit(&mut client, &outsider, &registry.flag_missed_exits(f.ids[0]), 0).await?;
    assert_eq!(refused.value, Err(RegistryError::NoMissedExits));
    advance_ms(4 * DAY_MS);
    // past the deadline, but no frame after it is attested yet: an exit may be unseen
    let early = submit(&mut client, &outsider, &registry.flag_missed_exits(f.ids[0]), 0).await?;
    assert_eq!(early.value, Err(RegistryError::ExitsNotAttestedPastDeadline));
    frame(&mut client, &f, 0, &a, GOOD_FRAME, GOOD_FRAME).await?;
    submit(&mut client, &outsider, &registry.flag_missed_exits(f.ids[0]), 0)
        .await?
        .accepted()?;
    let record = read(&mut client, &outsider, &registry.operator(f.ids[0]))
        .await?
        .ok_or("no operator")?;
    assert_eq!(
        record.status,
        OperatorStatus::Paused,
        "an ignored exit request pauses"
    );
    assert_eq!(record.exits_missed, a_asked, "the missed exits are on its record");
    assert_eq!(record.staying(), 0, "the rest of its validators are asked too");
    // B and C flagged nothing
    for i in [1usize, 2] {
        let refused = submit(&mut client, &outsider, &registry.flag_missed_exits(f.ids[i]), 0).await?;
        assert_eq!(refused.value, Err(RegistryError::NoMissedExits));
    }
    // a good frame does not lift the pause while A owes overdue exits
    advance_ms(FRAME_MS);
    frame(&mut client, &f, 0, &a, GOOD_FRAME, GOOD_FRAME).await?;
    let record = read(&mut client, &outsider, &registry.operator(f.ids[0]))
        .await?
        .ok_or("no operator")?;
    assert_eq!(record.status, OperatorStatus::Paused);
    // A's overdue exits no longer count as coming: the demand asks B and C for them
    let totals = read_ok(&mut client, &outsider, &registry.totals()).await?;
    let books = read_ok(&mut client, &charlie, &token.accounting()).await?;
    let in_transit = totals.validators_exited - u64::from(f.last.exited_validators);
    let needed = exits_needed(
        books.queued,
        books.buffered,
        books.inflow,
        in_transit,
        totals.exits_outstanding,
    );
    assert!(needed > 0, "A's overdue exits are asked of others");
    let plan = plan_exits(&rules(&mut client, &f).await?, needed);
    assert_eq!(plan[0], 0, "nothing more of A: everything it has is asked");
    let asked = submit(&mut client, &outsider, &token.request_exits(), 0)
        .await?
        .accepted()?;
    assert_eq!(asked, plan.iter().sum::<u32>());
    Ok(())
}

/// Anyone may trigger the allocation and the exit request. When nothing is free or needed, both
/// are refused and no contract's storage changes; the caller only pays its fees.
#[ink_e2e::test(backend(runtime_only(sandbox = ClockSandbox)))]
async fn triggering_again_moves_nothing_and_gains_nothing<Client: E2EBackend>(
    mut client: Client,
) -> E2EResult<()> {
    let f = field(
        &mut client,
        vec![entrant(ink_e2e::bob(), OperatorKind::SsvCluster, 8)],
    )
    .await?;
    let mut token = ink_e2e::create_call_builder::<IcsethAccounting>(f.suite.accounting);
    let caller = ink_e2e::ferdie();
    // nothing deposited: nothing to allocate, nothing owed
    for _ in 0..3 {
        let digests = sandbox::storage_digests();
        let before = client
            .free_balance(account_of(&caller))
            .await
            .map_err(|e| format!("{e:?}"))?;
        let refused = submit(&mut client, &caller, &token.allocate(), 0).await?;
        assert_eq!(
            refused.value,
            Err(AccountingError::Registry(RegistryError::NothingToAllocate))
        );
        let refused = submit(&mut client, &caller, &token.request_exits(), 0).await?;
        assert_eq!(
            refused.value,
            Err(AccountingError::Registry(RegistryError::NoExitsNeeded))
        );
        assert_eq!(sandbox::storage_digests(), digests);
        let after = client
            .free_balance(account_of(&caller))
            .await
            .map_err(|e| format!("{e:?}"))?;
        assert!(after <= before, "the caller gains nothing");
    }
    // 100 ETH: 95 buffered, two validators; a third call in a row moves nothing
    submit(&mut client, &ink_e2e::charlie(), &token.deposit(), 100 * ETH)
        .await?
        .accepted()?;
    assert_eq!(allocate_all(&mut client, &f, &caller).await?, vec![2]);
    assert_eq!(allocate_all(&mut client, &f, &caller).await?, vec![0]);
    Ok(())
}

/// Only KYC ring-fenced operators, three of them (too few for the 25% cap: it widens to a third):
/// SSV's and Obol's targets find nobody and block nothing; the best score leads within the cap.
#[ink_e2e::test(backend(runtime_only(sandbox = ClockSandbox)))]
async fn an_empty_kind_or_a_short_field_blocks_nobody<Client: E2EBackend>(
    mut client: Client,
) -> E2EResult<()> {
    let (a, b, c) = (ink_e2e::bob(), ink_e2e::eve(), ink_e2e::ferdie());
    let f = field(
        &mut client,
        vec![
            entrant(a.clone(), OperatorKind::KycRingFenced, 6),
            entrant(b.clone(), OperatorKind::KycRingFenced, 6),
            entrant(c.clone(), OperatorKind::KycRingFenced, 6),
        ],
    )
    .await?;
    advance_ms(FRAME_MS);
    let better = Figures {
        effectiveness_bps: 9_900,
        ..GOOD_FRAME
    };
    let good = Figures {
        effectiveness_bps: 9_500,
        ..GOOD_FRAME
    };
    frame(&mut client, &f, 0, &a, good, good).await?;
    frame(&mut client, &f, 1, &b, better, better).await?;
    frame(&mut client, &f, 2, &c, good, good).await?;
    let mut token = ink_e2e::create_call_builder::<IcsethAccounting>(f.suite.accounting);
    // 350 ETH: 332.5 buffered, 10 validators
    submit(&mut client, &ink_e2e::charlie(), &token.deposit(), 350 * ETH)
        .await?
        .accepted()?;
    let given = allocate_all(&mut client, &f, &ink_e2e::dave()).await?;
    // b first, up to the cap: with three able to take stake it is an even third (4 of 10); then
    // a and c by fewest staying, then the lower id
    assert_eq!(given, vec![3, 4, 3]);
    Ok(())
}

/// Churning: dave withdraws everything, which asks validators to exit, and deposits the payout
/// again once it is paid. While his ticket waited the rate rose; the ticket paid its request
/// value, so the rise went to charlie, who held: dave ends with fewer shares' worth than holding
/// would have given him, and charlie with exactly his share of every gain.
#[ink_e2e::test(backend(runtime_only(sandbox = ClockSandbox)))]
async fn churning_validators_costs_the_churner<Client: E2EBackend>(mut client: Client) -> E2EResult<()> {
    let mut f = field(
        &mut client,
        vec![entrant(ink_e2e::bob(), OperatorKind::SsvCluster, 16)],
    )
    .await?;
    let mut token = ink_e2e::create_call_builder::<IcsethAccounting>(f.suite.accounting);
    let ledger = ink_e2e::create_call_builder::<IcsethToken>(f.suite.token);
    let (charlie, dave, alice) = (ink_e2e::charlie(), ink_e2e::dave(), ink_e2e::alice());
    submit(&mut client, &charlie, &token.deposit(), 200 * ETH)
        .await?
        .accepted()?;
    submit(&mut client, &dave, &token.deposit(), 200 * ETH)
        .await?
        .accepted()?;
    let given = allocate_all(&mut client, &f, &alice).await?;
    assert_eq!(given, vec![11]);
    next_frame();
    report(&mut client, &mut f, 11 * V, 0, 0).await?;
    // validators funded in the last three days are never asked to exit
    advance_ms(3 * DAY_MS);
    let dave_shares = read(&mut client, &dave, &ledger.balance_of(account_of(&dave))).await?;
    let charlie_shares = read(&mut client, &charlie, &ledger.balance_of(account_of(&charlie))).await?;
    let rate_before = read_ok(&mut client, &alice, &token.accounting()).await?;
    advance_ms(60 * 60 * 1000);
    let ticket = submit(&mut client, &dave, &token.request_withdrawal(dave_shares), 0)
        .await?
        .accepted()?;
    assert!(
        submit(&mut client, &alice, &token.request_exits(), 0)
            .await?
            .accepted()?
            > 0
    );
    // the exits and a day's rewards arrive; the next report finalizes the ticket
    let asked = read_ok(
        &mut client,
        &alice,
        &ink_e2e::create_call_builder::<OperatorRegistry>(f.suite.operator_registry).totals(),
    )
    .await?
    .exits_outstanding as u128;
    advance_ms(FRAME_MS);
    let rewards = 11 * V / 10_000; // a day's consensus rewards, about 3.6% a year
    submit(&mut client, &alice, &token.receive_inflow(), asked * V)
        .await?
        .accepted()?;
    report(
        &mut client,
        &mut f,
        11 * V - asked * V + rewards,
        asked * V,
        asked as u32,
    )
    .await?;
    let paid = read(&mut client, &dave, &token.ticket(ticket))
        .await?
        .ok_or("no ticket")?;
    assert!(matches!(paid.status, TicketStatus::Finalized { .. }));
    let payout = submit(&mut client, &dave, &token.claim(ticket), 0)
        .await?
        .accepted()?;
    // holding would have given dave his shares at the new rate
    let books = read_ok(&mut client, &alice, &token.accounting()).await?;
    let held_worth = |shares: u128| {
        primitive_types::U256::from(shares) * primitive_types::U256::from(books.total_pooled)
            / primitive_types::U256::from(books.total_shares)
    };
    assert!(
        primitive_types::U256::from(payout) < held_worth(dave_shares),
        "the churner's payout {payout} is below what holding would be worth"
    );
    assert!(
        held_worth(charlie_shares)
            > primitive_types::U256::from(charlie_shares)
                * primitive_types::U256::from(rate_before.total_pooled)
                / primitive_types::U256::from(rate_before.total_shares),
        "the holder's shares gained"
    );
    // dave deposits the payout again: the allocation stakes it again, and he holds fewer shares
    // than before the churn
    submit(&mut client, &dave, &token.deposit(), payout)
        .await?
        .accepted()?;
    let again = read(&mut client, &dave, &ledger.balance_of(account_of(&dave))).await?;
    assert!(
        again < dave_shares,
        "{again} shares after the churn, {dave_shares} before"
    );
    Ok(())
}

/// The stated wait: institution dave asks for 400 ETH back, which the 22 ETH buffer cannot pay.
/// The validators were funded the same day: three days later anyone asks for 12 validators' exits; the operators exit them within the deadline, their
/// balances arrive through the vault, the oracle attests the exits, and the ticket is finalized
/// by the report after, well within the README's bound (`STATED_WAIT_REPORTS`).
#[ink_e2e::test(backend(runtime_only(sandbox = ClockSandbox)))]
async fn a_withdrawal_the_buffer_cannot_pay_is_finalized_within_the_stated_wait<Client: E2EBackend>(
    mut client: Client,
) -> E2EResult<()> {
    let (a, b, c) = (ink_e2e::bob(), ink_e2e::eve(), ink_e2e::ferdie());
    let mut f = field(
        &mut client,
        vec![
            entrant(a.clone(), OperatorKind::SsvCluster, 16),
            entrant(b.clone(), OperatorKind::ObolCluster, 16),
            entrant(c.clone(), OperatorKind::KycRingFenced, 16),
        ],
    )
    .await?;
    let mut token = ink_e2e::create_call_builder::<IcsethAccounting>(f.suite.accounting);
    let ledger = ink_e2e::create_call_builder::<IcsethToken>(f.suite.token);
    let (charlie, dave, alice) = (ink_e2e::charlie(), ink_e2e::dave(), ink_e2e::alice());
    submit(&mut client, &charlie, &token.deposit(), 600 * ETH)
        .await?
        .accepted()?;
    submit(&mut client, &dave, &token.deposit(), 400 * ETH)
        .await?
        .accepted()?;
    // 950 ETH buffered: 29 validators in two pages
    let given = allocate_all(&mut client, &f, &alice).await?;
    assert_eq!(given.iter().sum::<u32>(), 29);
    next_frame();
    let staked = 29 * V;
    report(&mut client, &mut f, staked, 0, 0).await?;

    advance_ms(60 * 60 * 1000);
    let shares = read(&mut client, &dave, &ledger.balance_of(account_of(&dave))).await?;
    let ticket = submit(&mut client, &dave, &token.request_withdrawal(shares), 0)
        .await?
        .accepted()?;
    let mut reports = 0u32;
    // the next reports cannot pay it (the buffer holds 22 ETH), and the validators are young:
    // nothing can be asked for three days
    let refused = submit(&mut client, &charlie, &token.request_exits(), 0).await?;
    assert_eq!(
        refused.value,
        Err(AccountingError::Registry(RegistryError::NoExitsNeeded))
    );
    for _ in 0..3 {
        advance_ms(FRAME_MS);
        report(&mut client, &mut f, staked, 0, 0).await?;
        reports += 1;
    }
    let waiting = read(&mut client, &dave, &token.ticket(ticket))
        .await?
        .ok_or("no ticket")?;
    assert_eq!(waiting.status, TicketStatus::Pending);
    let books = read_ok(&mut client, &dave, &token.accounting()).await?;
    assert_eq!(exits_needed(books.queued, books.buffered, books.inflow, 0, 0), 12);
    let plan = plan_exits(&rules(&mut client, &f).await?, 12);
    assert_eq!(
        submit(&mut client, &charlie, &token.request_exits(), 0)
            .await?
            .accepted()?,
        12
    );
    // two days later (within the 4-day deadline) the validators have exited: the vault hands
    // over their balances, the admins and the oracle state the exits in the frame figures
    advance_ms(2 * FRAME_MS);
    let withdrawn = 12 * V;
    submit(&mut client, &alice, &token.receive_inflow(), withdrawn)
        .await?
        .accepted()?;
    for (i, admin) in [(0usize, &a), (1, &b), (2, &c)] {
        let figures = Figures {
            exited: plan[i],
            ..GOOD_FRAME
        };
        frame(&mut client, &f, i, admin, figures, figures).await?;
    }
    let state = rules(&mut client, &f).await?;
    assert_eq!(state.iter().map(|o| o.exited).collect::<Vec<_>>(), plan);
    assert!(
        state.iter().all(|o| o.asked == 0),
        "every exit asked was recorded"
    );
    report(&mut client, &mut f, staked - withdrawn, withdrawn, 12).await?;
    reports += 1;
    let paid = read(&mut client, &dave, &token.ticket(ticket))
        .await?
        .ok_or("no ticket")?;
    let TicketStatus::Finalized { payout: owed } = paid.status else {
        return Err("the ticket is not finalized".into());
    };
    // no gain while it waited: it pays its shares at the unchanged rate, at most its request
    // value
    assert!(owed <= waiting.assets);
    assert!(reports <= STATED_WAIT_REPORTS, "{reports} reports");
    let before = client
        .free_balance(account_of(&dave))
        .await
        .map_err(|e| format!("{e:?}"))?;
    let payout = submit(&mut client, &dave, &token.claim(ticket), 0)
        .await?
        .accepted()?;
    assert_eq!(payout, owed);
    let after = client
        .free_balance(account_of(&dave))
        .await
        .map_err(|e| format!("{e:?}"))?;
    assert!(after > before);
    Ok(())
}

/// Nothing leaves for validators while the guardian has paused the ledger: the allocation is
/// refused and changes nothing, and goes on after the unpause.
#[ink_e2e::test(backend(runtime_only(sandbox = ClockSandbox)))]
async fn no_stake_leaves_while_paused<Client: E2EBackend>(mut client: Client) -> E2EResult<()> {
    let f = field(
        &mut client,
        vec![entrant(ink_e2e::bob(), OperatorKind::SsvCluster, 8)],
    )
    .await?;
    let mut token = ink_e2e::create_call_builder::<IcsethAccounting>(f.suite.accounting);
    let alice = ink_e2e::alice();
    submit(&mut client, &ink_e2e::charlie(), &token.deposit(), 100 * ETH)
        .await?
        .accepted()?;
    // alice is the guardian and the governor here
    submit(&mut client, &alice, &token.pause(), 0).await?.accepted()?;
    let digests = sandbox::storage_digests();
    let refused = submit(&mut client, &ink_e2e::ferdie(), &token.allocate(), 0).await?;
    assert_eq!(refused.value, Err(AccountingError::Paused));
    assert_eq!(sandbox::storage_digests(), digests);
    submit(&mut client, &alice, &token.unpause(), 0)
        .await?
        .accepted()?;
    assert_eq!(allocate_all(&mut client, &f, &ink_e2e::ferdie()).await?, vec![2]);
    Ok(())
}
