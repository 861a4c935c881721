//! Compliance under attack, on the embedded chain: a sanctioned holder racing the board, a frozen
//! holder's every way out, a rogue compliance role, and KYC that expires by time. Each refusal is
//! a typed error and leaves the storage of all seven contracts unchanged (their digests).
//!
//! The rules (README, "Compliance reference"): the compliance role freezes at once; its freeze
//! lapses unless the board confirms it within 14 days; after a lapse only the board may freeze
//! that account for 90 days; a frozen account cannot transfer, receive, deposit, request, claim,
//! flash exit or approve, nor have its shares moved by allowance, and a frozen spender moves
//! nobody's; its tickets keep finalizing and their payouts wait; nothing is seized. A KYC date
//! passed: no deposit, no receipt; sending and every exit stay open.
use icseth_accounting::icseth_accounting::{
    AccountFrozen, Error as AccountingError, FreezeConfirmed, FreezeLapsed, IcsethAccounting, KycExpired,
    KycRenewed, Role as TokenRole, TicketStatus,
};
use icseth_core::{
    compliance::{ComplianceError, DAY_MS, UNTIL_LIFTED},
    governance::{Action, OracleDecision, TokenDecision},
    oracle::Report,
    SuiteAddresses,
};
use icseth_e2e::{
    account_of, advance_ms, deploy_and_wire, events_of,
    governance::{decide_all, kyc_until, propose_and_approve},
    now_ms,
    oracle::{agree, applied, at, next_frame},
    read, read_ok, sandbox, submit, ClockSandbox, Env, SuiteConfig, ETH,
};
use icseth_token::{
    icseth_token::IcsethToken,
    psp22::{refusal, PSP22Error, PSP22},
};
use ink::primitives::AccountId;
use ink_e2e::{ChainBackend, ContractsBackend, E2EBackend, Keypair};
use std::fmt;
use whitelist_board::whitelist_board::{Error as BoardError, WhitelistBoard};

type E2EResult<T> = Result<T, Box<dyn std::error::Error>>;

/// A 32-byte case reference (the hash of a sanctions-list entry, say).
const CASE: [u8; 32] = [0x5a; 32];

/// The cast: alice is the protocol (board member, guardian, staking manager, treasury, vault);
/// bob and charlie the other board members (bob also holds shares); dave the sanctioned
/// institution and ferdie his second whitelisted account; eve an honest institution; one, two and
/// a third account the oracle members (one also holds shares); `officer` the compliance role.
struct Scene {
    suite: SuiteAddresses,
    officer: Keypair,
    oracles: [Keypair; 3],
}

fn sanctioned() -> Keypair {
    ink_e2e::dave()
}
fn second_account() -> Keypair {
    ink_e2e::ferdie()
}
fn honest() -> Keypair {
    ink_e2e::eve()
}
fn deciders() -> [Keypair; 2] {
    [ink_e2e::alice(), ink_e2e::charlie()]
}

fn revert(reason: &str) -> PSP22Error {
    PSP22Error::Custom(reason.to_string())
}

fn compliance(e: ComplianceError) -> AccountingError {
    AccountingError::Compliance(e)
}

