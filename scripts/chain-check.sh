#!/usr/bin/env bash
# The suite on a real runtime: starts the Chopsticks chain (scripts/chain.sh; or uses --url), makes
# the release bundles when missing (`icseth build`), deploys and wires the six contracts over RPC
# with ink_e2e's node client, reads them back, moves the chain's time and shows what the next
# transaction sees (deploy/examples/deploy_over_rpc.rs); stops the chain it started.
#   ./scripts/chain-check.sh [--url ws://HOST:PORT]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/toolchain.sh
url=""
case "${1:-}" in
--url) url="${2:?usage: ./scripts/chain-check.sh [--url ws://HOST:PORT]}" ;;
"") ;;
*) echo "usage: ./scripts/chain-check.sh [--url ws://HOST:PORT]" >&2; exit 2 ;;
esac
contracts=target/icseth/contracts
echo "==> release bundles in $contracts (built when missing)"
cargo run --quiet -p icseth -- build --out "$contracts" >/dev/null
cargo build --quiet -p icseth_deploy --example deploy_over_rpc
if [ -z "$url" ]; then
    port="${ICSETH_CHAIN_PORT:-9944}"
    ./scripts/chain.sh --build
    node chain/launch.mjs target/chain/genesis.json "$port" >target/chain/chain.log 2>&1 &
    chain_pid=$!
    trap 'kill "$chain_pid" 2>/dev/null || true; wait "$chain_pid" 2>/dev/null || true' EXIT
    for _ in $(seq 1 60); do
        grep -q 'chain ready' target/chain/chain.log 2>/dev/null && break
        sleep 1
    done
    grep -q 'chain ready' target/chain/chain.log || { echo "error: the chain did not start (target/chain/chain.log)" >&2; exit 1; }
    url="ws://127.0.0.1:$port"
fi
echo "==> deploying, wiring and reading the suite on $url"
./target/debug/examples/deploy_over_rpc "$url" "$contracts"
echo "==> the suite runs on $url"
