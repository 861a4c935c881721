//! The oracle contract's surface for the board (`OracleGovernance`) and the oracle's errors.
use crate::{accounting::AccountingError, registry::RegistryError};
use icseth_core::{
    authority::GovernorError, governance::OracleDecision, oracle::ReportError, wiring::WiringError,
};

/// Every way a message of the oracle contract can fail. A refused call changes nothing.
/// Append-only: the board decodes it by position (`whitelist_board`'s `Error::Oracle`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum OracleError {
    /// A governor-only message was called by someone else, or a handover step was wrong.
    Governor(GovernorError),
    /// The one-time wiring was refused, or the contract is not wired yet.
    Wiring(WiringError),
    /// Only current oracle members may vote.
    NotMember,
    /// The member list is empty, longer than 16 or repeats an account.
    InvalidMembers,
    /// The report's reference time is in the future, or not after the last applied report's.
    Report(ReportError),
    /// The report's epoch is not the epoch its reference time falls in.
    EpochNotAtReference,
    /// The report's reference time is not the start of a report frame (225 epochs, a day,
    /// from genesis): every report describes the snapshot at a frame's start.
    NotFrameStart,
    /// The member's current vote is already this one.
    AlreadyVoted,
    /// No agreed report waits for a retry (none, applied, or its votes no longer count).
    NothingAgreed,
    /// The token refused the agreed report again: its bound is attached.
    StillRefused(ReportError),
    /// The token refused the call (not wired to this contract, a failing cover): its own
    /// error.
    Token(AccountingError),
    /// The call to the token itself failed.
    TokenCallFailed,
    /// This frame's figures were agreed already.
    FrameAgreed,
    /// The registry refused the agreed attestation: its own error.
    Registry(RegistryError),
    /// The call to the registry itself failed.
    RegistryCallFailed,
    /// Arithmetic overflow (cannot happen with real counts; refused rather than wrapped).
    Overflow,
    /// A cell this message needs does not decode as this code's type (written by another version
    /// of the code): the message refuses rather than act on a default.
    StorageUnreadable,
}

impl From<GovernorError> for OracleError {
    fn from(e: GovernorError) -> Self {
        OracleError::Governor(e)
    }
}

impl From<WiringError> for OracleError {
    fn from(e: WiringError) -> Self {
        OracleError::Wiring(e)
    }
}

/// What the board asks of the oracle contract.
#[ink::trait_definition]
pub trait OracleGovernance {
    /// Governor only (the board's execution): sets the members. Starts a new member set, so
    /// votes cast before for reports and frames not yet agreed no longer count. Emits
    /// `MembersSet`.
    #[ink(message)]
    fn govern(&mut self, decision: OracleDecision) -> Result<(), OracleError>;
}

impl From<icseth_core::cell::Unreadable> for OracleError {
    fn from(_: icseth_core::cell::Unreadable) -> Self {
        OracleError::StorageUnreadable
    }
}
