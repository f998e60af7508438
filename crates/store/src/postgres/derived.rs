//! Near-duplicates, stories, events, their kept states and stage marks.
//!
//! The full rewrites (`write_stories`, `write_events`) stream their rows
//! with binary `COPY`; the upserts send chunks of rows as arrays
//! (`unnest`). SQLite's `INSERT OR REPLACE` keeps the last of several rows
//! with one key (and, for `event_state`, drops any row holding the same
//! merge key): the rows are reduced the same way before they are sent,
//! since `ON CONFLICT DO UPDATE` may not touch one row twice.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use postgres::binary_copy::BinaryCopyInWriter;
use postgres::types::Type;
use postgres::{Row, Transaction};

use super::{PgStore, PAGE};
use crate::codec::{json, parse_json, parse_vector, vector_text};
use crate::{
    ArticleSignature, DatedEvent, DerivedStage, DupPair, EventRecord, EventState, KeptState,
    Result, StageMark, StoreError, StoryRecord, TermVector,
};

/// Rows sent per multi-row statement.
const CHUNK: usize = 5000;

/// Streams rows into a table with binary `COPY`.
fn copy_in(
    tx: &mut Transaction<'_>,
    sql: &str,
    types: &[Type],
    fill: impl FnOnce(&mut BinaryCopyInWriter<'_>) -> Result<()>,
) -> Result<()> {
    let mut w = BinaryCopyInWriter::new(tx.copy_in(sql)?, types);
    fill(&mut w)?;
    w.finish()?;
    Ok(())
}

/// One page of a keyset-paginated query (`$1`: the last key read, `$2`:
/// the page size), read without holding the connection afterwards.
fn page(s: &PgStore, sql: &str, after: i64) -> Result<Vec<Row>> {
    Ok(s.db().query(sql, &[&after, &PAGE])?)
}

/// The positions of the last item of each key, in input order.
fn last_of<K: std::hash::Hash + Eq, T>(items: &[T], key: impl Fn(&T) -> K) -> Vec<usize> {
    let mut last = HashMap::with_capacity(items.len());
    for (i, it) in items.iter().enumerate() {
        last.insert(key(it), i);
    }
    let mut v: Vec<usize> = last.into_values().collect();
    v.sort_unstable();
    v
}

pub(super) fn write_dedup(
    s: &mut PgStore,
    signatures: &[ArticleSignature],
    pairs: &[DupPair],
    version: i64,
) -> Result<()> {
    let mut c = s.db();
    let mut tx = c.transaction()?;
    let del = tx.prepare("DELETE FROM dup_pairs WHERE b = ANY($1)")?;
    let sig = tx.prepare(
        "INSERT INTO signatures (article_id, shingles, signature)
         SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bytea[])
         ON CONFLICT (article_id) DO UPDATE SET shingles = EXCLUDED.shingles, signature = EXCLUDED.signature",
    )?;
    let ver = tx.prepare("UPDATE articles SET dedup_version = $2 WHERE id = ANY($1)")?;
    let kept = last_of(signatures, |s| s.article_id);
    for chunk in kept.chunks(CHUNK) {
        let ids: Vec<i64> = chunk.iter().map(|&i| signatures[i].article_id).collect();
        let shingles: Vec<i64> = chunk
            .iter()
            .map(|&i| i64::from(signatures[i].shingles))
            .collect();
        let bytes: Vec<&[u8]> = chunk
            .iter()
            .map(|&i| signatures[i].signature.as_slice())
            .collect();
        // The pairs an article was found in when it was checked (as the
        // later member) are replaced when it is checked again.
        tx.execute(&del, &[&ids])?;
        tx.execute(&sig, &[&ids, &shingles, &bytes])?;
        tx.execute(&ver, &[&ids, &version])?;
    }
    let pair = tx.prepare(
        "INSERT INTO dup_pairs (a, b, jaccard, estimate)
         SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::float8[], $4::float8[])
         ON CONFLICT (a, b) DO UPDATE SET jaccard = EXCLUDED.jaccard, estimate = EXCLUDED.estimate",
    )?;
    let kept = last_of(pairs, |p| (p.a.min(p.b), p.a.max(p.b)));
    for chunk in kept.chunks(CHUNK) {
        let a: Vec<i64> = chunk.iter().map(|&i| pairs[i].a.min(pairs[i].b)).collect();
        let b: Vec<i64> = chunk.iter().map(|&i| pairs[i].a.max(pairs[i].b)).collect();
        let jaccard: Vec<f64> = chunk.iter().map(|&i| pairs[i].jaccard).collect();
        let estimate: Vec<f64> = chunk.iter().map(|&i| pairs[i].estimate).collect();
        tx.execute(&pair, &[&a, &b, &jaccard, &estimate])?;
    }
    tx.commit()?;
    Ok(())
}

