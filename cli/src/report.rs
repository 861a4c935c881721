//! Renders an `Audit` as the auditor's report: Markdown tables and an SVG chart of the rate and the
//! flash-exit reserve over the applied reports. Pure functions of the record, so the figures in the
//! report are the contracts' own reads and a test can check them on a known state.
use crate::audit::{checks, Audit, Wei};
use std::fmt::Write as _;

fn bps(value: u128) -> String {
    format!("{}.{:02}%", value / 100, value % 100)
}

/// The Markdown report.
pub fn render_markdown(audit: &Audit) -> String {
    let mut md = String::new();
    // Writing into a String cannot fail; the results are ignored on purpose.
    let _ = writeln!(md, "# icsETH auditor's report\n");
    let _ = writeln!(
        md,
        "Source: {}. Chain time: {} ms. Every figure below is a contract read or event.\n",
        audit.source, audit.at_ms
    );
    let _ = writeln!(
        md,
        "## Contracts\n\n| contract | address | release Wasm bytes | release code hash |\n|---|---|---:|---|"
    );
    for c in &audit.contracts {
        let size = c.wasm_bytes.map(|b| b.to_string()).unwrap_or_else(|| "-".into());
        let hash = c.code_hash.as_deref().unwrap_or("-");
        let _ = writeln!(md, "| {} | `{}` | {} | `{}` |", c.name, c.address, size, hash);
    }
    let _ = writeln!(
        md,
        "\n## Authority\n\nEach contract's authority cell. A proposed successor may accept until the time shown; \
         the board (by decision) or the guardian (at once) may withdraw it.\n\n| contract | governor | guardian | proposed successor (accepts until, ms) | acceptance window (ms) | storage version |\n|---|---|---|---|---:|---:|"
    );
    for c in &audit.contracts {
        let Some(a) = &c.authority else {
            continue;
        };
        let pending = a.pending_governor.as_ref().map_or_else(
            || "none".to_string(),
            |(who, until)| format!("`{who}` (until {until})"),
        );
        let _ = writeln!(
            md,
            "| {} | `{}` | `{}` | {} | {} | {} |",
            c.name, a.governor, a.guardian, pending, a.accept_window_ms, a.storage_version
        );
    }

    let _ = writeln!(
        md,
        "\n## Checks\n\n| identity | holds | figures (wei) |\n|---|---|---|"
    );
    for c in checks(audit) {
        let _ = writeln!(
            md,
            "| {} | {} | {} |",
            c.name,
            if c.holds { "yes" } else { "**NO**" },
            c.detail
        );
    }

    let b = &audit.books;
    let _ = writeln!(md, "\n## Exchange rate and pooled assets\n");
    let _ = writeln!(md, "Rate: **{} ETH per icsETH**\n", audit.rate.exact());
    let _ = writeln!(md, "| item | ETH |\n|---|---:|");
    for (item, value) in [
        ("total supply (icsETH)", b.total_shares),
        ("pooled assets (owed to holders)", b.total_pooled),
        ("staking buffer", b.buffered),
        ("flash-exit reserve", b.reserve),
        ("sent to validators, not yet reported", b.in_flight),
        ("consensus-layer balance (last report)", b.cl_balance),
        ("reported gain not yet applied (rate cap)", b.unapplied_gain),
        (
            "kept from finalized tickets, released by later reports (rate cap)",
            b.kept_from_tickets,
        ),
        ("received from the vault, not yet reported", b.inflow),
        (
            "request value of pending withdrawal tickets (kept from staking)",
            b.queued,
        ),
        ("finalized, waiting for claims", b.claimable),
    ] {
        let _ = writeln!(md, "| {item} | {} |", value.eth());
    }
    let _ = writeln!(
        md,
        "| treasury's icsETH (protocol fees) | {} |",
        audit.treasury_shares.eth()
    );
    let _ = writeln!(
        md,
        "\nWithdrawal tickets: {} issued, {} pending.",
        b.tickets_issued, b.tickets_pending
    );

    let _ = writeln!(md, "\n## Rate history\n");
    let _ = writeln!(md, "![rate and reserve](chart.svg)\n");
    let _ = writeln!(
        md,
        "| event | epoch | rate | pooled ETH | reserve ETH | gain | loss | covered | protocol fee | protection fee | tickets finalized |"
    );
    let _ = writeln!(md, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for p in &audit.history {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            p.label,
            p.epoch,
            p.rate.exact(),
            p.total_pooled.eth(),
            p.reserve.eth(),
            p.applied_gain.eth(),
            p.loss.eth(),
            p.covered.eth(),
            p.protocol_fee.eth(),
            p.protection_fee.eth(),
            p.finalized_tickets
        );
    }

    let _ = writeln!(
        md,
        "\n## Institutions\n\nAddresses in SS58 (prefix {}), as wallets show them; the hex form below each.\n\n\
         | institution | account | whitelisted | KYC valid until | KYC | frozen | icsETH | value ETH |\n\
         |---|---|---|---|---|---|---:|---:|",
        audit.compliance.ss58_prefix
    );
    for i in &audit.institutions {
        let _ = writeln!(
            md,
            "| {} | `{}`<br>`{}` | {} | {} | {} | {} | {} | {} |",
            i.name,
            i.ss58,
            i.account,
            if i.whitelisted { "yes" } else { "no" },
            i.kyc_valid_until_ms
                .map_or_else(|| "-".into(), |t| format!("{} ({t} ms)", utc_date(t))),
            if i.kyc.is_empty() { "-" } else { &i.kyc },
            if i.frozen { "**yes**" } else { "no" },
            i.shares.eth(),
            i.value.eth()
        );
    }

    let c = &audit.compliance;
    let _ = writeln!(md, "\n## Compliance\n");
    let _ = writeln!(
        md,
        "Compliance role: `{}` (`{}`). KYC granted at most {} days ahead; the role's freeze lapses \
         unless the board confirms it within {} days; after a lapse only the board may freeze that \
         account for {} days. Nothing is ever seized: frozen shares keep following the rate.\n",
        c.role_ss58,
        c.role,
        c.kyc_max_validity_ms / DAY_MS,
        c.confirm_window_ms / DAY_MS,
        c.refreeze_lockout_ms / DAY_MS
    );
    if c.freezes.is_empty() {
        let _ = writeln!(md, "No account was ever frozen.");
    } else {
        let _ = writeln!(
            md,
            "| account | frozen now | since | by | reason reference | confirmed | holds until | role locked out until | what happened |\n\
             |---|---|---|---|---|---|---|---|---|"
        );
        for f in &c.freezes {
            let _ = writeln!(
                md,
                "| `{}`<br>`{}` | {} | {} | {} | `{}` | {} | {} | {} | {} |",
                f.ss58,
                f.account,
                if f.frozen { "**yes**" } else { "no" },
                f.since_ms
                    .map_or_else(|| "-".into(), |t| format!("{} ({t} ms)", utc_date(t))),
                f.by.as_deref().unwrap_or("-"),
                f.reason.as_deref().unwrap_or("-"),
                f.confirmed.map_or("-", |c| if c { "yes" } else { "no" }),
                match (f.since_ms, f.until_ms) {
                    (None, _) => "-".into(),
                    (Some(_), None) => "until lifted".into(),
                    (Some(_), Some(t)) => format!("{} ({t} ms)", utc_date(t)),
                },
                if f.role_locked_until_ms == 0 {
                    "-".into()
                } else {
                    utc_date(f.role_locked_until_ms)
                },
                f.steps.join("; ")
            );
        }
    }

    let board = &audit.board;
    let _ = writeln!(
        md,
        "\n## Board decisions\n\n{} members, quorum {}.\n\n| id | action | status | yes | no |\n|---:|---|---|---:|---:|",
        board.members.len(),
        board.quorum
    );
    for p in &board.proposals {
        let _ = writeln!(
            md,
            "| {} | `{}` | {} | {} | {} |",
            p.id, p.action, p.status, p.yes, p.no
        );
    }

    let _ = writeln!(md, "\n## Operators\n\n| id | name | kind | status | score | validators (funded/live/exited/limit) | asked to exit (by) | missed exits | frames | last frame's attestations | proposed/missed | CL rewards | MEV rewards | disputed frames | slashings | slashed ETH |\n|---:|---|---|---|---:|---|---|---:|---:|---:|---|---:|---:|---:|---:|---:|");
    for o in &audit.operators {
        let score = o
            .score_bps
            .map(|s| bps(u128::from(s)))
            .unwrap_or_else(|| "-".into());
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {}/{}/{}/{} | {} | {} | {} | {} | {}/{} | {} | {} | {} | {} | {} |",
            o.id,
            o.name,
            o.kind,
            o.status,
            score,
            o.validators_funded,
            o.validators_live,
            o.validators_exited,
            o.validator_limit,
            match o.exit_deadline_ms {
                Some(deadline) if o.exits_asked > 0 =>
                    format!("{} (by {})", o.exits_asked, utc_date(deadline)),
                _ => o.exits_asked.to_string(),
            },
            o.exits_missed,
            o.frames,
            o.last_frame_attestations
                .map(|n| n.to_string())
                .unwrap_or_else(|| "-".into()),
            o.proposed,
            o.missed,
            o.consensus_rewards.eth(),
            o.mev_rewards.eth(),
            o.disagreements,
            o.slashing_incidents,
            o.slashed.eth()
        );
    }

    let p = &audit.protection;
    let _ = writeln!(md, "\n## Slashing incidents and coverage\n");
    let _ = writeln!(
        md,
        "Protection pool: {} icsETH worth {} ETH; per-incident cap {}; losses {} ETH, covered {} ETH; donations {} icsETH.\n",
        p.pool_shares.eth(),
        p.pool_value.eth(),
        bps(p.per_incident_cap_bps),
        p.losses.eth(),
        p.covered.eth(),
        p.shares_donated.eth()
    );
    let _ = writeln!(md, "| id | epoch | operator | loss ETH | covered ETH | uncovered ETH | pool shares burned |\n|---:|---:|---|---:|---:|---:|---:|");
    for i in &audit.incidents {
        let operator = i
            .operator
            .map(|o| o.to_string())
            .unwrap_or_else(|| "unattributed".into());
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} | {} |",
            i.id,
            i.epoch,
            operator,
            i.loss.eth(),
            i.covered.eth(),
            i.uncovered.eth(),
            i.shares_burned.eth()
        );
    }

    let f = &audit.flash_exit;
    let _ = writeln!(md, "\n## Flash-exit reserve\n");
    let _ = writeln!(
        md,
        "Reserve {} ETH; fees collected {} ETH (they stay with the holders); fee {} at or above target up to {} when empty; one exit at most {} of the reserve; {}.",
        f.reserve.eth(),
        f.fees_collected.eth(),
        bps(f.min_fee_bps),
        bps(f.max_fee_bps),
        bps(f.per_exit_cap_bps),
        if f.paused { "paused" } else { "open" }
    );

    let o = &audit.oracle;
    let _ = writeln!(md, "\n## Oracle\n");
    let _ = writeln!(
        md,
        "Last applied epoch {}; {} validators seen of {} funded; execution-layer and MEV rewards {} ETH.\n",
        o.last_epoch,
        o.validators,
        o.funded_validators,
        o.el_rewards_total.eth()
    );
    let _ = writeln!(
        md,
        "Member set {}, quorum {} of {}.{}\n",
        o.member_set,
        o.quorum,
        o.members.len(),
        o.refused_report
            .as_ref()
            .map(|r| format!(" A report agreed by a quorum and refused by the token waits: {r}."))
            .unwrap_or_default()
    );
    let _ = writeln!(
        md,
        "| member | current vote (reference ms) | voted hash | votes that disagreed with the applied report | loss votes short of quorum | of them unconfirmed by the frame's report | barred from lone holds |\n|---|---:|---|---:|---:|---:|---|"
    );
    for m in &o.members {
        let _ = writeln!(
            md,
            "| `{}` | {} | {} | {} | {} | {} | {} |",
            m.account,
            m.vote_ref_ms
                .map(|t| t.to_string())
                .unwrap_or_else(|| "none".into()),
            m.vote_hash
                .as_deref()
                .map(|h| format!("`{h}`"))
                .unwrap_or_else(|| "none".into()),
            m.disagreements,
            m.loss_votes,
            m.unconfirmed_loss_votes,
            if m.lone_hold_barred { "yes" } else { "no" }
        );
    }
    let _ = writeln!(
        md,
        "\nHolds of deposits and flash exits (a loss vote short of quorum starts one: lone, it ends with \
         its frame's report or 36 hours later; corroborated by two members or a refused quorum \
         report, it lasts until a report reaches its snapshot):\n"
    );
    if o.loss_holds.is_empty() {
        let _ = writeln!(md, "none");
    } else {
        let _ = writeln!(
            md,
            "| started by | basis | since (ms) | until a report at (ms) | lapses at (ms) | ended (ms) | how |\n|---|---|---:|---:|---:|---:|---|"
        );
        for h in &o.loss_holds {
            let _ = writeln!(
                md,
                "| `{}` | {} | {} | {} | {} | {} | {} |",
                h.started_by,
                h.basis,
                h.since_ms,
                h.until_ref_ms,
                h.lapses_at_ms.map_or_else(|| "never".into(), |t| t.to_string()),
                h.ended_ms.map_or_else(|| "-".into(), |t| t.to_string()),
                h.end
            );
        }
    }
    md
}

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 320.0;
const LEFT: f64 = 90.0;
const RIGHT: f64 = 90.0;
const TOP: f64 = 40.0;
const BOTTOM: f64 = 50.0;

