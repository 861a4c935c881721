//! The oracle-fed rate on the embedded chain: three oracle members, quorum by two, rewards restaked
//! with fees, a slashing covered by the protection pool, and a report above the bound refused.
use icseth_abi::{accounting::AccountingGovernance, oracle::OracleGovernance};
use icseth_accounting::icseth_accounting::{IcsethAccounting, LossAttributionUnknown, ReportApplied};
use icseth_core::{
    governance::{Action, OracleDecision, ProtectionDecision, RegistryDecision, TokenDecision},
    operators::VALIDATOR_DEPOSIT,
    oracle::{Report, ReportError},
};
use icseth_e2e::operators::{approve_operator, register_operator};
use icseth_e2e::{
    account_of, advance_ms, deploy_and_wire, events_of,
    governance::decide_all,
    now_ms,
    oracle::{applied, epoch_at, frame_start},
    read, read_ok, submit, ClockSandbox, GovernorChoice, SuiteConfig, ETH,
};
use icseth_token::{
    icseth_token::IcsethToken,
    psp22::{PSP22Error, PSP22},
};
use operator_registry::operator_registry::{OperatorKind, OperatorRegistry};
use oracle_consensus::oracle_consensus::{OracleConsensus, ReportVoteOutcome};
use slash_protection::slash_protection::{Error as ProtectionError, SlashProtection};

type E2EResult<T> = Result<T, Box<dyn std::error::Error>>;

const DAY_MS: u64 = 24 * 60 * 60 * 1000;

