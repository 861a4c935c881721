// icsETH patch (not part of upstream cargo-contract 5.0.3): the check that a contract build
// resolved only versions the workspace's committed `Cargo.lock` holds.

use anyhow::{
    Context,
    Result,
};
use std::{
    collections::BTreeSet,
    path::Path,
};

/// A locked package: name, version and source (registry or git; path packages have none and
/// are left out: they are the workspace's own crates and the generated metadata package).
type Locked = (String, String, String);

fn locked_packages(path: &Path) -> Result<BTreeSet<Locked>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let lock: toml::Table = toml::from_str(&text)
        .with_context(|| format!("cannot parse {}", path.display()))?;
    let packages = lock
        .get("package")
        .and_then(toml::Value::as_array)
        .cloned()
        .unwrap_or_default();
    let field = |package: &toml::Value, key: &str| {
        package
            .get(key)
            .and_then(toml::Value::as_str)
            .map(str::to_owned)
    };
    Ok(packages
        .iter()
        .filter_map(|package| {
            Some((
                field(package, "name")?,
                field(package, "version")?,
                field(package, "source")?,
            ))
        })
        .collect())
}

/// Fails, naming them, when the build's lock file (`built`) holds a registry or git package
/// that the committed lock file (`committed`) does not hold at the same version and source.
pub fn check_resolved_within(committed: &Path, built: &Path) -> Result<()> {
    let committed_packages = locked_packages(committed)?;
    let unlocked: Vec<String> = locked_packages(built)?
        .difference(&committed_packages)
        .map(|(name, version, source)| format!("{name} {version} ({source})"))
        .collect();
    if unlocked.is_empty() {
        return Ok(())
    }
    anyhow::bail!(
        "the contract build resolved {} package version(s) that {} does not lock: {}; \
         run `cargo update -p <package> --precise <version>` in the workspace or add the \
         dependency there, so that every Wasm build uses the committed versions",
        unlocked.len(),
        committed.display(),
        unlocked.join(", ")
    )
}
