#!/usr/bin/env bash
# The deep campaign of the stateful run (tests/tests/stateful.rs): fresh seeds, one after the
# other, until the time is up; a failing seed stops it and is printed for replay. Shards take
# disjoint seed ranges, so several can run in the background at once:
#
#   ./scripts/campaign.sh                      # 60 minutes, 500 steps per run, shard 0
#   ./scripts/campaign.sh --minutes 30 --steps 300 --shard 1 > campaign-1.log &
#
# Replay a failure: ICSETH_STATEFUL_SEED=<seed> ICSETH_STATEFUL_STEPS=<steps> \
#   cargo test -p icseth_e2e --test stateful -- --nocapture
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/toolchain.sh

minutes=60
steps=500
shard=0
while [ $# -gt 0 ]; do
    case "$1" in
        --minutes) minutes="$2"; shift 2 ;;
        --steps) steps="$2"; shift 2 ;;
        --shard) shard="$2"; shift 2 ;;
        *) echo "usage: $0 [--minutes M] [--steps N] [--shard K]" >&2; exit 2 ;;
    esac
done

# The same build flags as the test command, so its build is reused.
clippy_driver="$(rustup which --toolchain "$ICSETH_RUST" clippy-driver)"
linted=(
    --config "build.rustc-workspace-wrapper=\"$clippy_driver\""
    --config 'env.CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"'
)
cargo "${linted[@]}" test --workspace --test stateful --no-run

end=$((SECONDS + minutes * 60))
seed=$((1000000 * (shard + 1)))
runs=0
while [ "$SECONDS" -lt "$end" ]; do
    if ! ICSETH_STATEFUL_SEED="$seed" ICSETH_STATEFUL_STEPS="$steps" \
        cargo "${linted[@]}" test --workspace --test stateful -q -- --nocapture \
        | grep -E "^stateful run: seed .*: "; then
        echo "campaign: seed $seed FAILED after $runs runs ($((runs * steps)) steps); replay with"
        echo "  ICSETH_STATEFUL_SEED=$seed ICSETH_STATEFUL_STEPS=$steps cargo test -p icseth_e2e --test stateful -- --nocapture"
        exit 1
    fi
    runs=$((runs + 1))
    seed=$((seed + 1))
done
echo "campaign: shard $shard, $runs runs of $steps steps: $((runs * steps)) steps in $minutes minutes, every invariant held"
