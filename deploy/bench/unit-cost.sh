#!/usr/bin/env bash
# What a copy unit costs besides its rows: the CPU of each Ferry process (and of all PostgreSQL
# processes) while a warm cluster copies the bench's narrow table in large units and in units 10 times
# smaller, twice each (see docs/benchmarks.md, "Where a small unit's cost goes now").
#   deploy/bench/unit-cost.sh                 # units of 250,000 and 25,000 rows
#   UNITS="100000 10000" deploy/bench/unit-cost.sh
#   WARMUP_JOBS=3 deploy/bench/unit-cost.sh   # a shorter warm-up (default 8 jobs of 1,000 units: a fresh cluster's
#                                             # JIT compilers take that long to settle)
# Under each job it prints the CPU seconds of the busiest kinds of thread (JIT compilers, GC, event loops,
# Hazelcast, the units' own threads as "unit-#"; threads that ended during the job, such as idle unit threads
# let go after a minute, as "unit_threads_(ended)": the processes' CPU less that of the threads still alive),
# coordinator and workers apart,
# and the server's WAL volume and flushes (each commit that waits for its WAL flush is one).
# Needs the bench's source database (deploy/bench/run.sh builds it) and deploy/target/ferry.jar; runs a
# coordinator and two workers (2 units each) on free local ports, writing into database ferry_unit_cost.
set -euo pipefail
cd "$(dirname "$0")/../.."
JAR=deploy/target/ferry.jar
[ -f "$JAR" ] || ./mvnw -q package -DskipTests
PSQL=(psql -h "${PGHOST:-127.0.0.1}" -p "${PGPORT:-5432}" -U "${PGUSER:-postgres}" -qAt)
for table in narrow warmup; do
  "${PSQL[@]}" -d ferry_bench_src -c "SELECT 1 FROM $table LIMIT 1" >/dev/null 2>&1 \
    || { echo "no bench source table $table: run deploy/bench/run.sh --tables narrow first (without --no-warmup, which skips building warmup)" >&2; exit 1; }
done
"${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS ferry_unit_cost" -c "CREATE DATABASE ferry_unit_cost" >/dev/null 2>&1
. deploy/bench/jobs.sh
HTTP=$(free_port); CLUSTER=$(free_port); DIR=$(mktemp -d /tmp/ferry-unit-cost.XXXX)
# As the launcher starts them (each role's JVM flags), without the ahead-of-time caches: a warm cluster.
export FERRY_AOT=off
FERRY_JAVA_OPTS=-Xmx256m deploy/bin/ferry coordinator --http-port "$HTTP" --cluster-port "$CLUSTER" \
  --join "127.0.0.1:$CLUSTER" --state-dir "$DIR/state" > "$DIR/coordinator.log" 2>&1 &
PIDS=($!)
trap 'kill "${PIDS[@]}" 2>/dev/null; wait 2>/dev/null' EXIT
API="http://127.0.0.1:$HTTP/api/v1"
until curl -sf "http://127.0.0.1:$HTTP/ready" >/dev/null; do sleep 0.5; done
for w in 1 2; do
  FERRY_JAVA_OPTS=-Xmx512m deploy/bin/ferry worker --cluster-port 0 --join "127.0.0.1:$CLUSTER" --max-units 2 \
    > "$DIR/worker-$w.log" 2>&1 &
  PIDS+=($!)
done
until [ "$(curl -s "$API/workers" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["workers"]))')" = 2 ]; do sleep 0.5; done

