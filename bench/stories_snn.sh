#!/usr/bin/env bash
# Near-duplicates, events and stories over all of SaudiNewsNet: a full
# ingest into a fresh database (entities included), RUNS times; prints the
# median time of the whole ingest, the near-duplicate stage, the event
# rebuild (and its rate in articles/s, with the events per type) and the
# story rebuild and the search indexing (measured inside the ingest run, from
# its --json summary), then the story size distribution,
# the ten largest stories and a fixed random sample of 20 multi-source
# stories with their first and last titles for a coherence spot-check.
# Usage: bench/stories_snn.sh [RUNS]   (default 3)
set -euo pipefail
source "$(dirname "$0")/common.sh"
runs="${1:-3}"
cargo build --release --quiet --manifest-path "$root/Cargo.toml" -p rasd
rasd="${CARGO_TARGET_DIR:-$root/target}/release/rasd"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
echo "machine: $(nproc) cores, $(uname -m); corpus: SaudiNewsNet (all 18 zips)"
for i in $(seq "$runs"); do
  rm -f "$tmp/snn.db"*
  "$rasd" ingest --db "$tmp/snn.db" "$corpus" --json > "$tmp/run$i.json"
done
python3 - "$tmp" "$runs" "$rasd" <<'PY'
import json, random, statistics, subprocess, sys, collections
tmp, runs, rasd = sys.argv[1], int(sys.argv[2]), sys.argv[3]
sums = [json.load(open(f"{tmp}/run{i}.json")) for i in range(1, runs + 1)]
def median(what, xs):
    return f"{what}: median {statistics.median(xs):.2f} s of {runs} ({', '.join(f'{x:.2f}' for x in xs)})"
print(median("whole ingest", [s["seconds"] for s in sums]))
print(median("near-duplicate stage", [s["duplicates"]["seconds"] for s in sums])
      + f"; {sums[-1]['duplicates']['pairs']} pairs from {sums[-1]['duplicates']['candidates']} LSH candidates")
print(median("event rebuild", [s["events"]["seconds"] for s in sums]) + "; " + json.dumps(sums[-1]["events"]))
articles = sums[-1]["articles_new"]
rates = [articles / s["events"]["seconds"] for s in sums]
print(f"event coding rate: median {statistics.median(rates):.0f} articles/s ({articles} articles)")
evs = subprocess.run([rasd, "events", "--json", "--negated", "--db", f"{tmp}/snn.db"], capture_output=True, text=True, check=True).stdout
per_type = collections.Counter(json.loads(l)["type"] for l in evs.splitlines())
print("events per type:", ", ".join(f"{t} {n}" for t, n in per_type.most_common()))
print(median("story rebuild", [s["stories"]["seconds"] for s in sums]))
if all(s.get("search") for s in sums):
    print(median("search indexing", [s["search"]["seconds"] for s in sums]) + "; " + json.dumps(sums[-1]["search"]))
print("summary:", json.dumps(sums[-1]["stories"]))
out = subprocess.run([rasd, "stories", "--json", "--db", f"{tmp}/snn.db"], capture_output=True, text=True, check=True).stdout
stories = [json.loads(l) for l in out.splitlines()]
buckets = collections.Counter()
for s in stories:
    n = len(s["articles"])
    buckets["1" if n == 1 else "2" if n == 2 else "3-5" if n <= 5 else "6-10" if n <= 10 else "11-50" if n <= 50 else ">50"] += 1
print("stories:", len(stories), "sizes:", ", ".join(f"{k}: {buckets[k]}" for k in ["1", "2", "3-5", "6-10", "11-50", ">50"]))
print("largest ten:")
for s in sorted(stories, key=lambda s: (-len(s["articles"]), s["id"]))[:10]:
    print(f"  {s['id']:>6} {len(s['articles']):>4} articles  {s['label']}")
def title(a):
    o = subprocess.run([rasd, "show", str(a), "--json", "--db", f"{tmp}/snn.db"], capture_output=True, text=True).stdout
    try:
        return (json.loads(o).get("title") or "")[:80]
    except ValueError:
        return "?"
multi = [s for s in stories if len(s["sources"]) >= 2]
random.seed(7)
print(f"spot-check sample: 20 of {len(multi)} multi-source stories")
for s in random.sample(multi, 20):
    print(f"== {s['id']} ({len(s['articles'])} articles, {len(s['sources'])} sources) {s['label']}")
    for a in s["articles"][:3] + s["articles"][3:][-2:]:
        print(f"     {a:>6} {title(a)}")
PY
