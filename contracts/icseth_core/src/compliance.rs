//! Compliance: KYC that expires and a sanctions freeze that acts at once.
//!
//! An institution's KYC is valid until a date the board names when it whitelists it; after that
//! date it can neither deposit nor receive shares (exactly as a removed institution) but it can
//! always exit and send to a valid institution. Nothing has to happen at the date: every check
//! compares with block time.
//!
//! A freeze stops an account's assets at once: it cannot transfer, receive, deposit, request,
//! claim, flash exit or approve, and nobody moves its shares with an allowance. The compliance role
//! freezes for [`ComplianceRules::confirm_window_ms`]; unless the board confirms within that
//! window the freeze lapses by itself (again by time), and the role may not freeze that account
//! again for [`ComplianceRules::refreeze_lockout_ms`] after the lapse: a rogue role cannot keep an
//! account frozen by re-freezing. The board freezes with its own decision, confirmed at once, and
//! only the board lifts a confirmed freeze. A freeze never seizes anything: shares keep following
//! the rate and tickets keep finalizing.

/// Default longest KYC validity the board may grant at once: 400 days.
pub const DEFAULT_KYC_MAX_VALIDITY_MS: u64 = 400 * DAY_MS;
/// Default time the board has to confirm the compliance role's freeze: 14 days.
pub const DEFAULT_FREEZE_CONFIRM_WINDOW_MS: u64 = 14 * DAY_MS;
/// Default time after a lapse during which the role may not freeze that account again: 90 days.
pub const DEFAULT_REFREEZE_LOCKOUT_MS: u64 = 90 * DAY_MS;
/// Bounds on the governable windows, so a decision cannot make a role's freeze permanent or
/// instantaneous: a confirm window of 1 to 60 days, a lockout of at least the confirm window and
/// at most 2 years, a KYC validity of 1 day to 2 years.
pub const MAX_CONFIRM_WINDOW_MS: u64 = 60 * DAY_MS;
pub const MAX_REFREEZE_LOCKOUT_MS: u64 = 730 * DAY_MS;
pub const MAX_KYC_VALIDITY_MS: u64 = 730 * DAY_MS;
/// The auditor's report calls a KYC "expiring" within 30 days of its date.
pub const KYC_EXPIRING_WITHIN_MS: u64 = 30 * DAY_MS;
/// One day in milliseconds (block time).
pub const DAY_MS: u64 = 24 * 60 * 60 * 1000;
/// `Freeze::until` of a freeze that only a lift ends (the board's own, or a confirmed one).
pub const UNTIL_LIFTED: u64 = u64::MAX;

/// Every way a compliance step can be refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum ComplianceError {
    /// The account is frozen: it cannot transfer, receive, deposit, request, claim, flash exit or
    /// approve, and its shares cannot move by allowance.
    Frozen,
    /// The institution's KYC date has passed: it cannot deposit or receive (it may exit and send).
    KycExpired,
    /// Only the compliance role (or the board) may do this.
    NotCompliance,
    /// The account is frozen already.
    AlreadyFrozen,
    /// The account is not frozen (never, lifted, or its unconfirmed freeze lapsed by time).
    NotFrozen,
    /// The freeze is confirmed already.
    AlreadyConfirmed,
    /// The compliance role may only lift its own unconfirmed freeze; the board lifts the rest.
    ConfirmedFreeze,
    /// The role's freeze of this account lapsed; until the lockout ends only the board may freeze
    /// it again.
    RefreezeLocked,
    /// The freeze has not reached its confirmation deadline (nothing to lapse yet), or it is
    /// confirmed.
    NotLapsed,
    /// A KYC date in the past, or further ahead than the validity the board allows.
    InvalidKycDate,
    /// The KYC date has not passed (nothing to record), or its expiry is recorded already.
    KycNotExpired,
    /// The compliance role may only extend a KYC date; shortening one is the board's.
    KycShortened,
    /// A compliance window outside its bounds.
    InvalidWindow,
    /// A suite contract, the treasury or the zero account cannot be frozen (fees and cover would
    /// stop for everyone).
    Unfreezable,
}

/// The governable windows of compliance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct ComplianceRules {
    /// Longest KYC validity granted at once (from the time of the decision or renewal).
    pub kyc_max_validity_ms: u64,
    /// Time the board has to confirm a freeze by the compliance role.
    pub confirm_window_ms: u64,
    /// Time after a lapse during which the role may not freeze the account again.
    pub refreeze_lockout_ms: u64,
}

