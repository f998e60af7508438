//! Polling feeds served on 127.0.0.1 by a server started here; the feeds
//! and pages are invented Arabic news written for these tests.

mod server;

use rasd_feeds::{poll, Config};
use rasd_store::{ArticleQuery, ItemState, PollStatus, SqliteStore, Store, StoredArticle};
use server::{html, Route, Server};
use std::time::Duration;

fn config() -> Config {
    let mut c = Config::default();
    c.http.host_delay = Duration::ZERO;
    c.http.read_timeout = Duration::from_millis(400);
    c.http.connect_timeout = Duration::from_secs(2);
    c.http.max_body = 64 * 1024;
    c.ingest.entities = false;
    c.ingest.derive = false;
    c
}

fn page(title: &str, para: &str, date: Option<&str>) -> String {
    let meta = date
        .map(|d| format!("<meta property=\"article:published_time\" content=\"{d}\">"))
        .unwrap_or_default();
    format!(
        "<!DOCTYPE html><html lang=\"ar\"><head><meta charset=\"utf-8\"><title>{title}</title>{meta}</head>\
         <body><nav>الرئيسية | أخبار | رياضة</nav><article><h1>{title}</h1>\
         <p>{para}</p><p>وأضاف المسؤول أن العمل سيستمر خلال الأسابيع المقبلة وفق الجدول المعلن، \
         وأن اللجنة ستقدم تقريرا مفصلا إلى المجلس البلدي في نهاية الشهر.</p></article></body></html>"
    )
}

fn rss(server: &Server, items: &[(&str, &str, &str)]) -> String {
    let items: String = items
        .iter()
        .map(|(guid, path, title)| {
            format!(
                "<item><title>{title}</title><link>{}</link><guid isPermaLink=\"false\">{guid}</guid>\
                 <description>ملخص: {title}</description><pubDate>Tue, 12 Mar 2024 09:30:00 GMT</pubDate></item>",
                server.url(path)
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>أخبار المدينة</title>\
         <link>{}</link><description>آخر الأخبار</description>{items}</channel></rss>",
        server.base
    )
}

fn feed_route(body: String, etag: &str) -> Route {
    Route::Ok {
        content_type: "application/rss+xml; charset=utf-8".into(),
        body: body.into_bytes(),
        etag: Some(etag.into()),
        last_modified: Some("Tue, 12 Mar 2024 10:00:00 GMT".into()),
    }
}

fn articles(store: &SqliteStore) -> Vec<StoredArticle> {
    let mut v = Vec::new();
    store
        .articles(&ArticleQuery::default(), &mut |a| {
            v.push(a);
            true
        })
        .unwrap();
    v
}

fn by_title<'a>(arts: &'a [StoredArticle], t: &str) -> &'a StoredArticle {
    arts.iter()
        .find(|a| a.article.title.as_deref() == Some(t))
        .unwrap_or_else(|| {
            panic!(
                "no article titled {t}: {:?}",
                arts.iter().map(|a| &a.article.title).collect::<Vec<_>>()
            )
        })
}

