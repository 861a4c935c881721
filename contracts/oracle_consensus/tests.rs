//! Unit tests of the oracle's consensus, off-chain: governance of the member set, and every
//! refusal that comes before a vote is counted (each asserting that nothing changed). Counting,
//! quorum, replacement and the pushes to the token and the registry cross contracts: the
//! embedded-chain suite (`tests/tests/oracle.rs`) covers them.
#![allow(clippy::arithmetic_side_effects)]

use crate::oracle_consensus::*;
use icseth_abi::authority::Governed;
use icseth_abi::oracle::OracleGovernance;
use icseth_core::authority::AuthorityDecision;
use icseth_core::{
    governance::OracleDecision,
    hold::REPORT_FRAME_MS,
    operators::Figures,
    oracle::{Report, ReportError, EPOCH_MS},
    GovernorError, SuiteAddresses, WiringError,
};
use ink::env::{test, DefaultEnvironment};
use ink::primitives::AccountId;

type Env = DefaultEnvironment;

const GENESIS: u64 = 1_000_000;

fn accounts() -> test::DefaultAccounts<Env> {
    test::default_accounts::<Env>()
}
/// alice deploys; bob governs; charlie, django and eve are members; frank holds no role.
fn governor() -> AccountId {
    accounts().bob
}
fn members() -> Vec<AccountId> {
    vec![accounts().charlie, accounts().django, accounts().eve]
}
fn outsider() -> AccountId {
    accounts().frank
}

fn as_caller(who: AccountId) {
    test::set_caller::<Env>(who);
}

fn suite() -> SuiteAddresses {
    SuiteAddresses {
        token: AccountId::from([0x11; 32]),
        board: governor(),
        flash_exit_pool: AccountId::from([0x13; 32]),
        operator_registry: AccountId::from([0x14; 32]),
        slash_protection: AccountId::from([0x15; 32]),
        oracle: ink::env::account_id::<Env>(),
        accounting: AccountId::from([0x17; 32]),
    }
}

fn deploy() -> OracleConsensus {
    as_caller(accounts().alice);
    // the start of frame 2 (epoch 450)
    test::set_block_timestamp::<Env>(GENESIS + 2 * REPORT_FRAME_MS);
    OracleConsensus::new(governor(), AccountId::from([0xee; 32]), GENESIS)
}

fn deploy_with_members() -> OracleConsensus {
    let mut oracle = deploy();
    oracle.wire(suite()).unwrap();
    as_caller(governor());
    oracle
        .govern(OracleDecision::SetMembers { members: members() })
        .unwrap();
    oracle
}

#[derive(Debug, PartialEq)]
struct Snapshot {
    members: Vec<AccountId>,
    member_set: u32,
    governor: Result<icseth_core::Authority, GovernorError>,
    suite: Option<SuiteAddresses>,
    last_applied: Option<AppliedReport>,
    agreed: Option<AgreedReport>,
    votes: Vec<Option<ReportVote>>,
    frame_votes: Vec<Option<FrameVote>>,
    events: usize,
}

fn snapshot(oracle: &OracleConsensus) -> Snapshot {
    let everyone = [
        accounts().alice,
        governor(),
        accounts().charlie,
        accounts().django,
        accounts().eve,
        outsider(),
    ];
    Snapshot {
        members: oracle.members(),
        member_set: oracle.member_set(),
        governor: oracle.authority(),
        suite: oracle.suite(),
        last_applied: oracle.last_applied().unwrap(),
        agreed: oracle.agreed_report().unwrap(),
        votes: everyone.iter().map(|a| oracle.report_vote(*a)).collect(),
        frame_votes: everyone.iter().map(|a| oracle.frame_vote(0, 0, *a)).collect(),
        events: test::recorded_events().count(),
    }
}

fn assert_refused<T: std::fmt::Debug, E: std::fmt::Debug + PartialEq>(
    oracle: &mut OracleConsensus,
    expected: E,
    f: impl FnOnce(&mut OracleConsensus) -> Result<T, E>,
) {
    let before = snapshot(oracle);
    assert_eq!(f(oracle).err(), Some(expected));
    assert_eq!(
        snapshot(oracle),
        before,
        "a refused message changed state or emitted events"
    );
}

