//! `icseth build`: release builds of the six contracts with contract-build (what
//! `cargo contract build --release` runs), copied into one folder with their sizes.
use crate::error::CliError;
use contract_build::{
    BuildArtifacts, BuildMode, ExecuteArgs, Features, ImageVariant, ManifestPath, Network,
    OptimizationPasses, OutputType, Target, UnstableFlags, Verbosity, DEFAULT_MAX_MEMORY_PAGES,
};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

/// The Rust the contracts are built with (rust-toolchain.toml; docs/TOOLCHAIN.md says why).
pub const PINNED_RUST: &str = "1.91.0";

/// The six contracts, in deployment order: crate name and folder under the workspace root.
pub const CONTRACTS: [(&str, &str); 6] = [
    ("whitelist_board", "contracts/whitelist_board"),
    ("icseth_token", "contracts/icseth_token"),
    ("flash_exit_pool", "contracts/flash_exit_pool"),
    ("operator_registry", "contracts/operator_registry"),
    ("slash_protection", "contracts/slash_protection"),
    ("oracle_consensus", "contracts/oracle_consensus"),
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
}

/// The workspace root (the CLI lives in `<root>/cli`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
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
        metadata: size(&metadata).map(|_| metadata)?,
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
/// it is built from (its crate, the plain crate, the workspace manifest, lock file and toolchain
/// pin) changed after its Wasm was written, so a demo never runs stale code.
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
    ]
    .iter()
    .filter_map(|p| newest_under(p))
    .any(|source| source > built)
}

/// Checks that the pinned toolchain with `rust-src` is the one cargo runs here, so that a missing
/// toolchain fails with what to do instead of deep inside a nested cargo build.
pub fn check_toolchain() -> Result<(), CliError> {
    let fix = "run ./scripts/toolchain.sh (it installs Rust 1.91.0 with rust-src, clippy and rustfmt), \
               then run the command again from the repository";
    let rustc = |args: &[&str]| -> Result<String, CliError> {
        let output = Command::new("rustc")
            .args(args)
            .current_dir(workspace_root())
            .output()
            .map_err(|e| CliError::Toolchain(format!("cannot run rustc ({e}); {fix}")))?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            return Err(CliError::Toolchain(format!(
                "rustc {} failed: {}; {fix}",
                args.join(" "),
                stderr.trim()
            )));
        }
        Ok(String::from_utf8_lossy(&output.stdout).trim().to_string())
    };
    let version = rustc(&["--version"])?;
    if !version.starts_with(&format!("rustc {PINNED_RUST}")) {
        return Err(CliError::Toolchain(format!(
            "the contracts build with Rust {PINNED_RUST} and this is {version}; {fix}"
        )));
    }
    let sysroot = PathBuf::from(rustc(&["--print", "sysroot"])?);
    let rust_src = sysroot.join("lib/rustlib/src/rust/library");
    if !rust_src.is_dir() {
        return Err(CliError::Toolchain(format!(
            "the rust-src component of Rust {PINNED_RUST} is missing ({} does not exist); \
             run `rustup component add rust-src --toolchain {PINNED_RUST}` or ./scripts/toolchain.sh",
            rust_src.display()
        )));
    }
    Ok(())
}

/// Release-builds `contract` (from `dir` under the workspace root) and copies its three artifacts
/// into `out`.
fn build_one(contract: &str, dir: &str, out: &Path) -> Result<Artifact, CliError> {
    let failed = |reason: String| CliError::Build {
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
    std::fs::create_dir_all(out).map_err(|e| CliError::io(out, e))?;
    for (from, ext) in [
        (&wasm, "wasm"),
        (&metadata.dest_metadata, "json"),
        (&metadata.dest_bundle, "contract"),
    ] {
        let to = out.join(format!("{contract}.{ext}"));
        std::fs::copy(from, &to).map_err(|e| CliError::io(&to, e))?;
    }
    existing(out, contract).ok_or_else(|| failed(format!("artifacts missing in {}", out.display())))
}

/// Builds the contracts into `out`: all of them with `rebuild`, else those missing or older than
/// their sources (`needs_build`). `progress` hears one line per contract.
pub fn build_all(
    out: &Path,
    rebuild: bool,
    progress: &mut dyn FnMut(&str),
) -> Result<Vec<Artifact>, CliError> {
    let to_build: Vec<&str> = CONTRACTS
        .iter()
        .filter(|(name, dir)| rebuild || needs_build(out, name, dir))
        .map(|(name, _)| *name)
        .collect();
    if !to_build.is_empty() {
        check_toolchain()?;
        // The builds share `target/ink/<contract>/` with ink_e2e's debug builds: the host-side
        // metadata generator (the larger part, about 900 MB and a minute per contract) is built
        // once for both. Each mode's Wasm lands at the same path, so every build (ours or
        // ink_e2e's) post-processes its own; the artifacts are copied out at once.
        std::env::set_var("CARGO_RESOLVER_INCOMPATIBLE_RUST_VERSIONS", "fallback");
    }
    let mut artifacts = Vec::new();
    for (name, dir) in CONTRACTS {
        let artifact = if to_build.contains(&name) {
            progress(&format!("building {name} (release)"));
            build_one(name, dir, out)?
        } else {
            existing(out, name).ok_or_else(|| CliError::Build {
                contract: name.to_string(),
                reason: "artifacts vanished".into(),
            })?
        };
        progress(&format!(
            "{name}: {} bytes of Wasm, {} bytes bundle",
            artifact.wasm_bytes, artifact.bundle_bytes
        ));
        artifacts.push(artifact);
    }
    Ok(artifacts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, SystemTime};

    fn out_with(name: &str, contract: &str) -> PathBuf {
        let out = std::env::temp_dir().join(format!("icseth-build-test-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&out);
        std::fs::create_dir_all(&out).unwrap();
        for ext in ["wasm", "json", "contract"] {
            std::fs::write(out.join(format!("{contract}.{ext}")), b"\0asm").unwrap();
        }
        out
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
