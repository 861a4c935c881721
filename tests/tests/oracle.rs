//! The oracle's consensus under attack, on the embedded chain. Each test performs an attack that
//! worked when the token and the registry counted votes themselves, with numbers, and checks the
//! rules the oracle contract now enforces (README, "Oracle reference"):
//! - a vote belongs to the member set it was cast in; a change of the set voids open votes;
//! - a report or frame needs strictly more than half of the current members;
//! - a member may replace its report vote until that report applies;
//! - the epoch is the one the reference time falls in; no reference time after the block;
//! - a vote for a report with a loss holds deposits and flash exits until a report applies;
//! - a loss above the decrease bound applies only within the board's unexpired allowance.
use icseth_abi::accounting::ReportSink;
use icseth_abi::registry::FrameRecords;
use icseth_abi::{
    accounting::AccountingGovernance, oracle::OracleGovernance, protection::ProtectionGovernance,
    registry::RegistryGovernance,
};
use icseth_accounting::icseth_accounting::{
    Error as AccountingError, IcsethAccounting, LossAllowanceUsed, LossPending, LossPendingEnded,
};
use icseth_core::{
    governance::{OracleDecision, ProtectionDecision, RegistryDecision, TokenDecision},
    hold::{HoldBasis, HoldEnd, HoldUntil, LONE_HOLD_MS, REPORT_FRAME_MS},
    operators::{Figures, VALIDATOR_DEPOSIT},
    oracle::{Report, ReportError, EPOCH_MS},
    SuiteAddresses,
};
use icseth_e2e::operators::{approve_operator, register_operator};
use icseth_e2e::{
    account_of, advance_ms, deploy_and_wire, events_of, now_ms, oracle::at, read, read_ok, submit,
    ClockSandbox, Env, GovernorChoice, SuiteConfig, ETH,
};
use icseth_token::{icseth_token::IcsethToken, psp22::PSP22};
use ink_e2e::{ContractsBackend, E2EBackend, Keypair};
use operator_registry::operator_registry::{
    Error as RegistryError, OperatorKind, OperatorRegistry, OperatorStatus, FRAME_MS,
};
use oracle_consensus::oracle_consensus::{
    AttestationOutcome, Error as OracleError, LossVoted, OracleConsensus, ReportVoteOutcome,
};
use primitive_types::U256;
use slash_protection::slash_protection::SlashProtection;
use std::fmt;

type E2EResult<T> = Result<T, Box<dyn std::error::Error>>;

const DAY_MS: u64 = 24 * 60 * 60 * 1000;

/// The suite governed by alice's account (decisions apply at once; the board's own rules are
/// tested elsewhere), with `members` as the oracle.
async fn suite_with_members<C>(client: &mut C, members: &[Keypair]) -> E2EResult<SuiteAddresses>
where
    C: E2EBackend<Env>,
    <C as ContractsBackend<Env>>::Error: fmt::Debug,
{
    let alice = ink_e2e::alice();
    let mut config = SuiteConfig::single_member(account_of(&alice), ETH);
    config.governor = GovernorChoice::Account(account_of(&alice));
    let suite = deploy_and_wire(client, &alice, &config).await?;
    set_members(client, &suite, members).await?;
    Ok(suite)
}

async fn set_members<C>(client: &mut C, suite: &SuiteAddresses, members: &[Keypair]) -> E2EResult<()>
where
    C: E2EBackend<Env>,
    <C as ContractsBackend<Env>>::Error: fmt::Debug,
{
    let mut oracle = ink_e2e::create_call_builder::<OracleConsensus>(suite.oracle);
    let decision = OracleDecision::SetMembers {
        members: members.iter().map(account_of).collect(),
    };
    submit(client, &ink_e2e::alice(), &oracle.govern(decision), 0)
        .await?
        .accepted()?;
    Ok(())
}

async fn vote<C>(
    client: &mut C,
    suite: &SuiteAddresses,
    member: &Keypair,
    report: Report,
) -> E2EResult<Result<ReportVoteOutcome, OracleError>>
where
    C: E2EBackend<Env>,
    <C as ContractsBackend<Env>>::Error: fmt::Debug,
{
    let mut oracle = ink_e2e::create_call_builder::<OracleConsensus>(suite.oracle);
    Ok(submit(client, member, &oracle.submit_report(report), 0)
        .await?
        .value)
}

/// `member` votes for `report`; the vote must be accepted.
async fn cast<C>(
    client: &mut C,
    suite: &SuiteAddresses,
    member: &Keypair,
    report: Report,
) -> E2EResult<ReportVoteOutcome>
where
    C: E2EBackend<Env>,
    <C as ContractsBackend<Env>>::Error: fmt::Debug,
{
    Ok(vote(client, suite, member, report)
        .await?
        .map_err(|e| format!("{e:?}"))?)
}

/// `member`'s loss votes that the report applied for their frame did not confirm.
async fn unconfirmed_of<C>(client: &mut C, suite: &SuiteAddresses, member: &Keypair) -> E2EResult<u32>
where
    C: E2EBackend<Env>,
    <C as ContractsBackend<Env>>::Error: fmt::Debug,
{
    let oracle = ink_e2e::create_call_builder::<OracleConsensus>(suite.oracle);
    Ok(read_ok(
        client,
        &ink_e2e::alice(),
        &oracle.unconfirmed_loss_votes_of(account_of(member)),
    )
    .await?)
}