pub(super) fn signatures(s: &PgStore, f: &mut dyn FnMut(ArticleSignature)) -> Result<()> {
    let mut after = i64::MIN;
    loop {
        let rows = page(
            s,
            "SELECT article_id, shingles, signature FROM signatures
             WHERE article_id > $1 ORDER BY article_id LIMIT $2",
            after,
        )?;
        for r in &rows {
            let sig = ArticleSignature {
                article_id: r.try_get(0)?,
                shingles: r.try_get::<_, i64>(1)? as u32,
                signature: r.try_get(2)?,
            };
            after = sig.article_id;
            f(sig);
        }
        if (rows.len() as i64) < PAGE {
            return Ok(());
        }
    }
}

pub(super) fn duplicate_pairs(s: &PgStore) -> Result<Vec<DupPair>> {
    let rows = s.db().query(
        "SELECT a, b, jaccard, estimate FROM dup_pairs ORDER BY a, b",
        &[],
    )?;
    rows.iter()
        .map(|r| {
            Ok(DupPair {
                a: r.try_get(0)?,
                b: r.try_get(1)?,
                jaccard: r.try_get(2)?,
                estimate: r.try_get(3)?,
            })
        })
        .collect()
}

pub(super) fn write_stories(
    s: &mut PgStore,
    stories: &[StoryRecord],
    members: &[(i64, i64, f32)],
    vectors: &[(i64, Vec<(String, f32)>)],
) -> Result<()> {
    let mut c = s.db();
    let mut tx = c.transaction()?;
    tx.batch_execute(
        "DELETE FROM stories; DELETE FROM story_articles; DELETE FROM article_vectors; DELETE FROM story_state;",
    )?;
    copy_in(
        &mut tx,
        "COPY stories (id, record) FROM STDIN BINARY",
        &[Type::INT8, Type::TEXT],
        |w| {
            for r in stories {
                let json = serde_json::to_string(r).map_err(|e| StoreError::Corrupt {
                    what: format!("story {}", r.id),
                    reason: e.to_string(),
                })?;
                w.write(&[&r.id, &json])?;
            }
            Ok(())
        },
    )?;
    copy_in(
        &mut tx,
        "COPY story_articles (article_id, story_id, score) FROM STDIN BINARY",
        &[Type::INT8, Type::INT8, Type::FLOAT8],
        |w| {
            for (a, s, score) in members {
                w.write(&[a, s, &f64::from(*score)])?;
            }
            Ok(())
        },
    )?;
    copy_in(
        &mut tx,
        "COPY article_vectors (article_id, terms) FROM STDIN BINARY",
        &[Type::INT8, Type::TEXT],
        |w| {
            for (a, terms) in vectors {
                w.write(&[a, &vector_text(terms)])?;
            }
            Ok(())
        },
    )?;
    tx.commit()?;
    Ok(())
}

pub(super) fn upsert_stories(
    s: &mut PgStore,
    stories: &[StoryRecord],
    members: &[(i64, i64, f32)],
    vectors: &[(i64, Vec<(String, f32)>)],
    state: &KeptState,
) -> Result<()> {
    let mut c = s.db();
    let mut tx = c.transaction()?;
    let st = tx.prepare(
        "INSERT INTO stories (id, record) SELECT * FROM unnest($1::bigint[], $2::text[])
         ON CONFLICT (id) DO UPDATE SET record = EXCLUDED.record",
    )?;
    for chunk in last_of(stories, |r| r.id).chunks(CHUNK) {
        let ids: Vec<i64> = chunk.iter().map(|&i| stories[i].id).collect();
        let recs: Vec<String> = chunk.iter().map(|&i| json(&stories[i])).collect();
        tx.execute(&st, &[&ids, &recs])?;
    }
    let m = tx.prepare(
        "INSERT INTO story_articles (article_id, story_id, score)
         SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::float8[])
         ON CONFLICT (article_id) DO UPDATE SET story_id = EXCLUDED.story_id, score = EXCLUDED.score",
    )?;
    for chunk in last_of(members, |m| m.0).chunks(CHUNK) {
        let arts: Vec<i64> = chunk.iter().map(|&i| members[i].0).collect();
        let ids: Vec<i64> = chunk.iter().map(|&i| members[i].1).collect();
        let scores: Vec<f64> = chunk.iter().map(|&i| f64::from(members[i].2)).collect();
        tx.execute(&m, &[&arts, &ids, &scores])?;
    }
    let v = tx.prepare(
        "INSERT INTO article_vectors (article_id, terms) SELECT * FROM unnest($1::bigint[], $2::text[])
         ON CONFLICT (article_id) DO UPDATE SET terms = EXCLUDED.terms",
    )?;
    for chunk in last_of(vectors, |v| v.0).chunks(CHUNK) {
        let arts: Vec<i64> = chunk.iter().map(|&i| vectors[i].0).collect();
        let terms: Vec<String> = chunk.iter().map(|&i| vector_text(&vectors[i].1)).collect();
        tx.execute(&v, &[&arts, &terms])?;
    }
    put_story_state(&mut tx, state)?;
    tx.commit()?;
    Ok(())
}

