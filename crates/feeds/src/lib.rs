//! Live feed sources for rasd: RSS 2.0 and Atom feeds (and whatever else
//! `feed-rs` reads) polled over HTTP, their new items' pages fetched and put
//! through rasd's ingest.
//!
//! * [`poll`] polls the feeds that are due (all of them when forced): a
//!   conditional GET (`If-None-Match`, `If-Modified-Since`; a 304 is a
//!   success with nothing new), [`parse_feed`], and for each item not seen
//!   before (by its id/guid, else its link) a GET of its linked page.
//! * A fetched page is stored as the HTTP response it was, in a WARC
//!   `response` record named `FEED_URL!/PAGE_URL` (so its raw bytes and the
//!   charset of the `Content-Type` header are kept), and ingested as a WARC
//!   record is: the article's URL is the page's, its crawl date the fetch
//!   time; the item's date fills in a page without a publication date, and
//!   the feed's title becomes the article's `source_label`.
//! * An item whose page cannot be fetched or read (HTTP error, timeout,
//!   oversized body, undecodable charset, not HTML) is recorded with the
//!   reason, and the item's own title and summary/content are ingested
//!   instead as an HTML document named `FEED_URL!/LINK#entry` (without a
//!   URL, the link kept in `links`); its page is tried again at the next
//!   polls, up to [`Config::page_attempts`] times in all.
//! * A feed that fails (unreachable, HTTP error, malformed XML, too large)
//!   is recorded with the reason; polls that fail in a row push its next
//!   poll back exponentially (interval × 2^(failures−1), capped). Nothing is
//!   fatal but a store error.
//!
//! [`poll`] is what a long-running server calls on a timer, with
//! [`next_due`] to know how long to sleep.

pub mod http;

use http::{Fetched, Fetcher, HttpConfig, Validators};
use jiff::Timestamp;
use rasd_ingest::Parsed;
use rasd_pipeline::{IngestOptions, Silent};
use rasd_store::{FeedItem, FeedPoll, FeedRecord, ItemState, PollStatus, Store, StoreError};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

/// Default seconds between polls of a feed.
pub const DEFAULT_INTERVAL_SECS: u64 = 900;

/// How polling runs.
#[derive(Debug, Clone)]
pub struct Config {
    pub http: HttpConfig,
    /// Longest wait before the next poll of a failing feed (never less than
    /// the feed's own interval).
    pub max_backoff: Duration,
    /// Fetches of an item's page tried in all before giving up.
    pub page_attempts: u32,
    /// How pages are ingested. Derived stages (knowledge base, duplicates,
    /// events, stories) run once at the end of a poll when `derive` is set.
    pub ingest: IngestOptions,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            http: HttpConfig::default(),
            max_backoff: Duration::from_secs(24 * 3600),
            page_attempts: 5,
            ingest: IngestOptions::default(),
        }
    }
}

/// A parsed feed: what polling needs of it.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedFeed {
    pub title: Option<String>,
    pub items: Vec<Item>,
}

/// One feed item.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// The id/guid, else the link: what marks the item as seen.
    pub key: String,
    pub link: Option<String>,
    pub title: Option<String>,
    /// HTML (or escaped plain text) of the item's summary and content.
    pub summary_html: Option<String>,
    pub content_html: Option<String>,
    pub published: Option<Timestamp>,
}

