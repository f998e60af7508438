//! `rasd feeds` against an RSS feed served on 127.0.0.1 here (invented
//! Arabic pages).

use serde_json::Value;

mod common;
use common::rasd;

#[path = "../../feeds/tests/server/mod.rs"]
mod server;
use server::{html, Route, Server};

fn lines(out: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn feeds_add_poll_list_remove() {
    let s = Server::start();
    s.set(
        "/news/1.html",
        html("<!DOCTYPE html><html lang=\"ar\"><head><meta charset=\"utf-8\"><title>افتتاح سوق شعبي جديد</title></head>\
              <body><article><h1>افتتاح سوق شعبي جديد</h1>\
              <p>افتتح المجلس المحلي سوقا شعبيا جديدا في ساحة البلدة يضم عشرات المحلات الصغيرة للخضار والفواكه.</p>\
              <p>وقال رئيس المجلس إن السوق سيفتح أبوابه كل يوم من الصباح حتى المساء.</p></article></body></html>"),
    );
    s.set("/news/2.html", Route::Status(404));
    let feed = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>صوت البلدة</title>\
         <item><title>افتتاح سوق شعبي جديد</title><link>{0}/news/1.html</link><guid>n1</guid>\
         <pubDate>Wed, 13 Mar 2024 08:00:00 GMT</pubDate></item>\
         <item><title>انقطاع المياه عن حيين</title><link>{0}/news/2.html</link><guid>n2</guid>\
         <description>تنقطع المياه غدا عن حيين في شمال البلدة بسبب أعمال صيانة في الشبكة.</description></item>\
         </channel></rss>",
        s.base
    );
    s.set(
        "/rss",
        Route::Ok {
            content_type: "application/rss+xml".into(),
            body: feed.into_bytes(),
            etag: Some("\"abc\"".into()),
            last_modified: Some("Wed, 13 Mar 2024 09:00:00 GMT".into()),
        },
    );
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let url = s.url("/rss");
    let o = rasd(&db, &["feeds", "add", &url, "--interval", "600"]);
    assert!(o.status.success(), "{o:?}");
    assert!(String::from_utf8_lossy(&o.stdout).contains("added feed 1"));
    let o = rasd(&db, &["feeds", "add", &url]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("already added"));
    assert!(!rasd(&db, &["feeds", "add", "ftp://x"]).status.success());

    let poll = [
        "feeds",
        "poll",
        "--json",
        "--host-delay",
        "0",
        "--no-entities",
    ];
    let o = rasd(&db, &poll);
    assert!(o.status.success(), "{o:?}");
    let rep: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(rep["feeds_polled"], 1);
    assert_eq!(rep["articles_new"], 2, "{rep}");
    assert_eq!(rep["feeds"][0]["pages"], 1);
    assert_eq!(rep["feeds"][0]["entries"], 1);
    assert!(rep["feeds"][0]["item_failures"][0]["reason"]
        .as_str()
        .unwrap()
        .contains("404"));

    let arts = lines(&rasd(&db, &["articles", "--json"]).stdout);
    let page = arts
        .iter()
        .find(|a| a["title"] == "افتتاح سوق شعبي جديد")
        .unwrap();
    assert_eq!(page["url"], s.url("/news/1.html"));
    assert_eq!(page["published"], "2024-03-13T08:00:00Z");
    assert_eq!(page["source_label"], "صوت البلدة");
    let entry = arts
        .iter()
        .find(|a| a["title"] == "انقطاع المياه عن حيين")
        .unwrap();
    assert!(entry["body"].as_str().unwrap().contains("أعمال صيانة"));
    assert!(entry["input"]["path"].as_str().unwrap().ends_with("#entry"));

    let list = lines(&rasd(&db, &["feeds", "list", "--json"]).stdout);
    assert_eq!(list.len(), 1);
    let f = &list[0];
    assert_eq!(f["id"], 1);
    assert_eq!(f["title"], "صوت البلدة");
    assert_eq!(f["interval"], 600);
    assert_eq!(f["last_status"], "ok");
    assert_eq!(f["etag"], "\"abc\"");
    assert_eq!(f["last_modified"], "Wed, 13 Mar 2024 09:00:00 GMT");
    assert_eq!(f["consecutive_failures"], 0);
    assert_eq!(f["items_seen"], 2);
    assert!(f["next_poll"].is_string() && f["last_success"].is_string());
    let text = String::from_utf8_lossy(&rasd(&db, &["feeds", "list"]).stdout).to_string();
    assert!(text.contains("items seen 2"), "{text}");

    let o = rasd(&db, &["problems"]);
    let problems = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(
        problems.contains("/news/2.html") && problems.contains("404"),
        "{problems}"
    );

    // Not due: nothing polled. Forced: a conditional request, 304.
    s.clear_log();
    let rep: Value = serde_json::from_slice(&rasd(&db, &poll).stdout).unwrap();
    assert_eq!(rep["feeds_polled"], 0);
    let mut forced = poll.to_vec();
    forced.push("--force");
    let o = rasd(&db, &forced);
    assert!(o.status.success());
    let rep: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(rep["feeds"][0]["status"], "not_modified");
    assert_eq!(rep["articles_new"], 0);
    let feed_req = s.requests().into_iter().find(|r| r.path == "/rss").unwrap();
    assert_eq!(feed_req.headers["if-none-match"], "\"abc\"");
    assert_eq!(s.hits("/news/2.html"), 1, "the failed page is retried");
    assert_eq!(s.hits("/news/1.html"), 0);

    let o = rasd(&db, &["feeds", "remove", &url]);
    assert!(o.status.success(), "{o:?}");
    assert!(lines(&rasd(&db, &["feeds", "list", "--json"]).stdout).is_empty());
    assert!(!rasd(&db, &["feeds", "remove", "7"]).status.success());
}