/// A report whose snapshot was taken at `ref_time_ms`, with the epoch that time falls in.
fn report_at(ref_time_ms: u64) -> Report {
    Report {
        epoch: (ref_time_ms - GENESIS) / EPOCH_MS,
        ref_time_ms,
        cl_balance: 32,
        ..Report::default()
    }
}

#[ink::test]
fn constructor_sets_the_governor_and_genesis_with_no_members() {
    let oracle = deploy();
    assert_eq!(oracle.governor(), Ok(governor()));
    assert_eq!(oracle.genesis_ms(), GENESIS);
    assert!(oracle.members().is_empty());
    assert_eq!((oracle.member_set(), oracle.quorum()), (0, 1));
    assert_eq!(oracle.last_applied(), Ok(None));
    assert_eq!(oracle.agreed_report(), Ok(None));
    assert_eq!(oracle.suite(), None);
}

#[ink::test]
fn wire_once_by_the_deployer() {
    let mut oracle = deploy();
    as_caller(outsider());
    assert_refused(&mut oracle, Error::Wiring(WiringError::NotDeployer), |o| {
        o.wire(suite())
    });
    as_caller(accounts().alice);
    let wrong_self = SuiteAddresses {
        oracle: AccountId::from([0x16; 32]),
        ..suite()
    };
    assert_refused(&mut oracle, Error::Wiring(WiringError::WrongSelfAddress), |o| {
        o.wire(wrong_self)
    });
    oracle.wire(suite()).unwrap();
    assert_refused(&mut oracle, Error::Wiring(WiringError::AlreadyWired), |o| {
        o.wire(suite())
    });
}

#[ink::test]
fn the_governor_sets_members_and_each_set_is_new() {
    let mut oracle = deploy();
    as_caller(outsider());
    assert_refused(&mut oracle, Error::Governor(GovernorError::NotGovernor), |o| {
        o.govern(OracleDecision::SetMembers { members: members() })
    });
    as_caller(members()[0]);
    assert_refused(&mut oracle, Error::Governor(GovernorError::NotGovernor), |o| {
        o.govern(OracleDecision::SetMembers {
            members: vec![members()[0]],
        })
    });
    as_caller(governor());
    let seventeen: Vec<AccountId> = (0..17u8).map(|i| AccountId::from([i; 32])).collect();
    for invalid in [vec![], vec![members()[0], members()[0]], seventeen] {
        assert_refused(&mut oracle, Error::InvalidMembers, |o| {
            o.govern(OracleDecision::SetMembers { members: invalid })
        });
    }
    oracle
        .govern(OracleDecision::SetMembers { members: members() })
        .unwrap();
    assert_eq!(
        (oracle.members(), oracle.member_set(), oracle.quorum()),
        (members(), 1, 2)
    );
    // the same accounts again still start a new set: every open vote is void
    oracle
        .govern(OracleDecision::SetMembers { members: members() })
        .unwrap();
    assert_eq!(oracle.member_set(), 2);
    assert_eq!(test::recorded_events().count(), 2);
}

#[ink::test]
fn governor_handover_is_two_step() {
    let mut oracle = deploy();
    as_caller(outsider());
    assert_refused(&mut oracle, GovernorError::NotGovernor, |o| {
        o.govern_authority(AuthorityDecision::ProposeGovernor {
            successor: outsider(),
        })
    });
    as_caller(governor());
    oracle
        .govern_authority(AuthorityDecision::ProposeGovernor {
            successor: outsider(),
        })
        .unwrap();
    as_caller(accounts().charlie);
    assert_refused(&mut oracle, GovernorError::NotPendingGovernor, |o| {
        o.accept_governor()
    });
    as_caller(outsider());
    oracle.accept_governor().unwrap();
    assert_eq!(oracle.governor(), Ok(outsider()));
}

