//! Unit tests of the board, off-chain: proposals, votes and the board's own actions (members,
//! quorum, timing). Actions that call another contract are tested end to end (tests/tests/board.rs).
#![allow(clippy::arithmetic_side_effects, clippy::cast_possible_truncation)]

use crate::whitelist_board::*;
use icseth_core::{
    board::MAX_MEMBERS,
    governance::{Action, Timing, Vote},
    SuiteAddresses, WiringError,
};
use ink::env::{test, DefaultEnvironment};
use ink::primitives::AccountId;

type Env = DefaultEnvironment;

fn accounts() -> test::DefaultAccounts<Env> {
    test::default_accounts::<Env>()
}

/// alice is the protocol; alice, bob and charlie are members; quorum 2.
fn deploy() -> WhitelistBoard {
    let a = accounts();
    test::set_caller::<Env>(a.alice);
    test::set_block_timestamp::<Env>(1_000);
    WhitelistBoard::new(a.alice, vec![a.alice, a.bob, a.charlie], 2, a.eve).unwrap()
}

fn as_caller(who: AccountId) {
    test::set_caller::<Env>(who);
}

fn at(ms: u64) {
    test::set_block_timestamp::<Env>(ms);
}

fn new_member(i: u8) -> AccountId {
    AccountId::from([0x40 + i; 32])
}

#[derive(Debug, PartialEq)]
struct Snapshot {
    members: Vec<AccountId>,
    quorum: u32,
    timing: Timing,
    count: u64,
    proposals: Vec<ProposalView>,
    events: usize,
}

fn snapshot(board: &WhitelistBoard) -> Snapshot {
    Snapshot {
        members: board.members(),
        quorum: board.quorum(),
        timing: board.timing().unwrap(),
        count: board.proposal_count(),
        proposals: board.proposals(0, MAX_PAGE).unwrap(),
        events: test::recorded_events().count(),
    }
}

fn assert_refused<T: std::fmt::Debug>(
    board: &mut WhitelistBoard,
    expected: Error,
    f: impl FnOnce(&mut WhitelistBoard) -> Result<T, Error>,
) {
    let before = snapshot(board);
    assert_eq!(f(board).err(), Some(expected));
    assert_eq!(
        snapshot(board),
        before,
        "a refused message changed state or emitted events"
    );
}

/// A valid timing other than the default: two hours to vote.
fn two_hour_votes() -> Timing {
    Timing {
        voting_period_ms: 2 * 60 * 60 * 1000,
        ..Timing::DEFAULT
    }
}

/// Proposes `action` as alice, has alice and bob approve, and moves the clock to its execution time.
fn pass(board: &mut WhitelistBoard, action: Action) -> u64 {
    let a = accounts();
    as_caller(a.alice);
    let id = board.propose(action).unwrap();
    board.vote(id, true).unwrap();
    as_caller(a.bob);
    board.vote(id, true).unwrap();
    at(board.proposal(id).unwrap().proposal.executable_from);
    id
}

#[ink::test]
fn constructor_checks_members_and_quorum() {
    let a = accounts();
    let board = deploy();
    assert_eq!(board.members(), vec![a.alice, a.bob, a.charlie]);
    assert_eq!(board.quorum(), 2);
    assert_eq!(board.protocol(), a.alice);
    assert_eq!(board.timing(), Ok(Timing::DEFAULT));
    assert!(board.is_member(a.bob));
    assert!(!board.is_member(a.django));
    assert_eq!(board.suite(), None);

    assert_eq!(
        WhitelistBoard::new(a.alice, vec![], 1, a.eve).err(),
        Some(Error::MemberCountOutOfRange)
    );
    let too_many: Vec<AccountId> = (0..=MAX_MEMBERS)
        .map(|i| AccountId::from([i as u8; 32]))
        .collect();
    assert_eq!(
        WhitelistBoard::new(too_many[0], too_many.clone(), 12, a.eve).err(),
        Some(Error::MemberCountOutOfRange)
    );
    assert_eq!(
        WhitelistBoard::new(a.alice, vec![a.bob], 1, a.eve).err(),
        Some(Error::ProtocolNotMember)
    );
    assert_eq!(
        WhitelistBoard::new(a.alice, vec![a.alice, a.bob], 1, a.eve).err(),
        Some(Error::InvalidQuorum)
    );
    assert_eq!(
        WhitelistBoard::new(a.alice, vec![a.alice, a.bob], 3, a.eve).err(),
        Some(Error::QuorumUnreachable)
    );
    assert_eq!(
        WhitelistBoard::new(a.alice, vec![a.alice, a.bob], 0, a.eve).err(),
        Some(Error::InvalidQuorum)
    );
    assert_eq!(
        WhitelistBoard::new(a.alice, vec![a.alice, a.bob, a.alice], 2, a.eve).err(),
        Some(Error::DuplicateMember)
    );
    let full: Vec<AccountId> = (0..MAX_MEMBERS).map(|i| AccountId::from([i as u8; 32])).collect();
    assert!(WhitelistBoard::new(full[0], full, 11, a.eve).is_ok());
}

