//! `icseth report --url --manifest`: the auditor's report of a suite deployed on a node, read from
//! the chain once the chain is seen to hold the suite as the manifest records it (`verify`: code
//! hashes, roles, board, wiring; exit 11 otherwise). Every figure of the record is read at one
//! block (the head when the report starts);
//! the history comes from the contracts' events since the deployment's block, each report's books
//! read at the block that applied it. The events read are kept beside the manifest
//! (`<manifest>.events.json`), so the next run reads only newer blocks.
use crate::args::ReportArgs;
use crate::audit::{Audit, HistoryPoint, Wei};
use crate::error::CliError;
use crate::scenario::{self, Progress, Subjects};
use icseth_accounting::icseth_accounting::{IcsethAccounting, ReportApplied};
use icseth_deploy::manifest::{account_from_hex, Manifest};
use icseth_deploy::node::{self, EventLog};
use icseth_deploy::{hex, read_ok_at, Artifact, ChainAccess, ChainError};
use icseth_token::icseth_token::StandingChanged;
use std::path::{Path, PathBuf};

/// Where the events read so far are kept for `manifest`.
pub fn event_log_path(manifest: &Path) -> PathBuf {
    manifest.with_extension("events.json")
}

fn chain_error(url: &str) -> impl Fn(ChainError) -> CliError + '_ {
    move |e| match e {
        ChainError::Pruned(what) => CliError::Pruned(what),
        other => CliError::Chain {
            url: url.to_string(),
            error: other.to_string(),
        },
    }
}

