#!/usr/bin/env bash
# A real pallet-contracts runtime for the suite: Chopsticks (npm @acala-network/chopsticks 1.1.0,
# pinned by chain/package-lock.json) executing the contracts-node 0.41.0 runtime (pallet-contracts
# 31.0.0, the embedded chain's version), built here to Wasm, from a raw genesis with the dev
# accounts funded. Serves JSON-RPC on loopback only; docs/TOOLCHAIN.md has the measurements.
#   ./scripts/chain.sh            builds what is missing, starts the chain, prints its URL; Ctrl-C stops it
#   ./scripts/chain.sh --build    only builds the runtime Wasm, installs Chopsticks, writes the genesis
#   ./scripts/chain.sh --smoke    starts it, checks it as a wallet's client sees it (chain/smoke.mjs), stops it
# ICSETH_CHAIN_PORT sets the port (default 9944). Outputs are cached in target/chain/.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/toolchain.sh
out="$PWD/target/chain"
mkdir -p "$out"
wasm="$out/contracts_node_runtime.wasm"
genesis="$out/genesis.json"
port="${ICSETH_CHAIN_PORT:-9944}"

if [ ! -s "$wasm" ]; then
    echo "==> building the contracts-node 0.41.0 runtime to Wasm (chain/runtime; about 2.5 min cold)"
    # What substrate-wasm-builder passes for a runtime, with core and alloc built from rust-src
    # (no wasm32 std needed); RUSTC_BOOTSTRAP for -Z build-std on the stable pin.
    (
        cd chain/runtime
        RUSTC_BOOTSTRAP=1 \
        RUSTFLAGS="-C target-cpu=mvp -C target-feature=-sign-ext -C link-arg=--export-table -C link-arg=--export=__heap_base -C link-arg=--import-memory --cfg substrate_runtime" \
        CARGO_TARGET_DIR="$out/build" \
            cargo build --release --locked --target wasm32-unknown-unknown -Z build-std=core,alloc
    )
    cp "$out/build/wasm32-unknown-unknown/release/icseth_chain_runtime.wasm" "$wasm"
    # Pinned toolchain and committed lock; the Wasm also keeps source paths (panic locations), so
    # a checkout at another path or another cargo home gives another hash (measured: a fresh
    # clone at /work/cold with its own cargo home did). The hash is what this repository's
    # checkout at /work/main built; another one is reported, not refused.
    if ! (cd "$out" && sha256sum --check --quiet "$OLDPWD/chain/runtime/wasm.sha256" 2>/dev/null); then
        echo "note: the runtime Wasm's hash ($(sha256sum "$wasm" | cut -d' ' -f1)) is not the one in" \
            "chain/runtime/wasm.sha256, built at another path (the Wasm keeps source paths)" >&2
    fi
fi

if [ ! -d chain/node_modules/@acala-network/chopsticks ]; then
    echo "==> installing Chopsticks (chain/package-lock.json)"
    # --ignore-scripts: sqlite3's native build serves only Chopsticks' --db option, unused here.
    (cd chain && npm ci --ignore-scripts --no-audit --no-fund)
fi

if [ ! -s "$genesis" ] || [ "$wasm" -nt "$genesis" ]; then
    echo "==> writing the raw genesis from the runtime's GenesisBuilder"
    node chain/genesis.mjs "$wasm" "$genesis"
fi

case "${1:-}" in
--build)
    exit 0
    ;;
--smoke)
    node chain/launch.mjs "$genesis" "$port" &
    chain_pid=$!
    trap 'kill "$chain_pid" 2>/dev/null || true; wait "$chain_pid" 2>/dev/null || true' EXIT
    # until the RPC answers (a second or two after the genesis is loaded)
    rpc() {
        curl -sf -H 'Content-Type: application/json' \
            -d "{\"id\":1,\"jsonrpc\":\"2.0\",\"method\":\"$1\",\"params\":${2:-[]}}" "http://127.0.0.1:$port"
    }
    for _ in $(seq 1 60); do
        rpc system_chain >/dev/null 2>&1 && break
        sleep 1
    done
    rpc system_chain >/dev/null || { echo "error: the chain did not start on port $port" >&2; exit 1; }
    node chain/smoke.mjs "ws://127.0.0.1:$port"
    ;;
"")
    echo "==> starting the chain on ws://127.0.0.1:$port (Ctrl-C stops it)"
    exec node chain/launch.mjs "$genesis" "$port"
    ;;
*)
    echo "usage: ./scripts/chain.sh [--build | --smoke]" >&2
    exit 2
    ;;
esac
