//! Unit tests of the accounting, off-chain: every message's wrong callers and bad inputs up to its
//! first crossing (off-chain, a contract cannot call another), each refusal asserting that nothing
//! changed (state and events), and the messages that never cross. The rules themselves are tested
//! in `icseth_core::books`; every success path that crosses to the ledger, the pool or the registry
//! runs end to end on the embedded chain (`tests/`).
#![allow(clippy::arithmetic_side_effects)]

use crate::icseth_accounting::*;
use icseth_abi::accounting::{AccountingGovernance, ReportSink};
use icseth_abi::authority::Governed;
use icseth_core::authority::AuthorityDecision;
use icseth_core::compliance::{ComplianceError, ComplianceRules, FreezeBy, FreezeRecord};
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

/// Receives the protocol fee (not alice: off-chain, the contract's own address is alice's).
fn treasury() -> AccountId {
    AccountId::from([0x42; 32])
}

/// alice deploys and is the staking manager and the vault.
fn deploy() -> IcsethAccounting {
    as_caller(accounts().alice);
    IcsethAccounting::new(governor(), guardian(), accounts().alice, treasury(), MIN_DEPOSIT)
}

/// The board's record of an institution, written where `add_institution` writes it (off-chain
/// the ledger's half of the decision cannot be called).
fn whitelist_here(account: AccountId, min_deposit: Option<u128>) {
    ink::env::set_contract_storage(
        &(keys::INSTITUTIONS, account),
        &Institution {
            active: true,
            min_deposit,
            kyc_valid_until: kyc(),
            kyc_expiry_recorded: false,
        },
    );
}

/// A KYC date a year after the current block time.
fn kyc() -> u64 {
    block_time() + 365 * icseth_core::compliance::DAY_MS
}

/// Two institutions on the accounting's record, the suite wired, the reserve target zero.
fn deploy_with_institutions() -> IcsethAccounting {
    let mut token = deploy();
    whitelist_here(inst_a(), None);
    whitelist_here(inst_b(), None);
    as_caller(governor());
    token.set_parameter(Parameter::ReserveTargetBps, 0).unwrap();
    as_caller(accounts().alice);
    token.wire(suite_with_accounting(contract_id())).unwrap();
    token
}

fn deposit(token: &mut IcsethAccounting, who: AccountId, value: u128) -> Result<u128, Error> {
    as_caller(who);
    test::set_value_transferred::<Env>(value);
    let result = token.deposit();
    test::set_value_transferred::<Env>(0);
    result
}

fn event_count() -> usize {
    test::recorded_events().count()
}

/// Everything a failed message must leave untouched.
#[derive(Debug, PartialEq)]
struct Snapshot {
    accounting: Accounting,
    whitelisted: Vec<bool>,
    authority: Result<Authority, GovernorError>,
    roles: [Result<AccountId, Error>; 4],
    parameters: [u128; 6],
    freezes: Vec<icseth_core::compliance::FreezeRecord>,
    kyc: Vec<Option<u64>>,
    institutions: Vec<Option<Institution>>,
    tickets: Vec<Option<Ticket>>,
    oracle: OracleState,
    loss_pending_since: Option<u64>,
    loss_hold: icseth_core::hold::LossHold,
    guardian_paused_at: u64,
    events: usize,
}

fn snapshot(token: &IcsethAccounting) -> Snapshot {
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
        whitelisted: who.iter().map(|a| token.is_whitelisted(*a)).collect(),
        authority: token.authority(),
        roles: [
            token.role(Role::Guardian),
            token.role(Role::StakingManager),
            token.role(Role::Treasury),
            token.role(Role::Compliance),
        ],
        parameters: [
            token.parameter(Parameter::MinDeposit).unwrap(),
            token.parameter(Parameter::MinWithdrawal).unwrap(),
            token.parameter(Parameter::ReserveTargetBps).unwrap(),
            token.parameter(Parameter::KycMaxValidityMs).unwrap(),
            token.parameter(Parameter::FreezeConfirmWindowMs).unwrap(),
            token.parameter(Parameter::RefreezeLockoutMs).unwrap(),
        ],
        freezes: who.iter().map(|a| token.freeze_of(*a)).collect(),
        kyc: who.iter().map(|a| token.kyc_valid_until(*a)).collect(),
        institutions: who.iter().map(|a| token.institution(*a)).collect(),
        tickets: (0..accounting.next_ticket + 1)
            .map(|id| token.ticket(id))
            .collect(),
        oracle: token.oracle_state_read().unwrap(),
        loss_pending_since: token.loss_pending_since().unwrap(),
        loss_hold: token.loss_hold().unwrap(),
        guardian_paused_at: token.guardian_paused_at(),
        events: event_count(),
    }
}

