#!/usr/bin/env bash
# Builds and runs every Hookpost benchmark side by side with hand-written OkHttp, and prints the
# table (figure, Hookpost, baseline, ratio), then warm20k.sh's table, then postgres.sh's (the PostgreSQL
# store, when PostgreSQL 15's binaries are there). About 10.5-12.5 minutes on 2 cores, and about 17 more for
# postgres.sh (POSTGRES=quick: 3-4; POSTGRES=skip: none).
#   benchmarks/run.sh            # ROUNDS=3 by default; ROUNDS=5 for steadier medians
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
OUT=benchmarks/target/results
mkdir -p "$OUT"

# The receiver: nginx answering 204 on 127.0.0.1:$PORT (benchmarks/lib.sh); sets URL.
source benchmarks/lib.sh
start_nginx

build_benchmarks .
JAVA="java $JVM_FLAGS -cp $CP"
RESULTS=$OUT/results.txt
: > "$RESULTS"
: > "$OUT/stderr.log"
# A program that fails is reported and the run goes on; its stderr is kept in stderr.log.
run() {
  echo "== $*" >>"$OUT/stderr.log"
  if ! timeout 300 $JAVA "$@" 2>>"$OUT/stderr.log" | grep '^RESULT' | tee -a "$RESULTS"; then
    echo "== failed: $* (see $OUT/stderr.log)" | tee -a "$RESULTS"
  fi
}
# The sides of one figure, each in a fresh HttpBench JVM, measured in windows taken in turn
# (Alternate). Every JVM alike: with tiered compilation the JIT keeps compiling for 16 s and
# more here; C2 alone settles in 7-9 s, so that the figures are measured warm within 10 minutes.
sides() { run -XX:-TieredCompilation -Dround="$round" dev.hookpost.benchmarks.Alternate "$@"; }

echo "== $(nproc) cores, $(java -version 2>&1 | head -1), nginx $(nginx -v 2>&1 | cut -d/ -f2)" | tee -a "$RESULTS"
for round in $(seq 1 "$ROUNDS"); do
  echo "== round $round of $ROUNDS"
  for n in 1 8 32; do
    # enqueue() is the slower hand-written variant here (by 18-45 % in every run so far): measured
    # in the first round only, unless ASYNC_ROUNDS=all. Report flags it if it was the faster one.
    # At 1 in flight its latency is listed too: a hand-written sender that does not hold its caller.
    async=()
    if [ "$round" = 1 ] || [ "${ASYNC_ROUNDS:-first}" = all ]; then async=(-- throughput async $n "${URL}hook"); fi
    # At 8 in flight, a third side: the same endpoint with another one hanging (the isolation figure).
    hanging=()
    if [ "$n" = 8 ]; then hanging=(-- throughput hanging $n "${URL}hook"); fi
    sides throughput sync $n "${URL}hook" "${async[@]}" -- throughput hookpost $n "${URL}hook" "${hanging[@]}"
  done
  sides fanout sync "$URL" -- fanout hookpost "$URL"
done
# The issue's figure after a fixed warm-up of 20,000 deliveries, a closed loop of N in flight, each
# side of each N in a fresh JVM (benchmarks/warm20k.sh, about 2-3 minutes): its own table, printed
# after the main one. Runnable alone, and against an older commit (benchmarks/before-after.sh).
rm -f "$OUT/warm20k.md"
WARM_OUT=$OUT/warm20k.txt BENCH_CP=$CP ROUNDS=$ROUNDS benchmarks/warm20k.sh || echo "== failed: benchmarks/warm20k.sh" | tee -a "$RESULTS"
run dev.hookpost.benchmarks.FilterAndOrderingPairs filter 5
run dev.hookpost.benchmarks.FilterAndOrderingPairs ordering 5
run dev.hookpost.benchmarks.MemoryBench 100000
run dev.hookpost.benchmarks.MemoryBench 100000 events
run dev.hookpost.benchmarks.StoreBench 5000 500
echo "== JMH"
# Signing: short JMH forks of each side taken in turn, as pairs (one long fork per side let the
# machine's drift between them decide the ratio).
run dev.hookpost.benchmarks.SigningPairs 6
# The engine's path is longer than signing's: 1 s warm-up iterations ended mid-compilation.
$JAVA org.openjdk.jmh.Main 'EngineBench' -f 1 -wi 3 -w 2s -i 3 -r 1s -rf json -rff "$OUT/jmh-engine.json" >/dev/null
# Pre-touched heap: a JVM that has run a while has touched its heap; a fresh one faults pages in
# as it first allocates, inside the timed sends (p50 about 4 us higher here).
$JAVA org.openjdk.jmh.Main 'SendHoldBench' 'HandOffBench' -jvmArgsAppend "-Durl=$URL -XX:+AlwaysPreTouch" -f 1 -wi 2 -w 1s -i 4 -r 1s -rf json -rff "$OUT/jmh-send.json" >/dev/null
# The same with a multi-tenant registry: 10 subscriptions in all, against 100,000 over 10,000 tenants.
$JAVA org.openjdk.jmh.Main 'SendHoldBench' -p subscriptions=10 -p tenants=1,10000 -jvmArgsAppend "-Durl=$URL -XX:+AlwaysPreTouch" -f 1 -wi 2 -w 1s -i 4 -r 1s -rf json -rff "$OUT/jmh-tenants.json" >/dev/null
echo
$JAVA dev.hookpost.benchmarks.Report "$RESULTS" "$OUT/jmh-engine.json" "$OUT/jmh-send.json" "$OUT/jmh-tenants.json" | tee "$OUT/table.md"
echo | tee -a "$OUT/table.md"
cat "$OUT/warm20k.md" 2>/dev/null | tee -a "$OUT/table.md" || true
# The PostgreSQL store's figures (issue 18): benchmarks/postgres.sh starts its own PostgreSQL 15
# from Debian's binaries (fsync on) and uses this nginx; its table comes last. About 17 minutes;
# POSTGRES=quick for its 3-4 minute mode, POSTGRES=skip to leave it out. Skipped when the binaries
# are missing.
echo | tee -a "$OUT/table.md"
if [ "${POSTGRES:-full}" = skip ]; then
  echo "== skipped: benchmarks/postgres.sh (POSTGRES=skip)" | tee -a "$OUT/table.md"
elif [ ! -x /usr/lib/postgresql/15/bin/postgres ]; then
  echo "== skipped: benchmarks/postgres.sh (no /usr/lib/postgresql/15/bin/postgres)" | tee -a "$OUT/table.md"
elif BENCH_CP=$CP QUICK=$([ "${POSTGRES:-full}" = quick ] && echo 1) benchmarks/postgres.sh >"$OUT/postgres.log" 2>&1; then
  grep '^==\|^SETTING' benchmarks/target/postgres/results.txt | tee -a "$OUT/table.md"
  tee -a "$OUT/table.md" < benchmarks/target/postgres/table.md
else
  echo "== failed: benchmarks/postgres.sh (see $OUT/postgres.log)" | tee -a "$OUT/table.md"
fi
echo "== run.sh took $SECONDS s, the build included" | tee -a "$OUT/table.md"
