//! The operator registry: node operators, their validator capacity and their performance record.
//!
//! Operators register themselves (pending); the board approves (active) or removes (exited) them
//! through `govern`. Validator capacity, staking and performance records come with the
//! operator-registry issue; the record already carries the counts they will maintain.
#![cfg_attr(not(feature = "std"), no_std, no_main)]

#[ink::contract]
pub mod operator_registry {
    use icseth_core::{
        events::{GovernorChanged, GovernorProposed, Wired},
        governance::RegistryDecision,
        GovernorError, GovernorRole, SuiteAddresses, SuiteSlot, Wiring, WiringError,
    };
    use ink::{
        prelude::{string::String, vec::Vec},
        storage::Mapping,
    };

    /// Default cap on registered operators (the registry must hold at least 1,000).
    pub const DEFAULT_MAX_OPERATORS: u32 = 1_000;
    /// Longest operator name, in bytes.
    pub const MAX_NAME_BYTES: usize = 64;
    /// Most operators a paged read returns.
    pub const MAX_PAGE: u32 = 50;

    /// Every way a message of this contract can fail.
    #[derive(Debug, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    pub enum Error {
        /// A governor-only message was called by someone else, or a handover step was wrong.
        Governor(GovernorError),
        /// The one-time wiring was refused.
        Wiring(WiringError),
        /// The name is empty or longer than `MAX_NAME_BYTES`.
        InvalidName,
        /// This admin account already registered an operator.
        DuplicateRegistration,
        /// The registry holds `max_operators` already.
        OperatorCapReached,
        /// No operator has this id.
        UnknownOperator,
        /// The operator's status does not allow this change.
        InvalidTransition,
        /// A paged read asked for more than `MAX_PAGE` entries.
        PageTooLarge,
        /// A counter overflowed (cannot happen in practice; refused rather than wrapped).
        Overflow,
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