/// Deploys under a board of three (quorum 2), whitelists five institutions for a year, appoints
/// the compliance role and the oracle, takes deposits (dave 100, eve 50, bob 10, one 10 ETH),
/// applies a first report and starts watching the suite's storage.
async fn setup<C>(client: &mut C) -> E2EResult<Scene>
where
    C: E2EBackend<Env> + ChainBackend<Balance = u128> + icseth_e2e::ChainAccess,
    <C as ContractsBackend<Env>>::Error: fmt::Debug,
{
    let alice = ink_e2e::alice();
    let officer = client.create_and_fund_account(&alice, 1_000 * ETH).await;
    let third_oracle = client.create_and_fund_account(&alice, 1_000 * ETH).await;
    let mut config = SuiteConfig::single_member(account_of(&alice), ETH);
    config.board_members = vec![
        account_of(&alice),
        account_of(&ink_e2e::bob()),
        account_of(&ink_e2e::charlie()),
    ];
    config.quorum = 2;
    let suite = deploy_and_wire(client, &alice, &config).await?;
    let oracles = [ink_e2e::one(), ink_e2e::two(), third_oracle];
    let kyc = kyc_until(now_ms());
    let mut actions: Vec<Action> = [
        sanctioned(),
        second_account(),
        honest(),
        ink_e2e::bob(),
        ink_e2e::one(),
    ]
    .iter()
    .map(|who| {
        Action::Token(TokenDecision::AddInstitution {
            institution: account_of(who),
            min_deposit: None,
            kyc_valid_until: kyc,
        })
    })
    .collect();
    actions.push(Action::Token(TokenDecision::SetRole {
        role: TokenRole::Compliance,
        account: account_of(&officer),
    }));
    actions.push(Action::Oracle(OracleDecision::SetMembers {
        members: oracles.iter().map(account_of).collect(),
    }));
    decide_all(client, suite.board, &deciders(), &alice, actions).await?;
    let mut token = ink_e2e::create_call_builder::<IcsethAccounting>(suite.accounting);
    for (who, amount) in [
        (sanctioned(), 100 * ETH),
        (honest(), 50 * ETH),
        (ink_e2e::bob(), 10 * ETH),
        (ink_e2e::one(), 10 * ETH),
    ] {
        submit(client, &who, &token.deposit(), amount).await?.accepted()?;
    }
    let scene = Scene {
        suite,
        officer,
        oracles,
    };
    next_frame();
    report(client, &scene, 0).await?;
    sandbox::watch_storage(&suite_contracts(&scene.suite));
    // a committed call that changes nothing records the digests refusals are compared with
    let mut ledger = ink_e2e::create_call_builder::<IcsethToken>(suite.token);
    submit(client, &alice, &ledger.approve(account_of(&ink_e2e::bob()), 0), 0)
        .await?
        .accepted()?;
    Ok(scene)
}

fn suite_contracts(suite: &SuiteAddresses) -> [AccountId; 7] {
    [
        suite.token,
        suite.board,
        suite.flash_exit_pool,
        suite.operator_registry,
        suite.slash_protection,
        suite.oracle,
        suite.accounting,
    ]
}

/// Two oracle members agree on a report of the current frame with `el_rewards_total`; it applies.
async fn report<C>(client: &mut C, scene: &Scene, el_rewards_total: u128) -> E2EResult<()>
where
    C: E2EBackend<Env> + icseth_e2e::ChainAccess,
    <C as ContractsBackend<Env>>::Error: fmt::Debug,
{
    let report = at(
        now_ms(),
        Report {
            el_rewards_total,
            ..Report::default()
        },
    );
    let outcome = agree(client, scene.suite.oracle, &scene.oracles[..2], report).await?;
    assert!(applied(outcome), "the report applies");
    Ok(())
}

/// Submits `$call` as `$who`, asserts the typed refusal `$expected` and that no contract of the
/// suite changed (`setup` watches their storage).
macro_rules! refused {
    ($client:expr, $who:expr, $call:expr, $expected:expr) => {
        refused!($client, $who, $call, value 0, $expected)
    };
    ($client:expr, $who:expr, $call:expr, value $value:expr, $expected:expr) => {{
        let before = sandbox::storage_digests();
        assert_eq!(before.len(), 7, "the suite's storage is watched");
        let outcome = submit($client, $who, &$call, $value).await?;
        assert_eq!(outcome.value.err(), Some($expected), "{}", stringify!($call));
        assert_eq!(
            sandbox::storage_digests(),
            before,
            "{} was refused but changed the suite's storage",
            stringify!($call)
        );
    }};
}

