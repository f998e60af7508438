#!/usr/bin/env python3
"""Checks the ingest acceptance items of issue #2 on ../shared/seeds.

Usage: bench/check_seeds.py RASD_BINARY [SEEDS_DIR]
Prints one line per check and exits non-zero if any fails."""
import json, os, subprocess, sys, tempfile

rasd = sys.argv[1]
seeds = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__), "..", "..", "shared", "seeds")
if not os.path.isdir(seeds):
    print(f"skip: seeds not found at {seeds}")
    sys.exit(0)
db = os.path.join(tempfile.mkdtemp(), "t.db")
run = lambda *a: subprocess.run([rasd, "--db", db, *a], capture_output=True, text=True, check=True).stdout
run("ingest", seeds)
arts = [json.loads(l) for l in run("articles", "--json").splitlines()]
pages = {os.path.basename(a["input"]["path"])[:3]: a for a in arts if a["appended_to"] is None}
fails = 0
def check(name, ok):
    global fails
    fails += not ok
    print(("ok   " if ok else "FAIL ") + name)
check("five pages", len(pages) == 5)
for k, d in {"000": "2023-08-23", "001": "2024-06-03", "002": "2023-09-26", "003": "2023-08-23", "004": "2023-08-22"}.items():
    check(f"{k} published {d}", pages[k]["published"] == d)
check("000 source_label", pages["000"]["source_label"] == "الجزيرة")
check("000 crawled", pages["000"]["crawled"] == "2025-02-06T14:36:08Z")
for k, s in {"000": "الجزيرة", "003": "الجزيرة", "002": "الخليج الجديد", "004": "الخليج الجديد"}.items():
    check(f"{k} original_source {s}", pages[k]["original_source"] == s)
b0 = pages["000"]["body"]
check("000 body ends with the elections sentence", b0.rstrip().endswith("الانتخابات الديمقراطية والاستقرار."))
check("000 body has nothing of Lavrov", "لافروف" not in b0)
b4 = pages["004"]["body"]
check("004 body keeps the continuation", "وتعد روسيا من أبرز داعمي" in b4)
check("004 body drops the inline headline and the appendage", "قائد فاجنر في خطاب" not in b4 and "مسيّرة أوكرانية" not in b4)
b1 = pages["001"]["body"]
check("001 body without UI residue", "+ الخط -" not in b1 and "استمع إلى الملخص" not in b1 and "اظهر الملخص" not in b1)
b2 = pages["002"]["body"]
check("002 body drops the inline headline, keeps the continuation", "إيكونوميست" not in b2 and "وتقيم موسكو علاقات وثيقة" in b2)
kids = {k: [a for a in arts if a["appended_to"] == p["id"]] for k, p in pages.items()}
for k, n in {"000": 2, "002": 1, "003": 1, "004": 1}.items():
    check(f"{k} has {n} appended articles", len(kids[k]) == n)
check("000 appended: Lavrov and the US official", any(a["title"].startswith("لافروف") for a in kids["000"]) and any(a["title"].startswith("مسؤول أمريكي") for a in kids["000"]))
check("000 related lists ten headlines", len(pages["000"]["related"]) == 10)
for k, p in pages.items():
    for a in kids[k]:
        check(f"{k} appended '{a['title'][:25]}' not in page body", a["body"][:60] not in p["body"])
# Time expressions (issue "Arabic text core and time expressions").
def timexes(page):
    out = run("timexes", "--article", str(page["id"]), "--json")
    return [(t["text"], t["value"]) for t in map(json.loads, out.splitlines())]
expect = {
    "000": [("أمس الثلاثاء", "2023-08-22"), ("الاثنين", "2023-08-21"), ("عام 2020", "2020")],
    "003": [("أمس الثلاثاء", "2023-08-22"), ("الاثنين", "2023-08-21"), ("عام 2020", "2020")],
    "004": [("الثلاثاء", "2023-08-22")],
    "002": [("الثلاثاء", "2023-09-26"), ("17 سبتمبر/أيلول الجاري", "2023-09-17"), ("بين نيسان/أبريل 2019 وحزيران/يونيو 2020", "2019-04/2020-06")],
    "001": [("2 يونيو 2024", "2024-06-02"), ("اليوم الاثنين", "2024-06-03"), ("الجمعة الماضي", "2024-05-31"), ("مساء أمس الأحد", "2024-06-02TEV"),
            ("شهري مارس/ آذار", "2024-03"), ("إبريل/ نيسان الماضيين", "2024-04"), ("منتصف الشهر المنصرم", "2024-05")],
}
for k, pairs in expect.items():
    got = timexes(pages[k])
    for text, value in pairs:
        check(f"{k} time '{text}' = {value}", (text, value) in got)
before = len(arts)
out = run("ingest", seeds)
check("re-ingest adds nothing", len(run("articles", "--json").splitlines()) == before and "0 new" in out)
# A directory with bad inputs beside the seeds.
import random, shutil
bad = tempfile.mkdtemp()
for f in sorted(os.listdir(seeds)):
    shutil.copy(os.path.join(seeds, f), bad)
open(os.path.join(bad, "empty.txt"), "wb").close()
random.seed(7)
open(os.path.join(bad, "random.bin"), "wb").write(bytes(random.getrandbits(8) for _ in range(4096)))
open(os.path.join(bad, "truncated.json"), "w").write('[{"title": "عنوان", "content": "نص مقطو')
src = sorted(os.listdir(seeds))[4]
open(os.path.join(bad, "cp1256-" + src), "wb").write(open(os.path.join(seeds, src), encoding="utf-8").read().encode("cp1256"))
db = os.path.join(tempfile.mkdtemp(), "bad.db")
p = subprocess.run([rasd, "--db", db, "ingest", bad], capture_output=True, text=True)
errs = [l for l in p.stderr.splitlines() if l.startswith("error:")]  # errors go to stderr
print("\n".join("     " + e for e in errs))
check("bad inputs: exit 0", p.returncode == 0)
check("bad inputs: three errors naming the files", len(errs) == 3 and all(any(n in e for e in errs) for n in ("empty.txt", "random.bin", "truncated.json")))
listed = subprocess.run([rasd, "--db", db, "problems"], capture_output=True, text=True).stdout
check("bad inputs: each listed by `rasd problems`", all(n in listed for n in ("empty.txt", "random.bin", "truncated.json")))
arts = [json.loads(l) for l in run("articles", "--json").splitlines()]
orig = [a for a in arts if os.path.basename(a["input"]["path"]) == src and a["appended_to"] is None][0]
copy = [a for a in arts if os.path.basename(a["input"]["path"]) == "cp1256-" + src and a["appended_to"] is None][0]
check("Windows-1256 copy decodes to the same body", copy["body"] == orig["body"] and copy["encoding"] == "windows-1256")
check("Windows-1256 copy marked as an exact duplicate", copy["exact_duplicate_of"] == orig["id"])
print(f"{fails} failed")
sys.exit(1 if fails else 0)
