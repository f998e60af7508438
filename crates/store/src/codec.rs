//! Encodings shared by the backends: how rows hold JSON, enums, term
//! vectors and article keys, and the hash of exact duplicates.

use crate::{EntityRecord, Result, StoreError, StoredArticle};
use rasd_doc::{Alignment, Article, Region, Segment};

/// The hash that decides exact duplicates: bodies equal up to whitespace.
/// SHA-256 of the words joined by single spaces, first 128 bits in hex.
pub fn body_hash(body: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for (i, w) in body.split_whitespace().enumerate() {
        if i > 0 {
            h.update(b" ");
        }
        h.update(w.as_bytes());
    }
    h.finalize()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Parses a stored article vector.
pub(crate) fn parse_vector(id: i64, text: &str) -> Result<Vec<(String, f32)>> {
    let mut v = Vec::new();
    for line in text.lines() {
        let parsed = line
            .rsplit_once(' ')
            .and_then(|(t, w)| w.parse::<f32>().ok().map(|w| (t.to_string(), w)));
        match parsed {
            Some(tw) => v.push(tw),
            None => {
                return Err(StoreError::Corrupt {
                    what: format!("term vector of article {id}"),
                    reason: format!("bad line {line:?}"),
                })
            }
        }
    }
    Ok(v)
}

/// The article vector as stored: one `term weight` line per term.
pub(crate) fn vector_text(terms: &[(String, f32)]) -> String {
    use std::fmt::Write;
    let mut text = String::new();
    for (t, w) in terms {
        let _ = writeln!(text, "{t} {w:.4}");
    }
    text
}

pub(crate) fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("serialising plain data cannot fail")
}

pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(s: &str, what: &str) -> Result<T> {
    serde_json::from_str(s).map_err(|e| StoreError::Corrupt {
        what: what.to_string(),
        reason: e.to_string(),
    })
}

pub(crate) const ENTITY_COLS: &str = "id, etype, name, name_en, country, country_evidence, sector, place_id, lat, lon, mentions, articles, variants, roles";

pub(crate) fn parse_enum<T: serde::de::DeserializeOwned>(s: &str, what: &str) -> Result<T> {
    serde_json::from_value(serde_json::Value::String(s.to_string())).map_err(|e| {
        StoreError::Corrupt {
            what: what.to_string(),
            reason: e.to_string(),
        }
    })
}

/// The unique key of an article: its URL (with the position for items split
/// off the same record), else its input's hash and position.
pub(crate) fn article_key(a: &Article, sha256: &str) -> String {
    match (&a.url, a.parent) {
        (Some(u), None) => format!("url:{u}"),
        (Some(u), Some(p)) => format!("url:{u}#{}", a.index - p),
        (None, _) => format!("doc:{sha256}#{}", a.index),
    }
}

/// The columns of a stored article (`a`: articles, `i`: its input), in the
/// order the backends read them.
pub(crate) const ARTICLE_COLS: &str = "a.id, a.key, a.input_id, i.path, i.format, i.encoding, a.appended_to, a.exact_dup_of, a.kind, a.input_index, a.record, a.url, a.source_label, a.publisher, a.original_source, a.author, a.title, a.published, a.crawled, a.body, a.summary, a.caption, a.tags, a.related, a.links, a.alignment, a.regions, a.parent_index";

/// An entity row's JSON columns (`articles`, `variants`, `roles`) parsed.
pub(crate) fn finish_entity((mut e, cols): (EntityRecord, [String; 3])) -> Result<EntityRecord> {
    let what = format!("entity {}", e.id);
    e.articles = parse_json(&cols[0], &what)?;
    e.variants = parse_json(&cols[1], &what)?;
    e.roles = parse_json(&cols[2], &what)?;
    Ok(e)
}

/// An article row's JSON columns (`tags`, `related`, `links`,
/// `alignment`, `regions`) parsed.
pub(crate) fn finish_article(
    (mut sa, cols): (StoredArticle, [String; 5]),
) -> Result<StoredArticle> {
    let what = format!("article {}", sa.id);
    let a = &mut sa.article;
    a.tags = parse_json(&cols[0], &what)?;
    a.related = parse_json(&cols[1], &what)?;
    a.links = parse_json(&cols[2], &what)?;
    let segs: Vec<(usize, usize, usize)> = parse_json(&cols[3], &what)?;
    a.body_alignment = Alignment::from_segments(
        segs.into_iter()
            .map(|(dst, src, len)| Segment { dst, src, len })
            .collect(),
    )
    .map_err(|reason| StoreError::Corrupt {
        what: what.clone(),
        reason,
    })?;
    a.regions = parse_json::<Vec<Region>>(&cols[4], &what)?;
    Ok(sa)
}

/// Adds a stored mention row (`field`, `start`, `end`, `etype`, the index
/// of its article entity) to the article's entities.
pub(crate) fn attach_mention(
    out: &mut [crate::StoredDocEntity],
    row: (&str, i64, i64, &str, i64),
    what: &str,
) -> Result<()> {
    let (field, start, end, etype, idx) = row;
    let corrupt = |reason: String| StoreError::Corrupt {
        what: what.to_string(),
        reason,
    };
    let m = rasd_entity::Mention {
        field: rasd_doc::Field::parse(field)
            .ok_or_else(|| corrupt(format!("unknown field {field:?}")))?,
        start: start as usize,
        end: end as usize,
        etype: rasd_entity::EntityType::parse(etype)
            .ok_or_else(|| corrupt(format!("unknown entity type {etype:?}")))?,
    };
    let e = usize::try_from(idx)
        .ok()
        .and_then(|i| out.get_mut(i))
        .ok_or_else(|| corrupt(format!("mention of a missing entity {idx}")))?;
    e.mentions.push(m);
    Ok(())
}
