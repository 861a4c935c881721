//! Governance and the registry under attack, on the embedded chain with the real wired contracts:
//! a stale decision undoing a newer one, a board locked into unanimity, stake redirected by an
//! operator's admin, shares stuck in suite contracts, and registration spam. Each refusal is a typed error and
//! changes nothing in any contract (a digest of every contract's reads, before and after).
use flash_exit_pool::flash_exit_pool::FlashExitPool;
use icseth_abi::authority::Governed;
use icseth_accounting::icseth_accounting::{Accounting, IcsethAccounting};
use icseth_core::authority::AuthorityDecision;
use icseth_core::{
    authority::{Authority, GovernorError, DEFAULT_ACCEPT_WINDOW_MS},
    governance::{Action, OracleDecision, RegistryDecision, Target, TokenDecision, TokenParameter},
    operators::{RegistrationLimits, VALIDATOR_DEPOSIT},
    SuiteAddresses,
};
use icseth_e2e::{
    account_of, advance_ms, deploy_and_wire, governance::decide_all, governance::propose_and_approve, read,
    read_ok, submit, ClockSandbox, Env, SuiteConfig, ETH,
};
use icseth_token::{
    icseth_token::IcsethToken,
    psp22::{refusal, PSP22Error, PSP22},
};
use ink::primitives::AccountId;
use ink_e2e::{ChainBackend, ContractsBackend, E2EBackend, Keypair};
use operator_registry::operator_registry::{
    Error as RegistryError, Operator, OperatorKind, OperatorRegistry, OperatorStatus,
};
use oracle_consensus::oracle_consensus::OracleConsensus;
use slash_protection::slash_protection::SlashProtection;
use std::fmt;
use whitelist_board::whitelist_board::{Error as BoardError, WhitelistBoard};

type E2EResult<T> = Result<T, Box<dyn std::error::Error>>;

const DAY_MS: u64 = 24 * 60 * 60 * 1000;

const VOTE_AND_DELAY_MS: u64 = icseth_core::governance::Timing::DEFAULT.voting_period_ms
    + icseth_core::governance::Timing::DEFAULT.execution_delay_ms;

/// alice (the protocol, also guardian and staking manager), bob and charlie form the board with
/// `quorum`, plus `extra` members; the board governs everything.
fn board_config(extra: &[Keypair], quorum: u32) -> SuiteConfig {
    let (alice, bob, charlie) = (ink_e2e::alice(), ink_e2e::bob(), ink_e2e::charlie());
    let mut config = SuiteConfig::single_member(account_of(&alice), ETH);
    config.board_members = [alice, bob, charlie]
        .iter()
        .chain(extra)
        .map(account_of)
        .collect();
    config.quorum = quorum;
    config
}

fn approvers() -> [Keypair; 2] {
    [ink_e2e::alice(), ink_e2e::bob()]
}

/// Everything an attack could have changed, read from every contract.
#[derive(Debug, PartialEq)]
struct Digest {
    accounting: Accounting,
    paused: bool,
    suite_balances: Vec<u128>,
    holder_balance: u128,
    members: Vec<AccountId>,
    quorum: u32,
    proposals: u64,
    operator: Option<Operator>,
    pool_reserve: u128,
    protection: slash_protection::slash_protection::Totals,
}

