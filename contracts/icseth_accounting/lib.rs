//! icsETH's accounting: the rules of the pooled assets behind the ledger's shares.
//!
//! The ledger (`icseth_token`) holds the shares (PSP22), each account's standing, the supply and
//! the pause; this contract holds the books (`icseth_core::books`) and is the ledger's only minter
//! and burner. It counts the pooled assets itself, so value sent outside `deposit` never moves the
//! rate. Whitelisted institutions deposit native value here and receive shares at the current rate;
//! each deposit tops the flash-exit reserve up toward its target and buffers the rest for staking.
//! Holders leave through the withdrawal queue: a request moves the shares into the queue (the
//! ledger's own balance; they stay in the supply and share the rate), and only an applied oracle
//! report finalizes tickets, first in first out, those requested before its reference time, each at
//! min(request value, its shares at the report's rate); the owner claims the payout here. The
//! books' `total_shares` mirrors the ledger's supply: every mint and burn answers the ledger's new
//! supply and a difference refuses the message.
//!
//! Roles: the governor (the board) decides whitelist, parameters and roles, and alone unpauses; the
//! guardian may pause (both reach the ledger's pause through this contract); the staking manager
//! moves buffered value to operators and the reserve; the treasury receives the protocol fee; the
//! vault sends withdrawals and rewards; the oracle contract pushes agreed reports and votes.
#![cfg_attr(not(feature = "std"), no_std, no_main)]

#[ink::contract]
pub mod icseth_accounting {
    use icseth_abi::accounting::{AccountingGovernance, ReportSink};
    use icseth_abi::authority::Governed;
    use icseth_abi::ledger::{LedgerError, LedgerOp, LedgerOps, Settlement};
    use icseth_abi::pool::{FlashExitReserve, PoolError};
    use icseth_abi::protection::CoverPool;
    use icseth_abi::psp22::PSP22;
    use icseth_abi::registry::{RegistryError, StakingRecords};
    use icseth_core::authority::{
        cell::{self as authority_cell, AuthorityCell},
        Authority, AuthorityDecision, PendingGovernor,
    };
    use icseth_core::{
        books::{Deposit, Request},
        compliance::{kyc_valid, ComplianceError, ComplianceRules, FreezeBy, FreezeRecord, UNTIL_LIFTED},
        events::{GuardianChanged, Wired},
        flash::Quote,
        governance::TokenDecision,
        hold::{HoldBasis, HoldChange, HoldEnd, HoldUntil, LossHold},
        operators::VALIDATOR_DEPOSIT,
        oracle::{
            evaluate, loss_shown, Before, Bounds, Fees, LossAllowance, Outcome, Report, ReportError,
            MAX_LOSS_ALLOWANCE_MS,
        },
        queue::Batch,
        reserve::{DEFAULT_RESERVE_TARGET_BPS, MAX_RESERVE_TARGET_BPS},
        settle_typed, GovernorError, Pool, Required, SuiteAddresses, SuiteSlot, Wiring,
    };
    use ink::codegen::TraitCallBuilder;
    use ink::storage::traits::ManualKey;
    use ink::{
        prelude::vec::Vec,
        storage::{Lazy, Mapping},
    };

    /// The governed parameters and roles, defined once in `icseth_core` and shared with the board.
    pub use icseth_core::governance::{TokenParameter as Parameter, TokenRole as Role};

    /// Smallest withdrawal request by default: 0.01 ETH (dust tickets cost more to finalize than
    /// they are worth).
    pub const DEFAULT_MIN_WITHDRAWAL: Balance = 10_000_000_000_000_000;
    /// Most tickets one `finalize_withdrawals` call finalizes.
    pub const MAX_FINALIZE_PER_CALL: u32 = 32;
    /// Most entries a paged read returns.
    pub const MAX_PAGE: u32 = 50;
    /// Most tickets one applied report finalizes (anyone continues with `finalize_withdrawals`).
    pub const MAX_FINALIZE_PER_REPORT: u32 = 16;

    /// Every way a message of this contract can fail (defined with the token's interface, so the
    /// oracle contract decodes it).
    pub use icseth_abi::accounting::AccountingError as Error;

