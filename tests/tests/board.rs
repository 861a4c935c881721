//! The board governing the suite on the embedded chain, with the real contracts.
use icseth_abi::authority::Governed;
use icseth_accounting::icseth_accounting::{Error as AccountingError, IcsethAccounting};
use icseth_core::governance::{Action, RegistryDecision, Timing, TokenDecision, TokenParameter};
use icseth_e2e::{
    account_of, advance_ms, deploy_and_wire, events_of,
    governance::{decide_all, propose_and_approve},
    read, read_ok, submit, ClockSandbox, SuiteConfig, ETH,
};
use icseth_token::{
    icseth_token::IcsethToken,
    psp22::{refusal, PSP22Error, PSP22},
};
use ink::primitives::AccountId;
use ink_e2e::Keypair;
use operator_registry::operator_registry::{OperatorKind, OperatorRegistry, OperatorStatus};
use whitelist_board::whitelist_board::{Error as BoardError, ProposalExecuted, Status, WhitelistBoard};

type E2EResult<T> = Result<T, Box<dyn std::error::Error>>;

/// alice (the protocol), bob and charlie form the board; quorum 2; the board governs everything.
fn board_config() -> SuiteConfig {
    let (alice, bob, charlie) = (ink_e2e::alice(), ink_e2e::bob(), ink_e2e::charlie());
    let mut config = SuiteConfig::single_member(account_of(&alice), ETH);
    config.board_members = vec![account_of(&alice), account_of(&bob), account_of(&charlie)];
    config.quorum = 2;
    config
}

/// After voting and the execution delay.
const VOTE_AND_DELAY_MS: u64 = Timing::DEFAULT.voting_period_ms + Timing::DEFAULT.execution_delay_ms;

/// The approving members: alice and bob (two of three).
fn approvers() -> [Keypair; 2] {
    [ink_e2e::alice(), ink_e2e::bob()]
}

async fn execute<C: ink_e2e::E2EBackend>(
    client: &mut C,
    board: AccountId,
    id: u64,
    executor: &Keypair,
) -> E2EResult<Result<(), BoardError>>
where
    <C as ink_e2e::ContractsBackend<ink::env::DefaultEnvironment>>::Error: std::fmt::Debug,
{
    let mut call = ink_e2e::create_call_builder::<WhitelistBoard>(board);
    Ok(submit(client, executor, &call.execute(id), 0).await?.value)
}

#[ink_e2e::test(backend(runtime_only(sandbox = ClockSandbox)))]
async fn the_board_whitelists_and_removes_institutions<Client: E2EBackend>(
    mut client: Client,
) -> E2EResult<()> {
    let suite = deploy_and_wire(&mut client, &ink_e2e::alice(), &board_config()).await?;
    let mut token = ink_e2e::create_call_builder::<IcsethAccounting>(suite.accounting);
    let mut ledger = ink_e2e::create_call_builder::<IcsethToken>(suite.token);
    let (dave, eve) = (ink_e2e::dave(), ink_e2e::eve());
    assert_eq!(
        read(&mut client, &dave, &token.governor()).await?,
        Ok(suite.board)
    );

    // the governor is the board: a direct call by the protocol's account is refused
    let direct = submit(
        &mut client,
        &ink_e2e::alice(),
        &token.add_institution(
            account_of(&dave),
            None,
            icseth_deploy::governance::kyc_until(icseth_deploy::now_ms()),
        ),
        0,
    )
    .await?;
    assert!(direct.value.is_err());

    for who in [&dave, &eve] {
        let action = Action::Token(TokenDecision::AddInstitution {
            institution: account_of(who),
            min_deposit: None,
            kyc_valid_until: icseth_deploy::governance::kyc_until(icseth_deploy::now_ms()),
        });
        decide_all(
            &mut client,
            suite.board,
            &approvers(),
            &ink_e2e::ferdie(),
            vec![action],
        )
        .await?;
    }
    assert!(read(&mut client, &dave, &token.is_whitelisted(account_of(&dave))).await?);
    submit(&mut client, &dave, &token.deposit(), 10 * ETH)
        .await?
        .accepted()?;
    submit(&mut client, &eve, &token.deposit(), 10 * ETH)
        .await?
        .accepted()?;
    assert_eq!(events_of::<ProposalExecuted>(&suite.board).len(), 2);

    // a second proposal removes dave: no deposit, no receiving, but a withdrawal request works
    decide_all(
        &mut client,
        suite.board,
        &approvers(),
        &ink_e2e::ferdie(),
        vec![Action::Token(TokenDecision::RemoveInstitution {
            institution: account_of(&dave),
        })],
    )
    .await?;
    let deposit = submit(&mut client, &dave, &token.deposit(), 10 * ETH).await?;
    assert_eq!(deposit.value, Err(AccountingError::NotWhitelisted));
    let receive = submit(
        &mut client,
        &eve,
        &ledger.transfer(account_of(&dave), ETH, vec![]),
        0,
    )
    .await?;
    assert_eq!(
        receive.value,
        Err(PSP22Error::Custom(refusal::RECEIVER_NOT_WHITELISTED.to_string()))
    );
    let ticket = submit(&mut client, &dave, &token.request_withdrawal(5 * ETH), 0)
        .await?
        .accepted()?;
    assert_eq!(
        read(&mut client, &dave, &token.ticket(ticket))
            .await?
            .map(|t| t.owner),
        Some(account_of(&dave))
    );

    // a token parameter changes by proposal
    decide_all(
        &mut client,
        suite.board,
        &approvers(),
        &ink_e2e::ferdie(),
        vec![Action::Token(TokenDecision::SetParameter {
            parameter: TokenParameter::MinDeposit,
            value: 50 * ETH,
        })],
    )
    .await?;
    assert_eq!(read_ok(&mut client, &dave, &token.min_deposit()).await?, 50 * ETH);
    let small = submit(&mut client, &eve, &token.deposit(), 10 * ETH).await?;
    assert_eq!(small.value, Err(AccountingError::BelowMinDeposit));
    Ok(())
}

