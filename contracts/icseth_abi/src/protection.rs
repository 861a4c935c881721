//! The slash-protection pool's surface for the token (`CoverPool`) and the pool's errors.
use crate::psp22::PSP22Error;
use icseth_core::{authority::GovernorError, governance::ProtectionDecision, wiring::WiringError};

/// Every way a message of the slash-protection pool can fail. Append-only: the token decodes it by
/// position (`icseth_token`'s `Error::Cover`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum ProtectionError {
    /// A governor-only message was called by someone else, or a handover step was wrong.
    Governor(GovernorError),
    /// The one-time wiring was refused, or the pool is not wired yet.
    Wiring(WiringError),
    /// Only the accounting may request cover.
    NotAccounting,
    /// Only allowed donors may donate.
    NotAllowedDonor,
    /// Zero was given where an amount is needed.
    ZeroAmount,
    /// The per-incident cap must be between 1 and 10,000 basis points.
    InvalidCap,
    /// The token refused the donation's transfer (allowance, balance, pause): its own error.
    DonationRefused(PSP22Error),
    /// The call to the token itself failed.
    TokenCallFailed,
    /// A paged read asked for more than `MAX_PAGE` entries.
    PageTooLarge,
    /// Arithmetic overflow.
    Overflow,
    /// A cell this message needs does not decode as this code's type (written by another version
    /// of the code): the message refuses rather than act on a default.
    StorageUnreadable,
}

impl From<GovernorError> for ProtectionError {
    fn from(e: GovernorError) -> Self {
        ProtectionError::Governor(e)
    }
}

impl From<WiringError> for ProtectionError {
    fn from(e: WiringError) -> Self {
        ProtectionError::Wiring(e)
    }
}

/// What the token asks of the slash-protection pool.
#[ink::trait_definition]
pub trait CoverPool {
    /// The accounting only, during an applied report with a loss: records the incident and answers how
    /// many of the pool's `held_shares` cover it, at the pre-loss pool (`total_shares`,
    /// `total_pooled`). The token burns them. Emits `IncidentRecorded`.
    #[ink(message)]
    fn request_cover(
        &mut self,
        epoch: u64,
        operator: Option<u32>,
        loss: u128,
        held_shares: u128,
        total_shares: u128,
        total_pooled: u128,
    ) -> Result<u128, ProtectionError>;
}

/// What the board asks of the slash-protection pool.
#[ink::trait_definition]
pub trait ProtectionGovernance {
    /// Governor only (the board's execution): sets the per-incident cap, or allows or
    /// disallows a donor.
    #[ink(message)]
    fn govern(&mut self, decision: ProtectionDecision) -> Result<(), ProtectionError>;
}

impl From<icseth_core::cell::Unreadable> for ProtectionError {
    fn from(_: icseth_core::cell::Unreadable) -> Self {
        ProtectionError::StorageUnreadable
    }
}
