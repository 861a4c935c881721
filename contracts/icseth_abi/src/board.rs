//! The board's errors (nothing calls the board; its error sits here beside those it nests).
use crate::{
    accounting::AccountingError, oracle::OracleError, pool::PoolError, protection::ProtectionError,
    registry::RegistryError,
};
use icseth_core::{authority::GovernorError, wiring::WiringError};

/// Every way a message of the board can fail. A refused call changes nothing. Append-only, as
/// every error here.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum BoardError {
    /// The one-time wiring was refused.
    Wiring(WiringError),
    /// The member list is empty or longer than `MAX_MEMBERS`.
    MemberCountOutOfRange,
    /// An account appears twice in the member list.
    DuplicateMember,
    /// The protocol's own account must always be a member.
    ProtocolNotMember,
    /// The quorum must be strictly above half of the members and at most their number.
    InvalidQuorum,
    /// Only members may propose or vote.
    NotMember,
    /// The member joined after the proposal was created.
    NotEligible,
    /// The member already voted on this proposal.
    AlreadyVoted,
    /// No proposal has this id.
    UnknownProposal,
    /// Voting on this proposal has ended.
    VotingClosed,
    /// The proposal cannot execute before its execution time.
    TooEarly,
    /// The proposal's execution window has passed.
    Expired,
    /// The proposal was executed already.
    AlreadyExecuted,
    /// The eligible votes for do not reach the quorum.
    QuorumNotReached,
    /// A subject of the proposal changed at or after its creation (a newer decision, or the
    /// guardian's pause): the stale decision never executes.
    Superseded,
    /// The account is a member already.
    AlreadyMember,
    /// The protocol's own member cannot be removed.
    ProtocolMustStay,
    /// The quorum would be above the number of members.
    QuorumUnreachable,
    /// A board of three or more members would need every member's vote (one lost key would
    /// freeze the suite): lower the quorum or add a member first.
    UnanimityLock,
    /// The board's timing is outside its bounds.
    InvalidTiming,
    /// The token refused the decision: its own error.
    Token(AccountingError),
    /// The call to the target contract itself failed (trap, unknown message, out of gas).
    TargetCallFailed,
    /// A paged read asked for more than `MAX_PAGE` entries.
    PageTooLarge,
    /// A counter overflowed (cannot happen in practice; refused rather than wrapped).
    Overflow,
    /// The board's own authority cell refused (it is unreadable).
    Governor(GovernorError),
    /// The target contract refused an authority decision (governor, guardian, window).
    TargetGovernor(GovernorError),
    /// The flash-exit pool refused the decision: its own error.
    Pool(PoolError),
    /// The operator registry refused the decision: its own error.
    Registry(RegistryError),
    /// The slash-protection pool refused the decision: its own error.
    Protection(ProtectionError),
    /// The oracle contract refused the decision: its own error.
    Oracle(OracleError),
    /// The target refused with an error this build cannot decode (the target runs other code).
    UnknownTargetError,
    /// A cell this message needs does not decode as this code's type (written by another version
    /// of the code): the message refuses rather than act on a default.
    StorageUnreadable,
}

impl From<GovernorError> for BoardError {
    fn from(e: GovernorError) -> Self {
        BoardError::Governor(e)
    }
}

impl From<WiringError> for BoardError {
    fn from(e: WiringError) -> Self {
        BoardError::Wiring(e)
    }
}

impl From<icseth_core::cell::Unreadable> for BoardError {
    fn from(_: icseth_core::cell::Unreadable) -> Self {
        BoardError::StorageUnreadable
    }
}
