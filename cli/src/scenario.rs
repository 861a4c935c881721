//! The main job's scripted lifecycle on a chain (the embedded one, or a node), with real messages and events: board
//! votes, deposits, an operator's registration and performance records, oracle reports with
//! rewards and MEV, a flash exit, a withdrawal through the queue, a covered slashing loss and a
//! removal. Each step prints a line; a failed step names itself, the contract, the message and the
//! error. At the end the state is read back from the contracts into an `Audit`.
use crate::audit::{
    ss58, Audit, AuthorityEntry, BoardEntry, Books, ComplianceEntry, ContractEntry, FlashExitEntry,
    FreezeEntry, HistoryPoint, IncidentEntry, InstitutionEntry, LossHoldEntry, OperatorEntry, OracleEntry,
    OracleMemberEntry, ProposalEntry, ProtectionEntry, Wei,
};
use crate::error::CliError;
use crate::report::eth;
use flash_exit_pool::flash_exit_pool::FlashExitPool;
use icseth_abi::authority::Governed;
use icseth_accounting::icseth_accounting::{
    AccountFrozen, FreezeConfirmed, FreezeLapsed, FreezeLifted, IcsethAccounting, LossPending,
    LossPendingEnded, ReportApplied,
};
use icseth_core::{
    compliance::{kyc_status, KycStatus},
    governance::{
        Action, OracleDecision, ProtectionDecision, RegistryDecision, TokenDecision, TokenParameter,
        TokenRole,
    },
    hold::{HoldBasis, HoldEnd},
    operators::{Figures, VALIDATOR_DEPOSIT},
    oracle::Report,
    SuiteAddresses,
};
use icseth_deploy::accounts::hex_bytes;
use icseth_deploy::Artifact;
use icseth_deploy::{
    account_of, deploy_and_wire, governance::decide_all, hex, read, read_ok, read_ok_at, submit, CallError,
    ChainAccess, Env, Outcome, SuiteConfig, ETH,
};
use icseth_token::{icseth_token::IcsethToken, psp22::PSP22};
use ink::primitives::AccountId;
use ink_e2e::{ContractsBackend, E2EBackend, Keypair};
use operator_registry::operator_registry::{OperatorKind, OperatorRegistry, FRAME_MS};
use oracle_consensus::oracle_consensus::OracleConsensus;
use slash_protection::slash_protection::SlashProtection;
use std::fmt::{self, Debug};
use whitelist_board::whitelist_board::WhitelistBoard;

const DAY_MS: u64 = 24 * 60 * 60 * 1000;
/// The ledger (PSP22 shares, standing, pause).
const TOKEN: &str = "icseth_token";
/// The books and every rule behind the shares.
const ACCOUNTING: &str = "icseth_accounting";
/// The chain itself, for a failed step that was no contract's (its clock, its events).
const CHAIN: &str = "chain";
const ORACLE: &str = "oracle_consensus";
const BOARD: &str = "whitelist_board";
const REGISTRY: &str = "operator_registry";
const PROTECTION: &str = "slash_protection";
const POOL: &str = "flash_exit_pool";
/// Entries per paged read (every contract allows up to 50).
const PAGE: u32 = 20;

/// Step lines on standard output, and the step a failure belongs to.
#[derive(Default)]
pub struct Progress {
    step: usize,
    title: String,
}

impl Progress {
    pub fn start(&mut self, title: &str) {
        self.step += 1;
        self.title = title.to_string();
        println!("[{:>2}] {title}", self.step);
    }

    pub fn note(&self, text: impl fmt::Display) {
        println!("     {text}");
    }

    /// Turns a failure of `contract::message` (a call error, a deployment error, or what the
    /// scenario found wrong) into the error that names this step.
    fn fail<E: fmt::Display>(
        &self,
        contract: &'static str,
        message: &'static str,
    ) -> impl Fn(E) -> CliError + '_ {
        move |error| CliError::Step {
            step: self.step,
            title: self.title.clone(),
            contract,
            message,
            error: error.to_string(),
        }
    }
}

/// A submitted message's `Ok` value, or why not.
fn ok<V, E: Debug>(outcome: Result<Outcome<Result<V, E>>, CallError>) -> Result<V, CallError> {
    outcome.and_then(Outcome::accepted)
}

/// A read whose message returns `Result`.
fn inner<V, E: Debug>(read: Result<Result<V, E>, CallError>) -> Result<V, CallError> {
    read.and_then(|r| r.map_err(|e| CallError::Refused(format!("{e:?}"))))
}

/// The people of the day.
struct Cast {
    protocol: Keypair,
    member_b: Keypair,
    member_c: Keypair,
    bank_a: Keypair,
    bank_b: Keypair,
    operator: Keypair,
    outsider: Keypair,
    third_oracle: Keypair,
}

impl Cast {
    fn new() -> Self {
        Self {
            protocol: ink_e2e::alice(),
            member_b: ink_e2e::bob(),
            member_c: ink_e2e::charlie(),
            bank_a: ink_e2e::dave(),
            bank_b: ink_e2e::eve(),
            operator: ink_e2e::one(),
            outsider: ink_e2e::two(),
            third_oracle: ink_e2e::ferdie(),
        }
    }

    fn oracles(&self) -> [&Keypair; 3] {
        [&self.member_b, &self.member_c, &self.third_oracle]
    }
}

/// Passes `actions` on the three-member board: the protocol proposes, two of three approve, the
/// clock moves past voting and the delay, and anyone executes. Returns the proposal ids.
async fn decide<C>(
    client: &mut C,
    cast: &Cast,
    board: AccountId,
    actions: Vec<Action>,
) -> Result<Vec<u64>, CallError>
where
    C: E2EBackend<Env> + ChainAccess,
    <C as ContractsBackend<Env>>::Error: fmt::Debug,
{
    let members = [cast.protocol.clone(), cast.member_b.clone()];
    decide_all(client, board, &members, &cast.outsider, actions).await
}

/// The chain's time, through its `ChainAccess` (the embedded chain's clock here).
async fn chain_now<C>(client: &mut C, progress: &Progress) -> Result<u64, CliError>
where
    C: E2EBackend<Env> + ChainAccess,
    <C as ContractsBackend<Env>>::Error: fmt::Debug,
{
    client.now_ms().await.map_err(progress.fail(CHAIN, "now_ms"))
}

