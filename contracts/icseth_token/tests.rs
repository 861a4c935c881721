//! Unit tests of the token, off-chain: every message, its wrong callers and bad inputs, each
//! failure asserting that nothing changed (state and events); then property tests over random
//! sequences of deposits, transfers, withdrawals, finalizations and claims.
#![allow(clippy::arithmetic_side_effects)]

use crate::icseth_token::*;
use crate::psp22::{refusal, PSP22Error, PSP22Metadata, PSP22};
use icseth_abi::authority::Governed;
use icseth_abi::token::{ReportSink, TokenGovernance};
use icseth_core::authority::AuthorityDecision;
use icseth_core::{oracle::Report, Authority, GovernorError, SuiteAddresses, WiringError, ONE};
use ink::env::{test, DefaultEnvironment};
use ink::primitives::AccountId;

type Env = DefaultEnvironment;

fn accounts() -> test::DefaultAccounts<Env> {
    test::default_accounts::<Env>()
}

/// alice deploys; bob governs; charlie is the guardian; django and eve are institutions;
/// frank is an outsider.
fn governor() -> AccountId {
    accounts().bob
}
fn guardian() -> AccountId {
    accounts().charlie
}
fn inst_a() -> AccountId {
    accounts().django
}
fn inst_b() -> AccountId {
    accounts().eve
}
fn outsider() -> AccountId {
    accounts().frank
}

const MIN_DEPOSIT: u128 = ONE;

fn as_caller(who: AccountId) {
    test::set_caller::<Env>(who);
}

fn contract_id() -> AccountId {
    ink::env::account_id::<Env>()
}

fn deploy() -> IcsethToken {
    as_caller(accounts().alice);
    IcsethToken::new(
        governor(),
        guardian(),
        accounts().alice,
        accounts().alice,
        MIN_DEPOSIT,
    )
}

/// Whitelists two institutions and wires the token (deposits wait for wiring). The reserve
/// target is zero: off-chain, a deposit cannot call the wired flash-exit pool (the embedded-chain
/// suite tests the reserve's part of each deposit).
fn deploy_with_institutions() -> IcsethToken {
    let mut token = deploy();
    as_caller(governor());
    token.add_institution(inst_a(), None).unwrap();
    token.add_institution(inst_b(), None).unwrap();
    token.set_parameter(Parameter::ReserveTargetBps, 0).unwrap();
    as_caller(accounts().alice);
    token.wire(suite_with_token(contract_id())).unwrap();
    token
}

fn deposit(token: &mut IcsethToken, who: AccountId, value: u128) -> Result<u128, Error> {
    as_caller(who);
    test::set_value_transferred::<Env>(value);
    // the value arrives with the call, as on chain
    let balance = test::get_account_balance::<Env>(contract_id()).unwrap_or(0);
    test::set_account_balance::<Env>(contract_id(), balance.saturating_add(value));
    let result = token.deposit();
    test::set_value_transferred::<Env>(0);
    if result.is_err() {
        test::set_account_balance::<Env>(contract_id(), balance);
    }
    result
}

fn event_count() -> usize {
    test::recorded_events().count()
}

/// Everything a failed message must leave untouched.
#[derive(Debug, PartialEq)]
struct Snapshot {
    accounting: Accounting,
    balances: Vec<u128>,
    allowances: Vec<u128>,
    whitelisted: Vec<bool>,
    paused: bool,
    authority: Result<Authority, GovernorError>,
    roles: [Result<AccountId, Error>; 3],
    parameters: [u128; 3],
    tickets: Vec<Option<Ticket>>,
    queue_shares: u128,
    oracle: OracleState,
    loss_pending_since: Option<u64>,
    loss_hold: icseth_core::hold::LossHold,
    events: usize,
}

fn snapshot(token: &IcsethToken) -> Snapshot {
    let who = [
        accounts().alice,
        governor(),
        guardian(),
        inst_a(),
        inst_b(),
        outsider(),
    ];
    let accounting = token.accounting().unwrap();
    Snapshot {
        accounting,
        balances: who.iter().map(|a| token.balance_of(*a)).collect(),
        allowances: who
            .iter()
            .flat_map(|a| who.iter().map(|b| token.allowance(*a, *b)))
            .collect(),
        whitelisted: who.iter().map(|a| token.is_whitelisted(*a)).collect(),
        paused: token.is_paused(),
        authority: token.authority(),
        roles: [
            token.role(Role::Guardian),
            token.role(Role::StakingManager),
            token.role(Role::Treasury),
        ],
        parameters: [
            token.parameter(Parameter::MinDeposit).unwrap(),
            token.parameter(Parameter::MinWithdrawal).unwrap(),
            token.parameter(Parameter::ReserveTargetBps).unwrap(),
        ],
        tickets: (0..accounting.next_ticket + 1)
            .map(|id| token.ticket(id))
            .collect(),
        queue_shares: token.balance_of(contract_id()),
        oracle: token.oracle_state_read().unwrap(),
        loss_pending_since: token.loss_pending_since().unwrap(),
        loss_hold: token.loss_hold().unwrap(),
        events: event_count(),
    }
}

/// Runs `f`, asserts it failed with `expected`, and that nothing observable changed.
fn assert_refused<T: std::fmt::Debug, E: std::fmt::Debug + PartialEq>(
    token: &mut IcsethToken,
    expected: E,
    f: impl FnOnce(&mut IcsethToken) -> Result<T, E>,
) {
    let before = snapshot(token);
    let result = f(token);
    assert_eq!(result.err(), Some(expected));
    assert_eq!(
        snapshot(token),
        before,
        "a refused message changed state or emitted events"
    );
}

fn custom(s: &str) -> PSP22Error {
    PSP22Error::Custom(s.to_string())
}

/// The books identity: pending tickets are part of the pooled assets (their shares are locked in
/// the queue, still in the supply).
fn books_balance(token: &IcsethToken) {
    let a = token.accounting().unwrap();
    assert_eq!(
        a.buffered + a.reserve + a.in_flight + a.cl_balance,
        a.total_pooled + a.unapplied_gain + a.kept_from_tickets,
        "books out of balance: {a:?}"
    );
}

const DAY_MS: u64 = 24 * 60 * 60 * 1000;

/// The oracle contract's address in the wiring: the only account that may push reports.
fn oracle_contract() -> AccountId {
    AccountId::from([0x16; 32])
}

fn block_time() -> u64 {
    ink::env::block_timestamp::<Env>()
}

/// Wires the token (alice deploys) so that `oracle_contract()` may push reports. The reserve
/// target goes to zero first: off-chain, a deposit cannot call the wired flash-exit pool.
fn enable_oracle(token: &mut IcsethToken) {
    if token.suite().is_some() {
        return;
    }
    as_caller(governor());
    token.set_parameter(Parameter::ReserveTargetBps, 0).unwrap();
    as_caller(accounts().alice);
    token.wire(suite_with_token(contract_id())).unwrap();
}

/// The oracle contract pushes `report`; a report the bounds refuse comes back as `Report(bound)`.
fn push(token: &mut IcsethToken, report: Report) -> Result<(), Error> {
    as_caller(oracle_contract());
    token.autobalance(report)?.map_err(Error::Report)
}

/// A day later, the oracle contract pushes a report that changes no balance, its snapshot taken
/// at the new block time: it finalizes what was requested before.
fn report_a_day_later(token: &mut IcsethToken) -> Result<bool, Error> {
    test::set_block_timestamp::<Env>(block_time() + DAY_MS);
    let last = token.oracle_state_read().unwrap().last;
    let report = Report {
        epoch: last.epoch + 225,
        ref_time_ms: block_time(),
        ..last
    };
    push(token, report).map(|()| true)
}

// ---- construction, wiring, roles ------------------------------------------------------------

#[ink::test]
fn constructor_sets_roles_parameters_and_metadata() {
    let token = deploy();
    assert_eq!(token.governor(), Ok(governor()));
    assert_eq!(token.authority().map(|a| a.guardian()), Ok(guardian()));
    assert_eq!(token.pending_governor(), Ok(None));
    assert_eq!(
        token.authority().map(|a| a.storage_version()),
        Ok(icseth_core::authority::STORAGE_VERSION)
    );
    assert_eq!(token.role(Role::Guardian), Ok(guardian()));
    assert_eq!(token.role(Role::StakingManager), Ok(accounts().alice));
    assert_eq!(token.role(Role::Treasury), Ok(accounts().alice));
    assert_eq!(token.min_deposit().unwrap(), MIN_DEPOSIT);
    assert_eq!(
        token.parameter(Parameter::MinWithdrawal).unwrap(),
        DEFAULT_MIN_WITHDRAWAL
    );
    assert_eq!(token.total_supply(), 0);
    assert_eq!(token.total_pooled().unwrap(), 0);
    assert_eq!(token.rate(), Ok(ONE));
    assert_eq!(token.suite(), None);
    assert!(!token.is_paused());
    assert_eq!(token.token_name(), Some("icsETH".to_string()));
    assert_eq!(token.token_symbol(), Some("icsETH".to_string()));
    assert_eq!(token.token_decimals(), 18);
}

fn suite_with_token(token: AccountId) -> SuiteAddresses {
    SuiteAddresses {
        token,
        board: AccountId::from([0x12; 32]),
        flash_exit_pool: AccountId::from([0x13; 32]),
        operator_registry: AccountId::from([0x14; 32]),
        slash_protection: AccountId::from([0x15; 32]),
        oracle: oracle_contract(),
    }
}

