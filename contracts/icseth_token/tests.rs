//! Unit tests of the ledger, off-chain: PSP22 with the whitelist in each account's entry, and the
//! accounting's one gated message, each operation within its use; every refusal leaves state and
//! events unchanged. The accounting's rules are tested in `icseth_core::books` and end to end.
#![allow(clippy::arithmetic_side_effects)]

use crate::icseth_token::*;
use crate::psp22::{refusal, PSP22Error, PSP22Metadata, PSP22};
use icseth_abi::ledger::{LedgerOp, LedgerOps, Settlement};
use icseth_core::{SuiteAddresses, WiringError, ONE};
use ink::env::{test, DefaultEnvironment};
use ink::primitives::AccountId;
use proptest::prelude::*;

type Env = DefaultEnvironment;

/// A KYC date no test reaches unless it moves the clock there.
const KYC: u64 = 1 << 60;

fn accounts() -> test::DefaultAccounts<Env> {
    test::default_accounts::<Env>()
}

/// alice deploys; django and eve are institutions; frank is an outsider; the treasury is charlie.
fn inst_a() -> AccountId {
    accounts().django
}
fn inst_b() -> AccountId {
    accounts().eve
}
fn outsider() -> AccountId {
    accounts().frank
}
fn treasury() -> AccountId {
    accounts().charlie
}

fn as_caller(who: AccountId) {
    test::set_caller::<Env>(who);
}

fn queue() -> AccountId {
    ink::env::account_id::<Env>()
}

fn suite() -> SuiteAddresses {
    SuiteAddresses {
        token: queue(),
        board: AccountId::from([0x12; 32]),
        flash_exit_pool: AccountId::from([0x13; 32]),
        operator_registry: AccountId::from([0x14; 32]),
        slash_protection: AccountId::from([0x15; 32]),
        oracle: AccountId::from([0x16; 32]),
        accounting: AccountId::from([0x17; 32]),
    }
}

fn accounting() -> AccountId {
    suite().accounting
}

fn protection() -> AccountId {
    suite().slash_protection
}

/// Every caller but the accounting: the suite's other contracts, the deployer, holders.
fn not_the_accounting() -> Vec<AccountId> {
    let s = suite();
    vec![
        s.board,
        s.flash_exit_pool,
        s.operator_registry,
        s.slash_protection,
        s.oracle,
        queue(),
        accounts().alice,
        inst_a(),
        outsider(),
        treasury(),
    ]
}

fn deploy() -> IcsethToken {
    as_caller(accounts().alice);
    IcsethToken::new()
}

/// Wired, with two whitelisted institutions; `inst_a` holds 10 shares from a deposit.
fn funded() -> IcsethToken {
    let mut ledger = deploy();
    ledger.wire(suite()).unwrap();
    apply(
        &mut ledger,
        LedgerOp::SetStanding {
            account: inst_a(),
            whitelisted: true,
            kyc_valid_until: KYC,
        },
    )
    .unwrap();
    apply(
        &mut ledger,
        LedgerOp::SetStanding {
            account: inst_b(),
            whitelisted: true,
            kyc_valid_until: KYC,
        },
    )
    .unwrap();
    apply(
        &mut ledger,
        LedgerOp::MintDeposit {
            to: inst_a(),
            shares: 10 * ONE,
        },
    )
    .unwrap();
    ledger
}

fn apply(ledger: &mut IcsethToken, op: LedgerOp) -> Result<u128, Error> {
    as_caller(accounting());
    ledger.apply(op)
}

fn event_count() -> usize {
    test::recorded_events().count()
}

fn custom(s: &str) -> PSP22Error {
    PSP22Error::Custom(s.to_string())
}

/// Everything a refused message must leave untouched.
#[derive(Debug, PartialEq)]
struct Snapshot {
    accounts: Vec<Account>,
    allowances: Vec<u128>,
    supply: u128,
    paused: bool,
    events: usize,
}

fn snapshot(ledger: &IcsethToken) -> Snapshot {
    let who = [
        inst_a(),
        inst_b(),
        outsider(),
        treasury(),
        protection(),
        queue(),
        accounting(),
    ];
    Snapshot {
        accounts: who.iter().map(|a| ledger.standing(*a)).collect(),
        allowances: who
            .iter()
            .flat_map(|a| who.iter().map(|b| ledger.allowance(*a, *b)))
            .collect(),
        supply: ledger.total_supply(),
        paused: ledger.is_paused(),
        events: event_count(),
    }
}

/// Runs `f`, asserts it failed with `expected`, and that nothing observable changed.
fn assert_refused<T: std::fmt::Debug, E: std::fmt::Debug + PartialEq>(
    ledger: &mut IcsethToken,
    expected: E,
    f: impl FnOnce(&mut IcsethToken) -> Result<T, E>,
) {
    let before = snapshot(ledger);
    let result = f(ledger);
    assert_eq!(result.err(), Some(expected));
    assert_eq!(
        snapshot(ledger),
        before,
        "a refusal changed state or emitted events"
    );
}