/// The attack: dave learns of a freeze proposal and moves everything to his second whitelisted
/// account during the vote. The board's decision cannot execute for four days, so it freezes an
/// empty account; the compliance role's freeze acts in the next block, and a transfer after it is
/// refused with nothing moved. The board confirms it within the window and it holds past it.
#[ink_e2e::test(backend(runtime_only(sandbox = ClockSandbox)))]
async fn the_roles_freeze_stops_a_holder_the_boards_vote_is_too_slow_for<Client: E2EBackend>(
    mut client: Client,
) -> E2EResult<()> {
    let scene = setup(&mut client).await?;
    let alice = ink_e2e::alice();
    let mut token = ink_e2e::create_call_builder::<IcsethAccounting>(scene.suite.accounting);
    let mut ledger = ink_e2e::create_call_builder::<IcsethToken>(scene.suite.token);
    let mut board = ink_e2e::create_call_builder::<WhitelistBoard>(scene.suite.board);
    let dave = account_of(&sanctioned());
    let ferdie = account_of(&second_account());
    let holding = read(&mut client, &alice, &ledger.balance_of(dave)).await?;
    assert_eq!(holding, 100 * ETH);

    // The board alone: its freeze is proposed and approved at once, but executes only after
    // the voting period and the execution delay (four days).
    let proposal = propose_and_approve(
        &mut client,
        scene.suite.board,
        &deciders(),
        Action::Token(TokenDecision::Freeze {
            account: dave,
            reason: CASE,
        }),
    )
    .await?;
    let early = submit(&mut client, &alice, &board.execute(proposal), 0).await?;
    assert_eq!(early.value, Err(BoardError::TooEarly));
    // an hour later dave moves everything to his second account
    advance_ms(60 * 60 * 1000);
    submit(
        &mut client,
        &sanctioned(),
        &ledger.transfer(ferdie, holding, vec![]),
        0,
    )
    .await?
    .accepted()?;
    advance_ms(4 * DAY_MS);
    submit(&mut client, &alice, &board.execute(proposal), 0)
        .await?
        .accepted()?;
    assert!(read(&mut client, &alice, &token.is_frozen(dave)).await?);
    assert_eq!(read(&mut client, &alice, &ledger.balance_of(dave)).await?, 0);
    assert_eq!(
        read(&mut client, &alice, &ledger.balance_of(ferdie)).await?,
        holding
    );

    // The compliance role: the second account is frozen in the next block, before its move.
    submit(&mut client, &scene.officer, &token.freeze(ferdie, CASE), 0)
        .await?
        .accepted()?;
    let frozen = events_of::<AccountFrozen>(&scene.suite.accounting)
        .pop()
        .ok_or("no AccountFrozen")?;
    assert_eq!(
        (
            frozen.account,
            frozen.by,
            frozen.reason,
            frozen.confirmed,
            frozen.until
        ),
        (
            ferdie,
            account_of(&scene.officer),
            CASE,
            false,
            now_ms() + 14 * DAY_MS
        )
    );
    let honest_account = account_of(&honest());
    refused!(
        &mut client,
        &second_account(),
        ledger.transfer(honest_account, holding, vec![]),
        revert(refusal::SENDER_FROZEN)
    );
    refused!(
        &mut client,
        &second_account(),
        token.request_withdrawal(holding),
        compliance(ComplianceError::Frozen)
    );
    refused!(
        &mut client,
        &second_account(),
        token.flash_exit(ETH, 0),
        compliance(ComplianceError::Frozen)
    );
    refused!(
        &mut client,
        &second_account(),
        ledger.approve(honest_account, holding),
        revert(refusal::SENDER_FROZEN)
    );
    refused!(
        &mut client,
        &second_account(),
        token.deposit(),
        value 10 * ETH,
        compliance(ComplianceError::Frozen)
    );
    // the board confirms within the window (its decision takes four of the fourteen days)
    decide_all(
        &mut client,
        scene.suite.board,
        &deciders(),
        &alice,
        vec![Action::Token(TokenDecision::ConfirmFreeze { account: ferdie })],
    )
    .await?;
    assert_eq!(events_of::<FreezeConfirmed>(&scene.suite.accounting).len(), 1);
    let record = read(&mut client, &alice, &token.freeze_of(ferdie)).await?;
    assert_eq!(record.frozen_until(), UNTIL_LIFTED);
    // past the window the confirmed freeze holds; the role cannot lift it, only the board
    advance_ms(30 * DAY_MS);
    assert!(read(&mut client, &alice, &token.is_frozen(ferdie)).await?);
    refused!(
        &mut client,
        &scene.officer,
        token.lift_freeze(ferdie),
        compliance(ComplianceError::ConfirmedFreeze)
    );
    refused!(
        &mut client,
        &second_account(),
        ledger.transfer(honest_account, ETH, vec![]),
        revert(refusal::SENDER_FROZEN)
    );
    assert_eq!(
        read(&mut client, &alice, &ledger.balance_of(ferdie)).await?,
        holding
    );
    Ok(())
}

