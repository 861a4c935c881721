//! The withdrawal queue under attack, on the embedded chain. Each test performs an attack with
//! numbers and checks what the honest side is owed against the test's own model of the queue's
//! rules (README, "Withdrawal queue"), computed here with the test's own 256-bit arithmetic:
//! - a request moves the shares into the queue: they stay in the supply and share the rate;
//! - only an applied report finalizes, and only tickets requested before its reference time;
//! - a ticket pays min(request value, its shares at the finalizing report's rate);
//! - a payout is `floor(shares * min((pooled + 1e6) / (supply + 1e6), pooled / supply))`;
//! - staking never spends the request value of tickets not yet finalized.
use icseth_abi::registry::RegistryError;
use icseth_accounting::icseth_accounting::{
    Accounting, Deposited, Error as AccountingError, IcsethAccounting, ReportApplied, TicketStatus,
    WithdrawalClaimed, WithdrawalFinalized,
};
use icseth_core::{
    governance::{Action, OracleDecision, ProtectionDecision, RegistryDecision, TokenDecision},
    operators::VALIDATOR_DEPOSIT,
    oracle::Report,
    SuiteAddresses,
};
use icseth_e2e::operators::register_operator;
use icseth_e2e::{
    account_of, advance_ms, deploy_and_wire, events_of,
    governance::decide_all,
    now_ms,
    oracle::{applied, epoch_at, frame_start, next_frame},
    read, read_ok, submit, ClockSandbox, Env, SuiteConfig, ETH,
};
use icseth_token::{icseth_token::IcsethToken, psp22::PSP22};
use ink_e2e::{ContractsBackend, E2EBackend, Keypair};
use operator_registry::operator_registry::{OperatorKind, OperatorRegistry};
use oracle_consensus::oracle_consensus::OracleConsensus;
use primitive_types::U256;
use slash_protection::slash_protection::SlashProtection;
use std::fmt;

type E2EResult<T> = Result<T, Box<dyn std::error::Error>>;

const HOUR_MS: u64 = 60 * 60 * 1000;
const DAY_MS: u64 = 24 * HOUR_MS;
/// The rate's virtual offset on both sides (README, "Token reference").
const VIRTUAL: u128 = 1_000_000;

/// floor(a * b / c) with the test's own 256-bit intermediate.
fn mul_div(a: u128, b: u128, c: u128) -> u128 {
    (U256::from(a) * U256::from(b) / U256::from(c)).as_u128()
}

/// What `shares` pay out against `pooled` assets and `supply` shares: at the lower of the rate
/// with the virtual offset and the plain ratio (the offset never pays an exit above its pro-rata
/// share), rounded down.
fn worth(shares: u128, pooled: u128, supply: u128) -> u128 {
    mul_div(shares, pooled + VIRTUAL, supply + VIRTUAL).min(mul_div(shares, pooled, supply))
}

/// The wired suite with an approved operator, three oracle members (two make a quorum), two
/// institutions and the first report applied.
struct Scene {
    suite: SuiteAddresses,
    operator: u32,
    epoch: u64,
    cl_balance: u128,
    validators: u32,
}

/// alice: the protocol (board, guardian, staking manager, treasury, vault); bob: operator admin;
/// charlie: institution A (the one who exits); dave: institution B (the one who stays).
fn institution_a() -> Keypair {
    ink_e2e::charlie()
}
fn institution_b() -> Keypair {
    ink_e2e::dave()
}
fn oracles() -> [Keypair; 3] {
    [ink_e2e::eve(), ink_e2e::ferdie(), ink_e2e::one()]
}