#[ink::test]
fn a_new_ledger_is_empty_and_unwired() {
    let ledger = deploy();
    assert_eq!(ledger.total_supply(), 0);
    assert_eq!(ledger.suite(), None);
    assert!(!ledger.is_paused());
    assert!(!ledger.is_whitelisted(inst_a()));
    assert_eq!(ledger.token_name(), Some("icsETH".to_string()));
    assert_eq!(ledger.token_symbol(), Some("icsETH".to_string()));
    assert_eq!(ledger.token_decimals(), 18);
}

#[ink::test]
fn wire_once_by_the_deployer() {
    let mut ledger = deploy();
    as_caller(outsider());
    assert_refused(&mut ledger, Error::Wiring(WiringError::NotDeployer), |l| {
        l.wire(suite())
    });
    as_caller(accounts().alice);
    let elsewhere = SuiteAddresses {
        token: outsider(),
        ..suite()
    };
    assert_refused(&mut ledger, Error::Wiring(WiringError::WrongSelfAddress), |l| {
        l.wire(elsewhere)
    });
    // before the wiring nobody is the accounting
    assert_refused(&mut ledger, Error::Wiring(WiringError::NotWired), |l| {
        apply(l, LedgerOp::SetPaused(true))
    });
    as_caller(accounts().alice);
    assert_eq!(ledger.wire(suite()), Ok(()));
    assert_eq!(ledger.suite(), Some(suite()));
    assert_refused(&mut ledger, Error::Wiring(WiringError::AlreadyWired), |l| {
        l.wire(suite())
    });
}

/// Mint, lock, burn, standing and the pause: nobody but the wired accounting, for any operation.
#[ink::test]
fn only_the_accounting_changes_the_ledger() {
    let mut ledger = funded();
    let ops = [
        LedgerOp::MintDeposit {
            to: inst_a(),
            shares: ONE,
        },
        LedgerOp::Lock {
            holder: inst_a(),
            shares: ONE,
        },
        LedgerOp::BurnExit {
            holder: inst_a(),
            shares: ONE,
        },
        LedgerOp::Settle(Settlement {
            protocol_fee_shares: ONE,
            ..Settlement::empty(treasury())
        }),
        LedgerOp::Settle(Settlement {
            queue_burned: 1,
            ..Settlement::empty(treasury())
        }),
        LedgerOp::SetStanding {
            account: outsider(),
            whitelisted: true,
            kyc_valid_until: KYC,
        },
        LedgerOp::SetStanding {
            account: inst_a(),
            whitelisted: false,
            kyc_valid_until: KYC,
        },
        LedgerOp::SetPaused(true),
    ];
    for caller in not_the_accounting() {
        for op in ops.iter() {
            as_caller(caller);
            assert_refused(&mut ledger, Error::NotAccounting, |l| l.apply(op.clone()));
        }
    }
}

/// A deposit's mint goes only to a whitelisted institution, never while paused, never for zero;
/// it answers the new supply.
#[ink::test]
fn a_deposits_mint_goes_to_a_whitelisted_institution_only() {
    let mut ledger = funded();
    assert_eq!(ledger.balance_of(inst_a()), 10 * ONE);
    for to in [outsider(), treasury(), protection(), queue(), accounting()] {
        assert_refused(&mut ledger, Error::NotWhitelisted, |l| {
            apply(l, LedgerOp::MintDeposit { to, shares: ONE })
        });
    }
    assert_refused(&mut ledger, Error::ZeroAmount, |l| {
        apply(
            l,
            LedgerOp::MintDeposit {
                to: inst_b(),
                shares: 0,
            },
        )
    });
    let events = event_count();
    assert_eq!(
        apply(
            &mut ledger,
            LedgerOp::MintDeposit {
                to: inst_b(),
                shares: ONE
            }
        ),
        Ok(11 * ONE)
    );
    assert_eq!(event_count(), events + 1, "one Transfer (a mint)");
    apply(&mut ledger, LedgerOp::SetPaused(true)).unwrap();
    assert_refused(&mut ledger, Error::Paused, |l| {
        apply(
            l,
            LedgerOp::MintDeposit {
                to: inst_b(),
                shares: ONE,
            },
        )
    });
}

/// A lock moves only the holder's own shares, only into the queue, and keeps them in the supply.
#[ink::test]
fn a_lock_moves_a_holders_shares_into_the_queue() {
    let mut ledger = funded();
    assert_refused(&mut ledger, Error::InsufficientShares, |l| {
        apply(
            l,
            LedgerOp::Lock {
                holder: inst_a(),
                shares: 10 * ONE + 1,
            },
        )
    });
    assert_refused(&mut ledger, Error::InsufficientShares, |l| {
        apply(
            l,
            LedgerOp::Lock {
                holder: inst_b(),
                shares: 1,
            },
        )
    });
    assert_refused(&mut ledger, Error::ZeroAmount, |l| {
        apply(
            l,
            LedgerOp::Lock {
                holder: inst_a(),
                shares: 0,
            },
        )
    });
    // only a holder's shares enter the queue: never the queue's own, a suite contract's
    for holder in [queue(), protection(), accounting()] {
        assert_refused(&mut ledger, Error::SuiteContract, |l| {
            apply(l, LedgerOp::Lock { holder, shares: 1 })
        });
    }
    assert_eq!(
        apply(
            &mut ledger,
            LedgerOp::Lock {
                holder: inst_a(),
                shares: 4 * ONE
            }
        ),
        Ok(10 * ONE)
    );
    assert_eq!(ledger.balance_of(inst_a()), 6 * ONE);
    assert_eq!(ledger.balance_of(queue()), 4 * ONE);
    // a removed institution may still request (its shares are its own)
    apply(
        &mut ledger,
        LedgerOp::SetStanding {
            account: inst_a(),
            whitelisted: false,
            kyc_valid_until: KYC,
        },
    )
    .unwrap();
    apply(
        &mut ledger,
        LedgerOp::Lock {
            holder: inst_a(),
            shares: ONE,
        },
    )
    .unwrap();
    apply(&mut ledger, LedgerOp::SetPaused(true)).unwrap();
    assert_refused(&mut ledger, Error::Paused, |l| {
        apply(
            l,
            LedgerOp::Lock {
                holder: inst_a(),
                shares: ONE,
            },
        )
    });
}

