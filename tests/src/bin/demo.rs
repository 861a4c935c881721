//! The suite's main job so far, on the embedded chain: deploy and wire the five contracts, then run
//! an institution's day on the token (whitelisting, deposits, a transfer, a refused transfer, a
//! withdrawal through the queue) and print what an auditor would read back from the contracts.
//! Each step prints a line; a failed step names itself and the contract's error, and exits non-zero.
use icseth_e2e::{
    account_of, deploy_and_wire, read, submit, EmbeddedClient, GovernorChoice, SuiteConfig, ETH,
};
use icseth_token::{icseth_token::IcsethToken, psp22::PSP22};
use std::{error::Error, process::ExitCode};

fn eth(amount: u128) -> String {
    format!("{}.{:06}", amount / ETH, (amount % ETH) / 1_000_000_000_000)
}

fn step(n: usize, text: &str) {
    println!("[{n:>2}] {text}");
}

async fn run() -> Result<(), Box<dyn Error>> {
    step(
        1,
        "building the five contracts for the embedded chain (cached after the first run)",
    );
    let mut client = EmbeddedClient::new(ink_e2e::build_root_and_contract_dependencies());
    let (protocol, bank_a, bank_b, outsider) = (
        ink_e2e::alice(),
        ink_e2e::bob(),
        ink_e2e::charlie(),
        ink_e2e::dave(),
    );

    step(
        2,
        "deploying and wiring board, token, flash-exit pool, operator registry, slash protection",
    );
    let mut config = SuiteConfig::single_member(account_of(&protocol), 32 * ETH);
    // The board's proposals come with their own issue; until then the protocol governs directly.
    config.governor = GovernorChoice::Account(account_of(&protocol));
    let suite = deploy_and_wire(&mut client, &protocol, &config).await?;
    println!("     token {:?}\n     board {:?}", suite.token, suite.board);
    let mut token = ink_e2e::create_call_builder::<IcsethToken>(suite.token);

    step(3, "whitelisting two institutions");
    for who in [&bank_a, &bank_b] {
        submit(
            &mut client,
            &protocol,
            &token.add_institution(account_of(who), None),
            0,
        )
        .await?
        .accepted()?;
    }
    step(4, "institution A deposits 320 ETH, institution B 64 ETH");
    submit(&mut client, &bank_a, &token.deposit(), 320 * ETH)
        .await?
        .accepted()?;
    submit(&mut client, &bank_b, &token.deposit(), 64 * ETH)
        .await?
        .accepted()?;
    step(5, "A transfers 10 icsETH to B");
    submit(
        &mut client,
        &bank_a,
        &token.transfer(account_of(&bank_b), 10 * ETH, vec![]),
        0,
    )
    .await?
    .accepted()?;
    step(6, "A tries to transfer to a non-whitelisted account: refused");
    let refused = submit(
        &mut client,
        &bank_a,
        &token.transfer(account_of(&outsider), ETH, vec![]),
        0,
    )
    .await?;
    println!("     refused with {:?}", refused.value.err());
    step(
        7,
        "B requests a withdrawal of 20 icsETH; anyone finalizes; B claims",
    );
    let ticket = submit(&mut client, &bank_b, &token.request_withdrawal(20 * ETH), 0)
        .await?
        .accepted()?;
    submit(&mut client, &outsider, &token.finalize_withdrawals(10), 0)
        .await?
        .accepted()?;
    let paid = submit(&mut client, &bank_b, &token.claim(ticket), 0)
        .await?
        .accepted()?;
    println!("     ticket {ticket} paid {} ETH", eth(paid));

    step(8, "auditor's view");
    let books = read(&mut client, &protocol, &token.accounting()).await?;
    let rate = read(&mut client, &protocol, &token.rate())
        .await?
        .map_err(|e| format!("{e:?}"))?;
    println!("     rate                 {} ETH per icsETH", eth(rate));
    println!("     total supply         {} icsETH", eth(books.total_shares));
    println!("     pooled assets        {} ETH", eth(books.total_pooled));
    println!("       staking buffer     {} ETH", eth(books.buffered));
    println!("       flash-exit reserve {} ETH", eth(books.reserve));
    println!("     queued withdrawals   {} ETH", eth(books.queued));
    println!("     claimable            {} ETH", eth(books.claimable));
    for (name, who) in [("institution A", &bank_a), ("institution B", &bank_b)] {
        let shares = read(&mut client, &protocol, &token.balance_of(account_of(who))).await?;
        println!("     {name}        {} icsETH", eth(shares));
    }
    Ok(())
}

fn main() -> ExitCode {
    let runtime = match ink_e2e::tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