#[ink::test]
fn wire_once_by_the_deployer() {
    let mut token = deploy();
    let suite = suite_with_token(contract_id());
    as_caller(governor());
    assert_refused(&mut token, Error::Wiring(WiringError::NotDeployer), |t| {
        t.wire(suite)
    });
    as_caller(accounts().alice);
    assert_refused(&mut token, Error::Wiring(WiringError::WrongSelfAddress), |t| {
        t.wire(suite_with_token(outsider()))
    });
    assert_eq!(token.wire(suite), Ok(()));
    assert_eq!(token.suite(), Some(suite));
    assert_refused(&mut token, Error::Wiring(WiringError::AlreadyWired), |t| {
        t.wire(suite)
    });
}

/// A value of another type at the authority cell's key: the token's governed messages, its pause
/// and its role reads fail with a typed error instead of trusting a default governor.
#[ink::test]
fn an_unreadable_authority_cell_fails_loudly() {
    let mut token = deploy();
    ink::env::set_contract_storage(&icseth_core::authority::AUTHORITY_KEY, &[0u8; 3]);
    let unreadable = GovernorError::AuthorityUnreadable;
    for caller in [governor(), guardian(), AccountId::from([0u8; 32])] {
        as_caller(caller);
        assert_refused(&mut token, Error::Governor(unreadable), |t| {
            t.add_institution(outsider(), None)
        });
        assert_refused(&mut token, Error::Governor(unreadable), |t| t.pause());
        assert_refused(&mut token, unreadable, |t| t.accept_governor());
    }
    assert_eq!(token.role(Role::Guardian), Err(Error::Governor(unreadable)));
    assert_eq!(token.governor(), Err(unreadable));
}

/// A value of another type at each cell a message needs (as another version of the code might
/// leave it): the message fails with `StorageUnreadable` (a transfer's checks with the PSP22
/// refusal of that name) and changes nothing, instead of acting on a default.
#[ink::test]
fn an_unreadable_cell_fails_loudly() {
    let mut token = deploy_with_institutions();
    deposit(&mut token, inst_a(), 5 * ONE).unwrap();
    let events = event_count();
    ink::env::set_contract_storage(&keys::LOSS_HOLD, &7u8);
    assert_eq!(deposit(&mut token, inst_a(), ONE), Err(Error::StorageUnreadable));
    assert_eq!(token.loss_hold(), Err(Error::StorageUnreadable));
    ink::env::set_contract_storage(&keys::BOOKS, &7u8);
    as_caller(inst_a());
    assert_eq!(token.request_withdrawal(ONE), Err(Error::StorageUnreadable));
    assert_eq!(token.accounting(), Err(Error::StorageUnreadable));
    assert_eq!(token.rate(), Err(Error::StorageUnreadable));
    ink::env::set_contract_storage(&keys::ORACLE_STATE, &7u8);
    assert_eq!(token.oracle_state_read(), Err(Error::StorageUnreadable));
    ink::env::set_contract_storage(&keys::ORACLE, &7u8);
    assert_eq!(token.oracle_config_read(), Err(Error::StorageUnreadable));
    ink::env::set_contract_storage(&keys::SETTINGS, &7u8);
    assert_eq!(token.min_deposit(), Err(Error::StorageUnreadable));
    assert_eq!(token.suite(), None);
    as_caller(governor());
    assert_eq!(
        token.set_parameter(Parameter::MinDeposit, 2 * ONE),
        Err(Error::StorageUnreadable)
    );
    // a transfer between institutions reads only their entries; one to anyone else needs the
    // settings and refuses
    as_caller(inst_a());
    assert_eq!(token.transfer(inst_b(), ONE, Vec::new()), Ok(()));
    assert_eq!(
        token.transfer(outsider(), ONE, Vec::new()),
        Err(custom(refusal::STORAGE_UNREADABLE))
    );
    assert_eq!(event_count(), events.saturating_add(1));
}

/// PSP22 fixes `total_supply`'s answer type: with the books unreadable it traps rather than state
/// a false supply.
#[ink::test]
#[should_panic(expected = "the books cell does not decode")]
fn total_supply_traps_on_unreadable_books() {
    let token = deploy();
    ink::env::set_contract_storage(&keys::BOOKS, &7u8);
    let _ = token.total_supply();
}

/// Balances live at the documented key whatever the code calls the field: an auditor reading raw
/// storage, and a later version of the code, find them at `(keys::BALANCES, account)`.
#[ink::test]
fn balances_live_at_their_fixed_storage_key() {
    let token = deploy();
    let holder = inst_a();
    assert_eq!(token.balance_of(holder), 0);
    ink::env::set_contract_storage(&(keys::BALANCES, holder), &(7 * ONE));
    assert_eq!(token.balance_of(holder), 7 * ONE);
}

/// The pool's answers as the token reads them: a refusal arrives as the pool's own error, an
/// error the token cannot decode (a variant a later pool appended) as `UnknownCalleeError`, a
/// failed call as `SuiteCallFailed`.
#[ink::test]
fn the_pools_answers_arrive_typed() {
    use icseth_abi::pool::PoolError;
    use ink::scale::Decode;
    assert_eq!(IcsethToken::pool_answer::<u8>(Ok(Ok(Ok(7)))), Ok(7));
    assert_eq!(
        IcsethToken::pool_answer::<u8>(Ok(Ok(Err(PoolError::Paused)))),
        Err(Error::Pool(PoolError::Paused))
    );
    // what an unknown variant does to the decoding of the pool's answer
    let unknown_variant = <Result<(), PoolError>>::decode(&mut &[1u8, 99][..]).unwrap_err();
    assert_eq!(
        IcsethToken::pool_answer::<u8>(Err(ink::env::Error::Decode(unknown_variant))),
        Err(Error::UnknownCalleeError)
    );
    assert_eq!(
        IcsethToken::pool_answer::<u8>(Ok(Err(ink::LangError::CouldNotReadInput))),
        Err(Error::SuiteCallFailed)
    );
    assert_eq!(
        IcsethToken::pool_answer::<u8>(Err(ink::env::Error::BufferTooSmall)),
        Err(Error::SuiteCallFailed)
    );
}

/// The registry's answers, likewise: its refusal typed (`Registry`), an undecodable answer as
/// `UnknownCalleeError`, a failed call as `RegistryCallFailed`.
#[ink::test]
fn the_registrys_answers_arrive_typed() {
    use icseth_abi::registry::RegistryError;
    use ink::scale::Decode;
    assert_eq!(IcsethToken::registry_answer::<u8>(Ok(Ok(Ok(3)))), Ok(3));
    assert_eq!(
        IcsethToken::registry_answer::<u8>(Ok(Ok(Err(RegistryError::OperatorNotActive)))),
        Err(Error::Registry(RegistryError::OperatorNotActive))
    );
    let unknown_variant = <Result<(), RegistryError>>::decode(&mut &[1u8, 200][..]).unwrap_err();
    assert_eq!(
        IcsethToken::registry_answer::<u8>(Err(ink::env::Error::Decode(unknown_variant))),
        Err(Error::UnknownCalleeError)
    );
    assert_eq!(
        IcsethToken::registry_answer::<u8>(Ok(Err(ink::LangError::CouldNotReadInput))),
        Err(Error::RegistryCallFailed)
    );
}

#[ink::test]
fn governor_handover_is_two_step() {
    let mut token = deploy();
    as_caller(outsider());
    assert_refused(&mut token, GovernorError::NotGovernor, |t| {
        t.govern_authority(AuthorityDecision::ProposeGovernor {
            successor: outsider(),
        })
    });
    as_caller(governor());
    token
        .govern_authority(AuthorityDecision::ProposeGovernor {
            successor: accounts().alice,
        })
        .unwrap();
    as_caller(outsider());
    assert_refused(&mut token, GovernorError::NotPendingGovernor, |t| {
        t.accept_governor()
    });
    as_caller(accounts().alice);
    token.accept_governor().unwrap();
    assert_eq!(token.governor(), Ok(accounts().alice));
    as_caller(governor());
    assert_refused(&mut token, Error::Governor(GovernorError::NotGovernor), |t| {
        t.set_role(Role::Guardian, outsider())
    });
}

#[ink::test]
fn set_role_and_parameters_by_the_governor_only() {
    let mut token = deploy();
    as_caller(outsider());
    assert_refused(&mut token, Error::Governor(GovernorError::NotGovernor), |t| {
        t.set_role(Role::Treasury, outsider())
    });
    assert_refused(&mut token, Error::Governor(GovernorError::NotGovernor), |t| {
        t.set_parameter(Parameter::MinDeposit, 5)
    });
    as_caller(governor());
    for (role, who) in [
        (Role::Guardian, inst_a()),
        (Role::StakingManager, inst_b()),
        (Role::Treasury, outsider()),
    ] {
        let events = event_count();
        token.set_role(role, who).unwrap();
        assert_eq!(token.role(role), Ok(who));
        // the guardian is the authority cell's: `GuardianChanged` as well as `RoleChanged`
        let emitted = if role == Role::Guardian { 2 } else { 1 };
        assert_eq!(event_count(), events + emitted);
    }
    token.set_parameter(Parameter::MinDeposit, 5 * ONE).unwrap();
    token.set_parameter(Parameter::MinWithdrawal, 7).unwrap();
    token.set_parameter(Parameter::ReserveTargetBps, 2_000).unwrap();
    assert_eq!(token.min_deposit().unwrap(), 5 * ONE);
    assert_eq!(token.parameter(Parameter::MinWithdrawal).unwrap(), 7);
    assert_eq!(token.parameter(Parameter::ReserveTargetBps).unwrap(), 2_000);
    assert_refused(&mut token, Error::InvalidParameter, |t| {
        t.set_parameter(Parameter::ReserveTargetBps, 2_001)
    });
}

