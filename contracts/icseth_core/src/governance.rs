//! Decisions the board pushes into the other contracts, defined once and shared by the board (which
//! encodes them) and each target (which decodes and applies them), and the board's own tally rule.
use crate::operators::{PerformancePolicy, RegistrationLimits};
use crate::oracle::{Bounds, Fees};
use ink::prelude::vec::Vec;
use ink::primitives::AccountId;

/// Most oracle members.
pub const MAX_ORACLE_MEMBERS: u32 = 16;

/// Whether `accounts` repeats an account (a pairwise scan: the lists it checks hold at most 21).
pub fn has_duplicates(accounts: &[AccountId]) -> bool {
    accounts
        .iter()
        .enumerate()
        .any(|(i, a)| accounts.iter().skip(i.saturating_add(1)).any(|b| a == b))
}

/// Whether `members` is a valid oracle member list: 1 to `MAX_ORACLE_MEMBERS` distinct accounts.
pub fn valid_oracle_members(members: &[AccountId]) -> bool {
    let count = u32::try_from(members.len()).unwrap_or(u32::MAX);
    (1..=MAX_ORACLE_MEMBERS).contains(&count) && !has_duplicates(members)
}

/// A governed parameter of the token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum TokenParameter {
    /// Smallest deposit of any institution (native units).
    MinDeposit,
    /// Smallest withdrawal request (native units).
    MinWithdrawal,
    /// Flash-exit reserve target, in basis points of pooled assets (at most 20%).
    ReserveTargetBps,
    /// Longest KYC validity the board or the compliance role grants at once (ms, 1 to 730 days).
    KycMaxValidityMs,
    /// Time the board has to confirm the compliance role's freeze (ms, 1 to 60 days).
    FreezeConfirmWindowMs,
    /// Time after a lapsed freeze during which the role may not freeze that account again (ms, at
    /// least the confirm window, at most 730 days).
    RefreezeLockoutMs,
}

/// A role of the token other than its governor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum TokenRole {
    /// May pause (never unpause).
    Guardian,
    /// Moves buffered value to operators.
    StakingManager,
    /// Receives the protocol fee.
    Treasury,
    /// Sends withdrawals and execution-layer rewards to the token.
    Vault,
    /// Freezes accounts at once (the board confirms within a window) and renews the KYC of
    /// institutions the board whitelisted; it may be the guardian.
    Compliance,
}

/// A decision for the token (`icseth_token::govern`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum TokenDecision {
    /// Whitelists an institution whose KYC is valid until `kyc_valid_until` (block time, ms; at
    /// most the maximum validity ahead).
    AddInstitution {
        institution: AccountId,
        min_deposit: Option<u128>,
        kyc_valid_until: u64,
    },
    RemoveInstitution {
        institution: AccountId,
    },
    SetParameter {
        parameter: TokenParameter,
        value: u128,
    },
    SetRole {
        role: TokenRole,
        account: AccountId,
    },
    Pause,
    Unpause,
    /// The next report that applies a loss may apply up to `amount`, above the decrease bound
    /// and its hard cap if needed (liveness after a large loss). Lapses unused after
    /// `valid_for_ms` (at most `MAX_LOSS_ALLOWANCE_MS`); a later decision replaces it.
    AllowLoss {
        amount: u128,
        valid_for_ms: u64,
    },
    /// The report bounds (within their hard caps).
    SetBounds {
        bounds: Bounds,
    },
    /// The fees on gains (together at most 25%).
    SetFees {
        fees: Fees,
    },
    /// Extends (or shortens) a whitelisted institution's KYC date.
    RenewKyc {
        institution: AccountId,
        valid_until: u64,
    },
    /// The board's own freeze: holds until the board lifts it (allowed during a role lockout).
    Freeze {
        account: AccountId,
        reason: [u8; 32],
    },
    /// Confirms the compliance role's freeze before its deadline: it holds until lifted.
    ConfirmFreeze {
        account: AccountId,
    },
    /// Lifts any freeze holding on `account`.
    LiftFreeze {
        account: AccountId,
    },
}

