//! The command line: `icseth [build|demo|report]`, `demo` when no command is given.
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// Where `build` writes the release bundles, relative to the current directory.
pub const DEFAULT_CONTRACTS_DIR: &str = "target/icseth/contracts";
/// Where `demo` and `report` write the auditor's report.
pub const DEFAULT_REPORT_DIR: &str = "target/icseth/report";
/// Where `deploy` records a deployment on a node.
pub const DEFAULT_MANIFEST: &str = "target/icseth/manifest.json";
/// The manifest `demo --url` writes beside its report for the suite it deployed.
pub const MANIFEST_FILE: &str = "manifest.json";
/// The recorded chain state `demo` writes and `report` renders.
pub const AUDIT_FILE: &str = "audit.json";

#[derive(Debug, Parser, PartialEq, Eq)]
#[command(
    name = "icseth",
    version,
    about = "icsETH: build the seven contracts, run an institution's day on an embedded chain \
             or a node, and write the auditor's report"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand, PartialEq, Eq)]
pub enum Command {
    /// Release builds of the seven contracts (.contract bundle, .wasm, metadata .json) into one
    /// folder, with their sizes. Needs the pinned toolchain (./scripts/toolchain.sh).
    Build(BuildArgs),
    /// The main job (the default): builds what is missing, deploys and wires the suite on an
    /// in-process pallet-contracts chain (or the node at `--url`), runs an institution's day, and
    /// writes the auditor's report.
    Demo(DemoArgs),
    /// Deploys the release bundles on the node at `--url` under a board given by flags, recording
    /// each step in a manifest: an interrupted deployment resumes from it, a complete one is
    /// verified against the chain (code hashes, wiring, roles). The signer's secret comes from
    /// `--secret-file`, `$ICSETH_SECRET` or standard input, never from an argument.
    Deploy(DeployArgs),
    /// Renders the auditor's report (Markdown, JSON and SVG) from a state recorded by `demo`, or
    /// with `--url` from the suite a manifest records on a node.
    Report(ReportArgs),
}

#[derive(Debug, Args, PartialEq, Eq, Clone)]
pub struct DeployArgs {
    /// The node's WebSocket URL (for example ws://127.0.0.1:9944).
    #[arg(long)]
    pub url: String,
    /// The deployment's record: written after each step; an incomplete one is resumed, a complete
    /// one verified.
    #[arg(long, default_value = DEFAULT_MANIFEST)]
    pub manifest: PathBuf,
    /// Folder of the release builds: missing ones are built first.
    #[arg(long, default_value = DEFAULT_CONTRACTS_DIR)]
    pub contracts: PathBuf,
    /// A file holding the signer's secret URI (a mnemonic, a 0x seed, or //Alice on a dev chain).
    #[arg(long)]
    pub secret_file: Option<PathBuf>,
    /// A board member, SS58 or 0x hex (repeat for each); the signer alone when none is given. The
    /// first is the protocol's own member.
    #[arg(long = "board-member")]
    pub board_members: Vec<String>,
    /// Votes a board decision needs (default: more than half of the members).
    #[arg(long)]
    pub quorum: Option<u32>,
    /// May pause the suite (never unpause); default the signer.
    #[arg(long)]
    pub guardian: Option<String>,
    /// Moves buffered value to operators; default the signer.
    #[arg(long)]
    pub staking_manager: Option<String>,
    /// Receives the protocol fee; default the signer.
    #[arg(long)]
    pub treasury: Option<String>,
    /// The smallest deposit an institution may make, in whole ETH.
    #[arg(long, default_value_t = 32)]
    pub min_deposit_eth: u64,
    /// Deploy on a chain whose native token has this many decimals instead of 18 (the suite's
    /// amounts then mean other units: read the README's chain table first).
    #[arg(long)]
    pub allow_decimals: Option<u32>,
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
    /// A node's WebSocket URL (for example ws://127.0.0.1:9944 from ./scripts/chain.sh): the day
    /// runs there instead of on the embedded chain, signed by the development accounts (Alice to
    /// Ferdie, One, Two), with time moved by the node's `dev_timeTravel`.
    #[arg(long)]
    pub url: Option<String>,
}

impl Default for DemoArgs {
    fn default() -> Self {
        Self {
            contracts: DEFAULT_CONTRACTS_DIR.into(),
            rebuild: false,
            out: DEFAULT_REPORT_DIR.into(),
            url: None,
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
    /// A node's WebSocket URL: the report is read from the suite deployed there (`--manifest`)
    /// instead of a recorded state. Its history needs the node to keep every block since the
    /// deployment (an archive node).
    #[arg(long)]
    pub url: Option<String>,
    /// The deployment's manifest (written by `deploy`), read with `--url`; the events read are
    /// kept beside it so the next run reads only newer blocks.
    #[arg(long, default_value = DEFAULT_MANIFEST)]
    pub manifest: PathBuf,
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
                out: "r".into(),
                url: None,
            })
        );
    }

    #[test]
    fn demo_takes_a_node_url() {
        let Command::Demo(args) = parse(&["demo", "--url", "ws://127.0.0.1:9944"]).unwrap() else {
            panic!("not the demo command");
        };
        assert_eq!(args.url.as_deref(), Some("ws://127.0.0.1:9944"));
        assert_eq!(args.contracts, PathBuf::from(DEFAULT_CONTRACTS_DIR));
    }

    #[test]
    fn deploy_takes_a_url_a_board_and_roles_but_never_a_secret() {
        let Command::Deploy(args) = parse(&[
            "deploy",
            "--url",
            "ws://127.0.0.1:9944",
            "--board-member",
            "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY",
            "--board-member",
            "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty",
            "--quorum",
            "2",
            "--secret-file",
            "secret.txt",
        ])
        .unwrap() else {
            panic!("not the deploy command");
        };
        assert_eq!(args.url, "ws://127.0.0.1:9944");
        assert_eq!(args.board_members.len(), 2);
        assert_eq!(args.quorum, Some(2));
        assert_eq!(args.manifest, PathBuf::from(DEFAULT_MANIFEST));
        assert_eq!(args.secret_file, Some(PathBuf::from("secret.txt")));
        assert_eq!(args.min_deposit_eth, 32);
    }

    #[test]
    fn report_reads_the_demo_state_by_default() {
        let Command::Report(args) = parse(&["report"]).unwrap() else {
            panic!("not the report command");
        };
        assert_eq!(args.state, PathBuf::from(DEFAULT_REPORT_DIR).join(AUDIT_FILE));
        assert_eq!(args.out, PathBuf::from(DEFAULT_REPORT_DIR));
        assert_eq!(args.url, None);
        let Command::Report(args) =
            parse(&["report", "--url", "ws://n:9944", "--manifest", "m.json"]).unwrap()
        else {
            panic!("not the report command");
        };
        assert_eq!(args.url.as_deref(), Some("ws://n:9944"));
        assert_eq!(args.manifest, PathBuf::from("m.json"));
    }

    #[test]
    fn unknown_commands_and_flags_are_usage_errors() {
        for args in [
            &["deploy"][..],
            &["deploy", "--secret", "//Alice", "--url", "ws://x"],
            &["build", "--release"],
            &["demo", "--out"],
            &["demo", "--url"],
        ] {
            let error = parse(args).unwrap_err();
            assert_eq!(error.exit_code(), 2, "{args:?}");
        }
    }
}
