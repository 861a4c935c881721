//! The benchmark: weights (ref_time, proof_size) and storage deposits of chosen messages on the
//! embedded chain, each beside the baseline token's transfer measured in the same run, plus the
//! Wasm size of every contract. Writes `target/bench/report.md` and `target/bench/report.json`.
//!
//! A program, not a test: no figure here is a pass/fail threshold. Sandbox weights are
//! deterministic (docs/TOOLCHAIN.md), so the ratios are stable from run to run.
use baseline_token::baseline_token::{BaselineToken, BaselineTokenRef};
use icseth_core::governance::{Action, OracleDecision, Timing, TokenDecision};
use icseth_core::{governance::RegistryDecision, operators::Figures, oracle::Report as OracleReport};
use icseth_e2e::{
    account_of, deploy_and_wire, read, submit, Cost, EmbeddedClient, GovernorChoice, SuiteConfig, ETH,
};
use icseth_token::{icseth_token::IcsethToken, psp22::PSP22};
use ink::primitives::AccountId;
use ink_e2e::{ChainBackend, ContractsBackend, Keypair};
use operator_registry::operator_registry::{OperatorKind, OperatorRegistry};
use oracle_consensus::oracle_consensus::{AttestationOutcome, OracleConsensus, ReportVoteOutcome};
use serde::Serialize;
use std::{error::Error, fmt::Write as _, path::PathBuf, process::ExitCode};
use whitelist_board::whitelist_board::WhitelistBoard;

#[derive(Serialize)]
struct Row {
    contract: &'static str,
    message: &'static str,
    scenario: String,
    ref_time: u64,
    proof_size: u64,
    storage_deposit: i128,
    ref_time_vs_baseline: f64,
    proof_size_vs_baseline: f64,
}

#[derive(Serialize)]
struct CodeSize {
    contract: String,
    wasm_bytes: u64,
}

#[derive(Serialize)]
struct Report {
    runtime: &'static str,
    build: &'static str,
    baseline: Cost,
    rows: Vec<Row>,
    code_sizes: Vec<CodeSize>,
}

fn ratio(value: u64, baseline: u64) -> f64 {
    if baseline == 0 {
        return 0.0;
    }
    (value as f64) / (baseline as f64)
}

struct Bench {
    baseline: Cost,
    rows: Vec<Row>,
}

impl Bench {
    fn row(&mut self, contract: &'static str, message: &'static str, scenario: &str, cost: Cost) {
        println!(
            "{contract:>16}::{message:<20} ref_time {:>14} proof_size {:>8} deposit {:>22}  {scenario}",
            cost.ref_time, cost.proof_size, cost.storage_deposit
        );
        self.rows.push(Row {
            contract,
            message,
            scenario: scenario.to_string(),
            ref_time: cost.ref_time,
            proof_size: cost.proof_size,
            storage_deposit: cost.storage_deposit,
            ref_time_vs_baseline: ratio(cost.ref_time, self.baseline.ref_time),
            proof_size_vs_baseline: ratio(cost.proof_size, self.baseline.proof_size),
        });
    }
}

/// The baseline transfer, and the baseline's `balance_of` (a read: the fixed cost of calling it).
async fn measure_baseline(client: &mut EmbeddedClient) -> Result<(Cost, Cost), Box<dyn Error>> {
    let alice = ink_e2e::alice();
    let bob = account_of(&ink_e2e::bob());
    let mut constructor = BaselineTokenRef::new(1_000_000 * ETH);
    let baseline = client
        .instantiate("baseline_token", &alice, &mut constructor)
        .submit()
        .await
        .map_err(|e| format!("instantiate baseline_token: {e:?}"))?;
    let mut token = baseline.call_builder::<BaselineToken>();
    // The first transfer creates bob's entry; measure the second, between two existing holders.
    submit(client, &alice, &token.transfer(bob, ETH), 0)
        .await?
        .accepted()?;
    let measured = submit(client, &alice, &token.transfer(bob, ETH), 0).await?;
    measured.value.map_err(|e| format!("{e:?}"))?;
    let read = submit(client, &alice, &token.balance_of(bob), 0).await?;
    Ok((measured.cost, read.cost))
}