/// A decision for the flash-exit pool (`flash_exit_pool::govern`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum PoolDecision {
    /// The fee curve and the per-exit cap (validated by `FlashPolicy::is_valid`).
    SetPolicy {
        policy: crate::flash::FlashPolicy,
    },
    Pause,
    Unpause,
}

/// A decision for the slash-protection pool (`slash_protection::govern`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum ProtectionDecision {
    /// Largest cover one incident may draw, in basis points of the pool's value (1..=10,000).
    SetPerIncidentCap {
        bps: u128,
    },
    AllowDonor {
        donor: AccountId,
    },
    DisallowDonor {
        donor: AccountId,
    },
}

/// A decision for the operator registry (`operator_registry::govern`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum RegistryDecision {
    /// A pending operator becomes active (may receive stake).
    ApproveOperator { operator: u32 },
    /// An operator is removed for good (exited: no new stake).
    RemoveOperator { operator: u32 },
    /// How many validators an operator may run (at most its keys, at least its funded ones).
    SetLimit { operator: u32, limit: u32 },
    /// The score threshold, the weak-frame counts and the claim tolerance.
    SetPolicy { policy: PerformancePolicy },
    /// The deposit address the operator's admin proposed becomes the one stake is sent to. The
    /// decision names the address, so the admin cannot swap it while the board votes.
    ApproveDepositAddress {
        operator: u32,
        deposit_address: AccountId,
    },
    /// `admin` may register one operator without waiting for a pending slot.
    InviteOperator { admin: AccountId },
    /// The cap and lifetime of pending self-registrations.
    SetRegistrationLimits { limits: RegistrationLimits },
    /// The allocation's kind targets, per-operator cap, operators per kind, liquidity floor,
    /// page and exit deadline.
    SetAllocationPolicy {
        policy: crate::allocation::AllocationPolicy,
    },
}

/// A contract the board governs by cross-contract call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum Target {
    Token,
    FlashExitPool,
    OperatorRegistry,
    SlashProtection,
    Oracle,
}

/// A decision for the oracle (`oracle_consensus::govern`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum OracleDecision {
    /// Who votes on reports and attests operators' frames (1 to 16 distinct accounts). Votes
    /// cast by the previous set for reports and frames not yet agreed no longer count.
    SetMembers { members: Vec<AccountId> },
}

/// What a proposal does when executed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum Action {
    /// Admits a board member (at most `MAX_MEMBERS`) and sets the quorum for the new board:
    /// strictly above half, and below unanimity from three members on.
    AddMember { account: AccountId, quorum: u32 },
    /// Removes a board member (never the protocol) and sets the quorum for the remaining board,
    /// with the same rule: a removal that would leave a board of three or more needing every vote
    /// is refused.
    RemoveMember { account: AccountId, quorum: u32 },
    /// Sets the quorum (strictly above half of the members, at most their number).
    SetQuorum { quorum: u32 },
    /// Sets the board's voting period, execution delay and execution window (ms).
    SetTiming { timing: Timing },
    /// A decision for the token.
    Token(TokenDecision),
    /// A decision for the operator registry.
    OperatorRegistry(RegistryDecision),
    /// A decision for the slash-protection pool.
    SlashProtection(ProtectionDecision),
    /// A decision for the flash-exit pool.
    FlashExitPool(PoolDecision),
    /// A decision for the oracle.
    Oracle(OracleDecision),
    /// Proposes `successor` as governor of `target` (it takes over with its own `accept_governor`).
    ProposeGovernor { target: Target, successor: AccountId },
    /// The board accepts the governor role of `target` that was proposed to it.
    AcceptGovernor { target: Target },
    /// The guardian of every contract: the board sets its own and pushes it to the five others.
    SetGuardian { guardian: AccountId },
    /// Withdraws the governor successor the board proposed for `target`.
    WithdrawGovernorProposal { target: Target },
    /// How long a successor proposed for `target`'s governor role has to accept (one hour to
    /// thirty days).
    SetAcceptWindow { target: Target, window_ms: u64 },
}