/// `values` scaled into the plot's height, with a margin when they are all equal.
fn scale(values: &[f64]) -> impl Fn(f64) -> f64 {
    let mut low = values.iter().copied().fold(f64::INFINITY, f64::min);
    let mut high = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !low.is_finite() || !high.is_finite() {
        (low, high) = (0.0, 1.0);
    }
    let pad = if high > low {
        (high - low) * 0.1
    } else {
        low.abs().max(1e-9) * 0.001
    };
    let (low, high) = (low - pad, high + pad);
    move |v| TOP + (HEIGHT - TOP - BOTTOM) * (1.0 - (v - low) / (high - low))
}

fn x_of(index: usize, count: usize) -> f64 {
    if count <= 1 {
        return LEFT;
    }
    LEFT + (WIDTH - LEFT - RIGHT) * index as f64 / (count - 1) as f64
}

fn series(
    svg: &mut String,
    values: &[f64],
    y: &dyn Fn(f64) -> f64,
    colour: &str,
    label: &dyn Fn(usize) -> String,
) {
    let points: Vec<String> = values
        .iter()
        .enumerate()
        .map(|(i, v)| format!("{:.1},{:.1}", x_of(i, values.len()), y(*v)))
        .collect();
    let _ = writeln!(
        svg,
        r#"<polyline fill="none" stroke="{colour}" stroke-width="2" points="{}"/>"#,
        points.join(" ")
    );
    for (i, v) in values.iter().enumerate() {
        let _ = writeln!(
            svg,
            r#"<circle cx="{:.1}" cy="{:.1}" r="3" fill="{colour}"><title>{}</title></circle>"#,
            x_of(i, values.len()),
            y(*v),
            label(i)
        );
    }
}

