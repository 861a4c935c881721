//! Deployment and wiring of the seven contracts, against any ink_e2e backend: the end-to-end tests
//! and the command-line tool use it on the embedded chain, and it serves a node URL unchanged.
//!
//! Order (DESIGN.md, "Deployment"): the board first, then the ledger and the five others with their
//! governor (the board, or an account while a flow is tested without governance), then one `wire`
//! per contract with all seven addresses. Wiring locks itself; `verify_wiring` reads every contract back.
use crate::calls::{read, submit, CallError, Env};
use flash_exit_pool::flash_exit_pool::{FlashExitPool, FlashExitPoolRef};
use icseth_accounting::icseth_accounting::{IcsethAccounting, IcsethAccountingRef};
use icseth_core::SuiteAddresses;
use icseth_token::icseth_token::{IcsethToken, IcsethTokenRef};
use ink::primitives::AccountId;
use ink_e2e::{ContractsBackend, E2EBackend, Keypair};
use operator_registry::operator_registry::{OperatorRegistry, OperatorRegistryRef};
use oracle_consensus::oracle_consensus::{OracleConsensus, OracleConsensusRef};
use slash_protection::slash_protection::{SlashProtection, SlashProtectionRef};
use std::fmt;
use whitelist_board::whitelist_board::{WhitelistBoard, WhitelistBoardRef};

/// Who governs the five governed contracts besides the board (the ledger has no governor: only the
/// accounting changes it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GovernorChoice {
    /// The board contract (production).
    Board,
    /// A plain account (tests of one contract's flows, before governance is involved).
    Account(AccountId),
}

/// Everything a deployment needs to know.
#[derive(Debug, Clone)]
pub struct SuiteConfig {
    /// The protocol's own board member.
    pub protocol: AccountId,
    /// The board's first members (the protocol among them).
    pub board_members: Vec<AccountId>,
    /// Votes a proposal needs (strictly above half of the members).
    pub quorum: u32,
    pub governor: GovernorChoice,
    /// May pause the token (never unpause).
    pub guardian: AccountId,
    /// Moves buffered value to operators.
    pub staking_manager: AccountId,
    /// Receives the protocol fee.
    pub treasury: AccountId,
    /// Smallest deposit any institution may make, in the chain's smallest unit.
    pub min_deposit: u128,
    /// Start of epoch 0 for the oracle's reports (ms).
    pub oracle_genesis_ms: u64,
}

/// Ethereum's beacon-chain genesis (2020-12-01 12:00:23 UTC), in ms: reports name mainnet epochs.
pub const BEACON_GENESIS_MS: u64 = 1_606_824_023_000;

impl SuiteConfig {
    /// A one-member board (the protocol) that governs everything, `protocol` holding every role.
    pub fn single_member(protocol: AccountId, min_deposit: u128) -> Self {
        Self {
            protocol,
            board_members: vec![protocol],
            quorum: 1,
            governor: GovernorChoice::Board,
            guardian: protocol,
            staking_manager: protocol,
            treasury: protocol,
            min_deposit,
            oracle_genesis_ms: BEACON_GENESIS_MS,
        }
    }
}

/// A deployment step that failed: which one, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeployError {
    pub step: String,
    pub reason: String,
}

impl fmt::Display for DeployError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} failed: {}", self.step, self.reason)
    }
}

impl std::error::Error for DeployError {}

fn failed(step: &str, reason: impl fmt::Display) -> DeployError {
    DeployError {
        step: step.to_string(),
        reason: reason.to_string(),
    }
}

fn call_failed(step: &str) -> impl FnOnce(CallError) -> DeployError + '_ {
    move |e| failed(step, e)
}

macro_rules! instantiate {
    ($client:expr, $deployer:expr, $name:literal, $constructor:expr) => {{
        let step = concat!("instantiate ", $name);
        let mut constructor = $constructor;
        let result = $client
            .instantiate($name, $deployer, &mut constructor)
            .submit()
            .await
            .map_err(|e| failed(step, format!("{e:?}")))?;
        // The sandbox backend does not check the revert flag: a constructor that returned `Err`
        // would leave a half-made account behind, so look at the dry run's outcome too.
        match &result.dry_run.contract_result.result {
            Ok(ok) if !ok.result.did_revert() => {}
            other => return Err(failed(step, format!("the constructor refused: {other:?}"))),
        }
        result.account_id
    }};
}