impl Default for ComplianceRules {
    fn default() -> Self {
        Self {
            kyc_max_validity_ms: DEFAULT_KYC_MAX_VALIDITY_MS,
            confirm_window_ms: DEFAULT_FREEZE_CONFIRM_WINDOW_MS,
            refreeze_lockout_ms: DEFAULT_REFREEZE_LOCKOUT_MS,
        }
    }
}

impl ComplianceRules {
    /// Whether every window is within its bounds (a lockout never shorter than the window, so a
    /// lapsed role freeze cannot be renewed faster than the board could confirm it).
    pub fn is_valid(&self) -> bool {
        (DAY_MS..=MAX_KYC_VALIDITY_MS).contains(&self.kyc_max_validity_ms)
            && (DAY_MS..=MAX_CONFIRM_WINDOW_MS).contains(&self.confirm_window_ms)
            && (self.confirm_window_ms..=MAX_REFREEZE_LOCKOUT_MS).contains(&self.refreeze_lockout_ms)
    }

    /// A KYC date the board or the role may grant at `now`: after `now`, at most the maximum
    /// validity ahead.
    pub fn check_kyc_date(&self, now: u64, valid_until: u64) -> Result<(), ComplianceError> {
        let latest = now.saturating_add(self.kyc_max_validity_ms);
        if valid_until <= now || valid_until > latest {
            return Err(ComplianceError::InvalidKycDate);
        }
        Ok(())
    }
}

/// Whether a KYC date still holds at `now` (it expires at `valid_until` exactly).
pub fn kyc_valid(valid_until: u64, now: u64) -> bool {
    now < valid_until
}

/// Whether a freeze ending at `frozen_until` holds at `now` (0: not frozen).
pub fn frozen_at(frozen_until: u64, now: u64) -> bool {
    now < frozen_until
}

/// Where an institution's KYC stands at `now`, as the auditor's report shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KycStatus {
    Valid,
    /// Valid, with its date within [`KYC_EXPIRING_WITHIN_MS`].
    Expiring,
    Expired,
}

/// The KYC status of a date at `now`.
pub fn kyc_status(valid_until: u64, now: u64) -> KycStatus {
    if !kyc_valid(valid_until, now) {
        KycStatus::Expired
    } else if valid_until.saturating_sub(now) <= KYC_EXPIRING_WITHIN_MS {
        KycStatus::Expiring
    } else {
        KycStatus::Valid
    }
}

/// Who froze an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum FreezeBy {
    /// The compliance role: lapses unless the board confirms it in time.
    Role,
    /// The board's own decision: holds until the board lifts it.
    Board,
}

/// A freeze in force (or lapsed by time and not yet recorded).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Freeze {
    /// The case or list entry behind it (a 32-byte hash of the reference).
    pub reason: [u8; 32],
    /// Block time it began.
    pub since: u64,
    pub by: FreezeBy,
    /// Whether the board confirmed it (a board freeze is confirmed from the start).
    pub confirmed: bool,
    /// Block time it stops holding: the confirmation deadline while unconfirmed, [`UNTIL_LIFTED`]
    /// once confirmed.
    pub until: u64,
}

/// An account's freeze standing: the current freeze, if any, and how long the role is locked out
/// after its last lapsed freeze.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct FreezeRecord {
    pub current: Option<Freeze>,
    /// Block time until which only the board may freeze the account (0: no lockout).
    pub role_locked_until: u64,
}

/// What a lapse recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lapse {
    /// When the freeze stopped holding (its confirmation deadline).
    pub lapsed_at: u64,
    pub role_locked_until: u64,
}

impl FreezeRecord {
    /// The freeze holding at `now`, if any.
    pub fn in_force(&self, now: u64) -> Option<Freeze> {
        self.current.filter(|f| frozen_at(f.until, now))
    }

    /// Until when the ledger holds the account frozen (0: not frozen).
    pub fn frozen_until(&self) -> u64 {
        self.current.map_or(0, |f| f.until)
    }

