//! Search benchmark over a rasd database (bench/search_snn.sh).
//!
//! ```text
//! search_bench DB index
//!     indexes every article again (one thread, transactions of 2,000, as
//!     the pipeline does) and prints the time of each part and the index size
//! search_bench DB query QUERIES [--runs N] [--threads T] [--seconds S]
//!     runs each query of QUERIES (one per line: `SET<TAB>QUERY[<TAB>VARIANT|…]`,
//!     the variants ORed in for the query's first term) N times through
//!     rasd_search::search (ranked page of 10 with snippets, and the count),
//!     and prints per query and per set the median and p99 latency; then
//!     T threads, each with its own connection, run the whole list in a loop
//!     for S seconds: throughput and latency under load.
//! ```

use rasd_search::{article_terms, search, Query, SEARCH_VERSION};
use rasd_store::{SearchTerms, SqliteStore, Stage, Store};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn die(msg: &str) -> ! {
    eprintln!("search_bench: {msg}");
    std::process::exit(2)
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn index_size(db: &Path) {
    let c = rusqlite::Connection::open(db).unwrap_or_else(|e| die(&e.to_string()));
    let mut s = c
        .prepare(
            "SELECT name, sum(pgsize) FROM dbstat WHERE name LIKE 'article_fts%' GROUP BY name ORDER BY name",
        )
        .unwrap();
    let rows: Vec<(String, i64)> = s
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let total: i64 = rows.iter().map(|r| r.1).sum();
    let db_size = std::fs::metadata(db).map(|m| m.len()).unwrap_or(0);
    let parts: Vec<String> = rows
        .iter()
        .map(|(n, b)| format!("{n} {:.1}", *b as f64 / 1048576.0))
        .collect();
    println!(
        "index size: {:.1} MiB ({}), database {:.1} MiB",
        total as f64 / 1048576.0,
        parts.join(", "),
        db_size as f64 / 1048576.0
    );
}

fn index(db: &Path) {
    let mut store = SqliteStore::open(db).unwrap_or_else(|e| die(&e.to_string()));
    let (mut read, mut terms, mut write) = (Duration::ZERO, Duration::ZERO, Duration::ZERO);
    let (mut n, mut words, mut after) = (0usize, 0usize, 0i64);
    let t0 = Instant::now();
    // As `rasd process --force` does: the old index is dropped whole.
    store.drop_search_index_below(i64::MAX).unwrap();
    let dropped = t0.elapsed();
    loop {
        let t = Instant::now();
        let ids = store
            .articles_needing(Stage::Search, SEARCH_VERSION, after, 2000)
            .unwrap();
        let Some(&last) = ids.last() else { break };
        after = last;
        let mut arts = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(a) = store.article(id).unwrap() {
                arts.push((id, a.article));
            }
        }
        read += t.elapsed();
        let t = Instant::now();
        let items: Vec<(i64, SearchTerms)> =
            arts.iter().map(|(id, a)| (*id, article_terms(a))).collect();
        words += items
            .iter()
            .map(|(_, t)| rasd_search::indexed_words(t))
            .sum::<usize>();
        terms += t.elapsed();
        let t = Instant::now();
        store.replace_search_index(&items, SEARCH_VERSION).unwrap();
        write += t.elapsed();
        n += items.len();
    }
    println!(
        "indexed {n} articles, {words} words in {:.2} s (one thread): dropping the old index {:.2} s, reading {:.2} s, terms {:.2} s, FTS writes {:.2} s",
        t0.elapsed().as_secs_f64(),
        dropped.as_secs_f64(),
        read.as_secs_f64(),
        terms.as_secs_f64(),
        write.as_secs_f64()
    );
    drop(store);
    index_size(db);
}

struct Q {
    set: String,
    text: String,
    query: Query,
    alts: Vec<Vec<String>>,
}

fn load_queries(path: &Path) -> Vec<Q> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| die(&e.to_string()));
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with("//"))
        .map(|l| {
            let mut f = l.split('\t');
            let set = f.next().unwrap_or("").to_string();
            let q = f.next().unwrap_or_else(|| die(&format!("bad line {l:?}")));
            let alts = f
                .next()
                .map(|v| vec![v.split('|').map(str::to_string).collect()])
                .unwrap_or_default();
            Q {
                set,
                text: q.to_string(),
                query: Query::parse(q).unwrap_or_else(|e| die(&format!("{q}: {e}"))),
                alts,
            }
        })
        .collect()
}

