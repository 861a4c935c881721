#!/usr/bin/env bash
# The project's test command: installs the pinned toolchain if missing, then runs every check.
# Exits non-zero as soon as one fails.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/toolchain.sh

step() { echo; echo "==> $*"; }

step "format (cargo fmt --check)"
cargo fmt --all -- --check

step "lint (clippy on the workspace, warnings are errors)"
cargo clippy --workspace --all-targets --keep-going -- -D warnings

step "unit and property tests (plain crate and contracts, off-chain)"
cargo test --workspace --exclude icseth_e2e

step "end-to-end tests (embedded pallet-contracts chain; builds every contract to Wasm)"
cargo test -p icseth_e2e

step "main job, as the README's first command runs it (release builds, the day, the auditor's report)"
out="$(mktemp -d)"
./scripts/demo.sh --out "$out"
for file in report.md audit.json chart.svg; do
    test -s "$out/$file" || { echo "icseth demo did not write $file"; exit 1; }
done

echo
echo "==> all checks passed"