/// Instantiates the seven contracts (not wired yet) and returns their addresses.
pub async fn deploy_suite<C>(
    client: &mut C,
    deployer: &Keypair,
    config: &SuiteConfig,
) -> Result<SuiteAddresses, DeployError>
where
    C: E2EBackend<Env>,
    <C as ContractsBackend<Env>>::Error: fmt::Debug,
{
    let board = instantiate!(
        client,
        deployer,
        "whitelist_board",
        WhitelistBoardRef::new(
            config.protocol,
            config.board_members.clone(),
            config.quorum,
            config.guardian
        )
    );
    let governor = match config.governor {
        GovernorChoice::Board => board,
        GovernorChoice::Account(account) => account,
    };
    let token = instantiate!(client, deployer, "icseth_token", IcsethTokenRef::new());
    let accounting = instantiate!(
        client,
        deployer,
        "icseth_accounting",
        IcsethAccountingRef::new(
            governor,
            config.guardian,
            config.staking_manager,
            config.treasury,
            config.min_deposit
        )
    );
    let flash_exit_pool = instantiate!(
        client,
        deployer,
        "flash_exit_pool",
        FlashExitPoolRef::new(governor, config.guardian)
    );
    let operator_registry = instantiate!(
        client,
        deployer,
        "operator_registry",
        OperatorRegistryRef::new(governor, config.guardian)
    );
    let slash_protection = instantiate!(
        client,
        deployer,
        "slash_protection",
        SlashProtectionRef::new(governor, config.guardian)
    );
    let oracle = instantiate!(
        client,
        deployer,
        "oracle_consensus",
        OracleConsensusRef::new(governor, config.guardian, config.oracle_genesis_ms)
    );
    Ok(SuiteAddresses {
        token,
        board,
        flash_exit_pool,
        operator_registry,
        slash_protection,
        oracle,
        accounting,
    })
}

/// The outcome of one contract's `wire`, as the contract reported it (`Err` for a refusal).
pub type WireOutcome = Result<(), String>;

/// Sends `wire(suite)` from `caller` to all seven contracts and returns each one's answer, in the
/// order token (the ledger), board, flash-exit pool, operator registry, slash protection, oracle,
/// accounting.
pub async fn wire_suite<C>(
    client: &mut C,
    caller: &Keypair,
    suite: &SuiteAddresses,
) -> Result<[WireOutcome; 7], DeployError>
where
    C: E2EBackend<Env>,
    <C as ContractsBackend<Env>>::Error: fmt::Debug,
{
    let token = {
        let msg = ink_e2e::create_call_builder::<IcsethToken>(suite.token).wire(*suite);
        submit(client, caller, &msg, 0)
            .await
            .map_err(call_failed("wire icseth_token"))?
            .value
            .map_err(|e| format!("{e:?}"))
    };
    let board = {
        let msg = ink_e2e::create_call_builder::<WhitelistBoard>(suite.board).wire(*suite);
        submit(client, caller, &msg, 0)
            .await
            .map_err(call_failed("wire whitelist_board"))?
            .value
            .map_err(|e| format!("{e:?}"))
    };
    let pool = {
        let msg = ink_e2e::create_call_builder::<FlashExitPool>(suite.flash_exit_pool).wire(*suite);
        submit(client, caller, &msg, 0)
            .await
            .map_err(call_failed("wire flash_exit_pool"))?
            .value
            .map_err(|e| format!("{e:?}"))
    };
    let registry = {
        let msg = ink_e2e::create_call_builder::<OperatorRegistry>(suite.operator_registry).wire(*suite);
        submit(client, caller, &msg, 0)
            .await
            .map_err(call_failed("wire operator_registry"))?
            .value
            .map_err(|e| format!("{e:?}"))
    };
    let protection = {
        let msg = ink_e2e::create_call_builder::<SlashProtection>(suite.slash_protection).wire(*suite);
        submit(client, caller, &msg, 0)
            .await
            .map_err(call_failed("wire slash_protection"))?
            .value
            .map_err(|e| format!("{e:?}"))
    };
    let oracle = {
        let msg = ink_e2e::create_call_builder::<OracleConsensus>(suite.oracle).wire(*suite);
        submit(client, caller, &msg, 0)
            .await
            .map_err(call_failed("wire oracle_consensus"))?
            .value
            .map_err(|e| format!("{e:?}"))
    };
    let accounting = {
        let msg = ink_e2e::create_call_builder::<IcsethAccounting>(suite.accounting).wire(*suite);
        submit(client, caller, &msg, 0)
            .await
            .map_err(call_failed("wire icseth_accounting"))?
            .value
            .map_err(|e| format!("{e:?}"))
    };
    Ok([token, board, pool, registry, protection, oracle, accounting])
}

