//! `rasd enqueue`, `rasd worker` and `rasd queue`: work distribution over
//! one shared store (`rasd_pipeline::work` holds the logic).

use anyhow::Result;
use rasd_pipeline::work::{EnqueueSummary, WorkerOptions, WorkerSummary};
use rasd_pipeline::IngestOptions;
use rasd_store::{QueueCounts, Store};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

fn counts_line(q: &QueueCounts) -> String {
    format!(
        "queue: {} pending, {} running, {} done, {} quarantined",
        q.pending, q.running, q.done, q.quarantined
    )
}

pub fn enqueue(
    store: &mut dyn Store,
    paths: &[PathBuf],
    max_file_size_mib: f64,
    json: bool,
) -> Result<ExitCode> {
    let limit = (max_file_size_mib.max(0.0) * 1024.0 * 1024.0) as u64;
    let s: EnqueueSummary = rasd_pipeline::work::enqueue(store, paths, limit)?;
    if json {
        println!("{}", serde_json::to_string(&s)?);
    } else {
        for e in &s.errors {
            eprintln!("rasd: {}: {}", e.path, e.reason);
        }
        println!(
            "inputs: {} = {} queued + {} queued before + {} failed ({:.1} MB) in {:.2} s",
            s.inputs,
            s.queued,
            s.already_queued,
            s.errors.len(),
            s.bytes as f64 / 1e6,
            s.seconds
        );
        println!("{}", counts_line(&s.queue));
    }
    Ok(if s.inputs > 0 && s.errors.len() as u64 == s.inputs {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

pub struct WorkerArgs {
    pub name: Option<String>,
    pub batch: usize,
    pub lease: u64,
    pub max_attempts: u32,
    pub retry: u64,
    pub until_empty: bool,
    pub poll: f64,
    pub derive_every: u32,
    pub json: bool,
}

pub fn worker(db: &Path, a: WorkerArgs) -> Result<ExitCode> {
    let mut store = crate::open(db)?;
    let host = std::fs::read_to_string("/etc/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_default();
    let w = WorkerOptions {
        name: a
            .name
            .unwrap_or_else(|| format!("{host}:{}", std::process::id())),
        batch: a.batch.max(1),
        lease_secs: a.lease.max(1),
        max_attempts: a.max_attempts.max(1),
        retry_secs: a.retry,
        until_empty: a.until_empty,
        poll: Duration::from_secs_f64(a.poll.max(0.05)),
        derive_every: a.derive_every.max(1),
    };
    let stop = crate::watch::stop_on_signal()?;
    tracing::info!("worker {} starts", w.name);
    let s: WorkerSummary =
        rasd_pipeline::work::run_worker(&mut *store, &IngestOptions::default(), &w, &stop)?;
    if a.json {
        println!("{}", serde_json::to_string(&s)?);
    } else {
        for e in &s.errors {
            eprintln!("rasd: {}: {}", e.path, e.reason);
        }
        println!(
            "worker {}: {} inputs claimed, {} done, {} failed ({} quarantined), {} new articles; \
             stages across articles run {} times ({:.1} s); {:.1} s in all",
            w.name,
            s.claimed,
            s.done,
            s.failed,
            s.quarantined,
            s.articles_new,
            s.derive_runs,
            s.derive_seconds,
            s.seconds
        );
        println!("{}", counts_line(&s.queue));
    }
    Ok(ExitCode::SUCCESS)
}

pub fn queue(store: &dyn Store, json: bool) -> Result<ExitCode> {
    let q = store.queue_counts()?;
    if json {
        println!("{}", serde_json::to_string(&q)?);
    } else {
        println!("{}", counts_line(&q));
    }
    Ok(ExitCode::SUCCESS)
}