/// A frozen holder's every way out is refused with nothing changed; its ticket finalizes with the
/// queue (the ticket behind it is not held up) and its payout waits, counted in the books; its
/// shares keep following the rate; a frozen spender moves nobody's shares. Lifted by the board,
/// it claims.
#[ink_e2e::test(backend(runtime_only(sandbox = ClockSandbox)))]
async fn a_frozen_holder_keeps_its_value_but_moves_nothing<Client: E2EBackend>(
    mut client: Client,
) -> E2EResult<()> {
    let scene = setup(&mut client).await?;
    let alice = ink_e2e::alice();
    let mut token = ink_e2e::create_call_builder::<IcsethAccounting>(scene.suite.accounting);
    let mut ledger = ink_e2e::create_call_builder::<IcsethToken>(scene.suite.token);
    let (dave, eve, ferdie) = (
        account_of(&sanctioned()),
        account_of(&honest()),
        account_of(&second_account()),
    );
    // dave allows eve and ferdie to move his shares; dave's ticket comes first, eve's behind it
    submit(&mut client, &sanctioned(), &ledger.approve(eve, 20 * ETH), 0)
        .await?
        .accepted()?;
    submit(&mut client, &sanctioned(), &ledger.approve(ferdie, 20 * ETH), 0)
        .await?
        .accepted()?;
    let dave_ticket = submit(&mut client, &sanctioned(), &token.request_withdrawal(10 * ETH), 0)
        .await?
        .accepted()?;
    let eve_ticket = submit(&mut client, &honest(), &token.request_withdrawal(5 * ETH), 0)
        .await?
        .accepted()?;
    // a frozen spender first: ferdie, frozen, cannot use dave's allowance
    submit(&mut client, &scene.officer, &token.freeze(ferdie, CASE), 0)
        .await?
        .accepted()?;
    refused!(
        &mut client,
        &second_account(),
        ledger.transfer_from(dave, eve, ETH, vec![]),
        revert(refusal::SPENDER_FROZEN)
    );
    submit(&mut client, &scene.officer, &token.lift_freeze(ferdie), 0)
        .await?
        .accepted()?;

    submit(&mut client, &scene.officer, &token.freeze(dave, CASE), 0)
        .await?
        .accepted()?;
    refused!(
        &mut client,
        &honest(),
        ledger.transfer_from(dave, eve, ETH, vec![]),
        revert(refusal::SENDER_FROZEN)
    );
    refused!(
        &mut client,
        &sanctioned(),
        ledger.transfer(eve, ETH, vec![]),
        revert(refusal::SENDER_FROZEN)
    );
    refused!(
        &mut client,
        &honest(),
        ledger.transfer(dave, ETH, vec![]),
        revert(refusal::RECEIVER_FROZEN)
    );
    refused!(
        &mut client,
        &sanctioned(),
        token.flash_exit(ETH, 0),
        compliance(ComplianceError::Frozen)
    );
    refused!(
        &mut client,
        &sanctioned(),
        ledger.increase_allowance(eve, ETH),
        revert(refusal::SENDER_FROZEN)
    );
    let shares = read(&mut client, &alice, &ledger.balance_of(dave)).await?;
    let value_before = read_ok(&mut client, &alice, &token.assets_for(shares)).await?;

    // a report with rewards: both tickets finalize in order, the frozen one does not hold the
    // queue, and the rate rises for dave's shares too
    let inflow = ETH / 100;
    submit(&mut client, &alice, &token.receive_inflow(), inflow)
        .await?
        .accepted()?;
    next_frame();
    report(&mut client, &scene, inflow).await?;
    for id in [dave_ticket, eve_ticket] {
        let ticket = read(&mut client, &alice, &token.ticket(id))
            .await?
            .ok_or("no ticket")?;
        assert!(
            matches!(ticket.status, TicketStatus::Finalized { .. }),
            "ticket {id} finalized"
        );
    }
    assert_eq!(read(&mut client, &alice, &ledger.balance_of(dave)).await?, shares);
    let value_after = read_ok(&mut client, &alice, &token.assets_for(shares)).await?;
    assert!(value_after > value_before, "the frozen shares follow the rate");

    // eve claims; dave's claim is refused and his payout stays owed in the books
    submit(&mut client, &honest(), &token.claim(eve_ticket), 0)
        .await?
        .accepted()?;
    let owed_before = read_ok(&mut client, &alice, &token.accounting()).await?;
    refused!(
        &mut client,
        &sanctioned(),
        token.claim(dave_ticket),
        compliance(ComplianceError::Frozen)
    );
    let TicketStatus::Finalized { payout } = read(&mut client, &alice, &token.ticket(dave_ticket))
        .await?
        .ok_or("no ticket")?
        .status
    else {
        return Err("dave's ticket is not finalized".into());
    };
    assert_eq!(
        owed_before.claimable, payout,
        "the frozen payout is what the books still owe"
    );

    // the board lifts the freeze; dave claims his payout in full
    decide_all(
        &mut client,
        scene.suite.board,
        &deciders(),
        &alice,
        vec![Action::Token(TokenDecision::LiftFreeze { account: dave })],
    )
    .await?;
    let paid = submit(&mut client, &sanctioned(), &token.claim(dave_ticket), 0)
        .await?
        .accepted()?;
    assert_eq!(paid, payout);
    assert_eq!(
        read_ok(&mut client, &alice, &token.accounting()).await?.claimable,
        0
    );
    Ok(())
}

