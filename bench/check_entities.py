#!/usr/bin/env python3
"""Checks the seed acceptance items of the named-entities issue on
../shared/seeds: ingests them into a fresh database and inspects
`rasd entities --json`.

Usage: bench/check_entities.py RASD_BINARY [SEEDS_DIR]"""
import os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from seedcheck import SeedCheck

sc = SeedCheck()
run, jsonl, check = sc.run, sc.jsonl, sc.check
ents = jsonl("entities", "--json")
def having(t, *names):
    return [e for e in ents if e["type"] == t and any(v["name"] in names or e["name"] in names for v in e["variants"])]
yev = having("PER", "يفكيروف", "يونس بك يفكيروف")
vs = {v["name"] for e in yev for v in e["variants"]}
check("one Yevkurov entity", len(yev) == 1, [e["name"] for e in yev])
if yev:
    y = yev[0]
    check("Yevkurov variants include يفكيروف, يفكوروف, فكيروف", all(any(w in v for v in vs) for w in ("يفكيروف", "يفكوروف", "فكيروف")), sorted(vs))
    check("Yevkurov coded RUS", y["country"] == "RUS", y["country"])
    check("Yevkurov sector GOV or MIL", y["sector"] in ("GOV", "MIL"), y["sector"])
per_names = {e["name"] for e in ents if e["type"] == "PER"}
for n in ("خليفة حفتر", "خالد حفتر", "صدام حفتر"):
    check(f"PER entity {n}", n in per_names)
wag = [e for e in ents if e["type"] == "ORG" and any("فاغنر" in v["name"] or "فاجنر" in v["name"] for v in e["variants"])]
check("فاغنر and فاجنر are one ORG", len(wag) == 1 and {"فاغنر", "فاجنر"} <= {w for e in wag for v in e["variants"] for w in v["name"].replace('"', " ").split()}, [(e["name"], [v["name"] for v in e["variants"]]) for e in wag])
if len(wag) == 1:
    check("Wagner sector UAF or MIL", wag[0]["sector"] in ("UAF", "MIL"), wag[0]["sector"])
for name, country, lat, lon in (("بنغازي", "LY", 32.1, 20.1), ("نيامي", "NE", 13.5, 2.1), ("أنجامينا", "TD", 12.1, 15.0), ("موسكو", "RU", 55.8, 37.6)):
    p = [e for e in ents if e["type"] == "LOC" and any(v["name"] in (name, "ب" + name, "و" + name) for v in e["variants"])]
    ok = len(p) >= 1 and p[0]["country"] == country and p[0]["lat"] is not None and abs(p[0]["lat"] - lat) < 0.6 and abs(p[0]["lon"] - lon) < 0.6
    check(f"{name} linked to {country} ({lat}, {lon})", ok, [(e["name"], e["country"], e["lat"], e["lon"]) for e in p])
kh = [e for e in ents if e["type"] == "PER" and "خوري" in e["name"]]
check("ستيفاني خوري is a PER coded IGO", any(e["sector"] == "IGO" for e in kh), [(e["name"], e["sector"]) for e in kh])
titles = ("اللواء", "المشير", "الرئيس", "نائب", "وزير", "المتقاعد", "الجنرال", "رئيس")
bad = [e["name"] for e in ents if e["type"] == "PER" and any(t in e["name"].split() for t in titles)]
check("no person name contains a title word", not bad, bad)
sc.finish()
