//! The incremental pipeline: ingesting articles in several batches gives the
//! knowledge base a one-batch ingest gives (same entities, mentions and
//! articles), and the ids present after a batch still lead to an entity
//! after later batches; on each store backend. Articles are generated from
//! sentences of our own writing (`common`).

mod common;

use common::{reports, Open};
use rasd_pipeline::{ingest_documents, IngestOptions, Silent};
use rasd_store::Store;
use std::collections::BTreeMap;

on_both_backends!(
    batches_give_the_knowledge_base_of_one_ingest_and_ids_stay,
    articles_annotated_again_rebuild_the_knowledge_base,
    batches_give_the_events_of_one_ingest_and_event_ids_stay,
    batches_give_the_stories_of_one_ingest_and_story_ids_stay,
);

fn ingest(store: &mut dyn Store, name: &str, recs: &[serde_json::Value]) -> rasd_pipeline::Summary {
    let doc = serde_json::to_vec(recs).unwrap();
    let sum = ingest_documents(
        store,
        vec![(name.to_string(), doc)],
        &IngestOptions::default(),
        &Silent,
    )
    .unwrap();
    assert_eq!(sum.articles_new as usize, recs.len(), "{name}");
    sum
}

/// Entities by (type, name): mentions and articles.
fn entities(store: &dyn Store) -> BTreeMap<(String, String), (u32, Vec<i64>)> {
    let mut out = BTreeMap::new();
    store
        .entities(&mut |e| {
            out.insert(
                (e.etype.clone(), e.name.clone()),
                (e.mentions, e.articles.clone()),
            );
            true
        })
        .unwrap();
    out
}

fn batches_give_the_knowledge_base_of_one_ingest_and_ids_stay(open: Open) {
    let recs = reports();
    let mut one = open("one");
    ingest(&mut *one, "all.json", &recs);
    let mut many = open("many");
    let mut seen: Vec<(i64, String)> = Vec::new();
    for (k, chunk) in recs.chunks(9).enumerate() {
        let sum = ingest(&mut *many, &format!("batch{k}.json"), chunk);
        let kb = sum.knowledge_base.expect("knowledge base updated");
        assert_eq!(kb.incremental, k > 0, "batch {k}: {kb:?}");
        assert_eq!(kb.articles as usize, chunk.len(), "batch {k}: {kb:?}");
        // Every id handed out so far still leads to an entity.
        for (id, name) in &seen {
            let e = many
                .entity(*id)
                .unwrap()
                .unwrap_or_else(|| panic!("entity {id} ({name}) gone after batch {k}"));
            assert!(
                e.id == *id || many.entity_redirect(*id).unwrap() == Some(e.id),
                "{id} ({name}) → {} ({})",
                e.id,
                e.name
            );
        }
        many.entities(&mut |e| {
            if !seen.iter().any(|(id, _)| *id == e.id) {
                seen.push((e.id, e.name.clone()));
            }
            true
        })
        .unwrap();
        // The kept state says which articles it has read.
        let st = many.kb_state().unwrap().expect("state kept");
        assert!(st.last_article > 0);
    }
    let (a, b) = (entities(&*one), entities(&*many));
    assert!(a.len() >= 10, "too few entities to compare: {a:?}");
    assert_eq!(a, b, "one ingest vs batches");
}

fn articles_annotated_again_rebuild_the_knowledge_base(open: Open) {
    let recs = reports();
    let mut s = open("s");
    ingest(&mut *s, "a.json", &recs[..12]);
    let before = entities(&*s);
    // `process --force` annotates every article again: the kept state no
    // longer matches the links, and the knowledge base is rebuilt whole
    // rather than counted twice.
    let sum = rasd_pipeline::process(&mut *s, rasd_time::Prefer::Past, true, &Silent).unwrap();
    assert!(sum.entity_articles >= 12);
    assert_eq!(entities(&*s), before);
    ingest(&mut *s, "b.json", &recs[12..]);
    let mut one = open("one");
    ingest(&mut *one, "all.json", &recs);
    assert_eq!(entities(&*s), entities(&*one));
}

