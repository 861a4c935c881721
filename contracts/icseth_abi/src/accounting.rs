//! The accounting's surfaces for the oracle contract (`ReportSink`) and the board
//! (`AccountingGovernance`), and the accounting's errors.
use crate::{ledger::LedgerError, pool::PoolError, protection::ProtectionError, registry::RegistryError};
use icseth_core::{
    authority::GovernorError,
    books::BooksError,
    compliance::ComplianceError,
    governance::TokenDecision,
    hold::{HoldBasis, HoldUntil},
    math::MathError,
    oracle::{Report, ReportError},
    wiring::WiringError,
};
use ink::primitives::AccountId;

/// Every way a message of the accounting can fail. Append-only: the oracle contract decodes it by
/// position (`oracle_consensus`'s `Error::Token`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum AccountingError {
    /// A governor-only message was called by someone else, or a handover step was wrong.
    Governor(GovernorError),
    /// The one-time wiring was refused.
    Wiring(WiringError),
    /// Only the guardian or the governor may pause.
    NotGuardian,
    /// The token is paused: no deposits, transfers or new withdrawal requests.
    Paused,
    /// `pause` while paused.
    AlreadyPaused,
    /// `unpause` while not paused.
    NotPaused,
    /// The caller is not a whitelisted, active institution.
    NotWhitelisted,
    /// The institution is whitelisted already.
    AlreadyWhitelisted,
    /// The account is not a whitelisted institution (nothing to remove).
    UnknownInstitution,
    /// A suite contract or the zero account cannot be an institution or the treasury (shares
    /// sent or minted to it could never move again).
    SuiteContract,
    /// The deposit is below the institution's minimum.
    BelowMinDeposit,
    /// The deposit is too small to mint a single share.
    ZeroShares,
    /// Zero was given where an amount is needed.
    ZeroAmount,
    /// The caller holds fewer shares than asked for.
    InsufficientShares,
    /// The withdrawal request is worth less than the minimum withdrawal.
    BelowMinWithdrawal,
    /// No ticket has this id.
    UnknownTicket,
    /// Only the ticket's owner may claim it.
    NotTicketOwner,
    /// The ticket is not finalized yet.
    NotFinalized,
    /// No pending ticket was requested before the last applied report's reference time:
    /// only a report finalizes, and `finalize_withdrawals` only continues its finalization.
    NothingDue,
    /// The ticket was claimed already.
    AlreadyClaimed,
    /// A parameter is outside its allowed range.
    InvalidParameter,
    /// A paged read asked for more than `MAX_PAGE` entries.
    PageTooLarge,
    /// The native transfer to the claimant or the operator failed.
    TransferFailed,
    /// Only the staking manager may stake.
    NotStakingManager,
    /// The staking buffer holds less than the validators' deposits, or than the next due
    /// ticket's payout.
    InsufficientBuffer,
    /// Staking would spend value that tickets not yet finalized were promised (their request
    /// values); it waits for deposits or withdrawn funds.
    BufferOwedToTickets,
    /// The operator registry refused (the stake: operator not active, above its limit; a
    /// loss record): its own error.
    Registry(RegistryError),
    /// The call to the operator registry itself failed.
    RegistryCallFailed,
    /// Only the oracle contract may push reports and votes.
    NotOracle,
    /// The report failed a sanity bound (or is stale or early); see the inner error.
    Report(ReportError),
    /// A loss is pending: an oracle member voted for a report with a loss, or the bounds
    /// refused one. Deposits and flash exits wait until a report at or after the attached
    /// snapshot applies, or (a lone member's hold) until the attached lapse time; withdrawal
    /// requests stay open (they share the loss through the rate).
    LossPending(HoldUntil),
    /// A loss allowance of zero, or valid for no time or longer than 30 days.
    InvalidLossAllowance,
    /// The bounds or fees are outside their hard caps.
    InvalidBounds,
    /// Only the withdrawal vault may send withdrawals and rewards.
    NotVault,
    /// The slash-protection pool refused the cover request: its own error.
    Cover(ProtectionError),
    /// A call to another suite contract failed.
    SuiteCallFailed,
    /// The flash-exit pool refused (paused, above its caps, the caller not the token, not
    /// wired): its own error.
    Pool(PoolError),
    /// The flash exit would pay less than `min_out`.
    SlippageExceeded,
    /// The refill exceeds the reserve's shortfall or the buffer not owed to tickets.
    AboveRefillHeadroom,
    /// An amount overflowed (cannot happen with real balances; refused rather than wrapped).
    Overflow,
    /// A contract of the suite answered with something this code cannot decode: its answer's
    /// layout differs from this build's `icseth_abi` (the suite's contracts must come from
    /// one build).
    UnknownCalleeError,
    /// A cell this message needs does not decode as this code's type (written by another version
    /// of the code): the message refuses rather than act on a default.
    StorageUnreadable,
    /// The ledger refused: its own error. Three refusals arrive as the accounting's own variant
    /// instead, since they mean the same to the caller: `Paused`, `AlreadyPaused` and `NotPaused`,
    /// and `InsufficientShares` for a request's lock or a flash exit's burn of the caller's shares.
    /// Any other (a settlement the ledger refuses, a standing the two contracts disagree on) is a
    /// fault between them and arrives as itself.
    Ledger(LedgerError),
    /// The ledger's supply after a mint or burn differs from the books' mirror of it: refused
    /// (the suite's contracts must come from one build and one wiring).
    SupplyMismatch,
    /// A compliance rule refused: the caller or account is frozen, a KYC date passed, or a
    /// freeze, lapse, lift or renewal is not allowed now (see the inner error).
    Compliance(ComplianceError),
}

