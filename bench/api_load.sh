#!/usr/bin/env bash
# Load on the HTTP API with SaudiNewsNet in the store: wrk, a second process
# on loopback, drives the story list and the search endpoint for DURATION
# seconds each, RUNS times; prints each run and the medians (requests/s, p99
# latency, errors). Uses $RASD_SNN_DB when set (a store holding SaudiNewsNet),
# else ingests the corpus into a temporary store first.
#   bench/api_load.sh [RUNS] [DURATION]     (default 3 runs of 30 s)
set -euo pipefail
source "$(dirname "$0")/common.sh"
runs="${1:-3}"
duration="${2:-30}"
command -v wrk >/dev/null || { echo "skip: wrk not installed (apt-get install -y wrk)"; exit 0; }
cd "$root"
cargo build --release -q -p rasd
rasd="$root/target/release/rasd"
work="$(mktemp -d)"
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
db="${RASD_SNN_DB:-$work/snn.db}"
if [ ! -s "$db" ]; then
  echo "ingesting $corpus into $db …" >&2
  "$rasd" --db "$db" ingest "$corpus" --json > /dev/null
fi
# Bring the store's annotations and search index up to date.
"$rasd" --db "$db" process --json > /dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$rasd" --db "$db" serve --addr "127.0.0.1:$port" 2> "$work/serve.log" &
server=$!
for _ in $(seq 1 600); do
  curl -sf "http://127.0.0.1:$port/api/v1/stats" > "$work/stats.json" && break
  sleep 0.5
done
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); store: $(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["articles"], "articles,", d["stories"], "stories,", d["events"], "events,", d["entities"], "entities")' "$work/stats.json")"
declare -A rps p99 errs
run_one() { # name url [script]
  local name="$1" url="$2" script="${3:-}"
  local out
  if [ -n "$script" ]; then
    out=$(wrk -t2 -c16 -d"${duration}s" --latency -s "$script" "$url")
  else
    out=$(wrk -t2 -c16 -d"${duration}s" --latency "$url")
  fi
  local r l e
  r=$(awk '/^Requests\/sec/ {print $2}' <<< "$out")
  l=$(awk '$1=="99%" {v=$2; if (v ~ /us$/) {sub("us","",v); v/=1000} else if (v ~ /ms$/) {sub("ms","",v)} else if (v ~ /s$/) {sub("s","",v); v*=1000}; print v}' <<< "$out")
  # Non-2xx answers plus socket errors (connect, read, write, timeout).
  e=$(awk '/Non-2xx/ {n+=$NF} /Socket errors/ {for (i=3; i<=NF; i++) {v=$i; gsub(",","",v); if (v ~ /^[0-9]+$/) n+=v}} END {print n+0}' <<< "$out")
  echo "$name: ${r} req/s, p99 ${l} ms, errors ${e}"
  rps[$name]+="$r "; p99[$name]+="$l "; errs[$name]+="$e "
}
for i in $(seq 1 "$runs"); do
  echo "run $i" >&2
  run_one stories "http://127.0.0.1:$port/api/v1/stories?limit=20"
  run_one search "http://127.0.0.1:$port" "$root/bench/api_search.lua"
done
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
for name in stories search; do
  echo "median of $runs × ${duration}s, $name: $(median <<< "${rps[$name]}") req/s, p99 $(median <<< "${p99[$name]}") ms, errors $(tr ' ' '\n' | awk '{s+=$1} END {print s+0}' <<< "${errs[$name]}")"
done
