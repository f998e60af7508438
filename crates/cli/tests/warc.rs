//! `rasd ingest` of a WARC file built here (invented Arabic page).

use serde_json::Value;

mod common;
use common::rasd;

#[test]
fn ingests_a_warc_file_and_keeps_the_target_uri() {
    let html = "<!DOCTYPE html><html lang=\"ar\"><head><title>افتتاح حديقة عامة</title></head><body>\
        <article><h1>افتتاح حديقة عامة في الحي الشرقي</h1>\
        <p>أعلنت بلدية المدينة اليوم عن افتتاح حديقة عامة جديدة في الحي الشرقي، تضم ملاعب للأطفال ومسارات للمشي.</p>\
        <p>وقال رئيس البلدية إن الحديقة أنشئت خلال ستة أشهر، وإنها ستفتح أبوابها للزوار طوال أيام الأسبوع.</p>\
        </article></body></html>";
    let http = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\r\n{html}",
        html.len()
    );
    let record = |kind: &str, content: &str| {
        format!(
            "WARC/1.1\r\nWARC-Type: {kind}\r\nWARC-Target-URI: https://news.example/park\r\n\
             WARC-Date: 2024-03-12T09:30:00Z\r\nWARC-Record-ID: <urn:uuid:{kind}>\r\n\
             Content-Length: {}\r\n\r\n{content}\r\n\r\n",
            content.len()
        )
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("crawl.warc");
    std::fs::write(
        &file,
        record("request", "GET /park HTTP/1.1\r\n\r\n") + &record("response", &http),
    )
    .unwrap();
    let db = dir.path().join("t.db");
    let o = rasd(&db, &["ingest", "--json", file.to_str().unwrap()]);
    assert!(o.status.success(), "{o:?}");
    let sum: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(sum["records"], 2);
    assert_eq!(sum["records_rejected"], 1);
    let o = rasd(&db, &["articles", "--json"]);
    let arts: Vec<Value> = String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(arts.len(), 1);
    let a = &arts[0];
    assert_eq!(a["url"], "https://news.example/park");
    assert_eq!(a["crawled"], "2024-03-12T09:30:00Z");
    assert_eq!(a["title"], "افتتاح حديقة عامة في الحي الشرقي");
    assert!(a["input"]["path"]
        .as_str()
        .unwrap()
        .contains("crawl.warc!/@"));
}