async fn digest<C>(
    client: &mut C,
    suite: &SuiteAddresses,
    holder: AccountId,
    operator: u32,
) -> E2EResult<Digest>
where
    C: E2EBackend<Env>,
    <C as ContractsBackend<Env>>::Error: fmt::Debug,
{
    let reader = ink_e2e::alice();
    let token = ink_e2e::create_call_builder::<IcsethAccounting>(suite.accounting);
    let ledger = ink_e2e::create_call_builder::<IcsethToken>(suite.token);
    let board = ink_e2e::create_call_builder::<WhitelistBoard>(suite.board);
    let registry = ink_e2e::create_call_builder::<OperatorRegistry>(suite.operator_registry);
    let pool = ink_e2e::create_call_builder::<flash_exit_pool::flash_exit_pool::FlashExitPool>(
        suite.flash_exit_pool,
    );
    let protection = ink_e2e::create_call_builder::<SlashProtection>(suite.slash_protection);
    let mut suite_balances = Vec::new();
    for contract in [
        suite.token,
        suite.board,
        suite.flash_exit_pool,
        suite.operator_registry,
        suite.slash_protection,
    ] {
        suite_balances.push(read(client, &reader, &ledger.balance_of(contract)).await?);
    }
    Ok(Digest {
        accounting: read_ok(client, &reader, &token.accounting()).await?,
        paused: read(client, &reader, &ledger.is_paused()).await?,
        suite_balances,
        holder_balance: read(client, &reader, &ledger.balance_of(holder)).await?,
        members: read(client, &reader, &board.members()).await?,
        quorum: read(client, &reader, &board.quorum()).await?,
        proposals: read(client, &reader, &board.proposal_count()).await?,
        operator: read(client, &reader, &registry.operator(operator)).await?,
        pool_reserve: read(client, &reader, &pool.reserve()).await?,
        protection: read_ok(client, &reader, &protection.totals()).await?,
    })
}

/// A native balance, through the chain backend.
macro_rules! balance {
    ($client:expr, $who:expr) => {
        $client.free_balance($who).await.map_err(|e| format!("{e:?}"))?
    };
}

async fn execute<C>(client: &mut C, board: AccountId, id: u64) -> E2EResult<Result<(), BoardError>>
where
    C: E2EBackend<Env>,
    <C as ContractsBackend<Env>>::Error: fmt::Debug,
{
    let mut call = ink_e2e::create_call_builder::<WhitelistBoard>(board);
    Ok(submit(client, &ink_e2e::ferdie(), &call.execute(id), 0)
        .await?
        .value)
}

/// Proposes lifting the token's pause, approved by alice and bob.
async fn propose_unpause<C>(client: &mut C, board: AccountId) -> E2EResult<u64>
where
    C: E2EBackend<Env>,
    <C as ContractsBackend<Env>>::Error: fmt::Debug,
{
    Ok(propose_and_approve(client, board, &approvers(), Action::Token(TokenDecision::Unpause)).await?)
}

/// Two Unpause proposals pass; the first executes; the guardian pauses again later; the second,
/// older one must not unpause the token.
#[ink_e2e::test(backend(runtime_only(sandbox = ClockSandbox)))]
async fn a_stale_unpause_cannot_undo_a_newer_pause<Client: E2EBackend>(mut client: Client) -> E2EResult<()> {
    let alice = ink_e2e::alice();
    let suite = deploy_and_wire(&mut client, &alice, &board_config(&[], 2)).await?;
    let mut token = ink_e2e::create_call_builder::<IcsethAccounting>(suite.accounting);
    let ledger = ink_e2e::create_call_builder::<IcsethToken>(suite.token);
    // the guardian (alice) pauses
    submit(&mut client, &alice, &token.pause(), 0).await?.accepted()?;
    advance_ms(60_000);
    let first = propose_unpause(&mut client, suite.board).await?;
    let second = propose_unpause(&mut client, suite.board).await?;
    advance_ms(VOTE_AND_DELAY_MS);
    assert_eq!(execute(&mut client, suite.board, first).await?, Ok(()));
    assert!(!read(&mut client, &alice, &ledger.is_paused()).await?);
    // an incident: the guardian pauses again
    advance_ms(60_000);
    submit(&mut client, &alice, &token.pause(), 0).await?.accepted()?;
    let before = digest(&mut client, &suite, account_of(&alice), 0).await?;
    assert_eq!(
        execute(&mut client, suite.board, second).await?,
        Err(BoardError::Superseded)
    );
    assert_eq!(digest(&mut client, &suite, account_of(&alice), 0).await?, before);
    assert!(
        read(&mut client, &alice, &ledger.is_paused()).await?,
        "still paused"
    );
    // a proposal created after the pause may lift it
    advance_ms(60_000);
    let fresh = propose_unpause(&mut client, suite.board).await?;
    advance_ms(VOTE_AND_DELAY_MS);
    assert_eq!(execute(&mut client, suite.board, fresh).await?, Ok(()));
    Ok(())
}

