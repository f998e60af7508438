//! Ingest: raw scraped news in, clean [`rasd_doc::Article`]s out.
//!
//! * [`source`] expands the paths a user gives (files, directories, zip
//!   archives, stdin) into leaf documents with their raw bytes.
//! * [`decode`] sniffs binary content and text encodings.
//! * [`parse_document`] detects the format by content (plain-text scrape, HTML,
//!   JSON array, JSON Lines) and produces articles: [`scrape`] finds the
//!   structure of text pages, [`html`] extracts the main content of HTML pages,
//!   [`json`] maps record fields.
//! * [`warc`] reads WARC archives (`.warc`, `.warc.gz`, Common Crawl's
//!   CC-NEWS format).
//!
//! # Input formats
//!
//! * Plain-text scrapes, HTML pages, JSON arrays and JSON Lines, detected by
//!   content; zip archives (nested too), detected by their magic bytes.
//! * WARC 1.0/1.1 files, plain or gzipped (one gzip member per record as
//!   CC-NEWS writes them, or any split), found by the `.warc`/`.warc.gz`
//!   extension or by content (a `WARC/1.x` version line, inside a gzip member
//!   too). Each record of a WARC file is its own input, named
//!   `FILE!/@OFFSET` (the byte offset of the record's gzip member, as in
//!   Common Crawl's indexes, or of the record in a plain file), read on its
//!   own with the file's other records left on disk, and subject to
//!   `--max-file-size`. Only `response` records with HTTP status 200 and an
//!   HTML payload (`text/html`, `application/xhtml+xml`) yield articles: the
//!   HTTP response is parsed (chunked transfer-coding, gzip/deflate content
//!   coding undone), the charset taken from the HTTP `Content-Type`, else the
//!   page's `<meta>` charset, else detected, and the page extracted as an
//!   HTML file is. The article's `url` is the record's `WARC-Target-URI` and
//!   its `crawled` date the `WARC-Date`. Other records (`warcinfo`,
//!   `request`, `metadata`, `revisit`), other statuses and non-HTML payloads
//!   are counted as rejected records with their reason; a broken record (cut
//!   short, a bad gzip member, a malformed header) is an error naming the
//!   file, the record's offset and its `WARC-Record-ID`, and the records
//!   after it are still read. A WARC given whole in memory (standard input,
//!   a zip member) is parsed record by record the same way.

pub mod decode;
pub mod html;
pub mod json;
pub mod scrape;
pub mod source;
pub mod split;
pub mod warc;

use rasd_doc::{Article, DateValue};
use std::fmt;

/// Why an input (or part of it) could not be ingested.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputError {
    Empty,
    Binary(String),
    Undecodable(String),
    TooLarge {
        size: u64,
        limit: u64,
    },
    Json(String),
    Archive(String),
    Io(String),
    /// A WARC record that cannot be read (the message names the record).
    Warc(String),
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputError::Empty => write!(f, "empty file"),
            InputError::Binary(m) => write!(f, "{m}"),
            InputError::Undecodable(m) => write!(f, "cannot decode text: {m}"),
            InputError::TooLarge { size, limit } => write!(
                f,
                "file too large: {:.1} MB exceeds the {:.1} MB limit (--max-file-size)",
                *size as f64 / 1e6,
                *limit as f64 / 1e6
            ),
            InputError::Json(m) => write!(f, "{m}"),
            InputError::Archive(m) => write!(f, "bad zip archive: {m}"),
            InputError::Io(m) => write!(f, "cannot read: {m}"),
            InputError::Warc(m) => write!(f, "bad WARC record: {m}"),
        }
    }
}

impl std::error::Error for InputError {}

/// The format of a document, detected from its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Html,
    Json,
    JsonLines,
    /// A WARC record (or file) of HTTP responses.
    Warc,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Html => "html",
            Format::Json => "json",
            Format::JsonLines => "jsonl",
            Format::Warc => "warc",
        }
    }
}

/// A record (or line) of a document that was not ingested, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reject {
    /// Record index in a JSON array, or line number (1-based) in JSON Lines.
    pub record: u32,
    pub reason: String,
}

/// Something done to a document that the user should know of, though
/// nothing of it was lost (an over-long article split into parts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// The record (JSON) the warning is about, if the document has records.
    pub record: Option<u32>,
    pub reason: String,
}

/// What one document yielded.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub format: Format,
    pub encoding: String,
    /// Records the document holds (1 for a page; JSON records otherwise),
    /// counted as far as they could be read.
    pub records: u32,
    pub articles: Vec<Article>,
    pub rejects: Vec<Reject>,
    pub warnings: Vec<Warning>,
    /// An error that stopped reading part-way (a truncated JSON array): the
    /// records before it are still in `articles`.
    pub error: Option<InputError>,
}

/// Options for parsing documents.
#[derive(Debug, Clone)]
pub struct Options {
    pub fields: json::FieldMap,
    /// The longest body of one article, in bytes: longer ones are split
    /// ([`split`]).
    pub max_article_bytes: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            fields: json::FieldMap::default(),
            max_article_bytes: split::MAX_ARTICLE_BYTES,
        }
    }
}

