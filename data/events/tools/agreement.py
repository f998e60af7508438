#!/usr/bin/env python3
"""Inter-annotator agreement on a doubly labelled split, in the gold format
(data/events/annotations/SPLIT.A.jsonl and SPLIT.B.jsonl: byte offsets, no
text), and the list of items the two disagree on (for adjudication).

Figures:
* kappa event: Cohen's kappa on "the sentence reports at least one event".
* kappa type: Cohen's kappa over trigger-aligned units: the mentions of the two
  annotators are paired when their triggers overlap (same type preferred); a
  pair gives (type A, type B), an unpaired mention (type, NONE).
* kappa type|both: the same over paired mentions only.
* F1 of B against A: triggers (overlap, any type), triggers+type (overlap,
  same type), exact trigger spans with type; and, on mentions matched by type
  and trigger, source, target and place spans (overlap; either order for the
  two sides of CONSULT, COOPERATE and AGREE).

Usage: python3 data/events/tools/agreement.py A.jsonl B.jsonl [--disagreements OUT]
"""
import argparse
import collections
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import corpus  # noqa: E402

SYMMETRIC = {"CONSULT", "COOPERATE", "AGREE"}


def overlap(a, b):
    return a is not None and b is not None and a[0] == b[0] and a[1] < b[2] and b[1] < a[2]


def span(sp):
    """gold span [field, s, e] -> (field, s, e) tuple; trigger [s, e] -> ('t', s, e)."""
    if sp is None:
        return None
    return tuple(sp) if len(sp) == 3 else ("t", sp[0], sp[1])


def kappa(pairs):
    n = len(pairs)
    if n == 0:
        return float("nan")
    po = sum(1 for a, b in pairs if a == b) / n
    ca = collections.Counter(a for a, _ in pairs)
    cb = collections.Counter(b for _, b in pairs)
    pe = sum(ca[k] * cb[k] for k in set(ca) | set(cb)) / (n * n)
    return (po - pe) / (1 - pe) if pe < 1 else 1.0


def align(ea, eb, same_type_only=False):
    """Greedy one-to-one pairing of mentions by overlapping triggers, same
    type first. Returns (pairs of indices, unpaired a, unpaired b)."""
    cands = []
    for i, a in enumerate(ea):
        for j, b in enumerate(eb):
            if overlap(span(a["trigger"]), span(b["trigger"])):
                same = a["type"] == b["type"]
                if same_type_only and not same:
                    continue
                cands.append((0 if same else 1, i, j))
    cands.sort()
    ua, ub, pairs = set(range(len(ea))), set(range(len(eb))), []
    for _, i, j in cands:
        if i in ua and j in ub:
            ua.discard(i)
            ub.discard(j)
            pairs.append((i, j))
    return pairs, sorted(ua), sorted(ub)