/// Moves the chain's time forward by `ms`.
async fn wait<C>(client: &mut C, progress: &Progress, ms: u64) -> Result<(), CliError>
where
    C: E2EBackend<Env> + ChainAccess,
    <C as ContractsBackend<Env>>::Error: fmt::Debug,
{
    client
        .advance_ms(ms)
        .await
        .map_err(progress.fail(CHAIN, "advance_ms"))
}

/// The report for the frame the chain's time falls in, with `report`'s figures.
async fn report_for_now<C>(client: &mut C, progress: &Progress, report: Report) -> Result<Report, CliError>
where
    C: E2EBackend<Env> + ChainAccess,
    <C as ContractsBackend<Env>>::Error: fmt::Debug,
{
    Ok(icseth_deploy::oracle::at(
        chain_now(client, progress).await?,
        report,
    ))
}

/// Has `voters` submit `report`; returns the rate and books after it, and the `ReportApplied` event
/// it produced, as one history point.
async fn report<C>(
    client: &mut C,
    progress: &Progress,
    suite: &SuiteAddresses,
    voters: &[&Keypair],
    report: Report,
) -> Result<HistoryPoint, CliError>
where
    C: E2EBackend<Env> + ChainAccess,
    <C as ContractsBackend<Env>>::Error: fmt::Debug,
{
    let token = ink_e2e::create_call_builder::<IcsethAccounting>(suite.accounting);
    let mut oracle = ink_e2e::create_call_builder::<OracleConsensus>(suite.oracle);
    for voter in voters {
        ok(submit(client, voter, &oracle.submit_report(report), 0).await)
            .map_err(progress.fail(ORACLE, "submit_report"))?;
    }
    // Epochs strictly increase, so the event of this report is the one with its epoch.
    let event = client
        .events_of::<ReportApplied>(&suite.accounting)
        .await
        .map_err(progress.fail(CHAIN, "events"))?
        .into_iter()
        .rfind(|e| e.epoch == report.epoch)
        .ok_or_else(|| {
            progress.fail(ACCOUNTING, "autobalance")("the quorum vote emitted no ReportApplied")
        })?;
    let books = read_ok(client, voters[0], &token.accounting())
        .await
        .map_err(progress.fail(ACCOUNTING, "accounting"))?;
    Ok(HistoryPoint {
        label: format!("report for epoch {}", report.epoch),
        epoch: report.epoch,
        at_ms: chain_now(client, progress).await?,
        rate: Wei(event.new_rate),
        total_pooled: Wei(books.total_pooled),
        reserve: Wei(books.reserve),
        applied_gain: Wei(event.applied_gain),
        loss: Wei(event.loss),
        covered: Wei(event.covered),
        protocol_fee: Wei(event.protocol_fee),
        protection_fee: Wei(event.protection_fee),
        finalized_tickets: event.finalized_tickets,
    })
}

/// The day's suite: a board of three (the protocol, members B and C; quorum 2) that governs
/// everything, the protocol holding the other roles, a 32 ETH minimum deposit.
pub fn day_config() -> SuiteConfig {
    let cast = Cast::new();
    let mut config = SuiteConfig::single_member(account_of(&cast.protocol), 32 * ETH);
    config.board_members = vec![
        account_of(&cast.protocol),
        account_of(&cast.member_b),
        account_of(&cast.member_c),
    ];
    config.quorum = 2;
    config
}

/// The account that deploys the day's suite.
pub fn day_deployer() -> Keypair {
    Cast::new().protocol
}

