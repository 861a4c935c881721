//! Events every contract of the suite emits the same way.
use crate::suite::SuiteAddresses;
use ink::primitives::AccountId;

/// The contract was wired to the rest of the suite (once, by its deployer).
#[ink::event]
pub struct Wired {
    #[ink(topic)]
    pub by: AccountId,
    pub suite: SuiteAddresses,
}

/// The governor proposed a successor.
#[ink::event]
pub struct GovernorProposed {
    #[ink(topic)]
    pub governor: AccountId,
    #[ink(topic)]
    pub successor: AccountId,
}

/// The proposed successor accepted the governor role.
#[ink::event]
pub struct GovernorChanged {
    #[ink(topic)]
    pub previous: AccountId,
    #[ink(topic)]
    pub governor: AccountId,
}
