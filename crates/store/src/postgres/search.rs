//! The full-text index: one `tsvector` per article, written from rasd's
//! own terms (`rasd-search` folds and stems them), never parsed by a
//! PostgreSQL text-search configuration.
//!
//! The columns become weights: title `A`, title_extra `B`, body `C`,
//! body_extra `D` (ranked 1, 0.5, 0.25 and 0.125, as SQLite's bm25 column
//! weights 4 : 2 : 1 : 0.5). Title and body words keep their positions, one
//! position apart from the other column so that no phrase spans two, and a
//! phrase of several words matches only `A` and `C` positions. PostgreSQL
//! keeps positions up to 16,383 and 256 positions per term: a phrase past
//! the 16,383rd word of an article is not found there (its words are).

use std::collections::BTreeMap;
use std::fmt::Write;

use super::PgStore;
use crate::{Phrase, Result, SearchMatch, SearchTerms};

/// PostgreSQL's largest tsvector position and positions kept per term.
const MAX_POS: u32 = 16_383;
const MAX_POSITIONS: usize = 256;
/// The largest tsvector text written for one article; terms past it are
/// left out (a tsvector is limited to 1 MB).
const MAX_VECTOR_BYTES: usize = 768 * 1024;
/// Rank weights of `{D, C, B, A}`; normalization 1 divides by 1 + the log
/// of the document's length, as bm25 discounts long documents.
const RANK: &str = "ts_rank('{0.125, 0.25, 0.5, 1.0}', terms, q, 1)";

/// Appends a lexeme as tsvector/tsquery text: quoted, `'` and `\` escaped.
fn lexeme(out: &mut String, term: &str) {
    out.push('\'');
    for c in term.chars() {
        if c == '\'' || c == '\\' {
            out.push(c);
        }
        out.push(c);
    }
    out.push('\'');
}

/// The tsvector text of an article's index terms.
pub(crate) fn tsvector_text(t: &SearchTerms) -> String {
    let mut lexemes: BTreeMap<&str, Vec<(u32, char)>> = BTreeMap::new();
    let mut pos = 0u32;
    for (text, weight) in [
        (&t.title, 'A'),
        (&t.body, 'C'),
        (&t.title_extra, 'B'),
        (&t.body_extra, 'D'),
    ] {
        for w in text.split_whitespace() {
            pos = (pos + 1).min(MAX_POS);
            let ps = lexemes.entry(w).or_default();
            if ps.len() < MAX_POSITIONS && ps.last().is_none_or(|&(p, _)| p < pos) {
                ps.push((pos, weight));
            }
        }
        // A gap: no phrase runs from one column into the next.
        pos = (pos + 1).min(MAX_POS);
    }
    let mut out = String::new();
    for (w, ps) in lexemes {
        let before = out.len();
        if !out.is_empty() {
            out.push(' ');
        }
        lexeme(&mut out, w);
        for (i, (p, wt)) in ps.iter().enumerate() {
            out.push(if i == 0 { ':' } else { ',' });
            let _ = write!(out, "{p}{wt}");
        }
        if out.len() > MAX_VECTOR_BYTES {
            out.truncate(before);
            break;
        }
    }
    out
}

/// The tsquery text of a match: a phrase of several words with `<->` over
/// title and body positions only.
pub(crate) fn tsquery_text(m: &SearchMatch) -> String {
    fn phrase(out: &mut String, p: &Phrase) {
        if let [w] = &p[..] {
            lexeme(out, w);
            return;
        }
        out.push('(');
        for (i, w) in p.iter().enumerate() {
            if i > 0 {
                out.push_str(" <-> ");
            }
            lexeme(out, w);
            out.push_str(":AC");
        }
        out.push(')');
    }
    fn clause(out: &mut String, c: &[Phrase]) {
        out.push('(');
        for (i, p) in c.iter().enumerate() {
            if i > 0 {
                out.push_str(" | ");
            }
            phrase(out, p);
        }
        out.push(')');
    }
    let mut out = String::new();
    for (i, c) in m.all.iter().enumerate() {
        if i > 0 {
            out.push_str(" & ");
        }
        clause(&mut out, c);
    }
    for c in &m.none {
        out.push_str(" & !");
        clause(&mut out, c);
    }
    out
}

