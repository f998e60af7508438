#!/usr/bin/env python3
"""Crash matrix: `kill -9` of `rasd ingest` at many moments, each followed by
one re-run, must give the store of one uninterrupted run.

For each kill, a fresh store is ingested into, the process is killed, the
same ingest is run again, and the counts of articles, time expressions,
mentions, entities, events, stories, story memberships, near-duplicate pairs
and search rows are compared with the uninterrupted run's, and
`PRAGMA integrity_check` must answer ok. The stage the kill hit is read
from the run's log (`RUST_LOG=rasd_pipeline=info`: a line as each batch is
written and as each stage across articles starts).

usage:
  crash_matrix.py RASD --corpus DIR [--kills N]     kills spread over the run
  crash_matrix.py RASD --generated N --stages       a corpus of N generated
      files and one of 700 kB (bench/gen_text.py), killed as each stage
      starts: the first, a middle and the last batch write, search,
      knowledge base, near-duplicates, events, stories
Exit status 1 if any re-run differs from the uninterrupted run.
"""
import argparse
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ANSI = re.compile(r"\x1b\[[0-9;]*m")
STAGE = re.compile(r'stage starts stage="?(\w+)')
COUNTS = {
    "articles": "SELECT count(*) FROM articles",
    "timexes": "SELECT count(*) FROM timexes",
    "mentions": "SELECT count(*) FROM mentions",
    "entities": "SELECT count(*) FROM entities",
    "events": "SELECT count(*) FROM events",
    "stories": "SELECT count(*) FROM stories",
    "story_articles": "SELECT count(*) FROM story_articles",
    "duplicate_pairs": "SELECT count(*) FROM dup_pairs",
    "search_rows": "SELECT count(*) FROM article_fts_docsize",
}


def counts(db):
    c = sqlite3.connect(db)
    try:
        out = {k: c.execute(q).fetchone()[0] for k, q in COUNTS.items()}
        out["integrity"] = c.execute("PRAGMA integrity_check").fetchone()[0]
        return out
    finally:
        c.close()


def ingest(rasd, db, corpus, log=None):
    env = dict(os.environ, RUST_LOG="rasd_pipeline=info", NO_COLOR="1")
    return subprocess.Popen(
        [rasd, "--db", db, "ingest", corpus],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )


class Watch:
    """Reads a run's log in a thread: the stages seen, in order."""

    def __init__(self, proc):
        self.seen = []
        self.cv = threading.Condition()
        self.t = threading.Thread(target=self.run, args=(proc,), daemon=True)
        self.t.start()

    def run(self, proc):
        for line in proc.stderr:
            m = STAGE.search(ANSI.sub("", line))
            if m:
                with self.cv:
                    self.seen.append(m.group(1))
                    self.cv.notify_all()
        with self.cv:
            self.seen.append("(end)")
            self.cv.notify_all()

    def wait_for(self, stage, nth, timeout):
        """Waits until `stage` has started `nth` times (or the run ended)."""
        end = time.time() + timeout
        with self.cv:
            while True:
                if self.seen.count(stage) >= nth or "(end)" in self.seen:
                    return self.seen.count(stage) >= nth
                left = end - time.time()
                if left <= 0:
                    return False
                self.cv.wait(left)

    def last(self):
        with self.cv:
            return next((s for s in reversed(self.seen) if s != "(end)"), "(none)")


def run_to_end(rasd, db, corpus):
    p = ingest(rasd, db, corpus)
    w = Watch(p)
    p.wait()
    w.t.join()
    if p.returncode != 0:
        sys.exit(f"ingest into {db} failed with status {p.returncode}")
    return w.seen


def killed_run(rasd, tmp, corpus, ref, how):
    """One kill (`how`: ("time", seconds) or ("stage", name, nth)) and one
    re-run; returns (stage hit, differences)."""
    db = os.path.join(tmp, "k.db")
    for f in os.listdir(tmp):
        if f.startswith("k.db"):
            os.remove(os.path.join(tmp, f))
    p = ingest(rasd, db, corpus)
    w = Watch(p)
    if how[0] == "time":
        time.sleep(how[1])
    else:
        w.wait_for(how[1], how[2], 600)
    alive = p.poll() is None
    if alive:
        p.send_signal(signal.SIGKILL)
    p.wait()
    w.t.join()
    hit = w.last() if alive else "(finished before the kill)"
    run_to_end(rasd, db, corpus)
    got = counts(db)
    diff = {k: (got[k], ref[k]) for k in ref if got[k] != ref[k]}
    return hit, diff


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("rasd")
    ap.add_argument("--corpus")
    ap.add_argument("--generated", type=int)
    ap.add_argument("--kills", type=int, default=20)
    ap.add_argument("--stages", action="store_true")
    a = ap.parse_args()
    tmp = tempfile.mkdtemp()
    try:
        corpus = a.corpus
        if a.generated:
            corpus = os.path.join(tmp, "corpus")
            os.mkdir(corpus)
            for i in range(a.generated):
                subprocess.run(
                    [sys.executable, os.path.join(HERE, "gen_text.py"),
                     os.path.join(corpus, f"doc-{i:03}.txt"), str(20_000 + 3_000 * (i % 7)), "lines", str(i)],
                    check=True,
                )
            # One input of several batches (the first is small), with
            # over-long articles split; it comes first.
            subprocess.run(
                [sys.executable, os.path.join(HERE, "gen_text.py"),
                 os.path.join(corpus, "000-long.txt"), "700000", "lines", "99"],
                check=True,
            )
        if not corpus or not os.path.isdir(corpus):
            print(f"skip: corpus {corpus} not found")
            return 0
        t0 = time.time()
        seen = run_to_end(a.rasd, os.path.join(tmp, "ref.db"), corpus)
        duration = time.time() - t0
        ref = counts(os.path.join(tmp, "ref.db"))
        print(f"uninterrupted: {duration:.1f} s, {ref}")
        if a.stages:
            writes = seen.count("write")
            plan = [("stage", "write", 1), ("stage", "write", max(1, writes // 2)), ("stage", "write", writes)]
            plan += [("stage", s, 1) for s in ["search", "knowledge_base", "duplicates", "events", "stories"]]
        else:
            plan = [("time", duration * (k + 0.5) / a.kills) for k in range(a.kills)]
        bad = 0
        for how in plan:
            hit, diff = killed_run(a.rasd, tmp, corpus, ref, how)
            what = f"{how[1]:.1f} s" if how[0] == "time" else f"{how[1]} #{how[2]}"
            verdict = "ok" if not diff else f"DIFFERS {diff}"
            bad += bool(diff)
            print(f"kill at {what:>18}  (in: {hit:<16}) re-run: {verdict}", flush=True)
        print(f"{len(plan)} kills, {bad} differ")
        return 1 if bad else 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
