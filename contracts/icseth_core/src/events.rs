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

/// The governor proposed a successor, who may accept until `expires_at` (ms).
#[ink::event]
pub struct GovernorProposed {
    #[ink(topic)]
    pub governor: AccountId,
    #[ink(topic)]
    pub successor: AccountId,
    pub expires_at: u64,
}

/// The governor withdrew its proposed successor.
#[ink::event]
pub struct GovernorProposalWithdrawn {
    #[ink(topic)]
    pub governor: AccountId,
    #[ink(topic)]
    pub successor: AccountId,
}

/// The governor set the guardian (the board pushes one guardian to every contract).
#[ink::event]
pub struct GuardianChanged {
    #[ink(topic)]
    pub guardian: AccountId,
}

/// The governor set how long a proposed successor has to accept.
#[ink::event]
pub struct AcceptWindowChanged {
    pub window_ms: u64,
}

/// The proposed successor accepted the governor role.
#[ink::event]
pub struct GovernorChanged {
    #[ink(topic)]
    pub previous: AccountId,
    #[ink(topic)]
    pub governor: AccountId,
}
