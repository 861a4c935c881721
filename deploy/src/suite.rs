//! Deployment and wiring of the seven contracts, against any ink_e2e backend: the end-to-end tests
//! and the command-line tool use it on the embedded chain, and it serves a node URL unchanged.
//!
//! Order (DESIGN.md, "Deployment"): the board first, then the ledger and the five others with their
//! governor (the board, or an account while a flow is tested without governance), then one `wire`
//! per contract with all seven addresses. Wiring locks itself; `read_wiring` reads every contract
//! back. Each step exists for one contract too (`instantiate_one`, `wire_one`, `read_wiring_one`),
//! for a deployment on a node that records each step and resumes after an interruption.
use crate::calls::{read, submit, Env};
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

/// The contract crates in deployment order: the board first (the others name it as governor).
pub const DEPLOY_ORDER: [&str; 7] = [
    "whitelist_board",
    "icseth_token",
    "icseth_accounting",
    "flash_exit_pool",
    "operator_registry",
    "slash_protection",
    "oracle_consensus",
];

/// Instantiates the contract `name` with `config`'s constructor arguments and returns its address.
/// `board` is the board's address, needed by every contract after it when the board governs.
pub async fn instantiate_one<C>(
    client: &mut C,
    deployer: &Keypair,
    config: &SuiteConfig,
    name: &str,
    board: Option<AccountId>,
) -> Result<AccountId, DeployError>
where
    C: E2EBackend<Env>,
    <C as ContractsBackend<Env>>::Error: fmt::Debug,
{
    let governor = match (config.governor, board) {
        (GovernorChoice::Account(account), _) => account,
        (GovernorChoice::Board, Some(board)) => board,
        (GovernorChoice::Board, None) if name == "whitelist_board" => config.protocol,
        (GovernorChoice::Board, None) => {
            return Err(failed(
                &format!("instantiate {name}"),
                "the board must be deployed first: it governs the others",
            ))
        }
    };
    Ok(match name {
        "whitelist_board" => instantiate!(
            client,
            deployer,
            "whitelist_board",
            WhitelistBoardRef::new(
                config.protocol,
                config.board_members.clone(),
                config.quorum,
                config.guardian
            )
        ),
        "icseth_token" => instantiate!(client, deployer, "icseth_token", IcsethTokenRef::new()),
        "icseth_accounting" => instantiate!(
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
        ),
        "flash_exit_pool" => instantiate!(
            client,
            deployer,
            "flash_exit_pool",
            FlashExitPoolRef::new(governor, config.guardian)
        ),
        "operator_registry" => instantiate!(
            client,
            deployer,
            "operator_registry",
            OperatorRegistryRef::new(governor, config.guardian)
        ),
        "slash_protection" => instantiate!(
            client,
            deployer,
            "slash_protection",
            SlashProtectionRef::new(governor, config.guardian)
        ),
        "oracle_consensus" => instantiate!(
            client,
            deployer,
            "oracle_consensus",
            OracleConsensusRef::new(governor, config.guardian, config.oracle_genesis_ms)
        ),
        other => return Err(failed(&format!("instantiate {other}"), "no such contract")),
    })
}

/// Sets the address of contract `name` in `suite`.
pub fn set_address(suite: &mut SuiteAddresses, name: &str, address: AccountId) -> bool {
    let slot = match name {
        "icseth_token" => &mut suite.token,
        "whitelist_board" => &mut suite.board,
        "flash_exit_pool" => &mut suite.flash_exit_pool,
        "operator_registry" => &mut suite.operator_registry,
        "slash_protection" => &mut suite.slash_protection,
        "oracle_consensus" => &mut suite.oracle,
        "icseth_accounting" => &mut suite.accounting,
        _ => return false,
    };
    *slot = address;
    true
}

