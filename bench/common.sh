# Sourced by the SaudiNewsNet benchmarks: sets `root` (the repository) and
# `corpus`, and exits with a clear skip message when ../shared is absent.
root="$(cd "$(dirname "${BASH_SOURCE[1]}")/.." && pwd)"
corpus="$root/../shared/corpora/saudinewsnet"
if [ ! -d "$corpus" ]; then
  echo "skip: $corpus not found (the benchmark needs ../shared beside the repo)"
  exit 0
fi