/// Parses a feed document (RSS 0.x/1.0/2.0, Atom, JSON Feed); relative links
/// are resolved against `base_url`. Items without an id and a link are left
/// out.
pub fn parse_feed(bytes: &[u8], base_url: Option<&str>) -> Result<ParsedFeed, String> {
    let feed = feed_rs::parser::Builder::new()
        .base_uri(base_url)
        .build()
        .parse(bytes)
        .map_err(|e| format!("malformed feed: {e}"))?;
    let as_html = |t: &feed_rs::model::Text| {
        if t.content_type.to_string().starts_with("text/plain") {
            escape(&t.content)
        } else {
            t.content.clone()
        }
    };
    let nonempty = |s: String| {
        let s = s.trim().to_string();
        (!s.is_empty()).then_some(s)
    };
    let items = feed
        .entries
        .into_iter()
        .filter_map(|e| {
            let link = e
                .links
                .iter()
                .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
                .or(e.links.first())
                .map(|l| l.href.trim().to_string())
                .filter(|h| !h.is_empty());
            let key = nonempty(e.id.clone()).or_else(|| link.clone())?;
            Some(Item {
                key,
                link,
                title: e.title.map(|t| t.content).and_then(nonempty),
                summary_html: e.summary.as_ref().map(as_html).and_then(nonempty),
                content_html: e.content.and_then(|c| c.body).and_then(nonempty),
                published: e
                    .published
                    .or(e.updated)
                    .and_then(|d| Timestamp::from_second(d.timestamp()).ok()),
            })
        })
        .collect();
    Ok(ParsedFeed {
        title: feed.title.map(|t| t.content).and_then(nonempty),
        items,
    })
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// An item whose page could not be had, and why.
#[derive(Debug, Clone, Serialize)]
pub struct ItemFailure {
    pub key: String,
    pub link: Option<String>,
    pub reason: String,
    /// Whether the item's own text was stored instead (now or earlier).
    pub entry_stored: bool,
}

/// What one feed's poll did.
#[derive(Debug, Clone, Serialize)]
pub struct FeedReport {
    pub id: i64,
    pub url: String,
    /// `ok`, `not_modified` or `failed`.
    pub status: &'static str,
    pub error: Option<String>,
    /// Items in the feed document (0 on 304 or failure).
    pub items: u64,
    /// Items not seen before.
    pub items_new: u64,
    /// Pages fetched and ingested (new items and retries).
    pub pages: u64,
    /// Items stored from their own text because their page failed.
    pub entries: u64,
    pub item_failures: Vec<ItemFailure>,
    pub articles_new: u64,
    pub consecutive_failures: u32,
    pub next_poll: String,
}

/// What a poll run did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PollReport {
    pub feeds_total: u64,
    pub feeds_polled: u64,
    pub feeds_failed: u64,
    pub articles_new: u64,
    pub feeds: Vec<FeedReport>,
    /// The stages run after adding articles (with `Config::ingest.derive`).
    pub derived: Option<rasd_pipeline::Derived>,
    pub seconds: f64,
}

/// When the next feed is due (`None` without feeds).
pub fn next_due(store: &dyn Store) -> Result<Option<Timestamp>, StoreError> {
    Ok(store.feeds()?.iter().map(|f| f.next_poll).min())
}

/// The wait before the next poll after `failures` failed polls in a row.
pub fn backoff(interval_secs: u64, failures: u32, max: Duration) -> Duration {
    let base = interval_secs.max(1);
    let cap = max.as_secs().max(base);
    let factor = 1u64 << failures.saturating_sub(1).min(30);
    Duration::from_secs(base.saturating_mul(factor).min(cap))
}

fn plus(t: Timestamp, d: Duration) -> Timestamp {
    t.checked_add(jiff::SignedDuration::from_secs(
        d.as_secs().min(i64::MAX as u64 / 2) as i64,
    ))
    .unwrap_or(Timestamp::MAX)
}

/// Polls every feed that is due (every feed with `force`). Feed and item
/// failures are recorded and reported, never returned: only a store error
/// stops a poll.
pub fn poll(store: &mut dyn Store, cfg: &Config, force: bool) -> Result<PollReport, StoreError> {
    let t0 = Instant::now();
    let mut fetcher = Fetcher::new(cfg.http.clone());
    let feeds = store.feeds()?;
    let mut rep = PollReport {
        feeds_total: feeds.len() as u64,
        ..PollReport::default()
    };
    for f in feeds {
        let now = Timestamp::now();
        if !force && f.next_poll > now {
            continue;
        }
        let fr = poll_feed(store, &mut fetcher, cfg, &f)?;
        rep.feeds_polled += 1;
        rep.feeds_failed += u64::from(fr.status == "failed");
        rep.articles_new += fr.articles_new;
        rep.feeds.push(fr);
    }
    if rep.articles_new > 0 && cfg.ingest.derive {
        rep.derived = Some(rasd_pipeline::derive(store, cfg.ingest.entities)?);
    }
    rep.seconds = t0.elapsed().as_secs_f64();
    Ok(rep)
}