fn put_story_state(tx: &mut Transaction<'_>, state: &KeptState) -> Result<()> {
    tx.execute(
        "INSERT INTO story_state (id, version, last_article, data) VALUES (1, $1, $2, $3)
         ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version,
             last_article = EXCLUDED.last_article, data = EXCLUDED.data",
        &[&state.version, &state.last_article, &state.data],
    )?;
    Ok(())
}

pub(super) fn save_story_state(s: &mut PgStore, state: &KeptState) -> Result<()> {
    let mut c = s.db();
    let mut tx = c.transaction()?;
    put_story_state(&mut tx, state)?;
    tx.commit()?;
    Ok(())
}

pub(super) fn story_state(s: &PgStore) -> Result<Option<KeptState>> {
    let row = s.db().query_opt(
        "SELECT version, last_article, data FROM story_state WHERE id = 1",
        &[],
    )?;
    row.map(|r| {
        Ok(KeptState {
            version: r.try_get(0)?,
            last_article: r.try_get(1)?,
            data: r.try_get(2)?,
        })
    })
    .transpose()
}

pub(super) fn events_with_article(s: &PgStore, article: i64) -> Result<Vec<i64>> {
    let rows = s.db().query(
        "SELECT event_id FROM event_articles WHERE article_id = $1 ORDER BY event_id",
        &[&article],
    )?;
    Ok(rows
        .iter()
        .map(|r| r.try_get(0))
        .collect::<std::result::Result<_, _>>()?)
}

pub(super) fn events_of_articles(s: &PgStore, articles: &[i64]) -> Result<Vec<DatedEvent>> {
    let rows = s.db().query(
        "SELECT e.id, e.record FROM events e
         WHERE e.id IN (SELECT event_id FROM event_articles WHERE article_id = ANY($1))
         ORDER BY e.id",
        &[&articles],
    )?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let id: i64 = r.try_get(0)?;
        let e: EventRecord = parse_json(r.try_get(1)?, &format!("event {id}"))?;
        if !e.negated {
            out.push((e.date, e.id, e.articles));
        }
    }
    out.sort();
    Ok(out)
}

pub(super) fn article_vectors_of(s: &PgStore, articles: &[i64]) -> Result<Vec<(i64, TermVector)>> {
    let rows = s.db().query(
        "SELECT article_id, terms FROM article_vectors WHERE article_id = ANY($1)",
        &[&articles],
    )?;
    let mut terms: HashMap<i64, &str> = HashMap::with_capacity(rows.len());
    for r in &rows {
        terms.insert(r.try_get(0)?, r.try_get(1)?);
    }
    let mut out = Vec::with_capacity(terms.len());
    for &a in articles {
        if let Some(t) = terms.get(&a) {
            out.push((a, parse_vector(a, t)?));
        }
    }
    Ok(out)
}

fn parse_story(id: i64, rec: &str) -> Result<StoryRecord> {
    let mut story: StoryRecord = parse_json(rec, &format!("story {id}"))?;
    story.fill_derived();
    Ok(story)
}

pub(super) fn stories(s: &PgStore, f: &mut dyn FnMut(StoryRecord) -> bool) -> Result<()> {
    let mut after = i64::MIN;
    loop {
        let rows = page(
            s,
            "SELECT id, record FROM stories WHERE id > $1 ORDER BY id LIMIT $2",
            after,
        )?;
        for r in &rows {
            after = r.try_get(0)?;
            if !f(parse_story(after, r.try_get(1)?)?) {
                return Ok(());
            }
        }
        if (rows.len() as i64) < PAGE {
            return Ok(());
        }
    }
}

pub(super) fn story(s: &PgStore, id: i64) -> Result<Option<StoryRecord>> {
    let row = s
        .db()
        .query_opt("SELECT record FROM stories WHERE id = $1", &[&id])?;
    row.map(|r| parse_story(id, r.try_get(0)?)).transpose()
}

pub(super) fn story_of(s: &PgStore, article: i64) -> Result<Option<(i64, f32)>> {
    let row = s.db().query_opt(
        "SELECT story_id, score FROM story_articles WHERE article_id = $1",
        &[&article],
    )?;
    row.map(|r| Ok((r.try_get(0)?, r.try_get::<_, f64>(1)? as f32)))
        .transpose()
}

/// The rows a batch of events leaves, as SQLite's `INSERT OR REPLACE` of
/// each in turn would.
struct EventRows<'a> {
    /// The last record of each event id, in batch order.
    records: Vec<&'a EventRecord>,
    /// The kept states left: each replaced the state of the same event and
    /// the state holding the same key.
    states: BTreeMap<i64, &'a EventState>,
    /// Every key of the batch: stored states holding one go.
    keys: Vec<&'a str>,
}