#[ink::test]
fn guardian_pauses_only_the_governor_unpauses() {
    let mut token = deploy_with_institutions();
    as_caller(outsider());
    assert_refused(&mut token, Error::NotGuardian, |t| t.pause());
    as_caller(guardian());
    token.pause().unwrap();
    assert!(token.is_paused());
    assert_refused(&mut token, Error::AlreadyPaused, |t| t.pause());
    assert_refused(&mut token, Error::Governor(GovernorError::NotGovernor), |t| {
        t.unpause()
    });
    as_caller(governor());
    token.unpause().unwrap();
    assert!(!token.is_paused());
    assert_refused(&mut token, Error::NotPaused, |t| t.unpause());
    // the governor may pause too
    token.pause().unwrap();
    assert!(token.is_paused());
}

// ---- whitelist and deposit ---------------------------------------------------------------------

#[ink::test]
fn whitelist_add_and_remove() {
    let mut token = deploy();
    as_caller(outsider());
    assert_refused(&mut token, Error::Governor(GovernorError::NotGovernor), |t| {
        t.add_institution(inst_a(), None)
    });
    as_caller(governor());
    token.add_institution(inst_a(), Some(10 * ONE)).unwrap();
    assert!(token.is_whitelisted(inst_a()));
    assert_eq!(
        token.institution(inst_a()),
        Some(Institution {
            active: true,
            min_deposit: Some(10 * ONE)
        })
    );
    assert_eq!(token.min_deposit_of(inst_a()).unwrap(), 10 * ONE);
    assert_eq!(token.min_deposit_of(inst_b()).unwrap(), MIN_DEPOSIT);
    assert_refused(&mut token, Error::AlreadyWhitelisted, |t| {
        t.add_institution(inst_a(), None)
    });
    assert_refused(&mut token, Error::UnknownInstitution, |t| {
        t.remove_institution(inst_b())
    });
    as_caller(outsider());
    assert_refused(&mut token, Error::Governor(GovernorError::NotGovernor), |t| {
        t.remove_institution(inst_a())
    });
    as_caller(governor());
    token.remove_institution(inst_a()).unwrap();
    assert!(!token.is_whitelisted(inst_a()));
    assert_refused(&mut token, Error::UnknownInstitution, |t| {
        t.remove_institution(inst_a())
    });
    // a removed institution may be whitelisted again
    token.add_institution(inst_a(), None).unwrap();
    assert!(token.is_whitelisted(inst_a()));
}

#[ink::test]
fn deposit_mints_at_the_rate_and_splits_the_value() {
    let mut token = deploy_with_institutions();
    let events = event_count();
    let shares = deposit(&mut token, inst_a(), 100 * ONE).unwrap();
    assert_eq!(shares, 100 * ONE);
    assert_eq!(token.balance_of(inst_a()), 100 * ONE);
    assert_eq!(token.total_supply(), 100 * ONE);
    let books = token.accounting().unwrap();
    assert_eq!(books.total_pooled, 100 * ONE);
    // with a reserve target of zero everything is buffered for staking (the 5% split, which funds
    // the flash-exit pool, is tested on the embedded chain: tests/tests/token.rs, flash_exit.rs)
    assert_eq!(books.reserve, 0);
    assert_eq!(books.buffered, 100 * ONE);
    assert_eq!(event_count(), events + 2);
    books_balance(&token);

    deposit(&mut token, inst_b(), 100 * ONE).unwrap();
    assert_eq!(token.accounting().unwrap().buffered, 200 * ONE);
    assert_eq!(token.rate(), Ok(ONE));
    books_balance(&token);
}

/// Before, 100 ETH deposited while an account governed and before wiring left the token counting
/// 5 ETH of reserve the flash-exit pool never received. Deposits now wait for the wiring.
#[ink::test]
fn deposits_wait_for_the_wiring() {
    let mut token = deploy();
    as_caller(governor());
    token.add_institution(inst_a(), None).unwrap();
    let before = snapshot(&token);
    as_caller(inst_a());
    test::set_value_transferred::<Env>(100 * ONE);
    assert_eq!(token.deposit(), Err(Error::Wiring(WiringError::NotWired)));
    test::set_value_transferred::<Env>(0);
    assert_eq!(snapshot(&token), before);
    assert_eq!(token.accounting().unwrap().reserve, 0);
}

#[ink::test]
fn deposit_refusals_change_nothing() {
    let mut token = deploy_with_institutions();
    deposit(&mut token, inst_a(), 10 * ONE).unwrap();
    assert_refused(&mut token, Error::NotWhitelisted, |t| {
        deposit(t, outsider(), 10 * ONE)
    });
    assert_refused(&mut token, Error::BelowMinDeposit, |t| {
        deposit(t, inst_a(), MIN_DEPOSIT - 1)
    });
    as_caller(governor());
    token.remove_institution(inst_b()).unwrap();
    assert_refused(&mut token, Error::NotWhitelisted, |t| {
        deposit(t, inst_b(), 10 * ONE)
    });
    as_caller(governor());
    token.add_institution(inst_b(), Some(50 * ONE)).unwrap();
    assert_refused(&mut token, Error::BelowMinDeposit, |t| {
        deposit(t, inst_b(), 49 * ONE)
    });
    deposit(&mut token, inst_b(), 50 * ONE).unwrap();
    as_caller(guardian());
    token.pause().unwrap();
    assert_refused(&mut token, Error::Paused, |t| deposit(t, inst_a(), 10 * ONE));
}

#[ink::test]
fn a_deposit_too_small_for_one_share_is_refused() {
    let mut token = deploy_with_institutions();
    as_caller(governor());
    token.set_parameter(Parameter::MinDeposit, 0).unwrap();
    assert_refused(&mut token, Error::ZeroShares, |t| deposit(t, inst_a(), 0));
}

#[ink::test]
fn amounts_that_overflow_are_refused() {
    let mut token = deploy_with_institutions();
    as_caller(governor());
    token.set_parameter(Parameter::MinDeposit, 0).unwrap();
    deposit(&mut token, inst_a(), u128::MAX - 10).unwrap();
    assert_refused(&mut token, Error::Overflow, |t| deposit(t, inst_b(), 11));
}

#[ink::test]
fn value_sent_outside_deposit_does_not_move_the_rate() {
    let mut token = deploy_with_institutions();
    deposit(&mut token, inst_a(), 10 * ONE).unwrap();
    let rate = token.rate().unwrap();
    let books = token.accounting().unwrap();
    let balance = test::get_account_balance::<Env>(contract_id()).unwrap();
    test::set_account_balance::<Env>(contract_id(), balance + 1_000 * ONE);
    assert_eq!(token.rate().unwrap(), rate);
    assert_eq!(token.accounting().unwrap(), books);
}

#[ink::test]
fn inflation_attack_gains_nothing() {
    let mut token = deploy_with_institutions();
    as_caller(governor());
    token.set_parameter(Parameter::MinDeposit, 1).unwrap();
    // the attacker deposits the smallest amount, then "donates" a large amount directly
    let attacker_shares = deposit(&mut token, inst_a(), 1).unwrap();
    let balance = test::get_account_balance::<Env>(contract_id()).unwrap();
    test::set_account_balance::<Env>(contract_id(), balance + 10_000 * ONE);
    // the victim deposits
    let victim_deposit = 10 * ONE;
    let victim_shares = deposit(&mut token, inst_b(), victim_deposit).unwrap();
    let victim_value = token.assets_for(victim_shares).unwrap();
    assert!(
        victim_value + 1 >= victim_deposit,
        "victim lost {}",
        victim_deposit - victim_value
    );
    assert!(token.assets_for(attacker_shares).unwrap() <= 1, "attacker gained");
}

// ---- PSP22 conformance ------------------------------------------------------------------------

#[ink::test]
fn transfer_moves_shares_to_whitelisted_receivers_only() {
    let mut token = deploy_with_institutions();
    deposit(&mut token, inst_a(), 10 * ONE).unwrap();
    as_caller(inst_a());
    let events = event_count();
    token.transfer(inst_b(), 4 * ONE, vec![]).unwrap();
    assert_eq!(token.balance_of(inst_a()), 6 * ONE);
    assert_eq!(token.balance_of(inst_b()), 4 * ONE);
    assert_eq!(token.total_supply(), 10 * ONE);
    assert_eq!(event_count(), events + 1);
    let transfer = test::recorded_events().last().unwrap();
    assert_eq!(transfer.topics.len(), 3, "signature, from and to are topics");

    assert_refused(&mut token, custom(refusal::RECEIVER_NOT_WHITELISTED), |t| {
        t.transfer(outsider(), ONE, vec![])
    });
    assert_refused(&mut token, PSP22Error::InsufficientBalance, |t| {
        t.transfer(inst_b(), 6 * ONE + 1, vec![])
    });
    // zero-value and self transfers succeed without an event
    let before = snapshot(&token);
    token.transfer(inst_b(), 0, vec![]).unwrap();
    token.transfer(inst_a(), ONE, vec![]).unwrap();
    assert_eq!(snapshot(&token), before);
}