/// What the ingest of an item's document needs to know.
struct DocMeta {
    published: Option<Timestamp>,
    /// The item's own text: no URL, the link goes to `links`.
    entry: bool,
    link: Option<String>,
}

/// Polls one feed now.
pub fn poll_feed(
    store: &mut dyn Store,
    fetcher: &mut Fetcher,
    cfg: &Config,
    f: &FeedRecord,
) -> Result<FeedReport, StoreError> {
    let now = Timestamp::now();
    let mut rep = FeedReport {
        id: f.id,
        url: f.url.clone(),
        status: "ok",
        error: None,
        items: 0,
        items_new: 0,
        pages: 0,
        entries: 0,
        item_failures: Vec::new(),
        articles_new: 0,
        consecutive_failures: 0,
        next_poll: String::new(),
    };
    let validators = Validators {
        etag: f.etag.as_deref(),
        last_modified: f.last_modified.as_deref(),
    };
    let fetched = fetcher.get(&f.url, validators);
    let mut parsed_items = Vec::new();
    let mut poll = FeedPoll {
        at: now,
        status: PollStatus::Ok,
        error: None,
        title: None,
        etag: None,
        last_modified: None,
        failures: 0,
        next_poll: plus(now, Duration::from_secs(f.interval_secs)),
    };
    let outcome = match fetched {
        Ok(Fetched::NotModified) => Ok(PollStatus::NotModified),
        Ok(Fetched::Body {
            body,
            etag,
            last_modified,
            url,
            ..
        }) => match parse_feed(&body, Some(&url)) {
            Ok(p) => {
                poll.title = p.title;
                poll.etag = etag;
                poll.last_modified = last_modified;
                parsed_items = p.items;
                Ok(PollStatus::Ok)
            }
            Err(e) => Err(e),
        },
        Err(e) => Err(e),
    };
    let feed_title = poll.title.clone().or_else(|| f.title.clone());
    match outcome {
        Ok(s) => poll.status = s,
        Err(e) => {
            tracing::info!(feed = %f.url, error = %e, "feed poll failed");
            poll.status = PollStatus::Failed;
            poll.failures = f.failures.saturating_add(1);
            poll.next_poll = plus(
                now,
                backoff(f.interval_secs, poll.failures, cfg.max_backoff),
            );
            poll.error = Some(e);
        }
    }
    rep.status = poll.status.as_str();
    rep.error = poll.error.clone();
    rep.items = parsed_items.len() as u64;
    rep.consecutive_failures = poll.failures;
    rep.next_poll = poll.next_poll.to_string();

    // New items, then earlier items whose page is still to be had.
    let seen: HashMap<String, FeedItem> = store
        .feed_items(f.id)?
        .into_iter()
        .map(|i| (i.key.clone(), i))
        .collect();
    let mut batch: HashSet<&str> = HashSet::new();
    let new: Vec<&Item> = parsed_items
        .iter()
        .filter(|i| !seen.contains_key(&i.key) && batch.insert(i.key.as_str()))
        .collect();
    rep.items_new = new.len() as u64;
    let retries: Vec<&FeedItem> = seen
        .values()
        .filter(|i| {
            i.state != ItemState::Page
                && i.link.is_some()
                && i.error.is_some()
                && i.attempts < cfg.page_attempts
        })
        .collect();

    let label = feed_title.clone().unwrap_or_else(|| f.url.clone());
    let mut docs: Vec<(String, Vec<u8>)> = Vec::new();
    let mut metas: HashMap<String, DocMeta> = HashMap::new();
    // (item, name of its page document, or the reason it has none)
    let mut outcomes: Vec<(FeedItem, Option<&Item>, Result<String, String>)> = Vec::new();
    let mut fetch_page = |fetcher: &mut Fetcher,
                          link: &str,
                          published: Option<Timestamp>|
     -> Result<String, String> {
        let name = format!("{}!/{}", f.url, link);
        if metas.contains_key(&name) {
            return Ok(name);
        }
        let record = fetch_page_record(fetcher, link, Timestamp::now())?;
        docs.push((name.clone(), record));
        metas.insert(
            name.clone(),
            DocMeta {
                published,
                entry: false,
                link: Some(link.to_string()),
            },
        );
        Ok(name)
    };
    for it in &new {
        let item = FeedItem {
            feed: f.id,
            key: it.key.clone(),
            link: it.link.clone(),
            state: ItemState::Failed,
            attempts: 0,
            error: None,
            first_seen: now,
            last_attempt: now,
        };
        let res = match &it.link {
            Some(l) => fetch_page(fetcher, l, it.published),
            None => Err(String::new()),
        };
        outcomes.push((item, Some(*it), res));
    }
    for old in retries {
        let link = old.link.as_deref().unwrap_or_default();
        let res = fetch_page(fetcher, link, None);
        outcomes.push((old.clone(), None, res));
    }

    // Ingest the pages; a page the ingest cannot read fails its item too.
    let mut ingest_opts = cfg.ingest.clone();
    ingest_opts.derive = false;
    let page_errors = if docs.is_empty() {
        HashMap::new()
    } else {
        let sum = ingest_with_meta(store, docs, &metas, &label, &ingest_opts)?;
        rep.articles_new += sum.articles_new;
        sum.errors
            .into_iter()
            .map(|e| (e.path, e.reason))
            .collect::<HashMap<_, _>>()
    };

    // Items without a page: their own text, once.
    let mut entry_docs: Vec<(String, Vec<u8>)> = Vec::new();
    let mut entry_metas: HashMap<String, DocMeta> = HashMap::new();
    for (item, it, res) in &mut outcomes {
        let res = match res {
            Ok(name) => match page_errors.get(name.as_str()) {
                Some(reason) => Err(format!("page not ingested: {reason}")),
                None => Ok(()),
            },
            Err(e) => Err(e.clone()),
        };
        item.last_attempt = now;
        match res {
            Ok(()) => {
                item.attempts += 1;
                item.state = ItemState::Page;
                item.error = None;
                rep.pages += 1;
            }
            Err(reason) => {
                let no_link = item.link.is_none();
                if !no_link {
                    item.attempts += 1;
                    item.error = Some(reason.clone());
                }
                let mut stored = item.state == ItemState::Entry;
                if let Some(it) = it {
                    // A new item: store its own text now.
                    if let Some(html) = entry_html(it) {
                        let name =
                            format!("{}!/{}#entry", f.url, it.link.as_deref().unwrap_or(&it.key));
                        if let std::collections::hash_map::Entry::Vacant(v) =
                            entry_metas.entry(name.clone())
                        {
                            entry_docs.push((name, html.into_bytes()));
                            v.insert(DocMeta {
                                published: it.published,
                                entry: true,
                                link: it.link.clone(),
                            });
                        }
                        item.state = ItemState::Entry;
                        stored = true;
                        rep.entries += 1;
                    }
                }
                if !no_link {
                    rep.item_failures.push(ItemFailure {
                        key: item.key.clone(),
                        link: item.link.clone(),
                        reason,
                        entry_stored: stored,
                    });
                }
            }
        }
    }
    if !entry_docs.is_empty() {
        let sum = ingest_with_meta(store, entry_docs, &entry_metas, &label, &ingest_opts)?;
        rep.articles_new += sum.articles_new;
        for e in sum.errors {
            tracing::info!(doc = %e.path, error = %e.reason, "feed entry not ingested");
        }
    }
    for (item, _, _) in &outcomes {
        store.put_feed_item(item)?;
    }
    store.record_feed_poll(f.id, &poll)?;
    Ok(rep)
}