/// Runs `f`, asserts it failed with `expected`, and that nothing observable changed.
fn assert_refused<T: std::fmt::Debug, E: std::fmt::Debug + PartialEq>(
    token: &mut IcsethAccounting,
    expected: E,
    f: impl FnOnce(&mut IcsethAccounting) -> Result<T, E>,
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

/// The books identity: pending tickets are part of the pooled assets (their shares are locked in
/// the queue, still in the supply).
fn books_balance(token: &IcsethAccounting) {
    let a = token.accounting().unwrap();
    assert_eq!(
        a.buffered + a.reserve + a.in_flight + a.cl_balance,
        a.total_pooled + a.unapplied_gain + a.kept_from_tickets,
        "books out of balance: {a:?}"
    );
}

/// The oracle contract's address in the wiring: the only account that may push reports.
fn oracle_contract() -> AccountId {
    AccountId::from([0x16; 32])
}

fn block_time() -> u64 {
    ink::env::block_timestamp::<Env>()
}

/// Wires the token (alice deploys) so that `oracle_contract()` may push reports. The reserve
/// target goes to zero first: off-chain, a deposit cannot call the wired flash-exit pool.
fn enable_oracle(token: &mut IcsethAccounting) {
    if token.suite().is_some() {
        return;
    }
    as_caller(governor());
    token.set_parameter(Parameter::ReserveTargetBps, 0).unwrap();
    as_caller(accounts().alice);
    token.wire(suite_with_accounting(contract_id())).unwrap();
}

/// The oracle contract pushes `report`; a report the bounds refuse comes back as `Report(bound)`.
fn push(token: &mut IcsethAccounting, report: Report) -> Result<(), Error> {
    as_caller(oracle_contract());
    token.autobalance(report)?.map_err(Error::Report)
}

// ---- construction, wiring, roles ------------------------------------------------------------

#[ink::test]
fn constructor_sets_roles_and_parameters() {
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
    assert_eq!(token.role(Role::Treasury), Ok(treasury()));
    assert_eq!(token.min_deposit().unwrap(), MIN_DEPOSIT);
    assert_eq!(
        token.parameter(Parameter::MinWithdrawal).unwrap(),
        DEFAULT_MIN_WITHDRAWAL
    );
    assert_eq!(token.accounting().unwrap().total_shares, 0);
    assert_eq!(token.total_pooled().unwrap(), 0);
    assert_eq!(token.rate(), Ok(ONE));
    assert_eq!(token.suite(), None);
    assert_eq!(token.guardian_paused_at(), 0);
}

/// The suite's addresses with `accounting` in the accounting's slot.
fn suite_with_accounting(accounting: AccountId) -> SuiteAddresses {
    SuiteAddresses {
        token: AccountId::from([0x11; 32]),
        board: AccountId::from([0x12; 32]),
        flash_exit_pool: AccountId::from([0x13; 32]),
        operator_registry: AccountId::from([0x14; 32]),
        slash_protection: AccountId::from([0x15; 32]),
        oracle: oracle_contract(),
        accounting,
    }
}

#[ink::test]
fn wire_once_by_the_deployer() {
    let mut token = deploy();
    let suite = suite_with_accounting(contract_id());
    as_caller(governor());
    assert_refused(&mut token, Error::Wiring(WiringError::NotDeployer), |t| {
        t.wire(suite)
    });
    as_caller(accounts().alice);
    assert_refused(&mut token, Error::Wiring(WiringError::WrongSelfAddress), |t| {
        t.wire(suite_with_accounting(outsider()))
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
            t.add_institution(outsider(), None, kyc())
        });
        assert_refused(&mut token, Error::Governor(unreadable), |t| t.pause());
        assert_refused(&mut token, unreadable, |t| t.accept_governor());
    }
    assert_eq!(token.role(Role::Guardian), Err(Error::Governor(unreadable)));
    assert_eq!(token.governor(), Err(unreadable));
}

/// A value of another type at each cell a message needs (as another version of the code might
/// leave it): the message fails with `StorageUnreadable` and changes nothing, instead of acting on
/// a default.
#[ink::test]
fn an_unreadable_cell_fails_loudly() {
    let mut token = deploy_with_institutions();
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
    assert_eq!(event_count(), events);
}

