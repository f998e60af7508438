#!/usr/bin/env python3
"""Writes the adjudication batch of a doubly labelled split: for each item the
two annotators disagree on, the item (id, title, sentence) and the two label
lines as `X` and `Y` (which is A and which B is drawn at random per item, so
the adjudicator cannot favour one annotator).

Usage: python3 data/events/tools/adjudication_batch.py DISAGREE.txt OUT.jsonl BATCH:A_LABELS:B_LABELS …
"""
import json
import random
import sys

ids = [l.strip() for l in open(sys.argv[1]) if l.strip()]
want = set(ids)
rng = random.Random(7)
rows = {}
for arg in sys.argv[3:]:
    batch, la, lb = arg.split(":")
    items = {x["id"]: x for x in map(json.loads, open(batch)) if x["id"] in want}
    A = {x["id"]: x for x in map(json.loads, open(la)) if x["id"] in want}
    B = {x["id"]: x for x in map(json.loads, open(lb)) if x["id"] in want}
    for i, it in items.items():
        x, y = (A[i], B[i]) if rng.random() < 0.5 else (B[i], A[i])
        rows[i] = {"id": i, "title": it["title"], "sentence": it["sentence"], "X": x["events"], "Y": y["events"]}
with open(sys.argv[2], "w") as w:
    for i in ids:
        w.write(json.dumps(rows[i], ensure_ascii=False) + "\n")
print(len(rows), "items to adjudicate")
