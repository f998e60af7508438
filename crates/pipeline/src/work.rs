//! Work distribution over one shared store (PostgreSQL, or SQLite on one
//! machine): `enqueue` stores inputs once; any number of workers, on any
//! number of machines, claim them, ingest them and bring the stages that
//! read across articles up to date.
//!
//! What runs in parallel and what is serialised:
//! - reading, parsing, time expressions, NER and entity resolution of each
//!   input run in every worker at once; each input is then written (one
//!   transaction, idempotent by the input's hash and each article's key,
//!   then its articles' search index) when every input queued before it is
//!   written, so articles are
//!   numbered in queue order whatever the number of workers (an input that
//!   failed and waits for a retry does not hold the others up);
//! - the stages that read across articles (knowledge base, near-duplicates,
//!   events, stories) keep one state each: one worker at a time runs them,
//!   under the store's stages lock ([`Store::lock_derived`]). They run at
//!   fixed places of the queue (after every `derive_every` inputs), each
//!   run over the articles of the inputs up to its place only (the highest
//!   article id stored when the input at the place was done, see
//!   [`Store::work_place`]), so the stages see the same batches whatever
//!   the number of workers, and writers go on meanwhile: the worker that
//!   holds the lock runs every place it finds due, the others go on
//!   parsing and writing. When the queue runs dry, they run once more over
//!   every stored article, with no writer at work (the write lock's
//!   exclusive side).
//!
//! A worker that dies (killed, out of memory) holds its inputs until their
//! lease runs out; then another worker takes them over. An input that has
//! failed, or outlived its worker, `max_attempts` times is quarantined and
//! shows in `rasd problems`.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use rasd_store::{DerivedLock, QueueCounts, Store, StoreError};
use serde::Serialize;

use crate::{
    derive, derive_upto, ingest_documents_in_turn, update_search_index, IngestOptions,
    InputFailure, Silent,
};

/// What `enqueue` did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct EnqueueSummary {
    /// Inputs found (files, archive members, stdin).
    pub inputs: u64,
    /// Inputs added to the queue.
    pub queued: u64,
    /// Inputs whose bytes were queued before.
    pub already_queued: u64,
    pub bytes: u64,
    /// Inputs that could not be read (too large, unreadable).
    pub errors: Vec<InputFailure>,
    pub queue: QueueCounts,
    pub seconds: f64,
}

/// Adds every input under `paths` to the store's work queue, with its
/// bytes (workers elsewhere cannot read this machine's files).
pub fn enqueue(
    store: &mut dyn Store,
    paths: &[std::path::PathBuf],
    max_file_size: u64,
) -> Result<EnqueueSummary, StoreError> {
    let t0 = Instant::now();
    let mut sum = EnqueueSummary::default();
    let (leaves, list_errors) = rasd_ingest::source::list(paths, max_file_size);
    for e in list_errors {
        sum.inputs += 1;
        sum.errors.push(InputFailure {
            path: e.path,
            reason: e.error.to_string(),
        });
    }
    for window in leaves.chunks(16) {
        for (leaf, raw) in window.iter().zip(crate::read_window(window, max_file_size)) {
            sum.inputs += 1;
            match raw {
                Ok(bytes) => {
                    let sha = crate::sha256_hex(&bytes);
                    let deflated = rasd_store::compress(&bytes);
                    if store.enqueue(&leaf.path, &sha, bytes.len() as u64, &deflated)? {
                        sum.queued += 1;
                        sum.bytes += bytes.len() as u64;
                    } else {
                        sum.already_queued += 1;
                    }
                }
                Err(e) => sum.errors.push(InputFailure {
                    path: leaf.path.clone(),
                    reason: e.to_string(),
                }),
            }
        }
    }
    sum.queue = store.queue_counts()?;
    sum.seconds = t0.elapsed().as_secs_f64();
    Ok(sum)
}

