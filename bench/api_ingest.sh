#!/usr/bin/env bash
# Uploads through the HTTP API into a store holding SaudiNewsNet: RUNS
# uploads of one new article each (POST /api/v1/ingest, JSON), timing the
# answer (the article stored with its annotations, the catalog reloaded) and
# the background update of the knowledge base, near-duplicates, events and
# stories that follows each (until /api/v1/stats says updating=false); then
# one upload with wait=true. Works on a copy of $RASD_SNN_DB (a store holding
# SaudiNewsNet), else ingests the corpus first.
#   bench/api_ingest.sh [RUNS]     (default 3)
set -euo pipefail
source "$(dirname "$0")/common.sh"
runs="${1:-3}"
cd "$root"
cargo build --release -q -p rasd
rasd="$root/target/release/rasd"
work="$(mktemp -d)"
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
if [ -n "${RASD_SNN_DB:-}" ]; then
  cp "$RASD_SNN_DB" "$work/snn.db"
else
  "$rasd" --db "$work/snn.db" ingest "$corpus" --json > /dev/null
fi
"$rasd" --db "$work/snn.db" process --json > /dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
RASD_TOKEN=bench-token-123 "$rasd" --db "$work/snn.db" serve --addr "127.0.0.1:$port" 2> "$work/serve.log" &
server=$!
for _ in $(seq 1 600); do curl -sf "http://127.0.0.1:$port/api/v1/stats" > /dev/null && break; sleep 0.5; done
python3 - "$port" "$runs" <<'PY'
import json, statistics, sys, time, urllib.request
port, runs = sys.argv[1], int(sys.argv[2])
base = f"http://127.0.0.1:{port}/api/v1"
def post(i, wait):
    body = json.dumps({"articles": [{
        "title": f"مباحثات في الرياض {i}",
        "body": f"التقى وزير الخارجية في الرياض اليوم نظيره الأردني، وبحث الجانبان العلاقات الثنائية والتعاون في المجالات الاقتصادية. ({i})",
        "published": "2015-08-12", "url": f"https://bench.example/{i}-{time.time()}"}]}).encode()
    req = urllib.request.Request(f"{base}/ingest" + ("?wait=true" if wait else ""), data=body, method="POST",
        headers={"Content-Type": "application/json", "Authorization": "Bearer bench-token-123"})
    t0 = time.time()
    with urllib.request.urlopen(req) as r:
        d = json.load(r)
    return time.time() - t0, r.status, d
def updating():
    with urllib.request.urlopen(f"{base}/stats") as r:
        return json.load(r)["updating"]
answers, updates = [], []
for i in range(runs):
    dt, status, d = post(i, False)
    t0 = time.time()
    while updating():
        time.sleep(0.2)
    answers.append(dt); updates.append(time.time() - t0 + dt)
    print(f"upload {i + 1}: answered {status} in {dt:.2f} s; stories, events and knowledge base current after {updates[-1]:.1f} s")
dt, status, d = post(runs, True)
print(f"upload with wait=true: {status} in {dt:.1f} s")
print(f"median of {runs}: answer {statistics.median(answers):.2f} s, everything current after {statistics.median(updates):.1f} s")
PY
