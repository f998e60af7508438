//! A run killed after its articles were stored and before the stages that
//! read across them (knowledge base, near-duplicates, events, stories)
//! leaves them behind; the next `ingest` of the same inputs (all
//! unchanged) or a `process` finishes them, and the store is then what
//! one uninterrupted ingest gives. On each store backend.

mod common;

use common::{reports, Open};
use rasd_pipeline::{ingest_documents, process, stages_behind, IngestOptions, Silent};
use rasd_store::Store;

on_both_backends!(
    an_unchanged_reingest_finishes_the_stages_a_kill_left_behind,
    process_finishes_the_stages_a_kill_left_behind,
);

fn doc() -> Vec<(String, Vec<u8>)> {
    vec![(
        "reports.json".to_string(),
        serde_json::to_vec(&reports()).unwrap(),
    )]
}

/// Entities (type, name, mentions), events (type and articles), stories
/// (articles) and duplicate pairs, in a comparable form.
fn derived(store: &dyn Store) -> (Vec<String>, Vec<String>, Vec<Vec<i64>>, usize) {
    let mut ents = Vec::new();
    store
        .entities(&mut |e| {
            ents.push(format!("{} {} {}", e.etype, e.name, e.mentions));
            true
        })
        .unwrap();
    let mut events = Vec::new();
    store
        .events(&mut |e| {
            events.push(format!("{} {:?}", e.etype, e.articles));
            true
        })
        .unwrap();
    let mut stories = Vec::new();
    store
        .stories(&mut |s| {
            stories.push(s.articles.clone());
            true
        })
        .unwrap();
    ents.sort();
    events.sort();
    stories.sort();
    (
        ents,
        events,
        stories,
        store.duplicate_pairs().unwrap().len(),
    )
}

/// One uninterrupted ingest, and a store whose ingest stopped after the
/// articles were stored (the stages not run, as after a kill).
fn reference_and_killed(open: Open) -> (Box<dyn Store>, Box<dyn Store>) {
    let mut one = open("one");
    ingest_documents(&mut *one, doc(), &IngestOptions::default(), &Silent).unwrap();
    assert!(!stages_behind(&*one, true).unwrap());
    let mut killed = open("killed");
    let opts = IngestOptions {
        derive: false,
        ..Default::default()
    };
    let sum = ingest_documents(&mut *killed, doc(), &opts, &Silent).unwrap();
    assert_eq!(sum.articles_new as usize, reports().len());
    assert!(stages_behind(&*killed, true).unwrap());
    let (ents, events, stories, _) = derived(&*killed);
    assert!(ents.is_empty() && events.is_empty() && stories.is_empty());
    (one, killed)
}

fn an_unchanged_reingest_finishes_the_stages_a_kill_left_behind(open: Open) {
    let (one, mut killed) = reference_and_killed(open);
    let sum = ingest_documents(&mut *killed, doc(), &IngestOptions::default(), &Silent).unwrap();
    assert_eq!((sum.inputs_unchanged, sum.articles_new), (1, 0));
    assert!(
        sum.knowledge_base.is_some() && sum.stories.is_some(),
        "{sum:?}"
    );
    assert!(!stages_behind(&*killed, true).unwrap());
    let want = derived(&*one);
    assert!(!want.0.is_empty() && !want.1.is_empty() && !want.2.is_empty());
    assert_eq!(derived(&*killed), want);
    // And a further unchanged run finds nothing to do.
    let again = ingest_documents(&mut *killed, doc(), &IngestOptions::default(), &Silent).unwrap();
    assert!(
        again.knowledge_base.is_none() && again.stories.is_none(),
        "{again:?}"
    );
}

fn process_finishes_the_stages_a_kill_left_behind(open: Open) {
    let (one, mut killed) = reference_and_killed(open);
    let sum = process(&mut *killed, rasd_time::Prefer::Past, false, &Silent).unwrap();
    assert!(
        sum.knowledge_base.is_some() && sum.events.is_some(),
        "{sum:?}"
    );
    assert!(!stages_behind(&*killed, true).unwrap());
    assert_eq!(derived(&*killed), derived(&*one));
}