/// Members {bob, charlie, dave, eve, ferdie} (quorum 3); bob and charlie vote for report H; the
/// board replaces bob and charlie. Before, dave's single vote applied H (the tally kept the old
/// votes and the quorum was checked against the new set): now it is one vote of the three H needs.
/// Also: a removed member cannot vote, a snapshot of the future and an epoch ahead of the
/// reference time are refused, and the token and the registry take reports and attestations
/// from the oracle contract alone.
#[ink_e2e::test(backend(runtime_only(sandbox = ClockSandbox)))]
async fn votes_of_removed_members_never_count<Client: E2EBackend>(mut client: Client) -> E2EResult<()> {
    let alice = ink_e2e::alice();
    let old = [
        ink_e2e::bob(),
        ink_e2e::charlie(),
        ink_e2e::dave(),
        ink_e2e::eve(),
        ink_e2e::ferdie(),
    ];
    let suite = suite_with_members(&mut client, &old).await?;
    let mut token = ink_e2e::create_call_builder::<IcsethAccounting>(suite.accounting);
    let mut registry = ink_e2e::create_call_builder::<OperatorRegistry>(suite.operator_registry);
    let oracle = ink_e2e::create_call_builder::<OracleConsensus>(suite.oracle);
    let h = at(now_ms(), Report::default());
    for member in &old[..2] {
        cast(&mut client, &suite, member, h).await?;
    }
    let new = [
        ink_e2e::dave(),
        ink_e2e::eve(),
        ink_e2e::ferdie(),
        ink_e2e::one(),
        ink_e2e::two(),
    ];
    set_members(&mut client, &suite, &new).await?;
    assert_eq!(
        vote(&mut client, &suite, &new[0], h).await?,
        Ok(ReportVoteOutcome::Counted { votes: 1, quorum: 3 }),
        "the removed members' two votes no longer count"
    );
    assert_eq!(
        read_ok(&mut client, &alice, &token.oracle_state_read())
            .await?
            .last_applied_ms,
        0
    );
    assert_eq!(
        vote(&mut client, &suite, &old[0], h).await?,
        Err(OracleError::NotMember)
    );
    // a snapshot of the future, and the epoch u64::MAX, are refused before anything counts
    let next_frame_start = icseth_e2e::oracle::frame_start(now_ms()) + REPORT_FRAME_MS;
    let future = Report {
        epoch: icseth_e2e::oracle::epoch_at(next_frame_start),
        ref_time_ms: next_frame_start,
        ..Report::default()
    };
    assert_eq!(
        vote(&mut client, &suite, &new[1], future).await?,
        Err(OracleError::Report(ReportError::ReferenceInFuture))
    );
    let far = Report { epoch: u64::MAX, ..h };
    assert_eq!(
        vote(&mut client, &suite, &new[1], far).await?,
        Err(OracleError::EpochNotAtReference)
    );
    // only the oracle contract reaches the token's and the registry's entry points
    for caller in [&alice, &new[1]] {
        let direct = submit(&mut client, caller, &token.autobalance(h), 0).await?;
        assert_eq!(direct.value, Err(AccountingError::NotOracle));
        let direct = submit(
            &mut client,
            caller,
            &token.note_report_vote(h, account_of(caller), Some(HoldBasis::Corroborated)),
            0,
        )
        .await?;
        assert_eq!(direct.value, Err(AccountingError::NotOracle));
        let direct = submit(
            &mut client,
            caller,
            &registry.record_attestation(0, 0, Figures::default(), 3),
            0,
        )
        .await?;
        assert_eq!(direct.value, Err(RegistryError::NotOracle));
    }
    // two more votes of the new set apply H
    assert_eq!(
        vote(&mut client, &suite, &new[1], h).await?,
        Ok(ReportVoteOutcome::Counted { votes: 2, quorum: 3 })
    );
    assert_eq!(
        vote(&mut client, &suite, &new[2], h).await?,
        Ok(ReportVoteOutcome::Applied)
    );
    let applied = read_ok(&mut client, &alice, &oracle.last_applied())
        .await?
        .ok_or("nothing applied")?;
    assert_eq!(applied.ref_time_ms, h.ref_time_ms);
    assert_eq!(
        read_ok(&mut client, &alice, &token.oracle_state_read())
            .await?
            .last,
        h
    );
    Ok(())
}

