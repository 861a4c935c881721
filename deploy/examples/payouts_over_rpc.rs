//! The payout paths on a node, each draining the account that pays to what the chain keeps in it
//! (the contract account's existential deposit and its storage deposits are not the books'):
//! a flash exit of the whole reserve (it pays all but its fee, which stays in the reserve by rule),
//! a stake that takes the whole buffer, a refill that moves the rest of the buffer into the
//! reserve, and the claim of a ticket a report finalized with the whole buffer. Each must succeed, and the paying contract's
//! books must reach zero while its account stays alive. Alice governs directly here (no board
//! votes: the flows, not governance, are under test).
//!   cargo run -p icseth_deploy --example payouts_over_rpc -- ws://127.0.0.1:9944 target/icseth/contracts
use flash_exit_pool::flash_exit_pool::FlashExitPool;
use icseth_abi::oracle::OracleGovernance;
use icseth_abi::pool::PoolGovernance;
use icseth_accounting::icseth_accounting::{IcsethAccounting, Parameter};
use icseth_core::{flash::FlashPolicy, governance::PoolDecision};
use icseth_core::{governance::OracleDecision, operators::VALIDATOR_DEPOSIT, oracle::Report};
use icseth_deploy::{
    account_of, deploy_and_wire, node, operators, read, read_ok, submit, GovernorChoice, SuiteConfig, ETH,
};
use icseth_deploy::{oracle, ChainAccess};
use operator_registry::operator_registry::OperatorKind;
use oracle_consensus::oracle_consensus::OracleConsensus;
use std::path::PathBuf;

type Failure = Box<dyn std::error::Error>;

const DAY_MS: u64 = 24 * 60 * 60 * 1000;

fn eth(wei: u128) -> String {
    format!("{}.{:06} ETH", wei / ETH, (wei % ETH) / 1_000_000_000_000)
}

