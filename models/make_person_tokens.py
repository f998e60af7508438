#!/usr/bin/env python3
"""Writes models/person_tokens.txt: Arabic spellings of person-name tokens
from the Wikidata person tokens in ../shared/names (CC0; NETransliteration-
COLING2018), with at least MIN_WEIGHT (default 1) occurrences. The NER model
uses it as a feature.

Usage: python3 models/make_person_tokens.py [NAMES_TSV]"""
import os, sys
src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..", "shared", "names", "name_variants_ar_pairs.tsv")
MIN_WEIGHT = int(os.environ.get("MIN_WEIGHT", "1"))
tokens = set()
with open(src, encoding="utf-8") as f:
    next(f)
    for line in f:
        cols = line.rstrip("\n").split("\t")
        if len(cols) == 6 and cols[0] == "wikidata_person_tokens" and int(cols[5] or 0) >= MIN_WEIGHT:
            w = cols[4].strip()
            if " " not in w and len(w) >= 2:
                tokens.add(w)
out = os.path.join(os.path.dirname(__file__), "person_tokens.txt")
with open(out, "w", encoding="utf-8") as f:
    f.write("# Person-name tokens in Arabic script from Wikidata (CC0), via ../shared/names; made by models/make_person_tokens.py\n")
    for w in sorted(tokens):
        f.write(w + "\n")
print(f"{len(tokens)} tokens -> {out}")