/// What a decision changes. A proposal cannot execute once one of its subjects changed at or after
/// its creation (a newer decision on the same parameter, role, member or pause, or the guardian's
/// pause of the token): a stale decision never undoes a newer one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum Subject {
    /// A board member's membership.
    Member(AccountId),
    /// The board's quorum.
    Quorum,
    /// The board's timing.
    Timing,
    /// An institution's whitelist record.
    Institution(AccountId),
    /// A token parameter.
    TokenParameter(TokenParameter),
    /// A token role.
    TokenRole(TokenRole),
    /// Whether a contract is paused.
    Paused(Target),
    /// The oracle members.
    OracleMembers,
    /// The board's allowance for the next loss report.
    LossAllowance,
    /// The report bounds.
    ReportBounds,
    /// The fees on gains.
    Fees,
    /// An operator's status (approved, removed).
    Operator(u32),
    /// An operator's validator limit.
    OperatorLimit(u32),
    /// The deposit address stake is sent to.
    OperatorDepositAddress(u32),
    /// An admin's invitation to register.
    Invitation(AccountId),
    /// The cap and lifetime of pending registrations.
    RegistrationLimits,
    /// The registry's performance policy.
    PerformancePolicy,
    /// The flash-exit fee curve and cap.
    FlashPolicy,
    /// The slash-protection pool's per-incident cap.
    PerIncidentCap,
    /// A donor's permission.
    Donor(AccountId),
    /// The governor role of a contract.
    Governor(Target),
    /// The guardian of every contract.
    Guardian,
    /// How long a proposed governor of a contract has to accept.
    AcceptWindow(Target),
    /// The board took a contract's governor role (back): every proposal pushed into that
    /// contract and created before is stale.
    GovernorTaken(Target),
    /// An institution's KYC date (apart from its whitelisting: a renewal never voids a removal).
    Kyc(AccountId),
    /// An account's freeze.
    Freeze(AccountId),
    /// The registry's allocation policy.
    AllocationPolicy,
}