async fn measure_token(client: &mut EmbeddedClient, bench: &mut Bench) -> Result<(), Box<dyn Error>> {
    let alice = ink_e2e::alice();
    let (bob, charlie) = (ink_e2e::bob(), ink_e2e::charlie());
    let mut config = SuiteConfig::single_member(account_of(&alice), ETH);
    config.governor = GovernorChoice::Account(account_of(&alice));
    let suite = deploy_and_wire(client, &alice, &config).await?;
    let mut token = ink_e2e::create_call_builder::<IcsethToken>(suite.token);
    for who in [&bob, &charlie] {
        submit(client, &alice, &token.add_institution(account_of(who), None), 0)
            .await?
            .accepted()?;
        submit(client, who, &token.deposit(), 0).await.map(|_| ())?;
    }
    let first = submit(client, &bob, &token.deposit(), 100 * ETH).await?;
    first.value.map_err(|e| format!("deposit: {e:?}"))?;
    bench.row(
        "icseth_token",
        "deposit",
        "first deposit of an institution",
        first.cost,
    );
    let again = submit(client, &bob, &token.deposit(), 100 * ETH).await?;
    again.value.map_err(|e| format!("deposit: {e:?}"))?;
    bench.row("icseth_token", "deposit", "later deposit", again.cost);
    let to_new = submit(
        client,
        &bob,
        &token.transfer(account_of(&charlie), ETH, vec![]),
        0,
    )
    .await?;
    to_new.value.map_err(|e| format!("transfer: {e:?}"))?;
    bench.row(
        "icseth_token",
        "PSP22::transfer",
        "to a whitelisted institution without shares",
        to_new.cost,
    );
    let transfer = submit(
        client,
        &bob,
        &token.transfer(account_of(&charlie), ETH, vec![]),
        0,
    )
    .await?;
    transfer.value.map_err(|e| format!("transfer: {e:?}"))?;
    bench.row(
        "icseth_token",
        "PSP22::transfer",
        "between two holders (baseline's shape)",
        transfer.cost,
    );
    let read = submit(client, &bob, &token.balance_of(account_of(&charlie)), 0).await?;
    bench.row(
        "icseth_token",
        "PSP22::balance_of",
        "a read: the fixed cost of calling the token",
        read.cost,
    );
    let request = submit(client, &bob, &token.request_withdrawal(10 * ETH), 0).await?;
    request.value.map_err(|e| format!("request_withdrawal: {e:?}"))?;
    bench.row(
        "icseth_token",
        "request_withdrawal",
        "first ticket of a holder",
        request.cost,
    );
    let request = submit(client, &bob, &token.request_withdrawal(10 * ETH), 0).await?;
    let ticket = request.value.map_err(|e| format!("request_withdrawal: {e:?}"))?;
    bench.row("icseth_token", "request_withdrawal", "later ticket", request.cost);
    // Only a report finalizes: alice (the governor here) becomes the only oracle member and
    // reports once more tickets are pending than a report's page, so `finalize_withdrawals`
    // continues with one.
    let mut oracle = ink_e2e::create_call_builder::<OracleConsensus>(suite.oracle);
    submit(
        client,
        &alice,
        &oracle.govern(OracleDecision::SetMembers {
            members: vec![account_of(&alice)],
        }),
        0,
    )
    .await?
    .accepted()?;
    for _ in 2..=icseth_token::icseth_token::MAX_FINALIZE_PER_REPORT {
        submit(client, &bob, &token.request_withdrawal(ETH / 50), 0)
            .await?
            .accepted()?;
    }
    icseth_e2e::oracle::next_frame();
    let report = icseth_e2e::oracle::at(icseth_e2e::now_ms(), OracleReport::default());
    submit(client, &alice, &oracle.submit_report(report), 0)
        .await?
        .accepted()?;
    let finalize = submit(client, &charlie, &token.finalize_withdrawals(1), 0).await?;
    finalize
        .value
        .map_err(|e| format!("finalize_withdrawals: {e:?}"))?;
    bench.row(
        "icseth_token",
        "finalize_withdrawals",
        "one ticket, continuing a report's finalization",
        finalize.cost,
    );
    let claim = submit(client, &bob, &token.claim(ticket), 0).await?;
    claim.value.map_err(|e| format!("claim: {e:?}"))?;
    bench.row("icseth_token", "claim", "a finalized ticket", claim.cost);
    Ok(())
}

