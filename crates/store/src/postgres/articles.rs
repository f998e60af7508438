//! Inputs, articles, time expressions, problems: the ingest side.

use std::collections::{BTreeMap, HashMap};

use ::postgres::types::{ToSql, Type};
use ::postgres::{Row, Transaction};
use rasd_doc::{Article, ArticleKind, DateValue, Field, Span, TimeMention};

use super::{PgStore, PAGE};
use crate::codec::{
    article_key, body_hash, finish_article, json, parse_enum, parse_json, ARTICLE_COLS,
};
use crate::{
    decompress, ArticleEntities, ArticleQuery, ArticleText, InputBatch, InputStatus, Problem,
    Result, Stage, Stats, StoreError, StoredArticle, WriteOutcome,
};

/// Rows per statement of the bulk inserts (`unnest` of arrays).
const CHUNK: usize = 10_000;

type Param<'a> = &'a (dyn ToSql + Sync);

fn corrupt(what: impl Into<String>, reason: impl Into<String>) -> StoreError {
    StoreError::Corrupt {
        what: what.into(),
        reason: reason.into(),
    }
}

/// A stored count or position that must fit a `u32`.
fn to_u32(v: i64, what: &dyn Fn() -> String, column: &str) -> Result<u32> {
    u32::try_from(v).map_err(|_| corrupt(what(), format!("{column} {v} out of range")))
}

fn opt_u32(v: Option<i64>, what: &dyn Fn() -> String, column: &str) -> Result<Option<u32>> {
    v.map(|v| to_u32(v, what, column)).transpose()
}

/// A row of [`ARTICLE_COLS`] as a stored article.
fn row_to_article(r: &Row) -> Result<StoredArticle> {
    let id: i64 = r.try_get(0)?;
    let what = || format!("article {id}");
    let kind: String = r.try_get(8)?;
    let mut a = Article::new(
        ArticleKind::parse(&kind).unwrap_or(ArticleKind::Page),
        to_u32(r.try_get(9)?, &what, "input_index")?,
    );
    a.record = opt_u32(r.try_get(10)?, &what, "record")?;
    a.url = r.try_get(11)?;
    a.source_label = r.try_get(12)?;
    a.publisher = r.try_get(13)?;
    a.original_source = r.try_get(14)?;
    a.author = r.try_get(15)?;
    a.title = r.try_get(16)?;
    a.published = r
        .try_get::<_, Option<String>>(17)?
        .as_deref()
        .and_then(DateValue::parse_iso);
    a.crawled = r
        .try_get::<_, Option<String>>(18)?
        .as_deref()
        .and_then(DateValue::parse_iso);
    a.body = r.try_get(19)?;
    a.summary = r.try_get(20)?;
    a.caption = r.try_get(21)?;
    a.parent = opt_u32(r.try_get(27)?, &what, "parent_index")?;
    let json_cols = [
        r.try_get(22)?,
        r.try_get(23)?,
        r.try_get(24)?,
        r.try_get(25)?,
        r.try_get(26)?,
    ];
    let sa = StoredArticle {
        id,
        key: r.try_get(1)?,
        input_id: r.try_get(2)?,
        input_path: r.try_get(3)?,
        format: r.try_get(4)?,
        encoding: r.try_get(5)?,
        appended_to: r.try_get(6)?,
        exact_duplicate_of: r.try_get(7)?,
        article: a,
    };
    finish_article((sa, json_cols))
}

/// Time-expression rows gathered for one bulk insert, in insertion order.
#[derive(Default)]
struct TimexRows<'a> {
    article: Vec<i64>,
    field: Vec<&'static str>,
    start: Vec<i64>,
    end: Vec<i64>,
    text: Vec<&'a str>,
    value: Vec<Option<&'a str>>,
    grain: Vec<&'static str>,
    kind: Vec<&'static str>,
    offset: Vec<Option<&'a str>>,
    flags: Vec<String>,
}

impl<'a> TimexRows<'a> {
    fn push(&mut self, article_id: i64, tm: &'a [TimeMention]) {
        for t in tm {
            self.article.push(article_id);
            self.field.push(t.field.as_str());
            self.start.push(t.span.start as i64);
            self.end.push(t.span.end as i64);
            self.text.push(&t.text);
            self.value.push(t.value.as_deref());
            self.grain.push(t.grain.as_str());
            self.kind.push(t.kind.as_str());
            self.offset.push(t.offset.as_deref());
            self.flags.push(json(&t.flags));
        }
    }

    fn write(&self, tx: &mut Transaction) -> Result<()> {
        const SQL: &str = r#"INSERT INTO timexes (article_id, field, start, "end", text, value, grain, kind, "offset", flags)
            SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[])"#;
        for lo in (0..self.article.len()).step_by(CHUNK) {
            let r = lo..(lo + CHUNK).min(self.article.len());
            tx.query_typed(
                SQL,
                &[
                    (&&self.article[r.clone()], Type::INT8_ARRAY),
                    (&&self.field[r.clone()], Type::TEXT_ARRAY),
                    (&&self.start[r.clone()], Type::INT8_ARRAY),
                    (&&self.end[r.clone()], Type::INT8_ARRAY),
                    (&&self.text[r.clone()], Type::TEXT_ARRAY),
                    (&&self.value[r.clone()], Type::TEXT_ARRAY),
                    (&&self.grain[r.clone()], Type::TEXT_ARRAY),
                    (&&self.kind[r.clone()], Type::TEXT_ARRAY),
                    (&&self.offset[r.clone()], Type::TEXT_ARRAY),
                    (&&self.flags[r], Type::TEXT_ARRAY),
                ],
            )?;
        }
        Ok(())
    }
}

/// Article-entity and mention rows gathered for one bulk insert, in the
/// order SQLite inserts them (by article, entity, mention).
#[derive(Default)]
struct EntityRows {
    e_article: Vec<i64>,
    e_idx: Vec<i64>,
    e_data: Vec<String>,
    m_article: Vec<i64>,
    m_field: Vec<&'static str>,
    m_start: Vec<i64>,
    m_end: Vec<i64>,
    m_etype: Vec<&'static str>,
    m_entity: Vec<i64>,
}

impl EntityRows {
    /// Adds the rows of one article's entities (an article without rows
    /// yet: nothing is deleted).
    fn push(&mut self, article_id: i64, ae: &ArticleEntities) {
        for (idx, e) in ae.entities.iter().enumerate() {
            self.e_article.push(article_id);
            self.e_idx.push(idx as i64);
            self.e_data.push(json(e));
            for &m in &e.mentions {
                if let Some(m) = ae.mentions.get(m) {
                    self.m_article.push(article_id);
                    self.m_field.push(m.field.as_str());
                    self.m_start.push(m.start as i64);
                    self.m_end.push(m.end as i64);
                    self.m_etype.push(m.etype.as_str());
                    self.m_entity.push(idx as i64);
                }
            }
        }
    }
}

