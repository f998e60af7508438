#!/usr/bin/env bash
# kill -9 of workers at random moments: a SaudiNewsNet sample (SAMPLE
# articles, default 5,000, in inputs of 100) goes through the PostgreSQL
# work queue with 2 workers (15 s leases; the stages that read across
# articles at a place every 5 inputs, so kills also hit their runs); KILLS times (default 10), at a
# random moment (seed SEED), one running worker is killed with SIGKILL and
# a new one started. At the end: every input done (none quarantined), the
# articles and duplicate groups the same as one `rasd ingest` of the sample
# into SQLite (no article lost, none stored twice), and the entities,
# events and stories of both. PostgreSQL is started here with
# tests/pg/cluster.sh unless PG_URL names a server.
# Usage: bench/workers_kill.sh [KILLS] [SEED]   (SAMPLE=N in the environment)
set -euo pipefail
source "$(dirname "$0")/common.sh"
kills="${1:-10}"
seed="${2:-17}"
sample="${SAMPLE:-5000}"
machine_info
cargo build --release --quiet --manifest-path "$root/Cargo.toml" -p rasd
rasd="${CARGO_TARGET_DIR:-$root/target}/release/rasd"
tmp="$(mktemp -d)"
chmod 755 "$tmp"
trap 'pkill -9 -f "rasd_kill_bench" >/dev/null 2>&1 || true; pg_stop; rm -rf "$tmp"' EXIT
pg_server 54349
python3 - "$corpus" "$tmp/in" "$sample" <<'PY'
import json, os, sys, zipfile
corpus, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
os.makedirs(out)
arts = []
for z in sorted(os.listdir(corpus)):
    if z.endswith(".zip") and len(arts) < n:
        with zipfile.ZipFile(os.path.join(corpus, z)) as f:
            for m in sorted(f.namelist()):
                arts.extend(json.loads(f.read(m)))
arts = arts[:n]
for i in range(0, len(arts), 100):
    with open(os.path.join(out, f"part{i // 100:04d}.json"), "w") as f:
        json.dump(arts[i:i + 100], f, ensure_ascii=False)
PY
db="$(dirname "$PG_URL")/rasd_kill_bench"
psql -X "$PG_URL" -qc "DROP DATABASE IF EXISTS rasd_kill_bench" -c "CREATE DATABASE rasd_kill_bench" >/dev/null 2>&1
"$rasd" --db "$db" enqueue "$tmp/in" > /dev/null
start_worker() {
  RAYON_NUM_THREADS=1 "$rasd" --db "$db" worker --until-empty --poll 0.2 --lease 15 --max-attempts 6 --derive-every 5 \
    > /dev/null 2>> "$tmp/workers.err" &
  echo $!
}
declare -a pids
pids=("$(start_worker)" "$(start_worker)")
RANDOM="$seed"
t0=$(date +%s)
for k in $(seq "$kills"); do
  sleep "$(python3 -c "import random; random.seed($seed * 100 + $k); print(round(random.uniform(2, 12), 1))")"
  alive=()
  for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive+=("$p"); done
  [ "${#alive[@]}" -eq 0 ] && { echo "kill $k: no worker running (queue done)"; break; }
  victim="${alive[$((RANDOM % ${#alive[@]}))]}"
  kill -9 "$victim"
  echo "kill $k at $(( $(date +%s) - t0 )) s: worker $victim; $("$rasd" --db "$db" queue)"
  pids=("${alive[@]/$victim}" "$(start_worker)")
done
# The workers exit when nothing is pending or running (a dead worker's
# inputs are taken over when their lease runs out).
while pgrep -f "rasd_kill_bench worker" > /dev/null; do sleep 1; done
echo "done after $(( $(date +%s) - t0 )) s; $("$rasd" --db "$db" queue)"
"$rasd" --db "$tmp/ref.db" ingest "$tmp/in" > /dev/null 2>&1
python3 - "$rasd" "$db" "$tmp/ref.db" <<'PY'
import json, subprocess, sys
rasd, pg, ref = sys.argv[1:4]
def lines(db, *cmd):
    out = subprocess.run([rasd, "--db", db, *cmd, "--json"], check=True, capture_output=True, text=True).stdout
    return [json.loads(l) for l in out.splitlines() if l.strip()]
def keys(db):
    return sorted((a["url"] or "", a["input"]["index"], a["title"] or "") for a in lines(db, "articles"))
q = json.loads(subprocess.run([rasd, "--db", pg, "queue", "--json"], check=True, capture_output=True, text=True).stdout)
fails = 0
def check(name, ok, detail):
    global fails
    fails += not ok
    print(f"{'ok  ' if ok else 'FAIL'} {name}: {detail}")
check("queue", q["pending"] == 0 and q["running"] == 0 and q["quarantined"] == 0, q)
a, b = keys(pg), keys(ref)
check("articles", a == b, f"{len(a)} after the kills, {len(b)} in one ingest; every article once: {len(set(a)) == len(a)}")
for what in ("duplicates", "entities", "events", "stories"):
    n, m = len(lines(pg, what)), len(lines(ref, what))
    if what == "duplicates":
        check(what, n == m, f"{n} groups vs {m}")
    else:
        print(f"     {what}: {n} after the kills, {m} in one ingest")
print(f"{fails} failed")
sys.exit(1 if fails else 0)
PY
