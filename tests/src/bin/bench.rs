//! The benchmark: weights (ref_time, proof_size) and storage deposits of chosen messages on the
//! embedded chain, each beside the baseline token's transfer measured in the same run and build,
//! plus every contract's release and debug Wasm size. Every case runs on release builds (what
//! `icseth build` makes, through the deploy library); the five headline messages run on debug
//! builds too (what the end-to-end tests run). A bare PSP22 contract (the token's traits without
//! its checks) gives the floor any ledger can reach. Writes `target/bench/report.md` and
//! `target/bench/report.json`.
//!
//! A program, not a test: no figure here is a pass/fail threshold. Sandbox weights are
//! deterministic (docs/TOOLCHAIN.md), so the ratios are stable from run to run.
use bare_psp22::bare_psp22::BarePsp22Ref;
use baseline_token::baseline_token::{BaselineToken, BaselineTokenRef};
use icseth_abi::{oracle::OracleGovernance, registry::RegistryGovernance};
use icseth_accounting::icseth_accounting::IcsethAccounting;
use icseth_core::governance::{Action, OracleDecision, Timing, TokenDecision};
use icseth_core::{governance::RegistryDecision, operators::Figures, oracle::Report as OracleReport};
use icseth_e2e::{
    account_of, deploy_and_wire, read, read_ok, submit, Cost, EmbeddedClient, GovernorChoice, SuiteConfig,
    ETH,
};
use icseth_token::{icseth_token::IcsethToken, psp22::PSP22};
use ink::primitives::AccountId;
use ink_e2e::{ChainBackend, ContractsBackend, Keypair};
use operator_registry::operator_registry::{OperatorKind, OperatorRegistry};
use oracle_consensus::oracle_consensus::{AttestationOutcome, OracleConsensus, ReportVoteOutcome};
use serde::Serialize;
use std::{
    collections::BTreeMap, error::Error, fmt::Write as _, path::Path, path::PathBuf, process::ExitCode,
};
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
    release_bytes: u64,
    /// The suite's contracts only: the largest release Wasm `icseth build` accepts.
    release_budget_bytes: Option<u64>,
    debug_bytes: u64,
    release_code_hash: String,
}

/// One build's measurements, each row beside that build's baseline transfer.
#[derive(Serialize)]
struct Measured {
    build: &'static str,
    baseline: Cost,
    rows: Vec<Row>,
}

#[derive(Serialize)]
struct Report {
    runtime: &'static str,
    release: Measured,
    debug: Measured,
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
    let mut ledger = baseline.call_builder::<BaselineToken>();
    // The first transfer creates bob's entry; measure the second, between two existing holders.
    submit(client, &alice, &ledger.transfer(bob, ETH), 0)
        .await?
        .accepted()?;
    let measured = submit(client, &alice, &ledger.transfer(bob, ETH), 0).await?;
    measured.value.map_err(|e| format!("{e:?}"))?;
    let read = submit(client, &alice, &ledger.balance_of(bob), 0).await?;
    Ok((measured.cost, read.cost))
}

/// The bare PSP22 contract's transfer between two holders and its `balance_of` (the floor of a
/// ledger with the token's interface).
async fn measure_bare_psp22(client: &mut EmbeddedClient, bench: &mut Bench) -> Result<(), Box<dyn Error>> {
    let alice = ink_e2e::alice();
    let bob = account_of(&ink_e2e::bob());
    let mut constructor = BarePsp22Ref::new(1_000_000 * ETH);
    let bare = client
        .instantiate("bare_psp22", &alice, &mut constructor)
        .submit()
        .await
        .map_err(|e| format!("instantiate bare_psp22: {e:?}"))?;
    let mut ledger = ink_e2e::create_call_builder::<bare_psp22::bare_psp22::BarePsp22>(bare.account_id);
    submit(client, &alice, &ledger.transfer(bob, ETH, vec![]), 0)
        .await?
        .accepted()?;
    let transfer = submit(client, &alice, &ledger.transfer(bob, ETH, vec![]), 0).await?;
    transfer.value.map_err(|e| format!("{e:?}"))?;
    bench.row(
        "bare_psp22",
        "PSP22::transfer",
        "between two holders (the token's traits, no checks)",
        transfer.cost,
    );
    let read = submit(client, &alice, &ledger.balance_of(bob), 0).await?;
    bench.row(
        "bare_psp22",
        "PSP22::balance_of",
        "a read: the fixed cost of calling it",
        read.cost,
    );
    Ok(())
}

