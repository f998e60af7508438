#!/usr/bin/env bash
# Rebuilds models/ner-nn.bin, the neural half of the shipped NER tagger:
#   1. exports ANERcorp's tokens with the features the tagger computes, and
#      SaudiNewsNet as word and stem id streams (rasd-ner's neural_export);
#   2. trains word vectors and the BiLSTM-CRF (train.py: on the first 90% of
#      the sentences, scored on the last 10% after every epoch; then on all
#      of them for the best number of epochs);
#   3. trains the perceptron on the first 90% (`rasd ner train`, no --all) and
#      chooses, on the dev split, the weight of the neural scores in the sum
#      (neural_eval), written into models/ner-nn.bin's header.
# Needs python3 with the packages of requirements.txt (about 25 minutes on 2
# cores without a GPU). Usage: crates/ner/neural/build.sh [CONFIG] [WORKDIR]
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
config="${1:-h64}"
work="${2:-$root/.neural}"
data="$root/../shared/ner/anercorp-camel-train.txt"
snn="$root/../shared/corpora/saudinewsnet"
python="${PYTHON:-python3}"
for f in "$data" "$snn"; do
  [ -e "$f" ] || { echo "skip: $f not found (the build needs ../shared beside the repo)"; exit 0; }
done
"$python" -c "import torch, numpy, gensim" || {
  echo "needs python3 with torch, numpy and gensim (pip install -r crates/ner/neural/requirements.txt)"
  exit 1
}
mkdir -p "$work/out"
cargo build --release --quiet --manifest-path "$root/Cargo.toml" -p rasd -p rasd-ner --examples --bins
"$root/target/release/examples/neural_export" conll "$data" "$work/anercorp.tsv"
"$root/target/release/examples/neural_export" corpus "$snn" "$work/snn"
PYTHONUNBUFFERED=1 "$python" "$root/crates/ner/neural/train.py" --data "$work/anercorp.tsv" \
  --snn "$work/snn" --out "$work/out" --config "$config" --all
"$root/target/release/rasd" ner train --data "$data" --clusters "$root/models/clusters.tsv" \
  --out "$work/perceptron-dev.bin" 2>/dev/null
# the weight chosen on dev goes into the shipped model and into the dev model
# that bench/ner.sh scores ($work/nn-dev.bin)
"$root/target/release/examples/neural_eval" "$data" "$work/out/$config-dev.bin" \
  --perceptron "$work/perceptron-dev.bin" --write "$root/models/ner-nn.bin" --from "$work/out/$config.bin"
"$root/target/release/examples/neural_eval" "$data" "$work/out/$config-dev.bin" \
  --perceptron "$work/perceptron-dev.bin" --write "$work/nn-dev.bin" --from "$work/out/$config-dev.bin" >/dev/null