/// A bound refuses the report two of three members agreed on (a gain far above the annual
/// bound). Before, their votes were spent for the epoch: they could not vote again, and counted as
/// dissenters when another report applied. Now each replaces its vote; the member who keeps the
/// refused report is the one recorded as disagreeing.
#[ink_e2e::test(backend(runtime_only(sandbox = ClockSandbox)))]
async fn a_member_replaces_a_vote_after_a_bound_refused_the_report<Client: E2EBackend>(
    mut client: Client,
) -> E2EResult<()> {
    let alice = ink_e2e::alice();
    let members = [ink_e2e::bob(), ink_e2e::charlie(), ink_e2e::dave()];
    let suite = suite_with_members(&mut client, &members).await?;
    let token = ink_e2e::create_call_builder::<IcsethAccounting>(suite.accounting);
    let oracle = ink_e2e::create_call_builder::<OracleConsensus>(suite.oracle);
    let first = at(now_ms(), Report::default());
    for member in &members[..2] {
        cast(&mut client, &suite, member, first).await?;
    }
    advance_ms(DAY_MS);
    // 1 ETH of consensus rewards on nothing pooled: above any bound
    let wrong = at(
        now_ms(),
        Report {
            cl_balance: ETH,
            ..first
        },
    );
    let right = at(now_ms(), first);
    assert_eq!(
        vote(&mut client, &suite, &members[0], wrong).await?,
        Ok(ReportVoteOutcome::Counted { votes: 1, quorum: 2 })
    );
    assert_eq!(
        vote(&mut client, &suite, &members[1], wrong).await?,
        Ok(ReportVoteOutcome::Refused(ReportError::IncreaseAboveBound))
    );
    let state = read_ok(&mut client, &alice, &token.oracle_state_read()).await?;
    assert_eq!(
        state.last, first,
        "the refused report changed nothing in the token"
    );
    assert_eq!(
        vote(&mut client, &suite, &members[0], right).await?,
        Ok(ReportVoteOutcome::Counted { votes: 1, quorum: 2 }),
        "the member replaced its vote"
    );
    assert_eq!(
        vote(&mut client, &suite, &members[2], right).await?,
        Ok(ReportVoteOutcome::Applied)
    );
    assert_eq!(
        read_ok(&mut client, &alice, &token.oracle_state_read())
            .await?
            .last,
        right
    );
    let dissent = [
        read(
            &mut client,
            &alice,
            &oracle.disagreements_of(account_of(&members[0])),
        )
        .await?,
        read(
            &mut client,
            &alice,
            &oracle.disagreements_of(account_of(&members[1])),
        )
        .await?,
        read(
            &mut client,
            &alice,
            &oracle.disagreements_of(account_of(&members[2])),
        )
        .await?,
    ];
    assert_eq!(dissent, [0, 1, 0]);
    // the refused report cannot be pushed again: a newer one applied
    let mut oracle = oracle;
    let retry = submit(&mut client, &alice, &oracle.apply_agreed(), 0).await?;
    assert_eq!(retry.value, Err(OracleError::NothingAgreed));
    // the dissent is counted for good once the member votes again
    advance_ms(DAY_MS);
    let next = at(now_ms(), first);
    cast(&mut client, &suite, &members[1], next).await?;
    assert_eq!(
        read(
            &mut client,
            &alice,
            &oracle.disagreements_of(account_of(&members[1]))
        )
        .await?,
        1
    );
    Ok(())
}

/// One of three members attests weak figures for six frames. Before, the first attestation of a
/// frame scored it: one member paused the operator. Now nothing changes until a second member
/// agrees; then the registry scores each frame and the status rules apply.
#[ink_e2e::test(backend(runtime_only(sandbox = ClockSandbox)))]
async fn one_member_cannot_decide_an_operators_status<Client: E2EBackend>(
    mut client: Client,
) -> E2EResult<()> {
    let alice = ink_e2e::alice();
    let members = [ink_e2e::bob(), ink_e2e::charlie(), ink_e2e::dave()];
    let admin = ink_e2e::eve();
    let suite = suite_with_members(&mut client, &members).await?;
    let mut registry = ink_e2e::create_call_builder::<OperatorRegistry>(suite.operator_registry);
    let mut oracle = ink_e2e::create_call_builder::<OracleConsensus>(suite.oracle);
    let id = submit(
        &mut client,
        &admin,
        &registry.register_operator(
            "Obol".into(),
            OperatorKind::ObolCluster,
            account_of(&admin),
            account_of(&admin),
        ),
        0,
    )
    .await?
    .accepted()?;
    submit(
        &mut client,
        &alice,
        &registry.govern(RegistryDecision::ApproveOperator { operator: id }),
        0,
    )
    .await?
    .accepted()?;
    advance_ms(7 * FRAME_MS);
    let weak = Figures {
        effectiveness_bps: 5_000,
        proposed: 0,
        missed: 2,
        consensus_rewards: ETH / 100,
        mev_rewards: 0,
        exited: 0,
    };
    for frame in 0..6 {
        let lone = submit(&mut client, &members[0], &oracle.attest(id, frame, weak), 0)
            .await?
            .accepted()?;
        assert_eq!(lone, AttestationOutcome::Counted { votes: 1, quorum: 2 });
    }
    let record = read(&mut client, &alice, &registry.operator(id))
        .await?
        .ok_or("no operator")?;
    assert_eq!((record.status, record.totals.frames), (OperatorStatus::Active, 0));
    assert!(read(&mut client, &alice, &registry.history(id)).await?.is_empty());

    // a set change voids the open attestations: the lone member's six votes start over
    set_members(&mut client, &suite, &members).await?;
    let recount = submit(&mut client, &members[1], &oracle.attest(id, 0, weak), 0)
        .await?
        .accepted()?;
    assert_eq!(recount, AttestationOutcome::Counted { votes: 1, quorum: 2 });
    let mut statuses = Vec::new();
    for frame in 0..6 {
        let voter = if frame == 0 { &members[2] } else { &members[1] };
        if frame > 0 {
            submit(&mut client, &members[2], &oracle.attest(id, frame, weak), 0)
                .await?
                .accepted()?;
        }
        let agreed = submit(&mut client, voter, &oracle.attest(id, frame, weak), 0)
            .await?
            .accepted()?;
        assert_eq!(agreed, AttestationOutcome::Agreed);
        let record = read(&mut client, &alice, &registry.operator(id))
            .await?
            .ok_or("no operator")?;
        statuses.push(record.status);
    }
    use OperatorStatus::*;
    assert_eq!(
        statuses,
        vec![Active, Active, Probation, Probation, Probation, Paused]
    );
    let history = read(&mut client, &alice, &registry.history(id)).await?;
    assert!(history
        .iter()
        .all(|f| f.attestations == 2 && f.attested == Some(weak)));
    // an agreed frame takes no more attestations
    let late = submit(&mut client, &members[0], &oracle.attest(id, 0, weak), 0).await?;
    assert_eq!(late.value, Err(OracleError::FrameAgreed));
    Ok(())
}

