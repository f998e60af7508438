#!/usr/bin/env python3
"""Scores rasd's time expressions against a peer's test suite: the Arabic
date-time specification cases of Microsoft Recognizers-Text
(../shared/peers/recognizers-text-ar/*.json, see its README). Python 3
standard library only.

Usage: python3 bench/time_recognizers.py RASD_BINARY [--json]

Every case's Input is annotated by one `rasd annotate --layers timexes`
process, with the case's Context.ReferenceDateTime (its date part) as the
publication date; cases without a Context (most extractor files, TimeParser)
get the reference date most cases of the suite use (2016-11-07). The suite
is someone else's evaluation data: rasd is not tuned on it, it is scored once
and the numbers reported as they are.

Per file it reports:
- spans: precision, recall and F1 of rasd's expressions against the expected
  results' spans (every expression rasd finds in an input counts, whatever
  its type: the peer's files each expect one type, so an expression of
  another type in the same sentence counts as a false alarm). `exact`: same
  start and end (in characters; the peer's offsets are UTF-16 units and are
  checked against its `Text`); `overlap`: a one-to-one pairing of expressions
  that share at least one character.
- values (parser and model files): for each expected result whose value can
  be put in rasd's conventions, rasd's expression that overlaps it most must
  carry an equal value; no overlapping expression is a miss. `acc` is over
  the mappable results, `acc*` over those the peer's own harness checks too
  (the cases without `IgnoreResolution`). Results that cannot be mapped are
  counted apart (`unmap`).
- peer: the cases the peer's reference (.NET) implementation passes, i.e.
  not marked `NotSupported: dotnet` (every case is `NotSupportedByDesign` for
  java, javascript and python).

Mapping rules (rasd value -> comparable forms; peer value -> forms; a value
is right when the two sets of forms share one):
- rasd `YYYY-MM-DD` -> a date. Peer `date` -> its PastResolution and
  FutureResolution dates (the peer gives both when the year or month is left
  open; rasd picks one, by default the past); `0001-01-01` or `not resolved`
  -> unmappable.
- rasd `YYYY-MM` (a month), `YYYY` (a year), `YYYY-Www` (an ISO week, Monday
  to Sunday) and intervals `A/B` (of days, months or years) -> a range of
  days, first to last. Peer `daterange` -> its startDate and endDate, the
  end read both as inclusive (`from 4 to 22`) and as exclusive (the peer's
  months and weeks end on the next one's first day). A range with only one
  bound, or none (`2016-SU`), is unmappable.
- rasd `YYYY-MM-DDTHH:MM` -> a date and time, and a time of day. Peer
  `datetime` -> its dateTime (and `PRESENT_REF`, "now", also the anchor
  date: rasd's `الآن` is the anchor day, as `اليوم`); peer `time` -> its time
  (with seconds other than 00 unmappable: rasd has no seconds).
- rasd `YYYY-MM-DDTMO` (a part of day) -> a date and part, and the part
  alone. Peer `datetimerange`/`timerange` whose Timex is a part of day
  (`2016-11-07TEV`, `TMO`) -> the same; other time ranges (`(T17,T18,PT1H)`)
  are unmappable (rasd has no ranges of times).
- rasd durations `P3D`, `PT2H`, `P1W`, `P2M`, `P1Y` -> seconds (a month 30
  days, a year 365). Peer `duration` -> its seconds.
- Peer `set` (`every week`) -> unmappable (rasd has no sets).

The summary rows give span F1 over the extractor files and value accuracy
over the parser files of the five families the time issue names (Date,
DatePeriod, Time, Duration, Holiday), and the same over all files.

If ../shared is absent (a checkout without the shared peers), prints why and
exits 0. RASD_RECOGNIZERS_DIR overrides the folder."""
import glob
import json
import os
import re
import subprocess
import sys
from datetime import date, timedelta

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PEER = os.environ.get(
    "RASD_RECOGNIZERS_DIR",
    os.path.join(ROOT, "..", "shared", "peers", "recognizers-text-ar"),
)
DEFAULT_REF = "2016-11-07"
FAMILIES = ["Date", "DatePeriod", "Time", "Duration", "Holiday"]


def usage():
    print(__doc__.split("\n\n")[1], file=sys.stderr)
    sys.exit(2)


# ---------------------------------------------------------------- offsets

def utf16_to_cp(text):
    """Maps UTF-16 code-unit offsets to code-point offsets."""
    m, u = {}, 0
    for i, ch in enumerate(text):
        m[u] = i
        u += 2 if ord(ch) > 0xFFFF else 1
    m[u] = len(text)
    return m