/// Pause #0 and Unpause #1 both pass while the token runs. Before, executing the older Pause first
/// made the newer Unpause `Superseded` (the board's own pause was timestamped like the
/// guardian's) and the token stayed paused. The board's decisions are ordered by id: #1 still
/// lifts the pause.
#[ink_e2e::test(backend(runtime_only(sandbox = ClockSandbox)))]
async fn a_stale_pause_cannot_void_a_newer_unpause<Client: E2EBackend>(mut client: Client) -> E2EResult<()> {
    let alice = ink_e2e::alice();
    let suite = deploy_and_wire(&mut client, &alice, &board_config(&[], 2)).await?;
    let ledger = ink_e2e::create_call_builder::<IcsethToken>(suite.token);
    let pause = propose_and_approve(
        &mut client,
        suite.board,
        &approvers(),
        Action::Token(TokenDecision::Pause),
    )
    .await?;
    let unpause = propose_unpause(&mut client, suite.board).await?;
    advance_ms(VOTE_AND_DELAY_MS);
    assert_eq!(execute(&mut client, suite.board, pause).await?, Ok(()));
    assert!(read(&mut client, &alice, &ledger.is_paused()).await?);
    assert_eq!(execute(&mut client, suite.board, unpause).await?, Ok(()));
    assert!(
        !read(&mut client, &alice, &ledger.is_paused()).await?,
        "the newer decision stands"
    );
    // the older pause can never run again
    assert_eq!(
        execute(&mut client, suite.board, pause).await?,
        Err(BoardError::AlreadyExecuted)
    );
    Ok(())
}

/// A board of four with quorum three: removing a member while keeping the quorum at three would
/// need every remaining member's vote (one lost key freezes the suite): refused. The same removal
/// with the quorum lowered to two of three passes.
#[ink_e2e::test(backend(runtime_only(sandbox = ClockSandbox)))]
async fn a_removal_that_would_leave_unanimity_is_refused<Client: E2EBackend>(
    mut client: Client,
) -> E2EResult<()> {
    let alice = ink_e2e::alice();
    let dave = ink_e2e::dave();
    let suite = deploy_and_wire(&mut client, &alice, &board_config(std::slice::from_ref(&dave), 3)).await?;
    let board = ink_e2e::create_call_builder::<WhitelistBoard>(suite.board);
    let voters = [ink_e2e::alice(), ink_e2e::bob(), ink_e2e::charlie()];
    let lock = propose_and_approve(
        &mut client,
        suite.board,
        &voters,
        Action::RemoveMember {
            account: account_of(&dave),
            quorum: 3,
        },
    )
    .await?;
    let removal = propose_and_approve(
        &mut client,
        suite.board,
        &voters,
        Action::RemoveMember {
            account: account_of(&dave),
            quorum: 2,
        },
    )
    .await?;
    advance_ms(VOTE_AND_DELAY_MS);
    let before = digest(&mut client, &suite, account_of(&alice), 0).await?;
    assert_eq!(
        execute(&mut client, suite.board, lock).await?,
        Err(BoardError::UnanimityLock)
    );
    assert_eq!(digest(&mut client, &suite, account_of(&alice), 0).await?, before);
    assert_eq!(execute(&mut client, suite.board, removal).await?, Ok(()));
    assert_eq!(read(&mut client, &alice, &board.members()).await?.len(), 3);
    assert_eq!(read(&mut client, &alice, &board.quorum()).await?, 2);
    Ok(())
}