impl Action {
    /// The subjects this action changes (one, or two for a membership change with its quorum).
    pub fn subjects(&self) -> [Option<Subject>; 2] {
        let one = |s: Subject| [Some(s), None];
        match self {
            Action::AddMember { account, .. } | Action::RemoveMember { account, .. } => {
                [Some(Subject::Member(*account)), Some(Subject::Quorum)]
            }
            Action::SetQuorum { .. } => one(Subject::Quorum),
            Action::SetTiming { .. } => one(Subject::Timing),
            Action::Token(decision) => one(match decision {
                // a whitelisting sets the KYC date too: an older renewal must not undo it
                TokenDecision::AddInstitution { institution, .. } => {
                    return [
                        Some(Subject::Institution(*institution)),
                        Some(Subject::Kyc(*institution)),
                    ]
                }
                TokenDecision::RemoveInstitution { institution } => Subject::Institution(*institution),
                TokenDecision::SetParameter { parameter, .. } => Subject::TokenParameter(*parameter),
                TokenDecision::SetRole {
                    role: TokenRole::Guardian,
                    ..
                } => {
                    return [
                        Some(Subject::TokenRole(TokenRole::Guardian)),
                        Some(Subject::Guardian),
                    ]
                }
                TokenDecision::SetRole { role, .. } => Subject::TokenRole(*role),
                TokenDecision::Pause | TokenDecision::Unpause => Subject::Paused(Target::Token),
                TokenDecision::AllowLoss { .. } => Subject::LossAllowance,
                TokenDecision::SetBounds { .. } => Subject::ReportBounds,
                TokenDecision::SetFees { .. } => Subject::Fees,
                TokenDecision::RenewKyc { institution, .. } => Subject::Kyc(*institution),
                TokenDecision::Freeze { account, .. }
                | TokenDecision::ConfirmFreeze { account }
                | TokenDecision::LiftFreeze { account } => Subject::Freeze(*account),
            }),
            Action::OperatorRegistry(decision) => one(match decision {
                RegistryDecision::ApproveOperator { operator }
                | RegistryDecision::RemoveOperator { operator } => Subject::Operator(*operator),
                RegistryDecision::SetLimit { operator, .. } => Subject::OperatorLimit(*operator),
                RegistryDecision::SetPolicy { .. } => Subject::PerformancePolicy,
                RegistryDecision::ApproveDepositAddress { operator, .. } => {
                    Subject::OperatorDepositAddress(*operator)
                }
                RegistryDecision::InviteOperator { admin } => Subject::Invitation(*admin),
                RegistryDecision::SetRegistrationLimits { .. } => Subject::RegistrationLimits,
                RegistryDecision::SetAllocationPolicy { .. } => Subject::AllocationPolicy,
            }),
            Action::SlashProtection(decision) => one(match decision {
                ProtectionDecision::SetPerIncidentCap { .. } => Subject::PerIncidentCap,
                ProtectionDecision::AllowDonor { donor } | ProtectionDecision::DisallowDonor { donor } => {
                    Subject::Donor(*donor)
                }
            }),
            Action::FlashExitPool(decision) => one(match decision {
                PoolDecision::SetPolicy { .. } => Subject::FlashPolicy,
                PoolDecision::Pause | PoolDecision::Unpause => Subject::Paused(Target::FlashExitPool),
            }),
            Action::Oracle(OracleDecision::SetMembers { .. }) => one(Subject::OracleMembers),
            Action::ProposeGovernor { target, .. } | Action::WithdrawGovernorProposal { target } => {
                one(Subject::Governor(*target))
            }
            Action::AcceptGovernor { target } => [
                Some(Subject::Governor(*target)),
                Some(Subject::GovernorTaken(*target)),
            ],
            // the token's guardian is every contract's: the two decisions supersede each other
            Action::SetGuardian { .. } => [
                Some(Subject::Guardian),
                Some(Subject::TokenRole(TokenRole::Guardian)),
            ],
            Action::SetAcceptWindow { target, .. } => one(Subject::AcceptWindow(*target)),
        }
    }

    /// The contracts this action is pushed into (none: the board's own decisions). A proposal is
    /// stale once the board took one of them (back) after its creation (`GovernorTaken`): a board
    /// that hands a contract away and takes it back does not execute what it decided for it
    /// before. Proposing or withdrawing a successor does not count: the board still governs then.
    pub fn targets(&self) -> &'static [Target] {
        const ALL: [Target; 5] = [
            Target::Token,
            Target::FlashExitPool,
            Target::OperatorRegistry,
            Target::SlashProtection,
            Target::Oracle,
        ];
        const fn one(target: Target) -> &'static [Target] {
            match target {
                Target::Token => &[Target::Token],
                Target::FlashExitPool => &[Target::FlashExitPool],
                Target::OperatorRegistry => &[Target::OperatorRegistry],
                Target::SlashProtection => &[Target::SlashProtection],
                Target::Oracle => &[Target::Oracle],
            }
        }
        match self {
            Action::AddMember { .. }
            | Action::RemoveMember { .. }
            | Action::SetQuorum { .. }
            | Action::SetTiming { .. } => &[],
            Action::SetGuardian { .. } => &ALL,
            Action::Token(_) => one(Target::Token),
            Action::OperatorRegistry(_) => one(Target::OperatorRegistry),
            Action::SlashProtection(_) => one(Target::SlashProtection),
            Action::FlashExitPool(_) => one(Target::FlashExitPool),
            Action::Oracle(_) => one(Target::Oracle),
            Action::ProposeGovernor { target, .. }
            | Action::AcceptGovernor { target }
            | Action::WithdrawGovernorProposal { target }
            | Action::SetAcceptWindow { target, .. } => one(*target),
        }
    }
}

