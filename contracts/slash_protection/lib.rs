//! The slash-protection pool: icsETH shares that cover slashing and penalty losses.
//!
//! The pool's shares are held in the ledger (protection fees minted to it, donations from allowed
//! donors). When an applied report carries a loss, the accounting asks `request_cover`: the pool records
//! the incident and answers how many of its shares cover min(loss, their value, the per-incident
//! cap); the accounting has the ledger burn them, which restores the rate toward, never above, its
//! pre-loss value. The pool never calls the accounting back during a report.
#![cfg_attr(not(feature = "std"), no_std, no_main)]

#[ink::contract]
pub mod slash_protection {
    use icseth_abi::authority::Governed;
    use icseth_abi::protection::CoverPool;
    use icseth_abi::protection::ProtectionGovernance;
    use icseth_abi::psp22::PSP22;
    use icseth_core::authority::{
        cell::{self as authority_cell, AuthorityCell},
        Authority, AuthorityDecision, PendingGovernor,
    };
    use icseth_core::{
        events::Wired, governance::ProtectionDecision, oracle::cover, settle_typed, GovernorError, Pool,
        Required, SuiteAddresses, SuiteSlot, WiringAccess, WiringCell,
    };
    use ink::codegen::TraitCallBuilder;
    use ink::storage::traits::ManualKey;
    use ink::{
        prelude::vec::Vec,
        storage::{Lazy, Mapping},
    };

    /// Default per-incident cap: half of the pool's value, so one incident never empties it.
    pub const DEFAULT_PER_INCIDENT_CAP_BPS: u128 = 5_000;
    /// Most incidents a paged read returns.
    pub const MAX_PAGE: u32 = 50;

    /// Every way a message of this contract can fail (defined with the pool's interface, so the
    /// token decodes it).
    pub use icseth_abi::protection::ProtectionError as Error;

