//! The oracle's consensus: who the oracle members are, what they voted, and when they agree.
//!
//! Members vote on identical content (the hash of an encoded report or of a frame's figures). A
//! report is keyed by its reference time; its epoch must be the one that time falls in, counted
//! from the genesis time fixed at deployment. A member holds one report vote at a time and may
//! replace it until the report it voted for applies. A vote belongs to the member set it was cast
//! in: when the board changes the set, votes for reports and frames not yet agreed no longer
//! count. When strictly more than half of the current members agree, the contract pushes the
//! report to the accounting (`autobalance`, which checks the bounds and applies it) or the frame's
//! figures to the registry (`record_attestation`, which scores them). A vote that does not reach
//! quorum is shown to the accounting (`note_report_vote`), which enters its pending-loss mode when the
//! report shows a loss. Calls go one way: this contract calls the accounting and the registry, never the
//! reverse. Processing and sanity checks stay with them (Lido's split of `HashConsensus` from
//! `AccountingOracle` and `OracleReportSanityChecker`).
#![cfg_attr(not(feature = "std"), no_std, no_main)]

#[ink::contract]
pub mod oracle_consensus {
    use icseth_abi::accounting::{AccountingError, ReportSink};
    use icseth_abi::authority::Governed;
    use icseth_abi::oracle::{OracleError, OracleGovernance};
    use icseth_abi::registry::FrameRecords;
    use icseth_core::authority::{
        cell::{self as authority_cell, AuthorityCell},
        Authority, AuthorityDecision, PendingGovernor,
    };
    use icseth_core::{
        events::Wired,
        governance::{valid_oracle_members, OracleDecision},
        hold::{
            corroboration_threshold, frame_at, frame_of_reference, lone_hold_barred, loss_vote_unconfirmed,
            HoldBasis,
        },
        operators::Figures,
        oracle::{epoch_at, quorum, Report, ReportError},
        settle_typed, GovernorError, Required, SuiteAddresses, SuiteSlot, WiringAccess, WiringCell,
    };
    use ink::codegen::TraitCallBuilder;
    use ink::storage::traits::ManualKey;
    use ink::{
        prelude::vec::Vec,
        storage::{traits::StorageKey, Lazy, Mapping},
    };

    /// The BLAKE2-256 hash of an encoded report or frame figures.
    pub type ContentHash = [u8; 32];

    /// Every way a message of this contract can fail (defined with the interfaces, so the board
    /// decodes it). A refused call changes nothing.
    pub type Error = OracleError;

