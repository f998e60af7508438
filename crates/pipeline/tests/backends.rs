//! The two store backends give the same results: a corpus of our own
//! writing (with a near-duplicate, an exact duplicate and a rejected
//! record) ingested into SQLite and into PostgreSQL yields the same
//! articles, duplicate groups, entities, events, stories and search
//! matches, compared by article key (ids left out). Runs when
//! `RASD_TEST_PG` names a PostgreSQL server (`.ci/run` starts one).

mod common;

use rasd_pipeline::{ingest_documents, IngestOptions, Silent};
use rasd_store::{ArticleQuery, Store};
use std::collections::BTreeMap;

fn corpus() -> Vec<serde_json::Value> {
    let mut recs = common::reports();
    // A near-duplicate of report 0 on another site, and an exact copy of
    // report 3 under another URL; a record without text is rejected.
    let mut near = recs[0].clone();
    near["url"] = "https://mirror.example/0".into();
    near["source"] = "mirror".into();
    let body = near["content"].as_str().unwrap().replace("الأحد", "الاثنين");
    near["content"] = body.into();
    let mut exact = recs[3].clone();
    exact["url"] = "https://copy.example/3".into();
    exact["source"] = "copy".into();
    recs.push(near);
    recs.push(exact);
    recs.push(
        serde_json::json!({"url": "https://news.example/empty", "title": "فارغ", "content": ""}),
    );
    recs
}

fn ingest(store: &mut dyn Store, name: &str, recs: &[serde_json::Value]) {
    let doc = serde_json::to_vec(recs).unwrap();
    ingest_documents(
        store,
        vec![(name.to_string(), doc)],
        &IngestOptions::default(),
        &Silent,
    )
    .unwrap();
}

/// Everything a store holds that the two backends must agree on, with
/// article ids replaced by article keys and other ids left out.
fn contents(store: &dyn Store) -> BTreeMap<&'static str, Vec<String>> {
    let mut key = BTreeMap::new();
    let mut articles = Vec::new();
    store
        .articles(&ArticleQuery::default(), &mut |a| {
            key.insert(a.id, a.key.clone());
            articles.push((a.id, a));
            true
        })
        .unwrap();
    let k = |id: &i64| key.get(id).cloned().unwrap_or_else(|| format!("?{id}"));
    let ks = |ids: &[i64]| {
        let mut v: Vec<String> = ids.iter().map(k).collect();
        v.sort();
        v
    };
    let mut out = BTreeMap::new();
    out.insert(
        "articles",
        articles
            .iter()
            .map(|(_, a)| {
                format!(
                    "{} {:?} {:?} {:?} dup_of={:?} appended_to={:?} timexes={:?}",
                    a.key,
                    a.article.title,
                    a.article.body,
                    a.article.published,
                    a.exact_duplicate_of.as_ref().map(k),
                    a.appended_to.as_ref().map(k),
                    store.timexes(a.id).unwrap()
                )
            })
            .collect(),
    );
    let s = store.stats().unwrap();
    out.insert(
        "stats",
        vec![format!(
            "{} {} {} {} {} {:?} {:?}",
            s.inputs,
            s.articles,
            s.exact_duplicates,
            s.rejected_records,
            s.raw_bytes,
            s.sources,
            s.reject_reasons
        )],
    );
    out.insert(
        "problems",
        store
            .problems(100)
            .unwrap()
            .iter()
            .map(|p| format!("{} {:?} {}", p.path, p.record, p.reason))
            .collect(),
    );
    out.insert(
        "duplicates",
        store
            .duplicate_pairs()
            .unwrap()
            .iter()
            .map(|p| format!("{} {} {:.4}", k(&p.a), k(&p.b), p.jaccard))
            .collect(),
    );
    let mut entity_names = BTreeMap::new();
    let mut entities = Vec::new();
    store
        .entities(&mut |e| {
            entity_names.insert(e.id, format!("{}:{}", e.etype, e.name));
            entities.push(format!(
                "{} {} {:?} {:?} {:?} mentions={} articles={:?} variants={:?}",
                e.etype,
                e.name,
                e.name_en,
                e.country,
                e.sector,
                e.mentions,
                ks(&e.articles),
                e.variants
            ));
            true
        })
        .unwrap();
    entities.sort();
    out.insert("entities", entities);
    let mut links = Vec::new();
    store
        .article_entity_counts(&mut |a, e, n| {
            links.push(format!(
                "{} {} {n}",
                k(&a),
                entity_names.get(&e).cloned().unwrap_or_default()
            ));
        })
        .unwrap();
    links.sort();
    out.insert("entity links", links);
    let mut events = Vec::new();
    store
        .events(&mut |e| {
            let name = |a: &Option<rasd_store::EventActor>| a.as_ref().map(|a| a.name.clone());
            events.push(format!(
                "{} {:?} {:?}→{:?} {:?} {:?} articles={:?} mentions={} sources={}",
                e.etype,
                e.date,
                name(&e.source),
                name(&e.target),
                e.place.as_ref().map(|p| p.name.clone()),
                (e.negated, e.intent),
                ks(&e.articles),
                e.mentions.len(),
                e.num_sources
            ));
            true
        })
        .unwrap();
    events.sort();
    out.insert("events", events);
    let mut stories = Vec::new();
    store
        .stories(&mut |s| {
            stories.push(format!(
                "{:?} {} {:?} events={}",
                ks(&s.articles),
                s.label,
                s.sources,
                s.events.len()
            ));
            true
        })
        .unwrap();
    stories.sort();
    out.insert("stories", stories);
    let mut search = Vec::new();
    for q in [
        "السيسي",
        "الأمم المتحدة",
        "\"الدفاع المدني\"",
        "السيول -جنيف",
        "لافروف موسكو",
    ] {
        let query = rasd_search::Query::parse(q).unwrap();
        let page = rasd_search::search(store, &query, &[], 100, 0).unwrap();
        let mut hits: Vec<String> = page.hits.iter().map(|h| k(&h.article_id)).collect();
        hits.sort();
        search.push(format!("{q}: total={} {hits:?}", page.total));
    }
    out.insert("search", search);
    out
}

#[test]
fn sqlite_and_postgres_hold_the_same() {
    let Some(mut pg) = rasd_store::testing::fresh("backends_same") else {
        eprintln!("skip: RASD_TEST_PG is not set (no PostgreSQL server to test on)");
        return;
    };
    let mut lite = rasd_store::SqliteStore::open_in_memory().unwrap();
    let recs = corpus();
    // Two batches, then the first again (nothing new).
    for s in [&mut lite as &mut dyn Store, &mut pg] {
        ingest(s, "a.json", &recs[..20]);
        ingest(s, "b.json", &recs[20..]);
        ingest(s, "a.json", &recs[..20]);
    }
    let (a, b) = (contents(&lite), contents(&pg));
    assert!(a["articles"].len() >= 38, "{:?}", a["articles"].len());
    assert!(!a["duplicates"].is_empty() && a["entities"].len() >= 10 && a["events"].len() >= 20);
    assert!(
        a["search"].iter().all(|s| !s.contains("total=0")),
        "{:?}",
        a["search"]
    );
    for (what, rows) in &a {
        assert_eq!(rows, &b[what], "{what}: SQLite vs PostgreSQL");
    }
    // A full rebuild gives the same on both too.
    rasd_pipeline::rebuild(&mut lite).unwrap();
    rasd_pipeline::rebuild(&mut pg).unwrap();
    let (a, b) = (contents(&lite), contents(&pg));
    for (what, rows) in &a {
        assert_eq!(rows, &b[what], "{what} after rebuild: SQLite vs PostgreSQL");
    }
}