/// How a worker runs.
#[derive(Debug, Clone)]
pub struct WorkerOptions {
    /// Recorded with each claim (`host:pid` by default).
    pub name: String,
    /// Inputs claimed at a time.
    pub batch: usize,
    /// Seconds a claim holds its inputs; a worker that dies releases them
    /// when it runs out. Must exceed the time one batch takes.
    pub lease_secs: u64,
    /// Attempts before an input is quarantined.
    pub max_attempts: u32,
    /// Seconds before a failed input is tried again (doubled per attempt).
    pub retry_secs: u64,
    /// Exit once the queue has nothing pending or running (else wait for
    /// more, polling every `poll`).
    pub until_empty: bool,
    pub poll: Duration,
    /// The stages that read across articles run after every this many
    /// inputs of the queue (and when it runs dry): at fixed places of the
    /// queue, so that any number of workers gives the same stages. Fewer
    /// runs cost less (each loads and saves the stages' kept states);
    /// more runs make new articles' events and stories show sooner, and
    /// let the stages run while the other workers parse (not only at the
    /// end).
    pub derive_every: u32,
}

impl Default for WorkerOptions {
    fn default() -> Self {
        WorkerOptions {
            name: format!("pid{}", std::process::id()),
            batch: 1,
            lease_secs: 600,
            max_attempts: 3,
            retry_secs: 30,
            until_empty: false,
            poll: Duration::from_secs(2),
            derive_every: 64,
        }
    }
}

/// What a worker did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct WorkerSummary {
    pub claimed: u64,
    pub done: u64,
    /// Failed attempts (the input waits and is tried again).
    pub failed: u64,
    pub quarantined: u64,
    pub articles_new: u64,
    /// Runs of the stages that read across articles by this worker.
    pub derive_runs: u64,
    pub derive_seconds: f64,
    pub errors: Vec<InputFailure>,
    pub queue: QueueCounts,
    pub seconds: f64,
}

/// Runs the stages that read across articles at each place of the queue
/// (a multiple of `every`) that the queue has passed and they have not run
/// at, in order, each over the articles of the inputs up to that place
/// only: writers go on meanwhile, and the stages see the same batches
/// whatever the number of workers. Without `wait`, places are left to the
/// process that holds the stages' lock (it runs every place it finds due).
fn derive_places(
    store: &mut dyn Store,
    entities: bool,
    every: i64,
    wait: bool,
    sum: &mut WorkerSummary,
) -> Result<(), StoreError> {
    loop {
        let place = (store.work_derived()? / every + 1) * every;
        if store.work_place(place)?.is_none() {
            return Ok(());
        }
        if !store.lock_derived(DerivedLock::Stages, wait)? {
            return Ok(());
        }
        let t0 = Instant::now();
        let run = (|| -> Result<bool, StoreError> {
            // Another process may have run them meanwhile.
            if store.work_derived()? >= place {
                return Ok(false);
            }
            let Some(upto) = store.work_place(place)? else {
                return Ok(false);
            };
            // Nothing stored since the place before: nothing to run.
            let before = if place > every {
                store.work_place(place - every)?
            } else {
                Some(0)
            };
            let ran = before != Some(upto);
            if ran {
                derive_upto(store, entities, upto)?;
            }
            store.set_work_derived(place)?;
            Ok(ran)
        })();
        let unlocked = store.unlock_derived(DerivedLock::Stages);
        if run? {
            sum.derive_runs += 1;
            sum.derive_seconds += t0.elapsed().as_secs_f64();
        }
        unlocked?;
    }
}

/// Runs the stages at the places the queue has passed, then over every
/// stored article, once no process writes articles (the queue ran dry).
fn derive_all(
    store: &mut dyn Store,
    entities: bool,
    every: i64,
    sum: &mut WorkerSummary,
) -> Result<(), StoreError> {
    derive_places(store, entities, every, true, sum)?;
    store.lock_derived(DerivedLock::Stages, true)?;
    let t0 = Instant::now();
    let run = (|| -> Result<(), StoreError> {
        store.lock_derived(DerivedLock::Quiet, true)?;
        let r = update_search_index(store, false, &Silent).and_then(|_| derive(store, entities));
        let unlocked = store.unlock_derived(DerivedLock::Quiet);
        r?;
        unlocked
    })();
    let unlocked = store.unlock_derived(DerivedLock::Stages);
    run?;
    sum.derive_runs += 1;
    sum.derive_seconds += t0.elapsed().as_secs_f64();
    unlocked
}

