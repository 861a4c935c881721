//! The ledger's surface for the accounting (`LedgerOps`): the one gated message through which
//! shares are minted, locked and burned and standing and the pause are set, and the ledger's
//! errors. Holders and wallets use the ledger through PSP22 (`crate::psp22`).
use icseth_core::wiring::WiringError;
use ink::primitives::AccountId;

/// Every way a message of the ledger can fail (PSP22 messages answer `PSP22Error`). Append-only:
/// the accounting decodes it by position (its `Error::Ledger`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum LedgerError {
    /// The one-time wiring was refused.
    Wiring(WiringError),
    /// Only the accounting contract may mint, lock, burn, set standing or pause.
    NotAccounting,
    /// Paused: no deposit's mint, lock or exit burn (a report's settlement goes on).
    Paused,
    /// `SetPaused(true)` while paused.
    AlreadyPaused,
    /// `SetPaused(false)` while not paused.
    NotPaused,
    /// A deposit's shares may only go to a whitelisted institution.
    NotWhitelisted,
    /// The institution is whitelisted already.
    AlreadyWhitelisted,
    /// The account is not a whitelisted institution (nothing to remove).
    UnknownInstitution,
    /// A suite contract, the queue or the zero account cannot hold standing or receive fee shares
    /// (shares there could never move again).
    SuiteContract,
    /// The holder (the queue, the protection pool) holds fewer shares than asked for.
    InsufficientShares,
    /// Zero shares where an amount is needed.
    ZeroAmount,
    /// The supply overflowed (cannot happen with real balances).
    Overflow,
    /// A cell this message needs does not decode as this code's type.
    StorageUnreadable,
    /// The account is frozen: no deposit's mint to it, no lock or exit burn of its shares.
    Frozen,
    /// The institution's KYC date has passed: no deposit's mint to it.
    KycExpired,
}

impl From<WiringError> for LedgerError {
    fn from(e: WiringError) -> Self {
        LedgerError::Wiring(e)
    }
}

impl From<icseth_core::cell::Unreadable> for LedgerError {
    fn from(_: icseth_core::cell::Unreadable) -> Self {
        LedgerError::StorageUnreadable
    }
}

/// What an applied report (or the continuation of its finalization) mints and burns, settled in
/// one call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub struct Settlement {
    /// The protocol fee's shares, minted to `treasury`.
    pub treasury: AccountId,
    pub protocol_fee_shares: u128,
    /// The protection fee's shares, minted to the wired slash-protection pool.
    pub protection_fee_shares: u128,
    /// The protection pool's shares burned to cover a loss.
    pub cover_burned: u128,
    /// Finalized tickets' shares burned from the queue.
    pub queue_burned: u128,
}

impl Settlement {
    /// Nothing minted or burned yet; fee shares would go to `treasury`.
    pub fn empty(treasury: AccountId) -> Self {
        Self {
            treasury,
            protocol_fee_shares: 0,
            protection_fee_shares: 0,
            cover_burned: 0,
            queue_burned: 0,
        }
    }

    /// Whether it mints or burns nothing.
    pub fn is_empty(&self) -> bool {
        self.protocol_fee_shares == 0
            && self.protection_fee_shares == 0
            && self.cover_burned == 0
            && self.queue_burned == 0
    }
}

/// One change the accounting makes to the ledger; each is limited to its use.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum LedgerOp {
    /// A deposit's shares, minted to a whitelisted institution; refused while paused.
    MintDeposit { to: AccountId, shares: u128 },
    /// A withdrawal request: the holder's shares move into the queue (the ledger's own balance),
    /// where they stay in the supply; refused while paused.
    Lock { holder: AccountId, shares: u128 },
    /// A flash exit: the holder's shares burned; refused while paused.
    BurnExit { holder: AccountId, shares: u128 },
    /// A report's mints and burns (fees, cover, finalized tickets); goes on during a pause.
    Settle(Settlement),
    /// The board whitelisted (`true`, with its KYC date) or removed (`false`) an institution.
    SetStanding {
        account: AccountId,
        whitelisted: bool,
        kyc_valid_until: u64,
    },
    /// A whitelisted institution's KYC date renewed.
    RenewKyc { account: AccountId, valid_until: u64 },
    /// A freeze began, was confirmed (`u64::MAX`) or lifted (0): the account is frozen while
    /// block time is before `frozen_until`.
    SetFrozenUntil { account: AccountId, frozen_until: u64 },
    /// The guardian or the board paused (`true`) or the board unpaused (`false`).
    SetPaused(bool),
}

/// What the accounting asks of the ledger.
#[ink::trait_definition]
pub trait LedgerOps {
    /// The wired accounting contract only: applies `op` and answers the supply after it.
    #[ink(message)]
    fn apply(&mut self, op: LedgerOp) -> Result<u128, LedgerError>;

    /// Anyone: whether the ledger is paused (the accounting sends no stake out while it is).
    #[ink(message)]
    fn paused(&self) -> bool;
}