#[ink::test]
fn wire_once_by_the_deployer() {
    let a = accounts();
    let mut board = deploy();
    let own = ink::env::account_id::<Env>();
    let suite = SuiteAddresses {
        token: AccountId::from([0x11; 32]),
        board: own,
        flash_exit_pool: AccountId::from([0x13; 32]),
        operator_registry: AccountId::from([0x14; 32]),
        slash_protection: AccountId::from([0x15; 32]),
        oracle: AccountId::from([0x16; 32]),
        accounting: AccountId::from([0x17; 32]),
    };
    as_caller(a.bob);
    assert_refused(&mut board, Error::Wiring(WiringError::NotDeployer), |b| {
        b.wire(suite)
    });
    as_caller(a.alice);
    assert_eq!(board.wire(suite), Ok(()));
    assert_eq!(board.suite(), Some(suite));
    assert_refused(&mut board, Error::Wiring(WiringError::AlreadyWired), |b| {
        b.wire(suite)
    });
}

#[ink::test]
fn propose_records_the_schedule() {
    let a = accounts();
    let mut board = deploy();
    as_caller(a.django);
    assert_refused(&mut board, Error::NotMember, |b| {
        b.propose(Action::SetQuorum { quorum: 3 })
    });
    as_caller(a.bob);
    let events = test::recorded_events().count();
    let id = board.propose(Action::SetQuorum { quorum: 3 }).unwrap();
    assert_eq!(id, 0);
    assert_eq!(test::recorded_events().count(), events + 1);
    let view = board.proposal(id).unwrap();
    let t = Timing::DEFAULT;
    assert_eq!(view.proposal.proposer, a.bob);
    assert_eq!(view.proposal.created_at, 1_000);
    assert_eq!(view.proposal.voting_ends_at, 1_000 + t.voting_period_ms);
    assert_eq!(
        view.proposal.executable_from,
        1_000 + t.voting_period_ms + t.execution_delay_ms
    );
    assert_eq!(
        view.proposal.expires_at,
        1_000 + t.voting_period_ms + t.execution_delay_ms + t.execution_window_ms
    );
    assert_eq!(view.status, Status::Voting);
    assert_eq!((view.yes, view.no), (0, 0));
    assert_eq!(board.proposal_count(), 1);
    assert_eq!(board.proposal(1), None);
    // voting lasts until its end, exclusive: then, without votes, it is rejected
    at(view.proposal.voting_ends_at - 1);
    assert_eq!(board.proposal(id).unwrap().status, Status::Voting);
    at(view.proposal.voting_ends_at);
    assert_eq!(board.proposal(id).unwrap().status, Status::NotPassed);
}

#[ink::test]
fn voting_rules() {
    let a = accounts();
    let mut board = deploy();
    as_caller(a.alice);
    let id = board.propose(Action::SetQuorum { quorum: 3 }).unwrap();
    board.vote(id, true).unwrap();
    assert_refused(&mut board, Error::AlreadyVoted, |b| b.vote(id, false));
    as_caller(a.django);
    assert_refused(&mut board, Error::NotMember, |b| b.vote(id, true));
    as_caller(a.bob);
    assert_refused(&mut board, Error::UnknownProposal, |b| b.vote(7, true));
    board.vote(id, false).unwrap();
    assert_eq!(board.vote_of(id, a.alice), Some(true));
    assert_eq!(board.vote_of(id, a.bob), Some(false));
    assert_eq!(board.vote_of(id, a.charlie), None);
    let view = board.proposal(id).unwrap();
    assert_eq!((view.yes, view.no), (1, 1));
    assert_eq!(
        view.votes,
        vec![
            Vote {
                member: a.alice,
                approve: true
            },
            Vote {
                member: a.bob,
                approve: false
            }
        ]
    );
    at(view.proposal.voting_ends_at);
    as_caller(a.charlie);
    assert_refused(&mut board, Error::VotingClosed, |b| b.vote(id, true));
    assert_eq!(board.proposal(id).unwrap().status, Status::NotPassed);
}