/// A board of `members.len()` members with quorum `quorum` governing a fresh suite; returns the board.
async fn board_with(
    client: &mut EmbeddedClient,
    members: &[Keypair],
    quorum: u32,
) -> Result<AccountId, Box<dyn Error>> {
    let alice = ink_e2e::alice();
    let mut config = SuiteConfig::single_member(account_of(&alice), ETH);
    config.board_members = members.iter().map(account_of).collect();
    config.quorum = quorum;
    Ok(deploy_and_wire(client, &alice, &config).await?.board)
}

/// Measures propose, vote and execute on a board of `members` (the first is the protocol) after
/// `earlier` proposals, with the quorum's votes cast before the measured vote.
async fn measure_board_case(
    client: &mut EmbeddedClient,
    bench: &mut Bench,
    member_count: usize,
    earlier: u64,
) -> Result<(), Box<dyn Error>> {
    let alice = ink_e2e::alice();
    let mut members = vec![alice.clone()];
    for _ in 1..member_count {
        members.push(client.create_and_fund_account(&alice, 1_000 * ETH).await);
    }
    let members = &members[..];
    let scenario = format!(
        "{}, {}; whitelist action",
        count(u64::try_from(member_count)?, "member"),
        count(earlier, "earlier proposal")
    );
    let scenario = scenario.as_str();
    let quorum = u32::try_from(members.len() / 2 + 1)?;
    let board = board_with(client, members, quorum).await?;
    let mut call = ink_e2e::create_call_builder::<WhitelistBoard>(board);
    let proposer = &members[0];
    for i in 0..earlier {
        let filler = Action::SetQuorum {
            quorum: u32::try_from(i % 7)?,
        };
        submit(client, proposer, &call.propose(filler), 0)
            .await?
            .accepted()?;
    }
    let institution = account_of(&ink_e2e::two());
    let action = Action::Token(TokenDecision::AddInstitution {
        institution,
        min_deposit: None,
    });
    let propose = submit(client, proposer, &call.propose(action), 0).await?;
    let id = propose.value.map_err(|e| format!("propose: {e:?}"))?;
    bench.row("whitelist_board", "propose", scenario, propose.cost);
    // every member but the last votes, then the last vote is measured (the longest vote list)
    let (last, others) = members.split_last().ok_or("no members")?;
    for member in others {
        submit(client, member, &call.vote(id, true), 0)
            .await?
            .accepted()?;
    }
    let vote = submit(client, last, &call.vote(id, true), 0).await?;
    vote.value.map_err(|e| format!("vote: {e:?}"))?;
    bench.row("whitelist_board", "vote", scenario, vote.cost);
    icseth_e2e::advance_ms(Timing::DEFAULT.voting_period_ms + Timing::DEFAULT.execution_delay_ms);
    let execute = submit(client, proposer, &call.execute(id), 0).await?;
    execute.value.map_err(|e| format!("execute: {e:?}"))?;
    bench.row("whitelist_board", "execute", scenario, execute.cost);
    Ok(())
}

