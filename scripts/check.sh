#!/usr/bin/env bash
# The project's test command: installs the pinned toolchain if missing, then runs every check.
# Exits non-zero as soon as one fails.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/toolchain.sh

step() { echo; echo "==> $*  [$(date +%T)]"; }

step "format (cargo fmt --check)"
cargo fmt --all -- --check

# Clippy lints inside the test build: clippy-driver compiles the workspace's own crates (as
# `cargo clippy` does, with the same lints, warnings as errors) and plain rustc the dependencies,
# so the 800-crate dependency tree is compiled once for the lint and the tests instead of checked
# once and compiled again (docs/TOOLCHAIN.md). The settings are cargo `--config` flags, not
# environment: the contract builds that ink_e2e starts from the tests run their own clippy.
clippy_driver="$(rustup which --toolchain "$ICSETH_RUST" clippy-driver)"
linted=(
    --config "build.rustc-workspace-wrapper=\"$clippy_driver\""
    --config 'env.CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"'
)

step "lint and build every target of the workspace (clippy, warnings are errors)"
cargo "${linted[@]}" test --workspace --all-targets --no-run

step "unit and property tests (plain crate and contracts, off-chain)"
cargo "${linted[@]}" test --workspace --exclude icseth_e2e

# The integration tests of the whole workspace (the end-to-end suite and the CLI's), selected with
# `--workspace` like the steps above: `-p icseth_e2e` alone resolves dependency features differently
# and recompiled a minute of the dependency tree. `--show-output` prints what the passing tests
# say of themselves (the permission matrix's size).
step "end-to-end tests (embedded pallet-contracts chain; builds every contract to Wasm)"
cargo "${linted[@]}" test --workspace --test '*' -- --show-output

step "main job, as the README's first command runs it (release builds, the day, the auditor's report)"
out="$(mktemp -d)"
./scripts/demo.sh --out "$out"
for file in report.md audit.json chart.svg; do
    test -s "$out/$file" || { echo "icseth demo did not write $file"; exit 1; }
done

# The suite on the real contracts-node runtime (Chopsticks on loopback, Node.js 20): the runtime's
# Wasm is built and Chopsticks installed the first time (target/chain, chain/node_modules), then
# deploy and verify, the day, a wallet's client and the auditor's report, all over RPC.
step "the suite on a real runtime over RPC (scripts/chain-check.sh)"
./scripts/chain-check.sh

echo
echo "==> all checks passed  [$(date +%T)]"
