#!/usr/bin/env python3
"""Prints a fixed random sample of events from a store for judging by hand
(the precision figure of the README): type/mode, source → target, place,
trigger and the supporting sentence.

Usage: bench/events_sample.py RASD_BINARY DB [N=20] [SEED=11] [--sheet]

With --sheet it writes JSON Lines instead, one event per line with the
article's title and the sentence with the trigger marked [[like this]]:
the judging sheet the README's figures were judged on (rules in
bench/events_judging.md)."""
import json, random, subprocess, sys

args = [a for a in sys.argv[1:] if a != "--sheet"]
sheet = "--sheet" in sys.argv
rasd, db = args[0], args[1]
n = int(args[2]) if len(args) > 2 else 20
seed = int(args[3]) if len(args) > 3 else 11
out = subprocess.run([rasd, "--db", db, "events", "--json"], capture_output=True, text=True, check=True).stdout
events = [json.loads(l) for l in out.splitlines()]
random.seed(seed)
sample = random.sample(events, min(n, len(events)))
titles = {}
if sheet:
    arts = subprocess.run([rasd, "--db", db, "articles", "--json"], capture_output=True, text=True, check=True).stdout
    for l in arts.splitlines():
        a = json.loads(l)
        titles[a["id"]] = a.get("title") or ""
for e in sample:
    s, t, p = e["source"] or {}, e["target"] or {}, e["place"] or {}
    m = e["mentions"][0]
    if sheet:
        tx = m["text"].encode()
        s0 = m["sentence"][0]
        a, b = m["trigger"]
        sent = (tx[: a - s0] + b"[[" + tx[a - s0 : b - s0] + b"]]" + tx[b - s0 :]).decode()
        print(json.dumps(dict(id=e["id"], type=e["type"], mode=e["mode"], intent=e["intent"], negated=e["negated"],
                              source=[s.get("name"), s.get("country")] if s else None,
                              target=[t.get("name"), t.get("country")] if t else None,
                              place=p.get("name"), title=titles.get(m["article"], ""),
                              sentence=sent.replace("\n", " ")), ensure_ascii=False))
        continue
    kind = e["type"] + (f"/{e['mode']}" if e["mode"] else "") + (" [intent]" if e["intent"] else "")
    print(f"{e['id']:>6} {kind} | {s.get('name')} → {t.get('name')} @ {p.get('name')} | «{m['trigger_text']}» | {m['text'][:200]}")
