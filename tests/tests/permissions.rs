//! The permission matrix, on the embedded chain: every state-changing message of every contract,
//! called by every role that must not call it, is refused with its typed error, and the storage of
//! all seven contracts (records, every storage entry, native balances) is unchanged afterwards.
//!
//! The matrix comes from one table (`matrix!` below): a row names the contract, the message with
//! its arguments, the roles that may call it, and the error everyone else gets. A new message or
//! contract adds rows, not code. Messages anyone may call (`execute`, `finalize_withdrawals`,
//! `apply_agreed`, `expire_registration`, `register_operator`, `approve`, `increase_allowance`,
//! `lapse_freeze`, `expire_kyc`, `allocate`, `request_exits`, `flag_missed_exits`) have
//! no forbidden role and no row; the contracts themselves cannot sign, so the suite contracts'
//! addresses appear as arguments (a transfer to one), not as callers.
use flash_exit_pool::flash_exit_pool::FlashExitPool;
use icseth_abi::accounting::ReportSink;
use icseth_abi::authority::Governed;
use icseth_abi::ledger::{LedgerOp, LedgerOps, Settlement};
use icseth_abi::pool::FlashExitReserve;
use icseth_abi::protection::CoverPool;
use icseth_abi::registry::{FrameRecords, StakingRecords};
use icseth_abi::{
    accounting::AccountingGovernance, oracle::OracleGovernance, pool::PoolGovernance,
    protection::ProtectionGovernance, registry::RegistryGovernance,
};
use icseth_accounting::icseth_accounting::{IcsethAccounting, Parameter, Role as TokenRole};
use icseth_core::allocation::AllocationPolicy;
use icseth_core::authority::AuthorityDecision;
use icseth_core::{
    governance::{Action, OracleDecision, PoolDecision, ProtectionDecision, RegistryDecision, TokenDecision},
    operators::Figures,
    oracle::Report,
    SuiteAddresses,
};
use icseth_e2e::{
    account_of, governance::decide_all, now_ms, read, sandbox, submit, CallError, ClockSandbox, Env,
    SuiteConfig, ETH,
};
use icseth_token::{icseth_token::IcsethToken, psp22::PSP22};
use ink::primitives::AccountId;
use ink_e2e::{ChainBackend, ContractsBackend, E2EBackend, Keypair};
use operator_registry::operator_registry::{OperatorKind, OperatorRegistry};
use oracle_consensus::oracle_consensus::OracleConsensus;
use slash_protection::slash_protection::SlashProtection;
use std::fmt;
use whitelist_board::whitelist_board::WhitelistBoard;

type E2EResult<T> = Result<T, Box<dyn std::error::Error>>;

/// Who may (or must not) call a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Outsider,
    Institution,
    RemovedInstitution,
    OperatorAdmin,
    OracleMember,
    Guardian,
    StakingManager,
    Treasury,
    /// One board member acting alone (the board contract governs; a member is not it).
    BoardMember,
    /// The compliance role the board appointed (freezes, renews KYC).
    Compliance,
}

/// An acceptance window inside the allowed range (one day).
const DAY_MS: u64 = 24 * 60 * 60 * 1000;

const ROLES: [Role; 10] = [
    Role::Outsider,
    Role::Institution,
    Role::RemovedInstitution,
    Role::OperatorAdmin,
    Role::OracleMember,
    Role::Guardian,
    Role::StakingManager,
    Role::Treasury,
    Role::BoardMember,
    Role::Compliance,
];

/// The deployed suite and the values the rows' arguments name.
struct Fixture {
    suite: SuiteAddresses,
    /// A report any member could vote for (the first, nothing staked).
    report: Report,
    figures: Figures,
    /// The institution's pending withdrawal ticket.
    ticket: u64,
    operator: u32,
    /// A board proposal open for votes.
    proposal: u64,
    institution: AccountId,
    removed: AccountId,
    outsider: AccountId,
}

/// One row of the matrix: the contract, the message, who may call it, the error of everyone else.
struct Row {
    contract: &'static str,
    message: &'static str,
    allowed: &'static [Role],
    refusal: &'static str,
}

