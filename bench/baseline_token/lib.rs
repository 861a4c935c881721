//! The benchmark's baseline: the smallest honest token transfer (two map reads, two map writes,
//! one event). Every figure of the benchmark report is also given as a ratio to its `transfer`,
//! measured in the same run on the same runtime.
#![cfg_attr(not(feature = "std"), no_std, no_main)]

#[ink::contract]
pub mod baseline_token {
    use ink::storage::Mapping;

    /// Why a transfer failed.
    #[derive(Debug, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    pub enum Error {
        /// The sender holds less than the amount.
        InsufficientBalance,
        /// The receiver's balance would overflow.
        Overflow,
    }

    /// A value moved from one account to another.
    #[ink(event)]
    pub struct Transfer {
        #[ink(topic)]
        from: AccountId,
        #[ink(topic)]
        to: AccountId,
        value: Balance,
    }

    /// Balances by account.
    #[ink(storage)]
    pub struct BaselineToken {
        balances: Mapping<AccountId, Balance>,
    }

    impl BaselineToken {
        /// Mints `supply` to the caller.
        #[ink(constructor)]
        pub fn new(supply: Balance) -> Self {
            let mut balances = Mapping::default();
            balances.insert(Self::env().caller(), &supply);
            Self { balances }
        }

        /// Anyone: the balance of `owner`.
        #[ink(message)]
        pub fn balance_of(&self, owner: AccountId) -> Balance {
            self.balances.get(owner).unwrap_or(0)
        }

        /// Any holder: moves `value` from the caller to `to`.
        #[ink(message)]
        pub fn transfer(&mut self, to: AccountId, value: Balance) -> Result<(), Error> {
            let from = self.env().caller();
            let from_balance = self.balances.get(from).unwrap_or(0);
            let to_balance = self.balances.get(to).unwrap_or(0);
            let new_from = from_balance
                .checked_sub(value)
                .ok_or(Error::InsufficientBalance)?;
            let new_to = to_balance.checked_add(value).ok_or(Error::Overflow)?;
            self.balances.insert(from, &new_from);
            self.balances.insert(to, &new_to);
            self.env().emit_event(Transfer { from, to, value });
            Ok(())
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use ink::env::{test, DefaultEnvironment};

        #[ink::test]
        fn transfer_moves_value_or_fails_without_change() {
            let a = test::default_accounts::<DefaultEnvironment>();
            test::set_caller::<DefaultEnvironment>(a.alice);
            let mut token = BaselineToken::new(100);
            assert_eq!(token.transfer(a.bob, 30), Ok(()));
            assert_eq!((token.balance_of(a.alice), token.balance_of(a.bob)), (70, 30));
            assert_eq!(token.transfer(a.bob, 71), Err(Error::InsufficientBalance));
            assert_eq!((token.balance_of(a.alice), token.balance_of(a.bob)), (70, 30));
            assert_eq!(test::recorded_events().count(), 1);
        }
    }
}