#[test]
fn rss_pages_conditional_requests_and_new_items() {
    let s = Server::start();
    s.set(
        "/a1.html",
        html(&page(
            "افتتاح مكتبة عامة في الحي القديم",
            "افتتحت البلدية صباح اليوم مكتبة عامة جديدة في الحي القديم تضم آلاف الكتب وقاعة للمطالعة.",
            Some("2024-03-10T08:00:00Z"),
        )),
    );
    s.set(
        "/a2.html",
        html(&page(
            "تمديد ساعات عمل الحافلات",
            "قررت هيئة النقل تمديد ساعات عمل الحافلات العامة حتى منتصف الليل طوال أيام الأسبوع.",
            None,
        )),
    );
    s.set(
        "/feed.xml",
        feed_route(
            rss(
                &s,
                &[
                    ("g1", "/a1.html", "افتتاح مكتبة عامة في الحي القديم"),
                    ("g2", "/a2.html", "تمديد ساعات عمل الحافلات"),
                ],
            ),
            "\"v1\"",
        ),
    );
    let mut store = SqliteStore::open_in_memory().unwrap();
    let (f, created) = store
        .add_feed(&s.url("/feed.xml"), 900, jiff::Timestamp::now())
        .unwrap();
    assert!(created);
    let cfg = config();

    // First poll: the feed is due at once; both pages are ingested.
    let rep = poll(&mut store, &cfg, false).unwrap();
    assert_eq!(rep.feeds_polled, 1);
    let fr = &rep.feeds[0];
    assert_eq!(
        (fr.status, fr.items, fr.items_new, fr.pages),
        ("ok", 2, 2, 2)
    );
    assert!(fr.item_failures.is_empty(), "{:?}", fr.item_failures);
    let arts = articles(&store);
    assert_eq!(arts.len(), 2, "{arts:?}");
    let a1 = by_title(&arts, "افتتاح مكتبة عامة في الحي القديم");
    assert_eq!(a1.article.url.as_deref(), Some(s.url("/a1.html").as_str()));
    assert!(a1.article.body.contains("مكتبة عامة جديدة"));
    assert_eq!(a1.article.source_label.as_deref(), Some("أخبار المدينة"));
    // The page's own date wins; the item's fills in a page without one.
    assert_eq!(
        a1.article.published.unwrap().to_string(),
        "2024-03-10T08:00:00Z"
    );
    let a2 = by_title(&arts, "تمديد ساعات عمل الحافلات");
    assert_eq!(
        a2.article.published.unwrap().to_string(),
        "2024-03-12T09:30:00Z"
    );
    assert!(a2.input_path.starts_with(&s.url("/feed.xml")));
    assert!(a2.input_path.ends_with("/a2.html"));
    let feeds = store.feeds().unwrap();
    assert_eq!(feeds[0].etag.as_deref(), Some("\"v1\""));
    assert_eq!(feeds[0].items_seen, 2);
    assert_eq!(feeds[0].title.as_deref(), Some("أخبار المدينة"));
    assert!(feeds[0].next_poll > jiff::Timestamp::now());
    let ua = &s.requests()[0].headers["user-agent"];
    assert!(ua.starts_with("rasd/"), "{ua}");

    // Not due yet: nothing is requested.
    s.clear_log();
    let rep = poll(&mut store, &cfg, false).unwrap();
    assert_eq!(rep.feeds_polled, 0);
    assert!(s.requests().is_empty());

    // Second poll: conditional, 304, nothing new.
    let rep = poll(&mut store, &cfg, true).unwrap();
    assert_eq!(rep.feeds[0].status, "not_modified");
    let reqs = s.requests();
    assert_eq!(reqs.len(), 1, "only the feed: {reqs:?}");
    assert_eq!(reqs[0].headers["if-none-match"], "\"v1\"");
    assert_eq!(
        reqs[0].headers["if-modified-since"],
        "Tue, 12 Mar 2024 10:00:00 GMT"
    );
    assert_eq!(articles(&store).len(), 2);
    let feeds = store.feeds().unwrap();
    assert_eq!(feeds[0].last_status, Some(PollStatus::NotModified));
    assert_eq!(feeds[0].etag.as_deref(), Some("\"v1\""), "kept on 304");

    // A new item: only its page is fetched.
    s.set(
        "/a3.html",
        html(&page(
            "حملة لتشجير الشوارع الرئيسية",
            "أطلقت جمعية أهلية حملة لزراعة ألف شجرة على جانبي الشوارع الرئيسية بمشاركة طلاب المدارس.",
            None,
        )),
    );
    s.set(
        "/feed.xml",
        feed_route(
            rss(
                &s,
                &[
                    ("g3", "/a3.html", "حملة لتشجير الشوارع الرئيسية"),
                    ("g1", "/a1.html", "افتتاح مكتبة عامة في الحي القديم"),
                    ("g2", "/a2.html", "تمديد ساعات عمل الحافلات"),
                ],
            ),
            "\"v2\"",
        ),
    );
    s.clear_log();
    let rep = poll(&mut store, &cfg, true).unwrap();
    assert_eq!((rep.feeds[0].items_new, rep.feeds[0].pages), (1, 1));
    let paths: Vec<String> = s.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(paths, ["/feed.xml", "/a3.html"]);
    let arts = articles(&store);
    assert_eq!(arts.len(), 3);
    by_title(&arts, "حملة لتشجير الشوارع الرئيسية");
    assert_eq!(store.feeds().unwrap()[0].etag.as_deref(), Some("\"v2\""));
    assert_eq!(store.feeds().unwrap()[0].items_seen, 3);
    assert!(store.remove_feed(f.id).unwrap());
    assert!(store.feeds().unwrap().is_empty());
}

