//! One-time wiring of the suite's cross references.
//!
//! Contracts reference each other, so they cannot all receive the others' addresses at
//! construction. Each contract records its deployer; the deployer hands it the six addresses once,
//! and from then on the wiring is locked: nobody, the deployer included, can wire it again (a later
//! change of a reference is a governed decision, pushed by the board).
use crate::{
    cell::{Required, Unreadable},
    suite::SuiteAddresses,
};
use ink::primitives::AccountId;
use ink::storage::{
    traits::{ManualKey, StorageKey},
    Lazy,
};

/// The key of every contract's wiring cell (`b"wire"`): the addresses grow with the suite, so
/// they live in a cell of their own, never in a contract's root.
pub const WIRING_KEY: u32 = 0x7769_7265;

/// Every contract's wiring cell, at the suite's fixed key.
pub type WiringCell = Lazy<Wiring, ManualKey<WIRING_KEY>>;

/// Why a wiring was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum WiringError {
    /// Only the account that instantiated the contract may wire it.
    NotDeployer,
    /// The contract was wired already; wiring is locked.
    AlreadyWired,
    /// The addresses given for this contract's own slot is not this contract.
    WrongSelfAddress,
    /// Two slots hold the same address.
    RepeatedAddress,
    /// The contract is not wired yet, so it cannot reach the others.
    NotWired,
    /// The wiring cell does not decode (written by another version of the code): the contract
    /// refuses to guess the suite's addresses.
    Unreadable,
}

impl From<Unreadable> for WiringError {
    fn from(_: Unreadable) -> Self {
        WiringError::Unreadable
    }
}

/// A contract's wiring state: who may wire it, and the addresses once wired.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Wiring {
    deployer: AccountId,
    suite: Option<SuiteAddresses>,
}

/// Which slot of `SuiteAddresses` a contract occupies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuiteSlot {
    Token,
    Board,
    FlashExitPool,
    OperatorRegistry,
    SlashProtection,
    Oracle,
    Accounting,
}

impl Wiring {
    /// Wiring state of a contract instantiated by `deployer`, not wired yet.
    pub fn new(deployer: AccountId) -> Self {
        Self {
            deployer,
            suite: None,
        }
    }

    /// The account allowed to wire (meaningless once wired).
    pub fn deployer(&self) -> AccountId {
        self.deployer
    }

    /// The wired addresses, if any.
    pub fn suite(&self) -> Option<SuiteAddresses> {
        self.suite
    }

    /// The wired addresses, or `NotWired`.
    pub fn require(&self) -> Result<SuiteAddresses, WiringError> {
        self.suite.ok_or(WiringError::NotWired)
    }

    /// Checks everything, then records `suite`. Changes nothing on error.
    pub fn wire(
        &mut self,
        caller: AccountId,
        own_address: AccountId,
        own_slot: SuiteSlot,
        suite: SuiteAddresses,
    ) -> Result<(), WiringError> {
        if self.suite.is_some() {
            return Err(WiringError::AlreadyWired);
        }
        if caller != self.deployer {
            return Err(WiringError::NotDeployer);
        }
        let slot = match own_slot {
            SuiteSlot::Token => suite.token,
            SuiteSlot::Board => suite.board,
            SuiteSlot::FlashExitPool => suite.flash_exit_pool,
            SuiteSlot::OperatorRegistry => suite.operator_registry,
            SuiteSlot::SlashProtection => suite.slash_protection,
            SuiteSlot::Oracle => suite.oracle,
            SuiteSlot::Accounting => suite.accounting,
        };
        if slot != own_address {
            return Err(WiringError::WrongSelfAddress);
        }
        if !suite.all_distinct() {
            return Err(WiringError::RepeatedAddress);
        }
        self.suite = Some(suite);
        Ok(())
    }
}