async fn measure_board(paths: &[PathBuf], bench: &mut Bench) -> Result<(), Box<dyn Error>> {
    for earlier in [0, 1_000] {
        for members in [1, 21] {
            measure_board_case(&mut fresh_client(paths), bench, members, earlier).await?;
        }
    }
    Ok(())
}

/// Registry rows with `operators` operators registered (the measured one last): register, a report,
/// an attestation, and the token's stake (which records it in the registry).
async fn measure_registry(
    client: &mut EmbeddedClient,
    bench: &mut Bench,
    operators: u32,
) -> Result<(), Box<dyn Error>> {
    let scenario = format!("{} registered", count(u64::from(operators), "operator"));
    let scenario = scenario.as_str();
    let alice = ink_e2e::alice();
    let institution = ink_e2e::bob();
    let mut config = SuiteConfig::single_member(account_of(&alice), ETH);
    config.governor = GovernorChoice::Account(account_of(&alice));
    let suite = deploy_and_wire(client, &alice, &config).await?;
    let mut registry = ink_e2e::create_call_builder::<OperatorRegistry>(suite.operator_registry);
    let mut token = ink_e2e::create_call_builder::<IcsethToken>(suite.token);
    // the waiting room holds 32 self-registrations by default: open it to the whole registry
    let limits = icseth_core::operators::RegistrationLimits {
        max_pending: operators.max(1),
        ..icseth_core::operators::RegistrationLimits::DEFAULT
    };
    submit(
        client,
        &alice,
        &registry.govern(RegistryDecision::SetRegistrationLimits { limits }),
        0,
    )
    .await?
    .accepted()?;
    for _ in 1..operators {
        let admin = client.create_and_fund_account(&alice, 10 * ETH).await;
        let who = account_of(&admin);
        let msg = registry.register_operator("filler".into(), OperatorKind::KycRingFenced, who, who);
        submit(client, &admin, &msg, 0).await?.accepted()?;
    }
    let admin = client.create_and_fund_account(&alice, 10 * ETH).await;
    let who = account_of(&admin);
    let register = submit(
        client,
        &admin,
        &registry.register_operator("Measured SSV".into(), OperatorKind::SsvCluster, who, who),
        0,
    )
    .await?;
    let id = register.value.map_err(|e| format!("register: {e:?}"))?;
    bench.row("operator_registry", "register_operator", scenario, register.cost);
    submit(client, &admin, &registry.set_keys(id, 10), 0)
        .await?
        .accepted()?;
    for decision in [
        RegistryDecision::ApproveOperator { operator: id },
        RegistryDecision::SetLimit {
            operator: id,
            limit: 4,
        },
    ] {
        submit(client, &alice, &registry.govern(decision), 0)
            .await?
            .accepted()?;
    }
    icseth_e2e::advance_ms(operator_registry::operator_registry::FRAME_MS);
    let figures = Figures {
        effectiveness_bps: 9_800,
        proposed: 1,
        missed: 0,
        consensus_rewards: ETH / 50,
        mev_rewards: ETH / 100,
    };
    let report = submit(client, &admin, &registry.report_performance(id, 0, figures), 0).await?;
    report.value.map_err(|e| format!("report_performance: {e:?}"))?;
    bench.row("operator_registry", "report_performance", scenario, report.cost);
    submit(
        client,
        &alice,
        &token.add_institution(account_of(&institution), None),
        0,
    )
    .await?
    .accepted()?;
    submit(client, &institution, &token.deposit(), 100 * ETH)
        .await?
        .accepted()?;
    let stake = submit(client, &alice, &token.stake(id, 1), 0).await?;
    stake.value.map_err(|e| format!("stake: {e:?}"))?;
    bench.row("icseth_token", "stake", scenario, stake.cost);
    Ok(())
}