pub(super) fn input_status(s: &PgStore, sha256: &str) -> Result<Option<InputStatus>> {
    let row = s.db().query_typed_opt(
        "SELECT complete, records,
                (SELECT count(*) FROM articles WHERE input_id = inputs.id),
                (SELECT count(*) FROM rejects WHERE input_id = inputs.id),
                error
         FROM inputs WHERE sha256 = $1",
        &[(&sha256, Type::TEXT)],
    )?;
    let Some(r) = row else {
        return Ok(None);
    };
    let what = || format!("input {sha256}");
    Ok(Some(InputStatus {
        complete: r.try_get(0)?,
        records: to_u32(r.try_get(1)?, &what, "records")?,
        articles: to_u32(r.try_get(2)?, &what, "article count")?,
        rejects: to_u32(r.try_get(3)?, &what, "reject count")?,
        error: r.try_get(4)?,
    }))
}

/// Finds the input (locking its row) or inserts it, in one round trip: a
/// writer of the same input in another process waits for this one.
const INPUT_SQL: &str =
    "WITH sel AS (SELECT id, complete FROM inputs WHERE sha256 = $3 FOR UPDATE),
ins AS (
    INSERT INTO inputs (path, archive, sha256, size, format, encoding, raw, records, error)
    SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9 WHERE NOT EXISTS (SELECT 1 FROM sel)
    ON CONFLICT (sha256) DO NOTHING
    RETURNING id, complete
)
SELECT id, complete FROM sel UNION ALL SELECT id, complete FROM ins";

/// Inserts an article unless its key is stored (its exact duplicate found
/// in the same statement); returns (id, exact duplicate of, inserted), or
/// the stored article's id when the key was there. The insert is skipped,
/// not left to the conflict, where the key is seen: a conflict would use up
/// an id, and ids would no longer follow SQLite's.
const ARTICLE_SQL: &str = "WITH old AS (SELECT id FROM articles WHERE key = $1),
ins AS (
    INSERT INTO articles (key, input_id, input_index, record, kind, appended_to, url, source_label, publisher, original_source, author, title, published, crawled, body, body_hash, summary, caption, tags, related, links, alignment, regions, exact_dup_of, parent_index, time_version, entity_version)
    SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23,
           (SELECT min(id) FROM articles WHERE body_hash = $16), $24, $25, $26
    WHERE NOT EXISTS (SELECT 1 FROM old)
    ON CONFLICT (key) DO NOTHING
    RETURNING id, exact_dup_of
)
SELECT id, exact_dup_of, true FROM ins
UNION ALL SELECT id, NULL, false FROM old";

const ARTICLE_TYPES: [Type; 26] = [
    Type::TEXT,
    Type::INT8,
    Type::INT8,
    Type::INT8,
    Type::TEXT,
    Type::INT8,
    Type::TEXT,
    Type::TEXT,
    Type::TEXT,
    Type::TEXT,
    Type::TEXT,
    Type::TEXT,
    Type::TEXT,
    Type::TEXT,
    Type::TEXT,
    Type::TEXT,
    Type::TEXT,
    Type::TEXT,
    Type::TEXT,
    Type::TEXT,
    Type::TEXT,
    Type::TEXT,
    Type::TEXT,
    Type::INT8,
    Type::INT8,
    Type::INT8,
];

/// The rest of an input in one statement: the time expressions, entities
/// and mentions of its new articles and its rejects, each one bulk insert
/// (in the order SQLite inserts them), and the complete flag.
const FINISH_SQL: &str = r#"WITH t AS (
    INSERT INTO timexes (article_id, field, start, "end", text, value, grain, kind, "offset", flags)
    SELECT * FROM unnest($4::bigint[], $5::text[], $6::bigint[], $7::bigint[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[])
), e AS (
    INSERT INTO doc_entities (article_id, idx, data)
    SELECT * FROM unnest($14::bigint[], $15::bigint[], $16::text[])
), m AS (
    INSERT INTO mentions (article_id, field, start, "end", etype, doc_entity)
    SELECT * FROM unnest($17::bigint[], $18::text[], $19::bigint[], $20::bigint[], $21::text[], $22::bigint[])
), r AS (
    INSERT INTO rejects (input_id, record, reason)
    SELECT $1, * FROM unnest($23::bigint[], $24::text[])
    ON CONFLICT (input_id, record) DO UPDATE SET reason = EXCLUDED.reason
), w AS (
    INSERT INTO input_warnings (input_id, position, record, reason)
    SELECT $1, * FROM unnest($26::bigint[], $27::bigint[], $28::text[])
    ON CONFLICT (input_id, position) DO UPDATE SET record = EXCLUDED.record, reason = EXCLUDED.reason
)
UPDATE inputs SET complete = NOT $25::boolean, records = $2, error = $3 WHERE id = $1"#;

