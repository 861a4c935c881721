//! The operator registry: node operators, their validator capacity and their performance record.
//!
//! Operators register themselves (pending); the board approves (active), limits or removes (exited)
//! them through `govern`. An operator's admin maintains its keys count and addresses. The accounting
//! asks it to allocate the free buffer by the allocation rule (`icseth_core::allocation`) over the
//! operators in service, kept in a bounded index per kind, and to ask for the exits pending tickets
//! need; paused and removed operators are asked to exit everything, and a missed exit deadline
//! pauses (`flag_missed_exits`). Each
//! frame, operators report their own figures and the oracle contract records the figures a quorum of
//! its members attested; the registry keeps cumulative totals, a ring of the last `HISTORY_FRAMES` frames, a score from the
//! attested figures, flags claimed figures that differ from the attested ones, and moves weak
//! operators to probation and then paused (no new stake), and back on recovery. The attested
//! figures carry each operator's exits, which satisfy exit requests and free the limit.
#![cfg_attr(not(feature = "std"), no_std, no_main)]

#[ink::contract]
pub mod operator_registry {
    use icseth_abi::authority::Governed;
    use icseth_abi::registry::RegistryGovernance;
    use icseth_abi::registry::{Allocated, FrameRecords, StakingRecords};
    use icseth_core::allocation::{
        self, may_receive_stake, validators_to_exit, validators_to_fund, AllocationPolicy, Candidate,
        RecentlyFunded, KINDS,
    };
    use icseth_core::authority::{
        cell::{self as authority_cell, AuthorityCell},
        Authority, AuthorityDecision, PendingGovernor,
    };
    use icseth_core::Required;
    use icseth_core::{
        events::Wired,
        governance::RegistryDecision,
        operators::{
            disagree, next_status, score, Figures, PerformancePolicy, RegistrationLimits, ValidatorCounts,
            VALIDATOR_DEPOSIT,
        },
        GovernorError, SuiteAddresses, SuiteSlot, WiringAccess, WiringCell,
    };
    use ink::storage::traits::ManualKey;
    use ink::{
        prelude::{string::String, vec::Vec},
        storage::{Lazy, Mapping},
    };

    pub use icseth_core::operators::OperatorStatus;

    /// Default cap on registered operators (the registry must hold at least 1,000).
    pub const DEFAULT_MAX_OPERATORS: u32 = 1_000;
    /// Longest operator name, in bytes.
    pub const MAX_NAME_BYTES: usize = 64;
    /// Most entries a paged read returns.
    pub const MAX_PAGE: u32 = 50;
    /// Frames kept in each operator's recent history.
    pub const HISTORY_FRAMES: u32 = 8;
    /// One frame: a day (225 beacon-chain epochs).
    pub const FRAME_MS: u64 = 24 * 60 * 60 * 1000;

    /// Every way a message of this contract can fail (defined with the registry's interface, so
    /// the accounting decodes it).
    pub use icseth_abi::registry::RegistryError as Error;

    /// How an operator runs its validators (the allocation's kinds).
    pub use icseth_core::allocation::OperatorKind;

