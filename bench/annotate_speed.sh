#!/usr/bin/env bash
# Throughput of `rasd annotate` (text core + time expressions) on ONE core over
# all of SaudiNewsNet: JSON Lines in ({"id", "text", "published"} per article,
# the anchor being the crawl date), JSON Lines out to /dev/null. Median of N
# runs (default 3), for all layers and for time expressions alone; then the
# comparison with the Python peer dateparser on the test table (bench/time_peers.py).
# Usage: bench/annotate_speed.sh [RUNS]
set -euo pipefail
source "$(dirname "$0")/common.sh"
runs="${1:-3}"
cargo build --release --quiet --manifest-path "$root/Cargo.toml"
rasd="$root/target/release/rasd"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
python3 - "$corpus" "$tmp/in.jsonl" <<'PY'
import glob, json, sys, zipfile
n = size = 0
with open(sys.argv[2], "w", encoding="utf-8") as out:
    for z in sorted(glob.glob(sys.argv[1] + "/*.zip")):
        zf = zipfile.ZipFile(z)
        for name in zf.namelist():
            for r in json.loads(zf.read(name)):
                if r["content"].strip():
                    out.write(json.dumps({"id": r["url"], "text": r["content"], "published": r["date_extracted"][:10]}, ensure_ascii=False) + "\n")
                    n += 1
                    size += len(r["content"].encode())
print(f"{n} articles, {size/1e6:.1f} MB of text", file=sys.stderr)
open(sys.argv[2] + ".bytes", "w").write(str(size))
PY
bytes=$(cat "$tmp/in.jsonl.bytes")
measure() {
  local layers="$1" times=()
  for i in $(seq "$runs"); do
    s=$(date +%s.%N)
    taskset -c 0 "$rasd" annotate --layers "$layers" < "$tmp/in.jsonl" > /dev/null
    e=$(date +%s.%N)
    times+=("$(awk "BEGIN {print $e - $s}")")
  done
  median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}')
  awk -v b="$bytes" -v m="$median" -v l="$layers" -v r="${times[*]}" 'BEGIN {printf "layers %-26s median %.2f s (runs: %s) = %.1f MB/s of text on one core\n", l, m, r, b/1e6/m}'
}
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -m); pinned to core 0"
measure sentences,tokens,timexes
measure timexes
# The peer comparison, in the same run (needs `pip install dateparser==1.5.0`).
if python3 -c "import dateparser" 2>/dev/null; then
  python3 "$root/bench/time_peers.py" "$rasd"
else
  echo "skip peer comparison: dateparser is not installed (pip install dateparser==1.5.0)"
fi