#[ink::test]
fn execution_window_and_once_only() {
    let a = accounts();
    let mut board = deploy();
    as_caller(a.alice);
    let id = board
        .propose(Action::SetTiming {
            timing: two_hour_votes(),
        })
        .unwrap();
    board.vote(id, true).unwrap();
    let view = board.proposal(id).unwrap();
    // one vote of the two needed
    at(view.proposal.executable_from);
    assert_refused(&mut board, Error::QuorumNotReached, |b| b.execute(id));
    assert_eq!(board.proposal(id).unwrap().status, Status::NotPassed);

    at(view.proposal.created_at);
    as_caller(a.bob);
    board.vote(id, true).unwrap();
    at(view.proposal.voting_ends_at);
    assert_eq!(board.proposal(id).unwrap().status, Status::Queued);
    as_caller(a.django); // anyone may execute
    assert_refused(&mut board, Error::TooEarly, |b| b.execute(id));
    at(view.proposal.executable_from);
    assert_eq!(board.proposal(id).unwrap().status, Status::Executable);
    assert_refused(&mut board, Error::UnknownProposal, |b| b.execute(9));
    board.execute(id).unwrap();
    assert_eq!(board.timing(), Ok(two_hour_votes()));
    assert_eq!(board.proposal(id).unwrap().status, Status::Executed);
    assert_refused(&mut board, Error::AlreadyExecuted, |b| b.execute(id));
}

#[ink::test]
fn expired_proposals_never_execute() {
    let mut board = deploy();
    let id = pass(
        &mut board,
        Action::SetTiming {
            timing: two_hour_votes(),
        },
    );
    at(board.proposal(id).unwrap().proposal.expires_at);
    assert_eq!(board.proposal(id).unwrap().status, Status::Expired);
    as_caller(accounts().django);
    assert_refused(&mut board, Error::Expired, |b| b.execute(id));
    assert_eq!(board.timing(), Ok(Timing::DEFAULT));
}

#[ink::test]
fn members_join_and_leave_with_a_valid_quorum() {
    let a = accounts();
    let mut board = deploy();
    // 3 members, quorum 2: a 4th member needs the quorum raised to 3 with it (2 of 4 is half,
    // 4 of 4 a unanimity lock)
    let at_half = pass(
        &mut board,
        Action::AddMember {
            account: a.django,
            quorum: 2,
        },
    );
    assert_refused(&mut board, Error::InvalidQuorum, |b| b.execute(at_half));
    let unanimity = pass(
        &mut board,
        Action::AddMember {
            account: a.django,
            quorum: 4,
        },
    );
    assert_refused(&mut board, Error::UnanimityLock, |b| b.execute(unanimity));
    let add = pass(
        &mut board,
        Action::AddMember {
            account: a.django,
            quorum: 3,
        },
    );
    board.execute(add).unwrap();
    assert_eq!(board.members(), vec![a.alice, a.bob, a.charlie, a.django]);
    assert_eq!(board.quorum(), 3);
    assert_refused(&mut board, Error::AlreadyExecuted, |b| b.execute(add));

    // removing the protocol is never possible; quorums out of range are refused
    as_caller(a.alice);
    let protocol = board
        .propose(Action::RemoveMember {
            account: a.alice,
            quorum: 2,
        })
        .unwrap();
    let quorum_zero = board.propose(Action::SetQuorum { quorum: 0 }).unwrap();
    let quorum_high = board.propose(Action::SetQuorum { quorum: 5 }).unwrap();
    let quorum_all = board.propose(Action::SetQuorum { quorum: 4 }).unwrap();
    let stranger = board
        .propose(Action::RemoveMember {
            account: a.eve,
            quorum: 2,
        })
        .unwrap();
    for id in [protocol, quorum_zero, quorum_high, quorum_all, stranger] {
        for m in [a.alice, a.bob, a.charlie] {
            as_caller(m);
            board.vote(id, true).unwrap();
        }
    }
    at(board.proposal(stranger).unwrap().proposal.executable_from);
    assert_refused(&mut board, Error::ProtocolMustStay, |b| b.execute(protocol));
    assert_refused(&mut board, Error::InvalidQuorum, |b| b.execute(quorum_zero));
    assert_refused(&mut board, Error::QuorumUnreachable, |b| b.execute(quorum_high));
    assert_refused(&mut board, Error::UnanimityLock, |b| b.execute(quorum_all));
    assert_refused(&mut board, Error::NotMember, |b| b.execute(stranger));
}

