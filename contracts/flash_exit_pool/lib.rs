//! The flash-exit reserve: native value held for instant exits, moved only by the accounting.
//!
//! Deposits top the reserve up through the accounting (`fund`); a holder's flash exit burns its
//! shares in the ledger through the accounting, which asks the pool to pay (`pay_exit`): the pool
//! prices the exit on its fee curve (`icseth_core::flash`), pays `assets - fee` to the holder and
//! answers the quote; the fee never leaves the pooled assets, so the remaining holders' rate rises
//! by it. The pool never calls the accounting back.
#![cfg_attr(not(feature = "std"), no_std, no_main)]

#[ink::contract]
pub mod flash_exit_pool {
    use icseth_abi::authority::Governed;
    use icseth_abi::pool::FlashExitReserve;
    use icseth_abi::pool::PoolGovernance;
    use icseth_core::authority::{
        cell::{self as authority_cell, AuthorityCell},
        Authority, AuthorityDecision, PendingGovernor,
    };
    use icseth_core::{
        events::Wired,
        flash::{quote, FlashPolicy, FrameExits, Quote},
        governance::PoolDecision,
        GovernorError, Required, SuiteAddresses, SuiteSlot, WiringAccess, WiringCell,
    };
    use ink::storage::{traits::ManualKey, Lazy};

    /// Every way a message of this contract can fail (defined with the pool's interface, so the
    /// token decodes it).
    pub use icseth_abi::pool::PoolError as Error;

    /// The accounting added value to the reserve.
    #[ink(event)]
    pub struct ReserveFunded {
        pub amount: Balance,
        pub reserve: Balance,
    }

    /// A holder exited through the reserve.
    #[ink(event)]
    pub struct ExitPaid {
        #[ink(topic)]
        pub holder: AccountId,
        pub assets: Balance,
        pub payout: Balance,
        pub fee: Balance,
        pub reserve_after: Balance,
    }

    /// The governor changed the fee curve or the per-exit cap.
    #[ink(event)]
    pub struct PolicySet {
        pub policy: FlashPolicy,
    }

    /// The pool was paused or unpaused.
    #[ink(event)]
    pub struct PauseSet {
        pub paused: bool,
    }

    /// The storage key of every cell behind the root (fixed, so a new version of the code finds
    /// each cell where this one wrote it). The root holds only values whose encoding never
    /// changes (the authority and wiring cells are at the suite's fixed keys).
    pub mod keys {
        pub const POLICY: u32 = 0x0301;
        pub const FRAME_EXITS: u32 = 0x0302;
    }

    /// The reserve and its policy.
    #[ink(storage)]
    pub struct FlashExitPool {
        authority: AuthorityCell,
        wiring: WiringCell,
        /// Native value held for flash exits, counted by the pool (never read from its balance).
        reserve: Balance,
        policy: Lazy<FlashPolicy, ManualKey<{ keys::POLICY }>>,
        paused: bool,
        /// Fees kept in the pooled assets, ever.
        fees_collected: Balance,
        /// What exits took in the current report frame, against its limit.
        frame_exits: Lazy<FrameExits, ManualKey<{ keys::FRAME_EXITS }>>,
    }

    /// The board's decisions, applied by `apply_decision` (governor only).
    impl PoolGovernance for FlashExitPool {
        #[ink(message)]
        fn govern(&mut self, decision: PoolDecision) -> Result<(), Error> {
            self.apply_decision(decision)
        }
    }

    /// The authority messages, delegated to the suite's one authority cell (`icseth_core::authority`).
    impl Governed for FlashExitPool {
        #[ink(message)]
        fn authority(&self) -> Result<Authority, GovernorError> {
            authority_cell::read(&self.authority)
        }

        #[ink(message)]
        fn governor(&self) -> Result<AccountId, GovernorError> {
            authority_cell::governor(&self.authority)
        }

        #[ink(message)]
        fn pending_governor(&self) -> Result<Option<PendingGovernor>, GovernorError> {
            authority_cell::pending_governor(&self.authority)
        }

        #[ink(message)]
        fn accept_governor(&mut self) -> Result<(), GovernorError> {
            authority_cell::accept_governor(&mut self.authority)
        }