/// What each contract reports as the suite's addresses, in `wire_suite`'s order.
pub async fn read_wiring<C>(
    client: &mut C,
    caller: &Keypair,
    suite: &SuiteAddresses,
) -> Result<[Option<SuiteAddresses>; 7], DeployError>
where
    C: E2EBackend<Env>,
    <C as ContractsBackend<Env>>::Error: fmt::Debug,
{
    let step = "read the wiring";
    Ok([
        read(
            client,
            caller,
            &ink_e2e::create_call_builder::<IcsethToken>(suite.token).suite(),
        )
        .await
        .map_err(call_failed(step))?,
        read(
            client,
            caller,
            &ink_e2e::create_call_builder::<WhitelistBoard>(suite.board).suite(),
        )
        .await
        .map_err(call_failed(step))?,
        read(
            client,
            caller,
            &ink_e2e::create_call_builder::<FlashExitPool>(suite.flash_exit_pool).suite(),
        )
        .await
        .map_err(call_failed(step))?,
        read(
            client,
            caller,
            &ink_e2e::create_call_builder::<OperatorRegistry>(suite.operator_registry).suite(),
        )
        .await
        .map_err(call_failed(step))?,
        read(
            client,
            caller,
            &ink_e2e::create_call_builder::<SlashProtection>(suite.slash_protection).suite(),
        )
        .await
        .map_err(call_failed(step))?,
        read(
            client,
            caller,
            &ink_e2e::create_call_builder::<OracleConsensus>(suite.oracle).suite(),
        )
        .await
        .map_err(call_failed(step))?,
        read(
            client,
            caller,
            &ink_e2e::create_call_builder::<IcsethAccounting>(suite.accounting).suite(),
        )
        .await
        .map_err(call_failed(step))?,
    ])
}

/// Deploys, wires and verifies the suite: every contract must report the same seven addresses.
pub async fn deploy_and_wire<C>(
    client: &mut C,
    deployer: &Keypair,
    config: &SuiteConfig,
) -> Result<SuiteAddresses, DeployError>
where
    C: E2EBackend<Env>,
    <C as ContractsBackend<Env>>::Error: fmt::Debug,
{
    let suite = deploy_suite(client, deployer, config).await?;
    for (name, outcome) in CONTRACT_NAMES
        .iter()
        .zip(wire_suite(client, deployer, &suite).await?)
    {
        outcome.map_err(|e| failed(&format!("wire {name}"), e))?;
    }
    for (name, seen) in CONTRACT_NAMES
        .iter()
        .zip(read_wiring(client, deployer, &suite).await?)
    {
        if seen != Some(suite) {
            return Err(failed(
                &format!("verify {name}"),
                format!("reports {seen:?}, expected {suite:?}"),
            ));
        }
    }
    Ok(suite)
}

/// The contract crates, in `wire_suite`'s order.
pub const CONTRACT_NAMES: [&str; 7] = [
    "icseth_token",
    "whitelist_board",
    "flash_exit_pool",
    "operator_registry",
    "slash_protection",
    "oracle_consensus",
    "icseth_accounting",
];