/// One transaction of few round trips: the input row (found or inserted),
/// one per article, then [`FINISH_SQL`]. Another process writing the same
/// input waits for this one; an article it stores under the same key
/// meanwhile counts as already stored, as in SQLite, but an equal body it
/// commits while an article statement runs is not seen as an exact
/// duplicate of it.
pub(super) fn write_input(s: &mut PgStore, b: &InputBatch) -> Result<WriteOutcome> {
    let mut c = s.db();
    let mut tx = c.transaction()?;
    let mut out = WriteOutcome::default();
    let size = b.size as i64;
    let records = i64::from(b.records);
    let mut found = None;
    // A second try finds the row of a writer that committed the same input
    // while the first ran.
    for _ in 0..3 {
        found = tx.query_typed_opt(
            INPUT_SQL,
            &[
                (&b.path, Type::TEXT),
                (&b.archive, Type::TEXT),
                (&b.sha256, Type::TEXT),
                (&size, Type::INT8),
                (&b.format, Type::TEXT),
                (&b.encoding, Type::TEXT),
                (&b.raw_deflated, Type::BYTEA),
                (&records, Type::INT8),
                (&b.error, Type::TEXT),
            ],
        )?;
        if found.is_some() {
            break;
        }
    }
    let Some(row) = found else {
        return Err(corrupt(
            format!("input {}", b.sha256),
            "neither found nor inserted",
        ));
    };
    if row.try_get::<_, bool>(1)? {
        out.already_stored = b.articles.len() as u32;
        return Ok(out);
    }
    let input_id: i64 = row.try_get(0)?;

    let prepared = if b.articles.len() > 1 {
        Some(tx.prepare_typed(ARTICLE_SQL, &ARTICLE_TYPES)?)
    } else {
        None
    };
    let mut ids: Vec<Option<i64>> = Vec::with_capacity(b.articles.len());
    let mut timexes = TimexRows::default();
    let mut entities = EntityRows::default();
    for (pos, a) in b.articles.iter().enumerate() {
        let key = article_key(a, b.sha256);
        // A parent is in this batch or an earlier one of the input.
        let parent_id = a.parent.and_then(|p| {
            let p = p as usize;
            match p.checked_sub(b.first as usize) {
                Some(i) => ids.get(i).copied().flatten(),
                None => b.earlier.get(p).copied().flatten(),
            }
        });
        let hash = body_hash(&a.body);
        let segs: Vec<(usize, usize, usize)> = a
            .body_alignment
            .segments()
            .iter()
            .map(|s| (s.dst, s.src, s.len))
            .collect();
        let tm = b.timexes.get(pos);
        let ae = b.entities.get(pos);
        let index = i64::from(a.index);
        let record = a.record.map(i64::from);
        let published = a.published.map(|d| d.to_string());
        let crawled = a.crawled.map(|d| d.to_string());
        let (tags, related, links) = (json(&a.tags), json(&a.related), json(&a.links));
        let (alignment, regions) = (json(&segs), json(&a.regions));
        let parent_index = a.parent.map(i64::from);
        let time_version = if tm.is_some() { b.time_version } else { 0 };
        let entity_version = if ae.is_some() { b.entity_version } else { 0 };
        let params: [Param; 26] = [
            &key,
            &input_id,
            &index,
            &record,
            &a.kind.as_str(),
            &parent_id,
            &a.url,
            &a.source_label,
            &a.publisher,
            &a.original_source,
            &a.author,
            &a.title,
            &published,
            &crawled,
            &a.body,
            &hash,
            &a.summary,
            &a.caption,
            &tags,
            &related,
            &links,
            &alignment,
            &regions,
            &parent_index,
            &time_version,
            &entity_version,
        ];
        let rows = match &prepared {
            Some(st) => tx.query(st, &params)?,
            None => {
                let typed: Vec<(Param, Type)> = params
                    .iter()
                    .copied()
                    .zip(ARTICLE_TYPES.iter().cloned())
                    .collect();
                tx.query_typed(ARTICLE_SQL, &typed)?
            }
        };
        let row: Option<(i64, Option<i64>, bool)> = rows
            .first()
            .map(|r| Ok::<_, ::postgres::Error>((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
            .transpose()?;
        match row {
            Some((id, dup_of, true)) => {
                if let Some(tm) = tm {
                    timexes.push(id, tm);
                }
                if let Some(ae) = ae {
                    entities.push(id, ae);
                }
                ids.push(Some(id));
                out.new_articles += 1;
                match a.kind {
                    ArticleKind::Appended => out.appended += 1,
                    ArticleKind::Part => out.parts += 1,
                    ArticleKind::Page => {}
                }
                if dup_of.is_some() {
                    out.exact_duplicates += 1;
                }
            }
            Some((id, _, false)) => {
                ids.push(Some(id));
                out.already_stored += 1;
            }
            // Stored by another process after the statement began.
            None => {
                let id = tx
                    .query_typed_opt(
                        "SELECT id FROM articles WHERE key = $1",
                        &[(&key, Type::TEXT)],
                    )?
                    .map(|r| r.try_get(0))
                    .transpose()?;
                ids.push(id);
                out.already_stored += 1;
            }
        }
    }
    out.ids = ids;
    // INSERT OR REPLACE: the last reason given for a record wins.
    let rejects: BTreeMap<u32, &str> = b
        .rejects
        .iter()
        .map(|(r, why)| (*r, why.as_str()))
        .collect();
    let rec: Vec<i64> = rejects.keys().map(|&r| i64::from(r)).collect();
    let why: Vec<&str> = rejects.values().copied().collect();
    let w_pos: Vec<i64> = (0..b.warnings.len() as i64).collect();
    let w_rec: Vec<Option<i64>> = b.warnings.iter().map(|(r, _)| r.map(i64::from)).collect();
    let w_why: Vec<&str> = b.warnings.iter().map(|(_, w)| w.as_str()).collect();
    let (t, e) = (&timexes, &entities);
    tx.query_typed(
        FINISH_SQL,
        &[
            (&input_id, Type::INT8),
            (&records, Type::INT8),
            (&b.error, Type::TEXT),
            (&t.article, Type::INT8_ARRAY),
            (&t.field, Type::TEXT_ARRAY),
            (&t.start, Type::INT8_ARRAY),
            (&t.end, Type::INT8_ARRAY),
            (&t.text, Type::TEXT_ARRAY),
            (&t.value, Type::TEXT_ARRAY),
            (&t.grain, Type::TEXT_ARRAY),
            (&t.kind, Type::TEXT_ARRAY),
            (&t.offset, Type::TEXT_ARRAY),
            (&t.flags, Type::TEXT_ARRAY),
            (&e.e_article, Type::INT8_ARRAY),
            (&e.e_idx, Type::INT8_ARRAY),
            (&e.e_data, Type::TEXT_ARRAY),
            (&e.m_article, Type::INT8_ARRAY),
            (&e.m_field, Type::TEXT_ARRAY),
            (&e.m_start, Type::INT8_ARRAY),
            (&e.m_end, Type::INT8_ARRAY),
            (&e.m_etype, Type::TEXT_ARRAY),
            (&e.m_entity, Type::INT8_ARRAY),
            (&rec, Type::INT8_ARRAY),
            (&why, Type::TEXT_ARRAY),
            (&b.more_to_come, Type::BOOL),
            (&w_pos, Type::INT8_ARRAY),
            (&w_rec, Type::INT8_ARRAY),
            (&w_why, Type::TEXT_ARRAY),
        ],
    )?;
    tx.commit()?;
    Ok(out)
}

/// Reads pages of at most [`PAGE`] rows by id, calling `f` between them
/// with the connection released.
pub(super) fn articles(
    s: &PgStore,
    q: &ArticleQuery,
    f: &mut dyn FnMut(StoredArticle) -> bool,
) -> Result<()> {
    let mut sql = format!(
        "SELECT {ARTICLE_COLS} FROM articles a JOIN inputs i ON i.id = a.input_id WHERE a.id > $1"
    );
    if q.pages_only {
        sql.push_str(" AND a.kind = 'page'");
    }
    if q.source_label.is_some() {
        sql.push_str(" AND a.source_label = $3");
    }
    sql.push_str(" ORDER BY a.id LIMIT $2");
    let mut after = q.after_id.unwrap_or(0);
    let mut left = q.limit.map_or(i64::MAX, |l| l.min(i64::MAX as u64) as i64);
    while left > 0 {
        let n = left.min(PAGE);
        let page: Vec<Result<StoredArticle>> = {
            let mut c = s.db();
            let mut params: Vec<(Param, Type)> = vec![(&after, Type::INT8), (&n, Type::INT8)];
            if let Some(l) = &q.source_label {
                params.push((l, Type::TEXT));
            }
            c.query_typed(&sql, &params)?
                .iter()
                .map(row_to_article)
                .collect()
        };
        let got = page.len() as i64;
        for sa in page {
            let sa = sa?;
            after = sa.id;
            if !f(sa) {
                return Ok(());
            }
        }
        if got < n {
            break;
        }
        left -= got;
    }
    Ok(())
}

pub(super) fn article(s: &PgStore, id: i64) -> Result<Option<StoredArticle>> {
    let sql = format!(
        "SELECT {ARTICLE_COLS} FROM articles a JOIN inputs i ON i.id = a.input_id WHERE a.id = $1"
    );
    let row = s.db().query_typed_opt(&sql, &[(&id, Type::INT8)])?;
    row.as_ref().map(row_to_article).transpose()
}

/// In one query; in the order of `ids`.
pub(super) fn articles_of(s: &PgStore, ids: &[i64]) -> Result<Vec<StoredArticle>> {
    let sql = format!(
        "SELECT {ARTICLE_COLS} FROM articles a JOIN inputs i ON i.id = a.input_id
         WHERE a.id = ANY($1)"
    );
    let rows = s.db().query_typed(&sql, &[(&ids, Type::INT8_ARRAY)])?;
    let mut by_id: std::collections::HashMap<i64, StoredArticle> = rows
        .iter()
        .map(|r| row_to_article(r).map(|a| (a.id, a)))
        .collect::<Result<_>>()?;
    Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
}

pub(super) fn input_raw(s: &PgStore, input_id: i64) -> Result<Option<Vec<u8>>> {
    let row = s.db().query_typed_opt(
        "SELECT raw FROM inputs WHERE id = $1",
        &[(&input_id, Type::INT8)],
    )?;
    row.map(|r| {
        let d: Vec<u8> = r.try_get(0)?;
        decompress(&d).map_err(|e| corrupt(format!("input {input_id}"), e.to_string()))
    })
    .transpose()
}

/// Ties among the grouped counts are ordered as SQLite's sorter leaves them
/// (the key descending where the query names no second key).
pub(super) fn stats(s: &PgStore) -> Result<Stats> {
    let mut c = s.db();
    let r = c.query_typed_one(
        r#"SELECT i.n, i.incomplete, i.errors, i.size, i.stored, r.n,
                  a.n, a.pages, a.appended, a.dups, a.dated, a.first, a.last
           FROM (SELECT count(*) AS n, count(*) FILTER (WHERE NOT complete) AS incomplete,
                        count(error) AS errors, coalesce(sum(size), 0)::bigint AS size,
                        coalesce(sum(length(raw)), 0)::bigint AS stored
                 FROM inputs) i,
                (SELECT count(*) AS n FROM rejects) r,
                (SELECT count(*) AS n, count(*) FILTER (WHERE kind = 'page') AS pages,
                        count(*) FILTER (WHERE kind = 'appended') AS appended,
                        count(exact_dup_of) AS dups, count(published) AS dated,
                        min(substr(published, 1, 10) COLLATE "C") AS first,
                        max(substr(published, 1, 10) COLLATE "C") AS last
                 FROM articles) a"#,
        &[],
    )?;
    let n = |i: usize| -> Result<u64> { Ok(r.try_get::<_, i64>(i)? as u64) };
    let mut pairs = |sql: &str| -> Result<Vec<(String, u64)>> {
        c.query_typed(sql, &[])?
            .iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get::<_, i64>(1)? as u64)))
            .collect()
    };
    Ok(Stats {
        inputs: n(0)?,
        inputs_incomplete: n(1)?,
        inputs_by_format: pairs(
            r#"SELECT format, count(*) FROM inputs GROUP BY format ORDER BY 2 DESC, format COLLATE "C" DESC"#,
        )?,
        articles: n(6)?,
        pages: n(7)?,
        appended: n(8)?,
        exact_duplicates: n(9)?,
        with_published_date: n(10)?,
        rejected_records: n(5)?,
        reject_reasons: pairs(
            r#"SELECT reason, count(*) FROM rejects GROUP BY reason ORDER BY 2 DESC, reason COLLATE "C" DESC LIMIT 10"#,
        )?,
        input_errors: n(2)?,
        sources: pairs(
            r#"SELECT coalesce(source_label, '(none)'), count(*) FROM articles GROUP BY 1
               ORDER BY 2 DESC, coalesce(source_label, '(none)') COLLATE "C" LIMIT 20"#,
        )?,
        first_published: r.try_get(11)?,
        last_published: r.try_get(12)?,
        raw_bytes: n(3)?,
        raw_bytes_stored: n(4)?,
    })
}