        #[ink(message)]
        fn govern_authority(&mut self, decision: AuthorityDecision) -> Result<(), GovernorError> {
            authority_cell::govern(&mut self.authority, decision)
        }
    }

    /// The reserve's messages for the accounting (`icseth_abi::pool::FlashExitReserve`).
    impl FlashExitReserve for FlashExitPool {
        /// The accounting only: adds the attached value to the reserve. Emits `ReserveFunded`.
        #[ink(message, payable)]
        fn fund(&mut self) -> Result<(), Error> {
            self.ensure_accounting()?;
            let amount = self.env().transferred_value();
            self.reserve = self.reserve.checked_add(amount).ok_or(Error::Overflow)?;
            self.env().emit_event(ReserveFunded {
                amount,
                reserve: self.reserve,
            });
            Ok(())
        }

        /// The accounting only, not while paused: prices an exit of `assets` against the reserve and
        /// its `target` (the curve's integral over the depletion), within what is left of this
        /// frame's exit limit (`per_exit_cap_bps` of the reserve at the frame's first exit), pays
        /// the payout to `holder` and answers the quote. Emits `ExitPaid`.
        #[ink(message)]
        fn pay_exit(&mut self, holder: AccountId, assets: Balance, target: Balance) -> Result<Quote, Error> {
            self.ensure_accounting()?;
            if self.paused {
                return Err(Error::Paused);
            }
            let policy = self.policy.required()?;
            let q = quote(assets, self.reserve, target, &policy)?;
            let frame_exits = self
                .frame_exits
                .required()?
                .at(self.env().block_timestamp(), self.reserve)
                .take(assets, &policy)?;
            self.frame_exits.set(&frame_exits);
            self.reserve = self.reserve.checked_sub(q.payout).ok_or(Error::Overflow)?;
            self.fees_collected = self.fees_collected.checked_add(q.fee).ok_or(Error::Overflow)?;
            self.env()
                .transfer(holder, q.payout)
                .map_err(|_| Error::TransferFailed)?;
            self.env().emit_event(ExitPaid {
                holder,
                assets,
                payout: q.payout,
                fee: q.fee,
                reserve_after: self.reserve,
            });
            Ok(q)
        }

        /// Anyone: what an exit of `assets` would pay now against `target`, or why it would be
        /// refused (changes nothing).
        #[ink(message)]
        fn quote(&self, assets: Balance, target: Balance) -> Result<Quote, Error> {
            let policy = self.policy.required()?;
            let q = quote(assets, self.reserve, target, &policy)?;
            self.frame_exits
                .required()?
                .at(self.env().block_timestamp(), self.reserve)
                .take(assets, &policy)?;
            Ok(q)
        }
    }

    impl FlashExitPool {
        /// Instantiates the pool with `governor` (the board, or a test account); the caller becomes
        /// the deployer that wires it once.
        #[ink(constructor)]
        pub fn new(governor: AccountId, guardian: AccountId) -> Self {
            let mut policy = Lazy::new();
            policy.set(&FlashPolicy::DEFAULT);
            let mut frame_exits = Lazy::new();
            frame_exits.set(&FrameExits::default());
            Self {
                authority: authority_cell::new(governor, guardian),
                wiring: icseth_core::wiring::new_cell(Self::env().caller()),
                reserve: 0,
                policy,
                paused: false,
                fees_collected: 0,
                frame_exits,
            }
        }

        /// Deployer only, once: records the suite's addresses and locks them. Emits `Wired`.
        #[ink(message)]
        pub fn wire(&mut self, suite: SuiteAddresses) -> Result<(), Error> {
            let caller = self.env().caller();
            let own = self.env().account_id();
            self.wiring.wire(caller, own, SuiteSlot::FlashExitPool, suite)?;
            self.env().emit_event(Wired { by: caller, suite });
            Ok(())
        }

        /// Anyone: the suite's addresses, once wired.
        #[ink(message)]
        pub fn suite(&self) -> Option<SuiteAddresses> {
            self.wiring.suite()
        }