impl<'a> EventRows<'a> {
    fn new(events: &'a [(EventRecord, EventState)]) -> Self {
        let records = last_of(events, |e| e.0.id)
            .into_iter()
            .map(|i| &events[i].0)
            .collect();
        let mut states: BTreeMap<i64, &EventState> = BTreeMap::new();
        let mut by_key: HashMap<&str, i64> = HashMap::new();
        for (e, st) in events {
            if let Some(old) = states.remove(&e.id) {
                by_key.remove(old.key.as_str());
            }
            if let Some(other) = by_key.remove(st.key.as_str()) {
                states.remove(&other);
            }
            states.insert(e.id, st);
            by_key.insert(&st.key, e.id);
        }
        EventRows {
            records,
            states,
            keys: events.iter().map(|(_, st)| st.key.as_str()).collect(),
        }
    }

    fn ids(&self) -> Vec<i64> {
        self.records.iter().map(|e| e.id).collect()
    }
}

/// Writes events with their kept state and articles. `replace` when the
/// event tables were emptied in this transaction; else the rows the batch
/// replaces go first.
fn put_events(
    tx: &mut Transaction<'_>,
    events: &[(EventRecord, EventState)],
    replace: bool,
) -> Result<()> {
    let rows = EventRows::new(events);
    if replace {
        copy_in(
            tx,
            "COPY events (id, record) FROM STDIN BINARY",
            &[Type::INT8, Type::TEXT],
            |w| {
                for e in &rows.records {
                    w.write(&[&e.id, &json(e)])?;
                }
                Ok(())
            },
        )?;
    } else {
        let ids = rows.ids();
        tx.execute(
            "DELETE FROM event_articles WHERE event_id = ANY($1)",
            &[&ids],
        )?;
        tx.execute(
            "DELETE FROM event_state WHERE event_id = ANY($1) OR key = ANY($2)",
            &[&ids, &rows.keys],
        )?;
        let st = tx.prepare(
            "INSERT INTO events (id, record) SELECT * FROM unnest($1::bigint[], $2::text[])
             ON CONFLICT (id) DO UPDATE SET record = EXCLUDED.record",
        )?;
        for chunk in rows.records.chunks(CHUNK) {
            let ids: Vec<i64> = chunk.iter().map(|e| e.id).collect();
            let recs: Vec<String> = chunk.iter().map(json).collect();
            tx.execute(&st, &[&ids, &recs])?;
        }
    }
    copy_in(
        tx,
        "COPY event_articles (event_id, article_id) FROM STDIN BINARY",
        &[Type::INT8, Type::INT8],
        |w| {
            for e in &rows.records {
                for a in e.articles.iter().collect::<BTreeSet<_>>() {
                    w.write(&[&e.id, a])?;
                }
            }
            Ok(())
        },
    )?;
    copy_in(
        tx,
        "COPY event_state (event_id, key, publishers, places, contribs) FROM STDIN BINARY",
        &[Type::INT8, Type::TEXT, Type::TEXT, Type::TEXT, Type::TEXT],
        |w| {
            for (id, st) in &rows.states {
                w.write(&[
                    id,
                    &st.key,
                    &json(&st.publishers),
                    &json(&st.places),
                    &json(&st.contribs),
                ])?;
            }
            Ok(())
        },
    )?;
    Ok(())
}

fn put_mark(tx: &mut Transaction<'_>, stage: DerivedStage, mark: &StageMark) -> Result<()> {
    tx.execute(
        "INSERT INTO stage_marks (stage, version, last_article) VALUES ($1, $2, $3)
         ON CONFLICT (stage) DO UPDATE SET version = EXCLUDED.version, last_article = EXCLUDED.last_article",
        &[&stage.as_str(), &mark.version, &mark.last_article],
    )?;
    Ok(())
}

pub(super) fn write_events(
    s: &mut PgStore,
    events: &[(EventRecord, EventState)],
    mark: &StageMark,
) -> Result<()> {
    let mut c = s.db();
    let mut tx = c.transaction()?;
    tx.batch_execute(
        "DELETE FROM events; DELETE FROM event_articles; DELETE FROM event_state; DELETE FROM event_redirects;",
    )?;
    put_events(&mut tx, events, true)?;
    put_mark(&mut tx, DerivedStage::Events, mark)?;
    tx.commit()?;
    Ok(())
}