/// Shares sent to a suite contract could never move again: every transfer to one is refused,
/// except the slash-protection pool pulling a donation into itself; the board cannot whitelist a
/// suite contract either.
#[ink::test]
fn transfers_to_suite_contracts_are_refused_except_the_pools_pull() {
    let mut token = deploy_with_institutions();
    deposit(&mut token, inst_a(), 10 * ONE).unwrap();
    let suite = suite_with_token(contract_id());
    as_caller(inst_a());
    for contract in [
        suite.board,
        suite.flash_exit_pool,
        suite.operator_registry,
        suite.slash_protection,
    ] {
        assert_refused(&mut token, custom(refusal::RECEIVER_IS_SUITE_CONTRACT), |t| {
            t.transfer(contract, ONE, vec![])
        });
    }
    assert_refused(&mut token, custom(refusal::RECEIVER_IS_THE_QUEUE), |t| {
        t.transfer(contract_id(), ONE, vec![])
    });
    token.approve(suite.board, ONE).unwrap();
    token.approve(suite.slash_protection, 2 * ONE).unwrap();
    // a spender moving shares into a suite contract other than itself: refused
    as_caller(suite.board);
    assert_refused(&mut token, custom(refusal::RECEIVER_IS_SUITE_CONTRACT), |t| {
        t.transfer_from(inst_a(), suite.board, ONE, vec![])
    });
    as_caller(suite.slash_protection);
    assert_refused(&mut token, custom(refusal::RECEIVER_IS_SUITE_CONTRACT), |t| {
        t.transfer_from(inst_a(), suite.operator_registry, ONE, vec![])
    });
    // the pool pulls a donation into itself
    token
        .transfer_from(inst_a(), suite.slash_protection, ONE, vec![])
        .unwrap();
    assert_eq!(token.balance_of(suite.slash_protection), ONE);
    as_caller(governor());
    for contract in [suite.board, suite.slash_protection, contract_id()] {
        assert_refused(&mut token, Error::SuiteContract, |t| {
            t.add_institution(contract, None)
        });
        // nor may fee shares be minted to one
        assert_refused(&mut token, Error::SuiteContract, |t| {
            t.set_role(Role::Treasury, contract)
        });
    }
}

#[ink::test]
fn removed_institutions_cannot_receive_but_can_send() {
    let mut token = deploy_with_institutions();
    deposit(&mut token, inst_a(), 10 * ONE).unwrap();
    as_caller(governor());
    token.remove_institution(inst_b()).unwrap();
    as_caller(inst_a());
    assert_refused(&mut token, custom(refusal::RECEIVER_NOT_WHITELISTED), |t| {
        t.transfer(inst_b(), ONE, vec![])
    });
    // a removed institution can still send to a whitelisted one
    token.transfer(inst_b(), 0, vec![]).unwrap();
    as_caller(governor());
    token.add_institution(inst_b(), None).unwrap();
    as_caller(inst_a());
    token.transfer(inst_b(), ONE, vec![]).unwrap();
    as_caller(governor());
    token.remove_institution(inst_b()).unwrap();
    as_caller(inst_b());
    token.transfer(inst_a(), ONE, vec![]).unwrap();
    assert_eq!(token.balance_of(inst_b()), 0);
}

#[ink::test]
fn transfers_are_paused_with_the_token() {
    let mut token = deploy_with_institutions();
    deposit(&mut token, inst_a(), 10 * ONE).unwrap();
    as_caller(inst_a());
    token.approve(inst_b(), ONE).unwrap();
    as_caller(guardian());
    token.pause().unwrap();
    as_caller(inst_a());
    assert_refused(&mut token, custom(refusal::PAUSED), |t| {
        t.transfer(inst_b(), ONE, vec![])
    });
    as_caller(inst_b());
    assert_refused(&mut token, custom(refusal::PAUSED), |t| {
        t.transfer_from(inst_a(), inst_b(), ONE, vec![])
    });
}

#[ink::test]
fn transfer_from_spends_the_allowance() {
    let mut token = deploy_with_institutions();
    deposit(&mut token, inst_a(), 10 * ONE).unwrap();
    as_caller(inst_a());
    token.approve(inst_b(), 3 * ONE).unwrap();
    as_caller(inst_b());
    assert_refused(&mut token, PSP22Error::InsufficientAllowance, |t| {
        t.transfer_from(inst_a(), inst_b(), 3 * ONE + 1, vec![])
    });
    assert_refused(&mut token, custom(refusal::RECEIVER_NOT_WHITELISTED), |t| {
        t.transfer_from(inst_a(), outsider(), ONE, vec![])
    });
    let events = event_count();
    token.transfer_from(inst_a(), inst_b(), 2 * ONE, vec![]).unwrap();
    assert_eq!(event_count(), events + 2, "Approval and Transfer");
    assert_eq!(token.allowance(inst_a(), inst_b()), ONE);
    assert_eq!(token.balance_of(inst_a()), 8 * ONE);
    assert_eq!(token.balance_of(inst_b()), 2 * ONE);
    // an allowance above the balance still fails on the balance
    as_caller(inst_a());
    token.approve(inst_b(), 100 * ONE).unwrap();
    as_caller(inst_b());
    assert_refused(&mut token, PSP22Error::InsufficientBalance, |t| {
        t.transfer_from(inst_a(), inst_b(), 9 * ONE, vec![])
    });
    // zero-value transfer_from changes nothing
    let before = snapshot(&token);
    token.transfer_from(inst_a(), inst_b(), 0, vec![]).unwrap();
    assert_eq!(snapshot(&token), before);
    // exactly the allowance, exactly the whole balance: both edges are allowed
    as_caller(inst_a());
    token.approve(inst_b(), 8 * ONE).unwrap();
    as_caller(inst_b());
    token.transfer_from(inst_a(), inst_b(), 8 * ONE, vec![]).unwrap();
    assert_eq!(token.allowance(inst_a(), inst_b()), 0);
    assert_eq!(token.balance_of(inst_a()), 0);
}

#[ink::test]
fn allowances_approve_increase_decrease() {
    let mut token = deploy_with_institutions();
    as_caller(inst_a());
    let events = event_count();
    token.approve(inst_b(), 5).unwrap();
    assert_eq!(token.allowance(inst_a(), inst_b()), 5);
    token.increase_allowance(inst_b(), 3).unwrap();
    assert_eq!(token.allowance(inst_a(), inst_b()), 8);
    token.decrease_allowance(inst_b(), 2).unwrap();
    assert_eq!(token.allowance(inst_a(), inst_b()), 6);
    assert_eq!(event_count(), events + 3);
    assert_refused(&mut token, PSP22Error::InsufficientAllowance, |t| {
        t.decrease_allowance(inst_b(), 7)
    });
    token.decrease_allowance(inst_b(), 6).unwrap();
    assert_eq!(token.allowance(inst_a(), inst_b()), 0);
    token.increase_allowance(inst_b(), u128::MAX).unwrap();
    token.increase_allowance(inst_b(), 1).unwrap();
    assert_eq!(token.allowance(inst_a(), inst_b()), u128::MAX, "saturates");
    // approving oneself is a no-op
    let before = snapshot(&token);
    token.approve(inst_a(), 9).unwrap();
    token.increase_allowance(inst_b(), 0).unwrap();
    token.decrease_allowance(inst_b(), 0).unwrap();
    assert_eq!(snapshot(&token), before);
}

// ---- withdrawal queue -------------------------------------------------------------------------

#[ink::test]
fn request_finalize_claim() {
    let mut token = deploy_with_institutions();
    enable_oracle(&mut token);
    deposit(&mut token, inst_a(), 10 * ONE).unwrap();
    as_caller(inst_a());
    let id = token.request_withdrawal(4 * ONE).unwrap();
    assert_eq!(id, 0);
    let ticket = token.ticket(id).unwrap();
    assert_eq!(
        (ticket.owner, ticket.shares, ticket.assets, ticket.status),
        (inst_a(), 4 * ONE, 4 * ONE, TicketStatus::Pending)
    );
    // the shares moved into the queue: no longer the holder's, still in the supply
    assert_eq!(token.balance_of(inst_a()), 6 * ONE);
    assert_eq!(token.balance_of(contract_id()), 4 * ONE);
    assert_eq!(token.total_supply(), 10 * ONE);
    assert_eq!(token.total_pooled().unwrap(), 10 * ONE);
    assert_eq!(token.accounting().unwrap().queued, 4 * ONE);
    assert_eq!(token.rate(), Ok(ONE));
    books_balance(&token);
    assert_eq!(token.tickets_of(inst_a(), 0, 10), Ok(vec![(id, ticket)]));
    assert_eq!(token.ticket_count_of(inst_a()), 1);

    // no report since the request: nothing finalizes it, nothing pays it
    assert_refused(&mut token, Error::NotFinalized, |t| t.claim(id));
    as_caller(outsider());
    assert_refused(&mut token, Error::NothingDue, |t| t.finalize_withdrawals(10));
    assert_eq!(report_a_day_later(&mut token), Ok(true));
    assert_eq!(
        token.ticket(id).unwrap().status,
        TicketStatus::Finalized { payout: 4 * ONE }
    );
    assert_eq!(token.balance_of(contract_id()), 0, "the shares were burned");
    assert_eq!(token.total_supply(), 6 * ONE);
    assert_eq!(token.total_pooled().unwrap(), 6 * ONE);
    assert_eq!(token.accounting().unwrap().queued, 0);
    books_balance(&token);
    assert_eq!(token.accounting().unwrap().claimable, 4 * ONE);
    as_caller(outsider());
    assert_refused(&mut token, Error::NothingDue, |t| t.finalize_withdrawals(10));
    assert_refused(&mut token, Error::NotTicketOwner, |t| t.claim(id));
    as_caller(inst_a());
    let before = test::get_account_balance::<Env>(inst_a()).unwrap();
    assert_eq!(token.claim(id), Ok(4 * ONE));
    assert_eq!(
        test::get_account_balance::<Env>(inst_a()).unwrap(),
        before + 4 * ONE
    );
    assert_eq!(token.accounting().unwrap().claimable, 0);
    assert_refused(&mut token, Error::AlreadyClaimed, |t| t.claim(id));
    assert_refused(&mut token, Error::UnknownTicket, |t| t.claim(7));
}

