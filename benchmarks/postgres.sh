#!/usr/bin/env bash
# The PostgreSQL store's figures (issue 18), side by side with hand-written JDBC in the same run:
# starts PostgreSQL 15 from Debian's binaries (/usr/lib/postgresql/15/bin) in a temporary
# directory, with fsync, synchronous_commit and full_page_writes on, and nginx answering 204
# (benchmarks/lib.sh); runs PostgresBench; prints the settings, the RESULT lines and the table;
# stops both. About 17 minutes on 2 cores before issue 18's changes (slow figures make long
# warm-ups, and each pickup sample waits for a 500 ms poll), fewer after them.
#   benchmarks/postgres.sh                 # ROUNDS=3, 100,000 events for the table-size figure
#   QUICK=1 benchmarks/postgres.sh         # about 3-4 minutes: 1 round, short windows, 5,000-event warm-ups,
#                                          # 10,000 events for the size figure, 40 pickup samples per case
#   SIZE_EVENTS=1000000 benchmarks/postgres.sh   # the issue's 1,000,000 delivered events for the size figure
#   FIGURES=size SIZE_EVENTS=1000000 benchmarks/postgres.sh   # only the size and pickup figures
# Environment: FIGURES (any of: stored delivered size), ROUNDS, SIZE_EVENTS, PICKUP_SENDS, WARMUP, PG_BIN, PG_PORT, SHARED_BUFFERS,
# AUTOVACUUM_WAIT (seconds to wait after the purge for autovacuum to visit the store's tables;
# 0 skips that size figure; default 120, quick 0).
# PG_STATEMENTS=1 also prints the 25 statements that took the server's time (pg_stat_statements),
# to see what a change batches; EXTRA_JVM adds flags to the benchmark's JVM (e.g. a JFR recording).
# Each figure group runs in a fresh JVM per round, both sides in that JVM, measured in windows
# taken in turn; each JVM starts from empty tables.
set -euo pipefail
cd "$(dirname "$0")/.."
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
FIGURES=${FIGURES:-stored delivered size}
PG_PORT=${PG_PORT:-15432}
SHARED_BUFFERS=${SHARED_BUFFERS:-128MB}   # PostgreSQL's default, stated
if [ -n "${QUICK:-}" ]; then
  ROUNDS=${ROUNDS:-1}; WARMUP=${WARMUP:-5000}; WINDOWS=2; SECONDS_PER_WINDOW=1
  SIZE_EVENTS=${SIZE_EVENTS:-10000}; PICKUP_SENDS=${PICKUP_SENDS:-40}; AUTOVACUUM_WAIT=${AUTOVACUUM_WAIT:-0}
else
  ROUNDS=${ROUNDS:-3}; WARMUP=${WARMUP:-20000}; WINDOWS=3; SECONDS_PER_WINDOW=1.5
  SIZE_EVENTS=${SIZE_EVENTS:-100000}; PICKUP_SENDS=${PICKUP_SENDS:-200}; AUTOVACUUM_WAIT=${AUTOVACUUM_WAIT:-120}
fi
OUT=benchmarks/target/postgres
mkdir -p "$OUT"
RESULTS=$OUT/results.txt
: > "$RESULTS"
: > "$OUT/stderr.log"

if [ ! -x "$PG_BIN/postgres" ]; then
  echo "no PostgreSQL binaries in $PG_BIN (Debian package postgresql-15); skipped" >&2
  exit 2
fi

source benchmarks/lib.sh
# PostgreSQL refuses to run as root: as root, the server runs as the user postgres.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
PGDIR=$(mktemp -d /tmp/hookpost-pg.XXXXXX)
chmod 755 "$PGDIR"
[ "$(id -u)" = 0 ] && chown postgres "$PGDIR"
stop_all() {
  as_pg "$PG_BIN/pg_ctl" -D "$PGDIR/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$PGDIR"
  stop_nginx
}
trap stop_all EXIT
start_nginx
trap stop_all EXIT   # start_nginx set its own trap; this one stops both

as_pg "$PG_BIN/initdb" -D "$PGDIR/data" -U bench -A trust -E UTF8 >"$OUT/initdb.log"
as_pg "$PG_BIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/server.log" -w start -o "-p $PG_PORT \
  -c listen_addresses=127.0.0.1 -c unix_socket_directories=$PGDIR -c max_connections=200 \
  -c fsync=on -c synchronous_commit=on -c full_page_writes=on -c shared_buffers=$SHARED_BUFFERS \
  ${PG_STATEMENTS:+-c shared_preload_libraries=pg_stat_statements}" >/dev/null
