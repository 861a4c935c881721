#!/usr/bin/env bash
# Writes target/bench/report.md and report.json (weights, storage deposits, code sizes).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/toolchain.sh
cargo run -p icseth_e2e --bin bench
