//! The pipeline indexes new articles at ingest and old ones at `process`.

use rasd_search::{search_text, SEARCH_VERSION};
use rasd_store::{SqliteStore, Stage, Store};
use std::path::PathBuf;

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/corpus")
}

#[test]
fn ingest_and_process_index_articles() {
    let mut s = SqliteStore::open_in_memory().unwrap();
    let opts = rasd_pipeline::IngestOptions {
        entities: false,
        ..Default::default()
    };
    let sum = rasd_pipeline::ingest(&mut s, &[corpus()], &opts, &rasd_pipeline::Silent).unwrap();
    let idx = sum.search.expect("new articles are indexed");
    assert_eq!(idx.articles, sum.articles_new);
    assert!(idx.words > 100);
    assert!(s
        .articles_needing(Stage::Search, SEARCH_VERSION, 0, 1000)
        .unwrap()
        .is_empty());
    // وزير النقل ... الميناء / ميناء
    let p = search_text(&s, "الميناء", 10, 0).unwrap();
    assert!(!p.hits.is_empty());
    let first = p.hits[0].article_id;
    let text = s.article_text(first).unwrap().unwrap();
    for sn in &p.hits[0].snippets {
        for &(a, b) in &sn.highlights {
            let field = match sn.field {
                rasd_doc::Field::Title => text.title.as_deref().unwrap(),
                _ => &text.body,
            };
            assert!(rasd_text::fold(&field[a..b], &rasd_text::Folds::SEARCH).contains("ميناء"));
        }
    }
    // Nothing to do for process; --force indexes everything again.
    let ps = rasd_pipeline::process(
        &mut s,
        rasd_time::Prefer::Past,
        false,
        &rasd_pipeline::Silent,
    )
    .unwrap();
    assert_eq!(ps.search.unwrap().articles, 0);
    let ps = rasd_pipeline::process(
        &mut s,
        rasd_time::Prefer::Past,
        true,
        &rasd_pipeline::Silent,
    )
    .unwrap();
    assert_eq!(ps.search.unwrap().articles, sum.articles_new);
    let again = search_text(&s, "الميناء", 10, 0).unwrap();
    assert_eq!(again, p);
}
