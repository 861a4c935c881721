//! The auditor's view of the suite: a plain record of what the contracts answer (and the events
//! they emitted), serialisable as JSON so that `report` can render it again later. Amounts are
//! decimal strings of the chain's smallest unit (18 decimals), exact beyond JSON's 53-bit numbers.
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// An amount in the chain's smallest unit (1 ETH = 1e18), or an 18-decimal rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Wei(pub u128);

pub const ONE_ETH: u128 = 1_000_000_000_000_000_000;

impl Wei {
    /// `12.345678` (six decimals, rounded down): how the report quotes amounts.
    pub fn eth(self) -> String {
        format!(
            "{}.{:06}",
            self.0 / ONE_ETH,
            (self.0 % ONE_ETH) / 1_000_000_000_000
        )
    }

    /// All eighteen decimals (rates).
    pub fn exact(self) -> String {
        format!("{}.{:018}", self.0 / ONE_ETH, self.0 % ONE_ETH)
    }

    /// As a float, for drawing only.
    pub fn as_f64(self) -> f64 {
        self.0 as f64 / ONE_ETH as f64
    }
}

impl fmt::Display for Wei {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl Serialize for Wei {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0.to_string())
    }
}

impl<'de> Deserialize<'de> for Wei {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse::<u128>()
            .map(Wei)
            .map_err(|e| serde::de::Error::custom(format!("amount {text:?}: {e}")))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Audit {
    /// What produced the record (`icseth demo` on the embedded chain).
    pub source: String,
    /// Chain time of the record, ms since the Unix epoch.
    pub at_ms: u64,
    pub contracts: Vec<ContractEntry>,
    /// Current rate, ETH per icsETH (18 decimals).
    pub rate: Wei,
    pub books: Books,
    /// One point at deployment, then one per applied oracle report.
    pub history: Vec<HistoryPoint>,
    pub institutions: Vec<InstitutionEntry>,
    /// Shares the treasury holds (its protocol fees).
    pub treasury_shares: Wei,
    pub board: BoardEntry,
    pub operators: Vec<OperatorEntry>,
    pub incidents: Vec<IncidentEntry>,
    pub protection: ProtectionEntry,
    pub flash_exit: FlashExitEntry,
    pub oracle: OracleEntry,
    /// KYC dates, freezes and who holds the compliance role.
    #[serde(default)]
    pub compliance: ComplianceEntry,
}

/// Compliance as the contracts record it: the role, its windows, and every account a freeze ever
/// touched (from the accounting's events and its records).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ComplianceEntry {
    /// The SS58 prefix the addresses are shown with (the chain's; 42 on the embedded chain).
    pub ss58_prefix: u16,
    /// The compliance role (hex) and as SS58.
    pub role: String,
    pub role_ss58: String,
    pub kyc_max_validity_ms: u64,
    pub confirm_window_ms: u64,
    pub refreeze_lockout_ms: u64,
    pub freezes: Vec<FreezeEntry>,
}

/// An account a freeze touched: its record now and the steps that made it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FreezeEntry {
    pub account: String,
    pub ss58: String,
    /// Whether a freeze holds now.
    pub frozen: bool,
    /// The current (or last unrecorded) freeze: since when, by the role or the board, the case
    /// reference, confirmed, and until when it holds (`None`: until lifted).
    pub since_ms: Option<u64>,
    pub by: Option<String>,
    pub reason: Option<String>,
    pub confirmed: Option<bool>,
    pub until_ms: Option<u64>,
    /// Until when only the board may freeze the account (after a lapse).
    pub role_locked_until_ms: u64,
    /// What happened, in order: freezes, confirmations, lapses and lifts, with the board's
    /// proposal where a decision did it.
    pub steps: Vec<String>,
}

/// One identity the record must satisfy, and whether it does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub name: &'static str,
    pub holds: bool,
    /// Both sides, in wei.
    pub detail: String,
}

fn sum(values: impl IntoIterator<Item = Wei>) -> Option<u128> {
    values.into_iter().try_fold(0u128, |acc, v| acc.checked_add(v.0))
}

