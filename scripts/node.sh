#!/usr/bin/env bash
# A full node for the suite: contracts-node 0.41.0 (a Substrate client with its transaction pool,
# sealing a block per transaction) running the same runtime and genesis as the Chopsticks route
# (scripts/chain.sh builds them), on loopback only, its wall clock moved by an offset file.
#   ./scripts/node.sh            builds what is missing, starts the node, prints its URL and how to
#                                move time; Ctrl-C stops it
#   ./scripts/node.sh --build    only builds (the node binary, the runtime, the spec, the clock shim)
# The node binary is built once into ~/.cache/icseth/contracts-node (outside the repository: about
# 4 GB of build files; an interrupted build resumes there) with Rust 1.91.0, protoc and clang (from
# Debian when missing). SKIP_WASM_BUILD=1 skips the binary's own runtime builds: the node runs the
# runtime Wasm of target/chain from the spec. ICSETH_NODE_PORT sets the RPC port (default 9955).
#
# Time: contracts-node stamps each block with the system clock and has no way to set it, so the
# node runs under chain/clock/offset_clock.c (LD_PRELOAD), which adds the milliseconds written in
# target/node/clock-offset-ms to its wall clock. The suite's tools move it themselves when
# ICSETH_CLOCK_OFFSET_FILE names that file: they add to the offset and send a transaction, whose
# block carries the new time (docs/CHAINS.md).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/toolchain.sh
cache="${ICSETH_NODE_CACHE:-$HOME/.cache/icseth/contracts-node}"
binary="$cache/bin/substrate-contracts-node"
out="$PWD/target/node"
port="${ICSETH_NODE_PORT:-9955}"
mkdir -p "$out"

if [ ! -x "$binary" ]; then
    missing=()
    command -v protoc >/dev/null || missing+=(protobuf-compiler)
    command -v clang >/dev/null || missing+=(clang libclang-dev)
    if [ "${#missing[@]}" -gt 0 ]; then
        echo "==> installing ${missing[*]} (Debian)"
        if [ "$(id -u)" -eq 0 ]; then apt-get install -y -q "${missing[@]}" >/dev/null; else sudo apt-get install -y -q "${missing[@]}" >/dev/null; fi
    fi
    echo "==> building contracts-node 0.41.0 into $cache (measured: 77 min on 2 cores; resumable)"
    SKIP_WASM_BUILD=1 CARGO_TARGET_DIR="$cache/target" \
        cargo "+$ICSETH_RUST" install contracts-node --version 0.41.0 --locked --root "$cache"
fi

# The runtime Wasm and the raw genesis of the Chopsticks route, as a chain spec the node reads
# (contracts-node parses a spec file as a parachain's: it wants relay_chain and para_id, unused).
./scripts/chain.sh --build >/dev/null
node -e '
const fs = require("fs");
const g = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
const spec = { name: g.name, id: g.id, chainType: "Development", bootNodes: [], telemetryEndpoints: null,
  protocolId: "icseth", properties: g.properties, relay_chain: "rococo-local", para_id: 1000,
  codeSubstitutes: {}, genesis: { raw: { top: g.genesis.raw.top, childrenDefault: {} } } };
fs.writeFileSync(process.argv[2], JSON.stringify(spec));
' target/chain/genesis.json "$out/spec.json"

if [ ! -s "$out/offset_clock.so" ] || [ chain/clock/offset_clock.c -nt "$out/offset_clock.so" ]; then
    cc -O2 -shared -fPIC -o "$out/offset_clock.so" chain/clock/offset_clock.c
fi
[ "${1:-}" = "--build" ] && exit 0

echo 0 >"$out/clock-offset-ms"
rm -rf "$out/db"
ICSETH_CLOCK_OFFSET_FILE="$out/clock-offset-ms" LD_PRELOAD="$out/offset_clock.so" \
    "$binary" --chain "$out/spec.json" --base-path "$out/db" \
    --rpc-port "$port" --listen-addr /ip4/127.0.0.1/tcp/0 --no-mdns --no-prometheus --no-telemetry \
    --state-pruning archive --blocks-pruning archive >"$out/node.log" 2>&1 &
node_pid=$!
trap 'kill "$node_pid" 2>/dev/null; wait 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do
    grep -q "Running JSON-RPC server" "$out/node.log" 2>/dev/null && break
    sleep 1
done
grep -q "Running JSON-RPC server" "$out/node.log" || { echo "error: the node did not start ($out/node.log)" >&2; exit 1; }
cat <<EOF
contracts-node 0.41.0 on ws://127.0.0.1:$port (log: $out/node.log)
Move its clock: write milliseconds to $out/clock-offset-ms (the next block carries them), or let
the tools do it:
  ICSETH_CLOCK_OFFSET_FILE=$out/clock-offset-ms ./scripts/chain-check.sh --url ws://127.0.0.1:$port
Ctrl-C stops the node.
EOF
wait "$node_pid"