/// A suite with 320 ETH pooled: 256 ETH staked on 8 validators of one operator and reported by
/// bob and charlie (members bob, charlie, dave; quorum 2), eve the institution (an allowed donor)
/// holding 315 icsETH after donating 5 to the protection pool.
struct Staked {
    suite: SuiteAddresses,
    operator: u32,
    /// The applied report that saw the 8 validators.
    first: Report,
}

async fn staked_suite<C>(client: &mut C) -> E2EResult<Staked>
where
    C: E2EBackend<Env>,
    <C as ContractsBackend<Env>>::Error: fmt::Debug,
{
    let alice = ink_e2e::alice();
    let members = [ink_e2e::bob(), ink_e2e::charlie(), ink_e2e::dave()];
    let (institution, admin) = (ink_e2e::eve(), ink_e2e::ferdie());
    let suite = suite_with_members(client, &members).await?;
    let mut token = ink_e2e::create_call_builder::<IcsethAccounting>(suite.accounting);
    let mut ledger = ink_e2e::create_call_builder::<IcsethToken>(suite.token);
    let mut protection = ink_e2e::create_call_builder::<SlashProtection>(suite.slash_protection);
    let operator = register_operator(
        client,
        suite.operator_registry,
        &admin,
        "SSV",
        OperatorKind::SsvCluster,
        8,
    )
    .await?;
    approve_operator(client, suite.operator_registry, &alice, operator, 8).await?;
    let add = TokenDecision::AddInstitution {
        institution: account_of(&institution),
        min_deposit: None,
        kyc_valid_until: icseth_deploy::governance::kyc_until(icseth_deploy::now_ms()),
    };
    submit(client, &alice, &token.govern(add), 0).await?.accepted()?;
    let donor = ProtectionDecision::AllowDonor {
        donor: account_of(&institution),
    };
    submit(client, &alice, &protection.govern(donor), 0)
        .await?
        .accepted()?;
    submit(client, &institution, &token.deposit(), 320 * ETH)
        .await?
        .accepted()?;
    assert_eq!(
        submit(client, &alice, &token.allocate(), 0).await?.accepted()?,
        8,
        "the allocation funds the validators"
    );
    let staked = 8 * VALIDATOR_DEPOSIT;
    let first = at(
        now_ms(),
        Report {
            cl_balance: staked,
            validators: 8,
            ..Report::default()
        },
    );
    for member in &members[..2] {
        cast(client, &suite, member, first).await?;
    }
    submit(
        client,
        &institution,
        &ledger.approve(suite.slash_protection, 5 * ETH),
        0,
    )
    .await?
    .accepted()?;
    submit(client, &institution, &protection.donate(5 * ETH), 0)
        .await?
        .accepted()?;
    let books = read_ok(client, &alice, &token.accounting()).await?;
    assert_eq!((books.total_pooled, books.total_shares), (320 * ETH, 320 * ETH));
    Ok(Staked {
        suite,
        operator,
        first,
    })
}