#[ink::test]
fn request_refusals_change_nothing() {
    let mut token = deploy_with_institutions();
    deposit(&mut token, inst_a(), 10 * ONE).unwrap();
    as_caller(inst_a());
    assert_refused(&mut token, Error::ZeroAmount, |t| t.request_withdrawal(0));
    assert_refused(&mut token, Error::InsufficientShares, |t| {
        t.request_withdrawal(10 * ONE + 1)
    });
    assert_refused(&mut token, Error::BelowMinWithdrawal, |t| {
        t.request_withdrawal(DEFAULT_MIN_WITHDRAWAL - 1)
    });
    // exactly the minimum (at a rate of one, shares and value are equal) is a request
    let id = token.request_withdrawal(DEFAULT_MIN_WITHDRAWAL).unwrap();
    assert_eq!(token.ticket(id).unwrap().assets, DEFAULT_MIN_WITHDRAWAL);
    as_caller(outsider());
    assert_refused(&mut token, Error::InsufficientShares, |t| {
        t.request_withdrawal(ONE)
    });
    as_caller(guardian());
    token.pause().unwrap();
    as_caller(inst_a());
    assert_refused(&mut token, Error::Paused, |t| t.request_withdrawal(ONE));
}

#[ink::test]
fn a_removed_institution_can_still_request_and_claim_even_while_paused() {
    let mut token = deploy_with_institutions();
    enable_oracle(&mut token);
    deposit(&mut token, inst_a(), 10 * ONE).unwrap();
    as_caller(governor());
    token.remove_institution(inst_a()).unwrap();
    as_caller(inst_a());
    let id = token.request_withdrawal(9 * ONE).unwrap();
    assert_eq!(report_a_day_later(&mut token), Ok(true));
    as_caller(guardian());
    token.pause().unwrap();
    as_caller(inst_a());
    assert_eq!(token.claim(id), Ok(9 * ONE));
}

#[ink::test]
fn finalization_is_fifo_and_stops_at_an_unfundable_ticket() {
    let mut token = deploy_with_institutions();
    test::set_block_timestamp::<Env>(DAY_MS);
    deposit(&mut token, inst_a(), 100 * ONE).unwrap(); // 100 buffered
                                                       // two reports: 0.02 ETH of consensus rewards raise the rate, so 100 shares are worth more
                                                       // than the 100 ETH buffered
    let first_report = Report {
        epoch: 10,
        ref_time_ms: block_time(),
        ..Report::default()
    };
    push(&mut token, first_report).unwrap();
    test::set_block_timestamp::<Env>(2 * DAY_MS);
    push(
        &mut token,
        Report {
            epoch: 235,
            ref_time_ms: block_time(),
            cl_balance: ONE / 50,
            ..first_report
        },
    )
    .unwrap();
    as_caller(inst_a());
    let first = token.request_withdrawal(60 * ONE).unwrap();
    // 60 + 39.99 shares are worth more than the 100 ETH buffered
    let second = token.request_withdrawal(3_999 * ONE / 100).unwrap();
    let third = token.request_withdrawal(ONE / 100).unwrap();
    assert_eq!(report_a_day_later(&mut token), Ok(true));
    assert!(matches!(
        token.ticket(first).unwrap().status,
        TicketStatus::Finalized { .. }
    ));
    assert_eq!(token.ticket(second).unwrap().status, TicketStatus::Pending);
    assert_eq!(
        token.ticket(third).unwrap().status,
        TicketStatus::Pending,
        "no skipping ahead"
    );
    assert_eq!(token.accounting().unwrap().next_to_finalize, second);
    // the buffer cannot fund the next ticket: refused, nothing changes
    as_caller(outsider());
    assert_refused(&mut token, Error::InsufficientBuffer, |t| {
        t.finalize_withdrawals(10)
    });
    books_balance(&token);
    // funds arrive (a deposit): the report's finalization continues, same cut-off and rate
    deposit(&mut token, inst_b(), 10 * ONE).unwrap(); // about 50 buffered >= 40
    as_caller(inst_b());
    let late = token.request_withdrawal(ONE).unwrap();
    as_caller(outsider());
    assert_eq!(token.finalize_withdrawals(10), Ok(2));
    assert_eq!(
        token.ticket(late).unwrap().status,
        TicketStatus::Pending,
        "requested after the report's snapshot: it waits for the next report"
    );
    assert_refused(&mut token, Error::NothingDue, |t| t.finalize_withdrawals(10));
    books_balance(&token);
}

#[ink::test]
fn finalization_is_paged() {
    let mut token = deploy_with_institutions();
    enable_oracle(&mut token);
    deposit(&mut token, inst_a(), 100 * ONE).unwrap();
    as_caller(inst_a());
    for _ in 0..40 {
        token.request_withdrawal(ONE).unwrap();
    }
    assert_eq!(report_a_day_later(&mut token), Ok(true));
    assert_eq!(
        token.accounting().unwrap().next_to_finalize,
        u64::from(MAX_FINALIZE_PER_REPORT)
    );
    as_caller(outsider());
    assert_refused(&mut token, Error::ZeroAmount, |t| t.finalize_withdrawals(0));
    assert_eq!(token.finalize_withdrawals(3), Ok(3));
    assert_eq!(
        token.finalize_withdrawals(u32::MAX),
        Ok(40 - MAX_FINALIZE_PER_REPORT - 3)
    );
    assert_refused(&mut token, Error::NothingDue, |t| t.finalize_withdrawals(1));
    assert_eq!(
        token.tickets_of(inst_a(), 0, MAX_PAGE + 1),
        Err(Error::PageTooLarge)
    );
    let page = token.tickets_of(inst_a(), 30, MAX_PAGE).unwrap();
    assert_eq!(page.len(), 10);
    assert_eq!(page[0].0, 30);
    assert!(token.tickets_of(inst_a(), 40, 5).unwrap().is_empty());
}

// ---- properties -------------------------------------------------------------------------------

mod properties {
    use super::*;
    use proptest::prelude::*;

