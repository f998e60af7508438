//! Work distribution: inputs enqueued once and ingested by workers give
//! what one `rasd ingest` of the same inputs gives (up to ids); failures
//! are retried, then quarantined and reported; with PostgreSQL, several
//! workers at once and a worker that dies leave every article stored once.

mod common;

use common::{reports, Open};
use rasd_pipeline::work::{enqueue, run_worker, WorkerOptions};
use rasd_pipeline::{ingest, IngestOptions, Silent};
use rasd_store::Store;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

on_both_backends!(
    a_worker_gives_what_one_ingest_gives,
    failing_inputs_are_retried_then_quarantined,
);

/// The corpus as 6 JSON files of 6 reports each, and one that is no JSON.
fn files(dir: &std::path::Path) -> Vec<PathBuf> {
    let recs = reports();
    let mut out = Vec::new();
    for (i, chunk) in recs.chunks(6).enumerate() {
        let p = dir.join(format!("part{i}.json"));
        std::fs::write(&p, serde_json::to_vec(chunk).unwrap()).unwrap();
        out.push(p);
    }
    out
}

fn worker(name: &str, lease_secs: u64) -> WorkerOptions {
    WorkerOptions {
        name: name.to_string(),
        lease_secs,
        // The stages run after inputs 2, 4 and 6: the places where they
        // run, and the inputs that wait for them, are tested.
        derive_every: 2,
        retry_secs: 0,
        until_empty: true,
        poll: Duration::from_millis(50),
        ..WorkerOptions::default()
    }
}

/// Entities, events and stories by what they are (names, article keys),
/// ids left out.
fn contents(store: &dyn Store) -> Vec<String> {
    let mut key = std::collections::HashMap::new();
    store
        .articles(&rasd_store::ArticleQuery::default(), &mut |a| {
            key.insert(a.id, a.key);
            true
        })
        .unwrap();
    let keys = |ids: &[i64]| {
        let mut v: Vec<&str> = ids.iter().map(|i| key[i].as_str()).collect();
        v.sort();
        v.join(",")
    };
    let mut out = Vec::new();
    store
        .entities(&mut |e| {
            out.push(format!(
                "E {} {} {} [{}]",
                e.etype,
                e.name,
                e.mentions,
                keys(&e.articles)
            ));
            true
        })
        .unwrap();
    store
        .events(&mut |e| {
            let n = |a: &Option<rasd_store::EventActor>| a.as_ref().map(|a| a.name.clone());
            out.push(format!(
                "V {} {:?} {:?} {:?} [{}]",
                e.etype,
                e.date,
                n(&e.source),
                n(&e.target),
                keys(&e.articles)
            ));
            true
        })
        .unwrap();
    store
        .stories(&mut |s| {
            out.push(format!("S {} [{}]", s.label, keys(&s.articles)));
            true
        })
        .unwrap();
    out.sort();
    out
}

fn a_worker_gives_what_one_ingest_gives(open: Open) {
    let dir = tempfile::tempdir().unwrap();
    let paths = files(dir.path());
    let mut one = open("one");
    ingest(&mut *one, &paths, &IngestOptions::default(), &Silent).unwrap();
    let mut queued = open("queued");
    let e = enqueue(&mut *queued, &paths, u64::MAX).unwrap();
    assert_eq!((e.inputs, e.queued), (6, 6));
    // The same bytes again are not queued twice.
    let again = enqueue(&mut *queued, &paths[..2], u64::MAX).unwrap();
    assert_eq!((again.queued, again.already_queued), (0, 2));
    let stop = AtomicBool::new(false);
    let s = run_worker(
        &mut *queued,
        &IngestOptions::default(),
        &worker("w", 600),
        &stop,
    )
    .unwrap();
    assert_eq!((s.claimed, s.done, s.failed), (6, 6, 0), "{s:?}");
    assert_eq!(s.articles_new, 36);
    assert_eq!(s.queue.done, 6);
    let (a, b) = (contents(&*one), contents(&*queued));
    assert!(a.len() > 40, "{} lines", a.len());
    assert_eq!(first_difference(&a, &b), None, "one ingest vs the queue");
}

