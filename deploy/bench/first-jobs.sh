#!/usr/bin/env bash
# What a freshly started cluster's first jobs cost against later ones, in CPU seconds rather than wall
# time (figures that hold on a busy machine): starts a coordinator and two workers (2 units each) through
# deploy/bin/ferry, as an operator would (so with the ahead-of-time caches it finds, see
# docs/operations.md), and runs the same copy job JOBS times, one after another. Per job: its seconds from
# the submission, the copy phase's seconds, and the CPU of the coordinator and of the workers, each with
# its JIT compiler threads' part (docs/benchmarks.md, "First jobs").
#   deploy/bench/first-jobs.sh                      # narrow, 4 jobs, mode drop_recreate
#   FERRY_AOT=off deploy/bench/first-jobs.sh        # the same without the caches
#   FERRY_AOT=train JOBS=2 deploy/bench/first-jobs.sh   # writes the caches as the cluster stops (its CPU
#                                                   # figures are the launchers' then, not the JVMs')
#   TABLE=wide JOBS=3 MODE=truncate deploy/bench/first-jobs.sh
#   WORKER_JAVA_OPTS=-XX:+UseParallelGC deploy/bench/first-jobs.sh  # JVM flags to try on the workers, after
#                                                   # the launcher's own (COORDINATOR_JAVA_OPTS: the coordinator's)
# Needs the bench's source database (deploy/bench/run.sh builds it); writes into database ferry_first_jobs.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -f deploy/target/ferry.jar ] || ./mvnw -q package -DskipTests
TABLE=${TABLE:-narrow}; JOBS=${JOBS:-4}; MODE=${MODE:-drop_recreate}
PSQL=(psql -h "${PGHOST:-127.0.0.1}" -p "${PGPORT:-5432}" -U "${PGUSER:-postgres}" -qAt)
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
"${PSQL[@]}" -d ferry_bench_src -c "SELECT 1 FROM $TABLE LIMIT 1" >/dev/null 2>&1 \
  || { echo "no bench source table $TABLE: run deploy/bench/run.sh --tables $TABLE first" >&2; exit 1; }
"${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS ferry_first_jobs" -c "CREATE DATABASE ferry_first_jobs" >/dev/null 2>&1
. deploy/bench/jobs.sh
HTTP=$(free_port); CLUSTER=$(free_port); DIR=$(mktemp -d /tmp/ferry-first-jobs.XXXX)
FERRY_CLUSTER_SECRET=$(python3 -c 'import uuid; print(uuid.uuid4())'); export FERRY_CLUSTER_SECRET
started=$(date +%s.%N)
FERRY_JAVA_OPTS="-Xmx256m ${COORDINATOR_JAVA_OPTS:-}" deploy/bin/ferry coordinator --http-port "$HTTP" --cluster-port "$CLUSTER" \
  --join "127.0.0.1:$CLUSTER" --state-dir "$DIR/state" > "$DIR/coordinator.log" 2>&1 &
PIDS=($!)
# Workers first, then the coordinator, each waited for: a training run writes its cache as it stops.
trap 'kill "${PIDS[1]}" "${PIDS[2]}" 2>/dev/null; wait "${PIDS[1]}" "${PIDS[2]}" 2>/dev/null; kill "${PIDS[0]}" 2>/dev/null; wait 2>/dev/null' EXIT
for w in 1 2; do
  # One writer per cache: only the first worker trains.
  aot=${FERRY_AOT:-on}; [ "$aot" = train ] && [ "$w" = 2 ] && aot=off
  FERRY_AOT=$aot FERRY_JAVA_OPTS="-Xmx512m ${WORKER_JAVA_OPTS:-}" deploy/bin/ferry worker --cluster-port 0 --join "127.0.0.1:$CLUSTER" --max-units 2 \
    > "$DIR/worker-$w.log" 2>&1 &
  PIDS+=($!)
done
API="http://127.0.0.1:$HTTP/api/v1"
until [ "$(curl -s "$API/workers" 2>/dev/null | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["workers"]))' 2>/dev/null)" = 2 ]; do
  sleep 0.5
