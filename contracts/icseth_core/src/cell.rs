//! Storage cells a contract cannot work without. ink!'s `Lazy::get` answers `None` both for a cell
//! never written and for one that does not decode (after a change of its type, say), and a
//! default in its place would silently trust the zero account. `Required::required` instead fails
//! with `Unreadable`, which each contract turns into a typed error: the message changes nothing.
use ink::storage::{
    traits::{Storable, StorageKey},
    Lazy,
};

/// A required cell is missing or does not decode as its type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unreadable;

/// Reading a cell that must exist.
pub trait Required<V> {
    /// The cell's value, or `Unreadable`.
    fn required(&self) -> Result<V, Unreadable>;
}

impl<V, KeyType> Required<V> for Lazy<V, KeyType>
where
    V: Storable,
    KeyType: StorageKey,
{
    fn required(&self) -> Result<V, Unreadable> {
        match ink::env::get_contract_storage::<ink::primitives::Key, V>(&KeyType::KEY) {
            Ok(Some(value)) => Ok(value),
            Ok(None) | Err(_) => Err(Unreadable),
        }
    }
}

impl From<Unreadable> for crate::authority::GovernorError {
    fn from(_: Unreadable) -> Self {
        crate::authority::GovernorError::AuthorityUnreadable
    }
}
