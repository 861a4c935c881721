//! The flash-exit pool's surface for the token (`FlashExitReserve`) and the pool's errors.
use icseth_core::{
    authority::GovernorError,
    flash::{FlashError, Quote},
    governance::PoolDecision,
    wiring::WiringError,
};
use ink::primitives::AccountId;

/// Every way a message of the flash-exit pool can fail. Append-only: the token decodes it by
/// position (`icseth_token`'s `Error::Pool`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum PoolError {
    /// A governor-only message was called by someone else, or a handover step was wrong.
    Governor(GovernorError),
    /// The one-time wiring was refused, or the pool is not wired yet.
    Wiring(WiringError),
    /// Only the accounting moves value in or out.
    NotAccounting,
    /// The pool is paused: no flash exits.
    Paused,
    /// The exit cannot be quoted (zero, above the frame's exit limit or the reserve).
    Flash(FlashError),
    /// The fee curve is out of order or above its caps.
    InvalidPolicy,
    /// The native transfer to the holder failed.
    TransferFailed,
    /// Arithmetic overflow.
    Overflow,
    /// A cell this message needs does not decode as this code's type (written by another version
    /// of the code): the message refuses rather than act on a default.
    StorageUnreadable,
}

impl From<GovernorError> for PoolError {
    fn from(e: GovernorError) -> Self {
        PoolError::Governor(e)
    }
}

impl From<WiringError> for PoolError {
    fn from(e: WiringError) -> Self {
        PoolError::Wiring(e)
    }
}

impl From<FlashError> for PoolError {
    fn from(e: FlashError) -> Self {
        PoolError::Flash(e)
    }
}

/// What the token asks of the flash-exit reserve.
#[ink::trait_definition]
pub trait FlashExitReserve {
    /// The accounting only: adds the attached value to the reserve. Emits `ReserveFunded`.
    #[ink(message, payable)]
    fn fund(&mut self) -> Result<(), PoolError>;

    /// The accounting only, not while paused: prices an exit of `assets` against the reserve and its
    /// `target`, within what is left of the frame's exit limit, pays the payout to `holder` and
    /// answers the quote. Emits `ExitPaid`.
    #[ink(message)]
    fn pay_exit(&mut self, holder: AccountId, assets: u128, target: u128) -> Result<Quote, PoolError>;

    /// Anyone: what an exit of `assets` would pay now against `target`, or why it would be
    /// refused (changes nothing).
    #[ink(message)]
    fn quote(&self, assets: u128, target: u128) -> Result<Quote, PoolError>;
}

/// What the board asks of the flash-exit pool.
#[ink::trait_definition]
pub trait PoolGovernance {
    /// Governor only (the board's execution): sets the fee curve, pauses or unpauses exits.
    #[ink(message)]
    fn govern(&mut self, decision: PoolDecision) -> Result<(), PoolError>;
}

impl From<icseth_core::cell::Unreadable> for PoolError {
    fn from(_: icseth_core::cell::Unreadable) -> Self {
        PoolError::StorageUnreadable
    }
}