/// Events by what they are (type, actors by name, date, place) with their
/// articles: ids left out.
fn events(store: &dyn Store) -> Vec<String> {
    let mut out = Vec::new();
    store
        .events(&mut |e| {
            let name = |a: &Option<rasd_store::EventActor>| {
                a.as_ref().map(|a| a.name.clone()).unwrap_or_default()
            };
            let mut arts = e.articles.clone();
            arts.sort();
            out.push(format!(
                "{} {} {}→{} {:?} {:?} {:?} n={} src={}",
                e.etype,
                e.date.clone().unwrap_or_default(),
                name(&e.source),
                name(&e.target),
                e.place.as_ref().map(|p| p.name.clone()),
                (e.negated, e.intent),
                arts,
                e.mentions.len(),
                e.num_sources
            ));
            true
        })
        .unwrap();
    out.sort();
    out
}

fn batches_give_the_events_of_one_ingest_and_event_ids_stay(open: Open) {
    let recs = reports();
    let mut one = open("one");
    ingest(&mut *one, "all.json", &recs);
    let mut many = open("many");
    let mut seen: Vec<(i64, String, Vec<i64>)> = Vec::new();
    for (k, chunk) in recs.chunks(7).enumerate() {
        let sum = ingest(&mut *many, &format!("batch{k}.json"), chunk);
        let ev = sum.events.expect("events updated");
        assert_eq!(ev.incremental, k > 0, "batch {k}: {ev:?}");
        // An event id handed out earlier names the same event (or the one
        // it was merged into), whose articles include the earlier ones.
        let mut now = std::collections::HashMap::new();
        many.events(&mut |e| {
            now.insert(e.id, e);
            true
        })
        .unwrap();
        for (id, etype, arts) in &seen {
            let to = many.event_redirect(*id).unwrap().unwrap_or(*id);
            let e = now
                .get(&to)
                .unwrap_or_else(|| panic!("event {id} gone after batch {k}"));
            assert_eq!(&e.etype, etype);
            assert!(
                arts.iter().all(|a| e.articles.contains(a)),
                "{id}: {arts:?} ⊄ {:?}",
                e.articles
            );
        }
        for e in now.values() {
            if !seen.iter().any(|(id, _, _)| *id == e.id) {
                seen.push((e.id, e.etype.clone(), e.articles.clone()));
            }
        }
    }
    let (a, b) = (events(&*one), events(&*many));
    assert!(a.len() >= 20, "too few events to compare: {a:?}");
    assert_eq!(a, b, "one ingest vs batches");
}

/// Stories as sets of articles with their headline and sources: ids left
/// out.
fn stories(store: &dyn Store) -> Vec<String> {
    let mut out = Vec::new();
    store
        .stories(&mut |s| {
            out.push(format!(
                "{:?} {} {:?} events={}",
                s.articles,
                s.label,
                s.sources,
                s.events.len()
            ));
            true
        })
        .unwrap();
    out.sort();
    out
}

fn batches_give_the_stories_of_one_ingest_and_story_ids_stay(open: Open) {
    let recs = reports();
    let mut one = open("one");
    ingest(&mut *one, "all.json", &recs);
    let mut many = open("many");
    let mut story_of: Vec<(i64, i64)> = Vec::new();
    for (k, chunk) in recs.chunks(5).enumerate() {
        let sum = ingest(&mut *many, &format!("batch{k}.json"), chunk);
        let st = sum.stories.expect("stories updated");
        assert_eq!(st.incremental, k > 0, "batch {k}: {st:?}");
        // An article stays in the story it joined, under the same id.
        for (a, s) in &story_of {
            assert_eq!(
                many.story_of(*a).unwrap().map(|x| x.0),
                Some(*s),
                "article {a}"
            );
        }
        story_of.clear();
        many.stories(&mut |s| {
            for a in &s.articles {
                story_of.push((*a, s.id));
            }
            true
        })
        .unwrap();
    }
    let (a, b) = (stories(&*one), stories(&*many));
    assert!(a.len() >= 2, "too few stories to compare: {a:?}");
    assert!(
        b.iter().all(|s| !s.contains("[]")),
        "a story without sources: {b:?}"
    );
    assert_eq!(a, b, "one ingest vs batches");
}