macro_rules! builder {
    (accounting, $fx:ident) => {
        ink_e2e::create_call_builder::<IcsethAccounting>($fx.suite.accounting)
    };
    (ledger, $fx:ident) => {
        ink_e2e::create_call_builder::<IcsethToken>($fx.suite.token)
    };
    (board, $fx:ident) => {
        ink_e2e::create_call_builder::<WhitelistBoard>($fx.suite.board)
    };
    (pool, $fx:ident) => {
        ink_e2e::create_call_builder::<FlashExitPool>($fx.suite.flash_exit_pool)
    };
    (registry, $fx:ident) => {
        ink_e2e::create_call_builder::<OperatorRegistry>($fx.suite.operator_registry)
    };
    (protection, $fx:ident) => {
        ink_e2e::create_call_builder::<SlashProtection>($fx.suite.slash_protection)
    };
    (oracle, $fx:ident) => {
        ink_e2e::create_call_builder::<OracleConsensus>($fx.suite.oracle)
    };
}

/// Expands the table into `ROWS` and `attempt`, which calls row `row` as `caller` and returns the
/// message's error (its `Debug`), or `None` if it was accepted.
macro_rules! matrix {
    ($fx:ident; $( $contract:ident . $message:ident ( $($arg:expr),* ) [ $($allowed:ident),* ] => $refusal:literal ; )*) => {
        const ROWS: &[Row] = &[
            $( Row {
                contract: stringify!($contract),
                message: stringify!($message),
                allowed: &[$(Role::$allowed),*],
                refusal: $refusal,
            }, )*
        ];

        async fn attempt<C>(
            client: &mut C,
            $fx: &Fixture,
            row: usize,
            caller: &Keypair,
        ) -> Result<Option<String>, CallError>
        where
            C: E2EBackend<Env> + icseth_e2e::ChainAccess,
            <C as ContractsBackend<Env>>::Error: fmt::Debug,
        {
            let mut index = 0usize;
            $(
                if index == row {
                    let mut call = builder!($contract, $fx);
                    let outcome = submit(client, caller, &call.$message($($arg),*), 0).await?;
                    return Ok(outcome.value.err().map(|e| format!("{e:?}")));
                }
                index += 1;
            )*
            Err(CallError::Refused(format!("no row {row} of {index}")))
        }
    };
}

