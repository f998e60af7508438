"""The event corpus's format, shared by its tools (check_labels, merge,
agreement, validate, rebuild).

An annotator's label line (see data/events/GUIDELINES.md):
  {"id": …, "events": [{"type", "mode", "trigger", "source", "target",
   "place", "time", "intent", "negated"}]}
with every span an exact substring of the sentence, or of the title after
`title:`, optionally `#N` (N-th occurrence).

A gold line (data/events/gold/SPLIT.jsonl, committed, no text):
  {"id": …, "events": [{"type", "mode", "trigger": [s, e],
   "source": [field, s, e] | null, "target": …, "place": …, "time": …,
   "intent": bool, "negated": bool}]}
with byte offsets into the article's field (`content` or `title`) of the
SaudiNewsNet record named by the item (data/events/items.tsv); the trigger is
always in the item's own field.
"""
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.normpath(os.path.join(HERE, ".."))
ONTOLOGY = os.path.join(DATA, "ontology.tsv")
ROLES = ("source", "target", "place", "time")
SPLITS = ("train", "dev", "test")


def load_ontology(path=ONTOLOGY):
    """type -> set of modes, from data/events/ontology.tsv."""
    out = {}
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if not line or line.startswith("#"):
            continue
        t, modes = (line.split("\t") + [""])[:2]
        out[t] = {m.strip() for m in modes.split(",") if m.strip()}
    return out


ONT = load_ontology()
OCC = re.compile(r"#(\d+)$")


def _occurrences(text, sub):
    out, k = [], text.find(sub)
    while k >= 0 and sub:
        out.append(k)
        k = text.find(sub, k + 1)
    return out


def _b(text, k):
    """char offset -> byte offset."""
    return len(text[:k].encode("utf-8"))


def locate(value, item, near=None):
    """Resolves one span value of an annotator's line: returns
    ((where, start_byte, end_byte), problem); where is 'sentence' or 'title';
    offsets are relative to that text. `near` = char centre of the trigger."""
    if value is None:
        return None, None
    if not isinstance(value, str) or not value.strip():
        return None, f"span {value!r} is not a non-empty string"
    where, text = "sentence", item["sentence"]
    v = value
    if v.startswith("title:"):
        where, text, v = "title", item.get("title") or "", v[len("title:"):]
    n = None
    m = OCC.search(v)
    if m and v[: m.start()] and m.group(0) not in text:
        n, v = int(m.group(1)), v[: m.start()]
    occ = _occurrences(text, v)
    if not occ:
        if where == "sentence" and v in (item.get("title") or ""):
            return None, f"{value!r} is in the title, not the sentence: write it as 'title:{v}'"
        return None, f"{value!r} is not an exact substring of the {where}"
    if n is not None:
        if n < 1 or n > len(occ):
            return None, f"{value!r}: the {where} has {len(occ)} occurrence(s)"
        k = occ[n - 1]
    elif near is not None and where == "sentence":
        k = min(occ, key=lambda o: (abs(o + len(v) / 2 - near), o))
    else:
        k = occ[0]
    return (where, _b(text, k), _b(text, k + len(v))), None


def resolve_item(item, line):
    """Annotator line -> (events with spans (where, s, e), problems)."""
    probs, out = [], []
    evs = line.get("events")
    if not isinstance(evs, list):
        return [], ["'events' must be a list"]
    for j, ev in enumerate(evs):
        tag = f"event {j + 1}"
        if not isinstance(ev, dict):
            probs.append(f"{tag}: not an object")
            continue
        t = ev.get("type")
        if t not in ONT:
            probs.append(f"{tag}: type {t!r} is not one of the 18 PLOVER types")
            continue
        mode = ev.get("mode")
        if mode in ("", "null", "none"):
            mode = None
        if mode is not None and mode not in ONT[t]:
            probs.append(f"{tag}: mode {mode!r} is not a mode of {t} ({', '.join(sorted(ONT[t])) or 'none'})")
        for flag in ("intent", "negated"):
            if not isinstance(ev.get(flag, False), bool):
                probs.append(f"{tag}: {flag} must be true or false")
        trig, p = locate(ev.get("trigger"), item)
        if p or trig is None:
            probs.append(f"{tag}: trigger: {p or 'missing'}")
            continue
        if trig[0] != "sentence":
            probs.append(f"{tag}: the trigger must be in the sentence")
            continue
        centre = len(item["sentence"].encode()[: (trig[1] + trig[2]) // 2].decode("utf-8", "ignore"))
        res = {"type": t, "mode": mode, "trigger": trig,
               "intent": bool(ev.get("intent", False)), "negated": bool(ev.get("negated", False))}
        for role in ROLES:
            sp, p = locate(ev.get(role), item, near=centre)
            if p:
                probs.append(f"{tag}: {role}: {p}")
            res[role] = sp
        out.append(res)
    extra = set(line) - {"id", "events", "note"}
    if extra:
        probs.append(f"unknown keys {sorted(extra)}")
    return out, probs


# ---------------------------------------------------------------- files

def load_items(path=os.path.join(DATA, "items.tsv")):
    """id -> dict(id, split, url, field, start, end, sha, drawn)."""
    out = {}
    for line in open(path, encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        iid, split, url, field, s, e, sha, drawn = line.rstrip("\n").split("\t")
        out[iid] = dict(id=iid, split=split, url=url, field=field, start=int(s), end=int(e), sha=sha, drawn=drawn)
    return out


def to_field(ev, item):
    """Resolved event (spans relative to sentence/title) -> gold event with
    absolute byte offsets in the article's fields."""
    def conv(sp):
        if sp is None:
            return None
        where, s, e = sp
        if where == "title":
            return ["title", s, e]
        return [item["field"], item["start"] + s, item["start"] + e]
    g = {"type": ev["type"], "mode": ev["mode"]}
    t = conv(ev["trigger"])
    g["trigger"] = [t[1], t[2]]
    for r in ROLES:
        g[r] = conv(ev[r])
    g["intent"] = ev["intent"]
    g["negated"] = ev["negated"]
    return g


def from_field(g, item):
    """Gold event -> spans relative to the sentence / title: (where, s, e)."""
    def conv(sp):
        if sp is None:
            return None
        f, s, e = sp
        if f == "title":
            return ("title", s, e)
        return ("sentence", s - item["start"], e - item["start"])
    ev = {"type": g["type"], "mode": g.get("mode"), "intent": g["intent"], "negated": g["negated"]}
    ev["trigger"] = ("sentence", g["trigger"][0] - item["start"], g["trigger"][1] - item["start"])
    for r in ROLES:
        ev[r] = conv(g[r])
    return ev


def read_jsonl(path):
    return [__import__("json").loads(l) for l in open(path, encoding="utf-8") if l.strip()]