    #[derive(Debug, Clone)]
    enum Op {
        Deposit { who: usize, milli_eth: u128 },
        Transfer { from: usize, to: usize, percent: u128 },
        Request { who: usize, percent: u128 },
        Finalize { max: u32 },
        Claim { who: usize, index: u32 },
        Report,
        Wait { hours: u64 },
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (0..3usize, 1_000u128..5_000_000).prop_map(|(who, milli_eth)| Op::Deposit { who, milli_eth }),
            (0..3usize, 0..3usize, 0u128..=100).prop_map(|(from, to, percent)| Op::Transfer {
                from,
                to,
                percent
            }),
            (0..3usize, 1u128..=100).prop_map(|(who, percent)| Op::Request { who, percent }),
            (0u32..5).prop_map(|max| Op::Finalize { max }),
            (0..3usize, 0u32..8).prop_map(|(who, index)| Op::Claim { who, index }),
            Just(Op::Report),
            (1u64..48).prop_map(|hours| Op::Wait { hours }),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// Over any sequence: balances (the queue's included) sum to the supply, the books
        /// balance, the queue holds exactly the pending tickets' shares, tickets finalize first in
        /// first out, only after a report whose snapshot follows their request, never for more
        /// than their request value, and no sequence returns more than was put in.
        #[test]
        fn books_supply_and_queue_hold_over_any_sequence(ops in proptest::collection::vec(op(), 1..40)) {
            test::run_test::<Env, _>(|_| {
                let holders = [inst_a(), inst_b(), accounts().charlie];
                let mut token = deploy();
                as_caller(governor());
                for h in holders {
                    token.add_institution(h, None).unwrap();
                }
                enable_oracle(&mut token);
                let mut deposited: u128 = 0;
                let mut claimed: u128 = 0;
                let mut rate = token.rate().unwrap();
                let mut seen: Vec<TicketStatus> = Vec::new();
                for op in ops {
                    match op {
                        Op::Deposit { who, milli_eth } => {
                            let value = milli_eth * ONE / 1_000;
                            let shares = deposit(&mut token, holders[who], value).unwrap();
                            // rounding favours the protocol: the shares are never worth more than paid
                            assert!(token.assets_for(shares).unwrap() <= value);
                            deposited += value;
                        }
                        Op::Transfer { from, to, percent } => {
                            as_caller(holders[from]);
                            let value = token.balance_of(holders[from]) * percent / 100;
                            token.transfer(holders[to], value, vec![]).unwrap();
                        }
                        Op::Request { who, percent } => {
                            as_caller(holders[who]);
                            let shares = token.balance_of(holders[who]) * percent / 100;
                            let _ = token.request_withdrawal(shares);
                        }
                        Op::Finalize { max } => {
                            as_caller(outsider());
                            let before = snapshot(&token);
                            if token.finalize_withdrawals(max).is_err() {
                                assert_eq!(snapshot(&token), before, "a refused finalization changed state");
                            }
                        }
                        Op::Claim { who, index } => {
                            as_caller(holders[who]);
                            let ids = token.tickets_of(holders[who], index, 1).unwrap();
                            if let Some((id, _)) = ids.first() {
                                if let Ok(paid) = token.claim(*id) {
                                    claimed += paid;
                                }
                            }
                        }
                        Op::Report => {
                            report_a_day_later(&mut token).unwrap();
                        }
                        Op::Wait { hours } => {
                            test::set_block_timestamp::<Env>(block_time() + hours * 60 * 60 * 1000);
                        }
                    }
                    let locked = token.balance_of(contract_id());
                    let sum: u128 = holders.iter().map(|h| token.balance_of(*h)).sum::<u128>() + locked;
                    assert_eq!(sum, token.total_supply(), "balances and the queue sum to the supply");
                    books_balance(&token);
                    let books = token.accounting().unwrap();
                    let batch = token.oracle_state_read().unwrap().batch;
                    let mut pending_shares = 0;
                    let mut pending_value = 0;
                    for id in 0..books.next_ticket {
                        let ticket = token.ticket(id).unwrap();
                        let index = usize::try_from(id).unwrap();
                        let previous = seen.get(index).copied().unwrap_or(TicketStatus::Pending);
                        match ticket.status {
                            TicketStatus::Pending => {
                                assert!(id >= books.next_to_finalize, "first in, first out");
                                pending_shares += ticket.shares;
                                pending_value += ticket.assets;
                            }
                            TicketStatus::Finalized { payout } | TicketStatus::Claimed { payout } => {
                                assert!(id < books.next_to_finalize, "first in, first out");
                                assert!(payout <= ticket.assets, "paid above the request value");
                                if previous == TicketStatus::Pending {
                                    assert!(
                                        ticket.requested_at < batch.reference_ms,
                                        "finalized by a report whose snapshot preceded the request"
                                    );
                                }
                            }
                        }
                        if index < seen.len() {
                            seen[index] = ticket.status;
                        } else {
                            seen.push(ticket.status);
                        }
                    }
                    assert_eq!(locked, pending_shares, "the queue holds the pending tickets' shares");
                    assert_eq!(books.queued, pending_value, "queued is the pending request value");
                    assert!(claimed + books.claimable + books.buffered + books.reserve <= deposited);
                    assert!(claimed <= deposited, "no sequence returns more than was put in");
                    let now = token.rate().unwrap();
                    assert!(now >= rate, "the rate fell without a loss: {rate} -> {now}");
                    rate = now;
                }
                Ok(())
            })
            .unwrap();
        }
    }
}

#[ink::test]
fn govern_applies_each_decision_as_its_message() {
    use icseth_core::governance::TokenDecision;
    let mut token = deploy();
    as_caller(outsider());
    assert_refused(&mut token, Error::Governor(GovernorError::NotGovernor), |t| {
        t.govern(TokenDecision::AddInstitution {
            institution: inst_a(),
            min_deposit: None,
        })
    });
    as_caller(governor());
    token
        .govern(TokenDecision::AddInstitution {
            institution: inst_a(),
            min_deposit: Some(3 * ONE),
        })
        .unwrap();
    assert_eq!(token.min_deposit_of(inst_a()).unwrap(), 3 * ONE);
    assert_refused(&mut token, Error::AlreadyWhitelisted, |t| {
        t.govern(TokenDecision::AddInstitution {
            institution: inst_a(),
            min_deposit: None,
        })
    });
    token
        .govern(TokenDecision::SetParameter {
            parameter: Parameter::MinWithdrawal,
            value: 9,
        })
        .unwrap();
    assert_eq!(token.parameter(Parameter::MinWithdrawal).unwrap(), 9);
    assert_refused(&mut token, Error::InvalidParameter, |t| {
        t.govern(TokenDecision::SetParameter {
            parameter: Parameter::ReserveTargetBps,
            value: 10_000,
        })
    });
    token
        .govern(TokenDecision::SetRole {
            role: Role::Treasury,
            account: inst_b(),
        })
        .unwrap();
    assert_eq!(token.role(Role::Treasury), Ok(inst_b()));
    token.govern(TokenDecision::Pause).unwrap();
    assert!(token.is_paused());
    assert_refused(&mut token, Error::AlreadyPaused, |t| {
        t.govern(TokenDecision::Pause)
    });
    token.govern(TokenDecision::Unpause).unwrap();
    assert!(!token.is_paused());
    token
        .govern(TokenDecision::RemoveInstitution {
            institution: inst_a(),
        })
        .unwrap();
    assert!(!token.is_whitelisted(inst_a()));
    assert_refused(&mut token, Error::UnknownInstitution, |t| {
        t.govern(TokenDecision::RemoveInstitution {
            institution: inst_a(),
        })
    });
}

#[ink::test]
fn flash_exit_refusals_before_the_pool_is_asked() {
    let mut token = deploy_with_institutions();
    deposit(&mut token, inst_a(), 10 * ONE).unwrap();
    as_caller(inst_a());
    assert_refused(&mut token, Error::ZeroAmount, |t| t.flash_exit(0, 0));
    assert_refused(&mut token, Error::InsufficientShares, |t| {
        t.flash_exit(10 * ONE + 1, 0)
    });
    as_caller(guardian());
    token.pause().unwrap();
    as_caller(inst_a());
    assert_refused(&mut token, Error::Paused, |t| t.flash_exit(ONE, 0));
}

#[ink::test]
fn refill_refusals_before_the_pool_is_asked() {
    let mut token = deploy_with_institutions();
    deposit(&mut token, inst_a(), 100 * ONE).unwrap(); // 100 buffered, no reserve target
    as_caller(outsider());
    assert_refused(&mut token, Error::NotStakingManager, |t| t.refill_reserve(ONE));
    as_caller(accounts().alice); // the staking manager
    assert_refused(&mut token, Error::ZeroAmount, |t| t.refill_reserve(0));
    assert_refused(&mut token, Error::AboveRefillHeadroom, |t| t.refill_reserve(1));
    as_caller(governor());
    token.set_parameter(Parameter::ReserveTargetBps, 1_000).unwrap(); // target 10 ETH
    as_caller(inst_a());
    token.request_withdrawal(97 * ONE).unwrap(); // 97 of the 100 buffered are owed to the ticket
    as_caller(accounts().alice);
    // 10 ETH short of the target, but only 3 ETH of the buffer are not owed to the ticket
    assert_refused(&mut token, Error::AboveRefillHeadroom, |t| {
        t.refill_reserve(3 * ONE + 1)
    });
}

#[ink::test]
fn stake_refusals_before_the_registry_is_asked() {
    let mut token = deploy_with_institutions();
    deposit(&mut token, inst_a(), 100 * ONE).unwrap(); // 100 ETH buffered
    as_caller(outsider());
    assert_refused(&mut token, Error::NotStakingManager, |t| t.stake(0, 1));
    as_caller(accounts().alice); // the staking manager
    assert_refused(&mut token, Error::ZeroAmount, |t| t.stake(0, 0));
    assert_refused(&mut token, Error::InsufficientBuffer, |t| t.stake(0, 4));
    as_caller(inst_a());
    token.request_withdrawal(40 * ONE).unwrap(); // 40 of the 100 buffered are owed to the ticket
    as_caller(accounts().alice);
    assert_refused(&mut token, Error::BufferOwedToTickets, |t| t.stake(0, 2));
}

// ---- oracle reports ----------------------------------------------------------------------------

mod oracle {
    use super::*;
    use icseth_core::governance::TokenDecision;
    use icseth_core::hold::{HoldBasis, HoldUntil, LossHold, LONE_HOLD_MS};
    use icseth_core::oracle::{Bounds, Fees, LossAllowance, Report, ReportError, MAX_LOSS_ALLOWANCE_MS};

    const DAY: u64 = 24 * 60 * 60 * 1000;

    fn at(ms: u64) {
        test::set_block_timestamp::<Env>(ms);
    }

    /// 100 ETH deposited, the token wired to the oracle contract, the vault is alice.
    fn setup() -> IcsethToken {
        at(DAY);
        let mut token = deploy_with_institutions();
        enable_oracle(&mut token);
        deposit(&mut token, inst_a(), 100 * ONE).unwrap();
        token
    }

    fn send_inflow(token: &mut IcsethToken, amount: u128) {
        as_caller(accounts().alice);
        test::set_value_transferred::<Env>(amount);
        let balance = test::get_account_balance::<Env>(contract_id()).unwrap_or(0);
        test::set_account_balance::<Env>(contract_id(), balance + amount);
        token.receive_inflow().unwrap();
        test::set_value_transferred::<Env>(0);
    }

    fn apply(token: &mut IcsethToken, report: Report) -> Result<(), Error> {
        push(token, report)
    }

    fn books_hold(token: &IcsethToken) {
        books_balance(token);
    }

