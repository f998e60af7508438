//! Near-duplicate benchmark on SaudiNewsNet (31,030 articles, 18 zipped JSON
//! arrays; the `content` field is the body).
//!
//! ```text
//! snn_dedup CORPUS_DIR [--tokens-out FILE] [--truth-out FILE] [--runs N]
//!           [--k K] [--num-perm N] [--threshold T] [--sample N] [--held-out N]
//! ```
//!
//! 1. Reads every zip (untimed) and normalizes + tokenizes every body with
//!    `rasd-text` (timed separately); optionally writes the normalized tokens,
//!    one document per line, space-separated (`--tokens-out`), the input of
//!    `bench/dedup_datasketch.py`.
//! 2. Times, `--runs` times (median), index-and-query from those tokens:
//!    shingle hashing, MinHash signatures, LSH `query_then_insert` for every
//!    document in corpus order. Then times the exact verification of the
//!    candidates (exact Jaccard on the shingle sets).
//! 3. Computes the exact reference with the AllPairs join and checks it
//!    against naive brute force on a random sample of `--sample` documents.
//! 4. Prints recall and precision (exact verification and estimate-only),
//!    duplicate pairs and groups.
//! 5. Measures per-article incremental latency on a full index: all
//!    documents but `--held-out` random ones are indexed, then each held-out
//!    article goes through `Deduper::check_and_insert` from its raw body
//!    (normalize, tokenize, shingle, signature, query, verify, insert).

use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use rasd_dedup::hash::SplitMix64;
use rasd_dedup::{
    all_pairs_above, brute_force_pairs, estimate_jaccard, exact_jaccard, group_duplicates,
    DedupConfig, Deduper, LshIndex, LshParams, MinHasher, Shingler, Signature, Verify,
};

struct Args {
    corpus: PathBuf,
    tokens_out: Option<PathBuf>,
    truth_out: Option<PathBuf>,
    runs: usize,
    k: usize,
    num_perm: usize,
    threshold: f64,
    sample: usize,
    held_out: usize,
}

fn parse_args() -> Args {
    let mut it = std::env::args().skip(1);
    let mut a = Args {
        corpus: PathBuf::new(),
        tokens_out: None,
        truth_out: None,
        runs: 3,
        k: rasd_dedup::DEFAULT_K,
        num_perm: rasd_dedup::DEFAULT_NUM_PERM,
        threshold: rasd_dedup::DEFAULT_THRESHOLD,
        sample: 3000,
        held_out: 1000,
    };
    let mut corpus = None;
    while let Some(x) = it.next() {
        let mut val = || {
            it.next()
                .unwrap_or_else(|| die(&format!("{x} needs a value")))
        };
        match x.as_str() {
            "--tokens-out" => a.tokens_out = Some(val().into()),
            "--truth-out" => a.truth_out = Some(val().into()),
            "--runs" => a.runs = val().parse().unwrap_or_else(|_| die("bad --runs")),
            "--k" => a.k = val().parse().unwrap_or_else(|_| die("bad --k")),
            "--num-perm" => a.num_perm = val().parse().unwrap_or_else(|_| die("bad --num-perm")),
            "--threshold" => a.threshold = val().parse().unwrap_or_else(|_| die("bad --threshold")),
            "--sample" => a.sample = val().parse().unwrap_or_else(|_| die("bad --sample")),
            "--held-out" => a.held_out = val().parse().unwrap_or_else(|_| die("bad --held-out")),
            _ if corpus.is_none() && !x.starts_with("--") => corpus = Some(PathBuf::from(x)),
            _ => die(&format!("unknown argument {x}")),
        }
    }
    a.corpus = corpus.unwrap_or_else(|| die("usage: snn_dedup CORPUS_DIR [options]"));
    a
}

fn die(msg: &str) -> ! {
    eprintln!("snn_dedup: {msg}");
    std::process::exit(2)
}

