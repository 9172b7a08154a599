#!/usr/bin/env bash
# Two builds of Ferry side by side: each has its own coordinator and two workers (2 units each) up at the
# same time, both are warmed up, then the same job runs on one and on the other in turn, the order
# swapped every round, so a machine that speeds up or slows down during the comparison favours neither.
# Prints each job's seconds, the CPU of that build's processes, and the CPU of all PostgreSQL processes.
#   deploy/bench/ab.sh /path/to/build-a /path/to/build-b [table] [rows per unit] [jobs per build]
#   deploy/bench/ab.sh ../ferry-before . warmup 100 6      # ~1,000 units of ~200 rows (the default)
#   deploy/bench/ab.sh ../ferry-before . narrow 25000 6    # the bench's finer split
# Each build directory needs deploy/target/ferry.jar (./mvnw -o -q install -DskipTests -DskipITs); the source
# tables come from deploy/bench/run.sh (ferry_bench_src: narrow, and warmup unless run with --no-warmup).
# The two write into databases ferry_ab_a and ferry_ab_b, dropped at the end.
set -uo pipefail
A=${1:?build directory a}; B=${2:?build directory b}; TABLE=${3:-warmup}; ROWS=${4:-100}; JOBS=${5:-6}
# Each build runs as its own launcher starts it (its JVM flags per role), without ahead-of-time caches:
# the comparison is of the code, and a cache trained on one build only would favour it.
export FERRY_AOT=off
PSQL=(psql -h "${PGHOST:-127.0.0.1}" -p "${PGPORT:-5432}" -U "${PGUSER:-postgres}" -qAt)
for dir in "$A" "$B"; do
  [ -f "$dir/deploy/target/ferry.jar" ] || { echo "no $dir/deploy/target/ferry.jar: build it first" >&2; exit 1; }
done
for table in "$TABLE" warmup; do
  "${PSQL[@]}" -d ferry_bench_src -c "SELECT 1 FROM $table LIMIT 1" >/dev/null 2>&1 \
    || { echo "no bench source table $table: run deploy/bench/run.sh --tables narrow first" >&2; exit 1; }
done
. "$(dirname "$0")/jobs.sh"
ALL=()
cleanup() {
  kill "${ALL[@]}" 2>/dev/null; wait 2>/dev/null
  "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS ferry_ab_a WITH (FORCE)" -c "DROP DATABASE IF EXISTS ferry_ab_b WITH (FORCE)" >/dev/null 2>&1
}
trap cleanup EXIT
declare -A API PIDS
for side in a b; do
  dir=$A; [ "$side" = b ] && dir=$B
  "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS ferry_ab_$side WITH (FORCE)" -c "CREATE DATABASE ferry_ab_$side" >/dev/null
  HTTP=$(free_port); CLUSTER=$(free_port); LOGS=$(mktemp -d /tmp/ferry-ab.XXXX)
  FERRY_JAVA_OPTS=-Xmx256m "$dir/deploy/bin/ferry" coordinator --http-port "$HTTP" \
    --cluster-port "$CLUSTER" --join "127.0.0.1:$CLUSTER" --state-dir "$LOGS/state" > "$LOGS/coordinator.log" 2>&1 &
  ALL+=($!); PIDS[$side]=$!
  until curl -sf "http://127.0.0.1:$HTTP/ready" >/dev/null; do sleep 0.5; done
  for w in 1 2; do
    FERRY_JAVA_OPTS=-Xmx512m "$dir/deploy/bin/ferry" worker --cluster-port 0 \
      --join "127.0.0.1:$CLUSTER" --max-units 2 > "$LOGS/worker-$w.log" 2>&1 &
    ALL+=($!); PIDS[$side]="${PIDS[$side]} $!"
  done
  API[$side]="http://127.0.0.1:$HTTP/api/v1"
  until [ "$(curl -s "${API[$side]}/workers" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["workers"]))')" = 2 ]; do
    sleep 0.5
  done
  echo "build $side: $dir (logs in $LOGS)"
done
hz=$(getconf CLK_TCK)
run() { # side, table, rows per unit: prints the job's seconds
  # A clean start for every copy, as in run.sh: the last copy's table dropped and its writes checkpointed.
  "${PSQL[@]}" -d "ferry_ab_$1" -c "DROP SCHEMA IF EXISTS bench CASCADE" -c CHECKPOINT >/dev/null 2>&1
  run_job "${API[$1]}" "$(copy_spec "$2" "$3" "ferry_ab_$1")"
}
echo "warming up: 8 jobs of ~1,000 units over the warmup table on each build, in turn"
for _ in $(seq 8); do for side in a b; do run "$side" warmup 200 >/dev/null || exit 1; done; done
printf '%-6s %8s %14s %16s\n' build "job s" "Ferry CPU s" "postgres CPU s"
declare -A SECS
for i in $(seq "$JOBS"); do
  order="a b"; [ $((i % 2)) = 0 ] && order="b a"
  for side in $order; do
    f0=$(ticks ${PIDS[$side]}); p0=$(pg_ticks)
    s=$(run "$side" "$TABLE" "$ROWS") || exit 1
    f1=$(ticks ${PIDS[$side]}); p1=$(pg_ticks)
    SECS[$side]="${SECS[$side]:-} $s"
    printf '%-6s %8.2f %14.2f %16.2f\n' "$side" "$s" "$(echo "($f1 - $f0) / $hz" | bc -l)" "$(echo "($p1 - $p0) / $hz" | bc -l)"
  done
done
for side in a b; do
  echo "${SECS[$side]}" | python3 -c "import statistics,sys; v=[float(x) for x in sys.stdin.read().split()]; print('build $side: job seconds median %.2f, mean %.2f (%.2f-%.2f), %d jobs' % (statistics.median(v), statistics.mean(v), min(v), max(v), len(v)))"
done