#[test]
fn atom_item_failures_are_recorded_and_retried() {
    let s = Server::start();
    let ok_1256 = page(
        "وصول قافلة مساعدات إلى القرى الجبلية",
        "وصلت قافلة محملة بالمواد الغذائية والبطانيات إلى القرى الجبلية بعد أيام من تساقط الثلوج.",
        None,
    )
    .replace("<meta charset=\"utf-8\">", "");
    let (bytes_1256, _, bad) = encoding_rs::WINDOWS_1256.encode(&ok_1256);
    assert!(!bad);
    s.set(
        "/win.html",
        Route::Ok {
            content_type: "text/html; charset=windows-1256".into(),
            body: bytes_1256.to_vec(),
            etag: None,
            last_modified: None,
        },
    );
    // The same bytes declared UTF-8: undecodable as declared.
    s.set(
        "/wrong.html",
        Route::Ok {
            content_type: "text/html; charset=utf-8".into(),
            body: bytes_1256.to_vec(),
            etag: None,
            last_modified: None,
        },
    );
    s.set("/gone.html", Route::Status(404));
    s.set("/slow.html", Route::Sleep(Duration::from_millis(1500)));
    let big = page(
        "صفحة طويلة جدا",
        &"نص مكرر لملء الصفحة. ".repeat(5000),
        None,
    );
    s.set("/big.html", html(&big));
    let entry = |id: &str, path: &str, title: &str| {
        format!(
            "<entry><id>urn:test:{id}</id><title>{title}</title><link rel=\"alternate\" href=\"{}\"/>\
             <updated>2024-03-11T07:00:00Z</updated><summary>{title}: تفاصيل الخبر في الصفحة.</summary></entry>",
            s.url(path)
        )
    };
    let atom = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><feed xmlns=\"http://www.w3.org/2005/Atom\">\
         <title>نشرة الجبل</title><id>urn:test:feed</id><updated>2024-03-11T07:00:00Z</updated>{}{}{}{}{}</feed>",
        entry("win", "/win.html", "وصول قافلة مساعدات إلى القرى الجبلية"),
        entry("gone", "/gone.html", "إغلاق طريق الوادي للصيانة"),
        entry("slow", "/slow.html", "تأجيل مباراة الفريق المحلي"),
        entry("big", "/big.html", "تقرير سنوي عن المياه"),
        entry("wrong", "/wrong.html", "مسابقة للرسم في المدارس"),
    );
    s.set(
        "/atom.xml",
        Route::Ok {
            content_type: "application/atom+xml".into(),
            body: atom.into_bytes(),
            etag: None,
            last_modified: None,
        },
    );
    let mut store = SqliteStore::open_in_memory().unwrap();
    store
        .add_feed(&s.url("/atom.xml"), 60, jiff::Timestamp::now())
        .unwrap();
    let cfg = config();
    let rep = poll(&mut store, &cfg, false).unwrap();
    let fr = &rep.feeds[0];
    assert_eq!(
        (fr.status, fr.items_new, fr.pages, fr.entries),
        ("ok", 5, 1, 4)
    );
    let reason = |path: &str| {
        fr.item_failures
            .iter()
            .find(|f| f.link.as_deref() == Some(s.url(path).as_str()))
            .map(|f| f.reason.clone())
            .unwrap_or_else(|| panic!("no failure for {path}: {:?}", fr.item_failures))
    };
    assert!(reason("/gone.html").contains("404"));
    assert!(
        reason("/slow.html").contains("timeout"),
        "{}",
        reason("/slow.html")
    );
    assert!(
        reason("/big.html").contains("too large"),
        "{}",
        reason("/big.html")
    );
    assert!(
        reason("/wrong.html").contains("not valid UTF-8"),
        "{}",
        reason("/wrong.html")
    );
    assert!(fr.item_failures.iter().all(|f| f.entry_stored));

    let arts = articles(&store);
    assert_eq!(arts.len(), 5, "1 page and 4 entries");
    let win = by_title(&arts, "وصول قافلة مساعدات إلى القرى الجبلية");
    assert_eq!(win.encoding, "windows-1256");
    assert!(win.article.body.contains("بالمواد الغذائية"));
    assert_eq!(
        win.article.url.as_deref(),
        Some(s.url("/win.html").as_str())
    );
    // An entry stands in for its page, marked by its input name.
    let gone = by_title(&arts, "إغلاق طريق الوادي للصيانة");
    assert!(
        gone.input_path.ends_with("/gone.html#entry"),
        "{}",
        gone.input_path
    );
    assert_eq!(gone.article.url, None);
    assert!(gone.article.links.contains(&s.url("/gone.html")));
    assert!(gone.article.body.contains("تفاصيل الخبر"));

    let items = store.feed_items(fr.id).unwrap();
    let gone_item = items.iter().find(|i| i.key == "urn:test:gone").unwrap();
    assert_eq!((gone_item.state, gone_item.attempts), (ItemState::Entry, 1));
    assert!(gone_item.error.as_deref().unwrap().contains("404"));
    let problems = store.problems(100).unwrap();
    assert!(
        problems
            .iter()
            .any(|p| p.path == s.url("/gone.html") && p.reason.contains("404")),
        "{problems:?}"
    );

    // The next poll tries the failed pages again; the 404 page is back.
    s.set(
        "/gone.html",
        html(&page(
            "إغلاق طريق الوادي للصيانة",
            "أعلنت مديرية الطرق إغلاق طريق الوادي ثلاثة أيام لإجراء أعمال صيانة عاجلة للجسر.",
            None,
        )),
    );
    s.clear_log();
    let rep = poll(&mut store, &cfg, true).unwrap();
    let fr = &rep.feeds[0];
    assert_eq!((fr.items_new, fr.pages), (0, 1));
    for p in ["/gone.html", "/slow.html", "/big.html", "/wrong.html"] {
        assert_eq!(s.hits(p), 1, "{p} retried");
    }
    assert_eq!(s.hits("/win.html"), 0);
    assert_eq!(fr.item_failures.len(), 3);
    let items = store.feed_items(fr.id).unwrap();
    let gone_item = items.iter().find(|i| i.key == "urn:test:gone").unwrap();
    assert_eq!(
        (gone_item.state, gone_item.error.as_deref()),
        (ItemState::Page, None)
    );
    let slow = items.iter().find(|i| i.key == "urn:test:slow").unwrap();
    assert_eq!((slow.state, slow.attempts), (ItemState::Entry, 2));
    let arts = articles(&store);
    assert!(arts
        .iter()
        .any(|a| a.article.url.as_deref() == Some(s.url("/gone.html").as_str())));
}

