#!/usr/bin/env bash
# The event mention filter (crates/event/src/filter.rs): cross-validated
# precision and recall on the hand labels (crates/event/data/filter-labels.tsv,
# SaudiNewsNet mentions named by URL and trigger offset), 5 folds by article,
# at thresholds 0.2-0.7; with --write, also retrains on every label and writes
# crates/event/data/filter.bin (the shipped model).
# Usage: bench/event_filter.sh [SNN.db] [--write]
#   Without a database it ingests SaudiNewsNet into a temporary one first
#   (about 2.5 minutes on 2 cores).
set -euo pipefail
source "$(dirname "$0")/common.sh"
db=""; write=""
for a in "$@"; do
  case "$a" in
    --write) write=1 ;;
    *) db="$a" ;;
  esac
done
cargo build --release --quiet --manifest-path "$root/Cargo.toml" -p rasd -p rasd-pipeline --example train_event_filter
target="${CARGO_TARGET_DIR:-$root/target}/release"
if [ -z "$db" ]; then
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  db="$tmp/snn.db"
  "$target/rasd" ingest --db "$db" "$corpus" > /dev/null
fi
labels="$root/crates/event/data/filter-labels.tsv"
if [ -n "$write" ]; then
  "$target/examples/train_event_filter" "$db" "$labels" --out "$root/crates/event/data/filter.bin"
else
  "$target/examples/train_event_filter" "$db" "$labels"
fi
