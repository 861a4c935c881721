#!/usr/bin/env bash
# The suite's main job on the embedded chain: installs the pinned toolchain if missing, then runs
# `icseth demo` (release builds of the six contracts when missing, deployment, an institution's
# day, the auditor's report in target/icseth/report/). Extra arguments go to `icseth demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/toolchain.sh
cargo run --quiet -p icseth -- demo "$@"
