#!/usr/bin/env bash
# All of SaudiNewsNet through the PostgreSQL work queue with 1, 2 and 4
# workers (each worker one thread, RAYON_NUM_THREADS=1, so that N workers
# use N cores; the database on loopback, started here with
# tests/pg/cluster.sh unless PG_URL names a server whose user may create
# databases). For each worker count, RUNS times: a fresh database, `rasd
# enqueue` of the corpus, then N `rasd worker --until-empty` at once; prints
# the wall time from the workers' start to the last one's exit, and the
# final counts (articles, duplicate groups, entities, events, stories),
# which must be the same for every worker count; then the counts of one
# `rasd ingest` of the corpus into SQLite for reference.
# Usage: bench/workers_snn.sh [RUNS] [WORKER COUNTS...]   (default 1; 1 2 4)
#   WORKER_FLAGS="--derive-every 64" passes flags to every worker.
set -euo pipefail
source "$(dirname "$0")/common.sh"
runs="${1:-1}"
shift || true
counts=("$@")
[ "${#counts[@]}" -eq 0 ] && counts=(1 2 4)
machine_info
cargo build --release --quiet --manifest-path "$root/Cargo.toml" -p rasd
rasd="${CARGO_TARGET_DIR:-$root/target}/release/rasd"
tmp="$(mktemp -d)"
chmod 755 "$tmp"
trap 'pg_stop; rm -rf "$tmp"' EXIT
pg_server 54339
base="${PG_URL%/*}"
echo "PostgreSQL: $(psql -X "$PG_URL" -Atc 'SHOW server_version') at $base"
snapshot() {
  local db="$1"
  python3 - "$rasd" "$db" <<'PY'
import json, subprocess, sys
rasd, db = sys.argv[1], sys.argv[2]
def lines(*cmd):
    out = subprocess.run([rasd, "--db", db, *cmd, "--json"], check=True, capture_output=True, text=True).stdout
    return [json.loads(l) for l in out.splitlines() if l.strip()]
stats = json.loads(subprocess.run([rasd, "--db", db, "stats", "--json"], check=True, capture_output=True, text=True).stdout)
print(f"articles {stats['articles']}, duplicate groups {len(lines('duplicates'))}, "
      f"entities {len(lines('entities'))}, events {len(lines('events'))}, stories {len(lines('stories'))}")
PY
}
for n in "${counts[@]}"; do
  for i in $(seq "$runs"); do
    db="rasd_bench_w${n}_$i"
    psql -X "$PG_URL" -qc "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null 2>&1
    "$rasd" --db "$base/$db" enqueue "$corpus" > /dev/null
    t0=$(date +%s.%N)
    pids=()
    for w in $(seq "$n"); do
      RAYON_NUM_THREADS=1 "$rasd" --db "$base/$db" worker --until-empty --poll 0.5 ${WORKER_FLAGS:-} --json > "$tmp/w$n-$i-$w.json" &
      pids+=($!)
    done
    for p in "${pids[@]}"; do wait "$p"; done
    t1=$(date +%s.%N)
    secs=$(python3 -c "print(f'{$t1 - $t0:.1f}')")
    echo "$n worker(s), run $i: $secs s; $(snapshot "$base/$db")"
    echo "$secs" >> "$tmp/times$n"
  done
  python3 - "$tmp/times$n" "$n" <<'PY'
import statistics, sys
xs = [float(l) for l in open(sys.argv[1])]
print(f"{sys.argv[2]} worker(s): median {statistics.median(xs):.1f} s of {len(xs)} ({', '.join(f'{x:.1f}' for x in xs)})")
PY
done
"$rasd" --db "$tmp/ref.db" ingest "$corpus" > /dev/null 2>&1
echo "reference, one rasd ingest into SQLite (2 threads): $(snapshot "$tmp/ref.db")"