/// An exit burns only a holder's own shares: never the queue's or a suite contract's, never while
/// paused, never more than held.
#[ink::test]
fn an_exit_burns_only_a_holders_own_shares() {
    let mut ledger = funded();
    apply(
        &mut ledger,
        LedgerOp::Lock {
            holder: inst_a(),
            shares: 2 * ONE,
        },
    )
    .unwrap();
    apply(
        &mut ledger,
        LedgerOp::Settle(Settlement {
            protection_fee_shares: ONE,
            ..Settlement::empty(treasury())
        }),
    )
    .unwrap();
    for holder in [queue(), protection(), accounting(), suite().board] {
        assert_refused(&mut ledger, Error::SuiteContract, |l| {
            apply(l, LedgerOp::BurnExit { holder, shares: ONE })
        });
    }
    assert_refused(&mut ledger, Error::InsufficientShares, |l| {
        apply(
            l,
            LedgerOp::BurnExit {
                holder: inst_a(),
                shares: 8 * ONE + 1,
            },
        )
    });
    assert_eq!(
        apply(
            &mut ledger,
            LedgerOp::BurnExit {
                holder: inst_a(),
                shares: 3 * ONE
            }
        ),
        Ok(8 * ONE)
    );
    assert_eq!(ledger.balance_of(inst_a()), 5 * ONE);
    apply(&mut ledger, LedgerOp::SetPaused(true)).unwrap();
    assert_refused(&mut ledger, Error::Paused, |l| {
        apply(
            l,
            LedgerOp::BurnExit {
                holder: inst_a(),
                shares: ONE,
            },
        )
    });
}

/// A report's settlement mints fees to the named treasury and the wired protection pool, burns
/// cover only from that pool and finalized tickets only from the queue, and goes on while paused.
#[ink::test]
fn a_settlement_mints_fees_and_burns_cover_and_the_queue_even_while_paused() {
    let mut ledger = funded();
    apply(
        &mut ledger,
        LedgerOp::Lock {
            holder: inst_a(),
            shares: 4 * ONE,
        },
    )
    .unwrap();
    apply(&mut ledger, LedgerOp::SetPaused(true)).unwrap();
    let events = event_count();
    let settled = apply(
        &mut ledger,
        LedgerOp::Settle(Settlement {
            treasury: treasury(),
            protocol_fee_shares: 2 * ONE,
            protection_fee_shares: 3 * ONE,
            cover_burned: ONE,
            queue_burned: 4 * ONE,
        }),
    );
    assert_eq!(settled, Ok(10 * ONE + 2 * ONE + 3 * ONE - ONE - 4 * ONE));
    assert_eq!(event_count(), events + 4, "two mints and two burns");
    assert_eq!(ledger.balance_of(treasury()), 2 * ONE);
    assert_eq!(ledger.balance_of(protection()), 2 * ONE);
    assert_eq!(ledger.balance_of(queue()), 0);
    assert_eq!(
        ledger.balance_of(inst_a()),
        6 * ONE,
        "holders are never burned by a report"
    );
    // never more than the pool or the queue holds
    assert_refused(&mut ledger, Error::InsufficientShares, |l| {
        apply(
            l,
            LedgerOp::Settle(Settlement {
                cover_burned: 2 * ONE + 1,
                ..Settlement::empty(treasury())
            }),
        )
    });
    assert_refused(&mut ledger, Error::InsufficientShares, |l| {
        apply(
            l,
            LedgerOp::Settle(Settlement {
                queue_burned: 1,
                ..Settlement::empty(treasury())
            }),
        )
    });
    // fee shares never go where they could never move again
    for stuck in [
        queue(),
        accounting(),
        protection(),
        suite().oracle,
        AccountId::from([0; 32]),
    ] {
        assert_refused(&mut ledger, Error::SuiteContract, |l| {
            apply(
                l,
                LedgerOp::Settle(Settlement {
                    protocol_fee_shares: ONE,
                    ..Settlement::empty(stuck)
                }),
            )
        });
    }
    // a report without a protocol fee settles whoever the treasury is: nothing is minted to it
    let supply = ledger.total_supply();
    apply(
        &mut ledger,
        LedgerOp::Settle(Settlement {
            protocol_fee_shares: 0,
            ..Settlement::empty(accounting())
        }),
    )
    .expect("a settlement without fee shares");
    assert_eq!(ledger.total_supply(), supply);
    assert_eq!(ledger.balance_of(accounting()), 0);
}

