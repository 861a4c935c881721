//! The slash-protection pool: icsETH shares that cover slashing and penalty losses.
//!
//! This is the foundation's skeleton (roles, wiring, the per-incident cap); cover, incidents and
//! donations come with the autobalance issue.
#![cfg_attr(not(feature = "std"), no_std, no_main)]

#[ink::contract]
pub mod slash_protection {
    use icseth_core::{
        events::{GovernorChanged, GovernorProposed, Wired},
        GovernorError, GovernorRole, SuiteAddresses, SuiteSlot, Wiring, WiringError,
    };

    /// Default per-incident cap: half of the pool's value, so one incident never empties it.
    pub const DEFAULT_PER_INCIDENT_CAP_BPS: u128 = 5_000;

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
    pub struct SlashProtection {
        governor: GovernorRole,
        wiring: Wiring,
        /// Largest cover one incident may draw, in basis points of the pool's value.
        per_incident_cap_bps: u128,
        /// Incidents recorded so far (ids are 0..count).
        incident_count: u64,
    }

    impl SlashProtection {
        /// Instantiates the pool with `governor` (the board, or a test account); the caller becomes
        /// the deployer that wires it once.
        #[ink(constructor)]
        pub fn new(governor: AccountId) -> Self {
            Self {
                governor: GovernorRole::new(governor),
                wiring: Wiring::new(Self::env().caller()),
                per_incident_cap_bps: DEFAULT_PER_INCIDENT_CAP_BPS,
                incident_count: 0,
            }
        }

        /// Deployer only, once: records the suite's addresses and locks them. Emits `Wired`.
        #[ink(message)]
        pub fn wire(&mut self, suite: SuiteAddresses) -> Result<(), Error> {
            let caller = self.env().caller();
            let own = self.env().account_id();
            self.wiring.wire(caller, own, SuiteSlot::SlashProtection, suite)?;
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

        /// Anyone: the largest cover one incident may draw, in basis points of the pool's value.
        #[ink(message)]
        pub fn per_incident_cap_bps(&self) -> u128 {
            self.per_incident_cap_bps
        }

        /// Anyone: how many incidents were recorded.
        #[ink(message)]
        pub fn incident_count(&self) -> u64 {
            self.incident_count
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
                operator_registry: AccountId::from([0x14; 32]),
                slash_protection: own,
            }
        }

        fn deploy() -> SlashProtection {
            test::set_caller::<DefaultEnvironment>(accounts().alice);
            SlashProtection::new(accounts().bob)
        }

        #[ink::test]
        fn constructor_sets_roles_and_defaults() {
            let contract = deploy();
            assert_eq!(contract.governor(), accounts().bob);
            assert_eq!(contract.suite(), None);
            assert_eq!(contract.per_incident_cap_bps(), DEFAULT_PER_INCIDENT_CAP_BPS);
            assert_eq!(contract.incident_count(), 0);
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
