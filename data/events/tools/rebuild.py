#!/usr/bin/env python3
"""Rebuilds the event corpus with its text from ../shared (SaudiNewsNet):
data/events/build/{train,dev,test}.jsonl, one sentence per line:

  {"id", "split", "url", "field", "start", "end", "title", "sentence",
   "events": [{"type", "mode", "trigger": [s, e], "trigger_text",
               "source": {"in": "sentence"|"title", "span": [s, e], "text"} | null,
               "target": …, "place": …, "time": …, "intent", "negated"}]}

Offsets there are bytes of `sentence` (or of `title`). This is the file that
`rasd events eval` reads and that training uses. Checks every sentence's hash
against items.tsv and prints each file's sha256; `--check` compares them with
data/events/build.sha256 (exit 1 on a difference), `--write-hashes` records
them. Without ../shared it says so and exits 0 (nothing to rebuild).

Usage: python3 data/events/tools/rebuild.py [--snn DIR] [--out DIR] [--check | --write-hashes]
"""
import argparse
import hashlib
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import corpus  # noqa: E402
import snn  # noqa: E402

HASHES = os.path.join(corpus.DATA, "build.sha256")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--snn", default=snn.DEFAULT_SNN)
    ap.add_argument("--out", default=os.path.join(corpus.DATA, "build"))
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--write-hashes", action="store_true")
    a = ap.parse_args()
    if not os.path.isdir(a.snn):
        print(f"rebuild: skipped: SaudiNewsNet not found at {a.snn} (../shared absent)")
        return 0
    items = corpus.load_items()
    gold = {}
    for sp in corpus.SPLITS:
        p = os.path.join(corpus.DATA, "gold", f"{sp}.jsonl")
        if os.path.exists(p):
            for g in corpus.read_jsonl(p):
                gold[g["id"]] = g
    arts = snn.by_url(a.snn, {it["url"] for it in items.values()})
    os.makedirs(a.out, exist_ok=True)
    digests = {}
    bad = 0
    for sp in corpus.SPLITS:
        lines = []
        for iid, it in items.items():
            if it["split"] != sp or iid not in gold:
                continue
            art = arts.get(it["url"])
            if art is None:
                print(f"rebuild: {iid}: article {it['url']} not in SaudiNewsNet", file=sys.stderr)
                bad += 1
                continue
            field = (art.get(it["field"]) or "").encode()
            sb = field[it["start"]:it["end"]]
            if snn.sha16(sb) != it["sha"]:
                print(f"rebuild: {iid}: sentence hash differs from items.tsv", file=sys.stderr)
                bad += 1
                continue
            sent = sb.decode()
            title = art.get("title") or ""
            tb = title.encode()
            evs = []
            for g in gold[iid]["events"]:
                ev = corpus.from_field(g, it)

                def span(sp_):
                    if sp_ is None:
                        return None
                    where, s, e = sp_
                    src = tb if where == "title" else sb
                    return {"in": where, "span": [s, e], "text": src[s:e].decode()}
                out = {"type": ev["type"], "mode": ev["mode"], "trigger": list(ev["trigger"][1:]),
                       "trigger_text": sb[ev["trigger"][1]:ev["trigger"][2]].decode()}
                for r in corpus.ROLES:
                    out[r] = span(ev[r])
                out["intent"], out["negated"] = ev["intent"], ev["negated"]
                evs.append(out)
            lines.append(json.dumps({"id": iid, "split": sp, "url": it["url"], "field": it["field"],
                                     "start": it["start"], "end": it["end"], "title": title,
                                     "sentence": sent, "events": evs}, ensure_ascii=False))
        data = ("\n".join(lines) + "\n").encode() if lines else b""
        with open(os.path.join(a.out, f"{sp}.jsonl"), "wb") as w:
            w.write(data)
        digests[sp] = hashlib.sha256(data).hexdigest()
        print(f"{digests[sp]}  {sp}.jsonl  ({len(lines)} sentences)")
    if bad:
        print(f"rebuild: {bad} items could not be rebuilt", file=sys.stderr)
        return 1
    if a.write_hashes:
        with open(HASHES, "w") as w:
            for sp in corpus.SPLITS:
                w.write(f"{digests[sp]}  {sp}.jsonl\n")
    if a.check:
        want = {}
        for line in open(HASHES):
            h, name = line.split()
            want[name.replace(".jsonl", "")] = h
        diff = [sp for sp in corpus.SPLITS if want.get(sp) != digests[sp]]
        if diff:
            print(f"rebuild: the rebuilt {', '.join(diff)} differ from data/events/build.sha256", file=sys.stderr)
            return 1
        print("rebuild: all files match data/events/build.sha256")
    return 0


if __name__ == "__main__":
    sys.exit(main())
