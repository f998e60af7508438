#!/usr/bin/env bash
# The NER model on its held-out dev split: trains with the shipped procedure
# (`rasd_ner::train_holdout`: the last 10% of ANERcorp's training file is the
# dev split) and prints the entity-level dev report, then the tagging speed on
# one core (the dev sentences tagged repeatedly for 2 s, three times).
# Usage: bench/ner.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
data="$root/../shared/ner/anercorp-camel-train.txt"
if [ ! -f "$data" ]; then
  echo "skip: $data not found (the benchmark needs ../shared beside the repo)"
  exit 0
fi
cargo build --release --quiet --manifest-path "$root/Cargo.toml" -p rasd -p rasd-ner --examples --bins
echo "machine: $(nproc) cores, $(uname -m); one core for tagging"
"$root/target/release/rasd" ner train --data "$data" --clusters "$root/models/clusters.tsv" --out "$(mktemp)" 2>/dev/null
for i in 1 2 3; do
  taskset -c 0 "$root/target/release/examples/train" --data "$data" --clusters "$root/models/clusters.tsv" 2>&1 | grep "tagging speed"
done
