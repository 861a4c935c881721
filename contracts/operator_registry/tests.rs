//! Unit tests of the registry, off-chain: every message, its wrong callers and bad inputs, each
//! failure asserting that nothing changed (state and events).
#![allow(clippy::arithmetic_side_effects)]

use crate::operator_registry::*;
use icseth_abi::authority::Governed;
use icseth_abi::registry::RegistryGovernance;
use icseth_abi::registry::{Allocated, FrameRecords, StakingRecords};
use icseth_core::allocation::AllocationPolicy;
use icseth_core::authority::AuthorityDecision;
use icseth_core::{
    governance::RegistryDecision,
    operators::{CountsError, Figures, PerformancePolicy, RegistrationLimits},
    GovernorError, SuiteAddresses, WiringError,
};
use ink::env::{test, DefaultEnvironment};
use ink::primitives::AccountId;

type Env = DefaultEnvironment;

fn accounts() -> test::DefaultAccounts<Env> {
    test::default_accounts::<Env>()
}
/// bob governs; django runs an operator; eve is the oracle contract; frank is the token.
fn governor() -> AccountId {
    accounts().bob
}
fn admin() -> AccountId {
    accounts().django
}
fn oracle() -> AccountId {
    accounts().eve
}
fn accounting() -> AccountId {
    accounts().frank
}
/// Holds no role.
fn outsider() -> AccountId {
    AccountId::from([0x99; 32])
}

fn as_caller(who: AccountId) {
    test::set_caller::<Env>(who);
}

fn at_frame(frame: u64) {
    test::set_block_timestamp::<Env>(frame * FRAME_MS);
}

fn deploy() -> OperatorRegistry {
    as_caller(accounts().alice);
    at_frame(0);
    let mut registry = OperatorRegistry::new(governor(), AccountId::from([0xee; 32]));
    let suite = SuiteAddresses {
        token: AccountId::from([0x11; 32]),
        board: governor(),
        flash_exit_pool: AccountId::from([0x13; 32]),
        operator_registry: ink::env::account_id::<Env>(),
        slash_protection: AccountId::from([0x15; 32]),
        oracle: oracle(),
        accounting: accounting(),
    };
    registry.wire(suite).unwrap();
    registry
}

/// An active operator of django's with 10 keys and a limit of 4.
fn deploy_with_operator() -> (OperatorRegistry, u32) {
    let mut registry = deploy();
    as_caller(admin());
    let id = registry
        .register_operator(
            "Blue Ridge SSV".into(),
            OperatorKind::SsvCluster,
            admin(),
            admin(),
        )
        .unwrap();
    registry.set_keys(id, 10).unwrap();
    as_caller(governor());
    registry
        .govern(RegistryDecision::ApproveOperator { operator: id })
        .unwrap();
    registry
        .govern(RegistryDecision::SetLimit {
            operator: id,
            limit: 4,
        })
        .unwrap();
    (registry, id)
}

#[derive(Debug, PartialEq)]
struct Snapshot {
    count: u32,
    operators: Vec<(u32, Operator)>,
    history: Vec<FrameRecord>,
    totals: Totals,
    policy: PerformancePolicy,
    governor: Result<icseth_core::Authority, GovernorError>,
    events: usize,
}

fn snapshot(registry: &OperatorRegistry) -> Snapshot {
    Snapshot {
        count: registry.operator_count(),
        operators: registry.operators(0, MAX_PAGE).unwrap(),
        history: registry.history(0),
        totals: registry.totals().unwrap(),
        policy: registry.policy().unwrap(),
        governor: registry.authority(),
        events: test::recorded_events().count(),
    }
}

fn assert_refused<T: std::fmt::Debug, E: std::fmt::Debug + PartialEq>(
    registry: &mut OperatorRegistry,
    expected: E,
    f: impl FnOnce(&mut OperatorRegistry) -> Result<T, E>,
) {
    let before = snapshot(registry);
    assert_eq!(f(registry).err(), Some(expected));
    assert_eq!(
        snapshot(registry),
        before,
        "a refused message changed state or emitted events"
    );
}

fn good(effectiveness_bps: u32) -> Figures {
    Figures {
        effectiveness_bps,
        proposed: 2,
        missed: 0,
        consensus_rewards: 10_000,
        mev_rewards: 2_000,
        exited: 0,
    }
}

#[ink::test]
fn constructor_sets_roles_and_defaults() {
    as_caller(accounts().alice);
    let registry = OperatorRegistry::new(governor(), AccountId::from([0xee; 32]));
    assert_eq!(registry.governor(), Ok(governor()));
    assert_eq!(registry.suite(), None);
    assert_eq!(registry.operator_count(), 0);
    assert_eq!(registry.max_operators(), DEFAULT_MAX_OPERATORS);
    assert_eq!(registry.policy(), Ok(PerformancePolicy::DEFAULT));
    assert_eq!(registry.totals(), Ok(Totals::default()));
}