/// The role cannot freeze a suite contract or the treasury (fees and cover would stop); it freezes
/// a board member's and an oracle member's assets, and governance goes on: the frozen board
/// member proposes and votes, the frozen oracle member's vote applies a report.
#[ink_e2e::test(backend(runtime_only(sandbox = ClockSandbox)))]
async fn a_freeze_touches_assets_never_governance_or_the_suite<Client: E2EBackend>(
    mut client: Client,
) -> E2EResult<()> {
    let scene = setup(&mut client).await?;
    let alice = ink_e2e::alice();
    let mut token = ink_e2e::create_call_builder::<IcsethAccounting>(scene.suite.accounting);
    let mut ledger = ink_e2e::create_call_builder::<IcsethToken>(scene.suite.token);
    let treasury = read_ok(&mut client, &alice, &token.role(TokenRole::Treasury)).await?;
    for account in suite_contracts(&scene.suite).into_iter().chain([treasury]) {
        refused!(
            &mut client,
            &scene.officer,
            token.freeze(account, CASE),
            compliance(ComplianceError::Unfreezable)
        );
    }
    let (bob, one) = (account_of(&ink_e2e::bob()), account_of(&ink_e2e::one()));
    for account in [bob, one] {
        submit(&mut client, &scene.officer, &token.freeze(account, CASE), 0)
            .await?
            .accepted()?;
    }
    refused!(
        &mut client,
        &ink_e2e::bob(),
        ledger.transfer(account_of(&honest()), ETH, vec![]),
        revert(refusal::SENDER_FROZEN)
    );
    // bob, frozen, still proposes and votes: the board whitelists a new institution
    let newcomer = account_of(&scene.officer);
    decide_all(
        &mut client,
        scene.suite.board,
        &[ink_e2e::bob(), ink_e2e::charlie()],
        &alice,
        vec![Action::Token(TokenDecision::AddInstitution {
            institution: newcomer,
            min_deposit: None,
            kyc_valid_until: kyc_until(now_ms()),
        })],
    )
    .await?;
    assert!(read(&mut client, &alice, &ledger.is_whitelisted(newcomer)).await?);
    // one, frozen, is the first of the two votes that apply the next report
    next_frame();
    report(&mut client, &scene, 0).await?;
    assert!(read(&mut client, &alice, &token.is_frozen(one)).await?);
    Ok(())
}