    /// The oracle contract pushes `report`; asserts the bounds refused it with `bound`
    /// (answered as a value, so the oracle contract can record the refusal) and that nothing
    /// changed.
    fn assert_bound_refuses(token: &mut IcsethToken, bound: ReportError, report: Report) {
        let before = snapshot(token);
        as_caller(oracle_contract());
        assert_eq!(token.autobalance(report), Ok(Err(bound)));
        assert_eq!(snapshot(token), before, "a refused report changed state");
    }

    #[ink::test]
    fn only_the_oracle_contract_pushes_reports_and_votes() {
        at(DAY);
        let mut unwired = deploy();
        let report = Report {
            epoch: 10,
            ref_time_ms: block_time(),
            ..Report::default()
        };
        as_caller(oracle_contract());
        assert_refused(&mut unwired, Error::Wiring(WiringError::NotWired), |t| {
            t.autobalance(report)
        });
        assert_refused(&mut unwired, Error::Wiring(WiringError::NotWired), |t| {
            t.note_report_vote(report, inst_a(), Some(HoldBasis::Lone))
        });
        let mut token = setup();
        for who in [governor(), accounts().alice, inst_a(), outsider()] {
            as_caller(who);
            assert_refused(&mut token, Error::NotOracle, |t| t.autobalance(report));
            assert_refused(&mut token, Error::NotOracle, |t| {
                t.note_report_vote(report, inst_a(), Some(HoldBasis::Corroborated))
            });
        }
        apply(&mut token, report).unwrap();
        assert_eq!(token.oracle_state_read().unwrap().last.epoch, 10);
        // stale epochs and snapshots are refused by the bounds
        at(3 * DAY);
        assert_bound_refuses(&mut token, ReportError::StaleEpoch, report);
        assert_bound_refuses(
            &mut token,
            ReportError::StaleReference,
            Report { epoch: 11, ..report },
        );
        assert_bound_refuses(
            &mut token,
            ReportError::ReferenceInFuture,
            Report {
                epoch: 11,
                ref_time_ms: block_time() + 1,
                ..report
            },
        );
        books_hold(&token);
    }

    #[ink::test]
    fn a_vote_without_a_loss_holds_nothing() {
        let mut token = setup();
        let report = Report {
            epoch: 10,
            ref_time_ms: block_time(),
            ..Report::default()
        };
        let before = snapshot(&token);
        as_caller(oracle_contract());
        for basis in [None, Some(HoldBasis::Lone), Some(HoldBasis::Corroborated)] {
            assert_eq!(token.note_report_vote(report, inst_a(), basis), Ok((0, None)));
        }
        assert_eq!(snapshot(&token), before);
        assert_eq!(token.loss_pending_since().unwrap(), None);
    }

    /// A report a day after `setup`'s first that reports 0.02 ETH of consensus rewards, and a
    /// vote two days later (at `3 * DAY`) for a report that takes them back: a 0.02 ETH loss.
    fn with_a_loss_to_vote() -> (IcsethToken, Report) {
        let mut token = setup();
        let first = Report {
            epoch: 10,
            ref_time_ms: block_time(),
            ..Report::default()
        };
        apply(&mut token, first).unwrap();
        at(2 * DAY);
        let gain = Report {
            epoch: 235,
            ref_time_ms: block_time(),
            cl_balance: ONE / 50,
            ..first
        };
        apply(&mut token, gain).unwrap();
        at(3 * DAY);
        let loss = Report {
            epoch: 460,
            ref_time_ms: block_time(),
            cl_balance: 0,
            ..gain
        };
        (token, loss)
    }

    #[ink::test]
    fn a_lone_hold_lapses_and_a_corroborated_one_lasts_until_its_report() {
        let (mut token, loss) = with_a_loss_to_vote();
        let lost = ONE / 50;
        // a member barred from lone holds: the loss is answered, nothing is held
        as_caller(oracle_contract());
        assert_eq!(token.note_report_vote(loss, inst_b(), None), Ok((lost, None)));
        assert_eq!(token.loss_hold_until().unwrap(), None);
        assert_eq!(token.loss_hold().unwrap(), LossHold::default());
        // a lone member's vote holds deposits and flash exits until its frame's report or 36 h
        as_caller(oracle_contract());
        assert_eq!(
            token.note_report_vote(loss, inst_b(), Some(HoldBasis::Lone)),
            Ok((lost, Some(3 * DAY + LONE_HOLD_MS)))
        );
        let lone = HoldUntil {
            until_ref: 3 * DAY,
            lapses_at: Some(3 * DAY + LONE_HOLD_MS),
        };
        assert_eq!(token.loss_hold_until().unwrap(), Some(lone));
        assert_eq!(token.loss_pending_since().unwrap(), Some(3 * DAY));
        // voting again 35 hours on neither moves the lapse nor starts a new hold
        at(3 * DAY + 35 * 60 * 60 * 1000);
        as_caller(oracle_contract());
        assert_eq!(
            token.note_report_vote(loss, inst_b(), Some(HoldBasis::Lone)),
            Ok((lost, Some(3 * DAY + LONE_HOLD_MS)))
        );
        at(3 * DAY);
        assert_eq!(deposit(&mut token, inst_a(), ONE), Err(Error::LossPending(lone)));
        as_caller(inst_a());
        assert_eq!(token.flash_exit(ONE, 0), Err(Error::LossPending(lone)));
        at(3 * DAY + LONE_HOLD_MS - 1);
        assert_eq!(deposit(&mut token, inst_a(), ONE), Err(Error::LossPending(lone)));
        // it lapses to the millisecond
        at(3 * DAY + LONE_HOLD_MS);
        assert_eq!(token.loss_hold_until().unwrap(), None);
        assert_eq!(token.loss_pending_since().unwrap(), None);
        deposit(&mut token, inst_a(), ONE).unwrap();
        // two members' votes: corroborated, it outlasts 36 hours
        as_caller(oracle_contract());
        assert_eq!(
            token.note_report_vote(loss, inst_b(), Some(HoldBasis::Corroborated)),
            Ok((lost, None))
        );
        let corroborated = HoldUntil {
            until_ref: 3 * DAY,
            lapses_at: None,
        };
        at(13 * DAY);
        assert_eq!(
            deposit(&mut token, inst_a(), ONE),
            Err(Error::LossPending(corroborated))
        );
        // a report reaching its snapshot ends it (here one without the loss: applying a loss
        // asks the protection pool, which only the embedded chain can run)
        apply(
            &mut token,
            Report {
                cl_balance: ONE / 50,
                ..loss
            },
        )
        .unwrap();
        assert_eq!(token.loss_hold().unwrap(), LossHold::default());
        deposit(&mut token, inst_a(), ONE).unwrap();
        books_hold(&token);
    }

    #[ink::test]
    fn a_refused_quorum_loss_holds_until_a_report_reaches_its_snapshot() {
        let (mut token, loss) = with_a_loss_to_vote();
        // agreed by a quorum, refused as too early (six hours after the last report): the hold is
        // corroborated
        at(2 * DAY + DAY / 4);
        let early = Report {
            ref_time_ms: 2 * DAY + DAY / 4,
            ..loss
        };
        as_caller(oracle_contract());
        assert_eq!(token.autobalance(early), Ok(Err(ReportError::TooEarly)));
        assert_eq!(
            token.loss_hold_until().unwrap(),
            Some(HoldUntil {
                until_ref: 2 * DAY + DAY / 4,
                lapses_at: None
            })
        );
        at(30 * DAY);
        assert!(token.loss_hold_until().unwrap().is_some(), "no lapse");
        // a report at its snapshot ends it (one without the loss: see above)
        apply(
            &mut token,
            Report {
                cl_balance: ONE / 50,
                ..early
            },
        )
        .unwrap();
        assert_eq!(token.loss_hold_until().unwrap(), None);
    }

    #[ink::test]
    fn the_board_allows_a_loss_for_a_stated_time() {
        let mut token = setup();
        as_caller(outsider());
        assert_refused(&mut token, Error::Governor(GovernorError::NotGovernor), |t| {
            t.govern(TokenDecision::AllowLoss {
                amount: ONE,
                valid_for_ms: DAY,
            })
        });
        as_caller(governor());
        for (amount, valid_for_ms) in [(0, DAY), (ONE, 0), (ONE, MAX_LOSS_ALLOWANCE_MS + 1)] {
            assert_refused(&mut token, Error::InvalidLossAllowance, |t| {
                t.govern(TokenDecision::AllowLoss { amount, valid_for_ms })
            });
        }
        token
            .govern(TokenDecision::AllowLoss {
                amount: 15 * ONE,
                valid_for_ms: MAX_LOSS_ALLOWANCE_MS,
            })
            .unwrap();
        assert_eq!(
            token.oracle_state_read().unwrap().loss_allowance,
            Some(LossAllowance {
                amount: 15 * ONE,
                expires_at: DAY + MAX_LOSS_ALLOWANCE_MS,
            })
        );
        // an applied report without a loss keeps it; one after its expiry drops it
        apply(
            &mut token,
            Report {
                epoch: 10,
                ref_time_ms: block_time(),
                ..Report::default()
            },
        )
        .unwrap();
        assert!(token.oracle_state_read().unwrap().loss_allowance.is_some());
        at(DAY + MAX_LOSS_ALLOWANCE_MS);
        apply(
            &mut token,
            Report {
                epoch: 20,
                ref_time_ms: block_time(),
                ..Report::default()
            },
        )
        .unwrap();
        assert_eq!(token.oracle_state_read().unwrap().loss_allowance, None);
    }