#[ink::test]
fn wire_once_by_the_deployer() {
    as_caller(accounts().alice);
    let mut registry = OperatorRegistry::new(governor(), AccountId::from([0xee; 32]));
    let own = ink::env::account_id::<Env>();
    let suite = SuiteAddresses {
        token: AccountId::from([0x11; 32]),
        board: governor(),
        flash_exit_pool: AccountId::from([0x13; 32]),
        operator_registry: own,
        slash_protection: AccountId::from([0x15; 32]),
        oracle: oracle(),
        accounting: accounting(),
    };
    as_caller(accounts().charlie);
    assert_refused(&mut registry, Error::Wiring(WiringError::NotDeployer), |r| {
        r.wire(suite)
    });
    as_caller(accounts().alice);
    registry.wire(suite).unwrap();
    assert_eq!(registry.suite(), Some(suite));
    assert_refused(&mut registry, Error::Wiring(WiringError::AlreadyWired), |r| {
        r.wire(suite)
    });
}

#[ink::test]
fn governor_handover_is_two_step() {
    let mut registry = deploy();
    as_caller(accounts().alice);
    assert_refused(&mut registry, GovernorError::NotGovernor, |r| {
        r.govern_authority(AuthorityDecision::ProposeGovernor {
            successor: accounts().charlie,
        })
    });
    as_caller(governor());
    registry
        .govern_authority(AuthorityDecision::ProposeGovernor {
            successor: accounts().charlie,
        })
        .unwrap();
    as_caller(accounts().django);
    assert_refused(&mut registry, GovernorError::NotPendingGovernor, |r| {
        r.accept_governor()
    });
    as_caller(accounts().charlie);
    registry.accept_governor().unwrap();
    assert_eq!(registry.governor(), Ok(accounts().charlie));
}

#[ink::test]
fn registration_rules() {
    let mut registry = deploy();
    as_caller(admin());
    let id = registry
        .register_operator(
            "Blue Ridge SSV".into(),
            OperatorKind::SsvCluster,
            admin(),
            admin(),
        )
        .unwrap();
    let record = registry.operator(id).unwrap();
    assert_eq!(record.status, OperatorStatus::Pending);
    assert_eq!(record.counts, icseth_core::operators::ValidatorCounts::default());
    assert_eq!(registry.operator_of(admin()), Some(id));
    assert_refused(&mut registry, Error::DuplicateRegistration, |r| {
        r.register_operator("again".into(), OperatorKind::ObolCluster, admin(), admin())
    });
    as_caller(accounts().charlie);
    assert_refused(&mut registry, Error::InvalidName, |r| {
        r.register_operator(String::new(), OperatorKind::ObolCluster, admin(), admin())
    });
    let long = "x".repeat(MAX_NAME_BYTES + 1);
    assert_refused(&mut registry, Error::InvalidName, |r| {
        r.register_operator(long, OperatorKind::ObolCluster, admin(), admin())
    });
    // a name of exactly the limit is accepted
    let longest = registry
        .register_operator(
            "x".repeat(MAX_NAME_BYTES),
            OperatorKind::ObolCluster,
            admin(),
            admin(),
        )
        .unwrap();
    assert_eq!(registry.operator(longest).unwrap().name.len(), MAX_NAME_BYTES);
    // frames are days: the history and the status rules count in them
    assert_eq!(FRAME_MS, 86_400_000);
}

fn account(i: u32) -> AccountId {
    let mut b = [0x70u8; 32];
    b[..4].copy_from_slice(&i.to_le_bytes());
    AccountId::from(b)
}

#[ink::test]
fn the_operator_cap_holds() {
    let mut registry = deploy();
    as_caller(governor());
    registry
        .govern(RegistryDecision::SetRegistrationLimits {
            limits: RegistrationLimits {
                max_pending: DEFAULT_MAX_OPERATORS,
                ..RegistrationLimits::DEFAULT
            },
        })
        .unwrap();
    for i in 0..DEFAULT_MAX_OPERATORS {
        let who = AccountId::from({
            let mut b = [0x70u8; 32];
            b[..4].copy_from_slice(&i.to_le_bytes());
            b
        });
        as_caller(who);
        registry
            .register_operator("op".into(), OperatorKind::KycRingFenced, who, who)
            .unwrap();
    }
    as_caller(admin());
    assert_refused(&mut registry, Error::OperatorCapReached, |r| {
        r.register_operator("one too many".into(), OperatorKind::SsvCluster, admin(), admin())
    });
    // an exited operator no longer counts against the cap
    as_caller(governor());
    registry
        .govern(RegistryDecision::RemoveOperator { operator: 0 })
        .unwrap();
    as_caller(admin());
    registry
        .register_operator("in its place".into(), OperatorKind::SsvCluster, admin(), admin())
        .unwrap();
}