/// The SVG chart: the rate (left axis) and the flash-exit reserve (right axis) at deployment and
/// after each applied report.
pub fn render_svg(audit: &Audit) -> String {
    let history = &audit.history;
    let rates: Vec<f64> = history.iter().map(|p| p.rate.as_f64()).collect();
    let reserves: Vec<f64> = history.iter().map(|p| p.reserve.as_f64()).collect();
    let rate_y = scale(&rates);
    let reserve_y = scale(&reserves);
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(svg, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(
        svg,
        r#"<text x="{LEFT}" y="22" font-size="14">icsETH rate (ETH per icsETH, left) and flash-exit reserve (ETH, right)</text>"#
    );
    let (x0, x1, y0, y1) = (LEFT, WIDTH - RIGHT, TOP, HEIGHT - BOTTOM);
    let _ = writeln!(
        svg,
        r##"<path d="M{x0},{y0} V{y1} H{x1} V{y0}" fill="none" stroke="#888"/>"##
    );
    // each axis is labelled at its lowest and highest value
    let extremes = |values: &[Wei]| -> Vec<Wei> {
        match (values.iter().min(), values.iter().max()) {
            (Some(low), Some(high)) if low != high => vec![*low, *high],
            (Some(low), _) => vec![*low],
            _ => Vec::new(),
        }
    };
    let rate_values: Vec<Wei> = history.iter().map(|p| p.rate).collect();
    let reserve_values: Vec<Wei> = history.iter().map(|p| p.reserve).collect();
    for rate in extremes(&rate_values) {
        let _ = writeln!(
            svg,
            r##"<text x="{:.1}" y="{:.1}" text-anchor="end" fill="#1f5fbf">{}</text>"##,
            x0 - 6.0,
            rate_y(rate.as_f64()) + 4.0,
            &rate.exact()[..8]
        );
    }
    for reserve in extremes(&reserve_values) {
        let _ = writeln!(
            svg,
            r##"<text x="{:.1}" y="{:.1}" fill="#d98a00">{}</text>"##,
            x1 + 6.0,
            reserve_y(reserve.as_f64()) + 4.0,
            reserve.eth()
        );
    }
    for (i, p) in history.iter().enumerate() {
        let _ = writeln!(
            svg,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            x_of(i, history.len()),
            y1 + 18.0,
            if i == 0 {
                "deploy".to_string()
            } else {
                format!("e{}", p.epoch)
            }
        );
    }
    series(&mut svg, &rates, &rate_y, "#1f5fbf", &|i| {
        format!("{}: rate {}", history[i].label, history[i].rate.exact())
    });
    series(&mut svg, &reserves, &reserve_y, "#d98a00", &|i| {
        format!("{}: reserve {} ETH", history[i].label, history[i].reserve.eth())
    });
    let _ = writeln!(svg, "</svg>");
    svg
}

/// Quoted in step lines: `1.000123 ETH`.
const DAY_MS: u64 = 24 * 60 * 60 * 1000;

/// The UTC calendar date of `ms` since the Unix epoch (`YYYY-MM-DD`; the proleptic Gregorian
/// calendar, from the day count).
pub fn utc_date(ms: u64) -> String {
    // days since 0000-03-01, so that leap days fall at the end of each 400-year era's years
    let days = ms / DAY_MS + 719_468;
    let era = days / 146_097;
    let day_of_era = days % 146_097;
    let year_of_era = (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + u64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

pub fn eth(value: u128) -> String {
    Wei(value).eth()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_in_utc() {
        assert_eq!(utc_date(0), "1970-01-01");
        // the embedded chain's genesis and a leap day
        assert_eq!(utc_date(1_699_963_223_000), "2023-11-14");
        assert_eq!(utc_date(1_709_164_800_000), "2024-02-29");
        assert_eq!(utc_date(1_709_251_199_999), "2024-02-29");
        assert_eq!(utc_date(1_709_251_200_000), "2024-03-01");
        assert_eq!(utc_date(951_782_400_000), "2000-02-29");
    }

    fn known() -> Audit {
        serde_json::from_str(include_str!("../tests/fixtures/audit.json")).expect("the fixture parses")
    }

    fn line_with<'a>(md: &'a str, start: &str) -> &'a str {
        md.lines()
            .find(|l| l.starts_with(start))
            .unwrap_or_else(|| panic!("no line starting with {start:?} in\n{md}"))
    }

    #[test]
    fn amounts_are_quoted_in_eth_rounded_down_and_rates_exactly() {
        assert_eq!(Wei(1_500_000_000_000_000_000).eth(), "1.500000");
        assert_eq!(Wei(999_999_999_999).eth(), "0.000000");
        assert_eq!(
            Wei(1_000 * crate::audit::ONE_ETH + 999_999_999_999).eth(),
            "1000.000000"
        );
        assert_eq!(Wei(1_000_120_000_000_000_000).exact(), "1.000120000000000000");
        assert_eq!(bps(50), "0.50%");
        assert_eq!(bps(10_000), "100.00%");
    }

    #[test]
    fn markdown_quotes_the_recorded_figures() {
        let md = render_markdown(&known());
        assert!(md.contains("Rate: **1.000120000000000000 ETH per icsETH**"));
        assert_eq!(
            line_with(&md, "| pooled assets"),
            "| pooled assets (owed to holders) | 102.012000 |"
        );
        assert_eq!(
            line_with(&md, "| flash-exit reserve"),
            "| flash-exit reserve | 5.000000 |"
        );
        assert!(md.contains("Withdrawal tickets: 3 issued, 1 pending."));
        assert_eq!(
            line_with(&md, "| report for epoch 225"),
            "| report for epoch 225 | 225 | 1.000150000000000000 | 100.015000 | 4.000000 | 0.017647 | 0.000000 | 0.000000 | 0.001764 | 0.000882 | 2 |"
        );
        assert_eq!(
            line_with(&md, "| institution A"),
            "| institution A | `5FxAA`<br>`0xaa` | yes | 2024-10-27 (1730000000000 ms) | expiring | no | 56.500000 | 56.506780 |"
        );
        assert_eq!(
            line_with(&md, "| institution B"),
            "| institution B | `5FxBB`<br>`0xbb` | no | - | - | **yes** | 40.000000 | 40.004800 |"
        );
        assert!(md.contains("Compliance role: `5FxCC` (`0xcc`). KYC granted at most 400 days ahead"));
        assert!(md.contains("unless the board confirms it within 14 days"));
        assert_eq!(
            line_with(&md, "| `5FxBB`"),
            "| `5FxBB`<br>`0xbb` | **yes** | 2024-09-22 (1727000000000 ms) | role | `0x5a5a` | yes | until lifted | - | \
             frozen by the compliance role 5FxCC, reason 0x5a5a; confirmed by the board; board proposal 4 executed: confirmed by the board |"
        );
        assert!(md.contains("3 members, quorum 2."));
        assert_eq!(
            line_with(&md, "| 1 | `SetQuorum"),
            "| 1 | `SetQuorum { quorum: 3 }` | NotPassed | 1 | 2 |"
        );
        assert_eq!(
            line_with(&md, "| 0 | Blue Ridge SSV"),
            "| 0 | Blue Ridge SSV | SsvCluster | Active | 98.95% | 8/7/1/10 | 2 (by 2024-09-22) | 1 | 4 | 2 | 12/1 | 0.200000 | 0.080000 | 1 | 1 | 1.000000 |"
        );
        assert_eq!(
            line_with(&md, "| 1 | 500 |"),
            "| 1 | 500 | unattributed | 0.500000 | 0.000000 | 0.500000 | 0.000000 |"
        );
        assert!(md.contains("fees collected 0.025000 ETH"));
        assert!(md.contains("Member set 1, quorum 2 of "), "{md}");
        assert!(md.contains("fee 0.50% at or above target up to 2.00% when empty"));
        assert!(md.contains("| `0xdd` | none | none | 1 | 0 |"));
        assert_eq!(
            line_with(&md, "| icseth_token | `0x02`"),
            "| icseth_token | `0x02` | - | `0xc0de` |"
        );
        // a record written before the authority cell existed renders without it
        assert_eq!(
            line_with(&md, "| whitelist_board | `0x01`"),
            "| whitelist_board | `0x01` | 30000 | `-` |"
        );
        assert_eq!(
            line_with(&md, "| icseth_token | `0x01`"),
            "| icseth_token | `0x01` | `0xaa` | `0xee` (until 1700604800000) | 604800000 | 1 |"
        );
        assert!(!md.contains("| whitelist_board | `0x01` | `"));
    }

    /// The polyline's points, as (x, y).
    fn polyline(svg: &str, colour: &str) -> Vec<(f64, f64)> {
        let line = svg
            .lines()
            .find(|l| l.starts_with("<polyline") && l.contains(colour))
            .expect("a polyline of that colour");
        let points = line
            .split("points=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .unwrap();
        points
            .split(' ')
            .map(|p| {
                let (x, y) = p.split_once(',').unwrap();
                (x.parse().unwrap(), y.parse().unwrap())
            })
            .collect()
    }

    #[test]
    fn the_chart_draws_rate_and_reserve_per_report() {
        let svg = render_svg(&known());
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.trim_end().ends_with("</svg>"));
        let rate = polyline(&svg, "#1f5fbf");
        let reserve = polyline(&svg, "#d98a00");
        assert_eq!(rate.len(), 3);
        assert_eq!(reserve.len(), 3);
        // x grows left to right; a higher value sits higher (smaller y)
        assert!(rate[0].0 < rate[1].0 && rate[1].0 < rate[2].0);
        assert!(rate[1].1 < rate[2].1 && rate[2].1 < rate[0].1, "{rate:?}");
        assert!(
            reserve[2].1 < reserve[1].1 && reserve[1].1 < reserve[0].1,
            "{reserve:?}"
        );
        // every point stays inside the plot
        for (_, y) in rate.iter().chain(&reserve) {
            assert!((TOP..=HEIGHT - BOTTOM).contains(y));
        }
        assert!(svg.contains("<title>report for epoch 450: rate 1.000120000000000000</title>"));
        assert!(svg.contains(">e450</text>"));
        // axes labelled at their extremes
        assert!(svg.contains(">1.000000</text>") && svg.contains(">1.000150</text>"));
        assert!(svg.contains(">0.000000</text>") && svg.contains(">5.000000</text>"));
    }

    #[test]
    fn the_checks_hold_on_a_consistent_record_and_name_what_breaks() {
        let audit = known();
        let all = checks(&audit);
        assert_eq!(all.len(), 6);
        assert!(all.iter().all(|c| c.holds), "{all:?}");
        let md = render_markdown(&audit);
        assert_eq!(
            line_with(&md, "| holders' balances"),
            "| holders' balances sum to the supply | yes | institutions + treasury + protection pool + \
             withdrawal queue 102000000000000000000 = total supply 102000000000000000000 |"
        );
        let mut broken = audit.clone();
        broken.flash_exit.reserve = Wei(broken.books.reserve.0 + 1);
        broken.books.unapplied_gain = Wei(1);
        let failed: Vec<_> = checks(&broken)
            .into_iter()
            .filter(|c| !c.holds)
            .map(|c| c.name)
            .collect();
        assert_eq!(
            failed,
            vec![
                "the accounting's books balance",
                "the flash-exit pool holds the reserve the accounting counts"
            ]
        );
        assert!(render_markdown(&broken).contains("| the accounting's books balance | **NO** |"));
        // a ledger whose supply is not the accounting's mirror of it
        let mut apart = audit.clone();
        apart.books.ledger_supply = Some(Wei(apart.books.total_shares.0 + 1));
        let failed: Vec<_> = checks(&apart)
            .into_iter()
            .filter(|c| !c.holds)
            .map(|c| c.name)
            .collect();
        assert_eq!(
            failed,
            vec!["the ledger's supply is the accounting's mirror of it"]
        );
        apart.books.ledger_supply = Some(apart.books.total_shares);
        assert!(checks(&apart).iter().all(|c| c.holds));
    }

    #[test]
    fn a_flat_or_single_point_history_still_draws() {
        let mut audit = known();
        audit.history.truncate(1);
        let svg = render_svg(&audit);
        assert_eq!(polyline(&svg, "#1f5fbf").len(), 1);
        audit.history.clear();
        assert!(render_svg(&audit).contains("</svg>"));
        assert!(render_markdown(&audit).contains("## Rate history"));
    }

    #[test]
    fn the_record_round_trips_through_json_with_amounts_as_strings() {
        let audit = known();
        let json = serde_json::to_string(&audit).unwrap();
        assert!(json.contains("\"rate\":\"1000120000000000000\""));
        assert_eq!(serde_json::from_str::<Audit>(&json).unwrap(), audit);
        let broken = json.replace("\"rate\":\"1000120000000000000\"", "\"rate\":\"1.2\"");
        let error = serde_json::from_str::<Audit>(&broken).unwrap_err().to_string();
        assert!(error.contains("amount \"1.2\""), "{error}");
    }
}
