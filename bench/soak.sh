#!/usr/bin/env bash
# Soak test: `rasd serve --watch DIR` left running while generated news files
# (bench/gen_text.py) are dropped into DIR, one every INTERVAL seconds, for
# MINUTES minutes. Samples the server's resident memory once a minute and
# checks at the end that every dropped file was ingested (one article or
# more each, nothing in `rasd problems` but split warnings), that the API
# answers, that the store passes `PRAGMA integrity_check`, and prints the
# memory of the first and last minute (a leak shows as steady growth).
#
# usage: bench/soak.sh [MINUTES=10] [INTERVAL=2]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
minutes="${1:-10}"
interval="${2:-2}"
cargo build --release --locked --quiet --manifest-path "$root/Cargo.toml" -p rasd
rasd="${CARGO_TARGET_DIR:-$root/target}/release/rasd"
tmp="$(mktemp -d)"
mkdir "$tmp/in"
port=$((20000 + RANDOM % 20000))
"$rasd" --db "$tmp/soak.db" serve --addr "127.0.0.1:$port" --watch "$tmp/in" --watch-interval 1 \
  2>"$tmp/serve.log" &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$tmp"' EXIT
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
rss() { awk '/VmRSS/ {print int($2 / 1000)}' "/proc/$pid/status"; }
end=$(( $(date +%s) + minutes * 60 ))
n=0
next_sample=$(( $(date +%s) + 60 ))
samples=()
while [ "$(date +%s)" -lt "$end" ]; do
  n=$((n + 1))
  # Written under a temporary name, then renamed: the watcher takes whole files.
  python3 "$root/bench/gen_text.py" "$tmp/in/.doc-$n.tmp" $((3000 + (n * 7919) % 20000)) lines "$n"
  mv "$tmp/in/.doc-$n.tmp" "$tmp/in/doc-$n.txt"
  if [ "$(date +%s)" -ge "$next_sample" ]; then
    samples+=("$(rss)")
    echo "minute ${#samples[@]}: $n files dropped, server RSS ${samples[-1]} MB"
    next_sample=$((next_sample + 60))
  fi
  sleep "$interval"
done
# Let the watcher take the last files and the stages catch up.
for _ in $(seq 1 120); do
  got=$(curl -sf "127.0.0.1:$port/api/v1/stats" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["articles"], d["updating"])' || echo "0 True")
  set -- $got
  pages=$("$rasd" --db "$tmp/soak.db" stats --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["pages"])')
  [ "$pages" -ge "$n" ] && [ "$2" = False ] && break
  sleep 1
done
problems=$("$rasd" --db "$tmp/soak.db" problems | grep -vc "warning:" || true)
check=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('PRAGMA integrity_check').fetchone()[0])" "$tmp/soak.db")
echo "dropped $n files in $minutes min; stored pages $pages; problems (not warnings) $problems; integrity_check $check"
echo "server RSS by minute (MB): ${samples[*]:-none}"
[ "$pages" -eq "$n" ] && [ "$problems" -eq 0 ] && [ "$check" = ok ] && echo PASS || { echo FAIL; tail -20 "$tmp/serve.log"; exit 1; }