        /// Governor only (the board's execution): sets the fee curve (`min <= max <= 5%`, the
        /// minimum above the largest per-report rate increase), pauses or unpauses exits.
        fn apply_decision(&mut self, decision: PoolDecision) -> Result<(), Error> {
            authority_cell::ensure_governor(&self.authority)?;
            match decision {
                PoolDecision::SetPolicy { policy } => {
                    if !policy.is_valid() {
                        return Err(Error::InvalidPolicy);
                    }
                    self.policy.set(&policy);
                    self.env().emit_event(PolicySet { policy });
                }
                PoolDecision::Pause => {
                    self.paused = true;
                    self.env().emit_event(PauseSet { paused: true });
                }
                PoolDecision::Unpause => {
                    self.paused = false;
                    self.env().emit_event(PauseSet { paused: false });
                }
            }
            Ok(())
        }

        fn ensure_accounting(&self) -> Result<(), Error> {
            if self.env().caller() != self.wiring.require()?.accounting {
                return Err(Error::NotAccounting);
            }
            Ok(())
        }

        /// Anyone: what exits may still take from the reserve in the current report frame.
        #[ink(message)]
        pub fn exit_limit_left(&self) -> Result<Balance, Error> {
            Ok(self
                .frame_exits
                .required()?
                .at(self.env().block_timestamp(), self.reserve)
                .left(&self.policy.required()?)
                .unwrap_or(0))
        }

        /// Anyone: the native value held for flash exits.
        #[ink(message)]
        pub fn reserve(&self) -> Balance {
            self.reserve
        }

        /// Anyone: the fee curve and the per-exit cap.
        #[ink(message)]
        pub fn policy(&self) -> Result<FlashPolicy, Error> {
            Ok(self.policy.required()?)
        }

        /// Anyone: whether exits are paused.
        #[ink(message)]
        pub fn is_paused(&self) -> bool {
            self.paused
        }

        /// Anyone: fees kept in the pooled assets by flash exits, ever.
        #[ink(message)]
        pub fn fees_collected(&self) -> Balance {
            self.fees_collected
        }
    }

    #[cfg(test)]
    #[allow(clippy::arithmetic_side_effects)]
    mod tests {
        use super::*;
        use icseth_core::{flash::FlashError, WiringError};
        use ink::env::{test, DefaultEnvironment};

        fn accounts() -> test::DefaultAccounts<DefaultEnvironment> {
            test::default_accounts::<DefaultEnvironment>()
        }

        /// alice deploys, bob governs, frank plays the accounting.
        fn deploy() -> FlashExitPool {
            test::set_caller::<DefaultEnvironment>(accounts().alice);
            let mut pool = FlashExitPool::new(accounts().bob, accounts().eve);
            let suite = SuiteAddresses {
                token: AccountId::from([0x11; 32]),
                board: accounts().bob,
                flash_exit_pool: ink::env::account_id::<DefaultEnvironment>(),
                operator_registry: AccountId::from([0x14; 32]),
                slash_protection: AccountId::from([0x15; 32]),
                oracle: AccountId::from([0x16; 32]),
                accounting: accounts().frank,
            };
            pool.wire(suite).unwrap();
            pool
        }

        fn state(pool: &FlashExitPool) -> (Balance, Result<FlashPolicy, Error>, bool, Balance, usize) {
            (
                pool.reserve(),
                pool.policy(),
                pool.is_paused(),
                pool.fees_collected(),
                test::recorded_events().count(),
            )
        }

        fn fund(pool: &mut FlashExitPool, amount: Balance) {
            test::set_caller::<DefaultEnvironment>(accounts().frank);
            test::set_value_transferred::<DefaultEnvironment>(amount);
            let own = ink::env::account_id::<DefaultEnvironment>();
            test::set_account_balance::<DefaultEnvironment>(
                own,
                amount.saturating_add(1_000_000_000_000_000_000),
            );
            pool.fund().unwrap();
            test::set_value_transferred::<DefaultEnvironment>(0);
        }

        /// Writes a value of the wrong type (one byte) at a cell's key, as another version of the
        /// code might have left it.
        fn corrupt(key: u32) {
            ink::env::set_contract_storage(&key, &7u8);
        }