/// Deploys, onboards, deposits `a` and `b` ETH, stakes `validators` and applies the first report.
async fn setup<C>(client: &mut C, a: u128, b: u128, validators: u32) -> E2EResult<Scene>
where
    C: E2EBackend<Env> + icseth_e2e::ChainAccess,
    <C as ContractsBackend<Env>>::Error: fmt::Debug,
{
    let alice = ink_e2e::alice();
    let admin = ink_e2e::bob();
    let suite = deploy_and_wire(
        client,
        &alice,
        &SuiteConfig::single_member(account_of(&alice), ETH),
    )
    .await?;
    let mut token = ink_e2e::create_call_builder::<IcsethAccounting>(suite.accounting);
    let operator = register_operator(
        client,
        suite.operator_registry,
        &admin,
        "SSV cluster",
        OperatorKind::SsvCluster,
        100,
    )
    .await?;
    decide_all(
        client,
        suite.board,
        std::slice::from_ref(&alice),
        &alice,
        vec![
            Action::Token(TokenDecision::AddInstitution {
                institution: account_of(&institution_a()),
                min_deposit: None,
                kyc_valid_until: icseth_deploy::governance::kyc_until(icseth_deploy::now_ms()),
            }),
            Action::Token(TokenDecision::AddInstitution {
                institution: account_of(&institution_b()),
                min_deposit: None,
                kyc_valid_until: icseth_deploy::governance::kyc_until(icseth_deploy::now_ms()),
            }),
            Action::Oracle(OracleDecision::SetMembers {
                members: oracles().iter().map(account_of).collect(),
            }),
            Action::OperatorRegistry(RegistryDecision::ApproveOperator { operator }),
            // the limit decides how many validators the allocation funds here
            Action::OperatorRegistry(RegistryDecision::SetLimit {
                operator,
                limit: validators.max(1),
            }),
            Action::SlashProtection(ProtectionDecision::AllowDonor {
                donor: account_of(&institution_b()),
            }),
        ],
    )
    .await?;
    for (who, amount) in [(institution_a(), a), (institution_b(), b)] {
        if amount > 0 {
            submit(client, &who, &token.deposit(), amount).await?.accepted()?;
        }
    }
    if validators > 0 {
        assert_eq!(
            submit(client, &alice, &token.allocate(), 0).await?.accepted()?,
            validators,
            "the allocation funds the validators"
        );
    }
    let mut scene = Scene {
        suite,
        operator,
        epoch: 0,
        cl_balance: u128::from(validators) * VALIDATOR_DEPOSIT,
        validators,
    };
    // the first report at a frame's start: later reports a whole number of days on describe
    // their block time's frame
    next_frame();
    let first = scene.cl_balance;
    report(client, &mut scene, first, now_ms()).await?;
    Ok(scene)
}

/// The next report, describing the start of the frame `time_ms` falls in (its epoch the one that
/// snapshot falls in), as the quorum agrees on it.
fn next_report(scene: &mut Scene, cl_balance: u128, time_ms: u64) -> Report {
    let ref_time_ms = frame_start(time_ms);
    scene.epoch = epoch_at(ref_time_ms);
    scene.cl_balance = cl_balance;
    Report {
        epoch: scene.epoch,
        ref_time_ms,
        cl_balance,
        validators: scene.validators,
        ..Report::default()
    }
}

/// Two of the three oracle members vote for the next report; it must apply.
async fn report<C>(client: &mut C, scene: &mut Scene, cl_balance: u128, ref_time_ms: u64) -> E2EResult<()>
where
    C: E2EBackend<Env> + icseth_e2e::ChainAccess,
    <C as ContractsBackend<Env>>::Error: fmt::Debug,
{
    let report = next_report(scene, cl_balance, ref_time_ms);
    let mut oracle = ink_e2e::create_call_builder::<OracleConsensus>(scene.suite.oracle);
    let [first, second, _] = oracles();
    assert!(!applied(
        submit(client, &first, &oracle.submit_report(report), 0)
            .await?
            .accepted()?
    ));
    assert!(
        applied(
            submit(client, &second, &oracle.submit_report(report), 0)
                .await?
                .accepted()?
        ),
        "the report applies"
    );
    Ok(())
}

async fn books<C>(client: &mut C, scene: &Scene) -> E2EResult<Accounting>
where
    C: E2EBackend<Env> + icseth_e2e::ChainAccess,
    <C as ContractsBackend<Env>>::Error: fmt::Debug,
{
    let token = ink_e2e::create_call_builder::<IcsethAccounting>(scene.suite.accounting);
    Ok(read_ok(client, &ink_e2e::alice(), &token.accounting()).await?)
}

/// The accounting's books identity, to the unit: what it holds and has staked equals what belongs to
/// the holders (queued tickets included) plus gains not applied yet.
fn assert_books_balance(books: &Accounting) {
    assert_eq!(
        books.buffered + books.reserve + books.in_flight + books.cl_balance,
        books.total_pooled + books.unapplied_gain + books.kept_from_tickets,
        "books out of balance: {books:?}"
    );
}

/// Requests a withdrawal of all of `who`'s shares; returns (ticket, shares, request value).
async fn request_all<C>(client: &mut C, scene: &Scene, who: &Keypair) -> E2EResult<(u64, u128, u128)>
where
    C: E2EBackend<Env> + icseth_e2e::ChainAccess,
    <C as ContractsBackend<Env>>::Error: fmt::Debug,
{
    let mut token = ink_e2e::create_call_builder::<IcsethAccounting>(scene.suite.accounting);
    let ledger = ink_e2e::create_call_builder::<IcsethToken>(scene.suite.token);
    let shares = read(client, who, &ledger.balance_of(account_of(who))).await?;
    let id = submit(client, who, &token.request_withdrawal(shares), 0)
        .await?
        .accepted()?;
    let ticket = read(client, who, &token.ticket(id)).await?.ok_or("no ticket")?;
    assert_eq!(ticket.shares, shares);
    Ok((id, shares, ticket.assets))
}