/// The operator's admin changes its deposit address right before an allocation:
/// the stake still goes to the address the board approved; the new one needs the board.
#[ink_e2e::test(backend(runtime_only(sandbox = ClockSandbox)))]
async fn an_admin_cannot_redirect_stake<Client: E2EBackend>(mut client: Client) -> E2EResult<()> {
    let alice = ink_e2e::alice();
    let admin = ink_e2e::eve();
    let (approved, attacker) = (account_of(&ink_e2e::one()), account_of(&ink_e2e::two()));
    let institution = ink_e2e::dave();
    let suite = deploy_and_wire(&mut client, &alice, &board_config(&[], 2)).await?;
    let mut token = ink_e2e::create_call_builder::<IcsethAccounting>(suite.accounting);
    let mut registry = ink_e2e::create_call_builder::<OperatorRegistry>(suite.operator_registry);
    let operator = submit(
        &mut client,
        &admin,
        &registry.register_operator(
            "Obol cluster".into(),
            OperatorKind::ObolCluster,
            approved,
            approved,
        ),
        0,
    )
    .await?
    .accepted()?;
    submit(&mut client, &admin, &registry.set_keys(operator, 10), 0)
        .await?
        .accepted()?;
    decide_all(
        &mut client,
        suite.board,
        &approvers(),
        &ink_e2e::ferdie(),
        vec![
            Action::Token(TokenDecision::AddInstitution {
                institution: account_of(&institution),
                min_deposit: None,
                kyc_valid_until: icseth_deploy::governance::kyc_until(icseth_deploy::now_ms()),
            }),
            Action::OperatorRegistry(RegistryDecision::ApproveOperator { operator }),
            Action::OperatorRegistry(RegistryDecision::SetLimit { operator, limit: 10 }),
        ],
    )
    .await?;
    // 66.5 ETH buffered: two validators' worth
    submit(&mut client, &institution, &token.deposit(), 70 * ETH)
        .await?
        .accepted()?;
    // front-running the allocation
    submit(
        &mut client,
        &admin,
        &registry.set_addresses(operator, attacker, attacker),
        0,
    )
    .await?
    .accepted()?;
    let (approved_before, attacker_before) = (balance!(client, approved), balance!(client, attacker));
    assert_eq!(
        submit(&mut client, &alice, &token.allocate(), 0)
            .await?
            .accepted()?,
        2,
        "the allocation funds the validators"
    );
    assert_eq!(
        balance!(client, approved) - approved_before,
        2 * VALIDATOR_DEPOSIT
    );
    assert_eq!(balance!(client, attacker), attacker_before, "nothing redirected");
    let record = read(&mut client, &alice, &registry.operator(operator))
        .await?
        .ok_or("no operator")?;
    assert_eq!(
        (record.deposit_address, record.proposed_deposit_address),
        (approved, Some(attacker))
    );
    // the board may approve the new address, naming it: only then does stake go there
    decide_all(
        &mut client,
        suite.board,
        &approvers(),
        &ink_e2e::ferdie(),
        vec![Action::OperatorRegistry(
            RegistryDecision::ApproveDepositAddress {
                operator,
                deposit_address: attacker,
            },
        )],
    )
    .await?;
    let attacker_before = balance!(client, attacker);
    // 2.5 ETH left and 30.4 ETH more: one validator's worth
    submit(&mut client, &institution, &token.deposit(), 32 * ETH)
        .await?
        .accepted()?;
    assert_eq!(
        submit(&mut client, &alice, &token.allocate(), 0)
            .await?
            .accepted()?,
        1,
        "the allocation funds the validators"
    );
    assert_eq!(balance!(client, attacker) - attacker_before, VALIDATOR_DEPOSIT);
    Ok(())
}