/// Spam fills the waiting room, never the registry: the board invites a legitimate operator past
/// it, removes a spam registration, and anyone expires the rest after their lifetime.
#[ink::test]
fn registration_spam_cannot_stop_onboarding() {
    let mut registry = deploy();
    let limits = RegistrationLimits::DEFAULT;
    for i in 0..limits.max_pending {
        as_caller(account(i));
        registry
            .register_operator("spam".into(), OperatorKind::KycRingFenced, account(i), account(i))
            .unwrap();
    }
    as_caller(admin());
    assert_refused(&mut registry, Error::PendingCapReached, |r| {
        r.register_operator("honest".into(), OperatorKind::SsvCluster, admin(), admin())
    });
    as_caller(outsider());
    assert_refused(&mut registry, Error::Governor(GovernorError::NotGovernor), |r| {
        r.govern(RegistryDecision::InviteOperator { admin: admin() })
    });
    as_caller(governor());
    assert_refused(&mut registry, Error::DuplicateRegistration, |r| {
        r.govern(RegistryDecision::InviteOperator { admin: account(0) })
    });
    registry
        .govern(RegistryDecision::InviteOperator { admin: admin() })
        .unwrap();
    assert!(registry.is_invited(admin()));
    as_caller(admin());
    let honest = registry
        .register_operator("honest".into(), OperatorKind::SsvCluster, admin(), admin())
        .unwrap();
    assert!(!registry.is_invited(admin()), "an invitation is used once");
    as_caller(governor());
    registry
        .govern(RegistryDecision::ApproveOperator { operator: honest })
        .unwrap();
    assert_eq!(
        registry.waiting_and_live(),
        (limits.max_pending, limits.max_pending + 1)
    );
    // the board removes one spam registration: its slot is free
    registry
        .govern(RegistryDecision::RemoveOperator { operator: 0 })
        .unwrap();
    as_caller(account(1_000));
    registry
        .register_operator(
            "next".into(),
            OperatorKind::ObolCluster,
            account(1_000),
            account(1_000),
        )
        .unwrap();
    // nobody expires a registration early; after its lifetime anyone does
    as_caller(outsider());
    assert_refused(&mut registry, Error::UnknownOperator, |r| {
        r.expire_registration(999)
    });
    assert_refused(&mut registry, Error::NotExpired, |r| r.expire_registration(1));
    assert_refused(&mut registry, Error::NotPending, |r| {
        r.expire_registration(honest)
    });
    // its lifetime ends exactly `pending_ttl_ms` after the registration
    let registered_at = registry.operator(1).unwrap().registered_at;
    test::set_block_timestamp::<Env>(registered_at + limits.pending_ttl_ms - 1);
    assert_refused(&mut registry, Error::NotExpired, |r| r.expire_registration(1));
    test::set_block_timestamp::<Env>(registered_at + limits.pending_ttl_ms);
    registry.expire_registration(1).unwrap();
    assert_eq!(registry.operator(1).unwrap().status, OperatorStatus::Exited);
    assert_eq!(registry.waiting_and_live().0, limits.max_pending - 1);
    assert_refused(&mut registry, Error::NotPending, |r| r.expire_registration(1));
    // an expiry is no judgement: the same admin may register again
    as_caller(account(1));
    let again = registry
        .register_operator(
            "again".into(),
            OperatorKind::KycRingFenced,
            account(1),
            account(1),
        )
        .unwrap();
    assert_eq!(registry.operator_of(account(1)), Some(again));
    as_caller(governor());
    assert_refused(&mut registry, Error::InvalidLimits, |r| {
        r.govern(RegistryDecision::SetRegistrationLimits {
            limits: RegistrationLimits {
                max_pending: 0,
                ..limits
            },
        })
    });
}

#[ink::test]
fn board_decisions() {
    let (mut registry, id) = deploy_with_operator();
    as_caller(admin());
    assert_refused(&mut registry, Error::Governor(GovernorError::NotGovernor), |r| {
        r.govern(RegistryDecision::SetLimit {
            operator: id,
            limit: 5,
        })
    });
    as_caller(governor());
    assert_refused(&mut registry, Error::UnknownOperator, |r| {
        r.govern(RegistryDecision::ApproveOperator { operator: 7 })
    });
    assert_refused(&mut registry, Error::InvalidTransition, |r| {
        r.govern(RegistryDecision::ApproveOperator { operator: id })
    });
    assert_refused(&mut registry, Error::Counts(CountsError::LimitOutOfRange), |r| {
        r.govern(RegistryDecision::SetLimit {
            operator: id,
            limit: 11,
        })
    });
    let bad = PerformancePolicy {
        frames_to_probation: 0,
        ..PerformancePolicy::DEFAULT
    };
    assert_refused(&mut registry, Error::InvalidPolicy, |r| {
        r.govern(RegistryDecision::SetPolicy { policy: bad })
    });
    let policy = PerformancePolicy {
        threshold_bps: 8_000,
        ..PerformancePolicy::DEFAULT
    };
    registry.govern(RegistryDecision::SetPolicy { policy }).unwrap();
    assert_eq!(registry.policy(), Ok(policy));
    registry
        .govern(RegistryDecision::RemoveOperator { operator: id })
        .unwrap();
    assert_eq!(registry.operator(id).unwrap().status, OperatorStatus::Exited);
    assert_refused(&mut registry, Error::InvalidTransition, |r| {
        r.govern(RegistryDecision::RemoveOperator { operator: id })
    });
}