async fn payout_of<C>(client: &mut C, scene: &Scene, id: u64) -> E2EResult<Option<u128>>
where
    C: E2EBackend<Env> + icseth_e2e::ChainAccess,
    <C as ContractsBackend<Env>>::Error: fmt::Debug,
{
    let token = ink_e2e::create_call_builder::<IcsethAccounting>(scene.suite.accounting);
    let ticket = read(client, &ink_e2e::alice(), &token.ticket(id))
        .await?
        .ok_or("no ticket")?;
    Ok(match ticket.status {
        TicketStatus::Pending => None,
        TicketStatus::Finalized { payout } | TicketStatus::Claimed { payout } => Some(payout),
    })
}

/// 1. Request, finalize and claim in consecutive calls with no report in between: nothing is
/// finalized and nothing paid. The next report finalizes the ticket at its request value.
#[ink_e2e::test(backend(runtime_only(sandbox = ClockSandbox)))]
async fn the_queue_is_no_instant_exit<Client: E2EBackend>(mut client: Client) -> E2EResult<()> {
    let mut scene = setup(&mut client, 100 * ETH, 100 * ETH, 0).await?;
    let a = institution_a();
    let mut token = ink_e2e::create_call_builder::<IcsethAccounting>(scene.suite.accounting);
    advance_ms(HOUR_MS);
    let (id, _, value) = request_all(&mut client, &scene, &a).await?;
    let before = books(&mut client, &scene).await?;
    let finalize = submit(&mut client, &ink_e2e::two(), &token.finalize_withdrawals(10), 0).await?;
    assert_eq!(finalize.value, Err(AccountingError::NothingDue));
    let claim = submit(&mut client, &a, &token.claim(id), 0).await?;
    assert_eq!(claim.value, Err(AccountingError::NotFinalized));
    assert_eq!(payout_of(&mut client, &scene, id).await?, None);
    assert_eq!(
        books(&mut client, &scene).await?,
        before,
        "the refusals changed nothing"
    );
    assert!(
        events_of::<WithdrawalClaimed>(&scene.suite.accounting).is_empty(),
        "nothing was paid"
    );

    // the next report (its reference time after the request) finalizes it, at the request value:
    // the rate did not move, so min(request value, shares at the rate) is the request value
    advance_ms(DAY_MS);
    let cl = scene.cl_balance;
    report(&mut client, &mut scene, cl, now_ms()).await?;
    assert_eq!(payout_of(&mut client, &scene, id).await?, Some(value));
    assert_eq!(
        submit(&mut client, &a, &token.claim(id), 0).await?.accepted()?,
        value
    );
    assert_eq!(value, 100 * ETH);
    Ok(())
}

/// 2. A slashing is public and the first oracle vote for the loss report is on chain; A requests
/// at once. A's ticket is not finalized by that report (requested after its reference time) but
/// by the next one, at the post-loss rate: A shares the loss like everyone else.
#[ink_e2e::test(backend(runtime_only(sandbox = ClockSandbox)))]
async fn a_visible_loss_reaches_a_ticket_requested_before_it_is_reported<Client: E2EBackend>(
    mut client: Client,
) -> E2EResult<()> {
    let mut scene = setup(&mut client, 100 * ETH, 100 * ETH, 1).await?;
    let a = institution_a();
    let mut token = ink_e2e::create_call_builder::<IcsethAccounting>(scene.suite.accounting);
    advance_ms(DAY_MS);
    // 2 ETH slashed; the first member's vote shows it
    let loss = 2 * ETH;
    let cl = scene.cl_balance - loss;
    let loss_report = next_report(&mut scene, cl, now_ms());
    let [first, second, _] = oracles();
    let mut oracle = ink_e2e::create_call_builder::<OracleConsensus>(scene.suite.oracle);
    submit(&mut client, &first, &oracle.submit_report(loss_report), 0)
        .await?
        .accepted()?;
    advance_ms(1_000);
    let (id, shares, value) = request_all(&mut client, &scene, &a).await?;
    assert_eq!(value, 100 * ETH, "requested at the pre-loss rate");
    let finalize = submit(&mut client, &ink_e2e::two(), &token.finalize_withdrawals(10), 0).await?;
    assert_eq!(finalize.value, Err(AccountingError::NothingDue));
    assert!(applied(
        submit(&mut client, &second, &oracle.submit_report(loss_report), 0)
            .await?
            .accepted()?
    ));
    assert_eq!(
        payout_of(&mut client, &scene, id).await?,
        None,
        "requested after the loss report's reference time"
    );
    let after_loss = books(&mut client, &scene).await?;
    assert_eq!(after_loss.total_pooled, 200 * ETH - loss);
    assert_eq!(
        after_loss.total_shares,
        200 * ETH,
        "A's shares are still in the supply"
    );

    advance_ms(DAY_MS);
    report(&mut client, &mut scene, cl, now_ms()).await?;
    let expected = value.min(worth(shares, 200 * ETH - loss, 200 * ETH));
    assert_eq!(payout_of(&mut client, &scene, id).await?, Some(expected));
    assert!(expected < 99 * ETH + ETH / 1_000 && expected > 99 * ETH - ETH / 1_000);
    assert_books_balance(&books(&mut client, &scene).await?);
    Ok(())
}