/// A holder sends shares to each suite contract: every transfer is refused with its fixed
/// string and changes nothing; the protection pool still receives donations by pulling them.
#[ink_e2e::test(backend(runtime_only(sandbox = ClockSandbox)))]
async fn shares_cannot_be_stranded_in_suite_contracts<Client: E2EBackend>(
    mut client: Client,
) -> E2EResult<()> {
    let alice = ink_e2e::alice();
    let holder = ink_e2e::dave();
    let suite = deploy_and_wire(&mut client, &alice, &board_config(&[], 2)).await?;
    let mut token = ink_e2e::create_call_builder::<IcsethAccounting>(suite.accounting);
    let mut ledger = ink_e2e::create_call_builder::<IcsethToken>(suite.token);
    let mut protection = ink_e2e::create_call_builder::<SlashProtection>(suite.slash_protection);
    decide_all(
        &mut client,
        suite.board,
        &approvers(),
        &ink_e2e::ferdie(),
        vec![
            Action::Token(TokenDecision::AddInstitution {
                institution: account_of(&holder),
                min_deposit: None,
                kyc_valid_until: icseth_deploy::governance::kyc_until(icseth_deploy::now_ms()),
            }),
            Action::SlashProtection(icseth_core::governance::ProtectionDecision::AllowDonor {
                donor: account_of(&holder),
            }),
        ],
    )
    .await?;
    submit(&mut client, &holder, &token.deposit(), 10 * ETH)
        .await?
        .accepted()?;
    let before = digest(&mut client, &suite, account_of(&holder), 0).await?;
    for (contract, expected) in [
        (suite.board, refusal::RECEIVER_IS_SUITE_CONTRACT),
        (suite.flash_exit_pool, refusal::RECEIVER_IS_SUITE_CONTRACT),
        (suite.operator_registry, refusal::RECEIVER_IS_SUITE_CONTRACT),
        (suite.slash_protection, refusal::RECEIVER_IS_SUITE_CONTRACT),
        (suite.token, refusal::RECEIVER_IS_THE_QUEUE),
    ] {
        let sent = submit(&mut client, &holder, &ledger.transfer(contract, ETH, vec![]), 0).await?;
        assert_eq!(sent.value, Err(PSP22Error::Custom(expected.to_string())));
        assert_eq!(digest(&mut client, &suite, account_of(&holder), 0).await?, before);
    }
    // the pool's own pull of a donation still works
    submit(
        &mut client,
        &holder,
        &ledger.approve(suite.slash_protection, ETH),
        0,
    )
    .await?
    .accepted()?;
    submit(&mut client, &holder, &protection.donate(ETH), 0)
        .await?
        .accepted()?;
    assert_eq!(
        read(&mut client, &alice, &ledger.balance_of(suite.slash_protection)).await?,
        ETH
    );
    Ok(())
}

/// An attacker with many accounts fills the registry's waiting room with self-registrations: an
/// honest self-registration is refused (typed, nothing changes), but the board invites the
/// honest operator past the waiting room and approves it.
#[ink_e2e::test(backend(runtime_only(sandbox = ClockSandbox)))]
async fn registration_spam_cannot_stop_onboarding<Client: E2EBackend>(mut client: Client) -> E2EResult<()> {
    let alice = ink_e2e::alice();
    let honest = ink_e2e::eve();
    let suite = deploy_and_wire(&mut client, &alice, &board_config(&[], 2)).await?;
    let mut registry = ink_e2e::create_call_builder::<OperatorRegistry>(suite.operator_registry);
    let limits = RegistrationLimits::DEFAULT;
    for i in 0..limits.max_pending {
        let spammer = client.create_and_fund_account(&alice, ETH).await;
        let who = account_of(&spammer);
        submit(
            &mut client,
            &spammer,
            &registry.register_operator(format!("spam {i}"), OperatorKind::KycRingFenced, who, who),
            0,
        )
        .await?
        .accepted()?;
    }
    let before = digest(&mut client, &suite, account_of(&honest), 0).await?;
    let waiting = read(&mut client, &alice, &registry.waiting_and_live()).await?;
    let who = account_of(&honest);
    let refused = submit(
        &mut client,
        &honest,
        &registry.register_operator("Honest SSV".into(), OperatorKind::SsvCluster, who, who),
        0,
    )
    .await?;
    assert_eq!(refused.value, Err(RegistryError::PendingCapReached));
    assert_eq!(digest(&mut client, &suite, account_of(&honest), 0).await?, before);
    assert_eq!(
        read(&mut client, &alice, &registry.waiting_and_live()).await?,
        waiting
    );

    decide_all(
        &mut client,
        suite.board,
        &approvers(),
        &ink_e2e::ferdie(),
        vec![Action::OperatorRegistry(RegistryDecision::InviteOperator {
            admin: who,
        })],
    )
    .await?;
    let operator = submit(
        &mut client,
        &honest,
        &registry.register_operator("Honest SSV".into(), OperatorKind::SsvCluster, who, who),
        0,
    )
    .await?
    .accepted()?;
    submit(&mut client, &honest, &registry.set_keys(operator, 10), 0)
        .await?
        .accepted()?;
    decide_all(
        &mut client,
        suite.board,
        &approvers(),
        &ink_e2e::ferdie(),
        vec![
            Action::OperatorRegistry(RegistryDecision::ApproveOperator { operator }),
            Action::OperatorRegistry(RegistryDecision::SetLimit { operator, limit: 10 }),
        ],
    )
    .await?;
    let record = read(&mut client, &alice, &registry.operator(operator))
        .await?
        .ok_or("no operator")?;
    assert_eq!(record.status, OperatorStatus::Active);
    Ok(())
}

