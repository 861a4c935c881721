#!/usr/bin/env bash
# Mutation score of the shared policy crate (and, with a package argument, of a contract's unit
# tests): cargo-mutants injects one bug at a time and runs the package's tests; a mutant the tests
# do not catch is a rule no test pins down. Not part of the test command (about 30 minutes for
# icseth_core on 2 cores); run it in pieces with a shard.
#
#   ./scripts/mutants.sh                       # all of icseth_core
#   ./scripts/mutants.sh --shard 0/4           # the first quarter of its mutants
#   ./scripts/mutants.sh --package icseth_token --timeout 120
#   ./scripts/mutants.sh --file contracts/icseth_core/src/oracle.rs
#   ./scripts/mutants.sh --package whitelist_board --re 'add_member|status_of'   # only these
#
# Prints caught / missed / timeout / unviable and the score (caught of viable); the survivors are
# listed in target/mutants/<package>[-<shard>][-selected]/mutants.out/missed.txt (-selected: with
# --file or --re).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/toolchain.sh

# Exact pin: cargo-mutants' output layout and flags change between releases.
MUTANTS_VERSION="27.1.0"
package="icseth_core"
timeout=60
shard=""
files=()
while [ $# -gt 0 ]; do
    case "$1" in
        --package) package="$2"; shift 2 ;;
        --timeout) timeout="$2"; shift 2 ;;
        --shard) shard="$2"; shift 2 ;;
        --file) files+=("--file" "$2"); shift 2 ;;
        --re) files+=("--re" "$2"); shift 2 ;;
        *) echo "usage: $0 [--package P] [--timeout SECONDS] [--shard K/N] [--file PATH]... [--re REGEX]" >&2; exit 2 ;;
    esac
done

if ! cargo mutants --version 2>/dev/null | grep -q "$MUTANTS_VERSION"; then
    echo "==> installing cargo-mutants $MUTANTS_VERSION"
    cargo install cargo-mutants --version "$MUTANTS_VERSION" --locked
fi

out="target/mutants/${package}${shard:+-${shard/\//of}}${files[*]:+-selected}"
mkdir -p "$out"
args=(--package "$package" --timeout "$timeout" --output "$out" --no-shuffle "${files[@]}")
if [ -n "$shard" ]; then
    args+=(--shard "$shard")
fi
# The unit tests only: the end-to-end suite needs contract builds per mutant.
set +e
cargo mutants "${args[@]}" -- --lib
status=$?
set -e
results="$out/mutants.out"
count() {
    if [ -f "$results/$1" ]; then
        grep -c . "$results/$1" || true
    else
        echo 0
    fi
}
caught=$(count caught.txt)
missed=$(count missed.txt)
timeouts=$(count timeout.txt)
unviable=$(count unviable.txt)
viable=$((caught + missed + timeouts))
if [ "$viable" -gt 0 ]; then
    score=$(awk -v c="$caught" -v v="$viable" 'BEGIN { printf "%.1f", 100 * c / v }')
else
    score="n/a"
fi
echo "mutants of $package${shard:+ (shard $shard)}: caught $caught, missed $missed, timeout $timeouts, unviable $unviable; score $score% of $viable viable"
echo "survivors: $results/missed.txt"
# cargo-mutants exits 2 when mutants were missed and 3 on timeouts: the figures above say so; any
# other failure is the tool's own.
case "$status" in
    0 | 2 | 3) exit 0 ;;
    *) exit "$status" ;;
esac
