//! The authority every contract keeps in one storage cell: its governor, a proposed successor with
//! the time it has to accept, its guardian, and the version of the contract's storage layout.
//!
//! The cell sits at the same fixed key in every contract (`AUTHORITY_KEY`) and its encoding never
//! changes, so any later code (and any auditor) reads it the same way; new fields go into new cells.
//! The governor hands its role over in two steps (propose, then accept) so that a typo in an
//! address can never orphan a contract; a proposal lapses when its successor does not accept in
//! time, and the governor may withdraw it, so a forgotten proposal cannot take the role months
//! later.
use ink::primitives::AccountId;

/// Storage key of the authority cell, the same in every contract of the suite.
pub const AUTHORITY_KEY: u32 = 0x6175_7468;

/// The storage layout version the contracts of this code write. A later version reads it to know
/// which layout it finds (and migrates, if it must).
pub const STORAGE_VERSION: u16 = 1;

const HOUR_MS: u64 = 60 * 60 * 1000;
const DAY_MS: u64 = 24 * HOUR_MS;

/// How long a proposed successor may take to accept, unless the governor sets another window.
pub const DEFAULT_ACCEPT_WINDOW_MS: u64 = 7 * DAY_MS;
/// The shortest acceptance window: long enough for an institution's signers to act.
pub const MIN_ACCEPT_WINDOW_MS: u64 = HOUR_MS;
/// The longest acceptance window.
pub const MAX_ACCEPT_WINDOW_MS: u64 = 30 * DAY_MS;

/// Why an operation on the authority was refused. Append-only: deployed callers decode it by
/// position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum GovernorError {
    /// The caller is not the governor.
    NotGovernor,
    /// The caller is not the proposed governor, or none is proposed.
    NotPendingGovernor,
    /// The proposed governor did not accept within its window; the proposal is void.
    PendingGovernorExpired,
    /// There is no proposed governor to withdraw.
    NoPendingGovernor,
    /// The acceptance window is outside `MIN_ACCEPT_WINDOW_MS..=MAX_ACCEPT_WINDOW_MS`.
    InvalidAcceptWindow,
    /// The authority cell is missing or does not decode: nothing is changed, nobody is trusted.
    AuthorityUnreadable,
}

/// What the governor decides about a contract's authority (`Governed::govern_authority`).
/// Append-only: deployed callers encode it by position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum AuthorityDecision {
    /// Proposes `successor`, who may accept within the acceptance window (replacing any earlier
    /// proposal).
    ProposeGovernor { successor: AccountId },
    /// Withdraws the proposed successor.
    WithdrawGovernorProposal,
    /// Sets the guardian.
    SetGuardian { guardian: AccountId },
    /// Sets how long later successors have to accept (one hour to thirty days).
    SetAcceptWindow { window_ms: u64 },
}

/// A successor the governor proposed, and until when it may accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct PendingGovernor {
    pub successor: AccountId,
    pub proposed_at: u64,
    /// The last moment (ms) `accept_governor` succeeds (inclusive: an accept at exactly this time
    /// succeeds).
    pub expires_at: u64,
}

/// A contract's authority: one cell, one fixed encoding.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Authority {
    storage_version: u16,
    governor: AccountId,
    pending: Option<PendingGovernor>,
    guardian: AccountId,
    accept_window_ms: u64,
}

impl Authority {
    /// A new contract's authority, at this code's storage version.
    pub fn new(governor: AccountId, guardian: AccountId) -> Self {
        Self {
            storage_version: STORAGE_VERSION,
            governor,
            pending: None,
            guardian,
            accept_window_ms: DEFAULT_ACCEPT_WINDOW_MS,
        }
    }

    pub fn storage_version(&self) -> u16 {
        self.storage_version
    }

    pub fn governor(&self) -> AccountId {
        self.governor
    }

    pub fn guardian(&self) -> AccountId {
        self.guardian
    }

    pub fn accept_window_ms(&self) -> u64 {
        self.accept_window_ms
    }

    /// The proposed successor, also after its window closed (`PendingGovernor::expires_at` says
    /// whether it still may accept): an auditor sees a lapsed proposal until it is replaced or
    /// withdrawn.
    pub fn pending(&self) -> Option<PendingGovernor> {
        self.pending
    }

