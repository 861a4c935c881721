//! The operator registry with the board and the token on the embedded chain: onboarding, staking
//! two validators, and performance over several frames driving a weak operator to probation and
//! then paused, after which staking to it fails.
use icseth_accounting::icseth_accounting::{Error as AccountingError, IcsethAccounting, Staked};
use icseth_core::{
    governance::{Action, OracleDecision, RegistryDecision, TokenDecision},
    operators::{Figures, VALIDATOR_DEPOSIT},
};
use icseth_e2e::{
    account_of, advance_ms, deploy_and_wire, events_of, governance::decide_all, read, read_ok, submit,
    ClockSandbox, SuiteConfig, ETH,
};
use ink_e2e::ChainBackend;
use operator_registry::operator_registry::{
    Error as RegistryError, OperatorKind, OperatorRegistry, OperatorStatus, FRAME_MS,
};
use oracle_consensus::oracle_consensus::{AttestationOutcome, OracleConsensus};

type E2EResult<T> = Result<T, Box<dyn std::error::Error>>;

/// Proposes every action as alice, has alice and bob approve, waits once, executes them in order.
#[ink_e2e::test(backend(runtime_only(sandbox = ClockSandbox)))]
async fn a_weak_operator_goes_to_probation_then_paused_and_gets_no_stake<Client: E2EBackend>(
    mut client: Client,
) -> E2EResult<()> {
    let (alice, bob, charlie) = (ink_e2e::alice(), ink_e2e::bob(), ink_e2e::charlie());
    let (institution, operator_admin, oracle) = (ink_e2e::dave(), ink_e2e::eve(), ink_e2e::ferdie());
    let mut config = SuiteConfig::single_member(account_of(&alice), ETH);
    config.board_members = vec![account_of(&alice), account_of(&bob), account_of(&charlie)];
    config.quorum = 2;
    let suite = deploy_and_wire(&mut client, &alice, &config).await?;
    let mut token = ink_e2e::create_call_builder::<IcsethAccounting>(suite.accounting);
    let mut registry = ink_e2e::create_call_builder::<OperatorRegistry>(suite.operator_registry);
    let mut consensus = ink_e2e::create_call_builder::<OracleConsensus>(suite.oracle);

    // an operator registers and uploads keys
    let deposit_address = account_of(&ink_e2e::one());
    let id = submit(
        &mut client,
        &operator_admin,
        &registry.register_operator(
            "Weak Obol".into(),
            OperatorKind::ObolCluster,
            account_of(&operator_admin),
            deposit_address,
        ),
        0,
    )
    .await?
    .accepted()?;
    submit(&mut client, &operator_admin, &registry.set_keys(id, 10), 0)
        .await?
        .accepted()?;

    // the board approves it, sets its limit and the oracle, and whitelists an institution
    decide_all(
        &mut client,
        suite.board,
        &[ink_e2e::alice(), ink_e2e::bob()],
        &ink_e2e::ferdie(),
        vec![
            Action::OperatorRegistry(RegistryDecision::ApproveOperator { operator: id }),
            Action::OperatorRegistry(RegistryDecision::SetLimit {
                operator: id,
                limit: 4,
            }),
            Action::Oracle(OracleDecision::SetMembers {
                members: vec![account_of(&oracle)],
            }),
            Action::Token(TokenDecision::AddInstitution {
                institution: account_of(&institution),
                min_deposit: None,
                kyc_valid_until: icseth_deploy::governance::kyc_until(icseth_deploy::now_ms()),
            }),
        ],
    )
    .await?;
    submit(&mut client, &institution, &token.deposit(), 70 * ETH)
        .await?
        .accepted()?;

    // the allocation (anyone may call it) funds the two validators the 66.5 ETH buffered hold
    let before = client
        .free_balance(deposit_address)
        .await
        .map_err(|e| format!("{e:?}"))?;
    assert_eq!(
        submit(&mut client, &alice, &token.allocate(), 0)
            .await?
            .accepted()?,
        2,
        "the allocation funds the validators"
    );
    let after = client
        .free_balance(deposit_address)
        .await
        .map_err(|e| format!("{e:?}"))?;
    assert_eq!(after - before, 2 * VALIDATOR_DEPOSIT);
    let books = read_ok(&mut client, &alice, &token.accounting()).await?;
    assert_eq!(books.in_flight, 2 * VALIDATOR_DEPOSIT);
    assert_eq!(
        books.buffered + books.reserve + books.in_flight,
        books.total_pooled
    );
    let record = read(&mut client, &alice, &registry.operator(id))
        .await?
        .ok_or("no operator")?;
    assert_eq!((record.counts.funded, record.counts.limit), (2, 4));
    assert_eq!(events_of::<Staked>(&suite.accounting).len(), 1);

    // six weak frames, reported by the operator and attested by the oracle (its only member is a
    // quorum)
    let weak = Figures {
        effectiveness_bps: 6_000,
        proposed: 0,
        missed: 2,
        consensus_rewards: ETH / 100,
        mev_rewards: 0,
        exited: 0,
    };
    let mut statuses = Vec::new();
    for _ in 0..6 {
        advance_ms(FRAME_MS);
        let frame = read(&mut client, &alice, &registry.current_frame()).await? - 1;
        submit(
            &mut client,
            &operator_admin,
            &registry.report_performance(id, frame, weak),
            0,
        )
        .await?
        .accepted()?;
        let attested = submit(&mut client, &oracle, &consensus.attest(id, frame, weak), 0)
            .await?
            .accepted()?;
        assert_eq!(attested, AttestationOutcome::Agreed);
        statuses.push(
            read(&mut client, &alice, &registry.operator(id))
                .await?
                .ok_or("no operator")?
                .status,
        );
    }
    use OperatorStatus::*;
    assert_eq!(
        statuses,
        vec![Active, Active, Probation, Probation, Probation, Paused]
    );
    let record = read(&mut client, &alice, &registry.operator(id))
        .await?
        .ok_or("no operator")?;
    assert_eq!(record.totals.frames, 6);
    assert_eq!(record.totals.disagreements, 0);
    assert_eq!(read(&mut client, &alice, &registry.history(id)).await?.len(), 6);

    // paused: its two validators are asked to exit, and the allocation passes it by (nobody
    // else is in service, so nothing moves)
    assert_eq!((record.outstanding_exits(), record.staying()), (2, 0));
    assert!(record.next_exit_deadline().is_some());
    let refused = submit(&mut client, &alice, &token.allocate(), 0).await?;
    assert_eq!(
        refused.value,
        Err(AccountingError::Registry(RegistryError::NothingToAllocate))
    );
    assert_eq!(read_ok(&mut client, &alice, &token.accounting()).await?, books);
    assert_eq!(
        client
            .free_balance(deposit_address)
            .await
            .map_err(|e| format!("{e:?}"))?,
        after
    );
    Ok(())
}
