//! Deployment and wiring on the embedded chain.
use icseth_core::{events::Wired, SuiteAddresses};
use icseth_e2e::{
    deploy::{read_wiring, wire_suite, CONTRACT_NAMES},
    deploy_and_wire, events_of, ClockSandbox, SuiteConfig, ETH,
};

type E2EResult<T> = Result<T, Box<dyn std::error::Error>>;

fn account(keypair: &ink_e2e::Keypair) -> ink::primitives::AccountId {
    ink::primitives::AccountId::from(keypair.public_key().0)
}

#[ink_e2e::test(backend(runtime_only(sandbox = ClockSandbox)))]
async fn deploys_wires_and_locks_the_suite<Client: E2EBackend>(mut client: Client) -> E2EResult<()> {
    let deployer = ink_e2e::alice();
    let config = SuiteConfig::single_member(account(&deployer), ETH);
    let suite = deploy_and_wire(&mut client, &deployer, &config).await?;

    // every contract reports the same seven addresses, and said so in a `Wired` event
    let seen = read_wiring(&mut client, &deployer, &suite).await?;
    assert_eq!(seen, [Some(suite); 7]);
    for address in [
        suite.token,
        suite.board,
        suite.flash_exit_pool,
        suite.operator_registry,
        suite.slash_protection,
        suite.oracle,
        suite.accounting,
    ] {
        let wired = events_of::<Wired>(&address);
        assert_eq!(wired.len(), 1);
        assert_eq!(wired[0].suite, suite);
        assert_eq!(wired[0].by, account(&deployer));
    }

    // a second wiring, by the deployer or anyone else, with the same or other addresses, is refused
    let swapped = SuiteAddresses {
        flash_exit_pool: suite.slash_protection,
        slash_protection: suite.flash_exit_pool,
        ..suite
    };
    for (caller, attempt) in [
        (ink_e2e::alice(), suite),
        (ink_e2e::alice(), swapped),
        (ink_e2e::bob(), swapped),
    ] {
        let outcomes = wire_suite(&mut client, &caller, &attempt).await?;
        for (name, outcome) in CONTRACT_NAMES.iter().zip(outcomes) {
            assert_eq!(
                outcome,
                Err("Wiring(AlreadyWired)".to_string()),
                "{name} accepted a second wiring"
            );
        }
    }
    assert_eq!(
        read_wiring(&mut client, &deployer, &suite).await?,
        [Some(suite); 7]
    );
    for address in [
        suite.token,
        suite.board,
        suite.flash_exit_pool,
        suite.operator_registry,
        suite.slash_protection,
        suite.oracle,
        suite.accounting,
    ] {
        assert_eq!(events_of::<Wired>(&address).len(), 1);
    }
    Ok(())
}

/// The deploy library's chain access on the embedded chain: the clock moves only when asked, the
/// events are the contracts', and a read pinned at a state is answered until anything runs on the
/// chain, then refused (`Moved`), never answered from another state.
#[ink_e2e::test(backend(runtime_only(sandbox = ClockSandbox)))]
async fn the_embedded_chain_moves_time_keeps_events_and_pins_reads<Client: E2EBackend>(
    mut client: Client,
) -> E2EResult<()> {
    use icseth_accounting::icseth_accounting::IcsethAccounting;
    use icseth_e2e::{submit, CallError, ChainAccess};
    use whitelist_board::whitelist_board::{ProposalCreated, WhitelistBoard};
    let deployer = ink_e2e::alice();
    let config = SuiteConfig::single_member(account(&deployer), ETH);
    let suite = deploy_and_wire(&mut client, &deployer, &config).await?;
    let accounting = ink_e2e::create_call_builder::<IcsethAccounting>(suite.accounting);

    let start = client.now_ms().await?;
    let pinned = client.pin().await?;
    let rate = client.read_at(pinned, &deployer, &accounting.rate()).await?;
    assert_eq!(rate, Ok(ETH));
    // reads are dry runs: the pin holds across them
    assert_eq!(client.pin().await?, pinned);

    client.advance_ms(60_000).await?;
    assert_eq!(client.now_ms().await?, start + 60_000);
    let moved = client.read_at(pinned, &deployer, &accounting.rate()).await;
    assert!(matches!(moved, Err(CallError::Moved(_))), "{moved:?}");

    let before_vote = client.pin().await?;
    let mut board = ink_e2e::create_call_builder::<WhitelistBoard>(suite.board);
    let action = icseth_core::governance::Action::SetQuorum { quorum: 1 };
    let id = submit(&mut client, &deployer, &board.propose(action), 0)
        .await?
        .accepted()?;
    assert_ne!(client.pin().await?, before_vote);
    let created = client.events_of::<ProposalCreated>(&suite.board).await?;
    assert_eq!(created.iter().map(|e| e.id).collect::<Vec<_>>(), vec![id]);
    assert_eq!(
        created[0].voting_ends_at,
        start + 60_000 + icseth_core::governance::Timing::DEFAULT.voting_period_ms
    );
    Ok(())
}

/// The embedded chain refuses code over 123 KiB. Debug builds (what the end-to-end tests run) are
/// the largest; one above 110 KiB fails here, with its size, long before a deployment would.
#[test]
fn every_debug_build_stays_under_110_kib() -> E2EResult<()> {
    const LIMIT_BYTES: u64 = 110 * 1024;
    let built = ink_e2e::build_root_and_contract_dependencies();
    for contract in CONTRACT_NAMES {
        assert!(
            built.iter().any(|p| p.file_stem().is_some_and(|s| s == contract)),
            "{contract} was not built"
        );
    }
    let mut over = Vec::new();
    for wasm in &built {
        let bytes = std::fs::metadata(wasm)?.len();
        if bytes > LIMIT_BYTES {
            over.push(format!("{}: {bytes} bytes", wasm.display()));
        }
    }
    assert!(
        over.is_empty(),
        "debug builds above {LIMIT_BYTES} bytes: {over:?}"
    );
    Ok(())
}