/// The pool's answers as the token reads them: a refusal arrives as the pool's own error, an
/// error the token cannot decode (a variant a later pool appended) as `UnknownCalleeError`, a
/// failed call as `SuiteCallFailed`.
#[ink::test]
fn the_pools_answers_arrive_typed() {
    use icseth_abi::pool::PoolError;
    use ink::scale::Decode;
    assert_eq!(IcsethAccounting::pool_answer::<u8>(Ok(Ok(Ok(7)))), Ok(7));
    assert_eq!(
        IcsethAccounting::pool_answer::<u8>(Ok(Ok(Err(PoolError::Paused)))),
        Err(Error::Pool(PoolError::Paused))
    );
    // what an unknown variant does to the decoding of the pool's answer
    let unknown_variant = <Result<(), PoolError>>::decode(&mut &[1u8, 99][..]).unwrap_err();
    assert_eq!(
        IcsethAccounting::pool_answer::<u8>(Err(ink::env::Error::Decode(unknown_variant))),
        Err(Error::UnknownCalleeError)
    );
    assert_eq!(
        IcsethAccounting::pool_answer::<u8>(Ok(Err(ink::LangError::CouldNotReadInput))),
        Err(Error::SuiteCallFailed)
    );
    assert_eq!(
        IcsethAccounting::pool_answer::<u8>(Err(ink::env::Error::BufferTooSmall)),
        Err(Error::SuiteCallFailed)
    );
}

/// The registry's answers, likewise: its refusal typed (`Registry`), an undecodable answer as
/// `UnknownCalleeError`, a failed call as `RegistryCallFailed`.
#[ink::test]
fn the_registrys_answers_arrive_typed() {
    use icseth_abi::registry::RegistryError;
    use ink::scale::Decode;
    assert_eq!(IcsethAccounting::registry_answer::<u8>(Ok(Ok(Ok(3)))), Ok(3));
    assert_eq!(
        IcsethAccounting::registry_answer::<u8>(Ok(Ok(Err(RegistryError::OperatorNotActive)))),
        Err(Error::Registry(RegistryError::OperatorNotActive))
    );
    let unknown_variant = <Result<(), RegistryError>>::decode(&mut &[1u8, 200][..]).unwrap_err();
    assert_eq!(
        IcsethAccounting::registry_answer::<u8>(Err(ink::env::Error::Decode(unknown_variant))),
        Err(Error::UnknownCalleeError)
    );
    assert_eq!(
        IcsethAccounting::registry_answer::<u8>(Ok(Err(ink::LangError::CouldNotReadInput))),
        Err(Error::RegistryCallFailed)
    );
}

/// The ledger's refusals as the accounting answers them: the pause's three and a caller's too few
/// shares as its own variants, anything else (a fault between the two contracts) as the ledger's.
#[ink::test]
fn the_ledgers_refusals_arrive_typed() {
    use icseth_abi::ledger::LedgerError;
    let own = |e, callers| IcsethAccounting::ledger_refusal(e, callers);
    assert_eq!(own(LedgerError::Paused, false), Error::Paused);
    assert_eq!(own(LedgerError::AlreadyPaused, false), Error::AlreadyPaused);
    assert_eq!(own(LedgerError::NotPaused, false), Error::NotPaused);
    assert_eq!(
        own(LedgerError::InsufficientShares, true),
        Error::InsufficientShares
    );
    // too few shares in a settlement: the queue or the pool disagrees with the books
    assert_eq!(
        own(LedgerError::InsufficientShares, false),
        Error::Ledger(LedgerError::InsufficientShares)
    );
    for fault in [
        LedgerError::NotWhitelisted,
        LedgerError::AlreadyWhitelisted,
        LedgerError::UnknownInstitution,
        LedgerError::SuiteContract,
        LedgerError::NotAccounting,
        LedgerError::StorageUnreadable,
        LedgerError::Overflow,
    ] {
        assert_eq!(own(fault.clone(), true), Error::Ledger(fault));
    }
}