async fn measure_token(client: &mut EmbeddedClient, bench: &mut Bench) -> Result<(), Box<dyn Error>> {
    let alice = ink_e2e::alice();
    let (bob, charlie) = (ink_e2e::bob(), ink_e2e::charlie());
    let mut config = SuiteConfig::single_member(account_of(&alice), ETH);
    config.governor = GovernorChoice::Account(account_of(&alice));
    let suite = deploy_and_wire(client, &alice, &config).await?;
    let mut token = ink_e2e::create_call_builder::<IcsethAccounting>(suite.accounting);
    let mut ledger = ink_e2e::create_call_builder::<IcsethToken>(suite.token);
    for who in [&bob, &charlie] {
        submit(
            client,
            &alice,
            &token.add_institution(
                account_of(who),
                None,
                icseth_deploy::governance::kyc_until(icseth_deploy::now_ms()),
            ),
            0,
        )
        .await?
        .accepted()?;
        submit(client, who, &token.deposit(), 0).await.map(|_| ())?;
    }
    let first = submit(client, &bob, &token.deposit(), 100 * ETH).await?;
    first.value.map_err(|e| format!("deposit: {e:?}"))?;
    bench.row(
        "icseth_accounting",
        "deposit",
        "first deposit of an institution",
        first.cost,
    );
    let again = submit(client, &bob, &token.deposit(), 100 * ETH).await?;
    again.value.map_err(|e| format!("deposit: {e:?}"))?;
    bench.row("icseth_accounting", "deposit", "later deposit", again.cost);
    let to_new = submit(
        client,
        &bob,
        &ledger.transfer(account_of(&charlie), ETH, vec![]),
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
        &ledger.transfer(account_of(&charlie), ETH, vec![]),
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
    let read = submit(client, &bob, &ledger.balance_of(account_of(&charlie)), 0).await?;
    bench.row(
        "icseth_token",
        "PSP22::balance_of",
        "a read: the fixed cost of calling the ledger",
        read.cost,
    );
    let request = submit(client, &bob, &token.request_withdrawal(10 * ETH), 0).await?;
    request.value.map_err(|e| format!("request_withdrawal: {e:?}"))?;
    bench.row(
        "icseth_accounting",
        "request_withdrawal",
        "first ticket of a holder",
        request.cost,
    );
    let request = submit(client, &bob, &token.request_withdrawal(10 * ETH), 0).await?;
    let ticket = request.value.map_err(|e| format!("request_withdrawal: {e:?}"))?;
    bench.row(
        "icseth_accounting",
        "request_withdrawal",
        "later ticket",
        request.cost,
    );
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
    for _ in 2..=icseth_accounting::icseth_accounting::MAX_FINALIZE_PER_REPORT {
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
        "icseth_accounting",
        "finalize_withdrawals",
        "one ticket, continuing a report's finalization",
        finalize.cost,
    );
    let claim = submit(client, &bob, &token.claim(ticket), 0).await?;
    claim.value.map_err(|e| format!("claim: {e:?}"))?;
    bench.row("icseth_accounting", "claim", "a finalized ticket", claim.cost);
    Ok(())
}

/// Compliance on a suite governed by alice, dave holding the compliance role: the role's freeze,
/// its lift, the governor's confirmation, anyone's lapse, a KYC renewal and an expiry, and a
/// spender's `transfer_from` (it reads the spender's entry for its freeze).
async fn measure_compliance(client: &mut EmbeddedClient, bench: &mut Bench) -> Result<(), Box<dyn Error>> {
    use icseth_accounting::icseth_accounting::Role;
    let alice = ink_e2e::alice();
    let (bob, charlie, officer) = (ink_e2e::bob(), ink_e2e::charlie(), ink_e2e::dave());
    let mut config = SuiteConfig::single_member(account_of(&alice), ETH);
    config.governor = GovernorChoice::Account(account_of(&alice));
    let suite = deploy_and_wire(client, &alice, &config).await?;
    let mut token = ink_e2e::create_call_builder::<IcsethAccounting>(suite.accounting);
    let mut ledger = ink_e2e::create_call_builder::<IcsethToken>(suite.token);
    submit(
        client,
        &alice,
        &token.set_role(Role::Compliance, account_of(&officer)),
        0,
    )
    .await?
    .accepted()?;
    let kyc = icseth_deploy::governance::kyc_until(icseth_deploy::now_ms());
    for who in [&bob, &charlie] {
        submit(
            client,
            &alice,
            &token.add_institution(account_of(who), None, kyc),
            0,
        )
        .await?
        .accepted()?;
    }
    submit(client, &bob, &token.deposit(), 100 * ETH)
        .await?
        .accepted()?;
    submit(client, &bob, &ledger.approve(account_of(&charlie), 10 * ETH), 0)
        .await?
        .accepted()?;
    let pulled = submit(
        client,
        &charlie,
        &ledger.transfer_from(account_of(&bob), account_of(&charlie), ETH, vec![]),
        0,
    )
    .await?;
    pulled.value.map_err(|e| format!("transfer_from: {e:?}"))?;
    bench.row(
        "icseth_token",
        "PSP22::transfer_from",
        "by a spender, to itself (reads the spender's entry for its freeze)",
        pulled.cost,
    );
    let (bob_id, charlie_id) = (account_of(&bob), account_of(&charlie));
    let freeze = submit(client, &officer, &token.freeze(bob_id, [7; 32]), 0).await?;
    freeze.value.map_err(|e| format!("freeze: {e:?}"))?;
    bench.row(
        "icseth_accounting",
        "freeze",
        "by the compliance role (unconfirmed)",
        freeze.cost,
    );
    let lift = submit(client, &officer, &token.lift_freeze(bob_id), 0).await?;
    lift.value.map_err(|e| format!("lift_freeze: {e:?}"))?;
    bench.row(
        "icseth_accounting",
        "lift_freeze",
        "the role's own unconfirmed freeze",
        lift.cost,
    );
    submit(client, &officer, &token.freeze(charlie_id, [7; 32]), 0)
        .await?
        .accepted()?;
    let confirm = submit(client, &alice, &token.confirm_freeze(charlie_id), 0).await?;
    confirm.value.map_err(|e| format!("confirm_freeze: {e:?}"))?;
    bench.row(
        "icseth_accounting",
        "confirm_freeze",
        "by the governor",
        confirm.cost,
    );
    // bob's lift locked the role out of bob; an outsider's freeze lapses
    let outsider = account_of(&ink_e2e::eve());
    submit(client, &officer, &token.freeze(outsider, [7; 32]), 0)
        .await?
        .accepted()?;
    icseth_e2e::advance_ms(icseth_core::compliance::DEFAULT_FREEZE_CONFIRM_WINDOW_MS);
    let lapse = submit(client, &charlie, &token.lapse_freeze(outsider), 0).await?;
    lapse.value.map_err(|e| format!("lapse_freeze: {e:?}"))?;
    bench.row(
        "icseth_accounting",
        "lapse_freeze",
        "anyone, after the window",
        lapse.cost,
    );
    let renew = submit(client, &officer, &token.renew_kyc(bob_id, kyc + 1_000), 0).await?;
    renew.value.map_err(|e| format!("renew_kyc: {e:?}"))?;
    bench.row(
        "icseth_accounting",
        "renew_kyc",
        "by the compliance role (a later date)",
        renew.cost,
    );
    // only the governor shortens a date
    submit(
        client,
        &alice,
        &token.renew_kyc(bob_id, icseth_deploy::now_ms() + 1_000),
        0,
    )
    .await?
    .accepted()?;
    icseth_e2e::advance_ms(1_000);
    let expire = submit(client, &charlie, &token.expire_kyc(bob_id), 0).await?;
    expire.value.map_err(|e| format!("expire_kyc: {e:?}"))?;
    bench.row(
        "icseth_accounting",
        "expire_kyc",
        "anyone, after the date",
        expire.cost,
    );
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
        kyc_valid_until: icseth_deploy::governance::kyc_until(icseth_deploy::now_ms()),
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
    let mut token = ink_e2e::create_call_builder::<IcsethAccounting>(suite.accounting);
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
        exited: 0,
    };
    let report = submit(client, &admin, &registry.report_performance(id, 0, figures), 0).await?;
    report.value.map_err(|e| format!("report_performance: {e:?}"))?;
    bench.row("operator_registry", "report_performance", scenario, report.cost);
    submit(
        client,
        &alice,
        &token.add_institution(
            account_of(&institution),
            None,
            icseth_deploy::governance::kyc_until(icseth_deploy::now_ms()),
        ),
        0,
    )
    .await?
    .accepted()?;
    submit(client, &institution, &token.deposit(), 100 * ETH)
        .await?
        .accepted()?;
    // a limit of 4 and 95 ETH buffered: the allocation funds 2 validators to the one operator in
    // service (the fillers wait for the board and are never scanned)
    let stake = submit(client, &alice, &token.allocate(), 0).await?;
    stake.value.map_err(|e| format!("allocate: {e:?}"))?;
    bench.row("icseth_accounting", "allocate", scenario, stake.cost);
    Ok(())
}

