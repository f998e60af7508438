//! Ingest writes the articles of a large input in several batches (so that
//! memory stays bounded and the first articles are durable early): the
//! store is then what one write of the whole input gives; an input whose
//! writing stopped after its first batches (a kill) is finished by the next
//! run; an over-long article is split into parts, with a warning kept for
//! `rasd problems`. On each store backend.

mod common;

use common::{reports, Open};
use rasd_doc::ArticleKind;
use rasd_ingest::{parse_document, Options};
use rasd_pipeline::{
    ingest_documents, ingest_documents_in_turn, stages_behind, IngestOptions, Silent,
};
use rasd_store::{ArticleQuery, InputBatch, Store};

on_both_backends!(
    an_input_written_in_batches_gives_what_one_write_gives,
    an_input_stopped_after_its_first_batch_is_finished_by_the_next_run,
    over_long_articles_are_split_into_parts_with_a_warning,
);

/// Over 600 kB of JSON records (several batches): the reports of our own writing, each
/// repeated with its paragraphs several times under its own URL.
fn big_input() -> Vec<(String, Vec<u8>)> {
    let mut records = Vec::new();
    for round in 0..7 {
        for (i, r) in reports().into_iter().enumerate() {
            let mut r = r;
            let body = r["content"].as_str().unwrap().to_string();
            r["content"] = format!(
                "{body}\n{}",
                body.replace("رقم", "عدد").repeat(1 + (i + round) % 5)
            )
            .into();
            r["url"] = format!("https://news.example/{round}/{i}").into();
            records.push(r);
        }
    }
    let bytes = serde_json::to_vec(&records).unwrap();
    assert!(bytes.len() > 600_000, "{}", bytes.len());
    vec![("big.json".to_string(), bytes)]
}

/// Every article (key fields and body, in id order), and counts of the
/// derived stages.
fn contents(store: &dyn Store) -> (Vec<String>, usize, usize, usize) {
    let mut arts = Vec::new();
    store
        .articles(&ArticleQuery::default(), &mut |a| {
            arts.push(format!(
                "{} {} {:?} {:?} {}",
                a.id,
                a.article.kind.as_str(),
                a.appended_to,
                a.article.url,
                a.article.body
            ));
            true
        })
        .unwrap();
    let (mut ents, mut events, mut stories) = (0, 0, 0);
    store
        .entities(&mut |_| {
            ents += 1;
            true
        })
        .unwrap();
    store
        .events(&mut |_| {
            events += 1;
            true
        })
        .unwrap();
    store
        .stories(&mut |_| {
            stories += 1;
            true
        })
        .unwrap();
    (arts, ents, events, stories)
}

fn an_input_written_in_batches_gives_what_one_write_gives(open: Open) {
    let opts = IngestOptions::default();
    let mut streamed = open("streamed");
    let sum = ingest_documents(&mut *streamed, big_input(), &opts, &Silent).unwrap();
    assert_eq!(sum.inputs_new, 1);
    assert_eq!(sum.articles_new as usize, 7 * reports().len());
    // The worker's path annotates the whole input before one write.
    let mut whole = open("whole");
    ingest_documents_in_turn(&mut *whole, big_input(), &opts, &Silent, &|_| Ok(())).unwrap();
    let want = contents(&*whole);
    assert!(
        want.1 > 0 && want.2 > 0 && want.3 > 0,
        "{:?}",
        (want.1, want.2, want.3)
    );
    assert_eq!(contents(&*streamed), want);
    let again = ingest_documents(&mut *streamed, big_input(), &opts, &Silent).unwrap();
    assert_eq!((again.inputs_unchanged, again.articles_new), (1, 0));
}