    /// How an operator runs its validators.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub enum OperatorKind {
        SsvCluster,
        ObolCluster,
        KycRingFenced,
    }

    /// Where an operator stands.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub enum OperatorStatus {
        /// Registered, waiting for the board.
        Pending,
        /// Approved: may receive stake.
        Active,
        /// Under the score threshold: no new stake until it recovers.
        Probation,
        /// Under the threshold for too long: no new stake.
        Paused,
        /// Removed by the board.
        Exited,
    }

    /// An operator's record.
    #[derive(Debug, Clone, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub struct Operator {
        pub name: String,
        pub admin: AccountId,
        pub reward_address: AccountId,
        pub deposit_address: AccountId,
        pub kind: OperatorKind,
        pub status: OperatorStatus,
        pub registered_at: Timestamp,
        /// Validator counts, kept as `keys >= limit >= funded >= exited`.
        pub keys: u32,
        pub limit: u32,
        pub funded: u32,
        pub exited: u32,
    }

    /// An operator registered itself.
    #[ink(event)]
    pub struct OperatorRegistered {
        #[ink(topic)]
        pub operator: u32,
        #[ink(topic)]
        pub admin: AccountId,
        pub kind: OperatorKind,
    }

    /// An operator's status changed.
    #[ink(event)]
    pub struct OperatorStatusChanged {
        #[ink(topic)]
        pub operator: u32,
        pub from: OperatorStatus,
        pub to: OperatorStatus,
    }

    /// Storage of the contract.
    #[ink(storage)]
    pub struct OperatorRegistry {
        governor: GovernorRole,
        wiring: Wiring,
        operators: Mapping<u32, Operator>,
        /// The operator an admin account registered (one per admin).
        operator_of: Mapping<AccountId, u32>,
        /// Operators registered so far (ids are 0..count).
        operator_count: u32,
        /// Most operators the registry accepts; every message costs the same whatever the count.
        max_operators: u32,
    }

    impl OperatorRegistry {
        /// Instantiates the registry with `governor` (the board, or a test account); the caller
        /// becomes the deployer that wires it once.
        #[ink(constructor)]
        pub fn new(governor: AccountId) -> Self {
            Self {
                governor: GovernorRole::new(governor),
                wiring: Wiring::new(Self::env().caller()),
                operators: Mapping::default(),
                operator_of: Mapping::default(),
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

        /// Anyone (the caller becomes the operator's admin), once per admin: registers an operator
        /// as pending. Emits `OperatorRegistered`; returns its id.
        #[ink(message)]
        pub fn register_operator(
            &mut self,
            name: String,
            kind: OperatorKind,
            reward_address: AccountId,
            deposit_address: AccountId,
        ) -> Result<u32, Error> {
            let admin = self.env().caller();
            if name.is_empty() || name.len() > MAX_NAME_BYTES {
                return Err(Error::InvalidName);
            }
            if self.operator_of.contains(admin) {
                return Err(Error::DuplicateRegistration);
            }
            if self.operator_count >= self.max_operators {
                return Err(Error::OperatorCapReached);
            }
            let id = self.operator_count;
            let next = id.checked_add(1).ok_or(Error::Overflow)?;
            self.operators.insert(
                id,
                &Operator {
                    name,
                    admin,
                    reward_address,
                    deposit_address,
                    kind,
                    status: OperatorStatus::Pending,
                    registered_at: self.env().block_timestamp(),
                    keys: 0,
                    limit: 0,
                    funded: 0,
                    exited: 0,
                },
            );
            self.operator_of.insert(admin, &id);
            self.operator_count = next;
            self.env().emit_event(OperatorRegistered {
                operator: id,
                admin,
                kind,
            });
            Ok(id)
        }

        /// Governor only: applies a board decision (approve a pending operator, or remove one).
        /// Emits `OperatorStatusChanged`.
        #[ink(message)]
        pub fn govern(&mut self, decision: RegistryDecision) -> Result<(), Error> {
            self.governor.ensure(self.env().caller())?;
            let (id, allowed_from, to): (u32, &[OperatorStatus], OperatorStatus) = match decision {
                RegistryDecision::ApproveOperator { operator } => {
                    (operator, &[OperatorStatus::Pending], OperatorStatus::Active)
                }
                RegistryDecision::RemoveOperator { operator } => (
                    operator,
                    &[
                        OperatorStatus::Pending,
                        OperatorStatus::Active,
                        OperatorStatus::Probation,
                        OperatorStatus::Paused,
                    ],
                    OperatorStatus::Exited,
                ),
            };
            let mut operator = self.operators.get(id).ok_or(Error::UnknownOperator)?;
            if !allowed_from.contains(&operator.status) {
                return Err(Error::InvalidTransition);
            }
            let from = operator.status;
            operator.status = to;
            self.operators.insert(id, &operator);
            self.env().emit_event(OperatorStatusChanged {
                operator: id,
                from,
                to,
            });
            Ok(())
        }

        /// Anyone: an operator's record.
        #[ink(message)]
        pub fn operator(&self, id: u32) -> Option<Operator> {
            self.operators.get(id)
        }

        /// Anyone: the id of the operator `admin` registered, if any.
        #[ink(message)]
        pub fn operator_of(&self, admin: AccountId) -> Option<u32> {
            self.operator_of.get(admin)
        }

        /// Anyone: operators with ids from `start`, at most `limit` (<= `MAX_PAGE`).
        #[ink(message)]
        pub fn operators(&self, start: u32, limit: u32) -> Result<Vec<(u32, Operator)>, Error> {
            if limit > MAX_PAGE {
                return Err(Error::PageTooLarge);
            }
            let end = start.saturating_add(limit).min(self.operator_count);
            Ok((start..end)
                .filter_map(|id| self.operators.get(id).map(|o| (id, o)))
                .collect())
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

        fn register(registry: &mut OperatorRegistry, admin: AccountId, name: &str) -> Result<u32, Error> {
            test::set_caller::<DefaultEnvironment>(admin);
            registry.register_operator(name.into(), OperatorKind::SsvCluster, admin, admin)
        }

        /// Asserts `result` is `expected` and that the registry's reads did not change.
        fn assert_unchanged<T: core::fmt::Debug>(
            registry: &OperatorRegistry,
            before: (u32, Vec<(u32, Operator)>, usize),
            result: Result<T, Error>,
            expected: Error,
        ) {
            assert_eq!(result.err(), Some(expected));
            let after = (
                registry.operator_count(),
                registry.operators(0, MAX_PAGE).unwrap(),
                test::recorded_events().count(),
            );
            assert_eq!(after, before);
        }

        fn state(registry: &OperatorRegistry) -> (u32, Vec<(u32, Operator)>, usize) {
            (
                registry.operator_count(),
                registry.operators(0, MAX_PAGE).unwrap(),
                test::recorded_events().count(),
            )
        }

        #[ink::test]
        fn constructor_sets_roles_and_defaults() {
            let registry = deploy();
            assert_eq!(registry.governor(), accounts().bob);
            assert_eq!(registry.suite(), None);
            assert_eq!(registry.operator_count(), 0);
            assert_eq!(registry.max_operators(), DEFAULT_MAX_OPERATORS);
        }

        #[ink::test]
        fn wire_once_by_the_deployer() {
            let mut registry = deploy();
            let own = ink::env::account_id::<DefaultEnvironment>();
            test::set_caller::<DefaultEnvironment>(accounts().charlie);
            assert_eq!(
                registry.wire(suite_with(own)),
                Err(Error::Wiring(WiringError::NotDeployer))
            );
            test::set_caller::<DefaultEnvironment>(accounts().alice);
            assert_eq!(registry.wire(suite_with(own)), Ok(()));
            assert_eq!(registry.suite(), Some(suite_with(own)));
            assert_eq!(
                registry.wire(suite_with(own)),
                Err(Error::Wiring(WiringError::AlreadyWired))
            );
            assert_eq!(test::recorded_events().count(), 1);
        }

        #[ink::test]
        fn governor_handover_is_two_step() {
            let mut registry = deploy();
            test::set_caller::<DefaultEnvironment>(accounts().alice);
            assert_eq!(
                registry.propose_governor(accounts().charlie),
                Err(Error::Governor(GovernorError::NotGovernor))
            );
            test::set_caller::<DefaultEnvironment>(accounts().bob);
            registry.propose_governor(accounts().charlie).unwrap();
            test::set_caller::<DefaultEnvironment>(accounts().charlie);
            registry.accept_governor().unwrap();
            assert_eq!(registry.governor(), accounts().charlie);
        }

        #[ink::test]
        fn register_then_approve_then_remove() {
            let mut registry = deploy();
            let id = register(&mut registry, accounts().django, "Blue Ridge SSV").unwrap();
            let record = registry.operator(id).unwrap();
            assert_eq!(record.status, OperatorStatus::Pending);
            assert_eq!(record.admin, accounts().django);
            assert_eq!(registry.operator_of(accounts().django), Some(id));
            test::set_caller::<DefaultEnvironment>(accounts().bob);
            registry
                .govern(RegistryDecision::ApproveOperator { operator: id })
                .unwrap();
            assert_eq!(registry.operator(id).unwrap().status, OperatorStatus::Active);
            registry
                .govern(RegistryDecision::RemoveOperator { operator: id })
                .unwrap();
            assert_eq!(registry.operator(id).unwrap().status, OperatorStatus::Exited);
            assert_eq!(test::recorded_events().count(), 3);
        }

        #[ink::test]
        fn refusals_change_nothing() {
            let mut registry = deploy();
            let id = register(&mut registry, accounts().django, "Blue Ridge SSV").unwrap();
            let before = state(&registry);
            let r = register(&mut registry, accounts().django, "again");
            assert_unchanged(&registry, before.clone(), r, Error::DuplicateRegistration);
            let r = register(&mut registry, accounts().eve, "");
            assert_unchanged(&registry, before.clone(), r, Error::InvalidName);
            let long = "x".repeat(MAX_NAME_BYTES + 1);
            let r = register(&mut registry, accounts().eve, &long);
            assert_unchanged(&registry, before.clone(), r, Error::InvalidName);
            test::set_caller::<DefaultEnvironment>(accounts().eve);
            let r = registry.govern(RegistryDecision::ApproveOperator { operator: id });
            assert_unchanged(
                &registry,
                before.clone(),
                r,
                Error::Governor(GovernorError::NotGovernor),
            );
            test::set_caller::<DefaultEnvironment>(accounts().bob);
            let r = registry.govern(RegistryDecision::ApproveOperator { operator: 9 });
            assert_unchanged(&registry, before.clone(), r, Error::UnknownOperator);
            registry
                .govern(RegistryDecision::RemoveOperator { operator: id })
                .unwrap();
            let before = state(&registry);
            let r = registry.govern(RegistryDecision::ApproveOperator { operator: id });
            assert_unchanged(&registry, before.clone(), r, Error::InvalidTransition);
            let r = registry.govern(RegistryDecision::RemoveOperator { operator: id });
            assert_unchanged(&registry, before, r, Error::InvalidTransition);
            assert_eq!(registry.operators(0, MAX_PAGE + 1), Err(Error::PageTooLarge));
        }

        #[ink::test]
        fn the_operator_cap_holds() {
            let mut registry = deploy();
            registry.max_operators = 2;
            register(&mut registry, AccountId::from([0x31; 32]), "one").unwrap();
            register(&mut registry, AccountId::from([0x32; 32]), "two").unwrap();
            let before = state(&registry);
            let r = register(&mut registry, AccountId::from([0x33; 32]), "three");
            assert_unchanged(&registry, before, r, Error::OperatorCapReached);
        }
    }
}