/// A rogue compliance role freezes every institution and re-freezes each as it lapses: after 14
/// days unconfirmed every freeze stops holding by itself, re-freezing is refused for 90 days
/// (recorded lapse or not), and the board replaces the role. The guardian's pause is never needed.
#[ink_e2e::test(backend(runtime_only(sandbox = ClockSandbox)))]
async fn a_rogue_role_is_contained_by_lapses_and_replaced<Client: E2EBackend>(
    mut client: Client,
) -> E2EResult<()> {
    let scene = setup(&mut client).await?;
    let alice = ink_e2e::alice();
    let mut token = ink_e2e::create_call_builder::<IcsethAccounting>(scene.suite.accounting);
    let mut ledger = ink_e2e::create_call_builder::<IcsethToken>(scene.suite.token);
    let victims = [
        sanctioned(),
        honest(),
        second_account(),
        ink_e2e::bob(),
        ink_e2e::one(),
    ];
    for victim in &victims {
        submit(
            &mut client,
            &scene.officer,
            &token.freeze(account_of(victim), CASE),
            0,
        )
        .await?
        .accepted()?;
    }
    let (dave, eve) = (account_of(&sanctioned()), account_of(&honest()));
    // every institution is frozen: the receiver's freeze is the first refusal
    refused!(
        &mut client,
        &sanctioned(),
        ledger.transfer(eve, ETH, vec![]),
        revert(refusal::RECEIVER_FROZEN)
    );
    // the role lifts its own unconfirmed freeze (a mistake); freezing again at once would restart
    // the 14 days for ever, so it is refused: only the board may freeze eve now
    submit(&mut client, &scene.officer, &token.lift_freeze(eve), 0)
        .await?
        .accepted()?;
    refused!(
        &mut client,
        &scene.officer,
        token.freeze(eve, CASE),
        compliance(ComplianceError::RefreezeLocked)
    );
    // the board overrules one freeze early (its decision takes four days): the role cannot
    // freeze that account again for 90 days
    let ferdie = account_of(&second_account());
    decide_all(
        &mut client,
        scene.suite.board,
        &deciders(),
        &alice,
        vec![Action::Token(TokenDecision::LiftFreeze { account: ferdie })],
    )
    .await?;
    assert!(!read(&mut client, &alice, &token.is_frozen(ferdie)).await?);
    refused!(
        &mut client,
        &scene.officer,
        token.freeze(ferdie, CASE),
        compliance(ComplianceError::RefreezeLocked)
    );
    // fourteen days from the freezes, no confirmation: every freeze has stopped holding, with no
    // transaction
    advance_ms(10 * DAY_MS);
    for victim in &victims {
        assert!(!read(&mut client, &alice, &token.is_frozen(account_of(victim))).await?);
    }
    submit(&mut client, &sanctioned(), &ledger.transfer(eve, ETH, vec![]), 0)
        .await?
        .accepted()?;
    // re-freezing is refused, before the lapse is recorded and after
    refused!(
        &mut client,
        &scene.officer,
        token.freeze(dave, CASE),
        compliance(ComplianceError::RefreezeLocked)
    );
    submit(&mut client, &ink_e2e::two(), &token.lapse_freeze(dave), 0)
        .await?
        .accepted()?;
    let lapse = events_of::<FreezeLapsed>(&scene.suite.accounting)
        .pop()
        .ok_or("no FreezeLapsed")?;
    assert_eq!(lapse.role_locked_until, lapse.lapsed_at + 90 * DAY_MS);
    refused!(
        &mut client,
        &scene.officer,
        token.freeze(dave, CASE),
        compliance(ComplianceError::RefreezeLocked)
    );
    refused!(
        &mut client,
        &scene.officer,
        token.freeze(eve, CASE),
        compliance(ComplianceError::RefreezeLocked)
    );
    // the board replaces the role; the old holder can do nothing more
    let replacement = ink_e2e::charlie();
    decide_all(
        &mut client,
        scene.suite.board,
        &deciders(),
        &alice,
        vec![Action::Token(TokenDecision::SetRole {
            role: TokenRole::Compliance,
            account: account_of(&replacement),
        })],
    )
    .await?;
    let outsider = account_of(&ink_e2e::two());
    refused!(
        &mut client,
        &scene.officer,
        token.freeze(outsider, CASE),
        compliance(ComplianceError::NotCompliance)
    );
    refused!(
        &mut client,
        &scene.officer,
        token.renew_kyc(eve, kyc_until(now_ms())),
        compliance(ComplianceError::NotCompliance)
    );
    // the lockout is the account's: the new holder of the role waits too, the board does not
    refused!(
        &mut client,
        &replacement,
        token.freeze(dave, CASE),
        compliance(ComplianceError::RefreezeLocked)
    );
    submit(&mut client, &replacement, &token.freeze(outsider, CASE), 0)
        .await?
        .accepted()?;
    // the board freezes bob, whose lapse nobody recorded: the lapse is recorded and evented first
    let bob = account_of(&ink_e2e::bob());
    let lapses_before = events_of::<FreezeLapsed>(&scene.suite.accounting).len();
    decide_all(
        &mut client,
        scene.suite.board,
        &deciders(),
        &alice,
        vec![Action::Token(TokenDecision::Freeze {
            account: bob,
            reason: CASE,
        })],
    )
    .await?;
    assert!(read(&mut client, &alice, &token.is_frozen(bob)).await?);
    let lapses = events_of::<FreezeLapsed>(&scene.suite.accounting);
    assert_eq!(lapses.len(), lapses_before + 1);
    assert_eq!(lapses[lapses_before].account, bob);
    assert!(!read(&mut client, &alice, &ledger.is_paused()).await?);
    Ok(())
}

