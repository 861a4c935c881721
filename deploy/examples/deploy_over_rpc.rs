//! The suite on a node over RPC (for example `./scripts/chain.sh`), through the deploy library's
//! node client (`icseth_deploy::node`): deploys and wires the release bundles `icseth build`
//! writes, reads the rate back at a pinned block, has the board decide by vote (the driver moves
//! the chain's time through `ChainAccess`), reads the decision's events, and shows that a read
//! pinned before the decision still answers for that block.
//!   cargo run -p icseth_deploy --example deploy_over_rpc -- ws://127.0.0.1:9944 target/icseth/contracts
use icseth_core::governance::Action;
use icseth_deploy::{
    account_of, deploy_and_wire, governance::decide_all, hex, node, ChainAccess, SuiteConfig, ETH,
};
use std::path::PathBuf;
use whitelist_board::whitelist_board::{ProposalExecuted, WhitelistBoard};

async fn run(url: &str, contracts: PathBuf) -> Result<(), Box<dyn std::error::Error>> {
    let wasm: Vec<PathBuf> = icseth_deploy::CONTRACTS
        .iter()
        .map(|c| contracts.join(format!("{}.wasm", c.name)))
        .collect();
    let mut client = node::connect(url, wasm).await?;
    let alice = ink_e2e::alice();
    let mut config = SuiteConfig::single_member(account_of(&alice), ETH);
    config.board_members = vec![account_of(&alice), account_of(&ink_e2e::bob())];
    config.quorum = 2;
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
    let token = ink_e2e::create_call_builder::<icseth_accounting::icseth_accounting::IcsethAccounting>(
        suite.accounting,
    );
    let board = ink_e2e::create_call_builder::<WhitelistBoard>(suite.board);
    let before = client.pin().await?;
    let rate = client.read_at(before, &alice, &token.rate()).await?;
    println!("token rate: {rate:?}");

    // the board of two (quorum 2) admits dave, keeping quorum 2
    let start = client.now_ms().await?;
    let add = Action::AddMember {
        account: account_of(&ink_e2e::dave()),
        quorum: 2,
    };
    let ids = decide_all(
        &mut client,
        suite.board,
        &[alice.clone(), ink_e2e::bob()],
        &alice,
        vec![add],
    )
    .await?;
    let now = client.now_ms().await?;
    println!(
        "board decision {ids:?} executed after the chain's time moved {:.2} days",
        (now - start) as f64 / 86_400_000.0
    );
    let executed = client.events_of::<ProposalExecuted>(&suite.board).await?;
    println!(
        "ProposalExecuted events: {:?}",
        executed.iter().map(|e| e.id).collect::<Vec<_>>()
    );
    let after = client.pin().await?;
    let members_now = client.read_at(after, &alice, &board.members()).await?;
    let members_then = client.read_at(before, &alice, &board.members()).await?;
    println!(
        "members now {}, at the block pinned before the decision {}",
        members_now.len(),
        members_then.len()
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