fn ingest_with_meta(
    store: &mut dyn Store,
    docs: Vec<(String, Vec<u8>)>,
    metas: &HashMap<String, DocMeta>,
    label: &str,
    opts: &IngestOptions,
) -> Result<rasd_pipeline::Summary, StoreError> {
    let amend = |name: &str, p: &mut Parsed| {
        let Some(m) = metas.get(name) else { return };
        for a in &mut p.articles {
            a.source_label = Some(label.to_string());
            if a.parent.is_some() {
                continue;
            }
            if a.published.is_none() {
                a.published = m.published.map(rasd_doc::DateValue::DateTime);
            }
            if m.entry {
                a.url = None;
                a.crawled = Some(rasd_doc::DateValue::DateTime(Timestamp::now()));
                if let Some(l) = &m.link {
                    if !a.links.contains(l) {
                        a.links.push(l.clone());
                    }
                    if a.publisher.is_none() {
                        a.publisher = rasd_ingest::url_host(l);
                    }
                }
            }
        }
    };
    rasd_pipeline::ingest_documents_amended(store, docs, opts, &Silent, &amend)
}

/// The item's own title and text as a small HTML page.
fn entry_html(it: &Item) -> Option<String> {
    let text = match (&it.summary_html, &it.content_html) {
        (_, Some(c)) => c.clone(),
        (Some(s), None) => s.clone(),
        (None, None) => String::new(),
    };
    if text.is_empty() && it.title.is_none() {
        return None;
    }
    let title = escape(it.title.as_deref().unwrap_or(""));
    Some(format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{title}</title></head>\n<body><article><h1>{title}</h1>\n{text}\n</article></body></html>\n"
    ))
}