#[ink::test]
fn admins_maintain_keys_and_addresses() {
    let (mut registry, id) = deploy_with_operator();
    as_caller(accounts().charlie);
    assert_refused(&mut registry, Error::NotOperatorAdmin, |r| r.set_keys(id, 20));
    assert_refused(&mut registry, Error::NotOperatorAdmin, |r| {
        r.set_addresses(id, oracle(), oracle())
    });
    as_caller(admin());
    assert_refused(&mut registry, Error::UnknownOperator, |r| r.set_keys(9, 20));
    assert_refused(&mut registry, Error::Counts(CountsError::KeysBelowLimit), |r| {
        r.set_keys(id, 3)
    });
    registry.set_keys(id, 20).unwrap();
    assert_eq!(registry.operator(id).unwrap().counts.keys, 20);
    let registered = registry.operator(id).unwrap().deposit_address;
    registry.set_addresses(id, oracle(), accounts().charlie).unwrap();
    let record = registry.operator(id).unwrap();
    // the reward address changes now; the deposit address only when the board approves it
    assert_eq!(
        (
            record.reward_address,
            record.deposit_address,
            record.proposed_deposit_address
        ),
        (oracle(), registered, Some(accounts().charlie))
    );
    // only the governor approves it, the admin cannot approve its own proposal
    assert_refused(&mut registry, Error::Governor(GovernorError::NotGovernor), |r| {
        r.govern(RegistryDecision::ApproveDepositAddress {
            operator: id,
            deposit_address: accounts().charlie,
        })
    });
    as_caller(governor());
    assert_refused(&mut registry, Error::DepositAddressNotProposed, |r| {
        r.govern(RegistryDecision::ApproveDepositAddress {
            operator: id,
            deposit_address: accounts().django,
        })
    });
    registry
        .govern(RegistryDecision::ApproveDepositAddress {
            operator: id,
            deposit_address: accounts().charlie,
        })
        .unwrap();
    let record = registry.operator(id).unwrap();
    assert_eq!(
        (record.deposit_address, record.proposed_deposit_address),
        (accounts().charlie, None)
    );
}

const V: u128 = icseth_core::operators::VALIDATOR_DEPOSIT;

fn part(operator: u32, validators: u32) -> Allocated {
    Allocated {
        operator,
        validators,
        deposit_address: admin(),
    }
}

#[ink::test]
fn allocation_funds_whole_validators_above_tickets_and_the_floor_within_the_spare_limit() {
    let (mut registry, id) = deploy_with_operator();
    as_caller(admin());
    assert_refused(&mut registry, Error::NotAccounting, |r| r.allocate(10 * V, 0));
    as_caller(accounting());
    // what tickets are owed stays: whole validators of the rest only
    assert_refused(&mut registry, Error::NothingToAllocate, |r| r.allocate(V - 1, 0));
    assert_refused(&mut registry, Error::NothingToAllocate, |r| {
        r.allocate(2 * V - 1, V)
    });
    assert_eq!(registry.allocate(2 * V, V - 1), Ok(vec![part(id, 1)]));
    // a page at most, and the spare limit (4)
    assert_eq!(registry.allocate(100 * V, 0), Ok(vec![part(id, 3)]));
    assert_eq!(registry.operator(id).unwrap().counts.funded, 4);
    assert_eq!(registry.totals().unwrap().validators_funded, 4);
    assert_refused(&mut registry, Error::NothingToAllocate, |r| {
        r.allocate(100 * V, 0)
    });
    // removed: out of service, every staying validator asked to exit
    as_caller(governor());
    registry
        .govern(RegistryDecision::RemoveOperator { operator: id })
        .unwrap();
    assert!(registry.in_service(OperatorKind::SsvCluster).is_empty());
    let record = registry.operator(id).unwrap();
    assert_eq!((record.outstanding_exits(), record.staying()), (4, 0));
    assert_eq!(registry.totals().unwrap().exits_outstanding, 4);
    as_caller(accounting());
    assert_refused(&mut registry, Error::NothingToAllocate, |r| {
        r.allocate(100 * V, 0)
    });
}

/// Two SSV operators and one KYC ring-fenced: the targets (40/40/20, Obol empty) and the
/// scores decide; a disputed last frame or an outstanding exit takes an operator out of the
/// draw; the cap waits for four active operators.
#[ink::test]
fn allocation_follows_the_kind_targets_then_the_score() {
    let (mut registry, a) = deploy_with_operator();
    let b = add_operator(&mut registry, accounts().charlie, OperatorKind::SsvCluster);
    let k = add_operator(&mut registry, accounts().alice, OperatorKind::KycRingFenced);
    at_frame(2);
    matched_frame(&mut registry, a, 1, good(9_500));
    as_caller(accounts().charlie);
    registry.report_performance(b, 1, good(9_900)).unwrap();
    as_caller(oracle());
    registry.record_attestation(b, 1, good(9_900), 2).unwrap();
    as_caller(accounting());
    let parts = registry.allocate(6 * V, 0).unwrap();
    // 6 validators: KYC gets its 20% and a third more, as SSV takes what Obol cannot; within
    // SSV the better-scored b first, up to the cap (three able to take stake: 33.34%, so 3 of 6)
    let given: Vec<(u32, u32)> = parts.iter().map(|p| (p.operator, p.validators)).collect();
    assert_eq!(given, vec![(a, 1), (b, 3), (k, 2)]);
    // b's next claim disagrees with what is attested: no stake until a clean frame
    at_frame(3);
    as_caller(accounts().charlie);
    registry
        .report_performance(
            b,
            2,
            Figures {
                proposed: 9,
                ..good(9_900)
            },
        )
        .unwrap();
    as_caller(oracle());
    registry.record_attestation(b, 2, good(9_900), 2).unwrap();
    assert!(registry.operator(b).unwrap().last_frame_unmatched);
    as_caller(accounting());
    as_caller(governor());
    registry
        .govern(RegistryDecision::SetLimit {
            operator: b,
            limit: 8,
        })
        .unwrap();
    as_caller(accounting());
    let parts = registry.allocate(2 * V, 0).unwrap();
    // KYC is furthest below its target (2 of 7), then SSV's one eligible operator: a, not b
    assert_eq!(parts.iter().map(|p| p.operator).collect::<Vec<_>>(), vec![a, k]);
}

