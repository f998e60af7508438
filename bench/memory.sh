#!/usr/bin/env bash
# Peak memory of `rasd ingest` on generated inputs of several sizes and
# shapes, against the bound of the reliability issue: 200 MB + 10 × the
# input. Each input is a synthetic text file (bench/gen_text.py: words of a
# list written there, no third-party text) ingested into a fresh store;
# `/usr/bin/time -v` gives the peak resident set size.
#
# usage: [MEM_BASE_MB=200] [MEM_PER_MB=10] bench/memory.sh [SIZES_MB] [SHAPES]
#   SIZES_MB  space-separated sizes in MB (default "1 4 16 64")
#   SHAPES    space-separated shapes of bench/gen_text.py (default
#             "lines oneline nopunct nospace")
# Needs a release build (built here). Exit status 1 if any run fails or
# exceeds the bound MEM_BASE_MB + MEM_PER_MB × size (the issue's bound by
# default; CI checks the level reached, see README "Memory").
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
sizes="${1:-1 4 16 64}"
shapes="${2:-lines oneline nopunct nospace}"
cargo build --release --locked --quiet --manifest-path "$root/Cargo.toml" -p rasd
rasd="${CARGO_TARGET_DIR:-$root/target}/release/rasd"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
echo "machine: $(nproc) cores, $(uname -m), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
printf '%-8s %6s %9s %9s %9s %8s %s\n' shape MB peak_MB bound_MB seconds articles verdict
bad=0
for mb in $sizes; do
  for shape in $shapes; do
    f="$tmp/in-$shape-$mb.txt"
    python3 "$root/bench/gen_text.py" "$f" "$((mb * 1000000))" "$shape"
    rm -f "$tmp/db"*
    if ! /usr/bin/time -v -o "$tmp/time" "$rasd" --db "$tmp/db" ingest --json \
      --max-file-size "$((mb + 1))" "$f" >"$tmp/out" 2>"$tmp/err"; then
      echo "FAILED: $shape $mb MB"; tail -5 "$tmp/err"; bad=1; continue
    fi
    peak_kb=$(awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$tmp/time")
    secs=$(python3 -c "import json,sys; print(round(json.load(open(sys.argv[1]))['seconds'], 1))" "$tmp/out")
    arts=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['articles_new'])" "$tmp/out")
    peak_mb=$(( peak_kb / 1000 ))
    bound=$(( ${MEM_BASE_MB:-200} + ${MEM_PER_MB:-10} * mb ))
    verdict=ok
    if [ "$peak_mb" -gt "$bound" ]; then verdict=OVER; bad=1; fi
    printf '%-8s %6s %9s %9s %9s %8s %s\n' "$shape" "$mb" "$peak_mb" "$bound" "$secs" "$arts" "$verdict"
  done
done
exit "$bad"