/// A removal that would leave a board of three needing all three votes is refused (one lost key
/// would freeze the suite); the same removal with the quorum lowered to 2 of 3 passes.
#[ink::test]
fn a_removal_that_would_leave_unanimity_is_refused() {
    let a = accounts();
    test::set_caller::<Env>(a.alice);
    test::set_block_timestamp::<Env>(1_000);
    let mut board =
        WhitelistBoard::new(a.alice, vec![a.alice, a.bob, a.charlie, a.django], 3, a.eve).unwrap();
    as_caller(a.alice);
    let lock = board
        .propose(Action::RemoveMember {
            account: a.django,
            quorum: 3,
        })
        .unwrap();
    let unreachable = board
        .propose(Action::RemoveMember {
            account: a.django,
            quorum: 4,
        })
        .unwrap();
    let removal = board
        .propose(Action::RemoveMember {
            account: a.django,
            quorum: 2,
        })
        .unwrap();
    for id in [lock, unreachable, removal] {
        for m in [a.alice, a.bob, a.charlie] {
            as_caller(m);
            board.vote(id, true).unwrap();
        }
    }
    at(board.proposal(removal).unwrap().proposal.executable_from);
    assert_refused(&mut board, Error::UnanimityLock, |b| b.execute(lock));
    assert_refused(&mut board, Error::QuorumUnreachable, |b| b.execute(unreachable));
    board.execute(removal).unwrap();
    assert_eq!((board.members().len(), board.quorum()), (3, 2));
}

#[ink::test]
fn a_removed_member_loses_its_vote_and_a_new_member_cannot_vote_on_older_proposals() {
    let a = accounts();
    let mut board = deploy();
    // open proposal P: alice and charlie approve
    as_caller(a.alice);
    let p = board
        .propose(Action::SetTiming {
            timing: Timing {
                execution_delay_ms: 0,
                ..Timing::DEFAULT
            },
        })
        .unwrap();
    board.vote(p, true).unwrap();
    as_caller(a.charlie);
    board.vote(p, true).unwrap();
    assert_eq!(board.proposal(p).unwrap().yes, 2);
    // meanwhile charlie is removed (a proposal created before, executed now)
    at(1_000);
    as_caller(a.alice);
    let remove = board
        .propose(Action::RemoveMember {
            account: a.charlie,
            quorum: 2,
        })
        .unwrap();
    board.vote(remove, true).unwrap();
    as_caller(a.bob);
    board.vote(remove, true).unwrap();
    at(board.proposal(remove).unwrap().proposal.executable_from);
    board.execute(remove).unwrap();
    assert!(!board.is_member(a.charlie));
    // charlie's vote on P no longer counts: P lacks quorum
    let view = board.proposal(p).unwrap();
    assert_eq!(view.yes, 1);
    assert_eq!(view.votes.len(), 2, "the vote stays on record");
    assert_refused(&mut board, Error::QuorumNotReached, |b| b.execute(p));

    // a member admitted after P was created may not vote on it
    at(1_000);
    as_caller(a.alice);
    let add = board
        .propose(Action::AddMember {
            account: new_member(1),
            quorum: 2,
        })
        .unwrap();
    board.vote(add, true).unwrap();
    as_caller(a.bob);
    board.vote(add, true).unwrap();
    at(board.proposal(add).unwrap().proposal.executable_from);
    board.execute(add).unwrap();
    at(1_000);
    as_caller(new_member(1));
    assert_refused(&mut board, Error::NotEligible, |b| b.vote(p, true));
}

