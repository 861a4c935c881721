//! The operator registry's surfaces for the token (`StakingRecords`) and the oracle
//! (`FrameRecords`), and the registry's errors.
use icseth_core::{
    authority::GovernorError,
    governance::RegistryDecision,
    operators::{CountsError, Figures},
    wiring::WiringError,
};
use ink::primitives::AccountId;

/// Every way a message of the operator registry can fail. Append-only: the token decodes it by
/// position (`icseth_token`'s `Error::Registry`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum RegistryError {
    /// A governor-only message was called by someone else, or a handover step was wrong.
    Governor(GovernorError),
    /// The one-time wiring was refused, or the registry is not wired yet.
    Wiring(WiringError),
    /// The change would break `keys >= limit >= funded >= exited`, or exceed the spare limit.
    Counts(CountsError),
    /// The name is empty or longer than `MAX_NAME_BYTES`.
    InvalidName,
    /// This admin account already registered an operator.
    DuplicateRegistration,
    /// The registry holds `max_operators` live operators already (exited ones do not count).
    OperatorCapReached,
    /// The waiting room for self-registrations is full: wait for the board, for an expiry,
    /// or ask the board for an invitation.
    PendingCapReached,
    /// Only a pending registration can expire.
    NotPending,
    /// The pending registration has not reached its lifetime yet.
    NotExpired,
    /// The registration limits are outside their hard caps.
    InvalidLimits,
    /// No operator has this id.
    UnknownOperator,
    /// Only the operator's admin may do this.
    NotOperatorAdmin,
    /// The operator's status does not allow this change.
    InvalidTransition,
    /// The decision's deposit address is not the one the operator's admin proposed.
    DepositAddressNotProposed,
    /// Only the accounting may record stake or incidents.
    NotAccounting,
    /// The operator may not receive new stake (pending, on probation, paused or exited).
    OperatorNotActive,
    /// The frame is not over yet.
    FrameInFuture,
    /// The operator already reported this frame (or a later one).
    FrameAlreadyReported,
    /// This frame of this operator has attested figures already.
    AlreadyAttested,
    /// The frame is older than the last attested one.
    StaleFrame,
    /// Effectiveness above 100%.
    InvalidFigures,
    /// Only the oracle contract may record attested figures.
    NotOracle,
    /// The performance policy is outside its bounds.
    InvalidPolicy,
    /// A paged read asked for more than `MAX_PAGE` entries.
    PageTooLarge,
    /// A counter overflowed (cannot happen in practice; refused rather than wrapped).
    Overflow,
    /// A cell this message needs does not decode as this code's type (written by another version
    /// of the code): the message refuses rather than act on a default.
    StorageUnreadable,
    /// The allocation policy is outside its bounds.
    InvalidAllocationPolicy,
    /// The operator's kind already has `max_per_kind` operators in service.
    KindFull,
    /// The buffer holds no whole validator above what tickets are owed and the liquidity floor,
    /// or no operator in service may receive one.
    NothingToAllocate,
    /// Pending tickets are covered by the buffer, the unreported inflow and the exits already
    /// asked: nothing to ask.
    NoExitsNeeded,
    /// The operator has no exit request past its deadline with validators not exited.
    NoMissedExits,
    /// The oracle has not attested a frame of the operator that ended after the deadline yet:
    /// an exit may have happened that it has not seen.
    ExitsNotAttestedPastDeadline,
}

impl From<GovernorError> for RegistryError {
    fn from(e: GovernorError) -> Self {
        RegistryError::Governor(e)
    }
}

impl From<WiringError> for RegistryError {
    fn from(e: WiringError) -> Self {
        RegistryError::Wiring(e)
    }
}

impl From<CountsError> for RegistryError {
    fn from(e: CountsError) -> Self {
        RegistryError::Counts(e)
    }
}

/// One operator's part of an allocation: the accounting sends `validators` x 32 ETH to
/// `deposit_address`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub struct Allocated {
    pub operator: u32,
    pub validators: u32,
    pub deposit_address: AccountId,
}

/// What the token asks of the operator registry.
#[ink::trait_definition]
pub trait StakingRecords {
    /// The accounting only: allocates the whole validators that `buffered` holds above
    /// `owed_to_tickets` and the liquidity floor (at most a page) over the operators in service by
    /// the allocation rule (`icseth_core::allocation::allocate`), records them and answers where
    /// each part goes. Emits `StakeRecorded` per operator.
    #[ink(message)]
    fn allocate(
        &mut self,
        buffered: u128,
        owed_to_tickets: u128,
    ) -> Result<ink::prelude::vec::Vec<Allocated>, RegistryError>;

    /// The accounting only: asks operators to exit the validators pending tickets need beyond
    /// `buffered`, `inflow` and the validators coming (asked, or exited and not among the last
    /// report's `withdrawn_validators`), at most a page, by the exit rule
    /// (`icseth_core::allocation::request_exits`). Emits `ExitsRequested` per operator; answers
    /// how many validators were asked.
    #[ink(message)]
    fn request_exits_for_tickets(
        &mut self,
        owed_to_tickets: u128,
        buffered: u128,
        inflow: u128,
        withdrawn_validators: u32,
    ) -> Result<u32, RegistryError>;

    /// The accounting only: records a slashing incident and its `loss` on the operator's record.
    /// Emits `SlashingRecorded`.
    #[ink(message)]
    fn record_slashing(&mut self, operator: u32, loss: u128) -> Result<(), RegistryError>;

    /// Anyone: whether an operator with this id was ever registered.
    #[ink(message)]
    fn is_operator(&self, id: u32) -> bool;
}

/// What the oracle contract asks of the operator registry.
#[ink::trait_definition]
pub trait FrameRecords {
    /// The oracle contract only, once per operator and finished frame, newer than the last
    /// attested one: records the figures `attestations` oracle members agreed on, scores them,
    /// adds them to the totals and applies the status rules. Emits `PerformanceAttested` (and
    /// `OperatorStatusChanged` on a change).
    #[ink(message)]
    fn record_attestation(
        &mut self,
        operator: u32,
        frame: u32,
        figures: Figures,
        attestations: u32,
    ) -> Result<(), RegistryError>;
}

/// What the board asks of the operator registry.
#[ink::trait_definition]
pub trait RegistryGovernance {
    /// Governor only (the board's execution): approves, limits or removes an operator, sets
    /// the performance policy or the registration limits, approves a deposit address, invites an
    /// admin.
    #[ink(message)]
    fn govern(&mut self, decision: RegistryDecision) -> Result<(), RegistryError>;
}

impl From<icseth_core::cell::Unreadable> for RegistryError {
    fn from(_: icseth_core::cell::Unreadable) -> Self {
        RegistryError::StorageUnreadable
    }
}