/// The allocation and the exit request at their widest: `in_service` operators approved (a third
/// of each kind, up to the hard cap of 32 per kind), a page of 16 validators allocated, then a
/// withdrawal that asks for a page of 16 exits. Both scan every operator in service once per
/// validator, so their cost is bounded by the cap, not by the operators registered.
async fn measure_allocation(
    client: &mut EmbeddedClient,
    bench: &mut Bench,
    in_service: u32,
) -> Result<(), Box<dyn Error>> {
    let scenario = format!(
        "a page of 16 validators, {} in service",
        count(u64::from(in_service), "operator")
    );
    let scenario = scenario.as_str();
    let alice = ink_e2e::alice();
    let institution = ink_e2e::bob();
    let mut config = SuiteConfig::single_member(account_of(&alice), ETH);
    config.governor = GovernorChoice::Account(account_of(&alice));
    let suite = deploy_and_wire(client, &alice, &config).await?;
    let mut registry = ink_e2e::create_call_builder::<OperatorRegistry>(suite.operator_registry);
    let mut token = ink_e2e::create_call_builder::<IcsethAccounting>(suite.accounting);
    let wide = RegistryDecision::SetAllocationPolicy {
        policy: icseth_core::allocation::AllocationPolicy {
            max_per_kind: icseth_core::allocation::MAX_PER_KIND,
            ..icseth_core::allocation::AllocationPolicy::DEFAULT
        },
    };
    let limits = RegistryDecision::SetRegistrationLimits {
        limits: icseth_core::operators::RegistrationLimits {
            max_pending: in_service.max(1),
            ..icseth_core::operators::RegistrationLimits::DEFAULT
        },
    };
    for decision in [wide, limits] {
        submit(client, &alice, &registry.govern(decision), 0)
            .await?
            .accepted()?;
    }
    let kinds = [
        OperatorKind::SsvCluster,
        OperatorKind::ObolCluster,
        OperatorKind::KycRingFenced,
    ];
    for i in 0..in_service {
        let admin = client.create_and_fund_account(&alice, 10 * ETH).await;
        let who = account_of(&admin);
        let kind = kinds[(i % 3) as usize];
        let msg = registry.register_operator("in service".into(), kind, who, who);
        let id = submit(client, &admin, &msg, 0).await?.accepted()?;
        submit(client, &admin, &registry.set_keys(id, 16), 0)
            .await?
            .accepted()?;
        for decision in [
            RegistryDecision::ApproveOperator { operator: id },
            RegistryDecision::SetLimit {
                operator: id,
                limit: 16,
            },
        ] {
            submit(client, &alice, &registry.govern(decision), 0)
                .await?
                .accepted()?;
        }
    }
    submit(
        client,
        &alice,
        &token.add_institution(
            account_of(&institution),
            None,
            icseth_deploy::governance::kyc_until(icseth_deploy::now_ms()),
        ),
        0,
    )
    .await?
    .accepted()?;
    // 540 ETH: 513 buffered, 16 validators
    submit(client, &institution, &token.deposit(), 540 * ETH)
        .await?
        .accepted()?;
    let allocate = submit(client, &alice, &token.allocate(), 0).await?;
    let funded = allocate.value.map_err(|e| format!("allocate: {e:?}"))?;
    if funded != 16 {
        return Err(format!("the allocation funded {funded} validators, not a page of 16").into());
    }
    bench.row("icseth_accounting", "allocate", scenario, allocate.cost);
    // three days on (validators funded since are never asked), a withdrawal of 520 icsETH
    // against a 1 ETH buffer: a page of 16 exits
    icseth_e2e::advance_ms(3 * 24 * 60 * 60 * 1000);
    let ledger = ink_e2e::create_call_builder::<IcsethToken>(suite.token);
    let shares = read(client, &institution, &ledger.balance_of(account_of(&institution))).await?;
    submit(client, &institution, &token.request_withdrawal(shares), 0)
        .await?
        .accepted()?;
    let exits = submit(client, &alice, &token.request_exits(), 0).await?;
    let asked = exits.value.map_err(|e| format!("request_exits: {e:?}"))?;
    if asked != 16 {
        return Err(format!("{asked} exits asked, not a page of 16").into());
    }
    bench.row("icseth_accounting", "request_exits", scenario, exits.cost);
    Ok(())
}

