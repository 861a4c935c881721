//! Deploys and wires the suite on a chain reached over RPC (for example `./scripts/chain.sh`),
//! through ink_e2e's node client, from the release bundles `icseth build` writes, and reads the
//! wiring back from every contract.
//!   cargo run -p icseth_deploy --example deploy_over_rpc -- ws://127.0.0.1:9944 target/icseth/contracts
use icseth_deploy::{account_of, deploy_and_wire, hex, read, SuiteConfig, ETH};
use ink_e2e::subxt::backend::rpc::RpcClient;
use std::path::PathBuf;

type Node = ink_e2e::Client<ink_e2e::PolkadotConfig, ink::env::DefaultEnvironment>;

async fn run(url: &str, contracts: PathBuf) -> Result<(), Box<dyn std::error::Error>> {
    let wasm: Vec<PathBuf> = icseth_deploy::CONTRACTS
        .iter()
        .map(|c| contracts.join(format!("{}.wasm", c.name)))
        .collect();
    let rpc = RpcClient::from_url(url).await?;
    let mut client = Node::new(rpc, wasm).await?;
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