    /// `NotGovernor` unless `caller` is the governor.
    pub fn ensure(&self, caller: AccountId) -> Result<(), GovernorError> {
        if caller == self.governor {
            Ok(())
        } else {
            Err(GovernorError::NotGovernor)
        }
    }

    /// Whether `caller` is the guardian or the governor (who may pause).
    pub fn may_pause(&self, caller: AccountId) -> bool {
        caller == self.guardian || caller == self.governor
    }

    /// Step one, by the governor at `now`: proposes `successor`, who may accept until
    /// `now + accept_window_ms` (replacing any earlier proposal).
    pub fn propose(
        &mut self,
        caller: AccountId,
        successor: AccountId,
        now: u64,
    ) -> Result<PendingGovernor, GovernorError> {
        self.ensure(caller)?;
        let pending = PendingGovernor {
            successor,
            proposed_at: now,
            expires_at: now.saturating_add(self.accept_window_ms),
        };
        self.pending = Some(pending);
        Ok(pending)
    }

    /// Step two, by the successor at `now`, within its window: takes the role. Returns the
    /// previous governor. A refusal changes nothing.
    pub fn accept(&mut self, caller: AccountId, now: u64) -> Result<AccountId, GovernorError> {
        let pending = match self.pending {
            Some(pending) if pending.successor == caller => pending,
            _ => return Err(GovernorError::NotPendingGovernor),
        };
        if now > pending.expires_at {
            return Err(GovernorError::PendingGovernorExpired);
        }
        let previous = self.governor;
        self.governor = caller;
        self.pending = None;
        Ok(previous)
    }

    /// By the governor or the guardian: withdraws the proposed successor (lapsed or not). Returns
    /// it. The guardian may cancel a handover (a successor's key found stolen) at once, where the
    /// board needs days to decide; it can never propose one.
    pub fn withdraw(&mut self, caller: AccountId) -> Result<PendingGovernor, GovernorError> {
        if caller != self.guardian {
            self.ensure(caller)?;
        }
        let pending = self.pending.ok_or(GovernorError::NoPendingGovernor)?;
        self.pending = None;
        Ok(pending)
    }

    /// By the governor: sets the guardian.
    pub fn set_guardian(&mut self, caller: AccountId, guardian: AccountId) -> Result<(), GovernorError> {
        self.ensure(caller)?;
        self.guardian = guardian;
        Ok(())
    }

    /// By the governor: sets how long later successors have to accept (a pending proposal keeps
    /// the window it was made with).
    pub fn set_accept_window(&mut self, caller: AccountId, window_ms: u64) -> Result<(), GovernorError> {
        self.ensure(caller)?;
        if !(MIN_ACCEPT_WINDOW_MS..=MAX_ACCEPT_WINDOW_MS).contains(&window_ms) {
            return Err(GovernorError::InvalidAcceptWindow);
        }
        self.accept_window_ms = window_ms;
        Ok(())
    }
}

/// The authority cell as each contract declares it, and the messages of `Governed` on it: each
/// reads the cell (failing with `AuthorityUnreadable` if it does not decode), checks the caller,
/// writes the cell and emits the event. The caller and the time come from the environment.
pub mod cell {
    use super::{Authority, AuthorityDecision, GovernorError, PendingGovernor, AUTHORITY_KEY};
    use crate::cell::Required;
    use crate::events::{
        AcceptWindowChanged, GovernorChanged, GovernorProposalWithdrawn, GovernorProposed, GuardianChanged,
    };
    use ink::env::DefaultEnvironment;
    use ink::primitives::AccountId;
    use ink::storage::{
        traits::{ManualKey, StorageKey},
        Lazy,
    };

    /// Every contract's authority cell, at the suite's fixed key (ink!'s storage macro wraps the
    /// key type, which keeps a manual key: the functions below take any key type).
    pub type AuthorityCell = Lazy<Authority, ManualKey<AUTHORITY_KEY>>;

    /// A new contract's cell (for its constructor).
    pub fn new<K: StorageKey>(governor: AccountId, guardian: AccountId) -> Lazy<Authority, K> {
        let mut cell = Lazy::new();
        cell.set(&Authority::new(governor, guardian));
        cell
    }

    fn caller() -> AccountId {
        ink::env::caller::<DefaultEnvironment>()
    }

