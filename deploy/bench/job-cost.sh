#!/usr/bin/env bash
# A job's fixed cost: the seconds from `POST /api/v1/jobs` to the first status poll (every 20 ms) that reads
# `succeeded`, on a warm cluster (a coordinator and two workers, 2 units each, started through
# deploy/bin/ferry), for a 1,000-row table (1 unit: the copy itself takes milliseconds, so nearly all of the
# time is the fixed cost) and a 1 M-row one, PostgreSQL → PostgreSQL, per mode, JOBS jobs in a row each.
# Prints every job's seconds, the median per table and mode, and the median of each step between the log
# lines of the job (see docs/operations.md, "A job's fixed cost").
#   deploy/bench/job-cost.sh                               # tiny and mid, truncate and drop_recreate, 5 jobs
#   TABLES=tiny MODES=truncate JOBS=10 deploy/bench/job-cost.sh
#   FERRY_JAR=/tmp/other/ferry.jar deploy/bench/job-cost.sh   # another build (deploy/bin/ferry runs that jar)
#   FERRY_LOG_LEVEL=DEBUG deploy/bench/job-cost.sh             # the logs also time each prepare and finish statement
# Builds its own source database ferry_job_cost_src (tables tiny and mid, once) and writes into ferry_job_cost.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -f deploy/target/ferry.jar ] || ./mvnw -q package -DskipTests
TABLES=${TABLES:-tiny mid}; MODES=${MODES:-truncate drop_recreate}; JOBS=${JOBS:-5}
PSQL=(psql -h "${PGHOST:-127.0.0.1}" -p "${PGPORT:-5432}" -U "${PGUSER:-postgres}" -qAt)
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
if ! "${PSQL[@]}" -d ferry_job_cost_src -c "SELECT 1 FROM mid LIMIT 1" >/dev/null 2>&1; then
  "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS ferry_job_cost_src" -c "CREATE DATABASE ferry_job_cost_src" >/dev/null
  for t in "tiny 1000" "mid 1000000"; do
    set -- $t
    "${PSQL[@]}" -d ferry_job_cost_src -c "CREATE TABLE $1 (id bigint PRIMARY KEY, a int, b text, c timestamptz)" \
      -c "INSERT INTO $1 SELECT g, g % 97, md5(g::text), now() FROM generate_series(1, $2) g" -c "VACUUM ANALYZE $1" >/dev/null
  done
fi
"${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS ferry_job_cost WITH (FORCE)" -c "CREATE DATABASE ferry_job_cost" >/dev/null
. deploy/bench/jobs.sh
HTTP=$(free_port); CLUSTER=$(free_port); DIR=$(mktemp -d /tmp/ferry-job-cost.XXXX)
FERRY_CLUSTER_SECRET=$(python3 -c 'import uuid; print(uuid.uuid4())'); export FERRY_CLUSTER_SECRET
FERRY_JAVA_OPTS=-Xmx256m deploy/bin/ferry coordinator --http-port "$HTTP" --cluster-port "$CLUSTER" \
  --join "127.0.0.1:$CLUSTER" --state-dir "$DIR/state" > "$DIR/coordinator.log" 2>&1 &
PIDS=($!)
trap 'kill "${PIDS[@]}" 2>/dev/null; wait 2>/dev/null' EXIT
for w in 1 2; do
  FERRY_JAVA_OPTS=-Xmx512m deploy/bin/ferry worker --cluster-port 0 --join "127.0.0.1:$CLUSTER" --max-units 2 \
    > "$DIR/worker-$w.log" 2>&1 &
  PIDS+=($!)
done
API="http://127.0.0.1:$HTTP/api/v1"
until [ "$(curl -s "$API/workers" 2>/dev/null | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["workers"]))' 2>/dev/null)" = 2 ]; do
  sleep 0.5
done
pg="${PGHOST:-127.0.0.1}:${PGPORT:-5432}"
echo "cluster up; logs in $DIR; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
# One Python process submits and polls (a curl per 20 ms poll would cost more than the poll interval) and
# reads the step timings from the logs.
python3 - "$API" "$DIR" "$pg" "${PGUSER:-postgres}" "$JOBS" "$TABLES" "$MODES" <<'EOF'
import datetime, glob, json, re, statistics, subprocess, sys, time, urllib.request
api, logdir, pg, user, jobs, tables, modes = sys.argv[1:8]
psql = ["psql", "-h", pg.split(":")[0], "-p", pg.split(":")[1], "-U", user, "-qAt", "-d", "ferry_job_cost"]

