#!/usr/bin/env bash
# Full-text search over all of SaudiNewsNet (30,676 stored articles).
#
# 1. Builds rasd and crates/search/examples/search_bench (release).
# 2. Database: $RASD_SNN_DB if set (indexed again by step 3), else a fresh
#    `rasd ingest --no-entities` of the corpus into a temporary database; the
#    ingest's own search stage (terms on all cores, FTS5 writes) is reported
#    from its --json summary.
# 3. `search_bench DB index`: drops the index and indexes every article
#    again on one thread, as `rasd process --force` does, with the time of
#    each part (reading, terms, FTS5 writes) and the index size.
# 4. `search_bench DB query`: a fixed list of 32 queries (common and rare
#    words, a stop word alone and among other words, phrases, an exclusion,
#    entity names with spelling variants ORed in), each RUNS times through
#    rasd_search::search (a ranked page of 10 with snippets, and the count):
#    median and p99 per query and per set; then 2 threads, each with its own
#    connection, run the list in a loop for 10 s (throughput and latency
#    under load); then where the time of one search goes.
#
# Usage: bench/search_snn.sh [RUNS]   (default 20)
set -euo pipefail
source "$(dirname "$0")/common.sh"
runs="${1:-20}"
target="${CARGO_TARGET_DIR:-$root/target}"
cargo build --release --quiet --manifest-path "$root/Cargo.toml" -p rasd
cargo build --release --quiet --manifest-path "$root/Cargo.toml" -p rasd-search --example search_bench
rasd="$target/release/rasd"
bench="$target/release/examples/search_bench"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

echo "machine: $(nproc) cores ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); shared with other jobs"
if [ -n "${RASD_SNN_DB:-}" ]; then
  db="$RASD_SNN_DB"
  echo "database: $db (reused)"
else
  db="$tmp/snn.db"
  echo "database: fresh ingest of $corpus (--no-entities)"
  "$rasd" ingest --db "$db" "$corpus" --no-entities --json > "$tmp/ingest.json"
  python3 - "$tmp/ingest.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
x = s["search"]
print(f"ingest: {s['articles_new']} articles in {s['seconds']:.1f} s; its search stage: "
      f"{x['articles']} articles, {x['words']} words indexed in {x['seconds']:.2f} s")
PY
fi
echo
echo "== indexing (one thread) =="
"$bench" "$db" index
cat > "$tmp/queries.tsv" <<'EOF'
common	السعودية
common	الملك
common	وزير
common	الرياض
common	اليمن
common	المملكة العربية
common	أسعار النفط
common	الهلال والنصر
common	التعليم
common	في
medium	الحوثيين
medium	عدن
medium	قناة السويس
medium	الأمطار في جدة
medium	مستشفى
medium	والقاهرة
medium	داعش
medium	الطلاب الجامعة
rare	بلاتيني
rare	زلزال
rare	الكوليرا
rare	المريخ
rare	فنزويلا
rare	اليونان اليورو
phrase	"خادم الحرمين الشريفين"
phrase	"ولي العهد"
phrase	"مجلس الوزراء"
phrase	"كأس العالم" -قطر
entity	بلاتر	جوزيف بلاتر|سيب بلاتر|بلاتير
entity	الحوثي	الحوثيين|أنصار الله|عبدالملك الحوثي
entity	أوباما	باراك أوباما|اوباما
entity	بوتين	فلاديمير بوتين|بوتن
EOF
echo
echo "== queries ($runs runs each) =="
"$bench" "$db" query "$tmp/queries.tsv" --runs "$runs" --threads 2 --seconds 10
echo
echo "== where the time goes (medians over the list, 5 runs each) =="
"$bench" "$db" breakdown "$tmp/queries.tsv" --runs 5
