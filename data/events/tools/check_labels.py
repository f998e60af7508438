#!/usr/bin/env python3
"""Checks an annotator's label file against its batch: one JSON line per item,
same ids in the same order, types and modes from the ontology, every span an
exact substring of the sentence (or of the title with `title:`), `#N` within
the number of occurrences. Prints each problem; exit 1 if any.

Usage: python3 data/events/tools/check_labels.py BATCH.jsonl LABELS.jsonl
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import corpus  # noqa: E402


def main():
    batch, labels = sys.argv[1], sys.argv[2]
    items = [json.loads(l) for l in open(batch, encoding="utf-8") if l.strip()]
    probs = []
    got = []
    for n, l in enumerate(open(labels, encoding="utf-8"), 1):
        if not l.strip():
            continue
        try:
            got.append(json.loads(l))
        except json.JSONDecodeError as e:
            probs.append(f"line {n}: not JSON ({e})")
    ids = [x["id"] for x in items]
    gids = [g.get("id") for g in got]
    if gids != ids[: len(gids)]:
        for k, (a, b) in enumerate(zip(ids, gids)):
            if a != b:
                probs.append(f"line {k + 1}: id {b!r}, expected {a!r} (same order as the batch)")
                break
    if len(gids) < len(ids):
        probs.append(f"{len(ids) - len(gids)} items not labelled yet (next: {ids[len(gids)]})")
    if len(gids) > len(ids):
        probs.append(f"{len(gids) - len(ids)} lines more than items")
    byid = {x["id"]: x for x in items}
    for g in got:
        it = byid.get(g.get("id"))
        if it is None:
            continue
        for p in corpus.resolve_item(it, g)[1]:
            probs.append(f"{g['id']}: {p}")
    for p in probs:
        print(p)
    print(f"{len(got)} lines, {len(probs)} problems")
    sys.exit(1 if probs else 0)


if __name__ == "__main__":
    main()