pub(super) fn upsert_events(
    s: &mut PgStore,
    events: &[(EventRecord, EventState)],
    redirects: &[(i64, i64)],
    deleted: &[i64],
    mark: &StageMark,
) -> Result<()> {
    let mut c = s.db();
    let mut tx = c.transaction()?;
    let olds: Vec<i64> = redirects.iter().map(|r| r.0).collect();
    let gone: Vec<i64> = deleted.iter().chain(&olds).copied().collect();
    tx.execute("DELETE FROM events WHERE id = ANY($1)", &[&gone])?;
    tx.execute("DELETE FROM event_state WHERE event_id = ANY($1)", &[&gone])?;
    tx.execute(
        "DELETE FROM event_articles WHERE event_id = ANY($1)",
        &[&gone],
    )?;
    if !redirects.is_empty() {
        // Each merge, in turn, moves the redirects to the merged event onto
        // the event it was merged into, then redirects it: replay that on
        // the redirects it can touch (to or from a merged event).
        let mut map: BTreeMap<i64, i64> = BTreeMap::new();
        for r in tx.query(
            "SELECT old_id, new_id FROM event_redirects WHERE old_id = ANY($1) OR new_id = ANY($1)",
            &[&olds],
        )? {
            map.insert(r.try_get(0)?, r.try_get(1)?);
        }
        for &(old, new) in redirects {
            for to in map.values_mut() {
                if *to == old {
                    *to = new;
                }
            }
            map.insert(old, new);
        }
        let st = tx.prepare(
            "INSERT INTO event_redirects (old_id, new_id) SELECT * FROM unnest($1::bigint[], $2::bigint[])
             ON CONFLICT (old_id) DO UPDATE SET new_id = EXCLUDED.new_id",
        )?;
        let map: Vec<(i64, i64)> = map.into_iter().collect();
        for chunk in map.chunks(CHUNK) {
            let old: Vec<i64> = chunk.iter().map(|r| r.0).collect();
            let new: Vec<i64> = chunk.iter().map(|r| r.1).collect();
            tx.execute(&st, &[&old, &new])?;
        }
    }
    put_events(&mut tx, events, false)?;
    put_mark(&mut tx, DerivedStage::Events, mark)?;
    tx.commit()?;
    Ok(())
}

pub(super) fn event_keys(s: &PgStore, f: &mut dyn FnMut(i64, &str)) -> Result<()> {
    let mut after = i64::MIN;
    loop {
        let rows = page(
            s,
            "SELECT event_id, key FROM event_state WHERE event_id > $1 ORDER BY event_id LIMIT $2",
            after,
        )?;
        for r in &rows {
            after = r.try_get(0)?;
            f(after, r.try_get(1)?);
        }
        if (rows.len() as i64) < PAGE {
            return Ok(());
        }
    }
}

pub(super) fn event_state(s: &PgStore, id: i64) -> Result<Option<(EventRecord, EventState)>> {
    Ok(event_states_of(s, &[id])?.pop().map(|(_, r, st)| (r, st)))
}

/// In one query, in id order.
pub(super) fn event_states_of(
    s: &PgStore,
    ids: &[i64],
) -> Result<Vec<(i64, EventRecord, EventState)>> {
    let rows = s.db().query(
        "SELECT e.id, e.record, s.key, s.publishers, s.places, s.contribs
         FROM events e JOIN event_state s ON s.event_id = e.id WHERE e.id = ANY($1)
         ORDER BY e.id",
        &[&ids],
    )?;
    rows.iter()
        .map(|r| {
            let id: i64 = r.try_get(0)?;
            let what = format!("event {id}");
            Ok((
                id,
                parse_json(r.try_get(1)?, &what)?,
                EventState {
                    key: r.try_get(2)?,
                    publishers: parse_json(r.try_get(3)?, &what)?,
                    places: parse_json(r.try_get(4)?, &what)?,
                    contribs: parse_json(r.try_get(5)?, &what)?,
                },
            ))
        })
        .collect()
}

pub(super) fn event_redirect(s: &PgStore, id: i64) -> Result<Option<i64>> {
    let row = s.db().query_opt(
        "SELECT new_id FROM event_redirects WHERE old_id = $1",
        &[&id],
    )?;
    Ok(row.map(|r| r.try_get(0)).transpose()?)
}

pub(super) fn stage_mark(s: &PgStore, stage: DerivedStage) -> Result<Option<StageMark>> {
    let row = s.db().query_opt(
        "SELECT version, last_article FROM stage_marks WHERE stage = $1",
        &[&stage.as_str()],
    )?;
    row.map(|r| Ok(StageMark::new(r.try_get(0)?, r.try_get(1)?)))
        .transpose()
}

pub(super) fn events(s: &PgStore, f: &mut dyn FnMut(EventRecord) -> bool) -> Result<()> {
    let mut after = i64::MIN;
    loop {
        let rows = page(
            s,
            "SELECT id, record FROM events WHERE id > $1 ORDER BY id LIMIT $2",
            after,
        )?;
        for r in &rows {
            after = r.try_get(0)?;
            if !f(parse_json(r.try_get(1)?, &format!("event {after}"))?) {
                return Ok(());
            }
        }
        if (rows.len() as i64) < PAGE {
            return Ok(());
        }
    }
}