/// A flash exit and its quote, against a reserve filled by two deposits.
async fn measure_flash_exit(client: &mut EmbeddedClient, bench: &mut Bench) -> Result<(), Box<dyn Error>> {
    let (alice, bob, charlie) = (ink_e2e::alice(), ink_e2e::bob(), ink_e2e::charlie());
    let mut config = SuiteConfig::single_member(account_of(&alice), ETH);
    config.governor = GovernorChoice::Account(account_of(&alice));
    let suite = deploy_and_wire(client, &alice, &config).await?;
    let mut token = ink_e2e::create_call_builder::<IcsethToken>(suite.token);
    for (who, amount) in [(&bob, 100 * ETH), (&charlie, 20 * ETH)] {
        submit(client, &alice, &token.add_institution(account_of(who), None), 0)
            .await?
            .accepted()?;
        submit(client, who, &token.deposit(), amount).await?.accepted()?;
    }
    let quote = submit(client, &charlie, &token.quote_flash_exit(2 * ETH), 0).await?;
    quote.value.map_err(|e| format!("quote_flash_exit: {e:?}"))?;
    bench.row(
        "icseth_token",
        "quote_flash_exit",
        "reserve at target (6 ETH)",
        quote.cost,
    );
    let exit = submit(client, &charlie, &token.flash_exit(2 * ETH, 0), 0).await?;
    exit.value.map_err(|e| format!("flash_exit: {e:?}"))?;
    bench.row(
        "icseth_token",
        "flash_exit",
        "2 ETH against a 6 ETH reserve",
        exit.cost,
    );
    Ok(())
}

/// The `i`th holder made up for the benchmark (an account nobody holds the key of).
fn filler_holder(i: u32) -> AccountId {
    let mut raw = [0x5au8; 32];
    raw[..4].copy_from_slice(&i.to_le_bytes());
    AccountId::from(raw)
}

/// `n` things in a scenario's words: `1 operator`, `1,000 operators`.
fn count(n: u64, noun: &str) -> String {
    format!("{} {noun}{}", thousands(n), if n == 1 { "" } else { "s" })
}

/// `1000` as `1,000`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A client on a fresh embedded chain: each case starts from an empty state, so the setup of one
/// (thousands of holders, proposals or operators) never slows the dry runs of the next.
fn fresh_client(paths: &[PathBuf]) -> EmbeddedClient {
    EmbeddedClient::new(paths.to_vec())
}

/// `count` oracle members (alice and bob first), made the members by alice (the governor).
async fn oracle_members(
    client: &mut EmbeddedClient,
    oracle: AccountId,
    count: u32,
) -> Result<Vec<Keypair>, Box<dyn Error>> {
    let alice = ink_e2e::alice();
    let mut members = vec![ink_e2e::alice(), ink_e2e::bob()];
    while members.len() < count as usize {
        members.push(client.create_and_fund_account(&alice, 10 * ETH).await);
    }
    members.truncate(count as usize);
    let mut call = ink_e2e::create_call_builder::<OracleConsensus>(oracle);
    let decision = OracleDecision::SetMembers {
        members: members.iter().map(account_of).collect(),
    };
    submit(client, &alice, &call.govern(decision), 0)
        .await?
        .accepted()?;
    Ok(members)
}

