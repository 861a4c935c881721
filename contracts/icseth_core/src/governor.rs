//! The governor role of a contract, handed over in two steps (propose, then accept), so that a
//! typo in an address can never orphan a contract.
use ink::primitives::AccountId;

/// Why a governor operation was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum GovernorError {
    /// The caller is not the governor.
    NotGovernor,
    /// The caller is not the proposed governor, or none is proposed.
    NotPendingGovernor,
}

/// Current governor and the one proposed to succeed it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct GovernorRole {
    governor: AccountId,
    pending: Option<AccountId>,
}

impl GovernorRole {
    pub fn new(governor: AccountId) -> Self {
        Self {
            governor,
            pending: None,
        }
    }

    pub fn governor(&self) -> AccountId {
        self.governor
    }

    pub fn pending(&self) -> Option<AccountId> {
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

    /// Step one, by the governor: propose a successor (replacing any earlier proposal).
    pub fn propose(&mut self, caller: AccountId, successor: AccountId) -> Result<(), GovernorError> {
        self.ensure(caller)?;
        self.pending = Some(successor);
        Ok(())
    }

    /// Step two, by the successor: take the role. Returns the previous governor.
    pub fn accept(&mut self, caller: AccountId) -> Result<AccountId, GovernorError> {
        if self.pending != Some(caller) {
            return Err(GovernorError::NotPendingGovernor);
        }
        let previous = self.governor;
        self.governor = caller;
        self.pending = None;
        Ok(previous)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_proposal_is_pending_until_accepted() {
        let mut role = GovernorRole::new(AccountId::from([1; 32]));
        assert_eq!(role.pending(), None);
        role.propose(AccountId::from([1; 32]), AccountId::from([2; 32]))
            .unwrap();
        assert_eq!(role.pending(), Some(AccountId::from([2; 32])));
        role.accept(AccountId::from([2; 32])).unwrap();
        assert_eq!(
            (role.governor(), role.pending()),
            (AccountId::from([2; 32]), None)
        );
    }

    fn account(byte: u8) -> AccountId {
        AccountId::from([byte; 32])
    }

    #[test]
    fn two_step_handover() {
        let mut role = GovernorRole::new(account(1));
        assert_eq!(
            role.propose(account(2), account(3)),
            Err(GovernorError::NotGovernor)
        );
        assert_eq!(role.pending(), None);
        assert_eq!(role.accept(account(3)), Err(GovernorError::NotPendingGovernor));
        assert_eq!(role.propose(account(1), account(3)), Ok(()));
        assert_eq!(role.accept(account(2)), Err(GovernorError::NotPendingGovernor));
        assert_eq!(role.governor(), account(1));
        assert_eq!(role.accept(account(3)), Ok(account(1)));
        assert_eq!(role.governor(), account(3));
        assert_eq!(role.pending(), None);
        assert_eq!(role.ensure(account(1)), Err(GovernorError::NotGovernor));
        assert_eq!(role.ensure(account(3)), Ok(()));
    }
}