/// 320 ETH pooled (256 staked on 8 validators), 5 icsETH donated to the protection pool. A true
/// 15% loss (48 ETH) is refused by the decrease bound (5%, hard cap 10%). Before, every later
/// report of the true balance was refused too: the oracle stalled for ever. From the first loss
/// vote, deposits and flash exits are held (a holder who saw the vote cannot leave at the stale
/// rate); withdrawal requests stay open. An allowance that lapses unused changes nothing; one the
/// board grants in time lets the agreed report apply, with the cover and rate the rules give, and
/// the next ordinary report applies normally.
#[ink_e2e::test(backend(runtime_only(sandbox = ClockSandbox)))]
async fn a_large_loss_applies_within_the_boards_allowance_and_holds_exits_until_then<Client: E2EBackend>(
    mut client: Client,
) -> E2EResult<()> {
    let alice = ink_e2e::alice();
    let members = [ink_e2e::bob(), ink_e2e::charlie(), ink_e2e::dave()];
    let (institution, outsider) = (ink_e2e::eve(), ink_e2e::one());
    let Staked {
        suite,
        operator,
        first,
    } = staked_suite(&mut client).await?;
    let mut token = ink_e2e::create_call_builder::<IcsethAccounting>(suite.accounting);
    let protection = ink_e2e::create_call_builder::<SlashProtection>(suite.slash_protection);
    let mut oracle = ink_e2e::create_call_builder::<OracleConsensus>(suite.oracle);
    let staked = 8 * VALIDATOR_DEPOSIT;

    // a day later 48 ETH are lost; the first member's vote shows it
    advance_ms(DAY_MS);
    let loss = 48 * ETH;
    let crash = at(
        now_ms(),
        Report {
            cl_balance: staked - loss,
            slashed_operator: Some(operator),
            ..first
        },
    );
    assert_eq!(
        vote(&mut client, &suite, &members[0], crash).await?,
        Ok(ReportVoteOutcome::Counted { votes: 1, quorum: 2 })
    );
    let pending = events_of::<LossPending>(&suite.accounting);
    assert_eq!(
        (pending.len(), pending[0].loss, pending[0].ref_time_ms),
        (1, loss, crash.ref_time_ms)
    );
    // one member's vote: a lone hold, until the frame's report or 36 hours
    let until = HoldUntil {
        until_ref: crash.ref_time_ms,
        lapses_at: Some(now_ms() + LONE_HOLD_MS),
    };
    let held = submit(&mut client, &institution, &token.deposit(), 10 * ETH).await?;
    assert_eq!(held.value, Err(AccountingError::LossPending(until)));
    let held = submit(&mut client, &institution, &token.flash_exit(ETH, 0), 0).await?;
    assert_eq!(held.value, Err(AccountingError::LossPending(until)));
    // a withdrawal request stays open: it shares the loss through the rate
    let ticket = submit(&mut client, &institution, &token.request_withdrawal(ETH), 0)
        .await?
        .accepted()?;
    let books = read_ok(&mut client, &alice, &token.accounting()).await?;
    // the second vote reaches quorum; the bound refuses 15%
    assert_eq!(
        vote(&mut client, &suite, &members[1], crash).await?,
        Ok(ReportVoteOutcome::Refused(ReportError::DecreaseAboveBound))
    );
    assert_eq!(read_ok(&mut client, &alice, &token.accounting()).await?, books);
    // a quorum agreed on it: the hold is corroborated and no longer lapses
    assert_eq!(
        read_ok(&mut client, &alice, &token.loss_hold_until()).await?,
        Some(HoldUntil {
            until_ref: crash.ref_time_ms,
            lapses_at: None
        })
    );

    // an allowance that lapses unused lets nothing through, and a too small one neither
    let short = TokenDecision::AllowLoss {
        amount: loss,
        valid_for_ms: 60 * 60 * 1000,
    };
    submit(&mut client, &alice, &token.govern(short), 0)
        .await?
        .accepted()?;
    advance_ms(2 * 60 * 60 * 1000);
    let retry = submit(&mut client, &outsider, &oracle.apply_agreed(), 0).await?;
    assert_eq!(
        retry.value,
        Err(OracleError::StillRefused(ReportError::DecreaseAboveBound))
    );
    let small = TokenDecision::AllowLoss {
        amount: loss - 1,
        valid_for_ms: 7 * DAY_MS,
    };
    submit(&mut client, &alice, &token.govern(small), 0)
        .await?
        .accepted()?;
    let retry = submit(&mut client, &outsider, &oracle.apply_agreed(), 0).await?;
    assert_eq!(
        retry.value,
        Err(OracleError::StillRefused(ReportError::DecreaseAboveBound))
    );
    assert_eq!(read_ok(&mut client, &alice, &token.accounting()).await?, books);

    // the board allows the whole loss; anyone pushes the agreed report again
    let enough = TokenDecision::AllowLoss {
        amount: loss,
        valid_for_ms: 7 * DAY_MS,
    };
    submit(&mut client, &alice, &token.govern(enough), 0)
        .await?
        .accepted()?;
    submit(&mut client, &outsider, &oracle.apply_agreed(), 0)
        .await?
        .accepted()?;
    // the rules, computed here: the pool holds 5 shares worth 5 ETH at rate 1; its per-incident
    // cap is half of that, so 2.5 ETH of shares are burned and 45.5 ETH stay uncovered
    let burned = 5 * ETH / 2;
    let (pooled, supply) = (320 * ETH - loss, 320 * ETH - burned);
    let books_after = read_ok(&mut client, &alice, &token.accounting()).await?;
    assert_eq!(
        (books_after.total_pooled, books_after.total_shares),
        (pooled, supply)
    );
    let offset = U256::from(1_000_000u64);
    let expected_rate = (U256::from(pooled) + offset) * U256::from(ETH) / (U256::from(supply) + offset);
    let rate = read(&mut client, &alice, &token.rate())
        .await?
        .map_err(|e| format!("{e:?}"))?;
    assert_eq!(U256::from(rate), expected_rate);
    let incident = read(&mut client, &alice, &protection.incident(0))
        .await?
        .ok_or("no incident")?;
    assert_eq!(
        (
            incident.loss,
            incident.covered,
            incident.uncovered,
            incident.shares_burned
        ),
        (loss, burned, loss - burned, burned)
    );
    assert_eq!(incident.operator, Some(operator));
    let used = events_of::<LossAllowanceUsed>(&suite.accounting);
    assert_eq!((used.len(), used[0].allowed, used[0].loss), (1, loss, loss));
    let state = read_ok(&mut client, &alice, &token.oracle_state_read()).await?;
    assert_eq!((state.last, state.loss_allowance), (crash, None));
    // the lone span and the corroborated one, both ended by the loss report
    let ended = events_of::<LossPendingEnded>(&suite.accounting);
    assert_eq!(
        ended.iter().map(|e| (e.basis, e.how)).collect::<Vec<_>>(),
        vec![
            (HoldBasis::Corroborated, HoldEnd::ReportApplied),
            (HoldBasis::Lone, HoldEnd::ReportApplied)
        ]
    );
    assert_eq!(
        read_ok(&mut client, &alice, &token.loss_pending_since()).await?,
        None
    );
    assert_eq!(
        read(&mut client, &alice, &token.ticket(ticket))
            .await?
            .map(|t| t.status),
        Some(icseth_accounting::icseth_accounting::TicketStatus::Pending),
        "requested after the loss report's snapshot: the next report finalizes it"
    );
    // deposits and flash exits are open again
    submit(&mut client, &institution, &token.deposit(), 10 * ETH)
        .await?
        .accepted()?;
    submit(&mut client, &institution, &token.flash_exit(ETH / 10, 0), 0)
        .await?
        .accepted()?;

    // the next ordinary report a day later applies normally: 0.05 ETH of rewards
    advance_ms(DAY_MS);
    let rate_before = read(&mut client, &alice, &token.rate())
        .await?
        .map_err(|e| format!("{e:?}"))?;
    let next = at(
        now_ms(),
        Report {
            cl_balance: crash.cl_balance + 5 * ETH / 100,
            ..crash
        },
    );
    cast(&mut client, &suite, &members[2], next).await?;
    assert_eq!(
        vote(&mut client, &suite, &members[0], next).await?,
        Ok(ReportVoteOutcome::Applied)
    );
    let rate_after = read(&mut client, &alice, &token.rate())
        .await?
        .map_err(|e| format!("{e:?}"))?;
    assert!(rate_after > rate_before, "{rate_before} -> {rate_after}");
    assert_eq!(
        read(&mut client, &alice, &token.ticket(ticket))
            .await?
            .map(|t| matches!(
                t.status,
                icseth_accounting::icseth_accounting::TicketStatus::Finalized { .. }
            )),
        Some(true)
    );
    Ok(())
}