/// Report votes with `holders` holders and `member_count` oracle members: a member's vote that
/// does not reach quorum (when one can), and the vote that reaches it and applies the report (a
/// gain with fees, and the finalization page), with 1, then 16, then 1,000 pending tickets.
async fn measure_reports(
    client: &mut EmbeddedClient,
    bench: &mut Bench,
    holders: u32,
    member_count: u32,
) -> Result<(), Box<dyn Error>> {
    let alice = ink_e2e::alice();
    let institution = ink_e2e::dave();
    let mut config = SuiteConfig::single_member(account_of(&alice), ETH);
    config.governor = GovernorChoice::Account(account_of(&alice));
    let suite = deploy_and_wire(client, &alice, &config).await?;
    let mut token = ink_e2e::create_call_builder::<IcsethToken>(suite.token);
    let mut oracle = ink_e2e::create_call_builder::<OracleConsensus>(suite.oracle);
    let members = oracle_members(client, suite.oracle, member_count).await?;
    let quorum = icseth_core::oracle::quorum(member_count) as usize;
    submit(
        client,
        &alice,
        &token.add_institution(account_of(&institution), None),
        0,
    )
    .await?
    .accepted()?;
    submit(client, &institution, &token.deposit(), 10_000 * ETH)
        .await?
        .accepted()?;
    // holders beyond the depositor: whitelisted accounts that received a transfer
    for i in 1..holders {
        let holder = filler_holder(i);
        submit(client, &alice, &token.add_institution(holder, None), 0)
            .await?
            .accepted()?;
        let transfer = token.transfer(holder, ETH / 1_000, vec![]);
        submit(client, &institution, &transfer, 0).await?.accepted()?;
    }
    let holding = read(client, &alice, &token.balance_of(filler_holder(holders - 1))).await?;
    if holders > 1 && holding != ETH / 1_000 {
        return Err(format!(
            "the last of {holders} holders holds {holding}, not {}",
            ETH / 1_000
        )
        .into());
    }
    let scenario = |tickets: u32| -> String {
        format!(
            "{}, {}, {}",
            count(u64::from(member_count), "oracle member"),
            count(u64::from(holders), "holder"),
            count(u64::from(tickets), "pending ticket")
        )
    };
    let first = icseth_e2e::oracle::at(icseth_e2e::now_ms(), OracleReport::default());
    icseth_e2e::oracle::agree(client, suite.oracle, &members[..quorum], first).await?;
    let mut rewards = 0u128;
    for tickets in [1u32, 16, 1_000] {
        let pending = read(client, &alice, &token.accounting()).await?;
        let have = u32::try_from(pending.next_ticket - pending.next_to_finalize)?;
        for _ in have..tickets {
            let request = token.request_withdrawal(ETH / 50);
            submit(client, &institution, &request, 0).await?.accepted()?;
        }
        let pending = read(client, &alice, &token.accounting()).await?;
        if pending.next_ticket - pending.next_to_finalize != u64::from(tickets) {
            return Err(format!("expected {tickets} pending tickets, the token has {pending:?}").into());
        }
        icseth_e2e::advance_ms(24 * 60 * 60 * 1000);
        rewards += ETH / 10;
        submit(client, &alice, &token.receive_inflow(), ETH / 10)
            .await?
            .accepted()?;
        let report = icseth_e2e::oracle::at(
            icseth_e2e::now_ms(),
            OracleReport {
                el_rewards_total: rewards,
                ..OracleReport::default()
            },
        );
        for (i, member) in members[..quorum].iter().enumerate() {
            let vote = submit(client, member, &oracle.submit_report(report), 0).await?;
            let outcome = vote.value.map_err(|e| format!("submit_report: {e:?}"))?;
            if i + 1 < quorum {
                if i == 0 {
                    bench.row(
                        "oracle_consensus",
                        "submit_report (a vote)",
                        &scenario(tickets),
                        vote.cost,
                    );
                }
                continue;
            }
            if outcome != ReportVoteOutcome::Applied {
                return Err(format!("the quorum's vote did not apply: {outcome:?}").into());
            }
            bench.row(
                "oracle_consensus",
                "submit_report (quorum, applies)",
                &scenario(tickets),
                vote.cost,
            );
        }
    }
    Ok(())
}