done
hz=$(getconf CLK_TCK)
# CPU ticks of the JIT compiler threads (C1/C2 CompilerThread#) of the given processes.
jit_ticks() {
  local sum=0 s
  for s in $(for p in "$@"; do ls /proc/"$p"/task/*/stat; done); do
    case "$(sed 's/^[0-9]* (\(.*\)) .*/\1/' "$s" 2>/dev/null)" in
      C1\ CompilerThre*|C2\ CompilerThre*) sum=$((sum + $(awk '{print $14 + $15}' "$s"))) ;;
    esac
  done
  echo "$sum"
}
sec() { echo "($1) / $hz" | bc -l | xargs printf '%.2f'; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
printf 'fresh cluster ready in %.1f s; start-up CPU: coordinator %s s, workers %s s (FERRY_AOT=%s); load average %s\n' \
  "$(echo "$(date +%s.%N) - $started" | bc)" "$(sec "$(ticks "${PIDS[0]}")")" "$(sec "$(ticks "${PIDS[1]}" "${PIDS[2]}")")" "${FERRY_AOT:-on}" "$(load)"
printf '%-4s %7s %7s %14s %10s %12s %8s\n' job "job s" "copy s" "coordinator s" "its JIT s" "workers s" "JIT s"
for j in $(seq "$JOBS"); do
  "${PSQL[@]}" -d ferry_first_jobs -c "DROP SCHEMA IF EXISTS bench CASCADE" -c "CREATE SCHEMA bench" -c CHECKPOINT >/dev/null
  if [ "$MODE" != create ] && [ "$MODE" != drop_recreate ]; then
    cols=$("${PSQL[@]}" -d ferry_bench_src -c "SELECT string_agg(quote_ident(attname) || ' ' || format_type(atttypid, atttypmod), ', '
      ORDER BY attnum) FROM pg_attribute WHERE attrelid = 'public.$TABLE'::regclass AND attnum > 0 AND NOT attisdropped")
    "${PSQL[@]}" -d ferry_first_jobs -c "CREATE TABLE bench.$TABLE ($cols, PRIMARY KEY (id))" >/dev/null
  fi
  c0=$(ticks "${PIDS[0]}"); w0=$(ticks "${PIDS[1]}" "${PIDS[2]}"); cj0=$(jit_ticks "${PIDS[0]}"); wj0=$(jit_ticks "${PIDS[1]}" "${PIDS[2]}")
  spec=$(copy_spec "$TABLE" 250000 ferry_first_jobs | sed "s/\"drop_recreate\"/\"$MODE\",\"verify\":\"none\"/")
  t0=$(date +%s.%N)
  id=$(curl -s -XPOST -H 'Content-Type: application/json' "$API/jobs" -d "$spec" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
  copy0=""; copy1=""
  while :; do
    read -r state phase < <(curl -s "$API/jobs/$id" | python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["state"], j.get("phase"))' \
      || echo "unknown unknown")
    now=$(date +%s.%N)
    [ -z "$copy0" ] && [ "$phase" = copy ] && copy0=$now
    [ -n "$copy0" ] && [ -z "$copy1" ] && [ "$phase" != copy ] && copy1=$now
    case $state in succeeded) break ;; failed|cancelled) echo "job $id $state" >&2; exit 1 ;; esac
    sleep 0.1
  done
  t1=$(date +%s.%N)
  c1=$(ticks "${PIDS[0]}"); w1=$(ticks "${PIDS[1]}" "${PIDS[2]}"); cj1=$(jit_ticks "${PIDS[0]}"); wj1=$(jit_ticks "${PIDS[1]}" "${PIDS[2]}")
  printf '%-4s %7.1f %7.1f %14s %10s %12s %8s\n' "$j" "$(echo "$t1 - $t0" | bc)" "$(echo "${copy1:-$t1} - ${copy0:-$t0}" | bc)" \
    "$(sec "$c1 - $c0")" "$(sec "$cj1 - $cj0")" "$(sec "$w1 - $w0")" "$(sec "$wj1 - $wj0")"
done
"${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS ferry_first_jobs WITH (FORCE)" >/dev/null 2>&1 || true
echo "load average at the end $(load); logs in $DIR"
