//! The operator registry: node operators, their validator capacity and their performance record.
//!
//! This is the foundation's skeleton (roles, wiring, the operator cap); onboarding, staking and
//! performance records come with the operator-registry issue.
#![cfg_attr(not(feature = "std"), no_std, no_main)]

#[ink::contract]
pub mod operator_registry {
    use icseth_core::{
        events::{GovernorChanged, GovernorProposed, Wired},
        GovernorError, GovernorRole, SuiteAddresses, SuiteSlot, Wiring, WiringError,
    };

    /// Default cap on registered operators (the registry must hold at least 1,000).
    pub const DEFAULT_MAX_OPERATORS: u32 = 1_000;

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

    /// Storage of the contract.
    #[ink(storage)]
    pub struct OperatorRegistry {
        governor: GovernorRole,
        wiring: Wiring,
        /// Operators registered so far (ids are 0..count).
        operator_count: u32,
        /// Most operators the registry accepts; every message costs the same whatever the count.
        max_operators: u32,
    }

    impl OperatorRegistry {
        /// Instantiates the pool with `governor` (the board, or a test account); the caller becomes
        /// the deployer that wires it once.
        #[ink(constructor)]
        pub fn new(governor: AccountId) -> Self {
            Self {
                governor: GovernorRole::new(governor),
                wiring: Wiring::new(Self::env().caller()),
                operator_count: 0,
                max_operators: DEFAULT_MAX_OPERATORS,
            }
        }

        /// Deployer only, once: records the suite's addresses and locks them. Emits `Wired`.
        #[ink(message)]
        pub fn wire(&mut self, suite: SuiteAddresses) -> Result<(), Error> {
            let caller = self.env().caller();
            let own = self.env().account_id();
            self.wiring
                .wire(caller, own, SuiteSlot::OperatorRegistry, suite)?;
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

        /// Anyone: how many operators have registered.
        #[ink(message)]
        pub fn operator_count(&self) -> u32 {
            self.operator_count
        }

        /// Anyone: the most operators the registry accepts.
        #[ink(message)]
        pub fn max_operators(&self) -> u32 {
            self.max_operators
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
                flash_exit_pool: AccountId::from([0x13; 32]),
                operator_registry: own,
                slash_protection: AccountId::from([0x15; 32]),
            }
        }

        fn deploy() -> OperatorRegistry {
            test::set_caller::<DefaultEnvironment>(accounts().alice);
            OperatorRegistry::new(accounts().bob)
        }

        #[ink::test]
        fn constructor_sets_roles_and_defaults() {
            let contract = deploy();
            assert_eq!(contract.governor(), accounts().bob);
            assert_eq!(contract.suite(), None);
            assert_eq!(contract.operator_count(), 0);
            assert_eq!(contract.max_operators(), DEFAULT_MAX_OPERATORS);
        }

        #[ink::test]
        fn wire_once_by_the_deployer() {
            let mut contract = deploy();
            let own = ink::env::account_id::<DefaultEnvironment>();
            test::set_caller::<DefaultEnvironment>(accounts().charlie);
            assert_eq!(
                contract.wire(suite_with(own)),
                Err(Error::Wiring(WiringError::NotDeployer))
            );
            assert_eq!(contract.suite(), None);
            test::set_caller::<DefaultEnvironment>(accounts().alice);
            assert_eq!(
                contract.wire(suite_with(AccountId::from([7; 32]))),
                Err(Error::Wiring(WiringError::WrongSelfAddress))
            );
            assert_eq!(contract.suite(), None);
            assert_eq!(test::recorded_events().count(), 0);
            assert_eq!(contract.wire(suite_with(own)), Ok(()));
            assert_eq!(contract.suite(), Some(suite_with(own)));
            assert_eq!(test::recorded_events().count(), 1);
            assert_eq!(
                contract.wire(suite_with(own)),
                Err(Error::Wiring(WiringError::AlreadyWired))
            );
            assert_eq!(test::recorded_events().count(), 1);
        }

        #[ink::test]
        fn governor_handover_is_two_step() {
            let mut contract = deploy();
            test::set_caller::<DefaultEnvironment>(accounts().alice);
            assert_eq!(
                contract.propose_governor(accounts().charlie),
                Err(Error::Governor(GovernorError::NotGovernor))
            );
            test::set_caller::<DefaultEnvironment>(accounts().bob);
            assert_eq!(contract.propose_governor(accounts().charlie), Ok(()));
            assert_eq!(contract.governor(), accounts().bob);
            test::set_caller::<DefaultEnvironment>(accounts().django);
            assert_eq!(
                contract.accept_governor(),
                Err(Error::Governor(GovernorError::NotPendingGovernor))
            );
            test::set_caller::<DefaultEnvironment>(accounts().charlie);
            assert_eq!(contract.accept_governor(), Ok(()));
            assert_eq!(contract.governor(), accounts().charlie);
            assert_eq!(test::recorded_events().count(), 2);
        }
    }
}