/// Runs the day on `client` (loaded with the seven contracts) and returns the auditor's record,
/// saying it came from `source`.
pub async fn run<C>(
    client: &mut C,
    artifacts: &[Artifact],
    progress: &mut Progress,
    source: &str,
) -> Result<Audit, CliError>
where
    C: E2EBackend<Env> + ChainAccess,
    <C as ContractsBackend<Env>>::Error: fmt::Debug,
{
    let cast = Cast::new();
    let protocol = &cast.protocol;
    progress.start(
        "deploying and wiring board, token, flash-exit pool, operator registry, slash protection, oracle",
    );
    let config = day_config();
    let suite = deploy_and_wire(client, protocol, &config)
        .await
        .map_err(progress.fail("suite", "deploy_and_wire"))?;
    progress.note(format!("board {} (3 members, quorum 2)", hex(&suite.board)));
    progress.note(format!("token {}", hex(&suite.token)));
    let mut token = ink_e2e::create_call_builder::<IcsethAccounting>(suite.accounting);
    let mut ledger = ink_e2e::create_call_builder::<IcsethToken>(suite.token);
    let mut registry = ink_e2e::create_call_builder::<OperatorRegistry>(suite.operator_registry);
    let mut consensus = ink_e2e::create_call_builder::<OracleConsensus>(suite.oracle);
    let mut protection = ink_e2e::create_call_builder::<SlashProtection>(suite.slash_protection);
    let mut history = vec![HistoryPoint {
        label: "deployment".into(),
        epoch: 0,
        at_ms: chain_now(client, progress).await?,
        rate: Wei(
            inner(read(client, protocol, &token.rate()).await).map_err(progress.fail(ACCOUNTING, "rate"))?
        ),
        total_pooled: Wei(0),
        reserve: Wei(0),
        applied_gain: Wei(0),
        loss: Wei(0),
        covered: Wei(0),
        protocol_fee: Wei(0),
        protection_fee: Wei(0),
        finalized_tickets: 0,
    }];

    progress.start(
        "the board votes two institutions onto the whitelist (2 of 3 approve; 4 days later, executed)",
    );
    let kyc_valid_until = icseth_deploy::governance::kyc_until(chain_now(client, progress).await?);
    let whitelist = [&cast.bank_a, &cast.bank_b]
        .iter()
        .map(|who| {
            Action::Token(TokenDecision::AddInstitution {
                institution: account_of(who),
                min_deposit: None,
                kyc_valid_until,
            })
        })
        .collect();
    let ids = decide(client, &cast, suite.board, whitelist)
        .await
        .map_err(progress.fail(BOARD, "propose/vote/execute"))?;
    progress.note(format!(
        "proposals {ids:?} executed: institutions A and B whitelisted"
    ));

    progress.start("an operator registers and uploads keys; the board approves it and sets the oracle");
    let operator_id = ok(submit(
        client,
        &cast.operator,
        &registry.register_operator(
            "Blue Ridge SSV".into(),
            OperatorKind::SsvCluster,
            account_of(&cast.operator),
            account_of(&cast.operator),
        ),
        0,
    )
    .await)
    .map_err(progress.fail(REGISTRY, "register_operator"))?;
    ok(submit(client, &cast.operator, &registry.set_keys(operator_id, 10), 0).await)
        .map_err(progress.fail(REGISTRY, "set_keys"))?;
    let decisions = vec![
        Action::OperatorRegistry(RegistryDecision::ApproveOperator {
            operator: operator_id,
        }),
        // a limit of 8: the allocation funds 8 validators of the buffer
        Action::OperatorRegistry(RegistryDecision::SetLimit {
            operator: operator_id,
            limit: 8,
        }),
        Action::Oracle(OracleDecision::SetMembers {
            members: cast.oracles().iter().map(|k| account_of(k)).collect(),
        }),
        Action::SlashProtection(ProtectionDecision::AllowDonor {
            donor: account_of(&cast.bank_a),
        }),
    ];
    decide(client, &cast, suite.board, decisions)
        .await
        .map_err(progress.fail(BOARD, "propose/vote/execute"))?;
    progress.note(
        "operator 0 approved with a limit of 10 validators; 3 oracle members; A may donate to the pool",
    );

    progress.start(
        "institution A deposits 320 ETH, institution B 64 ETH (5% of each fills the flash-exit reserve)",
    );
    for (who, amount, message) in [
        (&cast.bank_a, 320 * ETH, "deposit (A)"),
        (&cast.bank_b, 64 * ETH, "deposit (B)"),
    ] {
        ok(submit(client, who, &token.deposit(), amount).await)
            .map_err(progress.fail(ACCOUNTING, message))?;
    }
    let books = read_ok(client, protocol, &token.accounting())
        .await
        .map_err(progress.fail(ACCOUNTING, "accounting"))?;
    progress.note(format!(
        "pooled {} ETH, reserve {} ETH",
        eth(books.total_pooled),
        eth(books.reserve)
    ));

    progress.start("A transfers 10 icsETH to B; a transfer to a non-whitelisted account is refused");
    ok(submit(
        client,
        &cast.bank_a,
        &ledger.transfer(account_of(&cast.bank_b), 10 * ETH, vec![]),
        0,
    )
    .await)
    .map_err(progress.fail(TOKEN, "PSP22::transfer"))?;
    let refused = submit(
        client,
        &cast.bank_a,
        &ledger.transfer(account_of(&cast.outsider), ETH, vec![]),
        0,
    )
    .await
    .map_err(progress.fail(TOKEN, "PSP22::transfer"))?;
    match refused.value {
        Err(e) => progress.note(format!("refused with {e:?}")),
        Ok(()) => {
            return Err(progress.fail(TOKEN, "PSP22::transfer")(
                "a transfer to a non-whitelisted account was accepted",
            ))
        }
    }

    progress
        .start("anyone triggers the allocation: 8 validators (256 ETH) to the operator by the rule; the oracle reports them");
    let funded = ok(submit(client, protocol, &token.allocate(), 0).await)
        .map_err(progress.fail(ACCOUNTING, "allocate"))?;
    if funded != 8 {
        return Err(progress.fail(ACCOUNTING, "allocate")(format!(
            "the allocation funded {funded} validators, not the operator's limit of 8"
        )));
    }
    let staked = 8 * VALIDATOR_DEPOSIT;
    let first = report_for_now(
        client,
        progress,
        Report {
            cl_balance: staked,
            validators: 8,
            ..Report::default()
        },
    )
    .await?;
    let point = report(client, progress, &suite, &cast.oracles()[..2], first).await?;
    progress.note(format!(
        "epoch {} applied by 2 of 3 oracle members: 8 validators, {} ETH on the consensus layer, rate {}",
        point.epoch,
        eth(staked),
        point.rate.exact()
    ));
    history.push(point);

    progress.start("a day later the operator reports its frame and two oracle members attest it");
    wait(client, progress, FRAME_MS.max(DAY_MS)).await?;
    let frame = read(client, protocol, &registry.current_frame())
        .await
        .map_err(progress.fail(REGISTRY, "current_frame"))?
        .saturating_sub(1);
    let figures = Figures {
        effectiveness_bps: 9_850,
        proposed: 3,
        missed: 0,
        consensus_rewards: 5 * ETH / 100,
        mev_rewards: 2 * ETH / 100,
        exited: 0,
    };
    ok(submit(
        client,
        &cast.operator,
        &registry.report_performance(operator_id, frame, figures),
        0,
    )
    .await)
    .map_err(progress.fail(REGISTRY, "report_performance"))?;
    for oracle in &cast.oracles()[..2] {
        ok(submit(client, oracle, &consensus.attest(operator_id, frame, figures), 0).await)
            .map_err(progress.fail(ORACLE, "attest"))?;
    }
    if let Some(record) = read(client, protocol, &registry.operator(operator_id))
        .await
        .map_err(progress.fail(REGISTRY, "operator"))?
    {
        progress.note(format!(
            "frame {frame}: score {} bps, status {:?}",
            record.score.unwrap_or_default(),
            record.status
        ));
    }

    progress.start(
        "rewards: 0.05 ETH on the consensus layer, 0.02 ETH of MEV sent by the vault; 2 of 3 oracles agree",
    );
    ok(submit(client, protocol, &token.receive_inflow(), 2 * ETH / 100).await)
        .map_err(progress.fail(ACCOUNTING, "receive_inflow"))?;
    let rewards = report_for_now(
        client,
        progress,
        Report {
            cl_balance: staked + 5 * ETH / 100,
            el_rewards_total: 2 * ETH / 100,
            ..first
        },
    )
    .await?;
    let dissent = Report {
        cl_balance: staked + 6 * ETH / 100,
        ..rewards
    };
    ok(submit(client, &cast.third_oracle, &consensus.submit_report(dissent), 0).await)
        .map_err(progress.fail(ORACLE, "submit_report (dissent)"))?;
    let point = report(client, progress, &suite, &cast.oracles()[..2], rewards).await?;
    progress.note(format!(
        "rate {} -> {} ETH per icsETH; fees {} ETH to the treasury, {} ETH to the protection pool; the third member's dissent is recorded",
        history.last().map(|p| p.rate.exact()).unwrap_or_default(),
        point.rate.exact(),
        point.protocol_fee.eth(),
        point.protection_fee.eth()
    ));
    history.push(point);

    progress.start(
        "B leaves with 5 icsETH instantly through the flash-exit reserve; the fee stays with the holders",
    );
    let quote = inner(read(client, &cast.bank_b, &token.quote_flash_exit(5 * ETH)).await)
        .map_err(progress.fail(ACCOUNTING, "quote_flash_exit"))?;
    let paid = ok(submit(client, &cast.bank_b, &token.flash_exit(5 * ETH, quote.payout), 0).await)
        .map_err(progress.fail(ACCOUNTING, "flash_exit"))?;
    progress.note(format!(
        "paid {} ETH, fee {} ETH ({} bps)",
        eth(paid),
        eth(quote.fee),
        quote.fee_bps
    ));

    progress.start("B requests a withdrawal of 20 icsETH through the queue: it waits for the next report");
    let ticket = ok(submit(client, &cast.bank_b, &token.request_withdrawal(20 * ETH), 0).await)
        .map_err(progress.fail(ACCOUNTING, "request_withdrawal"))?;
    let early = submit(client, &cast.outsider, &token.finalize_withdrawals(10), 0)
        .await
        .map_err(progress.fail(ACCOUNTING, "finalize_withdrawals"))?;
    match early.value {
        Err(e) => progress.note(format!(
            "ticket {ticket} recorded; finalizing it before a report is refused with {e:?}"
        )),
        Ok(_) => {
            return Err(progress.fail(ACCOUNTING, "finalize_withdrawals")(
                "a ticket was finalized without a report",
            ))
        }
    }

    progress.start(
        "A donates 5 icsETH to the protection pool; a day later 1 ETH is slashed and covered, and the report finalizes B's ticket",
    );
    ok(submit(
        client,
        &cast.bank_a,
        &ledger.approve(suite.slash_protection, 5 * ETH),
        0,
    )
    .await)
    .map_err(progress.fail(TOKEN, "PSP22::approve"))?;
    ok(submit(client, &cast.bank_a, &protection.donate(5 * ETH), 0).await)
        .map_err(progress.fail(PROTECTION, "donate"))?;
    wait(client, progress, DAY_MS).await?;
    let slashed = report_for_now(
        client,
        progress,
        Report {
            cl_balance: rewards.cl_balance - ETH,
            slashed_operator: Some(operator_id),
            ..rewards
        },
    )
    .await?;
    let point = report(client, progress, &suite, &cast.oracles()[..2], slashed).await?;
    progress.note(format!(
        "loss {} ETH, covered {} ETH; rate {} ETH per icsETH",
        point.loss.eth(),
        point.covered.eth(),
        point.rate.exact()
    ));
    history.push(point);
    let claimed = ok(submit(client, &cast.bank_b, &token.claim(ticket), 0).await)
        .map_err(progress.fail(ACCOUNTING, "claim"))?;
    progress.note(format!(
        "the report finalized B's ticket {ticket} at its rate; B claimed {} ETH",
        eth(claimed)
    ));

    progress.start("the board removes institution B: its deposit is refused, its exit still works");
    decide(
        client,
        &cast,
        suite.board,
        vec![Action::Token(TokenDecision::RemoveInstitution {
            institution: account_of(&cast.bank_b),
        })],
    )
    .await
    .map_err(progress.fail(BOARD, "propose/vote/execute"))?;
    let refused = submit(client, &cast.bank_b, &token.deposit(), 64 * ETH)
        .await
        .map_err(progress.fail(ACCOUNTING, "deposit"))?;
    match refused.value {
        Err(e) => progress.note(format!("deposit refused with {e:?}")),
        Ok(_) => {
            return Err(progress.fail(ACCOUNTING, "deposit")(
                "a removed institution's deposit was accepted",
            ))
        }
    }
    let exit = ok(submit(client, &cast.bank_b, &token.request_withdrawal(10 * ETH), 0).await)
        .map_err(progress.fail(ACCOUNTING, "request_withdrawal"))?;
    progress.note(format!("withdrawal ticket {exit} recorded"));

    progress.start(
        "A asks for 150 icsETH back, more than the buffer holds: anyone asks the operators for the exits the queue needs",
    );
    let big = ok(submit(client, &cast.bank_a, &token.request_withdrawal(150 * ETH), 0).await)
        .map_err(progress.fail(ACCOUNTING, "request_withdrawal"))?;
    let asked = ok(submit(client, &cast.outsider, &token.request_exits(), 0).await)
        .map_err(progress.fail(ACCOUNTING, "request_exits"))?;
    let record = read(client, protocol, &registry.operator(operator_id))
        .await
        .map_err(progress.fail(REGISTRY, "operator"))?
        .ok_or_else(|| progress.fail(REGISTRY, "operator")("no operator record"))?;
    progress.note(format!(
        "ticket {big} waits; {asked} validators asked to exit by {} ms (the operator's outstanding exits: {})",
        record.next_exit_deadline().unwrap_or(0),
        record.outstanding_exits()
    ));

    progress.start(
        "compliance: A's KYC is renewed for a year; B is frozen at once on a sanctions-list match, \
         and the board confirms the freeze",
    );
    let renewed_until = icseth_deploy::governance::kyc_until(chain_now(client, progress).await?);
    ok(submit(
        client,
        protocol,
        &token.renew_kyc(account_of(&cast.bank_a), renewed_until),
        0,
    )
    .await)
    .map_err(progress.fail(ACCOUNTING, "renew_kyc"))?;
    progress.note(format!(
        "the compliance role (the guardian until the board appoints another) renewed A's KYC until {renewed_until} ms"
    ));
    // the case reference: a hash of the list entry, never the entry itself
    let case = sp_core::hashing::blake2_256(b"sanctions list entry: institution B (demo)");
    ok(submit(client, protocol, &token.freeze(account_of(&cast.bank_b), case), 0).await)
        .map_err(progress.fail(ACCOUNTING, "freeze"))?;
    let refused = submit(
        client,
        &cast.bank_b,
        &ledger.transfer(account_of(&cast.bank_a), ETH, vec![]),
        0,
    )
    .await
    .map_err(progress.fail(TOKEN, "PSP22::transfer"))?;
    match refused.value {
        Err(e) => progress.note(format!("frozen at once: B's transfer refused with {e:?}")),
        Ok(()) => {
            return Err(progress.fail(TOKEN, "PSP22::transfer")(
                "a frozen institution's transfer was accepted",
            ))
        }
    }
    let confirmed = decide(
        client,
        &cast,
        suite.board,
        vec![Action::Token(TokenDecision::ConfirmFreeze {
            account: account_of(&cast.bank_b),
        })],
    )
    .await
    .map_err(progress.fail(BOARD, "propose/vote/execute"))?;
    progress.note(format!(
        "proposal {confirmed:?} executed: the freeze is confirmed and holds until the board lifts it"
    ));

    progress.start("reading the auditor's view back from the contracts");
    let subjects = Subjects {
        reader: &cast.protocol,
        institutions: vec![
            ("institution A".into(), account_of(&cast.bank_a)),
            ("institution B".into(), account_of(&cast.bank_b)),
        ],
        treasury: account_of(&cast.protocol),
    };
    collect(client, progress, &subjects, &suite, artifacts, history, source).await
}