/// Frame attestations with `member_count` oracle members: a member's attestation short of quorum
/// (when one can be) and the one that reaches it, which the registry scores.
async fn measure_attestations(
    client: &mut EmbeddedClient,
    bench: &mut Bench,
    member_count: u32,
) -> Result<(), Box<dyn Error>> {
    let alice = ink_e2e::alice();
    let mut config = SuiteConfig::single_member(account_of(&alice), ETH);
    config.governor = GovernorChoice::Account(account_of(&alice));
    let suite = deploy_and_wire(client, &alice, &config).await?;
    let mut registry = ink_e2e::create_call_builder::<OperatorRegistry>(suite.operator_registry);
    let mut oracle = ink_e2e::create_call_builder::<OracleConsensus>(suite.oracle);
    let members = oracle_members(client, suite.oracle, member_count).await?;
    let quorum = icseth_core::oracle::quorum(member_count) as usize;
    let admin = client.create_and_fund_account(&alice, 10 * ETH).await;
    let who = account_of(&admin);
    let msg = registry.register_operator("Measured SSV".into(), OperatorKind::SsvCluster, who, who);
    let id = submit(client, &admin, &msg, 0).await?.accepted()?;
    submit(
        client,
        &alice,
        &registry.govern(RegistryDecision::ApproveOperator { operator: id }),
        0,
    )
    .await?
    .accepted()?;
    icseth_e2e::advance_ms(operator_registry::operator_registry::FRAME_MS);
    let figures = Figures {
        effectiveness_bps: 9_800,
        proposed: 1,
        missed: 0,
        consensus_rewards: ETH / 50,
        mev_rewards: ETH / 100,
    };
    let scenario = count(u64::from(member_count), "oracle member");
    for (i, member) in members[..quorum].iter().enumerate() {
        let attest = submit(client, member, &oracle.attest(id, 0, figures), 0).await?;
        let outcome = attest.value.map_err(|e| format!("attest: {e:?}"))?;
        if i + 1 < quorum {
            if i == 0 {
                bench.row("oracle_consensus", "attest (a vote)", &scenario, attest.cost);
            }
            continue;
        }
        if outcome != AttestationOutcome::Agreed {
            return Err(format!("the quorum's attestation was not agreed: {outcome:?}").into());
        }
        bench.row(
            "oracle_consensus",
            "attest (quorum, scored)",
            &scenario,
            attest.cost,
        );
    }
    Ok(())
}

fn render_markdown(report: &Report) -> String {
    let mut md = String::new();
    let _ = writeln!(md, "# icsETH benchmark\n");
    let _ = writeln!(
        md,
        "Runtime: {}. Contracts built by ink_e2e ({}).\n",
        report.runtime, report.build
    );
    let _ = writeln!(
        md,
        "Baseline: `baseline_token::transfer` between two holders: ref_time {}, proof_size {}.\n",
        report.baseline.ref_time, report.baseline.proof_size
    );
    let _ = writeln!(md, "## Messages\n");
    let _ = writeln!(md, "| contract | message | scenario | ref_time | proof_size | storage deposit | ref_time / baseline | proof_size / baseline |");
    let _ = writeln!(md, "|---|---|---|---:|---:|---:|---:|---:|");
    let _ = writeln!(
        md,
        "| baseline_token | transfer | two map reads, two writes, one event | {} | {} | {} | 1.00 | 1.00 |",
        report.baseline.ref_time, report.baseline.proof_size, report.baseline.storage_deposit
    );
    for r in &report.rows {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} | {:.2} | {:.2} |",
            r.contract,
            r.message,
            r.scenario,
            r.ref_time,
            r.proof_size,
            r.storage_deposit,
            r.ref_time_vs_baseline,
            r.proof_size_vs_baseline
        );
    }
    render_fixed_and_marginal(&mut md, report);
    let _ = writeln!(
        md,
        "\n## Code sizes (debug Wasm, as the embedded chain runs them; limit 123 KiB)\n"
    );
    let _ = writeln!(md, "| contract | Wasm bytes | KiB |");
    let _ = writeln!(md, "|---|---:|---:|");
    for c in &report.code_sizes {
        let _ = writeln!(
            md,
            "| {} | {} | {:.1} |",
            c.contract,
            c.wasm_bytes,
            c.wasm_bytes as f64 / 1024.0
        );
    }
    md
}