/// A new contract's wiring cell, not wired yet (for its constructor).
pub fn new_cell<K: StorageKey>(deployer: AccountId) -> Lazy<Wiring, K> {
    let mut cell = Lazy::new();
    cell.set(&Wiring::new(deployer));
    cell
}

/// `Wiring`'s reads and its one write on the stored cell: each read fails with `Unreadable`
/// if the cell does not decode, and a refused wiring writes nothing.
pub trait WiringAccess {
    /// The wired addresses, if any (`None` too if the cell does not decode: nothing is wired
    /// that this code can read).
    fn suite(&self) -> Option<SuiteAddresses>;
    /// The wired addresses, or `NotWired`, or `Unreadable`.
    fn require(&self) -> Result<SuiteAddresses, WiringError>;
    /// `Wiring::wire` on the stored value, written back only on success.
    fn wire(
        &mut self,
        caller: AccountId,
        own_address: AccountId,
        own_slot: SuiteSlot,
        suite: SuiteAddresses,
    ) -> Result<(), WiringError>;
}

impl<K: StorageKey> WiringAccess for Lazy<Wiring, K> {
    fn suite(&self) -> Option<SuiteAddresses> {
        self.required().ok().and_then(|wiring| wiring.suite())
    }

    fn require(&self) -> Result<SuiteAddresses, WiringError> {
        self.required()?.require()
    }

    fn wire(
        &mut self,
        caller: AccountId,
        own_address: AccountId,
        own_slot: SuiteSlot,
        suite: SuiteAddresses,
    ) -> Result<(), WiringError> {
        let mut wiring = self.required()?;
        wiring.wire(caller, own_address, own_slot, suite)?;
        self.set(&wiring);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(byte: u8) -> AccountId {
        AccountId::from([byte; 32])
    }

    fn suite() -> SuiteAddresses {
        SuiteAddresses {
            token: account(1),
            board: account(2),
            flash_exit_pool: account(3),
            operator_registry: account(4),
            slash_protection: account(5),
            oracle: account(6),
            accounting: AccountId::from([0x17; 32]),
        }
    }

    #[test]
    fn wires_once_then_locks() {
        let mut w = Wiring::new(account(9));
        assert_eq!(w.require(), Err(WiringError::NotWired));
        assert_eq!(w.wire(account(9), account(1), SuiteSlot::Token, suite()), Ok(()));
        assert_eq!(w.suite(), Some(suite()));
        let before = w.clone();
        assert_eq!(
            w.wire(account(9), account(1), SuiteSlot::Token, suite()),
            Err(WiringError::AlreadyWired)
        );
        assert_eq!(w, before);
    }

    #[test]
    fn refusals_change_nothing() {
        let mut w = Wiring::new(account(9));
        let before = w.clone();
        assert_eq!(
            w.wire(account(8), account(1), SuiteSlot::Token, suite()),
            Err(WiringError::NotDeployer)
        );
        assert_eq!(
            w.wire(account(9), account(2), SuiteSlot::Token, suite()),
            Err(WiringError::WrongSelfAddress)
        );
        let repeated = SuiteAddresses {
            slash_protection: account(4),
            ..suite()
        };
        assert_eq!(
            w.wire(account(9), account(3), SuiteSlot::FlashExitPool, repeated),
            Err(WiringError::RepeatedAddress)
        );
        assert_eq!(w, before);
    }

    #[test]
    fn each_slot_is_checked() {
        for (slot, own) in [
            (SuiteSlot::Board, 2),
            (SuiteSlot::FlashExitPool, 3),
            (SuiteSlot::OperatorRegistry, 4),
            (SuiteSlot::SlashProtection, 5),
            (SuiteSlot::Oracle, 6),
        ] {
            let mut w = Wiring::new(account(9));
            assert_eq!(
                w.wire(account(9), account(1), slot, suite()),
                Err(WiringError::WrongSelfAddress)
            );
            assert_eq!(w.wire(account(9), account(own), slot, suite()), Ok(()));
        }
    }
}