matrix! { fx;
    accounting.wire(fx.suite) [] => "Wiring(AlreadyWired)";
    accounting.govern_authority(AuthorityDecision::ProposeGovernor { successor: fx.outsider }) [] => "NotGovernor";
    accounting.accept_governor() [] => "NotPendingGovernor";
    accounting.govern_authority(AuthorityDecision::WithdrawGovernorProposal) [Guardian] => "NotGovernor";
    accounting.govern_authority(AuthorityDecision::SetGuardian { guardian: fx.outsider }) [] => "NotGovernor";
    accounting.govern_authority(AuthorityDecision::SetAcceptWindow { window_ms: DAY_MS }) [] => "NotGovernor";
    accounting.set_role(TokenRole::Guardian, fx.outsider) [] => "Governor(NotGovernor)";
    accounting.set_parameter(Parameter::MinDeposit, 1) [] => "Governor(NotGovernor)";
    accounting.govern(TokenDecision::Pause) [] => "Governor(NotGovernor)";
    accounting.pause() [Guardian] => "NotGuardian";
    accounting.unpause() [] => "Governor(NotGovernor)";
    accounting.add_institution(fx.outsider, None, 0) [] => "Governor(NotGovernor)";
    accounting.remove_institution(fx.institution) [] => "Governor(NotGovernor)";
    accounting.set_role(TokenRole::Compliance, fx.outsider) [] => "Governor(NotGovernor)";
    accounting.set_parameter(Parameter::FreezeConfirmWindowMs, u128::from(DAY_MS)) [] => "Governor(NotGovernor)";
    accounting.freeze(fx.institution, [1; 32]) [Compliance] => "Compliance(NotCompliance)";
    accounting.lift_freeze(fx.institution) [Compliance] => "Compliance(NotCompliance)";
    accounting.confirm_freeze(fx.institution) [] => "Governor(NotGovernor)";
    accounting.renew_kyc(fx.institution, now_ms() + DAY_MS) [Compliance] => "Compliance(NotCompliance)";
    accounting.govern(TokenDecision::Freeze { account: fx.institution, reason: [1; 32] }) [] => "Governor(NotGovernor)";
    accounting.deposit() [Institution] => "NotWhitelisted";
    accounting.refill_reserve(1) [StakingManager] => "NotStakingManager";
    accounting.receive_inflow() [StakingManager] => "NotVault";
    accounting.note_report_vote(fx.report, fx.outsider, Some(icseth_core::hold::HoldBasis::Corroborated)) [] => "NotOracle";
    accounting.autobalance(fx.report) [] => "NotOracle";
    accounting.flash_exit(ETH, 0) [Institution, RemovedInstitution] => "InsufficientShares";
    accounting.request_withdrawal(ETH) [Institution, RemovedInstitution] => "InsufficientShares";
    accounting.claim(fx.ticket) [Institution] => "NotTicketOwner";
    ledger.wire(fx.suite) [] => "Wiring(AlreadyWired)";
    ledger.apply(LedgerOp::MintDeposit { to: fx.institution, shares: ETH }) [] => "NotAccounting";
    ledger.apply(LedgerOp::Lock { holder: fx.institution, shares: ETH }) [] => "NotAccounting";
    ledger.apply(LedgerOp::BurnExit { holder: fx.institution, shares: ETH }) [] => "NotAccounting";
    ledger.apply(LedgerOp::Settle(Settlement { cover_burned: 1, ..Settlement::empty(fx.outsider) })) [] => "NotAccounting";
    ledger.apply(LedgerOp::Settle(Settlement { queue_burned: 1, ..Settlement::empty(fx.outsider) })) [] => "NotAccounting";
    ledger.apply(LedgerOp::Settle(Settlement { protocol_fee_shares: ETH, ..Settlement::empty(fx.outsider) })) [] => "NotAccounting";
    ledger.apply(LedgerOp::SetStanding { account: fx.outsider, whitelisted: true, kyc_valid_until: u64::MAX }) [] => "NotAccounting";
    ledger.apply(LedgerOp::RenewKyc { account: fx.institution, valid_until: u64::MAX }) [] => "NotAccounting";
    ledger.apply(LedgerOp::SetFrozenUntil { account: fx.institution, frozen_until: u64::MAX }) [] => "NotAccounting";
    ledger.apply(LedgerOp::SetPaused(true)) [] => "NotAccounting";
    ledger.transfer(fx.institution, ETH, Vec::new()) [Institution, RemovedInstitution] => "InsufficientBalance";
    ledger.transfer_from(fx.removed, fx.institution, ETH, Vec::new()) [RemovedInstitution] => "InsufficientAllowance";
    ledger.decrease_allowance(fx.suite.board, 1) [] => "InsufficientAllowance";
    ledger.transfer(fx.suite.flash_exit_pool, ETH, Vec::new()) [] => "Custom(\"ReceiverIsSuiteContract\")";
    ledger.transfer(AccountId::from([0x77; 32]), ETH, Vec::new()) [] => "Custom(\"ReceiverNotWhitelisted\")";
    board.wire(fx.suite) [] => "Wiring(AlreadyWired)";
    board.propose(Action::SetQuorum { quorum: 2 }) [BoardMember] => "NotMember";
    board.vote(fx.proposal, true) [BoardMember] => "NotMember";
    board.govern_authority(AuthorityDecision::ProposeGovernor { successor: fx.outsider }) [] => "NotGovernor";
    board.accept_governor() [] => "NotPendingGovernor";
    board.govern_authority(AuthorityDecision::WithdrawGovernorProposal) [Guardian] => "NotGovernor";
    board.govern_authority(AuthorityDecision::SetGuardian { guardian: fx.outsider }) [] => "NotGovernor";
    board.govern_authority(AuthorityDecision::SetAcceptWindow { window_ms: DAY_MS }) [] => "NotGovernor";
    pool.wire(fx.suite) [] => "Wiring(AlreadyWired)";
    pool.govern_authority(AuthorityDecision::ProposeGovernor { successor: fx.outsider }) [] => "NotGovernor";
    pool.accept_governor() [] => "NotPendingGovernor";
    pool.govern_authority(AuthorityDecision::WithdrawGovernorProposal) [Guardian] => "NotGovernor";
    pool.govern_authority(AuthorityDecision::SetGuardian { guardian: fx.outsider }) [] => "NotGovernor";
    pool.govern_authority(AuthorityDecision::SetAcceptWindow { window_ms: DAY_MS }) [] => "NotGovernor";
    pool.govern(PoolDecision::Pause) [] => "Governor(NotGovernor)";
    pool.fund() [] => "NotAccounting";
    registry.wire(fx.suite) [] => "Wiring(AlreadyWired)";
    registry.govern_authority(AuthorityDecision::ProposeGovernor { successor: fx.outsider }) [] => "NotGovernor";
    registry.accept_governor() [] => "NotPendingGovernor";
    registry.govern_authority(AuthorityDecision::WithdrawGovernorProposal) [Guardian] => "NotGovernor";
    registry.govern_authority(AuthorityDecision::SetGuardian { guardian: fx.outsider }) [] => "NotGovernor";
    registry.govern_authority(AuthorityDecision::SetAcceptWindow { window_ms: DAY_MS }) [] => "NotGovernor";
    registry.govern(RegistryDecision::RemoveOperator { operator: fx.operator }) [] => "Governor(NotGovernor)";
    registry.set_keys(fx.operator, 9) [OperatorAdmin] => "NotOperatorAdmin";
    registry.set_addresses(fx.operator, fx.outsider, fx.outsider) [OperatorAdmin] => "NotOperatorAdmin";
    registry.report_performance(fx.operator, 0, fx.figures) [OperatorAdmin] => "NotOperatorAdmin";
    registry.allocate(u128::MAX, 0) [] => "NotAccounting";
    registry.request_exits_for_tickets(u128::MAX, 0, 0, 0) [] => "NotAccounting";
    registry.govern(RegistryDecision::SetAllocationPolicy { policy: AllocationPolicy::DEFAULT }) [] => "Governor(NotGovernor)";
    registry.record_slashing(fx.operator, 1) [] => "NotAccounting";
    registry.record_attestation(fx.operator, 0, fx.figures, 2) [] => "NotOracle";
    protection.wire(fx.suite) [] => "Wiring(AlreadyWired)";
    protection.govern_authority(AuthorityDecision::ProposeGovernor { successor: fx.outsider }) [] => "NotGovernor";
    protection.accept_governor() [] => "NotPendingGovernor";
    protection.govern_authority(AuthorityDecision::WithdrawGovernorProposal) [Guardian] => "NotGovernor";
    protection.govern_authority(AuthorityDecision::SetGuardian { guardian: fx.outsider }) [] => "NotGovernor";
    protection.govern_authority(AuthorityDecision::SetAcceptWindow { window_ms: DAY_MS }) [] => "NotGovernor";
    protection.govern(ProtectionDecision::SetPerIncidentCap { bps: 1 }) [] => "Governor(NotGovernor)";
    protection.request_cover(1, None, ETH, ETH, ETH, ETH) [] => "NotAccounting";
    protection.donate(ETH) [Institution] => "NotAllowedDonor";
    oracle.wire(fx.suite) [] => "Wiring(AlreadyWired)";
    oracle.govern_authority(AuthorityDecision::ProposeGovernor { successor: fx.outsider }) [] => "NotGovernor";
    oracle.accept_governor() [] => "NotPendingGovernor";
    oracle.govern_authority(AuthorityDecision::WithdrawGovernorProposal) [Guardian] => "NotGovernor";
    oracle.govern_authority(AuthorityDecision::SetGuardian { guardian: fx.outsider }) [] => "NotGovernor";
    oracle.govern_authority(AuthorityDecision::SetAcceptWindow { window_ms: DAY_MS }) [] => "NotGovernor";
    oracle.govern(OracleDecision::SetMembers { members: vec![fx.outsider] }) [] => "Governor(NotGovernor)";
    oracle.submit_report(fx.report) [OracleMember] => "NotMember";
    oracle.attest(fx.operator, 0, fx.figures) [OracleMember] => "NotMember";
}