def gold_span(text, res):
    """The expected result's span in code points, checked against its Text."""
    t = res.get("Text", "")
    start = res.get("Start", 0)
    m = utf16_to_cp(text)
    s = m.get(start, start)
    if text[s:s + len(t)].lower() == t.lower():
        return s, s + len(t), False
    # The Text elsewhere: the occurrence nearest the given start.
    low, tl = text.lower(), t.lower()
    hits = [k.start() for k in re.finditer(re.escape(tl), low)] if tl else []
    if hits:
        s = min(hits, key=lambda k: abs(k - s))
        return s, s + len(t), True
    return s, s + len(t), True


def byte_to_cp(text):
    b = text.encode("utf-8")
    return lambda off: len(b[:off].decode("utf-8", errors="ignore"))


# ---------------------------------------------------------------- values

def d(s):
    try:
        return date.fromisoformat(s)
    except ValueError:
        return None


def month_bounds(y, m):
    a = date(y, m, 1)
    b = date(y + (m == 12), m % 12 + 1, 1) - timedelta(days=1)
    return a, b


def bounds(v):
    """First and last day of a rasd date, month, year or ISO week value."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
        x = d(v)
        return (x, x) if x else None
    if re.fullmatch(r"\d{4}-\d{2}", v):
        y, m = int(v[:4]), int(v[5:7])
        return month_bounds(y, m) if 1 <= m <= 12 and y >= 1 else None
    if re.fullmatch(r"\d{4}", v):
        y = int(v)
        return (date(y, 1, 1), date(y, 12, 31)) if y >= 1 else None
    m = re.fullmatch(r"(\d{4})-W(\d{2})", v)
    if m:
        try:
            a = date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
        except ValueError:
            return None
        return a, a + timedelta(days=6)
    return None


UNIT_S = {"Y": 365 * 86400, "M": 30 * 86400, "W": 7 * 86400, "D": 86400}
TUNIT_S = {"H": 3600, "M": 60, "S": 1}


def duration_seconds(v):
    m = re.fullmatch(r"P(?:(\d+(?:\.\d+)?)([YMWD]))?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?", v)
    if not m or v in ("P", "PT"):
        return None
    s = 0.0
    if m.group(1):
        s += float(m.group(1)) * UNIT_S[m.group(2)]
    for g, u in ((3, "H"), (4, "M"), (5, "S")):
        if m.group(g):
            s += float(m.group(g)) * TUNIT_S[u]
    return int(round(s))


def rasd_forms(v):
    """Comparable forms of a rasd value."""
    if not v:
        return set()
    out = set()
    if v.startswith("P"):
        s = duration_seconds(v)
        if s is not None:
            out.add(("duration", s))
        return out
    m = re.fullmatch(r"(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})", v)
    if m:
        out.add(("datetime", m.group(1), f"{m.group(2)}:{m.group(3)}"))
        out.add(("time", f"{m.group(2)}:{m.group(3)}"))
        return out
    m = re.fullmatch(r"(\d{4}-\d{2}-\d{2})T(MO|MI|AF|EV|NI)", v)
    if m:
        out.add(("pod", m.group(1), m.group(2)))
        out.add(("podonly", m.group(2)))
        return out
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
        out.add(("date", v))
        return out
    if "/" in v:
        a, b = v.split("/", 1)
        ba, bb = bounds(a), bounds(b)
        if ba and bb:
            out.add(("range", ba[0].isoformat(), bb[1].isoformat()))
        return out
    bd = bounds(v)
    if bd:
        out.add(("range", bd[0].isoformat(), bd[1].isoformat()))
    return out


def clean_type(t):
    return (t or "").split(".")[-1]


POD = re.compile(r"(?:(\d{4}-\d{2}-\d{2}))?T(MO|MI|AF|EV|NI)")


def peer_forms_one(typ, timex, res):
    """Forms of one peer resolution (a dict with date/startDate/time/... or a
    model value with value/start/end)."""
    typ = clean_type(typ)
    out = set()
    get = lambda *ks: next((res[k] for k in ks if res.get(k) not in (None, "", "not resolved")), None)
    if typ == "date":
        v = get("date", "value")
        if v and v[:10] != "0001-01-01" and d(v[:10]):
            out.add(("date", v[:10]))
    elif typ == "daterange":
        a, b = get("startDate", "start"), get("endDate", "end")
        if a and b and d(a[:10]) and d(b[:10]):
            out.add(("range", a[:10], b[:10]))
            out.add(("range", a[:10], (d(b[:10]) - timedelta(days=1)).isoformat()))
    elif typ == "time":
        v = get("time", "value")
        if v and re.fullmatch(r"\d{2}:\d{2}:00", v):
            out.add(("time", v[:5]))
    elif typ == "datetime":
        v = get("dateTime", "value")
        if v and re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:00", v):
            out.add(("datetime", v[:10], v[11:16]))
            if timex == "PRESENT_REF":
                out.add(("date", v[:10]))
    elif typ in ("datetimerange", "timerange"):
        m = POD.fullmatch(timex or "")
        if m:
            if m.group(1):
                out.add(("pod", m.group(1), m.group(2)))
            elif typ == "timerange":
                out.add(("podonly", m.group(2)))
            else:
                v = get("startDateTime", "start")
                if v and d(v[:10]):
                    out.add(("pod", v[:10], m.group(2)))
    elif typ == "duration":
        v = get("duration", "value")
        try:
            out.add(("duration", int(float(v))))
        except (TypeError, ValueError):
            pass
    return out


def peer_forms(res):
    """Forms of an expected result, parser or model style; empty = unmappable."""
    typ = res.get("Type") or res.get("TypeName")
    val = res.get("Value") or res.get("Resolution") or {}
    out = set()
    if not isinstance(val, dict):  # `not resolved`
        return out
    if "values" in val:
        for v in val["values"] or []:
            out |= peer_forms_one(v.get("type", typ), v.get("timex", ""), v)
        return out
    timex = val.get("Timex", "")
    for k in ("PastResolution", "FutureResolution"):
        if isinstance(val.get(k), dict):
            out |= peer_forms_one(typ, timex, val[k])
    return out


# ---------------------------------------------------------------- scoring

def prf(tp_p, n_pred, tp_g, n_gold):
    p = tp_p / n_pred if n_pred else 0.0
    r = tp_g / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def overlap(a, b):
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def pair_overlaps(gold, pred):
    """One-to-one pairs of overlapping spans, largest overlaps first."""
    cands = sorted(
        ((overlap(g, p), gi, pi) for gi, g in enumerate(gold) for pi, p in enumerate(pred) if overlap(g, p) > 0),
        reverse=True,
    )
    used_g, used_p, n = set(), set(), 0
    for _, gi, pi in cands:
        if gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        n += 1
    return n


def ref_date(case):
    r = (case.get("Context") or {}).get("ReferenceDateTime")
    return r[:10] if r and d(r[:10]) else DEFAULT_REF


def run_rasd(binary, items):
    lines = "".join(
        json.dumps({"id": str(i), "text": t, "published": a}, ensure_ascii=False) + "\n"
        for i, (t, a) in enumerate(items)
    )
    p = subprocess.run(
        [binary, "annotate", "--layers", "timexes"],
        input=lines, capture_output=True, text=True,
    )
    out = {}
    for line in p.stdout.splitlines():
        o = json.loads(line)
        out[int(o["id"])] = o.get("timexes") or []
    if len(out) != len(items):
        sys.stderr.write(p.stderr[-2000:])
        sys.exit(f"rasd annotated {len(out)} of {len(items)} inputs (exit {p.returncode})")
    return out


def main():
    args = [a for a in sys.argv[1:] if a != "--json"]
    as_json = "--json" in sys.argv[1:]
    if len(args) != 1:
        usage()
    binary = args[0]
    if not os.path.isdir(PEER):
        print(f"skip: the peer's suite is absent ({os.path.normpath(PEER)} not found)")
        return 0
    files = sorted(glob.glob(os.path.join(PEER, "*.json")))
    if not files:
        print(f"skip: no JSON files in {os.path.normpath(PEER)}")
        return 0
    suites = [(os.path.basename(f)[:-5], json.load(open(f, encoding="utf-8"))) for f in files]
    items = [(c.get("Input", ""), ref_date(c)) for _, cases in suites for c in cases]
    timexes = run_rasd(binary, items)

    rows, k = [], 0
    for name, cases in suites:
        row = dict(file=name, cases=len(cases), gold=0, pred=0, exact=0, overlap=0,
                   mappable=0, correct=0, unmappable=0, checked=0, checked_correct=0,
                   peer_pass=0, span_fixes=0, parser="Extractor" not in name)
        for c in cases:
            text = c.get("Input", "")
            tx = timexes[k]
            k += 1
            cp = byte_to_cp(text)
            pred = [(cp(t["start"]), cp(t["end"])) for t in tx]
            gold = []
            for r in c.get("Results") or []:
                s, e, fixed = gold_span(text, r)
                row["span_fixes"] += fixed
                gold.append((s, e))
            row["gold"] += len(gold)
            row["pred"] += len(pred)
            row["exact"] += len(set(gold) & set(pred))
            row["overlap"] += pair_overlaps(gold, pred)
            if "dotnet" not in str(c.get("NotSupported", "")).lower():
                row["peer_pass"] += 1
            if not row["parser"]:
                continue
            ignored = str(c.get("IgnoreResolution", "")).lower() == "true"
            for r, g in zip(c.get("Results") or [], gold):
                want = peer_forms(r)
                if not want:
                    row["unmappable"] += 1
                    continue
                row["mappable"] += 1
                best = max(
                    ((overlap(g, p), t) for p, t in zip(pred, tx) if overlap(g, p) > 0),
                    key=lambda x: x[0], default=None,
                )
                ok = best is not None and bool(rasd_forms(best[1].get("value")) & want)
                row["correct"] += ok
                if not ignored:
                    row["checked"] += 1
                    row["checked_correct"] += ok
        rows.append(row)

    def finish(r):
        r["exact_p"], r["exact_r"], r["exact_f1"] = prf(r["exact"], r["pred"], r["exact"], r["gold"])
        r["overlap_p"], r["overlap_r"], r["overlap_f1"] = prf(r["overlap"], r["pred"], r["overlap"], r["gold"])
        r["value_acc"] = r["correct"] / r["mappable"] if r["mappable"] else None
        r["value_acc_checked"] = r["checked_correct"] / r["checked"] if r["checked"] else None
        r["peer_pass_rate"] = r["peer_pass"] / r["cases"] if r["cases"] else None
        return r

    def total(name, sel):
        keys = ["cases", "gold", "pred", "exact", "overlap", "mappable", "correct",
                "unmappable", "checked", "checked_correct", "peer_pass", "span_fixes"]
        t = dict(file=name, parser=None)
        for key in keys:
            t[key] = sum(r[key] for r in sel)
        return finish(t)

    for r in rows:
        finish(r)
    fam = lambda r, kind: any(r["file"] == f + kind for f in FAMILIES)
    summary = {
        "five_families_extractors": total("5 families: extractors", [r for r in rows if fam(r, "Extractor")]),
        "five_families_parsers": total("5 families: parsers", [r for r in rows if fam(r, "Parser")]),
        "all_extractors": total("all extractors", [r for r in rows if not r["parser"]]),
        "all_parsers": total("all parsers+models", [r for r in rows if r["parser"]]),
        "all": total("all files", rows),
    }
    if as_json:
        print(json.dumps({"peer": os.path.normpath(PEER), "default_reference": DEFAULT_REF,
                          "files": rows, "summary": summary}, indent=1))
        return 0

    f3 = lambda x: "    -" if x is None else f"{x:.3f}"
    head = (f"{'file':30} {'cases':>5} {'gold':>5} {'rasd':>5} | {'exact P':>7} {'R':>5} {'F1':>5} | "
            f"{'ovl P':>5} {'R':>5} {'F1':>5} | {'map':>4} {'acc':>5} {'acc*':>5} {'unmap':>5} | {'peer':>9}")
    print(head)
    print("-" * len(head))
    for r in rows + [None] + list(summary.values()):
        if r is None:
            print("-" * len(head))
            continue
        val = (f"{r['mappable']:>4} {f3(r['value_acc']):>5} {f3(r['value_acc_checked']):>5} {r['unmappable']:>5}"
               if r["parser"] is not False and r["mappable"] + r["unmappable"] else f"{'':>4} {'':>5} {'':>5} {'':>5}")
        print(f"{r['file']:30} {r['cases']:>5} {r['gold']:>5} {r['pred']:>5} | {f3(r['exact_p']):>7} "
              f"{f3(r['exact_r']):>5} {f3(r['exact_f1']):>5} | {f3(r['overlap_p']):>5} {f3(r['overlap_r']):>5} "
              f"{f3(r['overlap_f1']):>5} | {val} | {r['peer_pass']:>4}/{r['cases']:<4}")
    e, p = summary["five_families_extractors"], summary["five_families_parsers"]
    print()
    print(f"issue targets (Date, DatePeriod, Time, Duration, Holiday): span F1 >= 0.85 over the extractor files: "
          f"exact {e['exact_f1']:.3f}, overlap {e['overlap_f1']:.3f}; value accuracy >= 0.80 over the parser files: "
          f"{f3(p['value_acc'])} ({p['correct']}/{p['mappable']} mappable, {p['unmappable']} unmappable)")
    fixes = summary["all"]["span_fixes"]
    print(f"reference date for cases without one: {DEFAULT_REF}; peer = cases its .NET implementation passes; "
          f"acc* = value accuracy where the peer's harness checks values; {fixes} expected spans re-located by their Text")
    return 0


if __name__ == "__main__":
    sys.exit(main())