/// The address of contract `name` in `suite`.
pub fn address_of(suite: &SuiteAddresses, name: &str) -> Option<AccountId> {
    Some(match name {
        "icseth_token" => suite.token,
        "whitelist_board" => suite.board,
        "flash_exit_pool" => suite.flash_exit_pool,
        "operator_registry" => suite.operator_registry,
        "slash_protection" => suite.slash_protection,
        "oracle_consensus" => suite.oracle,
        "icseth_accounting" => suite.accounting,
        _ => return None,
    })
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
    let zero = AccountId::from([0; 32]);
    let mut suite = SuiteAddresses {
        token: zero,
        board: zero,
        flash_exit_pool: zero,
        operator_registry: zero,
        slash_protection: zero,
        oracle: zero,
        accounting: zero,
    };
    let mut board = None;
    for name in DEPLOY_ORDER {
        let address = instantiate_one(client, deployer, config, name, board).await?;
        if name == "whitelist_board" {
            board = Some(address);
        }
        set_address(&mut suite, name, address);
    }
    Ok(suite)
}

/// The outcome of one contract's `wire`, as the contract reported it (`Err` for a refusal).
pub type WireOutcome = Result<(), String>;

/// Sends `wire(suite)` from `caller` to contract `name` and returns its answer.
pub async fn wire_one<C>(
    client: &mut C,
    caller: &Keypair,
    suite: &SuiteAddresses,
    name: &str,
) -> Result<WireOutcome, DeployError>
where
    C: E2EBackend<Env>,
    <C as ContractsBackend<Env>>::Error: fmt::Debug,
{
    let step = format!("wire {name}");
    macro_rules! wire {
        ($contract:ty, $address:expr) => {
            submit(
                client,
                caller,
                &ink_e2e::create_call_builder::<$contract>($address).wire(*suite),
                0,
            )
            .await
            .map_err(|e| failed(&step, e))?
            .value
            .map_err(|e| format!("{e:?}"))
        };
    }
    Ok(match name {
        "icseth_token" => wire!(IcsethToken, suite.token),
        "whitelist_board" => wire!(WhitelistBoard, suite.board),
        "flash_exit_pool" => wire!(FlashExitPool, suite.flash_exit_pool),
        "operator_registry" => wire!(OperatorRegistry, suite.operator_registry),
        "slash_protection" => wire!(SlashProtection, suite.slash_protection),
        "oracle_consensus" => wire!(OracleConsensus, suite.oracle),
        "icseth_accounting" => wire!(IcsethAccounting, suite.accounting),
        other => return Err(failed(&step, format!("no such contract {other}"))),
    })
}

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
    let mut outcomes = Vec::with_capacity(CONTRACT_NAMES.len());
    for name in CONTRACT_NAMES {
        outcomes.push(wire_one(client, caller, suite, name).await?);
    }
    outcomes
        .try_into()
        .map_err(|_| failed("wire the suite", "not one answer per contract"))
}

/// What contract `name` reports as the suite's addresses (`None` before it is wired).
pub async fn read_wiring_one<C>(
    client: &mut C,
    caller: &Keypair,
    suite: &SuiteAddresses,
    name: &str,
) -> Result<Option<SuiteAddresses>, DeployError>
where
    C: E2EBackend<Env>,
    <C as ContractsBackend<Env>>::Error: fmt::Debug,
{
    let step = format!("read the wiring of {name}");
    macro_rules! wiring {
        ($contract:ty, $address:expr) => {
            read(
                client,
                caller,
                &ink_e2e::create_call_builder::<$contract>($address).suite(),
            )
            .await
            .map_err(|e| failed(&step, e))?
        };
    }
    Ok(match name {
        "icseth_token" => wiring!(IcsethToken, suite.token),
        "whitelist_board" => wiring!(WhitelistBoard, suite.board),
        "flash_exit_pool" => wiring!(FlashExitPool, suite.flash_exit_pool),
        "operator_registry" => wiring!(OperatorRegistry, suite.operator_registry),
        "slash_protection" => wiring!(SlashProtection, suite.slash_protection),
        "oracle_consensus" => wiring!(OracleConsensus, suite.oracle),
        "icseth_accounting" => wiring!(IcsethAccounting, suite.accounting),
        other => return Err(failed(&step, format!("no such contract {other}"))),
    })
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
    let mut seen = [None; 7];
    for (slot, name) in seen.iter_mut().zip(CONTRACT_NAMES) {
        *slot = read_wiring_one(client, caller, suite, name).await?;
    }
    Ok(seen)
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
