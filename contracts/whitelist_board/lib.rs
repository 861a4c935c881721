//! The whitelist board: institutional members who govern the whole suite by proposals and votes.
//!
//! This is the foundation's skeleton (members, quorum, wiring); proposals, votes and execution come
//! with the board issue. The board is its own governor: its membership changes only by its votes.
#![cfg_attr(not(feature = "std"), no_std, no_main)]

#[ink::contract]
pub mod whitelist_board {
    use icseth_core::{
        board::{quorum_is_valid, MAX_MEMBERS},
        events::Wired,
        SuiteAddresses, SuiteSlot, Wiring, WiringError,
    };
    use ink::{prelude::vec::Vec, storage::Mapping};

    /// Every way a message of this contract can fail.
    #[derive(Debug, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    pub enum Error {
        /// The one-time wiring was refused.
        Wiring(WiringError),
        /// The member list is empty or longer than `MAX_MEMBERS`.
        MemberCountOutOfRange,
        /// An account appears twice in the member list.
        DuplicateMember,
        /// The protocol's own account must always be a member.
        ProtocolNotMember,
        /// The quorum must be strictly above half of the members and at most their number.
        InvalidQuorum,
    }

    impl From<WiringError> for Error {
        fn from(e: WiringError) -> Self {
            Error::Wiring(e)
        }
    }

    /// Storage of the contract.
    #[ink(storage)]
    pub struct WhitelistBoard {
        wiring: Wiring,
        /// The protocol's own member account.
        protocol: AccountId,
        /// Membership by account (O(1) checks).
        is_member: Mapping<AccountId, ()>,
        /// Members in order of admission; bounded by `MAX_MEMBERS`.
        members: Vec<AccountId>,
        /// Votes a proposal needs to pass.
        quorum: u32,
    }

    impl WhitelistBoard {
        /// Instantiates the board with its first `members` (which must include `protocol`) and a
        /// `quorum` strictly above half of them. The caller becomes the deployer that wires it once.
        #[ink(constructor)]
        pub fn new(protocol: AccountId, members: Vec<AccountId>, quorum: u32) -> Result<Self, Error> {
            let count = u32::try_from(members.len()).map_err(|_| Error::MemberCountOutOfRange)?;
            if count == 0 || count > MAX_MEMBERS {
                return Err(Error::MemberCountOutOfRange);
            }
            if !members.contains(&protocol) {
                return Err(Error::ProtocolNotMember);
            }
            if !quorum_is_valid(quorum, count) {
                return Err(Error::InvalidQuorum);
            }
            // Checked before the first write: at most 21 members, so the pairwise scan is bounded.
            let repeated = members
                .iter()
                .enumerate()
                .any(|(i, m)| members.iter().skip(i.saturating_add(1)).any(|n| n == m));
            if repeated {
                return Err(Error::DuplicateMember);
            }
            let mut is_member = Mapping::default();
            for member in &members {
                is_member.insert(member, &());
            }
            Ok(Self {
                wiring: Wiring::new(Self::env().caller()),
                protocol,
                is_member,
                members,
                quorum,
            })
        }

        /// Deployer only, once: records the suite's addresses and locks them. Emits `Wired`.
        #[ink(message)]
        pub fn wire(&mut self, suite: SuiteAddresses) -> Result<(), Error> {
            let caller = self.env().caller();
            let own = self.env().account_id();
            self.wiring.wire(caller, own, SuiteSlot::Board, suite)?;
            self.env().emit_event(Wired { by: caller, suite });
            Ok(())
        }

        /// Anyone: the suite's addresses, once wired.
        #[ink(message)]
        pub fn suite(&self) -> Option<SuiteAddresses> {
            self.wiring.suite()
        }

        /// Anyone: the protocol's own member account.
        #[ink(message)]
        pub fn protocol(&self) -> AccountId {
            self.protocol
        }

        /// Anyone: the members, in order of admission (at most `MAX_MEMBERS`).
        #[ink(message)]
        pub fn members(&self) -> Vec<AccountId> {
            self.members.clone()
        }

        /// Anyone: whether `account` is a member.
        #[ink(message)]
        pub fn is_member(&self, account: AccountId) -> bool {
            self.is_member.contains(account)
        }

        /// Anyone: votes a proposal needs to pass.
        #[ink(message)]
        pub fn quorum(&self) -> u32 {
            self.quorum
        }
    }

    #[cfg(test)]
    #[allow(clippy::cast_possible_truncation)]
    mod tests {
        use super::*;
        use ink::env::{test, DefaultEnvironment};

        fn accounts() -> test::DefaultAccounts<DefaultEnvironment> {
            test::default_accounts::<DefaultEnvironment>()
        }

        fn suite_with(own: AccountId) -> SuiteAddresses {
            SuiteAddresses {
                token: AccountId::from([0x11; 32]),
                board: own,
                flash_exit_pool: AccountId::from([0x13; 32]),
                operator_registry: AccountId::from([0x14; 32]),
                slash_protection: AccountId::from([0x15; 32]),
            }
        }

        #[ink::test]
        fn constructor_checks_members_and_quorum() {
            let a = accounts();
            let board = WhitelistBoard::new(a.alice, vec![a.alice, a.bob, a.charlie], 2).unwrap();
            assert_eq!(board.members(), vec![a.alice, a.bob, a.charlie]);
            assert_eq!(board.quorum(), 2);
            assert_eq!(board.protocol(), a.alice);
            assert!(board.is_member(a.bob));
            assert!(!board.is_member(a.django));
            assert_eq!(board.suite(), None);

            assert_eq!(
                WhitelistBoard::new(a.alice, vec![], 1).err(),
                Some(Error::MemberCountOutOfRange)
            );
            let too_many: Vec<AccountId> = (0..=MAX_MEMBERS)
                .map(|i| AccountId::from([i as u8; 32]))
                .collect();
            assert_eq!(
                WhitelistBoard::new(too_many[0], too_many.clone(), 12).err(),
                Some(Error::MemberCountOutOfRange)
            );
            assert_eq!(
                WhitelistBoard::new(a.alice, vec![a.bob], 1).err(),
                Some(Error::ProtocolNotMember)
            );
            assert_eq!(
                WhitelistBoard::new(a.alice, vec![a.alice, a.bob], 1).err(),
                Some(Error::InvalidQuorum)
            );
            assert_eq!(
                WhitelistBoard::new(a.alice, vec![a.alice, a.bob], 3).err(),
                Some(Error::InvalidQuorum)
            );
            assert_eq!(
                WhitelistBoard::new(a.alice, vec![a.alice, a.bob], 0).err(),
                Some(Error::InvalidQuorum)
            );
            assert_eq!(
                WhitelistBoard::new(a.alice, vec![a.alice, a.bob, a.alice], 2).err(),
                Some(Error::DuplicateMember)
            );
            let full: Vec<AccountId> = (0..MAX_MEMBERS).map(|i| AccountId::from([i as u8; 32])).collect();
            assert!(WhitelistBoard::new(full[0], full, 11).is_ok());
        }

        #[ink::test]
        fn wire_once_by_the_deployer() {
            let a = accounts();
            test::set_caller::<DefaultEnvironment>(a.alice);
            let mut board = WhitelistBoard::new(a.alice, vec![a.alice], 1).unwrap();
            let own = ink::env::account_id::<DefaultEnvironment>();
            test::set_caller::<DefaultEnvironment>(a.bob);
            assert_eq!(
                board.wire(suite_with(own)),
                Err(Error::Wiring(WiringError::NotDeployer))
            );
            assert_eq!(board.suite(), None);
            test::set_caller::<DefaultEnvironment>(a.alice);
            assert_eq!(board.wire(suite_with(own)), Ok(()));
            assert_eq!(board.suite(), Some(suite_with(own)));
            assert_eq!(
                board.wire(suite_with(own)),
                Err(Error::Wiring(WiringError::AlreadyWired))
            );
            assert_eq!(test::recorded_events().count(), 1);
        }
    }
}