    /// The lockout a lapse of `current` at `now` would leave (the recorded one, or the one an
    /// unrecorded lapse implies: a lapse needs no transaction to bind the role).
    fn effective_lockout(&self, now: u64, rules: &ComplianceRules) -> u64 {
        match self.current {
            Some(f) if f.by == FreezeBy::Role && !f.confirmed && !frozen_at(f.until, now) => self
                .role_locked_until
                .max(f.until.saturating_add(rules.refreeze_lockout_ms)),
            _ => self.role_locked_until,
        }
    }

    /// A freeze at `now`: by the role (lapses after the confirm window; refused during the lockout
    /// after its last lapse) or by the board (confirmed at once). Refused while one holds.
    pub fn freeze(
        &self,
        by: FreezeBy,
        reason: [u8; 32],
        now: u64,
        rules: &ComplianceRules,
    ) -> Result<FreezeRecord, ComplianceError> {
        match self.in_force(now) {
            // The board's freeze takes over the role's unconfirmed one (a role freezing just
            // before the board's decision executes must not make it fail).
            Some(f) if by == FreezeBy::Board && !f.confirmed => {}
            Some(_) => return Err(ComplianceError::AlreadyFrozen),
            None => {}
        }
        let role_locked_until = self.effective_lockout(now, rules);
        let (confirmed, until) = match by {
            FreezeBy::Role => {
                if now < role_locked_until {
                    return Err(ComplianceError::RefreezeLocked);
                }
                (false, now.saturating_add(rules.confirm_window_ms))
            }
            FreezeBy::Board => (true, UNTIL_LIFTED),
        };
        Ok(FreezeRecord {
            current: Some(Freeze {
                reason,
                since: now,
                by,
                confirmed,
                until,
            }),
            role_locked_until,
        })
    }

    /// The board confirms the role's freeze before its deadline: it holds until lifted.
    pub fn confirm(&self, now: u64) -> Result<FreezeRecord, ComplianceError> {
        let mut freeze = self.in_force(now).ok_or(ComplianceError::NotFrozen)?;
        if freeze.confirmed {
            return Err(ComplianceError::AlreadyConfirmed);
        }
        freeze.confirmed = true;
        freeze.until = UNTIL_LIFTED;
        Ok(FreezeRecord {
            current: Some(freeze),
            role_locked_until: self.role_locked_until,
        })
    }

    /// Records that an unconfirmed freeze passed its deadline: it is gone, and the role is locked
    /// out of this account for the lockout from the deadline.
    pub fn lapse(&self, now: u64, rules: &ComplianceRules) -> Result<(FreezeRecord, Lapse), ComplianceError> {
        let freeze = self.current.ok_or(ComplianceError::NotFrozen)?;
        if freeze.confirmed || frozen_at(freeze.until, now) {
            return Err(ComplianceError::NotLapsed);
        }
        let role_locked_until = self.effective_lockout(now, rules);
        Ok((
            FreezeRecord {
                current: None,
                role_locked_until,
            },
            Lapse {
                lapsed_at: freeze.until,
                role_locked_until,
            },
        ))
    }