/// The hold must last until a report at or after the loss vote's snapshot applies. Two members
/// agree on R1 (frame 1, rewards above the annual bound: refused, kept agreed); dave then votes R2
/// (frame 2, a 4% loss), which starts the hold; the board widens the bound and an outsider pushes
/// R1 again. R1 describes the time before the loss: it applies, and the hold stays, so nobody
/// flash-exits at the pre-loss rate; R2 applying ends it.
#[ink_e2e::test(backend(runtime_only(sandbox = ClockSandbox)))]
async fn an_older_report_does_not_end_a_loss_hold<Client: E2EBackend>(mut client: Client) -> E2EResult<()> {
    let alice = ink_e2e::alice();
    let members = [ink_e2e::bob(), ink_e2e::charlie(), ink_e2e::dave()];
    let (institution, outsider) = (ink_e2e::eve(), ink_e2e::one());
    let Staked { suite, first, .. } = staked_suite(&mut client).await?;
    let mut token = ink_e2e::create_call_builder::<IcsethAccounting>(suite.accounting);
    let mut oracle = ink_e2e::create_call_builder::<OracleConsensus>(suite.oracle);
    let frame_1 = icseth_e2e::oracle::next_frame();
    advance_ms(60 * 60 * 1000);
    // 0.15 ETH in a day on 320 ETH: above 10% a year, within 20%
    let r1 = at(
        frame_1,
        Report {
            cl_balance: first.cl_balance + 15 * ETH / 100,
            ..first
        },
    );
    assert_eq!(
        vote(&mut client, &suite, &members[0], r1).await?,
        Ok(ReportVoteOutcome::Counted { votes: 1, quorum: 2 })
    );
    assert_eq!(
        vote(&mut client, &suite, &members[1], r1).await?,
        Ok(ReportVoteOutcome::Refused(ReportError::IncreaseAboveBound))
    );
    let frame_2 = icseth_e2e::oracle::next_frame();
    advance_ms(60 * 60 * 1000);
    let r2 = at(
        frame_2,
        Report {
            cl_balance: first.cl_balance - 128 * ETH / 10,
            ..first
        },
    );
    assert_eq!(
        vote(&mut client, &suite, &members[2], r2).await?,
        Ok(ReportVoteOutcome::Counted { votes: 1, quorum: 2 })
    );
    // the vote that started the hold is on the member's record
    let loss_votes = events_of::<LossVoted>(&suite.oracle);
    assert_eq!(
        (loss_votes.len(), loss_votes[0].member, loss_votes[0].ref_time_ms),
        (1, account_of(&members[2]), r2.ref_time_ms)
    );
    assert_eq!(
        read(
            &mut client,
            &alice,
            &oracle.loss_votes_of(account_of(&members[2]))
        )
        .await?,
        1
    );
    let until = HoldUntil {
        until_ref: frame_2,
        lapses_at: Some(now_ms() + LONE_HOLD_MS),
    };
    let held = submit(&mut client, &institution, &token.flash_exit(ETH, 0), 0).await?;
    assert_eq!(held.value, Err(AccountingError::LossPending(until)));
    // the board widens the bound; R1 applies, the hold stays
    let bounds = icseth_core::oracle::Bounds {
        max_annual_increase_bps: 2_000,
        ..icseth_core::oracle::Bounds::DEFAULT
    };
    submit(
        &mut client,
        &alice,
        &token.govern(TokenDecision::SetBounds { bounds }),
        0,
    )
    .await?
    .accepted()?;
    submit(&mut client, &outsider, &oracle.apply_agreed(), 0)
        .await?
        .accepted()?;
    assert_eq!(
        read_ok(&mut client, &alice, &token.oracle_state_read())
            .await?
            .last,
        r1
    );
    assert_eq!(
        read_ok(&mut client, &alice, &token.loss_pending_until_ref()).await?,
        Some(r2.ref_time_ms)
    );
    let held = submit(&mut client, &institution, &token.flash_exit(ETH, 0), 0).await?;
    assert_eq!(held.value, Err(AccountingError::LossPending(until)));
    let held = submit(&mut client, &institution, &token.deposit(), 10 * ETH).await?;
    assert_eq!(held.value, Err(AccountingError::LossPending(until)));
    // R1's snapshot again, or one between frames, can never apply: refused before it counts
    assert_eq!(
        vote(&mut client, &suite, &members[1], Report { cl_balance: 1, ..r1 }).await?,
        Err(OracleError::Report(ReportError::StaleReference))
    );
    assert_eq!(
        vote(
            &mut client,
            &suite,
            &members[1],
            Report {
                ref_time_ms: r1.ref_time_ms + EPOCH_MS,
                ..r1
            }
        )
        .await?,
        Err(OracleError::NotFrameStart)
    );
    // the minimum interval after R1 later (the lone hold has not lapsed), a second vote applies
    // the loss report and ends the hold
    advance_ms(12 * 60 * 60 * 1000);
    let held = submit(&mut client, &institution, &token.flash_exit(ETH, 0), 0).await?;
    assert_eq!(held.value, Err(AccountingError::LossPending(until)));
    assert_eq!(
        vote(&mut client, &suite, &members[0], r2).await?,
        Ok(ReportVoteOutcome::Applied)
    );
    assert_eq!(
        read_ok(&mut client, &alice, &token.loss_pending_since()).await?,
        None
    );
    submit(&mut client, &institution, &token.flash_exit(ETH, 0), 0)
        .await?
        .accepted()?;
    Ok(())
}