fn add_operator(registry: &mut OperatorRegistry, who: AccountId, kind: OperatorKind) -> u32 {
    as_caller(who);
    let id = registry.register_operator("op".into(), kind, who, who).unwrap();
    registry.set_keys(id, 10).unwrap();
    as_caller(governor());
    registry
        .govern(RegistryDecision::ApproveOperator { operator: id })
        .unwrap();
    registry
        .govern(RegistryDecision::SetLimit {
            operator: id,
            limit: 4,
        })
        .unwrap();
    id
}

/// The admin claims `figures` for `frame` and the oracle attests the same: a matched frame.
fn matched_frame(registry: &mut OperatorRegistry, id: u32, frame: u32, figures: Figures) {
    as_caller(admin());
    registry.report_performance(id, frame, figures).unwrap();
    as_caller(oracle());
    registry.record_attestation(id, frame, figures, 2).unwrap();
}

#[ink::test]
fn exits_are_asked_for_tickets_recorded_from_attestations_and_missed_ones_pause() {
    let (mut registry, id) = deploy_with_operator();
    as_caller(accounting());
    registry.allocate(5 * V, 0).unwrap(); // 4 validators, young for 3 days
                                          // young validators are never asked
    assert_refused(&mut registry, Error::NoExitsNeeded, |r| {
        r.request_exits_for_tickets(2 * V, V / 2, 0, 0)
    });
    at_frame(3);
    as_caller(admin());
    assert_refused(&mut registry, Error::NotAccounting, |r| {
        r.request_exits_for_tickets(V, 0, 0, 0)
    });
    as_caller(accounting());
    // covered by the buffer and the inflow: nothing to ask
    assert_refused(&mut registry, Error::NoExitsNeeded, |r| {
        r.request_exits_for_tickets(2 * V, V, V, 0)
    });
    // 1.5 validators short: 2 asked, by the deadline (day 7)
    assert_eq!(registry.request_exits_for_tickets(2 * V, V / 2, 0, 0), Ok(2));
    let record = registry.operator(id).unwrap();
    assert_eq!((record.outstanding_exits(), record.staying()), (2, 2));
    let deadline = 3 * FRAME_MS + AllocationPolicy::DEFAULT.exit_deadline_ms;
    assert_eq!(record.next_exit_deadline(), Some(deadline));
    // the exits already asked count as coming: asking again asks nothing
    assert_refused(&mut registry, Error::NoExitsNeeded, |r| {
        r.request_exits_for_tickets(2 * V, V / 2, 0, 0)
    });
    // an outstanding exit takes the operator out of the allocation
    as_caller(governor());
    registry
        .govern(RegistryDecision::SetLimit {
            operator: id,
            limit: 6,
        })
        .unwrap();
    as_caller(accounting());
    assert_refused(&mut registry, Error::NothingToAllocate, |r| r.allocate(10 * V, 0));
    // before the deadline nothing is missed
    as_caller(outsider());
    assert_refused(&mut registry, Error::NoMissedExits, |r| r.flag_missed_exits(id));
    // the oracle attests one exit (a figure above the funded validators is refused)
    at_frame(5);
    as_caller(oracle());
    assert_refused(&mut registry, Error::InvalidFigures, |r| {
        r.record_attestation(
            id,
            4,
            Figures {
                exited: 5,
                ..good(9_900)
            },
            2,
        )
    });
    matched_frame(
        &mut registry,
        id,
        4,
        Figures {
            exited: 1,
            ..good(9_900)
        },
    );
    let record = registry.operator(id).unwrap();
    assert_eq!(
        (record.counts.exited, record.outstanding_exits(), record.staying()),
        (1, 1, 2)
    );
    assert_eq!(registry.totals().unwrap().exits_outstanding, 1);
    // exited, its balance not yet withdrawn in a report: still coming
    as_caller(accounting());
    assert_refused(&mut registry, Error::NoExitsNeeded, |r| {
        r.request_exits_for_tickets(2 * V, V / 2, 0, 0)
    });
    // past the deadline, but the oracle has attested no frame after it: no miss yet
    at_frame(8);
    as_caller(outsider());
    assert_refused(&mut registry, Error::ExitsNotAttestedPastDeadline, |r| {
        r.flag_missed_exits(id)
    });
    // a frame past the deadline still shows one of the two: missed, paused, the rest asked
    matched_frame(
        &mut registry,
        id,
        7,
        Figures {
            exited: 1,
            ..good(9_900)
        },
    );
    as_caller(outsider());
    registry.flag_missed_exits(id).unwrap();
    let record = registry.operator(id).unwrap();
    assert_eq!(record.status, OperatorStatus::Paused);
    assert_eq!((record.exits_missed, record.exits_overdue), (1, 3));
    assert_eq!((record.outstanding_exits(), record.staying()), (3, 0));
    assert_eq!(record.next_exit_deadline(), None);
    // nothing it is asked counts as coming any more: tickets' demand asks others
    assert_eq!(registry.totals().unwrap().exits_outstanding, 0);
    assert_refused(&mut registry, Error::NoMissedExits, |r| r.flag_missed_exits(id));
    // a good frame does not lift the pause while it owes overdue exits
    at_frame(9);
    matched_frame(
        &mut registry,
        id,
        8,
        Figures {
            exited: 1,
            ..good(9_900)
        },
    );
    assert_eq!(registry.operator(id).unwrap().status, OperatorStatus::Paused);
    // all three exit: the overdue first; the pause lifts with the good frame
    at_frame(10);
    matched_frame(
        &mut registry,
        id,
        9,
        Figures {
            exited: 4,
            ..good(9_900)
        },
    );
    let record = registry.operator(id).unwrap();
    assert_eq!(
        (
            record.outstanding_exits(),
            record.exits_overdue,
            record.next_exit_deadline()
        ),
        (0, 0, None)
    );
    let totals = registry.totals().unwrap();
    assert_eq!(
        (
            totals.exits_outstanding,
            totals.validators_exited,
            totals.exits_missed
        ),
        (0, 4, 1)
    );
    // the exits freed the limit (6): active again, it may take stake
    assert_eq!(record.status, OperatorStatus::Active);
    as_caller(accounting());
    assert_eq!(registry.allocate(10 * V, 0).unwrap()[0].validators, 6);
}