#[test]
fn feed_failures_back_off_and_never_stop_the_others() {
    let s = Server::start();
    s.set(
        "/bad.xml",
        Route::Ok {
            content_type: "application/rss+xml".into(),
            body: b"<rss version=\"2.0\"><channel><title>x</title><item><title>y</ite".to_vec(),
            etag: None,
            last_modified: None,
        },
    );
    s.set("/err.xml", Route::Status(500));
    s.set("/slow.xml", Route::Sleep(Duration::from_millis(1500)));
    s.set(
        "/good.html",
        html(&page(
            "معرض للصناعات اليدوية",
            "يفتتح معرض للصناعات اليدوية أبوابه الأسبوع المقبل بمشاركة حرفيين من عدة محافظات.",
            None,
        )),
    );
    s.set(
        "/good.xml",
        feed_route(
            rss(&s, &[("k1", "/good.html", "معرض للصناعات اليدوية")]),
            "\"g\"",
        ),
    );
    // A port nobody listens on.
    let refused = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/feed.xml", l.local_addr().unwrap())
    };
    let mut store = SqliteStore::open_in_memory().unwrap();
    let now = jiff::Timestamp::now();
    for p in ["/bad.xml", "/err.xml", "/slow.xml"] {
        store.add_feed(&s.url(p), 100, now).unwrap();
    }
    store.add_feed(&refused, 100, now).unwrap();
    store.add_feed(&s.url("/good.xml"), 100, now).unwrap();
    let cfg = config();
    let rep = poll(&mut store, &cfg, false).unwrap();
    assert_eq!((rep.feeds_polled, rep.feeds_failed), (5, 4));
    assert_eq!(rep.articles_new, 1);
    let err = |i: usize| rep.feeds[i].error.clone().unwrap_or_default();
    assert!(err(0).starts_with("malformed feed"), "{}", err(0));
    assert!(err(1).contains("500"), "{}", err(1));
    assert!(err(2).contains("timeout"), "{}", err(2));
    assert!(
        err(3).contains("refused") || err(3).contains("connection"),
        "{}",
        err(3)
    );
    let feeds = store.feeds().unwrap();
    let t1 = jiff::Timestamp::now();
    for f in &feeds[..4] {
        assert_eq!((f.failures, f.last_status), (1, Some(PollStatus::Failed)));
        assert!(f.last_error.is_some() && f.last_success.is_none());
        // First failure: the normal interval.
        let wait = f.next_poll.as_second() - t1.as_second();
        assert!((90..=101).contains(&wait), "{wait}");
    }
    assert_eq!(feeds[4].failures, 0);
    let problems = store.problems(100).unwrap();
    assert!(problems.iter().any(|p| p.path == s.url("/err.xml")));

    // Failing again doubles the wait; a success resets it.
    let rep = poll(&mut store, &cfg, true).unwrap();
    assert_eq!(rep.feeds_failed, 4);
    let feeds = store.feeds().unwrap();
    let wait = feeds[1].next_poll.as_second() - jiff::Timestamp::now().as_second();
    assert_eq!(feeds[1].failures, 2);
    assert!((190..=201).contains(&wait), "{wait}");
    s.set("/err.xml", feed_route(rss(&s, &[]), "\"e\""));
    poll(&mut store, &cfg, true).unwrap();
    let feeds = store.feeds().unwrap();
    assert_eq!(
        (feeds[1].failures, feeds[1].last_error.as_deref()),
        (0, None)
    );
    assert!(feeds[1].last_success.is_some());
    assert_eq!(
        rasd_feeds::backoff(100, 20, Duration::from_secs(3600)).as_secs(),
        3600
    );
}