/// Every governed contract's authority cell, read through `Governed`: the suite's addresses in
/// order, the ledger excepted (it has no authority: only the accounting changes it).
fn governed_contracts(suite: &SuiteAddresses) -> [AccountId; 6] {
    [
        suite.accounting,
        suite.board,
        suite.flash_exit_pool,
        suite.operator_registry,
        suite.slash_protection,
        suite.oracle,
    ]
}

async fn authority_of<C>(client: &mut C, contract: AccountId) -> E2EResult<Authority>
where
    C: E2EBackend<Env>,
    <C as ContractsBackend<Env>>::Error: fmt::Debug,
{
    let governed = ink_e2e::create_call_builder::<IcsethAccounting>(contract);
    Ok(read(client, &ink_e2e::ferdie(), &Governed::authority(&governed))
        .await?
        .map_err(|e| format!("{e:?}"))?)
}

/// The board proposes dave as the token's governor and nobody withdraws it; dave comes back 60
/// days later. Before the acceptance window, dave took the role. Now the proposal lapses after
/// seven days, the board sees it (`pending_governor`) and can withdraw one before it lapses.
#[ink_e2e::test(backend(runtime_only(sandbox = ClockSandbox)))]
async fn a_forgotten_governor_proposal_lapses_and_the_board_can_withdraw_one<Client: E2EBackend>(
    mut client: Client,
) -> E2EResult<()> {
    let alice = ink_e2e::alice();
    let (dave, eve) = (ink_e2e::dave(), ink_e2e::eve());
    let suite = deploy_and_wire(&mut client, &alice, &board_config(&[], 2)).await?;
    let mut token = ink_e2e::create_call_builder::<IcsethAccounting>(suite.accounting);
    let propose = Action::ProposeGovernor {
        target: Target::Token,
        successor: account_of(&dave),
    };
    decide_all(&mut client, suite.board, &approvers(), &alice, vec![propose]).await?;
    let pending = read(&mut client, &alice, &token.pending_governor())
        .await?
        .map_err(|e| format!("{e:?}"))?
        .ok_or("no pending governor")?;
    assert_eq!(pending.successor, account_of(&dave));
    assert_eq!(pending.expires_at, pending.proposed_at + DEFAULT_ACCEPT_WINDOW_MS);

    advance_ms(60 * DAY_MS);
    let before = authority_of(&mut client, suite.accounting).await?;
    let late = submit(&mut client, &dave, &token.accept_governor(), 0).await?;
    assert_eq!(late.value, Err(GovernorError::PendingGovernorExpired));
    assert_eq!(authority_of(&mut client, suite.accounting).await?, before);
    assert_eq!(
        read(&mut client, &alice, &token.governor()).await?,
        Ok(suite.board)
    );

    // a proposal the board withdraws before it lapses cannot be accepted either; proposing and
    // withdrawing a successor leave the board's older decisions on the oracle executable (the
    // board governs it throughout), whatever order anyone executes them in
    let mut oracle = ink_e2e::create_call_builder::<OracleConsensus>(suite.oracle);
    let members = vec![account_of(&alice), account_of(&ink_e2e::bob())];
    let older = Action::Oracle(OracleDecision::SetMembers {
        members: members.clone(),
    });
    let older = propose_and_approve(&mut client, suite.board, &approvers(), older).await?;
    let propose = Action::ProposeGovernor {
        target: Target::Oracle,
        successor: account_of(&eve),
    };
    let propose = propose_and_approve(&mut client, suite.board, &approvers(), propose).await?;
    let withdraw = Action::WithdrawGovernorProposal {
        target: Target::Oracle,
    };
    let withdraw = propose_and_approve(&mut client, suite.board, &approvers(), withdraw).await?;
    advance_ms(VOTE_AND_DELAY_MS);
    for id in [propose, withdraw, older] {
        execute(&mut client, suite.board, id)
            .await?
            .map_err(|e| format!("{id}: {e:?}"))?;
    }
    assert_eq!(read(&mut client, &alice, &oracle.members()).await?, members);
    assert_eq!(
        read(&mut client, &alice, &oracle.pending_governor()).await?,
        Ok(None)
    );
    let withdrawn = submit(&mut client, &eve, &oracle.accept_governor(), 0).await?;
    assert_eq!(withdrawn.value, Err(GovernorError::NotPendingGovernor));
    assert_eq!(
        read(&mut client, &alice, &oracle.governor()).await?,
        Ok(suite.board)
    );

    // the guardian (alice here) cancels a handover at once, and can never start one
    let mut pool = ink_e2e::create_call_builder::<FlashExitPool>(suite.flash_exit_pool);
    let to_eve = Action::ProposeGovernor {
        target: Target::FlashExitPool,
        successor: account_of(&eve),
    };
    decide_all(&mut client, suite.board, &approvers(), &alice, vec![to_eve]).await?;
    let start = pool.govern_authority(AuthorityDecision::ProposeGovernor {
        successor: account_of(&alice),
    });
    assert_eq!(
        submit(&mut client, &alice, &start, 0).await?.value,
        Err(GovernorError::NotGovernor)
    );
    let cancel = pool.govern_authority(AuthorityDecision::WithdrawGovernorProposal);
    submit(&mut client, &alice, &cancel, 0).await?.accepted()?;
    let cancelled = submit(&mut client, &eve, &pool.accept_governor(), 0).await?;
    assert_eq!(cancelled.value, Err(GovernorError::NotPendingGovernor));
    assert_eq!(
        read(&mut client, &alice, &pool.governor()).await?,
        Ok(suite.board)
    );
    Ok(())
}

