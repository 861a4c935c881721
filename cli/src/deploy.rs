//! `icseth deploy --url`: the release bundles onto a node, under a board given by flags, recorded
//! step by step in a manifest; an interrupted deployment resumes from it, a complete one is
//! verified against the chain (code hashes, wiring, roles).
use crate::args::DeployArgs;
use crate::error::CliError;
use icseth_deploy::build::{self, Artifact};
use icseth_deploy::manifest::{self, account_from_hex, Manifest};
use icseth_deploy::suite::DeployError;
use icseth_deploy::{account_of, hex, node, SuiteConfig, BEACON_GENESIS_MS, ETH};
use ink::primitives::AccountId;
use ink_e2e::Keypair;
use std::io::BufRead;
use std::path::Path;
use std::str::FromStr;

/// The environment variable that may hold the signer's secret.
pub const SECRET_VARIABLE: &str = "ICSETH_SECRET";
/// The decimals the suite's amounts assume (wei).
const SUITE_DECIMALS: u32 = 18;
/// What the signer must hold before a deployment starts: the seven contracts' code and storage
/// deposits and the fees, with room to spare (a whole deployment cost 7,067,275,271,092 units on
/// the contracts-node 0.41.0 runtime, measured with `icseth deploy`, which prints it).
pub const DEPLOY_FUNDS: u128 = 100_000_000_000_000;

fn say(line: &str) {
    println!("     {line}");
}

/// The signer's secret: from `--secret-file`, else `$ICSETH_SECRET` (removed from the environment
/// at once, so no build or child process started later inherits it), else one line of standard
/// input when it is not a terminal (a terminal would echo it). Never from an argument, never
/// printed.
fn secret(args: &DeployArgs) -> Result<Keypair, CliError> {
    use std::io::IsTerminal;
    let from_env = std::env::var(SECRET_VARIABLE);
    // Removed before anything else runs: this process has one thread until the runtime starts.
    std::env::remove_var(SECRET_VARIABLE);
    let text = match (&args.secret_file, from_env) {
        (Some(path), _) => std::fs::read_to_string(path).map_err(|e| CliError::io(path, e))?,
        (None, Ok(value)) => value,
        (None, Err(std::env::VarError::NotUnicode(_))) => {
            return Err(CliError::Signer(format!("{SECRET_VARIABLE} is not text")))
        }
        (None, Err(std::env::VarError::NotPresent)) => {
            let stdin = std::io::stdin();
            if stdin.is_terminal() {
                return Err(CliError::Signer(
                    "no secret: give --secret-file, or pipe it on standard input (a terminal would show it)"
                        .into(),
                ));
            }
            let mut line = String::new();
            stdin
                .lock()
                .read_line(&mut line)
                .map_err(|e| CliError::Signer(format!("cannot read standard input: {e}")))?;
            line
        }
    };
    let text = text.trim();
    if text.is_empty() {
        return Err(CliError::Signer(format!(
            "no secret: give --secret-file, set {SECRET_VARIABLE}, or write it on standard input"
        )));
    }
    // The parse errors never quote the secret.
    let uri = ink_e2e::subxt_signer::SecretUri::from_str(text).map_err(|_| {
        CliError::Signer("the secret is not a secret URI (a mnemonic, a 0x seed, or a //derivation)".into())
    })?;
    Keypair::from_uri(&uri).map_err(|_| CliError::Signer("the secret does not make an sr25519 key".into()))
}

/// An account from SS58 (as wallets show it) or `0x` hex.
pub fn parse_account(text: &str) -> Result<AccountId, String> {
    if let Some(account) = account_from_hex(text) {
        return Ok(account);
    }
    ink_e2e::subxt::utils::AccountId32::from_str(text)
        .map(|a| AccountId::from(a.0))
        .map_err(|_| format!("{text} is neither an SS58 address nor 0x and 64 hex digits"))
}

/// The deployment's configuration from the flags; every role is the signer unless named.
pub fn config_of(args: &DeployArgs, signer: AccountId) -> Result<SuiteConfig, CliError> {
    let account = |flag: &str, value: &Option<String>| -> Result<AccountId, CliError> {
        match value {
            Some(text) => parse_account(text).map_err(|e| CliError::Usage(format!("--{flag}: {e}"))),
            None => Ok(signer),
        }
    };
    let mut members = Vec::new();
    for text in &args.board_members {
        members.push(parse_account(text).map_err(|e| CliError::Usage(format!("--board-member: {e}")))?);
    }
    if members.is_empty() {
        members.push(signer);
    }
    let majority = u32::try_from(members.len() / 2 + 1).unwrap_or(u32::MAX);
    let min_deposit = u128::from(args.min_deposit_eth)
        .checked_mul(ETH)
        .ok_or_else(|| CliError::Usage("--min-deposit-eth is too large".into()))?;
    Ok(SuiteConfig {
        protocol: members[0],
        board_members: members,
        quorum: args.quorum.unwrap_or(majority),
        governor: icseth_deploy::GovernorChoice::Board,
        guardian: account("guardian", &args.guardian)?,
        staking_manager: account("staking-manager", &args.staking_manager)?,
        treasury: account("treasury", &args.treasury)?,
        min_deposit,
        oracle_genesis_ms: BEACON_GENESIS_MS,
    })
}