    /// An operator's cumulative, attested performance.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub struct Cumulative {
        pub frames: u32,
        pub proposed: u64,
        pub missed: u64,
        pub consensus_rewards: u128,
        pub mev_rewards: u128,
        /// Frames whose claimed figures differed from the attested ones beyond the tolerance.
        pub disagreements: u32,
        /// Slashing incidents attributed to the operator, and their losses.
        pub slashing_incidents: u32,
        pub slashed: u128,
    }

    /// An operator's record.
    #[derive(Debug, Clone, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub struct Operator {
        pub name: String,
        pub admin: AccountId,
        pub reward_address: AccountId,
        /// Where stake is sent: the address registered with the operator (approved with it) or
        /// one the board approved later.
        pub deposit_address: AccountId,
        /// A new deposit address the admin proposed, waiting for the board's approval.
        pub proposed_deposit_address: Option<AccountId>,
        pub kind: OperatorKind,
        pub status: OperatorStatus,
        pub registered_at: Timestamp,
        pub counts: ValidatorCounts,
        /// Score of the last attested frame (basis points), if any.
        pub score: Option<u32>,
        /// Weak frames in a row.
        pub weak_streak: u32,
        pub last_reported_frame: Option<u32>,
        pub last_attested_frame: Option<u32>,
        pub totals: Cumulative,
        /// Validators asked to exit, ever, counted on top of those exited when asked: what is
        /// asked and not exited yet is `exit_requested - counts.exited` (see `outstanding_exits`).
        pub exit_requested: u32,
        /// Each request's deadline, oldest first, with how many requested through it (at most
        /// `MAX_EXIT_TRANCHES`: a fifth merges into the newest, never moving an older one).
        /// Satisfied tranches are dropped as exits are recorded.
        pub exit_tranches: Vec<ExitTranche>,
        /// Validators funded per day lately: those of the last `YOUNG_DAYS` days are not asked
        /// to exit by the tickets' demand (the beacon chain could not exit them yet).
        pub recently_funded: RecentlyFunded,
        /// Validators still asked and not exited when a deadline passed, ever.
        pub exits_missed: u32,
        /// Of the outstanding exits, those of an operator flagged for a missed deadline: no longer
        /// counted as coming when tickets need exits (others are asked in their place), still
        /// asked of this operator.
        pub exits_overdue: u32,
        /// Whether the last attested frame has no claim of the operator's own, or one that
        /// differs from the attested figures beyond the tolerance: no new stake until a frame
        /// whose claim matches.
        pub last_frame_unmatched: bool,
    }

    /// One exit request's obligation: `exit_requested` reaches `asked_through` with it, and the
    /// validators up to there must have exited by `deadline`.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub struct ExitTranche {
        pub asked_through: u32,
        pub deadline: Timestamp,
    }

    /// Most exit tranches kept per operator.
    pub const MAX_EXIT_TRANCHES: usize = 4;

    impl Operator {
        /// Validators asked to exit that have not exited yet.
        pub fn outstanding_exits(&self) -> u32 {
            self.exit_requested.saturating_sub(self.counts.exited)
        }

        /// Validators funded, not exited and not asked to exit.
        pub fn staying(&self) -> u32 {
            self.counts
                .funded
                .saturating_sub(self.counts.exited)
                .saturating_sub(self.outstanding_exits())
        }

        /// The deadline of the oldest exit request not yet met, if any.
        pub fn next_exit_deadline(&self) -> Option<Timestamp> {
            self.exit_tranches
                .iter()
                .find(|t| t.asked_through > self.counts.exited)
                .map(|t| t.deadline)
        }

        /// Staying validators the tickets' demand may ask to exit at `now` (not young).
        pub fn exitable(&self, now: Timestamp) -> u32 {
            self.staying().saturating_sub(self.recently_funded.young(now))
        }
    }

    /// Why validators were asked to exit.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub enum ExitReason {
        /// The operator was paused (by its scores or a missed exit): all its staying validators.
        Paused,
        /// The board removed the operator: all its staying validators.
        Removed,
        /// Pending tickets need more than the buffer, the inflow and the exits already asked.
        Tickets,
    }

    /// One frame of an operator's recent history.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub struct FrameRecord {
        pub frame: u32,
        /// What the operator reported.
        pub claimed: Option<Figures>,
        /// The figures a quorum of oracle members agreed on.
        pub attested: Option<Figures>,
        /// Oracle members in that quorum.
        pub attestations: u32,
        pub score: Option<u32>,
        /// Claimed and attested figures differ beyond the tolerance.
        pub disputed: bool,
    }

    impl FrameRecord {
        fn empty(frame: u32) -> Self {
            Self {
                frame,
                claimed: None,
                attested: None,
                attestations: 0,
                score: None,
                disputed: false,
            }
        }
    }

    /// The registry's protocol-wide totals.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub struct Totals {
        pub validators_funded: u64,
        pub validators_exited: u64,
        pub consensus_rewards: u128,
        pub mev_rewards: u128,
        pub reports: u64,
        pub attestations: u64,
        pub slashing_incidents: u64,
        /// Validators asked to exit that have not exited yet, over all operators.
        pub exits_outstanding: u64,
        /// Validators still asked and not exited when a deadline passed, ever.
        pub exits_missed: u64,
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

    /// An operator's status changed (by the board or by its performance).
    #[ink(event)]
    pub struct OperatorStatusChanged {
        #[ink(topic)]
        pub operator: u32,
        pub from: OperatorStatus,
        pub to: OperatorStatus,
    }

    /// An operator's keys count or limit changed.
    #[ink(event)]
    pub struct CountsChanged {
        #[ink(topic)]
        pub operator: u32,
        pub counts: ValidatorCounts,
    }

    /// An operator's admin set its reward address (effective now) and proposed a deposit
    /// address (effective once the board approves it), or withdrew a pending proposal by naming
    /// the approved address again (`proposed_deposit_address: None`).
    #[ink(event)]
    pub struct AddressesChanged {
        #[ink(topic)]
        pub operator: u32,
        pub reward_address: AccountId,
        pub proposed_deposit_address: Option<AccountId>,
    }

    /// The board approved an operator's proposed deposit address: stake goes there from now on.
    #[ink(event)]
    pub struct DepositAddressApproved {
        #[ink(topic)]
        pub operator: u32,
        #[ink(topic)]
        pub deposit_address: AccountId,
    }

    /// The accounting staked validators to an operator.
    #[ink(event)]
    pub struct StakeRecorded {
        #[ink(topic)]
        pub operator: u32,
        pub validators: u32,
        pub funded: u32,
    }

    /// Validators of an operator were asked to exit by `deadline`.
    #[ink(event)]
    pub struct ExitsRequested {
        #[ink(topic)]
        pub operator: u32,
        pub validators: u32,
        pub reason: ExitReason,
        /// Asked and not exited yet, this request included.
        pub outstanding: u32,
        pub deadline: Timestamp,
    }

    /// The oracle attested exits of an operator's validators: `funded - exited` is what is live,
    /// and the limit they held is free again.
    #[ink(event)]
    pub struct ExitsRecorded {
        #[ink(topic)]
        pub operator: u32,
        pub validators: u32,
        pub exited: u32,
        pub outstanding: u32,
    }

    /// An operator's exit deadline passed with `validators` still asked and not exited: recorded
    /// like missed duties, and the operator is paused.
    #[ink(event)]
    pub struct ExitsMissed {
        #[ink(topic)]
        pub operator: u32,
        pub validators: u32,
    }

    /// The board set the allocation policy.
    #[ink(event)]
    pub struct AllocationPolicySet {
        pub policy: AllocationPolicy,
    }

    /// An operator reported a frame.
    #[ink(event)]
    pub struct PerformanceReported {
        #[ink(topic)]
        pub operator: u32,
        pub frame: u32,
        pub figures: Figures,
    }

    /// The oracle contract recorded the figures a quorum attested for a frame.
    #[ink(event)]
    pub struct PerformanceAttested {
        #[ink(topic)]
        pub operator: u32,
        pub frame: u32,
        pub attestations: u32,
        pub figures: Figures,
        pub score: Option<u32>,
        pub disputed: bool,
    }

    /// A slashing loss was attributed to an operator.
    #[ink(event)]
    pub struct SlashingRecorded {
        #[ink(topic)]
        pub operator: u32,
        pub loss: Balance,
    }

    /// The board set the performance policy.
    #[ink(event)]
    pub struct PolicySet {
        pub policy: PerformancePolicy,
    }

    /// The board invited `admin` to register an operator without a pending slot.
    #[ink(event)]
    pub struct OperatorInvited {
        #[ink(topic)]
        pub admin: AccountId,
    }

    /// The board set the cap and lifetime of pending registrations.
    #[ink(event)]
    pub struct RegistrationLimitsSet {
        pub limits: RegistrationLimits,
    }

    /// The storage key of every cell behind the root (fixed, so a new version of the code finds
    /// each cell where this one wrote it, whatever it renames; the authority cell is at
    /// `icseth_core::authority::AUTHORITY_KEY` in every contract).
    pub mod keys {
        pub const OPERATORS: u32 = 0x0401;
        pub const OPERATOR_OF: u32 = 0x0402;
        pub const HISTORY: u32 = 0x0403;
        pub const INVITED: u32 = 0x0404;
        pub const POLICY: u32 = 0x0405;
        pub const TOTALS: u32 = 0x0406;
        pub const LIMITS: u32 = 0x0407;
        pub const ALLOCATION: u32 = 0x0408;
        pub const IN_SERVICE: u32 = 0x0409;
    }

    /// Storage of the contract.
    #[ink(storage)]
    pub struct OperatorRegistry {
        authority: AuthorityCell,
        wiring: WiringCell,
        operators: Mapping<u32, Operator, ManualKey<{ keys::OPERATORS }>>,
        /// The operator an admin account registered (one per admin).
        operator_of: Mapping<AccountId, u32, ManualKey<{ keys::OPERATOR_OF }>>,
        /// Operators registered so far (ids are 0..count).
        operator_count: u32,
        /// Most operators the registry accepts; every message costs the same whatever the count.
        max_operators: u32,
        policy: Lazy<PerformancePolicy, ManualKey<{ keys::POLICY }>>,
        /// Frame 0 starts here.
        genesis_ms: Timestamp,
        /// Recent history: (operator, frame % HISTORY_FRAMES) -> record.
        history: Mapping<(u32, u32), FrameRecord, ManualKey<{ keys::HISTORY }>>,
        totals: Lazy<Totals, ManualKey<{ keys::TOTALS }>>,
        limits: Lazy<RegistrationLimits, ManualKey<{ keys::LIMITS }>>,
        /// Self-registrations waiting for the board (invited ones included).
        pending_count: u32,
        /// Operators not exited: what `max_operators` caps.
        live_count: u32,
        /// Admins the board invited and who have not registered yet.
        invited: Mapping<AccountId, (), ManualKey<{ keys::INVITED }>>,
        allocation: Lazy<AllocationPolicy, ManualKey<{ keys::ALLOCATION }>>,
        /// The operators in service (approved, not removed) per kind: (kind, slot) -> id, slots
        /// `0..in_service_count[kind]`; what allocation and exit requests scan.
        in_service: Mapping<(u8, u32), u32, ManualKey<{ keys::IN_SERVICE }>>,
        in_service_count: [u32; KINDS],
    }

    /// The board's decisions, applied by `apply_decision` (governor only).
    impl RegistryGovernance for OperatorRegistry {
        #[ink(message)]
        fn govern(&mut self, decision: RegistryDecision) -> Result<(), Error> {
            self.apply_decision(decision)
        }
    }

    /// The authority messages, delegated to the suite's one authority cell (`icseth_core::authority`).
    impl Governed for OperatorRegistry {
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

    /// The registry's records for the accounting (`icseth_abi::registry::StakingRecords`).
    impl StakingRecords for OperatorRegistry {
        /// The accounting only: allocates the whole validators `buffered` holds above
        /// `owed_to_tickets` and the liquidity floor, at most a page, over the operators in service
        /// by `icseth_core::allocation::allocate`; records them and answers each part's deposit
        /// address. Refuses `NothingToAllocate` (changing nothing) when no validator is free or no
        /// operator may take one. Emits `StakeRecorded` per operator.
        #[ink(message)]
        fn allocate(&mut self, buffered: Balance, owed_to_tickets: Balance) -> Result<Vec<Allocated>, Error> {
            self.ensure_accounting()?;
            let policy = self.allocation.required()?;
            let free = validators_to_fund(buffered, owed_to_tickets, policy.liquidity_floor).min(policy.page);
            if free == 0 {
                return Err(Error::NothingToAllocate);
            }
            let (ids, mut candidates) = self.candidates()?;
            let given = allocation::allocate(&policy, &mut candidates, free);
            if given == 0 {
                return Err(Error::NothingToAllocate);
            }
            self.add_to_totals(|t| {
                t.validators_funded = t
                    .validators_funded
                    .checked_add(u64::from(given))
                    .ok_or(Error::Overflow)?;
                Ok(())
            })?;
            let mut parts = Vec::new();
            for (mut record, c) in ids.into_iter().zip(candidates.iter()) {
                if c.allocated == 0 {
                    continue;
                }
                record.counts = record.counts.with_funded(c.allocated)?;
                record
                    .recently_funded
                    .add(self.env().block_timestamp(), c.allocated);
                self.operators.insert(c.id, &record);
                self.env().emit_event(StakeRecorded {
                    operator: c.id,
                    validators: c.allocated,
                    funded: record.counts.funded,
                });
                parts.push(Allocated {
                    operator: c.id,
                    validators: c.allocated,
                    deposit_address: record.deposit_address,
                });
            }
            Ok(parts)
        }

        /// The accounting only: asks for the exits pending tickets need,
        /// `icseth_core::allocation::validators_to_exit` of the figures it passes and the
        /// validators coming (asked and not exited, unless overdue; exited and not yet among the
        /// `withdrawn_validators` of the last applied report), at most a page, from the operators in service by
        /// `icseth_core::allocation::request_exits`. Refuses `NoExitsNeeded` (changing nothing)
        /// when nothing is needed or nobody has a staying validator. Emits `ExitsRequested` per
        /// operator; answers how many were asked.
        #[ink(message)]
        fn request_exits_for_tickets(
            &mut self,
            owed_to_tickets: Balance,
            buffered: Balance,
            inflow: Balance,
            withdrawn_validators: u32,
        ) -> Result<u32, Error> {
            self.ensure_accounting()?;
            let policy = self.allocation.required()?;
            let totals = self.totals.required()?;
            // coming: asked and not exited (overdue ones aside), and exited but not yet
            // withdrawn in a report
            let in_transit = totals
                .validators_exited
                .saturating_sub(u64::from(withdrawn_validators));
            // an exit's value handed over by the vault but not yet reported is in the inflow and
            // still in transit: count the larger, never both
            let arriving = inflow.max(u128::from(in_transit).saturating_mul(VALIDATOR_DEPOSIT));
            let needed = validators_to_exit(owed_to_tickets, buffered, arriving, totals.exits_outstanding)
                .min(policy.page);
            let (ids, mut candidates) = self.candidates()?;
            let asked = allocation::request_exits(&policy, &mut candidates, needed);
            if asked == 0 {
                return Err(Error::NoExitsNeeded);
            }
            for (mut record, c) in ids.into_iter().zip(candidates.iter()) {
                if c.exit_requested > 0 {
                    self.ask_exits(c.id, &mut record, c.exit_requested, ExitReason::Tickets, &policy)?;
                    self.operators.insert(c.id, &record);
                }
            }
            Ok(asked)
        }

        /// The accounting only: attributes a slashing loss to an operator. Emits `SlashingRecorded`.
        #[ink(message)]
        fn record_slashing(&mut self, operator: u32, loss: Balance) -> Result<(), Error> {
            self.ensure_accounting()?;
            let mut record = self.operators.get(operator).ok_or(Error::UnknownOperator)?;
            record.totals.slashing_incidents = record
                .totals
                .slashing_incidents
                .checked_add(1)
                .ok_or(Error::Overflow)?;
            record.totals.slashed = record.totals.slashed.checked_add(loss).ok_or(Error::Overflow)?;
            self.add_to_totals(|t| {
                t.slashing_incidents = t.slashing_incidents.checked_add(1).ok_or(Error::Overflow)?;
                Ok(())
            })?;
            self.operators.insert(operator, &record);
            self.env().emit_event(SlashingRecorded { operator, loss });
            Ok(())
        }

        /// Anyone: whether an operator with this id was ever registered (the accounting asks before it
        /// attributes a loss).
        #[ink(message)]
        fn is_operator(&self, id: u32) -> bool {
            id < self.operator_count
        }
    }

    /// The registry's frame records for the oracle (`icseth_abi::registry::FrameRecords`).
    impl FrameRecords for OperatorRegistry {
        /// The oracle contract only, once per operator and finished frame, newer than the last
        /// attested one: records the figures `attestations` oracle members agreed on (a quorum of
        /// the current set, counted by the oracle contract), scores them, adds them to the totals
        /// and applies the status rules. Emits `PerformanceAttested` (and `OperatorStatusChanged`
        /// on a change).
        #[ink(message)]
        fn record_attestation(
            &mut self,
            operator: u32,
            frame: u32,
            figures: Figures,
            attestations: u32,
        ) -> Result<(), Error> {
            let oracle = self.wiring.require()?.oracle;
            if self.env().caller() != oracle {
                return Err(Error::NotOracle);
            }
            let mut record = self.operators.get(operator).ok_or(Error::UnknownOperator)?;
            // exits are counted ever: never more than were funded
            if !figures.is_valid() || figures.exited > record.counts.funded {
                return Err(Error::InvalidFigures);
            }
            if frame >= self.current_frame() {
                return Err(Error::FrameInFuture);
            }
            let mut history = self.frame_record(operator, frame);
            if history.attested.is_some() {
                return Err(Error::AlreadyAttested);
            }
            if record.last_attested_frame.is_some_and(|last| frame <= last) {
                return Err(Error::StaleFrame);
            }
            let policy = self.policy.required()?;
            let mut status_change = None;
            let frame_score = score(&figures);
            history.attested = Some(figures);
            history.attestations = attestations;
            history.score = Some(frame_score);
            if let Some(claimed) = history.claimed {
                self.flag_dispute(&mut record, &mut history, &claimed, &figures)?;
            }
            let t = &mut record.totals;
            t.frames = t.frames.checked_add(1).ok_or(Error::Overflow)?;
            t.proposed = t
                .proposed
                .checked_add(u64::from(figures.proposed))
                .ok_or(Error::Overflow)?;
            t.missed = t
                .missed
                .checked_add(u64::from(figures.missed))
                .ok_or(Error::Overflow)?;
            t.consensus_rewards = t
                .consensus_rewards
                .checked_add(figures.consensus_rewards)
                .ok_or(Error::Overflow)?;
            t.mev_rewards = t
                .mev_rewards
                .checked_add(figures.mev_rewards)
                .ok_or(Error::Overflow)?;
            // exits only rise (an older figure below the record changes nothing)
            let exits = figures.exited.saturating_sub(record.counts.exited);
            if exits > 0 {
                self.record_exits(operator, &mut record, exits)?;
            }
            let (mut status, streak) = next_status(record.status, record.weak_streak, frame_score, &policy);
            // an operator that missed an exit deadline stays paused until it has exited all it
            // was asked (or the board removes it)
            if record.status == OperatorStatus::Paused && record.exits_overdue > 0 {
                status = OperatorStatus::Paused;
            }
            if status != record.status {
                status_change = Some((record.status, status));
            }
            record.status = status;
            record.weak_streak = streak;
            record.score = Some(frame_score);
            record.last_attested_frame = Some(frame);
            record.last_frame_unmatched = history.disputed || history.claimed.is_none();
            if status_change.is_some_and(|(_, to)| to == OperatorStatus::Paused) {
                let staying = record.staying();
                let policy = self.allocation.required()?;
                self.ask_exits(operator, &mut record, staying, ExitReason::Paused, &policy)?;
            }
            self.add_to_totals(|t| {
                t.consensus_rewards = t
                    .consensus_rewards
                    .checked_add(figures.consensus_rewards)
                    .ok_or(Error::Overflow)?;
                t.mev_rewards = t
                    .mev_rewards
                    .checked_add(figures.mev_rewards)
                    .ok_or(Error::Overflow)?;
                t.attestations = t.attestations.checked_add(1).ok_or(Error::Overflow)?;
                Ok(())
            })?;
            self.history.insert((operator, Self::slot(frame)), &history);
            self.operators.insert(operator, &record);
            if let Some((from, to)) = status_change {
                self.env()
                    .emit_event(OperatorStatusChanged { operator, from, to });
            }
            self.env().emit_event(PerformanceAttested {
                operator,
                frame,
                attestations,
                figures,
                score: history.score,
                disputed: history.disputed,
            });
            Ok(())
        }
    }

    impl OperatorRegistry {
        /// Instantiates the registry with `governor` (the board, or a test account); the caller
        /// becomes the deployer that wires it once. Frame 0 starts now.
        #[ink(constructor)]
        pub fn new(governor: AccountId, guardian: AccountId) -> Self {
            let mut limits = Lazy::new();
            limits.set(&RegistrationLimits::DEFAULT);
            let mut policy = Lazy::new();
            policy.set(&PerformancePolicy::DEFAULT);
            let mut totals = Lazy::new();
            totals.set(&Totals::default());
            let mut allocation = Lazy::new();
            allocation.set(&AllocationPolicy::DEFAULT);
            Self {
                authority: authority_cell::new(governor, guardian),
                wiring: icseth_core::wiring::new_cell(Self::env().caller()),
                operators: Mapping::default(),
                operator_of: Mapping::default(),
                operator_count: 0,
                max_operators: DEFAULT_MAX_OPERATORS,
                limits,
                pending_count: 0,
                live_count: 0,
                invited: Mapping::default(),
                allocation,
                in_service: Mapping::default(),
                in_service_count: [0; KINDS],
                policy,
                genesis_ms: Self::env().block_timestamp(),
                history: Mapping::default(),
                totals,
            }
        }

        // ---- wiring and roles -------------------------------------------------------------

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

        /// Governor only (the board's execution): approves a pending operator, sets an operator's
        /// limit, removes an operator, sets the performance policy, approves a deposit address,
        /// invites an admin or sets the registration limits.
        fn apply_decision(&mut self, decision: RegistryDecision) -> Result<(), Error> {
            authority_cell::ensure_governor(&self.authority)?;
            match decision {
                RegistryDecision::ApproveOperator { operator } => {
                    // the kind's room first: a refusal changes nothing
                    self.kind_room(operator)?;
                    self.transition(operator, &[OperatorStatus::Pending], OperatorStatus::Active)?;
                    self.enter_service(operator)
                }
                RegistryDecision::RemoveOperator { operator } => {
                    let was_in_service = self
                        .operators
                        .get(operator)
                        .is_some_and(|o| o.status != OperatorStatus::Pending);
                    self.transition(
                        operator,
                        &[
                            OperatorStatus::Pending,
                            OperatorStatus::Active,
                            OperatorStatus::Probation,
                            OperatorStatus::Paused,
                        ],
                        OperatorStatus::Exited,
                    )?;
                    if was_in_service {
                        self.leave_service(operator)?;
                        let mut record = self.operators.get(operator).ok_or(Error::UnknownOperator)?;
                        let staying = record.staying();
                        let policy = self.allocation.required()?;
                        self.ask_exits(operator, &mut record, staying, ExitReason::Removed, &policy)?;
                        self.operators.insert(operator, &record);
                    }
                    Ok(())
                }
                RegistryDecision::SetAllocationPolicy { policy } => {
                    if !policy.is_valid() {
                        return Err(Error::InvalidAllocationPolicy);
                    }
                    self.allocation.set(&policy);
                    self.env().emit_event(AllocationPolicySet { policy });
                    Ok(())
                }
                RegistryDecision::SetLimit { operator, limit } => {
                    let mut record = self.operators.get(operator).ok_or(Error::UnknownOperator)?;
                    record.counts = record.counts.with_limit(limit)?;
                    self.operators.insert(operator, &record);
                    self.env().emit_event(CountsChanged {
                        operator,
                        counts: record.counts,
                    });
                    Ok(())
                }
                RegistryDecision::SetPolicy { policy } => {
                    if !policy.is_valid() {
                        return Err(Error::InvalidPolicy);
                    }
                    self.policy.set(&policy);
                    self.env().emit_event(PolicySet { policy });
                    Ok(())
                }
                RegistryDecision::InviteOperator { admin } => {
                    if self.operator_of.contains(admin) {
                        return Err(Error::DuplicateRegistration);
                    }
                    self.invited.insert(admin, &());
                    self.env().emit_event(OperatorInvited { admin });
                    Ok(())
                }
                RegistryDecision::SetRegistrationLimits { limits } => {
                    if !limits.is_valid() {
                        return Err(Error::InvalidLimits);
                    }
                    self.limits.set(&limits);
                    self.env().emit_event(RegistrationLimitsSet { limits });
                    Ok(())
                }
                RegistryDecision::ApproveDepositAddress {
                    operator,
                    deposit_address,
                } => {
                    let mut record = self.operators.get(operator).ok_or(Error::UnknownOperator)?;
                    if record.proposed_deposit_address != Some(deposit_address) {
                        return Err(Error::DepositAddressNotProposed);
                    }
                    record.deposit_address = deposit_address;
                    record.proposed_deposit_address = None;
                    self.operators.insert(operator, &record);
                    self.env().emit_event(DepositAddressApproved {
                        operator,
                        deposit_address,
                    });
                    Ok(())
                }
            }
        }

        fn transition(
            &mut self,
            id: u32,
            allowed_from: &[OperatorStatus],
            to: OperatorStatus,
        ) -> Result<(), Error> {
            let mut operator = self.operators.get(id).ok_or(Error::UnknownOperator)?;
            if !allowed_from.contains(&operator.status) {
                return Err(Error::InvalidTransition);
            }
            let from = operator.status;
            // A registration leaves the waiting room when approved, removed or expired; an
            // operator stops counting against the cap when it exits.
            if from == OperatorStatus::Pending {
                self.pending_count = self.pending_count.checked_sub(1).ok_or(Error::Overflow)?;
            }
            if to == OperatorStatus::Exited {
                self.live_count = self.live_count.checked_sub(1).ok_or(Error::Overflow)?;
            }
            operator.status = to;
            self.operators.insert(id, &operator);
            self.env().emit_event(OperatorStatusChanged {
                operator: id,
                from,
                to,
            });
            Ok(())
        }

        fn ensure_accounting(&self) -> Result<(), Error> {
            if self.env().caller() != self.wiring.require()?.accounting {
                return Err(Error::NotAccounting);
            }
            Ok(())
        }

        /// The kind's part of the in-service index's key: its place in the kind targets.
        fn kind_key(kind: OperatorKind) -> u8 {
            u8::try_from(kind.index()).unwrap_or(u8::MAX)
        }

        /// `KindFull` when the operator's kind holds `max_per_kind` operators in service.
        fn kind_room(&self, id: u32) -> Result<(), Error> {
            let kind = self.operators.get(id).ok_or(Error::UnknownOperator)?.kind;
            let max = self.allocation.required()?.max_per_kind;
            if self.in_service_count.get(kind.index()).copied().unwrap_or(0) >= max {
                return Err(Error::KindFull);
            }
            Ok(())
        }

        /// Adds an approved operator to its kind's index (`kind_room` checked).
        fn enter_service(&mut self, id: u32) -> Result<(), Error> {
            self.kind_room(id)?;
            let kind = self.operators.get(id).ok_or(Error::UnknownOperator)?.kind;
            let count = self
                .in_service_count
                .get_mut(kind.index())
                .ok_or(Error::Overflow)?;
            self.in_service.insert((Self::kind_key(kind), *count), &id);
            *count = count.checked_add(1).ok_or(Error::Overflow)?;
            Ok(())
        }

        /// Takes a removed operator out of its kind's index (the last entry takes its slot; the
        /// scan is bounded by `MAX_PER_KIND`).
        fn leave_service(&mut self, id: u32) -> Result<(), Error> {
            let kind = self.operators.get(id).ok_or(Error::UnknownOperator)?.kind;
            let key = Self::kind_key(kind);
            let count = self.in_service_count.get(kind.index()).copied().unwrap_or(0);
            let last = count.checked_sub(1).ok_or(Error::Overflow)?;
            let slot = (0..count)
                .find(|slot| self.in_service.get((key, *slot)) == Some(id))
                .ok_or(Error::StorageUnreadable)?;
            if slot != last {
                let moved = self.in_service.get((key, last)).ok_or(Error::StorageUnreadable)?;
                self.in_service.insert((key, slot), &moved);
            }
            self.in_service.remove((key, last));
            if let Some(c) = self.in_service_count.get_mut(kind.index()) {
                *c = last;
            }
            Ok(())
        }

        /// The operators in service, each record read once, beside the rules' view of them.
        fn candidates(&self) -> Result<(Vec<Operator>, Vec<Candidate>), Error> {
            let threshold = self.policy.required()?.threshold_bps;
            let now = self.env().block_timestamp();
            let mut records = Vec::new();
            let mut candidates = Vec::new();
            for kind in [
                OperatorKind::SsvCluster,
                OperatorKind::ObolCluster,
                OperatorKind::KycRingFenced,
            ] {
                let count = self.in_service_count.get(kind.index()).copied().unwrap_or(0);
                for slot in 0..count {
                    let id = self
                        .in_service
                        .get((Self::kind_key(kind), slot))
                        .ok_or(Error::StorageUnreadable)?;
                    let record = self.operators.get(id).ok_or(Error::UnknownOperator)?;
                    let eligible = may_receive_stake(
                        record.status,
                        record.outstanding_exits(),
                        record.last_frame_unmatched,
                    );
                    candidates.push(Candidate {
                        id,
                        kind: record.kind,
                        rank_score: record.score.unwrap_or(threshold),
                        staying: record.staying(),
                        exitable: record.exitable(now),
                        spare: if eligible { record.counts.spare() } else { 0 },
                        paused: record.status == OperatorStatus::Paused,
                        allocated: 0,
                        exit_requested: 0,
                    });
                    records.push(record);
                }
            }
            Ok((records, candidates))
        }

        /// Asks `validators` more of the operator's staying validators to exit, all by now plus
        /// the exit deadline; the caller writes the record. Emits `ExitsRequested`.
        fn ask_exits(
            &mut self,
            id: u32,
            record: &mut Operator,
            validators: u32,
            reason: ExitReason,
            policy: &AllocationPolicy,
        ) -> Result<(), Error> {
            if validators == 0 {
                return Ok(());
            }
            // asked on top of what has exited (exits beyond what was asked satisfy nothing later)
            let base = record.exit_requested.max(record.counts.exited);
            record.exit_requested = base.checked_add(validators).ok_or(Error::Overflow)?;
            let deadline = self
                .env()
                .block_timestamp()
                .checked_add(policy.exit_deadline_ms)
                .ok_or(Error::Overflow)?;
            // a new request never moves an older one's deadline; past the bound it joins the
            // newest
            record.exit_tranches.push(ExitTranche {
                asked_through: record.exit_requested,
                deadline,
            });
            if record.exit_tranches.len() > MAX_EXIT_TRANCHES {
                record.exit_tranches.remove(MAX_EXIT_TRANCHES.saturating_sub(1));
                if let Some(last) = record.exit_tranches.last_mut() {
                    last.asked_through = record.exit_requested;
                    last.deadline = deadline;
                }
            }
            self.add_to_totals(|t| {
                t.exits_outstanding = t
                    .exits_outstanding
                    .checked_add(u64::from(validators))
                    .ok_or(Error::Overflow)?;
                Ok(())
            })?;
            self.env().emit_event(ExitsRequested {
                operator: id,
                validators,
                reason,
                outstanding: record.outstanding_exits(),
                deadline,
            });
            Ok(())
        }

        /// Records `exits` more exited validators (attested): they satisfy the oldest asks first,
        /// overdue ones before those still counted as coming. The caller writes the record.
        /// Emits `ExitsRecorded`.
        fn record_exits(&mut self, id: u32, record: &mut Operator, exits: u32) -> Result<(), Error> {
            let before = record.outstanding_exits();
            record.counts = record.counts.with_exited(exits)?;
            let after = record.outstanding_exits();
            let satisfied = before.saturating_sub(after);
            let overdue = satisfied.min(record.exits_overdue);
            record.exits_overdue = record.exits_overdue.saturating_sub(overdue);
            let counted = satisfied.saturating_sub(overdue);
            let exited = record.counts.exited;
            record.exit_tranches.retain(|t| t.asked_through > exited);
            self.add_to_totals(|t| {
                t.validators_exited = t
                    .validators_exited
                    .checked_add(u64::from(exits))
                    .ok_or(Error::Overflow)?;
                t.exits_outstanding = t
                    .exits_outstanding
                    .checked_sub(u64::from(counted))
                    .ok_or(Error::Overflow)?;
                Ok(())
            })?;
            self.env().emit_event(ExitsRecorded {
                operator: id,
                validators: exits,
                exited: record.counts.exited,
                outstanding: after,
            });
            Ok(())
        }

        /// Anyone, once an exit request's deadline has passed with its validators not all
        /// exited, and the oracle has attested a frame of the operator that ended after that
        /// deadline (so an exit the oracle has not seen yet is never taken for a miss): records
        /// the validators due and not exited as missed (`exits_missed`, like missed duties) and
        /// pauses the operator if active or on probation, asking the rest of its validators to
        /// exit. From then on none of what it is asked counts as coming, so the exits tickets
        /// need are asked of others, and it stays paused until it has exited all of it. Emits
        /// `ExitsMissed` (and `OperatorStatusChanged`, `ExitsRequested` on a pause).
        #[ink(message)]
        pub fn flag_missed_exits(&mut self, operator: u32) -> Result<(), Error> {
            let mut record = self.operators.get(operator).ok_or(Error::UnknownOperator)?;
            let now = self.env().block_timestamp();
            let exited = record.counts.exited;
            let attested_until = record
                .last_attested_frame
                .and_then(|frame| u64::from(frame).checked_add(1))
                .and_then(|frames| frames.checked_mul(FRAME_MS))
                .and_then(|span| self.genesis_ms.checked_add(span))
                .unwrap_or(0);
            if !record
                .exit_tranches
                .iter()
                .any(|t| t.deadline < now && t.asked_through > exited)
            {
                return Err(Error::NoMissedExits);
            }
            // the newest request due both by the clock and by a frame the oracle attested after
            // its deadline
            let due = record
                .exit_tranches
                .iter()
                .rev()
                .find(|t| t.deadline < now && t.deadline < attested_until && t.asked_through > exited)
                .copied()
                .ok_or(Error::ExitsNotAttestedPastDeadline)?;
            let missed = due.asked_through.saturating_sub(exited);
            record.exits_missed = record.exits_missed.checked_add(missed).ok_or(Error::Overflow)?;
            self.env().emit_event(ExitsMissed {
                operator,
                validators: missed,
            });
            if matches!(record.status, OperatorStatus::Active | OperatorStatus::Probation) {
                let from = record.status;
                let perf = self.policy.required()?;
                record.status = OperatorStatus::Paused;
                record.weak_streak = perf.frames_to_probation.saturating_add(perf.frames_to_pause);
                self.env().emit_event(OperatorStatusChanged {
                    operator,
                    from,
                    to: OperatorStatus::Paused,
                });
                let staying = record.staying();
                let policy = self.allocation.required()?;
                self.ask_exits(operator, &mut record, staying, ExitReason::Paused, &policy)?;
            }
            // everything it is asked is overdue now: no longer counted as coming, no deadline
            let outstanding = record.outstanding_exits();
            let newly_overdue = outstanding.saturating_sub(record.exits_overdue);
            record.exits_overdue = outstanding;
            record.exit_tranches.clear();
            self.add_to_totals(|t| {
                t.exits_missed = t
                    .exits_missed
                    .checked_add(u64::from(missed))
                    .ok_or(Error::Overflow)?;
                t.exits_outstanding = t
                    .exits_outstanding
                    .checked_sub(u64::from(newly_overdue))
                    .ok_or(Error::Overflow)?;
                Ok(())
            })?;
            self.operators.insert(operator, &record);
            Ok(())
        }

        /// Anyone: the allocation policy.
        #[ink(message)]
        pub fn allocation_policy(&self) -> Result<AllocationPolicy, Error> {
            Ok(self.allocation.required()?)
        }

        /// Anyone: the ids of the operators in service of `kind` (at most `max_per_kind`), in
        /// index order.
        #[ink(message)]
        pub fn in_service(&self, kind: OperatorKind) -> Vec<u32> {
            let count = self.in_service_count.get(kind.index()).copied().unwrap_or(0);
            (0..count)
                .filter_map(|slot| self.in_service.get((Self::kind_key(kind), slot)))
                .collect()
        }

        // ---- operators ----------------------------------------------------------------------

        /// Anyone (the caller becomes the operator's admin), once per admin: registers an operator
        /// as pending, while fewer than `max_pending` registrations wait for the board (an admin
        /// the board invited needs no waiting slot) and fewer than `max_operators` operators are
        /// live. Emits `OperatorRegistered`; returns its id.
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
            if self.live_count >= self.max_operators {
                return Err(Error::OperatorCapReached);
            }
            let invited = self.invited.contains(admin);
            if !invited && self.pending_count >= self.limits.required()?.max_pending {
                return Err(Error::PendingCapReached);
            }
            let id = self.operator_count;
            let next = id.checked_add(1).ok_or(Error::Overflow)?;
            let pending = self.pending_count.checked_add(1).ok_or(Error::Overflow)?;
            let live = self.live_count.checked_add(1).ok_or(Error::Overflow)?;
            self.operators.insert(
                id,
                &Operator {
                    name,
                    admin,
                    reward_address,
                    deposit_address,
                    proposed_deposit_address: None,
                    kind,
                    status: OperatorStatus::Pending,
                    registered_at: self.env().block_timestamp(),
                    counts: ValidatorCounts::default(),
                    score: None,
                    weak_streak: 0,
                    last_reported_frame: None,
                    last_attested_frame: None,
                    totals: Cumulative::default(),
                    exit_requested: 0,
                    exit_tranches: Vec::new(),
                    recently_funded: RecentlyFunded::default(),
                    exits_missed: 0,
                    exits_overdue: 0,
                    last_frame_unmatched: false,
                },
            );
            self.operator_of.insert(admin, &id);
            if invited {
                self.invited.remove(admin);
            }
            self.operator_count = next;
            self.pending_count = pending;
            self.live_count = live;
            self.env().emit_event(OperatorRegistered {
                operator: id,
                admin,
                kind,
            });
            Ok(id)
        }

        fn admin_record(&self, id: u32) -> Result<Operator, Error> {
            let record = self.operators.get(id).ok_or(Error::UnknownOperator)?;
            if record.admin != self.env().caller() {
                return Err(Error::NotOperatorAdmin);
            }
            Ok(record)
        }

        /// The operator's admin only: sets how many validator keys it has uploaded (never below
        /// its limit). Emits `CountsChanged`.
        #[ink(message)]
        pub fn set_keys(&mut self, operator: u32, keys: u32) -> Result<(), Error> {
            let mut record = self.admin_record(operator)?;
            record.counts = record.counts.with_keys(keys)?;
            self.operators.insert(operator, &record);
            self.env().emit_event(CountsChanged {
                operator,
                counts: record.counts,
            });
            Ok(())
        }

        /// The operator's admin only: sets its reward address (effective now) and proposes a
        /// deposit address (naming the approved one withdraws a pending proposal). Stake keeps going to the approved deposit address until the board
        /// approves the proposed one (`RegistryDecision::ApproveDepositAddress`), so an admin
        /// cannot redirect stake by changing it just before `stake`. Emits `AddressesChanged`.
        #[ink(message)]
        pub fn set_addresses(
            &mut self,
            operator: u32,
            reward_address: AccountId,
            deposit_address: AccountId,
        ) -> Result<(), Error> {
            let mut record = self.admin_record(operator)?;
            record.reward_address = reward_address;
            record.proposed_deposit_address =
                (deposit_address != record.deposit_address).then_some(deposit_address);
            self.operators.insert(operator, &record);
            self.env().emit_event(AddressesChanged {
                operator,
                reward_address,
                proposed_deposit_address: record.proposed_deposit_address,
            });
            Ok(())
        }

        // ---- performance --------------------------------------------------------------------

        /// Anyone: the frame in progress (frames before it may be reported).
        #[ink(message)]
        pub fn current_frame(&self) -> u32 {
            let elapsed = self.env().block_timestamp().saturating_sub(self.genesis_ms);
            u32::try_from(elapsed.checked_div(FRAME_MS).unwrap_or(0)).unwrap_or(u32::MAX)
        }

        fn slot(frame: u32) -> u32 {
            frame.checked_rem(HISTORY_FRAMES).unwrap_or(0)
        }

        fn frame_record(&self, operator: u32, frame: u32) -> FrameRecord {
            self.history
                .get((operator, Self::slot(frame)))
                .filter(|r| r.frame == frame)
                .unwrap_or(FrameRecord::empty(frame))
        }

        /// The operator's admin only, once per frame, for a finished frame after its last report:
        /// records its own figures. Emits `PerformanceReported`.
        #[ink(message)]
        pub fn report_performance(
            &mut self,
            operator: u32,
            frame: u32,
            figures: Figures,
        ) -> Result<(), Error> {
            let mut record = self.admin_record(operator)?;
            if !figures.is_valid() {
                return Err(Error::InvalidFigures);
            }
            if frame >= self.current_frame() {
                return Err(Error::FrameInFuture);
            }
            if record.last_reported_frame.is_some_and(|last| frame <= last) {
                return Err(Error::FrameAlreadyReported);
            }
            let mut history = self.frame_record(operator, frame);
            history.claimed = Some(figures);
            if let Some(attested) = history.attested {
                self.flag_dispute(&mut record, &mut history, &figures, &attested)?;
                // a late claim of the last attested frame decides whether it matched
                if record.last_attested_frame == Some(frame) {
                    record.last_frame_unmatched = history.disputed;
                }
            }
            record.last_reported_frame = Some(frame);
            self.add_to_totals(|t| {
                t.reports = t.reports.checked_add(1).ok_or(Error::Overflow)?;
                Ok(())
            })?;
            self.history.insert((operator, Self::slot(frame)), &history);
            self.operators.insert(operator, &record);
            self.env().emit_event(PerformanceReported {
                operator,
                frame,
                figures,
            });
            Ok(())
        }

        /// Reads the protocol-wide totals, applies `change` and writes them back.
        fn add_to_totals(
            &mut self,
            change: impl FnOnce(&mut Totals) -> Result<(), Error>,
        ) -> Result<(), Error> {
            let mut totals = self.totals.required()?;
            change(&mut totals)?;
            self.totals.set(&totals);
            Ok(())
        }

        fn flag_dispute(
            &self,
            record: &mut Operator,
            history: &mut FrameRecord,
            claimed: &Figures,
            attested: &Figures,
        ) -> Result<(), Error> {
            if !history.disputed && disagree(claimed, attested, self.policy.required()?.tolerance_bps) {
                history.disputed = true;
                record.totals.disagreements = record
                    .totals
                    .disagreements
                    .checked_add(1)
                    .ok_or(Error::Overflow)?;
            }
            Ok(())
        }

        // ---- reads --------------------------------------------------------------------------

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

        /// Anyone: among ids `start..start + limit` (`limit` <= `MAX_PAGE`), the operators in
        /// `status`; page on with `start + limit`.
        #[ink(message)]
        pub fn operators_by_status(
            &self,
            status: OperatorStatus,
            start: u32,
            limit: u32,
        ) -> Result<Vec<(u32, Operator)>, Error> {
            Ok(self
                .operators(start, limit)?
                .into_iter()
                .filter(|(_, o)| o.status == status)
                .collect())
        }

        /// Anyone: the operator's last `HISTORY_FRAMES` frames, oldest first.
        #[ink(message)]
        pub fn history(&self, operator: u32) -> Vec<FrameRecord> {
            let mut frames: Vec<FrameRecord> = (0..HISTORY_FRAMES)
                .filter_map(|slot| self.history.get((operator, slot)))
                .collect();
            frames.sort_by_key(|r| r.frame);
            frames
        }

        /// Anyone: protocol-wide totals.
        #[ink(message)]
        pub fn totals(&self) -> Result<Totals, Error> {
            Ok(self.totals.required()?)
        }

        /// Anyone: the performance policy.
        #[ink(message)]
        pub fn policy(&self) -> Result<PerformancePolicy, Error> {
            Ok(self.policy.required()?)
        }

        /// Anyone: how many operators have registered.
        #[ink(message)]
        pub fn operator_count(&self) -> u32 {
            self.operator_count
        }

        /// Anyone, once a pending registration is `pending_ttl_ms` old: it expires (status
        /// Exited, the record kept), freeing its waiting slot; its admin may register again.
        /// The lifetime (14 days by default) must outlast the board's decision time (11 days
        /// with its default timing). Emits `OperatorStatusChanged`.
        #[ink(message)]
        pub fn expire_registration(&mut self, operator: u32) -> Result<(), Error> {
            let record = self.operators.get(operator).ok_or(Error::UnknownOperator)?;
            if record.status != OperatorStatus::Pending {
                return Err(Error::NotPending);
            }
            let expires_at = record
                .registered_at
                .checked_add(self.limits.required()?.pending_ttl_ms)
                .ok_or(Error::Overflow)?;
            if self.env().block_timestamp() < expires_at {
                return Err(Error::NotExpired);
            }
            self.transition(operator, &[OperatorStatus::Pending], OperatorStatus::Exited)?;
            // An expiry is no judgement of the admin: it may register again or be invited.
            self.operator_of.remove(record.admin);
            Ok(())
        }

        /// Anyone: the cap and lifetime of pending registrations.
        #[ink(message)]
        pub fn registration_limits(&self) -> Result<RegistrationLimits, Error> {
            Ok(self.limits.required()?)
        }

        /// Anyone: registrations waiting for the board, and operators not exited.
        #[ink(message)]
        pub fn waiting_and_live(&self) -> (u32, u32) {
            (self.pending_count, self.live_count)
        }

        /// Anyone: whether `admin` holds an unused invitation.
        #[ink(message)]
        pub fn is_invited(&self, admin: AccountId) -> bool {
            self.invited.contains(admin)
        }

        /// Anyone: the most operators the registry accepts.
        #[ink(message)]
        pub fn max_operators(&self) -> u32 {
            self.max_operators
        }
    }
}

#[cfg(test)]
mod tests;