/// Deploys the suite under a three-member board (alice, bob, charlie; quorum 2) with every role
/// held by its own account, an active institution with a pending ticket, a removed one that still
/// holds shares, an approved operator, three oracle members and an open proposal.
async fn fixture<C>(client: &mut C, keys: &RoleKeys) -> E2EResult<Fixture>
where
    C: E2EBackend<Env> + icseth_e2e::ChainAccess,
    <C as ContractsBackend<Env>>::Error: fmt::Debug,
{
    let alice = ink_e2e::alice();
    let mut config = SuiteConfig::single_member(account_of(&alice), ETH);
    config.board_members = vec![
        account_of(&alice),
        account_of(&ink_e2e::bob()),
        account_of(&ink_e2e::charlie()),
    ];
    config.quorum = 2;
    config.guardian = account_of(&keys.guardian);
    config.staking_manager = account_of(&keys.staking_manager);
    config.treasury = account_of(&keys.treasury);
    let suite = icseth_e2e::deploy_and_wire(client, &alice, &config).await?;
    let mut token = ink_e2e::create_call_builder::<IcsethAccounting>(suite.accounting);
    let mut registry = ink_e2e::create_call_builder::<OperatorRegistry>(suite.operator_registry);
    let mut board = ink_e2e::create_call_builder::<WhitelistBoard>(suite.board);
    let admin = &keys.operator_admin;
    let operator = submit(
        client,
        admin,
        &registry.register_operator(
            "Matrix SSV".into(),
            OperatorKind::SsvCluster,
            account_of(admin),
            account_of(admin),
        ),
        0,
    )
    .await?
    .accepted()?;
    let deciders = [ink_e2e::alice(), ink_e2e::bob()];
    decide_all(
        client,
        suite.board,
        &deciders,
        &alice,
        vec![
            Action::Token(TokenDecision::AddInstitution {
                institution: account_of(&keys.institution),
                min_deposit: None,
                kyc_valid_until: icseth_deploy::governance::kyc_until(icseth_deploy::now_ms()),
            }),
            Action::Token(TokenDecision::AddInstitution {
                institution: account_of(&keys.removed_institution),
                min_deposit: None,
                kyc_valid_until: icseth_deploy::governance::kyc_until(icseth_deploy::now_ms()),
            }),
            Action::OperatorRegistry(RegistryDecision::ApproveOperator { operator }),
            Action::Oracle(OracleDecision::SetMembers {
                members: vec![
                    account_of(&keys.oracle_member),
                    account_of(&keys.other_members[0]),
                    account_of(&keys.other_members[1]),
                ],
            }),
            Action::SlashProtection(ProtectionDecision::AllowDonor {
                donor: account_of(&keys.institution),
            }),
            Action::Token(TokenDecision::SetRole {
                role: TokenRole::Compliance,
                account: account_of(&keys.compliance),
            }),
        ],
    )
    .await?;
    submit(client, &keys.institution, &token.deposit(), 100 * ETH)
        .await?
        .accepted()?;
    submit(client, &keys.removed_institution, &token.deposit(), 50 * ETH)
        .await?
        .accepted()?;
    let ticket = submit(client, &keys.institution, &token.request_withdrawal(ETH), 0)
        .await?
        .accepted()?;
    decide_all(
        client,
        suite.board,
        &deciders,
        &alice,
        vec![Action::Token(TokenDecision::RemoveInstitution {
            institution: account_of(&keys.removed_institution),
        })],
    )
    .await?;
    let proposal = submit(client, &alice, &board.propose(Action::SetQuorum { quorum: 2 }), 0)
        .await?
        .accepted()?;
    let report = icseth_e2e::oracle::at(now_ms(), Report::default());
    Ok(Fixture {
        suite,
        report,
        figures: Figures {
            effectiveness_bps: 9_900,
            ..Figures::default()
        },
        ticket,
        operator,
        proposal,
        institution: account_of(&keys.institution),
        removed: account_of(&keys.removed_institution),
        outsider: account_of(&keys.outsider),
    })
}

