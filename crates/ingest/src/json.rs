//! JSON arrays and JSON Lines of article records.
//!
//! Records are mapped to articles through a [`FieldMap`] that knows the usual
//! field names (the SaudiNewsNet fields `source, url, date_extracted, title,
//! author, content` among them) and can be overridden per field. A truncated
//! array keeps every complete record before the cut; a bad line of JSON Lines
//! is rejected on its own.

use crate::{html, scrape, url_host, Format, InputError, Parsed, Reject};
use rasd_doc::Article;
use serde_json::{Map, Value};

/// Which record fields hold which article attribute: for each attribute, the
/// field names tried in order.
#[derive(Debug, Clone)]
pub struct FieldMap {
    pub title: Vec<String>,
    pub body: Vec<String>,
    pub published: Vec<String>,
    pub crawled: Vec<String>,
    pub url: Vec<String>,
    pub source: Vec<String>,
    pub author: Vec<String>,
}

fn names(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

impl Default for FieldMap {
    fn default() -> Self {
        FieldMap {
            title: names(&["title", "headline", "name"]),
            body: names(&[
                "content",
                "body",
                "text",
                "article",
                "article_body",
                "articleBody",
                "full_text",
            ]),
            published: names(&[
                "published",
                "date",
                "pubDate",
                "pub_date",
                "publish_date",
                "published_at",
                "date_published",
                "datePublished",
                "publication_date",
                "time",
            ]),
            crawled: names(&[
                "date_extracted",
                "crawled",
                "crawled_at",
                "crawl_time",
                "scraped_at",
                "fetched_at",
                "retrieved_at",
            ]),
            url: names(&["url", "link", "href", "canonical_url", "source_url"]),
            source: names(&[
                "source",
                "site",
                "source_name",
                "publisher",
                "outlet",
                "website",
                "domain",
            ]),
            author: names(&["author", "byline", "authors", "writer"]),
        }
    }
}

impl FieldMap {
    /// Applies an override `attr=field` (e.g. `body=content_ar`): the given
    /// field is tried first for that attribute.
    pub fn set(&mut self, spec: &str) -> Result<(), String> {
        let (attr, field) = spec
            .split_once('=')
            .ok_or_else(|| format!("field mapping `{spec}` is not ATTR=FIELD"))?;
        let list = match attr.trim() {
            "title" => &mut self.title,
            "body" | "content" => &mut self.body,
            "published" | "date" => &mut self.published,
            "crawled" => &mut self.crawled,
            "url" => &mut self.url,
            "source" => &mut self.source,
            "author" => &mut self.author,
            other => return Err(format!("unknown article attribute `{other}` (title, body, published, crawled, url, source, author)")),
        };
        list.insert(0, field.trim().to_string());
        Ok(())
    }
}

/// The value of the first of `fields` present with a non-blank value (strings,
/// numbers, or arrays of strings joined with a comma), untrimmed: offsets into
/// a body field must refer to the field as stored.
fn raw_field(obj: &Map<String, Value>, fields: &[String]) -> Option<String> {
    fields.iter().find_map(|f| {
        let s = match obj.get(f)? {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Array(items) => items
                .iter()
                .filter_map(|v| v.as_str())
                .collect::<Vec<_>>()
                .join("، "),
            _ => return None,
        };
        (!s.trim().is_empty()).then_some(s)
    })
}

/// Like [`raw_field`], trimmed.
fn field(obj: &Map<String, Value>, fields: &[String]) -> Option<String> {
    raw_field(obj, fields).map(|s| s.trim().to_string())
}

/// Articles of one record; `Err` is the reason it was rejected.
pub fn record_articles(value: &Value, index: u32, map: &FieldMap) -> Result<Vec<Article>, String> {
    let Value::Object(obj) = value else {
        return Err(format!("record is not an object but {}", kind_of(value)));
    };
    let Some(content) = raw_field(obj, &map.body) else {
        let present: Vec<&str> = map
            .body
            .iter()
            .filter(|f| obj.contains_key(f.as_str()))
            .map(String::as_str)
            .collect();
        return Err(match present.first() {
            Some(f) => format!("empty `{f}`"),
            None => format!("no body field (tried {})", map.body.join(", ")),
        });
    };
    let title = field(obj, &map.title);
    let mut articles = if html::looks_like_html(&content) {
        crate::html_articles(&content)
    } else {
        scrape::analyze(
            &content,
            &scrape::Hints {
                title: title.clone(),
            },
        )
    };
    if articles.first().is_none_or(|a| a.body.trim().is_empty()) {
        return Err("no body text left after cleaning".into());
    }
    let url = field(obj, &map.url);
    let source = field(obj, &map.source);
    let published = field(obj, &map.published).and_then(|d| crate::date_from_field(&d));
    let crawled = field(obj, &map.crawled).and_then(|d| crate::date_from_field(&d));
    let author = field(obj, &map.author);
    for a in &mut articles {
        a.record = Some(index);
        a.source_label = source.clone().or(a.source_label.take());
        a.crawled = crawled.or(a.crawled);
        if a.parent.is_none() {
            a.url = url.clone().or(a.url.take());
            a.publisher = url
                .as_deref()
                .and_then(url_host)
                .or(a.publisher.take())
                .or_else(|| source.clone());
            a.published = published.or(a.published);
            a.author = author.clone().or(a.author.take());
            if a.title.is_none() {
                a.title = title.clone();
            }
        }
    }
    Ok(articles)
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn push_record(out: &mut Parsed, value: &Value, index: u32, map: &FieldMap) {
    out.records += 1;
    match record_articles(value, index, map) {
        Ok(mut arts) => {
            // The record's page comes first; its appended articles point to it.
            let base = out.articles.len() as u32;
            for (i, a) in arts.iter_mut().enumerate() {
                a.index = base + i as u32;
                if a.parent.is_some() {
                    a.parent = Some(base);
                }
            }
            out.articles.extend(arts);
        }
        Err(reason) => out.rejects.push(Reject {
            record: index,
            reason,
        }),
    }
}

/// Line and column (1-based) of byte offset `off` in `text`.
fn line_col(text: &str, off: usize) -> (usize, usize) {
    let before = &text[..off.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.len() - before.rfind('\n').map_or(0, |p| p + 1) + 1;
    (line, col)
}

/// Parses a JSON document (array, object holding an array, single record) or
/// JSON Lines.
pub fn parse(text: &str, format: Format, map: &FieldMap) -> Result<Parsed, InputError> {
    let mut out = Parsed {
        format,
        encoding: String::new(),
        records: 0,
        articles: vec![],
        rejects: vec![],
        warnings: Vec::new(),
        error: None,
    };
    if format == Format::JsonLines {
        for (n, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let lineno = n as u32 + 1;
            match serde_json::from_str::<Value>(line) {
                Ok(v) => push_record(&mut out, &v, lineno, map),
                Err(e) => {
                    out.records += 1;
                    out.rejects.push(Reject {
                        record: lineno,
                        reason: format!("invalid JSON on line {lineno}: {e}"),
                    });
                }
            }
        }
        if out.articles.is_empty()
            && out.records == out.rejects.len() as u32
            && !out.rejects.is_empty()
            && out
                .rejects
                .iter()
                .all(|r| r.reason.starts_with("invalid JSON"))
        {
            return Err(InputError::Json(format!(
                "not JSON Lines: {}",
                out.rejects[0].reason
            )));
        }
        return Ok(out);
    }
    let body = text.trim_start_matches('\u{FEFF}');
    let start = body.len() - body.trim_start().len();
    if body[start..].starts_with('[') {
        parse_array(body, start + 1, &mut out, map)?;
        return Ok(out);
    }
    let value: Value = serde_json::from_str(body).map_err(|e| json_error(&e, 0))?;
    match value {
        Value::Object(ref obj) if field(obj, &map.body).is_none() => {
            // A wrapper object: its (first) array of objects holds the records.
            let records = obj
                .values()
                .find_map(|v| v.as_array().filter(|a| a.iter().any(Value::is_object)));
            match records {
                Some(items) => {
                    for (i, v) in items.iter().enumerate() {
                        push_record(&mut out, v, i as u32, map);
                    }
                }
                None => push_record(&mut out, &value, 0, map),
            }
        }
        _ => push_record(&mut out, &value, 0, map),
    }
    Ok(out)
}

fn json_error(e: &serde_json::Error, complete: u32) -> InputError {
    use serde_json::error::Category;
    let what = match e.classify() {
        Category::Eof => "truncated JSON (ends in the middle of a value)",
        Category::Syntax => "malformed JSON",
        Category::Data => "unexpected JSON data",
        Category::Io => "unreadable JSON",
    };
    let salvage = if complete > 0 {
        format!("; the {complete} complete records before it were kept")
    } else {
        String::new()
    };
    InputError::Json(format!(
        "{what} at line {} column {}{salvage}",
        e.line(),
        e.column()
    ))
}

/// Reads the elements of a JSON array one by one from byte `pos` (just after
/// the `[`), so that the records before a syntax error or truncation are kept.
fn parse_array(
    text: &str,
    mut pos: usize,
    out: &mut Parsed,
    map: &FieldMap,
) -> Result<(), InputError> {
    let skip_ws = |p: &mut usize| {
        while *p < text.len() && text.as_bytes()[*p].is_ascii_whitespace() {
            *p += 1;
        }
    };
    let fail = |out: &mut Parsed, err: InputError| -> Result<(), InputError> {
        if out.records == 0 {
            Err(err)
        } else {
            out.error = Some(err);
            Ok(())
        }
    };
    skip_ws(&mut pos);
    if text[pos..].starts_with(']') {
        return Ok(());
    }
    let mut index = 0u32;
    loop {
        let mut stream = serde_json::Deserializer::from_str(&text[pos..]).into_iter::<Value>();
        match stream.next() {
            Some(Ok(v)) => {
                pos += stream.byte_offset();
                push_record(out, &v, index, map);
                index += 1;
            }
            Some(Err(e)) => {
                let (l, c) = line_col(text, pos);
                let mut err = json_error(&e, out.records);
                if let InputError::Json(m) = &mut err {
                    // serde_json counts from the element; report file positions.
                    let rel = m
                        .find(" at line ")
                        .map(|i| m[..i].to_string())
                        .unwrap_or_default();
                    let tail = m
                        .find("; the")
                        .map(|i| m[i..].to_string())
                        .unwrap_or_default();
                    *m = format!("{rel} in record {index} (starting at line {l} column {c}){tail}");
                }
                return fail(out, err);
            }
            None => {
                return fail(
                    out,
                    InputError::Json(format!(
                        "truncated JSON: the array is not closed after {} records",
                        out.records
                    )),
                );
            }
        }
        skip_ws(&mut pos);
        match text.as_bytes().get(pos) {
            Some(b',') => {
                pos += 1;
                skip_ws(&mut pos);
            }
            Some(b']') => return Ok(()),
            Some(_) => {
                let (l, c) = line_col(text, pos);
                return fail(
                    out,
                    InputError::Json(format!(
                        "malformed JSON: expected `,` or `]` at line {l} column {c}"
                    )),
                );
            }
            None => {
                return fail(
                    out,
                    InputError::Json(format!(
                        "truncated JSON: the array is not closed after {} records",
                        out.records
                    )),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REC1: &str = r#"{"source": "example", "url": "http://example.com/a/1", "date_extracted": "2015-07-23 19:28:17", "title": "افتتاح مكتبة عامة جديدة", "author": "", "content": "افتتحت البلدية اليوم مكتبة عامة جديدة في وسط المدينة تضم آلاف الكتب.\nوقال رئيس البلدية إن المكتبة ستفتح أبوابها يومياً."}"#;
    const REC2: &str = r#"{"source": "example", "url": "http://example.com/a/2", "date_extracted": "2015-07-24 08:00:00", "title": "موسم الحصاد", "author": "كاتب", "content": "بدأ المزارعون موسم الحصاد في السهول الشمالية وسط توقعات بمحصول وفير."}"#;
    const EMPTY: &str = r#"{"source": "example", "url": "http://example.com/a/3", "date_extracted": "2015-07-24 09:00:00", "title": "عنوان بلا نص", "author": "", "content": ""}"#;

    fn parse_str(s: &str, f: Format) -> Result<Parsed, InputError> {
        parse(s, f, &FieldMap::default())
    }

    #[test]
    fn saudinewsnet_style_array() {
        let doc = format!("[\n{REC1},\n{REC2},\n{EMPTY}\n]");
        let p = parse_str(&doc, Format::Json).unwrap();
        assert_eq!(p.records, 3);
        assert_eq!(p.articles.len(), 2);
        assert_eq!(
            p.rejects,
            vec![Reject {
                record: 2,
                reason: "empty `content`".into()
            }]
        );
        let a = &p.articles[0];
        assert_eq!(a.title.as_deref(), Some("افتتاح مكتبة عامة جديدة"));
        assert_eq!(a.url.as_deref(), Some("http://example.com/a/1"));
        assert_eq!(a.source_label.as_deref(), Some("example"));
        assert_eq!(a.publisher.as_deref(), Some("example.com"));
        assert_eq!(a.crawled.unwrap().to_string(), "2015-07-23T19:28:17Z");
        assert_eq!(a.record, Some(0));
        assert!(a.body.starts_with("افتتحت البلدية") && a.body.contains("\n\nوقال رئيس"));
        assert_eq!(p.articles[1].author.as_deref(), Some("كاتب"));
    }

    #[test]
    fn body_offsets_refer_to_the_field_as_stored() {
        let content =
            "\u{00A0}\u{00A0} صورة من الحفل (رويترز)\nافتتح الحفل مساء أمس بحضور جمهور كبير.";
        let doc = serde_json::json!([{"title": "حفل", "content": content}]).to_string();
        let p = parse_str(&doc, Format::Json).unwrap();
        let a = &p.articles[0];
        for s in a.body_alignment.segments() {
            assert_eq!(
                &a.body.as_bytes()[s.dst..s.dst + s.len],
                &content.as_bytes()[s.src..s.src + s.len]
            );
        }
        for r in &a.regions {
            let t = r.span.slice(content);
            assert_eq!(t, t.trim(), "regions are trimmed lines of the field: {t:?}");
        }
        assert_eq!(a.caption.as_deref(), Some("صورة من الحفل (رويترز)"));
    }

    #[test]
    fn truncated_array_keeps_complete_records() {
        let doc = format!("[{REC1}, {REC2}, {{\"title\": \"مقطوع\", \"content\": \"نص لم");
        let p = parse_str(&doc, Format::Json).unwrap();
        assert_eq!(p.articles.len(), 2);
        let err = p.error.unwrap().to_string();
        assert!(
            err.contains("truncated JSON") && err.contains("2 complete records"),
            "{err}"
        );
        // Truncated before any complete record: an error for the whole file.
        let e = parse_str("[{\"title\": \"x\", \"cont", Format::Json).unwrap_err();
        assert!(e.to_string().starts_with("truncated JSON"), "{e}");
        let e = parse_str(&format!("[{REC1}"), Format::Json).unwrap();
        assert!(e.error.unwrap().to_string().contains("not closed"));
    }

    #[test]
    fn malformed_json_is_reported_with_position() {
        let e = parse_str("[{\"title\": \"x\" \"content\": 1}]", Format::Json).unwrap_err();
        assert!(
            e.to_string().starts_with("malformed JSON in record 0"),
            "{e}"
        );
        let e = parse_str("{\"a\": }", Format::Json).unwrap_err();
        assert!(e.to_string().contains("line 1 column"), "{e}");
    }

    #[test]
    fn json_lines_with_a_bad_line() {
        let doc = format!("{REC1}\n{{not json}}\n{REC2}\n\n");
        let p = parse_str(&doc, Format::JsonLines).unwrap();
        assert_eq!((p.records, p.articles.len()), (3, 2));
        assert_eq!(p.rejects.len(), 1);
        assert!(p.rejects[0].reason.starts_with("invalid JSON on line 2"));
    }

    #[test]
    fn wrapper_object_and_single_record_and_non_objects() {
        let p = parse_str(&format!("{{\"articles\": [{REC1}, {REC2}]}}"), Format::Json).unwrap();
        assert_eq!(p.articles.len(), 2);
        let p = parse_str(REC2, Format::Json).unwrap();
        assert_eq!(p.articles.len(), 1);
        let p = parse_str(&format!("[1, \"x\", {REC2}]"), Format::Json).unwrap();
        assert_eq!(p.articles.len(), 1);
        assert_eq!(p.rejects[0].reason, "record is not an object but a number");
    }

    #[test]
    fn field_overrides() {
        let mut m = FieldMap::default();
        m.set("body=matn").unwrap();
        m.set("title=onwan").unwrap();
        assert!(m.set("colour=x").is_err() && m.set("nonsense").is_err());
        let doc =
            r#"[{"onwan": "عنوان", "matn": "نص الخبر الكامل هنا.", "published": "2024-06-03"}]"#;
        let p = parse(doc, Format::Json, &m).unwrap();
        assert_eq!(p.articles[0].title.as_deref(), Some("عنوان"));
        assert_eq!(p.articles[0].published.unwrap().to_string(), "2024-06-03");
    }
}
