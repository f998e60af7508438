#!/usr/bin/env python3
"""Checks the seed acceptance items of the near-duplicates-and-stories issue
on ../shared/seeds: ingests them into a fresh database and inspects
`rasd duplicates --json`, `rasd stories --json` and `rasd story ID`.

Usage: bench/check_stories.py RASD_BINARY [SEEDS_DIR]"""
import os, re, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from seedcheck import SeedCheck

sc = SeedCheck()
run, jsonl, check = sc.run, sc.jsonl, sc.check
arts = jsonl("articles", "--json")
page = sc.pages(arts)
appended = [a["id"] for a in arts if a["kind"] == "appended"]

groups = jsonl("duplicates", "--json")
pages = set(page.values())
page_groups = [g for g in groups if {m["id"] for m in g["members"]} & pages]
want = {page["000"], page["003"]}
check("000 and 003 form one near-duplicate group", any({m["id"] for m in g["members"]} == want for g in page_groups), groups)
sims = [m["similarity"] for g in page_groups for m in g["members"] if m["similarity"] is not None]
check("their exact Jaccard ≥ 0.9", sims and min(sims) >= 0.9, sims)
check("no other pair of seed pages is a duplicate", len(page_groups) == 1 and all({m["id"] for m in g["members"]} <= want for g in page_groups), page_groups)
app_groups = [g for g in groups if {m["id"] for m in g["members"]} & set(appended)]
check("the appended items are not duplicates of each other", not app_groups, app_groups)

stories = jsonl("stories", "--json")
story_of = {a: s["id"] for s in stories for a in s["articles"]}
haftar = story_of.get(page["000"])
check("000, 003 and 004 are in one story", haftar and story_of.get(page["003"]) == haftar == story_of.get(page["004"]))
h = next((s for s in stories if s["id"] == haftar), None)
linked = {x[0] for x in h["linked"]} if h else set()
for p in ("001", "002"):
    s = story_of.get(page[p])
    check(f"{p} is in the Haftar story or a linked one", s == haftar or s in linked, (s, haftar, linked))
check("no appended item is in the Haftar story", h and not set(appended) & set(h["articles"]), h and h["articles"])
text = run("story", str(haftar)) if haftar else ""
dates = re.findall(r"^\s+(\d{4}-\d\d-\d\d)\s", text, re.M)
check("the story timeline runs from 2023-08-22 to 2024-06-03", dates and min(dates) == "2023-08-22" and max(dates) == "2024-06-03", dates)
sc.finish()