/// Bodies of all records of all zips, in file-name then record order.
fn load(dir: &Path) -> Vec<String> {
    let mut zips: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| die(&format!("{}: {e}", dir.display())))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "zip"))
        .collect();
    zips.sort();
    let mut bodies = Vec::new();
    for z in zips {
        let f = File::open(&z).unwrap_or_else(|e| die(&format!("{}: {e}", z.display())));
        let mut ar =
            zip::ZipArchive::new(f).unwrap_or_else(|e| die(&format!("{}: {e}", z.display())));
        for i in 0..ar.len() {
            let mut entry = ar
                .by_index(i)
                .unwrap_or_else(|e| die(&format!("{}: {e}", z.display())));
            if !entry.name().is_ok_and(|n| n.ends_with(".json")) {
                continue;
            }
            let mut buf = Vec::new();
            entry
                .read_to_end(&mut buf)
                .unwrap_or_else(|e| die(&format!("{}: {e}", z.display())));
            let v: serde_json::Value = serde_json::from_slice(&buf)
                .unwrap_or_else(|e| die(&format!("{}: {e}", z.display())));
            for rec in v.as_array().map(Vec::as_slice).unwrap_or_default() {
                let body = rec.get("content").and_then(|c| c.as_str()).unwrap_or("");
                bodies.push(body.to_owned());
            }
        }
    }
    bodies
}

fn median(xs: &mut [f64]) -> f64 {
    xs.sort_by(|a, b| a.total_cmp(b));
    let n = xs.len();
    if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2.0
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[i]
}

struct IndexRun {
    secs: f64,
    sets: Vec<Vec<u64>>,
    sigs: Vec<Signature>,
    candidates: Vec<(usize, usize)>,
}

/// The timed part: token strings → shingle hashes → signatures → LSH
/// query-then-insert, document by document.
fn index_and_query(
    tokens: &[Vec<String>],
    shingler: &Shingler,
    hasher: &MinHasher,
    params: LshParams,
) -> IndexRun {
    let start = Instant::now();
    let mut idx = LshIndex::with_params(params);
    idx.reserve(tokens.len());
    let mut sets = Vec::with_capacity(tokens.len());
    let mut sigs = Vec::with_capacity(tokens.len());
    let mut candidates = Vec::new();
    for (d, toks) in tokens.iter().enumerate() {
        let set = shingler.shingles_from_tokens(toks);
        let sig = hasher.signature(&set);
        for c in idx.query_then_insert(d as u64, &sig) {
            candidates.push((c as usize, d));
        }
        sets.push(set);
        sigs.push(sig);
    }
    let secs = start.elapsed().as_secs_f64();
    IndexRun {
        secs,
        sets,
        sigs,
        candidates,
    }
}

