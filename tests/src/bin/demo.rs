//! The suite's main job so far, on the embedded chain: deploy and wire the five contracts under a
//! three-member board, then run an institution's day (the board votes institutions and an operator
//! in, deposits, a transfer, a refused transfer, a withdrawal through the queue, a removal) and print
//! what an auditor would read back from the contracts. Each step prints a line; a failed step names
//! itself and the contract's error, and exits non-zero.
use icseth_core::{
    governance::{Action, ProtectionDecision, RegistryDecision, TokenDecision},
    operators::VALIDATOR_DEPOSIT,
    oracle::Report,
};
use icseth_e2e::{
    account_of, advance_ms, deploy_and_wire, governance::decide_all, hex, read, submit, EmbeddedClient,
    SuiteConfig, ETH,
};
use icseth_token::{icseth_token::IcsethToken, psp22::PSP22};
use operator_registry::operator_registry::{OperatorKind, OperatorRegistry};
use slash_protection::slash_protection::SlashProtection;
use std::{error::Error, process::ExitCode};
use whitelist_board::whitelist_board::WhitelistBoard;

fn eth(amount: u128) -> String {
    format!("{}.{:06}", amount / ETH, (amount % ETH) / 1_000_000_000_000)
}

/// An 18-decimal fixed-point figure (a rate) with all its decimals.
fn eth18(amount: u128) -> String {
    format!("{}.{:018}", amount / ETH, amount % ETH)
}

const DAY_MS: u64 = 24 * 60 * 60 * 1000;

fn step(n: usize, text: &str) {
    println!("[{n:>2}] {text}");
}

/// Proposes `action` as the protocol, has two of three members approve, waits out voting and the
/// execution delay on the chain's clock, and executes it.
async fn decide(
    client: &mut EmbeddedClient,
    board: ink::primitives::AccountId,
    action: Action,
) -> Result<u64, Box<dyn Error>> {
    let members = [ink_e2e::alice(), ink_e2e::bob()];
    let ids = decide_all(client, board, &members, &ink_e2e::ferdie(), vec![action]).await?;
    Ok(ids.first().copied().unwrap_or_default())
}

