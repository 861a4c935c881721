//! The flash-exit reserve: native value held for instant exits, moved only by the token.
//!
//! This is the foundation's skeleton (roles, wiring, the reserve counter and its parameters); the
//! fee curve and the exit itself come with the flash-exit issue.
#![cfg_attr(not(feature = "std"), no_std, no_main)]

#[ink::contract]
pub mod flash_exit_pool {
    use icseth_core::{
        events::{GovernorChanged, GovernorProposed, Wired},
        reserve::DEFAULT_RESERVE_TARGET_BPS,
        GovernorError, GovernorRole, SuiteAddresses, SuiteSlot, Wiring, WiringError,
    };

    /// Every way a message of this contract can fail.
    #[derive(Debug, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    pub enum Error {
        /// A governor-only message was called by someone else, or a handover step was wrong.
        Governor(GovernorError),
        /// The one-time wiring was refused.
        Wiring(WiringError),
    }

    impl From<GovernorError> for Error {
        fn from(e: GovernorError) -> Self {
            Error::Governor(e)
        }
    }

    impl From<WiringError> for Error {
        fn from(e: WiringError) -> Self {
            Error::Wiring(e)
        }
    }

    /// The reserve and its policy.
    #[ink(storage)]
    pub struct FlashExitPool {
        governor: GovernorRole,
        wiring: Wiring,
        /// Native value held for flash exits, counted by the pool (never read from its balance).
        reserve: Balance,
        /// Target size of the reserve, in basis points of the token's pooled assets.
        target_bps: u128,
    }

    impl FlashExitPool {
        /// Instantiates the pool with `governor` (the board, or a test account); the caller becomes
        /// the deployer that wires it once.
        #[ink(constructor)]
        pub fn new(governor: AccountId) -> Self {
            Self {
                governor: GovernorRole::new(governor),
                wiring: Wiring::new(Self::env().caller()),
                reserve: 0,
                target_bps: DEFAULT_RESERVE_TARGET_BPS,
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

        /// Anyone: the governor.
        #[ink(message)]
        pub fn governor(&self) -> AccountId {
            self.governor.governor()
        }

        /// Governor only: proposes `successor` as governor (it takes over with `accept_governor`).
        #[ink(message)]
        pub fn propose_governor(&mut self, successor: AccountId) -> Result<(), Error> {
            let caller = self.env().caller();
            self.governor.propose(caller, successor)?;
            self.env().emit_event(GovernorProposed {
                governor: caller,
                successor,
            });
            Ok(())
        }

        /// The proposed governor only: takes the governor role.
        #[ink(message)]
        pub fn accept_governor(&mut self) -> Result<(), Error> {
            let caller = self.env().caller();
            let previous = self.governor.accept(caller)?;
            self.env().emit_event(GovernorChanged {
                previous,
                governor: caller,
            });
            Ok(())
        }

        /// Anyone: the native value held for flash exits.
        #[ink(message)]
        pub fn reserve(&self) -> Balance {
            self.reserve
        }

        /// Anyone: the reserve's target, in basis points of pooled assets.
        #[ink(message)]
        pub fn target_bps(&self) -> u128 {
            self.target_bps
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use ink::env::{test, DefaultEnvironment};

        fn accounts() -> test::DefaultAccounts<DefaultEnvironment> {
            test::default_accounts::<DefaultEnvironment>()
        }

        fn suite_with(own: AccountId) -> SuiteAddresses {
            SuiteAddresses {
                token: AccountId::from([0x11; 32]),
                board: AccountId::from([0x12; 32]),
                flash_exit_pool: own,
                operator_registry: AccountId::from([0x14; 32]),
                slash_protection: AccountId::from([0x15; 32]),
            }
        }

        fn deploy() -> FlashExitPool {
            test::set_caller::<DefaultEnvironment>(accounts().alice);
            FlashExitPool::new(accounts().bob)
        }

        #[ink::test]
        fn constructor_sets_roles_and_defaults() {
            let pool = deploy();
            assert_eq!(pool.governor(), accounts().bob);
            assert_eq!(pool.suite(), None);
            assert_eq!(pool.reserve(), 0);
            assert_eq!(pool.target_bps(), DEFAULT_RESERVE_TARGET_BPS);
        }

        #[ink::test]
        fn wire_once_by_the_deployer() {
            let mut pool = deploy();
            let own = ink::env::account_id::<DefaultEnvironment>();
            test::set_caller::<DefaultEnvironment>(accounts().charlie);
            assert_eq!(
                pool.wire(suite_with(own)),
                Err(Error::Wiring(WiringError::NotDeployer))
            );
            assert_eq!(pool.suite(), None);
            test::set_caller::<DefaultEnvironment>(accounts().alice);
            assert_eq!(
                pool.wire(suite_with(AccountId::from([7; 32]))),
                Err(Error::Wiring(WiringError::WrongSelfAddress))
            );
            assert_eq!(pool.suite(), None);
            assert_eq!(test::recorded_events().count(), 0);
            assert_eq!(pool.wire(suite_with(own)), Ok(()));
            assert_eq!(pool.suite(), Some(suite_with(own)));
            assert_eq!(test::recorded_events().count(), 1);
            assert_eq!(
                pool.wire(suite_with(own)),
                Err(Error::Wiring(WiringError::AlreadyWired))
            );
            assert_eq!(test::recorded_events().count(), 1);
        }

        #[ink::test]
        fn governor_handover_is_two_step() {
            let mut pool = deploy();
            test::set_caller::<DefaultEnvironment>(accounts().alice);
            assert_eq!(
                pool.propose_governor(accounts().charlie),
                Err(Error::Governor(GovernorError::NotGovernor))
            );
            test::set_caller::<DefaultEnvironment>(accounts().bob);
            assert_eq!(pool.propose_governor(accounts().charlie), Ok(()));
            assert_eq!(pool.governor(), accounts().bob);
            test::set_caller::<DefaultEnvironment>(accounts().django);
            assert_eq!(
                pool.accept_governor(),
                Err(Error::Governor(GovernorError::NotPendingGovernor))
            );
            test::set_caller::<DefaultEnvironment>(accounts().charlie);
            assert_eq!(pool.accept_governor(), Ok(()));
            assert_eq!(pool.governor(), accounts().charlie);
            assert_eq!(test::recorded_events().count(), 2);
        }
    }
}
