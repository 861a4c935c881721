//! Deploys and wires the suite on a chain reached over RPC (for example `./scripts/chain.sh`),
//! through ink_e2e's node client, from the release bundles `icseth build` writes, reads the rate
//! back, then moves the chain's time with Chopsticks' `dev_timeTravel` and shows what time a
//! contract sees in the next transaction (a board proposal's `created_at`).
//!   cargo run -p icseth_deploy --example deploy_over_rpc -- ws://127.0.0.1:9944 target/icseth/contracts
use icseth_deploy::{account_of, deploy_and_wire, hex, read, SuiteConfig, ETH};
use ink_e2e::subxt::backend::rpc::{RpcClient, RpcParams};
use std::path::PathBuf;

type Node = ink_e2e::Client<ink_e2e::PolkadotConfig, ink::env::DefaultEnvironment>;

/// The storage key of `Timestamp::Now` (twox128("Timestamp") ++ twox128("Now")).
const TIMESTAMP_NOW: &str = "0xf0c365c3cf59d671eb72da0e7a4113c49f1f0515f462cdcf84e0f1d6045dfcbb";

/// The chain's `Timestamp::Now` at its head, in ms.
async fn chain_time(rpc: &RpcClient) -> Result<u64, Box<dyn std::error::Error>> {
    let mut params = RpcParams::new();
    params.push(TIMESTAMP_NOW)?;
    let value: Option<String> = rpc.request("state_getStorage", params).await?;
    let hex = value.ok_or("no Timestamp::Now")?;
    let digits = hex.trim_start_matches("0x");
    let mut bytes = [0u8; 8];
    for (i, byte) in bytes.iter_mut().enumerate() {
        let pair = digits.get(2 * i..2 * i + 2).ok_or("a short Timestamp::Now")?;
        *byte = u8::from_str_radix(pair, 16)?;
    }
    Ok(u64::from_le_bytes(bytes))
}

async fn run(url: &str, contracts: PathBuf) -> Result<(), Box<dyn std::error::Error>> {
    let wasm: Vec<PathBuf> = icseth_deploy::CONTRACTS
        .iter()
        .map(|c| contracts.join(format!("{}.wasm", c.name)))
        .collect();
    let rpc = RpcClient::from_url(url).await?;
    let mut client = Node::new(rpc.clone(), wasm).await?;
    let alice = ink_e2e::alice();
    let config = SuiteConfig::single_member(account_of(&alice), ETH);
    let started = std::time::Instant::now();
    let suite = deploy_and_wire(&mut client, &alice, &config).await?;
    println!("deployed and wired in {:.1} s", started.elapsed().as_secs_f64());
    for (name, address) in [
        ("board", suite.board),
        ("token", suite.token),
        ("flash-exit pool", suite.flash_exit_pool),
        ("operator registry", suite.operator_registry),
        ("slash protection", suite.slash_protection),
        ("oracle", suite.oracle),
    ] {
        println!("  {name}: {}", hex(&address));
    }
    let token = ink_e2e::create_call_builder::<icseth_token::icseth_token::IcsethToken>(suite.token);
    let rate = read(&mut client, &alice, &token.rate()).await?;
    println!("token rate: {rate:?}");

    let before = chain_time(&rpc).await?;
    let target = before + 2 * 24 * 60 * 60 * 1000;
    let mut params = RpcParams::new();
    params.push(target)?;
    let _: serde_json::Value = rpc.request("dev_timeTravel", params).await?;
    let mut board =
        ink_e2e::create_call_builder::<whitelist_board::whitelist_board::WhitelistBoard>(suite.board);
    let action = icseth_core::governance::Action::SetQuorum { quorum: 1 };
    let id = icseth_deploy::submit(&mut client, &alice, &board.propose(action), 0)
        .await?
        .accepted()?;
    let view = read(&mut client, &alice, &board.proposal(id))
        .await?
        .ok_or("no proposal")?;
    println!(
        "time travel: Timestamp::Now {before} -> {target}; a proposal in the next transaction was created at {} ({:+} ms from the target)",
        view.proposal.created_at,
        i128::from(view.proposal.created_at) - i128::from(target)
    );
    Ok(())
}

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let (Some(url), Some(dir)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: deploy_over_rpc <ws url> <folder of release bundles>");
        return std::process::ExitCode::from(2);
    };
    let runtime = match ink_e2e::tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(url, PathBuf::from(dir))) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