fn query(db: &Path, queries: &Path, runs: usize, threads: usize, seconds: f64) {
    let qs = load_queries(queries);
    let store = SqliteStore::open(db).unwrap_or_else(|e| die(&e.to_string()));
    // Warm the page cache and the statement cache.
    for q in &qs {
        search(&store, &q.query, &q.alts, 10, 0).unwrap();
    }
    let mut by_set: Vec<(String, Vec<f64>)> = Vec::new();
    let mut all = Vec::new();
    println!(
        "{:<8} {:>7} {:>9} {:>9}  query",
        "set", "total", "median", "p99"
    );
    for q in &qs {
        let mut lat = Vec::with_capacity(runs);
        let mut total = (0, false);
        for _ in 0..runs {
            let t = Instant::now();
            let p = search(&store, &q.query, &q.alts, 10, 0).unwrap();
            lat.push(t.elapsed().as_secs_f64() * 1e3);
            total = (p.total, p.total_capped);
        }
        lat.sort_by(f64::total_cmp);
        println!(
            "{:<8} {:>6}{} {:>7.2}ms {:>7.2}ms  {}",
            q.set,
            total.0,
            if total.1 { "+" } else { " " },
            pct(&lat, 0.5),
            pct(&lat, 0.99),
            q.text
        );
        match by_set.iter_mut().find(|(s, _)| *s == q.set) {
            Some((_, v)) => v.extend(&lat),
            None => by_set.push((q.set.clone(), lat.clone())),
        }
        all.extend(lat);
    }
    println!("per set ({runs} runs of each query, one thread):");
    by_set.push(("all".into(), all));
    for (set, mut v) in by_set {
        v.sort_by(f64::total_cmp);
        let mean = v.iter().sum::<f64>() / v.len() as f64;
        println!(
            "  {set:<8} median {:.2} ms, p99 {:.2} ms, mean {:.2} ms ({} searches)",
            pct(&v, 0.5),
            pct(&v, 0.99),
            mean,
            v.len()
        );
    }
    if threads == 0 {
        return;
    }
    // Under load: T threads, own connections, the whole list in a loop.
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let qs = &qs;
    let results: Vec<Vec<f64>> = std::thread::scope(|sc| {
        let hs: Vec<_> = (0..threads)
            .map(|k| {
                sc.spawn(move || {
                    let store = SqliteStore::open(db).unwrap();
                    let mut lat = Vec::new();
                    let mut i = k * 7;
                    while Instant::now() < deadline {
                        let q = &qs[i % qs.len()];
                        let t = Instant::now();
                        search(&store, &q.query, &q.alts, 10, 0).unwrap();
                        lat.push(t.elapsed().as_secs_f64() * 1e3);
                        i += 1;
                    }
                    lat
                })
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut v: Vec<f64> = results.into_iter().flatten().collect();
    v.sort_by(f64::total_cmp);
    println!(
        "under load: {threads} threads for {seconds:.0} s: {:.0} searches/s, median {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        v.len() as f64 / seconds,
        pct(&v, 0.5),
        pct(&v, 0.99),
        v.last().copied().unwrap_or(f64::NAN)
    );
}

/// Where the time of one search goes: ranking, counting, reading the hits,
/// snippets (medians over `runs`).
fn breakdown(db: &Path, queries: &Path, runs: usize) {
    let qs = load_queries(queries);
    let store = SqliteStore::open(db).unwrap_or_else(|e| die(&e.to_string()));
    let mut parts = [Vec::new(), Vec::new(), Vec::new(), Vec::new()];
    for q in &qs {
        let expr = q.query.search_match(&q.alts);
        for _ in 0..runs {
            let t = Instant::now();
            let hits = store.search(&expr, 10, 0).unwrap();
            parts[0].push(t.elapsed().as_secs_f64() * 1e3);
            let t = Instant::now();
            store
                .search_count(&expr, rasd_search::COUNT_CAP + 1)
                .unwrap();
            parts[1].push(t.elapsed().as_secs_f64() * 1e3);
            let t = Instant::now();
            let texts: Vec<_> = hits
                .iter()
                .filter_map(|h| store.article_text(h.0).unwrap())
                .collect();
            parts[2].push(t.elapsed().as_secs_f64() * 1e3);
            let t = Instant::now();
            for a in &texts {
                rasd_search::snippets(&a.body, &q.query, &q.alts, 3, 160);
            }
            parts[3].push(t.elapsed().as_secs_f64() * 1e3);
        }
    }
    for (name, mut v) in [
        "rank (bm25, top 10)",
        "count (cap 10,001)",
        "read 10 hits",
        "body snippets of 10 hits",
    ]
    .into_iter()
    .zip(parts)
    {
        v.sort_by(f64::total_cmp);
        let mean = v.iter().sum::<f64>() / v.len() as f64;
        println!(
            "  {name:<26} median {:.2} ms, p99 {:.2} ms, mean {:.2} ms",
            pct(&v, 0.5),
            pct(&v, 0.99),
            mean
        );
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let db = PathBuf::from(
        args.first()
            .unwrap_or_else(|| die("usage: search_bench DB index|query QUERIES …")),
    );
    let opt = |name: &str, default: f64| -> f64 {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .map_or(default, |v| {
                v.parse()
                    .unwrap_or_else(|_| die(&format!("bad {name} {v}")))
            })
    };
    match args.get(1).map(String::as_str) {
        Some("index") => index(&db),
        Some("size") => index_size(&db),
        Some("optimize") => {
            let c = rusqlite::Connection::open(&db).unwrap();
            let t = Instant::now();
            c.execute(
                "INSERT INTO article_fts(article_fts) VALUES('optimize')",
                [],
            )
            .unwrap();
            println!("optimize: {:.2} s", t.elapsed().as_secs_f64());
            index_size(&db);
        }
        Some("breakdown") => breakdown(
            &db,
            Path::new(args.get(2).unwrap_or_else(|| die("breakdown needs a file"))),
            opt("--runs", 5.0) as usize,
        ),
        Some("query") => {
            let qf = args.get(2).unwrap_or_else(|| die("query needs a file"));
            query(
                &db,
                Path::new(qf),
                opt("--runs", 20.0) as usize,
                opt("--threads", 2.0) as usize,
                opt("--seconds", 10.0),
            )
        }
        _ => die("usage: search_bench DB index|size|query QUERIES …"),
    }
}