#[ink::test]
fn standing_and_the_pause_change_only_when_they_change() {
    let mut ledger = funded();
    assert!(ledger.is_whitelisted(inst_a()));
    assert_refused(&mut ledger, Error::AlreadyWhitelisted, |l| {
        apply(
            l,
            LedgerOp::SetStanding {
                account: inst_a(),
                whitelisted: true,
                kyc_valid_until: KYC,
            },
        )
    });
    assert_refused(&mut ledger, Error::UnknownInstitution, |l| {
        apply(
            l,
            LedgerOp::SetStanding {
                account: outsider(),
                whitelisted: false,
                kyc_valid_until: KYC,
            },
        )
    });
    for contract in [queue(), accounting(), protection(), suite().board] {
        assert_refused(&mut ledger, Error::SuiteContract, |l| {
            apply(
                l,
                LedgerOp::SetStanding {
                    account: contract,
                    whitelisted: true,
                    kyc_valid_until: KYC,
                },
            )
        });
    }
    apply(
        &mut ledger,
        LedgerOp::SetStanding {
            account: inst_a(),
            whitelisted: false,
            kyc_valid_until: KYC,
        },
    )
    .unwrap();
    assert!(!ledger.is_whitelisted(inst_a()));
    assert_eq!(
        ledger.balance_of(inst_a()),
        10 * ONE,
        "a removed institution keeps its shares"
    );
    assert_refused(&mut ledger, Error::NotPaused, |l| {
        apply(l, LedgerOp::SetPaused(false))
    });
    apply(&mut ledger, LedgerOp::SetPaused(true)).unwrap();
    assert!(ledger.is_paused());
    assert_refused(&mut ledger, Error::AlreadyPaused, |l| {
        apply(l, LedgerOp::SetPaused(true))
    });
    apply(&mut ledger, LedgerOp::SetPaused(false)).unwrap();
    assert!(!ledger.is_paused());
}

// ---- PSP22 ------------------------------------------------------------------------------------

#[ink::test]
fn transfer_moves_shares_to_whitelisted_receivers_only() {
    let mut ledger = funded();
    as_caller(inst_a());
    let events = event_count();
    ledger.transfer(inst_b(), 4 * ONE, vec![]).unwrap();
    assert_eq!(ledger.balance_of(inst_a()), 6 * ONE);
    assert_eq!(ledger.balance_of(inst_b()), 4 * ONE);
    assert_eq!(ledger.total_supply(), 10 * ONE);
    assert_eq!(event_count(), events + 1);
    let transfer = test::recorded_events().last().unwrap();
    assert_eq!(transfer.topics.len(), 3, "signature, from and to are topics");
    assert_refused(&mut ledger, custom(refusal::RECEIVER_NOT_WHITELISTED), |l| {
        l.transfer(outsider(), ONE, vec![])
    });
    assert_refused(&mut ledger, PSP22Error::InsufficientBalance, |l| {
        l.transfer(inst_b(), 6 * ONE + 1, vec![])
    });
    // zero-value and self transfers succeed without an event
    let before = snapshot(&ledger);
    ledger.transfer(inst_b(), 0, vec![]).unwrap();
    ledger.transfer(inst_a(), ONE, vec![]).unwrap();
    assert_eq!(snapshot(&ledger), before);
}

/// Shares sent to a suite contract could never move again: every transfer to one is refused,
/// except the slash-protection pool pulling a donation into itself.
#[ink::test]
fn transfers_to_suite_contracts_are_refused_except_the_pools_pull() {
    let mut ledger = funded();
    let s = suite();
    as_caller(inst_a());
    for contract in [
        s.board,
        s.flash_exit_pool,
        s.operator_registry,
        s.slash_protection,
        s.oracle,
        s.accounting,
    ] {
        assert_refused(&mut ledger, custom(refusal::RECEIVER_IS_SUITE_CONTRACT), |l| {
            l.transfer(contract, ONE, vec![])
        });
    }
    assert_refused(&mut ledger, custom(refusal::RECEIVER_IS_THE_QUEUE), |l| {
        l.transfer(queue(), ONE, vec![])
    });
    ledger.approve(s.board, ONE).unwrap();
    ledger.approve(s.slash_protection, 2 * ONE).unwrap();
    as_caller(s.board);
    assert_refused(&mut ledger, custom(refusal::RECEIVER_IS_SUITE_CONTRACT), |l| {
        l.transfer_from(inst_a(), s.board, ONE, vec![])
    });
    as_caller(s.slash_protection);
    assert_refused(&mut ledger, custom(refusal::RECEIVER_IS_SUITE_CONTRACT), |l| {
        l.transfer_from(inst_a(), s.operator_registry, ONE, vec![])
    });
    ledger
        .transfer_from(inst_a(), s.slash_protection, ONE, vec![])
        .unwrap();
    assert_eq!(ledger.balance_of(s.slash_protection), ONE);
}

