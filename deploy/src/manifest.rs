//! A deployment's record: what `icseth deploy` writes step by step (the chain, the deployer, the
//! configuration, each contract's address and code hash as soon as it exists), so that an
//! interrupted deployment resumes where it stopped and a complete one can be verified against the
//! chain (code hashes, wiring, roles). Written after every step; a step that failed leaves the
//! record of the steps before it.
use crate::accounts::{hex, hex_bytes};
use crate::calls::{read, read_ok, Env};
use crate::chain::ChainAccess;
use crate::suite::{
    address_of, instantiate_one, read_wiring_one, set_address, wire_one, DeployError, SuiteConfig,
    DEPLOY_ORDER,
};
use icseth_abi::authority::Governed;
use icseth_core::SuiteAddresses;
use ink::primitives::AccountId;
use ink_e2e::{ContractsBackend, E2EBackend, Keypair};
use serde::{Deserialize, Serialize};
use std::fmt;
use whitelist_board::whitelist_board::WhitelistBoard;

/// One deployed contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeployedContract {
    pub name: String,
    /// `0x`-prefixed hex of the account.
    pub address: String,
    /// The code hash of the bundle that was instantiated, `0x`-prefixed hex.
    pub code_hash: String,
}

/// The deployment's configuration as recorded (accounts in hex, amounts as decimal strings).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedConfig {
    pub board_members: Vec<String>,
    pub quorum: u32,
    pub guardian: String,
    pub staking_manager: String,
    pub treasury: String,
    pub min_deposit: String,
    pub oracle_genesis_ms: u64,
}

impl RecordedConfig {
    pub fn of(config: &SuiteConfig) -> Self {
        Self {
            board_members: config.board_members.iter().map(hex).collect(),
            quorum: config.quorum,
            guardian: hex(&config.guardian),
            staking_manager: hex(&config.staking_manager),
            treasury: hex(&config.treasury),
            min_deposit: config.min_deposit.to_string(),
            oracle_genesis_ms: config.oracle_genesis_ms,
        }
    }
}

/// The record of one deployment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// The chain's genesis hash: a manifest never applies to another chain.
    pub genesis_hash: String,
    /// The URL the deployment used (informative: the same chain may be reached elsewhere).
    pub url: String,
    /// The account that instantiated and wired the contracts.
    pub deployer: String,
    /// The chain's head when the deployment started: the suite's events are in later blocks.
    pub from_block: u32,
    pub config: RecordedConfig,
    /// The contracts deployed so far, in deployment order.
    pub contracts: Vec<DeployedContract>,
    /// Whether every contract is wired to the seven recorded addresses.
    pub wired: bool,
}

/// How a manifest and a chain (or a deployment's inputs) differ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub what: String,
    pub recorded: String,
    pub found: String,
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: recorded {}, found {}",
            self.what, self.recorded, self.found
        )
    }
}

fn differ(what: impl Into<String>, recorded: impl Into<String>, found: impl Into<String>) -> Difference {
    Difference {
        what: what.into(),
        recorded: recorded.into(),
        found: found.into(),
    }
}