/// One member invents a 1-wei loss every frame (measured before: its vote for a snapshot a minute
/// after the honest members' kept deposits and flash exits on hold through three honest reports,
/// four days at default timing). Now a report describes a frame's start, so the member can only
/// vote for the snapshot the honest report also describes: its lone hold ends when that report
/// applies, it is then barred from lone holds for three frames, and its unconfirmed loss votes
/// are counted. A real loss voted by two members of five holds exits past the lone lapse until it
/// applies.
#[ink_e2e::test(backend(runtime_only(sandbox = ClockSandbox)))]
async fn an_invented_loss_holds_exits_only_until_its_frames_report<Client: E2EBackend>(
    mut client: Client,
) -> E2EResult<()> {
    let alice = ink_e2e::alice();
    let members = [ink_e2e::bob(), ink_e2e::charlie(), ink_e2e::dave()];
    let liar = &members[2];
    let institution = ink_e2e::eve();
    let Staked { suite, first, .. } = staked_suite(&mut client).await?;
    let mut token = ink_e2e::create_call_builder::<IcsethAccounting>(suite.accounting);
    let oracle = ink_e2e::create_call_builder::<OracleConsensus>(suite.oracle);
    let mut last = first;
    for frame in 1..=3u64 {
        let start = icseth_e2e::oracle::next_frame();
        advance_ms(60 * 60 * 1000);
        let honest = at(
            start,
            Report {
                cl_balance: last.cl_balance + ETH / 100,
                ..last
            },
        );
        let invented = Report {
            cl_balance: last.cl_balance - 1,
            ..honest
        };
        // a snapshot a minute after the honest one: no report will ever describe it
        let off_frame = Report {
            ref_time_ms: start + 60_000,
            ..invented
        };
        assert_eq!(
            vote(&mut client, &suite, liar, off_frame).await?,
            Err(OracleError::NotFrameStart)
        );
        assert_eq!(
            vote(&mut client, &suite, liar, invented).await?,
            Ok(ReportVoteOutcome::Counted { votes: 1, quorum: 2 })
        );
        let voted = events_of::<LossVoted>(&suite.oracle).pop().expect("LossVoted");
        let deposit = submit(&mut client, &institution, &token.deposit(), 10 * ETH).await?;
        if frame == 1 {
            // the first invented loss holds, on a lone basis that lapses within 36 hours
            assert_eq!(voted.basis, Some(HoldBasis::Lone));
            let until = HoldUntil {
                until_ref: start,
                lapses_at: Some(now_ms() + LONE_HOLD_MS),
            };
            assert_eq!(deposit.value, Err(AccountingError::LossPending(until)));
            let exit = submit(&mut client, &institution, &token.flash_exit(ETH, 0), 0).await?;
            assert_eq!(exit.value, Err(AccountingError::LossPending(until)));
        } else {
            // barred after its unconfirmed lone hold: the vote is counted, nothing is held
            assert_eq!(voted.basis, None, "frame {frame}");
            deposit.accepted()?;
        }
        // the honest report of the frame applies
        cast(&mut client, &suite, &members[0], honest).await?;
        assert_eq!(
            vote(&mut client, &suite, &members[1], honest).await?,
            Ok(ReportVoteOutcome::Applied)
        );
        // deposits and flash exits are open again at once
        assert_eq!(
            read_ok(&mut client, &alice, &token.loss_hold_until()).await?,
            None
        );
        submit(&mut client, &institution, &token.deposit(), 10 * ETH)
            .await?
            .accepted()?;
        submit(&mut client, &institution, &token.flash_exit(ETH / 10, 0), 0)
            .await?
            .accepted()?;
        assert!(
            read_ok(
                &mut client,
                &alice,
                &oracle.lone_hold_barred_now(account_of(liar))
            )
            .await?,
            "frame {frame}: barred"
        );
        last = honest;
    }
    let ended = events_of::<LossPendingEnded>(&suite.accounting);
    assert_eq!(ended.len(), 1, "one hold, ended by its frame's report");
    assert_eq!(
        (ended[0].basis, ended[0].how),
        (HoldBasis::Lone, HoldEnd::ReportApplied)
    );
    // the evidence: three loss votes, all unconfirmed; the honest members have none
    assert_eq!(
        read(&mut client, &alice, &oracle.loss_votes_of(account_of(liar))).await?,
        3
    );
    assert_eq!(unconfirmed_of(&mut client, &suite, liar).await?, 3);
    for honest_member in &members[..2] {
        assert_eq!(unconfirmed_of(&mut client, &suite, honest_member).await?, 0);
    }

    // a real 4 ETH slashing, five members (quorum 3): two members' votes corroborate it and hold
    // exits past the lone lapse until the third vote applies it
    let five = [
        ink_e2e::bob(),
        ink_e2e::charlie(),
        ink_e2e::dave(),
        ink_e2e::one(),
        ink_e2e::two(),
    ];
    set_members(&mut client, &suite, &five).await?;
    let start = icseth_e2e::oracle::next_frame();
    let slashing = at(
        start,
        Report {
            cl_balance: last.cl_balance - 4 * ETH,
            ..last
        },
    );
    cast(&mut client, &suite, &five[3], slashing).await?;
    assert_eq!(
        events_of::<LossVoted>(&suite.oracle).pop().map(|v| v.basis),
        Some(Some(HoldBasis::Lone))
    );
    cast(&mut client, &suite, &five[4], slashing).await?;
    let voted = events_of::<LossVoted>(&suite.oracle).pop().expect("LossVoted");
    assert_eq!(
        (voted.loss_voters, voted.basis),
        (2, Some(HoldBasis::Corroborated))
    );
    advance_ms(LONE_HOLD_MS + 60 * 60 * 1000);
    let corroborated = HoldUntil {
        until_ref: start,
        lapses_at: None,
    };
    let held = submit(&mut client, &institution, &token.deposit(), 10 * ETH).await?;
    assert_eq!(held.value, Err(AccountingError::LossPending(corroborated)));
    let held = submit(&mut client, &institution, &token.flash_exit(ETH, 0), 0).await?;
    assert_eq!(held.value, Err(AccountingError::LossPending(corroborated)));
    assert_eq!(
        vote(&mut client, &suite, &five[0], slashing).await?,
        Ok(ReportVoteOutcome::Applied)
    );
    assert_eq!(
        read_ok(&mut client, &alice, &token.loss_hold_until()).await?,
        None
    );
    submit(&mut client, &institution, &token.deposit(), 10 * ETH)
        .await?
        .accepted()?;
    // a vote for a real loss that applied is no evidence against the member
    assert_eq!(unconfirmed_of(&mut client, &suite, &five[3]).await?, 0);
    Ok(())
}