/// One board decision sets the guardian of all six contracts; the old guardian can no longer
/// pause. If one contract refuses (the board handed it away), no contract changes.
#[ink_e2e::test(backend(runtime_only(sandbox = ClockSandbox)))]
async fn the_board_pushes_one_guardian_to_every_contract<Client: E2EBackend>(
    mut client: Client,
) -> E2EResult<()> {
    let alice = ink_e2e::alice();
    let dave = ink_e2e::dave();
    let suite = deploy_and_wire(&mut client, &alice, &board_config(&[], 2)).await?;
    let mut token = ink_e2e::create_call_builder::<IcsethAccounting>(suite.accounting);
    for contract in governed_contracts(&suite) {
        assert_eq!(
            authority_of(&mut client, contract).await?.guardian(),
            account_of(&alice)
        );
    }
    let set = Action::SetGuardian {
        guardian: account_of(&dave),
    };
    decide_all(&mut client, suite.board, &approvers(), &alice, vec![set]).await?;
    for contract in governed_contracts(&suite) {
        assert_eq!(
            authority_of(&mut client, contract).await?.guardian(),
            account_of(&dave)
        );
    }
    let old = submit(&mut client, &alice, &token.pause(), 0).await?;
    assert_eq!(
        old.value,
        Err(icseth_accounting::icseth_accounting::Error::NotGuardian)
    );
    submit(&mut client, &dave, &token.pause(), 0).await?.accepted()?;

    // the board hands the protection pool to eve; its next guardian decision is refused whole
    let eve = ink_e2e::eve();
    let handover = Action::ProposeGovernor {
        target: Target::SlashProtection,
        successor: account_of(&eve),
    };
    decide_all(&mut client, suite.board, &approvers(), &alice, vec![handover]).await?;
    let mut protection = ink_e2e::create_call_builder::<SlashProtection>(suite.slash_protection);
    submit(&mut client, &eve, &protection.accept_governor(), 0)
        .await?
        .accepted()?;
    let again = Action::SetGuardian {
        guardian: account_of(&alice),
    };
    let id = propose_and_approve(&mut client, suite.board, &approvers(), again).await?;
    advance_ms(VOTE_AND_DELAY_MS);
    let mut before = Vec::new();
    for contract in governed_contracts(&suite) {
        before.push(authority_of(&mut client, contract).await?);
    }
    assert_eq!(
        execute(&mut client, suite.board, id).await?,
        Err(BoardError::TargetGovernor(GovernorError::NotGovernor))
    );
    for (contract, was) in governed_contracts(&suite).into_iter().zip(before) {
        assert_eq!(authority_of(&mut client, contract).await?, was);
    }
    Ok(())
}