#[ink::test]
fn removed_institutions_cannot_receive_but_can_send() {
    let mut ledger = funded();
    apply(
        &mut ledger,
        LedgerOp::SetStanding {
            account: inst_b(),
            whitelisted: false,
            kyc_valid_until: KYC,
        },
    )
    .unwrap();
    as_caller(inst_a());
    assert_refused(&mut ledger, custom(refusal::RECEIVER_NOT_WHITELISTED), |l| {
        l.transfer(inst_b(), ONE, vec![])
    });
    apply(
        &mut ledger,
        LedgerOp::SetStanding {
            account: inst_b(),
            whitelisted: true,
            kyc_valid_until: KYC,
        },
    )
    .unwrap();
    as_caller(inst_a());
    ledger.transfer(inst_b(), ONE, vec![]).unwrap();
    apply(
        &mut ledger,
        LedgerOp::SetStanding {
            account: inst_b(),
            whitelisted: false,
            kyc_valid_until: KYC,
        },
    )
    .unwrap();
    as_caller(inst_b());
    ledger.transfer(inst_a(), ONE, vec![]).unwrap();
    assert_eq!(ledger.balance_of(inst_b()), 0);
}

#[ink::test]
fn transfers_are_paused_with_the_ledger() {
    let mut ledger = funded();
    as_caller(inst_a());
    ledger.approve(inst_b(), ONE).unwrap();
    apply(&mut ledger, LedgerOp::SetPaused(true)).unwrap();
    as_caller(inst_a());
    assert_refused(&mut ledger, custom(refusal::PAUSED), |l| {
        l.transfer(inst_b(), ONE, vec![])
    });
    as_caller(inst_b());
    assert_refused(&mut ledger, custom(refusal::PAUSED), |l| {
        l.transfer_from(inst_a(), inst_b(), ONE, vec![])
    });
}

#[ink::test]
fn transfer_from_spends_the_allowance() {
    let mut ledger = funded();
    as_caller(inst_a());
    ledger.approve(inst_b(), 3 * ONE).unwrap();
    as_caller(inst_b());
    assert_refused(&mut ledger, PSP22Error::InsufficientAllowance, |l| {
        l.transfer_from(inst_a(), inst_b(), 3 * ONE + 1, vec![])
    });
    assert_refused(&mut ledger, custom(refusal::RECEIVER_NOT_WHITELISTED), |l| {
        l.transfer_from(inst_a(), outsider(), ONE, vec![])
    });
    let events = event_count();
    ledger.transfer_from(inst_a(), inst_b(), 2 * ONE, vec![]).unwrap();
    assert_eq!(event_count(), events + 2, "Approval and Transfer");
    assert_eq!(ledger.allowance(inst_a(), inst_b()), ONE);
    assert_eq!(ledger.balance_of(inst_a()), 8 * ONE);
    assert_eq!(ledger.balance_of(inst_b()), 2 * ONE);
    // an allowance above the balance still fails on the balance
    as_caller(inst_a());
    ledger.approve(inst_b(), 100 * ONE).unwrap();
    as_caller(inst_b());
    assert_refused(&mut ledger, PSP22Error::InsufficientBalance, |l| {
        l.transfer_from(inst_a(), inst_b(), 9 * ONE, vec![])
    });
    let before = snapshot(&ledger);
    ledger.transfer_from(inst_a(), inst_b(), 0, vec![]).unwrap();
    assert_eq!(snapshot(&ledger), before);
    // exactly the allowance, exactly the whole balance: both edges are allowed
    as_caller(inst_a());
    ledger.approve(inst_b(), 8 * ONE).unwrap();
    as_caller(inst_b());
    ledger.transfer_from(inst_a(), inst_b(), 8 * ONE, vec![]).unwrap();
    assert_eq!(ledger.allowance(inst_a(), inst_b()), 0);
    assert_eq!(ledger.balance_of(inst_a()), 0);
}

#[ink::test]
fn allowances_approve_increase_decrease() {
    let mut ledger = funded();
    as_caller(inst_a());
    let events = event_count();
    ledger.approve(inst_b(), 5).unwrap();
    ledger.increase_allowance(inst_b(), 3).unwrap();
    ledger.decrease_allowance(inst_b(), 2).unwrap();
    assert_eq!(ledger.allowance(inst_a(), inst_b()), 6);
    assert_eq!(event_count(), events + 3);
    assert_refused(&mut ledger, PSP22Error::InsufficientAllowance, |l| {
        l.decrease_allowance(inst_b(), 7)
    });
    ledger.decrease_allowance(inst_b(), 6).unwrap();
    assert_eq!(ledger.allowance(inst_a(), inst_b()), 0);
    ledger.increase_allowance(inst_b(), u128::MAX).unwrap();
    ledger.increase_allowance(inst_b(), 1).unwrap();
    assert_eq!(ledger.allowance(inst_a(), inst_b()), u128::MAX, "saturates");
    let before = snapshot(&ledger);
    ledger.approve(inst_a(), 9).unwrap();
    ledger.increase_allowance(inst_b(), 0).unwrap();
    ledger.decrease_allowance(inst_b(), 0).unwrap();
    assert_eq!(snapshot(&ledger), before);
}

