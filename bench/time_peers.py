#!/usr/bin/env python3
"""Compares rasd's time expressions with the Python peer dateparser on the
same strings: every case of crates/time/tests/cases.tsv (the expected span as
input, its anchor as the reference date). Prints accuracy and strings/second.

A case counts as right when the value equals the expected one. dateparser
returns one datetime, so it is scored at the grain the case expects (day,
month, year, minute); intervals, durations, weeks and parts of day are
values it cannot express and count as misses (its accuracy on the rest is
printed too). Negative cases (sentences without any time expression) count
false alarms. puckling (Duckling's Python port) needs Python >= 3.13, which
this machine does not have, so it is not run.

Usage: bench/time_peers.py RASD_BINARY"""
import json, os, re, subprocess, sys, time
from datetime import datetime

rasd = sys.argv[1]
table = os.path.join(os.path.dirname(__file__), "..", "crates", "time", "tests", "cases.tsv")
cases, negatives = [], []
for line in open(table, encoding="utf-8"):
    if line.startswith("#") or not line.strip():
        continue
    anchor, text, span, value = line.rstrip("\n").split("\t")
    (negatives if span == "-" else cases).append((anchor, text if span == "-" else span, value))

def expressible(v):
    return bool(re.fullmatch(r"\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2})?)?)?", v))

# rasd: one process over all strings, repeated for a stable rate.
def rasd_run(items, reps):
    lines = "".join(json.dumps({"id": i, "text": s, "published": a}, ensure_ascii=False) + "\n" for i, (a, s, _) in enumerate(items)) * reps
    t = time.perf_counter()
    out = subprocess.run([rasd, "annotate", "--layers", "timexes"], input=lines, capture_output=True, text=True, check=True).stdout
    dt = time.perf_counter() - t
    res = [json.loads(l) for l in out.splitlines()[: len(items)]]
    return res, len(items) * reps / dt

res, rasd_rate = rasd_run(cases, 50)
rasd_ok = 0
rasd_ok_expr = 0
for (a, s, v), r in zip(cases, res):
    vals = [t["value"] for t in r["timexes"]]
    hit = v in vals
    rasd_ok += hit
    rasd_ok_expr += hit and expressible(v)
neg_res, _ = rasd_run(negatives, 1)
rasd_fp = sum(1 for r in neg_res if r["timexes"])

import dateparser
def dp_value(s, anchor, v):
    d = dateparser.parse(s, languages=["ar", "en"], settings={"RELATIVE_BASE": datetime.fromisoformat(anchor), "PREFER_DATES_FROM": "past"})
    if d is None:
        return None
    if re.fullmatch(r"\d{4}", v):
        return f"{d.year:04}"
    if re.fullmatch(r"\d{4}-\d{2}", v):
        return f"{d.year:04}-{d.month:02}"
    if "T" in v and re.fullmatch(r".*T\d{2}:\d{2}", v):
        return d.strftime("%Y-%m-%dT%H:%M")
    return d.strftime("%Y-%m-%d")

t = time.perf_counter()
dp_vals = [dp_value(s, a, v) for a, s, v in cases]
dp_rate = len(cases) / (time.perf_counter() - t)
dp_ok = sum(1 for (a, s, v), p in zip(cases, dp_vals) if p == v)
dp_ok_expr = sum(1 for (a, s, v), p in zip(cases, dp_vals) if p == v and expressible(v))
dp_fp = sum(1 for a, s, _ in negatives if dateparser.parse(s, languages=["ar"], settings={"RELATIVE_BASE": datetime.fromisoformat(a)}) is not None)

n, ne, nn = len(cases), sum(1 for c in cases if expressible(c[2])), len(negatives)
print(f"cases: {n} with a value ({ne} expressible as one date/datetime), {nn} sentences without any")
print(f"{'':12} {'accuracy (all)':>16} {'accuracy (date-expressible)':>28} {'false alarms':>13} {'strings/s':>10}")
print(f"{'rasd':12} {rasd_ok/n:>16.3f} {rasd_ok_expr/ne:>28.3f} {rasd_fp:>8}/{nn:<4} {rasd_rate:>10.0f}")
print(f"{'dateparser':12} {dp_ok/n:>16.3f} {dp_ok_expr/ne:>28.3f} {dp_fp:>8}/{nn:<4} {dp_rate:>10.0f}")
print(f"dateparser {dateparser.__version__}; rasd: one `rasd annotate` process over the strings repeated 50 times")
