//! Release builds of the contracts with contract-build (what `cargo contract build --release`
//! runs), copied into one folder with their sizes and code hashes, each held to a size budget.
//!
//! The Wasm builds take the versions of the committed Cargo.lock and fail if they resolved any
//! other (the patched contract-build, vendor/contract-build/PATCHED.md), so a deployed code hash
//! can be rebuilt from the published source.
use contract_build::{
    BuildArtifacts, BuildMode, ExecuteArgs, Features, ImageVariant, ManifestPath, Network,
    OptimizationPasses, OutputType, Target, UnstableFlags, Verbosity, DEFAULT_MAX_MEMORY_PAGES,
};
use serde::Serialize;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

/// Why a build did not give its artifacts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BuildError {
    /// The pinned Rust toolchain (or its rust-src) is missing.
    Toolchain(String),
    /// A contract failed to build.
    Build { contract: String, reason: String },
    /// A contract's release Wasm is larger than its budget.
    OverBudget {
        contract: String,
        wasm_bytes: u64,
        budget_bytes: u64,
    },
    /// A file could not be read or written.
    Io { path: String, error: String },
}

impl BuildError {
    pub fn io(path: &Path, error: impl fmt::Display) -> Self {
        BuildError::Io {
            path: path.display().to_string(),
            error: error.to_string(),
        }
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::Toolchain(why) => write!(f, "toolchain: {why}"),
            BuildError::Build { contract, reason } => write!(
                f,
                "building {contract} failed: {reason}\n(the nested cargo output above says where; \
                 `cargo test -p {contract}` shows compile errors faster)"
            ),
            BuildError::OverBudget {
                contract,
                wasm_bytes,
                budget_bytes,
            } => write!(
                f,
                "{contract}'s release Wasm is {wasm_bytes} bytes, above its budget of {budget_bytes} \
                 (every call to a contract pays for loading its code: docs/COST.md says how budgets \
                 are set and changed)"
            ),
            BuildError::Io { path, error } => write!(f, "{path}: {error}"),
        }
    }
}

impl std::error::Error for BuildError {}

/// The Rust the contracts are built with (rust-toolchain.toml; docs/TOOLCHAIN.md says why).
pub const PINNED_RUST: &str = "1.91.0";

/// A contract crate: its name, its folder under the workspace root and the largest release Wasm
/// it may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Contract {
    pub name: &'static str,
    pub dir: &'static str,
    /// Every call frame loads the callee's whole code: pallet-contracts charges about 33,471
    /// ref_time and one proof byte per code byte, so code size is a cost every message pays.
    /// docs/COST.md gives each budget's basis; a build above it fails.
    pub release_budget_bytes: u64,
}

const KIB: u64 = 1024;

/// The seven contracts, in deployment order.
pub const CONTRACTS: [Contract; 7] = [
    Contract {
        name: "whitelist_board",
        dir: "contracts/whitelist_board",
        release_budget_bytes: 56 * KIB,
    },
    Contract {
        name: "icseth_token",
        dir: "contracts/icseth_token",
        release_budget_bytes: 24 * KIB,
    },
    Contract {
        name: "icseth_accounting",
        dir: "contracts/icseth_accounting",
        release_budget_bytes: 96 * KIB,
    },
    Contract {
        name: "flash_exit_pool",
        dir: "contracts/flash_exit_pool",
        release_budget_bytes: 32 * KIB,
    },
    Contract {
        name: "operator_registry",
        dir: "contracts/operator_registry",
        release_budget_bytes: 60 * KIB,
    },
    Contract {
        name: "slash_protection",
        dir: "contracts/slash_protection",
        release_budget_bytes: 28 * KIB,
    },
    Contract {
        name: "oracle_consensus",
        dir: "contracts/oracle_consensus",
        release_budget_bytes: 48 * KIB,
    },
];

/// One contract's release artifacts in the output folder.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Artifact {
    pub contract: String,
    pub bundle: PathBuf,
    pub wasm: PathBuf,
    pub metadata: PathBuf,
    pub wasm_bytes: u64,
    pub bundle_bytes: u64,
    /// The code hash the chain will know the code by (BLAKE2b-256 of the Wasm, as contract-build
    /// writes it into the metadata), `0x`-prefixed hex.
    pub code_hash: String,
}

