#!/usr/bin/env bash
# What a verify digest costs per row against count(*), in one PostgreSQL backend's CPU time (steady under
# load from other processes, unlike wall time): each query over the same key range of the bench's tables,
# run REPEAT times, the median printed (see docs/verification.md, "Cost").
#   deploy/bench/verify-cpu.sh              # narrow rows 1,000,000-1,999,999 and wide rows 1-500,000, 3 times
#   REPEAT=5 deploy/bench/verify-cpu.sh
# Needs the bench's source database (deploy/bench/run.sh --verify builds it) on a PostgreSQL server of this
# machine (the backend's CPU is read from /proc), psql, and PGHOST/PGPORT/PGUSER as for psql (default
# 127.0.0.1, postgres). Parallel workers are off, so that one process does all of a query's work.
set -euo pipefail
REPEAT=${REPEAT:-3}
DB=${DB:-ferry_bench_src}
export PGHOST=${PGHOST:-127.0.0.1} PGUSER=${PGUSER:-postgres}

# The digest Ferry computes for narrow's columns (io.ferry.worker.postgres.PostgresRowHash).
NARROW_HASH="coalesce(hashint8extended(id::bigint, 65536), -1) # coalesce(hashint4extended(n::integer, 131072), -2)\
 # coalesce(hashtextextended(label::text COLLATE \"C\", 196608), -3) # coalesce(hash_numeric_extended(amount::numeric, 262144), -4)\
 # coalesce(timestamp_hash_extended(at::timestamptz AT TIME ZONE INTERVAL '00:00', 327680), -5)\
 # coalesce(hashint4extended(flag::boolean::integer, 393216), -6)"
WIDE_HASH="coalesce(hashint8extended(id::bigint, 65536), -1) # coalesce(jsonb_hash_extended(doc::jsonb, 131072), -2)\
 # hash_array_extended(ARRAY[blob::bytea], 196608) # coalesce(hashtextextended(note::text COLLATE \"C\", 262144), -4)"
N="FROM narrow WHERE id >= 1000000 AND id < 2000000"
W="FROM wide WHERE id >= 1 AND id < 500001"

# label|settings|query
QUERIES=(
  "narrow count(*)||SELECT count(*) $N"
  "narrow count(*), visiting each row's heap tuple|SET enable_indexonlyscan = off;|SELECT count(*) $N"
  "narrow every column read, one summed||SELECT count(*), sum(flag::int) $N"
  "narrow digest (Ferry's)||SELECT count(*), sum(hashint8extended($NARROW_HASH, 0)) $N"
  "narrow digest, bit_xor instead of sum||SELECT count(*), bit_xor(hashint8extended($NARROW_HASH, 0)) $N"
  "narrow digest, JIT forced|SET jit_above_cost = 0;|SELECT count(*), sum(hashint8extended($NARROW_HASH, 0)) $N"
  "narrow hash_record_extended(ROW(...))||SELECT count(*), sum(hash_record_extended(ROW(id, n, label, amount, at, flag), 0)) $N"
  "narrow hash_record_extended(t.*)||SELECT count(*), sum(hash_record_extended(narrow.*, 0)) $N"
  "narrow the row's text form hashed||SELECT count(*), sum(hashtextextended(ROW(id, n, label, amount, at, flag)::text, 0)) $N"
  "wide count(*)||SELECT count(*) $W"
  "wide every column read, one's length summed||SELECT count(*), sum(octet_length(note)) $W"
  "wide digest (Ferry's)||SELECT count(*), sum(hashint8extended($WIDE_HASH, 0)) $W"
  "wide jsonb column's hash alone||SELECT count(*), sum(jsonb_hash_extended(doc, 1)) $W"
  "wide jsonb column's text hashed||SELECT count(*), sum(hashtextextended(doc::text, 1)) $W"
  "wide bytea column's hash alone||SELECT count(*), sum(hash_array_extended(ARRAY[blob], 1)) $W"
  "wide text column's hash alone||SELECT count(*), sum(hashtextextended(note COLLATE \"C\", 1)) $W"
)

# One psql session per query and run: the backend's utime + stime (clock ticks) before and after it.
cpu_seconds() {
  local settings=$1 query=$2
  {
    echo "SET max_parallel_workers_per_gather = 0; SET TimeZone = 'UTC'; $settings"
    echo "SELECT pg_backend_pid() AS pid \\gset"
    echo "\\setenv BPID :pid"
    echo "\\! awk '{print \$14 + \$15}' /proc/\$BPID/stat"
    echo "$query \\g /dev/null"
    echo "\\! awk '{print \$14 + \$15}' /proc/\$BPID/stat"
  } | psql -d "$DB" -q -v ON_ERROR_STOP=1 | awk -v hz="$(getconf CLK_TCK)" 'NR == 1 {a = $1} NR == 2 {printf "%.2f", ($1 - a) / hz}'
}

printf '%-52s %s\n' "query (one backend, CPU s, median of $REPEAT)" "runs"
for entry in "${QUERIES[@]}"; do
  IFS='|' read -r label settings query <<< "$entry"
  runs=()
  for ((i = 0; i < REPEAT; i++)); do
    runs+=("$(cpu_seconds "$settings" "$query")")
  done
  median=$(printf '%s\n' "${runs[@]}" | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')
  printf '%-52s %s  (%s)\n' "$label" "$median" "${runs[*]}"
done