/// 3. A deposits just before report R and requests right after it: the ticket waits for the next
/// report, the round trip earns at most R's applied rate increase on the deposit, and the gains
/// between R and the next report stay with the remaining holders.
#[ink_e2e::test(backend(runtime_only(sandbox = ClockSandbox)))]
async fn depositing_around_a_report_earns_only_that_reports_increase<Client: E2EBackend>(
    mut client: Client,
) -> E2EResult<()> {
    let mut scene = setup(&mut client, 0, 1_000 * ETH, 1).await?;
    let a = institution_a();
    let mut token = ink_e2e::create_call_builder::<IcsethAccounting>(scene.suite.accounting);
    advance_ms(DAY_MS);
    let deposit = 100 * ETH;
    submit(&mut client, &a, &token.deposit(), deposit)
        .await?
        .accepted()?;
    let pooled_before = books(&mut client, &scene).await?.total_pooled;
    assert_eq!(pooled_before, 1_100 * ETH);
    // R: 0.25 ETH of consensus rewards (within a day's 10%-a-year bound and the 0.1% rate cap)
    let gain = ETH / 4;
    let cl = scene.cl_balance + gain;
    report(&mut client, &mut scene, cl, now_ms()).await?;
    advance_ms(1_000);
    let (id, _, value) = request_all(&mut client, &scene, &a).await?;
    // what holding through R earns: the holders' 85% of R's gain, pro rata (fees 10% + 5%)
    let fair = deposit + mul_div(deposit, gain * 85 / 100, pooled_before);
    // fee shares round down in the holders' favour: at most a unit or two above
    assert!(value <= fair + 2, "request value {value} above the fair {fair}");
    assert!(
        value + 1_000 >= fair,
        "request value {value} far below the fair {fair}"
    );
    let finalize = submit(&mut client, &ink_e2e::two(), &token.finalize_withdrawals(10), 0).await?;
    assert_eq!(finalize.value, Err(AccountingError::NothingDue));

    // the next report brings another 0.25 ETH: none of it reaches A's ticket
    advance_ms(DAY_MS);
    let pooled_at_r = books(&mut client, &scene).await?.total_pooled;
    let cl = scene.cl_balance + gain;
    report(&mut client, &mut scene, cl, now_ms()).await?;
    assert_eq!(payout_of(&mut client, &scene, id).await?, Some(value));
    let after = books(&mut client, &scene).await?;
    // the next gain stays with the holders: what A's shares gained after the request is kept
    // for them (released by the following reports within the rate cap)
    assert!(after.kept_from_tickets > 0);
    assert_eq!(
        after.total_pooled + after.kept_from_tickets,
        pooled_at_r + gain - value,
        "the next gain stays with the holders"
    );
    assert_books_balance(&after);
    Ok(())
}