/// The board passes a change of the token's minimum deposit and, separately, a handover of the
/// token to dave; the handover executes first, so the change cannot (the board is no longer the
/// governor). Dave hands the token back. Before, the older change then executed, a decision made
/// for a contract the board has since given away and taken back. Now it is superseded.
#[ink_e2e::test(backend(runtime_only(sandbox = ClockSandbox)))]
async fn a_handover_away_and_back_voids_the_boards_older_decisions_on_that_contract<Client: E2EBackend>(
    mut client: Client,
) -> E2EResult<()> {
    let alice = ink_e2e::alice();
    let dave = ink_e2e::dave();
    let suite = deploy_and_wire(&mut client, &alice, &board_config(&[], 2)).await?;
    let mut token = ink_e2e::create_call_builder::<IcsethAccounting>(suite.accounting);
    let min_deposit = read_ok(&mut client, &alice, &token.min_deposit()).await?;
    let change = Action::Token(TokenDecision::SetParameter {
        parameter: TokenParameter::MinDeposit,
        value: 5 * ETH,
    });
    let stale = propose_and_approve(&mut client, suite.board, &approvers(), change).await?;
    // a guardian decision is pushed into every contract, the token among them
    let old_guardian = Action::SetGuardian {
        guardian: account_of(&ink_e2e::eve()),
    };
    let stale_guardian = propose_and_approve(&mut client, suite.board, &approvers(), old_guardian).await?;
    let away = Action::ProposeGovernor {
        target: Target::Token,
        successor: account_of(&dave),
    };
    let away = propose_and_approve(&mut client, suite.board, &approvers(), away).await?;
    advance_ms(VOTE_AND_DELAY_MS);
    execute(&mut client, suite.board, away)
        .await?
        .map_err(|e| format!("{e:?}"))?;
    submit(&mut client, &dave, &token.accept_governor(), 0)
        .await?
        .accepted()?;
    // dave sets his own guardian, then hands the token back: he proposes the board, the board
    // accepts by decision, and the suite's guardian returns with it
    let own_guardian = AuthorityDecision::SetGuardian {
        guardian: account_of(&dave),
    };
    submit(&mut client, &dave, &token.govern_authority(own_guardian), 0)
        .await?
        .accepted()?;
    submit(
        &mut client,
        &dave,
        &token.govern_authority(AuthorityDecision::ProposeGovernor {
            successor: suite.board,
        }),
        0,
    )
    .await?
    .accepted()?;
    let back = Action::AcceptGovernor {
        target: Target::Token,
    };
    decide_all(&mut client, suite.board, &approvers(), &alice, vec![back]).await?;
    assert_eq!(
        read(&mut client, &alice, &token.governor()).await?,
        Ok(suite.board)
    );

    assert_eq!(
        authority_of(&mut client, suite.accounting).await?.guardian(),
        account_of(&alice)
    );
    let digest_before = digest(&mut client, &suite, account_of(&alice), 0).await?;
    assert_eq!(
        execute(&mut client, suite.board, stale).await?,
        Err(BoardError::Superseded)
    );
    assert_eq!(
        execute(&mut client, suite.board, stale_guardian).await?,
        Err(BoardError::Superseded)
    );
    for contract in governed_contracts(&suite) {
        assert_eq!(
            authority_of(&mut client, contract).await?.guardian(),
            account_of(&alice)
        );
    }
    assert_eq!(
        digest(&mut client, &suite, account_of(&alice), 0).await?,
        digest_before
    );
    assert_eq!(
        read_ok(&mut client, &alice, &token.min_deposit()).await?,
        min_deposit
    );
    Ok(())
}
