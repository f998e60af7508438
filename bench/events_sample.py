#!/usr/bin/env python3
"""Prints a fixed random sample of events from a store for judging by hand
(the precision figure of the README): type/mode, source → target, place,
trigger and the supporting sentence.

Usage: bench/events_sample.py RASD_BINARY DB [N=20] [SEED=11]"""
import json, random, subprocess, sys

rasd, db = sys.argv[1], sys.argv[2]
n = int(sys.argv[3]) if len(sys.argv) > 3 else 20
seed = int(sys.argv[4]) if len(sys.argv) > 4 else 11
out = subprocess.run([rasd, "--db", db, "events", "--json"], capture_output=True, text=True, check=True).stdout
events = [json.loads(l) for l in out.splitlines()]
random.seed(seed)
for e in random.sample(events, min(n, len(events))):
    s, t, p = e["source"] or {}, e["target"] or {}, e["place"] or {}
    m = e["mentions"][0]
    kind = e["type"] + (f"/{e['mode']}" if e["mode"] else "") + (" [intent]" if e["intent"] else "")
    print(f"{e['id']:>6} {kind} | {s.get('name')} → {t.get('name')} @ {p.get('name')} | «{m['trigger_text']}» | {m['text'][:200]}")