/// The `charset` parameter of a Content-Type value.
fn charset_param(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| v.trim().trim_matches(['"', '\'']))
    })
}

/// Checks that a page's bytes read as text in the charset its header (else
/// its `<meta>`) names, else as detected: the reason when they do not.
pub fn check_page(body: &[u8], content_type: Option<&str>) -> Result<(), String> {
    if let Some(ct) = content_type {
        let mime = ct
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if !mime.is_empty() && mime != "text/html" && mime != "application/xhtml+xml" {
            return Err(format!("not an HTML page (Content-Type {mime})"));
        }
    }
    let declared = content_type.and_then(charset_param);
    let enc = match declared {
        Some(label) => Some(
            encoding_rs::Encoding::for_label(label.as_bytes())
                .ok_or_else(|| format!("unknown charset {label:?} in the Content-Type header"))?,
        ),
        None => rasd_ingest::warc::meta_charset(body),
    };
    match enc {
        Some(enc) => {
            let (text, used, errors) = enc.decode(body);
            if errors {
                return Err(format!(
                    "page is not valid {} (the charset {})",
                    used.name(),
                    if declared.is_some() {
                        "of its Content-Type header"
                    } else {
                        "its <meta> tag names"
                    }
                ));
            }
            if text.trim().is_empty() {
                return Err("empty page".into());
            }
            Ok(())
        }
        None => rasd_ingest::decode::decode(body)
            .map(|_| ())
            .map_err(|e| format!("page: {e}")),
    }
}

/// Fetches an item's page and wraps the answer as a WARC response record.
fn fetch_page_record(fetcher: &mut Fetcher, link: &str, at: Timestamp) -> Result<Vec<u8>, String> {
    match fetcher.get(link, Validators::default())? {
        Fetched::NotModified => Err("HTTP 304 to an unconditional request".into()),
        Fetched::Body {
            body,
            content_type,
            url,
            ..
        } => {
            check_page(&body, content_type.as_deref())?;
            Ok(warc_record(&url, at, content_type.as_deref(), &body))
        }
    }
}

/// One WARC/1.1 `response` record of a 200 answer with this body (already
/// without transfer and content codings).
pub fn warc_record(url: &str, at: Timestamp, content_type: Option<&str>, body: &[u8]) -> Vec<u8> {
    let clean = |s: &str| s.replace(['\r', '\n'], " ");
    let mut http = b"HTTP/1.1 200 OK\r\n".to_vec();
    if let Some(ct) = content_type {
        http.extend_from_slice(format!("Content-Type: {}\r\n", clean(ct)).as_bytes());
    }
    http.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
    http.extend_from_slice(body);
    let id = {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        url.hash(&mut h);
        at.as_nanosecond().hash(&mut h);
        body.len().hash(&mut h);
        h.finish()
    };
    let mut rec = format!(
        "WARC/1.1\r\nWARC-Type: response\r\nWARC-Target-URI: {}\r\nWARC-Date: {}\r\nWARC-Record-ID: <urn:rasd:feed:{:016x}{:016x}>\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: {}\r\n\r\n",
        clean(url),
        at.round(jiff::Unit::Second).unwrap_or(at),
        id,
        at.as_second() as u64,
        http.len()
    )
    .into_bytes();
    rec.extend_from_slice(&http);
    rec.extend_from_slice(b"\r\n\r\n");
    rec
}