    /// An institution's whitelist record.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub struct Institution {
        /// Whitelisted now; a removed institution keeps its record with `active == false`.
        pub active: bool,
        /// Its own minimum deposit, applied on top of the global one.
        pub min_deposit: Option<Balance>,
        /// Block time its KYC expires: from then on it can neither deposit nor receive (it may
        /// exit and send) until a renewal.
        pub kyc_valid_until: Timestamp,
        /// Whether `expire_kyc` recorded that the date passed (cleared by a renewal).
        pub kyc_expiry_recorded: bool,
    }

    /// Where a withdrawal ticket stands.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub enum TicketStatus {
        /// Waiting in the queue.
        Pending,
        /// Funded: `payout` waits for the owner's claim.
        Finalized { payout: Balance },
        /// Paid to the owner.
        Claimed { payout: Balance },
    }

    /// A withdrawal request. Its shares sit in the queue (the token's own balance) until a report
    /// finalizes it: they stay in the supply and share gains, losses and cover through the rate.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub struct Ticket {
        pub owner: AccountId,
        /// Shares moved into the queue at request (burned at finalization).
        pub shares: Balance,
        /// Their value at the request rate: the most the ticket can pay.
        pub assets: Balance,
        pub requested_at: Timestamp,
        pub status: TicketStatus,
    }

    /// The books and the rules that move them (`icseth_core::books`).
    pub use icseth_core::books::Books as Accounting;

    /// Roles, wiring and parameters: read by governed messages and deposits, never by a transfer
    /// between two institutions (kept out of the root cell so transfers do not load it).
    #[derive(Debug, Clone, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub struct Settings {
        wiring: Wiring,
        staking_manager: AccountId,
        treasury: AccountId,
        min_deposit: Balance,
        min_withdrawal: Balance,
        reserve_target_bps: u128,
        /// Freezes at once and renews KYC; `None`: whoever is the guardian, until the board
        /// appoints another (so replacing the guardian also replaces this role).
        compliance: Option<AccountId>,
        compliance_rules: ComplianceRules,
    }

    /// The report bounds and fees, and the vault that sends withdrawals and rewards (the members
    /// and their votes live in the oracle contract).
    #[derive(Debug, Clone, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub struct OracleConfig {
        pub bounds: Bounds,
        pub fees: Fees,
        pub vault: AccountId,
    }

    /// The last applied report and the counters reports are checked against.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub struct OracleState {
        pub last: Report,
        /// When the last report was applied (0: none yet).
        pub last_applied_ms: Timestamp,
        /// Validators the token funded, ever.
        pub funded_validators: u32,
        /// The finalization the last applied report opened (its cut-off and rate).
        pub batch: Batch,
        /// The board's allowance for the next report that applies a loss, until used or expired.
        pub loss_allowance: Option<LossAllowance>,
    }

    /// An institution deposited `assets` and received `shares`.
    #[ink(event)]
    pub struct Deposited {
        #[ink(topic)]
        pub institution: AccountId,
        pub assets: Balance,
        pub shares: Balance,
        pub to_reserve: Balance,
        pub to_buffer: Balance,
    }

    /// The allocation sent `validators` validators' deposits to `operator`.
    #[ink(event)]
    pub struct Staked {
        #[ink(topic)]
        pub operator: u32,
        #[ink(topic)]
        pub deposit_address: AccountId,
        pub validators: u32,
        pub amount: Balance,
    }

    /// Buffered value moved to the flash-exit reserve.
    #[ink(event)]
    pub struct ReserveRefilled {
        pub amount: Balance,
        pub reserve: Balance,
    }

    /// A holder left through the flash-exit reserve.
    #[ink(event)]
    pub struct FlashExited {
        #[ink(topic)]
        pub holder: AccountId,
        pub shares: Balance,
        pub payout: Balance,
        pub fee: Balance,
        pub reserve_after: Balance,
    }

    /// A vote for a report with a loss (or a loss the bounds refused) began a hold of deposits and
    /// flash exits, or moved it to a newer snapshot: until a report at or after `ref_time_ms`
    /// applies, or (a lone hold) until `lapses_at`. `member` is the oracle member whose vote it
    /// was (none: a quorum's report the bounds refused).
    #[ink(event)]
    pub struct LossPending {
        #[ink(topic)]
        pub ref_time_ms: u64,
        #[ink(topic)]
        pub member: Option<AccountId>,
        pub loss: Balance,
        pub basis: HoldBasis,
        /// When this hold began.
        pub since: Timestamp,
        /// The hold began now (false: a running one reached a newer snapshot).
        pub began: bool,
        pub lapses_at: Option<Timestamp>,
    }

    /// A hold that began at `since` ended at `ended_at`: a report at or after its snapshot applied,
    /// or (a lone hold) it lapsed.
    #[ink(event)]
    pub struct LossPendingEnded {
        pub since: Timestamp,
        pub ended_at: Timestamp,
        pub basis: HoldBasis,
        pub how: HoldEnd,
    }

    /// The board allowed the next report that applies a loss to apply up to `amount`.
    #[ink(event)]
    pub struct LossAllowanceSet {
        pub amount: Balance,
        pub expires_at: Timestamp,
    }

    /// A report applied a loss and used the board's allowance.
    #[ink(event)]
    pub struct LossAllowanceUsed {
        #[ink(topic)]
        pub epoch: u64,
        pub allowed: Balance,
        pub loss: Balance,
    }

    /// A report reached quorum and was applied.
    #[ink(event)]
    pub struct ReportApplied {
        #[ink(topic)]
        pub epoch: u64,
        pub old_rate: u128,
        pub new_rate: u128,
        pub applied_gain: Balance,
        pub unapplied_gain: Balance,
        /// Value kept from finalized tickets released to the holders (before the gain).
        pub released_kept: Balance,
        /// Value kept from finalized tickets still to release (after this report's tickets).
        pub kept_from_tickets: Balance,
        pub loss: Balance,
        pub covered: Balance,
        pub protocol_fee: Balance,
        pub protection_fee: Balance,
        pub finalized_tickets: u32,
    }

    /// An applied report attributed its loss to an operator the registry does not know: the loss
    /// applied and the incident is recorded without an operator.
    #[ink(event)]
    pub struct LossAttributionUnknown {
        #[ink(topic)]
        pub epoch: u64,
        pub operator: u32,
        pub loss: Balance,
    }

    /// The vault sent withdrawals and rewards (counted when a report covers them).
    #[ink(event)]
    pub struct InflowReceived {
        #[ink(topic)]
        pub vault: AccountId,
        pub amount: Balance,
    }

    /// The governor set the report bounds.
    #[ink(event)]
    pub struct BoundsSet {
        pub bounds: Bounds,
    }

    /// The governor set the fees.
    #[ink(event)]
    pub struct FeesSet {
        pub fees: Fees,
    }

    /// The governor whitelisted an institution, its KYC valid until `kyc_valid_until`.
    #[ink(event)]
    pub struct InstitutionWhitelisted {
        #[ink(topic)]
        pub institution: AccountId,
        pub min_deposit: Option<Balance>,
        pub kyc_valid_until: Timestamp,
    }

    /// The compliance role or the board renewed an institution's KYC.
    #[ink(event)]
    pub struct KycRenewed {
        #[ink(topic)]
        pub institution: AccountId,
        pub valid_until: Timestamp,
        #[ink(topic)]
        pub by: AccountId,
    }

    /// An institution's KYC date passed (recorded by anyone; the checks had applied it by time).
    #[ink(event)]
    pub struct KycExpired {
        #[ink(topic)]
        pub institution: AccountId,
        pub valid_until: Timestamp,
    }

    /// An account was frozen: by the compliance role (`confirmed == false`, holding until `until`
    /// unless the board confirms) or by the board (confirmed, until lifted).
    #[ink(event)]
    pub struct AccountFrozen {
        #[ink(topic)]
        pub account: AccountId,
        #[ink(topic)]
        pub by: AccountId,
        pub reason: [u8; 32],
        pub confirmed: bool,
        pub until: Timestamp,
    }

    /// The board confirmed the role's freeze: it holds until the board lifts it.
    #[ink(event)]
    pub struct FreezeConfirmed {
        #[ink(topic)]
        pub account: AccountId,
    }

    /// An unconfirmed freeze passed its deadline (it stopped holding at `lapsed_at`); the role may
    /// not freeze the account again before `role_locked_until`.
    #[ink(event)]
    pub struct FreezeLapsed {
        #[ink(topic)]
        pub account: AccountId,
        pub lapsed_at: Timestamp,
        pub role_locked_until: Timestamp,
    }

    /// A freeze was lifted (the role its own unconfirmed one, or the board any).
    #[ink(event)]
    pub struct FreezeLifted {
        #[ink(topic)]
        pub account: AccountId,
        #[ink(topic)]
        pub by: AccountId,
    }

    /// The governor removed an institution (it may still exit).
    #[ink(event)]
    pub struct InstitutionRemoved {
        #[ink(topic)]
        pub institution: AccountId,
    }

    /// A holder moved `shares` into the queue for ticket `ticket`, worth `assets` at the request
    /// rate (the most the ticket can pay).
    #[ink(event)]
    pub struct WithdrawalRequested {
        #[ink(topic)]
        pub owner: AccountId,
        #[ink(topic)]
        pub ticket: u64,
        pub shares: Balance,
        pub assets: Balance,
    }

    /// A report finalized a ticket: its shares were burned, `payout` is claimable, and
    /// `kept_by_pool` (what the shares were worth at the report's rate above the request value)
    /// went to `kept_from_tickets`, which later reports release to the remaining holders.
    #[ink(event)]
    pub struct WithdrawalFinalized {
        #[ink(topic)]
        pub owner: AccountId,
        #[ink(topic)]
        pub ticket: u64,
        /// The ticket's shares, burned from the queue.
        pub shares: Balance,
        pub payout: Balance,
        pub kept_by_pool: Balance,
        /// The reference time of the report whose rate priced it.
        pub reference_ms: Timestamp,
    }

    /// A ticket's payout was sent to its owner.
    #[ink(event)]
    pub struct WithdrawalClaimed {
        #[ink(topic)]
        pub owner: AccountId,
        #[ink(topic)]
        pub ticket: u64,
        pub payout: Balance,
    }

    /// The guardian or the governor paused the ledger (transfers, deposits, requests and flash
    /// exits wait; reports and claims go on).
    #[ink(event)]
    pub struct Paused {
        #[ink(topic)]
        pub by: AccountId,
    }

    /// The governor lifted the pause.
    #[ink(event)]
    pub struct Unpaused {
        #[ink(topic)]
        pub by: AccountId,
    }

    /// The governor gave `role` to `account`.
    #[ink(event)]
    pub struct RoleChanged {
        pub role: Role,
        #[ink(topic)]
        pub account: AccountId,
    }

    /// The governor changed a parameter.
    #[ink(event)]
    pub struct ParameterChanged {
        pub parameter: Parameter,
        pub value: u128,
    }

    /// The storage key of every cell behind the root (fixed, so a new version of the code finds
    /// each cell where this one wrote it, whatever it renames; the authority cell is at
    /// `icseth_core::authority::AUTHORITY_KEY` in every contract).
    pub mod keys {
        pub const INSTITUTIONS: u32 = 0x0701;
        pub const SETTINGS: u32 = 0x0702;
        pub const BOOKS: u32 = 0x0703;
        pub const ORACLE: u32 = 0x0704;
        pub const ORACLE_STATE: u32 = 0x0705;
        pub const TICKETS: u32 = 0x0706;
        pub const TICKETS_BY_OWNER: u32 = 0x0707;
        pub const TICKET_COUNT_OF: u32 = 0x0708;
        pub const LOSS_HOLD: u32 = 0x0709;
        pub const FREEZES: u32 = 0x070A;
    }

    /// Storage of the accounting. The root cell holds only the guardian's pause time (a value whose
    /// encoding never changes): ink! loads and writes the root on every message, so every other
    /// cell sits behind `Lazy` or a map, each at its fixed key.
    #[ink(storage)]
    pub struct IcsethAccounting {
        /// When the guardian last paused (0: never): the board's pause and unpause proposals
        /// created before it are superseded by it (the board orders its own decisions by id).
        guardian_paused_at: Timestamp,
        /// The pending loss: deposits and flash exits wait while it holds. Only a report at or
        /// after a span's snapshot ends it (an older report describes the time before the loss);
        /// a lone member's span also lapses.
        loss_hold: Lazy<LossHold, ManualKey<{ keys::LOSS_HOLD }>>,
        authority: AuthorityCell,
        /// Each institution's deposit tier, and whether the board whitelisted it (the ledger holds
        /// the standing that transfers check; this copy is written in the same call and lets a
        /// deposit refuse before any crossing).
        institutions: Mapping<AccountId, Institution, ManualKey<{ keys::INSTITUTIONS }>>,
        settings: Lazy<Settings, ManualKey<{ keys::SETTINGS }>>,
        books: Lazy<Accounting, ManualKey<{ keys::BOOKS }>>,
        oracle: Lazy<OracleConfig, ManualKey<{ keys::ORACLE }>>,
        oracle_state: Lazy<OracleState, ManualKey<{ keys::ORACLE_STATE }>>,
        tickets: Mapping<u64, Ticket, ManualKey<{ keys::TICKETS }>>,
        /// A holder's tickets by index (0..count), for paged reads.
        tickets_by_owner: Mapping<(AccountId, u32), u64, ManualKey<{ keys::TICKETS_BY_OWNER }>>,
        ticket_count_of: Mapping<AccountId, u32, ManualKey<{ keys::TICKET_COUNT_OF }>>,
        /// Each account's freeze standing (the ledger holds until when it is frozen; this is the
        /// record behind it: reason, who, since when, confirmed, the role's lockout).
        freezes: Mapping<AccountId, FreezeRecord, ManualKey<{ keys::FREEZES }>>,
    }

    /// The board's decisions, applied by `apply_decision` (governor only).
    impl AccountingGovernance for IcsethAccounting {
        #[ink(message)]
        fn govern(&mut self, decision: TokenDecision) -> Result<(), Error> {
            self.apply_decision(decision)
        }

        #[ink(message)]
        fn guardian_paused_at(&self) -> Timestamp {
            self.guardian_paused_at
        }
    }

    /// The authority messages, delegated to the suite's one authority cell (`icseth_core::authority`).
    impl Governed for IcsethAccounting {
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

    /// What the oracle contract pushes into the token (`icseth_abi::accounting::ReportSink`).
    impl ReportSink for IcsethAccounting {
        /// The oracle contract only, for a member's vote short of quorum: returns the loss the
        /// report shows against the books (0: none) and, when a lone hold holds after the vote,
        /// when it lapses (the oracle keeps it to bar a member whose lone hold ends unconfirmed). With a loss and a `basis`, deposits and flash
        /// exits are held (a holder who saw the vote cannot leave at the pre-loss rate, nor can
        /// anyone buy in at it): on a corroborated basis until a report at or after its snapshot
        /// applies; on a lone one until that or 36 hours, whichever is first. The oracle contract
        /// decides the basis (it counts the frame's loss voters) and gives none for a member
        /// barred from lone holds. Emits `LossPending` when a hold begins or reaches a newer
        /// snapshot, `LossPendingEnded` for a lone hold found lapsed.
        #[ink(message)]
        fn note_report_vote(
            &mut self,
            report: Report,
            member: AccountId,
            basis: Option<HoldBasis>,
        ) -> Result<(Balance, Option<Timestamp>), Error> {
            self.ensure_oracle()?;
            let before = self.before_report(&self.oracle_state()?, &self.books()?);
            let loss = self.hold_if_loss(&report, &before, Some(member), basis)?;
            let lone_lapses_at = self
                .loss_hold
                .required()?
                .lone
                .map(|l| l.lapses_at)
                .filter(|lapse| before.now_ms < *lapse);
            Ok((loss, lone_lapses_at))
        }

        /// The oracle contract only, with a report a quorum of its members agreed on: checks it
        /// against the bounds (a loss above the decrease bound passes up to the board's unexpired
        /// allowance) and applies it: gains are restaked (smoothed by the per-report rate cap) with
        /// fees minted as shares, a loss asks the slash-protection pool for cover, and tickets
        /// requested before the report's reference time are finalized at the rate it leaves (up to
        /// `MAX_FINALIZE_PER_REPORT`, as far as the buffer funds them). An applied report at or
        /// after the newest loss vote's snapshot ends a pending-loss hold, and one that applies a
        /// loss uses up the allowance. A report the
        /// bounds refuse is answered `Ok(Err(bound))`: nothing is applied, and if it shows a loss
        /// the pending-loss hold begins. Emits `ReportApplied` (with `LossPendingEnded`,
        /// `LossAllowanceUsed`), or `LossPending` on a refused loss.
        #[ink(message)]
        fn autobalance(&mut self, report: Report) -> Result<Result<(), ReportError>, Error> {
            let settings = self.ensure_oracle()?;
            let state = self.oracle_state()?;
            // The books are read once for the whole report and written once, at its end.
            let books = self.books()?;
            let before = self.before_report(&state, &books);
            let oracle = self.oracle_config()?;
            let outcome = match evaluate(&report, &before, &oracle.bounds, &oracle.fees) {
                Ok(outcome) => outcome,
                Err(refusal) => {
                    // A quorum agreed on it: a loss it shows is corroborated.
                    self.hold_if_loss(&report, &before, None, Some(HoldBasis::Corroborated))?;
                    return Ok(Err(refusal));
                }
            };
            self.apply_report(&report, state, &settings, books, &before, &outcome)?;
            Ok(Ok(()))
        }
    }

    impl IcsethAccounting {
        /// Instantiates the token. `governor` is the board (or a test account); the caller becomes
        /// the deployer that wires it once. `min_deposit` is the global minimum deposit.
        #[ink(constructor)]
        pub fn new(
            governor: AccountId,
            guardian: AccountId,
            staking_manager: AccountId,
            treasury: AccountId,
            min_deposit: Balance,
        ) -> Self {
            let mut settings = Lazy::new();
            settings.set(&Settings {
                wiring: Wiring::new(Self::env().caller()),
                staking_manager,
                treasury,
                min_deposit,
                min_withdrawal: DEFAULT_MIN_WITHDRAWAL,
                reserve_target_bps: DEFAULT_RESERVE_TARGET_BPS,
                compliance: None,
                compliance_rules: ComplianceRules::default(),
            });
            let mut loss_hold = Lazy::new();
            loss_hold.set(&LossHold::default());
            let mut books = Lazy::new();
            books.set(&Accounting::default());
            let mut oracle = Lazy::new();
            oracle.set(&OracleConfig {
                bounds: Bounds::DEFAULT,
                fees: Fees::DEFAULT,
                vault: staking_manager,
            });
            let mut oracle_state = Lazy::new();
            oracle_state.set(&OracleState::default());
            Self {
                guardian_paused_at: 0,
                loss_hold,
                authority: authority_cell::new(governor, guardian),
                institutions: Mapping::default(),
                settings,
                books,
                oracle,
                oracle_state,
                tickets: Mapping::default(),
                tickets_by_owner: Mapping::default(),
                ticket_count_of: Mapping::default(),
                freezes: Mapping::default(),
            }
        }

        /// The settings cell (always written by the constructor).
        fn settings(&self) -> Result<Settings, Error> {
            Ok(self.settings.required()?)
        }

        fn oracle_config(&self) -> Result<OracleConfig, Error> {
            Ok(self.oracle.required()?)
        }

        fn oracle_state(&self) -> Result<OracleState, Error> {
            Ok(self.oracle_state.required()?)
        }

        /// The books cell (always written by the constructor).
        fn books(&self) -> Result<Accounting, Error> {
            Ok(self.books.required()?)
        }

        // ---- wiring and roles -------------------------------------------------------------

        /// Deployer only, once: records the suite's addresses and locks them. Emits `Wired`.
        #[ink(message)]
        pub fn wire(&mut self, suite: SuiteAddresses) -> Result<(), Error> {
            let caller = self.env().caller();
            let own = self.env().account_id();
            let mut settings = self.settings()?;
            settings.wiring.wire(caller, own, SuiteSlot::Accounting, suite)?;
            // Fee shares minted to a suite contract or the zero account could never move again.
            if suite.contains(&settings.treasury) || settings.treasury == AccountId::from([0; 32]) {
                return Err(Error::SuiteContract);
            }
            self.settings.set(&settings);
            self.env().emit_event(Wired { by: caller, suite });
            Ok(())
        }

        /// Anyone: the suite's addresses, once wired.
        #[ink(message)]
        pub fn suite(&self) -> Option<SuiteAddresses> {
            self.settings().ok()?.wiring.suite()
        }

        /// Anyone: the holder of `role`.
        #[ink(message)]
        pub fn role(&self, role: Role) -> Result<AccountId, Error> {
            let settings = self.settings()?;
            Ok(match role {
                Role::Guardian => authority_cell::read(&self.authority)?.guardian(),
                Role::StakingManager => settings.staking_manager,
                Role::Treasury => settings.treasury,
                Role::Vault => self.oracle_config()?.vault,
                Role::Compliance => self.compliance_role(&settings)?,
            })
        }

        /// Governor only: gives `role` to `account`. Emits `RoleChanged`.
        #[ink(message)]
        pub fn set_role(&mut self, role: Role, account: AccountId) -> Result<(), Error> {
            authority_cell::ensure_governor(&self.authority)?;
            let mut settings = self.settings()?;
            match role {
                Role::Guardian => {
                    let mut authority = authority_cell::read(&self.authority)?;
                    authority.set_guardian(self.env().caller(), account)?;
                    self.authority.set(&authority);
                    self.env().emit_event(GuardianChanged { guardian: account });
                }
                Role::StakingManager => settings.staking_manager = account,
                Role::Treasury => {
                    // fee shares minted to a suite contract could never move again
                    if self.is_suite_contract(&settings, account) {
                        return Err(Error::SuiteContract);
                    }
                    // nor to a frozen account (the treasury cannot be frozen)
                    if self.is_frozen(account) {
                        return Err(ComplianceError::Frozen.into());
                    }
                    settings.treasury = account;
                }
                Role::Vault => {
                    let mut oracle = self.oracle_config()?;
                    oracle.vault = account;
                    self.oracle.set(&oracle);
                }
                Role::Compliance => settings.compliance = Some(account),
            }
            self.settings.set(&settings);
            self.env().emit_event(RoleChanged { role, account });
            Ok(())
        }

        /// Governor only: sets a parameter (`ReserveTargetBps` at most the hard cap, 20%; the
        /// compliance windows within `ComplianceRules::is_valid`). Emits `ParameterChanged`.
        #[ink(message)]
        pub fn set_parameter(&mut self, parameter: Parameter, value: u128) -> Result<(), Error> {
            authority_cell::ensure_governor(&self.authority)?;
            let mut settings = self.settings()?;
            match parameter {
                Parameter::MinDeposit => settings.min_deposit = value,
                Parameter::MinWithdrawal => settings.min_withdrawal = value,
                Parameter::ReserveTargetBps => {
                    if value > MAX_RESERVE_TARGET_BPS {
                        return Err(Error::InvalidParameter);
                    }
                    settings.reserve_target_bps = value;
                }
                Parameter::KycMaxValidityMs
                | Parameter::FreezeConfirmWindowMs
                | Parameter::RefreezeLockoutMs => {
                    let ms = u64::try_from(value).map_err(|_| Error::InvalidParameter)?;
                    let rules = &mut settings.compliance_rules;
                    match parameter {
                        Parameter::KycMaxValidityMs => rules.kyc_max_validity_ms = ms,
                        Parameter::FreezeConfirmWindowMs => rules.confirm_window_ms = ms,
                        _ => rules.refreeze_lockout_ms = ms,
                    }
                    if !rules.is_valid() {
                        return Err(Error::InvalidParameter);
                    }
                }
            }
            self.settings.set(&settings);
            self.env().emit_event(ParameterChanged { parameter, value });
            Ok(())
        }

        /// Governor only (the board's execution): applies one decision, exactly as the message of the
        /// same name would (`add_institution`, `remove_institution`, `set_parameter`, `set_role`,
        /// `pause`, `unpause`, `renew_kyc`, `freeze`, `confirm_freeze`, `lift_freeze`), with the
        /// same checks, errors and events.
        fn apply_decision(&mut self, decision: TokenDecision) -> Result<(), Error> {
            authority_cell::ensure_governor(&self.authority)?;
            match decision {
                TokenDecision::AddInstitution {
                    institution,
                    min_deposit,
                    kyc_valid_until,
                } => self.add_institution(institution, min_deposit, kyc_valid_until),
                TokenDecision::RenewKyc {
                    institution,
                    valid_until,
                } => self.renew_kyc(institution, valid_until),
                TokenDecision::Freeze { account, reason } => self.freeze(account, reason),
                TokenDecision::ConfirmFreeze { account } => self.confirm_freeze(account),
                TokenDecision::LiftFreeze { account } => self.lift_freeze(account),
                TokenDecision::RemoveInstitution { institution } => self.remove_institution(institution),
                TokenDecision::SetParameter { parameter, value } => self.set_parameter(parameter, value),
                TokenDecision::SetRole { role, account } => self.set_role(role, account),
                TokenDecision::Pause => self.pause(),
                TokenDecision::Unpause => self.unpause(),
                TokenDecision::AllowLoss { amount, valid_for_ms } => {
                    if amount == 0 || valid_for_ms == 0 || valid_for_ms > MAX_LOSS_ALLOWANCE_MS {
                        return Err(Error::InvalidLossAllowance);
                    }
                    let expires_at = self
                        .env()
                        .block_timestamp()
                        .checked_add(valid_for_ms)
                        .ok_or(Error::Overflow)?;
                    let mut state = self.oracle_state()?;
                    state.loss_allowance = Some(LossAllowance { amount, expires_at });
                    self.oracle_state.set(&state);
                    self.env().emit_event(LossAllowanceSet { amount, expires_at });
                    Ok(())
                }
                TokenDecision::SetBounds { bounds } => {
                    if !bounds.is_valid() {
                        return Err(Error::InvalidBounds);
                    }
                    let mut oracle = self.oracle_config()?;
                    oracle.bounds = bounds;
                    self.oracle.set(&oracle);
                    self.env().emit_event(BoundsSet { bounds });
                    Ok(())
                }
                TokenDecision::SetFees { fees } => {
                    if !fees.is_valid() {
                        return Err(Error::InvalidBounds);
                    }
                    let mut oracle = self.oracle_config()?;
                    oracle.fees = fees;
                    self.oracle.set(&oracle);
                    self.env().emit_event(FeesSet { fees });
                    Ok(())
                }
            }
        }

        /// Anyone: the current value of a parameter.
        #[ink(message)]
        pub fn parameter(&self, parameter: Parameter) -> Result<u128, Error> {
            let settings = self.settings()?;
            Ok(match parameter {
                Parameter::MinDeposit => settings.min_deposit,
                Parameter::MinWithdrawal => settings.min_withdrawal,
                Parameter::ReserveTargetBps => settings.reserve_target_bps,
                Parameter::KycMaxValidityMs => settings.compliance_rules.kyc_max_validity_ms.into(),
                Parameter::FreezeConfirmWindowMs => settings.compliance_rules.confirm_window_ms.into(),
                Parameter::RefreezeLockoutMs => settings.compliance_rules.refreeze_lockout_ms.into(),
            })
        }

        /// Guardian or governor, once wired: pauses the ledger (transfers, deposits, new withdrawal
        /// requests and flash exits wait; reports and claims go on). Emits `Paused` (the ledger
        /// `PauseChanged`).
        #[ink(message)]
        pub fn pause(&mut self) -> Result<(), Error> {
            let caller = self.env().caller();
            let authority = authority_cell::read(&self.authority)?;
            if !authority.may_pause(caller) {
                return Err(Error::NotGuardian);
            }
            self.ledger(LedgerOp::SetPaused(true))?;
            // Only the guardian's pause is timestamped: the board's own pause is ordered with its
            // other decisions by proposal id, and must not void its newer unpause.
            if caller != authority.governor() {
                self.guardian_paused_at = self.env().block_timestamp();
            }
            self.env().emit_event(Paused { by: caller });
            Ok(())
        }

        /// Governor only (never the guardian), once wired: lifts the ledger's pause. Emits
        /// `Unpaused` (the ledger `PauseChanged`).
        #[ink(message)]
        pub fn unpause(&mut self) -> Result<(), Error> {
            let caller = self.env().caller();
            authority_cell::ensure_governor(&self.authority)?;
            self.ledger(LedgerOp::SetPaused(false))?;
            self.env().emit_event(Unpaused { by: caller });
            Ok(())
        }

        // ---- whitelist ----------------------------------------------------------------------

        /// Governor only, once wired: whitelists `institution` (new, or removed earlier), its KYC
        /// valid until `kyc_valid_until` (after now, at most the maximum validity ahead), with its
        /// own minimum deposit if `min_deposit` is set, here and in the ledger in the same call.
        /// Emits `InstitutionWhitelisted` (the ledger `StandingChanged`).
        #[ink(message)]
        pub fn add_institution(
            &mut self,
            institution: AccountId,
            min_deposit: Option<Balance>,
            kyc_valid_until: Timestamp,
        ) -> Result<(), Error> {
            authority_cell::ensure_governor(&self.authority)?;
            let settings = self.settings()?;
            if self.institutions.get(institution).is_some_and(|r| r.active) {
                return Err(Error::AlreadyWhitelisted);
            }
            if self.is_suite_contract(&settings, institution) {
                return Err(Error::SuiteContract);
            }
            settings
                .compliance_rules
                .check_kyc_date(self.env().block_timestamp(), kyc_valid_until)?;
            self.ledger(LedgerOp::SetStanding {
                account: institution,
                whitelisted: true,
                kyc_valid_until,
            })?;
            self.institutions.insert(
                institution,
                &Institution {
                    active: true,
                    min_deposit,
                    kyc_valid_until,
                    kyc_expiry_recorded: false,
                },
            );
            self.env().emit_event(InstitutionWhitelisted {
                institution,
                min_deposit,
                kyc_valid_until,
            });
            Ok(())
        }

        /// Governor only, once wired: removes `institution` from the whitelist, here and in the
        /// ledger in the same call. It keeps its shares and may still send, request withdrawals,
        /// flash exit and claim, but can no longer deposit or receive. Emits `InstitutionRemoved`
        /// (the ledger `StandingChanged`).
        #[ink(message)]
        pub fn remove_institution(&mut self, institution: AccountId) -> Result<(), Error> {
            authority_cell::ensure_governor(&self.authority)?;
            let mut record = self
                .institutions
                .get(institution)
                .filter(|r| r.active)
                .ok_or(Error::UnknownInstitution)?;
            record.active = false;
            self.ledger(LedgerOp::SetStanding {
                account: institution,
                whitelisted: false,
                kyc_valid_until: record.kyc_valid_until,
            })?;
            self.institutions.insert(institution, &record);
            self.env().emit_event(InstitutionRemoved { institution });
            Ok(())
        }

        /// Anyone: whether `account` may deposit and receive now: a whitelisted institution whose
        /// KYC is valid and which is not frozen (as the ledger's standing says; both are written
        /// by the same calls and compare with the same block time).
        #[ink(message)]
        pub fn is_whitelisted(&self, account: AccountId) -> bool {
            let now = self.env().block_timestamp();
            self.institutions
                .get(account)
                .is_some_and(|r| r.active && kyc_valid(r.kyc_valid_until, now))
                && !self.is_frozen(account)
        }

        /// Anyone: an institution's whitelist record, if it ever had one.
        #[ink(message)]
        pub fn institution(&self, account: AccountId) -> Option<Institution> {
            self.institutions.get(account)
        }

        /// Anyone: the global minimum deposit.
        #[ink(message)]
        pub fn min_deposit(&self) -> Result<Balance, Error> {
            Ok(self.settings()?.min_deposit)
        }

        /// Anyone: the smallest deposit `account` may make: the larger of the global minimum and
        /// its own tier.
        #[ink(message)]
        pub fn min_deposit_of(&self, account: AccountId) -> Result<Balance, Error> {
            let tier = self
                .institutions
                .get(account)
                .and_then(|r| r.min_deposit)
                .unwrap_or(0);
            Ok(self.settings()?.min_deposit.max(tier))
        }

        // ---- compliance ---------------------------------------------------------------------

        /// The compliance role: the appointed account, or the guardian.
        fn compliance_role(&self, settings: &Settings) -> Result<AccountId, Error> {
            match settings.compliance {
                Some(account) => Ok(account),
                None => Ok(authority_cell::read(&self.authority)?.guardian()),
            }
        }

        /// How the caller may act on freezes and KYC: the governor as the board, the compliance
        /// role as the role; anyone else is refused.
        fn compliance_caller(&self, settings: &Settings) -> Result<FreezeBy, Error> {
            let caller = self.env().caller();
            if caller == authority_cell::read(&self.authority)?.governor() {
                Ok(FreezeBy::Board)
            } else if caller == self.compliance_role(settings)? {
                Ok(FreezeBy::Role)
            } else {
                Err(ComplianceError::NotCompliance.into())
            }
        }

        /// The compliance role (its freeze lapses unless the board confirms it within the confirm
        /// window; refused during its lockout on this account) or the governor (confirmed at once,
        /// taking over the role's unconfirmed freeze if one holds):
        /// freezes `account` now, in the ledger in the same call, with the 32-byte reference of the
        /// case or list entry. Never a suite contract, the treasury or the zero account. The freeze
        /// touches assets only (a board or oracle member keeps its vote). Emits `AccountFrozen`
        /// (the ledger `StandingChanged`; `FreezeLapsed` first when it records a lapse).
        #[ink(message)]
        pub fn freeze(&mut self, account: AccountId, reason: [u8; 32]) -> Result<(), Error> {
            let settings = self.settings()?;
            let by = self.compliance_caller(&settings)?;
            if self.is_suite_contract(&settings, account) || account == settings.treasury {
                return Err(ComplianceError::Unfreezable.into());
            }
            let now = self.env().block_timestamp();
            let mut record = self.freezes.get(account).unwrap_or_default();
            // a lapse nobody recorded yet is recorded (and evented) first
            let lapsed = record.lapse(now, &settings.compliance_rules).ok();
            if let Some((after, _)) = lapsed {
                record = after;
            }
            let record = record.freeze(by, reason, now, &settings.compliance_rules)?;
            let until = record.frozen_until();
            self.ledger(LedgerOp::SetFrozenUntil {
                account,
                frozen_until: until,
            })?;
            self.freezes.insert(account, &record);
            if let Some((_, lapse)) = lapsed {
                self.env().emit_event(FreezeLapsed {
                    account,
                    lapsed_at: lapse.lapsed_at,
                    role_locked_until: lapse.role_locked_until,
                });
            }
            self.env().emit_event(AccountFrozen {
                account,
                by: self.env().caller(),
                reason,
                confirmed: until == UNTIL_LIFTED,
                until,
            });
            Ok(())
        }

        /// Governor only: confirms the compliance role's freeze of `account` before its deadline;
        /// it then holds until the board lifts it. Emits `FreezeConfirmed` (the ledger
        /// `StandingChanged`).
        #[ink(message)]
        pub fn confirm_freeze(&mut self, account: AccountId) -> Result<(), Error> {
            authority_cell::ensure_governor(&self.authority)?;
            // an account frozen before it became the treasury: fees must keep reaching it
            if account == self.settings()?.treasury {
                return Err(ComplianceError::Unfreezable.into());
            }
            let now = self.env().block_timestamp();
            let record = self.freezes.get(account).unwrap_or_default().confirm(now)?;
            self.ledger(LedgerOp::SetFrozenUntil {
                account,
                frozen_until: UNTIL_LIFTED,
            })?;
            self.freezes.insert(account, &record);
            self.env().emit_event(FreezeConfirmed { account });
            Ok(())
        }

        /// The compliance role (only its own unconfirmed freeze: a mistake) or the governor (any):
        /// lifts the freeze holding on `account`, in the ledger in the same call; after either the
        /// role may not freeze the account for the lockout (only the board may). Emits
        /// `FreezeLifted` (the ledger `StandingChanged`).
        #[ink(message)]
        pub fn lift_freeze(&mut self, account: AccountId) -> Result<(), Error> {
            let settings = self.settings()?;
            let by = self.compliance_caller(&settings)?;
            let now = self.env().block_timestamp();
            let record =
                self.freezes
                    .get(account)
                    .unwrap_or_default()
                    .lift(by, now, &settings.compliance_rules)?;
            self.ledger(LedgerOp::SetFrozenUntil {
                account,
                frozen_until: 0,
            })?;
            self.freezes.insert(account, &record);
            self.env().emit_event(FreezeLifted {
                account,
                by: self.env().caller(),
            });
            Ok(())
        }

        /// Anyone, once an unconfirmed freeze of `account` passed its deadline: records the lapse
        /// (the freeze stopped holding at the deadline by itself) and the role's lockout on this
        /// account. Writes nothing in the ledger (its entry's freeze ended at the same time).
        /// Emits `FreezeLapsed`.
        #[ink(message)]
        pub fn lapse_freeze(&mut self, account: AccountId) -> Result<(), Error> {
            let rules = self.settings()?.compliance_rules;
            let now = self.env().block_timestamp();
            let (record, lapse) = self.freezes.get(account).unwrap_or_default().lapse(now, &rules)?;
            self.freezes.insert(account, &record);
            self.env().emit_event(FreezeLapsed {
                account,
                lapsed_at: lapse.lapsed_at,
                role_locked_until: lapse.role_locked_until,
            });
            Ok(())
        }

        /// The compliance role (only later than the current date) or the governor (any): sets a
        /// whitelisted institution's KYC date to `valid_until` (after now, at most the maximum
        /// validity ahead), expired or not, here and in the ledger. Never adds an institution: the role only renews what the board admitted.
        /// Emits `KycRenewed` (the ledger `StandingChanged`).
        #[ink(message)]
        pub fn renew_kyc(&mut self, institution: AccountId, valid_until: Timestamp) -> Result<(), Error> {
            let settings = self.settings()?;
            let by = self.compliance_caller(&settings)?;
            let mut record = self
                .institutions
                .get(institution)
                .filter(|r| r.active)
                .ok_or(Error::UnknownInstitution)?;
            settings
                .compliance_rules
                .check_kyc_date(self.env().block_timestamp(), valid_until)?;
            // a rogue role shortening every date would shut institutions out without a lapse
            if by == FreezeBy::Role && valid_until < record.kyc_valid_until {
                return Err(ComplianceError::KycShortened.into());
            }
            self.ledger(LedgerOp::RenewKyc {
                account: institution,
                valid_until,
            })?;
            record.kyc_valid_until = valid_until;
            record.kyc_expiry_recorded = false;
            self.institutions.insert(institution, &record);
            self.env().emit_event(KycRenewed {
                institution,
                valid_until,
                by: self.env().caller(),
            });
            Ok(())
        }

        /// Anyone, once a whitelisted institution's KYC date passed: records it (the checks had
        /// applied it by time, with no transaction). Emits `KycExpired`.
        #[ink(message)]
        pub fn expire_kyc(&mut self, institution: AccountId) -> Result<(), Error> {
            let mut record = self
                .institutions
                .get(institution)
                .filter(|r| r.active)
                .ok_or(Error::UnknownInstitution)?;
            if record.kyc_expiry_recorded || kyc_valid(record.kyc_valid_until, self.env().block_timestamp()) {
                return Err(ComplianceError::KycNotExpired.into());
            }
            record.kyc_expiry_recorded = true;
            self.institutions.insert(institution, &record);
            self.env().emit_event(KycExpired {
                institution,
                valid_until: record.kyc_valid_until,
            });
            Ok(())
        }

        /// Anyone: whether a freeze holds on `account` now.
        #[ink(message)]
        pub fn is_frozen(&self, account: AccountId) -> bool {
            let now = self.env().block_timestamp();
            self.freezes
                .get(account)
                .is_some_and(|r| r.in_force(now).is_some())
        }

        /// Anyone: `account`'s freeze record (the current or last unrecorded freeze, the role's
        /// lockout).
        #[ink(message)]
        pub fn freeze_of(&self, account: AccountId) -> FreezeRecord {
            self.freezes.get(account).unwrap_or_default()
        }

        /// Anyone: when a whitelisted institution's KYC expires (`None`: not whitelisted).
        #[ink(message)]
        pub fn kyc_valid_until(&self, account: AccountId) -> Option<Timestamp> {
            self.institutions
                .get(account)
                .filter(|r| r.active)
                .map(|r| r.kyc_valid_until)
        }

        // ---- rate and books ---------------------------------------------------------------

        fn pool(&self) -> Result<Pool, Error> {
            Ok(self.books()?.pool())
        }

        /// Anyone: assets that belong to the holders.
        #[ink(message)]
        pub fn total_pooled(&self) -> Result<Balance, Error> {
            Ok(self.books()?.total_pooled)
        }

        /// Anyone: assets per 1e18 shares (rounded down).
        #[ink(message)]
        pub fn rate(&self) -> Result<u128, Error> {
            Ok(self.pool()?.rate()?)
        }

        /// Anyone: shares a deposit of `assets` would mint now (rounded down), priced with the
        /// value kept from finalized tickets (see `deposit`).
        #[ink(message)]
        pub fn shares_for(&self, assets: Balance) -> Result<Balance, Error> {
            Ok(self.books()?.deposit_price()?.shares_for_deposit(assets)?)
        }

        /// Anyone: assets `shares` are worth now (rounded down).
        #[ink(message)]
        pub fn assets_for(&self, shares: Balance) -> Result<Balance, Error> {
            Ok(self.pool()?.assets_for_shares(shares)?)
        }

        /// Anyone: the token's books.
        #[ink(message)]
        pub fn accounting(&self) -> Result<Accounting, Error> {
            self.books()
        }

        // ---- deposit ----------------------------------------------------------------------

        /// Whitelisted institutions only, once the suite is wired, not while the ledger is paused or
        /// a loss is pending: deposits the attached value (at least `min_deposit_of(caller)`) and mints
        /// shares at the current rate, counting the value kept from finalized tickets that later
        /// reports release (`shares_for`). The value first fills the buffer up to what pending
        /// withdrawal tickets wait for (their request values), then tops the flash-exit reserve up
        /// toward its target share of pooled assets; the rest is buffered for staking. Emits `Deposited`
        /// (the ledger `Transfer`, a mint); returns the shares minted.
        #[ink(message, payable)]
        pub fn deposit(&mut self) -> Result<Balance, Error> {
            let caller = self.env().caller();
            let assets = self.env().transferred_value();
            self.ensure_no_loss_pending()?;
            let institution = self
                .institutions
                .get(caller)
                .filter(|r| r.active)
                .ok_or(Error::NotWhitelisted)?;
            // A freeze is the ledger's to refuse (it reads the entry for the mint anyway).
            if !kyc_valid(institution.kyc_valid_until, self.env().block_timestamp()) {
                return Err(ComplianceError::KycExpired.into());
            }
            let settings = self.settings()?;
            // Before wiring there is no pool to hold the reserve's part of a deposit.
            let suite = settings.wiring.require()?;
            if assets < settings.min_deposit.max(institution.min_deposit.unwrap_or(0)) {
                return Err(Error::BelowMinDeposit);
            }
            let mut books = self.books()?;
            let Deposit { shares, split } = books.deposit(assets, settings.reserve_target_bps)?;
            // The ledger first: it refuses while paused or for an account it does not whitelist.
            self.mirror(suite.token, &books, LedgerOp::MintDeposit { to: caller, shares })?;
            self.books.set(&books);
            if split.to_reserve > 0 {
                self.fund_reserve(suite.flash_exit_pool, split.to_reserve)?;
            }
            self.env().emit_event(Deposited {
                institution: caller,
                assets,
                shares,
                to_reserve: split.to_reserve,
                to_buffer: split.to_buffer,
            });
            Ok(shares)
        }

        fn fund_reserve(&self, pool: AccountId, amount: Balance) -> Result<(), Error> {
            let mut pool: ink::contract_ref!(FlashExitReserve) = pool.into();
            Self::pool_answer(pool.call_mut().fund().transferred_value(amount).try_invoke())
        }

        /// The pool's answer: its refusal arrives typed (`Pool`), an error this code cannot
        /// decode as `UnknownCalleeError`, a failed call as `SuiteCallFailed`.
        pub(crate) fn pool_answer<T>(
            answer: Result<ink::MessageResult<Result<T, PoolError>>, ink::env::Error>,
        ) -> Result<T, Error> {
            settle_typed(answer)
                .map_err(|e| e.into_error(Error::Pool, Error::UnknownCalleeError, Error::SuiteCallFailed))
        }

        /// Whether `account` is this contract, another contract of the wired suite or the zero
        /// account: shares sent or minted to one could never move again (the ledger refuses a
        /// report's fee shares to one, which would stall every report with a gain).
        fn is_suite_contract(&self, settings: &Settings, account: AccountId) -> bool {
            account == self.env().account_id()
                || account == AccountId::from([0; 32])
                || settings.wiring.suite().is_some_and(|s| s.contains(&account))
        }

        /// Moves `amount` from the buffer to the reserve in `books` (the caller writes them), within
        /// the headroom (`Books::refill`), and sends it to the pool.
        fn refill(
            &mut self,
            settings: &Settings,
            books: &mut Accounting,
            pool: AccountId,
            amount: Balance,
        ) -> Result<(), Error> {
            books.refill(amount, settings.reserve_target_bps)?;
            self.fund_reserve(pool, amount)?;
            self.env().emit_event(ReserveRefilled {
                amount,
                reserve: books.reserve,
            });
            Ok(())
        }

        /// The staking manager only: moves `amount` from the staking buffer to the flash-exit
        /// reserve, at most up to the reserve's target and never from value pending withdrawal
        /// tickets wait for. Emits `ReserveRefilled`.
        #[ink(message)]
        pub fn refill_reserve(&mut self, amount: Balance) -> Result<(), Error> {
            let settings = self.settings()?;
            if self.env().caller() != settings.staking_manager {
                return Err(Error::NotStakingManager);
            }
            if amount == 0 {
                return Err(Error::ZeroAmount);
            }
            let mut books = self.books()?;
            if amount > books.refill_headroom(settings.reserve_target_bps)? {
                return Err(Error::AboveRefillHeadroom);
            }
            let pool = settings.wiring.require()?.flash_exit_pool;
            self.refill(&settings, &mut books, pool, amount)?;
            self.books.set(&books);
            Ok(())
        }

        /// What an exit of `shares` is priced against: the pool, their assets, the reserve target.
        fn exit_terms(
            &self,
            books: &Accounting,
            shares: Balance,
        ) -> Result<(AccountId, Balance, Balance), Error> {
            let settings = self.settings()?;
            let pool = settings.wiring.require()?.flash_exit_pool;
            let assets = books.exit_assets(shares)?;
            Ok((pool, assets, books.reserve_target(settings.reserve_target_bps)?))
        }

        // ---- flash exit ---------------------------------------------------------------------

        /// Any holder (a removed institution included), not while the ledger is paused or a loss is
        /// pending: burns `shares` in the ledger and receives at once, from the flash-exit reserve,
        /// their assets less the pool's fee, at least `min_out`. The fee stays in the pooled
        /// assets, so the remaining holders' rate rises by it. Emits `FlashExited` (the ledger
        /// `Transfer`, a burn); returns the payout.
        #[ink(message)]
        pub fn flash_exit(&mut self, shares: Balance, min_out: Balance) -> Result<Balance, Error> {
            let holder = self.env().caller();
            self.ensure_no_loss_pending()?;
            if shares == 0 {
                return Err(Error::ZeroAmount);
            }
            let mut books = self.books()?;
            let (pool_address, assets, target) = self.exit_terms(&books, shares)?;
            // Burn first (the ledger refuses while paused or beyond the holder's shares); the pool
            // pays and answers; one direction, no callback.
            let supply = self.ledger(LedgerOp::BurnExit { holder, shares })?;
            let mut pool: ink::contract_ref!(FlashExitReserve) = pool_address.into();
            let quote = Self::pool_answer(pool.call_mut().pay_exit(holder, assets, target).try_invoke())?;
            if quote.payout < min_out {
                // reverts the burn and the pool's payment with it
                return Err(Error::SlippageExceeded);
            }
            books.exit_paid(shares, quote.payout)?;
            Self::ensure_mirrors(&books, supply)?;
            self.books.set(&books);
            self.env().emit_event(FlashExited {
                holder,
                shares,
                payout: quote.payout,
                fee: quote.fee,
                reserve_after: books.reserve,
            });
            Ok(quote.payout)
        }

        /// Anyone: what a flash exit of `shares` would pay now (asks the pool; changes nothing).
        #[ink(message)]
        pub fn quote_flash_exit(&self, shares: Balance) -> Result<Quote, Error> {
            let (pool_address, assets, target) = self.exit_terms(&self.books()?, shares)?;
            let pool: ink::contract_ref!(FlashExitReserve) = pool_address.into();
            Self::pool_answer(pool.call().quote(assets, target).try_invoke())
        }

        // ---- staking ------------------------------------------------------------------------

        /// Anyone, when the buffer holds a whole validator above what pending tickets are owed
        /// and the registry's liquidity floor, and neither a loss is pending (`LossPending`) nor
        /// the ledger paused (`Paused`): the registry allocates them (at most a page) over
        /// the operators in service by its allocation rule and records them; each part is sent to
        /// its operator's deposit address and counts as in flight until the oracle reports it. A
        /// refusal (`Registry(NothingToAllocate)` when nothing is free or nobody may take stake)
        /// changes nothing. Emits `Staked` per operator; returns the validators funded.
        #[ink(message)]
        pub fn allocate(&mut self) -> Result<u32, Error> {
            // nothing leaves for validators while a loss is pending or the guardian has paused
            self.ensure_no_loss_pending()?;
            let settings = self.settings()?;
            if self.ledger_paused(&settings)? {
                return Err(Error::Paused);
            }
            let mut books = self.books()?;
            let registry = settings.wiring.require()?.operator_registry;
            // One direction only: the registry answers and never calls the token back.
            let mut registry: ink::contract_ref!(StakingRecords) = registry.into();
            let parts = Self::registry_answer(
                registry
                    .call_mut()
                    .allocate(books.buffered, books.queued)
                    .try_invoke(),
            )?;
            let mut validators = 0u32;
            for part in &parts {
                validators = validators.checked_add(part.validators).ok_or(Error::Overflow)?;
            }
            let amount = u128::from(validators)
                .checked_mul(VALIDATOR_DEPOSIT)
                .ok_or(Error::Overflow)?;
            books.stake(amount)?;
            let mut state = self.oracle_state()?;
            state.funded_validators = state
                .funded_validators
                .checked_add(validators)
                .ok_or(Error::Overflow)?;
            self.oracle_state.set(&state);
            self.books.set(&books);
            for part in parts {
                let amount = u128::from(part.validators)
                    .checked_mul(VALIDATOR_DEPOSIT)
                    .ok_or(Error::Overflow)?;
                self.env()
                    .transfer(part.deposit_address, amount)
                    .map_err(|_| Error::TransferFailed)?;
                self.env().emit_event(Staked {
                    operator: part.operator,
                    deposit_address: part.deposit_address,
                    validators: part.validators,
                    amount,
                });
            }
            Ok(validators)
        }

        /// Anyone, when pending tickets are owed more than the buffer, the inflow not reported
        /// yet and 32 ETH for every validator coming (asked to exit, or exited and not yet among
        /// the last report's validators withdrawn in full): the registry asks operators to exit
        /// the difference in whole validators (at most a page) by its exit rule. Changes nothing
        /// here; a refusal (`Registry(NoExitsNeeded)`) changes nothing anywhere. Returns the
        /// validators asked (the registry emits `ExitsRequested`).
        #[ink(message)]
        pub fn request_exits(&mut self) -> Result<u32, Error> {
            let books = self.books()?;
            let withdrawn = self.oracle_state()?.last.exited_validators;
            let registry = self.settings()?.wiring.require()?.operator_registry;
            let mut registry: ink::contract_ref!(StakingRecords) = registry.into();
            Self::registry_answer(
                registry
                    .call_mut()
                    .request_exits_for_tickets(books.queued, books.buffered, books.inflow, withdrawn)
                    .try_invoke(),
            )
        }

        // ---- oracle ---------------------------------------------------------------------------

        /// The oracle contract (from the wiring), or `NotOracle` for anyone else. Returns the
        /// settings it read, so a report reads them once.
        fn ensure_oracle(&self) -> Result<Settings, Error> {
            let settings = self.settings()?;
            if self.env().caller() != settings.wiring.require()?.oracle {
                return Err(Error::NotOracle);
            }
            Ok(settings)
        }

        /// `LossPending` with until when, while a loss is pending.
        fn ensure_no_loss_pending(&self) -> Result<(), Error> {
            match self.loss_hold.required()?.until(self.env().block_timestamp()) {
                Some(until) => Err(Error::LossPending(until)),
                None => Ok(()),
            }
        }

        /// When `report` shows a loss against the books and `basis` is given: starts or extends
        /// the hold on `basis` (see `icseth_core::hold`). Returns the loss the report shows.
        fn hold_if_loss(
            &mut self,
            report: &Report,
            before: &Before,
            member: Option<AccountId>,
            basis: Option<HoldBasis>,
        ) -> Result<Balance, Error> {
            let loss = loss_shown(report, before);
            let Some(basis) = basis.filter(|_| loss > 0) else {
                return Ok(loss);
            };
            let mut hold = self.loss_hold.required()?;
            let change = hold.on_loss(report.ref_time_ms, basis, before.now_ms);
            self.loss_hold.set(&hold);
            self.emit_hold_ends(&change);
            let began = change.corroborated_started || change.lone_started;
            if began || change.lone_extended || change.corroborated_extended {
                let (since, lapses_at) = match basis {
                    HoldBasis::Lone => (
                        hold.lone.map_or(before.now_ms, |l| l.since),
                        hold.lone.map(|l| l.lapses_at),
                    ),
                    HoldBasis::Corroborated => (hold.corroborated.map_or(before.now_ms, |c| c.since), None),
                };
                self.env().emit_event(LossPending {
                    ref_time_ms: report.ref_time_ms,
                    member,
                    loss,
                    basis,
                    since,
                    began,
                    lapses_at,
                });
            }
            Ok(loss)
        }

        /// Events for the spans a vote or report ended.
        fn emit_hold_ends(&self, change: &HoldChange) {
            if let Some((since, ended_at)) = change.ended_corroborated {
                self.env().emit_event(LossPendingEnded {
                    since,
                    ended_at,
                    basis: HoldBasis::Corroborated,
                    how: HoldEnd::ReportApplied,
                });
            }
            if let Some((since, ended_at, how)) = change.ended_lone {
                self.env().emit_event(LossPendingEnded {
                    since,
                    ended_at,
                    basis: HoldBasis::Lone,
                    how,
                });
            }
        }

        /// Anyone: since when a loss is pending (deposits and flash exits held), if one is.
        #[ink(message)]
        pub fn loss_pending_since(&self) -> Result<Option<Timestamp>, Error> {
            Ok(self.loss_hold.required()?.since(self.env().block_timestamp()))
        }

        /// Anyone: while a loss is pending, the snapshot a report must describe (or follow) for
        /// its application to end the hold.
        #[ink(message)]
        pub fn loss_pending_until_ref(&self) -> Result<Option<u64>, Error> {
            Ok(self
                .loss_hold
                .required()?
                .until(self.env().block_timestamp())
                .map(|until| until.until_ref))
        }

        /// Anyone: until when deposits and flash exits are held, if they are: the snapshot a
        /// report must reach, and the lapse time of a lone member's hold.
        #[ink(message)]
        pub fn loss_hold_until(&self) -> Result<Option<HoldUntil>, Error> {
            Ok(self.loss_hold.required()?.until(self.env().block_timestamp()))
        }

        /// Anyone: the pending-loss record (a lapsed lone span stays in it until the next vote or
        /// report clears it; `loss_hold_until` says what holds now).
        #[ink(message)]
        pub fn loss_hold(&self) -> Result<LossHold, Error> {
            Ok(self.loss_hold.required()?)
        }

        /// The withdrawal vault only: hands over withdrawals and execution-layer rewards. They are
        /// held apart until an applied report accounts for them. Emits `InflowReceived`.
        #[ink(message, payable)]
        pub fn receive_inflow(&mut self) -> Result<(), Error> {
            let vault = self.env().caller();
            if vault != self.oracle_config()?.vault {
                return Err(Error::NotVault);
            }
            let amount = self.env().transferred_value();
            if amount == 0 {
                return Err(Error::ZeroAmount);
            }
            let mut books = self.books()?;
            books.receive_inflow(amount)?;
            self.books.set(&books);
            self.env().emit_event(InflowReceived { vault, amount });
            Ok(())
        }

        /// What a report is checked against: the last report and the books as they stand.
        fn before_report(&self, state: &OracleState, books: &Accounting) -> Before {
            let now_ms = self.env().block_timestamp();
            Before {
                last: state.last,
                last_applied_ms: state.last_applied_ms,
                now_ms,
                funded_validators: state.funded_validators,
                in_flight: books.in_flight,
                inflow: books.inflow,
                unapplied_gain: books.unapplied_gain,
                kept_from_tickets: books.kept_from_tickets,
                pool: books.pool(),
                loss_allowance: state
                    .loss_allowance
                    .map_or(0, |allowance| allowance.available(now_ms)),
            }
        }

        /// Writes an evaluated report's outcome: books, fee shares, cover, attribution, tickets.
        fn apply_report(
            &mut self,
            report: &Report,
            state: OracleState,
            settings: &Settings,
            mut books: Accounting,
            before: &Before,
            out: &Outcome,
        ) -> Result<(), Error> {
            let old_rate = before.pool.rate()?;
            let now = before.now_ms;
            books.apply_gain(report.cl_balance, out)?;
            // A report reaches here only from the wired oracle contract.
            let suite = settings.wiring.require()?;
            let mut covered = 0;
            // Everything the report mints and burns, settled in the ledger in one call at its end.
            let mut settlement = Settlement::empty(settings.treasury);
            if out.applied_gain > 0 {
                settlement.protocol_fee_shares = out.protocol_fee_shares;
                settlement.protection_fee_shares = out.protection_fee_shares;
            }
            if out.loss > 0 {
                // A loss named after an operator the registry does not know still applies (a
                // typo in one field must not stall the oracle), recorded as unattributed.
                let attributed = match report.slashed_operator {
                    Some(operator) if !self.registry_knows(suite.operator_registry, operator)? => {
                        self.env().emit_event(LossAttributionUnknown {
                            epoch: report.epoch,
                            operator,
                            loss: out.loss,
                        });
                        None
                    }
                    known => known,
                };
                // What the protection pool holds (its fee shares from this report included).
                let held = self
                    .ledger_balance(suite.token, suite.slash_protection)?
                    .checked_add(settlement.protection_fee_shares)
                    .ok_or(Error::Overflow)?;
                let cover = self.request_cover(
                    suite.slash_protection,
                    report.epoch,
                    attributed,
                    out.loss,
                    held,
                    &books,
                )?;
                let (to_burn, cover_value) = books.apply_loss(out.loss, cover, held)?;
                covered = cover_value;
                settlement.cover_burned = to_burn;
                if let Some(operator) = attributed {
                    self.attribute_loss(suite.operator_registry, operator, out.loss)?;
                }
            }
            // The report opens its finalization: tickets requested before its snapshot, at the
            // rate it leaves (fees minted and cover burned included).
            let batch = Batch {
                reference_ms: report.ref_time_ms,
                pool: books.pool(),
            };
            // The first report that applies a loss uses the allowance up; an expired one is
            // dropped by the next report.
            let loss_allowance = match state.loss_allowance {
                Some(allowance) if allowance.available(now) == 0 => None,
                Some(allowance) if out.loss > 0 => {
                    self.env().emit_event(LossAllowanceUsed {
                        epoch: report.epoch,
                        allowed: allowance.amount,
                        loss: out.loss,
                    });
                    None
                }
                kept => kept,
            };
            self.oracle_state.set(&OracleState {
                last: *report,
                last_applied_ms: now,
                batch,
                loss_allowance,
                ..state
            });
            // Only a report that describes the time of a span's newest loss vote (or later) ends
            // it: an older one applied meanwhile says nothing about that loss.
            let mut hold = self.loss_hold.required()?;
            let change = hold.on_report_applied(report.ref_time_ms, now);
            self.loss_hold.set(&hold);
            self.emit_hold_ends(&change);
            let (finalized, burned) = self.finalize_due(&mut books, &batch, MAX_FINALIZE_PER_REPORT)?;
            settlement.queue_burned = burned;
            if !settlement.is_empty() {
                self.mirror(suite.token, &books, LedgerOp::Settle(settlement))?;
            }
            // Withdrawn funds top the reserve up (after the tickets, before new staking).
            if out.arrived > 0 {
                let amount = books
                    .refill_headroom(settings.reserve_target_bps)?
                    .min(out.arrived);
                if amount > 0 {
                    self.refill(settings, &mut books, suite.flash_exit_pool, amount)?;
                }
            }
            self.books.set(&books);
            let after = books;
            let new_rate = after.pool().rate()?;
            self.env().emit_event(ReportApplied {
                epoch: report.epoch,
                old_rate,
                new_rate,
                applied_gain: out.applied_gain,
                unapplied_gain: out.unapplied_gain,
                released_kept: out.released_kept,
                kept_from_tickets: after.kept_from_tickets,
                loss: out.loss,
                covered,
                protocol_fee: out.protocol_fee,
                protection_fee: out.protection_fee,
                finalized_tickets: finalized,
            });
            Ok(())
        }

        /// Asks the pool how many of its shares cover `loss`; it records the incident and answers.
        fn request_cover(
            &self,
            pool: AccountId,
            epoch: u64,
            operator: Option<u32>,
            loss: Balance,
            held: Balance,
            books: &Accounting,
        ) -> Result<Balance, Error> {
            let mut pool: ink::contract_ref!(CoverPool) = pool.into();
            let request = pool.call_mut().request_cover(
                epoch,
                operator,
                loss,
                held,
                books.total_shares,
                books.total_pooled,
            );
            settle_typed(request.try_invoke())
                .map_err(|e| e.into_error(Error::Cover, Error::UnknownCalleeError, Error::SuiteCallFailed))
        }

        /// Whether the registry knows `operator` (a read).
        fn registry_knows(&self, registry: AccountId, operator: u32) -> Result<bool, Error> {
            let registry: ink::contract_ref!(StakingRecords) = registry.into();
            match registry.call().is_operator(operator).try_invoke() {
                Ok(Ok(known)) => Ok(known),
                Err(ink::env::Error::Decode(_)) => Err(Error::UnknownCalleeError),
                Ok(Err(_)) | Err(_) => Err(Error::RegistryCallFailed),
            }
        }

        /// The registry's answer: its refusal arrives typed (`Registry`), an answer this code
        /// cannot decode as `UnknownCalleeError`, a failed call as `RegistryCallFailed`.
        pub(crate) fn registry_answer<T>(
            answer: Result<ink::MessageResult<Result<T, RegistryError>>, ink::env::Error>,
        ) -> Result<T, Error> {
            settle_typed(answer).map_err(|e| {
                e.into_error(
                    Error::Registry,
                    Error::UnknownCalleeError,
                    Error::RegistryCallFailed,
                )
            })
        }

        /// Records the loss on the operator's registry record.
        fn attribute_loss(&self, registry: AccountId, operator: u32, loss: Balance) -> Result<(), Error> {
            let mut registry: ink::contract_ref!(StakingRecords) = registry.into();
            Self::registry_answer(registry.call_mut().record_slashing(operator, loss).try_invoke())
        }

        /// Anyone: the report bounds, fees and vault.
        #[ink(message)]
        pub fn oracle_config_read(&self) -> Result<OracleConfig, Error> {
            self.oracle_config()
        }

        /// Anyone: the last applied report and the counters reports are checked against.
        #[ink(message)]
        pub fn oracle_state_read(&self) -> Result<OracleState, Error> {
            self.oracle_state()
        }

        // ---- withdrawal queue -------------------------------------------------------------

        /// Any holder (a removed institution included), not while paused: moves `shares` into the
        /// queue (the token's own balance; they stay in the supply and keep sharing gains, losses
        /// and cover through the rate) for a ticket worth their assets at the current rate, at
        /// least the minimum withdrawal. The ticket waits for the first report whose reference
        /// time is after the request. Emits `Transfer` (holder to the queue) and
        /// `WithdrawalRequested`; returns the ticket id.
        #[ink(message)]
        pub fn request_withdrawal(&mut self, shares: Balance) -> Result<u64, Error> {
            let owner = self.env().caller();
            if shares == 0 {
                return Err(Error::ZeroAmount);
            }
            let settings = self.settings()?;
            let mut books = self.books()?;
            let Request { ticket: id, assets } = books.request(shares, settings.min_withdrawal)?;
            let owner_count = self.ticket_count_of.get(owner).unwrap_or(0);
            let next_owner_count = owner_count.checked_add(1).ok_or(Error::Overflow)?;
            // The ledger moves the shares into the queue (refused while paused or beyond the
            // holder's shares); they stay in the supply.
            let ledger = settings.wiring.require()?.token;
            self.mirror(
                ledger,
                &books,
                LedgerOp::Lock {
                    holder: owner,
                    shares,
                },
            )?;
            self.books.set(&books);
            self.tickets.insert(
                id,
                &Ticket {
                    owner,
                    shares,
                    assets,
                    requested_at: self.env().block_timestamp(),
                    status: TicketStatus::Pending,
                },
            );
            self.tickets_by_owner.insert((owner, owner_count), &id);
            self.ticket_count_of.insert(owner, &next_owner_count);
            self.env().emit_event(WithdrawalRequested {
                owner,
                ticket: id,
                shares,
                assets,
            });
            Ok(id)
        }

        /// Anyone: continues the last applied report's finalization (same cut-off, same rate)
        /// where it stopped: its page ran out, or the buffer could not fund the next ticket and
        /// funds have since arrived. Finalizes up to `max_tickets` (at most
        /// `MAX_FINALIZE_PER_CALL`) tickets requested before that report's reference time, oldest
        /// first; never a ticket requested later (it waits for the next report). Refused with
        /// `NothingDue` when no such ticket is pending and `InsufficientBuffer` when the buffer
        /// cannot fund the next one. Emits `WithdrawalFinalized` per ticket and one `Transfer`
        /// (the burn of their shares from the queue); returns how many were finalized.
        #[ink(message)]
        pub fn finalize_withdrawals(&mut self, max_tickets: u32) -> Result<u32, Error> {
            let batch = self.oracle_state()?.batch;
            let mut books = self.books()?;
            if max_tickets > 0 {
                let (done, burned) =
                    self.finalize_due(&mut books, &batch, max_tickets.min(MAX_FINALIZE_PER_CALL))?;
                if done > 0 {
                    let settings = self.settings()?;
                    let ledger = settings.wiring.require()?.token;
                    let settlement = Settlement {
                        queue_burned: burned,
                        ..Settlement::empty(settings.treasury)
                    };
                    self.mirror(ledger, &books, LedgerOp::Settle(settlement))?;
                    self.books.set(&books);
                    return Ok(done);
                }
            }
            // Nothing was finalized (and nothing written): say why.
            (books.next_to_finalize < books.next_ticket)
                .then(|| self.tickets.get(books.next_to_finalize))
                .flatten()
                .filter(|ticket| batch.is_due(ticket.requested_at))
                .ok_or(Error::NothingDue)?;
            if max_tickets == 0 {
                return Err(Error::ZeroAmount);
            }
            // The next ticket is due, so only the buffer stopped it.
            Err(Error::InsufficientBuffer)
        }

        /// Finalizes, first in first out, up to `max_tickets` pending tickets that are due in
        /// `batch`, at its rate, while the buffer funds them: burns each ticket's shares from the
        /// queue and moves its payout from the pooled assets and the buffer to `claimable`, in
        /// `books` (the caller writes them, once per message).
        fn finalize_due(
            &mut self,
            books: &mut Accounting,
            batch: &Batch,
            max_tickets: u32,
        ) -> Result<(u32, Balance), Error> {
            let mut burned: Balance = 0;
            let mut done: u32 = 0;
            while done < max_tickets && books.next_to_finalize < books.next_ticket {
                let id = books.next_to_finalize;
                let Some(mut ticket) = self.tickets.get(id) else {
                    break;
                };
                if !batch.is_due(ticket.requested_at) {
                    break;
                }
                // The books move the payout to `claimable` and keep what the shares were worth
                // above it (`Books::finalize_next`); the shares leave the queue and the supply.
                let Some(f) = books.finalize_next(ticket.shares, ticket.assets, batch)? else {
                    break;
                };
                done = done.checked_add(1).ok_or(Error::Overflow)?;
                burned = burned.checked_add(ticket.shares).ok_or(Error::Overflow)?;
                ticket.status = TicketStatus::Finalized { payout: f.payout };
                self.tickets.insert(id, &ticket);
                self.env().emit_event(WithdrawalFinalized {
                    owner: ticket.owner,
                    ticket: id,
                    shares: ticket.shares,
                    payout: f.payout,
                    kept_by_pool: f.kept_by_pool,
                    reference_ms: batch.reference_ms,
                });
            }
            // The caller burns the page's shares from the queue in one ledger call (the tickets' own
            // events name each ticket's shares).
            Ok((done, burned))
        }

        /// The ticket's owner only, even while paused: pays a finalized ticket's payout in native
        /// value, once. Emits `WithdrawalClaimed`; returns the amount paid.
        #[ink(message)]
        pub fn claim(&mut self, ticket_id: u64) -> Result<Balance, Error> {
            let caller = self.env().caller();
            let mut ticket = self.tickets.get(ticket_id).ok_or(Error::UnknownTicket)?;
            if ticket.owner != caller {
                return Err(Error::NotTicketOwner);
            }
            // A frozen owner's payout waits, counted in the books, until the freeze ends.
            if self.is_frozen(caller) {
                return Err(ComplianceError::Frozen.into());
            }
            let payout = match ticket.status {
                TicketStatus::Pending => return Err(Error::NotFinalized),
                TicketStatus::Claimed { .. } => return Err(Error::AlreadyClaimed),
                TicketStatus::Finalized { payout } => payout,
            };
            let mut books = self.books()?;
            books.claim(payout)?;
            ticket.status = TicketStatus::Claimed { payout };
            self.tickets.insert(ticket_id, &ticket);
            self.books.set(&books);
            // State first, transfer last: a failed transfer reverts the whole message.
            self.env()
                .transfer(caller, payout)
                .map_err(|_| Error::TransferFailed)?;
            self.env().emit_event(WithdrawalClaimed {
                owner: caller,
                ticket: ticket_id,
                payout,
            });
            Ok(payout)
        }

        /// Anyone: a ticket by id.
        #[ink(message)]
        pub fn ticket(&self, ticket_id: u64) -> Option<Ticket> {
            self.tickets.get(ticket_id)
        }

        /// Anyone: how many tickets `owner` ever requested.
        #[ink(message)]
        pub fn ticket_count_of(&self, owner: AccountId) -> u32 {
            self.ticket_count_of.get(owner).unwrap_or(0)
        }

        /// Anyone: `owner`'s ticket ids from index `start`, at most `limit` (<= `MAX_PAGE`).
        #[ink(message)]
        pub fn tickets_of(
            &self,
            owner: AccountId,
            start: u32,
            limit: u32,
        ) -> Result<Vec<(u64, Ticket)>, Error> {
            if limit > MAX_PAGE {
                return Err(Error::PageTooLarge);
            }
            let end = start.saturating_add(limit).min(self.ticket_count_of(owner));
            Ok((start..end)
                .filter_map(|i| self.tickets_by_owner.get((owner, i)))
                .filter_map(|id| self.tickets.get(id).map(|t| (id, t)))
                .collect())
        }

        // ---- the ledger ---------------------------------------------------------------------

        /// Applies `op` in the ledger at `ledger` and answers its supply after it. A refusal with
        /// the same meaning as one of the accounting's arrives as that variant (`Paused`,
        /// `NotWhitelisted`, `InsufficientShares`, ...), any other as `Ledger(its error)`.
        fn ledger_at(&self, ledger: AccountId, op: LedgerOp) -> Result<Balance, Error> {
            let callers_shares = matches!(op, LedgerOp::Lock { .. } | LedgerOp::BurnExit { .. });
            let mut ledger: ink::contract_ref!(LedgerOps) = ledger.into();
            settle_typed(ledger.call_mut().apply(op).try_invoke()).map_err(|e| {
                e.into_error(
                    |refusal| Self::ledger_refusal(refusal, callers_shares),
                    Error::UnknownCalleeError,
                    Error::SuiteCallFailed,
                )
            })
        }

        /// The ledger's refusal as the caller sees it: the pause's three as the accounting's own,
        /// too few shares as the accounting's own when they were the caller's (a lock or an exit
        /// burn), anything else as the ledger's (`Ledger`): a fault between the two contracts.
        pub(crate) fn ledger_refusal(refusal: LedgerError, callers_shares: bool) -> Error {
            match refusal {
                LedgerError::Paused => Error::Paused,
                LedgerError::AlreadyPaused => Error::AlreadyPaused,
                LedgerError::NotPaused => Error::NotPaused,
                LedgerError::InsufficientShares if callers_shares => Error::InsufficientShares,
                LedgerError::Frozen => Error::Compliance(ComplianceError::Frozen),
                LedgerError::KycExpired => Error::Compliance(ComplianceError::KycExpired),
                other => Error::Ledger(other),
            }
        }

        /// `ledger_at` the wired ledger (`NotWired` before the wiring).
        fn ledger(&self, op: LedgerOp) -> Result<Balance, Error> {
            let ledger = self.settings()?.wiring.require()?.token;
            self.ledger_at(ledger, op)
        }

        /// Applies a mint or burn the books already counted, and checks that the ledger's supply
        /// after it is the books' mirror of it.
        fn mirror(&self, ledger: AccountId, books: &Accounting, op: LedgerOp) -> Result<(), Error> {
            let supply = self.ledger_at(ledger, op)?;
            Self::ensure_mirrors(books, supply)
        }

        /// `SupplyMismatch` unless the books' shares are the ledger's supply.
        fn ensure_mirrors(books: &Accounting, supply: Balance) -> Result<(), Error> {
            if books.total_shares != supply {
                return Err(Error::SupplyMismatch);
            }
            Ok(())
        }

        /// Whether the wired ledger is paused (a read).
        fn ledger_paused(&self, settings: &Settings) -> Result<bool, Error> {
            let ledger: ink::contract_ref!(LedgerOps) = settings.wiring.require()?.token.into();
            match ledger.call().paused().try_invoke() {
                Ok(Ok(paused)) => Ok(paused),
                Err(ink::env::Error::Decode(_)) => Err(Error::UnknownCalleeError),
                Ok(Err(_)) | Err(_) => Err(Error::SuiteCallFailed),
            }
        }

        /// What `holder` holds in the ledger (a read).
        fn ledger_balance(&self, ledger: AccountId, holder: AccountId) -> Result<Balance, Error> {
            let ledger: ink::contract_ref!(PSP22) = ledger.into();
            match ledger.call().balance_of(holder).try_invoke() {
                Ok(Ok(balance)) => Ok(balance),
                Err(ink::env::Error::Decode(_)) => Err(Error::UnknownCalleeError),
                Ok(Err(_)) | Err(_) => Err(Error::SuiteCallFailed),
            }
        }
    }
}

#[cfg(test)]
mod tests;