impl From<ComplianceError> for AccountingError {
    fn from(e: ComplianceError) -> Self {
        AccountingError::Compliance(e)
    }
}

impl From<GovernorError> for AccountingError {
    fn from(e: GovernorError) -> Self {
        AccountingError::Governor(e)
    }
}

impl From<WiringError> for AccountingError {
    fn from(e: WiringError) -> Self {
        AccountingError::Wiring(e)
    }
}

impl From<ReportError> for AccountingError {
    fn from(e: ReportError) -> Self {
        AccountingError::Report(e)
    }
}

impl From<BooksError> for AccountingError {
    fn from(e: BooksError) -> Self {
        match e {
            BooksError::ZeroShares => AccountingError::ZeroShares,
            BooksError::InsufficientBuffer => AccountingError::InsufficientBuffer,
            BooksError::BufferOwedToTickets => AccountingError::BufferOwedToTickets,
            BooksError::BelowMinWithdrawal => AccountingError::BelowMinWithdrawal,
            BooksError::AboveRefillHeadroom => AccountingError::AboveRefillHeadroom,
            BooksError::Overflow => AccountingError::Overflow,
        }
    }
}

impl From<MathError> for AccountingError {
    fn from(_: MathError) -> Self {
        AccountingError::Overflow
    }
}

/// What the oracle contract asks of the accounting.
#[ink::trait_definition]
pub trait ReportSink {
    /// The oracle contract only, for a member's vote short of quorum: the loss the report shows
    /// against the books (0: none) and, when a lone hold holds after the vote, when it lapses;
    /// with a loss and a `basis`, deposits and flash exits are held.
    #[ink(message)]
    fn note_report_vote(
        &mut self,
        report: Report,
        member: AccountId,
        basis: Option<HoldBasis>,
    ) -> Result<(u128, Option<u64>), AccountingError>;

    /// The oracle contract only, with a report a quorum agreed on: applies it within the bounds,
    /// or answers `Ok(Err(bound))` when the bounds refuse it.
    #[ink(message)]
    fn autobalance(&mut self, report: Report) -> Result<Result<(), ReportError>, AccountingError>;
}

/// What the board asks of the accounting (decisions on the icsETH token's rules).
#[ink::trait_definition]
pub trait AccountingGovernance {
    /// Governor only (the board's execution): applies one decision, exactly as the message of
    /// the same name would, with the same checks, errors and events.
    #[ink(message)]
    fn govern(&mut self, decision: TokenDecision) -> Result<(), AccountingError>;

    /// Anyone: when the guardian last paused (0: never). The board reads it so that a pause or
    /// unpause proposal created before the guardian's pause never undoes it.
    #[ink(message)]
    fn guardian_paused_at(&self) -> u64;
}

impl From<icseth_core::cell::Unreadable> for AccountingError {
    fn from(_: icseth_core::cell::Unreadable) -> Self {
        AccountingError::StorageUnreadable
    }
}