/// A fifth request while four are pending joins the newest; the oldest deadline never moves.
#[ink::test]
fn a_new_exit_request_never_moves_an_older_deadline() {
    let (mut registry, id) = deploy_with_operator();
    as_caller(governor());
    registry
        .govern(RegistryDecision::SetLimit {
            operator: id,
            limit: 10,
        })
        .unwrap();
    as_caller(accounting());
    registry.allocate(10 * V, 0).unwrap();
    let mut deadlines = Vec::new();
    for day in 3..9u64 {
        at_frame(day);
        as_caller(accounting());
        let owed = (day - 1) as u128 * V; // one more validator short each day
        registry.request_exits_for_tickets(owed, 0, 0, 0).unwrap();
        deadlines.push(registry.operator(id).unwrap().next_exit_deadline());
    }
    let first = Some(3 * FRAME_MS + AllocationPolicy::DEFAULT.exit_deadline_ms);
    assert!(deadlines.iter().all(|d| *d == first), "{deadlines:?}");
    let tranches = registry.operator(id).unwrap().exit_tranches;
    assert_eq!(tranches.len(), MAX_EXIT_TRANCHES);
    assert_eq!(tranches.last().unwrap().asked_through, 7);
}

/// A withdrawal the vault handed over but no report has counted yet is in the inflow and still
/// an exit in transit: counted once.
#[ink::test]
fn a_handed_over_exit_is_counted_once() {
    let (mut registry, id) = deploy_with_operator();
    as_caller(accounting());
    registry.allocate(4 * V, 0).unwrap();
    at_frame(3);
    as_caller(accounting());
    assert_eq!(registry.request_exits_for_tickets(2 * V, 0, 0, 0), Ok(2));
    at_frame(4);
    matched_frame(
        &mut registry,
        id,
        3,
        Figures {
            exited: 2,
            ..good(9_900)
        },
    );
    // 3 validators owed; the two exits' 64 ETH are in the inflow and in transit: one more asked
    as_caller(accounting());
    assert_eq!(registry.request_exits_for_tickets(3 * V, 0, 2 * V, 0), Ok(1));
    // once a report withdrew the two and the buffer holds them, the one asked covers the rest
    assert_refused(&mut registry, Error::NoExitsNeeded, |r| {
        r.request_exits_for_tickets(3 * V, 2 * V, 0, 2)
    });
}

/// Of two requests past their deadlines, a flag takes the newest one a frame attested after its
/// deadline covers, not the newest by the clock.
#[ink::test]
fn a_flag_counts_only_what_an_attested_frame_shows_missed() {
    let (mut registry, id) = deploy_with_operator();
    as_caller(accounting());
    registry.allocate(4 * V, 0).unwrap();
    at_frame(3);
    as_caller(accounting());
    assert_eq!(registry.request_exits_for_tickets(V, 0, 0, 0), Ok(1)); // due day 7
    at_frame(5);
    as_caller(accounting());
    assert_eq!(registry.request_exits_for_tickets(2 * V, 0, 0, 0), Ok(1)); // due day 9
    at_frame(10);
    as_caller(outsider());
    assert_refused(&mut registry, Error::ExitsNotAttestedPastDeadline, |r| {
        r.flag_missed_exits(id)
    });
    // frame 7 ends on day 8: past the first deadline, not the second
    matched_frame(&mut registry, id, 7, good(9_900));
    as_caller(outsider());
    registry.flag_missed_exits(id).unwrap();
    let record = registry.operator(id).unwrap();
    assert_eq!((record.exits_missed, record.status), (1, OperatorStatus::Paused));
}

