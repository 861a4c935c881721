#!/usr/bin/env bash
# Installs the pinned toolchain (rust-toolchain.toml) when it or a component is missing, and sets
# the environment every build of this project needs. Sourced by the other scripts.
# RUSTUP_AUTO_INSTALL=0 on these machines: nothing installs the pin by itself.
set -euo pipefail
ICSETH_RUST="1.91.0"
if ! command -v rustup >/dev/null 2>&1; then
    echo "error: rustup is not installed; install it from https://rustup.rs, then run this again" >&2
    exit 1
fi
if ! rustup run "$ICSETH_RUST" rustc --version >/dev/null 2>&1 \
    || ! rustup component list --toolchain "$ICSETH_RUST" --installed 2>/dev/null | grep -q '^rust-src' \
    || ! rustup component list --toolchain "$ICSETH_RUST" --installed 2>/dev/null | grep -q '^clippy' \
    || ! rustup component list --toolchain "$ICSETH_RUST" --installed 2>/dev/null | grep -q '^rustfmt'; then
    echo "==> installing Rust $ICSETH_RUST with rust-src, clippy, rustfmt"
    rustup toolchain install "$ICSETH_RUST" --profile minimal -c rust-src,clippy,rustfmt
fi
# When cargo resolves a version Cargo.lock does not hold (a new dependency): skip versions that need a
# newer Rust than the pin (docs/TOOLCHAIN.md).
export CARGO_RESOLVER_INCOMPATIBLE_RUST_VERSIONS=fallback