/// 4. 1,000 ETH queued, 100 ETH held, a 5 ETH loss: the ticket and the holder each lose their
/// pro-rata part (rounded down, the dust staying in the pool), and the holder's value never rises
/// through a loss. (Before locked shares: the ticket was paid 950 ETH and the holder's 100 ETH
/// became 145 ETH.)
#[ink_e2e::test(backend(runtime_only(sandbox = ClockSandbox)))]
async fn a_loss_is_shared_pro_rata_by_the_queue_and_the_holders<Client: E2EBackend>(
    mut client: Client,
) -> E2EResult<()> {
    let mut scene = setup(&mut client, 1_000 * ETH, 100 * ETH, 1).await?;
    let a = institution_a();
    let b = institution_b();
    let token = ink_e2e::create_call_builder::<IcsethAccounting>(scene.suite.accounting);
    let ledger = ink_e2e::create_call_builder::<IcsethToken>(scene.suite.token);
    advance_ms(HOUR_MS);
    let (id, shares, value) = request_all(&mut client, &scene, &a).await?;
    assert_eq!((shares, value), (1_000 * ETH, 1_000 * ETH));
    let b_shares = read(&mut client, &b, &ledger.balance_of(account_of(&b))).await?;
    assert_eq!(b_shares, 100 * ETH);

    advance_ms(DAY_MS);
    let loss = 5 * ETH;
    let cl = scene.cl_balance - loss;
    report(&mut client, &mut scene, cl, now_ms()).await?;
    let pooled = 1_100 * ETH - loss;
    let supply = 1_100 * ETH;
    let ticket_share = worth(shares, pooled, supply);
    assert_eq!(payout_of(&mut client, &scene, id).await?, Some(ticket_share));
    // 995.45 ETH: the ticket's 1,000/1,100 of the loss
    assert_eq!(ticket_share / (ETH / 100), 99_545);
    let b_fair = worth(b_shares, pooled, supply);
    let b_value = read(&mut client, &b, &token.assets_for(b_shares))
        .await?
        .map_err(|e| format!("{e:?}"))?;
    assert!(
        b_value >= b_fair && b_value <= b_fair + 1,
        "holder {b_value}, fair {b_fair}"
    );
    assert!(b_value < 100 * ETH, "a loss never raises the holder's value");
    let after = books(&mut client, &scene).await?;
    assert_eq!(after.total_pooled, pooled - ticket_share);
    assert_eq!(after.total_shares, b_shares);
    assert_books_balance(&after);
    Ok(())
}

/// 5. A gain, then a loss, while A's ticket waits: paid min(request value, its shares at the final
/// rate); the books identity holds to the unit.
#[ink_e2e::test(backend(runtime_only(sandbox = ClockSandbox)))]
async fn a_ticket_waiting_through_a_gain_and_a_loss_gets_the_smaller_value<Client: E2EBackend>(
    mut client: Client,
) -> E2EResult<()> {
    let mut scene = setup(&mut client, 100 * ETH, 1_000 * ETH, 1).await?;
    let a = institution_a();
    // R1 describes the start of the next frame; A requests an hour into it
    let reference_before_request = next_frame();
    advance_ms(HOUR_MS);
    let (id, shares, value) = request_all(&mut client, &scene, &a).await?;
    assert_eq!(value, 100 * ETH);

    // R1: a gain, its snapshot taken before A's request: A's ticket is not due
    advance_ms(DAY_MS);
    let gain = ETH / 5;
    let cl = scene.cl_balance + gain;
    report(&mut client, &mut scene, cl, reference_before_request).await?;
    assert_eq!(payout_of(&mut client, &scene, id).await?, None);
    let after_gain = books(&mut client, &scene).await?;
    assert_eq!(after_gain.total_pooled, 1_100 * ETH + gain);
    assert_books_balance(&after_gain);

    // R2: a 3 ETH loss; A's ticket is due
    advance_ms(DAY_MS);
    let loss = 3 * ETH;
    let cl = scene.cl_balance - loss;
    report(&mut client, &mut scene, cl, now_ms()).await?;
    // the protection pool's fee shares from R1 cover a sliver of the loss (half their value)
    let protection = ink_e2e::create_call_builder::<SlashProtection>(scene.suite.slash_protection);
    let incident = read(&mut client, &a, &protection.incident(0))
        .await?
        .ok_or("no incident")?;
    let pooled = 1_100 * ETH + gain - loss;
    let supply = after_gain.total_shares - incident.shares_burned;
    let expected = value.min(worth(shares, pooled, supply));
    assert!(expected < value, "the loss outweighs the gain");
    assert_eq!(payout_of(&mut client, &scene, id).await?, Some(expected));
    let after = books(&mut client, &scene).await?;
    assert_eq!(after.total_pooled, pooled - expected);
    assert_eq!(after.total_shares, supply - shares);
    assert_books_balance(&after);
    Ok(())
}