/// Detects the format of decoded `text`; `name` (a file name) breaks ties.
pub fn detect_format(text: &str, name: &str) -> Format {
    let t = text.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{FEFF}');
    let lower = name.to_ascii_lowercase();
    if t.starts_with('[') {
        return Format::Json;
    }
    if t.starts_with('{') {
        if lower.ends_with(".jsonl") || lower.ends_with(".ndjson") {
            return Format::JsonLines;
        }
        // More than one line that starts an object: JSON Lines.
        let objects = t
            .lines()
            .filter(|l| l.trim_start().starts_with('{'))
            .take(2)
            .count();
        let closes_on_first_line = t
            .lines()
            .next()
            .is_some_and(|l| l.trim_end().ends_with('}'));
        return if objects > 1 && closes_on_first_line {
            Format::JsonLines
        } else {
            Format::Json
        };
    }
    if html::looks_like_html(t) {
        return Format::Html;
    }
    Format::Text
}

/// Decodes and parses one document.
pub fn parse_document(bytes: &[u8], name: &str, opts: &Options) -> Result<Parsed, InputError> {
    if warc::sniff(bytes).is_some() {
        let mut parsed = warc::parse(bytes)?;
        split::split_long_articles(&mut parsed, opts.max_article_bytes);
        return Ok(parsed);
    }
    let decoded = decode::decode(bytes)?;
    let format = detect_format(&decoded.text, name);
    let page = |articles| Parsed {
        format,
        encoding: String::new(),
        records: 1,
        articles,
        rejects: vec![],
        warnings: vec![],
        error: None,
    };
    let mut parsed = match format {
        Format::Text => page(scrape::analyze(&decoded.text, &scrape::Hints::default())),
        // (detect_format never answers Warc: WARC is sniffed from the bytes.)
        Format::Html | Format::Warc => page(html_articles(&decoded.text)),
        Format::Json | Format::JsonLines => json::parse(&decoded.text, format, &opts.fields)?,
    };
    parsed.encoding = decoded.encoding;
    split::split_long_articles(&mut parsed, opts.max_article_bytes);
    if parsed.articles.is_empty() && parsed.rejects.is_empty() && parsed.error.is_none() {
        return Err(InputError::Empty);
    }
    Ok(parsed)
}

/// The decoded source text of a stored input, which the offsets of its
/// articles refer to: the decoded input, or for a WARC record the decoded
/// HTML payload.
pub fn source_text(bytes: &[u8]) -> Result<decode::Decoded, InputError> {
    if warc::sniff(bytes).is_some() {
        return warc::page_text(bytes);
    }
    decode::decode(bytes)
}

/// Articles of an HTML page: main content extracted, then the same structure
/// analysis as text scrapes, with offsets mapped back into the HTML.
pub fn html_articles(source: &str) -> Vec<Article> {
    let page = html::extract(source);
    let hints = scrape::Hints {
        title: page.title.clone(),
    };
    let mut articles = scrape::analyze(&page.text, &hints);
    for a in &mut articles {
        a.body_alignment = a.body_alignment.compose(&page.alignment);
        for r in &mut a.regions {
            if let Some(s) = page.alignment.source_span(r.span) {
                r.span = s;
            }
        }
    }
    if let Some(p) = articles.first_mut() {
        if p.published.is_none() {
            p.published = page.published.as_deref().and_then(scrape::first_date);
        }
        p.url = page.url.clone();
        p.publisher = page
            .site_name
            .clone()
            .or_else(|| page.url.as_deref().and_then(url_host));
        p.author = page.author.clone();
        if p.summary.is_none() {
            p.summary = page.description.clone();
        }
    }
    articles
}

/// The host of an http(s) URL, without a leading `www.`.
pub fn url_host(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let host = rest.split(['/', '?', '#']).next()?.rsplit('@').next()?;
    let host = host.split(':').next()?.trim_start_matches("www.");
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

/// A publication date given as a field value: ISO, a date in words, or a
/// Unix timestamp in seconds.
pub fn date_from_field(v: &str) -> Option<DateValue> {
    scrape::first_date(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_formats_by_content() {
        assert_eq!(detect_format("  [{\"a\":1}]", "x.txt"), Format::Json);
        assert_eq!(
            detect_format("{\"a\":1}\n{\"a\":2}\n", "x"),
            Format::JsonLines
        );
        assert_eq!(detect_format("{\n \"a\": 1\n}", "x"), Format::Json);
        assert_eq!(detect_format("{\"a\":1}", "x.jsonl"), Format::JsonLines);
        assert_eq!(
            detect_format(
                "<!DOCTYPE html><html><body><p>نص</p></body></html>",
                "x.txt"
            ),
            Format::Html
        );
        assert_eq!(
            detect_format("عنوان الخبر\n\nنص الخبر إذا كان a < b.", "x.html"),
            Format::Text
        );
    }

    #[test]
    fn url_hosts() {
        assert_eq!(
            url_host("http://www.al-jazirah.com/2015/x.htm").as_deref(),
            Some("al-jazirah.com")
        );
        assert_eq!(
            url_host("https://aawsat.com:443/home?x=1").as_deref(),
            Some("aawsat.com")
        );
        assert_eq!(url_host("not a url"), None);
    }
}
