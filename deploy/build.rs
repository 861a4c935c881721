//! One build folder for every contract's Wasm and metadata builds.
//!
//! contract-build (what ink_e2e and `icseth build` run) gives each contract of a workspace its own
//! target folder, `target/ink/<contract>/`, so ink!'s dependency tree is compiled once per
//! contract for the Wasm and again for the host-side metadata generator. The contracts resolve the
//! same dependency versions with the same features, so one folder serves them all: this script
//! points `target/ink/<contract>` at `target/ink/shared` before any contract is built (it runs
//! before the e2e tests and the CLI are compiled). Each contract's artifacts keep their own names
//! (`<contract>.wasm`, `.json`, `.contract`), so paths through the links stay as contract-build
//! reports them. A folder that is already a real directory is left alone (an older layout); the
//! build is then slower, never wrong. docs/TOOLCHAIN.md has the measurements.
use std::path::{Path, PathBuf};
use std::process::Command;

const SHARED: &str = "shared";

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=../Cargo.toml");
    let (target_dir, contracts) = match workspace_contracts() {
        Ok(found) => found,
        Err(reason) => {
            println!("cargo:warning=contract builds not shared ({reason}); each gets its own folder");
            return;
        }
    };
    let ink = target_dir.join("ink");
    if let Err(reason) = link_all(&ink, &contracts) {
        println!("cargo:warning=contract builds not shared ({reason}); each gets its own folder");
    }
}

/// The workspace's target folder and the names of its contract crates: the packages that declare
/// an `ink-as-dependency` feature, which is how ink_e2e picks what to build.
fn workspace_contracts() -> Result<(PathBuf, Vec<String>), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").map_err(|e| e.to_string())?;
    let output = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--no-deps", "--offline"])
        .current_dir(&manifest_dir)
        .output()
        .map_err(|e| format!("cargo metadata: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "cargo metadata: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let metadata: serde_json::Value =
        serde_json::from_slice(&output.stdout).map_err(|e| format!("cargo metadata: {e}"))?;
    let target_dir = metadata["target_directory"]
        .as_str()
        .map(PathBuf::from)
        .ok_or("cargo metadata: no target_directory")?;
    let contracts = metadata["packages"]
        .as_array()
        .ok_or("cargo metadata: no packages")?
        .iter()
        .filter(|package| package["features"].get("ink-as-dependency").is_some())
        .filter_map(|package| package["name"].as_str())
        .map(|name| name.replace('-', "_"))
        .collect();
    Ok((target_dir, contracts))
}

/// Makes `ink/<contract>` a link to `ink/shared` for each contract that has no folder yet.
fn link_all(ink: &Path, contracts: &[String]) -> Result<(), String> {
    let shared = ink.join(SHARED);
    std::fs::create_dir_all(&shared).map_err(|e| format!("{}: {e}", shared.display()))?;
    for contract in contracts {
        let link = ink.join(contract);
        match std::fs::symlink_metadata(&link) {
            Ok(meta) if meta.file_type().is_symlink() => {
                if std::fs::read_link(&link).ok().as_deref() == Some(Path::new(SHARED)) {
                    continue;
                }
                std::fs::remove_file(&link).map_err(|e| format!("{}: {e}", link.display()))?;
            }
            Ok(_) => continue,
            Err(_) => {}
        }
        std::os::unix::fs::symlink(SHARED, &link).map_err(|e| format!("{}: {e}", link.display()))?;
    }
    Ok(())
}