PG_PID=$(head -1 "$PGDIR/data/postmaster.pid")
PSQL="$PG_BIN/psql -h 127.0.0.1 -p $PG_PORT -U bench -d postgres -X -q"
# PG_STATEMENTS=1: also print the statements that took the server's time (pg_stat_statements), to find what to batch.
[ -n "${PG_STATEMENTS:-}" ] && $PSQL -c "CREATE EXTENSION pg_stat_statements"

# BENCH_CP: the class path to measure (run.sh passes its build, or an older commit's for a
# before and after); unset, this checkout is built.
if [ -n "${BENCH_CP:-}" ]; then CP=$BENCH_CP; else build_benchmarks .; fi
# Quiet logs: the pool's INFO lines, and one WARN per abandoned delivery when the held-back
# publisher of the stored figures closes with its tens of thousands of pending deliveries.
JAVA="java $JVM_FLAGS -Dorg.slf4j.simpleLogger.log.com.zaxxer.hikari=warn \
  -Dorg.slf4j.simpleLogger.log.dev.hookpost.WebhookPublisher=error -Dpg.url=jdbc:postgresql://127.0.0.1:$PG_PORT/postgres?user=bench -Dpg.pid=$PG_PID \
  -Dclk.tck=$(getconf CLK_TCK) -Durl=${URL}hook -cp $CP"
run() {
  echo "== $*" >>"$OUT/stderr.log"
  if ! timeout "${TIMEOUT:-1800}" $JAVA -Dround="$round" dev.hookpost.benchmarks.PostgresBench "$@" 2>>"$OUT/stderr.log" \
      | grep -E '^(RESULT|SETTING)' | tee -a "$RESULTS"; then
    echo "== failed: $* (see $OUT/stderr.log)" | tee -a "$RESULTS"
  fi
}

round=0
{
  echo "== machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/ {print $2}') GiB,"\
    "load average $(cut -d' ' -f1-3 /proc/loadavg) at the start; $(java -version 2>&1 | head -1)"
  echo "== nginx $(nginx -v 2>&1 | cut -d/ -f2), 1 worker, return 204; PostgreSQL from $PG_BIN, data in $PGDIR (ext4 as /tmp)"
  echo "== command: ${QUICK:+QUICK=1 }FIGURES='$FIGURES' ROUNDS=$ROUNDS WARMUP=$WARMUP SIZE_EVENTS=$SIZE_EVENTS PICKUP_SENDS=$PICKUP_SENDS AUTOVACUUM_WAIT=$AUTOVACUUM_WAIT benchmarks/postgres.sh"\
    "(windows: $WINDOWS x $SECONDS_PER_WINDOW s per side; commit $(git rev-parse --short HEAD))"
} | tee -a "$RESULTS"
run settings
for round in $(seq 1 "$ROUNDS"); do
  echo "== round $round of $ROUNDS"
  if [[ " $FIGURES " == *" stored "* ]]; then run stored 1,8,32 "$WARMUP" "$WINDOWS" "$SECONDS_PER_WINDOW"; fi
  if [[ " $FIGURES " == *" delivered "* ]]; then run delivered "$WARMUP" "$WINDOWS" "$SECONDS_PER_WINDOW"; fi
done
round=1
if [[ " $FIGURES " == *" size "* ]]; then
  echo "== table size and pickup latency (one JVM)"
  run size "$SIZE_EVENTS" "$PICKUP_SENDS" "$AUTOVACUUM_WAIT"
fi
if [ -n "${PG_STATEMENTS:-}" ]; then
  $PSQL -c "SELECT calls, round(total_exec_time) AS ms, round(mean_exec_time::numeric, 3) AS mean_ms, rows,
    left(regexp_replace(query, '\s+', ' ', 'g'), 160) AS query FROM pg_stat_statements
    ORDER BY total_exec_time DESC LIMIT 25" | tee "$OUT/statements.txt"
fi
echo
java -cp "$CP" dev.hookpost.benchmarks.PostgresReport "$RESULTS" | tee "$OUT/table.md"
echo "== postgres.sh took $SECONDS s, the build included; load average at the end $(cut -d' ' -f1-3 /proc/loadavg)" \
  | tee -a "$OUT/table.md"