/// The board's clock rules, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Timing {
    /// From creation to the end of voting.
    pub voting_period_ms: u64,
    /// From the end of voting to the earliest execution.
    pub execution_delay_ms: u64,
    /// How long a passed proposal stays executable.
    pub execution_window_ms: u64,
}

const HOUR_MS: u64 = 60 * 60 * 1000;
const DAY_MS: u64 = 24 * HOUR_MS;

impl Timing {
    /// Three days to vote, one day before execution, seven days to execute.
    pub const DEFAULT: Timing = Timing {
        voting_period_ms: 3 * DAY_MS,
        execution_delay_ms: DAY_MS,
        execution_window_ms: 7 * DAY_MS,
    };

    /// Each period between one hour and thirty days (the delay may be zero): long enough for
    /// members in other time zones to react, short enough that nothing waits for a month.
    pub fn is_valid(&self) -> bool {
        let period = HOUR_MS..=30 * DAY_MS;
        period.contains(&self.voting_period_ms)
            && self.execution_delay_ms <= 30 * DAY_MS
            && period.contains(&self.execution_window_ms)
    }
}

/// One member's vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Vote {
    pub member: AccountId,
    pub approve: bool,
}

/// Votes for and against that still count: a vote counts while its member is eligible (a member now,
/// admitted before the proposal was created). `eligible` answers for one member.
pub fn tally(votes: &[Vote], eligible: impl Fn(&AccountId) -> bool) -> (u32, u32) {
    votes
        .iter()
        .filter(|v| eligible(&v.member))
        .fold((0u32, 0u32), |(yes, no), v| {
            if v.approve {
                (yes.saturating_add(1), no)
            } else {
                (yes, no.saturating_add(1))
            }
        })
}

/// Whether `yes` votes carry a proposal under `quorum`.
pub fn passes(yes: u32, quorum: u32) -> bool {
    quorum > 0 && yes >= quorum
}

/// Votes kept per proposal: one per member at most.
pub type Votes = Vec<Vote>;

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects, clippy::cast_possible_truncation)]
mod tests {
    use super::*;
    use crate::board::{majority, quorum_is_valid, MAX_MEMBERS};
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    #[test]
    fn each_action_names_its_subjects() {
        let a = AccountId::from([7; 32]);
        assert_eq!(
            Action::AddMember {
                account: a,
                quorum: 2
            }
            .subjects(),
            [Some(Subject::Member(a)), Some(Subject::Quorum)]
        );
        assert_eq!(
            Action::Token(TokenDecision::AllowLoss {
                amount: 1,
                valid_for_ms: 1
            })
            .subjects(),
            [Some(Subject::LossAllowance), None]
        );
        assert_eq!(
            Action::Oracle(OracleDecision::SetMembers { members: vec![a] }).subjects(),
            [Some(Subject::OracleMembers), None]
        );
        assert_eq!(
            Action::OperatorRegistry(RegistryDecision::SetLimit {
                operator: 3,
                limit: 1
            })
            .subjects(),
            [Some(Subject::OperatorLimit(3)), None]
        );
        // a whitelisting sets the KYC date: an older renewal proposal must not undo it; a
        // renewal never voids a removal
        assert_eq!(
            Action::Token(TokenDecision::AddInstitution {
                institution: a,
                min_deposit: None,
                kyc_valid_until: 1
            })
            .subjects(),
            [Some(Subject::Institution(a)), Some(Subject::Kyc(a))]
        );
        assert_eq!(
            Action::Token(TokenDecision::RenewKyc {
                institution: a,
                valid_until: 1
            })
            .subjects(),
            [Some(Subject::Kyc(a)), None]
        );
        assert_eq!(
            Action::Token(TokenDecision::RemoveInstitution { institution: a }).subjects(),
            [Some(Subject::Institution(a)), None]
        );
        for decision in [
            TokenDecision::Freeze {
                account: a,
                reason: [0; 32],
            },
            TokenDecision::ConfirmFreeze { account: a },
            TokenDecision::LiftFreeze { account: a },
        ] {
            assert_eq!(
                Action::Token(decision).subjects(),
                [Some(Subject::Freeze(a)), None]
            );
        }
    }

