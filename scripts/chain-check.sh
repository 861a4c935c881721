#!/usr/bin/env bash
# The suite on a real runtime: starts the Chopsticks chain (scripts/chain.sh; or uses --url), makes
# the release bundles when missing (`icseth build`), then over RPC with ink_e2e's node client:
#   1. deploys and wires the seven contracts, has the board decide by vote with the chain's time
#      moved, and reads a state pinned before the decision (deploy/examples/deploy_over_rpc.rs);
#   2. the payout paths that drain their payer (deploy/examples/payouts_over_rpc.rs): a flash exit
#      of the whole reserve (all but its fee, which stays), a stake and a refill that take the whole
#      buffer, the claim of a ticket finalized with the whole buffer, each leaving the paying
#      contract's account at what it held before any deposit (the chain's existential deposit);
#   3. runs the main job's day (`icseth demo --url`): a second suite, the board, institutions,
#      an operator, daily oracle reports, a flash exit, a slashing, withdrawals, and the auditor's
#      report read back from the chain with its checks (a failed check fails the command).
#   4. `icseth deploy --url` with a manifest (a third suite under a board of three), then again on
#      the complete manifest, which verifies it (code hashes, wiring, roles) and deploys nothing;
#   5. the wallet's view (tests/wallet/wallet.mjs, polkadot.js with the published bundles) on the
#      day's suite: reads, a deposit, transfers and a refused one, a withdrawal request, a board
#      vote, an oracle member's vote and an operator's frame report;
#   6. the auditor's report of the day's suite read from the chain (`icseth report --url` with the
#      manifest `demo --url` wrote), every read at one block, its checks; then again, reading only
#      the blocks added since.
# Prints each part's time; stops the chain it started. Exits non-zero when a part fails.
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
parts=()
started=$SECONDS
part() {
    local name="$1"
    shift
    echo "==> $name  [$(date +%T)]"
    local t0=$SECONDS
    "$@"
    parts+=("$(printf '%5d s  %s' $((SECONDS - t0)) "$name")")
}
contracts=target/icseth/contracts
part "release bundles in $contracts (built when missing) and the tools" bash -c "
    cargo run --quiet -p icseth -- build --out '$contracts' >/dev/null &&
    cargo build --quiet -p icseth -p icseth_deploy --example deploy_over_rpc --example payouts_over_rpc --bin icseth"
if [ -z "$url" ]; then
    port="${ICSETH_CHAIN_PORT:-9944}"
    start_chain() {
        ./scripts/chain.sh --build
        node chain/launch.mjs target/chain/genesis.json "$port" >target/chain/chain.log 2>&1 &
        chain_pid=$!
        for _ in $(seq 1 60); do
            grep -q 'chain ready' target/chain/chain.log 2>/dev/null && break
            sleep 1
        done
        grep -q 'chain ready' target/chain/chain.log || { echo "error: the chain did not start (target/chain/chain.log)" >&2; exit 1; }
    }
    chain_pid=""
    trap '[ -n "$chain_pid" ] && kill "$chain_pid" 2>/dev/null; wait 2>/dev/null || true' EXIT
    part "the chain (runtime Wasm, Chopsticks and genesis when missing; started)" start_chain
    url="ws://127.0.0.1:$port"
fi
part "deploy, wire, a board decision with time moved, pinned reads" \
    ./target/debug/examples/deploy_over_rpc "$url" "$contracts"
part "payouts that drain their payer: a flash exit of the whole reserve; a stake, a refill and a claim of the whole buffer" \
    ./target/debug/examples/payouts_over_rpc "$url" "$contracts"
part "the day and the auditor's report (icseth demo --url)" \
    ./target/debug/icseth demo --url "$url" --contracts "$contracts" --out target/chain/report
manifest=target/chain/manifest.json
rm -f "$manifest"
deploy() {
    ICSETH_SECRET=//Alice ./target/debug/icseth deploy --url "$url" --contracts "$contracts" \
        --manifest "$manifest" --quorum 2 \
        --board-member 5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY \
        --board-member 5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty \
        --board-member 5FLSigC9HGRKVhB9FiEo4Y3koPsNmBmLJbpXg2mp1hXcS59Y
}
part "icseth deploy --url with a manifest (Alice signing; a board of Alice, Bob, Charlie)" deploy
part "icseth deploy again on the complete manifest: verified, nothing deployed" deploy
wallet() {
    if [ ! -d tests/wallet/node_modules/@polkadot/api-contract ]; then
        (cd tests/wallet && npm ci --no-audit --no-fund)
    fi
    node tests/wallet/wallet.mjs "$url" target/chain/report/audit.json "$contracts"
}
part "the wallet's view (polkadot.js on the day's suite)" wallet
live_report() {
    ./target/debug/icseth report --url "$url" --manifest target/chain/report/manifest.json \
        --out target/chain/live-report >target/chain/live-report.log
    # the steps, then the report's checks
    grep -E '^\[|^     ' target/chain/live-report.log
    sed -n '/^## Checks/,/^## /p' target/chain/live-report/report.md | grep '^| '
}
rm -f target/chain/report/manifest.events.json
part "icseth report --url: the day's suite read from the chain, with its checks" live_report
part "icseth report --url again: only the blocks since the last run are read" live_report
echo
echo "==> the suite runs on $url; each part's time:"
printf '%s\n' "${parts[@]}"
printf '%5d s  total\n' $((SECONDS - started))
