#!/usr/bin/env python3
"""Times the Python peer datasketch (MinHash + MinHashLSH) on the normalized
tokens that `snn_dedup` (crates/dedup/examples) wrote, for comparison with
rasd-dedup.

Same input as rasd: one document per line, normalized space-separated tokens.
Same shingles: k consecutive tokens joined by a space (a document with fewer
than k tokens is one shingle of all of them; empty documents are skipped, as
rasd skips them). Same num_perm. Timed: shingle construction, MinHash
(update_batch; datasketch hashes each shingle with SHA-1 to 32 bits, then
applies num_perm (a*x+b mod 2^61-1) permutations with numpy), and, per
document in corpus order, lsh.query(m) then lsh.insert(i, m), exactly like
rasd's query_then_insert. Reading the file is not timed.

Usage: dedup_datasketch.py TOKENS [--k 3] [--num-perm 128] [--threshold 0.8]
         [--bands 25 --rows 5] [--runs 3] [--truth TRUTH] [--default-params]
Prints one `RESULT ...` line with the median wall time.
"""
import argparse
import statistics
import sys
import time

import datasketch
from datasketch import MinHash, MinHashLSH


def shingles(tokens, k):
    if not tokens:
        return set()
    if len(tokens) < k:
        return {" ".join(tokens).encode("utf-8")}
    return {" ".join(tokens[i:i + k]).encode("utf-8") for i in range(len(tokens) - k + 1)}


def index_and_query(docs, k, num_perm, threshold, params):
    """The timed part. Returns (seconds, candidate pairs, shingle sets)."""
    start = time.perf_counter()
    if params is None:
        lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    else:
        lsh = MinHashLSH(threshold=threshold, num_perm=num_perm, params=params)
    cands = []
    sets = []
    for i, toks in enumerate(docs):
        s = shingles(toks, k)
        sets.append(s)
        if not s:
            continue
        m = MinHash(num_perm=num_perm, seed=1)
        m.update_batch(list(s))
        for c in lsh.query(m):
            cands.append((c, i))
        lsh.insert(i, m)
    secs = time.perf_counter() - start
    return secs, cands, sets, (lsh.b, lsh.r)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("tokens")
    ap.add_argument("--k", type=int, default=3)
    ap.add_argument("--num-perm", type=int, default=128)
    ap.add_argument("--threshold", type=float, default=0.8)
    ap.add_argument("--bands", type=int, default=25)
    ap.add_argument("--rows", type=int, default=5)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--truth", help="true pairs `i j J` (from snn_dedup --truth-out)")
    ap.add_argument("--default-params", action="store_true",
                    help="let datasketch choose bands/rows from the threshold")
    a = ap.parse_args()

    with open(a.tokens, encoding="utf-8") as f:
        docs = [line.split() for line in f]
    params = None if a.default_params else (a.bands, a.rows)
    times = []
    for _ in range(a.runs):
        secs, cands, sets, (b, r) = index_and_query(docs, a.k, a.num_perm, a.threshold, params)
        times.append(secs)
    med = statistics.median(times)
    label = "datasketch-chosen" if params is None else "same as rasd"
    print(f"datasketch {datasketch.__version__}: {len(docs)} docs, k = {a.k}, num_perm = {a.num_perm}, "
          f"threshold = {a.threshold}, LSH {b} bands x {r} rows ({label})")
    print(f"datasketch index+query runs {[round(t, 3) for t in times]} s, median {med:.3f} s "
          f"({med * 1e6 / len(docs):.1f} us/doc); {len(cands)} candidate pairs")
    extra = ""
    if a.truth:
        truth = set()
        with open(a.truth) as f:
            for line in f:
                i, j, _ = line.split()
                truth.add((int(i), int(j)))
        # Exact verification of the candidates (untimed), as rasd does.
        reported = set()
        for i, j in cands:
            si, sj = sets[i], sets[j]
            inter = len(si & sj)
            union = len(si) + len(sj) - inter
            if union and inter / union >= a.threshold:
                reported.add((min(i, j), max(i, j)))
        tp = len(reported & truth)
        recall = tp / len(truth) if truth else 1.0
        precision = tp / len(reported) if reported else 1.0
        print(f"datasketch candidates, exactly verified: {len(reported)} pairs; recall {recall:.4f} "
              f"precision {precision:.4f} against rasd's exact reference ({len(truth)} pairs)")
        extra = f" recall={recall:.4f} precision={precision:.4f}"
    print(f"RESULT datasketch_index_query_s={med:.4f} bands={b} rows={r}{extra}")


if __name__ == "__main__":
    sys.exit(main())