    fn account(i: u8) -> AccountId {
        AccountId::from([i; 32])
    }

    #[test]
    fn guardian_decisions_supersede_each_other_and_targeted_actions_name_their_target() {
        let guardian = account(5);
        let set_guardian = Action::SetGuardian { guardian };
        let token_guardian = Action::Token(TokenDecision::SetRole {
            role: TokenRole::Guardian,
            account: guardian,
        });
        assert_eq!(
            set_guardian.subjects(),
            [
                Some(Subject::Guardian),
                Some(Subject::TokenRole(TokenRole::Guardian))
            ]
        );
        assert_eq!(
            token_guardian.subjects(),
            [
                Some(Subject::TokenRole(TokenRole::Guardian)),
                Some(Subject::Guardian)
            ]
        );
        assert_eq!(set_guardian.targets().len(), 5);
        assert_eq!(token_guardian.targets(), &[Target::Token]);
        let window = Action::SetAcceptWindow {
            target: Target::Oracle,
            window_ms: 1,
        };
        assert_eq!(
            window.subjects(),
            [Some(Subject::AcceptWindow(Target::Oracle)), None]
        );
        assert_eq!(window.targets(), &[Target::Oracle]);
        let withdraw = Action::WithdrawGovernorProposal {
            target: Target::SlashProtection,
        };
        assert_eq!(
            withdraw.subjects(),
            [Some(Subject::Governor(Target::SlashProtection)), None]
        );
        assert!(Action::SetQuorum { quorum: 2 }.targets().is_empty());
        assert_eq!(
            Action::FlashExitPool(PoolDecision::Pause).targets(),
            &[Target::FlashExitPool]
        );
        // only taking a contract (back) makes the older decisions on it stale
        assert_eq!(
            Action::AcceptGovernor {
                target: Target::Oracle
            }
            .subjects(),
            [
                Some(Subject::Governor(Target::Oracle)),
                Some(Subject::GovernorTaken(Target::Oracle))
            ]
        );
    }

    #[test]
    fn member_lists() {
        assert!(!has_duplicates(&[account(1), account(2)]));
        assert!(has_duplicates(&[account(1), account(2), account(1)]));
        assert!(valid_oracle_members(&[account(1)]));
        assert!(!valid_oracle_members(&[]));
        assert!(!valid_oracle_members(&[account(1), account(1)]));
        let seventeen: Vec<AccountId> = (0..17).map(account).collect();
        assert!(!valid_oracle_members(&seventeen));
        assert!(valid_oracle_members(&seventeen[..16]));
    }

    #[test]
    fn timing_bounds() {
        assert!(Timing::DEFAULT.is_valid());
        assert!(!Timing {
            voting_period_ms: HOUR_MS - 1,
            ..Timing::DEFAULT
        }
        .is_valid());
        assert!(Timing {
            execution_delay_ms: 0,
            ..Timing::DEFAULT
        }
        .is_valid());
        assert!(!Timing {
            execution_window_ms: 31 * DAY_MS,
            ..Timing::DEFAULT
        }
        .is_valid());
        // every edge of the ranges: an hour and thirty days are valid, one unit beyond is not
        for (voting, delay, window, valid) in [
            (HOUR_MS, 0, HOUR_MS, true),
            (30 * DAY_MS, 30 * DAY_MS, 30 * DAY_MS, true),
            (30 * DAY_MS + 1, 0, HOUR_MS, false),
            (HOUR_MS, 30 * DAY_MS + 1, HOUR_MS, false),
            (HOUR_MS, 0, HOUR_MS - 1, false),
        ] {
            let timing = Timing {
                voting_period_ms: voting,
                execution_delay_ms: delay,
                execution_window_ms: window,
            };
            assert_eq!(timing.is_valid(), valid, "{timing:?}");
        }
        // the defaults: three days, one day, seven days
        assert_eq!(
            (
                Timing::DEFAULT.voting_period_ms,
                Timing::DEFAULT.execution_delay_ms,
                Timing::DEFAULT.execution_window_ms
            ),
            (
                3 * 24 * 60 * 60 * 1000,
                24 * 60 * 60 * 1000,
                7 * 24 * 60 * 60 * 1000
            )
        );
    }