#[ink_e2e::test(backend(runtime_only(sandbox = ClockSandbox)))]
async fn the_board_approves_an_operator<Client: E2EBackend>(mut client: Client) -> E2EResult<()> {
    let suite = deploy_and_wire(&mut client, &ink_e2e::alice(), &board_config()).await?;
    let mut registry = ink_e2e::create_call_builder::<OperatorRegistry>(suite.operator_registry);
    let operator_admin = ink_e2e::eve();
    let id = submit(
        &mut client,
        &operator_admin,
        &registry.register_operator(
            "Blue Ridge SSV".into(),
            OperatorKind::SsvCluster,
            account_of(&operator_admin),
            account_of(&operator_admin),
        ),
        0,
    )
    .await?
    .accepted()?;
    let status = |o: Option<operator_registry::operator_registry::Operator>| o.map(|o| o.status);
    assert_eq!(
        status(read(&mut client, &operator_admin, &registry.operator(id)).await?),
        Some(OperatorStatus::Pending)
    );
    decide_all(
        &mut client,
        suite.board,
        &approvers(),
        &ink_e2e::ferdie(),
        vec![Action::OperatorRegistry(RegistryDecision::ApproveOperator {
            operator: id,
        })],
    )
    .await?;
    assert_eq!(
        status(read(&mut client, &operator_admin, &registry.operator(id)).await?),
        Some(OperatorStatus::Active)
    );
    Ok(())
}