#[ink_e2e::test(backend(runtime_only(sandbox = ClockSandbox)))]
async fn oracle_quorum_rewards_slashing_cover_and_bounds<Client: E2EBackend>(
    mut client: Client,
) -> E2EResult<()> {
    let (alice, bob, charlie) = (ink_e2e::alice(), ink_e2e::bob(), ink_e2e::charlie());
    let institution = ink_e2e::dave();
    let oracles = [ink_e2e::eve(), ink_e2e::ferdie(), ink_e2e::one()];
    let operator_admin = ink_e2e::two();
    let mut config = SuiteConfig::single_member(account_of(&alice), ETH);
    config.board_members = vec![account_of(&alice), account_of(&bob), account_of(&charlie)];
    config.quorum = 2;
    let suite = deploy_and_wire(&mut client, &alice, &config).await?;
    let mut token = ink_e2e::create_call_builder::<IcsethAccounting>(suite.accounting);
    let mut ledger = ink_e2e::create_call_builder::<IcsethToken>(suite.token);
    let registry = ink_e2e::create_call_builder::<OperatorRegistry>(suite.operator_registry);
    let mut protection = ink_e2e::create_call_builder::<SlashProtection>(suite.slash_protection);
    let mut oracle = ink_e2e::create_call_builder::<OracleConsensus>(suite.oracle);

    let operator = register_operator(
        &mut client,
        suite.operator_registry,
        &operator_admin,
        "Ring-fenced KYC",
        OperatorKind::KycRingFenced,
        10,
    )
    .await?;
    decide_all(
        &mut client,
        suite.board,
        &[ink_e2e::alice(), ink_e2e::bob()],
        &ink_e2e::ferdie(),
        vec![
            Action::Token(TokenDecision::AddInstitution {
                institution: account_of(&institution),
                min_deposit: None,
                kyc_valid_until: icseth_deploy::governance::kyc_until(icseth_deploy::now_ms()),
            }),
            Action::Oracle(OracleDecision::SetMembers {
                members: oracles.iter().map(account_of).collect(),
            }),
            Action::OperatorRegistry(RegistryDecision::ApproveOperator { operator }),
            Action::OperatorRegistry(RegistryDecision::SetLimit { operator, limit: 8 }),
            Action::SlashProtection(ProtectionDecision::AllowDonor {
                donor: account_of(&institution),
            }),
        ],
    )
    .await?;
    assert_eq!(read(&mut client, &alice, &oracle.members()).await?.len(), 3);

    submit(&mut client, &institution, &token.deposit(), 320 * ETH)
        .await?
        .accepted()?;
    assert_eq!(
        submit(&mut client, &alice, &token.allocate(), 0)
            .await?
            .accepted()?,
        8,
        "the allocation funds the validators"
    );
    let staked = 8 * VALIDATOR_DEPOSIT;

    // the first report sees the 8 validators: no gain, no loss
    let first = Report {
        epoch: epoch_at(frame_start(now_ms())),
        ref_time_ms: frame_start(now_ms()),
        cl_balance: staked,
        validators: 8,
        ..Report::default()
    };
    assert!(!applied(
        submit(&mut client, &oracles[0], &oracle.submit_report(first), 0)
            .await?
            .accepted()?
    ));
    assert!(applied(
        submit(&mut client, &oracles[1], &oracle.submit_report(first), 0)
            .await?
            .accepted()?
    ));
    let books = read_ok(&mut client, &alice, &token.accounting()).await?;
    assert_eq!((books.in_flight, books.cl_balance), (0, staked));

    // a day later: 0.03 ETH of consensus rewards; two of three agree, the third is recorded
    advance_ms(DAY_MS);
    let rate_before = read(&mut client, &alice, &token.rate())
        .await?
        .map_err(|e| format!("{e:?}"))?;
    let supply_before = read(&mut client, &alice, &ledger.total_supply()).await?;
    let gain = 3 * ETH / 100;
    let rewards = Report {
        epoch: epoch_at(frame_start(now_ms())),
        ref_time_ms: frame_start(now_ms()),
        cl_balance: staked + gain,
        ..first
    };
    let wrong = Report {
        cl_balance: staked + gain + 1,
        ..rewards
    };
    submit(&mut client, &oracles[0], &oracle.submit_report(rewards), 0)
        .await?
        .accepted()?;
    submit(&mut client, &oracles[2], &oracle.submit_report(wrong), 0)
        .await?
        .accepted()?;
    assert!(applied(
        submit(&mut client, &oracles[1], &oracle.submit_report(rewards), 0)
            .await?
            .accepted()?
    ));
    let rate_after = read(&mut client, &alice, &token.rate())
        .await?
        .map_err(|e| format!("{e:?}"))?;
    assert!(rate_after > rate_before, "the rate rises");
    let expected = rate_before + (gain - gain * 15 / 100) * ETH / supply_before;
    assert!(rate_after.abs_diff(expected) <= 2, "{rate_after} vs {expected}");
    assert_eq!(
        read(
            &mut client,
            &alice,
            &oracle.disagreements_of(account_of(&oracles[2]))
        )
        .await?,
        1
    );
    let fee_shares = read(&mut client, &alice, &ledger.balance_of(suite.slash_protection)).await?;
    assert!(fee_shares > 0, "the protection fee was minted to the pool");
    let applied_events = events_of::<ReportApplied>(&suite.accounting);
    assert_eq!(applied_events.len(), 2);
    assert_eq!(applied_events[1].applied_gain, gain);

    // the institution donates 5 icsETH to the pool: without an allowance the token's refusal
    // reaches the donor as the token's own error
    let unapproved = submit(&mut client, &institution, &protection.donate(5 * ETH), 0).await?;
    assert_eq!(
        unapproved.value,
        Err(ProtectionError::DonationRefused(
            PSP22Error::InsufficientAllowance
        ))
    );
    submit(
        &mut client,
        &institution,
        &ledger.approve(suite.slash_protection, 5 * ETH),
        0,
    )
    .await?
    .accepted()?;
    submit(&mut client, &institution, &protection.donate(5 * ETH), 0)
        .await?
        .accepted()?;
    let held = read(&mut client, &alice, &ledger.balance_of(suite.slash_protection)).await?;
    assert_eq!(held, fee_shares + 5 * ETH);

    // a day later: 2 ETH slashed on the operator; the pool covers it and the rate holds
    advance_ms(DAY_MS);
    let rate_before = read(&mut client, &alice, &token.rate())
        .await?
        .map_err(|e| format!("{e:?}"))?;
    let slashed = Report {
        epoch: epoch_at(frame_start(now_ms())),
        ref_time_ms: frame_start(now_ms()),
        cl_balance: staked + gain - 2 * ETH,
        slashed_operator: Some(operator),
        ..rewards
    };
    submit(&mut client, &oracles[0], &oracle.submit_report(slashed), 0)
        .await?
        .accepted()?;
    assert!(applied(
        submit(&mut client, &oracles[1], &oracle.submit_report(slashed), 0)
            .await?
            .accepted()?
    ));
    let rate_after = read(&mut client, &alice, &token.rate())
        .await?
        .map_err(|e| format!("{e:?}"))?;
    assert!(
        rate_after <= rate_before && rate_before - rate_after <= 2,
        "{rate_before} -> {rate_after}"
    );
    let incident = read(&mut client, &alice, &protection.incident(0))
        .await?
        .ok_or("no incident")?;
    // whole cover, stated as the value of the shares burned (rounded down, so at most a unit short)
    assert_eq!(incident.loss, 2 * ETH);
    assert_eq!(incident.covered + incident.uncovered, 2 * ETH);
    assert!(incident.uncovered <= 1, "{incident:?}");
    // the pool's record and the token's event agree to the unit
    let applied_events = events_of::<ReportApplied>(&suite.accounting);
    let last = applied_events.last().ok_or("no ReportApplied")?;
    assert_eq!((last.loss, last.covered), (incident.loss, incident.covered));
    assert_eq!(incident.operator, Some(operator));
    let record = read(&mut client, &alice, &registry.operator(operator))
        .await?
        .ok_or("no operator")?;
    assert_eq!(
        (record.totals.slashing_incidents, record.totals.slashed),
        (1, 2 * ETH)
    );
    let held_after = read(&mut client, &alice, &ledger.balance_of(suite.slash_protection)).await?;
    assert!(held_after < held);

    // a day later: a report far above the annual bound is refused by the token and changes
    // nothing there; the oracle contract keeps the quorum's votes and the refusal
    advance_ms(DAY_MS);
    let books = read_ok(&mut client, &alice, &token.accounting()).await?;
    let rate = read(&mut client, &alice, &token.rate())
        .await?
        .map_err(|e| format!("{e:?}"))?;
    let greedy = Report {
        epoch: epoch_at(frame_start(now_ms())),
        ref_time_ms: frame_start(now_ms()),
        cl_balance: slashed.cl_balance + 5 * ETH,
        ..slashed
    };
    submit(&mut client, &oracles[0], &oracle.submit_report(greedy), 0)
        .await?
        .accepted()?;
    let refused = submit(&mut client, &oracles[1], &oracle.submit_report(greedy), 0).await?;
    assert_eq!(
        refused.value,
        Ok(ReportVoteOutcome::Refused(ReportError::IncreaseAboveBound))
    );
    assert_eq!(read_ok(&mut client, &alice, &token.accounting()).await?, books);
    assert_eq!(read(&mut client, &alice, &token.rate()).await?, Ok(rate));
    assert_eq!(
        read_ok(&mut client, &alice, &token.oracle_state_read())
            .await?
            .last
            .epoch,
        slashed.epoch
    );
    let agreed = read_ok(&mut client, &alice, &oracle.agreed_report())
        .await?
        .ok_or("the refused report is not kept")?;
    assert_eq!(
        (agreed.report, agreed.refusal),
        (greedy, ReportError::IncreaseAboveBound)
    );
    Ok(())
}

