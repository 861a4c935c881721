//! The PSP22 interface, written in the project (the `psp22` crate cannot enter the workspace:
//! docs/TOOLCHAIN.md). Trait and message names are the standard's, so ink! derives the standard's
//! selectors (`PSP22::transfer` is 0xdb20f9f5, and so on), and `PSP22Error` encodes as the
//! standard's enum, variant for variant.
use ink::prelude::{string::String, vec::Vec};
use ink::primitives::AccountId;

/// The standard's error enum, in the standard's order.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum PSP22Error {
    /// A refusal specific to this token; the strings are fixed (see `refusal`).
    Custom(String),
    InsufficientBalance,
    InsufficientAllowance,
    ZeroRecipientAddress,
    ZeroSenderAddress,
    SafeTransferCheckFailed(String),
}

/// The fixed `PSP22Error::Custom` strings of icsETH's own refusals.
pub mod refusal {
    /// The receiver is not a whitelisted institution.
    pub const RECEIVER_NOT_WHITELISTED: &str = "ReceiverNotWhitelisted";
    /// Transfers are paused by the guardian or the governor.
    pub const PAUSED: &str = "Paused";
    /// The receiver is the token itself: its balance is the withdrawal queue's locked shares,
    /// which only `request_withdrawal` may add to (shares sent there could never move again).
    pub const RECEIVER_IS_THE_QUEUE: &str = "ReceiverIsTheQueue";
    /// The receiver is a contract of the suite (board, flash-exit pool, registry, protection
    /// pool): shares sent there could never move again. Only the protection pool receives, by
    /// pulling a donation into itself with `transfer_from`.
    pub const RECEIVER_IS_SUITE_CONTRACT: &str = "ReceiverIsSuiteContract";
    /// A cell the transfer's checks need does not decode (written by another version of the
    /// code): the transfer refuses rather than guess.
    pub const STORAGE_UNREADABLE: &str = "StorageUnreadable";
    /// The account whose shares would move (the sender, `transfer_from`'s owner, the approver) is
    /// frozen by compliance.
    pub const SENDER_FROZEN: &str = "SenderFrozen";
    /// The receiver is frozen by compliance.
    pub const RECEIVER_FROZEN: &str = "ReceiverFrozen";
    /// The spender of an allowance is frozen by compliance.
    pub const SPENDER_FROZEN: &str = "SpenderFrozen";
    /// The receiver's KYC date has passed: it may send and exit, not receive.
    pub const RECEIVER_KYC_EXPIRED: &str = "ReceiverKycExpired";
}

/// PSP22: balances, allowances and transfers of icsETH shares.
#[ink::trait_definition]
pub trait PSP22 {
    /// Shares in circulation.
    #[ink(message)]
    fn total_supply(&self) -> u128;

    /// Shares held by `owner`.
    #[ink(message)]
    fn balance_of(&self, owner: AccountId) -> u128;

    /// Shares `spender` may still move from `owner`'s balance.
    #[ink(message)]
    fn allowance(&self, owner: AccountId, spender: AccountId) -> u128;

    /// Moves `value` shares from the caller to `to`.
    #[ink(message)]
    fn transfer(&mut self, to: AccountId, value: u128, data: Vec<u8>) -> Result<(), PSP22Error>;

    /// Moves `value` shares from `from` to `to`, spending the caller's allowance.
    #[ink(message)]
    fn transfer_from(
        &mut self,
        from: AccountId,
        to: AccountId,
        value: u128,
        data: Vec<u8>,
    ) -> Result<(), PSP22Error>;

    /// Sets the caller's allowance for `spender` to `value`.
    #[ink(message)]
    fn approve(&mut self, spender: AccountId, value: u128) -> Result<(), PSP22Error>;

    /// Raises the caller's allowance for `spender` by `delta_value`.
    #[ink(message)]
    fn increase_allowance(&mut self, spender: AccountId, delta_value: u128) -> Result<(), PSP22Error>;

    /// Lowers the caller's allowance for `spender` by `delta_value`.
    #[ink(message)]
    fn decrease_allowance(&mut self, spender: AccountId, delta_value: u128) -> Result<(), PSP22Error>;
}

/// PSP22Metadata: name, symbol and decimals.
#[ink::trait_definition]
pub trait PSP22Metadata {
    #[ink(message)]
    fn token_name(&self) -> Option<String>;

    #[ink(message)]
    fn token_symbol(&self) -> Option<String>;

    #[ink(message)]
    fn token_decimals(&self) -> u8;
}