/// An account from `0x`-prefixed hex.
pub fn account_from_hex(text: &str) -> Option<AccountId> {
    let digits = text.strip_prefix("0x")?;
    if digits.len() != 64 {
        return None;
    }
    let mut bytes = [0u8; 32];
    for (i, byte) in bytes.iter_mut().enumerate() {
        *byte = u8::from_str_radix(digits.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(AccountId::from(bytes))
}

impl Manifest {
    /// A new record: nothing deployed yet.
    pub fn new(
        genesis_hash: String,
        url: String,
        deployer: AccountId,
        from_block: u32,
        config: &SuiteConfig,
    ) -> Self {
        Self {
            genesis_hash,
            url,
            deployer: hex(&deployer),
            from_block,
            config: RecordedConfig::of(config),
            contracts: Vec::new(),
            wired: false,
        }
    }

    /// What differs between this record and a deployment about to resume it: another chain,
    /// another deployer, another configuration, or code other than the bundles at hand for a
    /// contract already deployed. Empty when the deployment may resume.
    pub fn differences_from(
        &self,
        genesis_hash: &str,
        deployer: AccountId,
        config: &SuiteConfig,
        code_hash_of: &dyn Fn(&str) -> Option<String>,
    ) -> Vec<Difference> {
        let mut found = self.malformed();
        if self.genesis_hash != genesis_hash {
            found.push(differ(
                "the chain's genesis hash",
                &self.genesis_hash,
                genesis_hash,
            ));
        }
        if self.deployer != hex(&deployer) {
            found.push(differ("the deployer", &self.deployer, hex(&deployer)));
        }
        let given = RecordedConfig::of(config);
        let (was, now) = (&self.config, &given);
        for (what, recorded, asked) in [
            (
                "the board's members",
                was.board_members.join(", "),
                now.board_members.join(", "),
            ),
            (
                "the board's quorum",
                was.quorum.to_string(),
                now.quorum.to_string(),
            ),
            ("the guardian", was.guardian.clone(), now.guardian.clone()),
            (
                "the staking manager",
                was.staking_manager.clone(),
                now.staking_manager.clone(),
            ),
            ("the treasury", was.treasury.clone(), now.treasury.clone()),
            (
                "the minimum deposit",
                was.min_deposit.clone(),
                now.min_deposit.clone(),
            ),
            (
                "the oracle's genesis",
                was.oracle_genesis_ms.to_string(),
                now.oracle_genesis_ms.to_string(),
            ),
        ] {
            if recorded != asked {
                found.push(differ(what, recorded, asked));
            }
        }
        for contract in &self.contracts {
            match code_hash_of(&contract.name) {
                Some(hash) if hash == contract.code_hash => {}
                other => found.push(differ(
                    format!("{}'s code (the bundle at hand)", contract.name),
                    &contract.code_hash,
                    other.unwrap_or_else(|| "no bundle".into()),
                )),
            }
        }
        found
    }

    /// What is malformed in the record itself: a contract that is not one of the seven, one
    /// recorded twice, an address that is not one, two contracts at one address.
    pub fn malformed(&self) -> Vec<Difference> {
        let mut found = Vec::new();
        let mut seen: Vec<AccountId> = Vec::new();
        for (i, contract) in self.contracts.iter().enumerate() {
            if !DEPLOY_ORDER.contains(&contract.name.as_str()) {
                found.push(differ("a recorded contract", "one of the seven", &contract.name));
            }
            if self.contracts[..i].iter().any(|c| c.name == contract.name) {
                found.push(differ(format!("{}'s record", contract.name), "once", "twice"));
            }
            match account_from_hex(&contract.address) {
                None => found.push(differ(
                    format!("{}'s address", contract.name),
                    "0x and 64 hex digits",
                    &contract.address,
                )),
                Some(address) if seen.contains(&address) => found.push(differ(
                    format!("{}'s address", contract.name),
                    "an address of its own",
                    &contract.address,
                )),
                Some(address) => seen.push(address),
            }
        }
        found
    }

    /// The address recorded for `name`.
    pub fn address(&self, name: &str) -> Option<AccountId> {
        self.contracts
            .iter()
            .find(|c| c.name == name)
            .and_then(|c| account_from_hex(&c.address))
    }

    /// The seven addresses, once all are recorded.
    pub fn suite(&self) -> Option<SuiteAddresses> {
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
        for name in DEPLOY_ORDER {
            set_address(&mut suite, name, self.address(name)?);
        }
        Some(suite)
    }

    /// The contracts still to instantiate, in order.
    pub fn missing(&self) -> Vec<&'static str> {
        DEPLOY_ORDER
            .into_iter()
            .filter(|name| self.address(name).is_none())
            .collect()
    }
}

/// What a deployment step reports as it goes (a line per step).
pub type Say<'a> = &'a mut dyn FnMut(&str);

/// Instantiates what `manifest` lacks, then wires every contract not wired yet, calling `save`
/// after each step so an interruption loses at most the step under way. `code_hash_of` gives the
/// code hash of the bundle each contract is instantiated from.
pub async fn deploy_resuming<C>(
    client: &mut C,
    deployer: &Keypair,
    config: &SuiteConfig,
    manifest: &mut Manifest,
    code_hash_of: &dyn Fn(&str) -> Option<String>,
    save: &mut dyn FnMut(&Manifest) -> Result<(), DeployError>,
    say: Say<'_>,
) -> Result<SuiteAddresses, DeployError>
where
    C: E2EBackend<Env> + ChainAccess,
    <C as ContractsBackend<Env>>::Error: fmt::Debug,
{
    for name in manifest.missing() {
        let board = manifest.address("whitelist_board");
        let address = instantiate_one(client, deployer, config, name, board).await?;
        // the code the chain records, which must be the bundle's
        let recorded = client
            .code_hash_at(&address)
            .await
            .map_err(|e| DeployError {
                step: format!("read {name}'s code hash at {}", hex(&address)),
                reason: e.to_string(),
            })?
            .map(|hash| hex_bytes(&hash))
            .unwrap_or_default();
        manifest.contracts.push(DeployedContract {
            name: name.to_string(),
            address: hex(&address),
            code_hash: recorded.clone(),
        });
        save(manifest).map_err(|e| DeployError {
            step: e.step,
            reason: format!(
                "{} ({name} was instantiated at {} and is not recorded)",
                e.reason,
                hex(&address)
            ),
        })?;
        say(&format!("instantiated {name} at {}", hex(&address)));
        if Some(&recorded) != code_hash_of(name).as_ref() {
            return Err(DeployError {
                step: format!("instantiate {name}"),
                reason: format!("the chain records code {recorded}, not the bundle's"),
            });
        }
    }
    let suite = manifest.suite().ok_or_else(|| DeployError {
        step: "wire the suite".into(),
        reason: "not every contract is recorded".into(),
    })?;
    // Wiring locks for good: nothing is wired to a contract that is not the one recorded.
    let differences = verify_contracts(client, deployer, manifest).await?;
    if !differences.is_empty() {
        return Err(DeployError {
            step: "check the seven contracts before wiring".into(),
            reason: differences
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; "),
        });
    }
    for name in crate::suite::CONTRACT_NAMES {
        match read_wiring_one(client, deployer, &suite, name).await? {
            Some(seen) if seen == suite => say(&format!("{name} is wired already")),
            Some(seen) => {
                return Err(DeployError {
                    step: format!("wire {name}"),
                    reason: format!("it is wired to another suite: {seen:?}"),
                })
            }
            None => {
                wire_one(client, deployer, &suite, name)
                    .await?
                    .map_err(|e| DeployError {
                        step: format!("wire {name}"),
                        reason: format!("the contract refused: {e}"),
                    })?;
                say(&format!("wired {name}"));
            }
        }
    }
    manifest.wired = true;
    save(manifest)?;
    Ok(suite)
}

/// What the chain shows that differs from a complete `manifest`: everything `verify_contracts`
/// checks, and each contract's wiring to the seven recorded addresses. Empty when the deployment
/// is what the manifest says.
pub async fn verify<C>(
    client: &mut C,
    reader: &Keypair,
    manifest: &Manifest,
) -> Result<Vec<Difference>, DeployError>
where
    C: E2EBackend<Env> + ChainAccess,
    <C as ContractsBackend<Env>>::Error: fmt::Debug,
{
    let mut found = verify_contracts(client, reader, manifest).await?;
    let Some(suite) = manifest.suite() else {
        return Ok(found);
    };
    for name in crate::suite::CONTRACT_NAMES {
        match read_wiring_one(client, reader, &suite, name).await {
            Ok(seen) if seen == Some(suite) => {}
            Ok(seen) => found.push(differ(
                format!("{name}'s wiring"),
                "the seven recorded addresses",
                format!("{seen:?}"),
            )),
            Err(e) => found.push(differ(format!("{name}'s wiring"), "readable", e.to_string())),
        }
    }
    Ok(found)
}

/// What the chain shows that differs from `manifest`'s seven contracts, wiring aside: a record
/// that is malformed, a code hash on chain other than the recorded one, a governor other than the
/// board (the board governs itself), a proposed successor, a guardian other than the recorded
/// one, the accounting's staking manager, treasury and minimum deposit, the oracle's genesis, the
/// board's protocol member, members and quorum. A read that fails is a difference too. What a
/// deployment checks before it wires anything: wiring locks for good.
pub async fn verify_contracts<C>(
    client: &mut C,
    reader: &Keypair,
    manifest: &Manifest,
) -> Result<Vec<Difference>, DeployError>
where
    C: E2EBackend<Env> + ChainAccess,
    <C as ContractsBackend<Env>>::Error: fmt::Debug,
{
    let mut found = manifest.malformed();
    let Some(suite) = manifest.suite() else {
        found.push(differ(
            "the deployment",
            "seven contracts",
            format!("{} recorded", manifest.contracts.len()),
        ));
        return Ok(found);
    };
    for contract in &manifest.contracts {
        let on_chain = match account_from_hex(&contract.address) {
            Some(address) => client
                .code_hash_at(&address)
                .await
                .map_err(|e| DeployError {
                    step: format!("read {}'s code hash", contract.name),
                    reason: e.to_string(),
                })?
                .map(|hash| hex_bytes(&hash)),
            None => None,
        };
        if on_chain.as_deref() != Some(contract.code_hash.as_str()) {
            found.push(differ(
                format!("{}'s code hash at {}", contract.name, contract.address),
                &contract.code_hash,
                on_chain.unwrap_or_else(|| "no contract".into()),
            ));
        }
    }
    let config = &manifest.config;
    let unreadable = |what: String, e: crate::calls::CallError| differ(what, "readable", e.to_string());
    // The board governs every governed contract, itself included.
    let governor_wanted = hex(&suite.board);
    for name in DEPLOY_ORDER {
        if name == "icseth_token" {
            continue; // the ledger has no authority: only the accounting changes it
        }
        let Some(address) = address_of(&suite, name) else {
            continue;
        };
        // every governed contract answers `Governed` with the same selectors
        let governed =
            ink_e2e::create_call_builder::<icseth_accounting::icseth_accounting::IcsethAccounting>(address);
        let authority = match read_ok(client, reader, &Governed::authority(&governed)).await {
            Ok(authority) => authority,
            Err(e) => {
                found.push(unreadable(format!("{name}'s authority"), e));
                continue;
            }
        };
        if hex(&authority.governor()) != governor_wanted {
            found.push(differ(
                format!("{name}'s governor"),
                &governor_wanted,
                hex(&authority.governor()),
            ));
        }
        if let Some(pending) = authority.pending() {
            found.push(differ(
                format!("{name}'s proposed governor"),
                "none",
                hex(&pending.successor),
            ));
        }
        if hex(&authority.guardian()) != config.guardian {
            found.push(differ(
                format!("{name}'s guardian"),
                &config.guardian,
                hex(&authority.guardian()),
            ));
        }
    }

    // The roles and settings the constructors set.
    use icseth_accounting::icseth_accounting::{IcsethAccounting, Role};
    let accounting = ink_e2e::create_call_builder::<IcsethAccounting>(suite.accounting);
    for (what, role, wanted) in [
        ("staking manager", Role::StakingManager, &config.staking_manager),
        ("treasury", Role::Treasury, &config.treasury),
    ] {
        match read_ok(client, reader, &accounting.role(role)).await {
            Ok(holder) if &hex(&holder) == wanted => {}
            Ok(holder) => found.push(differ(format!("the accounting's {what}"), wanted, hex(&holder))),
            Err(e) => found.push(unreadable(format!("the accounting's {what}"), e)),
        }
    }
    match read_ok(client, reader, &accounting.min_deposit()).await {
        Ok(min) if min.to_string() == config.min_deposit => {}
        Ok(min) => found.push(differ(
            "the accounting's minimum deposit",
            &config.min_deposit,
            min.to_string(),
        )),
        Err(e) => found.push(unreadable("the accounting's minimum deposit".into(), e)),
    }
    let oracle =
        ink_e2e::create_call_builder::<oracle_consensus::oracle_consensus::OracleConsensus>(suite.oracle);
    match read(client, reader, &oracle.genesis_ms()).await {
        Ok(genesis) if genesis == config.oracle_genesis_ms => {}
        Ok(genesis) => found.push(differ(
            "the oracle's genesis",
            config.oracle_genesis_ms.to_string(),
            genesis.to_string(),
        )),
        Err(e) => found.push(unreadable("the oracle's genesis".into(), e)),
    }

    let board = ink_e2e::create_call_builder::<WhitelistBoard>(suite.board);
    match read(client, reader, &board.protocol()).await {
        Ok(protocol) if config.board_members.first() == Some(&hex(&protocol)) => {}
        Ok(protocol) => found.push(differ(
            "the board's protocol member (the first recorded)",
            config.board_members.first().cloned().unwrap_or_default(),
            hex(&protocol),
        )),
        Err(e) => found.push(unreadable("the board's protocol member".into(), e)),
    }
    match read(client, reader, &board.members()).await {
        Ok(members) => {
            let mut recorded = config.board_members.clone();
            recorded.sort();
            let mut sorted: Vec<String> = members.iter().map(hex).collect();
            sorted.sort();
            if sorted != recorded {
                found.push(differ(
                    "the board's members",
                    recorded.join(", "),
                    sorted.join(", "),
                ));
            }
        }
        Err(e) => found.push(unreadable("the board's members".into(), e)),
    }
    match read(client, reader, &board.quorum()).await {
        Ok(quorum) if quorum == config.quorum => {}
        Ok(quorum) => found.push(differ(
            "the board's quorum",
            config.quorum.to_string(),
            quorum.to_string(),
        )),
        Err(e) => found.push(unreadable("the board's quorum".into(), e)),
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> SuiteConfig {
        SuiteConfig::single_member(AccountId::from([1; 32]), 32)
    }

    fn hashes(name: &str) -> Option<String> {
        Some(format!("0x{name}"))
    }

    #[test]
    fn a_new_manifest_lacks_every_contract_in_deployment_order() {
        let manifest = Manifest::new(
            "0xg".into(),
            "ws://x".into(),
            AccountId::from([1; 32]),
            7,
            &config(),
        );
        assert_eq!(manifest.missing(), DEPLOY_ORDER.to_vec());
        assert_eq!(manifest.suite(), None);
    }

    #[test]
    fn a_resumed_deployment_must_be_the_same_chain_deployer_configuration_and_code() {
        let mut manifest = Manifest::new(
            "0xg".into(),
            "ws://x".into(),
            AccountId::from([1; 32]),
            7,
            &config(),
        );
        manifest.contracts.push(DeployedContract {
            name: "whitelist_board".into(),
            address: hex(&AccountId::from([9; 32])),
            code_hash: "0xwhitelist_board".into(),
        });
        assert!(manifest
            .differences_from("0xg", AccountId::from([1; 32]), &config(), &hashes)
            .is_empty());
        assert_eq!(manifest.missing().len(), 6);

        let mut other = config();
        other.quorum = 2;
        let found =
            manifest.differences_from("0xh", AccountId::from([2; 32]), &other, &|_| Some("0xnew".into()));
        let what: Vec<&str> = found.iter().map(|d| d.what.as_str()).collect();
        assert_eq!(
            what,
            [
                "the chain's genesis hash",
                "the deployer",
                "the board's quorum",
                "whitelist_board's code (the bundle at hand)"
            ]
        );
    }

    #[test]
    fn addresses_read_back_from_hex_and_nothing_else() {
        let account = AccountId::from([0xab; 32]);
        assert_eq!(account_from_hex(&hex(&account)), Some(account));
        for bad in ["", "0x", "abab", "0xzz", &format!("{}00", hex(&account))] {
            assert_eq!(account_from_hex(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_suite_is_known_once_all_seven_are_recorded() {
        let mut manifest = Manifest::new(
            "0xg".into(),
            "ws://x".into(),
            AccountId::from([1; 32]),
            7,
            &config(),
        );
        for (i, name) in DEPLOY_ORDER.iter().enumerate() {
            assert_eq!(manifest.suite(), None);
            manifest.contracts.push(DeployedContract {
                name: name.to_string(),
                address: hex(&AccountId::from([i as u8 + 10; 32])),
                code_hash: String::new(),
            });
        }
        let suite = manifest.suite().unwrap();
        assert_eq!(suite.board, AccountId::from([10; 32]));
        assert_eq!(suite.oracle, AccountId::from([16; 32]));
        assert!(manifest.missing().is_empty());
    }
}
