//! The benchmark's floor for a ledger: the same PSP22 and PSP22Metadata traits as the icsETH
//! token (the same selectors and errors), with none of its checks (no whitelist, pause, roles or
//! accounting). What any icsETH ledger pays per message on top of this is the price of its rules.
#![cfg_attr(not(feature = "std"), no_std, no_main)]

#[ink::contract]
pub mod bare_psp22 {
    use icseth_abi::psp22::{PSP22Error, PSP22Metadata, PSP22};
    use ink::prelude::{string::String, vec::Vec};
    use ink::storage::Mapping;

    /// Value moved (`from: None` is the mint at construction).
    #[ink(event)]
    pub struct Transfer {
        #[ink(topic)]
        from: Option<AccountId>,
        #[ink(topic)]
        to: Option<AccountId>,
        value: u128,
    }

    /// An allowance was set to `amount`.
    #[ink(event)]
    pub struct Approval {
        #[ink(topic)]
        owner: AccountId,
        #[ink(topic)]
        spender: AccountId,
        amount: u128,
    }

    /// Supply, balances and allowances.
    #[ink(storage)]
    pub struct BarePsp22 {
        supply: u128,
        balances: Mapping<AccountId, u128>,
        allowances: Mapping<(AccountId, AccountId), u128>,
    }

    impl BarePsp22 {
        /// Mints `supply` to the caller.
        #[ink(constructor)]
        pub fn new(supply: u128) -> Self {
            let caller = Self::env().caller();
            let mut balances = Mapping::default();
            balances.insert(caller, &supply);
            Self::env().emit_event(Transfer {
                from: None,
                to: Some(caller),
                value: supply,
            });
            Self {
                supply,
                balances,
                allowances: Mapping::default(),
            }
        }

        fn move_value(&mut self, from: AccountId, to: AccountId, value: u128) -> Result<(), PSP22Error> {
            let from_balance = self.balances.get(from).unwrap_or(0);
            let new_from = from_balance
                .checked_sub(value)
                .ok_or(PSP22Error::InsufficientBalance)?;
            if from != to {
                let new_to = self
                    .balances
                    .get(to)
                    .unwrap_or(0)
                    .checked_add(value)
                    .ok_or(PSP22Error::Custom(String::from("Overflow")))?;
                self.balances.insert(from, &new_from);
                self.balances.insert(to, &new_to);
            }
            self.env().emit_event(Transfer {
                from: Some(from),
                to: Some(to),
                value,
            });
            Ok(())
        }

        fn set_allowance(&mut self, owner: AccountId, spender: AccountId, amount: u128) {
            self.allowances.insert((owner, spender), &amount);
            self.env().emit_event(Approval {
                owner,
                spender,
                amount,
            });
        }
    }

    impl PSP22 for BarePsp22 {
        /// Anyone: the supply.
        #[ink(message)]
        fn total_supply(&self) -> u128 {
            self.supply
        }

        /// Anyone: `owner`'s balance.
        #[ink(message)]
        fn balance_of(&self, owner: AccountId) -> u128 {
            self.balances.get(owner).unwrap_or(0)
        }

        /// Anyone: what `spender` may move from `owner`.
        #[ink(message)]
        fn allowance(&self, owner: AccountId, spender: AccountId) -> u128 {
            self.allowances.get((owner, spender)).unwrap_or(0)
        }

        /// Any holder: moves `value` to `to`.
        #[ink(message)]
        fn transfer(&mut self, to: AccountId, value: u128, _data: Vec<u8>) -> Result<(), PSP22Error> {
            self.move_value(self.env().caller(), to, value)
        }

        /// A spender: moves `value` from `from` to `to` within its allowance.
        #[ink(message)]
        fn transfer_from(
            &mut self,
            from: AccountId,
            to: AccountId,
            value: u128,
            _data: Vec<u8>,
        ) -> Result<(), PSP22Error> {
            let spender = self.env().caller();
            let left = self
                .allowances
                .get((from, spender))
                .unwrap_or(0)
                .checked_sub(value)
                .ok_or(PSP22Error::InsufficientAllowance)?;
            self.move_value(from, to, value)?;
            self.set_allowance(from, spender, left);
            Ok(())
        }

        /// Any holder: sets `spender`'s allowance to `value`.
        #[ink(message)]
        fn approve(&mut self, spender: AccountId, value: u128) -> Result<(), PSP22Error> {
            self.set_allowance(self.env().caller(), spender, value);
            Ok(())
        }

        /// Any holder: raises `spender`'s allowance.
        #[ink(message)]
        fn increase_allowance(&mut self, spender: AccountId, delta_value: u128) -> Result<(), PSP22Error> {
            let owner = self.env().caller();
            let raised = self.allowance(owner, spender).saturating_add(delta_value);
            self.set_allowance(owner, spender, raised);
            Ok(())
        }

        /// Any holder: lowers `spender`'s allowance.
        #[ink(message)]
        fn decrease_allowance(&mut self, spender: AccountId, delta_value: u128) -> Result<(), PSP22Error> {
            let owner = self.env().caller();
            let lowered = self
                .allowance(owner, spender)
                .checked_sub(delta_value)
                .ok_or(PSP22Error::InsufficientAllowance)?;
            self.set_allowance(owner, spender, lowered);
            Ok(())
        }
    }

    impl PSP22Metadata for BarePsp22 {
        /// Anyone: no name.
        #[ink(message)]
        fn token_name(&self) -> Option<String> {
            None
        }

        /// Anyone: no symbol.
        #[ink(message)]
        fn token_symbol(&self) -> Option<String> {
            None
        }

        /// Anyone: 18.
        #[ink(message)]
        fn token_decimals(&self) -> u8 {
            18
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use ink::env::{test, DefaultEnvironment};

        #[ink::test]
        fn transfers_and_allowances_move_value_or_fail_without_change() {
            let a = test::default_accounts::<DefaultEnvironment>();
            test::set_caller::<DefaultEnvironment>(a.alice);
            let mut token = BarePsp22::new(100);
            assert_eq!(token.transfer(a.bob, 30, Vec::new()), Ok(()));
            assert_eq!((token.balance_of(a.alice), token.balance_of(a.bob)), (70, 30));
            assert_eq!(
                token.transfer(a.bob, 71, Vec::new()),
                Err(PSP22Error::InsufficientBalance)
            );
            assert_eq!(token.approve(a.charlie, 10), Ok(()));
            test::set_caller::<DefaultEnvironment>(a.charlie);
            assert_eq!(
                token.transfer_from(a.alice, a.bob, 11, Vec::new()),
                Err(PSP22Error::InsufficientAllowance)
            );
            assert_eq!(token.transfer_from(a.alice, a.bob, 10, Vec::new()), Ok(()));
            assert_eq!((token.balance_of(a.alice), token.balance_of(a.bob)), (60, 40));
            assert_eq!(token.allowance(a.alice, a.charlie), 0);
            assert_eq!(token.total_supply(), 100);
        }
    }
}