/// In insertion order (the identity column), as SQLite's rowid order.
pub(super) fn timexes(s: &PgStore, article_id: i64) -> Result<Vec<TimeMention>> {
    Ok(timexes_of(s, &[article_id])?.pop().unwrap_or_default())
}

/// In one query; in the order of `ids`.
pub(super) fn timexes_of(s: &PgStore, ids: &[i64]) -> Result<Vec<Vec<TimeMention>>> {
    let rows = s.db().query_typed(
        r#"SELECT article_id, field, start, "end", text, value, grain, kind, "offset", flags
           FROM timexes WHERE article_id = ANY($1) ORDER BY article_id, id"#,
        &[(&ids, Type::INT8_ARRAY)],
    )?;
    let mut by_id: std::collections::HashMap<i64, Vec<TimeMention>> =
        std::collections::HashMap::new();
    for r in &rows {
        let article_id: i64 = r.try_get(0)?;
        let what = || format!("time expressions of article {article_id}");
        let field: String = r.try_get(1)?;
        let start: i64 = r.try_get(2)?;
        let end: i64 = r.try_get(3)?;
        let grain: String = r.try_get(6)?;
        let kind: String = r.try_get(7)?;
        let flags: String = r.try_get(9)?;
        by_id.entry(article_id).or_default().push(TimeMention {
            field: Field::parse(&field)
                .ok_or_else(|| corrupt(what(), format!("unknown field {field}")))?,
            span: Span::new(start as usize, end as usize),
            text: r.try_get(4)?,
            value: r.try_get(5)?,
            grain: parse_enum(&grain, &what())?,
            kind: parse_enum(&kind, &what())?,
            offset: r.try_get(8)?,
            flags: parse_json(&flags, &what())?,
        });
    }
    Ok(ids
        .iter()
        .map(|id| by_id.remove(id).unwrap_or_default())
        .collect())
}