/// A loss report naming an operator the registry does not know (a typo, or an operator removed
/// from the records) must not stall the oracle: the loss applies, unattributed, and says so.
#[ink_e2e::test(backend(runtime_only(sandbox = ClockSandbox)))]
async fn a_loss_naming_an_unknown_operator_applies_unattributed<Client: E2EBackend>(
    mut client: Client,
) -> E2EResult<()> {
    let alice = ink_e2e::alice();
    let (admin, institution) = (ink_e2e::bob(), ink_e2e::dave());
    let mut config = SuiteConfig::single_member(account_of(&alice), ETH);
    config.governor = GovernorChoice::Account(account_of(&alice));
    let suite = deploy_and_wire(&mut client, &alice, &config).await?;
    let mut token = ink_e2e::create_call_builder::<IcsethAccounting>(suite.accounting);
    let registry = ink_e2e::create_call_builder::<OperatorRegistry>(suite.operator_registry);
    let protection = ink_e2e::create_call_builder::<SlashProtection>(suite.slash_protection);
    let mut oracle = ink_e2e::create_call_builder::<OracleConsensus>(suite.oracle);
    let operator = register_operator(
        &mut client,
        suite.operator_registry,
        &admin,
        "SSV",
        OperatorKind::SsvCluster,
        4,
    )
    .await?;
    // a limit of one: the allocation funds one validator of the 95 ETH buffered
    approve_operator(&mut client, suite.operator_registry, &alice, operator, 1).await?;
    let decision = TokenDecision::AddInstitution {
        institution: account_of(&institution),
        min_deposit: None,
        kyc_valid_until: icseth_deploy::governance::kyc_until(icseth_deploy::now_ms()),
    };
    submit(&mut client, &alice, &token.govern(decision), 0)
        .await?
        .accepted()?;
    let members = OracleDecision::SetMembers {
        members: vec![account_of(&alice)],
    };
    submit(&mut client, &alice, &oracle.govern(members), 0)
        .await?
        .accepted()?;
    submit(&mut client, &institution, &token.deposit(), 100 * ETH)
        .await?
        .accepted()?;
    assert_eq!(
        submit(&mut client, &alice, &token.allocate(), 0)
            .await?
            .accepted()?,
        1,
        "the allocation funds the validators"
    );
    let first = Report {
        epoch: epoch_at(frame_start(now_ms())),
        ref_time_ms: frame_start(now_ms()),
        cl_balance: VALIDATOR_DEPOSIT,
        validators: 1,
        ..Report::default()
    };
    assert!(applied(
        submit(&mut client, &alice, &oracle.submit_report(first), 0)
            .await?
            .accepted()?
    ));
    advance_ms(DAY_MS);
    let pooled = read_ok(&mut client, &alice, &token.total_pooled()).await?;
    let unknown = Report {
        epoch: epoch_at(frame_start(now_ms())),
        ref_time_ms: frame_start(now_ms()),
        cl_balance: VALIDATOR_DEPOSIT - ETH,
        slashed_operator: Some(99),
        ..first
    };
    assert!(
        applied(
            submit(&mut client, &alice, &oracle.submit_report(unknown), 0)
                .await?
                .accepted()?
        ),
        "the loss applies"
    );
    assert_eq!(
        read_ok(&mut client, &alice, &token.total_pooled()).await?,
        pooled - ETH
    );
    let unattributed = events_of::<LossAttributionUnknown>(&suite.accounting);
    assert_eq!(unattributed.len(), 1);
    assert_eq!((unattributed[0].operator, unattributed[0].loss), (99, ETH));
    let incident = read(&mut client, &alice, &protection.incident(0))
        .await?
        .ok_or("no incident")?;
    assert_eq!((incident.operator, incident.loss), (None, ETH));
    let record = read(&mut client, &alice, &registry.operator(operator))
        .await?
        .ok_or("no operator")?;
    assert_eq!(record.totals.slashed, 0, "nothing attributed to a known operator");
    Ok(())
}