#[ink::test]
fn timing_is_bounded() {
    let mut board = deploy();
    let bad = Timing {
        voting_period_ms: 1,
        ..Timing::DEFAULT
    };
    let id = pass(&mut board, Action::SetTiming { timing: bad });
    assert_refused(&mut board, Error::InvalidTiming, |b| b.execute(id));
    let good = Timing {
        voting_period_ms: 2 * 60 * 60 * 1000,
        ..Timing::DEFAULT
    };
    let id = pass(&mut board, Action::SetTiming { timing: good });
    board.execute(id).unwrap();
    assert_eq!(board.timing(), Ok(good));
}

#[ink::test]
fn the_member_limit_holds() {
    let a = accounts();
    test::set_caller::<Env>(a.alice);
    test::set_block_timestamp::<Env>(1_000);
    let mut members: Vec<AccountId> = (1..MAX_MEMBERS as u8).map(new_member).collect();
    members.push(a.alice);
    assert_eq!(
        WhitelistBoard::new(a.alice, members.clone(), 21, a.eve).err(),
        Some(Error::UnanimityLock)
    );
    let mut board = WhitelistBoard::new(a.alice, members.clone(), 20, a.eve).unwrap();
    as_caller(a.alice);
    let id = board
        .propose(Action::AddMember {
            account: a.bob,
            quorum: 20,
        })
        .unwrap();
    for m in &members {
        as_caller(*m);
        board.vote(id, true).unwrap();
    }
    at(board.proposal(id).unwrap().proposal.executable_from);
    assert_refused(&mut board, Error::MemberCountOutOfRange, |b| b.execute(id));
}

#[ink::test]
fn the_last_seat_can_be_filled() {
    let a = accounts();
    test::set_caller::<Env>(a.alice);
    test::set_block_timestamp::<Env>(1_000);
    // one seat short of the limit
    let mut members: Vec<AccountId> = (1..MAX_MEMBERS as u8 - 1).map(new_member).collect();
    members.push(a.alice);
    let mut board = WhitelistBoard::new(a.alice, members.clone(), 19, a.eve).unwrap();
    as_caller(a.alice);
    let id = board
        .propose(Action::AddMember {
            account: a.bob,
            quorum: 20,
        })
        .unwrap();
    for m in &members {
        as_caller(*m);
        board.vote(id, true).unwrap();
    }
    at(board.proposal(id).unwrap().proposal.executable_from);
    board.execute(id).unwrap();
    assert_eq!(board.members().len(), MAX_MEMBERS as usize);
}

#[ink::test]
fn proposals_are_paged() {
    let mut board = deploy();
    as_caller(accounts().alice);
    for q in 0..25 {
        board.propose(Action::SetQuorum { quorum: q }).unwrap();
    }
    assert_eq!(board.proposal_count(), 25);
    assert_eq!(board.proposals(0, MAX_PAGE + 1), Err(Error::PageTooLarge));
    let page = board.proposals(20, MAX_PAGE).unwrap();
    assert_eq!(page.len(), 5);
    assert_eq!(page[0].id, 20);
    assert!(board.proposals(25, 5).unwrap().is_empty());
}

#[ink::test]
fn cross_contract_actions_need_the_wiring() {
    let mut board = deploy();
    let id = pass(
        &mut board,
        Action::Token(icseth_core::governance::TokenDecision::Pause),
    );
    assert_refused(&mut board, Error::Wiring(WiringError::NotWired), |b| {
        b.execute(id)
    });
}

/// Passes `actions` together (proposed by alice, approved by alice and bob) and moves the clock to
/// their execution time; returns their ids.
fn pass_together(board: &mut WhitelistBoard, actions: Vec<Action>) -> Vec<u64> {
    let a = accounts();
    let mut ids = Vec::new();
    for action in actions {
        as_caller(a.alice);
        let id = board.propose(action).unwrap();
        board.vote(id, true).unwrap();
        as_caller(a.bob);
        board.vote(id, true).unwrap();
        ids.push(id);
    }
    let last = *ids.last().unwrap();
    at(board.proposal(last).unwrap().proposal.executable_from);
    ids
}

fn faster() -> Timing {
    Timing {
        execution_delay_ms: 0,
        ..Timing::DEFAULT
    }
}