/// In bulk: the old rows of all the articles deleted, the new ones
/// inserted, the versions set. An article listed twice keeps its last list.
pub(super) fn replace_timexes(
    s: &mut PgStore,
    items: &[(i64, Vec<TimeMention>)],
    version: i64,
) -> Result<()> {
    if items.is_empty() {
        return Ok(());
    }
    let mut last: HashMap<i64, usize> = HashMap::with_capacity(items.len());
    for (i, (id, _)) in items.iter().enumerate() {
        last.insert(*id, i);
    }
    let mut ids = Vec::with_capacity(last.len());
    let mut rows = TimexRows::default();
    for (i, (id, tm)) in items.iter().enumerate() {
        if last.get(id) == Some(&i) {
            ids.push(*id);
            rows.push(*id, tm);
        }
    }
    let mut c = s.db();
    let mut tx = c.transaction()?;
    tx.query_typed(
        "DELETE FROM timexes WHERE article_id = ANY($1)",
        &[(&ids, Type::INT8_ARRAY)],
    )?;
    rows.write(&mut tx)?;
    tx.query_typed(
        "UPDATE articles SET time_version = $2 WHERE id = ANY($1)",
        &[(&ids, Type::INT8_ARRAY), (&version, Type::INT8)],
    )?;
    tx.commit()?;
    Ok(())
}

pub(super) fn articles_needing(
    s: &PgStore,
    stage: Stage,
    version: i64,
    after_id: i64,
    limit: u64,
) -> Result<Vec<i64>> {
    let column = match stage {
        Stage::Time => "time_version",
        Stage::Entities => "entity_version",
        Stage::Dedup => "dedup_version",
        Stage::Search => "search_version",
    };
    let sql =
        format!("SELECT id FROM articles WHERE {column} < $1 AND id > $2 ORDER BY id LIMIT $3");
    let limit = limit.min(i64::MAX as u64) as i64;
    s.db()
        .query_typed(
            &sql,
            &[
                (&version, Type::INT8),
                (&after_id, Type::INT8),
                (&limit, Type::INT8),
            ],
        )?
        .iter()
        .map(|r| Ok(r.try_get(0)?))
        .collect()
}

pub(super) fn appended_items(s: &PgStore, page_id: i64) -> Result<Vec<(i64, Option<String>)>> {
    s.db()
        .query_typed(
            "SELECT id, title FROM articles WHERE appended_to = $1 ORDER BY id",
            &[(&page_id, Type::INT8)],
        )?
        .iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect()
}

pub(super) fn exact_duplicate_group(s: &PgStore, id: i64) -> Result<Vec<i64>> {
    s.db()
        .query_typed(
            "SELECT b.id FROM articles a JOIN articles b ON b.body_hash = a.body_hash WHERE a.id = $1 ORDER BY b.id",
            &[(&id, Type::INT8)],
        )?
        .iter()
        .map(|r| Ok(r.try_get(0)?))
        .collect()
}

/// Ordered by path (bytewise, as SQLite) and record (none first); rows
/// equal in both keep SQLite's order: input errors, rejects, feed errors,
/// feed item errors, each in row order.
pub(super) fn note_input_failures(
    s: &mut PgStore,
    failed: &[(String, String)],
    ok: &[String],
) -> Result<()> {
    if failed.is_empty() && ok.is_empty() {
        return Ok(());
    }
    let (paths, reasons): (Vec<&str>, Vec<&str>) =
        failed.iter().map(|(p, r)| (p.as_str(), r.as_str())).unzip();
    let mut c = s.db();
    let mut tx = c.transaction()?;
    tx.execute("DELETE FROM input_failures WHERE path = ANY($1)", &[&ok])?;
    // One row per path: the last reason given wins, as SQLite's REPLACE.
    tx.execute(
        "INSERT INTO input_failures (path, reason)
         SELECT DISTINCT ON (p) p, r FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS t(p, r, n)
         ORDER BY p, n DESC
         ON CONFLICT (path) DO UPDATE SET reason = EXCLUDED.reason, at = now()",
        &[&paths, &reasons],
    )?;
    tx.commit()?;
    Ok(())
}

pub(super) fn problems(s: &PgStore, limit: u64) -> Result<Vec<Problem>> {
    let limit = limit.min(i64::MAX as u64) as i64;
    let rows = s.db().query_typed(
        r#"SELECT path, record, reason FROM (
               SELECT path, NULL::bigint AS record, error AS reason, 0 AS part, id AS k1, ''::text AS k2
               FROM inputs WHERE error IS NOT NULL
               UNION ALL SELECT i.path, r.record, r.reason, 1, r.input_id, ''
               FROM rejects r JOIN inputs i ON i.id = r.input_id
               UNION ALL SELECT url, NULL, 'feed poll failed ' || failures || ' time(s): ' || last_error, 2, id, ''
               FROM feeds WHERE failures > 0 AND last_error IS NOT NULL
               UNION ALL SELECT coalesce(it.link, it.key), NULL, 'feed item of ' || f.url || ': ' || it.error, 3, it.feed_id, it.key
               FROM feed_items it JOIN feeds f ON f.id = it.feed_id WHERE it.error IS NOT NULL
               UNION ALL SELECT name, NULL, 'quarantined after ' || attempts || ' attempt(s): ' || coalesce(error, ''), 4, id, ''
               FROM work WHERE state = 'quarantined'
               UNION ALL SELECT path, NULL, reason, 5, 0, ''
               FROM input_failures
               UNION ALL SELECT i.path, w.record, 'warning: ' || w.reason, 6, w.input_id, lpad(w.position::text, 20, '0')
               FROM input_warnings w JOIN inputs i ON i.id = w.input_id
           ) p
           ORDER BY path COLLATE "C", record NULLS FIRST, part, k1, k2 COLLATE "C"
           LIMIT $1"#,
        &[(&limit, Type::INT8)],
    )?;
    rows.iter()
        .map(|r| {
            let path: String = r.try_get(0)?;
            let what = || format!("problems of {path}");
            Ok(Problem {
                record: opt_u32(r.try_get(1)?, &what, "record")?,
                reason: r.try_get(2)?,
                path,
            })
        })
        .collect()
}

pub(super) fn article_text(s: &PgStore, id: i64) -> Result<Option<ArticleText>> {
    let row = s.db().query_typed_opt(
        "SELECT id, title, body, published, publisher, source_label FROM articles WHERE id = $1",
        &[(&id, Type::INT8)],
    )?;
    row.map(|r| {
        Ok(ArticleText {
            id: r.try_get(0)?,
            title: r.try_get(1)?,
            body: r.try_get(2)?,
            published: r.try_get(3)?,
            publisher: r.try_get(4)?,
            source_label: r.try_get(5)?,
        })
    })
    .transpose()
}

