//! The whitelist board: institutional members who govern the whole suite by proposals and votes.
//!
//! A member proposes a typed `Action`; members who were members when it was created vote once each,
//! for or against, until the voting deadline; a member removed later loses its vote. After the
//! deadline and an execution delay, anyone executes a proposal whose eligible votes for reach the
//! quorum, once, before it expires. Execution pushes the decision into the contract concerned with a
//! cross-contract call; if that contract refuses, the execution fails as a whole and the proposal
//! stays executable. The board is its own governor: its members, quorum and timing change only by
//! its proposals. No contract calls the board back.
#![cfg_attr(not(feature = "std"), no_std, no_main)]

#[ink::contract]
pub mod whitelist_board {
    use icseth_abi::authority::Governed;
    pub use icseth_abi::board::BoardError;
    use icseth_abi::{
        accounting::AccountingGovernance, oracle::OracleGovernance, pool::PoolGovernance,
        protection::ProtectionGovernance, registry::RegistryGovernance,
    };
    use icseth_core::authority::{
        cell::{self as authority_cell, AuthorityCell},
        Authority, AuthorityDecision, GovernorError, PendingGovernor,
    };
    use icseth_core::events::GuardianChanged;
    use icseth_core::Required;
    use icseth_core::{
        board::{is_unanimity_lock, quorum_is_valid, MAX_MEMBERS},
        events::Wired,
        governance::{has_duplicates, passes, tally, Action, Subject, Target, Timing, TokenDecision, Vote},
        settle_typed, SuiteAddresses, SuiteSlot, WiringAccess, WiringCell,
    };
    use ink::storage::traits::ManualKey;
    use ink::{
        codegen::TraitCallBuilder,
        prelude::vec::Vec,
        storage::{Lazy, Mapping},
    };

    /// Most proposals a paged read returns.
    pub const MAX_PAGE: u32 = 20;

    /// Every way a message of this contract can fail (defined with the interfaces, beside the
    /// errors of the contracts it pushes decisions into).
    pub type Error = BoardError;