/// A member cannot restart its own lone hold, nor erase its evidence. While the honest report
/// for frame F is late, dave holds exits with an invented loss, votes another invented version
/// 35 hours later and a third right after the lapse: before, each vote moved the member's own
/// clock and the third started a new 36-hour hold; now the hold lapses at 36 hours and dave is
/// barred. In the next frame dave invents a loss and then replaces it with the honest report
/// before it applies: the retracted loss vote still counts as unconfirmed.
#[ink_e2e::test(backend(runtime_only(sandbox = ClockSandbox)))]
async fn a_lone_hold_cannot_be_restarted_nor_its_evidence_erased<Client: E2EBackend>(
    mut client: Client,
) -> E2EResult<()> {
    let alice = ink_e2e::alice();
    let members = [ink_e2e::bob(), ink_e2e::charlie(), ink_e2e::dave()];
    let liar = &members[2];
    let institution = ink_e2e::eve();
    let Staked { suite, first, .. } = staked_suite(&mut client).await?;
    let mut token = ink_e2e::create_call_builder::<IcsethAccounting>(suite.accounting);
    let hour = 60 * 60 * 1000;
    let frame = icseth_e2e::oracle::next_frame();
    advance_ms(hour);
    let invented = |wei: u128| {
        at(
            frame,
            Report {
                cl_balance: first.cl_balance - wei,
                ..first
            },
        )
    };
    cast(&mut client, &suite, liar, invented(1)).await?;
    let lapse = now_ms() + LONE_HOLD_MS;
    advance_ms(35 * hour);
    cast(&mut client, &suite, liar, invented(2)).await?;
    assert_eq!(
        read_ok(&mut client, &alice, &token.loss_hold_until()).await?,
        Some(HoldUntil {
            until_ref: frame,
            lapses_at: Some(lapse)
        }),
        "a second vote moves nothing"
    );
    advance_ms(lapse - now_ms());
    cast(&mut client, &suite, liar, invented(3)).await?;
    let voted = events_of::<LossVoted>(&suite.oracle).pop().ok_or("LossVoted")?;
    assert_eq!(voted.basis, None, "barred after its lone hold lapsed unconfirmed");
    assert_eq!(
        read_ok(&mut client, &alice, &token.loss_hold_until()).await?,
        None
    );
    submit(&mut client, &institution, &token.deposit(), 10 * ETH)
        .await?
        .accepted()?;
    // the late honest report for F applies
    let honest = at(
        frame,
        Report {
            cl_balance: first.cl_balance + ETH / 100,
            ..first
        },
    );
    cast(&mut client, &suite, &members[0], honest).await?;
    assert_eq!(
        vote(&mut client, &suite, &members[1], honest).await?,
        Ok(ReportVoteOutcome::Applied)
    );
    // the first invented vote (retracted by the second) and the last both count
    assert_eq!(unconfirmed_of(&mut client, &suite, liar).await?, 2);
    // next frame: an invented loss, replaced by the honest report before it applies
    let next = icseth_e2e::oracle::next_frame();
    advance_ms(hour);
    let honest_next = at(
        next,
        Report {
            cl_balance: honest.cl_balance + ETH / 100,
            ..honest
        },
    );
    let invented_next = Report {
        cl_balance: honest.cl_balance - 1,
        ..honest_next
    };
    cast(&mut client, &suite, liar, invented_next).await?;
    cast(&mut client, &suite, liar, honest_next).await?;
    assert_eq!(
        vote(&mut client, &suite, &members[0], honest_next).await?,
        Ok(ReportVoteOutcome::Applied)
    );
    assert_eq!(
        unconfirmed_of(&mut client, &suite, liar).await?,
        3,
        "the retracted invented loss still counts"
    );
    Ok(())
}
