//! Flash exit on the embedded chain: deposits fill the reserve to its target, a holder exits at
//! once in native value, the fee stays with the remaining holders; slippage and pause refusals.
use flash_exit_pool::flash_exit_pool::{Error as PoolError, FlashExitPool};
use icseth_abi::pool::PoolGovernance;
use icseth_accounting::icseth_accounting::{Error as AccountingError, FlashExited, IcsethAccounting};
use icseth_core::{flash::FlashError, governance::PoolDecision};
use icseth_e2e::{
    account_of, deploy_and_wire, events_of, read, read_ok, submit, ClockSandbox, GovernorChoice, SuiteConfig,
    ETH,
};
use icseth_token::{icseth_token::IcsethToken, psp22::PSP22};
use ink_e2e::ChainBackend;

type E2EResult<T> = Result<T, Box<dyn std::error::Error>>;

#[ink_e2e::test(backend(runtime_only(sandbox = ClockSandbox)))]
async fn a_holder_exits_at_once_and_the_fee_stays_with_the_others<Client: E2EBackend>(
    mut client: Client,
) -> E2EResult<()> {
    let (alice, bob, charlie) = (ink_e2e::alice(), ink_e2e::bob(), ink_e2e::charlie());
    let mut config = SuiteConfig::single_member(account_of(&alice), ETH);
    config.governor = GovernorChoice::Account(account_of(&alice));
    let suite = deploy_and_wire(&mut client, &alice, &config).await?;
    let mut token = ink_e2e::create_call_builder::<IcsethAccounting>(suite.accounting);
    let ledger = ink_e2e::create_call_builder::<IcsethToken>(suite.token);
    let mut pool = ink_e2e::create_call_builder::<FlashExitPool>(suite.flash_exit_pool);
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

    // deposits fill the reserve to 5% of pooled assets, in native value held by the pool
    submit(&mut client, &bob, &token.deposit(), 100 * ETH)
        .await?
        .accepted()?;
    submit(&mut client, &charlie, &token.deposit(), 20 * ETH)
        .await?
        .accepted()?;
    assert_eq!(read(&mut client, &alice, &pool.reserve()).await?, 6 * ETH);
    assert_eq!(
        read_ok(&mut client, &alice, &token.accounting()).await?.reserve,
        6 * ETH
    );
    let pool_balance = client
        .free_balance(suite.flash_exit_pool)
        .await
        .map_err(|e| format!("{e:?}"))?;
    assert!(pool_balance >= 6 * ETH);

    // slippage: asking for more than the quote is refused and nothing moves
    let quote = read(&mut client, &charlie, &token.quote_flash_exit(2 * ETH))
        .await?
        .map_err(|e| format!("{e:?}"))?;
    assert_eq!(quote.payout + quote.fee, 2 * ETH);
    let greedy = submit(
        &mut client,
        &charlie,
        &token.flash_exit(2 * ETH, quote.payout + 1),
        0,
    )
    .await?;
    assert_eq!(greedy.value, Err(AccountingError::SlippageExceeded));
    assert_eq!(read(&mut client, &alice, &pool.reserve()).await?, 6 * ETH);
    assert_eq!(
        read(&mut client, &alice, &ledger.balance_of(account_of(&charlie))).await?,
        20 * ETH
    );

    // the exit: native payout at once, fee kept in the pool of assets
    let bob_value = read(&mut client, &alice, &token.assets_for(100 * ETH))
        .await?
        .map_err(|e| format!("{e:?}"))?;
    let before = client
        .free_balance(account_of(&charlie))
        .await
        .map_err(|e| format!("{e:?}"))?;
    let paid = submit(&mut client, &charlie, &token.flash_exit(2 * ETH, quote.payout), 0)
        .await?
        .accepted()?;
    assert_eq!(paid, quote.payout);
    let after = client
        .free_balance(account_of(&charlie))
        .await
        .map_err(|e| format!("{e:?}"))?;
    assert!(
        after > before + paid - ETH / 100,
        "the payout arrived in native value"
    );
    assert_eq!(read(&mut client, &alice, &pool.reserve()).await?, 6 * ETH - paid);
    let books = read_ok(&mut client, &alice, &token.accounting()).await?;
    assert_eq!(books.total_pooled, 120 * ETH - paid);
    assert_eq!(books.reserve, 6 * ETH - paid);
    // the remaining holders (bob: 100 of 118 shares, beside the rate's virtual offset) gained
    // the fee pro rata
    let bob_after = read(&mut client, &alice, &token.assets_for(100 * ETH))
        .await?
        .map_err(|e| format!("{e:?}"))?;
    let remaining = 118 * ETH + icseth_core::shares::VIRTUAL_SHARES;
    let expected = bob_value
        + icseth_core::math::mul_div_down(quote.fee, 100 * ETH, remaining).map_err(|e| format!("{e:?}"))?;
    assert!(bob_after.abs_diff(expected) <= 2, "{bob_after} vs {expected}");
    let exits = events_of::<FlashExited>(&suite.accounting);
    assert_eq!(exits.len(), 1);
    assert_eq!(
        (exits[0].shares, exits[0].payout, exits[0].fee),
        (2 * ETH, paid, quote.fee)
    );

    // the staking manager (alice) refills the reserve from the buffer, up to its target only
    let target = books.total_pooled * 500 / 10_000;
    let shortfall = target - books.reserve;
    let over = submit(&mut client, &alice, &token.refill_reserve(shortfall + 1), 0).await?;
    assert_eq!(over.value, Err(AccountingError::AboveRefillHeadroom));
    submit(&mut client, &alice, &token.refill_reserve(shortfall), 0)
        .await?
        .accepted()?;
    assert_eq!(read(&mut client, &alice, &pool.reserve()).await?, target);
    assert_eq!(
        read_ok(&mut client, &alice, &token.accounting()).await?.reserve,
        target
    );

    // above the per-exit cap (50% of the reserve) and while the pool is paused: refused
    let big = submit(&mut client, &bob, &token.flash_exit(4 * ETH, 0), 0).await?;
    assert_eq!(
        big.value,
        Err(AccountingError::Pool(PoolError::Flash(FlashError::AboveExitCap)))
    );
    submit(&mut client, &alice, &pool.govern(PoolDecision::Pause), 0)
        .await?
        .accepted()?;
    let paused = submit(&mut client, &bob, &token.flash_exit(ETH, 0), 0).await?;
    assert_eq!(paused.value, Err(AccountingError::Pool(PoolError::Paused)));
    assert_eq!(
        read(&mut client, &alice, &ledger.balance_of(account_of(&bob))).await?,
        100 * ETH
    );
    Ok(())
}