/// A zero treasury would make the ledger refuse every report's fee shares, stalling the oracle:
/// neither the wiring nor the board accepts one.
#[ink::test]
fn the_treasury_is_never_the_zero_account() {
    let zero = AccountId::from([0; 32]);
    as_caller(accounts().alice);
    let mut token = IcsethAccounting::new(governor(), guardian(), accounts().alice, zero, MIN_DEPOSIT);
    assert_refused(&mut token, Error::SuiteContract, |t| {
        t.wire(suite_with_accounting(contract_id()))
    });
    let mut token = deploy_with_institutions();
    as_caller(governor());
    assert_refused(&mut token, Error::SuiteContract, |t| {
        t.set_role(Role::Treasury, zero)
    });
    assert_refused(&mut token, Error::SuiteContract, |t| {
        t.add_institution(zero, None, kyc())
    });
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

/// Only the guardian or the governor pauses, only the governor unpauses; the pause itself lives
/// in the ledger (end to end: `tests/tests/governance_attacks.rs`, the permission matrix).
#[ink::test]
fn pause_and_unpause_refuse_the_wrong_caller_before_the_ledger() {
    let mut token = deploy_with_institutions();
    for caller in [outsider(), inst_a(), accounts().alice] {
        as_caller(caller);
        assert_refused(&mut token, Error::NotGuardian, |t| t.pause());
        assert_refused(&mut token, Error::Governor(GovernorError::NotGovernor), |t| {
            t.unpause()
        });
    }
    as_caller(guardian());
    assert_refused(&mut token, Error::Governor(GovernorError::NotGovernor), |t| {
        t.unpause()
    });
    // before the wiring there is no ledger to pause
    let mut unwired = deploy();
    as_caller(guardian());
    assert_refused(&mut unwired, Error::Wiring(WiringError::NotWired), |t| t.pause());
}

// ---- whitelist and deposit ---------------------------------------------------------------------

/// The board's whitelist decisions refuse before the ledger is asked: a wrong caller, a suite
/// contract, an institution already whitelisted, one that is not; a tier sets the minimum.
#[ink::test]
fn whitelist_refusals_before_the_ledger_is_asked() {
    let mut token = deploy_with_institutions();
    as_caller(outsider());
    assert_refused(&mut token, Error::Governor(GovernorError::NotGovernor), |t| {
        t.add_institution(outsider(), None, kyc())
    });
    assert_refused(&mut token, Error::Governor(GovernorError::NotGovernor), |t| {
        t.remove_institution(inst_a())
    });
    as_caller(governor());
    let suite = suite_with_accounting(contract_id());
    for contract in [suite.token, suite.board, suite.slash_protection, contract_id()] {
        assert_refused(&mut token, Error::SuiteContract, |t| {
            t.add_institution(contract, None, kyc())
        });
        // nor may fee shares be minted to one
        assert_refused(&mut token, Error::SuiteContract, |t| {
            t.set_role(Role::Treasury, contract)
        });
    }
    assert_refused(&mut token, Error::AlreadyWhitelisted, |t| {
        t.add_institution(inst_a(), None, kyc())
    });
    assert_refused(&mut token, Error::UnknownInstitution, |t| {
        t.remove_institution(outsider())
    });
    whitelist_here(outsider(), Some(10 * ONE));
    assert!(token.is_whitelisted(outsider()));
    assert_eq!(
        token.institution(outsider()),
        Some(Institution {
            active: true,
            min_deposit: Some(10 * ONE),
            kyc_valid_until: kyc(),
            kyc_expiry_recorded: false,
        })
    );
    assert_eq!(token.min_deposit_of(outsider()).unwrap(), 10 * ONE);
    assert_eq!(token.min_deposit_of(inst_b()).unwrap(), MIN_DEPOSIT);
}

/// Before, 100 ETH deposited while an account governed and before wiring left the token counting
/// 5 ETH of reserve the flash-exit pool never received. Deposits wait for the wiring.
#[ink::test]
fn deposits_wait_for_the_wiring() {
    let mut token = deploy();
    whitelist_here(inst_a(), None);
    let before = snapshot(&token);
    assert_eq!(
        deposit(&mut token, inst_a(), 100 * ONE),
        Err(Error::Wiring(WiringError::NotWired))
    );
    assert_eq!(snapshot(&token), before);
    assert_eq!(token.accounting().unwrap().reserve, 0);
}

#[ink::test]
fn deposit_refusals_before_the_ledger_is_asked() {
    let mut token = deploy_with_institutions();
    assert_refused(&mut token, Error::NotWhitelisted, |t| {
        deposit(t, outsider(), 10 * ONE)
    });
    assert_refused(&mut token, Error::BelowMinDeposit, |t| {
        deposit(t, inst_a(), MIN_DEPOSIT - 1)
    });
    whitelist_here(inst_b(), Some(50 * ONE));
    assert_refused(&mut token, Error::BelowMinDeposit, |t| {
        deposit(t, inst_b(), 49 * ONE)
    });
    // a removed institution's record stays, inactive
    ink::env::set_contract_storage(
        &(keys::INSTITUTIONS, inst_b()),
        &Institution {
            active: false,
            min_deposit: None,
            kyc_valid_until: kyc(),
            kyc_expiry_recorded: false,
        },
    );
    assert_refused(&mut token, Error::NotWhitelisted, |t| {
        deposit(t, inst_b(), 10 * ONE)
    });
}

// ---- PSP22 conformance ------------------------------------------------------------------------

// ---- withdrawal queue -------------------------------------------------------------------------

#[ink::test]
fn request_refusals_before_the_ledger_is_asked() {
    let mut token = deploy_with_institutions();
    as_caller(inst_a());
    assert_refused(&mut token, Error::ZeroAmount, |t| t.request_withdrawal(0));
    // at a rate of one, shares and value are equal
    assert_refused(&mut token, Error::BelowMinWithdrawal, |t| {
        t.request_withdrawal(DEFAULT_MIN_WITHDRAWAL - 1)
    });
    let mut unwired = deploy();
    set_books(10 * ONE, 0);
    as_caller(inst_a());
    assert_refused(&mut unwired, Error::Wiring(WiringError::NotWired), |t| {
        t.request_withdrawal(DEFAULT_MIN_WITHDRAWAL)
    });
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
            kyc_valid_until: kyc(),
        })
    });
    // the whitelist's and the pause's decisions reach the ledger: end to end (`tests/`)
    as_caller(governor());
    whitelist_here(inst_a(), Some(3 * ONE));
    assert_eq!(token.min_deposit_of(inst_a()).unwrap(), 3 * ONE);
    assert_refused(&mut token, Error::AlreadyWhitelisted, |t| {
        t.govern(TokenDecision::AddInstitution {
            institution: inst_a(),
            min_deposit: None,
            kyc_valid_until: kyc(),
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
    assert_refused(&mut token, Error::UnknownInstitution, |t| {
        t.govern(TokenDecision::RemoveInstitution {
            institution: inst_b(),
        })
    });
}

/// Books as `deposited` ETH of deposits and a pending ticket worth `queued` leave them (written
/// where the books live: off-chain neither can reach the ledger).
fn set_books(deposited: u128, queued: u128) {
    ink::env::set_contract_storage(
        &keys::BOOKS,
        &Accounting {
            total_shares: deposited,
            total_pooled: deposited,
            buffered: deposited,
            queued,
            next_ticket: u64::from(queued > 0),
            ..Accounting::default()
        },
    );
}

#[ink::test]
fn flash_exit_refusals_before_the_ledger_is_asked() {
    let mut token = deploy_with_institutions();
    set_books(10 * ONE, 0);
    as_caller(inst_a());
    assert_refused(&mut token, Error::ZeroAmount, |t| t.flash_exit(0, 0));
    let mut unwired = deploy();
    as_caller(inst_a());
    assert_refused(&mut unwired, Error::Wiring(WiringError::NotWired), |t| {
        t.flash_exit(ONE, 0)
    });
}

#[ink::test]
fn refill_refusals_before_the_pool_is_asked() {
    let mut token = deploy_with_institutions();
    set_books(100 * ONE, 0); // 100 buffered, no reserve target
    as_caller(outsider());
    assert_refused(&mut token, Error::NotStakingManager, |t| t.refill_reserve(ONE));
    as_caller(accounts().alice); // the staking manager
    assert_refused(&mut token, Error::ZeroAmount, |t| t.refill_reserve(0));
    assert_refused(&mut token, Error::AboveRefillHeadroom, |t| t.refill_reserve(1));
    as_caller(governor());
    token.set_parameter(Parameter::ReserveTargetBps, 1_000).unwrap(); // target 10 ETH
    set_books(100 * ONE, 97 * ONE); // 97 of the 100 buffered are owed to a ticket
    as_caller(accounts().alice);
    // 10 ETH short of the target, but only 3 ETH of the buffer are not owed to the ticket
    assert_refused(&mut token, Error::AboveRefillHeadroom, |t| {
        t.refill_reserve(3 * ONE + 1)
    });
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

    /// The accounting wired to the oracle contract, the vault is alice, and books as 100 ETH of
    /// deposits leave them (written where the books live: off-chain a deposit cannot mint in the
    /// ledger). Fees are zero, so that applying a gain mints nothing in the ledger either.
    fn setup() -> IcsethAccounting {
        at(DAY);
        let mut token = deploy_with_institutions();
        enable_oracle(&mut token);
        ink::env::set_contract_storage(
            &keys::BOOKS,
            &Accounting {
                total_shares: 100 * ONE,
                total_pooled: 100 * ONE,
                buffered: 100 * ONE,
                ..Accounting::default()
            },
        );
        as_caller(governor());
        token
            .govern(TokenDecision::SetFees {
                fees: Fees {
                    protocol_bps: 0,
                    protection_bps: 0,
                },
            })
            .unwrap();
        token
    }

    fn send_inflow(token: &mut IcsethAccounting, amount: u128) {
        as_caller(accounts().alice);
        test::set_value_transferred::<Env>(amount);
        let balance = test::get_account_balance::<Env>(contract_id()).unwrap_or(0);
        test::set_account_balance::<Env>(contract_id(), balance + amount);
        token.receive_inflow().unwrap();
        test::set_value_transferred::<Env>(0);
    }

    fn apply(token: &mut IcsethAccounting, report: Report) -> Result<(), Error> {
        push(token, report)
    }

    fn books_hold(token: &IcsethAccounting) {
        books_balance(token);
    }

    /// The oracle contract pushes `report`; asserts the bounds refused it with `bound`
    /// (answered as a value, so the oracle contract can record the refusal) and that nothing
    /// changed.
    fn assert_bound_refuses(token: &mut IcsethAccounting, bound: ReportError, report: Report) {
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
    fn with_a_loss_to_vote() -> (IcsethAccounting, Report) {
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
        assert_eq!(token.loss_hold_until().unwrap(), None, "deposits are open again");
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
        assert_eq!(token.loss_hold_until().unwrap(), None, "deposits are open again");
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
}

// ---- compliance -------------------------------------------------------------------------------
// Each success path crosses to the ledger (end to end: `tests/tests/compliance.rs`); here, every
// refusal before the crossing, with nothing changed.

fn compliance_officer() -> AccountId {
    AccountId::from([0x21; 32])
}

fn with_compliance_officer() -> IcsethAccounting {
    let mut token = deploy_with_institutions();
    as_caller(governor());
    token.set_role(Role::Compliance, compliance_officer()).unwrap();
    token
}

#[ink::test]
fn the_compliance_role_starts_as_the_guardian_and_the_board_appoints_it() {
    let mut token = deploy();
    assert_eq!(token.role(Role::Compliance), Ok(guardian()));
    as_caller(outsider());
    assert_refused(&mut token, Error::Governor(GovernorError::NotGovernor), |t| {
        t.set_role(Role::Compliance, outsider())
    });
    as_caller(governor());
    token.set_role(Role::Compliance, compliance_officer()).unwrap();
    assert_eq!(token.role(Role::Compliance), Ok(compliance_officer()));
}

#[ink::test]
fn only_the_role_or_the_board_freezes_lifts_and_renews() {
    let mut token = with_compliance_officer();
    let not_compliance = Error::Compliance(ComplianceError::NotCompliance);
    for who in [outsider(), inst_a(), guardian(), accounts().alice] {
        as_caller(who);
        assert_refused(&mut token, not_compliance.clone(), |t| {
            t.freeze(inst_b(), [1; 32])
        });
        assert_refused(&mut token, not_compliance.clone(), |t| t.lift_freeze(inst_b()));
        assert_refused(&mut token, not_compliance.clone(), |t| {
            t.renew_kyc(inst_b(), kyc())
        });
    }
    for who in [outsider(), compliance_officer(), guardian()] {
        as_caller(who);
        assert_refused(&mut token, Error::Governor(GovernorError::NotGovernor), |t| {
            t.confirm_freeze(inst_b())
        });
    }
}

#[ink::test]
fn suite_contracts_the_treasury_and_the_zero_account_are_never_frozen() {
    let mut token = with_compliance_officer();
    let suite = suite_with_accounting(contract_id());
    let unfreezable = [
        suite.token,
        suite.board,
        suite.flash_exit_pool,
        suite.operator_registry,
        suite.slash_protection,
        suite.oracle,
        contract_id(),
        treasury(),
        AccountId::from([0; 32]),
    ];
    for caller in [compliance_officer(), governor()] {
        as_caller(caller);
        for account in unfreezable {
            assert_refused(&mut token, Error::Compliance(ComplianceError::Unfreezable), |t| {
                t.freeze(account, [1; 32])
            });
        }
    }
}

#[ink::test]
fn freezes_lift_confirm_and_lapse_only_where_one_stands() {
    let mut token = with_compliance_officer();
    as_caller(compliance_officer());
    assert_refused(&mut token, Error::Compliance(ComplianceError::NotFrozen), |t| {
        t.lift_freeze(inst_a())
    });
    as_caller(governor());
    assert_refused(&mut token, Error::Compliance(ComplianceError::NotFrozen), |t| {
        t.confirm_freeze(inst_a())
    });
    as_caller(outsider());
    assert_refused(&mut token, Error::Compliance(ComplianceError::NotFrozen), |t| {
        t.lapse_freeze(inst_a())
    });
    // a role freeze written where `freeze` writes it: not lapsed before its deadline
    let now = block_time();
    let record = FreezeRecord::default()
        .freeze(FreezeBy::Role, [9; 32], now, &ComplianceRules::default())
        .unwrap();
    ink::env::set_contract_storage(&(keys::FREEZES, inst_a()), &record);
    assert!(token.is_frozen(inst_a()));
    assert!(!token.is_whitelisted(inst_a()));
    assert_refused(&mut token, Error::Compliance(ComplianceError::NotLapsed), |t| {
        t.lapse_freeze(inst_a())
    });
    as_caller(compliance_officer());
    assert_refused(
        &mut token,
        Error::Compliance(ComplianceError::AlreadyFrozen),
        |t| t.freeze(inst_a(), [1; 32]),
    );
    // at the deadline it stopped holding by itself; the role is locked out until it is recorded
    // and after
    test::set_block_timestamp::<Env>(record.frozen_until());
    assert!(!token.is_frozen(inst_a()));
    assert!(token.is_whitelisted(inst_a()));
    assert_refused(
        &mut token,
        Error::Compliance(ComplianceError::RefreezeLocked),
        |t| t.freeze(inst_a(), [1; 32]),
    );
    as_caller(governor());
    assert_refused(&mut token, Error::Compliance(ComplianceError::NotFrozen), |t| {
        t.confirm_freeze(inst_a())
    });
    as_caller(outsider());
    token.lapse_freeze(inst_a()).unwrap();
    let lapsed = token.freeze_of(inst_a());
    assert_eq!(lapsed.current, None);
    assert_eq!(
        lapsed.role_locked_until,
        record.frozen_until() + icseth_core::compliance::DEFAULT_REFREEZE_LOCKOUT_MS
    );
    assert_refused(&mut token, Error::Compliance(ComplianceError::NotFrozen), |t| {
        t.lapse_freeze(inst_a())
    });
}

#[ink::test]
fn kyc_dates_are_bounded_and_renewed_only_for_whitelisted_institutions() {
    let mut token = with_compliance_officer();
    let invalid = Error::Compliance(ComplianceError::InvalidKycDate);
    let now = block_time();
    let max = icseth_core::compliance::DEFAULT_KYC_MAX_VALIDITY_MS;
    for caller in [compliance_officer(), governor()] {
        as_caller(caller);
        assert_refused(&mut token, invalid.clone(), |t| t.renew_kyc(inst_a(), now));
        assert_refused(&mut token, invalid.clone(), |t| {
            t.renew_kyc(inst_a(), now + max + 1)
        });
        // the role never adds an institution: renewal needs the board's whitelisting
        assert_refused(&mut token, Error::UnknownInstitution, |t| {
            t.renew_kyc(outsider(), kyc())
        });
    }
    as_caller(governor());
    assert_refused(&mut token, invalid.clone(), |t| {
        t.add_institution(outsider(), None, now)
    });
    assert_refused(&mut token, invalid, |t| {
        t.add_institution(outsider(), None, now + max + 1)
    });
}

#[ink::test]
fn an_expired_kyc_refuses_deposits_and_is_recorded_once_by_anyone() {
    let mut token = deploy_with_institutions();
    as_caller(outsider());
    assert_refused(
        &mut token,
        Error::Compliance(ComplianceError::KycNotExpired),
        |t| t.expire_kyc(inst_a()),
    );
    assert_refused(&mut token, Error::UnknownInstitution, |t| {
        t.expire_kyc(outsider())
    });
    let until = token.kyc_valid_until(inst_a()).unwrap();
    test::set_block_timestamp::<Env>(until - 1);
    assert!(token.is_whitelisted(inst_a()));
    test::set_block_timestamp::<Env>(until);
    assert!(!token.is_whitelisted(inst_a()));
    assert_refused(&mut token, Error::Compliance(ComplianceError::KycExpired), |t| {
        deposit(t, inst_a(), 10 * ONE)
    });
    as_caller(outsider());
    token.expire_kyc(inst_a()).unwrap();
    assert!(token.institution(inst_a()).unwrap().kyc_expiry_recorded);
    assert_refused(
        &mut token,
        Error::Compliance(ComplianceError::KycNotExpired),
        |t| t.expire_kyc(inst_a()),
    );
}

#[ink::test]
fn a_frozen_owner_cannot_claim_its_finalized_ticket() {
    let mut token = deploy_with_institutions();
    let ticket = Ticket {
        owner: inst_a(),
        shares: ONE,
        assets: ONE,
        requested_at: 0,
        status: TicketStatus::Finalized { payout: ONE },
    };
    ink::env::set_contract_storage(&(keys::TICKETS, 0u64), &ticket);
    let record = FreezeRecord::default()
        .freeze(
            FreezeBy::Board,
            [9; 32],
            block_time(),
            &ComplianceRules::default(),
        )
        .unwrap();
    ink::env::set_contract_storage(&(keys::FREEZES, inst_a()), &record);
    as_caller(inst_a());
    assert_refused(&mut token, Error::Compliance(ComplianceError::Frozen), |t| {
        t.claim(0)
    });
    assert_eq!(token.ticket(0), Some(ticket));
}

#[ink::test]
fn compliance_windows_stay_within_their_bounds() {
    use icseth_core::compliance::{DAY_MS, MAX_CONFIRM_WINDOW_MS, MAX_KYC_VALIDITY_MS};
    let mut token = deploy();
    as_caller(governor());
    for (parameter, value) in [
        (Parameter::KycMaxValidityMs, DAY_MS - 1),
        (Parameter::KycMaxValidityMs, MAX_KYC_VALIDITY_MS + 1),
        (Parameter::FreezeConfirmWindowMs, DAY_MS - 1),
        (Parameter::FreezeConfirmWindowMs, MAX_CONFIRM_WINDOW_MS + 1),
        // the lockout is never shorter than the window (14 days by default)
        (Parameter::RefreezeLockoutMs, 14 * DAY_MS - 1),
    ] {
        assert_refused(&mut token, Error::InvalidParameter, |t| {
            t.set_parameter(parameter, u128::from(value))
        });
    }
    assert_refused(&mut token, Error::InvalidParameter, |t| {
        t.set_parameter(Parameter::KycMaxValidityMs, u128::from(u64::MAX) + 1)
    });
    token
        .set_parameter(Parameter::RefreezeLockoutMs, u128::from(14 * DAY_MS))
        .unwrap();
    assert_eq!(
        token.parameter(Parameter::RefreezeLockoutMs),
        Ok(u128::from(14 * DAY_MS))
    );
}

#[ink::test]
fn the_role_only_extends_kyc_dates_and_follows_the_guardian_until_appointed() {
    let mut token = deploy_with_institutions();
    // unappointed, the role is whoever is the guardian: a new guardian takes it along
    as_caller(governor());
    token.set_role(Role::Guardian, outsider()).unwrap();
    assert_eq!(token.role(Role::Compliance), Ok(outsider()));
    let current = token.kyc_valid_until(inst_a()).unwrap();
    as_caller(guardian());
    assert_refused(
        &mut token,
        Error::Compliance(ComplianceError::NotCompliance),
        |t| t.renew_kyc(inst_a(), current + 1),
    );
    as_caller(outsider());
    assert_refused(
        &mut token,
        Error::Compliance(ComplianceError::KycShortened),
        |t| t.renew_kyc(inst_a(), current - 1),
    );
}

#[ink::test]
fn a_frozen_account_never_becomes_the_treasury_and_the_treasury_is_never_confirmed_frozen() {
    let mut token = deploy_with_institutions();
    let record = FreezeRecord::default()
        .freeze(FreezeBy::Role, [9; 32], block_time(), &ComplianceRules::default())
        .unwrap();
    ink::env::set_contract_storage(&(keys::FREEZES, outsider()), &record);
    as_caller(governor());
    assert_refused(&mut token, Error::Compliance(ComplianceError::Frozen), |t| {
        t.set_role(Role::Treasury, outsider())
    });
    assert_refused(&mut token, Error::Compliance(ComplianceError::Unfreezable), |t| {
        t.confirm_freeze(treasury())
    });
}
