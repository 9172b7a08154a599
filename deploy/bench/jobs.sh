# Shell functions the bench scripts share (sourced by unit-cost.sh and ab.sh).

# A free TCP port on the loopback.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# The bench's copy job of one source table of ferry_bench_src into database $3: table, rows per unit, target database.
copy_spec() {
  local pg="${PGHOST:-127.0.0.1}:${PGPORT:-5432}" user="${PGUSER:-postgres}"
  printf '{"name":"bench","source":{"engine":"postgresql","tenants":[{"id":"bench","url":"jdbc:postgresql://%s/ferry_bench_src","user":"%s"}]},"target":{"engine":"postgresql","url":"jdbc:postgresql://%s/%s","user":"%s","schema":"bench"},"tables":{"include":["public.%s"]},"mode":"drop_recreate","unit":{"rows":%s,"bytes":1099511627776}}' \
    "$pg" "$user" "$pg" "$3" "$user" "$1" "$2"
}

# Submits a job spec to a coordinator's API (http://…/api/v1) and waits for it to succeed: prints its seconds
# from the submission's answer; exits the script if the job fails.
run_job() {
  local api=$1 spec=$2 id state t0
  id=$(curl -s -XPOST -H 'Content-Type: application/json' "$api/jobs" -d "$spec" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
  t0=$(date +%s.%N)
  while state=$(curl -s "$api/jobs/$id" | python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])'); [ "$state" != succeeded ]; do
    [ "$state" = failed ] && { echo "job $id failed" >&2; exit 1; }
    sleep 0.1
  done
  echo "$(date +%s.%N) - $t0" | bc
}

# CPU ticks (user + system) of the given processes, added up.
ticks() { local sum=0 p; for p in "$@"; do sum=$((sum + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo "$sum"; }

# CPU ticks (user + system) of all PostgreSQL server processes, the ended ones too: a backend that exits
# between two readings leaves the live processes' sum, and its ticks go to the postmaster (the oldest
# process), which reaps it, as its children's (cutime + cstime). Without them a job whose connections
# closed could show a negative figure.
pg_ticks() {
  local postmaster; postmaster=$(pgrep -o -u postgres postgres)
  { for p in $(pgrep -u postgres postgres); do awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null; done
    awk '{print $16 + $17}' "/proc/$postmaster/stat"; } | paste -sd+ | bc
}