fn check(name: &'static str, left: Option<u128>, right: Option<u128>, sides: (&str, &str)) -> Check {
    let show = |v: Option<u128>| v.map(|v| v.to_string()).unwrap_or_else(|| "overflow".into());
    Check {
        name,
        holds: left.is_some() && left == right,
        detail: format!("{} {} = {} {}", sides.0, show(left), sides.1, show(right)),
    }
}

/// The identities an auditor checks across the contracts' answers: the accounting's books
/// balance, its mirror of the supply is the ledger's, the pool holds the reserve the accounting
/// counts, the recorded holders own the whole supply, and the incidents add up to the protection
/// pool's totals.
pub fn checks(audit: &Audit) -> Vec<Check> {
    let b = &audit.books;
    let mirror = b.ledger_supply.map(|supply| {
        check(
            "the ledger's supply is the accounting's mirror of it",
            Some(supply.0),
            Some(b.total_shares.0),
            ("ledger total supply", "accounting total shares"),
        )
    });
    let mut all = vec![
        check(
            "the accounting's books balance",
            sum([b.buffered, b.reserve, b.in_flight, b.cl_balance]),
            sum([b.total_pooled, b.unapplied_gain, b.kept_from_tickets]),
            (
                "buffered + reserve + in flight + CL balance",
                "pooled (queued tickets included) + unapplied gain + kept from tickets",
            ),
        ),
        check(
            "the flash-exit pool holds the reserve the accounting counts",
            Some(audit.flash_exit.reserve.0),
            Some(b.reserve.0),
            ("pool reserve", "accounting reserve"),
        ),
        check(
            "holders' balances sum to the supply",
            sum(audit.institutions.iter().map(|i| i.shares).chain([
                audit.treasury_shares,
                audit.protection.pool_shares,
                b.queue_shares,
            ])),
            Some(b.total_shares.0),
            (
                "institutions + treasury + protection pool + withdrawal queue",
                "total supply",
            ),
        ),
        check(
            "incidents add up to the pool's losses",
            sum(audit.incidents.iter().map(|i| i.loss)),
            Some(audit.protection.losses.0),
            ("sum of incident losses", "pool's total losses"),
        ),
        check(
            "incidents add up to the pool's cover",
            sum(audit.incidents.iter().map(|i| i.covered)),
            Some(audit.protection.covered.0),
            ("sum of incident cover", "pool's total cover"),
        ),
        check(
            "every incident is covered plus uncovered",
            sum(audit.incidents.iter().flat_map(|i| [i.covered, i.uncovered])),
            sum(audit.incidents.iter().map(|i| i.loss)),
            ("covered + uncovered", "losses"),
        ),
    ];
    all.extend(mirror);
    all
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractEntry {
    pub name: String,
    pub address: String,
    /// Release Wasm size, when the demo ran on release builds.
    pub wasm_bytes: Option<u64>,
    /// The release build's code hash (rebuild the source with `icseth build` to compare).
    #[serde(default)]
    pub code_hash: Option<String>,
    /// The contract's authority cell: governor, guardian, a proposed successor, storage version.
    #[serde(default)]
    pub authority: Option<AuthorityEntry>,
}

/// A contract's authority cell as its `authority()` read gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorityEntry {
    pub governor: String,
    pub guardian: String,
    /// A proposed successor and the last moment (ms) it may accept; shown after its window closed
    /// too, until the governor replaces or withdraws it.
    pub pending_governor: Option<(String, u64)>,
    pub accept_window_ms: u64,
    pub storage_version: u16,
}