/// The workspace root (this crate lives in `<root>/deploy`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// The code hash contract-build wrote into a contract's metadata (`source.hash`).
fn code_hash_in(metadata: &Path) -> Option<String> {
    let text = std::fs::read(metadata).ok()?;
    let json: serde_json::Value = serde_json::from_slice(&text).ok()?;
    json.pointer("/source/hash")?.as_str().map(str::to_owned)
}

/// The artifacts of `contract` in `out`, if all three files are there.
pub fn existing(out: &Path, contract: &str) -> Option<Artifact> {
    let artifact = |ext: &str| out.join(format!("{contract}.{ext}"));
    let (bundle, wasm, metadata) = (artifact("contract"), artifact("wasm"), artifact("json"));
    let size = |p: &Path| std::fs::metadata(p).ok().map(|m| m.len());
    Some(Artifact {
        contract: contract.to_string(),
        wasm_bytes: size(&wasm)?,
        bundle_bytes: size(&bundle)?,
        code_hash: code_hash_in(&metadata)?,
        metadata,
        bundle,
        wasm,
    })
}

/// The newest modification time among the files under `path` (recursively).
fn newest_under(path: &Path) -> Option<SystemTime> {
    let meta = std::fs::metadata(path).ok()?;
    if meta.is_file() {
        return meta.modified().ok();
    }
    std::fs::read_dir(path)
        .ok()?
        .filter_map(Result::ok)
        .filter(|entry| entry.file_name() != "target")
        .filter_map(|entry| newest_under(&entry.path()))
        .max()
}

/// Whether `contract` (in `dir`) must be built into `out`: its artifacts are missing, or a source
/// it is built from (its crate, the plain crate, the workspace manifest, lock file, toolchain
/// pin and the build library) changed after its Wasm was written, so a demo never runs stale code.
pub fn needs_build(out: &Path, contract: &str, dir: &str) -> bool {
    let Some(artifact) = existing(out, contract) else {
        return true;
    };
    let Ok(built) = std::fs::metadata(&artifact.wasm).and_then(|m| m.modified()) else {
        return true;
    };
    let root = workspace_root();
    [
        root.join(dir),
        root.join("contracts/icseth_core"),
        root.join("Cargo.toml"),
        root.join("Cargo.lock"),
        root.join("rust-toolchain.toml"),
        root.join("vendor/contract-build"),
    ]
    .iter()
    .filter_map(|p| newest_under(p))
    .any(|source| source > built)
}

/// Checks that the pinned toolchain with `rust-src` is the one cargo runs here, so that a missing
/// toolchain fails with what to do instead of deep inside a nested cargo build.
pub fn check_toolchain() -> Result<(), BuildError> {
    let fix = "run ./scripts/toolchain.sh (it installs Rust 1.91.0 with rust-src, clippy and rustfmt), \
               then run the command again from the repository";
    let rustc = |args: &[&str]| -> Result<String, BuildError> {
        let output = Command::new("rustc")
            .args(args)
            .current_dir(workspace_root())
            .output()
            .map_err(|e| BuildError::Toolchain(format!("cannot run rustc ({e}); {fix}")))?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            return Err(BuildError::Toolchain(format!(
                "rustc {} failed: {}; {fix}",
                args.join(" "),
                stderr.trim()
            )));
        }
        Ok(String::from_utf8_lossy(&output.stdout).trim().to_string())
    };
    let version = rustc(&["--version"])?;
    if !version.starts_with(&format!("rustc {PINNED_RUST}")) {
        return Err(BuildError::Toolchain(format!(
            "the contracts build with Rust {PINNED_RUST} and this is {version}; {fix}"
        )));
    }
    let sysroot = PathBuf::from(rustc(&["--print", "sysroot"])?);
    let rust_src = sysroot.join("lib/rustlib/src/rust/library");
    if !rust_src.is_dir() {
        return Err(BuildError::Toolchain(format!(
            "the rust-src component of Rust {PINNED_RUST} is missing ({} does not exist); \
             run `rustup component add rust-src --toolchain {PINNED_RUST}` or ./scripts/toolchain.sh",
            rust_src.display()
        )));
    }
    Ok(())
}

