#!/usr/bin/env bash
# Event coding speed over all of SaudiNewsNet, this build against an older
# one (default cd5a470: the hand-written coder with the mention filter) in
# the same run:
#   1. the coding alone: `bench_event_coding` (this build's example) codes
#      every stored article from its stored entities and time expressions on
#      all cores, RUNS times (median; merging left out);
#   2. the event stage of `rasd rebuild --json` (coding and merging) on a
#      copy of one store with each binary, RUNS times each, alternating.
# The store is one full ingest with this build (or BASE_DB, a store of all
# of SaudiNewsNet made by rasd). Prints medians in seconds and articles/s,
# and the events per type of each build.
# Usage: bench/events_speed.sh [RUNS] [OLD_REV]   (defaults 3, cd5a470)
#   OLD_BIN=path/to/rasd uses that binary of OLD_REV instead of building it.
#   BASE_DB=path starts from that store instead of ingesting.
#   KEEP_DB=path keeps the new build's store there (for bench/events_sample.py).
set -euo pipefail
source "$(dirname "$0")/common.sh"
runs="${1:-3}"
old_rev="${2:-cd5a470}"
tmp="$(mktemp -d)"
trap 'git -C "$root" worktree remove --force "$tmp/old" >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
machine_info
build_new_and_old "$old_rev"
cargo build --release --quiet --manifest-path "$root/Cargo.toml" -p rasd-pipeline --example bench_event_coding
cp "${CARGO_TARGET_DIR:-$root/target}/release/examples/bench_event_coding" "$tmp/bench_event_coding"
if [ -n "${BASE_DB:-}" ]; then
  cp "$BASE_DB" "$tmp/base.db"
else
  "$tmp/rasd-new" ingest --db "$tmp/base.db" "$corpus" --json > /dev/null
fi
echo "coding alone (this build):"
"$tmp/bench_event_coding" "$tmp/base.db" "$runs"
for i in $(seq "$runs"); do
  for b in old new; do
    rm -f "$tmp/$b.db"*
    cp "$tmp/base.db" "$tmp/$b.db"
    "$tmp/rasd-$b" rebuild --db "$tmp/$b.db" --json > "$tmp/$b-$i.json"
  done
done
python3 - "$tmp" "$runs" <<'PY'
import json, statistics, subprocess, sys, collections
tmp, runs = sys.argv[1], int(sys.argv[2])
articles = json.load(open(f"{tmp}/new-1.json"))["events"]["articles"]
print(f"event stage of rasd rebuild, articles: {articles}")
for b in ("old", "new"):
    sums = [json.load(open(f"{tmp}/{b}-{i}.json")) for i in range(1, runs + 1)]
    xs = [s["events"]["seconds"] for s in sums]
    m = statistics.median(xs)
    print(f"{b}: event stage median {m:.2f} s of {runs} ({', '.join(f'{x:.2f}' for x in xs)}) = {articles / m:.0f} articles/s; {json.dumps(sums[-1]['events'])}")
    evs = subprocess.run([f"{tmp}/rasd-{b}", "events", "--json", "--negated", "--db", f"{tmp}/{b}.db"], capture_output=True, text=True, check=True).stdout
    per_type = collections.Counter(json.loads(l)["type"] for l in evs.splitlines())
    print(f"  {b} events per type:", ", ".join(f"{t} {n}" for t, n in per_type.most_common()))
PY
if [ -n "${KEEP_DB:-}" ]; then cp "$tmp/new.db" "$KEEP_DB"; echo "kept the new build's store in $KEEP_DB"; fi