fn load(path: &Path) -> Result<Option<Manifest>, CliError> {
    match std::fs::read_to_string(path) {
        Ok(text) => serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| CliError::State(format!("{}: {e}", path.display()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(CliError::io(path, e)),
    }
}

fn save(path: &Path, manifest: &Manifest) -> Result<(), DeployError> {
    let failed = |reason: String| DeployError {
        step: format!("write the manifest {}", path.display()),
        reason,
    };
    let text = serde_json::to_string_pretty(manifest).map_err(|e| failed(e.to_string()))?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| failed(e.to_string()))?;
    }
    // written beside and renamed: an interruption leaves the previous record whole
    let partial = path.with_extension("partial");
    std::fs::write(&partial, text).map_err(|e| failed(e.to_string()))?;
    std::fs::rename(&partial, path).map_err(|e| failed(e.to_string()))
}

fn deploy_failed(e: DeployError) -> CliError {
    CliError::Deploy(e.to_string())
}

/// Runs `icseth deploy`.
pub async fn run(args: &DeployArgs) -> Result<(), CliError> {
    let signer = secret(args)?;
    let deployer = account_of(&signer);
    let config = config_of(args, deployer)?;
    let unreachable = |e: icseth_deploy::ChainError| CliError::Chain {
        url: args.url.clone(),
        error: e.to_string(),
    };
    node::probe(&args.url).await.map_err(unreachable)?;

    println!(
        "[ 1] release bundles in {} (built when missing)",
        args.contracts.display()
    );
    let artifacts = build::build_all(&args.contracts, false, &mut |line| say(line))?;
    let code_hash_of = |name: &str| -> Option<String> {
        artifacts
            .iter()
            .find(|a: &&Artifact| a.contract == name)
            .map(|a| a.code_hash.clone())
    };
    let mut client = node::connect(&args.url, artifacts.iter().map(|a| a.wasm.clone()).collect())
        .await
        .map_err(unreachable)?;

    println!("[ 2] the chain at {}", args.url);
    let decimals = node::token_decimals().await.map_err(unreachable)?;
    let allowed = args.allow_decimals.unwrap_or(SUITE_DECIMALS);
    if decimals != Some(allowed) {
        return Err(CliError::Decimals {
            found: decimals,
            allowed: args.allow_decimals,
        });
    }
    let genesis = node::genesis_hash().await.map_err(unreachable)?;
    say(&format!(
        "genesis {genesis}, native token with {allowed} decimals"
    ));
    say(&format!("signer {}", hex(&deployer)));

    let mut manifest = match load(&args.manifest)? {
        Some(recorded) => {
            let differences = recorded.differences_from(&genesis, deployer, &config, &code_hash_of);
            if !differences.is_empty() {
                return Err(CliError::Mismatch {
                    manifest: args.manifest.display().to_string(),
                    differences: differences.iter().map(ToString::to_string).collect(),
                });
            }
            say(&format!(
                "manifest {}: {} of 7 contracts deployed, {}",
                args.manifest.display(),
                recorded.contracts.len(),
                if recorded.wired { "wired" } else { "not wired yet" }
            ));
            recorded
        }
        None => {
            let from_block = node::head().await.map_err(unreachable)?;
            say(&format!(
                "a new manifest {} (from block {from_block})",
                args.manifest.display()
            ));
            Manifest::new(genesis.clone(), args.url.clone(), deployer, from_block, &config)
        }
    };

    if !manifest.wired {
        let free = node::free_balance(&deployer).await.map_err(unreachable)?;
        if free < DEPLOY_FUNDS {
            return Err(CliError::Funds {
                account: hex(&deployer),
                free,
                needed: DEPLOY_FUNDS,
            });
        }
        println!(
            "[ 3] deploying {} and wiring the suite (the manifest is written after each step)",
            manifest.missing().join(", ")
        );
        let path = args.manifest.clone();
        manifest::deploy_resuming(
            &mut client,
            &signer,
            &config,
            &mut manifest,
            &code_hash_of,
            &mut |m| save(&path, m),
            &mut |line| say(line),
        )
        .await
        .map_err(deploy_failed)?;
        let after = node::free_balance(&deployer).await.map_err(unreachable)?;
        say(&format!(
            "the signer paid {} of the chain's smallest unit (fees and storage deposits)",
            free.saturating_sub(after)
        ));
    } else {
        println!("[ 3] the manifest is complete: nothing to deploy");
    }

    println!("[ 4] verifying the deployment against the chain (code hashes, wiring, roles)");
    let differences = manifest::verify(&mut client, &signer, &manifest)
        .await
        .map_err(deploy_failed)?;
    if !differences.is_empty() {
        return Err(CliError::Mismatch {
            manifest: args.manifest.display().to_string(),
            differences: differences.iter().map(ToString::to_string).collect(),
        });
    }
    println!("\n| contract | address | code hash |\n|---|---|---|");
    for contract in &manifest.contracts {
        println!(
            "| {} | {} | {} |",
            contract.name, contract.address, contract.code_hash
        );
    }
    println!(
        "\nverified: seven contracts with the bundles' code, wired to each other, governed by the \
         board ({} members, quorum {}); manifest {}",
        manifest.config.board_members.len(),
        manifest.config.quorum,
        args.manifest.display()
    );
    Ok(())
}
