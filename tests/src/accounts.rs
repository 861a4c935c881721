//! Dev accounts as `AccountId`s.
use ink::primitives::AccountId;
use ink_e2e::Keypair;

/// The `AccountId` of a keypair.
pub fn account_of(keypair: &Keypair) -> AccountId {
    AccountId::from(keypair.public_key().0)
}