/// Reads the auditor's record of the suite `args.manifest` records from the node at `url`.
pub async fn audit(args: &ReportArgs, url: &str) -> Result<Audit, CliError> {
    let text = std::fs::read_to_string(&args.manifest)
        .map_err(|e| CliError::io(&args.manifest, format!("{e} (`icseth deploy --url` writes it)")))?;
    let manifest: Manifest = serde_json::from_str(&text)
        .map_err(|e| CliError::State(format!("{}: {e}", args.manifest.display())))?;
    let suite = manifest.suite().ok_or_else(|| {
        CliError::State(format!(
            "{}: the deployment is incomplete (run `icseth deploy` again to finish it)",
            args.manifest.display()
        ))
    })?;
    let failed = chain_error(url);
    node::probe(url).await.map_err(&failed)?;
    let mut client = node::connect(url, Vec::new()).await.map_err(&failed)?;
    let genesis = node::genesis_hash().await.map_err(&failed)?;
    if genesis != manifest.genesis_hash {
        return Err(CliError::Mismatch {
            manifest: args.manifest.display().to_string(),
            differences: vec![format!(
                "the chain's genesis hash: recorded {}, found {genesis}",
                manifest.genesis_hash
            )],
        });
    }

    let mut progress = Progress::default();
    // The report is of the suite the manifest names only if the chain still holds it as recorded:
    // the code at each address, the roles, the board and the wiring.
    progress.start(&format!(
        "verifying {} against the chain (code hashes, wiring, roles)",
        args.manifest.display()
    ));
    let reader = ink_e2e::alice();
    let differences = icseth_deploy::manifest::verify(&mut client, &reader, &manifest)
        .await
        .map_err(|e| CliError::Deploy(e.to_string()))?;
    if !differences.is_empty() {
        return Err(CliError::Mismatch {
            manifest: args.manifest.display().to_string(),
            differences: differences.iter().map(ToString::to_string).collect(),
        });
    }
    let log_path = event_log_path(&args.manifest);
    let mut earlier = match std::fs::read_to_string(&log_path) {
        Ok(text) => serde_json::from_str::<EventLog>(&text).ok(),
        Err(_) => None,
    };
    // A log of another chain, or of blocks this chain does not have (restarted from the same
    // genesis, or forked), is not this suite's history: read everything again.
    if let Some(log) = &earlier {
        if !log.is_current().await.map_err(&failed)? {
            progress.note(format!(
                "{} is not of this chain's blocks: every block is read again",
                log_path.display()
            ));
            earlier = None;
        }
    }
    let kept = earlier.as_ref().map_or(0, |log| log.events.len());
    let log = earlier.unwrap_or(EventLog {
        genesis_hash: genesis.clone(),
        next_block: manifest.from_block.saturating_add(1),
        last_block_hash: None,
        events: Vec::new(),
    });
    let first_new = log.next_block;
    node::resume_events(log).await.map_err(&failed)?;
    progress.start(&format!(
        "the suite's events from block {first_new} on ({kept} kept from earlier runs in {})",
        log_path.display()
    ));
    let events = client.events().await.map_err(&failed)?;
    let log = node::event_log().await.map_err(&failed)?;
    progress.note(format!(
        "{} contract events up to block {}",
        events.len(),
        log.next_block.saturating_sub(1)
    ));
    let json = serde_json::to_string(&log).map_err(|e| CliError::State(e.to_string()))?;
    std::fs::write(&log_path, json).map_err(|e| CliError::io(&log_path, e))?;

    progress.start("the rate's history: each applied report with the books at its block");
    let accounting = ink_e2e::create_call_builder::<IcsethAccounting>(suite.accounting);
    let mut history = Vec::new();
    let ours: &[u8; 32] = suite.accounting.as_ref();
    for event in events.iter().filter(|e| &e.contract == ours) {
        let Some(applied) = event.decode::<ReportApplied>() else {
            continue;
        };
        let block = event
            .block
            .ok_or_else(|| CliError::State("an event without its block".into()))?;
        let at = node::block_ref(block).await.map_err(&failed)?;
        let books = read_ok_at(&mut client, at, &reader, &accounting.accounting())
            .await
            .map_err(|e| match e {
                icseth_deploy::CallError::Moved(why) => {
                    CliError::Pruned(format!("block {block}'s state ({why})"))
                }
                other => CliError::State(format!("the books at block {block}: {other}")),
            })?;
        history.push(HistoryPoint {
            label: format!("report for epoch {} (block {block})", applied.epoch),
            epoch: applied.epoch,
            at_ms: node::time_at(at).await.map_err(&failed)?,
            rate: Wei(applied.new_rate),
            total_pooled: Wei(books.total_pooled),
            reserve: Wei(books.reserve),
            applied_gain: Wei(applied.applied_gain),
            loss: Wei(applied.loss),
            covered: Wei(applied.covered),
            protocol_fee: Wei(applied.protocol_fee),
            protection_fee: Wei(applied.protection_fee),
            finalized_tickets: applied.finalized_tickets,
        });
    }
    progress.note(format!("{} applied reports", history.len()));

    // Every account the ledger ever gave standing to, in the order it first did.
    let mut institutions: Vec<(String, ink::primitives::AccountId)> = Vec::new();
    for changed in icseth_deploy::chain::decoded_events::<StandingChanged>(&events, &suite.token) {
        if !institutions.iter().any(|(_, a)| *a == changed.account) {
            institutions.push((format!("institution {}", institutions.len() + 1), changed.account));
        }
    }
    let treasury = account_from_hex(&manifest.config.treasury)
        .ok_or_else(|| CliError::State("the manifest's treasury is not an account".into()))?;
    let subjects = Subjects {
        reader: &reader,
        institutions,
        treasury,
    };
    // the code hashes the manifest recorded (the bundles deployed), sizes unknown here
    let artifacts: Vec<Artifact> = manifest
        .contracts
        .iter()
        .map(|c| Artifact {
            contract: c.name.clone(),
            bundle: PathBuf::new(),
            wasm: PathBuf::new(),
            metadata: PathBuf::new(),
            wasm_bytes: 0,
            bundle_bytes: 0,
            code_hash: c.code_hash.clone(),
        })
        .collect();
    progress.start(&format!(
        "reading the auditor's view at the head of {url} (board {})",
        hex(&suite.board)
    ));
    let source = format!(
        "icseth report --url {url} (the suite of {}, deployed from block {})",
        args.manifest.display(),
        manifest.from_block
    );
    scenario::collect(
        &mut client,
        &progress,
        &subjects,
        &suite,
        &artifacts,
        history,
        &source,
    )
    .await
}