/// A flash exit and its quote, against a reserve filled by two deposits.
async fn measure_flash_exit(client: &mut EmbeddedClient, bench: &mut Bench) -> Result<(), Box<dyn Error>> {
    let (alice, bob, charlie) = (ink_e2e::alice(), ink_e2e::bob(), ink_e2e::charlie());
    let mut config = SuiteConfig::single_member(account_of(&alice), ETH);
    config.governor = GovernorChoice::Account(account_of(&alice));
    let suite = deploy_and_wire(client, &alice, &config).await?;
    let mut token = ink_e2e::create_call_builder::<IcsethAccounting>(suite.accounting);
    for (who, amount) in [(&bob, 100 * ETH), (&charlie, 20 * ETH)] {
        submit(
            client,
            &alice,
            &token.add_institution(
                account_of(who),
                None,
                icseth_deploy::governance::kyc_until(icseth_deploy::now_ms()),
            ),
            0,
        )
        .await?
        .accepted()?;
        submit(client, who, &token.deposit(), amount).await?.accepted()?;
    }
    let quote = submit(client, &charlie, &token.quote_flash_exit(2 * ETH), 0).await?;
    quote.value.map_err(|e| format!("quote_flash_exit: {e:?}"))?;
    bench.row(
        "icseth_accounting",
        "quote_flash_exit",
        "reserve at target (6 ETH)",
        quote.cost,
    );
    let exit = submit(client, &charlie, &token.flash_exit(2 * ETH, 0), 0).await?;
    exit.value.map_err(|e| format!("flash_exit: {e:?}"))?;
    bench.row(
        "icseth_accounting",
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
/// gain with fees, and the finalization page), with each of `ticket_counts` pending tickets.
async fn measure_reports(
    client: &mut EmbeddedClient,
    bench: &mut Bench,
    holders: u32,
    member_count: u32,
    ticket_counts: &[u32],
) -> Result<(), Box<dyn Error>> {
    let alice = ink_e2e::alice();
    let institution = ink_e2e::dave();
    let mut config = SuiteConfig::single_member(account_of(&alice), ETH);
    config.governor = GovernorChoice::Account(account_of(&alice));
    let suite = deploy_and_wire(client, &alice, &config).await?;
    let mut token = ink_e2e::create_call_builder::<IcsethAccounting>(suite.accounting);
    let mut ledger = ink_e2e::create_call_builder::<IcsethToken>(suite.token);
    let mut oracle = ink_e2e::create_call_builder::<OracleConsensus>(suite.oracle);
    let members = oracle_members(client, suite.oracle, member_count).await?;
    let quorum = icseth_core::oracle::quorum(member_count) as usize;
    submit(
        client,
        &alice,
        &token.add_institution(
            account_of(&institution),
            None,
            icseth_deploy::governance::kyc_until(icseth_deploy::now_ms()),
        ),
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
        submit(
            client,
            &alice,
            &token.add_institution(
                holder,
                None,
                icseth_deploy::governance::kyc_until(icseth_deploy::now_ms()),
            ),
            0,
        )
        .await?
        .accepted()?;
        let transfer = ledger.transfer(holder, ETH / 1_000, vec![]);
        submit(client, &institution, &transfer, 0).await?.accepted()?;
    }
    let holding = read(client, &alice, &ledger.balance_of(filler_holder(holders - 1))).await?;
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
    for &tickets in ticket_counts {
        let pending = read_ok(client, &alice, &token.accounting()).await?;
        let have = u32::try_from(pending.next_ticket - pending.next_to_finalize)?;
        for _ in have..tickets {
            let request = token.request_withdrawal(ETH / 50);
            submit(client, &institution, &request, 0).await?.accepted()?;
        }
        let pending = read_ok(client, &alice, &token.accounting()).await?;
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
        exited: 0,
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

/// The five headline messages, measured on debug builds as well: (contract, message, scenario
/// prefix).
const HEADLINE: [(&str, &str, &str); 5] = [
    ("icseth_accounting", "deposit", "later deposit"),
    ("icseth_token", "PSP22::transfer", "between two holders"),
    ("icseth_accounting", "request_withdrawal", "later ticket"),
    ("icseth_accounting", "flash_exit", ""),
    (
        "oracle_consensus",
        "submit_report (quorum, applies)",
        "1 oracle member, 1 holder, 16 pending tickets",
    ),
];

fn find<'r>(rows: &'r [Row], contract: &str, message: &str, scenario_prefix: &str) -> Option<&'r Row> {
    rows.iter()
        .find(|r| r.contract == contract && r.message == message && r.scenario.starts_with(scenario_prefix))
}

fn kib(bytes: u64) -> String {
    format!("{:.1}", bytes as f64 / 1024.0)
}

fn render_markdown(report: &Report) -> String {
    let mut md = String::new();
    let release = &report.release;
    let debug = &report.debug;
    let size_of = |contract: &str| {
        report
            .code_sizes
            .iter()
            .find(|c| c.contract == contract)
            .map_or_else(String::new, |c| kib(c.release_bytes))
    };
    let _ = writeln!(md, "# icsETH benchmark\n");
    let _ = writeln!(md, "Runtime: {}.\n", report.runtime);
    let _ = writeln!(
        md,
        "Every row is beside the baseline's `transfer` between two holders (`bench/baseline_token`: \
         two map reads, two writes, one event) built the same way and measured in the same run. \
         Release baseline: ref_time {}, proof_size {}. Debug baseline: ref_time {}, proof_size {}.\n",
        release.baseline.ref_time,
        release.baseline.proof_size,
        debug.baseline.ref_time,
        debug.baseline.proof_size
    );
    let _ = writeln!(md, "## Release builds (what `icseth build` makes): every case\n");
    let _ = writeln!(md, "| contract | release KiB | message | scenario | ref_time | proof_size | storage deposit | ref_time / baseline | proof_size / baseline |");
    let _ = writeln!(md, "|---|---:|---|---|---:|---:|---:|---:|---:|");
    let _ = writeln!(
        md,
        "| baseline_token | {} | transfer | between two holders | {} | {} | {} | 1.00 | 1.00 |",
        size_of("baseline_token"),
        release.baseline.ref_time,
        release.baseline.proof_size,
        release.baseline.storage_deposit
    );
    for r in &release.rows {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} | {} | {:.2} | {:.2} |",
            r.contract,
            size_of(r.contract),
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
        "\n## Debug builds (what the end-to-end tests run): the five headline messages\n"
    );
    let _ = writeln!(md, "| contract | message | scenario | debug ref_time | debug proof_size | debug ref_time / debug baseline | release ref_time | release ref_time / release baseline | debug / release ref_time |");
    let _ = writeln!(md, "|---|---|---|---:|---:|---:|---:|---:|---:|");
    for r in &debug.rows {
        let Some(rel) = find(&release.rows, r.contract, r.message, &r.scenario) else {
            continue;
        };
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {:.2} | {} | {:.2} | {:.2} |",
            r.contract,
            r.message,
            r.scenario,
            r.ref_time,
            r.proof_size,
            r.ref_time_vs_baseline,
            rel.ref_time,
            rel.ref_time_vs_baseline,
            ratio(r.ref_time, rel.ref_time)
        );
    }
    let _ = writeln!(
        md,
        "\n## Code sizes (the embedded chain refuses code over 123 KiB; a debug build over 110 KiB fails the tests, a release build over its budget fails `icseth build`)\n"
    );
    let _ = writeln!(
        md,
        "| contract | release bytes | release budget | debug bytes | release code hash |"
    );
    let _ = writeln!(md, "|---|---:|---:|---:|---|");
    for c in &report.code_sizes {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | `{}` |",
            c.contract,
            c.release_bytes,
            c.release_budget_bytes
                .map_or_else(|| "-".to_string(), |b| b.to_string()),
            c.debug_bytes,
            c.release_code_hash
        );
    }
    md
}