/// 6. Pending tickets are owed most of the buffer: `stake` is refused with a typed error and
/// changes nothing in the token or the registry; once deposits free enough, it stakes.
#[ink_e2e::test(backend(runtime_only(sandbox = ClockSandbox)))]
async fn staking_never_spends_what_tickets_are_owed<Client: E2EBackend>(mut client: Client) -> E2EResult<()> {
    let scene = setup(&mut client, 0, 100 * ETH, 0).await?;
    let alice = ink_e2e::alice();
    let b = institution_b();
    let mut token = ink_e2e::create_call_builder::<IcsethAccounting>(scene.suite.accounting);
    let registry = ink_e2e::create_call_builder::<OperatorRegistry>(scene.suite.operator_registry);
    // 95 ETH buffered; B asks for 70 ETH back: 25 ETH free, less than a validator
    submit(&mut client, &b, &token.request_withdrawal(70 * ETH), 0)
        .await?
        .accepted()?;
    let before = books(&mut client, &scene).await?;
    assert_eq!((before.buffered, before.queued), (95 * ETH, 70 * ETH));
    let record = read(&mut client, &alice, &registry.operator(scene.operator)).await?;
    let refused = submit(&mut client, &alice, &token.allocate(), 0).await?;
    assert_eq!(
        refused.value,
        Err(AccountingError::Registry(RegistryError::NothingToAllocate))
    );
    assert_eq!(books(&mut client, &scene).await?, before);
    assert_eq!(
        read(&mut client, &alice, &registry.operator(scene.operator)).await?,
        record
    );
    // a deposit of 5 ETH frees 4.75 ETH more (29.75 free): still short; 5 more and a validator fits
    submit(&mut client, &institution_a(), &token.deposit(), 5 * ETH)
        .await?
        .accepted()?;
    let refused = submit(&mut client, &alice, &token.allocate(), 0).await?;
    assert_eq!(
        refused.value,
        Err(AccountingError::Registry(RegistryError::NothingToAllocate))
    );
    submit(&mut client, &institution_a(), &token.deposit(), 5 * ETH)
        .await?
        .accepted()?;
    assert_eq!(
        submit(&mut client, &alice, &token.allocate(), 0)
            .await?
            .accepted()?,
        1,
        "the allocation funds the validators"
    );
    let after = books(&mut client, &scene).await?;
    assert!(after.buffered >= after.queued, "{after:?}");
    Ok(())
}

/// 7. A loss partly covered by the protection pool while A's ticket waits: the cover reaches the
/// ticket through the rate.
#[ink_e2e::test(backend(runtime_only(sandbox = ClockSandbox)))]
async fn a_cover_reaches_waiting_tickets_through_the_rate<Client: E2EBackend>(
    mut client: Client,
) -> E2EResult<()> {
    let mut scene = setup(&mut client, 100 * ETH, 100 * ETH, 1).await?;
    let a = institution_a();
    let b = institution_b();
    let mut ledger = ink_e2e::create_call_builder::<IcsethToken>(scene.suite.token);
    let mut protection = ink_e2e::create_call_builder::<SlashProtection>(scene.suite.slash_protection);
    // B donates 10 icsETH to the protection pool (it covers at most half of its value per incident)
    submit(
        &mut client,
        &b,
        &ledger.approve(scene.suite.slash_protection, 10 * ETH),
        0,
    )
    .await?
    .accepted()?;
    submit(&mut client, &b, &protection.donate(10 * ETH), 0)
        .await?
        .accepted()?;
    advance_ms(HOUR_MS);
    let (id, shares, value) = request_all(&mut client, &scene, &a).await?;
    assert_eq!(value, 100 * ETH);

    advance_ms(DAY_MS);
    let loss = 8 * ETH;
    let cl = scene.cl_balance - loss;
    report(&mut client, &mut scene, cl, now_ms()).await?;
    let incident = read(&mut client, &a, &protection.incident(0))
        .await?
        .ok_or("no incident")?;
    assert_eq!(incident.loss, loss);
    assert!(
        incident.covered > 4 * ETH && incident.uncovered > 0,
        "a partial cover: {incident:?}"
    );
    let pooled = 200 * ETH - loss;
    let supply = 200 * ETH - incident.shares_burned;
    let expected = value.min(worth(shares, pooled, supply));
    assert_eq!(payout_of(&mut client, &scene, id).await?, Some(expected));
    let without_cover = worth(shares, pooled, 200 * ETH);
    assert!(
        expected > without_cover,
        "the cover reached the ticket: {expected} vs {without_cover}"
    );
    assert_books_balance(&books(&mut client, &scene).await?);
    Ok(())
}