    #[test]
    fn removed_members_votes_stop_counting() {
        let votes = [
            Vote {
                member: account(1),
                approve: true,
            },
            Vote {
                member: account(2),
                approve: true,
            },
            Vote {
                member: account(3),
                approve: false,
            },
        ];
        assert_eq!(tally(&votes, |_| true), (2, 1));
        assert_eq!(tally(&votes, |m| *m != account(2)), (1, 1));
        assert!(passes(2, 2));
        assert!(!passes(1, 2));
        assert!(!passes(0, 0));
    }

    /// A model of the board's history: members join at some proposal count and may be removed.
    #[derive(Debug, Clone)]
    struct History {
        /// member index -> (joined before proposal id, still a member)
        members: BTreeMap<u8, (u64, bool)>,
        proposal_id: u64,
        votes: Vec<(u8, bool)>,
        quorum: u32,
    }

    fn history() -> impl Strategy<Value = History> {
        (1usize..=MAX_MEMBERS as usize).prop_flat_map(|n| {
            (
                proptest::collection::vec((0u64..20, any::<bool>()), n),
                0u64..20,
                proptest::collection::vec((0u8..n as u8, any::<bool>()), 0..30),
                1u32..=n as u32,
            )
                .prop_map(move |(joins, proposal_id, raw_votes, q)| {
                    let members: BTreeMap<u8, (u64, bool)> =
                        joins.into_iter().enumerate().map(|(i, j)| (i as u8, j)).collect();
                    // one vote per member: the first one cast stands
                    let mut seen = std::collections::BTreeSet::new();
                    let votes = raw_votes.into_iter().filter(|(m, _)| seen.insert(*m)).collect();
                    let count = members.values().filter(|(_, active)| *active).count() as u32;
                    let quorum = q.max(majority(count.max(1))).min(count.max(1));
                    History {
                        members,
                        proposal_id,
                        votes,
                        quorum,
                    }
                })
        })
    }

    proptest! {
        #[test]
        fn a_proposal_passes_exactly_when_eligible_votes_reach_quorum(h in history()) {
            let eligible = |m: &AccountId| {
                h.members.iter().any(|(i, (joined, active))| account(*i + 1) == *m && *active && *joined <= h.proposal_id)
            };
            let votes: Vec<Vote> = h.votes.iter().map(|(m, approve)| Vote { member: account(*m + 1), approve: *approve }).collect();
            let (yes, no) = tally(&votes, eligible);
            // count independently from the model
            let expected_yes = h.votes.iter().filter(|(m, approve)| {
                let (joined, active) = h.members[m];
                *approve && active && joined <= h.proposal_id
            }).count() as u32;
            let expected_no = h.votes.iter().filter(|(m, approve)| {
                let (joined, active) = h.members[m];
                !*approve && active && joined <= h.proposal_id
            }).count() as u32;
            prop_assert_eq!((yes, no), (expected_yes, expected_no));
            prop_assert_eq!(passes(yes, h.quorum), expected_yes >= h.quorum);
            let active = h.members.values().filter(|(_, a)| *a).count() as u32;
            if active > 0 {
                prop_assert!(quorum_is_valid(h.quorum, active));
            }
        }
    }
}