fn failing_inputs_are_retried_then_quarantined(open: Open) {
    let mut s = open("quarantine");
    let raw = rasd_store::compress(b"x");
    assert!(s.enqueue("bad.json", "aa", 1, &raw).unwrap());
    assert!(s.enqueue("later.json", "bb", 1, &raw).unwrap());
    // Input 2's turn comes only once input 1 is written or has failed.
    let claimed = s.claim_work("w1", 1, 600, 2).unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!(
        (claimed[0].name.as_str(), claimed[0].attempts),
        ("bad.json", 1)
    );
    let second = s.claim_work("w2", 5, 600, 2).unwrap();
    assert_eq!(second.len(), 1, "a claimed input is not claimed again");
    assert!(!s.work_turn(second[0].id).unwrap());
    assert!(!s.fail_work(claimed[0].id, "broken", 0, 2).unwrap());
    assert!(s.work_turn(second[0].id).unwrap());
    s.finish_work(&[second[0].id]).unwrap();
    let retry = s.claim_work("w1", 5, 600, 2).unwrap();
    assert_eq!(retry.len(), 1);
    assert_eq!(retry[0].attempts, 2);
    assert!(s.fail_work(retry[0].id, "broken again", 0, 2).unwrap());
    assert!(s.claim_work("w1", 5, 600, 2).unwrap().is_empty());
    let q = s.queue_counts().unwrap();
    assert_eq!((q.pending, q.running, q.done, q.quarantined), (0, 0, 1, 1));
    let problems = s.problems(10).unwrap();
    assert!(
        problems
            .iter()
            .any(|p| p.path == "bad.json" && p.reason.contains("broken again")),
        "{problems:?}"
    );
    // An input whose worker died (its lease ran out) is taken over, and
    // quarantined once it has outlived its workers `max_attempts` times.
    assert!(s.enqueue("poison.json", "cc", 1, &raw).unwrap());
    let first = s.claim_work("dies", 1, 1, 2).unwrap();
    assert_eq!(first.len(), 1);
    std::thread::sleep(Duration::from_millis(2100));
    let taken = s.claim_work("dies-too", 1, 1, 2).unwrap();
    assert_eq!((taken.len(), taken[0].attempts), (1, 2));
    std::thread::sleep(Duration::from_millis(2100));
    assert!(s.claim_work("w", 1, 1, 2).unwrap().is_empty());
    assert_eq!(s.queue_counts().unwrap().quarantined, 2);
}

/// The first difference of two sorted listings (assert messages stay short).
fn first_difference(a: &[String], b: &[String]) -> Option<String> {
    let i = a.iter().zip(b).position(|(x, y)| x != y);
    match i {
        Some(i) => Some(format!("#{i}: {} | {}", a[i], b[i])),
        None if a.len() != b.len() => Some(format!("{} vs {} lines", a.len(), b.len())),
        None => None,
    }
}

/// Runs `n` workers at once, each on its own connection to `url`.
fn workers(url: &str, n: usize, lease_secs: u64) -> Vec<rasd_pipeline::work::WorkerSummary> {
    let stop = AtomicBool::new(false);
    std::thread::scope(|sc| {
        let hs: Vec<_> = (0..n)
            .map(|i| {
                let stop = &stop;
                sc.spawn(move || {
                    let mut s = rasd_store::PgStore::open(url).unwrap();
                    let w = worker(&format!("w{i}"), lease_secs);
                    run_worker(&mut s, &IngestOptions::default(), &w, stop).unwrap()
                })
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

#[test]
fn postgres_workers_at_once_and_one_that_dies() {
    let Some(db) = rasd_store::testing::TestDb::new("work_concurrent") else {
        eprintln!("skip: RASD_TEST_PG is not set (no PostgreSQL server to test on)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let paths = files(dir.path());
    let mut lite = rasd_store::SqliteStore::open_in_memory().unwrap();
    ingest(&mut lite, &paths, &IngestOptions::default(), &Silent).unwrap();
    // Three workers at once write in queue order: what one ingest gives.
    let mut pg = db.open();
    enqueue(&mut pg, &paths, u64::MAX).unwrap();
    let sums = workers(&db.url, 3, 600);
    assert_eq!(sums.iter().map(|s| s.done).sum::<u64>(), 6, "{sums:?}");
    assert_eq!(sums.iter().map(|s| s.articles_new).sum::<u64>(), 36);
    let (a, b) = (contents(&lite), contents(&pg));
    assert!(a.len() > 40);
    assert_eq!(
        first_difference(&a, &b),
        None,
        "one ingest vs three workers"
    );

    // A worker that claims the first input and dies holding it: its input
    // is taken over when the lease runs out, and every article is stored
    // once (written out of turn, so the stores may number them apart).
    let db2 = rasd_store::testing::TestDb::new("work_dead").unwrap();
    let mut pg = db2.open();
    enqueue(&mut pg, &paths, u64::MAX).unwrap();
    let held = pg.claim_work("dead", 1, 2, 3).unwrap();
    assert_eq!(held.len(), 1);
    let sums = workers(&db2.url, 2, 600);
    assert_eq!(sums.iter().map(|s| s.done).sum::<u64>(), 6, "{sums:?}");
    assert_eq!(sums.iter().map(|s| s.articles_new).sum::<u64>(), 36);
    assert_eq!(pg.stats().unwrap().articles, 36);
    let q = pg.queue_counts().unwrap();
    assert_eq!((q.done, q.pending, q.running), (6, 0, 0));
    let (a, b) = (contents(&lite), contents(&pg));
    let names = |v: &[String]| -> Vec<String> {
        v.iter().filter(|l| l.starts_with("E ")).cloned().collect()
    };
    assert_eq!(first_difference(&names(&a), &names(&b)), None);
}
