#!/usr/bin/env bash
# The NER tagger on its held-out dev split (the last 10% of ANERcorp's CAMeL
# training file) and its speed on one core.
#   1. The perceptron: trained with the shipped procedure on the first 90%
#      (`rasd ner train` without --all), dev report printed.
#   2. The perceptron combined with the neural tagger trained on the first
#      90% (made by crates/ner/neural/build.sh in .neural/, with the weight
#      chosen on dev): `rasd ner eval --dev-split`, then the tagging speed of
#      the perceptron alone and of the combination on one core (the dev
#      sentences tagged one by one for 2 s, median of 3; neural_eval --speed).
# Usage: bench/ner.sh [WORKDIR]   (WORKDIR: build.sh's, default .neural)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="${1:-$root/.neural}"
data="$root/../shared/ner/anercorp-camel-train.txt"
if [ ! -f "$data" ]; then
  echo "skip: $data not found (the benchmark needs ../shared beside the repo)"
  exit 0
fi
cargo build --release --quiet --manifest-path "$root/Cargo.toml" -p rasd -p rasd-ner --examples --bins
echo "machine: $(nproc) cores, $(uname -m), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2); one core for tagging"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
echo "== perceptron, trained on the first 90%"
"$root/target/release/rasd" ner train --data "$data" --clusters "$root/models/clusters.tsv" \
  --out "$tmp/perceptron-dev.bin" 2>/dev/null
nn="$work/nn-dev.bin"
if [ ! -f "$nn" ]; then
  echo "skip the combined tagger: $nn not found (run crates/ner/neural/build.sh first)"
  exit 0
fi
echo "== perceptron + neural tagger, both trained on the first 90%"
"$root/target/release/rasd" ner eval "$data" --dev-split --model "$tmp/perceptron-dev.bin" --neural "$nn"
taskset -c 0 "$root/target/release/examples/neural_eval" "$data" "$nn" \
  --perceptron "$tmp/perceptron-dev.bin" --speed | grep -E "alone|speed|best"