/// A value of another type at the wiring cell's key: the gated message refuses with
/// `StorageUnreadable`, a transfer between institutions still works (it reads only their
/// entries), and one to anyone else refuses with the PSP22 string of that name.
#[ink::test]
fn an_unreadable_wiring_cell_fails_loudly() {
    let mut ledger = funded();
    ink::env::set_contract_storage(&icseth_core::wiring::WIRING_KEY, &7u8);
    assert_refused(&mut ledger, Error::Wiring(WiringError::Unreadable), |l| {
        apply(l, LedgerOp::SetPaused(true))
    });
    assert_eq!(ledger.suite(), None);
    as_caller(inst_a());
    assert_eq!(ledger.transfer(inst_b(), ONE, Vec::new()), Ok(()));
    assert_refused(&mut ledger, custom(refusal::STORAGE_UNREADABLE), |l| {
        l.transfer(outsider(), ONE, Vec::new())
    });
}

// ---- compliance: KYC dates and freezes ------------------------------------------------------

fn at(time_ms: u64) {
    test::set_block_timestamp::<Env>(time_ms);
}

fn freeze(ledger: &mut IcsethToken, account: AccountId, frozen_until: u64) {
    apply(
        ledger,
        LedgerOp::SetFrozenUntil {
            account,
            frozen_until,
        },
    )
    .unwrap();
}

/// inst_b's KYC date is 1,000 ms; at and after it she can neither receive nor be minted to, but
/// she sends to a valid institution; a renewal restores her.
#[ink::test]
fn an_expired_kyc_stops_receipts_and_mints_not_sending() {
    let mut ledger = funded();
    apply(
        &mut ledger,
        LedgerOp::RenewKyc {
            account: inst_b(),
            valid_until: 1_000,
        },
    )
    .unwrap();
    as_caller(inst_a());
    ledger.transfer(inst_b(), 2 * ONE, Vec::new()).unwrap();
    at(999);
    assert!(ledger.is_whitelisted(inst_b()));
    at(1_000);
    assert!(!ledger.is_whitelisted(inst_b()));
    as_caller(inst_a());
    assert_refused(&mut ledger, custom(refusal::RECEIVER_KYC_EXPIRED), |l| {
        l.transfer(inst_b(), ONE, Vec::new())
    });
    assert_refused(&mut ledger, Error::KycExpired, |l| {
        apply(
            l,
            LedgerOp::MintDeposit {
                to: inst_b(),
                shares: ONE,
            },
        )
    });
    // she may still send to a valid institution, lock and exit
    as_caller(inst_b());
    ledger.transfer(inst_a(), ONE, Vec::new()).unwrap();
    apply(
        &mut ledger,
        LedgerOp::Lock {
            holder: inst_b(),
            shares: ONE / 2,
        },
    )
    .unwrap();
    apply(
        &mut ledger,
        LedgerOp::BurnExit {
            holder: inst_b(),
            shares: ONE / 2,
        },
    )
    .unwrap();
    assert_eq!(ledger.balance_of(inst_b()), 0);
    // renewal is only for a whitelisted institution
    assert_refused(&mut ledger, Error::UnknownInstitution, |l| {
        apply(
            l,
            LedgerOp::RenewKyc {
                account: outsider(),
                valid_until: KYC,
            },
        )
    });
    apply(
        &mut ledger,
        LedgerOp::RenewKyc {
            account: inst_b(),
            valid_until: 5_000,
        },
    )
    .unwrap();
    as_caller(inst_a());
    ledger.transfer(inst_b(), ONE, Vec::new()).unwrap();
    assert_eq!(ledger.balance_of(inst_b()), ONE);
}

