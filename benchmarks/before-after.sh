#!/usr/bin/env bash
# warm20k.sh's table for the engine before the rebuild and for this checkout: "before" is commit
# $BEFORE (default 6b427ec, the last commit before the engine was rebuilt around the store), checked
# out in a git worktree under /tmp with this checkout's WarmupBench.java copied into its benchmarks
# module (that file uses only the public API and HttpBench helpers that commit already has), built
# there, and measured; then "after", this checkout as it is in the working tree. Both against the
# same nginx, with the same settings, one after the other; each table's ratios pair the two sides
# within a round, so that before and after compare by their ratios. The worktree is removed at the
# end, also when something fails. About 5-6 minutes on 2 cores with the defaults (builds included).
#   benchmarks/before-after.sh
#   WARMUP=500 MEASURE=1000 ROUNDS=1 benchmarks/before-after.sh     # a smoke run: figures meaningless
# Settings: BEFORE, and warm20k.sh's (ROUNDS, NS, WARMUP, MEASURE, WARM_JVM_FLAGS, PORT).
# Results in benchmarks/target/results/before-after/{before,after}.{txt,md}.
set -euo pipefail
cd "$(dirname "$0")/.."
source benchmarks/lib.sh
BEFORE=${BEFORE:-6b427ec}
OUT=benchmarks/target/results/before-after
mkdir -p "$OUT"

WORKTREE=$(mktemp -d /tmp/hookpost-before.XXXXXX)
cleanup() {
  if ! git worktree remove --force "$WORKTREE" 2>/dev/null; then
    rm -rf "$WORKTREE" # not registered yet, or half made: then its entry, if any, goes too
    git worktree prune
  fi
  stop_nginx
}
trap cleanup EXIT
git worktree add --detach "$WORKTREE" "$BEFORE" >/dev/null
cp benchmarks/src/main/java/dev/hookpost/benchmarks/WarmupBench.java "$WORKTREE/benchmarks/src/main/java/dev/hookpost/benchmarks/"

start_nginx
trap cleanup EXIT # start_nginx set its own
echo "== building this checkout, then $BEFORE in $WORKTREE"
build_benchmarks .
AFTER_CP=$CP
build_benchmarks "$WORKTREE"
BEFORE_CP=$CP

BEFORE_TITLE="before: $(git log -1 --format='%h %s' "$BEFORE" | cut -c1-72)"
AFTER_TITLE="after: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . 2>/dev/null || echo ' + uncommitted changes')"
WARM_OUT=$OUT/before.txt BENCH_CP=$BEFORE_CP TABLE_CP=$AFTER_CP TITLE=$BEFORE_TITLE benchmarks/warm20k.sh
WARM_OUT=$OUT/after.txt BENCH_CP=$AFTER_CP TITLE=$AFTER_TITLE benchmarks/warm20k.sh
echo
echo "== both tables"
cat "$OUT/before.md"
echo
cat "$OUT/after.md"
