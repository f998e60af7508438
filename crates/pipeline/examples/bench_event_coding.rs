//! Event coding speed: reads stored articles with their entities and time
//! expressions from a rasd store, then codes them with
//! `rasd_pipeline::events::article_events` (what ingest and `rasd rebuild`
//! run per article, merging left out) on all cores, RUNS times; prints the
//! median seconds and articles per second.
//!
//! Usage: bench_event_coding DB [RUNS=3] [LIMIT]

use rasd_store::{ArticleQuery, SqliteStore, Store};
use rayon::prelude::*;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let db = args
        .first()
        .ok_or("usage: bench_event_coding DB [RUNS] [LIMIT]")?;
    let runs: usize = args.get(1).map(|s| s.parse()).transpose()?.unwrap_or(3);
    let limit: Option<u64> = args.get(2).map(|s| s.parse()).transpose()?;
    let store = SqliteStore::open(std::path::Path::new(db))?;
    let mut ids = Vec::new();
    store.articles(
        &ArticleQuery {
            limit,
            ..Default::default()
        },
        &mut |a| {
            ids.push((a.id, a.article));
            true
        },
    )?;
    let mut loaded = Vec::with_capacity(ids.len());
    for (id, a) in ids {
        loaded.push((a, store.article_entities(id)?, store.timexes(id)?));
    }
    // Warm the embedded models once, outside the timing.
    let _ = rasd_event::learned::coder();
    let mut secs = Vec::new();
    let mut mentions = 0;
    for _ in 0..runs {
        let t = Instant::now();
        mentions = loaded
            .par_iter()
            .map(|(a, e, t)| rasd_pipeline::events::article_events(a, e, t).len())
            .sum::<usize>();
        secs.push(t.elapsed().as_secs_f64());
    }
    let mut sorted = secs.clone();
    sorted.sort_by(f64::total_cmp);
    let median = sorted[sorted.len() / 2];
    println!(
        "{} articles, {} mentions; {} threads; runs {:?} s; median {:.2} s = {:.0} articles/s",
        loaded.len(),
        mentions,
        rayon::current_num_threads(),
        secs.iter()
            .map(|s| (s * 100.0).round() / 100.0)
            .collect::<Vec<_>>(),
        median,
        loaded.len() as f64 / median
    );
    Ok(())
}