/// Splits each transfer (release builds) into the fixed cost of calling its contract (a
/// `balance_of` read, which grows with the contract's code size) and the marginal cost of the
/// transfer's own work.
fn render_fixed_and_marginal(md: &mut String, report: &Report) {
    let rows = &report.release.rows;
    let parts = |contract: &str, transfer: Option<u64>| -> Option<(u64, u64)> {
        let read = find(
            rows,
            contract,
            if contract == "baseline_token" {
                "balance_of"
            } else {
                "PSP22::balance_of"
            },
            "",
        )?;
        let transfer =
            transfer.or_else(|| find(rows, contract, "PSP22::transfer", "between").map(|r| r.ref_time))?;
        Some((read.ref_time, transfer.saturating_sub(read.ref_time)))
    };
    let (Some(base), Some(bare), Some(token)) = (
        parts("baseline_token", Some(report.release.baseline.ref_time)),
        parts("bare_psp22", None),
        parts("icseth_token", None),
    ) else {
        return;
    };
    let _ = writeln!(
        md,
        "\n## Transfer on release builds: fixed and marginal ref_time\n"
    );
    let _ = writeln!(md, "| | baseline | bare PSP22 | icsETH | icsETH / bare PSP22 |");
    let _ = writeln!(md, "|---|---:|---:|---:|---:|");
    let _ = writeln!(
        md,
        "| fixed (a `balance_of` read) | {} | {} | {} | {:.2} |",
        base.0,
        bare.0,
        token.0,
        ratio(token.0, bare.0)
    );
    let _ = writeln!(
        md,
        "| marginal (transfer minus read) | {} | {} | {} | {:.2} |",
        base.1,
        bare.1,
        token.1,
        ratio(token.1, bare.1)
    );
    let _ = writeln!(
        md,
        "\nThe fixed part grows with the Wasm the runtime loads per call (see the sizes below); the \
         marginal part is the transfer's own storage and event work."
    );
}