/// Two proposals on the same subject pass; once the newer executes, the older never does; a
/// proposal created later does. Other subjects are untouched.
#[ink::test]
fn a_newer_decision_supersedes_older_proposals_on_its_subject() {
    let mut board = deploy();
    let ids = pass_together(
        &mut board,
        vec![
            Action::SetTiming { timing: faster() },
            Action::SetTiming {
                timing: two_hour_votes(),
            },
            Action::SetQuorum { quorum: 2 },
        ],
    );
    let (older, newer, other) = (ids[0], ids[1], ids[2]);
    board.execute(newer).unwrap();
    assert_eq!(board.proposal(older).unwrap().status, Status::Superseded);
    as_caller(accounts().django);
    assert_refused(&mut board, Error::Superseded, |b| b.execute(older));
    assert_eq!(board.timing(), Ok(two_hour_votes()));
    board.execute(other).unwrap();
    let later = pass(&mut board, Action::SetTiming { timing: faster() });
    board.execute(later).unwrap();
    assert_eq!(board.timing(), Ok(faster()));
    // a superseded proposal is superseded until its expiry, then simply expired
    let expiry = board.proposal(older).unwrap().proposal.expires_at;
    at(expiry - 1);
    assert_eq!(board.proposal(older).unwrap().status, Status::Superseded);
    at(expiry);
    assert_eq!(board.proposal(older).unwrap().status, Status::Expired);
}

/// Executing the older of two passed proposals first does not void the newer one: the newer
/// decision still executes and stands (an attacker cannot race the old one in to cancel it).
#[ink::test]
fn executing_an_older_decision_first_never_voids_a_newer_one() {
    let mut board = deploy();
    let ids = pass_together(
        &mut board,
        vec![
            Action::SetTiming { timing: faster() },
            Action::SetTiming {
                timing: two_hour_votes(),
            },
        ],
    );
    as_caller(accounts().django);
    board.execute(ids[0]).unwrap();
    board.execute(ids[1]).unwrap();
    assert_eq!(board.timing(), Ok(two_hour_votes()));
}

/// "Not passed" is not final: a board of four with quorum three; a proposal with two votes ends
/// its voting short of quorum; removing the fourth member with the quorum set to two (an
/// earlier proposal, executed) makes the same two votes pass it, and it executes.
#[ink::test]
fn a_proposal_short_of_quorum_may_pass_after_a_quorum_change() {
    let a = accounts();
    test::set_caller::<Env>(a.alice);
    test::set_block_timestamp::<Env>(1_000);
    let mut board =
        WhitelistBoard::new(a.alice, vec![a.alice, a.bob, a.charlie, a.django], 3, a.eve).unwrap();
    let removal = board
        .propose(Action::RemoveMember {
            account: a.django,
            quorum: 2,
        })
        .unwrap();
    let timing = board
        .propose(Action::SetTiming {
            timing: two_hour_votes(),
        })
        .unwrap();
    for who in [a.alice, a.bob, a.charlie] {
        as_caller(who);
        board.vote(removal, true).unwrap();
    }
    for who in [a.alice, a.bob] {
        as_caller(who);
        board.vote(timing, true).unwrap();
    }
    let view = board.proposal(timing).unwrap();
    at(view.proposal.executable_from);
    assert_eq!(board.proposal(timing).unwrap().status, Status::NotPassed);
    assert_refused(&mut board, Error::QuorumNotReached, |b| b.execute(timing));
    board.execute(removal).unwrap();
    assert_eq!(board.quorum(), 2);
    assert_eq!(board.proposal(timing).unwrap().status, Status::Executable);
    board.execute(timing).unwrap();
    assert_eq!(board.timing(), Ok(two_hour_votes()));
}

#[ink::test]
fn a_cell_that_does_not_decode_refuses_every_message_that_needs_it() {
    let mut board = deploy();
    let id = pass(
        &mut board,
        Action::Token(icseth_core::governance::TokenDecision::Pause),
    );
    let (count, events) = (board.proposal_count(), test::recorded_events().count());
    // a value of the wrong type at each cell's key, as another version of the code might leave it
    ink::env::set_contract_storage(&keys::TIMING, &7u8);
    as_caller(accounts().alice);
    assert_eq!(
        board.propose(Action::SetQuorum { quorum: 3 }),
        Err(Error::StorageUnreadable)
    );
    assert_eq!(board.timing(), Err(Error::StorageUnreadable));
    ink::env::set_contract_storage(&icseth_core::wiring::WIRING_KEY, &7u8);
    assert_eq!(board.execute(id), Err(Error::Wiring(WiringError::Unreadable)));
    assert_eq!(board.suite(), None);
    assert_eq!(board.proposal_count(), count);
    assert_eq!(test::recorded_events().count(), events);
}