        #[ink::test]
        fn a_cell_that_does_not_decode_refuses_every_message_that_needs_it() {
            let mut pool = deploy();
            fund(&mut pool, 1_000);
            test::set_caller::<DefaultEnvironment>(accounts().frank);
            corrupt(keys::FRAME_EXITS);
            assert_eq!(pool.quote(10, 1_000), Err(Error::StorageUnreadable));
            assert_eq!(pool.exit_limit_left(), Err(Error::StorageUnreadable));
            corrupt(keys::POLICY);
            assert_eq!(pool.policy(), Err(Error::StorageUnreadable));
            let events = test::recorded_events().count();
            assert_eq!(
                pool.pay_exit(accounts().django, 10, 1_000),
                Err(Error::StorageUnreadable)
            );
            assert_eq!(pool.reserve(), 1_000);
            corrupt(icseth_core::wiring::WIRING_KEY);
            assert_eq!(
                pool.pay_exit(accounts().django, 10, 1_000),
                Err(Error::Wiring(WiringError::Unreadable))
            );
            assert_eq!(pool.suite(), None);
            test::set_caller::<DefaultEnvironment>(accounts().bob);
            corrupt(icseth_core::authority::AUTHORITY_KEY);
            assert_eq!(
                pool.govern(PoolDecision::Pause),
                Err(Error::Governor(GovernorError::AuthorityUnreadable))
            );
            assert!(!pool.is_paused());
            assert_eq!(test::recorded_events().count(), events);
        }

        #[ink::test]
        fn constructor_sets_roles_and_defaults() {
            test::set_caller::<DefaultEnvironment>(accounts().alice);
            let pool = FlashExitPool::new(accounts().bob, accounts().eve);
            assert_eq!(pool.governor(), Ok(accounts().bob));
            assert_eq!(pool.suite(), None);
            assert_eq!(pool.reserve(), 0);
            assert_eq!(pool.policy(), Ok(FlashPolicy::DEFAULT));
            assert!(!pool.is_paused());
        }

        #[ink::test]
        fn wire_once_by_the_deployer() {
            let mut pool = deploy();
            let suite = pool.suite().unwrap();
            test::set_caller::<DefaultEnvironment>(accounts().charlie);
            assert_eq!(pool.wire(suite), Err(Error::Wiring(WiringError::AlreadyWired)));
            assert_eq!(test::recorded_events().count(), 1);
        }

        #[ink::test]
        fn governor_handover_is_two_step() {
            let mut pool = deploy();
            test::set_caller::<DefaultEnvironment>(accounts().alice);
            assert_eq!(
                pool.govern_authority(AuthorityDecision::ProposeGovernor {
                    successor: accounts().charlie
                }),
                Err(GovernorError::NotGovernor)
            );
            test::set_caller::<DefaultEnvironment>(accounts().bob);
            pool.govern_authority(AuthorityDecision::ProposeGovernor {
                successor: accounts().charlie,
            })
            .unwrap();
            test::set_caller::<DefaultEnvironment>(accounts().django);
            assert_eq!(pool.accept_governor(), Err(GovernorError::NotPendingGovernor));
            test::set_caller::<DefaultEnvironment>(accounts().charlie);
            pool.accept_governor().unwrap();
            assert_eq!(pool.governor(), Ok(accounts().charlie));
        }

        #[ink::test]
        fn only_the_accounting_moves_value() {
            let mut pool = deploy();
            test::set_caller::<DefaultEnvironment>(accounts().django);
            let before = state(&pool);
            test::set_value_transferred::<DefaultEnvironment>(5);
            assert_eq!(pool.fund(), Err(Error::NotAccounting));
            assert_eq!(pool.pay_exit(accounts().django, 1, 10), Err(Error::NotAccounting));
            assert_eq!(state(&pool), before);
        }

        #[ink::test]
        fn exits_are_paid_on_the_curve() {
            let mut pool = deploy();
            fund(&mut pool, 1_000);
            assert_eq!(pool.reserve(), 1_000);
            let quoted = pool.quote(400, 1_000).unwrap();
            // from 1,000 down to 600 of a 1,000 target: the curve's average over that stretch,
            // 0.5% + 1.5% x 20% = 0.8%: 3.2 rounded up
            assert_eq!((quoted.fee, quoted.fee_bps), (4, 100));
            test::set_caller::<DefaultEnvironment>(accounts().frank);
            let paid = pool.pay_exit(accounts().django, 400, 1_000).unwrap();
            assert_eq!(paid, quoted);
            assert_eq!(paid.payout + paid.fee, 400);
            assert_eq!(pool.reserve(), 1_000 - paid.payout);
            assert_eq!(pool.fees_collected(), paid.fee);
        }

