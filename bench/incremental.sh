#!/usr/bin/env bash
# The incremental pipeline on SaudiNewsNet, against an older build in the
# same run (default: fc37474, the last build that rebuilt the knowledge base,
# events and stories from every article on each batch):
#   1. the full ingest into a fresh store (RUNS times, median; per-stage
#      seconds from --json);
#   2. the five seed pages added to a copy of that store (3 copies, median);
#   3. the last 1,000 SaudiNewsNet articles added to a store holding the
#      other 29,676 (3 copies, median);
#   4. (this build only) the same corpus in 10 batches against the one-batch
#      store: near-duplicate groups, events and stories compared (ids left
#      out), differences counted.
# Usage: bench/incremental.sh [RUNS] [OLD_REV]   (defaults 1, fc37474)
#   OLD_BIN=path/to/rasd uses that binary of OLD_REV instead of building it.
# Skips the seeds step when ../shared/seeds is absent.
set -euo pipefail
source "$(dirname "$0")/common.sh"
runs="${1:-1}"
old_rev="${2:-fc37474}"
seeds="$root/../shared/seeds"
tmp="$(mktemp -d)"
trap 'git -C "$root" worktree remove --force "$tmp/old" >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
machine_info

build_new_and_old "$old_rev"

# Inputs: the corpus in its order as JSON arrays: all but the last 1,000,
# the last 1,000, and 10 batches.
python3 - "$corpus" "$tmp" <<'PY'
import glob, json, os, sys, zipfile
corpus, tmp = sys.argv[1], sys.argv[2]
arts = []
for f in sorted(glob.glob(os.path.join(corpus, "*.zip"))):
    with zipfile.ZipFile(f) as z:
        for name in sorted(z.namelist()):
            arts.extend(json.loads(z.read(name)))
def dump(path, xs):
    with open(path, "w") as w:
        json.dump(xs, w, ensure_ascii=False)
dump(f"{tmp}/base.json", arts[:-1000])
dump(f"{tmp}/last1000.json", arts[-1000:])
os.makedirs(f"{tmp}/batches")
k = (len(arts) + 9) // 10
for i in range(10):
    dump(f"{tmp}/batches/{i:02d}.json", arts[i * k:(i + 1) * k])
print(f"corpus: {len(arts)} records; base {len(arts) - 1000}, then 1,000; 10 batches of {k}")
PY

secs() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["seconds"])' "$1"; }
stages() {
  python3 - "$1" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
parts = []
for k in ("knowledge_base", "duplicates", "events", "stories", "search"):
    v = s.get(k)
    if isinstance(v, dict) and "seconds" in v:
        inc = " incremental" if v.get("incremental") else ""
        parts.append(f"{k} {v['seconds']:.2f}s{inc}")
print("    stages: " + ", ".join(parts))
PY
}
median() {
  python3 - "$@" <<'PY'
import statistics, sys
xs = [float(x) for x in sys.argv[1:]]
runs = ", ".join(f"{x:.2f}" for x in xs)
print(f"{statistics.median(xs):.2f} s (runs: {runs})")
PY
}

for b in old new; do
  r="$tmp/rasd-$b"
  echo "== build: $b ($([ $b = old ] && echo "$old_rev" || git -C "$root" rev-parse --short HEAD))"
  ts=()
  for i in $(seq "$runs"); do
    rm -f "$tmp/full-$b.db"*
    "$r" --db "$tmp/full-$b.db" ingest "$corpus" --json > "$tmp/full-$b-$i.json"
    ts+=("$(secs "$tmp/full-$b-$i.json")")
  done
  echo "  full ingest: $(median "${ts[@]}")"
  stages "$tmp/full-$b-$runs.json"
  if [ -d "$seeds" ]; then
    ts=()
    for i in 1 2 3; do
      cp "$tmp/full-$b.db" "$tmp/copy.db"
      "$r" --db "$tmp/copy.db" ingest "$seeds" --json > "$tmp/seeds-$b.json"
      ts+=("$(secs "$tmp/seeds-$b.json")")
      rm -f "$tmp/copy.db"*
    done
    echo "  5 seed pages into the full store: $(median "${ts[@]}")"
    stages "$tmp/seeds-$b.json"
  fi
  rm -f "$tmp/base-$b.db"*
  "$r" --db "$tmp/base-$b.db" ingest "$tmp/base.json" --max-file-size 1000 --json > /dev/null
  ts=()
  for i in 1 2 3; do
    cp "$tmp/base-$b.db" "$tmp/copy.db"
    "$r" --db "$tmp/copy.db" ingest "$tmp/last1000.json" --json > "$tmp/k-$b.json"
    ts+=("$(secs "$tmp/k-$b.json")")
    rm -f "$tmp/copy.db"*
  done
  echo "  1,000 new articles into a store of the other 29,676: $(median "${ts[@]}")"
  stages "$tmp/k-$b.json"
done

echo "== 10 batches vs one batch (this build; the one-batch store is the full ingest above: same records, same order)"
rm -f "$tmp/ten.db"*
cp "$tmp/full-new.db" "$tmp/one.db"
for f in "$tmp"/batches/*.json; do
  "$tmp/rasd-new" --db "$tmp/ten.db" ingest "$f" --json > /dev/null
done
python3 - "$tmp/rasd-new" "$tmp/one.db" "$tmp/ten.db" <<'PY'
import json, subprocess, sys, collections
rasd, one, ten = sys.argv[1:]
def lines(db, *args):
    out = subprocess.run([rasd, "--db", db, *args], capture_output=True, text=True, check=True).stdout
    return [json.loads(l) for l in out.splitlines() if l.strip()]
def url_of(db):
    return {a["id"]: a.get("url") or a.get("key") for a in lines(db, "articles", "--json")}
u1, u10 = url_of(one), url_of(ten)
def dups(db, u):
    return {frozenset(u[m["id"]] for m in g["members"]) for g in lines(db, "duplicates", "--json")}
def events(db, u):
    c = collections.Counter()
    for e in lines(db, "events", "--json", "--negated"):
        name = lambda a: (a or {}).get("name")
        c[(e["type"], e.get("date"), name(e.get("source")), name(e.get("target")),
           tuple(sorted(u[a] for a in e["articles"])))] += 1
    return c
def stories(db, u):
    return {frozenset(u[a] for a in s["articles"]) for s in lines(db, "stories", "--json", "--min-size", "1")}
def entities(db):
    return collections.Counter((e["type"], e["name"], e["mentions"]) for e in lines(db, "entities", "--json"))
for what, a, b in (
    ("near-duplicate groups", dups(one, u1), dups(ten, u10)),
    ("stories", stories(one, u1), stories(ten, u10)),
):
    print(f"  {what}: one batch {len(a)}, ten batches {len(b)}, differing {len(a ^ b)} ({100 * len(a ^ b) / max(1, len(a)):.2f}%)")
for what, a, b in (("events", events(one, u1), events(ten, u10)), ("entities", entities(one), entities(ten))):
    diff = sum(((a - b) + (b - a)).values())
    print(f"  {what}: one batch {sum(a.values())}, ten batches {sum(b.values())}, differing {diff} ({100 * diff / max(1, sum(a.values())):.2f}%)")
PY