#[ink::test]
fn the_allocation_policy_is_the_boards_within_bounds_and_kinds_are_capped() {
    let (mut registry, _) = deploy_with_operator();
    as_caller(outsider());
    assert_refused(&mut registry, Error::Governor(GovernorError::NotGovernor), |r| {
        r.govern(RegistryDecision::SetAllocationPolicy {
            policy: AllocationPolicy::DEFAULT,
        })
    });
    as_caller(governor());
    let bad = AllocationPolicy {
        kind_target_bps: [5_000, 5_000, 1],
        ..AllocationPolicy::DEFAULT
    };
    assert_refused(&mut registry, Error::InvalidAllocationPolicy, |r| {
        r.govern(RegistryDecision::SetAllocationPolicy { policy: bad })
    });
    let one_per_kind = AllocationPolicy {
        max_per_kind: 1,
        liquidity_floor: V,
        ..AllocationPolicy::DEFAULT
    };
    registry
        .govern(RegistryDecision::SetAllocationPolicy { policy: one_per_kind })
        .unwrap();
    assert_eq!(registry.allocation_policy(), Ok(one_per_kind));
    as_caller(accounts().charlie);
    let second = registry
        .register_operator(
            "second".into(),
            OperatorKind::SsvCluster,
            accounts().charlie,
            accounts().charlie,
        )
        .unwrap();
    as_caller(governor());
    assert_refused(&mut registry, Error::KindFull, |r| {
        r.govern(RegistryDecision::ApproveOperator { operator: second })
    });
}

#[ink::test]
fn slashing_is_recorded_for_the_token() {
    let (mut registry, id) = deploy_with_operator();
    as_caller(admin());
    assert_refused(&mut registry, Error::NotAccounting, |r| r.record_slashing(id, 5));
    as_caller(accounting());
    registry.record_slashing(id, 5).unwrap();
    let totals = registry.operator(id).unwrap().totals;
    assert_eq!((totals.slashing_incidents, totals.slashed), (1, 5));
    assert_refused(&mut registry, Error::UnknownOperator, |r| r.record_slashing(8, 1));
}

#[ink::test]
fn reports_and_attestations() {
    let (mut registry, id) = deploy_with_operator();
    at_frame(3);
    assert_eq!(registry.current_frame(), 3);
    as_caller(accounts().charlie);
    assert_refused(&mut registry, Error::NotOperatorAdmin, |r| {
        r.report_performance(id, 1, good(9_900))
    });
    as_caller(admin());
    assert_refused(&mut registry, Error::FrameInFuture, |r| {
        r.report_performance(id, 3, good(9_900))
    });
    let over = Figures {
        effectiveness_bps: 10_001,
        ..good(0)
    };
    assert_refused(&mut registry, Error::InvalidFigures, |r| {
        r.report_performance(id, 1, over)
    });
    registry.report_performance(id, 1, good(9_900)).unwrap();
    assert_refused(&mut registry, Error::FrameAlreadyReported, |r| {
        r.report_performance(id, 1, good(9_900))
    });
    assert_refused(&mut registry, Error::FrameAlreadyReported, |r| {
        r.report_performance(id, 0, good(9_900))
    });

    // only the oracle contract records what a quorum of its members attested
    for who in [admin(), governor(), accounting(), accounts().charlie] {
        as_caller(who);
        assert_refused(&mut registry, Error::NotOracle, |r| {
            r.record_attestation(id, 1, good(9_900), 2)
        });
    }
    as_caller(oracle());
    assert_refused(&mut registry, Error::FrameInFuture, |r| {
        r.record_attestation(id, 3, good(9_900), 2)
    });
    assert_refused(&mut registry, Error::UnknownOperator, |r| {
        r.record_attestation(9, 1, good(9_900), 2)
    });
    assert_refused(&mut registry, Error::InvalidFigures, |r| {
        r.record_attestation(id, 1, over, 2)
    });
    registry.record_attestation(id, 1, good(9_900), 2).unwrap();
    assert_refused(&mut registry, Error::AlreadyAttested, |r| {
        r.record_attestation(id, 1, good(9_900), 2)
    });
    assert_refused(&mut registry, Error::StaleFrame, |r| {
        r.record_attestation(id, 0, good(9_900), 2)
    });

    let record = registry.operator(id).unwrap();
    assert_eq!(record.score, Some(icseth_core::operators::score(&good(9_900))));
    assert_eq!(record.totals.frames, 1);
    assert_eq!(record.totals.consensus_rewards, 10_000);
    assert_eq!(record.totals.disagreements, 0);
    let history = registry.history(id);
    assert_eq!(history.len(), 1);
    assert_eq!(
        (history[0].frame, history[0].attestations, history[0].disputed),
        (1, 2, false)
    );
    let totals = registry.totals().unwrap();
    assert_eq!(
        (totals.reports, totals.attestations, totals.mev_rewards),
        (1, 1, 2_000)
    );
}

