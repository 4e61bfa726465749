#!/usr/bin/env bash
# The issue's figure after a fixed warm-up: delivered/s and p50 latency of Hookpost and of
# hand-written OkHttp execute() from N threads, a closed loop of N in flight (N = 1, 8, 32), one
# subscription, 1 KiB events, nginx answering 204; each side of each N in a fresh JVM
# (WarmupBench) that first makes 20,000 warm-up deliveries, then measures. The two sides run one
# after the other, their order swapped every round, ROUNDS times; then the table (WarmupTable):
# medians over rounds, ratios Hookpost ÷ baseline (target >= 0.90 delivered/s, <= 1.2 at p50).
# About 2-3 minutes on a quiet 2-core machine with the defaults. run.sh runs it; on its own:
#   benchmarks/warm20k.sh                         # builds this checkout, starts nginx
#   ROUNDS=5 NS="8" benchmarks/warm20k.sh         # more rounds, one N
#   WARMUP=500 MEASURE=1000 ROUNDS=1 benchmarks/warm20k.sh   # a smoke run: seconds, figures meaningless
# Settings (environment):
#   ROUNDS (3), NS ("1 8 32"), WARMUP (20000),
#   MEASURE (WarmupBench's default: 25,000 deliveries at N = 1, 90,000 above: about 3 s each on a
#     quiet 2-core machine)
#   WARM_JVM_FLAGS (below), WARM_OUT (results file, default benchmarks/target/results/warm20k.txt;
#     the table goes next to it as .md), TITLE (the table's heading)
#   BENCH_CP: the class path to measure (before-after.sh: the older engine's build); unset, this
#     checkout is built. TABLE_CP: where WarmupTable is (default BENCH_CP)
set -euo pipefail
cd "$(dirname "$0")/.."
source benchmarks/lib.sh
ROUNDS=${ROUNDS:-3}
NS=${NS:-1 8 32}
WARMUP=${WARMUP:-20000}
MEASURE=${MEASURE:-}
# The flags of run.sh's HTTP figures (HttpBench), both sides alike, so that these figures compare
# with those: C2 alone (-XX:-TieredCompilation, see BENCHMARKS.md). Unlike HttpBench, the warm-up
# here is a fixed 20,000 deliveries, not "until the JIT is quiet": the JIT may still be compiling
# while measuring (jit_ms in each RESULT line says how much). WARM_JVM_FLAGS="$JVM_FLAGS" measures
# with the JVM's default tiered compilation instead.
WARM_JVM_FLAGS=${WARM_JVM_FLAGS:-$JVM_FLAGS -XX:-TieredCompilation}
WARM_OUT=${WARM_OUT:-benchmarks/target/results/warm20k.txt}
TITLE=${TITLE:-"after ${WARMUP} warm-up deliveries, closed loop, $(git rev-parse --short HEAD 2>/dev/null || echo '?')"}
mkdir -p "$(dirname "$WARM_OUT")"
ERR=${WARM_OUT%.txt}.stderr.log
TABLE=${WARM_OUT%.txt}.md

start_nginx
if [ -z "${BENCH_CP:-}" ]; then
  build_benchmarks .
  BENCH_CP=$CP
fi
TABLE_CP=${TABLE_CP:-$BENCH_CP}

: > "$WARM_OUT"
: > "$ERR"
# One side at one N in a fresh JVM: its RESULT line (with NOT-ALL-DELIVERED when deliveries failed),
# or a "== failed" line when it ended without one; its standard error is kept in $ERR.
one() {
  local side=$1 n=$2 round=$3 out status=0
  echo "== $side N=$n round $round" >>"$ERR"
  # shellcheck disable=SC2086 # the flags are words
  out=$(timeout 300 java $WARM_JVM_FLAGS -Dround="$round" -cp "$BENCH_CP" dev.hookpost.benchmarks.WarmupBench \
    "$side" "$n" "${URL}hook" "$WARMUP" $MEASURE 2>>"$ERR") || status=$?
  if grep '^RESULT' <<<"$out" | tee -a "$WARM_OUT"; then
    return
  fi
  echo "== failed: $side N=$n round $round, exit status $status, no RESULT line (see $ERR)" | tee -a "$WARM_OUT"
}

echo "== warm20k: $TITLE; $(nproc) cores, $(java -version 2>&1 | head -1), flags: $WARM_JVM_FLAGS" | tee -a "$WARM_OUT"
pair=0
for round in $(seq 1 "$ROUNDS"); do
  for n in $NS; do
    # Which side goes first alternates from one pair to the next (and so, for each N, from round to round).
    if [ $((pair++ % 2)) = 0 ]; then sides="hookpost sync"; else sides="sync hookpost"; fi
    for side in $sides; do
      one "$side" "$n" "$round"
    done
  done
done
echo
java -cp "$TABLE_CP" dev.hookpost.benchmarks.WarmupTable "$WARM_OUT" "$TITLE" | tee "$TABLE"