    /// A loss the pool was asked to cover.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub struct Incident {
        pub epoch: u64,
        pub operator: Option<u32>,
        pub loss: Balance,
        pub covered: Balance,
        pub uncovered: Balance,
        pub shares_burned: Balance,
        pub recorded_at: Timestamp,
    }

    /// The pool's running totals.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub struct Totals {
        pub losses: Balance,
        pub covered: Balance,
        pub shares_burned: Balance,
        pub shares_donated: Balance,
    }

    /// An incident was recorded and covered (in part or whole).
    #[ink(event)]
    pub struct IncidentRecorded {
        #[ink(topic)]
        pub id: u64,
        #[ink(topic)]
        pub operator: Option<u32>,
        pub epoch: u64,
        pub loss: Balance,
        pub covered: Balance,
        pub uncovered: Balance,
        pub shares_burned: Balance,
    }

    /// An allowed donor gave shares to the pool.
    #[ink(event)]
    pub struct Donated {
        #[ink(topic)]
        pub donor: AccountId,
        pub shares: Balance,
    }

    /// The governor changed the per-incident cap.
    #[ink(event)]
    pub struct PerIncidentCapSet {
        pub bps: u128,
    }

    /// The governor allowed or disallowed a donor.
    #[ink(event)]
    pub struct DonorSet {
        #[ink(topic)]
        pub donor: AccountId,
        pub allowed: bool,
    }

    /// The storage key of every cell behind the root (fixed, so a new version of the code finds
    /// each cell where this one wrote it, whatever it renames; the authority cell is at
    /// `icseth_core::authority::AUTHORITY_KEY` in every contract).
    pub mod keys {
        pub const INCIDENTS: u32 = 0x0501;
        pub const ALLOWED_DONORS: u32 = 0x0502;
        pub const TOTALS: u32 = 0x0503;
    }

    /// Storage of the contract.
    #[ink(storage)]
    pub struct SlashProtection {
        authority: AuthorityCell,
        wiring: WiringCell,
        /// Largest cover one incident may draw, in basis points of the pool's value.
        per_incident_cap_bps: u128,
        incidents: Mapping<u64, Incident, ManualKey<{ keys::INCIDENTS }>>,
        /// Incidents recorded so far (ids are 0..count).
        incident_count: u64,
        allowed_donors: Mapping<AccountId, (), ManualKey<{ keys::ALLOWED_DONORS }>>,
        totals: Lazy<Totals, ManualKey<{ keys::TOTALS }>>,
    }

    /// The board's decisions, applied by `apply_decision` (governor only).
    impl ProtectionGovernance for SlashProtection {
        #[ink(message)]
        fn govern(&mut self, decision: ProtectionDecision) -> Result<(), Error> {
            self.apply_decision(decision)
        }
    }

    /// The authority messages, delegated to the suite's one authority cell (`icseth_core::authority`).
    impl Governed for SlashProtection {
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

    /// The pool's cover for the accounting (`icseth_abi::protection::CoverPool`).
    impl CoverPool for SlashProtection {
        /// The accounting only, during an applied report with a loss: records the incident and answers
        /// how many of the pool's `held_shares` cover it, at the pre-loss pool (`total_shares`,
        /// `total_pooled`). The token burns them. Emits `IncidentRecorded`.
        #[ink(message)]
        fn request_cover(
            &mut self,
            epoch: u64,
            operator: Option<u32>,
            loss: Balance,
            held_shares: Balance,
            total_shares: Balance,
            total_pooled: Balance,
        ) -> Result<Balance, Error> {
            if self.env().caller() != self.wiring.require()?.accounting {
                return Err(Error::NotAccounting);
            }
            let pool = Pool {
                total_shares,
                total_pooled,
            };
            let c =
                cover(loss, held_shares, &pool, self.per_incident_cap_bps).map_err(|_| Error::Overflow)?;
            let uncovered = loss.checked_sub(c.covered).ok_or(Error::Overflow)?;
            let id = self.incident_count;
            let next = id.checked_add(1).ok_or(Error::Overflow)?;
            let mut totals = self.totals.required()?;
            totals.losses = totals.losses.checked_add(loss).ok_or(Error::Overflow)?;
            totals.covered = totals.covered.checked_add(c.covered).ok_or(Error::Overflow)?;
            totals.shares_burned = totals
                .shares_burned
                .checked_add(c.shares_to_burn)
                .ok_or(Error::Overflow)?;
            self.incidents.insert(
                id,
                &Incident {
                    epoch,
                    operator,
                    loss,
                    covered: c.covered,
                    uncovered,
                    shares_burned: c.shares_to_burn,
                    recorded_at: self.env().block_timestamp(),
                },
            );
            self.incident_count = next;
            self.totals.set(&totals);
            self.env().emit_event(IncidentRecorded {
                id,
                operator,
                epoch,
                loss,
                covered: c.covered,
                uncovered,
                shares_burned: c.shares_to_burn,
            });
            Ok(c.shares_to_burn)
        }
    }

    impl SlashProtection {
        /// Instantiates the pool with `governor` (the board, or a test account); the caller becomes
        /// the deployer that wires it once.
        #[ink(constructor)]
        pub fn new(governor: AccountId, guardian: AccountId) -> Self {
            let mut totals = Lazy::new();
            totals.set(&Totals::default());
            Self {
                authority: authority_cell::new(governor, guardian),
                wiring: icseth_core::wiring::new_cell(Self::env().caller()),
                per_incident_cap_bps: DEFAULT_PER_INCIDENT_CAP_BPS,
                incidents: Mapping::default(),
                incident_count: 0,
                allowed_donors: Mapping::default(),
                totals,
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

        /// Governor only (the board's execution): sets the per-incident cap, or allows or
        /// disallows a donor.
        fn apply_decision(&mut self, decision: ProtectionDecision) -> Result<(), Error> {
            authority_cell::ensure_governor(&self.authority)?;
            match decision {
                ProtectionDecision::SetPerIncidentCap { bps } => {
                    if bps == 0 || bps > 10_000 {
                        return Err(Error::InvalidCap);
                    }
                    self.per_incident_cap_bps = bps;
                    self.env().emit_event(PerIncidentCapSet { bps });
                }
                ProtectionDecision::AllowDonor { donor } => {
                    self.allowed_donors.insert(donor, &());
                    self.env().emit_event(DonorSet { donor, allowed: true });
                }
                ProtectionDecision::DisallowDonor { donor } => {
                    self.allowed_donors.remove(donor);
                    self.env().emit_event(DonorSet {
                        donor,
                        allowed: false,
                    });
                }
            }
            Ok(())
        }

        /// Allowed donors only: moves `shares` of the caller's icsETH into the pool (the caller
        /// must have approved the pool in the token). Emits `Donated`.
        #[ink(message)]
        pub fn donate(&mut self, shares: Balance) -> Result<(), Error> {
            let donor = self.env().caller();
            if !self.allowed_donors.contains(donor) {
                return Err(Error::NotAllowedDonor);
            }
            if shares == 0 {
                return Err(Error::ZeroAmount);
            }
            let token = self.wiring.require()?.token;
            let own = self.env().account_id();
            let mut token: ink::contract_ref!(PSP22) = token.into();
            let pulled = token
                .call_mut()
                .transfer_from(donor, own, shares, Vec::new())
                .try_invoke();
            settle_typed(pulled).map_err(|e| {
                e.into_error(
                    Error::DonationRefused,
                    Error::TokenCallFailed,
                    Error::TokenCallFailed,
                )
            })?;
            let mut totals = self.totals.required()?;
            totals.shares_donated = totals.shares_donated.checked_add(shares).ok_or(Error::Overflow)?;
            self.totals.set(&totals);
            self.env().emit_event(Donated { donor, shares });
            Ok(())
        }

        /// Anyone: an incident by id.
        #[ink(message)]
        pub fn incident(&self, id: u64) -> Option<Incident> {
            self.incidents.get(id)
        }

        /// Anyone: incidents with ids from `start`, at most `limit` (<= `MAX_PAGE`).
        #[ink(message)]
        pub fn incidents(&self, start: u64, limit: u32) -> Result<Vec<(u64, Incident)>, Error> {
            if limit > MAX_PAGE {
                return Err(Error::PageTooLarge);
            }
            let end = start.saturating_add(u64::from(limit)).min(self.incident_count);
            Ok((start..end)
                .filter_map(|id| self.incidents.get(id).map(|i| (id, i)))
                .collect())
        }

        /// Anyone: how many incidents were recorded.
        #[ink(message)]
        pub fn incident_count(&self) -> u64 {
            self.incident_count
        }

        /// Anyone: the largest cover one incident may draw, in basis points of the pool's value.
        #[ink(message)]
        pub fn per_incident_cap_bps(&self) -> u128 {
            self.per_incident_cap_bps
        }

        /// Anyone: whether `donor` may donate.
        #[ink(message)]
        pub fn is_allowed_donor(&self, donor: AccountId) -> bool {
            self.allowed_donors.contains(donor)
        }

        /// Anyone: the pool's running totals.
        #[ink(message)]
        pub fn totals(&self) -> Result<Totals, Error> {
            Ok(self.totals.required()?)
        }
    }

    #[cfg(test)]
    #[allow(clippy::arithmetic_side_effects)]
    mod tests {
        use super::*;
        use icseth_core::WiringError;
        use icseth_core::ONE;
        use ink::env::{test, DefaultEnvironment};

        fn accounts() -> test::DefaultAccounts<DefaultEnvironment> {
            test::default_accounts::<DefaultEnvironment>()
        }

        /// frank plays the accounting; bob governs.
        fn deploy() -> SlashProtection {
            test::set_caller::<DefaultEnvironment>(accounts().alice);
            let mut pool = SlashProtection::new(accounts().bob, accounts().eve);
            let suite = SuiteAddresses {
                token: AccountId::from([0x11; 32]),
                board: accounts().bob,
                flash_exit_pool: AccountId::from([0x13; 32]),
                operator_registry: AccountId::from([0x14; 32]),
                slash_protection: ink::env::account_id::<DefaultEnvironment>(),
                oracle: AccountId::from([0x16; 32]),
                accounting: accounts().frank,
            };
            pool.wire(suite).unwrap();
            pool
        }

        fn state(pool: &SlashProtection) -> (u64, Totals, u128, Vec<(u64, Incident)>, usize) {
            (
                pool.incident_count(),
                pool.totals().unwrap(),
                pool.per_incident_cap_bps(),
                pool.incidents(0, MAX_PAGE).unwrap(),
                test::recorded_events().count(),
            )
        }

        #[ink::test]
        fn a_cell_that_does_not_decode_refuses_every_message_that_needs_it() {
            let mut pool = deploy();
            test::set_caller::<DefaultEnvironment>(accounts().frank);
            ink::env::set_contract_storage(&keys::TOTALS, &7u8);
            let before = (pool.incident_count(), test::recorded_events().count());
            assert_eq!(pool.totals(), Err(Error::StorageUnreadable));
            assert_eq!(
                pool.request_cover(7, Some(1), ONE, 10 * ONE, 1_000 * ONE, 1_000 * ONE),
                Err(Error::StorageUnreadable)
            );
            ink::env::set_contract_storage(&icseth_core::wiring::WIRING_KEY, &7u8);
            assert_eq!(
                pool.request_cover(7, Some(1), ONE, 10 * ONE, 1_000 * ONE, 1_000 * ONE),
                Err(Error::Wiring(WiringError::Unreadable))
            );
            assert_eq!(pool.incident_count(), before.0);
            assert_eq!(test::recorded_events().count(), before.1);
        }

        #[ink::test]
        fn constructor_sets_roles_and_defaults() {
            test::set_caller::<DefaultEnvironment>(accounts().alice);
            let pool = SlashProtection::new(accounts().bob, accounts().eve);
            assert_eq!(pool.governor(), Ok(accounts().bob));
            assert_eq!(pool.suite(), None);
            assert_eq!(pool.per_incident_cap_bps(), DEFAULT_PER_INCIDENT_CAP_BPS);
            assert_eq!(pool.incident_count(), 0);
            assert_eq!(pool.totals(), Ok(Totals::default()));
        }

        #[ink::test]
        fn wire_once_by_the_deployer() {
            let mut pool = deploy();
            let suite = pool.suite().unwrap();
            test::set_caller::<DefaultEnvironment>(accounts().alice);
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
            test::set_caller::<DefaultEnvironment>(accounts().charlie);
            pool.accept_governor().unwrap();
            assert_eq!(pool.governor(), Ok(accounts().charlie));
        }

        #[ink::test]
        fn the_authority_messages_are_the_governors_and_record_each_change() {
            let mut pool = deploy();
            let events = test::recorded_events().count();
            test::set_caller::<DefaultEnvironment>(accounts().charlie);
            assert_eq!(
                pool.govern_authority(AuthorityDecision::SetGuardian {
                    guardian: accounts().charlie
                }),
                Err(GovernorError::NotGovernor)
            );
            assert_eq!(
                pool.govern_authority(AuthorityDecision::SetAcceptWindow {
                    window_ms: 60 * 60 * 1000
                }),
                Err(GovernorError::NotGovernor)
            );
            assert_eq!(
                pool.govern_authority(AuthorityDecision::WithdrawGovernorProposal),
                Err(GovernorError::NotGovernor)
            );
            assert_eq!(test::recorded_events().count(), events);
            test::set_caller::<DefaultEnvironment>(accounts().bob);
            assert_eq!(
                pool.govern_authority(AuthorityDecision::WithdrawGovernorProposal),
                Err(GovernorError::NoPendingGovernor)
            );
            assert_eq!(
                pool.govern_authority(AuthorityDecision::SetAcceptWindow { window_ms: 0 }),
                Err(GovernorError::InvalidAcceptWindow)
            );
            assert_eq!(pool.authority().map(|a| a.guardian()), Ok(accounts().eve));
            pool.govern_authority(AuthorityDecision::SetGuardian {
                guardian: accounts().charlie,
            })
            .unwrap();
            pool.govern_authority(AuthorityDecision::SetAcceptWindow {
                window_ms: 60 * 60 * 1000,
            })
            .unwrap();
            test::set_block_timestamp::<DefaultEnvironment>(1_000);
            pool.govern_authority(AuthorityDecision::ProposeGovernor {
                successor: accounts().django,
            })
            .unwrap();
            let pending = pool.pending_governor().unwrap().unwrap();
            assert_eq!(
                (pending.successor, pending.expires_at),
                (accounts().django, 1_000 + 60 * 60 * 1000)
            );
            pool.govern_authority(AuthorityDecision::WithdrawGovernorProposal)
                .unwrap();
            assert_eq!(pool.pending_governor(), Ok(None));
            assert_eq!(pool.authority().map(|a| a.guardian()), Ok(accounts().charlie));
            assert_eq!(
                pool.authority().map(|a| a.storage_version()),
                Ok(icseth_core::authority::STORAGE_VERSION)
            );
            assert_eq!(test::recorded_events().count(), events + 4);
        }

        /// A value of another type at the authority cell's key (as a careless upgrade could
        /// leave): every read and every governed message fails with a typed error, none trusts a
        /// default governor.
        #[ink::test]
        fn an_unreadable_authority_cell_fails_loudly() {
            let mut pool = deploy();
            ink::env::set_contract_storage(&icseth_core::authority::AUTHORITY_KEY, &7u8);
            test::set_caller::<DefaultEnvironment>(accounts().bob);
            let unreadable = GovernorError::AuthorityUnreadable;
            assert_eq!(pool.governor(), Err(unreadable));
            assert_eq!(pool.authority().map(|_| ()), Err(unreadable));
            assert_eq!(
                pool.govern_authority(AuthorityDecision::ProposeGovernor {
                    successor: accounts().charlie
                }),
                Err(unreadable)
            );
            assert_eq!(
                pool.govern(ProtectionDecision::SetPerIncidentCap { bps: 1 }),
                Err(Error::Governor(unreadable))
            );
            // so does a zeroed cell that a default read would have taken for "governor: nobody"
            test::set_caller::<DefaultEnvironment>(AccountId::from([0u8; 32]));
            assert_eq!(pool.accept_governor(), Err(unreadable));
        }

        #[ink::test]
        fn cover_is_for_the_token_only_and_recorded() {
            let mut pool = deploy();
            test::set_caller::<DefaultEnvironment>(accounts().django);
            let before = state(&pool);
            assert_eq!(
                pool.request_cover(7, Some(1), ONE, 10 * ONE, 1_000 * ONE, 1_000 * ONE),
                Err(Error::NotAccounting)
            );
            assert_eq!(state(&pool), before);
            test::set_caller::<DefaultEnvironment>(accounts().frank);
            // 10 shares held (10 ETH), 50% cap: a 7 ETH loss gets 5 ETH of cover
            let burned = pool
                .request_cover(7, Some(1), 7 * ONE, 10 * ONE, 1_000 * ONE, 1_000 * ONE)
                .unwrap();
            assert!(burned <= 5 * ONE && burned + 10 > 5 * ONE);
            let incident = pool.incident(0).unwrap();
            assert_eq!(
                (incident.epoch, incident.operator, incident.loss),
                (7, Some(1), 7 * ONE)
            );
            assert_eq!(incident.covered + incident.uncovered, 7 * ONE);
            assert_eq!(incident.covered, 5 * ONE);
            assert_eq!(pool.totals().unwrap().losses, 7 * ONE);
            assert_eq!(pool.incidents(0, MAX_PAGE + 1), Err(Error::PageTooLarge));
            assert_eq!(pool.incidents(0, 5).unwrap().len(), 1);
        }

        #[ink::test]
        fn governed_parameters() {
            let mut pool = deploy();
            test::set_caller::<DefaultEnvironment>(accounts().django);
            let before = state(&pool);
            assert_eq!(
                pool.govern(ProtectionDecision::SetPerIncidentCap { bps: 100 }),
                Err(Error::Governor(GovernorError::NotGovernor))
            );
            assert_eq!(state(&pool), before);
            test::set_caller::<DefaultEnvironment>(accounts().bob);
            assert_eq!(
                pool.govern(ProtectionDecision::SetPerIncidentCap { bps: 0 }),
                Err(Error::InvalidCap)
            );
            assert_eq!(
                pool.govern(ProtectionDecision::SetPerIncidentCap { bps: 10_001 }),
                Err(Error::InvalidCap)
            );
            assert_eq!(state(&pool), before);
            // the whole pool for one incident is the widest cap allowed
            pool.govern(ProtectionDecision::SetPerIncidentCap { bps: 10_000 })
                .unwrap();
            assert_eq!(pool.per_incident_cap_bps(), 10_000);
            pool.govern(ProtectionDecision::SetPerIncidentCap { bps: 2_000 })
                .unwrap();
            assert_eq!(pool.per_incident_cap_bps(), 2_000);
            pool.govern(ProtectionDecision::AllowDonor {
                donor: accounts().eve,
            })
            .unwrap();
            assert!(pool.is_allowed_donor(accounts().eve));
            pool.govern(ProtectionDecision::DisallowDonor {
                donor: accounts().eve,
            })
            .unwrap();
            assert!(!pool.is_allowed_donor(accounts().eve));
        }

        #[ink::test]
        fn donations_need_an_allowed_donor_and_an_amount() {
            let mut pool = deploy();
            test::set_caller::<DefaultEnvironment>(accounts().eve);
            let before = state(&pool);
            assert_eq!(pool.donate(ONE), Err(Error::NotAllowedDonor));
            test::set_caller::<DefaultEnvironment>(accounts().bob);
            pool.govern(ProtectionDecision::AllowDonor {
                donor: accounts().eve,
            })
            .unwrap();
            test::set_caller::<DefaultEnvironment>(accounts().eve);
            let before_zero = state(&pool);
            assert_eq!(pool.donate(0), Err(Error::ZeroAmount));
            assert_eq!(state(&pool), before_zero);
            assert_eq!(before.0, 0);
        }
    }
}