# CPU ticks per thread kind (JIT compiler, GC, event loops, Hazelcast, unit threads…) of the given processes,
# as "kind ticks" lines: digits in thread names are folded, so "C2 CompilerThread0" and "…1" add up.
thread_ticks() {
  python3 - "$@" <<'PY'
import collections, os, re, sys
kinds = collections.Counter()
for pid in sys.argv[1:]:
    for t in os.listdir(f"/proc/{pid}/task"):
        try:
            stat = open(f"/proc/{pid}/task/{t}/stat").read()
        except OSError:
            continue
        name = re.sub(r"\d+", "#", stat[stat.index("(") + 1:stat.rindex(")")]).strip()
        fields = stat[stat.rindex(")") + 2:].split()
        kinds[name] += int(fields[11]) + int(fields[12])
for name, n in kinds.items():
    print(f"{name.replace(' ', '_')} {n}")
PY
}
# All ticks of one thread_ticks snapshot (file): with the processes' own ticks, what ended threads used.
sum_ticks() { awk '{s += $2} END {print s + 0}' "$1"; }
# The top thread kinds by CPU between two thread_ticks snapshots (files), in seconds.
thread_delta() {
  join -a2 -e0 -o 0,1.2,2.2 <(sort "$1") <(sort "$2") \
    | awk -v hz="$hz" '{d = ($3 - $2) / hz; if (d >= 0.05) printf "%s %.2f\n", $1, d}' | sort -k2 -nr | head -8 | paste -sd' '
}
hz=$(getconf CLK_TCK)
# The server's WAL counters (pg_stat_wal, PostgreSQL 14+): every commit that waits for its flush is a sync;
# the time waiting is counted only with track_wal_io_timing = on (ALTER SYSTEM, then pg_reload_conf()).
wal_stats() { "${PSQL[@]}" -d postgres -c "SELECT wal_bytes, wal_sync, wal_sync_time FROM pg_stat_wal" 2>/dev/null || echo "0|0|0"; }
wal_delta() {
  IFS='|' read -r b0 s0 t0 <<< "$1"; IFS='|' read -r b1 s1 t1 <<< "$2"
  printf '    postgres WAL:        %.0f MB, %d flushes, %.0f ms flushing (0 unless track_wal_io_timing)\n' \
    "$(echo "($b1 - $b0) / 1000000" | bc -l)" "$((s1 - s0))" "$(echo "$t1 - $t0" | bc -l)"
}
run() { # table, rows per unit: prints seconds
  run_job "$API" "$(copy_spec "$1" "$2" ferry_unit_cost)"
}
echo "warming up: ${WARMUP_JOBS:-8} jobs of 1,000 units over the warmup table"
for _ in $(seq "${WARMUP_JOBS:-8}"); do run warmup 200 >/dev/null; done
printf '%-12s %8s %16s %14s %14s\n' "unit rows" "job s" "coordinator s" "workers s" "postgres s"
for rows in ${UNITS:-250000 25000} ${UNITS:-250000 25000}; do
  c0=$(ticks "${PIDS[0]}"); w0=$(ticks "${PIDS[1]}" "${PIDS[2]}"); p0=$(pg_ticks)
  thread_ticks "${PIDS[0]}" > "$DIR/c0"; thread_ticks "${PIDS[1]}" "${PIDS[2]}" > "$DIR/w0"
  wal0=$(wal_stats)
  secs=$(run narrow "$rows")
  wal1=$(wal_stats)
  c1=$(ticks "${PIDS[0]}"); w1=$(ticks "${PIDS[1]}" "${PIDS[2]}"); p1=$(pg_ticks)
  thread_ticks "${PIDS[0]}" > "$DIR/c1"; thread_ticks "${PIDS[1]}" "${PIDS[2]}" > "$DIR/w1"
  printf '%-12s %8.1f %16.2f %14.2f %14.2f\n' "$rows" "$secs" "$(echo "($c1 - $c0) / $hz" | bc -l)" \
    "$(echo "($w1 - $w0) / $hz" | bc -l)" "$(echo "($p1 - $p0) / $hz" | bc -l)"
  echo "    coordinator threads: $(thread_delta "$DIR/c0" "$DIR/c1")"
  ended=$(( (w1 - w0) - ($(sum_ticks "$DIR/w1") - $(sum_ticks "$DIR/w0")) ))
  echo "    worker threads:      unit_threads_(ended) $(echo "$ended / $hz" | bc -l | xargs printf '%.2f') $(thread_delta "$DIR/w0" "$DIR/w1")"
  wal_delta "$wal0" "$wal1"
done
"${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS ferry_unit_cost" >/dev/null 2>&1 || true
echo "logs in $DIR"