fn main() {
    let args = parse_args();
    let t = args.threshold;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("machine: {cores} cores available; rasd runs single-threaded");

    let t0 = Instant::now();
    let bodies = load(&args.corpus);
    let load_s = t0.elapsed().as_secs_f64();
    println!(
        "corpus: {} articles from {} ({:.2} s to unzip and parse JSON, untimed below)",
        bodies.len(),
        args.corpus.display(),
        load_s
    );

    let shingler = Shingler::new(args.k);
    let t0 = Instant::now();
    let tokens: Vec<Vec<String>> = bodies.iter().map(|b| shingler.tokens(b)).collect();
    let tok_s = t0.elapsed().as_secs_f64();
    let n_tokens: usize = tokens.iter().map(Vec::len).sum();
    println!(
        "normalize + tokenize (rasd-text, Folds::SEARCH, punctuation dropped): {:.3} s, {} tokens",
        tok_s, n_tokens
    );
    if let Some(p) = &args.tokens_out {
        let mut w = BufWriter::new(
            File::create(p).unwrap_or_else(|e| die(&format!("{}: {e}", p.display()))),
        );
        for toks in &tokens {
            for (i, tok) in toks.iter().enumerate() {
                assert!(
                    !tok.chars().any(char::is_whitespace),
                    "token with whitespace: {tok:?}"
                );
                if i > 0 {
                    w.write_all(b" ").expect("write");
                }
                w.write_all(tok.as_bytes()).expect("write");
            }
            w.write_all(b"\n").expect("write");
        }
        w.flush().expect("write");
        println!("tokens written to {}", p.display());
    }

    let hasher = MinHasher::new(args.num_perm, rasd_dedup::DEFAULT_SEED);
    let params = LshParams::for_threshold(t, args.num_perm);
    println!(
        "parameters: k = {} words, num_perm = {}, seed = {}, threshold = {t}, LSH {} bands x {} rows \
         (P(candidate) = {:.5} at J = {t}, {:.3} at J = 0.5)",
        args.k,
        args.num_perm,
        rasd_dedup::DEFAULT_SEED,
        params.bands,
        params.rows,
        params.candidate_probability(t),
        params.candidate_probability(0.5)
    );

    // Timed index + query.
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..args.runs.max(1) {
        let r = index_and_query(&tokens, &shingler, &hasher, params);
        times.push(r.secs);
        if let Some(prev) = &last {
            let prev: &IndexRun = prev;
            assert_eq!(prev.candidates, r.candidates, "runs differ");
        }
        last = Some(r);
    }
    let run = last.expect("one run");
    let n_shingles: usize = run.sets.iter().map(Vec::len).sum();
    let empty = run.sets.iter().filter(|s| s.is_empty()).count();
    let index_s = median(&mut times.clone());
    println!(
        "rasd index+query (shingle hashing + MinHash + LSH query_then_insert, {} docs, {} shingles, {} empty): \
         runs {:?} s, median {:.3} s ({:.1} us/doc)",
        tokens.len(),
        n_shingles,
        empty,
        times.iter().map(|x| (x * 1000.0).round() / 1000.0).collect::<Vec<_>>(),
        index_s,
        index_s * 1e6 / tokens.len() as f64
    );

    // Verification.
    let t0 = Instant::now();
    let mut reported: Vec<(usize, usize, f64)> = run
        .candidates
        .iter()
        .filter_map(|&(a, b)| {
            let j = exact_jaccard(&run.sets[a], &run.sets[b]);
            (j >= t).then_some((a, b, j))
        })
        .collect();
    let verify_s = t0.elapsed().as_secs_f64();
    reported.sort_unstable_by_key(|p| (p.0, p.1));
    let estimated: Vec<(usize, usize)> = run
        .candidates
        .iter()
        .filter(|&&(a, b)| estimate_jaccard(&run.sigs[a], &run.sigs[b]) >= t)
        .copied()
        .collect();
    println!(
        "LSH candidates: {} pairs; exact verification {:.3} s; rasd total (index+query+verify) {:.3} s",
        run.candidates.len(),
        verify_s,
        index_s + verify_s
    );

    // Exact reference.
    let t0 = Instant::now();
    let truth = all_pairs_above(&run.sets, t);
    let join_s = t0.elapsed().as_secs_f64();
    println!(
        "exact reference (AllPairs prefix-filter join over all {} docs): {} pairs with J >= {t}, {:.3} s",
        run.sets.len(),
        truth.len(),
        join_s
    );
    let mut rng = SplitMix64(2015);
    let mut ids: Vec<usize> = (0..run.sets.len()).collect();
    for i in (1..ids.len()).rev() {
        let j = (rng.next_u64() % (i as u64 + 1)) as usize;
        ids.swap(i, j);
    }
    let sample: Vec<usize> = {
        let mut s = ids[..args.sample.min(ids.len())].to_vec();
        s.sort_unstable();
        s
    };
    let sample_sets: Vec<&[u64]> = sample.iter().map(|&i| run.sets[i].as_slice()).collect();
    let t0 = Instant::now();
    let brute = brute_force_pairs(&sample_sets, t);
    let brute_s = t0.elapsed().as_secs_f64();
    let joined = all_pairs_above(&sample_sets, t);
    let same = brute == joined;
    // Also: the full join restricted to the sample equals brute force.
    let pos: std::collections::HashMap<usize, usize> =
        sample.iter().enumerate().map(|(i, &d)| (d, i)).collect();
    let restricted: Vec<(usize, usize, f64)> = truth
        .iter()
        .filter_map(|&(a, b, j)| Some((*pos.get(&a)?, *pos.get(&b)?, j)))
        .collect();
    let same_full = restricted == brute;
    println!(
        "exact join check vs naive brute force on a random sample of {} docs ({} pairs, {:.1} s): {} pairs, join {} / full join restricted {}",
        sample.len(),
        sample.len() * (sample.len().saturating_sub(1)) / 2,
        brute_s,
        brute.len(),
        if same { "IDENTICAL" } else { "DIFFERENT" },
        if same_full { "IDENTICAL" } else { "DIFFERENT" }
    );
    assert!(same && same_full, "exact join differs from brute force");

    // Metrics.
    let truth_set: std::collections::HashSet<(usize, usize)> =
        truth.iter().map(|&(a, b, _)| (a, b)).collect();
    let metrics = |pairs: &[(usize, usize)]| {
        let tp = pairs.iter().filter(|p| truth_set.contains(p)).count();
        let recall = if truth.is_empty() {
            1.0
        } else {
            tp as f64 / truth.len() as f64
        };
        let precision = if pairs.is_empty() {
            1.0
        } else {
            tp as f64 / pairs.len() as f64
        };
        (tp, recall, precision)
    };
    let rep_pairs: Vec<(usize, usize)> = reported.iter().map(|&(a, b, _)| (a, b)).collect();
    let (tp, recall, precision) = metrics(&rep_pairs);
    println!(
        "rasd, exact verification: {} pairs reported, {} correct; RECALL {:.4}  PRECISION {:.4}",
        rep_pairs.len(),
        tp,
        recall,
        precision
    );
    let (tp_e, recall_e, precision_e) = metrics(&estimated);
    println!(
        "rasd, estimate-only (signature J >= {t}, no shingle sets kept): {} pairs, {} correct; recall {:.4}  precision {:.4}",
        estimated.len(),
        tp_e,
        recall_e,
        precision_e
    );
    let cand_set: std::collections::HashSet<(usize, usize)> =
        run.candidates.iter().copied().collect();
    let missed: Vec<&(usize, usize, f64)> = truth
        .iter()
        .filter(|p| !cand_set.contains(&(p.0, p.1)))
        .collect();
    if !missed.is_empty() {
        println!(
            "missed by LSH: {} pairs, J = {:?}",
            missed.len(),
            missed
                .iter()
                .take(10)
                .map(|p| (p.2 * 1000.0).round() / 1000.0)
                .collect::<Vec<_>>()
        );
    }
    let buckets: [(f64, f64); 3] = [(0.8, 0.9), (0.9, 0.99), (0.99, 1.0)];
    let exact_dups = truth.iter().filter(|p| p.2 >= 1.0).count();
    let hist: Vec<String> = buckets
        .iter()
        .map(|&(lo, hi)| {
            let n = truth
                .iter()
                .filter(|p| p.2 >= lo.max(t) && p.2 < hi)
                .count();
            format!("[{lo}, {hi}): {n}")
        })
        .collect();
    println!(
        "true pairs by J: {}, J = 1: {}",
        hist.join(", "),
        exact_dups
    );
    let groups = group_duplicates(truth.iter().map(|&(a, b, _)| (a as u64, b as u64)), |id| {
        (id, std::cmp::Reverse(run.sets[id as usize].len()))
    });
    let in_groups: usize = groups.iter().map(|g| g.members.len()).sum();
    let largest = groups.iter().map(|g| g.members.len()).max().unwrap_or(0);
    println!(
        "duplicate groups (union-find over true pairs): {} groups, {} articles in groups ({} redundant), largest {}",
        groups.len(),
        in_groups,
        in_groups - groups.len(),
        largest
    );
    let rep_groups = group_duplicates(rep_pairs.iter().map(|&(a, b)| (a as u64, b as u64)), |id| {
        id
    });
    println!(
        "duplicate groups from rasd's reported pairs: {}",
        rep_groups.len()
    );

    if let Some(p) = &args.truth_out {
        let mut w = BufWriter::new(
            File::create(p).unwrap_or_else(|e| die(&format!("{}: {e}", p.display()))),
        );
        for &(a, b, j) in &truth {
            writeln!(w, "{a} {b} {j}").expect("write");
        }
        w.flush().expect("write");
    }

    // Incremental latency on a full index.
    let held = args.held_out.min(bodies.len());
    let mut held_ids: Vec<usize> = ids[..held].to_vec();
    held_ids.sort_unstable();
    let held_set: std::collections::HashSet<usize> = held_ids.iter().copied().collect();
    let mut dd = Deduper::new(DedupConfig {
        shingle_k: args.k,
        num_perm: args.num_perm,
        threshold: t,
        lsh: params,
        verify: Verify::Exact,
        ..DedupConfig::default()
    });
    for d in 0..run.sets.len() {
        if !held_set.contains(&d) {
            dd.insert_parts(d as u64, run.sigs[d].clone(), &run.sets[d]);
        }
    }
    dd.reserve(held);
    let mut lat = Vec::with_capacity(held);
    let mut found = 0;
    let mut slowest = (0.0, 0);
    for &d in &held_ids {
        let t0 = Instant::now();
        let c = dd.check_and_insert(d as u64, &bodies[d]);
        let us = t0.elapsed().as_secs_f64() * 1e6;
        lat.push(us);
        if us > slowest.0 {
            slowest = (us, d);
        }
        found += c.matches.len();
    }
    lat.sort_by(|a, b| a.total_cmp(b));
    println!(
        "incremental check_and_insert from raw body on a full index ({} indexed, {} held-out articles; \
         normalize+tokenize+shingle+MinHash+query+exact verify+insert): median {:.1} us, p99 {:.1} us, max {:.1} us ({} matches)",
        run.sets.len() - held,
        held,
        lat[held / 2],
        percentile(&lat, 99.0),
        lat[held - 1],
        found
    );
    println!(
        "slowest held-out article: {:.1} us, {} bytes, {} tokens, {} shingles; mean body {} bytes",
        slowest.0,
        bodies[slowest.1].len(),
        tokens[slowest.1].len(),
        run.sets[slowest.1].len(),
        bodies.iter().map(String::len).sum::<usize>() / bodies.len().max(1)
    );
    let mut lat2 = Vec::with_capacity(held);
    let mut idx = LshIndex::with_params(params);
    idx.reserve(run.sets.len());
    for d in 0..run.sets.len() {
        if !held_set.contains(&d) {
            idx.insert(d as u64, &run.sigs[d]);
        }
    }
    for &d in &held_ids {
        let sig = &run.sigs[d];
        let t0 = Instant::now();
        let c = idx.query_then_insert(d as u64, sig);
        std::hint::black_box(&c);
        lat2.push(t0.elapsed().as_secs_f64() * 1e6);
    }
    lat2.sort_by(|a, b| a.total_cmp(b));
    println!(
        "incremental LSH query_then_insert alone (signature given): median {:.2} us, p99 {:.2} us",
        lat2[held / 2],
        percentile(&lat2, 99.0)
    );
    println!(
        "RESULT rasd_index_query_s={index_s:.4} rasd_verify_s={verify_s:.4} recall={recall:.4} precision={precision:.4} \
         true_pairs={} groups={} lat_median_us={:.1} lat_p99_us={:.1} bands={} rows={}",
        truth.len(),
        groups.len(),
        lat[held / 2],
        percentile(&lat, 99.0),
        params.bands,
        params.rows
    );
}
