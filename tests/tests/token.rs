//! The token on the embedded chain, governed by a test account (the board takes over in its own
//! issue): whitelisted deposits, restricted transfers with on-chain revert, withdrawal requests,
//! the clock as contracts see it, events read back, and the PSP22 selectors of the built contract.
use icseth_abi::oracle::OracleGovernance;
use icseth_accounting::icseth_accounting::{
    Deposited, Error, IcsethAccounting, TicketStatus, WithdrawalRequested,
};
use icseth_core::{governance::OracleDecision, oracle::Report, ONE};
use icseth_e2e::{
    account_of, advance_ms, deploy_and_wire, events_of, now_ms, read, read_ok, submit, ClockSandbox,
    GovernorChoice, SuiteConfig, ETH,
};
use icseth_token::{
    icseth_token::IcsethToken,
    psp22::{refusal, PSP22Error, PSP22},
};
use oracle_consensus::oracle_consensus::{OracleConsensus, ReportVoteOutcome};

use ink_e2e::ChainBackend;

type E2EResult<T> = Result<T, Box<dyn std::error::Error>>;

fn governed_by_alice() -> SuiteConfig {
    let alice = account_of(&ink_e2e::alice());
    let mut config = SuiteConfig::single_member(alice, ETH);
    config.governor = GovernorChoice::Account(alice);
    config
}