/// Whom the auditor's record names: the account its reads come from (reads sign nothing), the
/// institutions to list and the treasury.
pub struct Subjects<'a> {
    pub reader: &'a Keypair,
    pub institutions: Vec<(String, AccountId)>,
    pub treasury: AccountId,
}

/// Reads the whole auditor's record from the contracts (paged reads where lists grow).
pub async fn collect<C>(
    client: &mut C,
    progress: &Progress,
    subjects: &Subjects<'_>,
    suite: &SuiteAddresses,
    artifacts: &[Artifact],
    history: Vec<HistoryPoint>,
    source: &str,
) -> Result<Audit, CliError>
where
    C: E2EBackend<Env> + ChainAccess,
    <C as ContractsBackend<Env>>::Error: fmt::Debug,
{
    // Every figure of the record is read in one state of the chain, the one pinned here.
    let pinned = client.pin().await.map_err(progress.fail(CHAIN, "pin"))?;
    let now = chain_now(client, progress).await?;
    let reader = subjects.reader;
    let token = ink_e2e::create_call_builder::<IcsethAccounting>(suite.accounting);
    let ledger = ink_e2e::create_call_builder::<IcsethToken>(suite.token);
    let board = ink_e2e::create_call_builder::<WhitelistBoard>(suite.board);
    let registry = ink_e2e::create_call_builder::<OperatorRegistry>(suite.operator_registry);
    let protection = ink_e2e::create_call_builder::<SlashProtection>(suite.slash_protection);
    let pool = ink_e2e::create_call_builder::<FlashExitPool>(suite.flash_exit_pool);

    // a size of 0 is one the record does not know (a report read from a node)
    let size_of = |name: &str| {
        artifacts
            .iter()
            .find(|a| a.contract == name)
            .map(|a| a.wasm_bytes)
            .filter(|bytes| *bytes > 0)
    };
    let mut contracts = Vec::new();
    // The ledger has no authority: only the accounting changes it.
    contracts.push(ContractEntry {
        name: TOKEN.to_string(),
        address: hex(&suite.token),
        wasm_bytes: size_of(TOKEN),
        code_hash: artifacts
            .iter()
            .find(|a| a.contract == TOKEN)
            .map(|a| a.code_hash.clone()),
        authority: None,
    });
    for (name, address) in [
        (BOARD, suite.board),
        (ACCOUNTING, suite.accounting),
        (POOL, suite.flash_exit_pool),
        (REGISTRY, suite.operator_registry),
        (PROTECTION, suite.slash_protection),
        (ORACLE, suite.oracle),
    ] {
        // every contract answers `Governed` with the same selectors
        let governed = ink_e2e::create_call_builder::<IcsethAccounting>(address);
        let authority = inner(
            client
                .read_at(pinned, reader, &Governed::authority(&governed))
                .await,
        )
        .map_err(progress.fail(name, "authority"))?;
        contracts.push(ContractEntry {
            name: name.to_string(),
            address: hex(&address),
            wasm_bytes: size_of(name),
            code_hash: artifacts
                .iter()
                .find(|a| a.contract == name)
                .map(|a| a.code_hash.clone()),
            authority: Some(AuthorityEntry {
                governor: hex(&authority.governor()),
                guardian: hex(&authority.guardian()),
                pending_governor: authority.pending().map(|p| (hex(&p.successor), p.expires_at)),
                accept_window_ms: authority.accept_window_ms(),
                storage_version: authority.storage_version(),
            }),
        });
    }

    let rate = inner(client.read_at(pinned, reader, &token.rate()).await)
        .map_err(progress.fail(ACCOUNTING, "rate"))?;
    let a = read_ok_at(client, pinned, reader, &token.accounting())
        .await
        .map_err(progress.fail(ACCOUNTING, "accounting"))?;
    let ledger_supply = client
        .read_at(pinned, reader, &ledger.total_supply())
        .await
        .map_err(progress.fail(TOKEN, "PSP22::total_supply"))?;
    let books = Books {
        total_shares: Wei(a.total_shares),
        ledger_supply: Some(Wei(ledger_supply)),
        total_pooled: Wei(a.total_pooled),
        buffered: Wei(a.buffered),
        reserve: Wei(a.reserve),
        in_flight: Wei(a.in_flight),
        cl_balance: Wei(a.cl_balance),
        unapplied_gain: Wei(a.unapplied_gain),
        kept_from_tickets: Wei(a.kept_from_tickets),
        inflow: Wei(a.inflow),
        queued: Wei(a.queued),
        queue_shares: Wei(client
            .read_at(pinned, reader, &ledger.balance_of(suite.token))
            .await
            .map_err(progress.fail(TOKEN, "PSP22::balance_of (the queue)"))?),
        claimable: Wei(a.claimable),
        tickets_issued: a.next_ticket,
        tickets_pending: a.next_ticket.saturating_sub(a.next_to_finalize),
    };

    let prefix = client
        .ss58_prefix()
        .await
        .map_err(progress.fail(CHAIN, "ss58_prefix"))?;
    let mut institutions = Vec::new();
    for (name, account) in &subjects.institutions {
        let account = *account;
        let shares = client
            .read_at(pinned, reader, &ledger.balance_of(account))
            .await
            .map_err(progress.fail(TOKEN, "PSP22::balance_of"))?;
        let value = inner(client.read_at(pinned, reader, &token.assets_for(shares)).await)
            .map_err(progress.fail(ACCOUNTING, "assets_for"))?;
        let whitelisted = client
            .read_at(pinned, reader, &token.is_whitelisted(account))
            .await
            .map_err(progress.fail(ACCOUNTING, "is_whitelisted"))?;
        let kyc_valid_until_ms = client
            .read_at(pinned, reader, &token.kyc_valid_until(account))
            .await
            .map_err(progress.fail(ACCOUNTING, "kyc_valid_until"))?;
        let frozen = client
            .read_at(pinned, reader, &token.is_frozen(account))
            .await
            .map_err(progress.fail(ACCOUNTING, "is_frozen"))?;
        institutions.push(InstitutionEntry {
            name: name.clone(),
            account: hex(&account),
            ss58: ss58(&account, prefix),
            whitelisted,
            kyc_valid_until_ms,
            kyc: kyc_valid_until_ms
                .map(|until| kyc_label(kyc_status(until, now)).to_string())
                .unwrap_or_default(),
            frozen,
            shares: Wei(shares),
            value: Wei(value),
        });
    }

    let treasury_shares = client
        .read_at(pinned, reader, &ledger.balance_of(subjects.treasury))
        .await
        .map_err(progress.fail(TOKEN, "PSP22::balance_of"))?;

    let mut proposals = Vec::new();
    // the board's executed decisions on freezes: (proposal, account, what it did)
    let mut freeze_decisions: Vec<(u64, AccountId, &str)> = Vec::new();
    loop {
        let start = u64::try_from(proposals.len()).unwrap_or(u64::MAX);
        let page = inner(
            client
                .read_at(pinned, reader, &board.proposals(start, PAGE))
                .await,
        )
        .map_err(progress.fail(BOARD, "proposals"))?;
        let full = page.len() == PAGE as usize;
        for v in &page {
            if v.status != whitelist_board::whitelist_board::Status::Executed {
                continue;
            }
            let decided = match v.proposal.action {
                Action::Token(TokenDecision::Freeze { account, .. }) => {
                    Some((account, "frozen by the board"))
                }
                Action::Token(TokenDecision::ConfirmFreeze { account }) => {
                    Some((account, "confirmed by the board"))
                }
                Action::Token(TokenDecision::LiftFreeze { account }) => {
                    Some((account, "lifted by the board"))
                }
                _ => None,
            };
            if let Some((account, what)) = decided {
                freeze_decisions.push((v.id, account, what));
            }
        }
        proposals.extend(page.into_iter().map(|v| ProposalEntry {
            id: v.id,
            action: crate::audit::readable(&format!("{:?}", v.proposal.action)),
            status: format!("{:?}", v.status),
            yes: v.yes,
            no: v.no,
        }));
        if !full {
            break;
        }
    }
    let members = client
        .read_at(pinned, reader, &board.members())
        .await
        .map_err(progress.fail(BOARD, "members"))?;
    let quorum = client
        .read_at(pinned, reader, &board.quorum())
        .await
        .map_err(progress.fail(BOARD, "quorum"))?;

    let mut operators = Vec::new();
    loop {
        let start = u32::try_from(operators.len()).unwrap_or(u32::MAX);
        let page = inner(
            client
                .read_at(pinned, reader, &registry.operators(start, PAGE))
                .await,
        )
        .map_err(progress.fail(REGISTRY, "operators"))?;
        let full = page.len() == PAGE as usize;
        operators.extend(page.into_iter().map(|(id, o)| OperatorEntry {
            id,
            exits_asked: o.outstanding_exits(),
            exit_deadline_ms: o.next_exit_deadline(),
            name: o.name,
            kind: format!("{:?}", o.kind),
            status: format!("{:?}", o.status),
            score_bps: o.score,
            validators_funded: o.counts.funded,
            validators_exited: o.counts.exited,
            validator_limit: o.counts.limit,
            validators_live: o.counts.live(),
            exits_missed: o.exits_missed,
            frames: o.totals.frames,
            proposed: o.totals.proposed,
            missed: o.totals.missed,
            consensus_rewards: Wei(o.totals.consensus_rewards),
            mev_rewards: Wei(o.totals.mev_rewards),
            disagreements: o.totals.disagreements,
            last_frame_attestations: None,
            slashing_incidents: o.totals.slashing_incidents,
            slashed: Wei(o.totals.slashed),
        }));
        if !full {
            break;
        }
    }
    // the attestation quorum that recorded each operator's last frame
    for entry in &mut operators {
        let history = client
            .read_at(pinned, reader, &registry.history(entry.id))
            .await
            .map_err(progress.fail(REGISTRY, "history"))?;
        entry.last_frame_attestations = history.last().map(|f| f.attestations);
    }

    let mut incidents = Vec::new();
    loop {
        let start = u64::try_from(incidents.len()).unwrap_or(u64::MAX);
        let page = inner(
            client
                .read_at(pinned, reader, &protection.incidents(start, PAGE))
                .await,
        )
        .map_err(progress.fail(PROTECTION, "incidents"))?;
        let full = page.len() == PAGE as usize;
        incidents.extend(page.into_iter().map(|(id, i)| IncidentEntry {
            id,
            epoch: i.epoch,
            operator: i.operator,
            loss: Wei(i.loss),
            covered: Wei(i.covered),
            uncovered: Wei(i.uncovered),
            shares_burned: Wei(i.shares_burned),
        }));
        if !full {
            break;
        }
    }
    let pool_shares = client
        .read_at(pinned, reader, &ledger.balance_of(suite.slash_protection))
        .await
        .map_err(progress.fail(TOKEN, "PSP22::balance_of"))?;
    let pool_value = inner(
        client
            .read_at(pinned, reader, &token.assets_for(pool_shares))
            .await,
    )
    .map_err(progress.fail(ACCOUNTING, "assets_for"))?;
    let totals = read_ok_at(client, pinned, reader, &protection.totals())
        .await
        .map_err(progress.fail(PROTECTION, "totals"))?;
    let cap = client
        .read_at(pinned, reader, &protection.per_incident_cap_bps())
        .await
        .map_err(progress.fail(PROTECTION, "per_incident_cap_bps"))?;

    let policy = read_ok_at(client, pinned, reader, &pool.policy())
        .await
        .map_err(progress.fail(POOL, "policy"))?;
    let flash_exit = FlashExitEntry {
        reserve: Wei(client
            .read_at(pinned, reader, &pool.reserve())
            .await
            .map_err(progress.fail(POOL, "reserve"))?),
        fees_collected: Wei(client
            .read_at(pinned, reader, &pool.fees_collected())
            .await
            .map_err(progress.fail(POOL, "fees_collected"))?),
        min_fee_bps: policy.min_fee_bps,
        max_fee_bps: policy.max_fee_bps,
        per_exit_cap_bps: policy.per_exit_cap_bps,
        paused: client
            .read_at(pinned, reader, &pool.is_paused())
            .await
            .map_err(progress.fail(POOL, "is_paused"))?,
    };

    let state = read_ok_at(client, pinned, reader, &token.oracle_state_read())
        .await
        .map_err(progress.fail(ACCOUNTING, "oracle_state_read"))?;
    let consensus = ink_e2e::create_call_builder::<OracleConsensus>(suite.oracle);
    let member_accounts = client
        .read_at(pinned, reader, &consensus.members())
        .await
        .map_err(progress.fail(ORACLE, "members"))?;
    let mut oracle_members = Vec::new();
    for member in member_accounts {
        let disagreements = client
            .read_at(pinned, reader, &consensus.disagreements_of(member))
            .await
            .map_err(progress.fail(ORACLE, "disagreements_of"))?;
        let vote = client
            .read_at(pinned, reader, &consensus.report_vote(member))
            .await
            .map_err(progress.fail(ORACLE, "report_vote"))?;
        let loss_votes = client
            .read_at(pinned, reader, &consensus.loss_votes_of(member))
            .await
            .map_err(progress.fail(ORACLE, "loss_votes_of"))?;
        let unconfirmed_loss_votes = read_ok_at(
            client,
            pinned,
            reader,
            &consensus.unconfirmed_loss_votes_of(member),
        )
        .await
        .map_err(progress.fail(ORACLE, "unconfirmed_loss_votes_of"))?;
        let lone_hold_barred = read_ok_at(client, pinned, reader, &consensus.lone_hold_barred_now(member))
            .await
            .map_err(progress.fail(ORACLE, "lone_hold_barred_now"))?;
        oracle_members.push(OracleMemberEntry {
            account: hex(&member),
            disagreements,
            loss_votes,
            unconfirmed_loss_votes,
            lone_hold_barred,
            vote_ref_ms: vote.map(|v| v.ref_time_ms),
            vote_hash: vote.map(|v| v.report_hash.iter().map(|b| format!("{b:02x}")).collect()),
        });
    }
    let member_set = client
        .read_at(pinned, reader, &consensus.member_set())
        .await
        .map_err(progress.fail(ORACLE, "member_set"))?;
    let oracle_quorum = client
        .read_at(pinned, reader, &consensus.quorum())
        .await
        .map_err(progress.fail(ORACLE, "quorum"))?;
    let refused_report = read_ok_at(client, pinned, reader, &consensus.agreed_report())
        .await
        .map_err(progress.fail(ORACLE, "agreed_report"))?
        .map(|a| {
            format!(
                "reference {} ms, refused with {:?}",
                a.report.ref_time_ms, a.refusal
            )
        });

    let compliance =
        compliance_entry(client, progress, pinned, reader, suite, prefix, &freeze_decisions).await?;
    let holds_started = client
        .events_of::<LossPending>(&suite.accounting)
        .await
        .map_err(progress.fail(CHAIN, "events"))?;
    let holds_ended = client
        .events_of::<LossPendingEnded>(&suite.accounting)
        .await
        .map_err(progress.fail(CHAIN, "events"))?;
    Ok(Audit {
        source: source.into(),
        at_ms: now,
        contracts,
        rate: Wei(rate),
        books,
        history,
        institutions,
        treasury_shares: Wei(treasury_shares),
        board: BoardEntry {
            members: members.iter().map(hex).collect(),
            quorum,
            proposals,
        },
        operators,
        incidents,
        protection: ProtectionEntry {
            pool_shares: Wei(pool_shares),
            pool_value: Wei(pool_value),
            per_incident_cap_bps: cap,
            losses: Wei(totals.losses),
            covered: Wei(totals.covered),
            shares_donated: Wei(totals.shares_donated),
        },
        flash_exit,
        oracle: OracleEntry {
            members: oracle_members,
            member_set,
            quorum: oracle_quorum,
            refused_report,
            last_epoch: state.last.epoch,
            validators: state.last.validators,
            funded_validators: state.funded_validators,
            el_rewards_total: Wei(state.last.el_rewards_total),
            loss_holds: loss_holds(holds_started, holds_ended, now),
        },
        compliance,
    })
}