#[ink::test]
fn claims_that_differ_from_attestations_are_flagged() {
    let (mut registry, id) = deploy_with_operator();
    at_frame(5);
    as_caller(admin());
    registry.report_performance(id, 1, good(9_900)).unwrap();
    as_caller(oracle());
    registry.record_attestation(id, 1, good(9_500), 2).unwrap();
    // attested before claimed, for another frame: flagged when the claim arrives
    registry.record_attestation(id, 2, good(9_900), 2).unwrap();
    as_caller(admin());
    registry
        .report_performance(
            id,
            2,
            Figures {
                consensus_rewards: 20_000,
                ..good(9_900)
            },
        )
        .unwrap();
    let history = registry.history(id);
    assert!(history.iter().all(|h| h.disputed));
    assert_eq!(registry.operator(id).unwrap().totals.disagreements, 2);
}

#[ink::test]
fn weak_frames_lead_to_probation_then_paused_and_recovery_restores() {
    let (mut registry, id) = deploy_with_operator();
    at_frame(20);
    as_caller(oracle());
    let weak = good(5_000);
    let mut seen = vec![];
    for frame in 0..6 {
        registry.record_attestation(id, frame, weak, 2).unwrap();
        seen.push(registry.operator(id).unwrap().status);
    }
    use OperatorStatus::*;
    assert_eq!(
        seen,
        vec![Active, Active, Probation, Probation, Probation, Paused]
    );
    as_caller(accounting());
    assert_refused(&mut registry, Error::NothingToAllocate, |r| r.allocate(10 * V, 0));
    as_caller(oracle());
    registry.record_attestation(id, 6, good(10_000), 2).unwrap();
    assert_eq!(registry.operator(id).unwrap().status, Active);
    assert_eq!(registry.operator(id).unwrap().weak_streak, 0);
}

#[ink::test]
fn history_keeps_the_last_frames() {
    let (mut registry, id) = deploy_with_operator();
    at_frame(30);
    as_caller(oracle());
    for frame in 0..(HISTORY_FRAMES + 3) {
        registry.record_attestation(id, frame, good(9_900), 2).unwrap();
    }
    let history = registry.history(id);
    assert_eq!(history.len(), HISTORY_FRAMES as usize);
    assert_eq!(history.first().unwrap().frame, 3);
    assert_eq!(history.last().unwrap().frame, HISTORY_FRAMES + 2);
}

#[ink::test]
fn reads_are_paged() {
    let (registry, id) = deploy_with_operator();
    assert_eq!(registry.operators(0, MAX_PAGE + 1), Err(Error::PageTooLarge));
    assert_eq!(
        registry
            .operators_by_status(OperatorStatus::Active, 0, MAX_PAGE)
            .unwrap()
            .len(),
        1
    );
    assert!(registry
        .operators_by_status(OperatorStatus::Paused, 0, MAX_PAGE)
        .unwrap()
        .is_empty());
    assert_eq!(registry.operators(1, 5).unwrap(), vec![]);
    assert_eq!(registry.operators(0, 1).unwrap()[0].0, id);
}

/// The event says what the record holds: naming the approved deposit address again withdraws a
/// pending proposal, and `AddressesChanged` then proposes nothing.
#[ink::test]
fn withdrawing_a_proposed_deposit_address_is_evented_as_none() {
    use ink::scale::Decode;
    let (mut registry, id) = deploy_with_operator();
    let approved = registry.operator(id).unwrap().deposit_address;
    let last_event = || {
        let event = test::recorded_events().last().expect("an event");
        AddressesChanged::decode(&mut &event.data[..]).expect("AddressesChanged")
    };
    as_caller(admin());
    registry.set_addresses(id, oracle(), accounts().charlie).unwrap();
    assert_eq!(last_event().proposed_deposit_address, Some(accounts().charlie));
    registry.set_addresses(id, oracle(), approved).unwrap();
    assert_eq!(registry.operator(id).unwrap().proposed_deposit_address, None);
    assert_eq!(last_event().proposed_deposit_address, None);
}

#[ink::test]
fn a_cell_that_does_not_decode_refuses_every_message_that_needs_it() {
    let (mut registry, id) = deploy_with_operator();
    let events = test::recorded_events().count();
    // a value of the wrong type at each cell's key, as another version of the code might leave it
    ink::env::set_contract_storage(&keys::TOTALS, &7u8);
    as_caller(accounting());
    assert_eq!(registry.allocate(10 * V, 0), Err(Error::StorageUnreadable));
    assert_eq!(registry.totals(), Err(Error::StorageUnreadable));
    assert_eq!(registry.operator(id).unwrap().counts.funded, 0);
    ink::env::set_contract_storage(&keys::LIMITS, &7u8);
    as_caller(accounts().eve);
    let eve = accounts().eve;
    assert_eq!(
        registry.register_operator("Late Obol".into(), OperatorKind::SsvCluster, eve, eve),
        Err(Error::StorageUnreadable)
    );
    assert_eq!(registry.registration_limits(), Err(Error::StorageUnreadable));
    ink::env::set_contract_storage(&keys::POLICY, &7u8);
    assert_eq!(registry.policy(), Err(Error::StorageUnreadable));
    ink::env::set_contract_storage(&icseth_core::wiring::WIRING_KEY, &7u8);
    as_caller(accounting());
    assert_eq!(
        registry.allocate(10 * V, 0),
        Err(Error::Wiring(icseth_core::WiringError::Unreadable))
    );
    assert_eq!(registry.operator_count(), 1);
    assert_eq!(test::recorded_events().count(), events);
}
