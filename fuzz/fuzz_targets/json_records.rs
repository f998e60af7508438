//! JSON arrays and JSON Lines with a non-default field map (`--field`
//! overrides, themselves taken from the input): parsing never panics, every
//! record is counted, and each article's body alignment copies the bytes of
//! the record's body field exactly.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rasd_ingest::json::{parse, record_articles, FieldMap};
use rasd_ingest::Format;
use serde_json::{Map, Value};

/// The record's body field as `json::raw_field` picks it.
fn raw_body(obj: &Map<String, Value>, fields: &[String]) -> Option<String> {
    fields.iter().find_map(|f| {
        let s = match obj.get(f)? {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Array(items) => items.iter().filter_map(|v| v.as_str()).collect::<Vec<_>>().join("، "),
            _ => return None,
        };
        (!s.trim().is_empty()).then_some(s)
    })
}

fn check(value: &Value, map: &FieldMap) {
    let Ok(arts) = record_articles(value, 0, map) else { return };
    let Value::Object(obj) = value else { panic!("articles from a non-object") };
    let body = raw_body(obj, &map.body).expect("articles without a body field");
    for a in &arts {
        for s in a.body_alignment.segments() {
            assert_eq!(&a.body.as_bytes()[s.dst..s.dst + s.len], &body.as_bytes()[s.src..s.src + s.len]);
        }
    }
}

fuzz_target!(|data: &str| {
    // First line: extra `ATTR=FIELD` overrides separated by `;`.
    let (specs, text) = data.split_once('\n').unwrap_or(("", data));
    let mut map = FieldMap::default();
    for spec in ["body=content_ar", "title=headline_ar", "date=when", "url=permalink", "source=outlet_ar", "author=by", "crawled=seen"] {
        map.set(spec).unwrap();
    }
    for spec in specs.split(';') {
        let _ = map.set(spec);
    }
    for format in [Format::Json, Format::JsonLines] {
        if let Ok(p) = parse(text, format, &map) {
            assert!(p.rejects.len() as u32 <= p.records);
            for a in &p.articles {
                assert!(a.body_alignment.copied_len() <= a.body.len());
            }
        }
    }
    if let Ok(v) = serde_json::from_str::<Value>(text) {
        match &v {
            Value::Array(items) => items.iter().take(16).for_each(|r| check(r, &map)),
            _ => check(&v, &map),
        }
    }
    for line in text.lines().take(16) {
        if let Ok(v) = serde_json::from_str::<Value>(line) {
            check(&v, &map);
        }
    }
});
