//! The addresses of the seven contracts, wired once at deployment and readable from each of them.
use ink::primitives::AccountId;

/// Where each contract of the suite lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct SuiteAddresses {
    /// The ledger: PSP22 shares, standing, supply, pause.
    pub token: AccountId,
    pub board: AccountId,
    pub flash_exit_pool: AccountId,
    pub operator_registry: AccountId,
    pub slash_protection: AccountId,
    /// The oracle's consensus: members, votes, quorum; pushes agreed reports and attestations.
    pub oracle: AccountId,
    /// The accounting: books, deposits, the queue, staking, flash exits, reports; the only minter
    /// and burner of the ledger's shares.
    pub accounting: AccountId,
}

impl SuiteAddresses {
    /// Whether `account` is one of the suite's contracts (they may hold and receive icsETH).
    pub fn contains(&self, account: &AccountId) -> bool {
        self.all().contains(account)
    }

    /// The seven addresses, in the order of the fields.
    pub fn all(&self) -> [AccountId; 7] {
        [
            self.token,
            self.board,
            self.flash_exit_pool,
            self.operator_registry,
            self.slash_protection,
            self.oracle,
            self.accounting,
        ]
    }

    /// Whether the seven addresses are pairwise distinct (a wiring that repeats one is a mistake).
    pub fn all_distinct(&self) -> bool {
        let all = self.all();
        all.iter()
            .enumerate()
            .all(|(i, a)| all.iter().skip(i.saturating_add(1)).all(|b| a != b))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn suite() -> SuiteAddresses {
        SuiteAddresses {
            token: AccountId::from([1; 32]),
            board: AccountId::from([2; 32]),
            flash_exit_pool: AccountId::from([3; 32]),
            operator_registry: AccountId::from([4; 32]),
            slash_protection: AccountId::from([5; 32]),
            oracle: AccountId::from([6; 32]),
            accounting: AccountId::from([7; 32]),
        }
    }

    #[test]
    fn membership_and_distinctness() {
        let s = suite();
        assert!(s.contains(&AccountId::from([3; 32])));
        assert!(!s.contains(&AccountId::from([9; 32])));
        assert!(s.all_distinct());
        let repeated = SuiteAddresses { board: s.token, ..s };
        assert!(!repeated.all_distinct());
        assert!(s.contains(&AccountId::from([6; 32])));
        assert!(!SuiteAddresses { oracle: s.board, ..s }.all_distinct());
        assert!(s.contains(&AccountId::from([7; 32])));
        assert!(!SuiteAddresses {
            accounting: s.token,
            ..s
        }
        .all_distinct());
    }
}