async fn run() -> Result<(), Box<dyn Error>> {
    step(
        1,
        "building the five contracts for the embedded chain (cached after the first run)",
    );
    let mut client = EmbeddedClient::new(ink_e2e::build_root_and_contract_dependencies());
    let (protocol, member_b, member_c) = (ink_e2e::alice(), ink_e2e::bob(), ink_e2e::charlie());
    let (bank_a, bank_b, operator, outsider) =
        (ink_e2e::dave(), ink_e2e::eve(), ink_e2e::one(), ink_e2e::two());

    step(
        2,
        "deploying and wiring board, token, flash-exit pool, operator registry, slash protection",
    );
    let mut config = SuiteConfig::single_member(account_of(&protocol), 32 * ETH);
    config.board_members = vec![
        account_of(&protocol),
        account_of(&member_b),
        account_of(&member_c),
    ];
    config.quorum = 2;
    let suite = deploy_and_wire(&mut client, &protocol, &config).await?;
    println!(
        "     board {} (3 members, quorum 2)\n     token {}",
        hex(&suite.board),
        hex(&suite.token)
    );
    let mut token = ink_e2e::create_call_builder::<IcsethToken>(suite.token);
    let mut registry = ink_e2e::create_call_builder::<OperatorRegistry>(suite.operator_registry);
    let mut protection = ink_e2e::create_call_builder::<SlashProtection>(suite.slash_protection);
    let oracles = [member_b.clone(), member_c.clone(), ink_e2e::ferdie()];

    step(
        3,
        "the board votes two institutions onto the whitelist (propose, 2 of 3 approve, 4 days, execute)",
    );
    for who in [&bank_a, &bank_b] {
        let action = Action::Token(TokenDecision::AddInstitution {
            institution: account_of(who),
            min_deposit: None,
        });
        let id = decide(&mut client, suite.board, action).await?;
        println!(
            "     proposal {id} executed: {} whitelisted",
            hex(&account_of(who))
        );
    }
    step(4, "an operator registers and the board approves it");
    let operator_id = submit(
        &mut client,
        &operator,
        &registry.register_operator(
            "Blue Ridge SSV".into(),
            OperatorKind::SsvCluster,
            account_of(&operator),
            account_of(&operator),
        ),
        0,
    )
    .await?
    .accepted()?;
    submit(&mut client, &operator, &registry.set_keys(operator_id, 10), 0)
        .await?
        .accepted()?;
    for action in [
        Action::OperatorRegistry(RegistryDecision::ApproveOperator {
            operator: operator_id,
        }),
        Action::OperatorRegistry(RegistryDecision::SetLimit {
            operator: operator_id,
            limit: 10,
        }),
        Action::SetOracleMembers {
            members: oracles.iter().map(account_of).collect(),
        },
        Action::SlashProtection(ProtectionDecision::AllowDonor {
            donor: account_of(&bank_a),
        }),
    ] {
        decide(&mut client, suite.board, action).await?;
    }
    println!("     approved with a limit of 10 validators; 3 oracle members set; A may donate to the protection pool");
    step(5, "institution A deposits 320 ETH, institution B 64 ETH");
    submit(&mut client, &bank_a, &token.deposit(), 320 * ETH)
        .await?
        .accepted()?;
    submit(&mut client, &bank_b, &token.deposit(), 64 * ETH)
        .await?
        .accepted()?;
    step(6, "A transfers 10 icsETH to B");
    submit(
        &mut client,
        &bank_a,
        &token.transfer(account_of(&bank_b), 10 * ETH, vec![]),
        0,
    )
    .await?
    .accepted()?;
    step(7, "A tries to transfer to a non-whitelisted account: refused");
    let refused = submit(
        &mut client,
        &bank_a,
        &token.transfer(account_of(&outsider), ETH, vec![]),
        0,
    )
    .await?;
    println!("     refused with {:?}", refused.value.err());
    step(
        8,
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

    step(
        9,
        "the staking manager stakes 8 validators (256 ETH) to the operator; the oracle sees them",
    );
    submit(&mut client, &protocol, &token.stake(operator_id, 8), 0)
        .await?
        .accepted()?;
    let staked = 8 * VALIDATOR_DEPOSIT;
    let first = Report {
        epoch: 1_000,
        cl_balance: staked,
        validators: 8,
        ..Report::default()
    };
    for oracle in &oracles[..2] {
        submit(&mut client, oracle, &token.autobalance(first), 0)
            .await?
            .accepted()?;
    }
    step(
        10,
        "a day later: 0.05 ETH of rewards; 2 of 3 oracle members agree; the rate rises",
    );
    advance_ms(DAY_MS);
    let rate_before = read(&mut client, &protocol, &token.rate())
        .await?
        .map_err(|e| format!("{e:?}"))?;
    let rewards = Report {
        epoch: 1_225,
        cl_balance: staked + 5 * ETH / 100,
        ..first
    };
    for oracle in &oracles[..2] {
        submit(&mut client, oracle, &token.autobalance(rewards), 0)
            .await?
            .accepted()?;
    }
    let rate_after = read(&mut client, &protocol, &token.rate())
        .await?
        .map_err(|e| format!("{e:?}"))?;
    println!(
        "     rate {} -> {} ETH per icsETH (fees: 10% treasury, 5% protection pool)",
        eth18(rate_before),
        eth18(rate_after)
    );
    step(
        11,
        "A donates 5 icsETH to the protection pool; a day later 1 ETH is slashed and covered",
    );
    submit(
        &mut client,
        &bank_a,
        &token.approve(suite.slash_protection, 5 * ETH),
        0,
    )
    .await?
    .accepted()?;
    submit(&mut client, &bank_a, &protection.donate(5 * ETH), 0)
        .await?
        .accepted()?;
    advance_ms(DAY_MS);
    let slashed = Report {
        epoch: 1_450,
        cl_balance: rewards.cl_balance - ETH,
        slashed_operator: Some(operator_id),
        ..rewards
    };
    for oracle in &oracles[..2] {
        submit(&mut client, oracle, &token.autobalance(slashed), 0)
            .await?
            .accepted()?;
    }
    if let Some(incident) = read(&mut client, &protocol, &protection.incident(0)).await? {
        println!(
            "     incident 0: loss {} ETH, covered {} ETH, uncovered {} ETH",
            eth(incident.loss),
            eth(incident.covered),
            eth(incident.uncovered)
        );
    }
    let rate_now = read(&mut client, &protocol, &token.rate())
        .await?
        .map_err(|e| format!("{e:?}"))?;
    println!("     rate {} ETH per icsETH (held by the cover)", eth18(rate_now));
    step(
        12,
        "the board removes institution B: it can no longer deposit, but can still exit",
    );
    decide(
        &mut client,
        suite.board,
        Action::Token(TokenDecision::RemoveInstitution {
            institution: account_of(&bank_b),
        }),
    )
    .await?;
    let refused = submit(&mut client, &bank_b, &token.deposit(), 64 * ETH).await?;
    println!("     deposit refused with {:?}", refused.value.err());
    let exit = submit(&mut client, &bank_b, &token.request_withdrawal(10 * ETH), 0)
        .await?
        .accepted()?;
    println!("     withdrawal ticket {exit} recorded");

    step(13, "auditor's view");
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
        let listed = read(&mut client, &protocol, &token.is_whitelisted(account_of(who))).await?;
        println!("     {name}        {} icsETH, whitelisted: {listed}", eth(shares));
    }
    let board = ink_e2e::create_call_builder::<WhitelistBoard>(suite.board);
    let count = read(&mut client, &protocol, &board.proposal_count()).await?;
    println!("     board decisions      {count} proposals, all executed");
    if let Some(record) = read(&mut client, &protocol, &registry.operator(operator_id)).await? {
        println!(
            "     operator {operator_id}           {} ({:?}, {:?}), {} validators funded, {} slashing incident(s)",
            record.name, record.kind, record.status, record.counts.funded, record.totals.slashing_incidents
        );
    }
    let pool_shares = read(&mut client, &protocol, &token.balance_of(suite.slash_protection)).await?;
    let incidents = read(&mut client, &protocol, &protection.incident_count()).await?;
    println!(
        "     protection pool      {} icsETH, {incidents} incident(s) recorded",
        eth(pool_shares)
    );
    let state = read(&mut client, &protocol, &token.oracle_state_read()).await?;
    println!(
        "     oracle               last applied epoch {}, {} validators",
        state.last.epoch, state.last.validators
    );
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