/// A frozen account neither sends, receives, approves, nor has its shares moved by allowance; a
/// frozen spender moves nobody's; the accounting's lock and exit burn refuse it; its freeze ends
/// at `frozen_until` by time.
#[ink::test]
fn a_frozen_account_moves_nothing_and_nothing_moves_it() {
    let mut ledger = funded();
    as_caller(inst_a());
    ledger.approve(inst_b(), 5 * ONE).unwrap();
    as_caller(inst_b());
    ledger.approve(outsider(), 5 * ONE).unwrap();
    freeze(&mut ledger, inst_a(), 10_000);
    as_caller(inst_a());
    assert_refused(&mut ledger, custom(refusal::SENDER_FROZEN), |l| {
        l.transfer(inst_b(), ONE, Vec::new())
    });
    assert_refused(&mut ledger, custom(refusal::SENDER_FROZEN), |l| {
        l.approve(outsider(), ONE)
    });
    assert_refused(&mut ledger, custom(refusal::SENDER_FROZEN), |l| {
        l.increase_allowance(outsider(), ONE)
    });
    // lowering an allowance only reduces risk
    ledger.decrease_allowance(inst_b(), ONE).unwrap();
    // the allowance it gave cannot move its shares
    as_caller(inst_b());
    assert_refused(&mut ledger, custom(refusal::SENDER_FROZEN), |l| {
        l.transfer_from(inst_a(), inst_b(), ONE, Vec::new())
    });
    // it cannot receive
    assert_refused(&mut ledger, custom(refusal::RECEIVER_FROZEN), |l| {
        l.transfer(inst_a(), ONE, Vec::new())
    });
    assert_refused(&mut ledger, Error::Frozen, |l| {
        apply(
            l,
            LedgerOp::MintDeposit {
                to: inst_a(),
                shares: ONE,
            },
        )
    });
    assert_refused(&mut ledger, Error::Frozen, |l| {
        apply(
            l,
            LedgerOp::Lock {
                holder: inst_a(),
                shares: ONE,
            },
        )
    });
    assert_refused(&mut ledger, Error::Frozen, |l| {
        apply(
            l,
            LedgerOp::BurnExit {
                holder: inst_a(),
                shares: ONE,
            },
        )
    });
    // a frozen spender moves nobody's shares, even to a valid receiver
    freeze(&mut ledger, inst_a(), 0);
    as_caller(inst_a());
    ledger.transfer(inst_b(), 2 * ONE, Vec::new()).unwrap();
    freeze(&mut ledger, outsider(), 10_000);
    as_caller(outsider());
    assert_refused(&mut ledger, custom(refusal::SPENDER_FROZEN), |l| {
        l.transfer_from(inst_b(), inst_a(), ONE, Vec::new())
    });
    // the freeze ends by time
    at(10_000);
    ledger.transfer_from(inst_b(), inst_a(), ONE, Vec::new()).unwrap();
    assert_eq!(ledger.balance_of(inst_a()), 9 * ONE);
}

/// The queue and the suite's contracts are never frozen: fees, cover and the queue's burns move
/// through them. A settlement goes on for frozen holders' shares in the queue.
#[ink::test]
fn suite_accounts_are_never_frozen() {
    let mut ledger = funded();
    for account in [queue(), protection(), accounting(), AccountId::from([0; 32])] {
        assert_refused(&mut ledger, Error::SuiteContract, |l| {
            apply(
                l,
                LedgerOp::SetFrozenUntil {
                    account,
                    frozen_until: u64::MAX,
                },
            )
        });
    }
    apply(
        &mut ledger,
        LedgerOp::Lock {
            holder: inst_a(),
            shares: 4 * ONE,
        },
    )
    .unwrap();
    freeze(&mut ledger, inst_a(), u64::MAX);
    let mut settlement = Settlement::empty(treasury());
    settlement.queue_burned = 4 * ONE;
    apply(&mut ledger, LedgerOp::Settle(settlement)).unwrap();
    assert_eq!(ledger.total_supply(), 6 * ONE);
    let entry = ledger.standing(inst_a());
    assert_eq!(entry.frozen_until, u64::MAX);
    assert_eq!(entry.balance, 6 * ONE);
}

/// Entries live at the documented key whatever the code calls the field: an auditor reading raw
/// storage, and a later version of the code, find them at `(keys::ACCOUNTS, account)`.
#[ink::test]
fn accounts_live_at_their_fixed_storage_key() {
    let ledger = deploy();
    ink::env::set_contract_storage(
        &(keys::ACCOUNTS, inst_a()),
        &Account {
            balance: 7 * ONE,
            whitelisted: true,
            kyc_valid_until: KYC,
            frozen_until: 0,
        },
    );
    assert_eq!(ledger.balance_of(inst_a()), 7 * ONE);
    assert!(ledger.is_whitelisted(inst_a()));
}

// ---- any sequence -----------------------------------------------------------------------------

#[derive(Debug, Clone)]
enum Op {
    Mint { who: usize, shares: u128 },
    Transfer { from: usize, to: usize, shares: u128 },
    Lock { who: usize, shares: u128 },
    Exit { who: usize, shares: u128 },
    Settle { fee: u128, cover: u128, queue: u128 },
    Standing { who: usize, whitelisted: bool },
    Pause(bool),
    Freeze { who: usize, frozen: bool },
    Kyc { who: usize, expired: bool },
}

