#!/usr/bin/env python3
"""Writes crates/entity/data/names_en.tsv: for each Arabic name token, the
English spelling most sources agree on, from ../shared/names (Wikidata person
tokens CC0, google/transliteration ar2en Apache-2.0, arabnamer CC BY 4.0,
name-variants MIT). rasd gives persons and organisations an English name
(`name_en`) when every token of the name is in this table.

Scoring: Wikidata rows count their weight (how many persons carry the
spelling), the curated sources (google, name-variants) 2, arabnamer 1; a token keeps its best English form
when that form has at least MIN_SCORE (default 2) support or is the only
candidate of a curated source (google, name-variants). Tokens written with a
space or shorter than 2 letters are skipped.

Usage: python3 crates/entity/data/make_names_en.py [NAMES_TSV]"""
import collections, os, sys

here = os.path.dirname(os.path.abspath(__file__))
src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "..", "..", "..", "shared", "names", "name_variants_ar_pairs.tsv")
MIN_SCORE = int(os.environ.get("MIN_SCORE", "2"))
CURATED = {"google_ar2en", "name_variants_pkg"}
PERSON = {"wikidata_person_tokens", "google_ar2en", "arabnamer", "name_variants_pkg"}

score = collections.defaultdict(collections.Counter)
curated = collections.defaultdict(set)
with open(src, encoding="utf-8") as f:
    next(f)
    for line in f:
        cols = line.rstrip("\n").split("\t")
        if len(cols) != 6 or cols[0] not in PERSON:
            continue
        ar, en = cols[4].strip(), cols[3].strip().lower().rstrip(".")
        if " " in ar or len(ar) < 2 or not en or not all(c.isalpha() or c in "-'" for c in en):
            continue
        w = int(cols[5] or 1) if cols[0] == "wikidata_person_tokens" else 2 if cols[0] in CURATED else 1
        score[ar][en] += w
        if cols[0] in CURATED:
            curated[ar].add(en)

rows = []
for ar, c in score.items():
    # Best support first, then the shorter spelling, then alphabetical.
    en, s = min(c.items(), key=lambda kv: (-kv[1], len(kv[0]), kv[0]))
    if s >= MIN_SCORE or en in curated[ar]:
        rows.append((ar, en))
rows.sort()
out = os.path.join(here, "names_en.tsv")
with open(out, "w", encoding="utf-8") as f:
    f.write("# Arabic name token -> English spelling; from ../shared/names (Wikidata CC0, google/transliteration Apache-2.0, arabnamer CC BY 4.0, name-variants MIT); made by crates/entity/data/make_names_en.py\n")
    for ar, en in rows:
        f.write(f"{ar}\t{en}\n")
print(f"{len(rows)} tokens -> {out}")