/// KYC expires by time: at its date the institution can neither deposit nor receive, but sends
/// to a valid institution, requests and flash-exits; anyone records the expiry; the role renews
/// (within the maximum validity, never an account the board did not admit) and deposits resume.
#[ink_e2e::test(backend(runtime_only(sandbox = ClockSandbox)))]
async fn kyc_expires_by_time_and_the_role_renews_it<Client: E2EBackend>(mut client: Client) -> E2EResult<()> {
    let scene = setup(&mut client).await?;
    let alice = ink_e2e::alice();
    let mut token = ink_e2e::create_call_builder::<IcsethAccounting>(scene.suite.accounting);
    let mut ledger = ink_e2e::create_call_builder::<IcsethToken>(scene.suite.token);
    let (dave, eve) = (account_of(&sanctioned()), account_of(&honest()));
    let until = read(&mut client, &alice, &token.kyc_valid_until(dave))
        .await?
        .ok_or("no KYC date")?;
    refused!(
        &mut client,
        &ink_e2e::two(),
        token.expire_kyc(dave),
        compliance(ComplianceError::KycNotExpired)
    );
    // eve's KYC is renewed a month past dave's date (395 days ahead: within the 400 allowed)
    submit(
        &mut client,
        &scene.officer,
        &token.renew_kyc(eve, until + 30 * DAY_MS),
        0,
    )
    .await?
    .accepted()?;
    advance_ms(until - now_ms());
    assert!(!read(&mut client, &alice, &ledger.is_whitelisted(dave)).await?);
    refused!(
        &mut client,
        &honest(),
        ledger.transfer(dave, ETH, vec![]),
        revert(refusal::RECEIVER_KYC_EXPIRED)
    );
    refused!(
        &mut client,
        &sanctioned(),
        token.deposit(),
        value 10 * ETH,
        compliance(ComplianceError::KycExpired)
    );
    // every way out stays open: a transfer to eve (still valid), a request, a flash exit
    submit(&mut client, &sanctioned(), &ledger.transfer(eve, ETH, vec![]), 0)
        .await?
        .accepted()?;
    submit(&mut client, &sanctioned(), &token.request_withdrawal(ETH), 0)
        .await?
        .accepted()?;
    submit(&mut client, &sanctioned(), &token.flash_exit(ETH, 0), 0)
        .await?
        .accepted()?;
    submit(&mut client, &ink_e2e::two(), &token.expire_kyc(dave), 0)
        .await?
        .accepted()?;
    let expired = events_of::<KycExpired>(&scene.suite.accounting)
        .pop()
        .ok_or("no KycExpired")?;
    assert_eq!((expired.institution, expired.valid_until), (dave, until));
    // the role renews eve and dave within the maximum validity; never an outsider
    refused!(
        &mut client,
        &scene.officer,
        token.renew_kyc(dave, now_ms() + 401 * DAY_MS),
        compliance(ComplianceError::InvalidKycDate)
    );
    refused!(
        &mut client,
        &scene.officer,
        token.renew_kyc(account_of(&ink_e2e::two()), now_ms() + DAY_MS),
        AccountingError::UnknownInstitution
    );
    // a rogue role shortening every date would shut institutions out: only the board shortens
    refused!(
        &mut client,
        &scene.officer,
        token.renew_kyc(eve, now_ms() + DAY_MS),
        compliance(ComplianceError::KycShortened)
    );
    submit(
        &mut client,
        &scene.officer,
        &token.renew_kyc(dave, kyc_until(now_ms())),
        0,
    )
    .await?
    .accepted()?;
    let renewed = events_of::<KycRenewed>(&scene.suite.accounting);
    assert_eq!(renewed.len(), 2);
    assert_eq!(
        (renewed[1].institution, renewed[1].by),
        (dave, account_of(&scene.officer))
    );
    submit(&mut client, &honest(), &ledger.transfer(dave, ETH, vec![]), 0)
        .await?
        .accepted()?;
    submit(&mut client, &sanctioned(), &token.deposit(), ETH)
        .await?
        .accepted()?;
    assert!(read(&mut client, &alice, &ledger.is_whitelisted(dave)).await?);
    Ok(())
}
