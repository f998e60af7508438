"""The two store backends hold the same: the seed pages, then a sample of
5,000 SaudiNewsNet articles (the first 5,000 of its first zips), ingested
by `rasd ingest` into a SQLite file and into a fresh PostgreSQL database,
give the same `articles`, `duplicates`, `entities`, `events` and `stories`
listings (`--json`; a fresh store numbers everything alike, so ids are
compared too) and the same `rasd problems`.

Usage: python3 tests/pg/check_backends.py RASD_BINARY POSTGRES_URL [SAMPLE]
(POSTGRES_URL: a user that may create databases; SAMPLE articles, default
5000, 0 for the seeds alone). Skips what ../shared lacks."""
import hashlib, json, os, subprocess, sys, tempfile, time, zipfile

rasd, pg = sys.argv[1], sys.argv[2]
sample = int(sys.argv[3]) if len(sys.argv) > 3 else 5000
shared = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared")
seeds = os.path.join(shared, "seeds")
snn = os.path.join(shared, "corpora", "saudinewsnet")
if not os.path.isdir(seeds):
    print(f"skip: {seeds} not found")
    sys.exit(0)
tmp = tempfile.mkdtemp()
inputs = [seeds]
if sample and os.path.isdir(snn):
    arts = []
    for z in sorted(os.listdir(snn)):
        if z.endswith(".zip") and len(arts) < sample:
            with zipfile.ZipFile(os.path.join(snn, z)) as f:
                for n in sorted(f.namelist()):
                    arts.extend(json.loads(f.read(n)))
    path = os.path.join(tmp, "sample.json")
    with open(path, "w") as f:
        json.dump(arts[:sample], f, ensure_ascii=False)
    inputs.append(path)
elif sample:
    print(f"note: {snn} not found: the seeds alone")

name = "rasd_check_backends"
subprocess.run(["psql", "-X", pg, "-qc", f"DROP DATABASE IF EXISTS {name}", "-c", f"CREATE DATABASE {name}"],
               check=True, capture_output=True)
dbs = {"sqlite": os.path.join(tmp, "check.db"), "postgres": pg.rsplit("/", 1)[0] + "/" + name}


def run(db, *args):
    return subprocess.run([rasd, "--db", db, *args], check=True, capture_output=True, text=True).stdout


for backend, db in dbs.items():
    t0 = time.time()
    for i in inputs:
        run(db, "ingest", i)
    print(f"{backend}: ingested {', '.join(os.path.basename(i) for i in inputs)} in {time.time() - t0:.1f} s")
fails = 0
for listing in (["articles", "--json"], ["duplicates", "--json"], ["entities", "--json"],
                ["events", "--json"], ["stories", "--json"], ["problems", "--json"]):
    out = {b: run(db, *listing) for b, db in dbs.items()}
    n = len(out["sqlite"].splitlines())
    same = out["sqlite"] == out["postgres"]
    if not same:
        fails += 1
        a, b = out["sqlite"].splitlines(), out["postgres"].splitlines()
        first = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
        print(f"FAIL {listing[0]}: {len(a)} vs {len(b)} lines; first difference at line {first}:")
        print("  sqlite:  ", (a[first] if first < len(a) else "")[:300])
        print("  postgres:", (b[first] if first < len(b) else "")[:300])
    else:
        print(f"ok   {listing[0]}: {n} lines, the same (sha256 {hashlib.sha256(out['sqlite'].encode()).hexdigest()[:12]})")
print(f"{fails} failed")
sys.exit(1 if fails else 0)