def prf(tp, ng, np_):
    p = tp / np_ if np_ else 0.0
    r = tp / ng if ng else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def compare(A, B):
    ids = [i for i in A if i in B]
    ev_pairs, ty_units, ty_both = [], [], []
    trig = [0, 0, 0]
    trig_t = [0, 0, 0]
    trig_x = [0, 0, 0]
    roles = {r: [0, 0, 0] for r in ("source", "target", "place")}
    disagree = []
    per_type = collections.defaultdict(lambda: [0, 0, 0])
    for iid in ids:
        ea, eb = A[iid]["events"], B[iid]["events"]
        ev_pairs.append((bool(ea), bool(eb)))
        pairs, ua, ub = align(ea, eb)
        for i, j in pairs:
            ty_units.append((ea[i]["type"], eb[j]["type"]))
            ty_both.append((ea[i]["type"], eb[j]["type"]))
        ty_units += [(ea[i]["type"], "NONE") for i in ua] + [("NONE", eb[j]["type"]) for j in ub]
        trig[0] += len(pairs)
        trig[1] += len(ea)
        trig[2] += len(eb)
        tp, _, _ = align(ea, eb, same_type_only=True)
        for i, _ in tp:
            per_type[ea[i]["type"]][0] += 1
        for e in ea:
            per_type[e["type"]][1] += 1
        for e in eb:
            per_type[e["type"]][2] += 1
        trig_t[0] += len(tp)
        trig_t[1] += len(ea)
        trig_t[2] += len(eb)
        trig_x[0] += sum(1 for i, j in tp if ea[i]["trigger"] == eb[j]["trigger"])
        trig_x[1] += len(ea)
        trig_x[2] += len(eb)
        differs = len(tp) != len(ea) or len(tp) != len(eb)
        for i, j in tp:
            a, b = ea[i], eb[j]
            if a["intent"] != b["intent"] or a["negated"] != b["negated"]:
                differs = True
            swap = a["type"] in SYMMETRIC and overlap(span(a["source"]), span(b["target"])) and overlap(span(a["target"]), span(b["source"]))
            for r in roles:
                ga, gb = span(a[r]), span(b[r])
                if swap and r in ("source", "target"):
                    gb = span(b["target" if r == "source" else "source"])
                ok = overlap(ga, gb)
                roles[r][0] += ok
                roles[r][1] += ga is not None
                roles[r][2] += gb is not None
                if not ok and (ga is not None or gb is not None):
                    differs = True
        if differs:
            disagree.append(iid)
    return dict(n=len(ids), kev=kappa(ev_pairs), kty=kappa(ty_units), kboth=kappa(ty_both),
                nunits=len(ty_units), nboth=len(ty_both), trig=prf(trig[0], trig[1], trig[2]),
                trig_t=prf(*trig_t), trig_x=prf(*trig_x),
                roles={r: prf(*v) for r, v in roles.items()},
                mentions=(trig[1], trig[2]), disagree=disagree,
                per_type={t: prf(*v) + (v[1], v[2]) for t, v in sorted(per_type.items())},
                ev_yes=(sum(a for a, _ in ev_pairs), sum(b for _, b in ev_pairs)))


def render(c):
    out = []
    out.append(f"sentences labelled twice: {c['n']}; mentions A {c['mentions'][0]}, B {c['mentions'][1]}; "
               f"sentences with an event A {c['ev_yes'][0]}, B {c['ev_yes'][1]}")
    out.append(f"kappa event/none (per sentence):        {c['kev']:.3f}")
    out.append(f"kappa type (trigger-aligned units, n={c['nunits']}): {c['kty']:.3f}")
    out.append(f"kappa type | both marked (n={c['nboth']}):     {c['kboth']:.3f}")
    out.append("F1 of B against A:   P      R      F1")
    for name, key in (("trigger (overlap)", "trig"), ("trigger + type", "trig_t"), ("exact trigger + type", "trig_x")):
        p, r, f = c[key]
        out.append(f"  {name:<20} {p:.3f}  {r:.3f}  {f:.3f}")
    for r, (p, rr, f) in c["roles"].items():
        out.append(f"  {r + ' (matched)':<20} {p:.3f}  {rr:.3f}  {f:.3f}")
    out.append("per type, B against A (trigger + type):  F1  (A, B mentions)")
    for t, (p, r, f, na, nb) in c["per_type"].items():
        out.append(f"  {t:<12} {f:.3f}  ({na}, {nb})")
    out.append(f"sentences with any disagreement: {len(c['disagree'])}")
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("--disagreements")
    ap.add_argument("--json", action="store_true")
    x = ap.parse_args()
    A = {g["id"]: g for g in corpus.read_jsonl(x.a)}
    B = {g["id"]: g for g in corpus.read_jsonl(x.b)}
    c = compare(A, B)
    if x.json:
        print(json.dumps({k: v for k, v in c.items() if k != "disagree"}))
    else:
        print(render(c))
    if x.disagreements:
        with open(x.disagreements, "w") as w:
            for i in c["disagree"]:
                w.write(i + "\n")


if __name__ == "__main__":
    main()