/// Claims and ingests inputs until `stop` is set (or, with `until_empty`,
/// the queue is empty), then brings the derived stages up to date.
pub fn run_worker(
    store: &mut dyn Store,
    ingest: &IngestOptions,
    w: &WorkerOptions,
    stop: &AtomicBool,
) -> Result<WorkerSummary, StoreError> {
    let t0 = Instant::now();
    let mut sum = WorkerSummary::default();
    let opts = IngestOptions {
        derive: false,
        ..ingest.clone()
    };
    // Stored articles not yet derived by this worker.
    let mut pending_derive = true;
    let every = i64::from(w.derive_every.max(1));
    while !stop.load(Ordering::Relaxed) {
        let items = store.claim_work(&w.name, w.batch.max(1), w.lease_secs, w.max_attempts)?;
        if items.is_empty() {
            // The queue ran dry (nothing pending or running: not merely
            // all claimed): a fixed place, whatever the number of workers.
            let q = store.queue_counts()?;
            let dry = q.pending == 0 && q.running == 0;
            if pending_derive && dry {
                derive_all(store, ingest.entities, every, &mut sum)?;
                pending_derive = false;
            }
            if w.until_empty && dry {
                break;
            }
            std::thread::sleep(w.poll);
            continue;
        }
        sum.claimed += items.len() as u64;
        let mut docs = Vec::new();
        let mut ids = Vec::new();
        for it in &items {
            match rasd_store::decompress(&it.raw_deflated) {
                Ok(b) => {
                    docs.push((it.name.clone(), b));
                    ids.push(it.id);
                }
                Err(e) => fail(
                    store,
                    w,
                    it,
                    &format!("stored bytes unreadable: {e}"),
                    &mut sum,
                )?,
            }
        }
        let names: Vec<String> = docs.iter().map(|d| d.0.clone()).collect();
        // Parsed and annotated in parallel with the other workers, written
        // in queue order.
        let first = ids.first().copied().unwrap_or(i64::MAX);
        // Writing (and indexing for search) holds the shared side of the
        // write lock: a run of the stages over every article never sees
        // half of a batch (runs at places of the queue read only the
        // articles of the inputs up to the place, all written then).
        let locked = std::cell::Cell::new(false);
        let wait_turn = |s: &mut dyn Store| -> Result<(), StoreError> {
            while !s.work_turn(first)? {
                std::thread::sleep(Duration::from_millis(20));
            }
            if !locked.get() {
                s.lock_derived(DerivedLock::Write, true)?;
                locked.set(true);
            }
            Ok(())
        };
        let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            ingest_documents_in_turn(store, docs, &opts, &Silent, &wait_turn)
        }));
        if locked.get() {
            store.unlock_derived(DerivedLock::Write)?;
        }
        match run {
            Ok(Ok(s)) => {
                store.finish_work(&ids)?;
                sum.done += ids.len() as u64;
                sum.articles_new += s.articles_new;
                sum.errors.extend(s.errors);
                pending_derive |= s.articles_new > 0;
            }
            Ok(Err(e)) => {
                // The store failed (connection lost, a constraint): the
                // inputs are tried again later; inputs written before the
                // failure are found complete then.
                for it in items.iter().filter(|it| ids.contains(&it.id)) {
                    fail(store, w, it, &e.to_string(), &mut sum)?;
                }
            }
            Err(panic) => {
                let msg = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                tracing::error!("worker {}: panic ingesting {names:?}: {msg}", w.name);
                for it in items.iter().filter(|it| ids.contains(&it.id)) {
                    fail(store, w, it, &format!("rasd panicked: {msg}"), &mut sum)?;
                }
            }
        }
        // Places of the queue passed now: run the stages there, unless
        // another worker is running them (it runs every place it finds).
        derive_places(store, ingest.entities, every, false, &mut sum)?;
    }
    sum.queue = store.queue_counts()?;
    sum.seconds = t0.elapsed().as_secs_f64();
    Ok(sum)
}

fn fail(
    store: &mut dyn Store,
    w: &WorkerOptions,
    it: &rasd_store::WorkItem,
    reason: &str,
    sum: &mut WorkerSummary,
) -> Result<(), StoreError> {
    let backoff = w
        .retry_secs
        .saturating_mul(1u64 << it.attempts.saturating_sub(1).min(16));
    sum.failed += 1;
    if store.fail_work(it.id, reason, backoff, w.max_attempts)? {
        sum.quarantined += 1;
    }
    sum.errors.push(InputFailure {
        path: it.name.clone(),
        reason: reason.to_string(),
    });
    Ok(())
}