#[ink_e2e::test(backend(runtime_only(sandbox = ClockSandbox)))]
async fn a_failed_target_call_leaves_the_proposal_executable<Client: E2EBackend>(
    mut client: Client,
) -> E2EResult<()> {
    let suite = deploy_and_wire(&mut client, &ink_e2e::alice(), &board_config()).await?;
    let board = ink_e2e::create_call_builder::<WhitelistBoard>(suite.board);
    let token = ink_e2e::create_call_builder::<IcsethAccounting>(suite.accounting);
    let dave = account_of(&ink_e2e::dave());
    // removing dave before dave is whitelisted: the token refuses
    let remove = propose_and_approve(
        &mut client,
        suite.board,
        &approvers(),
        Action::Token(TokenDecision::RemoveInstitution { institution: dave }),
    )
    .await?;
    let add = propose_and_approve(
        &mut client,
        suite.board,
        &approvers(),
        Action::Token(TokenDecision::AddInstitution {
            institution: dave,
            min_deposit: None,
            kyc_valid_until: icseth_deploy::governance::kyc_until(icseth_deploy::now_ms()),
        }),
    )
    .await?;
    advance_ms(VOTE_AND_DELAY_MS);
    let refused = execute(&mut client, suite.board, remove, &ink_e2e::ferdie()).await?;
    assert_eq!(
        refused,
        Err(BoardError::Token(AccountingError::UnknownInstitution))
    );
    let view = read(&mut client, &ink_e2e::ferdie(), &board.proposal(remove))
        .await?
        .ok_or("no proposal")?;
    assert_eq!(view.status, Status::Executable);
    assert!(!view.proposal.executed);
    assert!(events_of::<ProposalExecuted>(&suite.board).is_empty());

    // once dave is whitelisted by the newer proposal, the older removal is stale: superseded
    execute(&mut client, suite.board, add, &ink_e2e::ferdie())
        .await?
        .map_err(|e| format!("{e:?}"))?;
    assert!(read(&mut client, &ink_e2e::ferdie(), &token.is_whitelisted(dave)).await?);
    let stale = execute(&mut client, suite.board, remove, &ink_e2e::ferdie()).await?;
    assert_eq!(stale, Err(BoardError::Superseded));
    assert!(read(&mut client, &ink_e2e::ferdie(), &token.is_whitelisted(dave)).await?);
    // a removal proposed after the addition executes
    let fresh = propose_and_approve(
        &mut client,
        suite.board,
        &approvers(),
        Action::Token(TokenDecision::RemoveInstitution { institution: dave }),
    )
    .await?;
    advance_ms(VOTE_AND_DELAY_MS);
    execute(&mut client, suite.board, fresh, &ink_e2e::ferdie())
        .await?
        .map_err(|e| format!("{e:?}"))?;
    assert!(!read(&mut client, &ink_e2e::ferdie(), &token.is_whitelisted(dave)).await?);
    let again = execute(&mut client, suite.board, fresh, &ink_e2e::ferdie()).await?;
    assert_eq!(again, Err(BoardError::AlreadyExecuted));
    Ok(())
}

#[ink_e2e::test(backend(runtime_only(sandbox = ClockSandbox)))]
async fn every_targets_refusal_reaches_the_board_as_its_own_typed_error<Client: E2EBackend>(
    mut client: Client,
) -> E2EResult<()> {
    use icseth_abi::{
        oracle::OracleError, pool::PoolError, protection::ProtectionError, registry::RegistryError,
    };
    use icseth_core::{
        flash::FlashPolicy,
        governance::{OracleDecision, PoolDecision, ProtectionDecision},
    };
    let suite = deploy_and_wire(&mut client, &ink_e2e::alice(), &board_config()).await?;
    let board = ink_e2e::create_call_builder::<WhitelistBoard>(suite.board);
    let inverted_fees = FlashPolicy {
        min_fee_bps: 300,
        max_fee_bps: 200,
        per_exit_cap_bps: 5_000,
    };
    let cases = [
        (
            Action::FlashExitPool(PoolDecision::SetPolicy {
                policy: inverted_fees,
            }),
            BoardError::Pool(PoolError::InvalidPolicy),
        ),
        (
            Action::OperatorRegistry(RegistryDecision::ApproveOperator { operator: 77 }),
            BoardError::Registry(RegistryError::UnknownOperator),
        ),
        (
            Action::SlashProtection(ProtectionDecision::SetPerIncidentCap { bps: 0 }),
            BoardError::Protection(ProtectionError::InvalidCap),
        ),
        (
            Action::Oracle(OracleDecision::SetMembers { members: Vec::new() }),
            BoardError::Oracle(OracleError::InvalidMembers),
        ),
    ];
    let mut ids = Vec::new();
    for (action, _) in &cases {
        ids.push(propose_and_approve(&mut client, suite.board, &approvers(), action.clone()).await?);
    }
    advance_ms(VOTE_AND_DELAY_MS);
    for (id, (_, expected)) in ids.iter().zip(&cases) {
        let refused = execute(&mut client, suite.board, *id, &ink_e2e::ferdie()).await?;
        assert_eq!(refused, Err(expected.clone()));
        let view = read(&mut client, &ink_e2e::ferdie(), &board.proposal(*id))
            .await?
            .ok_or("no proposal")?;
        assert_eq!(view.status, Status::Executable);
    }
    assert!(events_of::<ProposalExecuted>(&suite.board).is_empty());
    Ok(())
}