async fn run(url: &str, contracts: PathBuf) -> Result<(), Failure> {
    let wasm: Vec<PathBuf> = icseth_deploy::CONTRACTS
        .iter()
        .map(|c| contracts.join(format!("{}.wasm", c.name)))
        .collect();
    let mut client = node::connect(url, wasm).await?;
    let alice = ink_e2e::alice();
    let holder = ink_e2e::dave();
    let operator = ink_e2e::one();
    let mut config = SuiteConfig::single_member(account_of(&alice), ETH);
    config.governor = GovernorChoice::Account(account_of(&alice));
    let suite = deploy_and_wire(&mut client, &alice, &config).await?;
    let mut accounting = ink_e2e::create_call_builder::<IcsethAccounting>(suite.accounting);
    let kyc_valid_until = icseth_deploy::governance::kyc_until(client.now_ms().await?);
    submit(
        &mut client,
        &alice,
        &accounting.add_institution(account_of(&holder), None, kyc_valid_until),
        0,
    )
    .await?
    .accepted()?;
    let id = operators::register_operator(
        &mut client,
        suite.operator_registry,
        &operator,
        "Drain Test SSV",
        OperatorKind::SsvCluster,
        10,
    )
    .await?;
    operators::approve_operator(&mut client, suite.operator_registry, &alice, id, 10).await?;
    // One exit may take the whole reserve (by default a day's exits take at most half of it).
    let mut pool = ink_e2e::create_call_builder::<FlashExitPool>(suite.flash_exit_pool);
    let policy = FlashPolicy {
        per_exit_cap_bps: 10_000,
        ..FlashPolicy::DEFAULT
    };
    submit(
        &mut client,
        &alice,
        &PoolGovernance::govern(&mut pool, PoolDecision::SetPolicy { policy }),
        0,
    )
    .await?
    .accepted()?;
    let pool_start = node::free_balance(&suite.flash_exit_pool).await?;
    let accounting_start = node::free_balance(&suite.accounting).await?;
    println!(
        "deployed; the accounts before any deposit: pool {} units, accounting {} units (what the chain keeps in them)",
        pool_start, accounting_start
    );

    // 100 ETH in: 5 ETH to the reserve (the default 5% target), 95 ETH to the buffer.
    submit(&mut client, &holder, &accounting.deposit(), 100 * ETH)
        .await?
        .accepted()?;
    let books = read_ok(&mut client, &alice, &accounting.accounting()).await?;
    println!(
        "deposited 100 ETH: reserve {}, buffer {}",
        eth(books.reserve),
        eth(books.buffered)
    );

    // The largest flash exit the reserve pays: the most shares whose quote the pool accepts (the
    // fee stays in the reserve, so the exit that takes the most leaves its fee there).
    let (mut low, mut high) = (0u128, 100 * ETH);
    while high - low > 1 {
        let mid = low + (high - low) / 2;
        let fits = matches!(
            read(&mut client, &holder, &accounting.quote_flash_exit(mid)).await?,
            Ok(q) if q.payout <= books.reserve
        );
        if fits {
            low = mid;
        } else {
            high = mid;
        }
    }
    let quote = read_ok(&mut client, &holder, &accounting.quote_flash_exit(low)).await?;
    let paid = submit(&mut client, &holder, &accounting.flash_exit(low, quote.payout), 0)
        .await?
        .accepted()?;
    let books = read_ok(&mut client, &alice, &accounting.accounting()).await?;
    let pool_after = node::free_balance(&suite.flash_exit_pool).await?;
    println!(
        "flash exit of {} shares paid {} (fee {}): reserve left {} wei; the pool's account holds {} units, {} at the start",
        low,
        eth(paid),
        eth(quote.fee),
        books.reserve,
        pool_after,
        pool_start
    );
    if pool_after < pool_start || pool_after - pool_start != books.reserve {
        return Err(format!(
            "the pool's account ({pool_after}) is not its start ({pool_start}) plus the reserve ({})",
            books.reserve
        )
        .into());
    }

    // Stake takes the whole buffer that is a multiple of 32 ETH; with no reserve target the next
    // deposit fills the buffer to exactly three validators.
    submit(
        &mut client,
        &alice,
        &accounting.set_parameter(Parameter::ReserveTargetBps, 0),
        0,
    )
    .await?
    .accepted()?;
    let top_up = 96 * ETH - books.buffered;
    submit(&mut client, &holder, &accounting.deposit(), top_up)
        .await?
        .accepted()?;
    assert_eq!(
        submit(&mut client, &alice, &accounting.allocate(), 0)
            .await?
            .accepted()?,
        3,
        "the allocation funds the validators"
    );
    let books = read_ok(&mut client, &alice, &accounting.accounting()).await?;
    let accounting_after = node::free_balance(&suite.accounting).await?;
    println!(
        "staked 3 validators (96 ETH) after a deposit of {}: buffer {} wei; the accounting's account holds {} units, {} at the start",
        eth(top_up),
        books.buffered,
        accounting_after,
        accounting_start
    );
    if books.buffered != 0 || accounting_after != accounting_start {
        return Err("the stake did not take the whole buffer down to the account's start".into());
    }

    // A refill that moves the whole buffer into the reserve.
    submit(&mut client, &holder, &accounting.deposit(), 2 * ETH)
        .await?
        .accepted()?;
    submit(
        &mut client,
        &alice,
        &accounting.set_parameter(Parameter::ReserveTargetBps, 500),
        0,
    )
    .await?
    .accepted()?;
    submit(&mut client, &alice, &accounting.refill_reserve(2 * ETH), 0)
        .await?
        .accepted()?;
    let books = read_ok(&mut client, &alice, &accounting.accounting()).await?;
    let accounting_after = node::free_balance(&suite.accounting).await?;
    println!(
        "refilled the reserve with the whole buffer (2 ETH): buffer {} wei, reserve {}; the accounting's account holds {} units",
        books.buffered,
        eth(books.reserve),
        accounting_after
    );
    if books.buffered != 0 || accounting_after != accounting_start {
        return Err("the refill did not take the whole buffer down to the account's start".into());
    }
    // A claim that takes everything the accounting holds: the holder asks for 1 ETH of shares, the
    // buffer gets exactly the ticket's value (no reserve target), a report a frame later finalizes
    // it, and the claim pays it all out.
    let mut oracle = ink_e2e::create_call_builder::<OracleConsensus>(suite.oracle);
    submit(
        &mut client,
        &alice,
        &OracleGovernance::govern(
            &mut oracle,
            OracleDecision::SetMembers {
                members: vec![account_of(&alice)],
            },
        ),
        0,
    )
    .await?
    .accepted()?;
    submit(
        &mut client,
        &alice,
        &accounting.set_parameter(Parameter::ReserveTargetBps, 0),
        0,
    )
    .await?
    .accepted()?;
    let ticket = submit(&mut client, &holder, &accounting.request_withdrawal(ETH), 0)
        .await?
        .accepted()?;
    let owed = read(&mut client, &alice, &accounting.ticket(ticket))
        .await?
        .ok_or("the ticket is not recorded")?
        .assets;
    submit(&mut client, &holder, &accounting.deposit(), owed)
        .await?
        .accepted()?;
    client.advance_ms(DAY_MS).await?;
    let report = oracle::at(
        client.now_ms().await?,
        Report {
            cl_balance: 3 * VALIDATOR_DEPOSIT,
            validators: 3,
            ..Report::default()
        },
    );
    oracle::agree(&mut client, suite.oracle, std::slice::from_ref(&alice), report).await?;
    let claimed = submit(&mut client, &holder, &accounting.claim(ticket), 0)
        .await?
        .accepted()?;
    let books = read_ok(&mut client, &alice, &accounting.accounting()).await?;
    let accounting_after = node::free_balance(&suite.accounting).await?;
    println!(
        "a report finalized ticket {ticket} ({}, the whole buffer) and its claim paid {}: buffer {} wei, claimable {} wei; the accounting's account holds {} units",
        eth(owed),
        eth(claimed),
        books.buffered,
        books.claimable,
        accounting_after
    );
    if claimed != owed || books.buffered != 0 || books.claimable != 0 || accounting_after != accounting_start
    {
        return Err("the claim did not take everything down to the account's start".into());
    }
    println!("every payout path drained its payer's books to zero and left its account alive");
    Ok(())
}

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let (Some(url), Some(dir)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: payouts_over_rpc <ws url> <folder of release bundles>");
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
