//! The command line: `icseth [build|demo|report]`, `demo` when no command is given.
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// Where `build` writes the release bundles, relative to the current directory.
pub const DEFAULT_CONTRACTS_DIR: &str = "target/icseth/contracts";
/// Where `demo` and `report` write the auditor's report.
pub const DEFAULT_REPORT_DIR: &str = "target/icseth/report";
/// The recorded chain state `demo` writes and `report` renders.
pub const AUDIT_FILE: &str = "audit.json";

#[derive(Debug, Parser, PartialEq, Eq)]
#[command(
    name = "icseth",
    version,
    about = "icsETH: build the six contracts, run an institution's day on an embedded chain, \
             and write the auditor's report"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand, PartialEq, Eq)]
pub enum Command {
    /// Release builds of the six contracts (.contract bundle, .wasm, metadata .json) into one
    /// folder, with their sizes. Needs the pinned toolchain (./scripts/toolchain.sh).
    Build(BuildArgs),
    /// The main job (the default): builds what is missing, deploys and wires the suite on an
    /// in-process pallet-contracts chain, runs an institution's day, and writes the auditor's report.
    Demo(DemoArgs),
    /// Renders the auditor's report (Markdown, JSON and SVG) from a state recorded by `demo`.
    Report(ReportArgs),
}

#[derive(Debug, Args, PartialEq, Eq, Clone)]
pub struct BuildArgs {
    /// Folder for the bundles, Wasm and metadata files.
    #[arg(long, default_value = DEFAULT_CONTRACTS_DIR)]
    pub out: PathBuf,
}

#[derive(Debug, Args, PartialEq, Eq, Clone)]
pub struct DemoArgs {
    /// Folder of the release builds: missing ones are built first.
    #[arg(long, default_value = DEFAULT_CONTRACTS_DIR)]
    pub contracts: PathBuf,
    /// Rebuild every contract even when its bundle is present.
    #[arg(long)]
    pub rebuild: bool,
    /// Folder for report.md, audit.json and chart.svg.
    #[arg(long, default_value = DEFAULT_REPORT_DIR)]
    pub out: PathBuf,
}

impl Default for DemoArgs {
    fn default() -> Self {
        Self {
            contracts: DEFAULT_CONTRACTS_DIR.into(),
            rebuild: false,
            out: DEFAULT_REPORT_DIR.into(),
        }
    }
}

#[derive(Debug, Args, PartialEq, Eq, Clone)]
pub struct ReportArgs {
    /// The recorded state (written by `demo`).
    #[arg(long, default_value = concat!("target/icseth/report/", "audit.json"))]
    pub state: PathBuf,
    /// Folder for report.md, audit.json and chart.svg.
    #[arg(long, default_value = DEFAULT_REPORT_DIR)]
    pub out: PathBuf,
}

impl Cli {
    /// The command to run: `demo` with its defaults when none was given.
    pub fn into_command(self) -> Command {
        self.command.unwrap_or(Command::Demo(DemoArgs::default()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Command, clap::Error> {
        Cli::try_parse_from(std::iter::once("icseth").chain(args.iter().copied())).map(Cli::into_command)
    }

    #[test]
    fn no_command_is_the_demo_with_defaults() {
        assert_eq!(parse(&[]).unwrap(), Command::Demo(DemoArgs::default()));
    }

    #[test]
    fn build_takes_an_output_folder() {
        assert_eq!(
            parse(&["build"]).unwrap(),
            Command::Build(BuildArgs {
                out: DEFAULT_CONTRACTS_DIR.into()
            })
        );
        assert_eq!(
            parse(&["build", "--out", "/tmp/bundles"]).unwrap(),
            Command::Build(BuildArgs {
                out: "/tmp/bundles".into()
            })
        );
    }

    #[test]
    fn demo_takes_its_folders_and_rebuild() {
        assert_eq!(
            parse(&["demo", "--rebuild", "--out", "r", "--contracts", "c"]).unwrap(),
            Command::Demo(DemoArgs {
                contracts: "c".into(),
                rebuild: true,
                out: "r".into()
            })
        );
    }

    #[test]
    fn report_reads_the_demo_state_by_default() {
        let Command::Report(args) = parse(&["report"]).unwrap() else {
            panic!("not the report command");
        };
        assert_eq!(args.state, PathBuf::from(DEFAULT_REPORT_DIR).join(AUDIT_FILE));
        assert_eq!(args.out, PathBuf::from(DEFAULT_REPORT_DIR));
    }

    #[test]
    fn unknown_commands_and_flags_are_usage_errors() {
        for args in [&["deploy"][..], &["build", "--release"], &["demo", "--out"]] {
            let error = parse(args).unwrap_err();
            assert_eq!(error.exit_code(), 2, "{args:?}");
        }
    }
}
