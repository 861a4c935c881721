//! `icseth`: the suite's command-line tool. `build` makes the release bundles, `demo` (the default)
//! runs an institution's day on an embedded chain or a node and writes the auditor's report,
//! `deploy` puts the suite on a node with a manifest, `report` renders a recorded state again. Errors name what to do and exit non-zero (codes in `error.rs`).
mod args;
mod audit;
mod deploy;
mod error;
mod live;
mod report;

mod scenario;

use args::{BuildArgs, Cli, Command, DemoArgs, ReportArgs, AUDIT_FILE, MANIFEST_FILE};
use audit::Audit;
use clap::Parser;
use error::CliError;
use icseth_deploy::build;
use icseth_deploy::manifest::{DeployedContract, Manifest};
use icseth_deploy::suite::DEPLOY_ORDER;
use icseth_deploy::{account_of, node, EmbeddedClient};
use std::path::Path;
use std::process::ExitCode;

fn say(line: &str) {
    println!("     {line}");
}

fn write(path: &Path, text: &str) -> Result<(), CliError> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| CliError::io(dir, e))?;
    }
    std::fs::write(path, text).map_err(|e| CliError::io(path, e))
}

/// Writes audit.json, report.md and chart.svg for `audit` into `out`, and prints the Markdown.
/// Fails (after writing) when one of the report's checks does not hold.
fn write_report(audit: &Audit, out: &Path) -> Result<(), CliError> {
    let json = serde_json::to_string_pretty(audit).map_err(|e| CliError::State(e.to_string()))?;
    write(&out.join(AUDIT_FILE), &json)?;
    let markdown = report::render_markdown(audit);
    write(&out.join("report.md"), &markdown)?;
    write(&out.join("chart.svg"), &report::render_svg(audit))?;
    println!("\n{markdown}");
    let failed: Vec<String> = audit::checks(audit)
        .into_iter()
        .filter(|c| !c.holds)
        .map(|c| format!("{}: {}", c.name, c.detail))
        .collect();
    if failed.is_empty() {
        Ok(())
    } else {
        Err(CliError::Inconsistent(failed))
    }
}

fn build(args: &BuildArgs) -> Result<(), CliError> {
    println!(
        "[ 1] release builds of the seven contracts into {}",
        args.out.display()
    );
    let artifacts = build::build_all(&args.out, true, &mut |line| say(line))?;
    println!("\n| contract | Wasm bytes | budget | bundle bytes | code hash |\n|---|---:|---:|---:|---|");
    for (a, c) in artifacts.iter().zip(build::CONTRACTS) {
        println!(
            "| {} | {} | {} | {} | {} |",
            a.contract, a.wasm_bytes, c.release_budget_bytes, a.bundle_bytes, a.code_hash
        );
    }
    println!(
        "\nbundles (.contract), Wasm and metadata (.json) are in {}",
        args.out.display()
    );
    Ok(())
}

async fn demo(args: &DemoArgs) -> Result<(), CliError> {
    let unreachable = |url: &String| {
        let url = url.clone();
        move |e: icseth_deploy::ChainError| CliError::Chain {
            url,
            error: e.to_string(),
        }
    };
    // A node that does not answer fails the command before any build starts.
    if let Some(url) = &args.url {
        node::probe(url).await.map_err(unreachable(url))?;
    }
    let mut progress = scenario::Progress::default();
    progress.start(&format!(
        "release builds of the seven contracts in {} (built when missing)",
        args.contracts.display()
    ));
    let artifacts = build::build_all(&args.contracts, args.rebuild, &mut |line| say(line))?;
    let wasm = artifacts.iter().map(|a| a.wasm.clone());
    let audit = match &args.url {
        None => {
            let mut client = EmbeddedClient::new(wasm);
            let source = "icseth demo on the embedded pallet-contracts chain (ink_sandbox 5.1.1)";
            scenario::run(&mut client, &artifacts, &mut progress, source).await?
        }
        Some(url) => {
            let mut client = node::connect(url, wasm.collect())
                .await
                .map_err(unreachable(url))?;
            let from_block = node::head().await.map_err(unreachable(url))?;
            let genesis = node::genesis_hash().await.map_err(unreachable(url))?;
            let source = format!("icseth demo --url {url} (the node's runtime, over RPC)");
            let audit = scenario::run(&mut client, &artifacts, &mut progress, &source).await?;
            // the day's suite recorded as `icseth deploy` records one, for `report --url`
            let mut manifest = Manifest::new(
                genesis,
                url.clone(),
                account_of(&scenario::day_deployer()),
                from_block,
                &scenario::day_config(),
            );
            for name in DEPLOY_ORDER {
                if let Some(entry) = audit.contracts.iter().find(|c| c.name == name) {
                    manifest.contracts.push(DeployedContract {
                        name: name.to_string(),
                        address: entry.address.clone(),
                        code_hash: entry.code_hash.clone().unwrap_or_default(),
                    });
                }
            }
            manifest.wired = true;
            let path = args.out.join(MANIFEST_FILE);
            let json = serde_json::to_string_pretty(&manifest).map_err(|e| CliError::State(e.to_string()))?;
            write(&path, &json)?;
            say(&format!("the day's suite recorded in {}", path.display()));
            audit
        }
    };
    write_report(&audit, &args.out)?;
    println!(
        "auditor's report written to {dir}/report.md, {dir}/{AUDIT_FILE} and {dir}/chart.svg",
        dir = args.out.display()
    );
    Ok(())
}

async fn render(args: &ReportArgs) -> Result<(), CliError> {
    let audit = match &args.url {
        Some(url) => live::audit(args, url).await?,
        None => {
            let text = std::fs::read_to_string(&args.state).map_err(|e| {
                CliError::io(
                    &args.state,
                    format!("{e} (run `icseth demo` first; it records the chain state there)"),
                )
            })?;
            serde_json::from_str(&text)
                .map_err(|e| CliError::State(format!("{}: {e}", args.state.display())))?
        }
    };
    write_report(&audit, &args.out)?;
    println!(
        "auditor's report written to {dir}/report.md, {dir}/{AUDIT_FILE} and {dir}/chart.svg",
        dir = args.out.display()
    );
    Ok(())
}

/// Runs `task` to its end on a runtime of this thread.
fn asynchronously(task: impl std::future::Future<Output = Result<(), CliError>>) -> Result<(), CliError> {
    match ink_e2e::tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime.block_on(task),
        Err(e) => Err(CliError::State(format!("cannot start the async runtime: {e}"))),
    }
}

fn main() -> ExitCode {
    let command = Cli::parse().into_command();
    let result = match &command {
        Command::Build(args) => build(args),
        Command::Report(args) => asynchronously(render(args)),
        Command::Demo(args) => asynchronously(demo(args)),
        Command::Deploy(args) => asynchronously(deploy::run(args)),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