def call(method, path, body=None):
    req = urllib.request.Request(api + path, data=body and json.dumps(body).encode(), method=method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        return json.load(r)

def spec(table, mode):
    url = f"jdbc:postgresql://{pg}/"
    return {"name": f"cost-{table}", "source": {"engine": "postgresql", "tenants": [
                {"id": "bench", "url": url + "ferry_job_cost_src", "user": user}]},
            "target": {"engine": "postgresql", "url": url + "ferry_job_cost", "user": user, "schema": "bench"},
            "tables": {"include": [f"public.{table}"]}, "mode": mode, "verify": "none",
            "unit": {"rows": 250000, "bytes": 1099511627776}}

def reset(table, mode):
    sql = ["DROP SCHEMA IF EXISTS bench CASCADE", "CREATE SCHEMA bench"]
    if mode not in ("create", "drop_recreate"):
        sql.append(f"CREATE TABLE bench.{table} (id bigint PRIMARY KEY, a int, b text, c timestamptz)")
    subprocess.run(psql + [a for s in sql for a in ("-c", s)], check=True, stdout=subprocess.DEVNULL)

def run(table, mode):
    reset(table, mode)
    t0 = time.time()
    job = call("POST", "/jobs", spec(table, mode))["id"]
    while True:
        state = call("GET", f"/jobs/{job}")["state"]
        if state == "succeeded":
            return job, t0, time.time()
        if state in ("failed", "cancelled"):
            sys.exit(f"job {job} {state}")
        time.sleep(0.02)

STAMP = re.compile(r"^(\S+) ")
def lines():
    for f in sorted(glob.glob(logdir + "/*.log")):
        for line in open(f, errors="replace"):
            m = STAMP.match(line)
            if m:
                try:
                    yield datetime.datetime.fromisoformat(m.group(1)).timestamp(), line
                except ValueError:
                    pass

# The steps of a job, each ending at the first log line (after the previous step's end) that matches.
STEPS = [("preflight", r"preflight of job {name}: \d+ table plans"), ("record", r"job {job} accepted"),
         ("to prepare", r"prepare unit \S+ of job {job}.*: started"), ("prepare", r"prepare unit \S+ of job {job}.*: done in"),
         ("to copy", r"copy unit \S+ of job {job}.*: started"), ("copy", r"copy unit \S+ of job {job}.*: done in"),
         ("to finish", r"finish unit finish:[^*]\S* of job {job}.*: started"),
         ("finish", r"finish unit finish:[^*]\S* of job {job}.*: done in"),
         ("to job finish", r"finish unit finish:\* of job {job}: started"),
         ("job finish", r"finish unit finish:\* of job {job}: done in")]

def breakdown(job, name, t0, t1):
    """Each step's milliseconds; "copy" ends at the table's last copy unit (a table of several units)."""
    events = sorted((t, l) for t, l in lines() if t0 - 0.01 <= t <= t1 + 0.01)
    rxs = [(step, re.compile(p.format(job=re.escape(job), name=re.escape(name)))) for step, p in STEPS]
    out, last, i = {}, t0, 0
    for n, (step, rx) in enumerate(rxs):
        while i < len(events) and not rx.search(events[i][1]):
            i += 1
        if i == len(events):
            break
        if step == "copy":
            j = i
            while j < len(events) and not rxs[n + 1][1].search(events[j][1]):
                if rx.search(events[j][1]):
                    i = j
                j += 1
        out[step] = events[i][0] - last
        last = events[i][0]
        i += 1
    out["to succeeded"] = t1 - last
    return out

print(f"{'table':6} {'mode':14} {'job':>4} {'s':>7}   steps (ms)")
for table in tables.split():
    for mode in modes.split():
        run(table, mode)  # warm-up: every code path of this table and mode once
        times, steps = [], {}
        for j in range(int(jobs)):
            job, t0, t1 = run(table, mode)
            times.append(t1 - t0)
            time.sleep(0.3)  # let the last log lines land
            b = breakdown(job, f"cost-{table}", t0, t1)
            for k, v in b.items():
                steps.setdefault(k, []).append(v * 1000)
            print(f"{table:6} {mode:14} {j + 1:>4} {t1 - t0:7.3f}   " + ", ".join(f"{k} {v * 1000:.0f}" for k, v in b.items()))
        print(f"{table:6} {mode:14} median {statistics.median(times):.3f} s; per step: "
              + ", ".join(f"{k} {statistics.median(v):.0f}" for k, v in steps.items()), flush=True)
EOF
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
"${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS ferry_job_cost WITH (FORCE)" >/dev/null 2>&1 || true
