//! Board rules that need no contract: member bounds and the quorum rule.

/// Most members the board may have (every member-wide loop is bounded by this).
pub const MAX_MEMBERS: u32 = 21;

/// A quorum is valid when it is strictly above half of the members and reachable by them.
pub fn quorum_is_valid(quorum: u32, member_count: u32) -> bool {
    let above_half = u64::from(quorum).saturating_mul(2) > u64::from(member_count);
    above_half && quorum <= member_count
}

/// Whether a board of `member_count` members with `quorum` needs every member's vote while it is
/// large enough not to: from three members on, one lost key would then freeze the whole suite.
pub fn is_unanimity_lock(quorum: u32, member_count: u32) -> bool {
    member_count >= 3 && quorum >= member_count
}

/// The smallest valid quorum for `member_count` members (a simple majority).
pub fn majority(member_count: u32) -> u32 {
    (member_count / 2).saturating_add(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn quorum_rule() {
        assert!(quorum_is_valid(1, 1));
        assert!(!quorum_is_valid(0, 1));
        assert!(!quorum_is_valid(2, 1));
        assert!(!quorum_is_valid(2, 4));
        assert!(quorum_is_valid(3, 4));
        assert!(quorum_is_valid(11, 21));
        assert!(!quorum_is_valid(10, 21));
        assert_eq!(majority(21), 11);
        assert_eq!(majority(4), 3);
    }

    #[test]
    fn unanimity_locks() {
        // one or two members: unanimity is the only valid quorum, and no lock
        assert!(!is_unanimity_lock(1, 1));
        assert!(!is_unanimity_lock(2, 2));
        assert!(is_unanimity_lock(3, 3));
        assert!(!is_unanimity_lock(2, 3));
        assert!(is_unanimity_lock(21, 21));
        assert!(!is_unanimity_lock(20, 21));
    }

    proptest! {
        #[test]
        fn majority_is_the_least_valid_quorum(n in 1u32..=MAX_MEMBERS) {
            prop_assert!(quorum_is_valid(majority(n), n));
            prop_assert!(!quorum_is_valid(majority(n).saturating_sub(1), n));
        }
    }
}