pub(super) fn replace_search_index(
    s: &mut PgStore,
    items: &[(i64, SearchTerms)],
    version: i64,
) -> Result<()> {
    let ids: Vec<i64> = items.iter().map(|(id, _)| *id).collect();
    let vectors: Vec<String> = items.iter().map(|(_, t)| tsvector_text(t)).collect();
    let mut c = s.db();
    let mut tx = c.transaction()?;
    tx.execute(
        "INSERT INTO article_search (article_id, terms)
         SELECT id, v::tsvector FROM unnest($1::bigint[], $2::text[]) AS x(id, v)
         ON CONFLICT (article_id) DO UPDATE SET terms = EXCLUDED.terms",
        &[&ids, &vectors],
    )?;
    tx.execute(
        "UPDATE articles SET search_version = $2 WHERE id = ANY($1)",
        &[&ids, &version],
    )?;
    tx.commit()?;
    Ok(())
}

pub(super) fn drop_search_index_below(s: &mut PgStore, version: i64) -> Result<bool> {
    let mut c = s.db();
    let mut tx = c.transaction()?;
    let old: bool = tx
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM articles WHERE search_version > 0 AND search_version < $1)",
            &[&version],
        )?
        .try_get(0)?;
    if old {
        tx.batch_execute(
            "DELETE FROM article_search;
             UPDATE articles SET search_version = 0 WHERE search_version <> 0;",
        )?;
    }
    tx.commit()?;
    Ok(old)
}

pub(super) fn search(
    s: &PgStore,
    m: &SearchMatch,
    limit: usize,
    offset: usize,
) -> Result<Vec<(i64, f64)>> {
    if m.all.is_empty() {
        return Ok(Vec::new());
    }
    let clamp = |n: usize| n.min(i64::MAX as usize) as i64;
    let rows = s.db().query(
        &format!(
            "SELECT article_id, {RANK}::float8 AS r FROM article_search, (SELECT $1::text::tsquery AS q) AS x
             WHERE terms @@ q ORDER BY r DESC, article_id LIMIT $2 OFFSET $3"
        ),
        &[&tsquery_text(m), &clamp(limit), &clamp(offset)],
    )?;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect()
}

pub(super) fn search_count(s: &PgStore, m: &SearchMatch, cap: usize) -> Result<usize> {
    if m.all.is_empty() {
        return Ok(0);
    }
    let n: i64 = s
        .db()
        .query_one(
            "SELECT count(*) FROM (SELECT 1 FROM article_search WHERE terms @@ $1::text::tsquery LIMIT $2) x",
            &[&tsquery_text(m), &(cap.min(i64::MAX as usize) as i64)],
        )?
        .try_get(0)?;
    Ok(n as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vector_text_has_weights_positions_and_gaps() {
        let t = SearchTerms {
            title: "حفتر موسكو".into(),
            body: "زار حفتر".into(),
            title_extra: "وموسكو".into(),
            body_extra: String::new(),
        };
        assert_eq!(
            tsvector_text(&t),
            "'حفتر':1A,5C 'زار':4C 'موسكو':2A 'وموسكو':7B"
        );
        let q = "it's a\\b".split(' ').map(String::from).collect::<Vec<_>>();
        let t = SearchTerms {
            body: q.join(" "),
            ..SearchTerms::default()
        };
        assert_eq!(tsvector_text(&t), "'a\\\\b':3C 'it''s':2C");
    }

    #[test]
    fn query_text_ands_ors_phrases_and_nots() {
        let m = SearchMatch {
            all: vec![
                vec![vec!["قاهره".into()], vec!["والقاهره".into()]],
                vec![vec!["وزير".into(), "خارجيه".into()]],
            ],
            none: vec![vec![vec!["حفتر".into()]]],
        };
        assert_eq!(
            tsquery_text(&m),
            "('قاهره' | 'والقاهره') & (('وزير':AC <-> 'خارجيه':AC)) & !('حفتر')"
        );
    }
}