    /// A member's current report vote.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub struct ReportVote {
        /// The member set it was cast in (it counts only while that set is current).
        pub member_set: u32,
        pub ref_time_ms: u64,
        pub report_hash: ContentHash,
        /// The accounting found a loss in it (the member is counted among the frame's loss voters).
        pub showed_loss: bool,
    }

    /// A member's last vote that started or extended a lone loss hold: if the report applied for
    /// its frame does not confirm it, the member may not start another lone hold for
    /// `LONE_HOLD_BAR_FRAMES` frames after the hold's lapse.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub struct LoneHoldRecord {
        pub ref_time_ms: u64,
        pub report_hash: ContentHash,
        /// When the accounting's lone hold this vote joined lapses (as the accounting answered): a vote
        /// again while it runs never moves it, so a member cannot restart its own hold.
        pub lapses_at: Timestamp,
    }

    /// A member's attestation of one operator's frame.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub struct FrameVote {
        pub member_set: u32,
        pub figures_hash: ContentHash,
    }

    /// A report a quorum agreed on and the accounting refused (a bound, or too early): anyone may push
    /// it again while its votes still count, for example after the board allowed a loss.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub struct AgreedReport {
        pub report: Report,
        pub report_hash: ContentHash,
        pub member_set: u32,
        pub refusal: ReportError,
    }

    /// The last report the accounting applied.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub struct AppliedReport {
        pub epoch: u64,
        pub ref_time_ms: u64,
        pub report_hash: ContentHash,
    }

    /// What a report vote did.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    pub enum ReportVoteOutcome {
        /// Counted; the report has `votes` of the `quorum` it needs.
        Counted { votes: u32, quorum: u32 },
        /// The vote reached quorum and the accounting applied the report.
        Applied,
        /// The vote reached quorum and the accounting refused the report for this bound; the vote
        /// stays, and the agreed report can be pushed again (`apply_agreed`).
        Refused(ReportError),
    }

    /// What an attestation did.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    pub enum AttestationOutcome {
        /// Counted; the figures have `votes` of the `quorum` they need.
        Counted { votes: u32, quorum: u32 },
        /// The attestation reached quorum and the registry scored the figures.
        Agreed,
    }

    /// The board set the oracle members; votes of earlier sets no longer count.
    #[ink(event)]
    pub struct MembersSet {
        pub members: Vec<AccountId>,
        pub member_set: u32,
    }

    /// A member voted for a report (replacing its earlier vote when `replaced`).
    #[ink(event)]
    pub struct ReportVoted {
        #[ink(topic)]
        pub ref_time_ms: u64,
        #[ink(topic)]
        pub member: AccountId,
        pub report_hash: ContentHash,
        pub votes: u32,
        pub replaced: bool,
    }

    /// A quorum's report was pushed to the accounting: applied (`refusal` none) or refused.
    #[ink(event)]
    pub struct ReportPushed {
        #[ink(topic)]
        pub ref_time_ms: u64,
        pub report_hash: ContentHash,
        pub votes: u32,
        pub refusal: Option<ReportError>,
    }

    /// A member had voted for different content than the report the accounting applied for the same
    /// reference time (recorded when its next vote replaces that one).
    #[ink(event)]
    pub struct OracleDisagreed {
        #[ink(topic)]
        pub member: AccountId,
        pub ref_time_ms: u64,
        pub voted: ContentHash,
        pub applied: ContentHash,
    }

    /// A member's vote short of quorum showed the accounting a loss. `loss_voters` members voted a
    /// loss for this frame; `basis` is the hold the accounting was asked for: corroborated (until a
    /// report at or after `ref_time_ms` applies), lone (that, or 36 hours), or none (the member
    /// is barred from lone holds after an unconfirmed one).
    #[ink(event)]
    pub struct LossVoted {
        #[ink(topic)]
        pub member: AccountId,
        pub ref_time_ms: u64,
        pub report_hash: ContentHash,
        pub loss_voters: u32,
        pub basis: Option<HoldBasis>,
    }

    /// A member's loss vote was not confirmed by the report applied for its frame (other content,
    /// or the frame passed over): the board's evidence against invented losses.
    #[ink(event)]
    pub struct LossVoteUnconfirmed {
        #[ink(topic)]
        pub member: AccountId,
        pub ref_time_ms: u64,
        pub voted: ContentHash,
        pub applied: Option<ContentHash>,
    }

    /// A member attested an operator's frame.
    #[ink(event)]
    pub struct FrameAttested {
        #[ink(topic)]
        pub operator: u32,
        #[ink(topic)]
        pub member: AccountId,
        pub frame: u32,
        pub figures_hash: ContentHash,
        pub votes: u32,
        pub replaced: bool,
    }

    /// A quorum agreed on an operator's frame and the registry scored it.
    #[ink(event)]
    pub struct FrameAgreed {
        #[ink(topic)]
        pub operator: u32,
        pub frame: u32,
        pub figures_hash: ContentHash,
        pub votes: u32,
    }

    /// (member set, reference time, report hash).
    pub type ReportTallyKey = (u32, u64, ContentHash);
    /// (operator, frame).
    pub type FrameKey = (u32, u32);
    /// (operator, frame, member).
    pub type FrameVoteKey = (u32, u32, AccountId);
    /// (operator, frame, member set, figures hash).
    pub type FrameTallyKey = (u32, u32, u32, ContentHash);

    /// The storage key of every cell behind the root (fixed, so a new version of the code finds
    /// each cell where this one wrote it, whatever it renames; the authority cell is at
    /// `icseth_core::authority::AUTHORITY_KEY` in every contract).
    pub mod keys {
        pub const REPORT_VOTES: u32 = 0x0601;
        pub const REPORT_TALLY: u32 = 0x0602;
        pub const APPLIED_REPORTS: u32 = 0x0603;
        pub const AGREED: u32 = 0x0604;
        pub const DISAGREEMENTS: u32 = 0x0605;
        pub const LOSS_VOTES: u32 = 0x0606;
        pub const UNCONFIRMED_LOSS_VOTES: u32 = 0x0607;
        pub const LOSS_VOTERS: u32 = 0x0608;
        pub const LONE_HOLDS: u32 = 0x0609;
        pub const RETRACTED_LOSS_VOTES: u32 = 0x060a;
        pub const FRAME_VOTES: u32 = 0x060b;
        pub const FRAME_TALLY: u32 = 0x060c;
        pub const FRAMES_AGREED: u32 = 0x060d;
        pub const LAST_APPLIED: u32 = 0x060e;
    }

    /// Storage. The root holds what every vote reads and whose encoding never changes: the
    /// members, the member set and the genesis time; structured cells sit at fixed keys.
    #[ink(storage)]
    pub struct OracleConsensus {
        authority: AuthorityCell,
        wiring: WiringCell,
        members: Vec<AccountId>,
        /// Counts changes of the member set; votes carry the count they were cast under.
        member_set: u32,
        genesis_ms: Timestamp,
        last_applied: Lazy<Option<AppliedReport>, ManualKey<{ keys::LAST_APPLIED }>>,
        report_votes: Mapping<AccountId, ReportVote, ManualKey<{ keys::REPORT_VOTES }>>,
        report_tally: Mapping<ReportTallyKey, u32, ManualKey<{ keys::REPORT_TALLY }>>,
        /// The hash of every applied report, by reference time (dissent is judged against it).
        applied_reports: Mapping<u64, ContentHash, ManualKey<{ keys::APPLIED_REPORTS }>>,
        agreed: Lazy<Option<AgreedReport>, ManualKey<{ keys::AGREED }>>,
        /// Votes each member cast against an applied report (counted when replaced).
        disagreements: Mapping<AccountId, u32, ManualKey<{ keys::DISAGREEMENTS }>>,
        /// Votes short of quorum each member cast for a report that showed a loss.
        loss_votes: Mapping<AccountId, u32, ManualKey<{ keys::LOSS_VOTES }>>,
        /// Loss votes the report applied for the same frame did not confirm (judged when the
        /// member's vote is replaced): the board's evidence against invented losses.
        unconfirmed_loss_votes: Mapping<AccountId, u32, ManualKey<{ keys::UNCONFIRMED_LOSS_VOTES }>>,
        /// Distinct members of a set whose current vote for a frame showed a loss.
        loss_voters: Mapping<(u32, u64), u32, ManualKey<{ keys::LOSS_VOTERS }>>,
        /// Each member's last vote that asked for a lone hold.
        lone_holds: Mapping<AccountId, LoneHoldRecord, ManualKey<{ keys::LONE_HOLDS }>>,
        /// A loss vote the member replaced before its frame's report applied (reference time and
        /// hash), judged once the frame is decided: retracting an invented loss erases no
        /// evidence.
        retracted_loss_votes:
            Mapping<AccountId, (u64, ContentHash), ManualKey<{ keys::RETRACTED_LOSS_VOTES }>>,
        frame_votes: Mapping<FrameVoteKey, FrameVote, ManualKey<{ keys::FRAME_VOTES }>>,
        frame_tally: Mapping<FrameTallyKey, u32, ManualKey<{ keys::FRAME_TALLY }>>,
        frames_agreed: Mapping<FrameKey, ContentHash, ManualKey<{ keys::FRAMES_AGREED }>>,
    }

    fn hash_of<T: ink::scale::Encode>(content: &T) -> ContentHash {
        let mut hash = [0u8; 32];
        ink::env::hash_encoded::<ink::env::hash::Blake2x256, _>(content, &mut hash);
        hash
    }

    /// Adds one to `key`'s count; the new count.
    fn count_up<K: ink::scale::Encode, KeyType: StorageKey>(
        counts: &mut Mapping<K, u32, KeyType>,
        key: K,
    ) -> Result<u32, Error> {
        let count = counts
            .get(&key)
            .unwrap_or(0)
            .checked_add(1)
            .ok_or(Error::Overflow)?;
        counts.insert(&key, &count);
        Ok(count)
    }

    /// Takes back one vote counted under `key` (a member replacing its vote).
    fn count_down<K: ink::scale::Encode, KeyType: StorageKey>(counts: &mut Mapping<K, u32, KeyType>, key: K) {
        let left = counts.get(&key).unwrap_or(0).saturating_sub(1);
        counts.insert(&key, &left);
    }

    /// The board's decisions, applied by `apply_decision` (governor only).
    impl OracleGovernance for OracleConsensus {
        #[ink(message)]
        fn govern(&mut self, decision: OracleDecision) -> Result<(), Error> {
            self.apply_decision(decision)
        }
    }

    /// The authority messages, delegated to the suite's one authority cell (`icseth_core::authority`).
    impl Governed for OracleConsensus {
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

    impl OracleConsensus {
        /// Instantiates the consensus with no members (the board sets them). `genesis_ms` is the
        /// start of epoch 0; the caller becomes the deployer that wires it once.
        #[ink(constructor)]
        pub fn new(governor: AccountId, guardian: AccountId, genesis_ms: Timestamp) -> Self {
            let mut agreed = Lazy::new();
            agreed.set(&None);
            let mut last_applied = Lazy::new();
            last_applied.set(&None);
            Self {
                authority: authority_cell::new(governor, guardian),
                wiring: icseth_core::wiring::new_cell(Self::env().caller()),
                members: Vec::new(),
                member_set: 0,
                genesis_ms,
                last_applied,
                report_votes: Mapping::default(),
                report_tally: Mapping::default(),
                applied_reports: Mapping::default(),
                agreed,
                disagreements: Mapping::default(),
                loss_votes: Mapping::default(),
                unconfirmed_loss_votes: Mapping::default(),
                loss_voters: Mapping::default(),
                lone_holds: Mapping::default(),
                retracted_loss_votes: Mapping::default(),
                frame_votes: Mapping::default(),
                frame_tally: Mapping::default(),
                frames_agreed: Mapping::default(),
            }
        }

        // ---- wiring and roles -------------------------------------------------------------

        /// Deployer only, once: records the suite's addresses and locks them. Emits `Wired`.
        #[ink(message)]
        pub fn wire(&mut self, suite: SuiteAddresses) -> Result<(), Error> {
            let caller = self.env().caller();
            let own = self.env().account_id();
            self.wiring.wire(caller, own, SuiteSlot::Oracle, suite)?;
            self.env().emit_event(Wired { by: caller, suite });
            Ok(())
        }

        /// Anyone: the suite's addresses, once wired.
        #[ink(message)]
        pub fn suite(&self) -> Option<SuiteAddresses> {
            self.wiring.suite()
        }

        /// Governor only (the board's execution): sets the members. Starts a new member set, so
        /// votes cast before for reports and frames not yet agreed no longer count (a removed
        /// member's vote can never complete a quorum of the new set). Emits `MembersSet`.
        fn apply_decision(&mut self, decision: OracleDecision) -> Result<(), Error> {
            authority_cell::ensure_governor(&self.authority)?;
            match decision {
                OracleDecision::SetMembers { members } => {
                    if !valid_oracle_members(&members) {
                        return Err(Error::InvalidMembers);
                    }
                    self.member_set = self.member_set.checked_add(1).ok_or(Error::Overflow)?;
                    self.members = members.clone();
                    self.agreed.set(&None);
                    self.env().emit_event(MembersSet {
                        members,
                        member_set: self.member_set,
                    });
                }
            }
            Ok(())
        }

        fn member_count(&self) -> Result<u32, Error> {
            u32::try_from(self.members.len()).map_err(|_| Error::Overflow)
        }

        fn ensure_member(&self) -> Result<AccountId, Error> {
            let caller = self.env().caller();
            if self.members.contains(&caller) {
                Ok(caller)
            } else {
                Err(Error::NotMember)
            }
        }

        // ---- reports ----------------------------------------------------------------------

        /// Current members only: votes for `report`, replacing the member's earlier vote while
        /// that one is open (cast in the current member set, for a snapshot after the last applied
        /// one; a vote for an older snapshot can never apply and is simply overwritten). The
        /// report's reference time must be after the last applied report's and not after the
        /// block, and its epoch the one that time falls in and after the last applied epoch. A vote
        /// short of quorum is shown to the accounting, which holds deposits and flash exits if the
        /// report shows a loss (the vote is then counted in `loss_votes_of`). The vote that
        /// reaches quorum pushes the report to the accounting: it applies, or the accounting refuses it for
        /// a bound (the vote stays; `apply_agreed` retries). Emits `ReportVoted`, `LossVoted`,
        /// `OracleDisagreed` when the replaced vote differed from an applied report, and
        /// `ReportPushed` at quorum.
        #[ink(message)]
        pub fn submit_report(&mut self, report: Report) -> Result<ReportVoteOutcome, Error> {
            let member = self.ensure_member()?;
            let accounting = self.wiring.require()?.accounting;
            let now = self.env().block_timestamp();
            // A vote publishes the report: one for a snapshot not taken yet would reveal it
            // while withdrawal requests can still fall before its cut-off.
            if report.ref_time_ms > now {
                return Err(Error::Report(ReportError::ReferenceInFuture));
            }
            let last_applied = self.last_applied.required()?;
            let last_ref = last_applied.map(|a| a.ref_time_ms);
            if last_ref.is_some_and(|last| report.ref_time_ms <= last) {
                return Err(Error::Report(ReportError::StaleReference));
            }
            if frame_of_reference(self.genesis_ms, report.ref_time_ms).is_none() {
                return Err(Error::NotFrameStart);
            }
            if epoch_at(self.genesis_ms, report.ref_time_ms) != Some(report.epoch) {
                return Err(Error::EpochNotAtReference);
            }
            // A later snapshot in the epoch of the last applied report: the accounting would refuse it
            // for ever.
            if last_applied.is_some_and(|last| report.epoch <= last.epoch) {
                return Err(Error::Report(ReportError::StaleEpoch));
            }
            let hash = hash_of(&report);
            let set = self.member_set;
            let mut replaced = false;
            self.judge_retracted(member)?;
            if let Some(previous) = self.report_votes.get(member) {
                let open =
                    previous.member_set == set && last_ref.is_none_or(|last| previous.ref_time_ms > last);
                if open {
                    if previous.ref_time_ms == report.ref_time_ms && previous.report_hash == hash {
                        return Err(Error::AlreadyVoted);
                    }
                    count_down(
                        &mut self.report_tally,
                        (set, previous.ref_time_ms, previous.report_hash),
                    );
                    if previous.showed_loss {
                        count_down(&mut self.loss_voters, (set, previous.ref_time_ms));
                        self.retract_loss_vote(member, &previous)?;
                    }
                    replaced = true;
                } else {
                    self.record_dissent(member, &previous)?;
                    self.judge_loss_vote(member, &previous)?;
                }
            }
            let votes = count_up(&mut self.report_tally, (set, report.ref_time_ms, hash))?;
            let mut vote = ReportVote {
                member_set: set,
                ref_time_ms: report.ref_time_ms,
                report_hash: hash,
                showed_loss: false,
            };
            self.report_votes.insert(member, &vote);
            self.env().emit_event(ReportVoted {
                ref_time_ms: report.ref_time_ms,
                member,
                report_hash: hash,
                votes,
                replaced,
            });
            let needed = quorum(self.member_count()?);
            if votes < needed {
                // The hold this vote would ask for if the accounting finds a loss: corroborated once
                // enough members voted a loss for the frame, lone otherwise, none for a member
                // barred after an unconfirmed lone hold.
                let loss_voters = self
                    .loss_voters
                    .get((set, report.ref_time_ms))
                    .unwrap_or(0)
                    .checked_add(1)
                    .ok_or(Error::Overflow)?;
                let basis = if loss_voters >= corroboration_threshold(needed) {
                    Some(HoldBasis::Corroborated)
                } else if self.lone_hold_barred(member, report.ref_time_ms, now)? {
                    None
                } else {
                    Some(HoldBasis::Lone)
                };
                let (loss, lone_lapses_at) = self.note_vote(accounting, &report, member, basis)?;
                if loss > 0 {
                    self.loss_voters.insert((set, report.ref_time_ms), &loss_voters);
                    vote.showed_loss = true;
                    self.report_votes.insert(member, &vote);
                    count_up(&mut self.loss_votes, member)?;
                    if let (Some(HoldBasis::Lone), Some(lapses_at)) = (basis, lone_lapses_at) {
                        self.lone_holds.insert(
                            member,
                            &LoneHoldRecord {
                                ref_time_ms: report.ref_time_ms,
                                report_hash: hash,
                                lapses_at,
                            },
                        );
                    }
                    self.env().emit_event(LossVoted {
                        member,
                        ref_time_ms: report.ref_time_ms,
                        report_hash: hash,
                        loss_voters,
                        basis,
                    });
                }
                return Ok(ReportVoteOutcome::Counted {
                    votes,
                    quorum: needed,
                });
            }
            match self.push_report(accounting, &report, hash, votes)? {
                None => Ok(ReportVoteOutcome::Applied),
                Some(refusal) => {
                    self.agreed.set(&Some(AgreedReport {
                        report,
                        report_hash: hash,
                        member_set: set,
                        refusal,
                    }));
                    Ok(ReportVoteOutcome::Refused(refusal))
                }
            }
        }

        /// Anyone: pushes the report a quorum agreed on and the accounting refused, again (after the
        /// board allowed a loss, or once the minimum interval passed). Only while its votes count:
        /// same member set, still a quorum, nothing newer applied. A second refusal changes
        /// nothing (`StillRefused`). Emits `ReportPushed`.
        #[ink(message)]
        pub fn apply_agreed(&mut self) -> Result<(), Error> {
            let accounting = self.wiring.require()?.accounting;
            let agreed = self.agreed.required()?.ok_or(Error::NothingAgreed)?;
            let key = (agreed.member_set, agreed.report.ref_time_ms, agreed.report_hash);
            let votes = self.report_tally.get(key).unwrap_or(0);
            let current = agreed.member_set == self.member_set
                && votes >= quorum(self.member_count()?)
                && self
                    .last_applied
                    .required()?
                    .is_none_or(|last| agreed.report.ref_time_ms > last.ref_time_ms);
            if !current {
                return Err(Error::NothingAgreed);
            }
            match self.push_report(accounting, &agreed.report, agreed.report_hash, votes)? {
                None => Ok(()),
                Some(refusal) => Err(Error::StillRefused(refusal)),
            }
        }

        /// Pushes an agreed report to the accounting. `None` when it applied (recorded here), the
        /// bound that refused it otherwise.
        fn push_report(
            &mut self,
            accounting: AccountId,
            report: &Report,
            hash: ContentHash,
            votes: u32,
        ) -> Result<Option<ReportError>, Error> {
            let mut sink: ink::contract_ref!(ReportSink) = accounting.into();
            let verdict = Self::token_answer(sink.call_mut().autobalance(*report).try_invoke())?;
            let refusal = verdict.err();
            if refusal.is_none() {
                self.last_applied.set(&Some(AppliedReport {
                    epoch: report.epoch,
                    ref_time_ms: report.ref_time_ms,
                    report_hash: hash,
                }));
                self.applied_reports.insert(report.ref_time_ms, &hash);
                self.agreed.set(&None);
            }
            self.env().emit_event(ReportPushed {
                ref_time_ms: report.ref_time_ms,
                report_hash: hash,
                votes,
                refusal,
            });
            Ok(refusal)
        }

        /// Shows a vote short of quorum to the accounting (its pending-loss check), with the hold it
        /// may start; the loss the report shows (0: none) and when the lone hold lapses, if one
        /// holds.
        fn note_vote(
            &self,
            accounting: AccountId,
            report: &Report,
            member: AccountId,
            basis: Option<HoldBasis>,
        ) -> Result<(u128, Option<Timestamp>), Error> {
            let mut sink: ink::contract_ref!(ReportSink) = accounting.into();
            Self::token_answer(
                sink.call_mut()
                    .note_report_vote(*report, member, basis)
                    .try_invoke(),
            )
        }

        /// The accounting's answer: its refusal arrives typed (`Token`), anything else as
        /// `TokenCallFailed`.
        fn token_answer<T>(
            answer: Result<ink::MessageResult<Result<T, AccountingError>>, ink::env::Error>,
        ) -> Result<T, Error> {
            settle_typed(answer)
                .map_err(|e| e.into_error(Error::Token, Error::TokenCallFailed, Error::TokenCallFailed))
        }

        /// Keeps a loss vote the member replaced before its frame was decided, to judge it once
        /// it is (an earlier retraction, once decided, is judged first; an undecided one stays:
        /// the first retraction is the evidence).
        fn retract_loss_vote(&mut self, member: AccountId, previous: &ReportVote) -> Result<(), Error> {
            self.judge_retracted(member)?;
            if self.retracted_loss_votes.contains(member) {
                return Ok(());
            }
            self.retracted_loss_votes
                .insert(member, &(previous.ref_time_ms, previous.report_hash));
            Ok(())
        }

        /// Judges the member's retracted loss vote once its frame is decided.
        fn judge_retracted(&mut self, member: AccountId) -> Result<(), Error> {
            let Some((ref_time_ms, hash)) = self.retracted_loss_votes.get(member) else {
                return Ok(());
            };
            let last_applied = self.last_applied.required()?;
            let Some(unconfirmed) = self.loss_vote_unconfirmed(ref_time_ms, &hash, last_applied) else {
                return Ok(());
            };
            self.retracted_loss_votes.remove(member);
            if unconfirmed {
                self.count_unconfirmed(member, ref_time_ms, hash)?;
            }
            Ok(())
        }

        fn count_unconfirmed(
            &mut self,
            member: AccountId,
            ref_time_ms: u64,
            voted: ContentHash,
        ) -> Result<(), Error> {
            count_up(&mut self.unconfirmed_loss_votes, member)?;
            self.env().emit_event(LossVoteUnconfirmed {
                member,
                ref_time_ms,
                voted,
                applied: self.applied_reports.get(ref_time_ms),
            });
            Ok(())
        }

        /// Whether `vote` (a loss vote) stands unconfirmed now, `None` while undecided.
        fn loss_vote_unconfirmed(
            &self,
            ref_time_ms: u64,
            voted: &ContentHash,
            last_applied: Option<AppliedReport>,
        ) -> Option<bool> {
            let applied = self.applied_reports.get(ref_time_ms);
            loss_vote_unconfirmed(
                ref_time_ms,
                voted,
                applied.as_ref(),
                last_applied.map(|a| a.ref_time_ms),
            )
        }

        /// Counts a replaced loss vote against the member when its frame's report did not
        /// confirm it.
        fn judge_loss_vote(&mut self, member: AccountId, previous: &ReportVote) -> Result<(), Error> {
            let last_applied = self.last_applied.required()?;
            if !previous.showed_loss
                || self.loss_vote_unconfirmed(previous.ref_time_ms, &previous.report_hash, last_applied)
                    != Some(true)
            {
                return Ok(());
            }
            self.count_unconfirmed(member, previous.ref_time_ms, previous.report_hash)
        }

        /// Whether `member` may not start a lone hold for the snapshot `ref_time_ms` at `now`: its
        /// last lone hold has ended (its frame's report applied, or it lapsed) without the report
        /// for its frame confirming the loss, and fewer than `LONE_HOLD_BAR_FRAMES` frames passed
        /// since its lapse time's frame.
        fn lone_hold_barred(
            &self,
            member: AccountId,
            ref_time_ms: u64,
            now: Timestamp,
        ) -> Result<bool, Error> {
            let Some(last) = self.lone_holds.get(member) else {
                return Ok(false);
            };
            let lapses_at = last.lapses_at;
            let last_applied = self.last_applied.required()?;
            let reported = last_applied.is_some_and(|a| a.ref_time_ms >= last.ref_time_ms);
            let ended = now >= lapses_at || reported;
            let confirmed =
                self.loss_vote_unconfirmed(last.ref_time_ms, &last.report_hash, last_applied) == Some(false);
            if !ended || confirmed {
                return Ok(false);
            }
            Ok(lone_hold_barred(
                frame_at(self.genesis_ms, lapses_at),
                frame_at(self.genesis_ms, ref_time_ms).unwrap_or(0),
            ))
        }

        /// Counts a replaced vote against the member if the accounting applied different content for
        /// its reference time.
        fn record_dissent(&mut self, member: AccountId, previous: &ReportVote) -> Result<(), Error> {
            let Some(applied) = self.applied_reports.get(previous.ref_time_ms) else {
                return Ok(());
            };
            if applied == previous.report_hash {
                return Ok(());
            }
            count_up(&mut self.disagreements, member)?;
            self.env().emit_event(OracleDisagreed {
                member,
                ref_time_ms: previous.ref_time_ms,
                voted: previous.report_hash,
                applied,
            });
            Ok(())
        }

        // ---- frame attestations -----------------------------------------------------------

        /// Current members only: attests `figures` for `operator`'s `frame`, replacing the
        /// member's earlier attestation of that frame. The attestation that reaches quorum pushes
        /// the figures to the registry, which scores them and applies its status rules (a refusal
        /// there refuses this call). Emits `FrameAttested`, and `FrameAgreed` at quorum.
        #[ink(message)]
        pub fn attest(
            &mut self,
            operator: u32,
            frame: u32,
            figures: Figures,
        ) -> Result<AttestationOutcome, Error> {
            let member = self.ensure_member()?;
            let registry = self.wiring.require()?.operator_registry;
            if self.frames_agreed.contains((operator, frame)) {
                return Err(Error::FrameAgreed);
            }
            let hash = hash_of(&figures);
            let set = self.member_set;
            let mut replaced = false;
            if let Some(previous) = self.frame_votes.get((operator, frame, member)) {
                if previous.member_set == set {
                    if previous.figures_hash == hash {
                        return Err(Error::AlreadyVoted);
                    }
                    count_down(
                        &mut self.frame_tally,
                        (operator, frame, set, previous.figures_hash),
                    );
                    replaced = true;
                }
            }
            let votes = count_up(&mut self.frame_tally, (operator, frame, set, hash))?;
            self.frame_votes.insert(
                (operator, frame, member),
                &FrameVote {
                    member_set: set,
                    figures_hash: hash,
                },
            );
            self.env().emit_event(FrameAttested {
                operator,
                member,
                frame,
                figures_hash: hash,
                votes,
                replaced,
            });
            let needed = quorum(self.member_count()?);
            if votes < needed {
                return Ok(AttestationOutcome::Counted {
                    votes,
                    quorum: needed,
                });
            }
            let mut records: ink::contract_ref!(FrameRecords) = registry.into();
            let recorded = records
                .call_mut()
                .record_attestation(operator, frame, figures, votes)
                .try_invoke();
            settle_typed(recorded).map_err(|e| {
                e.into_error(
                    Error::Registry,
                    Error::RegistryCallFailed,
                    Error::RegistryCallFailed,
                )
            })?;
            self.frames_agreed.insert((operator, frame), &hash);
            self.env().emit_event(FrameAgreed {
                operator,
                frame,
                figures_hash: hash,
                votes,
            });
            Ok(AttestationOutcome::Agreed)
        }

        // ---- reads ------------------------------------------------------------------------

        /// Anyone: the current members.
        #[ink(message)]
        pub fn members(&self) -> Vec<AccountId> {
            self.members.clone()
        }

        /// Anyone: the current member set's number (it counts the board's changes).
        #[ink(message)]
        pub fn member_set(&self) -> u32 {
            self.member_set
        }

        /// Anyone: votes a report or frame needs among the current members.
        #[ink(message)]
        pub fn quorum(&self) -> u32 {
            quorum(u32::try_from(self.members.len()).unwrap_or(u32::MAX))
        }

        /// Anyone: the start of epoch 0 (ms).
        #[ink(message)]
        pub fn genesis_ms(&self) -> Timestamp {
            self.genesis_ms
        }

        /// Anyone: the last report the accounting applied.
        #[ink(message)]
        pub fn last_applied(&self) -> Result<Option<AppliedReport>, Error> {
            Ok(self.last_applied.required()?)
        }

        /// Anyone: the hash of the report applied for `ref_time_ms`, if one was.
        #[ink(message)]
        pub fn applied_report(&self, ref_time_ms: u64) -> Option<ContentHash> {
            self.applied_reports.get(ref_time_ms)
        }

        /// Anyone: `member`'s current report vote (it may belong to an earlier member set).
        #[ink(message)]
        pub fn report_vote(&self, member: AccountId) -> Option<ReportVote> {
            self.report_votes.get(member)
        }

        /// Anyone: the current member set's votes for this report.
        #[ink(message)]
        pub fn report_votes_for(&self, ref_time_ms: u64, report_hash: ContentHash) -> u32 {
            self.report_tally
                .get((self.member_set, ref_time_ms, report_hash))
                .unwrap_or(0)
        }

        /// Anyone: the report a quorum agreed on and the accounting refused, if it waits for a retry.
        #[ink(message)]
        pub fn agreed_report(&self) -> Result<Option<AgreedReport>, Error> {
            Ok(self.agreed.required()?)
        }

        /// Anyone: votes `member` cast for other content than the report applied at the same
        /// reference time (its current vote included).
        #[ink(message)]
        pub fn disagreements_of(&self, member: AccountId) -> u32 {
            let counted = self.disagreements.get(member).unwrap_or(0);
            let current = self.report_votes.get(member).is_some_and(|vote| {
                self.applied_reports
                    .get(vote.ref_time_ms)
                    .is_some_and(|applied| applied != vote.report_hash)
            });
            counted.saturating_add(u32::from(current))
        }

        /// Anyone: votes short of quorum `member` cast for reports that showed a loss (an honest
        /// member's first vote for a real slashing among them).
        #[ink(message)]
        pub fn loss_votes_of(&self, member: AccountId) -> u32 {
            self.loss_votes.get(member).unwrap_or(0)
        }

        /// Anyone: `member`'s loss votes that the report applied for the same frame did not
        /// confirm (other content, or the frame passed over), its current vote included: the
        /// evidence of invented losses. A vote for a real loss that applied never counts.
        #[ink(message)]
        pub fn unconfirmed_loss_votes_of(&self, member: AccountId) -> Result<u32, Error> {
            let last_applied = self.last_applied.required()?;
            let counted = self.unconfirmed_loss_votes.get(member).unwrap_or(0);
            let current = self.report_votes.get(member).is_some_and(|vote| {
                vote.showed_loss
                    && self.loss_vote_unconfirmed(vote.ref_time_ms, &vote.report_hash, last_applied)
                        == Some(true)
            });
            let retracted = self
                .retracted_loss_votes
                .get(member)
                .is_some_and(|(ref_time_ms, hash)| {
                    self.loss_vote_unconfirmed(ref_time_ms, &hash, last_applied) == Some(true)
                });
            Ok(counted
                .saturating_add(u32::from(current))
                .saturating_add(u32::from(retracted)))
        }

        /// Anyone: whether `member` may not start a lone loss hold for the current frame now (its
        /// last lone hold ended unconfirmed less than `LONE_HOLD_BAR_FRAMES` frames ago).
        #[ink(message)]
        pub fn lone_hold_barred_now(&self, member: AccountId) -> Result<bool, Error> {
            let now = self.env().block_timestamp();
            let frame_start = icseth_core::hold::frame_start_at(self.genesis_ms, now).unwrap_or(0);
            self.lone_hold_barred(member, frame_start, now)
        }

        /// Anyone: `member`'s last vote that asked for a lone hold.
        #[ink(message)]
        pub fn lone_hold_of(&self, member: AccountId) -> Option<LoneHoldRecord> {
            self.lone_holds.get(member)
        }

        /// Anyone: members of the current set whose vote for the snapshot `ref_time_ms` showed a
        /// loss.
        #[ink(message)]
        pub fn loss_voters_for(&self, ref_time_ms: u64) -> u32 {
            self.loss_voters.get((self.member_set, ref_time_ms)).unwrap_or(0)
        }

        /// Anyone: `member`'s attestation of `operator`'s `frame`.
        #[ink(message)]
        pub fn frame_vote(&self, operator: u32, frame: u32, member: AccountId) -> Option<FrameVote> {
            self.frame_votes.get((operator, frame, member))
        }

        /// Anyone: the current member set's attestations of these figures for the frame.
        #[ink(message)]
        pub fn frame_votes_for(&self, operator: u32, frame: u32, figures_hash: ContentHash) -> u32 {
            self.frame_tally
                .get((operator, frame, self.member_set, figures_hash))
                .unwrap_or(0)
        }

        /// Anyone: the hash of the figures agreed for the frame, if any.
        #[ink(message)]
        pub fn frame_agreed(&self, operator: u32, frame: u32) -> Option<ContentHash> {
            self.frames_agreed.get((operator, frame))
        }

        /// Anyone: the hash members vote on for a report (as `submit_report` computes it).
        #[ink(message)]
        pub fn report_hash(&self, report: Report) -> ContentHash {
            hash_of(&report)
        }

        /// Anyone: the hash members vote on for frame figures (as `attest` computes it).
        #[ink(message)]
        pub fn figures_hash(&self, figures: Figures) -> ContentHash {
            hash_of(&figures)
        }
    }
}

#[cfg(test)]
mod tests;