fn an_input_stopped_after_its_first_batch_is_finished_by_the_next_run(open: Open) {
    let opts = IngestOptions::default();
    let mut one = open("one");
    ingest_documents(&mut *one, big_input(), &opts, &Silent).unwrap();

    // What a run killed after its first batch left: the input's first
    // pages written, the input not complete, nothing derived.
    let mut killed = open("killed");
    let (name, bytes) = big_input().remove(0);
    let parsed = parse_document(&bytes, &name, &Options::default()).unwrap();
    let first = &parsed.articles[..100];
    let out = killed
        .write_input(&InputBatch {
            path: &name,
            sha256: &sha256_hex(&bytes),
            size: bytes.len() as u64,
            format: parsed.format.as_str(),
            encoding: &parsed.encoding,
            raw_deflated: &rasd_store::compress(&bytes),
            records: parsed.records,
            articles: first,
            more_to_come: true,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(out.new_articles, 100);
    let status = killed.input_status(&sha256_hex(&bytes)).unwrap().unwrap();
    assert!(!status.complete);

    let sum = ingest_documents(&mut *killed, big_input(), &opts, &Silent).unwrap();
    assert_eq!(sum.inputs_new, 1, "an incomplete input is read again");
    assert_eq!(sum.articles_new as usize, 7 * reports().len() - 100);
    assert_eq!(sum.duplicates_skipped, 100);
    assert!(!stages_behind(&*killed, true).unwrap());
    // The articles written before the kill have no annotations (the test
    // wrote none): a `process` run adds them; the store is then the one
    // uninterrupted run's.
    rasd_pipeline::process(&mut *killed, rasd_time::Prefer::Past, false, &Silent).unwrap();
    assert_eq!(contents(&*killed), contents(&*one));
}

fn sha256_hex(b: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(b)
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect()
}

fn over_long_articles_are_split_into_parts_with_a_warning(open: Open) {
    let mut store = open("long");
    let para: String = reports()
        .iter()
        .map(|r| r["content"].as_str().unwrap().to_string())
        .collect::<Vec<_>>()
        .join("\n\n");
    let mut text = String::from("تقرير طويل عن الأحداث\n\n");
    while text.len() < 300_000 {
        text.push_str(&para);
        text.push_str("\n\n");
    }
    let docs = vec![("long.txt".to_string(), text.clone().into_bytes())];
    let opts = IngestOptions::default();
    let sum = ingest_documents(&mut *store, docs.clone(), &opts, &Silent).unwrap();
    assert!(sum.article_parts >= 4, "{sum:?}");
    assert_eq!(sum.warnings.len(), 1, "{sum:?}");
    assert!(sum.warnings[0].reason.contains("split into"));
    let mut parts = Vec::new();
    let mut first = None;
    store
        .articles(&ArticleQuery::default(), &mut |a| {
            assert!(a.article.body.len() <= rasd_ingest::split::MAX_ARTICLE_BYTES);
            match a.article.kind {
                ArticleKind::Part => parts.push(a),
                _ => first = Some(a),
            }
            true
        })
        .unwrap();
    let first = first.expect("the first part");
    assert_eq!(parts.len() as u64, sum.article_parts);
    for p in &parts {
        assert_eq!(p.appended_to, Some(first.id));
        assert_eq!(p.article.title, first.article.title);
        // Each part's body is text of the file, where its alignment says
        // (all of it but the paragraph breaks the scrape writes itself).
        let al = &p.article.body_alignment;
        assert!(al.copied_len() * 100 > p.article.body.len() * 95);
        for s in al.segments() {
            assert!(
                p.article.body.as_bytes()[s.dst..s.dst + s.len]
                    == text.as_bytes()[s.src..s.src + s.len],
                "part {} misaligned at {s:?}",
                p.id
            );
        }
    }
    let problems = store.problems(100).unwrap();
    assert!(
        problems.iter().any(|p| p.path == "long.txt"
            && p.reason.starts_with("warning: ")
            && p.reason.contains("split into")),
        "{problems:?}"
    );
    // The parts have their entities like any article.
    assert!(sum.knowledge_base.is_some_and(|k| k.entities > 0));
    let again = ingest_documents(&mut *store, docs, &opts, &Silent).unwrap();
    assert_eq!((again.inputs_unchanged, again.articles_new), (1, 0));
}