#[ink_e2e::test(backend(runtime_only(sandbox = ClockSandbox)))]
async fn institutions_deposit_transfer_and_request_withdrawals<Client: E2EBackend>(
    mut client: Client,
) -> E2EResult<()> {
    let (alice, bob, charlie, dave) = (
        ink_e2e::alice(),
        ink_e2e::bob(),
        ink_e2e::charlie(),
        ink_e2e::dave(),
    );
    let suite = deploy_and_wire(&mut client, &alice, &governed_by_alice()).await?;
    let mut token = ink_e2e::create_call_builder::<IcsethAccounting>(suite.accounting);
    let mut ledger = ink_e2e::create_call_builder::<IcsethToken>(suite.token);

    // before whitelisting, bob cannot deposit, and the refusal changes nothing
    let refused = submit(&mut client, &bob, &token.deposit(), 32 * ETH).await?;
    assert_eq!(refused.value, Err(Error::NotWhitelisted));
    assert_eq!(read(&mut client, &bob, &ledger.total_supply()).await?, 0);

    // the governor whitelists bob and charlie
    for who in [&bob, &charlie] {
        submit(
            &mut client,
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
    }
    let balance_before = client
        .free_balance(account_of(&bob))
        .await
        .map_err(|e| format!("{e:?}"))?;
    let shares = submit(&mut client, &bob, &token.deposit(), 32 * ETH)
        .await?
        .accepted()?;
    assert_eq!(shares, 32 * ETH);
    assert!(
        client
            .free_balance(account_of(&bob))
            .await
            .map_err(|e| format!("{e:?}"))?
            <= balance_before - 32 * ETH
    );
    assert_eq!(read_ok(&mut client, &bob, &token.total_pooled()).await?, 32 * ETH);
    assert_eq!(read(&mut client, &bob, &token.rate()).await?, Ok(ONE));
    let books = read_ok(&mut client, &bob, &token.accounting()).await?;
    assert_eq!(books.reserve + books.buffered, 32 * ETH);
    assert_eq!(books.reserve, 32 * ETH / 20, "5% tops up the flash-exit reserve");

    // the contract event came back from the sandbox, decoded
    let deposits = events_of::<Deposited>(&suite.accounting);
    assert_eq!(deposits.len(), 1);
    assert_eq!(
        (deposits[0].institution, deposits[0].assets, deposits[0].shares),
        (account_of(&bob), 32 * ETH, 32 * ETH)
    );

    // bob transfers to charlie (whitelisted); a transfer to dave (outsider) reverts with no change
    submit(
        &mut client,
        &bob,
        &ledger.transfer(account_of(&charlie), 2 * ETH, vec![]),
        0,
    )
    .await?
    .accepted()?;
    assert_eq!(
        read(&mut client, &bob, &ledger.balance_of(account_of(&charlie))).await?,
        2 * ETH
    );
    let outsider = submit(
        &mut client,
        &bob,
        &ledger.transfer(account_of(&dave), ETH, vec![]),
        0,
    )
    .await?;
    assert_eq!(
        outsider.value,
        Err(PSP22Error::Custom(refusal::RECEIVER_NOT_WHITELISTED.to_string()))
    );
    assert_eq!(
        read(&mut client, &bob, &ledger.balance_of(account_of(&bob))).await?,
        30 * ETH
    );
    assert_eq!(
        read(&mut client, &bob, &ledger.balance_of(account_of(&dave))).await?,
        0
    );

    // bob requests a withdrawal; the ticket records the time the contract saw, and time moves
    let first = submit(&mut client, &bob, &token.request_withdrawal(5 * ETH), 0)
        .await?
        .accepted()?;
    let first_ticket = read(&mut client, &bob, &token.ticket(first))
        .await?
        .ok_or("no ticket")?;
    assert_eq!(first_ticket.status, TicketStatus::Pending);
    assert_eq!((first_ticket.shares, first_ticket.assets), (5 * ETH, 5 * ETH));
    assert_eq!(first_ticket.requested_at, now_ms());
    const TWO_DAYS_MS: u64 = 2 * 24 * 60 * 60 * 1000;
    advance_ms(TWO_DAYS_MS);
    let second = submit(&mut client, &bob, &token.request_withdrawal(ETH), 0)
        .await?
        .accepted()?;
    let second_ticket = read(&mut client, &bob, &token.ticket(second))
        .await?
        .ok_or("no ticket")?;
    assert_eq!(
        second_ticket.requested_at - first_ticket.requested_at,
        TWO_DAYS_MS
    );
    assert_eq!(events_of::<WithdrawalRequested>(&suite.accounting).len(), 2);
    assert_eq!(
        read_ok(&mut client, &bob, &token.accounting()).await?.queued,
        6 * ETH
    );

    // only a report finalizes: the governor makes alice the only oracle member, and her report
    // (its snapshot at a frame's start after both requests) finalizes both tickets from the buffer; then bob
    // claims
    let early = submit(&mut client, &dave, &token.finalize_withdrawals(10), 0).await?;
    assert_eq!(early.value, Err(Error::NothingDue));
    let mut oracle = ink_e2e::create_call_builder::<OracleConsensus>(suite.oracle);
    submit(
        &mut client,
        &alice,
        &oracle.govern(OracleDecision::SetMembers {
            members: vec![account_of(&alice)],
        }),
        0,
    )
    .await?
    .accepted()?;
    // the report describes the start of the next frame, after both requests
    icseth_e2e::oracle::next_frame();
    let report = icseth_e2e::oracle::at(now_ms(), Report::default());
    assert_eq!(
        submit(&mut client, &alice, &oracle.submit_report(report), 0)
            .await?
            .accepted()?,
        ReportVoteOutcome::Applied
    );
    assert_eq!(
        read(&mut client, &bob, &token.ticket(second))
            .await?
            .map(|t| t.status),
        Some(TicketStatus::Finalized { payout: ETH })
    );
    let before = client
        .free_balance(account_of(&bob))
        .await
        .map_err(|e| format!("{e:?}"))?;
    let paid = submit(&mut client, &bob, &token.claim(first), 0)
        .await?
        .accepted()?;
    assert_eq!(paid, 5 * ETH);
    assert!(
        client
            .free_balance(account_of(&bob))
            .await
            .map_err(|e| format!("{e:?}"))?
            > before + 5 * ETH - ETH / 100,
        "paid minus fees"
    );
    let again = submit(&mut client, &bob, &token.claim(first), 0).await?;
    assert_eq!(again.value, Err(Error::AlreadyClaimed));
    Ok(())
}

#[ink_e2e::test(backend(runtime_only(sandbox = ClockSandbox)))]
async fn a_removed_institution_can_exit_but_not_deposit_or_receive<Client: E2EBackend>(
    mut client: Client,
) -> E2EResult<()> {
    let (alice, bob, charlie) = (ink_e2e::alice(), ink_e2e::bob(), ink_e2e::charlie());
    let suite = deploy_and_wire(&mut client, &alice, &governed_by_alice()).await?;
    let mut token = ink_e2e::create_call_builder::<IcsethAccounting>(suite.accounting);
    let mut ledger = ink_e2e::create_call_builder::<IcsethToken>(suite.token);
    for who in [&bob, &charlie] {
        submit(
            &mut client,
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
        submit(&mut client, who, &token.deposit(), 10 * ETH)
            .await?
            .accepted()?;
    }
    submit(
        &mut client,
        &alice,
        &token.remove_institution(account_of(&bob)),
        0,
    )
    .await?
    .accepted()?;
    assert_eq!(
        submit(&mut client, &bob, &token.deposit(), 10 * ETH).await?.value,
        Err(Error::NotWhitelisted)
    );
    let refused = submit(
        &mut client,
        &charlie,
        &ledger.transfer(account_of(&bob), ETH, vec![]),
        0,
    )
    .await?;
    assert_eq!(
        refused.value,
        Err(PSP22Error::Custom(refusal::RECEIVER_NOT_WHITELISTED.to_string()))
    );
    assert_eq!(
        read(&mut client, &bob, &ledger.balance_of(account_of(&bob))).await?,
        10 * ETH
    );
    let ticket = submit(&mut client, &bob, &token.request_withdrawal(4 * ETH), 0)
        .await?
        .accepted()?;
    assert_eq!(
        read(&mut client, &bob, &token.ticket(ticket))
            .await?
            .map(|t| t.owner),
        Some(account_of(&bob))
    );
    Ok(())
}

/// The selectors the built contract exposes (its metadata JSON), against the PSP22 standard.
#[test]
fn psp22_selectors_match_the_standard() -> E2EResult<()> {
    let wasm_paths = ink_e2e::build_root_and_contract_dependencies();
    let wasm = wasm_paths
        .iter()
        .find(|p| p.file_stem().is_some_and(|s| s == "icseth_token"))
        .ok_or("icseth_token was not built")?;
    let metadata: serde_json::Value = serde_json::from_slice(&std::fs::read(wasm.with_extension("json"))?)?;
    let messages = metadata["spec"]["messages"]
        .as_array()
        .ok_or("no spec.messages in the metadata")?;
    let standard = [
        ("PSP22::total_supply", "0x162df8c2"),
        ("PSP22::balance_of", "0x6568382f"),
        ("PSP22::allowance", "0x4d47d921"),
        ("PSP22::transfer", "0xdb20f9f5"),
        ("PSP22::transfer_from", "0x54b3c76e"),
        ("PSP22::approve", "0xb20f1bbd"),
        ("PSP22::increase_allowance", "0x96d6b57a"),
        ("PSP22::decrease_allowance", "0xfecb57d5"),
        ("PSP22Metadata::token_name", "0x3d261bd4"),
        ("PSP22Metadata::token_symbol", "0x34205be5"),
        ("PSP22Metadata::token_decimals", "0x7271b782"),
    ];
    for (label, selector) in standard {
        let found = messages
            .iter()
            .find(|m| m["label"] == label)
            .ok_or_else(|| format!("{label} is not exposed"))?;
        assert_eq!(found["selector"], selector, "{label}");
    }
    Ok(())
}