/// 8. Due tickets come before the reserve. A's 40 ETH ticket is due (requested before the last
/// report) but only 28.9 ETH are buffered; the reserve is 12 ETH below its target after B's flash
/// exit. Before, B's 20 ETH deposit topped the reserve up by 12.4 ETH and the ticket stayed
/// unfunded (`InsufficientBuffer`); now the deposit first fills the buffer up to what the ticket
/// waits for, and anyone finalizes it at once.
#[ink_e2e::test(backend(runtime_only(sandbox = ClockSandbox)))]
async fn a_deposit_funds_due_tickets_before_the_reserve<Client: E2EBackend>(
    mut client: Client,
) -> E2EResult<()> {
    // 502 ETH pooled: 25.1 to the reserve, 14 validators staked, 28.9 buffered
    let mut scene = setup(&mut client, 40 * ETH, 462 * ETH, 14).await?;
    let (a, b) = (institution_a(), institution_b());
    let mut token = ink_e2e::create_call_builder::<IcsethAccounting>(scene.suite.accounting);
    submit(&mut client, &b, &token.flash_exit(12 * ETH, 0), 0)
        .await?
        .accepted()?;
    let (id, _, value) = request_all(&mut client, &scene, &a).await?;
    advance_ms(DAY_MS);
    let cl = scene.cl_balance;
    report(&mut client, &mut scene, cl, now_ms()).await?;
    assert_eq!(payout_of(&mut client, &scene, id).await?, None, "due, not funded");
    let finalize = submit(&mut client, &ink_e2e::two(), &token.finalize_withdrawals(1), 0).await?;
    assert_eq!(finalize.value, Err(AccountingError::InsufficientBuffer));
    let before = books(&mut client, &scene).await?;
    assert_eq!(before.buffered, 289 * ETH / 10);
    let shortfall = value - before.buffered;
    submit(&mut client, &b, &token.deposit(), 20 * ETH)
        .await?
        .accepted()?;
    let deposited = events_of::<Deposited>(&scene.suite.accounting)
        .pop()
        .ok_or("no Deposited")?;
    assert_eq!(
        (deposited.to_buffer, deposited.to_reserve),
        (shortfall, 20 * ETH - shortfall)
    );
    let after = books(&mut client, &scene).await?;
    assert_eq!(after.buffered, value);
    assert_books_balance(&after);
    let finalize = submit(&mut client, &ink_e2e::two(), &token.finalize_withdrawals(1), 0).await?;
    assert_eq!(finalize.value, Ok(1));
    assert!(payout_of(&mut client, &scene, id)
        .await?
        .is_some_and(|p| p <= value));
    Ok(())
}

/// 9. Finalization lifted the rate outside the per-report cap. A's 500 ETH ticket is due after a
/// report with rewards, but the buffer cannot fund it; right after the report B deposits 1,000
/// ETH, which funds it, and calls `finalize_withdrawals(1)`. Before, what A's shares were worth
/// above the request value stayed in the pool at once: B's deposit, held through no report, was
/// worth more the moment the ticket finalized. Now that value is kept apart
/// (`kept_from_tickets`) and the next report releases it, fee-free, within the rate cap; and a
/// deposit made before the release pays for its share of it (deposits are priced with it), so a
/// large deposit cannot collect what the remaining holders were owed.
#[ink_e2e::test(backend(runtime_only(sandbox = ClockSandbox)))]
async fn finalization_lifts_no_rate_outside_a_report<Client: E2EBackend>(
    mut client: Client,
) -> E2EResult<()> {
    // 500 ETH pooled: 25 to the reserve, 14 validators staked, 27 buffered
    let mut scene = setup(&mut client, 500 * ETH, 0, 14).await?;
    let (a, b) = (institution_a(), institution_b());
    let mut token = ink_e2e::create_call_builder::<IcsethAccounting>(scene.suite.accounting);
    let (id, _, value) = request_all(&mut client, &scene, &a).await?;
    assert_eq!(value, 500 * ETH);
    // a day of rewards: the rate rises, so A's shares are worth more than the request value
    advance_ms(DAY_MS);
    let cl = scene.cl_balance + ETH / 10;
    report(&mut client, &mut scene, cl, now_ms()).await?;
    assert_eq!(payout_of(&mut client, &scene, id).await?, None, "due, not funded");
    // B deposits right after the report and finalizes A's ticket
    let shares = submit(&mut client, &b, &token.deposit(), 1_000 * ETH)
        .await?
        .accepted()?;
    let worth_before = read(&mut client, &b, &token.assets_for(shares))
        .await?
        .map_err(|e| format!("{e:?}"))?;
    assert!(worth_before <= 1_000 * ETH);
    let finalize = submit(&mut client, &b, &token.finalize_withdrawals(1), 0).await?;
    assert_eq!(finalize.value, Ok(1));
    let finalized = events_of::<WithdrawalFinalized>(&scene.suite.accounting)
        .pop()
        .ok_or("no WithdrawalFinalized")?;
    assert_eq!(finalized.payout, value);
    assert!(
        finalized.kept_by_pool > ETH / 100,
        "A's shares gained: {}",
        finalized.kept_by_pool
    );
    // B's deposit is worth what it was (before: about 0.08 ETH more at once)
    let worth_after = read(&mut client, &b, &token.assets_for(shares))
        .await?
        .map_err(|e| format!("{e:?}"))?;
    assert!(worth_after <= worth_before + 2, "{worth_before} -> {worth_after}");
    let books = books(&mut client, &scene).await?;
    assert_eq!(books.kept_from_tickets, finalized.kept_by_pool);
    assert_books_balance(&books);
    // a depositor now pays for its share of the kept value: 10,000 ETH deposited before the
    // release are worth 10,000 ETH after it, not more
    let late = submit(&mut client, &b, &token.deposit(), 10_000 * ETH)
        .await?
        .accepted()?;
    // the next report releases the kept value first, within its cap, to whoever holds then
    advance_ms(DAY_MS);
    let cl = scene.cl_balance;
    report(&mut client, &mut scene, cl, now_ms()).await?;
    let applied = events_of::<ReportApplied>(&scene.suite.accounting)
        .pop()
        .ok_or("no ReportApplied")?;
    assert_eq!(
        (
            applied.released_kept,
            applied.kept_from_tickets,
            applied.protocol_fee
        ),
        (finalized.kept_by_pool, 0, 0)
    );
    let late_worth = read(&mut client, &b, &token.assets_for(late))
        .await?
        .map_err(|e| format!("{e:?}"))?;
    assert!(
        late_worth <= 10_000 * ETH,
        "the late deposit took kept value: {late_worth}"
    );
    assert!(late_worth + 10_000 >= 10_000 * ETH, "{late_worth}");
    Ok(())
}

