#!/usr/bin/env python3
"""Converts annotators' label files (exact substrings) into the gold format
(byte offsets into the SaudiNewsNet field, no text): checks each line against
its batch and writes one JSON line per item to OUT, in item-id order.

Usage: python3 data/events/tools/to_gold.py OUT BATCH:LABELS [BATCH:LABELS …]
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import corpus  # noqa: E402


def main():
    out = sys.argv[1]
    items = corpus.load_items()
    rows = {}
    bad = 0
    for arg in sys.argv[2:]:
        batch, labels = arg.split(":")
        its = {x["id"]: x for x in corpus.read_jsonl(batch)}
        for line in corpus.read_jsonl(labels):
            it = its.get(line.get("id"))
            if it is None:
                print(f"{labels}: unknown id {line.get('id')}", file=sys.stderr)
                bad += 1
                continue
            evs, probs = corpus.resolve_item(it, line)
            for p in probs:
                print(f"{labels}: {it['id']}: {p}", file=sys.stderr)
                bad += 1
            rows[it["id"]] = {"id": it["id"], "events": [corpus.to_field(e, items[it["id"]]) for e in evs]}
    with open(out, "w") as w:
        for iid in sorted(rows):
            w.write(json.dumps(rows[iid], ensure_ascii=False, separators=(",", ":")) + "\n")
    print(f"{out}: {len(rows)} items, {sum(len(r['events']) for r in rows.values())} mentions, {bad} problems")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