fn kyc_label(status: KycStatus) -> &'static str {
    match status {
        KycStatus::Valid => "valid",
        KycStatus::Expiring => "expiring",
        KycStatus::Expired => "expired",
    }
}

/// The compliance part of the record: the role and its windows, and every account a freeze
/// touched, with its record at `pinned` and its steps in the order the accounting's events tell
/// them (the board's proposal named where a decision did it).
async fn compliance_entry<C>(
    client: &mut C,
    progress: &Progress,
    pinned: icseth_deploy::BlockRef,
    reader: &Keypair,
    suite: &SuiteAddresses,
    prefix: u16,
    decisions: &[(u64, AccountId, &str)],
) -> Result<ComplianceEntry, CliError>
where
    C: E2EBackend<Env> + ChainAccess,
    <C as ContractsBackend<Env>>::Error: fmt::Debug,
{
    let token = ink_e2e::create_call_builder::<IcsethAccounting>(suite.accounting);
    let role = read_ok_at(client, pinned, reader, &token.role(TokenRole::Compliance))
        .await
        .map_err(progress.fail(ACCOUNTING, "role"))?;
    let mut windows = [0u64; 3];
    for (slot, parameter) in windows.iter_mut().zip([
        TokenParameter::KycMaxValidityMs,
        TokenParameter::FreezeConfirmWindowMs,
        TokenParameter::RefreezeLockoutMs,
    ]) {
        let value = read_ok_at(client, pinned, reader, &token.parameter(parameter))
            .await
            .map_err(progress.fail(ACCOUNTING, "parameter"))?;
        *slot = u64::try_from(value).unwrap_or(u64::MAX);
    }
    let events = client.events().await.map_err(progress.fail(CHAIN, "events"))?;
    let accounting: &[u8; 32] = suite.accounting.as_ref();
    let mut steps: Vec<(AccountId, String)> = Vec::new();
    for event in events.iter().filter(|e| &e.contract == accounting) {
        let name = |account: &AccountId| ss58(account, prefix);
        let step = event
            .decode::<AccountFrozen>()
            .map(|e| {
                let who = if e.confirmed {
                    "the board".to_string()
                } else {
                    format!("the compliance role {}", name(&e.by))
                };
                (
                    e.account,
                    format!("frozen by {who}, reason {}", hex_bytes(&e.reason)),
                )
            })
            .or_else(|| {
                event
                    .decode::<FreezeConfirmed>()
                    .map(|e| (e.account, "confirmed by the board".to_string()))
            })
            .or_else(|| {
                event
                    .decode::<FreezeLifted>()
                    .map(|e| (e.account, format!("lifted by {}", name(&e.by))))
            })
            .or_else(|| {
                event.decode::<FreezeLapsed>().map(|e| {
                    (
                        e.account,
                        format!(
                            "lapsed unconfirmed at {} ms; only the board may freeze it until {} ms",
                            e.lapsed_at, e.role_locked_until
                        ),
                    )
                })
            });
        if let Some(step) = step {
            steps.push(step);
        }
    }
    let mut accounts: Vec<AccountId> = Vec::new();
    for (account, _) in &steps {
        if !accounts.contains(account) {
            accounts.push(*account);
        }
    }
    let mut freezes = Vec::new();
    for account in accounts {
        let record = client
            .read_at(pinned, reader, &token.freeze_of(account))
            .await
            .map_err(progress.fail(ACCOUNTING, "freeze_of"))?;
        let frozen = client
            .read_at(pinned, reader, &token.is_frozen(account))
            .await
            .map_err(progress.fail(ACCOUNTING, "is_frozen"))?;
        let mut account_steps: Vec<String> = steps
            .iter()
            .filter(|(a, _)| *a == account)
            .map(|(_, s)| s.clone())
            .collect();
        account_steps.extend(
            decisions
                .iter()
                .filter(|(_, a, _)| *a == account)
                .map(|(id, _, what)| format!("board proposal {id} executed: {what}")),
        );
        let current = record.current;
        freezes.push(FreezeEntry {
            account: hex(&account),
            ss58: ss58(&account, prefix),
            frozen,
            since_ms: current.map(|f| f.since),
            by: current.map(|f| format!("{:?}", f.by).to_lowercase()),
            reason: current.map(|f| hex_bytes(&f.reason)),
            confirmed: current.map(|f| f.confirmed),
            until_ms: current
                .and_then(|f| (f.until != icseth_core::compliance::UNTIL_LIFTED).then_some(f.until)),
            role_locked_until_ms: record.role_locked_until,
            steps: account_steps,
        });
    }
    Ok(ComplianceEntry {
        ss58_prefix: prefix,
        role: hex(&role),
        role_ss58: ss58(&role, prefix),
        kyc_max_validity_ms: windows[0],
        confirm_window_ms: windows[1],
        refreeze_lockout_ms: windows[2],
        freezes,
    })
}