/// Copies `wasm` into `dir` under its own name (the next contract build overwrites the shared
/// build folder) and returns the copy.
fn keep(wasm: &Path, dir: &Path) -> Result<PathBuf, Box<dyn Error>> {
    let name = wasm.file_name().ok_or("a Wasm path without a file name")?;
    std::fs::create_dir_all(dir)?;
    let kept = dir.join(name);
    std::fs::copy(wasm, &kept)?;
    Ok(kept)
}

/// Release builds of the six contracts and the two reference contracts into `dir`.
fn release_builds(dir: &Path) -> Result<Vec<icseth_deploy::Artifact>, Box<dyn Error>> {
    icseth_deploy::build::check_toolchain()?;
    let mut artifacts = Vec::new();
    let reference = [
        ("baseline_token", "bench/baseline_token"),
        ("bare_psp22", "bench/bare_psp22"),
    ];
    let suite = icseth_deploy::CONTRACTS.iter().map(|c| (c.name, c.dir));
    for (name, dir_in_workspace) in suite.chain(reference) {
        println!("building {name} (release)");
        artifacts.push(icseth_deploy::build::build_release(name, dir_in_workspace, dir)?);
    }
    Ok(artifacts)
}

/// Every case on one build: the baseline first, then the reference contract and the suite.
async fn measure_all(paths: &[PathBuf], holders: u32) -> Result<Measured, Box<dyn Error>> {
    let (baseline, baseline_read) = measure_baseline(&mut fresh_client(paths)).await?;
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
    measure_bare_psp22(&mut fresh_client(paths), &mut bench).await?;
    measure_token(&mut fresh_client(paths), &mut bench).await?;
    measure_compliance(&mut fresh_client(paths), &mut bench).await?;
    measure_board(paths, &mut bench).await?;
    for operators in [1, 1_000] {
        measure_registry(&mut fresh_client(paths), &mut bench, operators).await?;
    }
    for in_service in [1, 96] {
        measure_allocation(&mut fresh_client(paths), &mut bench, in_service).await?;
    }
    measure_flash_exit(&mut fresh_client(paths), &mut bench).await?;
    for (holders, members) in [(1, 1), (1, 16), (holders, 3)] {
        measure_reports(
            &mut fresh_client(paths),
            &mut bench,
            holders,
            members,
            &[1, 16, 1_000],
        )
        .await?;
    }
    for members in [1, 16] {
        measure_attestations(&mut fresh_client(paths), &mut bench, members).await?;
    }
    Ok(Measured {
        build: "release",
        baseline: bench.baseline,
        rows: bench.rows,
    })
}