#[ink::test]
fn votes_are_refused_before_anything_is_counted() {
    let mut unwired = deploy();
    as_caller(governor());
    unwired
        .govern(OracleDecision::SetMembers { members: members() })
        .unwrap();
    let now = ink::env::block_timestamp::<Env>();
    as_caller(members()[0]);
    assert_refused(&mut unwired, Error::Wiring(WiringError::NotWired), |o| {
        o.submit_report(report_at(now))
    });
    assert_refused(&mut unwired, Error::Wiring(WiringError::NotWired), |o| {
        o.attest(0, 0, Figures::default())
    });
    assert_refused(&mut unwired, Error::Wiring(WiringError::NotWired), |o| {
        o.apply_agreed()
    });

    let mut oracle = deploy_with_members();
    for who in [outsider(), governor(), accounts().alice] {
        as_caller(who);
        assert_refused(&mut oracle, Error::NotMember, |o| o.submit_report(report_at(now)));
        assert_refused(&mut oracle, Error::NotMember, |o| {
            o.attest(0, 0, Figures::default())
        });
    }
    as_caller(members()[0]);
    // a snapshot not taken yet
    assert_refused(&mut oracle, Error::Report(ReportError::ReferenceInFuture), |o| {
        o.submit_report(report_at(now + 1))
    });
    // a snapshot that is not a frame's start (one a member could pick a minute after the honest
    // members' to keep its loss vote from ever being reached by their report)
    for ref_time_ms in [now - 1, now - REPORT_FRAME_MS + 60_000, GENESIS + 1] {
        assert_refused(&mut oracle, Error::NotFrameStart, |o| {
            o.submit_report(report_at(ref_time_ms))
        });
    }
    // an epoch ahead of the reference time (u64::MAX included) or behind it
    assert_eq!(report_at(now).epoch, 450);
    for epoch in [u64::MAX, 451, 449] {
        assert_refused(&mut oracle, Error::EpochNotAtReference, |o| {
            o.submit_report(Report {
                epoch,
                ..report_at(now)
            })
        });
    }
    // a reference time before genesis has no frame
    assert_refused(&mut oracle, Error::NotFrameStart, |o| {
        o.submit_report(Report {
            epoch: 0,
            ref_time_ms: GENESIS - 1,
            ..report_at(now)
        })
    });
    // nothing agreed yet
    as_caller(outsider());
    assert_refused(&mut oracle, Error::NothingAgreed, |o| o.apply_agreed());
}

#[ink::test]
fn reads_hash_content_and_count_for_the_current_set() {
    let oracle = deploy_with_members();
    let now = ink::env::block_timestamp::<Env>();
    let a = report_at(now);
    let b = Report { cl_balance: 33, ..a };
    assert_ne!(oracle.report_hash(a), oracle.report_hash(b));
    assert_eq!(oracle.report_hash(a), oracle.report_hash(a));
    assert_ne!(
        oracle.figures_hash(Figures::default()),
        oracle.figures_hash(Figures {
            proposed: 1,
            ..Figures::default()
        })
    );
    assert_eq!(oracle.report_votes_for(now, oracle.report_hash(a)), 0);
    assert_eq!(oracle.disagreements_of(members()[0]), 0);
    assert_eq!(oracle.loss_votes_of(members()[0]), 0);
    assert_eq!(oracle.unconfirmed_loss_votes_of(members()[0]), Ok(0));
    assert_eq!(oracle.lone_hold_barred_now(members()[0]), Ok(false));
    assert_eq!(oracle.lone_hold_of(members()[0]), None);
    assert_eq!(oracle.loss_voters_for(now), 0);
    assert_eq!(oracle.frame_agreed(0, 0), None);
}

#[ink::test]
fn a_cell_that_does_not_decode_refuses_every_message_that_needs_it() {
    let mut oracle = deploy_with_members();
    let now = ink::env::block_timestamp::<Env>();
    let events = test::recorded_events().count();
    // a value of the wrong type at each cell's key, as another version of the code might leave it
    ink::env::set_contract_storage(&keys::LAST_APPLIED, &7u8);
    as_caller(members()[0]);
    assert_eq!(
        oracle.submit_report(report_at(now)),
        Err(Error::StorageUnreadable)
    );
    assert_eq!(oracle.last_applied(), Err(Error::StorageUnreadable));
    ink::env::set_contract_storage(&keys::AGREED, &7u8);
    assert_eq!(oracle.apply_agreed(), Err(Error::StorageUnreadable));
    assert_eq!(oracle.agreed_report(), Err(Error::StorageUnreadable));
    ink::env::set_contract_storage(&icseth_core::wiring::WIRING_KEY, &7u8);
    assert_eq!(
        oracle.submit_report(report_at(now)),
        Err(Error::Wiring(WiringError::Unreadable))
    );
    assert_eq!(oracle.report_vote(members()[0]), None);
    assert_eq!(test::recorded_events().count(), events);
}