#[cfg(test)]
mod tests {
    use super::super::PgStore;
    use crate::{
        compress, ArticleEntities, ArticleQuery, FeedItem, FeedPoll, InputBatch, ItemState,
        PollStatus, SqliteStore, Stage, Store, StoredArticle, WriteOutcome,
    };
    use ::postgres::{Client, NoTls};
    use rasd_doc::{
        Alignment, Article, ArticleKind, DateValue, Field, Region, RegionKind, Span, TimeGrain,
        TimeKind, TimeMention,
    };
    use rasd_entity::{DocEntity, EntityType, Mention};

    use crate::testing::TestDb;

    fn sql(db: &TestDb) -> Client {
        Client::connect(&db.url, NoTls).expect("connect")
    }

    fn page(index: u32, url: Option<&str>, body: &str) -> Article {
        let mut a = Article::new(ArticleKind::Page, index);
        a.url = url.map(str::to_string);
        a.body = body.to_string();
        a.body_alignment = Alignment::identity(body.len());
        a
    }

    fn timex(field: Field, start: usize, text: &str) -> TimeMention {
        TimeMention {
            field,
            span: Span::new(start, start + text.len()),
            text: text.to_string(),
            value: Some("2024-05-01".into()),
            grain: TimeGrain::Day,
            kind: TimeKind::Absolute,
            offset: start.is_multiple_of(2).then(|| "P-1D".to_string()),
            flags: vec![format!("f{start}")],
        }
    }

    fn entities(n: usize) -> ArticleEntities {
        let mentions: Vec<Mention> = (0..n)
            .map(|i| Mention {
                field: Field::Body,
                start: i * 10,
                end: i * 10 + 5,
                etype: EntityType::PER,
            })
            .collect();
        let entities = (0..n)
            .map(|i| DocEntity {
                etype: EntityType::PER,
                name: format!("name {i}"),
                key: format!("key{i}"),
                // A dangling mention index is skipped, as in SQLite.
                mentions: vec![i, n + 7],
                variants: vec![format!("v{i}")],
                roles: Vec::new(),
                countries: Vec::new(),
                sector: None,
                composed: false,
                place: None,
            })
            .collect();
        ArticleEntities { mentions, entities }
    }

    /// The inputs of the fixture: (sha, articles, rejects, error, timexes,
    /// entities).
    type Input = (
        String,
        Vec<Article>,
        Vec<(u32, String)>,
        Option<String>,
        Vec<Vec<TimeMention>>,
        Vec<ArticleEntities>,
    );

    fn fixture() -> Vec<Input> {
        let mut first = page(0, Some("https://a.example/1"), "جسم  المقال\tالأول");
        first.title = Some("العنوان".into());
        first.source_label = Some("alpha".into());
        first.publisher = Some("Alpha".into());
        first.published = DateValue::parse_iso("2024-05-02T10:00:00Z");
        first.crawled = DateValue::parse_iso("2024-05-03");
        first.tags = vec!["t1".into(), "t2".into()];
        first.links = vec!["https://x".into()];
        first.regions = vec![Region {
            kind: RegionKind::Title,
            span: Span::new(0, 4),
        }];
        first.summary = Some("ملخص".into());
        let mut app = Article::new(ArticleKind::Appended, 1);
        app.parent = Some(0);
        app.url = Some("https://a.example/1".into());
        app.title = Some("اقرأ أيضا".into());
        app.body = "نص ملحق".into();
        app.source_label = Some("alpha".into());
        let mut dup = page(2, None, "جسم المقال الأول");
        dup.record = Some(4);
        dup.source_label = Some("beta".into());
        dup.published = DateValue::parse_iso("2023-01-09");
        let second = vec![
            // Same key as the first input's first article.
            page(0, Some("https://a.example/1"), "other body"),
            {
                let mut a = page(1, Some("https://b.example/2"), "second body");
                a.source_label = Some("beta".into());
                a
            },
            {
                let mut a = page(2, None, "  second   body ");
                a.record = Some(9);
                a
            },
        ];
        vec![
            (
                "aa01".into(),
                vec![first, app, dup],
                vec![
                    (3, "no body".into()),
                    (5, "bad json".into()),
                    (3, "empty".into()),
                ],
                None,
                vec![
                    vec![
                        timex(Field::Title, 3, "اليوم"),
                        timex(Field::Body, 0, "أمس"),
                    ],
                    vec![],
                    vec![timex(Field::Body, 1, "غدا")],
                ],
                vec![entities(2), entities(0), entities(1)],
            ),
            (
                "bb02".into(),
                second,
                vec![(0, "no body".into())],
                Some("truncated".into()),
                vec![],
                vec![entities(3)],
            ),
            (
                "cc03".into(),
                vec![],
                vec![(1, "bad json".into())],
                Some("unreadable".into()),
                vec![],
                vec![],
            ),
        ]
    }