    #[ink::test]
    fn rewards_are_restaked_with_fees_to_the_treasury_and_the_pool() {
        let mut token = setup();
        apply(
            &mut token,
            Report {
                epoch: 10,
                ref_time_ms: block_time(),
                ..Report::default()
            },
        )
        .unwrap();
        at(2 * DAY);
        let reward = 2 * ONE / 100; // within a day's 10%-a-year bound on 100 ETH
        send_inflow(&mut token, reward);
        assert_eq!(token.accounting().unwrap().inflow, reward);
        let rate = token.rate().unwrap();
        let supply = token.total_supply();
        apply(
            &mut token,
            Report {
                epoch: 235,
                ref_time_ms: block_time(),
                el_rewards_total: reward,
                ..Report::default()
            },
        )
        .unwrap();
        let books = token.accounting().unwrap();
        assert_eq!(books.inflow, 0);
        assert_eq!(books.total_pooled, 100 * ONE + reward);
        books_hold(&token);
        // the treasury (alice) and the protection pool received shares worth 15% of it, 10% and 5%
        let fee_shares = token.total_supply() - supply;
        let protection = suite_with_token(contract_id()).slash_protection;
        let (treasury_shares, pool_shares) =
            (token.balance_of(accounts().alice), token.balance_of(protection));
        assert_eq!(treasury_shares + pool_shares, fee_shares);
        assert!(treasury_shares.abs_diff(2 * pool_shares) <= 2);
        let fee_value = token.assets_for(fee_shares).unwrap();
        assert!(fee_value <= reward * 15 / 100 && fee_value + 10 >= reward * 15 / 100);
        // holders' rate rose by the gain net of fees
        let new_rate = token.rate().unwrap();
        let expected = rate + (reward - reward * 15 / 100) * ONE / (100 * ONE);
        assert!(new_rate.abs_diff(expected) <= 2, "{new_rate} vs {expected}");
        // balances still sum to supply
        let sum: u128 = [accounts().alice, inst_a(), inst_b(), protection]
            .iter()
            .map(|a| token.balance_of(*a))
            .sum();
        assert_eq!(sum, token.total_supply());
    }

    #[ink::test]
    fn bounds_refuse_and_change_nothing() {
        let mut token = setup();
        apply(
            &mut token,
            Report {
                epoch: 10,
                ref_time_ms: block_time(),
                ..Report::default()
            },
        )
        .unwrap();
        // too early: 12 hours must pass
        at(DAY + DAY / 4);
        send_inflow(&mut token, ONE);
        assert_bound_refuses(
            &mut token,
            ReportError::TooEarly,
            Report {
                epoch: 20,
                ref_time_ms: block_time(),
                ..Report::default()
            },
        );
        at(2 * DAY);
        // 1 ETH of rewards in a day on 100 ETH is far above 10% a year
        let big = Report {
            epoch: 30,
            ref_time_ms: block_time(),
            el_rewards_total: ONE,
            ..Report::default()
        };
        assert_bound_refuses(&mut token, ReportError::IncreaseAboveBound, big);
        // more rewards than the vault sent
        let unsent = Report {
            epoch: 40,
            ref_time_ms: block_time(),
            el_rewards_total: 2 * ONE,
            ..Report::default()
        };
        assert_bound_refuses(&mut token, ReportError::InflowNotReceived, unsent);
        // validators never seen funded
        let phantom = Report {
            epoch: 50,
            ref_time_ms: block_time(),
            validators: 1,
            ..Report::default()
        };
        assert_bound_refuses(&mut token, ReportError::ValidatorsAboveFunded, phantom);
    }

    #[ink::test]
    fn governed_oracle_settings() {
        let mut token = setup();
        as_caller(outsider());
        assert_refused(&mut token, Error::Governor(GovernorError::NotGovernor), |t| {
            t.govern(TokenDecision::SetBounds {
                bounds: Bounds::DEFAULT,
            })
        });
        as_caller(governor());
        let too_loose = Bounds {
            max_rate_increase_bps: 101,
            ..Bounds::DEFAULT
        };
        assert_refused(&mut token, Error::InvalidBounds, |t| {
            t.govern(TokenDecision::SetBounds { bounds: too_loose })
        });
        let greedy = Fees {
            protocol_bps: 2_000,
            protection_bps: 600,
        };
        assert_refused(&mut token, Error::InvalidBounds, |t| {
            t.govern(TokenDecision::SetFees { fees: greedy })
        });
        let tighter = Bounds {
            max_decrease_bps: 300,
            ..Bounds::DEFAULT
        };
        token
            .govern(TokenDecision::SetBounds { bounds: tighter })
            .unwrap();
        assert_eq!(token.oracle_config_read().unwrap().bounds, tighter);
        let fees = Fees {
            protocol_bps: 800,
            protection_bps: 700,
        };
        token.govern(TokenDecision::SetFees { fees }).unwrap();
        assert_eq!(token.oracle_config_read().unwrap().fees, fees);
        token.set_role(Role::Vault, inst_b()).unwrap();
        assert_eq!(token.role(Role::Vault), Ok(inst_b()));
    }

    #[ink::test]
    fn only_the_vault_sends_inflow() {
        let mut token = setup();
        as_caller(outsider());
        test::set_value_transferred::<Env>(ONE);
        assert_refused(&mut token, Error::NotVault, |t| t.receive_inflow());
        as_caller(accounts().alice);
        test::set_value_transferred::<Env>(0);
        assert_refused(&mut token, Error::ZeroAmount, |t| t.receive_inflow());
    }

    #[ink::test]
    fn an_applied_report_finalizes_pending_tickets() {
        let mut token = setup();
        as_caller(inst_a());
        let tickets: Vec<u64> = (0..MAX_FINALIZE_PER_REPORT + 2)
            .map(|_| token.request_withdrawal(ONE).unwrap())
            .collect();
        // a snapshot taken at the requests' block does not cover them; one a millisecond later does
        at(DAY + 1);
        apply(
            &mut token,
            Report {
                epoch: 10,
                ref_time_ms: block_time(),
                ..Report::default()
            },
        )
        .unwrap();
        let finalized = tickets
            .iter()
            .filter(|id| matches!(token.ticket(**id).unwrap().status, TicketStatus::Finalized { .. }))
            .count();
        // a bounded page per report; anyone continues
        assert_eq!(finalized, MAX_FINALIZE_PER_REPORT as usize);
        as_caller(outsider());
        assert_eq!(token.finalize_withdrawals(10), Ok(2));
        books_hold(&token);
    }

    mod sandwich {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(32))]
            /// Deposit just before the largest report the bounds allow (R), request right after
            /// it: the ticket is worth at most what holding through R earned (the deposit plus
            /// its pro-rata share of R's gain net of fees), nothing finalizes it before the next
            /// report, and the next report's gain is not the ticket's: it pays that value exactly.
            #[test]
            fn depositing_around_a_report_earns_at_most_holding_through_it(
                deposit_eth in 1u128..5_000,
                days in 1u64..30,
            ) {
                test::run_test::<Env, _>(|_| {
                    let mut token = setup();
                    apply(&mut token, Report { epoch: 10, ref_time_ms: block_time(), ..Report::default() }).unwrap();
                    at(DAY + days * DAY);
                    let value = deposit_eth * ONE;
                    let shares = deposit(&mut token, inst_b(), value).unwrap();
                    // the largest gain the annual bound allows after `days`
                    let pooled = token.total_pooled().unwrap();
                    let gain = pooled / 10 * u128::from(days) * DAY as u128 / (365 * DAY as u128);
                    send_inflow(&mut token, gain);
                    let supply = token.total_supply();
                    apply(&mut token, Report { epoch: 20, ref_time_ms: block_time(), el_rewards_total: gain, ..Report::default() }).unwrap();
                    let applied = gain.min(pooled / 1_000);
                    let net = applied - applied / 10 - applied / 20;
                    let pro_rata = icseth_core::math::mul_div_down(net, shares, supply).unwrap();
                    as_caller(inst_b());
                    let ticket = token.request_withdrawal(shares).unwrap();
                    // the ticket's recorded value is the most it can ever pay (fee shares round
                    // down in the holders' favour: a unit or two)
                    let most = token.ticket(ticket).unwrap().assets;
                    assert!(most <= value + pro_rata + 2, "ticket {most}, deposit {value} + share {pro_rata}");
                    as_caller(outsider());
                    assert_eq!(token.finalize_withdrawals(MAX_FINALIZE_PER_CALL), Err(Error::NothingDue));
                    // a day later, the next report with the day's largest gain finalizes it (A's
                    // deposit meanwhile makes sure the buffer funds it: 5% of B's went to the reserve)
                    deposit(&mut token, inst_a(), value / 10 + 100 * ONE).unwrap();
                    at(block_time() + DAY);
                    let pooled = token.total_pooled().unwrap();
                    let next_gain = pooled / 10 / 365;
                    send_inflow(&mut token, next_gain);
                    apply(&mut token, Report { epoch: 30, ref_time_ms: block_time(), el_rewards_total: gain + next_gain, ..Report::default() }).unwrap();
                    assert_eq!(token.ticket(ticket).unwrap().status, TicketStatus::Finalized { payout: most });
                    as_caller(inst_b());
                    assert_eq!(token.claim(ticket), Ok(most));
                    Ok(())
                })
                .unwrap();
            }
        }
    }
}