/// The headline messages on one build (the cases that measure them; other rows are dropped).
async fn measure_headline(paths: &[PathBuf]) -> Result<Measured, Box<dyn Error>> {
    let (baseline, _) = measure_baseline(&mut fresh_client(paths)).await?;
    let mut bench = Bench {
        baseline,
        rows: Vec::new(),
    };
    measure_token(&mut fresh_client(paths), &mut bench).await?;
    measure_flash_exit(&mut fresh_client(paths), &mut bench).await?;
    measure_reports(&mut fresh_client(paths), &mut bench, 1, 1, &[1, 16]).await?;
    let rows = bench
        .rows
        .into_iter()
        .filter(|r| {
            HEADLINE
                .iter()
                .any(|(c, m, s)| r.contract == *c && r.message == *m && r.scenario.starts_with(s))
        })
        .collect();
    Ok(Measured {
        build: "debug",
        baseline: bench.baseline,
        rows,
    })
}

async fn run() -> Result<PathBuf, Box<dyn Error>> {
    let dir =
        PathBuf::from(std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".into())).join("bench");
    // Release first: these builds share the contracts' build folder with ink_e2e's debug builds,
    // which ink_e2e then makes again.
    let release = release_builds(&dir.join("release"))?;
    let mut debug_paths = Vec::new();
    for wasm in ink_e2e::build_root_and_contract_dependencies() {
        debug_paths.push(keep(&wasm, &dir.join("debug"))?);
    }
    let debug_bytes: BTreeMap<String, u64> = debug_paths
        .iter()
        .filter_map(|p| {
            Some((
                p.file_stem()?.to_string_lossy().to_string(),
                std::fs::metadata(p).ok()?.len(),
            ))
        })
        .collect();
    let code_sizes = release
        .iter()
        .map(|a| CodeSize {
            contract: a.contract.clone(),
            release_bytes: a.wasm_bytes,
            release_budget_bytes: icseth_deploy::CONTRACTS
                .iter()
                .find(|c| c.name == a.contract)
                .map(|c| c.release_budget_bytes),
            debug_bytes: debug_bytes.get(&a.contract).copied().unwrap_or(0),
            release_code_hash: a.code_hash.clone(),
        })
        .collect();
    let release_paths: Vec<PathBuf> = release.iter().map(|a| a.wasm.clone()).collect();
    let holders: u32 = std::env::var("ICSETH_BENCH_HOLDERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    println!("== release builds: every case");
    let release = measure_all(&release_paths, holders).await?;
    println!("== debug builds: the headline messages");
    let debug = measure_headline(&debug_paths).await?;
    let report = Report {
        runtime: "ink_sandbox 5.1.1 DefaultSandbox (pallet-contracts), via the project's ClockSandbox",
        release,
        debug,
        code_sizes,
    };
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