pub(super) fn article_vectors(
    s: &PgStore,
    f: &mut dyn FnMut(i64, Vec<(String, f32)>),
) -> Result<()> {
    let mut after = i64::MIN;
    loop {
        let rows = page(
            s,
            "SELECT article_id, terms FROM article_vectors
             WHERE article_id > $1 ORDER BY article_id LIMIT $2",
            after,
        )?;
        for r in &rows {
            after = r.try_get(0)?;
            f(after, parse_vector(after, r.try_get(1)?)?);
        }
        if (rows.len() as i64) < PAGE {
            return Ok(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::PgStore;
    use crate::{
        ArticleSignature, DerivedStage, DupPair, EventPlace, EventRecord, EventState, InputBatch,
        KeptState, MentionContrib, SqliteStore, StageMark, Store, StoryRecord,
    };
    use rasd_doc::{Article, ArticleKind};

    use crate::testing::TestDb;

    fn fresh(test: &str) -> Option<(PgStore, TestDb)> {
        let db = TestDb::new(&format!("derived_{test}"))?;
        Some((db.open(), db))
    }

    /// Articles 1..=n in both stores (plain rows in PostgreSQL).
    fn add_articles(pg: &PgStore, lite: &mut SqliteStore, n: u32) {
        pg.db()
            .batch_execute(&format!(
                "INSERT INTO inputs (id, path, sha256, size, format, encoding, raw, records, complete)
                 VALUES (1, 'in', 'sha', 0, 'page', 'utf-8', '\\x'::bytea, {n}, true);
                 INSERT INTO articles (id, key, input_id, input_index, kind, body, body_hash,
                     tags, related, links, alignment, regions)
                 SELECT i, 'url:' || i, 1, i - 1, 'page', 'body ' || i, 'h' || i,
                     '[]', '[]', '[]', '[]', '[]'
                 FROM generate_series(1, {n}) AS i"
            ))
            .expect("insert articles");
        let articles: Vec<Article> = (0..n)
            .map(|i| {
                let mut a = Article::new(ArticleKind::Page, i);
                a.url = Some(format!("https://x/{}", i + 1));
                a.body = format!("body {}", i + 1);
                a
            })
            .collect();
        let raw = crate::compress(b"");
        lite.write_input(&InputBatch {
            path: "in",
            archive: None,
            sha256: "sha",
            size: 0,
            format: "page",
            encoding: "utf-8",
            raw_deflated: &raw,
            records: n,
            articles: &articles,
            rejects: &[],
            error: None,
            timexes: &[],
            time_version: 0,
            entities: &[],
            entity_version: 0,
            ..Default::default()
        })
        .expect("sqlite write_input");
    }

    fn dedup_version(pg: &PgStore, version: i64) -> Vec<i64> {
        pg.db()
            .query(
                "SELECT id FROM articles WHERE dedup_version = $1 ORDER BY id",
                &[&version],
            )
            .expect("query")
            .iter()
            .map(|r| r.get(0))
            .collect()
    }

    fn sig(id: i64, shingles: u32) -> ArticleSignature {
        ArticleSignature {
            article_id: id,
            signature: vec![id as u8, shingles as u8, 0, 255],
            shingles,
        }
    }

    fn pair(a: i64, b: i64, j: f64) -> DupPair {
        DupPair {
            a,
            b,
            jaccard: j,
            estimate: j + 0.01,
        }
    }

    fn all_signatures(s: &dyn Store) -> Vec<ArticleSignature> {
        let mut v = Vec::new();
        s.signatures(&mut |x| v.push(x)).expect("signatures");
        v
    }

    #[test]
    fn dedup_like_sqlite() {
        let Some((mut pg, _db)) = fresh("dedup") else {
            return;
        };
        let mut lite = SqliteStore::open_in_memory().expect("sqlite");
        add_articles(&pg, &mut lite, 2100);
        let sigs1: Vec<ArticleSignature> =
            (1..=2050).map(|i| sig(i, 10)).chain([sig(4, 7)]).collect();
        let pairs1 = vec![
            pair(1, 2, 0.9),
            pair(3, 2, 0.8),
            pair(2, 3, 0.85),
            pair(1, 3, 0.7),
            pair(4, 5, 0.6),
        ];
        let sigs2 = vec![sig(3, 11), sig(2060, 12)];
        let pairs2 = vec![pair(2060, 1, 0.5)];
        for s in [&mut pg as &mut dyn Store, &mut lite] {
            s.write_dedup(&sigs1, &pairs1, 1).expect("write_dedup 1");
            s.write_dedup(&sigs2, &pairs2, 2).expect("write_dedup 2");
        }
        assert_eq!(all_signatures(&pg), all_signatures(&lite));
        assert_eq!(all_signatures(&pg).len(), 2051);
        assert_eq!(
            pg.duplicate_pairs().unwrap(),
            lite.duplicate_pairs().unwrap()
        );
        assert_eq!(
            pg.duplicate_pairs().unwrap(),
            vec![pair(1, 2, 0.9), pair(1, 2060, 0.5), pair(4, 5, 0.6)]
        );
        assert_eq!(dedup_version(&pg, 2), vec![3, 2060]);
        assert_eq!(dedup_version(&pg, 1).len(), 2049);
        assert_eq!(dedup_version(&pg, 0).len(), 49);
        assert!(pg.write_dedup(&[sig(99999, 1)], &[], 3).is_err());
        assert_eq!(all_signatures(&pg), all_signatures(&lite));
    }

    fn story(id: i64, articles: Vec<i64>) -> StoryRecord {
        StoryRecord {
            id,
            label: format!("قصة {id}"),
            actors: Vec::new(),
            first_seen: Some("2024-01-01".into()),
            last_seen: None,
            articles,
            duplicate_groups: vec![],
            sources: vec!["a.example".into()],
            num_sources: 0,
            entities: vec![crate::StoryEntity {
                id: 7,
                etype: "person".into(),
                name: "زيد".into(),
                name_en: None,
                count: 2,
                articles: 1,
            }],
            terms: vec!["term".into()],
            linked: vec![(id + 1, 2)],
            events: vec![],
        }
    }

    fn all_stories(s: &dyn Store) -> Vec<StoryRecord> {
        let mut v = Vec::new();
        s.stories(&mut |x| {
            v.push(x);
            true
        })
        .expect("stories");
        v
    }

    fn all_vectors(s: &dyn Store) -> Vec<(i64, Vec<(String, f32)>)> {
        let mut v = Vec::new();
        s.article_vectors(&mut |a, t| v.push((a, t)))
            .expect("article_vectors");
        v
    }

    fn same_stories(pg: &PgStore, lite: &SqliteStore) {
        assert_eq!(all_stories(pg), all_stories(lite));
        assert_eq!(all_vectors(pg), all_vectors(lite));
        for id in [0, 1, 2, 5, 1500, 2600] {
            assert_eq!(pg.story(id).unwrap(), lite.story(id).unwrap(), "story {id}");
        }
        for a in [1, 2, 3, 4, 1200, 2999, 5000] {
            assert_eq!(
                pg.story_of(a).unwrap(),
                lite.story_of(a).unwrap(),
                "article {a}"
            );
        }
        let some = [5, 3, 99999, 3, 1, 2400];
        assert_eq!(
            pg.article_vectors_of(&some).unwrap(),
            lite.article_vectors_of(&some).unwrap()
        );
        assert_eq!(pg.story_state().unwrap(), lite.story_state().unwrap());
    }

    #[test]
    fn stories_like_sqlite() {
        let Some((mut pg, _db)) = fresh("stories") else {
            return;
        };
        let mut lite = SqliteStore::open_in_memory().expect("sqlite");
        add_articles(&pg, &mut lite, 3000);
        let state = KeptState {
            version: 3,
            last_article: 40,
            data: vec![1, 2, 3, 0],
        };
        let stories: Vec<StoryRecord> = (1..=1500).map(|i| story(i, vec![i, i + 1500])).collect();
        let members: Vec<(i64, i64, f32)> = (1..=1500)
            .flat_map(|i| [(i, i, 1.0), (i + 1500, i, 0.123_456_7)])
            .collect();
        let vectors: Vec<(i64, Vec<(String, f32)>)> = (1..=2200)
            .map(|i| {
                (
                    i,
                    vec![(format!("كلمة{i}"), 0.5), ("two words".into(), 0.25)],
                )
            })
            .chain([(2201, vec![])])
            .collect();
        for s in [&mut pg as &mut dyn Store, &mut lite] {
            s.save_story_state(&state).expect("save_story_state");
            s.write_stories(&stories, &members, &vectors)
                .expect("write_stories");
        }
        assert_eq!(pg.story_state().unwrap(), None);
        assert_eq!(all_stories(&pg).len(), 1500);
        same_stories(&pg, &lite);

        let changed = vec![
            story(2, vec![2, 2700]),
            story(2600, vec![2800]),
            story(2, vec![2, 2701]),
        ];
        let new_members = vec![
            (2700, 2, 0.5),
            (2800, 2600, 0.75),
            (3, 2600, 0.25),
            (2700, 2, 0.6),
        ];
        let new_vectors = vec![
            (2700, vec![("x".into(), 1.0)]),
            (1, vec![]),
            (2700, vec![("y".into(), 2.0)]),
        ];
        for s in [&mut pg as &mut dyn Store, &mut lite] {
            s.upsert_stories(&changed, &new_members, &new_vectors, &state)
                .expect("upsert_stories");
        }
        assert_eq!(pg.story_state().unwrap(), Some(state.clone()));
        assert_eq!(pg.story(2).unwrap().unwrap().articles, vec![2, 2701]);
        same_stories(&pg, &lite);

        // A callback may read the store; returning false stops.
        let mut n = 0;
        pg.stories(&mut |r| {
            assert_eq!(pg.story(r.id).unwrap().unwrap(), r);
            n += 1;
            n < 1200
        })
        .unwrap();
        assert_eq!(n, 1200);

        let bad = vec![(1, 1, 1.0), (1, 2, 1.0)];
        assert!(pg.write_stories(&[], &bad, &[]).is_err());
        same_stories(&pg, &lite);
    }

    fn place(name: &str) -> EventPlace {
        EventPlace {
            entity: Some(4),
            name: name.into(),
            name_en: None,
            lat: Some(33.5),
            lon: None,
            country: Some("SY".into()),
        }
    }

    fn event(id: i64, articles: Vec<i64>, key: &str) -> (EventRecord, EventState) {
        let e = EventRecord {
            id,
            etype: "CONSULT".into(),
            mode: None,
            intent: false,
            negated: id % 7 == 0,
            source: None,
            target: None,
            place: Some(place("دمشق")),
            date: (id % 3 != 0).then(|| format!("2024-01-{:02}", id % 28 + 1)),
            date_grain: None,
            date_source: None,
            mentions: vec![],
            articles,
            num_sources: 1,
            num_articles: 1,
            confidence: 0.5,
        };
        let st = EventState {
            key: key.into(),
            publishers: vec!["p".into()],
            places: vec![(place("حلب"), 3)],
            contribs: vec![MentionContrib {
                publisher: "p".into(),
                place: None,
                mode: Some("m".into()),
                date_source: None,
            }],
        };
        (e, st)
    }

    fn all_events(s: &dyn Store) -> Vec<EventRecord> {
        let mut v = Vec::new();
        s.events(&mut |e| {
            v.push(e);
            true
        })
        .expect("events");
        v
    }

    fn all_keys(s: &dyn Store) -> Vec<(i64, String)> {
        let mut v = Vec::new();
        s.event_keys(&mut |id, k| v.push((id, k.to_string())))
            .expect("event_keys");
        // SQLite happens to list them by key (its index), PostgreSQL by id.
        v.sort();
        v
    }

    fn same_events(pg: &PgStore, lite: &SqliteStore) {
        assert_eq!(all_events(pg), all_events(lite));
        assert_eq!(all_keys(pg), all_keys(lite));
        for id in [
            0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 20, 1999, 2400, 3000,
        ] {
            assert_eq!(
                pg.event_state(id).unwrap(),
                lite.event_state(id).unwrap(),
                "event {id}"
            );
            assert_eq!(
                pg.event_redirect(id).unwrap(),
                lite.event_redirect(id).unwrap(),
                "redirect {id}"
            );
        }
        for a in [1, 2, 3, 5, 50, 100, 101] {
            assert_eq!(
                pg.events_with_article(a).unwrap(),
                lite.events_with_article(a).unwrap()
            );
        }
        let arts = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 77, 100];
        assert_eq!(
            pg.events_of_articles(&arts).unwrap(),
            lite.events_of_articles(&arts).unwrap()
        );
        for stage in [DerivedStage::Events, DerivedStage::Stories] {
            assert_eq!(
                pg.stage_mark(stage).unwrap(),
                lite.stage_mark(stage).unwrap()
            );
        }
    }

    #[test]
    fn events_like_sqlite() {
        let Some((mut pg, _db)) = fresh("events") else {
            return;
        };
        let mut lite = SqliteStore::open_in_memory().expect("sqlite");
        let mut batch: Vec<(EventRecord, EventState)> = (1..=2500)
            .map(|i| {
                event(
                    i,
                    vec![i % 100 + 1, i % 100 + 1, i % 37 + 1],
                    &format!("k{i}"),
                )
            })
            .collect();
        // The same id twice (the last wins) and a key taken over.
        batch.push(event(5, vec![9], "k5b"));
        batch.push(event(6, vec![9], "k7"));
        for s in [&mut pg as &mut dyn Store, &mut lite] {
            s.upsert_events(
                &[event(1, vec![1], "old")],
                &[(90000, 1)],
                &[],
                &StageMark::new(1, 1),
            )
            .expect("upsert_events");
            s.write_events(&batch, &StageMark::new(2, 2500))
                .expect("write_events");
        }
        assert_eq!(pg.event_redirect(90000).unwrap(), None);
        assert_eq!(all_events(&pg).len(), 2500);
        assert_eq!(all_keys(&pg).len(), 2499);
        same_events(&pg, &lite);

        // Chained merges, deletions, a key moving between events.
        for s in [&mut pg as &mut dyn Store, &mut lite] {
            s.upsert_events(&[], &[(20, 10)], &[], &StageMark::new(2, 2501))
                .expect("upsert_events 1");
            s.upsert_events(
                &[
                    event(11, vec![1, 2], "k12"),
                    event(12, vec![3], "k11"),
                    event(3000, vec![100, 101], "k3000"),
                    event(8, vec![4], "k9"),
                    event(8, vec![5], "k8"),
                ],
                &[(10, 11), (11, 2), (4, 2)],
                &[1999, 3],
                &StageMark::new(2, 2600),
            )
            .expect("upsert_events 2");
        }
        assert_eq!(pg.event_redirect(20).unwrap(), Some(2));
        same_events(&pg, &lite);
    }
}
