#!/usr/bin/env bash
# The suite's main job on the embedded chain (installs the pinned toolchain first if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/toolchain.sh
cargo run -p icseth_e2e --bin demo
