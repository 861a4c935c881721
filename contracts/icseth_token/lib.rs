//! icsETH's ledger: the shares (PSP22, 18 decimals), each account's standing beside its balance,
//! the supply and the pause.
//!
//! Holders and wallets use this contract for PSP22: a transfer reads the sender's and the
//! receiver's entries (balance and standing together) and the pause, nothing more. The rules of
//! the pooled assets live in the accounting contract (`icseth_accounting`), the only account that
//! may change anything here beyond PSP22, through one gated message (`LedgerOps::apply`), each
//! operation limited to its use: a deposit's mint goes to a whitelisted institution, a lock moves
//! a holder's shares into the queue (this contract's own balance), burns come only from an
//! exiting holder, the queue or the slash-protection pool, fee shares go to the treasury the
//! accounting names and to the wired protection pool.
//!
//! Roles: the accounting (from the wiring) mints, locks, burns, sets standing and the pause (the
//! board's and the guardian's decisions reach it through the accounting); the deployer wires once.
#![cfg_attr(not(feature = "std"), no_std, no_main)]

/// The PSP22 interface the ledger implements (defined with the suite's other interfaces).
pub use icseth_abi::psp22;

#[ink::contract]
pub mod icseth_token {
    use crate::psp22::{refusal, PSP22Error, PSP22Metadata, PSP22};
    use icseth_abi::ledger::{LedgerOp, LedgerOps, Settlement};
    use icseth_core::{events::Wired, SuiteAddresses, SuiteSlot, WiringAccess, WiringCell};
    use ink::prelude::{string::String, vec::Vec};
    use ink::storage::{traits::ManualKey, Mapping};

    /// Every way a gated message of the ledger can fail.
    pub use icseth_abi::ledger::LedgerError as Error;