/// Splits each transfer into the fixed cost of calling its contract (a `balance_of` read, which
/// grows with the contract's code size) and the marginal cost of the transfer's own work.
fn render_fixed_and_marginal(md: &mut String, report: &Report) {
    let find = |contract: &str, message: &str, scenario_prefix: &str| {
        report.rows.iter().find(|r| {
            r.contract == contract && r.message == message && r.scenario.starts_with(scenario_prefix)
        })
    };
    let (Some(base_read), Some(token_read), Some(token_transfer)) = (
        find("baseline_token", "balance_of", ""),
        find("icseth_token", "PSP22::balance_of", ""),
        find("icseth_token", "PSP22::transfer", "between"),
    ) else {
        return;
    };
    let base_marginal = report.baseline.ref_time.saturating_sub(base_read.ref_time);
    let token_marginal = token_transfer.ref_time.saturating_sub(token_read.ref_time);
    let _ = writeln!(md, "\n## Transfer: fixed and marginal ref_time\n");
    let _ = writeln!(md, "| | baseline | icsETH | ratio |");
    let _ = writeln!(md, "|---|---:|---:|---:|");
    let _ = writeln!(
        md,
        "| fixed (a `balance_of` read) | {} | {} | {:.2} |",
        base_read.ref_time,
        token_read.ref_time,
        ratio(token_read.ref_time, base_read.ref_time)
    );
    let _ = writeln!(
        md,
        "| marginal (transfer minus read) | {} | {} | {:.2} |",
        base_marginal,
        token_marginal,
        ratio(token_marginal, base_marginal)
    );
    let _ = writeln!(
        md,
        "\nThe fixed part grows with the Wasm the runtime loads per call (see the sizes below); the \
         marginal part is the transfer's own storage and event work."
    );
}

async fn run() -> Result<PathBuf, Box<dyn Error>> {
    let wasm_paths = ink_e2e::build_root_and_contract_dependencies();
    let mut code_sizes = Vec::new();
    for path in &wasm_paths {
        let contract = path
            .file_stem()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_default();
        code_sizes.push(CodeSize {
            contract,
            wasm_bytes: std::fs::metadata(path)?.len(),
        });
    }
    code_sizes.sort_by(|a, b| a.contract.cmp(&b.contract));
    let paths = wasm_paths;
    let (baseline, baseline_read) = measure_baseline(&mut fresh_client(&paths)).await?;
    println!(
        "{:>16}::{:<20} ref_time {:>14} proof_size {:>8}",
        "baseline_token", "transfer", baseline.ref_time, baseline.proof_size
    );
    let mut bench = Bench {
        baseline,
        rows: Vec::new(),
    };
    bench.row(
        "baseline_token",
        "balance_of",
        "a read: the fixed cost of calling the baseline",
        baseline_read,
    );
    measure_token(&mut fresh_client(&paths), &mut bench).await?;
    measure_board(&paths, &mut bench).await?;
    for operators in [1, 1_000] {
        measure_registry(&mut fresh_client(&paths), &mut bench, operators).await?;
    }
    measure_flash_exit(&mut fresh_client(&paths), &mut bench).await?;
    let holders: u32 = std::env::var("ICSETH_BENCH_HOLDERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    for (holders, members) in [(1, 1), (1, 16), (holders, 3)] {
        measure_reports(&mut fresh_client(&paths), &mut bench, holders, members).await?;
    }
    for members in [1, 16] {
        measure_attestations(&mut fresh_client(&paths), &mut bench, members).await?;
    }

    let report = Report {
        runtime: "ink_sandbox 5.1.1 DefaultSandbox (pallet-contracts), via the project's ClockSandbox",
        build: "debug",
        baseline,
        rows: bench.rows,
        code_sizes,
    };
    let dir =
        PathBuf::from(std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".into())).join("bench");
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join("report.md"), render_markdown(&report))?;
    std::fs::write(dir.join("report.json"), serde_json::to_string_pretty(&report)?)?;
    Ok(dir)
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
        Ok(dir) => {
            println!("report written to {}/report.md and report.json", dir.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
