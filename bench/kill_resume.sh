#!/usr/bin/env bash
# Acceptance check: `kill -9` during the SaudiNewsNet ingest, then re-run; the
# article count must equal an uninterrupted run's and the database must pass
# PRAGMA integrity_check.
# The kill is retried at later moments until it lands part-way (some but not
# all articles stored).
# Usage: bench/kill_resume.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
corpus="$root/../shared/corpora/saudinewsnet"
if [ ! -d "$corpus" ]; then
  echo "skip: $corpus not found (the check needs ../shared beside the repo)"
  exit 0
fi
cargo build --release --quiet --manifest-path "$root/Cargo.toml"
rasd="$root/target/release/rasd"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
s=$(date +%s.%N)
"$rasd" --db "$tmp/full.db" ingest "$corpus" > /dev/null
full_s=$(awk "BEGIN {print $(date +%s.%N) - $s}")
full=$("$rasd" --db "$tmp/full.db" stats --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["articles"])')
count() { "$rasd" --db "$1" stats --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["articles"])'; }
# Kill at moments proportional to an uninterrupted run.
for frac in 0.3 0.5 0.7 0.85; do
  delay=$(awk "BEGIN {print $full_s * $frac}")
  rm -f "$tmp"/k.db*
  "$rasd" --db "$tmp/k.db" ingest "$corpus" > /dev/null &
  pid=$!
  sleep "$delay"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  partial=$(count "$tmp/k.db")
  if [ "$partial" -gt 0 ] && [ "$partial" -lt "$full" ]; then break; fi
done
"$rasd" --db "$tmp/k.db" ingest "$corpus" > /dev/null
after=$("$rasd" --db "$tmp/k.db" stats --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["articles"])')
check=$(python3 -c "import sqlite3; print(sqlite3.connect('$tmp/k.db').execute('PRAGMA integrity_check').fetchone()[0])")
echo "uninterrupted: $full articles; killed after ${delay}s: $partial articles; after re-run: $after; integrity_check: $check"
[ "$after" = "$full" ] && [ "$check" = ok ] && [ "$partial" -gt 0 ] && [ "$partial" -lt "$full" ] && echo PASS || { echo FAIL; exit 1; }