    /// An account's shares and standing, in one storage entry so a transfer reads each side once.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub struct Account {
        pub balance: Balance,
        /// A whitelisted institution may receive shares and deposit while its KYC is valid; a
        /// removed one keeps its shares and may still send and exit.
        pub whitelisted: bool,
        /// Block time its KYC expires (it may still send and exit after it).
        pub kyc_valid_until: Timestamp,
        /// Block time a compliance freeze stops holding (0: never frozen or lifted;
        /// `u64::MAX`: until lifted). Frozen, it neither sends, receives nor approves.
        pub frozen_until: Timestamp,
    }

    impl Account {
        fn frozen(&self, now: Timestamp) -> bool {
            icseth_core::compliance::frozen_at(self.frozen_until, now)
        }

        fn kyc_valid(&self, now: Timestamp) -> bool {
            icseth_core::compliance::kyc_valid(self.kyc_valid_until, now)
        }
    }

    /// PSP22: shares moved (`from: None` is a mint, `to: None` a burn).
    #[ink(event)]
    pub struct Transfer {
        #[ink(topic)]
        pub from: Option<AccountId>,
        #[ink(topic)]
        pub to: Option<AccountId>,
        pub value: u128,
    }

    /// PSP22: an allowance was set.
    #[ink(event)]
    pub struct Approval {
        #[ink(topic)]
        pub owner: AccountId,
        #[ink(topic)]
        pub spender: AccountId,
        pub amount: u128,
    }

    /// The board's decision on an institution, a KYC renewal or a compliance freeze reached the
    /// ledger: the account's standing after it.
    #[ink(event)]
    pub struct StandingChanged {
        #[ink(topic)]
        pub account: AccountId,
        pub whitelisted: bool,
        pub kyc_valid_until: Timestamp,
        pub frozen_until: Timestamp,
    }

    /// Transfers, deposits' mints, locks and exit burns were paused or resumed.
    #[ink(event)]
    pub struct PauseChanged {
        pub paused: bool,
    }

    /// The storage key of every cell behind the root (fixed, so new code finds each cell where
    /// this one wrote it; the wiring cell is at the suite's `WIRING_KEY`).
    pub mod keys {
        pub const ACCOUNTS: u32 = 0x0101;
        pub const ALLOWANCES: u32 = 0x0102;
    }

    /// Storage of the ledger. The root holds the pause flag and the supply (values whose encoding
    /// never changes); balances with standing and allowances sit in maps at fixed keys.
    #[ink(storage)]
    pub struct IcsethToken {
        paused: bool,
        supply: Balance,
        wiring: WiringCell,
        accounts: Mapping<AccountId, Account, ManualKey<{ keys::ACCOUNTS }>>,
        allowances: Mapping<(AccountId, AccountId), Balance, ManualKey<{ keys::ALLOWANCES }>>,
    }

    impl Default for IcsethToken {
        fn default() -> Self {
            Self::new()
        }
    }

    impl IcsethToken {
        /// Instantiates the ledger; the caller becomes the deployer that wires it once.
        #[ink(constructor)]
        pub fn new() -> Self {
            Self {
                paused: false,
                supply: 0,
                wiring: icseth_core::wiring::new_cell(Self::env().caller()),
                accounts: Mapping::default(),
                allowances: Mapping::default(),
            }
        }

        /// Deployer only, once: records the suite's addresses and locks them. Emits `Wired`.
        #[ink(message)]
        pub fn wire(&mut self, suite: SuiteAddresses) -> Result<(), Error> {
            let caller = self.env().caller();
            let own = self.env().account_id();
            self.wiring.wire(caller, own, SuiteSlot::Token, suite)?;
            self.env().emit_event(Wired { by: caller, suite });
            Ok(())
        }

        /// Anyone: the suite's addresses, once wired.
        #[ink(message)]
        pub fn suite(&self) -> Option<SuiteAddresses> {
            self.wiring.suite()
        }

        /// Anyone: whether transfers, deposits' mints, locks and exit burns are paused.
        #[ink(message)]
        pub fn is_paused(&self) -> bool {
            self.paused
        }

        /// Anyone: whether `account` may receive shares now: a whitelisted institution whose KYC
        /// is valid and which is not frozen.
        #[ink(message)]
        pub fn is_whitelisted(&self, account: AccountId) -> bool {
            let entry = self.account(account);
            let now = self.env().block_timestamp();
            entry.whitelisted && entry.kyc_valid(now) && !entry.frozen(now)
        }

        /// Anyone: `account`'s entry (shares, whitelist, KYC date, freeze).
        #[ink(message)]
        pub fn standing(&self, account: AccountId) -> Account {
            self.account(account)
        }

        fn account(&self, account: AccountId) -> Account {
            self.accounts.get(account).unwrap_or_default()
        }

        /// Whether shares or standing given to `account` could never move again: the queue,
        /// another suite contract, the zero account.
        fn is_stuck(&self, suite: &SuiteAddresses, account: AccountId) -> bool {
            account == self.env().account_id()
                || suite.contains(&account)
                || account == AccountId::from([0; 32])
        }

        fn credit(&mut self, to: AccountId, shares: Balance) -> Result<(), Error> {
            if shares == 0 {
                return Ok(());
            }
            let mut entry = self.account(to);
            entry.balance = entry.balance.checked_add(shares).ok_or(Error::Overflow)?;
            self.supply = self.supply.checked_add(shares).ok_or(Error::Overflow)?;
            self.accounts.insert(to, &entry);
            self.env().emit_event(Transfer {
                from: None,
                to: Some(to),
                value: shares,
            });
            Ok(())
        }

        fn burn(&mut self, from: AccountId, shares: Balance) -> Result<(), Error> {
            if shares == 0 {
                return Ok(());
            }
            let mut entry = self.account(from);
            entry.balance = entry
                .balance
                .checked_sub(shares)
                .ok_or(Error::InsufficientShares)?;
            self.supply = self.supply.checked_sub(shares).ok_or(Error::Overflow)?;
            self.accounts.insert(from, &entry);
            self.env().emit_event(Transfer {
                from: Some(from),
                to: None,
                value: shares,
            });
            Ok(())
        }

        /// A report's mints and burns: every check first (fee shares only where they can move
        /// again, burns within what the pool and the queue hold, the supply within range), then
        /// the writes and one `Transfer` per mint and burn.
        fn settle(&mut self, suite: &SuiteAddresses, s: Settlement) -> Result<(), Error> {
            if s.protocol_fee_shares > 0 && self.is_stuck(suite, s.treasury) {
                return Err(Error::SuiteContract);
            }
            let queue = self.env().account_id();
            let mut treasury = self.account(s.treasury);
            treasury.balance = treasury
                .balance
                .checked_add(s.protocol_fee_shares)
                .ok_or(Error::Overflow)?;
            let mut pool = self.account(suite.slash_protection);
            pool.balance = pool
                .balance
                .checked_add(s.protection_fee_shares)
                .ok_or(Error::Overflow)?
                .checked_sub(s.cover_burned)
                .ok_or(Error::InsufficientShares)?;
            let mut locked = self.account(queue);
            locked.balance = locked
                .balance
                .checked_sub(s.queue_burned)
                .ok_or(Error::InsufficientShares)?;
            let supply = self
                .supply
                .checked_add(s.protocol_fee_shares)
                .and_then(|v| v.checked_add(s.protection_fee_shares))
                .and_then(|v| v.checked_sub(s.cover_burned))
                .and_then(|v| v.checked_sub(s.queue_burned))
                .ok_or(Error::Overflow)?;
            self.supply = supply;
            for (account, entry, minted, burned) in [
                (s.treasury, treasury, s.protocol_fee_shares, 0),
                (
                    suite.slash_protection,
                    pool,
                    s.protection_fee_shares,
                    s.cover_burned,
                ),
                (queue, locked, 0, s.queue_burned),
            ] {
                if minted == 0 && burned == 0 {
                    continue;
                }
                self.accounts.insert(account, &entry);
                if minted > 0 {
                    self.env().emit_event(Transfer {
                        from: None,
                        to: Some(account),
                        value: minted,
                    });
                }
                if burned > 0 {
                    self.env().emit_event(Transfer {
                        from: Some(account),
                        to: None,
                        value: burned,
                    });
                }
            }
            Ok(())
        }

        /// Refuses any transfer while paused, a frozen receiver, and a receiver that is not a
        /// whitelisted institution with valid KYC. Suite contracts never receive by transfer
        /// (their shares could never move again), with one exception: the slash-protection pool
        /// pulls donations into itself with `transfer_from` (`spender` is the pool). The queue
        /// (the ledger itself) only fills by a withdrawal request's lock.
        fn check_receiver(
            &self,
            spender: AccountId,
            to: AccountId,
            receiver: &Account,
            now: Timestamp,
        ) -> Result<(), PSP22Error> {
            if self.paused {
                return Err(PSP22Error::Custom(String::from(refusal::PAUSED)));
            }
            // Standing sits in the receiver's entry, read anyway for its balance.
            if receiver.frozen(now) {
                return Err(PSP22Error::Custom(String::from(refusal::RECEIVER_FROZEN)));
            }
            if receiver.whitelisted {
                if receiver.kyc_valid(now) {
                    return Ok(());
                }
                return Err(PSP22Error::Custom(String::from(refusal::RECEIVER_KYC_EXPIRED)));
            }
            if to == self.env().account_id() {
                return Err(PSP22Error::Custom(String::from(refusal::RECEIVER_IS_THE_QUEUE)));
            }
            match self.wiring.require() {
                Ok(suite) if to == suite.slash_protection && spender == suite.slash_protection => Ok(()),
                Ok(suite) if suite.contains(&to) => Err(PSP22Error::Custom(String::from(
                    refusal::RECEIVER_IS_SUITE_CONTRACT,
                ))),
                Err(icseth_core::WiringError::Unreadable) => {
                    Err(PSP22Error::Custom(String::from(refusal::STORAGE_UNREADABLE)))
                }
                _ => Err(PSP22Error::Custom(String::from(
                    refusal::RECEIVER_NOT_WHITELISTED,
                ))),
            }
        }

        /// The receiver's entry, if it may receive from `spender` now; writes nothing.
        fn receiver(&self, spender: AccountId, to: AccountId, now: Timestamp) -> Result<Account, PSP22Error> {
            let receiver = self.account(to);
            self.check_receiver(spender, to, &receiver, now)?;
            Ok(receiver)
        }

        /// Both entries after moving `value` from `from` (refused if frozen) to the checked
        /// `receiver`; writes nothing.
        fn moved(
            &self,
            from: AccountId,
            mut receiver: Account,
            value: u128,
            now: Timestamp,
        ) -> Result<(Account, Account), PSP22Error> {
            let mut sender = self.account(from);
            if sender.frozen(now) {
                return Err(PSP22Error::Custom(String::from(refusal::SENDER_FROZEN)));
            }
            sender.balance = sender
                .balance
                .checked_sub(value)
                .ok_or(PSP22Error::InsufficientBalance)?;
            // Balances sum to the supply, a u128, so this cannot overflow.
            receiver.balance = receiver.balance.saturating_add(value);
            Ok((sender, receiver))
        }

        fn write_move(&mut self, from: AccountId, to: AccountId, entries: (Account, Account), value: u128) {
            self.accounts.insert(from, &entries.0);
            self.accounts.insert(to, &entries.1);
            self.env().emit_event(Transfer {
                from: Some(from),
                to: Some(to),
                value,
            });
        }

        fn write_standing(&mut self, account: AccountId, entry: Account) {
            self.accounts.insert(account, &entry);
            self.env().emit_event(StandingChanged {
                account,
                whitelisted: entry.whitelisted,
                kyc_valid_until: entry.kyc_valid_until,
                frozen_until: entry.frozen_until,
            });
        }

        /// Refuses an allowance change by a frozen owner (its shares cannot move by allowance
        /// anyway; the refusal says so at once).
        fn ensure_owner_not_frozen(&self, owner: AccountId) -> Result<(), PSP22Error> {
            if self.account(owner).frozen(self.env().block_timestamp()) {
                return Err(PSP22Error::Custom(String::from(refusal::SENDER_FROZEN)));
            }
            Ok(())
        }

        fn set_allowance(&mut self, owner: AccountId, spender: AccountId, amount: u128) {
            if amount == 0 {
                self.allowances.remove((owner, spender));
            } else {
                self.allowances.insert((owner, spender), &amount);
            }
            self.env().emit_event(Approval {
                owner,
                spender,
                amount,
            });
        }
    }

    impl LedgerOps for IcsethToken {
        /// Anyone: whether transfers, deposits' mints, locks and exit burns are paused (as
        /// `is_paused`, for the accounting's typed call).
        #[ink(message)]
        fn paused(&self) -> bool {
            self.paused
        }

        /// The wired accounting contract only: applies one operation, limited to its use (see
        /// `LedgerOp`), and answers the supply after it. Emits `Transfer` for each mint, move and
        /// burn, `StandingChanged`, `PauseChanged`.
        #[ink(message)]
        fn apply(&mut self, op: LedgerOp) -> Result<u128, Error> {
            let suite = self.wiring.require()?;
            if self.env().caller() != suite.accounting {
                return Err(Error::NotAccounting);
            }
            let paused = self.paused;
            match op {
                LedgerOp::MintDeposit { to, shares } => {
                    if paused {
                        return Err(Error::Paused);
                    }
                    let entry = self.account(to);
                    let now = self.env().block_timestamp();
                    if !entry.whitelisted {
                        return Err(Error::NotWhitelisted);
                    }
                    if entry.frozen(now) {
                        return Err(Error::Frozen);
                    }
                    if !entry.kyc_valid(now) {
                        return Err(Error::KycExpired);
                    }
                    if shares == 0 {
                        return Err(Error::ZeroAmount);
                    }
                    self.credit(to, shares)?;
                }
                LedgerOp::Lock { holder, shares } => {
                    if paused {
                        return Err(Error::Paused);
                    }
                    if shares == 0 {
                        return Err(Error::ZeroAmount);
                    }
                    // The queue's and the suite's shares never enter the queue.
                    if self.is_stuck(&suite, holder) {
                        return Err(Error::SuiteContract);
                    }
                    let queue = self.env().account_id();
                    let mut from = self.account(holder);
                    if from.frozen(self.env().block_timestamp()) {
                        return Err(Error::Frozen);
                    }
                    from.balance = from
                        .balance
                        .checked_sub(shares)
                        .ok_or(Error::InsufficientShares)?;
                    let mut locked = self.account(queue);
                    locked.balance = locked.balance.checked_add(shares).ok_or(Error::Overflow)?;
                    self.accounts.insert(holder, &from);
                    self.accounts.insert(queue, &locked);
                    self.env().emit_event(Transfer {
                        from: Some(holder),
                        to: Some(queue),
                        value: shares,
                    });
                }
                LedgerOp::BurnExit { holder, shares } => {
                    if paused {
                        return Err(Error::Paused);
                    }
                    if shares == 0 {
                        return Err(Error::ZeroAmount);
                    }
                    // The queue's and the suite's shares never leave by a flash exit.
                    if self.is_stuck(&suite, holder) {
                        return Err(Error::SuiteContract);
                    }
                    if self.account(holder).frozen(self.env().block_timestamp()) {
                        return Err(Error::Frozen);
                    }
                    self.burn(holder, shares)?;
                }
                LedgerOp::Settle(settlement) => self.settle(&suite, settlement)?,
                LedgerOp::SetStanding {
                    account,
                    whitelisted,
                    kyc_valid_until,
                } => {
                    let mut entry = self.account(account);
                    match (whitelisted, entry.whitelisted) {
                        (true, true) => return Err(Error::AlreadyWhitelisted),
                        (false, false) => return Err(Error::UnknownInstitution),
                        _ => {}
                    }
                    if whitelisted && self.is_stuck(&suite, account) {
                        return Err(Error::SuiteContract);
                    }
                    entry.whitelisted = whitelisted;
                    entry.kyc_valid_until = kyc_valid_until;
                    self.write_standing(account, entry);
                }
                LedgerOp::RenewKyc { account, valid_until } => {
                    let mut entry = self.account(account);
                    if !entry.whitelisted {
                        return Err(Error::UnknownInstitution);
                    }
                    entry.kyc_valid_until = valid_until;
                    self.write_standing(account, entry);
                }
                LedgerOp::SetFrozenUntil {
                    account,
                    frozen_until,
                } => {
                    // Fees and cover move through these accounts: never frozen.
                    if self.is_stuck(&suite, account) {
                        return Err(Error::SuiteContract);
                    }
                    let mut entry = self.account(account);
                    entry.frozen_until = frozen_until;
                    self.write_standing(account, entry);
                }
                LedgerOp::SetPaused(pause) => {
                    match (pause, paused) {
                        (true, true) => return Err(Error::AlreadyPaused),
                        (false, false) => return Err(Error::NotPaused),
                        _ => {}
                    }
                    self.paused = pause;
                    self.env().emit_event(PauseChanged { paused: pause });
                }
            }
            Ok(self.supply)
        }
    }

    impl PSP22 for IcsethToken {
        /// Anyone: shares in circulation (the queue's included).
        #[ink(message)]
        fn total_supply(&self) -> u128 {
            self.supply
        }

        /// Anyone: shares held by `owner`.
        #[ink(message)]
        fn balance_of(&self, owner: AccountId) -> u128 {
            self.account(owner).balance
        }

        /// Anyone: shares `spender` may move from `owner`.
        #[ink(message)]
        fn allowance(&self, owner: AccountId, spender: AccountId) -> u128 {
            self.allowances.get((owner, spender)).unwrap_or(0)
        }

        /// Any holder: moves `value` shares to `to`, which must be a whitelisted institution
        /// (never a suite contract); not while paused. Zero or self transfers succeed and change
        /// nothing. Emits `Transfer`.
        #[ink(message)]
        fn transfer(&mut self, to: AccountId, value: u128, _data: Vec<u8>) -> Result<(), PSP22Error> {
            let from = self.env().caller();
            if from == to || value == 0 {
                return Ok(());
            }
            let now = self.env().block_timestamp();
            let receiver = self.receiver(from, to, now)?;
            let entries = self.moved(from, receiver, value, now)?;
            self.write_move(from, to, entries, value);
            Ok(())
        }

        /// A spender: moves `value` shares from `from` to `to` (a whitelisted institution, or the
        /// slash-protection pool pulling a donation into itself), spending the caller's allowance;
        /// not while paused. Emits `Approval` and `Transfer`.
        #[ink(message)]
        fn transfer_from(
            &mut self,
            from: AccountId,
            to: AccountId,
            value: u128,
            _data: Vec<u8>,
        ) -> Result<(), PSP22Error> {
            let spender = self.env().caller();
            if from == to || value == 0 {
                return Ok(());
            }
            // The receiver, then the spender and the allowance, then the sender; nothing is
            // written before every check passed.
            let now = self.env().block_timestamp();
            let receiver = self.receiver(spender, to, now)?;
            let remaining = if spender == from {
                None
            } else {
                // A frozen spender moves nobody's shares (one more read, only with an allowance).
                if self.account(spender).frozen(now) {
                    return Err(PSP22Error::Custom(String::from(refusal::SPENDER_FROZEN)));
                }
                let allowance = self.allowance(from, spender);
                Some(
                    allowance
                        .checked_sub(value)
                        .ok_or(PSP22Error::InsufficientAllowance)?,
                )
            };
            let entries = self.moved(from, receiver, value, now)?;
            if let Some(remaining) = remaining {
                self.set_allowance(from, spender, remaining);
            }
            self.write_move(from, to, entries, value);
            Ok(())
        }

        /// Any account not frozen: sets its allowance for `spender` to `value`. Emits `Approval`.
        #[ink(message)]
        fn approve(&mut self, spender: AccountId, value: u128) -> Result<(), PSP22Error> {
            let owner = self.env().caller();
            if owner == spender {
                return Ok(());
            }
            self.ensure_owner_not_frozen(owner)?;
            self.set_allowance(owner, spender, value);
            Ok(())
        }

        /// Any account not frozen: raises its allowance for `spender` by `delta_value`
        /// (saturating). Emits `Approval`.
        #[ink(message)]
        fn increase_allowance(&mut self, spender: AccountId, delta_value: u128) -> Result<(), PSP22Error> {
            let owner = self.env().caller();
            if owner == spender || delta_value == 0 {
                return Ok(());
            }
            self.ensure_owner_not_frozen(owner)?;
            let amount = self.allowance(owner, spender).saturating_add(delta_value);
            self.set_allowance(owner, spender, amount);
            Ok(())
        }

        /// Any account (a frozen one too: lowering an allowance only reduces risk): lowers its
        /// allowance for `spender` by `delta_value`; fails with `InsufficientAllowance` if that is
        /// more than the allowance. Emits `Approval`.
        #[ink(message)]
        fn decrease_allowance(&mut self, spender: AccountId, delta_value: u128) -> Result<(), PSP22Error> {
            let owner = self.env().caller();
            if owner == spender || delta_value == 0 {
                return Ok(());
            }
            let amount = self
                .allowance(owner, spender)
                .checked_sub(delta_value)
                .ok_or(PSP22Error::InsufficientAllowance)?;
            self.set_allowance(owner, spender, amount);
            Ok(())
        }
    }

    impl PSP22Metadata for IcsethToken {
        /// Anyone: "icsETH".
        #[ink(message)]
        fn token_name(&self) -> Option<String> {
            Some(String::from("icsETH"))
        }

        /// Anyone: "icsETH".
        #[ink(message)]
        fn token_symbol(&self) -> Option<String> {
            Some(String::from("icsETH"))
        }

        /// Anyone: 18.
        #[ink(message)]
        fn token_decimals(&self) -> u8 {
            18
        }
    }
}

#[cfg(test)]
mod tests;