/// Release-builds the contract crate `contract` (in `dir` under the workspace root) and copies its
/// three artifacts into `out`. Used for the suite's contracts and the benchmark's reference
/// contracts alike; budgets are the caller's (`build_all` holds the suite to theirs).
pub fn build_release(contract: &str, dir: &str, out: &Path) -> Result<Artifact, BuildError> {
    let failed = |reason: String| BuildError::Build {
        contract: contract.to_string(),
        reason,
    };
    let manifest = ManifestPath::new(workspace_root().join(dir).join("Cargo.toml"))
        .map_err(|e| failed(format!("no manifest: {e}")))?;
    let args = ExecuteArgs {
        manifest_path: manifest,
        verbosity: Verbosity::Quiet,
        build_mode: BuildMode::Release,
        features: Features::default(),
        network: Network::Online,
        build_artifact: BuildArtifacts::All,
        unstable_flags: UnstableFlags::default(),
        optimization_passes: Some(OptimizationPasses::default()),
        keep_debug_symbols: false,
        extra_lints: false,
        output_type: OutputType::HumanReadable,
        skip_wasm_validation: false,
        target: Target::Wasm,
        max_memory_pages: DEFAULT_MAX_MEMORY_PAGES,
        image: ImageVariant::Default,
    };
    let result = contract_build::execute(args).map_err(|e| failed(format!("{e:#}")))?;
    let wasm = result
        .dest_wasm
        .ok_or_else(|| failed("contract-build wrote no Wasm".into()))?;
    let metadata = result
        .metadata_result
        .ok_or_else(|| failed("contract-build wrote no metadata".into()))?;
    std::fs::create_dir_all(out).map_err(|e| BuildError::io(out, e))?;
    for (from, ext) in [
        (&wasm, "wasm"),
        (&metadata.dest_metadata, "json"),
        (&metadata.dest_bundle, "contract"),
    ] {
        let to = out.join(format!("{contract}.{ext}"));
        std::fs::copy(from, &to).map_err(|e| BuildError::io(&to, e))?;
    }
    existing(out, contract).ok_or_else(|| failed(format!("artifacts missing in {}", out.display())))
}

/// Builds the contracts into `out`: all of them with `rebuild`, else those missing or older than
/// their sources (`needs_build`). `progress` hears one line per contract.
pub fn build_all(
    out: &Path,
    rebuild: bool,
    progress: &mut dyn FnMut(&str),
) -> Result<Vec<Artifact>, BuildError> {
    let to_build: Vec<&str> = CONTRACTS
        .iter()
        .filter(|c| rebuild || needs_build(out, c.name, c.dir))
        .map(|c| c.name)
        .collect();
    if !to_build.is_empty() {
        check_toolchain()?;
    }
    let mut artifacts = Vec::new();
    for contract in CONTRACTS {
        let name = contract.name;
        // The builds share `target/ink/<contract>/` with ink_e2e's debug builds: the host-side
        // metadata generator (the larger part, about 900 MB and a minute per contract) is built
        // once for both. Each mode's Wasm lands at the same path, so every build (ours or
        // ink_e2e's) post-processes its own; the artifacts are copied out at once.
        let artifact = if to_build.contains(&name) {
            progress(&format!("building {name} (release)"));
            build_release(name, contract.dir, out)?
        } else {
            existing(out, name).ok_or_else(|| BuildError::Build {
                contract: name.to_string(),
                reason: "artifacts vanished".into(),
            })?
        };
        within_budget(&contract, &artifact)?;
        progress(&format!(
            "{name}: {} bytes of Wasm (budget {}), {} bytes bundle, code hash {}",
            artifact.wasm_bytes, contract.release_budget_bytes, artifact.bundle_bytes, artifact.code_hash
        ));
        artifacts.push(artifact);
    }
    Ok(artifacts)
}