/// A report finalizes one page of due tickets (`MAX_FINALIZE_PER_REPORT`), oldest first, and
/// anyone continues its batch with `finalize_withdrawals` (same cut-off, same rate) until it is
/// done; a ticket requested after the report's snapshot waits for the next report. Spam at the
/// minimum withdrawal can push an honest ticket past a report's page, never out of its batch.
#[ink_e2e::test(backend(runtime_only(sandbox = ClockSandbox)))]
async fn a_report_finalizes_a_page_and_anyone_continues_its_batch<Client: E2EBackend>(
    mut client: Client,
) -> E2EResult<()> {
    use icseth_accounting::icseth_accounting::{MAX_FINALIZE_PER_CALL, MAX_FINALIZE_PER_REPORT};
    let mut scene = setup(&mut client, 100 * ETH, 0, 0).await?;
    let a = institution_a();
    let mut token = ink_e2e::create_call_builder::<IcsethAccounting>(scene.suite.accounting);
    advance_ms(HOUR_MS);
    let tickets = MAX_FINALIZE_PER_REPORT + 4;
    let mut ids = Vec::new();
    for _ in 0..tickets {
        ids.push(
            submit(&mut client, &a, &token.request_withdrawal(ETH / 100), 0)
                .await?
                .accepted()?,
        );
    }
    advance_ms(DAY_MS);
    let cl_balance = scene.cl_balance;
    report(&mut client, &mut scene, cl_balance, now_ms()).await?;
    let mut paid = Vec::new();
    for id in &ids {
        paid.push(payout_of(&mut client, &scene, *id).await?);
    }
    let page = MAX_FINALIZE_PER_REPORT as usize;
    assert!(
        paid[..page].iter().all(Option::is_some),
        "the report's page: {paid:?}"
    );
    assert!(paid[page..].iter().all(Option::is_none), "oldest first: {paid:?}");
    // a ticket requested now is not this batch's
    let late = submit(&mut client, &a, &token.request_withdrawal(ETH / 100), 0)
        .await?
        .accepted()?;
    let outsider = ink_e2e::two();
    let continued = submit(&mut client, &outsider, &token.finalize_withdrawals(3), 0).await?;
    assert_eq!(continued.value, Ok(3));
    let rest = submit(
        &mut client,
        &outsider,
        &token.finalize_withdrawals(MAX_FINALIZE_PER_CALL),
        0,
    )
    .await?;
    assert_eq!(rest.value, Ok(1));
    let done = submit(
        &mut client,
        &outsider,
        &token.finalize_withdrawals(MAX_FINALIZE_PER_CALL),
        0,
    )
    .await?;
    assert_eq!(done.value, Err(AccountingError::NothingDue));
    for id in &ids {
        // no gain since the requests: each pays its request value
        assert_eq!(payout_of(&mut client, &scene, *id).await?, Some(ETH / 100));
    }
    assert_eq!(payout_of(&mut client, &scene, late).await?, None);
    // the queue holds exactly the late ticket's shares
    let ledger = ink_e2e::create_call_builder::<IcsethToken>(scene.suite.token);
    let queued = read(&mut client, &a, &ledger.balance_of(scene.suite.token)).await?;
    let late_ticket = read(&mut client, &a, &token.ticket(late))
        .await?
        .ok_or("no ticket")?;
    assert_eq!(queued, late_ticket.shares);
    let books = books(&mut client, &scene).await?;
    assert_books_balance(&books);
    assert_eq!(
        books.total_shares,
        read(&mut client, &a, &ledger.total_supply()).await?
    );
    Ok(())
}
