#!/usr/bin/env bash
# Times `rasd ingest` (with INGEST_FLAGS) of all of SaudiNewsNet (31,030 records in 18 zipped JSON
# arrays) into a fresh database: median wall time of N runs (default 3), plus
# the time of a re-ingest (everything already stored).
# Usage: bench/ingest_saudinewsnet.sh [RUNS]
set -euo pipefail
source "$(dirname "$0")/common.sh"
runs="${1:-3}"
# INGEST_FLAGS=--no-entities times storage and time expressions alone.
INGEST_FLAGS="${INGEST_FLAGS:-}"
cargo build --release --quiet --manifest-path "$root/Cargo.toml"
rasd="$root/target/release/rasd"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
times=()
for i in $(seq "$runs"); do
  rm -f "$tmp"/b.db*
  s=$(date +%s.%N)
  "$rasd" --db "$tmp/b.db" ingest $INGEST_FLAGS "$corpus" > "$tmp/summary.txt"
  e=$(date +%s.%N)
  times+=("$(awk "BEGIN {print $e - $s}")")
done
s=$(date +%s.%N)
"$rasd" --db "$tmp/b.db" ingest "$corpus" > "$tmp/again.txt"
e=$(date +%s.%N)
again=$(awk "BEGIN {print $e - $s}")
# With --no-entities, the entity stage then runs as `rasd process`: time it.
if [[ "$INGEST_FLAGS" == *--no-entities* ]]; then
  s=$(date +%s.%N)
  "$rasd" --db "$tmp/b.db" process > "$tmp/process.txt"
  e=$(date +%s.%N)
  process_s=$(awk "BEGIN {print $e - $s}")
fi
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}')
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -m)"
echo "corpus:  $corpus ($(du -sh "$corpus" | cut -f1) zipped); flags: ${INGEST_FLAGS:-(none)}"
cat "$tmp/summary.txt"
echo "runs (s): ${times[*]}"
printf 'median ingest wall time: %.2f s over %d runs\n' "$median" "$runs"
printf 're-ingest (all unchanged): %.2f s\n' "$again"
echo "database size: $(du -h "$tmp/b.db" | cut -f1)"
if [ -n "${process_s:-}" ]; then
  printf 'then rasd process (entities, knowledge base): %.2f s\n' "$process_s"
  cat "$tmp/process.txt"
fi