/// The accounting's books (`accounting()`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Books {
    /// The accounting's mirror of the supply (rate math uses it).
    pub total_shares: Wei,
    /// The ledger's own supply (`PSP22::total_supply`), read at the same block (absent from
    /// records made before the ledger stood apart).
    #[serde(default)]
    pub ledger_supply: Option<Wei>,
    pub total_pooled: Wei,
    pub buffered: Wei,
    pub reserve: Wei,
    pub in_flight: Wei,
    pub cl_balance: Wei,
    pub unapplied_gain: Wei,
    /// What finalized tickets left behind, released to the holders by later reports (absent
    /// from records made before it existed).
    #[serde(default)]
    pub kept_from_tickets: Wei,
    pub inflow: Wei,
    /// Request value of the tickets not finalized yet (staking never spends it).
    pub queued: Wei,
    /// Shares locked in the withdrawal queue (the token's own balance), still in the supply.
    #[serde(default)]
    pub queue_shares: Wei,
    pub claimable: Wei,
    pub tickets_issued: u64,
    pub tickets_pending: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryPoint {
    /// What happened (`deployment` or `report for epoch N`).
    pub label: String,
    pub epoch: u64,
    pub at_ms: u64,
    pub rate: Wei,
    pub total_pooled: Wei,
    pub reserve: Wei,
    /// From the `ReportApplied` event (zero at deployment).
    pub applied_gain: Wei,
    pub loss: Wei,
    pub covered: Wei,
    pub protocol_fee: Wei,
    pub protection_fee: Wei,
    pub finalized_tickets: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstitutionEntry {
    pub name: String,
    pub account: String,
    /// The account as wallets show it (SS58, the chain's prefix).
    #[serde(default)]
    pub ss58: String,
    pub whitelisted: bool,
    /// When its KYC expires (`None`: not whitelisted).
    #[serde(default)]
    pub kyc_valid_until_ms: Option<u64>,
    /// "valid", "expiring" (within 30 days), "expired", or "" when not whitelisted.
    #[serde(default)]
    pub kyc: String,
    #[serde(default)]
    pub frozen: bool,
    pub shares: Wei,
    /// `shares` at the current rate.
    pub value: Wei,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardEntry {
    pub members: Vec<String>,
    pub quorum: u32,
    pub proposals: Vec<ProposalEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalEntry {
    pub id: u64,
    pub action: String,
    pub status: String,
    pub yes: u32,
    pub no: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperatorEntry {
    pub id: u32,
    pub name: String,
    pub kind: String,
    pub status: String,
    /// Last attested frame's score, basis points.
    pub score_bps: Option<u32>,
    pub validators_funded: u32,
    pub validators_exited: u32,
    pub validator_limit: u32,
    /// Funded and not exited.
    #[serde(default)]
    pub validators_live: u32,
    /// Asked to exit and not exited yet, and by when (ms).
    #[serde(default)]
    pub exits_asked: u32,
    #[serde(default)]
    pub exit_deadline_ms: Option<u64>,
    /// Asked validators still live when a deadline passed, ever.
    #[serde(default)]
    pub exits_missed: u32,
    pub frames: u32,
    pub proposed: u64,
    pub missed: u64,
    pub consensus_rewards: Wei,
    pub mev_rewards: Wei,
    pub disagreements: u32,
    /// Oracle members whose agreeing attestations recorded the last frame.
    pub last_frame_attestations: Option<u32>,
    pub slashing_incidents: u32,
    pub slashed: Wei,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentEntry {
    pub id: u64,
    pub epoch: u64,
    pub operator: Option<u32>,
    pub loss: Wei,
    pub covered: Wei,
    pub uncovered: Wei,
    pub shares_burned: Wei,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProtectionEntry {
    pub pool_shares: Wei,
    pub pool_value: Wei,
    pub per_incident_cap_bps: u128,
    pub losses: Wei,
    pub covered: Wei,
    pub shares_donated: Wei,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlashExitEntry {
    pub reserve: Wei,
    pub fees_collected: Wei,
    pub min_fee_bps: u128,
    pub max_fee_bps: u128,
    pub per_exit_cap_bps: u128,
    pub paused: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OracleEntry {
    pub members: Vec<OracleMemberEntry>,
    /// The member set's number (each board change starts a new one; older votes stop counting).
    pub member_set: u32,
    /// Votes a report or frame needs.
    pub quorum: u32,
    /// A report a quorum agreed on and the token refused, waiting for a retry (its bound).
    pub refused_report: Option<String>,
    pub last_epoch: u64,
    pub validators: u32,
    pub funded_validators: u32,
    pub el_rewards_total: Wei,
    /// Every hold of deposits and flash exits a loss vote started, from the token's events
    /// (absent from records made before holds were listed).
    #[serde(default)]
    pub loss_holds: Vec<LossHoldEntry>,
}

/// A hold of deposits and flash exits: who started it, on what basis, when and why it ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LossHoldEntry {
    /// The oracle member whose vote started it, or "quorum" for an agreed report the bounds
    /// refused.
    pub started_by: String,
    /// "lone" (lapses after 36 hours) or "corroborated".
    pub basis: String,
    pub since_ms: u64,
    /// The snapshot a report must reach to end it (the newest its votes named).
    pub until_ref_ms: u64,
    pub lapses_at_ms: Option<u64>,
    /// When it ended, if it did.
    pub ended_ms: Option<u64>,
    /// "report applied", "lapsed", or "holding".
    pub end: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OracleMemberEntry {
    pub account: String,
    pub disagreements: u32,
    /// The reference time of the member's current report vote, and the hash it voted for.
    pub vote_ref_ms: Option<u64>,
    pub vote_hash: Option<String>,
    /// Votes short of quorum for reports that showed a loss (an honest member's first vote for a
    /// real slashing among them).
    pub loss_votes: u32,
    /// Loss votes the report applied for the same frame did not confirm: the evidence of
    /// invented losses.
    #[serde(default)]
    pub unconfirmed_loss_votes: u32,
    /// Whether the member may not start a lone hold now (after an unconfirmed one).
    #[serde(default)]
    pub lone_hold_barred: bool,
}

/// A `Debug` rendering of a board action with every `AccountId([b0, b1, ...])` written as
/// `0x<hex>`, the form the rest of the report uses for accounts.
pub fn readable(debug: &str) -> String {
    const OPEN: &str = "AccountId([";
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug;
    while let Some(start) = rest.find(OPEN) {
        out.push_str(&rest[..start]);
        let after = &rest[start + OPEN.len()..];
        let Some(end) = after.find("])") else {
            out.push_str(&rest[start..]);
            return out;
        };
        let bytes: Result<Vec<u8>, _> = after[..end].split(',').map(|b| b.trim().parse::<u8>()).collect();
        match bytes {
            Ok(bytes) => {
                out.push_str("0x");
                for b in bytes {
                    out.push_str(&format!("{b:02x}"));
                }
            }
            Err(_) => out.push_str(&rest[start..start + OPEN.len() + end + 2]),
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_in_actions_read_as_hex() {
        let mut raw = [0u8; 32];
        raw[0] = 0xab;
        raw[31] = 1;
        let account = ink::primitives::AccountId::from(raw);
        let debug = format!("Token(AddInstitution {{ institution: {account:?}, min_deposit: None }})");
        assert_eq!(
            readable(&debug),
            format!(
                "Token(AddInstitution {{ institution: 0xab{}01, min_deposit: None }})",
                "00".repeat(30)
            )
        );
        let two = format!("SetOracleMembers {{ members: [{account:?}, {account:?}] }}");
        assert_eq!(readable(&two).matches("0xab").count(), 2);
        assert_eq!(readable("SetQuorum { quorum: 3 }"), "SetQuorum { quorum: 3 }");
        assert_eq!(readable("AccountId([1, x])"), "AccountId([1, x])");
        assert_eq!(readable("AccountId([1, 2"), "AccountId([1, 2");
    }
}

/// `account` in SS58 with `prefix`, as wallets and explorers show it.
pub fn ss58(account: &ink::primitives::AccountId, prefix: u16) -> String {
    use sp_core::crypto::{AccountId32, Ss58AddressFormat, Ss58Codec};
    let bytes: [u8; 32] = *account.as_ref();
    AccountId32::new(bytes).to_ss58check_with_version(Ss58AddressFormat::custom(prefix))
}

#[cfg(test)]
mod ss58_tests {
    use super::ss58;

    /// Alice's well-known addresses: generic Substrate (42) and Polkadot (0).
    #[test]
    fn alices_addresses_read_as_wallets_show_them() {
        let alice = icseth_deploy::account_of(&ink_e2e::alice());
        assert_eq!(
            ss58(&alice, 42),
            "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"
        );
        assert_eq!(
            ss58(&alice, 0),
            "15oF4uVJwmo4TdGW7VfQxNLavjCXviqxT9S1MgbjMNHr6Sp5"
        );
    }
}