    fn now() -> u64 {
        ink::env::block_timestamp::<DefaultEnvironment>()
    }

    pub fn read<K: StorageKey>(cell: &Lazy<Authority, K>) -> Result<Authority, GovernorError> {
        Ok(cell.required()?)
    }

    /// `NotGovernor` unless the caller is the governor.
    pub fn ensure_governor<K: StorageKey>(cell: &Lazy<Authority, K>) -> Result<(), GovernorError> {
        read(cell)?.ensure(caller())
    }

    pub fn governor<K: StorageKey>(cell: &Lazy<Authority, K>) -> Result<AccountId, GovernorError> {
        Ok(read(cell)?.governor())
    }

    pub fn pending_governor<K: StorageKey>(
        cell: &Lazy<Authority, K>,
    ) -> Result<Option<PendingGovernor>, GovernorError> {
        Ok(read(cell)?.pending())
    }

    pub fn accept_governor<K: StorageKey>(cell: &mut Lazy<Authority, K>) -> Result<(), GovernorError> {
        let mut authority = read(cell)?;
        let governor = caller();
        let previous = authority.accept(governor, now())?;
        cell.set(&authority);
        ink::env::emit_event::<DefaultEnvironment, _>(GovernorChanged { previous, governor });
        Ok(())
    }