    /// A proposal as stored.
    #[derive(Debug, Clone, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub struct Proposal {
        pub proposer: AccountId,
        pub action: Action,
        pub created_at: Timestamp,
        /// Votes are accepted strictly before this time.
        pub voting_ends_at: Timestamp,
        /// Execution is possible from this time...
        pub executable_from: Timestamp,
        /// ...and strictly before this one.
        pub expires_at: Timestamp,
        pub executed: bool,
    }

    /// Where a proposal stands now.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    pub enum Status {
        /// Voting is open.
        Voting,
        /// Voting ended with quorum; waiting for the execution delay.
        Queued,
        /// Executable now.
        Executable,
        /// Voting ended short of the current quorum. Not final: if the board later lowers its
        /// quorum (or removes a member who voted against), the same votes may pass it until it
        /// expires.
        NotPassed,
        /// Executed (it never executes again).
        Executed,
        /// Passed but not executed in its window (it never executes).
        Expired,
        /// Passed, but a subject changed after its creation (it never executes).
        Superseded,
    }

    /// A proposal with its live tally and status, for auditors.
    #[derive(Debug, Clone, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    pub struct ProposalView {
        pub id: u64,
        pub proposal: Proposal,
        pub status: Status,
        /// Eligible votes for and against, as they count now.
        pub yes: u32,
        pub no: u32,
        /// Every vote cast, counted or not (a removed member's vote stays on record).
        pub votes: Vec<Vote>,
    }

    /// A member proposed an action.
    #[ink(event)]
    pub struct ProposalCreated {
        #[ink(topic)]
        pub id: u64,
        #[ink(topic)]
        pub proposer: AccountId,
        pub action: Action,
        pub voting_ends_at: Timestamp,
    }

    /// A member voted.
    #[ink(event)]
    pub struct VoteCast {
        #[ink(topic)]
        pub id: u64,
        #[ink(topic)]
        pub member: AccountId,
        pub approve: bool,
    }

    /// A proposal was executed and its decision applied.
    #[ink(event)]
    pub struct ProposalExecuted {
        #[ink(topic)]
        pub id: u64,
        #[ink(topic)]
        pub executor: AccountId,
        pub action: Action,
    }

    /// A member was admitted.
    #[ink(event)]
    pub struct MemberAdded {
        #[ink(topic)]
        pub member: AccountId,
    }

    /// A member was removed.
    #[ink(event)]
    pub struct MemberRemoved {
        #[ink(topic)]
        pub member: AccountId,
    }

    /// The quorum changed.
    #[ink(event)]
    pub struct QuorumChanged {
        pub quorum: u32,
    }

    /// The board's timing changed.
    #[ink(event)]
    pub struct TimingChanged {
        pub timing: Timing,
    }

    /// The storage key of every cell behind the root (fixed, so a new version of the code finds
    /// each cell where this one wrote it, whatever it renames; the authority cell is at
    /// `icseth_core::authority::AUTHORITY_KEY` in every contract).
    pub mod keys {
        pub const JOINED_AT: u32 = 0x0201;
        pub const PROPOSALS: u32 = 0x0202;
        pub const VOTES: u32 = 0x0203;
        pub const SUBJECT_DECIDED_BY: u32 = 0x0204;
        pub const TIMING: u32 = 0x0205;
    }

    /// Storage of the contract.
    #[ink(storage)]
    pub struct WhitelistBoard {
        /// Governor: the board itself (its own executed proposals); guardian: the suite's.
        authority: AuthorityCell,
        wiring: WiringCell,
        /// The protocol's own member account.
        protocol: AccountId,
        /// Members by account, with the proposal count when they were admitted: a member may vote
        /// on proposals whose id is at least that count (created after admission).
        joined_at: Mapping<AccountId, u64, ManualKey<{ keys::JOINED_AT }>>,
        /// Members in order of admission; bounded by `MAX_MEMBERS`.
        members: Vec<AccountId>,
        /// Votes a proposal needs to pass.
        quorum: u32,
        timing: Lazy<Timing, ManualKey<{ keys::TIMING }>>,
        proposals: Mapping<u64, Proposal, ManualKey<{ keys::PROPOSALS }>>,
        /// Votes per proposal (at most one per member, so at most `MAX_MEMBERS`).
        votes: Mapping<u64, Vec<Vote>, ManualKey<{ keys::VOTES }>>,
        proposal_count: u64,
        /// For each subject, the id of the newest proposal executed on it: older proposals on the
        /// subject (lower ids: ids order creation exactly, even within one block) are superseded,
        /// so an older decision can never undo a newer one, whichever became executable first.
        subject_decided_by: Mapping<Subject, u64, ManualKey<{ keys::SUBJECT_DECIDED_BY }>>,
    }

    /// The authority messages, delegated to the suite's one authority cell (`icseth_core::authority`).
    impl Governed for WhitelistBoard {
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

    impl WhitelistBoard {
        /// Instantiates the board with its first `members` (which must include `protocol`) and a
        /// `quorum` strictly above half of them (and below unanimity from three members on), with
        /// the default timing, and the suite's `guardian`. The board is its own governor. The
        /// caller becomes the deployer that wires it once.
        #[ink(constructor)]
        pub fn new(
            protocol: AccountId,
            members: Vec<AccountId>,
            quorum: u32,
            guardian: AccountId,
        ) -> Result<Self, Error> {
            let count = u32::try_from(members.len()).map_err(|_| Error::MemberCountOutOfRange)?;
            if count == 0 || count > MAX_MEMBERS {
                return Err(Error::MemberCountOutOfRange);
            }
            if !members.contains(&protocol) {
                return Err(Error::ProtocolNotMember);
            }
            Self::check_quorum(quorum, count)?;
            // Checked before the first write: at most 21 members, so the pairwise scan is bounded.
            if has_duplicates(&members) {
                return Err(Error::DuplicateMember);
            }
            let mut joined_at = Mapping::default();
            for member in &members {
                joined_at.insert(member, &0u64);
            }
            let mut timing = Lazy::new();
            timing.set(&Timing::DEFAULT);
            Ok(Self {
                authority: authority_cell::new(Self::env().account_id(), guardian),
                wiring: icseth_core::wiring::new_cell(Self::env().caller()),
                protocol,
                joined_at,
                members,
                quorum,
                timing,
                proposals: Mapping::default(),
                votes: Mapping::default(),
                proposal_count: 0,
                subject_decided_by: Mapping::default(),
            })
        }

        /// Deployer only, once: records the suite's addresses and locks them. Emits `Wired`.
        #[ink(message)]
        pub fn wire(&mut self, suite: SuiteAddresses) -> Result<(), Error> {
            let caller = self.env().caller();
            let own = self.env().account_id();
            self.wiring.wire(caller, own, SuiteSlot::Board, suite)?;
            self.env().emit_event(Wired { by: caller, suite });
            Ok(())
        }

        /// Anyone: the suite's addresses, once wired.
        #[ink(message)]
        pub fn suite(&self) -> Option<SuiteAddresses> {
            self.wiring.suite()
        }

        /// Anyone: the protocol's own member account.
        #[ink(message)]
        pub fn protocol(&self) -> AccountId {
            self.protocol
        }

        /// Anyone: the members, in order of admission (at most `MAX_MEMBERS`).
        #[ink(message)]
        pub fn members(&self) -> Vec<AccountId> {
            self.members.clone()
        }

        /// Anyone: whether `account` is a member.
        #[ink(message)]
        pub fn is_member(&self, account: AccountId) -> bool {
            self.joined_at.contains(account)
        }

        /// Anyone: votes a proposal needs to pass.
        #[ink(message)]
        pub fn quorum(&self) -> u32 {
            self.quorum
        }

        /// Anyone: the board's voting period, execution delay and execution window.
        #[ink(message)]
        pub fn timing(&self) -> Result<Timing, Error> {
            Ok(self.timing.required()?)
        }

        /// Anyone: how many proposals were made (ids are 0..count).
        #[ink(message)]
        pub fn proposal_count(&self) -> u64 {
            self.proposal_count
        }

        /// Members only: proposes `action`. Voting opens now and ends after the voting period.
        /// Emits `ProposalCreated`; returns the proposal id.
        #[ink(message)]
        pub fn propose(&mut self, action: Action) -> Result<u64, Error> {
            let proposer = self.env().caller();
            if !self.is_member(proposer) {
                return Err(Error::NotMember);
            }
            let timing = self.timing.required()?;
            let now = self.env().block_timestamp();
            let voting_ends_at = now.checked_add(timing.voting_period_ms).ok_or(Error::Overflow)?;
            let executable_from = voting_ends_at
                .checked_add(timing.execution_delay_ms)
                .ok_or(Error::Overflow)?;
            let expires_at = executable_from
                .checked_add(timing.execution_window_ms)
                .ok_or(Error::Overflow)?;
            let id = self.proposal_count;
            let next = id.checked_add(1).ok_or(Error::Overflow)?;
            self.proposals.insert(
                id,
                &Proposal {
                    proposer,
                    action: action.clone(),
                    created_at: now,
                    voting_ends_at,
                    executable_from,
                    expires_at,
                    executed: false,
                },
            );
            self.proposal_count = next;
            self.env().emit_event(ProposalCreated {
                id,
                proposer,
                action,
                voting_ends_at,
            });
            Ok(id)
        }

        /// Members admitted before the proposal was created only, once each, before the voting
        /// deadline: votes for (`approve`) or against. Emits `VoteCast`.
        #[ink(message)]
        pub fn vote(&mut self, id: u64, approve: bool) -> Result<(), Error> {
            let member = self.env().caller();
            let proposal = self.proposals.get(id).ok_or(Error::UnknownProposal)?;
            let joined = self.joined_at.get(member).ok_or(Error::NotMember)?;
            if joined > id {
                return Err(Error::NotEligible);
            }
            if self.env().block_timestamp() >= proposal.voting_ends_at {
                return Err(Error::VotingClosed);
            }
            // a proposal nobody voted on has no entry (an entry that does not decode traps)
            let mut votes = self.votes.get(id).unwrap_or_default();
            if votes.iter().any(|v| v.member == member) {
                return Err(Error::AlreadyVoted);
            }
            votes.push(Vote { member, approve });
            self.votes.insert(id, &votes);
            self.env().emit_event(VoteCast { id, member, approve });
            Ok(())
        }

        /// Anyone, once, from the proposal's execution time until it expires, if its eligible
        /// votes for reach the quorum and no newer decision on its subjects exists (a newer
        /// proposal executed, or the guardian's later pause): applies the action (pushing it into
        /// the contract concerned) and records it as the newest decision on its subjects,
        /// superseding the older proposals on them. If the target refuses, nothing
        /// changes and the proposal stays executable. Emits `ProposalExecuted` (and the action's
        /// own events).
        #[ink(message)]
        pub fn execute(&mut self, id: u64) -> Result<(), Error> {
            let executor = self.env().caller();
            let mut proposal = self.proposals.get(id).ok_or(Error::UnknownProposal)?;
            if proposal.executed {
                return Err(Error::AlreadyExecuted);
            }
            let now = self.env().block_timestamp();
            if now < proposal.executable_from {
                return Err(Error::TooEarly);
            }
            if now >= proposal.expires_at {
                return Err(Error::Expired);
            }
            let (yes, _) = self.tally_of(id);
            if !passes(yes, self.quorum) {
                return Err(Error::QuorumNotReached);
            }
            if self.is_superseded(id, &proposal)? {
                return Err(Error::Superseded);
            }
            self.apply(&proposal.action)?;
            for subject in proposal.action.subjects().into_iter().flatten() {
                self.subject_decided_by.insert(subject, &id);
            }
            proposal.executed = true;
            self.proposals.insert(id, &proposal);
            self.env().emit_event(ProposalExecuted {
                id,
                executor,
                action: proposal.action,
            });
            Ok(())
        }

        /// Anyone: a proposal with its live tally, status and votes.
        #[ink(message)]
        pub fn proposal(&self, id: u64) -> Option<ProposalView> {
            let proposal = self.proposals.get(id)?;
            let votes = self.votes.get(id).unwrap_or_default();
            let (yes, no) = self.tally_of(id);
            let status = self.status_of(id, &proposal, yes);
            Some(ProposalView {
                id,
                proposal,
                status,
                yes,
                no,
                votes,
            })
        }

        /// Anyone: proposals with ids from `start`, at most `limit` (<= `MAX_PAGE`).
        #[ink(message)]
        pub fn proposals(&self, start: u64, limit: u32) -> Result<Vec<ProposalView>, Error> {
            if limit > MAX_PAGE {
                return Err(Error::PageTooLarge);
            }
            let end = start.saturating_add(u64::from(limit)).min(self.proposal_count);
            Ok((start..end).filter_map(|id| self.proposal(id)).collect())
        }

        /// Anyone: how `member` voted on proposal `id`, if it did.
        #[ink(message)]
        pub fn vote_of(&self, id: u64, member: AccountId) -> Option<bool> {
            self.votes
                .get(id)?
                .into_iter()
                .find(|v| v.member == member)
                .map(|v| v.approve)
        }

        /// Whether a newer decision on a subject of proposal `id` exists: a newer proposal on it
        /// executed, the board took a contract the proposal is pushed into (back) after its
        /// creation, or (for the token's pause) the guardian paused after the proposal was
        /// created, as the token records it (by time: a pause in the block the proposal was
        /// created in counts as later). The board's own pauses are ordered by id only.
        fn is_superseded(&self, id: u64, proposal: &Proposal) -> Result<bool, Error> {
            let taken = proposal
                .action
                .targets()
                .iter()
                .map(|target| Some(Subject::GovernorTaken(*target)));
            for subject in proposal.action.subjects().into_iter().chain(taken).flatten() {
                if self
                    .subject_decided_by
                    .get(subject)
                    .is_some_and(|newest| id < newest)
                {
                    return Ok(true);
                }
            }
            if let Action::Token(TokenDecision::Pause | TokenDecision::Unpause) = proposal.action {
                let token: ink::contract_ref!(AccountingGovernance) =
                    self.wiring.require()?.accounting.into();
                let changed = token
                    .call()
                    .guardian_paused_at()
                    .try_invoke()
                    .ok()
                    .and_then(Result::ok)
                    .ok_or(Error::TargetCallFailed)?;
                if changed != 0 && changed >= proposal.created_at {
                    return Ok(true);
                }
            }
            Ok(false)
        }

        fn eligible(&self, member: &AccountId, id: u64) -> bool {
            self.joined_at.get(member).is_some_and(|joined| joined <= id)
        }

        /// Eligible votes for and against proposal `id` (at most `MAX_MEMBERS` to look at).
        fn tally_of(&self, id: u64) -> (u32, u32) {
            let votes = self.votes.get(id).unwrap_or_default();
            tally(&votes, |m| self.eligible(m, id))
        }

        fn status_of(&self, id: u64, proposal: &Proposal, yes: u32) -> Status {
            let now = self.env().block_timestamp();
            if proposal.executed {
                Status::Executed
            } else if now < proposal.voting_ends_at {
                Status::Voting
            } else if !passes(yes, self.quorum) {
                Status::NotPassed
            } else if now < proposal.expires_at && self.is_superseded(id, proposal).unwrap_or(false) {
                Status::Superseded
            } else if now < proposal.executable_from {
                Status::Queued
            } else if now < proposal.expires_at {
                Status::Executable
            } else {
                Status::Expired
            }
        }

        // ---- applying actions ------------------------------------------------------------

        fn apply(&mut self, action: &Action) -> Result<(), Error> {
            match action {
                Action::AddMember { account, quorum } => self.add_member(*account, *quorum),
                Action::RemoveMember { account, quorum } => self.remove_member(*account, *quorum),
                Action::SetQuorum { quorum } => {
                    let count = u32::try_from(self.members.len()).map_err(|_| Error::Overflow)?;
                    Self::check_quorum(*quorum, count)?;
                    self.quorum = *quorum;
                    self.env().emit_event(QuorumChanged { quorum: *quorum });
                    Ok(())
                }
                Action::SetTiming { timing } => {
                    if !timing.is_valid() {
                        return Err(Error::InvalidTiming);
                    }
                    self.timing.set(timing);
                    self.env().emit_event(TimingChanged { timing: *timing });
                    Ok(())
                }
                Action::Token(decision) => {
                    let mut token: ink::contract_ref!(AccountingGovernance) =
                        self.wiring.require()?.accounting.into();
                    Self::settle_decision(
                        token.call_mut().govern(decision.clone()).try_invoke(),
                        Error::Token,
                    )
                }
                Action::OperatorRegistry(decision) => {
                    let mut registry: ink::contract_ref!(RegistryGovernance) =
                        self.wiring.require()?.operator_registry.into();
                    Self::settle_decision(
                        registry.call_mut().govern(decision.clone()).try_invoke(),
                        Error::Registry,
                    )
                }
                Action::SlashProtection(decision) => {
                    let mut pool: ink::contract_ref!(ProtectionGovernance) =
                        self.wiring.require()?.slash_protection.into();
                    Self::settle_decision(
                        pool.call_mut().govern(decision.clone()).try_invoke(),
                        Error::Protection,
                    )
                }
                Action::FlashExitPool(decision) => {
                    let mut pool: ink::contract_ref!(PoolGovernance) =
                        self.wiring.require()?.flash_exit_pool.into();
                    Self::settle_decision(pool.call_mut().govern(decision.clone()).try_invoke(), Error::Pool)
                }
                Action::Oracle(decision) => {
                    let mut oracle: ink::contract_ref!(OracleGovernance) =
                        self.wiring.require()?.oracle.into();
                    Self::settle_decision(
                        oracle.call_mut().govern(decision.clone()).try_invoke(),
                        Error::Oracle,
                    )
                }
                Action::ProposeGovernor { target, successor } => {
                    let mut governed = self.governed(*target)?;
                    Self::settle_governed(
                        governed
                            .call_mut()
                            .govern_authority(AuthorityDecision::ProposeGovernor {
                                successor: *successor,
                            })
                            .try_invoke(),
                    )
                }
                Action::AcceptGovernor { target } => {
                    let mut governed = self.governed(*target)?;
                    Self::settle_governed(governed.call_mut().accept_governor().try_invoke())?;
                    // the previous governor's guardian goes with it: the suite's guardian returns
                    let guardian = authority_cell::read(&self.authority)?.guardian();
                    let decision = AuthorityDecision::SetGuardian { guardian };
                    Self::settle_governed(governed.call_mut().govern_authority(decision).try_invoke())
                }
                Action::WithdrawGovernorProposal { target } => {
                    let mut governed = self.governed(*target)?;
                    Self::settle_governed(
                        governed
                            .call_mut()
                            .govern_authority(AuthorityDecision::WithdrawGovernorProposal)
                            .try_invoke(),
                    )
                }
                Action::SetAcceptWindow { target, window_ms } => {
                    let mut governed = self.governed(*target)?;
                    Self::settle_governed(
                        governed
                            .call_mut()
                            .govern_authority(AuthorityDecision::SetAcceptWindow {
                                window_ms: *window_ms,
                            })
                            .try_invoke(),
                    )
                }
                Action::SetGuardian { guardian } => self.set_guardian_everywhere(*guardian),
            }
        }

        /// The board's own guardian, then each governed contract's: one guardian for the suite.
        /// A contract that refuses (the board is not its governor) fails the whole execution.
        fn set_guardian_everywhere(&mut self, guardian: AccountId) -> Result<(), Error> {
            let mut authority = authority_cell::read(&self.authority)?;
            authority.set_guardian(self.env().account_id(), guardian)?;
            self.authority.set(&authority);
            self.env().emit_event(GuardianChanged { guardian });
            for target in [
                Target::Token,
                Target::FlashExitPool,
                Target::OperatorRegistry,
                Target::SlashProtection,
                Target::Oracle,
            ] {
                let mut governed = self.governed(target)?;
                let decision = AuthorityDecision::SetGuardian { guardian };
                Self::settle_governed(governed.call_mut().govern_authority(decision).try_invoke())?;
            }
            Ok(())
        }

        /// `target`'s authority messages, called through the `Governed` interface.
        fn governed(&self, target: Target) -> Result<ink::contract_ref!(Governed), Error> {
            Ok(self.target_address(target)?.into())
        }

        /// A target's answer to an authority decision: its refusal arrives typed.
        fn settle_governed(
            answer: Result<ink::MessageResult<Result<(), GovernorError>>, ink::env::Error>,
        ) -> Result<(), Error> {
            settle_typed(answer).map_err(|e| {
                e.into_error(
                    Error::TargetGovernor,
                    Error::UnknownTargetError,
                    Error::TargetCallFailed,
                )
            })
        }

        fn target_address(&self, target: Target) -> Result<AccountId, Error> {
            let suite = self.wiring.require()?;
            Ok(match target {
                Target::Token => suite.accounting,
                Target::FlashExitPool => suite.flash_exit_pool,
                Target::OperatorRegistry => suite.operator_registry,
                Target::SlashProtection => suite.slash_protection,
                Target::Oracle => suite.oracle,
            })
        }

        /// A target's answer to a decision pushed into it: its refusal arrives typed, wrapped by
        /// `refused`. The target never calls the board back.
        fn settle_decision<E>(
            answer: Result<ink::MessageResult<Result<(), E>>, ink::env::Error>,
            refused: impl FnOnce(E) -> Error,
        ) -> Result<(), Error> {
            settle_typed(answer)
                .map_err(|e| e.into_error(refused, Error::UnknownTargetError, Error::TargetCallFailed))
        }

        /// Checks a quorum for a board of `count` members: strictly above half, reachable, and
        /// no unanimity lock from three members on.
        fn check_quorum(quorum: u32, count: u32) -> Result<(), Error> {
            if quorum > count {
                return Err(Error::QuorumUnreachable);
            }
            if !quorum_is_valid(quorum, count) {
                return Err(Error::InvalidQuorum);
            }
            if is_unanimity_lock(quorum, count) {
                return Err(Error::UnanimityLock);
            }
            Ok(())
        }

        fn set_quorum(&mut self, quorum: u32) {
            if quorum != self.quorum {
                self.quorum = quorum;
                self.env().emit_event(QuorumChanged { quorum });
            }
        }

        fn add_member(&mut self, account: AccountId, quorum: u32) -> Result<(), Error> {
            if self.is_member(account) {
                return Err(Error::AlreadyMember);
            }
            let count = u32::try_from(self.members.len()).map_err(|_| Error::Overflow)?;
            let new_count = count.checked_add(1).ok_or(Error::Overflow)?;
            if new_count > MAX_MEMBERS {
                return Err(Error::MemberCountOutOfRange);
            }
            Self::check_quorum(quorum, new_count)?;
            // Eligible for proposals created from now on.
            self.joined_at.insert(account, &self.proposal_count);
            self.members.push(account);
            self.env().emit_event(MemberAdded { member: account });
            self.set_quorum(quorum);
            Ok(())
        }

        fn remove_member(&mut self, account: AccountId, quorum: u32) -> Result<(), Error> {
            if account == self.protocol {
                return Err(Error::ProtocolMustStay);
            }
            let index = self
                .members
                .iter()
                .position(|m| *m == account)
                .ok_or(Error::NotMember)?;
            let count = u32::try_from(self.members.len()).map_err(|_| Error::Overflow)?;
            let new_count = count.checked_sub(1).ok_or(Error::Overflow)?;
            Self::check_quorum(quorum, new_count)?;
            self.members.remove(index);
            self.joined_at.remove(account);
            self.env().emit_event(MemberRemoved { member: account });
            self.set_quorum(quorum);
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests;
