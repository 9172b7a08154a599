#!/usr/bin/env bash
# What a copy unit costs besides its rows: the CPU of each Ferry process (and of all PostgreSQL
# processes) while a warm cluster copies the bench's narrow table in large units and in units 10 times
# smaller, twice each (see docs/benchmarks.md, "Where a small unit's cost goes now").
#   deploy/bench/unit-cost.sh                 # units of 250,000 and 25,000 rows
#   UNITS="100000 10000" deploy/bench/unit-cost.sh
#   WARMUP_JOBS=10 deploy/bench/unit-cost.sh  # a longer warm-up (default 3 jobs of 1,000 units)
# Needs the bench's source database (deploy/bench/run.sh builds it) and deploy/target/ferry.jar; runs a
# coordinator and two workers (2 units each) on free local ports, writing into database ferry_unit_cost.
set -euo pipefail
cd "$(dirname "$0")/../.."
JAR=deploy/target/ferry.jar
[ -f "$JAR" ] || ./mvnw -q package -DskipTests
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
PG="${PGHOST:-127.0.0.1}:${PGPORT:-5432}"
PSQL=(psql -h "${PGHOST:-127.0.0.1}" -p "${PGPORT:-5432}" -U "${PGUSER:-postgres}" -qAt)
"${PSQL[@]}" -d ferry_bench_src -c "SELECT 1 FROM narrow LIMIT 1" >/dev/null 2>&1 \
  || { echo "no bench source table: run deploy/bench/run.sh --tables narrow first" >&2; exit 1; }
"${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS ferry_unit_cost" -c "CREATE DATABASE ferry_unit_cost" >/dev/null 2>&1
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
HTTP=$(free_port); CLUSTER=$(free_port); DIR=$(mktemp -d /tmp/ferry-unit-cost.XXXX)
FLAGS=(--sun-misc-unsafe-memory-access=allow)
"$JAVA" "${FLAGS[@]}" -Xmx256m -jar "$JAR" coordinator --http-port "$HTTP" --cluster-port "$CLUSTER" \
  --join "127.0.0.1:$CLUSTER" --state-dir "$DIR/state" > "$DIR/coordinator.log" 2>&1 &
PIDS=($!)
trap 'kill "${PIDS[@]}" 2>/dev/null; wait 2>/dev/null' EXIT
API="http://127.0.0.1:$HTTP/api/v1"
until curl -sf "http://127.0.0.1:$HTTP/ready" >/dev/null; do sleep 0.5; done
for w in 1 2; do
  "$JAVA" "${FLAGS[@]}" -Xmx512m -jar "$JAR" worker --cluster-port 0 --join "127.0.0.1:$CLUSTER" --max-units 2 \
    > "$DIR/worker-$w.log" 2>&1 &
  PIDS+=($!)
done
until [ "$(curl -s "$API/workers" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["workers"]))')" = 2 ]; do sleep 0.5; done

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
pg_ticks() { for p in $(pgrep -u postgres postgres); do awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null; done | paste -sd+ | bc; }
hz=$(getconf CLK_TCK)
run() { # table, rows per unit: prints seconds
  local spec id state t0
  spec=$(printf '{"name":"unit-cost","source":{"engine":"postgresql","tenants":[{"id":"bench","url":"jdbc:postgresql://%s/ferry_bench_src","user":"%s"}]},"target":{"engine":"postgresql","url":"jdbc:postgresql://%s/ferry_unit_cost","user":"%s","schema":"bench"},"tables":{"include":["public.%s"]},"mode":"drop_recreate","unit":{"rows":%s,"bytes":1099511627776}}' \
    "$PG" "${PGUSER:-postgres}" "$PG" "${PGUSER:-postgres}" "$1" "$2")
  id=$(curl -s -XPOST -H 'Content-Type: application/json' "$API/jobs" -d "$spec" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
  t0=$(date +%s.%N)
  while state=$(curl -s "$API/jobs/$id" | python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])'); [ "$state" != succeeded ]; do
    [ "$state" = failed ] && { echo "job $id failed" >&2; exit 1; }
    sleep 0.2
  done
  echo "$(date +%s.%N) - $t0" | bc
}
echo "warming up: ${WARMUP_JOBS:-3} jobs of 1,000 units over the warmup table"
for _ in $(seq "${WARMUP_JOBS:-3}"); do run warmup 200 >/dev/null; done
printf '%-12s %8s %16s %14s %14s\n' "unit rows" "job s" "coordinator s" "workers s" "postgres s"
for rows in ${UNITS:-250000 25000} ${UNITS:-250000 25000}; do
  c0=$(ticks "${PIDS[0]}"); w0=$(( $(ticks "${PIDS[1]}") + $(ticks "${PIDS[2]}") )); p0=$(pg_ticks)
  secs=$(run narrow "$rows")
  c1=$(ticks "${PIDS[0]}"); w1=$(( $(ticks "${PIDS[1]}") + $(ticks "${PIDS[2]}") )); p1=$(pg_ticks)
  printf '%-12s %8.1f %16.2f %14.2f %14.2f\n' "$rows" "$secs" "$(echo "($c1 - $c0) / $hz" | bc -l)" \
    "$(echo "($w1 - $w0) / $hz" | bc -l)" "$(echo "($p1 - $p0) / $hz" | bc -l)"
done
"${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS ferry_unit_cost" >/dev/null 2>&1 || true
echo "logs in $DIR"