        /// Ten exits of 5% of the reserve took 93% of it within one report interval (each under a
        /// per-call cap of 50%): the limit is now per frame, half of the reserve at the frame's
        /// first exit, whoever exits; the next frame starts again from the reserve then.
        #[ink::test]
        fn the_exit_limit_is_per_frame() {
            let mut pool = deploy();
            let day = icseth_core::hold::REPORT_FRAME_MS;
            test::set_block_timestamp::<DefaultEnvironment>(10 * day);
            fund(&mut pool, 100_000);
            test::set_caller::<DefaultEnvironment>(accounts().frank);
            let mut taken = 0;
            for _ in 0..10 {
                match pool.pay_exit(accounts().django, 5_000, 100_000) {
                    Ok(_) => taken += 5_000,
                    Err(e) => {
                        assert_eq!(e, Error::Flash(FlashError::AboveExitCap));
                        break;
                    }
                }
            }
            assert_eq!(taken, 50_000, "half of the frame's starting reserve");
            assert_eq!(pool.exit_limit_left(), Ok(0));
            assert_eq!(
                pool.quote(1, 100_000),
                Err(Error::Flash(FlashError::AboveExitCap))
            );
            // the next frame: half of the reserve as it stands
            test::set_block_timestamp::<DefaultEnvironment>(11 * day);
            let reserve = pool.reserve();
            assert_eq!(pool.exit_limit_left(), Ok(reserve / 2));
            pool.pay_exit(accounts().django, reserve / 2, 100_000).unwrap();
        }

        #[ink::test]
        fn refusals_change_nothing() {
            let mut pool = deploy();
            fund(&mut pool, 1_000);
            let before = state(&pool);
            assert_eq!(
                pool.pay_exit(accounts().django, 0, 1_000),
                Err(Error::Flash(FlashError::ZeroAmount))
            );
            assert_eq!(
                pool.pay_exit(accounts().django, 501, 1_000),
                Err(Error::Flash(FlashError::AboveExitCap))
            );
            assert_eq!(pool.exit_limit_left(), Ok(500));
            assert_eq!(
                pool.pay_exit(accounts().django, 1_001, 1_000),
                Err(Error::Flash(FlashError::AboveReserve))
            );
            assert_eq!(state(&pool), before);
            test::set_caller::<DefaultEnvironment>(accounts().bob);
            pool.govern(PoolDecision::Pause).unwrap();
            let before = state(&pool);
            test::set_caller::<DefaultEnvironment>(accounts().frank);
            assert_eq!(pool.pay_exit(accounts().django, 10, 1_000), Err(Error::Paused));
            assert_eq!(state(&pool), before);
        }

        #[ink::test]
        fn governed_policy() {
            let mut pool = deploy();
            test::set_caller::<DefaultEnvironment>(accounts().django);
            assert_eq!(
                pool.govern(PoolDecision::SetPolicy {
                    policy: FlashPolicy::DEFAULT
                }),
                Err(Error::Governor(GovernorError::NotGovernor))
            );
            test::set_caller::<DefaultEnvironment>(accounts().bob);
            let before = state(&pool);
            let inverted = FlashPolicy {
                min_fee_bps: 300,
                max_fee_bps: 200,
                ..FlashPolicy::DEFAULT
            };
            assert_eq!(
                pool.govern(PoolDecision::SetPolicy { policy: inverted }),
                Err(Error::InvalidPolicy)
            );
            let below_floor = FlashPolicy {
                min_fee_bps: 30,
                ..FlashPolicy::DEFAULT
            };
            assert_eq!(
                pool.govern(PoolDecision::SetPolicy { policy: below_floor }),
                Err(Error::InvalidPolicy)
            );
            assert_eq!(state(&pool), before);
            let steeper = FlashPolicy {
                max_fee_bps: 400,
                ..FlashPolicy::DEFAULT
            };
            pool.govern(PoolDecision::SetPolicy { policy: steeper }).unwrap();
            assert_eq!(pool.policy(), Ok(steeper));
            pool.govern(PoolDecision::Pause).unwrap();
            assert!(pool.is_paused());
            pool.govern(PoolDecision::Unpause).unwrap();
            assert!(!pool.is_paused());
        }
    }
}
