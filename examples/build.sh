#!/usr/bin/env bash
# Rebuilds examples/corpus/ from examples/src/ (all text written for rasd; no
# third-party articles). The derived files (a zip archive, a Windows-1256 copy)
# are committed too so that the quickstart needs nothing but cargo.
set -euo pipefail
cd "$(dirname "$0")"
rm -rf corpus && mkdir -p corpus
cp src/page-ports.txt src/page-health.txt src/feed.jsonl src/page-museum.html corpus/
python3 - <<'PY'
import zipfile
# A zip archive of a JSON array, as SaudiNewsNet ships its days; fixed
# timestamps keep the archive byte-identical across rebuilds.
with zipfile.ZipFile("corpus/archive.zip", "w", zipfile.ZIP_DEFLATED) as z:
    info = zipfile.ZipInfo("2024-11-05.json", date_time=(2024, 11, 5, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    z.writestr(info, open("src/day.json", encoding="utf-8").read())
# The health page in the legacy Arabic Windows code page.
open("corpus/page-health-cp1256.txt", "wb").write(open("src/page-health.txt", encoding="utf-8").read().encode("cp1256"))
PY
echo "examples/corpus rebuilt: $(ls corpus | wc -l) files"