    fn batch<'a>(i: &'a Input, raw: &'a [u8], format: &'a str) -> InputBatch<'a> {
        InputBatch {
            path: "inputs/feed.jsonl",
            archive: Some("all.zip"),
            sha256: &i.0,
            size: 1234,
            format,
            encoding: "UTF-8",
            raw_deflated: raw,
            records: i.1.len() as u32 + 2,
            articles: &i.1,
            rejects: &i.2,
            error: i.3.as_deref(),
            timexes: &i.4,
            time_version: 3,
            entities: &i.5,
            entity_version: 5,
            ..Default::default()
        }
    }

    fn write_all(s: &mut dyn Store, inputs: &[Input]) -> Vec<WriteOutcome> {
        let raw = compress(b"the raw input bytes");
        inputs
            .iter()
            .enumerate()
            .map(|(n, i)| {
                let format = if n == 1 { "html" } else { "jsonl" };
                s.write_input(&batch(i, &raw, format)).expect("write_input")
            })
            .collect()
    }

    fn all_articles(s: &dyn Store, q: &ArticleQuery) -> Vec<StoredArticle> {
        let mut v = Vec::new();
        s.articles(q, &mut |a| {
            v.push(a);
            true
        })
        .expect("articles");
        v
    }

    #[test]
    fn ingest_reads_as_sqlite() {
        let Some(db) = TestDb::new("articles_ingest") else {
            return;
        };
        let mut pg = db.open();
        let mut lite = SqliteStore::open_in_memory().unwrap();
        let inputs = fixture();
        let out_pg = write_all(&mut pg, &inputs);
        let out_lite = write_all(&mut lite, &inputs);
        assert_eq!(out_pg, out_lite);
        assert_eq!(out_pg[0].new_articles, 3);
        assert_eq!(out_pg[0].exact_duplicates, 1);
        assert_eq!(out_pg[1].already_stored, 1);
        // Again: every input is complete.
        assert_eq!(write_all(&mut pg, &inputs), write_all(&mut lite, &inputs));

        let q = ArticleQuery::default();
        let arts = all_articles(&pg, &q);
        assert_eq!(arts.len(), 5);
        assert_eq!(arts, all_articles(&lite, &q));
        for a in &arts {
            assert_eq!(pg.article(a.id).unwrap(), lite.article(a.id).unwrap());
            assert_eq!(pg.timexes(a.id).unwrap(), lite.timexes(a.id).unwrap());
            assert_eq!(
                pg.appended_items(a.id).unwrap(),
                lite.appended_items(a.id).unwrap()
            );
            assert_eq!(
                pg.exact_duplicate_group(a.id).unwrap(),
                lite.exact_duplicate_group(a.id).unwrap()
            );
            assert_eq!(
                pg.article_text(a.id).unwrap(),
                lite.article_text(a.id).unwrap()
            );
        }
        assert_eq!(pg.timexes(1).unwrap().len(), 2);
        assert_eq!(pg.article(99).unwrap(), None);
        assert_eq!(pg.article_text(99).unwrap(), None);
        assert!(pg.exact_duplicate_group(99).unwrap().is_empty());
        for sha in ["aa01", "bb02", "cc03", "dd04"] {
            assert_eq!(
                pg.input_status(sha).unwrap(),
                lite.input_status(sha).unwrap()
            );
        }
        for id in [1, 2, 3, 4] {
            assert_eq!(pg.input_raw(id).unwrap(), lite.input_raw(id).unwrap());
        }
        assert_eq!(
            pg.input_raw(1).unwrap().as_deref(),
            Some(&b"the raw input bytes"[..])
        );
        for stage in [Stage::Time, Stage::Entities, Stage::Dedup, Stage::Search] {
            for (v, after) in [(1, 0), (4, 0), (6, 2), (6, 0)] {
                assert_eq!(
                    pg.articles_needing(stage, v, after, 10).unwrap(),
                    lite.articles_needing(stage, v, after, 10).unwrap()
                );
            }
            assert_eq!(
                pg.articles_needing(stage, 9, 0, u64::MAX).unwrap(),
                lite.articles_needing(stage, 9, 0, u64::MAX).unwrap()
            );
        }
        let sp = serde_json::to_value(pg.stats().unwrap()).unwrap();
        let sl = serde_json::to_value(lite.stats().unwrap()).unwrap();
        assert_eq!(sp, sl);
        let pp = serde_json::to_value(pg.problems(100).unwrap()).unwrap();
        let pl = serde_json::to_value(lite.problems(100).unwrap()).unwrap();
        assert_eq!(pp, pl);
        let pp = serde_json::to_value(pg.problems(2).unwrap()).unwrap();
        let pl = serde_json::to_value(lite.problems(2).unwrap()).unwrap();
        assert_eq!(pp, pl);

        // The entity rows, as SQLite's reader sees them.
        let mut c = sql(&db);
        let rows = c
            .query(
                r#"SELECT article_id, idx, data FROM doc_entities ORDER BY 1, 2"#,
                &[],
            )
            .unwrap();
        let mut want = Vec::new();
        for a in &arts {
            for (idx, e) in lite.article_entities(a.id).unwrap().iter().enumerate() {
                want.push((a.id, idx as i64, crate::codec::json(&e.entity)));
            }
        }
        let got: Vec<(i64, i64, String)> = rows
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect();
        assert_eq!(got, want);
        let n: i64 = c
            .query_one("SELECT count(*) FROM mentions", &[])
            .unwrap()
            .get(0);
        assert_eq!(n, 2 + 1);
    }

    #[test]
    fn articles_page_and_filter_as_sqlite() {
        let Some(db) = TestDb::new("articles_paging") else {
            return;
        };
        let mut pg = db.open();
        let mut lite = SqliteStore::open_in_memory().unwrap();
        let arts: Vec<Article> = (0..2500u32)
            .map(|i| {
                let mut a = page(
                    i,
                    Some(&format!("https://e.example/{i}")),
                    &format!("body {}", i % 700),
                );
                if i % 3 == 0 {
                    a.kind = ArticleKind::Appended;
                    a.parent = Some(i - i % 3);
                }
                a.source_label = Some(if i % 2 == 0 { "even" } else { "odd" }.into());
                a
            })
            .collect();
        let input: Input = ("ff".into(), arts, vec![], None, vec![], vec![]);
        let inputs = vec![input];
        assert_eq!(write_all(&mut pg, &inputs), write_all(&mut lite, &inputs));
        let queries = [
            ArticleQuery::default(),
            ArticleQuery {
                pages_only: true,
                ..Default::default()
            },
            ArticleQuery {
                source_label: Some("odd".into()),
                after_id: Some(17),
                ..Default::default()
            },
            ArticleQuery {
                pages_only: true,
                source_label: Some("even".into()),
                limit: Some(700),
                ..Default::default()
            },
            ArticleQuery {
                after_id: Some(400),
                limit: Some(1500),
                ..Default::default()
            },
            ArticleQuery {
                limit: Some(1000),
                ..Default::default()
            },
            ArticleQuery {
                limit: Some(0),
                ..Default::default()
            },
            ArticleQuery {
                source_label: Some("none".into()),
                ..Default::default()
            },
        ];
        for q in &queries {
            let got: Vec<i64> = all_articles(&pg, q).iter().map(|a| a.id).collect();
            let want: Vec<i64> = all_articles(&lite, q).iter().map(|a| a.id).collect();
            assert_eq!(got, want, "{q:?}");
        }
        assert_eq!(
            all_articles(&pg, &queries[0]),
            all_articles(&lite, &queries[0])
        );
        // Stops where the callback says, and the callback may read the store.
        let mut seen = Vec::new();
        pg.articles(&ArticleQuery::default(), &mut |a| {
            let again = pg.article(a.id).unwrap().unwrap();
            assert_eq!(again, a);
            seen.push(a.id);
            seen.len() < 1200
        })
        .unwrap();
        assert_eq!(seen, (1..=1200).collect::<Vec<i64>>());
        assert_eq!(
            serde_json::to_value(pg.stats().unwrap()).unwrap(),
            serde_json::to_value(lite.stats().unwrap()).unwrap()
        );
        for id in [1, 4, 700, 701, 2500] {
            assert_eq!(
                pg.appended_items(id).unwrap(),
                lite.appended_items(id).unwrap()
            );
            assert_eq!(
                pg.exact_duplicate_group(id).unwrap(),
                lite.exact_duplicate_group(id).unwrap()
            );
        }
    }

    #[test]
    fn replace_timexes_as_sqlite() {
        let Some(db) = TestDb::new("articles_timexes") else {
            return;
        };
        let mut pg = db.open();
        let mut lite = SqliteStore::open_in_memory().unwrap();
        let inputs = fixture();
        write_all(&mut pg, &inputs);
        write_all(&mut lite, &inputs);
        let items = vec![
            (
                1,
                vec![timex(Field::Caption, 8, "x"), timex(Field::Title, 2, "y")],
            ),
            (
                4,
                (0..50).map(|i| timex(Field::Body, 50 - i, "z")).collect(),
            ),
            (1, vec![timex(Field::Summary, 5, "w")]),
            (2, vec![]),
        ];
        pg.replace_timexes(&items, 7).unwrap();
        lite.replace_timexes(&items, 7).unwrap();
        pg.replace_timexes(&[], 8).unwrap();
        lite.replace_timexes(&[], 8).unwrap();
        for id in 1..=6 {
            assert_eq!(
                pg.timexes(id).unwrap(),
                lite.timexes(id).unwrap(),
                "article {id}"
            );
        }
        assert_eq!(pg.timexes(1).unwrap().len(), 1);
        for v in [4, 7, 8] {
            assert_eq!(
                pg.articles_needing(Stage::Time, v, 0, 100).unwrap(),
                lite.articles_needing(Stage::Time, v, 0, 100).unwrap()
            );
        }
        // A missing article with expressions is refused, as in SQLite.
        let bad = vec![(99, vec![timex(Field::Body, 0, "a")])];
        assert!(pg.replace_timexes(&bad, 9).is_err());
        assert!(lite.replace_timexes(&bad, 9).is_err());
        assert_eq!(pg.timexes(4).unwrap().len(), 50);
    }

    #[test]
    fn stats_and_problems_order_as_sqlite() {
        let Some(db) = TestDb::new("articles_problems") else {
            return;
        };
        let mut pg = db.open();
        let mut lite = SqliteStore::open_in_memory().unwrap();
        let raw = compress(b"x");
        // Ties in every grouped count, and several problems on one path.
        let formats = ["b", "a", "c", "b", "a", "c", "d"];
        let reasons = ["z", "y", "z", "y", "x", "w", "w", "Z", "é", "e"];
        for (n, f) in formats.iter().enumerate() {
            let sha = format!("s{n}");
            let arts: Vec<Article> = (0..2)
                .map(|k| {
                    let mut a = page(k, None, &format!("b{n}{k}"));
                    a.source_label = [None, Some("q"), Some("p"), Some("(none)")]
                        [(n + k as usize) % 4]
                        .map(str::to_string);
                    a
                })
                .collect();
            let rejects: Vec<(u32, String)> = reasons
                .iter()
                .enumerate()
                .filter(|(r, _)| (r + n) % 3 != 0)
                .map(|(r, why)| (r as u32, why.to_string()))
                .collect();
            let error = (n % 2 == 0).then(|| format!("error {n}"));
            let b = InputBatch {
                path: ["p/one", "p/Two", "p/two", "p/one"][n % 4],
                archive: None,
                sha256: &sha,
                size: n as u64 * 1000,
                format: f,
                encoding: "UTF-8",
                raw_deflated: &raw,
                records: 3,
                articles: &arts,
                rejects: &rejects,
                error: error.as_deref(),
                timexes: &[],
                time_version: 0,
                entities: &[],
                entity_version: 0,
                ..Default::default()
            };
            assert_eq!(pg.write_input(&b).unwrap(), lite.write_input(&b).unwrap());
        }
        // Feed problems: SQLite through its API, PostgreSQL by hand.
        let t = jiff::Timestamp::from_second(1_700_000_000).unwrap();
        let (feed, _) = lite.add_feed("p/one", 600, t).unwrap();
        lite.record_feed_poll(
            feed.id,
            &FeedPoll {
                at: t,
                status: PollStatus::Failed,
                error: Some("HTTP 500".into()),
                title: None,
                etag: None,
                last_modified: None,
                failures: 2,
                next_poll: t,
            },
        )
        .unwrap();
        lite.put_feed_item(&FeedItem {
            feed: feed.id,
            key: "k1".into(),
            link: Some("p/Two".into()),
            state: ItemState::Failed,
            attempts: 1,
            error: Some("timeout".into()),
            first_seen: t,
            last_attempt: t,
        })
        .unwrap();
        let mut c = sql(&db);
        c.batch_execute(
            "INSERT INTO feeds (url, interval_secs, added, next_poll, failures, last_error) VALUES ('p/one', 600, 1700000000, 1700000000, 2, 'HTTP 500');
             INSERT INTO feed_items (feed_id, key, link, state, attempts, error, first_seen, last_attempt) VALUES (1, 'k1', 'p/Two', 'failed', 1, 'timeout', 1700000000, 1700000000);",
        )
        .unwrap();
        let sp = serde_json::to_value(pg.stats().unwrap()).unwrap();
        let sl = serde_json::to_value(lite.stats().unwrap()).unwrap();
        assert_eq!(sp, sl);
        for limit in [0, 3, 1000, u64::MAX] {
            let pp = serde_json::to_value(pg.problems(limit).unwrap()).unwrap();
            let pl = serde_json::to_value(lite.problems(limit).unwrap()).unwrap();
            assert_eq!(pp, pl, "limit {limit}");
        }
    }

    #[test]
    fn concurrent_writers_store_each_article_once() {
        let Some(db) = TestDb::new("articles_concurrent") else {
            return;
        };
        drop(db.open());
        // Eight writers: pairs write the same input, and every input shares
        // half its article keys with the next one.
        let outs: Vec<WriteOutcome> = std::thread::scope(|sc| {
            let handles: Vec<_> = (0..8u32)
                .map(|w| {
                    let url = db.url.clone();
                    sc.spawn(move || {
                        let mut pg = PgStore::open(&url).unwrap();
                        let n = w / 2;
                        let arts: Vec<Article> = (0..200u32)
                            .map(|i| {
                                let k = n * 100 + i;
                                page(
                                    i,
                                    Some(&format!("https://c.example/{k}")),
                                    &format!("body {k}"),
                                )
                            })
                            .collect();
                        let raw = compress(b"c");
                        let sha = format!("c{n}");
                        pg.write_input(&InputBatch {
                            path: "c",
                            archive: None,
                            sha256: &sha,
                            size: 1,
                            format: "jsonl",
                            encoding: "UTF-8",
                            raw_deflated: &raw,
                            records: 200,
                            articles: &arts,
                            rejects: &[],
                            error: None,
                            timexes: &[],
                            time_version: 0,
                            entities: &[],
                            entity_version: 0,
                            ..Default::default()
                        })
                        .unwrap()
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let new: u32 = outs.iter().map(|o| o.new_articles).sum();
        assert_eq!(new, 500);
        assert!(outs
            .iter()
            .all(|o| o.new_articles + o.already_stored == 200));
        let pg = db.open();
        let stats = pg.stats().unwrap();
        assert_eq!((stats.inputs, stats.articles), (4, 500));
        assert_eq!(stats.inputs_incomplete, 0);
    }
}
