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

/// What `icseth deploy` does on a node, here on the embedded chain: a deployment interrupted after
/// its third step (the manifest could not be written) resumes from the manifest it left, deploys
/// only what is missing, wires, and verifies clean; then every kind of tampering with a complete
/// manifest is named by `verify`, and a resume under another chain, deployer, configuration or
/// code is refused before anything is sent.
#[ink_e2e::test(backend(runtime_only(sandbox = ClockSandbox)))]
async fn an_interrupted_deployment_resumes_from_its_manifest_and_verifies<Client: E2EBackend>(
    mut client: Client,
) -> E2EResult<()> {
    use icseth_e2e::deploy::{DeployError, DEPLOY_ORDER};
    use icseth_e2e::manifest::{deploy_resuming, verify, Manifest};
    use icseth_e2e::{hex, ChainAccess};
    let deployer = ink_e2e::alice();
    let mut config = SuiteConfig::single_member(account(&deployer), 32 * ETH);
    config.board_members = vec![
        account(&deployer),
        account(&ink_e2e::bob()),
        account(&ink_e2e::charlie()),
    ];
    config.quorum = 2;
    config.guardian = account(&ink_e2e::dave());
    // the code hash each contract's bundle has: what the chain must record for it
    let built = ink_e2e::build_root_and_contract_dependencies();
    let code_hash_of = |name: &str| -> Option<String> {
        let path = built.iter().find(|p| p.file_stem().is_some_and(|s| s == name))?;
        let wasm = std::fs::read(path).ok()?;
        Some(hex(&ink::primitives::AccountId::from(blake2_256(&wasm))))
    };
    let mut manifest = Manifest::new(
        "0xgenesis".into(),
        "embedded".into(),
        account(&deployer),
        0,
        &config,
    );

    // interrupted: the third save fails, as a killed process would stop
    let mut saved: Vec<Manifest> = Vec::new();
    let interrupted = deploy_resuming(
        &mut client,
        &deployer,
        &config,
        &mut manifest,
        &code_hash_of,
        &mut |m| {
            if saved.len() == 3 {
                return Err(DeployError {
                    step: "write the manifest".into(),
                    reason: "interrupted".into(),
                });
            }
            saved.push(m.clone());
            Ok(())
        },
        &mut |_| {},
    )
    .await;
    assert!(interrupted.is_err());
    let mut resumed = saved.last().cloned().expect("three steps were recorded");
    assert_eq!(resumed.contracts.len(), 3);
    assert_eq!(resumed.missing(), DEPLOY_ORDER[3..].to_vec());
    // the fourth contract was instantiated but its record was lost: the resumed deployment makes
    // another one and never wires the lost one
    let differences = resumed.differences_from("0xgenesis", account(&deployer), &config, &code_hash_of);
    assert!(differences.is_empty(), "{differences:?}");

    // a manifest edited to hold a look-alike accounting (the same code, another treasury) is
    // refused before anything is wired to it: wiring would lock the suite to it for good
    let mut foreign_config = config.clone();
    foreign_config.treasury = account(&ink_e2e::eve());
    let foreign = icseth_e2e::deploy::instantiate_one(
        &mut client,
        &deployer,
        &foreign_config,
        "icseth_accounting",
        resumed.address("whitelist_board"),
    )
    .await?;
    let mut edited = resumed.clone();
    edited.contracts[2].address = hex(&foreign);
    let refused = deploy_resuming(
        &mut client,
        &deployer,
        &config,
        &mut edited,
        &code_hash_of,
        &mut |_| Ok(()),
        &mut |_| {},
    )
    .await
    .expect_err("a foreign accounting is refused");
    assert_eq!(refused.step, "check the seven contracts before wiring");
    assert!(
        refused.reason.contains("the accounting's treasury: recorded "),
        "{refused}"
    );
    let board = resumed.address("whitelist_board").unwrap();
    let wired = icseth_e2e::read(
        &mut client,
        &deployer,
        &ink_e2e::create_call_builder::<whitelist_board::whitelist_board::WhitelistBoard>(board).suite(),
    )
    .await?;
    assert_eq!(wired, None, "nothing was wired");

    // a malformed manifest says what is wrong with it
    let mut twice = resumed.clone();
    twice.contracts.push(twice.contracts[0].clone());
    let what: Vec<String> = twice.malformed().iter().map(|d| d.what.clone()).collect();
    assert_eq!(what, ["whitelist_board's record", "whitelist_board's address"]);
    let mut steps = Vec::new();
    let suite = deploy_resuming(
        &mut client,
        &deployer,
        &config,
        &mut resumed,
        &code_hash_of,
        &mut |_| Ok(()),
        &mut |line| steps.push(line.to_string()),
    )
    .await?;
    assert_eq!(steps.len(), 4 + 7, "{steps:?}");
    assert!(steps[0].starts_with("instantiated flash_exit_pool at "));
    assert!(resumed.wired);
    assert_eq!(resumed.suite(), Some(suite));
    assert_eq!(
        read_wiring(&mut client, &deployer, &suite).await?,
        [Some(suite); 7]
    );
    let clean = verify(&mut client, &deployer, &resumed).await?;
    assert!(clean.is_empty(), "{clean:?}");
    // what verify compared: the chain's record of each address is the bundle's hash
    for contract in &resumed.contracts {
        let address = icseth_e2e::manifest::account_from_hex(&contract.address).unwrap();
        let on_chain = client
            .code_hash_at(&address)
            .await?
            .map(|h| hex(&ink::primitives::AccountId::from(h)));
        assert_eq!(on_chain.as_ref(), Some(&contract.code_hash), "{}", contract.name);
        assert_eq!(Some(&contract.code_hash), code_hash_of(&contract.name).as_ref());
    }

    // a second run on the complete manifest deploys nothing and wires nothing
    let mut again = resumed.clone();
    let mut steps = Vec::new();
    deploy_resuming(
        &mut client,
        &deployer,
        &config,
        &mut again,
        &code_hash_of,
        &mut |_| Ok(()),
        &mut |line| steps.push(line.to_string()),
    )
    .await?;
    assert!(steps.iter().all(|s| s.ends_with("is wired already")), "{steps:?}");
    assert_eq!(again, resumed);

    // tampering: two addresses swapped, a code hash changed, another guardian, another quorum
    let mut swapped = resumed.clone();
    let (pool, registry) = (
        swapped.contracts[3].address.clone(),
        swapped.contracts[4].address.clone(),
    );
    swapped.contracts[3].address = registry;
    swapped.contracts[4].address = pool;
    let found = verify(&mut client, &deployer, &swapped).await?;
    let what: Vec<&str> = found.iter().map(|d| d.what.as_str()).collect();
    assert!(
        what.iter().any(|w| w.starts_with("flash_exit_pool's code hash")),
        "{what:?}"
    );
    assert!(what.contains(&"icseth_token's wiring"), "{what:?}");

    let mut rehashed = resumed.clone();
    rehashed.contracts[1].code_hash = format!("0x{}", "00".repeat(32));
    let found = verify(&mut client, &deployer, &rehashed).await?;
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].what.starts_with("icseth_token's code hash at "));

    let mut roles = resumed.clone();
    roles.config.guardian = hex(&account(&ink_e2e::eve()));
    roles.config.treasury = hex(&account(&ink_e2e::eve()));
    roles.config.quorum = 3;
    let found = verify(&mut client, &deployer, &roles).await?;
    let what: Vec<&str> = found.iter().map(|d| d.what.as_str()).collect();
    assert_eq!(
        what,
        [
            "whitelist_board's guardian",
            "icseth_accounting's guardian",
            "flash_exit_pool's guardian",
            "operator_registry's guardian",
            "slash_protection's guardian",
            "oracle_consensus's guardian",
            "the accounting's treasury",
            "the board's quorum"
        ]
    );

    // resuming is refused on another chain, by another deployer, with other flags or other code
    let mut other = config.clone();
    other.treasury = account(&ink_e2e::eve());
    let refused = resumed.differences_from("0xother", account(&ink_e2e::bob()), &other, &|_| None);
    let what: Vec<&str> = refused.iter().map(|d| d.what.as_str()).collect();
    assert_eq!(
        what[..3],
        ["the chain's genesis hash", "the deployer", "the treasury"],
        "{what:?}"
    );
    assert_eq!(refused.len(), 3 + 7, "{refused:?}");
    Ok(())
}

fn blake2_256(bytes: &[u8]) -> [u8; 32] {
    ink_sandbox::frame_support::__private::sp_io::hashing::blake2_256(bytes)
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