fn op() -> impl Strategy<Value = Op> {
    let shares = 0u128..20;
    prop_oneof![
        (0..3usize, shares.clone()).prop_map(|(who, shares)| Op::Mint { who, shares }),
        (0..3usize, 0..3usize, shares.clone()).prop_map(|(from, to, shares)| Op::Transfer {
            from,
            to,
            shares
        }),
        (0..3usize, shares.clone()).prop_map(|(who, shares)| Op::Lock { who, shares }),
        (0..3usize, shares.clone()).prop_map(|(who, shares)| Op::Exit { who, shares }),
        (shares.clone(), 0u128..5, 0u128..10).prop_map(|(fee, cover, queue)| Op::Settle {
            fee,
            cover,
            queue
        }),
        (0..3usize, any::<bool>()).prop_map(|(who, whitelisted)| Op::Standing { who, whitelisted }),
        any::<bool>().prop_map(Op::Pause),
        (0..3usize, any::<bool>()).prop_map(|(who, frozen)| Op::Freeze { who, frozen }),
        (0..3usize, any::<bool>()).prop_map(|(who, expired)| Op::Kyc { who, expired }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// Over any sequence of the accounting's operations and holders' transfers: every account's
    /// balance is what a plain model of the rules says, the balances sum to the supply, every
    /// answer is the supply, and a refusal changes nothing.
    #[test]
    fn balances_follow_the_model_and_sum_to_the_supply(ops in proptest::collection::vec(op(), 1..60)) {
        test::run_test::<Env, _>(|_| {
            let holders = [inst_a(), inst_b(), outsider()];
            let mut ledger = deploy();
            ledger.wire(suite()).unwrap();
            // the model: balances of the holders, the treasury, the pool and the queue; standing
            let mut held = [0u128; 3];
            let (mut fees, mut pool, mut queued) = (0u128, 0u128, 0u128);
            let mut listed = [false; 3];
            let mut paused = false;
            // compliance: a freeze and a KYC date, compared with a block time of `NOW`
            const NOW: u64 = 1_000_000;
            at(NOW);
            let mut frozen = [false; 3];
            let mut kyc_ok = [true; 3];
            for op in ops {
                let before = snapshot(&ledger);
                let outcome = match op.clone() {
                    Op::Mint { who, shares } => {
                        let ok = listed[who] && kyc_ok[who] && !frozen[who] && !paused && shares > 0;
                        let r = apply(&mut ledger, LedgerOp::MintDeposit { to: holders[who], shares });
                        if ok { held[who] += shares; }
                        (ok, r.map(Some))
                    }
                    Op::Transfer { from, to, shares } => {
                        let trivial = from == to || shares == 0;
                        let ok = trivial
                            || (!paused && listed[to] && kyc_ok[to] && !frozen[to] && !frozen[from]
                                && held[from] >= shares);
                        as_caller(holders[from]);
                        let r = ledger.transfer(holders[to], shares, vec![]);
                        if ok && !trivial { held[from] -= shares; held[to] += shares; }
                        (ok, r.map(|()| None).map_err(|_| Error::Overflow))
                    }
                    Op::Lock { who, shares } => {
                        let ok = !paused && !frozen[who] && shares > 0 && held[who] >= shares;
                        let r = apply(&mut ledger, LedgerOp::Lock { holder: holders[who], shares });
                        if ok { held[who] -= shares; queued += shares; }
                        (ok, r.map(Some))
                    }
                    Op::Exit { who, shares } => {
                        let ok = !paused && !frozen[who] && shares > 0 && held[who] >= shares;
                        let r = apply(&mut ledger, LedgerOp::BurnExit { holder: holders[who], shares });
                        if ok { held[who] -= shares; }
                        (ok, r.map(Some))
                    }
                    Op::Settle { fee, cover, queue } => {
                        let ok = cover <= pool + fee && queue <= queued;
                        let r = apply(&mut ledger, LedgerOp::Settle(Settlement {
                            treasury: treasury(),
                            protocol_fee_shares: fee,
                            protection_fee_shares: fee,
                            cover_burned: cover,
                            queue_burned: queue,
                        }));
                        if ok { fees += fee; pool = pool + fee - cover; queued -= queue; }
                        (ok, r.map(Some))
                    }
                    Op::Standing { who, whitelisted } => {
                        let ok = listed[who] != whitelisted;
                        let r = apply(&mut ledger, LedgerOp::SetStanding { account: holders[who], whitelisted, kyc_valid_until: KYC });
                        if ok { listed[who] = whitelisted; kyc_ok[who] = true; }
                        (ok, r.map(Some))
                    }
                    Op::Freeze { who, frozen: freeze } => {
                        let until = if freeze { NOW + 1 } else { NOW };
                        let r = apply(&mut ledger, LedgerOp::SetFrozenUntil { account: holders[who], frozen_until: until });
                        frozen[who] = freeze;
                        (true, r.map(Some))
                    }
                    Op::Kyc { who, expired } => {
                        let ok = listed[who];
                        let until = if expired { NOW } else { NOW + 1 };
                        let r = apply(&mut ledger, LedgerOp::RenewKyc { account: holders[who], valid_until: until });
                        if ok { kyc_ok[who] = !expired; }
                        (ok, r.map(Some))
                    }
                    Op::Pause(pause) => {
                        let ok = paused != pause;
                        let r = apply(&mut ledger, LedgerOp::SetPaused(pause));
                        if ok { paused = pause; }
                        (ok, r.map(Some))
                    }
                };
                let (ok, result) = outcome;
                assert_eq!(result.is_ok(), ok, "{op:?}: {result:?}");
                if !ok {
                    assert_eq!(snapshot(&ledger), before, "{op:?} was refused but changed state");
                }
                let supply = ledger.total_supply();
                if let Ok(Some(answered)) = result {
                    assert_eq!(answered, supply, "the answer is the supply");
                }
                for (i, h) in holders.iter().enumerate() {
                    assert_eq!(ledger.balance_of(*h), held[i], "{op:?}");
                }
                assert_eq!(ledger.balance_of(treasury()), fees);
                assert_eq!(ledger.balance_of(protection()), pool);
                assert_eq!(ledger.balance_of(queue()), queued);
                assert_eq!(held.iter().sum::<u128>() + fees + pool + queued, supply);
            }
            Ok(())
        })
        .unwrap();
    }
}