#[test]
fn politeness_spaces_requests_to_one_host() {
    let s = Server::start();
    s.set("/p.html", html("<html><body><p>نص</p></body></html>"));
    let mut cfg = config().http;
    cfg.host_delay = Duration::from_millis(300);
    let mut f = rasd_feeds::http::Fetcher::new(cfg);
    let t = std::time::Instant::now();
    for _ in 0..3 {
        f.get(&s.url("/p.html"), Default::default()).unwrap();
    }
    assert!(
        t.elapsed() >= Duration::from_millis(600),
        "{:?}",
        t.elapsed()
    );
}

#[test]
fn parse_feed_reads_rss_and_atom_and_rejects_garbage() {
    let rss = "<rss version=\"2.0\"><channel><title>قناة</title><item><title>خبر</title>\
               <link>/a.html</link></item><item><title>بلا رابط ولا معرف</title></item></channel></rss>";
    let f = rasd_feeds::parse_feed(rss.as_bytes(), Some("http://127.0.0.1:9/feed.xml")).unwrap();
    assert_eq!(f.title.as_deref(), Some("قناة"));
    assert_eq!(
        f.items[0].link.as_deref(),
        Some("http://127.0.0.1:9/a.html")
    );
    assert!(rasd_feeds::parse_feed(b"<html><body>not a feed</body></html>", None).is_err());
    assert!(rasd_feeds::parse_feed(b"", None).is_err());
}