    /// Lifts the freeze holding at `now`: the role only its own unconfirmed one (a mistake), the
    /// board any. After either, the role may not freeze the account for the lockout.
    pub fn lift(
        &self,
        by: FreezeBy,
        now: u64,
        rules: &ComplianceRules,
    ) -> Result<FreezeRecord, ComplianceError> {
        let freeze = self.in_force(now).ok_or(ComplianceError::NotFrozen)?;
        if by == FreezeBy::Role && (freeze.confirmed || freeze.by != FreezeBy::Role) {
            return Err(ComplianceError::ConfirmedFreeze);
        }
        // Every lift locks the role out as a lapse does: the board's overrules the role, and the
        // role's own would otherwise let it lift just before each deadline and freeze again for a
        // fresh window, keeping the account frozen for ever without the board.
        let role_locked_until = self
            .role_locked_until
            .max(now.saturating_add(rules.refreeze_lockout_ms));
        Ok(FreezeRecord {
            current: None,
            role_locked_until,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const R: [u8; 32] = [7; 32];
    const T0: u64 = 1_000 * DAY_MS;

    fn rules() -> ComplianceRules {
        ComplianceRules::default()
    }

    #[test]
    fn kyc_dates_are_bounded_by_now_and_the_maximum_validity() {
        let r = rules();
        assert_eq!(r.check_kyc_date(T0, T0), Err(ComplianceError::InvalidKycDate));
        assert_eq!(r.check_kyc_date(T0, T0 + 1), Ok(()));
        assert_eq!(r.check_kyc_date(T0, T0 + 400 * DAY_MS), Ok(()));
        assert_eq!(
            r.check_kyc_date(T0, T0 + 400 * DAY_MS + 1),
            Err(ComplianceError::InvalidKycDate)
        );
        assert!(kyc_valid(T0 + 1, T0));
        assert!(!kyc_valid(T0, T0));
        assert_eq!(kyc_status(T0 + 31 * DAY_MS, T0), KycStatus::Valid);
        assert_eq!(kyc_status(T0 + 30 * DAY_MS, T0), KycStatus::Expiring);
        assert_eq!(kyc_status(T0, T0), KycStatus::Expired);
    }

    #[test]
    fn windows_are_bounded() {
        assert!(rules().is_valid());
        let mut r = rules();
        r.refreeze_lockout_ms = r.confirm_window_ms - 1;
        assert!(!r.is_valid());
        let mut r = rules();
        r.confirm_window_ms = DAY_MS - 1;
        assert!(!r.is_valid());
        let mut r = rules();
        r.confirm_window_ms = MAX_CONFIRM_WINDOW_MS + 1;
        r.refreeze_lockout_ms = MAX_REFREEZE_LOCKOUT_MS;
        assert!(!r.is_valid());
        let mut r = rules();
        r.kyc_max_validity_ms = MAX_KYC_VALIDITY_MS + 1;
        assert!(!r.is_valid());
    }

    #[test]
    fn a_role_freeze_holds_for_the_window_then_lapses_by_time() {
        let r = rules();
        let frozen = FreezeRecord::default().freeze(FreezeBy::Role, R, T0, &r).unwrap();
        let deadline = T0 + 14 * DAY_MS;
        assert_eq!(frozen.frozen_until(), deadline);
        assert!(frozen.in_force(deadline - 1).is_some());
        assert!(frozen.in_force(deadline).is_none());
        assert_eq!(frozen.lapse(deadline - 1, &r), Err(ComplianceError::NotLapsed));
        let (lapsed, lapse) = frozen.lapse(deadline, &r).unwrap();
        assert_eq!(lapse.lapsed_at, deadline);
        assert_eq!(lapse.role_locked_until, deadline + 90 * DAY_MS);
        assert_eq!(lapsed.current, None);
        assert_eq!(lapsed.lapse(deadline, &r), Err(ComplianceError::NotFrozen));
    }

    #[test]
    fn after_a_lapse_only_the_board_freezes_until_the_lockout_ends_recorded_or_not() {
        let r = rules();
        let frozen = FreezeRecord::default().freeze(FreezeBy::Role, R, T0, &r).unwrap();
        let deadline = T0 + 14 * DAY_MS;
        let locked_until = deadline + 90 * DAY_MS;
        // Without anyone recording the lapse, the role is locked out all the same.
        for record in [frozen, frozen.lapse(deadline, &r).unwrap().0] {
            assert_eq!(
                record.freeze(FreezeBy::Role, R, deadline, &r),
                Err(ComplianceError::RefreezeLocked)
            );
            assert_eq!(
                record.freeze(FreezeBy::Role, R, locked_until - 1, &r),
                Err(ComplianceError::RefreezeLocked)
            );
            assert!(record.freeze(FreezeBy::Role, R, locked_until, &r).is_ok());
            let board = record.freeze(FreezeBy::Board, R, deadline, &r).unwrap();
            assert_eq!(board.frozen_until(), UNTIL_LIFTED);
            assert_eq!(board.role_locked_until, locked_until);
        }
    }

    #[test]
    fn the_board_confirms_in_time_and_only_the_board_lifts_a_confirmed_freeze() {
        let r = rules();
        let frozen = FreezeRecord::default().freeze(FreezeBy::Role, R, T0, &r).unwrap();
        let deadline = T0 + 14 * DAY_MS;
        assert_eq!(frozen.confirm(deadline), Err(ComplianceError::NotFrozen));
        let confirmed = frozen.confirm(deadline - 1).unwrap();
        assert_eq!(
            confirmed.confirm(deadline),
            Err(ComplianceError::AlreadyConfirmed)
        );
        assert!(confirmed.in_force(u64::MAX - 1).is_some());
        assert_eq!(confirmed.lapse(deadline + 1, &r), Err(ComplianceError::NotLapsed));
        assert_eq!(
            confirmed.lift(FreezeBy::Role, deadline, &r),
            Err(ComplianceError::ConfirmedFreeze)
        );
        assert_eq!(
            confirmed.lift(FreezeBy::Board, deadline, &r).unwrap().current,
            None
        );
        // The role lifts its own unconfirmed freeze (a mistake).
        let lifted = frozen.lift(FreezeBy::Role, T0 + 1, &r).unwrap();
        assert_eq!(lifted.current, None);
        assert_eq!(
            frozen.lift(FreezeBy::Role, deadline, &r),
            Err(ComplianceError::NotFrozen)
        );
    }

    /// The attack: a rogue role lifts its own freeze a minute before each deadline and freezes
    /// again, so the account stays frozen without the board ever confirming. Its lift locks it out.
    #[test]
    fn a_role_cannot_renew_its_freeze_by_lifting_and_freezing_again() {
        let r = rules();
        let frozen = FreezeRecord::default().freeze(FreezeBy::Role, R, T0, &r).unwrap();
        let just_before = frozen.frozen_until() - 60_000;
        let lifted = frozen.lift(FreezeBy::Role, just_before, &r).unwrap();
        assert_eq!(
            lifted.freeze(FreezeBy::Role, R, just_before, &r),
            Err(ComplianceError::RefreezeLocked)
        );
        assert_eq!(lifted.role_locked_until, just_before + 90 * DAY_MS);
        // the board may still freeze at once
        assert!(lifted.freeze(FreezeBy::Board, R, just_before, &r).is_ok());
    }

    #[test]
    fn the_boards_lift_locks_the_role_out_as_a_lapse_does() {
        let r = rules();
        let frozen = FreezeRecord::default().freeze(FreezeBy::Role, R, T0, &r).unwrap();
        // the board overrules the role a day in: the role may not re-freeze for 90 days from then
        let lifted = frozen.lift(FreezeBy::Board, T0 + DAY_MS, &r).unwrap();
        let until = T0 + DAY_MS + 90 * DAY_MS;
        assert_eq!(lifted.role_locked_until, until);
        assert_eq!(
            lifted.freeze(FreezeBy::Role, R, until - 1, &r),
            Err(ComplianceError::RefreezeLocked)
        );
        assert!(lifted.freeze(FreezeBy::Role, R, until, &r).is_ok());
        assert!(lifted.freeze(FreezeBy::Board, R, T0 + DAY_MS, &r).is_ok());
    }

    /// The board's freeze executes even when the role froze the account just before: it takes
    /// over the unconfirmed freeze and holds until lifted.
    #[test]
    fn the_boards_freeze_takes_over_the_roles_unconfirmed_one() {
        let r = rules();
        let by_role = FreezeRecord::default().freeze(FreezeBy::Role, R, T0, &r).unwrap();
        let board = by_role.freeze(FreezeBy::Board, [9; 32], T0 + 1, &r).unwrap();
        let freeze = board.current.unwrap();
        assert_eq!(
            (freeze.by, freeze.confirmed, freeze.until),
            (FreezeBy::Board, true, UNTIL_LIFTED)
        );
        assert_eq!(freeze.reason, [9; 32]);
        assert_eq!(
            board.freeze(FreezeBy::Board, R, T0 + 2, &r),
            Err(ComplianceError::AlreadyFrozen)
        );
    }

    #[test]
    fn a_freeze_is_refused_while_one_holds() {
        let r = rules();
        let frozen = FreezeRecord::default()
            .freeze(FreezeBy::Board, R, T0, &r)
            .unwrap();
        assert_eq!(
            frozen.freeze(FreezeBy::Role, R, T0, &r),
            Err(ComplianceError::AlreadyFrozen)
        );
        assert_eq!(
            frozen.freeze(FreezeBy::Board, R, T0, &r),
            Err(ComplianceError::AlreadyFrozen)
        );
        // The role cannot lift the board's freeze.
        assert_eq!(
            frozen.lift(FreezeBy::Role, T0, &r),
            Err(ComplianceError::ConfirmedFreeze)
        );
    }
}