/// The holds of deposits and flash exits, rebuilt from the token's `LossPending` and
/// `LossPendingEnded` events (a lone hold whose lapse passed without an event since shows as
/// lapsed at its lapse time).
fn loss_holds(started: Vec<LossPending>, ended: Vec<LossPendingEnded>, now: u64) -> Vec<LossHoldEntry> {
    let basis_name = |b: HoldBasis| match b {
        HoldBasis::Lone => "lone",
        HoldBasis::Corroborated => "corroborated",
    };
    let mut holds: Vec<(HoldBasis, LossHoldEntry)> = Vec::new();
    for event in started {
        let open = holds
            .iter_mut()
            .find(|(b, h)| *b == event.basis && h.since_ms == event.since && h.ended_ms.is_none());
        match open {
            Some((_, hold)) => hold.until_ref_ms = hold.until_ref_ms.max(event.ref_time_ms),
            None => holds.push((
                event.basis,
                LossHoldEntry {
                    started_by: event.member.map_or_else(|| "quorum".into(), |m| hex(&m)),
                    basis: basis_name(event.basis).into(),
                    since_ms: event.since,
                    until_ref_ms: event.ref_time_ms,
                    lapses_at_ms: event.lapses_at,
                    ended_ms: None,
                    end: "holding".into(),
                },
            )),
        }
    }
    for ended in ended {
        if let Some((_, hold)) = holds
            .iter_mut()
            .find(|(b, h)| *b == ended.basis && h.since_ms == ended.since && h.ended_ms.is_none())
        {
            hold.ended_ms = Some(ended.ended_at);
            hold.end = match ended.how {
                HoldEnd::ReportApplied => "report applied".into(),
                HoldEnd::Lapsed => "lapsed".into(),
            };
        }
    }
    for (_, hold) in &mut holds {
        if let (None, Some(lapse)) = (hold.ended_ms, hold.lapses_at_ms) {
            if now >= lapse {
                hold.ended_ms = Some(lapse);
                hold.end = "lapsed".into();
            }
        }
    }
    holds.into_iter().map(|(_, h)| h).collect()
}
