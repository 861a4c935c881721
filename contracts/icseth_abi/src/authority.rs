//! `Governed`: the authority messages every contract of the suite offers (its authority cell: the
//! governor, a proposed successor, the guardian, the storage version), few on purpose: every
//! message adds code that each call to the contract loads. Each contract implements them as one-line delegations to
//! `icseth_core::authority::cell`, which reads and writes its authority cell.
use icseth_core::authority::{Authority, AuthorityDecision, GovernorError, PendingGovernor};
use ink::primitives::AccountId;

#[ink::trait_definition]
pub trait Governed {
    /// Anyone: the whole authority cell (governor, pending successor, guardian, acceptance window,
    /// storage version).
    #[ink(message)]
    fn authority(&self) -> Result<Authority, GovernorError>;

    /// Anyone: the governor.
    #[ink(message)]
    fn governor(&self) -> Result<AccountId, GovernorError>;

    /// Anyone: the proposed successor and until when it may accept (shown after its window
    /// closed too, until replaced or withdrawn).
    #[ink(message)]
    fn pending_governor(&self) -> Result<Option<PendingGovernor>, GovernorError>;

    /// The proposed successor only, within its window: takes the governor role. Emits
    /// `GovernorChanged`.
    #[ink(message)]
    fn accept_governor(&mut self) -> Result<(), GovernorError>;

    /// Governor only (the guardian may also withdraw a proposed successor, never propose one):
    /// proposes or withdraws a successor, sets the guardian or the acceptance window. Emits `GovernorProposed`, `GovernorProposalWithdrawn`, `GuardianChanged` or
    /// `AcceptWindowChanged`.
    #[ink(message)]
    fn govern_authority(&mut self, decision: AuthorityDecision) -> Result<(), GovernorError>;
}