/// The accounts that hold each role (dev accounts where there are enough, new ones otherwise).
struct RoleKeys {
    outsider: Keypair,
    institution: Keypair,
    removed_institution: Keypair,
    operator_admin: Keypair,
    oracle_member: Keypair,
    other_members: [Keypair; 2],
    guardian: Keypair,
    staking_manager: Keypair,
    treasury: Keypair,
    board_member: Keypair,
    compliance: Keypair,
}

impl RoleKeys {
    fn of(&self, role: Role) -> &Keypair {
        match role {
            Role::Outsider => &self.outsider,
            Role::Institution => &self.institution,
            Role::RemovedInstitution => &self.removed_institution,
            Role::OperatorAdmin => &self.operator_admin,
            Role::OracleMember => &self.oracle_member,
            Role::Guardian => &self.guardian,
            Role::StakingManager => &self.staking_manager,
            Role::Treasury => &self.treasury,
            Role::BoardMember => &self.board_member,
            Role::Compliance => &self.compliance,
        }
    }
}

#[ink_e2e::test(backend(runtime_only(sandbox = ClockSandbox)))]
async fn every_forbidden_caller_is_refused_and_nothing_changes<Client: E2EBackend>(
    mut client: Client,
) -> E2EResult<()> {
    let alice = ink_e2e::alice();
    let mut funded = Vec::new();
    for _ in 0..6 {
        funded.push(client.create_and_fund_account(&alice, 1_000 * ETH).await);
    }
    let [first, second, guardian, staking_manager, treasury, compliance] =
        <[Keypair; 6]>::try_from(funded).map_err(|_| "six new accounts")?;
    let keys = RoleKeys {
        outsider: ink_e2e::two(),
        institution: ink_e2e::dave(),
        removed_institution: ink_e2e::eve(),
        operator_admin: ink_e2e::ferdie(),
        oracle_member: ink_e2e::one(),
        other_members: [first, second],
        guardian,
        staking_manager,
        treasury,
        board_member: ink_e2e::bob(),
        compliance,
    };
    let fx = fixture(&mut client, &keys).await?;
    let contracts = [
        fx.suite.token,
        fx.suite.board,
        fx.suite.flash_exit_pool,
        fx.suite.operator_registry,
        fx.suite.slash_protection,
        fx.suite.oracle,
        fx.suite.accounting,
    ];
    sandbox::watch_storage(&contracts);
    // a committed call that changes nothing in the suite records the baseline digests
    let mut token = ink_e2e::create_call_builder::<IcsethAccounting>(fx.suite.accounting);
    let mut ledger = ink_e2e::create_call_builder::<IcsethToken>(fx.suite.token);
    submit(&mut client, &alice, &ledger.approve(fx.outsider, 0), 0).await?;
    let baseline = sandbox::storage_digests();
    assert_eq!(baseline.len(), contracts.len());
    let mut cases = 0usize;
    for (row, entry) in ROWS.iter().enumerate() {
        for role in ROLES.iter().filter(|r| !entry.allowed.contains(r)) {
            let refusal = attempt(&mut client, &fx, row, keys.of(*role)).await?;
            let which = format!("{}::{} called by {role:?}", entry.contract, entry.message);
            assert_eq!(refusal.as_deref(), Some(entry.refusal), "{which}");
            assert_eq!(
                sandbox::storage_digests(),
                baseline,
                "{which} changed the suite's storage"
            );
            cases += 1;
        }
    }
    // the digest sees a change: the guardian's pause changes the ledger's storage (its flag) and
    // the accounting's (the guardian's pause time), and nothing else
    submit(&mut client, keys.of(Role::Guardian), &token.pause(), 0)
        .await?
        .accepted()?;
    let after_pause = sandbox::storage_digests();
    assert_ne!(
        after_pause[0], baseline[0],
        "the digest missed the ledger's pause"
    );
    assert_ne!(
        after_pause[6], baseline[6],
        "the digest missed the guardian's pause time"
    );
    assert_eq!(after_pause[1..6], baseline[1..6]);
    assert!(read(&mut client, &alice, &ledger.is_paused()).await?);
    let messages: std::collections::BTreeSet<(&str, &str)> =
        ROWS.iter().map(|r| (r.contract, r.message)).collect();
    println!(
        "permission matrix: {} messages of 7 contracts in {} rows (a message taking several decisions \
         has a row for each), {} roles, {cases} forbidden calls refused with their typed error and no \
         storage change",
        messages.len(),
        ROWS.len(),
        ROLES.len()
    );
    assert!(cases >= 400, "{cases} cases");
    Ok(())
}
