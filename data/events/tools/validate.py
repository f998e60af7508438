#!/usr/bin/env python3
"""Validates the event corpus files (no ../shared needed):

* items.tsv: unique ids, known splits, sane byte spans, a 16-hex hash, and no
  article (URL) in two splits;
* gold/SPLIT.jsonl and annotations/*.jsonl: every line names an item of that
  split, once; types and modes from ontology.tsv; the trigger inside its
  sentence; source/target/place/time inside the sentence or in the title;
  flags are booleans; the gold of every labelled split covers all its items;
* the frozen test split: gold/test.jsonl's sha256 equals the one in FROZEN.

Prints counts per split and type; exit 1 with every problem listed.
Usage: python3 data/events/tools/validate.py
"""
import collections
import glob
import hashlib
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import corpus  # noqa: E402

D = corpus.DATA


def main():
    probs = []
    items = {}
    url_split = {}
    for n, line in enumerate(open(os.path.join(D, "items.tsv"), encoding="utf-8"), 1):
        if line.startswith("#") or not line.strip():
            continue
        f = line.rstrip("\n").split("\t")
        if len(f) != 8:
            probs.append(f"items.tsv:{n}: {len(f)} columns, expected 8")
            continue
        iid, sp, url, field, s, e, sha, drawn = f
        if iid in items:
            probs.append(f"items.tsv:{n}: duplicate id {iid}")
        if sp not in corpus.SPLITS:
            probs.append(f"items.tsv:{n}: unknown split {sp!r}")
        if field not in ("content", "title"):
            probs.append(f"items.tsv:{n}: unknown field {field!r}")
        if not (s.isdigit() and e.isdigit() and int(s) < int(e)):
            probs.append(f"items.tsv:{n}: bad span {s}..{e}")
            continue
        if not re.fullmatch(r"[0-9a-f]{16}", sha):
            probs.append(f"items.tsv:{n}: bad hash {sha!r}")
        if drawn not in ("cand", "random"):
            probs.append(f"items.tsv:{n}: unknown drawn_as {drawn!r}")
        if url_split.setdefault(url, sp) != sp:
            probs.append(f"items.tsv:{n}: article {url} is in two splits ({url_split[url]}, {sp})")
        items[iid] = dict(id=iid, split=sp, field=field, start=int(s), end=int(e))

    def check_file(path, split, need_all):
        seen = set()
        stats = collections.Counter()
        name = os.path.relpath(path, D)
        for n, line in enumerate(open(path, encoding="utf-8"), 1):
            if not line.strip():
                continue
            where = f"{name}:{n}"
            try:
                g = json.loads(line)
            except json.JSONDecodeError as ex:
                probs.append(f"{where}: not JSON ({ex})")
                continue
            iid = g.get("id")
            it = items.get(iid)
            if it is None:
                probs.append(f"{where}: unknown item {iid!r}")
                continue
            if it["split"] != split:
                probs.append(f"{where}: item {iid} belongs to {it['split']}, not {split}")
            if iid in seen:
                probs.append(f"{where}: item {iid} twice")
            seen.add(iid)
            stats["sentences"] += 1
            evs = g.get("events")
            if not isinstance(evs, list):
                probs.append(f"{where}: 'events' is not a list")
                continue
            for k, ev in enumerate(evs, 1):
                w = f"{where} event {k}"
                t = ev.get("type")
                if t not in corpus.ONT:
                    probs.append(f"{w}: unknown type {t!r}")
                    continue
                if ev.get("mode") is not None and ev["mode"] not in corpus.ONT[t]:
                    probs.append(f"{w}: mode {ev['mode']!r} is not a mode of {t}")
                tr = ev.get("trigger")
                if not (isinstance(tr, list) and len(tr) == 2 and it["start"] <= tr[0] < tr[1] <= it["end"]):
                    probs.append(f"{w}: trigger {tr} outside its sentence {it['start']}..{it['end']}")
                for r in corpus.ROLES:
                    sp_ = ev.get(r, "missing")
                    if sp_ is None:
                        continue
                    ok = isinstance(sp_, list) and len(sp_) == 3 and all(isinstance(x, int) for x in sp_[1:]) and sp_[1] < sp_[2]
                    if ok and sp_[0] == "title":
                        ok = sp_[1] >= 0
                    elif ok:
                        ok = sp_[0] == it["field"] and it["start"] <= sp_[1] and sp_[2] <= it["end"]
                    if not ok:
                        probs.append(f"{w}: {r} {sp_} is neither inside its sentence nor in the title")
                for fl in ("intent", "negated"):
                    if not isinstance(ev.get(fl), bool):
                        probs.append(f"{w}: {fl} is not a boolean")
                stats[t] += 1
                stats["mentions"] += 1
        if need_all:
            missing = [i for i, it in items.items() if it["split"] == split and i not in seen]
            if missing:
                probs.append(f"{name}: {len(missing)} items of {split} unlabelled (first {missing[0]})")
        return stats

    report = {}
    for sp in corpus.SPLITS:
        p = os.path.join(D, "gold", f"{sp}.jsonl")
        if os.path.exists(p):
            report[sp] = check_file(p, sp, True)
    for p in sorted(glob.glob(os.path.join(D, "annotations", "*.jsonl"))):
        sp = os.path.basename(p).split(".")[0].split("-")[0]
        check_file(p, sp, False)
    frozen = os.path.join(D, "FROZEN")
    if os.path.exists(frozen):
        want = open(frozen).read().split()[0]
        got = hashlib.sha256(open(os.path.join(D, "gold", "test.jsonl"), "rb").read()).hexdigest()
        if want != got:
            probs.append(f"gold/test.jsonl sha256 {got} differs from the frozen {want} (FROZEN)")
    types = [t for t in corpus.ONT]
    print("split      sentences mentions  " + " ".join(t[:5] for t in types))
    for sp, st in report.items():
        print(f"{sp:<10} {st['sentences']:>9} {st['mentions']:>8}  " + " ".join(f"{st[t]:>5}" for t in types))
    for p in probs:
        print("validate:", p)
    print(f"validate: {len(items)} items, {len(probs)} problems")
    return 1 if probs else 0


if __name__ == "__main__":
    sys.exit(main())
