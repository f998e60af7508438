#!/usr/bin/env bash
# Near-duplicate detection on all of SaudiNewsNet (31,030 articles): rasd-dedup
# vs the Python peer datasketch (MinHash + MinHashLSH).
#
# 1. Builds and runs crates/dedup/examples/snn_dedup (release): normalizes and
#    tokenizes every body, writes the tokens (one document per line), times
#    index+query (shingle hashing, MinHash, LSH query-then-insert; median of
#    RUNS), verifies candidates exactly, computes the exact reference (AllPairs
#    join, checked against naive brute force on a 3,000-document sample),
#    prints recall/precision, duplicate pairs and groups, and per-article
#    incremental latency on a full index.
# 2. Runs bench/dedup_datasketch.py on the same token file with the same k,
#    num_perm, threshold and banding (median of RUNS), then once with the
#    banding datasketch picks itself (set DATASKETCH_DEFAULT=0 to skip).
# 3. Prints both wall times and the speed ratio.
#
# Usage: bench/dedup_snn.sh [RUNS]   (default 3)
set -euo pipefail
source "$(dirname "$0")/common.sh"
if ! python3 -c "import datasketch" 2>/dev/null; then
  echo "skip: python3 module datasketch not installed (pip install datasketch)"
  exit 0
fi
runs="${1:-3}"
target="${CARGO_TARGET_DIR:-$root/target}"
cargo build --release --quiet --manifest-path "$root/Cargo.toml" -p rasd-dedup --example snn_dedup
bin="$target/release/examples/snn_dedup"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

echo "machine: $(nproc) cores ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -m); shared with other jobs"
echo "corpus:  $corpus ($(du -sh "$corpus" | cut -f1) zipped)"
echo
echo "== rasd-dedup (Rust, single thread) =="
"$bin" "$corpus" --runs "$runs" --tokens-out "$tmp/tokens.txt" --truth-out "$tmp/truth.txt" | tee "$tmp/rasd.txt"
rasd_line=$(grep '^RESULT ' "$tmp/rasd.txt")
field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<" $1"; }
bands=$(field "$rasd_line" bands)
rows=$(field "$rasd_line" rows)
rasd_s=$(field "$rasd_line" rasd_index_query_s)
verify_s=$(field "$rasd_line" rasd_verify_s)

echo
echo "== datasketch $(python3 -c 'import datasketch; print(datasketch.__version__)') (Python, single thread), same banding =="
python3 "$root/bench/dedup_datasketch.py" "$tmp/tokens.txt" --runs "$runs" \
  --bands "$bands" --rows "$rows" --truth "$tmp/truth.txt" | tee "$tmp/ds.txt"
ds_s=$(field "$(grep '^RESULT ' "$tmp/ds.txt")" datasketch_index_query_s)

if [ "${DATASKETCH_DEFAULT:-1}" != 0 ]; then
  echo
  echo "== datasketch, bands/rows chosen by datasketch for the threshold (1 run, for reference) =="
  python3 "$root/bench/dedup_datasketch.py" "$tmp/tokens.txt" --runs 1 --default-params \
    --truth "$tmp/truth.txt" | tee "$tmp/ds_default.txt"
fi

echo
echo "== summary =="
printf 'rasd index+query:       %8.3f s (median of %d; + %.3f s exact verification of candidates)\n' "$rasd_s" "$runs" "$verify_s"
printf 'datasketch index+query: %8.3f s (median of %d)\n' "$ds_s" "$runs"
awk -v r="$rasd_s" -v d="$ds_s" -v v="$verify_s" 'BEGIN {
  printf "speed ratio (datasketch / rasd): %.1fx index+query, %.1fx counting rasd verification\n", d / r, d / (r + v) }'
