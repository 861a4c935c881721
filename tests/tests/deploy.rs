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

    // every contract reports the same six addresses, and said so in a `Wired` event
    let seen = read_wiring(&mut client, &deployer, &suite).await?;
    assert_eq!(seen, [Some(suite); 6]);
    for address in [
        suite.token,
        suite.board,
        suite.flash_exit_pool,
        suite.operator_registry,
        suite.slash_protection,
        suite.oracle,
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
        [Some(suite); 6]
    );
    for address in [
        suite.token,
        suite.board,
        suite.flash_exit_pool,
        suite.operator_registry,
        suite.slash_protection,
        suite.oracle,
    ] {
        assert_eq!(events_of::<Wired>(&address).len(), 1);
    }
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