    /// The governor's decision on the cell, with its event.
    pub fn govern<K: StorageKey>(
        cell: &mut Lazy<Authority, K>,
        decision: AuthorityDecision,
    ) -> Result<(), GovernorError> {
        let mut authority = read(cell)?;
        let governor = caller();
        match decision {
            AuthorityDecision::ProposeGovernor { successor } => {
                let pending = authority.propose(governor, successor, now())?;
                cell.set(&authority);
                ink::env::emit_event::<DefaultEnvironment, _>(GovernorProposed {
                    governor,
                    successor,
                    expires_at: pending.expires_at,
                });
            }
            AuthorityDecision::WithdrawGovernorProposal => {
                let withdrawn = authority.withdraw(governor)?;
                cell.set(&authority);
                ink::env::emit_event::<DefaultEnvironment, _>(GovernorProposalWithdrawn {
                    governor,
                    successor: withdrawn.successor,
                });
            }
            AuthorityDecision::SetGuardian { guardian } => {
                authority.set_guardian(governor, guardian)?;
                cell.set(&authority);
                ink::env::emit_event::<DefaultEnvironment, _>(GuardianChanged { guardian });
            }
            AuthorityDecision::SetAcceptWindow { window_ms } => {
                authority.set_accept_window(governor, window_ms)?;
                cell.set(&authority);
                ink::env::emit_event::<DefaultEnvironment, _>(AcceptWindowChanged { window_ms });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ink::scale::{Decode, Encode};

    fn account(byte: u8) -> AccountId {
        AccountId::from([byte; 32])
    }

    #[test]
    fn two_step_handover_within_the_window() {
        let mut role = Authority::new(account(1), account(9));
        assert_eq!(
            role.propose(account(2), account(3), 0),
            Err(GovernorError::NotGovernor)
        );
        assert_eq!(role.pending(), None);
        assert_eq!(role.accept(account(3), 0), Err(GovernorError::NotPendingGovernor));
        let pending = role.propose(account(1), account(3), 1_000).unwrap();
        assert_eq!(pending.expires_at, 1_000 + DEFAULT_ACCEPT_WINDOW_MS);
        assert_eq!(role.pending(), Some(pending));
        assert_eq!(
            role.accept(account(2), 1_000),
            Err(GovernorError::NotPendingGovernor)
        );
        assert_eq!(role.governor(), account(1));
        assert_eq!(role.accept(account(3), pending.expires_at), Ok(account(1)));
        assert_eq!((role.governor(), role.pending()), (account(3), None));
        assert_eq!(role.ensure(account(1)), Err(GovernorError::NotGovernor));
        assert_eq!(role.ensure(account(3)), Ok(()));
        assert_eq!(role.guardian(), account(9));
    }

    #[test]
    fn a_successor_that_waits_past_its_window_never_takes_the_role() {
        let mut role = Authority::new(account(1), account(9));
        let pending = role.propose(account(1), account(3), 0).unwrap();
        let before = role.clone();
        assert_eq!(
            role.accept(account(3), pending.expires_at + 1),
            Err(GovernorError::PendingGovernorExpired)
        );
        assert_eq!(role, before, "a refused accept changes nothing");
        // sixty days later, still refused
        assert_eq!(
            role.accept(account(3), 60 * DAY_MS),
            Err(GovernorError::PendingGovernorExpired)
        );
        assert_eq!(role.governor(), account(1));
    }

    #[test]
    fn the_governor_withdraws_a_proposal() {
        let mut role = Authority::new(account(1), account(9));
        assert_eq!(role.withdraw(account(1)), Err(GovernorError::NoPendingGovernor));
        let pending = role.propose(account(1), account(3), 0).unwrap();
        assert_eq!(role.withdraw(account(3)), Err(GovernorError::NotGovernor));
        assert_eq!(role.withdraw(account(1)), Ok(pending));
        assert_eq!(role.pending(), None);
        assert_eq!(role.accept(account(3), 1), Err(GovernorError::NotPendingGovernor));
    }

    #[test]
    fn the_guardian_may_cancel_a_handover_but_never_start_one() {
        let mut role = Authority::new(account(1), account(9));
        assert_eq!(
            role.propose(account(9), account(3), 0),
            Err(GovernorError::NotGovernor)
        );
        assert_eq!(role.withdraw(account(9)), Err(GovernorError::NoPendingGovernor));
        let pending = role.propose(account(1), account(3), 0).unwrap();
        assert_eq!(role.withdraw(account(2)), Err(GovernorError::NotGovernor));
        assert_eq!(role.withdraw(account(9)), Ok(pending));
        assert_eq!(role.accept(account(3), 1), Err(GovernorError::NotPendingGovernor));
        assert_eq!(role.governor(), account(1));
    }

    #[test]
    fn guardian_and_window_are_the_governors_to_set() {
        let mut role = Authority::new(account(1), account(9));
        assert!(role.may_pause(account(9)) && role.may_pause(account(1)) && !role.may_pause(account(2)));
        assert_eq!(
            role.set_guardian(account(9), account(8)),
            Err(GovernorError::NotGovernor)
        );
        assert_eq!(role.set_guardian(account(1), account(8)), Ok(()));
        assert_eq!(role.guardian(), account(8));
        assert_eq!(
            role.set_accept_window(account(8), DAY_MS),
            Err(GovernorError::NotGovernor)
        );
        for refused in [MIN_ACCEPT_WINDOW_MS - 1, MAX_ACCEPT_WINDOW_MS + 1, 0] {
            assert_eq!(
                role.set_accept_window(account(1), refused),
                Err(GovernorError::InvalidAcceptWindow)
            );
        }
        assert_eq!(role.accept_window_ms(), DEFAULT_ACCEPT_WINDOW_MS);
        for accepted in [MIN_ACCEPT_WINDOW_MS, MAX_ACCEPT_WINDOW_MS] {
            assert_eq!(role.set_accept_window(account(1), accepted), Ok(()));
            assert_eq!(role.accept_window_ms(), accepted);
        }
        // a proposal made before a window change keeps its own expiry
        role.set_accept_window(account(1), DAY_MS).unwrap();
        let pending = role.propose(account(1), account(3), 0).unwrap();
        role.set_accept_window(account(1), MIN_ACCEPT_WINDOW_MS).unwrap();
        assert_eq!(role.pending().unwrap().expires_at, pending.expires_at);
        assert_eq!(role.accept(account(3), DAY_MS), Ok(account(1)));
    }

    /// The cell's encoding is fixed: version, governor, pending, guardian, window, in this order.
    #[test]
    fn the_cell_encoding_is_fixed() {
        let role = Authority::new(account(1), account(9));
        let encoded = role.encode();
        let mut expected = STORAGE_VERSION.encode();
        expected.extend_from_slice(&[1; 32]);
        expected.push(0);
        expected.extend_from_slice(&[9; 32]);
        expected.extend_from_slice(&DEFAULT_ACCEPT_WINDOW_MS.to_le_bytes());
        assert_eq!(encoded, expected);
        assert_eq!(Authority::decode(&mut &encoded[..]), Ok(role));
    }
}