/// Fails when `artifact`'s Wasm is larger than `contract`'s release budget.
pub fn within_budget(contract: &Contract, artifact: &Artifact) -> Result<(), BuildError> {
    if artifact.wasm_bytes > contract.release_budget_bytes {
        return Err(BuildError::OverBudget {
            contract: contract.name.to_string(),
            wasm_bytes: artifact.wasm_bytes,
            budget_bytes: contract.release_budget_bytes,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, SystemTime};

    fn out_with(name: &str, contract: &str) -> PathBuf {
        let out = std::env::temp_dir().join(format!("icseth-build-test-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&out);
        std::fs::create_dir_all(&out).unwrap();
        for ext in ["wasm", "contract"] {
            std::fs::write(out.join(format!("{contract}.{ext}")), b"\0asm").unwrap();
        }
        std::fs::write(
            out.join(format!("{contract}.json")),
            br#"{"source": {"hash": "0x0102"}}"#,
        )
        .unwrap();
        out
    }

    #[test]
    fn the_code_hash_is_the_one_in_the_metadata() {
        let out = out_with("hash", "flash_exit_pool");
        assert_eq!(existing(&out, "flash_exit_pool").unwrap().code_hash, "0x0102");
        // metadata without a hash: the artifacts are not taken as built
        std::fs::write(out.join("flash_exit_pool.json"), b"{}").unwrap();
        assert!(existing(&out, "flash_exit_pool").is_none());
    }

    #[test]
    fn a_release_wasm_above_its_budget_fails_the_build() {
        let out = out_with("budget", "slash_protection");
        let mut artifact = existing(&out, "slash_protection").unwrap();
        let contract = *CONTRACTS
            .iter()
            .find(|c| c.name == "slash_protection")
            .expect("slash_protection is built");
        artifact.wasm_bytes = contract.release_budget_bytes;
        assert_eq!(within_budget(&contract, &artifact), Ok(()));
        artifact.wasm_bytes = contract.release_budget_bytes + 1;
        assert_eq!(
            within_budget(&contract, &artifact),
            Err(BuildError::OverBudget {
                contract: "slash_protection".into(),
                wasm_bytes: contract.release_budget_bytes + 1,
                budget_bytes: contract.release_budget_bytes,
            })
        );
    }

    #[test]
    fn a_wasm_build_that_resolved_an_unlocked_version_fails() {
        let dir = std::env::temp_dir().join(format!("icseth-lock-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let lock = |packages: &[(&str, &str, Option<&str>)]| {
            let mut text = String::from("version = 4\n");
            for (name, version, source) in packages {
                text.push_str(&format!(
                    "\n[[package]]\nname = \"{name}\"\nversion = \"{version}\"\n"
                ));
                if let Some(source) = source {
                    text.push_str(&format!("source = \"{source}\"\n"));
                }
            }
            text
        };
        let registry = Some("registry+https://github.com/rust-lang/crates.io-index");
        let committed = dir.join("committed.lock");
        std::fs::write(
            &committed,
            lock(&[
                ("crunchy", "0.2.2", registry),
                ("uint", "0.9.5", registry),
                ("icseth_core", "0.1.0", None),
            ]),
        )
        .unwrap();
        // a subset, and path packages the workspace does not lock (the generated metadata crate)
        let built = dir.join("built.lock");
        std::fs::write(
            &built,
            lock(&[("crunchy", "0.2.2", registry), ("metadata-gen", "0.1.0", None)]),
        )
        .unwrap();
        assert!(contract_build::check_resolved_within(&committed, &built).is_ok());
        // another version of a locked package, and a package the lock does not have
        std::fs::write(
            &built,
            lock(&[
                ("crunchy", "0.2.4", registry),
                ("uint", "0.9.5", registry),
                ("hex", "0.4.3", registry),
            ]),
        )
        .unwrap();
        let refused = contract_build::check_resolved_within(&committed, &built)
            .unwrap_err()
            .to_string();
        assert!(refused.contains("2 package version(s)"), "{refused}");
        assert!(
            refused.contains("crunchy 0.2.4") && refused.contains("hex 0.4.3"),
            "{refused}"
        );
        assert!(!refused.contains("uint"), "{refused}");
    }

    #[test]
    fn artifacts_newer_than_their_sources_are_kept() {
        let out = out_with("fresh", "slash_protection");
        assert!(!needs_build(
            &out,
            "slash_protection",
            "contracts/slash_protection"
        ));
        let artifact = existing(&out, "slash_protection").unwrap();
        assert_eq!((artifact.wasm_bytes, artifact.bundle_bytes), (4, 4));
    }

    #[test]
    fn missing_or_stale_artifacts_are_built() {
        let out = out_with("stale", "slash_protection");
        // another contract's artifacts are missing
        assert!(needs_build(&out, "icseth_token", "contracts/icseth_token"));
        // a Wasm older than the sources (written "in 1970")
        let wasm = std::fs::File::options()
            .write(true)
            .open(out.join("slash_protection.wasm"))
            .unwrap();
        wasm.set_modified(SystemTime::UNIX_EPOCH + Duration::from_secs(1))
            .unwrap();
        assert!(needs_build(
            &out,
            "slash_protection",
            "contracts/slash_protection"
        ));
        // one of the three files missing
        let out = out_with("partial", "flash_exit_pool");
        std::fs::remove_file(out.join("flash_exit_pool.json")).unwrap();
        assert!(existing(&out, "flash_exit_pool").is_none());
        assert!(needs_build(&out, "flash_exit_pool", "contracts/flash_exit_pool"));
    }
}
