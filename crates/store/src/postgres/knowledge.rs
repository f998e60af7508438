//! Article entities, the knowledge base, its kept state and redirects.

use std::collections::HashMap;
use std::hash::Hash;

use ::postgres::{GenericClient, Row, Transaction};

use super::{PgStore, PAGE};
use crate::codec::{attach_mention, finish_entity, json, parse_json, ENTITY_COLS};
use crate::{
    ArticleEntities, EntityMention, EntityRecord, KbUpdate, KeptState, Result, StoreError,
    StoredDocEntity,
};

/// Rows per multi-row statement of the bulk writes.
const CHUNK: usize = 5000;

/// Rows per statement of the bulk link updates (three numbers a row).
const LINK_CHUNK: usize = 100_000;

/// For each item, whether it is the last one with its key: a bulk statement
/// cannot touch a row twice, and the last write is the one a row-by-row
/// write leaves.
fn last_of_key<K: Hash + Eq>(keys: impl Iterator<Item = K>) -> Vec<bool> {
    let keys: Vec<K> = keys.collect();
    let mut last = HashMap::with_capacity(keys.len());
    for (i, k) in keys.iter().enumerate() {
        last.insert(k, i);
    }
    (0..keys.len()).map(|i| last[&keys[i]] == i).collect()
}

/// The columns of `mentions` rows to insert.
#[derive(Default)]
struct MentionRows {
    article: Vec<i64>,
    field: Vec<&'static str>,
    start: Vec<i64>,
    end: Vec<i64>,
    etype: Vec<&'static str>,
    doc_entity: Vec<i64>,
}

/// Replaces the entities and mentions of articles and records the
/// annotator version; an article given twice keeps its last entities.
pub(super) fn put_article_entities(
    tx: &mut Transaction<'_>,
    items: &[(i64, &ArticleEntities)],
    version: i64,
) -> Result<()> {
    if items.is_empty() {
        return Ok(());
    }
    let keep = last_of_key(items.iter().map(|(id, _)| *id));
    let items: Vec<(i64, &ArticleEntities)> = items
        .iter()
        .zip(keep)
        .filter_map(|(it, k)| k.then_some(*it))
        .collect();
    let ids: Vec<i64> = items.iter().map(|(id, _)| *id).collect();
    tx.execute("DELETE FROM mentions WHERE article_id = ANY($1)", &[&ids])?;
    tx.execute(
        "DELETE FROM doc_entities WHERE article_id = ANY($1)",
        &[&ids],
    )?;

    let mut ents: (Vec<i64>, Vec<i64>, Vec<String>) = Default::default();
    let mut ments = MentionRows::default();
    for &(id, ae) in &items {
        for (idx, e) in ae.entities.iter().enumerate() {
            ents.0.push(id);
            ents.1.push(idx as i64);
            ents.2.push(json(e));
            for m in e.mentions.iter().filter_map(|&m| ae.mentions.get(m)) {
                ments.article.push(id);
                ments.field.push(m.field.as_str());
                ments.start.push(m.start as i64);
                ments.end.push(m.end as i64);
                ments.etype.push(m.etype.as_str());
                ments.doc_entity.push(idx as i64);
            }
        }
    }
    let ins_e = tx.prepare(
        "INSERT INTO doc_entities (article_id, idx, data)
         SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[])",
    )?;
    for lo in (0..ents.0.len()).step_by(CHUNK) {
        let hi = (lo + CHUNK).min(ents.0.len());
        tx.execute(
            &ins_e,
            &[&&ents.0[lo..hi], &&ents.1[lo..hi], &&ents.2[lo..hi]],
        )?;
    }
    let ins_m = tx.prepare(
        "INSERT INTO mentions (article_id, field, start, \"end\", etype, doc_entity)
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::bigint[], $5::text[], $6::bigint[])",
    )?;
    for lo in (0..ments.article.len()).step_by(CHUNK) {
        let hi = (lo + CHUNK).min(ments.article.len());
        tx.execute(
            &ins_m,
            &[
                &&ments.article[lo..hi],
                &&ments.field[lo..hi],
                &&ments.start[lo..hi],
                &&ments.end[lo..hi],
                &&ments.etype[lo..hi],
                &&ments.doc_entity[lo..hi],
            ],
        )?;
    }
    tx.execute(
        "UPDATE articles SET entity_version = $2 WHERE id = ANY($1)",
        &[&ids, &version],
    )?;
    Ok(())
}

/// Inserts or replaces entity rows (the last of one id wins).
fn upsert_entities(tx: &mut Transaction<'_>, entities: &[EntityRecord]) -> Result<()> {
    let keep = last_of_key(entities.iter().map(|e| e.id));
    let entities: Vec<&EntityRecord> = entities
        .iter()
        .zip(keep)
        .filter_map(|(e, k)| k.then_some(e))
        .collect();
    if entities.is_empty() {
        return Ok(());
    }
    let st = tx.prepare(&format!(
        "INSERT INTO entities ({ENTITY_COLS})
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                              $7::text[], $8::bigint[], $9::float8[], $10::float8[], $11::bigint[],
                              $12::text[], $13::text[], $14::text[])
         ON CONFLICT (id) DO UPDATE SET etype = EXCLUDED.etype, name = EXCLUDED.name,
             name_en = EXCLUDED.name_en, country = EXCLUDED.country,
             country_evidence = EXCLUDED.country_evidence, sector = EXCLUDED.sector,
             place_id = EXCLUDED.place_id, lat = EXCLUDED.lat, lon = EXCLUDED.lon,
             mentions = EXCLUDED.mentions, articles = EXCLUDED.articles,
             variants = EXCLUDED.variants, roles = EXCLUDED.roles"
    ))?;
    for chunk in entities.chunks(CHUNK) {
        let id: Vec<i64> = chunk.iter().map(|e| e.id).collect();
        let etype: Vec<&str> = chunk.iter().map(|e| e.etype.as_str()).collect();
        let name: Vec<&str> = chunk.iter().map(|e| e.name.as_str()).collect();
        let name_en: Vec<Option<&str>> = chunk.iter().map(|e| e.name_en.as_deref()).collect();
        let country: Vec<Option<&str>> = chunk.iter().map(|e| e.country.as_deref()).collect();
        let evidence: Vec<Option<&str>> = chunk
            .iter()
            .map(|e| e.country_evidence.as_deref())
            .collect();
        let sector: Vec<Option<&str>> = chunk.iter().map(|e| e.sector.as_deref()).collect();
        let place: Vec<Option<i64>> = chunk.iter().map(|e| e.place_id).collect();
        let lat: Vec<Option<f64>> = chunk.iter().map(|e| e.lat).collect();
        let lon: Vec<Option<f64>> = chunk.iter().map(|e| e.lon).collect();
        let mentions: Vec<i64> = chunk.iter().map(|e| i64::from(e.mentions)).collect();
        let articles: Vec<String> = chunk.iter().map(|e| json(&e.articles)).collect();
        let variants: Vec<String> = chunk.iter().map(|e| json(&e.variants)).collect();
        let roles: Vec<String> = chunk.iter().map(|e| json(&e.roles)).collect();
        tx.execute(
            &st,
            &[
                &id, &etype, &name, &name_en, &country, &evidence, &sector, &place, &lat, &lon,
                &mentions, &articles, &variants, &roles,
            ],
        )?;
    }
    Ok(())
}

/// Sets the knowledge-base entity of (article, article-entity index) pairs
/// (the last link of a pair wins; pairs not stored are left alone).
fn link_doc_entities(tx: &mut Transaction<'_>, links: &[(i64, u32, i64)]) -> Result<()> {
    let keep = last_of_key(links.iter().map(|&(a, idx, _)| (a, idx)));
    let links: Vec<&(i64, u32, i64)> = links
        .iter()
        .zip(keep)
        .filter_map(|(l, k)| k.then_some(l))
        .collect();
    if links.is_empty() {
        return Ok(());
    }
    let st = tx.prepare(
        "UPDATE doc_entities d SET entity_id = v.entity_id
         FROM unnest($1::bigint[], $2::bigint[], $3::bigint[]) AS v(article_id, idx, entity_id)
         WHERE d.article_id = v.article_id AND d.idx = v.idx
           AND d.entity_id IS DISTINCT FROM v.entity_id",
    )?;
    for chunk in links.chunks(LINK_CHUNK) {
        let a: Vec<i64> = chunk.iter().map(|l| l.0).collect();
        let idx: Vec<i64> = chunk.iter().map(|l| i64::from(l.1)).collect();
        let e: Vec<i64> = chunk.iter().map(|l| l.2).collect();
        tx.execute(&st, &[&a, &idx, &e])?;
    }
    Ok(())
}

/// Keeps the knowledge base's state, compressed.
fn put_kb_state(c: &mut impl GenericClient, state: &KeptState) -> Result<()> {
    c.execute(
        "INSERT INTO kb_state (id, version, last_article, data) VALUES (1, $1, $2, $3)
         ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version,
             last_article = EXCLUDED.last_article, data = EXCLUDED.data",
        &[
            &state.version,
            &state.last_article,
            &crate::compress(&state.data),
        ],
    )?;
    Ok(())
}

fn entity_from_row(r: &Row) -> Result<(EntityRecord, [String; 3])> {
    let id: i64 = r.try_get(0)?;
    let mentions: i64 = r.try_get(10)?;
    let mentions = u32::try_from(mentions).map_err(|_| StoreError::Corrupt {
        what: format!("entity {id}"),
        reason: format!("mention count {mentions} out of range"),
    })?;
    Ok((
        EntityRecord {
            id,
            etype: r.try_get(1)?,
            name: r.try_get(2)?,
            name_en: r.try_get(3)?,
            country: r.try_get(4)?,
            country_evidence: r.try_get(5)?,
            sector: r.try_get(6)?,
            place_id: r.try_get(7)?,
            lat: r.try_get(8)?,
            lon: r.try_get(9)?,
            mentions,
            articles: Vec::new(),
            variants: Vec::new(),
            roles: Vec::new(),
        },
        [r.try_get(11)?, r.try_get(12)?, r.try_get(13)?],
    ))
}

pub(super) fn replace_article_entities(
    s: &mut PgStore,
    items: &[(i64, ArticleEntities)],
    version: i64,
) -> Result<()> {
    let items: Vec<(i64, &ArticleEntities)> = items.iter().map(|(id, ae)| (*id, ae)).collect();
    let mut c = s.db();
    let mut tx = c.transaction()?;
    put_article_entities(&mut tx, &items, version)?;
    tx.commit()?;
    Ok(())
}

pub(super) fn all_doc_entities(
    s: &PgStore,
    f: &mut dyn FnMut(i64, Vec<rasd_entity::DocEntity>),
) -> Result<()> {
    doc_entities_after(s, 0, f)
}

pub(super) fn write_knowledge_base(
    s: &mut PgStore,
    entities: &[EntityRecord],
    links: &[(i64, u32, i64)],
) -> Result<()> {
    let mut c = s.db();
    let mut tx = c.transaction()?;
    // A full rebuild numbers the entities anew: old redirects and the kept
    // state no longer apply (the caller saves a new state); events and
    // stories name entities by id: they are rebuilt next.
    tx.batch_execute(
        "DELETE FROM entities;
         DELETE FROM entity_redirects;
         DELETE FROM kb_state;
         DELETE FROM stage_marks;
         DELETE FROM story_state;",
    )?;
    upsert_entities(&mut tx, entities)?;
    link_doc_entities(&mut tx, links)?;
    // Nearly every article entity is linked now: without fresh statistics
    // the planner takes linked ones for rare, and the reads that join them
    // (`article_entity_counts`, …) pick plans that scan them all.
    tx.batch_execute("ANALYZE doc_entities, entities")?;
    tx.commit()?;
    Ok(())
}

pub(super) fn kb_state(s: &PgStore) -> Result<Option<KeptState>> {
    let row = s.db().query_opt(
        "SELECT version, last_article, data FROM kb_state WHERE id = 1",
        &[],
    )?;
    let Some(r) = row else {
        return Ok(None);
    };
    let data: Vec<u8> = r.try_get(2)?;
    let data = crate::decompress(&data).map_err(|e| StoreError::Corrupt {
        what: "knowledge-base state".into(),
        reason: e.to_string(),
    })?;
    Ok(Some(KeptState {
        version: r.try_get(0)?,
        last_article: r.try_get(1)?,
        data,
    }))
}

pub(super) fn save_kb_state(s: &mut PgStore, state: &KeptState) -> Result<()> {
    put_kb_state(&mut *s.db(), state)
}

pub(super) fn doc_entities_after(
    s: &PgStore,
    after: i64,
    f: &mut dyn FnMut(i64, Vec<rasd_entity::DocEntity>),
) -> Result<()> {
    // Keyset pages on (article_id, idx); an article's entities may span
    // pages, so each article goes to `f` once its last row is read.
    let mut from = (after, i64::MAX);
    let mut cur: Option<i64> = None;
    let mut batch = Vec::new();
    loop {
        let rows = s.db().query(
            "SELECT article_id, idx, data FROM doc_entities WHERE (article_id, idx) > ($1, $2)
             ORDER BY article_id, idx LIMIT $3",
            &[&from.0, &from.1, &PAGE],
        )?;
        for r in &rows {
            let a: i64 = r.try_get(0)?;
            let d: &str = r.try_get(2)?;
            if let Some(c) = cur.filter(|&c| c != a) {
                f(c, std::mem::take(&mut batch));
            }
            cur = Some(a);
            batch.push(parse_json(d, &format!("entities of article {a}"))?);
        }
        match rows.last() {
            Some(r) if rows.len() as i64 == PAGE => from = (r.try_get(0)?, r.try_get(1)?),
            _ => break,
        }
    }
    if let Some(c) = cur {
        f(c, batch);
    }
    Ok(())
}

pub(super) fn unlinked_doc_entities_upto(s: &PgStore, upto: i64) -> Result<bool> {
    let r = s.db().query_one(
        "SELECT EXISTS (SELECT 1 FROM doc_entities WHERE entity_id IS NULL AND article_id <= $1)",
        &[&upto],
    )?;
    Ok(r.try_get(0)?)
}

pub(super) fn update_knowledge_base(s: &mut PgStore, update: &KbUpdate) -> Result<()> {
    let mut c = s.db();
    let mut tx = c.transaction()?;
    upsert_entities(&mut tx, update.entities)?;
    if !update.merges.is_empty() {
        let del = tx.prepare("DELETE FROM entities WHERE id = $1")?;
        let chain = tx.prepare("UPDATE entity_redirects SET new_id = $2 WHERE new_id = $1")?;
        let redirect = tx.prepare(
            "INSERT INTO entity_redirects (old_id, new_id) VALUES ($1, $2)
             ON CONFLICT (old_id) DO UPDATE SET new_id = EXCLUDED.new_id",
        )?;
        let relink = tx.prepare("UPDATE doc_entities SET entity_id = $2 WHERE entity_id = $1")?;
        for (old, new) in update.merges {
            tx.execute(&del, &[old])?;
            tx.execute(&chain, &[old, new])?;
            tx.execute(&redirect, &[old, new])?;
            tx.execute(&relink, &[old, new])?;
        }
    }
    link_doc_entities(&mut tx, update.links)?;
    put_kb_state(&mut tx, update.state)?;
    tx.commit()?;
    Ok(())
}

pub(super) fn entity_redirect(s: &PgStore, id: i64) -> Result<Option<i64>> {
    let row = s.db().query_opt(
        "SELECT new_id FROM entity_redirects WHERE old_id = $1",
        &[&id],
    )?;
    Ok(row.map(|r| r.try_get(0)).transpose()?)
}

pub(super) fn entities(s: &PgStore, f: &mut dyn FnMut(EntityRecord) -> bool) -> Result<()> {
    let first = format!("SELECT {ENTITY_COLS} FROM entities ORDER BY id LIMIT $1");
    let next = format!("SELECT {ENTITY_COLS} FROM entities WHERE id > $2 ORDER BY id LIMIT $1");
    let mut after: Option<i64> = None;
    loop {
        let rows = match after {
            None => s.db().query(&first, &[&PAGE])?,
            Some(a) => s.db().query(&next, &[&PAGE, &a])?,
        };
        for r in &rows {
            if !f(finish_entity(entity_from_row(r)?)?) {
                return Ok(());
            }
        }
        match rows.last() {
            Some(r) if rows.len() as i64 == PAGE => after = Some(r.try_get(0)?),
            _ => return Ok(()),
        }
    }
}

/// An entity by id; the id of an entity merged into another gives that
/// other one (its record carries its own id).
/// In one query, without redirects; in the order of `ids`.
pub(super) fn entities_of(s: &PgStore, ids: &[i64]) -> Result<Vec<EntityRecord>> {
    let rows = s.db().query(
        &format!("SELECT {ENTITY_COLS} FROM entities WHERE id = ANY($1)"),
        &[&ids],
    )?;
    let mut by_id: HashMap<i64, EntityRecord> = HashMap::new();
    for r in &rows {
        let e = finish_entity(entity_from_row(r)?)?;
        by_id.insert(e.id, e);
    }
    Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
}

pub(super) fn entity(s: &PgStore, id: i64) -> Result<Option<EntityRecord>> {
    let get = |id: i64| -> Result<Option<EntityRecord>> {
        let row = s.db().query_opt(
            &format!("SELECT {ENTITY_COLS} FROM entities WHERE id = $1"),
            &[&id],
        )?;
        row.map(|r| finish_entity(entity_from_row(&r)?)).transpose()
    };
    match get(id)? {
        Some(e) => Ok(Some(e)),
        None => match entity_redirect(s, id)? {
            Some(to) if to != id => get(to),
            _ => Ok(None),
        },
    }
}

pub(super) fn entity_mentions(s: &PgStore, id: i64, limit: u64) -> Result<Vec<EntityMention>> {
    // SQLite reads a limit beyond i64 as negative: no limit (NULL here).
    let limit = i64::try_from(limit).ok();
    let rows = s.db().query(
        "SELECT m.article_id, m.field, m.start, m.\"end\" FROM doc_entities d
         JOIN mentions m ON m.article_id = d.article_id AND m.doc_entity = d.idx
         WHERE d.entity_id = $1 ORDER BY m.article_id, m.field COLLATE \"C\", m.start LIMIT $2",
        &[&id, &limit],
    )?;
    rows.iter()
        .map(|r| {
            Ok(EntityMention {
                article: r.try_get(0)?,
                field: r.try_get(1)?,
                start: r.try_get::<_, i64>(2)? as usize,
                end: r.try_get::<_, i64>(3)? as usize,
            })
        })
        .collect()
}

pub(super) fn articles_naming(s: &PgStore, entities: &[i64], upto: i64) -> Result<Vec<i64>> {
    let rows = s.db().query(
        "SELECT DISTINCT article_id FROM doc_entities
         WHERE entity_id = ANY($1) AND article_id <= $2 ORDER BY article_id",
        &[&entities, &upto],
    )?;
    rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
}

pub(super) fn article_entity_counts_of(
    s: &PgStore,
    articles: &[i64],
) -> Result<Vec<(i64, i64, u32)>> {
    // In the order of `articles` (an article given twice comes twice), each
    // by entity id.
    let rows = s.db().query(
        "SELECT q.a, d.entity_id, COUNT(*)
         FROM unnest($1::bigint[]) WITH ORDINALITY AS q(a, ord)
         JOIN mentions m ON m.article_id = q.a
         JOIN doc_entities d ON d.article_id = m.article_id AND d.idx = m.doc_entity
         WHERE d.entity_id IS NOT NULL
         GROUP BY q.ord, q.a, d.entity_id ORDER BY q.ord, d.entity_id",
        &[&articles],
    )?;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get::<_, i64>(2)? as u32)))
        .collect()
}

pub(super) fn article_entity_counts(s: &PgStore, f: &mut dyn FnMut(i64, i64, u32)) -> Result<()> {
    // Pages of at most PAGE (article, entity) groups, keyed on (article,
    // entity). Each page aggregates only the articles from `lo` up to `hi`,
    // the article of the PAGE-th linked article entity from `lo` on, which
    // hold at least PAGE groups when there are that many: the page reads a
    // bounded range of mentions instead of aggregating all of them.
    let mut lo = i64::MIN;
    // The last entity of article `lo` already given to `f`.
    let mut done_in_lo: Option<i64> = None;
    loop {
        let (rows, hi) = {
            let mut c = s.db();
            let hi: Option<i64> = c
                .query_one(
                    "SELECT max(article_id) FROM (SELECT article_id FROM doc_entities
                     WHERE article_id >= $1 AND entity_id IS NOT NULL
                     ORDER BY article_id, idx LIMIT $2) t",
                    &[&lo, &PAGE],
                )?
                .try_get(0)?;
            let Some(hi) = hi else {
                return Ok(());
            };
            let rows = c.query(
                "SELECT m.article_id, d.entity_id, COUNT(*) FROM mentions m
                 JOIN doc_entities d ON d.article_id = m.article_id AND d.idx = m.doc_entity
                 WHERE d.entity_id IS NOT NULL AND m.article_id BETWEEN $1 AND $2
                   AND ($3::bigint IS NULL OR m.article_id > $1 OR d.entity_id > $3)
                 GROUP BY m.article_id, d.entity_id
                 ORDER BY m.article_id, d.entity_id LIMIT $4",
                &[&lo, &hi, &done_in_lo, &PAGE],
            )?;
            (rows, hi)
        };
        for r in &rows {
            f(r.try_get(0)?, r.try_get(1)?, r.try_get::<_, i64>(2)? as u32);
        }
        match rows.last() {
            Some(r) if rows.len() as i64 == PAGE => {
                lo = r.try_get(0)?;
                done_in_lo = Some(r.try_get(1)?);
            }
            _ if hi == i64::MAX => return Ok(()),
            _ => {
                lo = hi + 1;
                done_in_lo = None;
            }
        }
    }
}

pub(super) fn article_entities(s: &PgStore, id: i64) -> Result<Vec<StoredDocEntity>> {
    Ok(article_entities_of(s, &[id])?.pop().unwrap_or_default())
}

/// In two queries; in the order of `ids`.
pub(super) fn article_entities_of(s: &PgStore, ids: &[i64]) -> Result<Vec<Vec<StoredDocEntity>>> {
    let (ents, ments) = {
        let mut c = s.db();
        let ents = c.query(
            "SELECT article_id, data, entity_id FROM doc_entities WHERE article_id = ANY($1)
             ORDER BY article_id, idx",
            &[&ids],
        )?;
        // In the order they were written (the identity column), as SQLite's
        // rowid order.
        let ments = c.query(
            "SELECT article_id, field, start, \"end\", etype, doc_entity FROM mentions
             WHERE article_id = ANY($1) ORDER BY article_id, id",
            &[&ids],
        )?;
        (ents, ments)
    };
    let mut by_id: HashMap<i64, Vec<StoredDocEntity>> = HashMap::new();
    for r in &ents {
        let id: i64 = r.try_get(0)?;
        let d: &str = r.try_get(1)?;
        by_id.entry(id).or_default().push(StoredDocEntity {
            entity: parse_json(d, &format!("entities of article {id}"))?,
            kb_id: r.try_get(2)?,
            mentions: Vec::new(),
        });
    }
    for r in &ments {
        let id: i64 = r.try_get(0)?;
        let row = (
            r.try_get(1)?,
            r.try_get(2)?,
            r.try_get(3)?,
            r.try_get(4)?,
            r.try_get(5)?,
        );
        attach_mention(
            by_id.entry(id).or_default(),
            row,
            &format!("mentions of article {id}"),
        )?;
    }
    Ok(ids
        .iter()
        .map(|id| by_id.remove(id).unwrap_or_default())
        .collect())
}

pub(super) fn entity_redirects(s: &PgStore) -> Result<Vec<(i64, i64)>> {
    let rows = s.db().query(
        "SELECT old_id, new_id FROM entity_redirects ORDER BY old_id",
        &[],
    )?;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{InputBatch, SqliteStore, Store};
    use rasd_doc::{Article, ArticleKind, Field};
    use rasd_entity::{DocEntity, EntityType, Mention};

    use crate::testing::TestDb;

    /// A fresh database for one test, with articles 1..=`articles`; `None`
    /// (the test is skipped) unless `RASD_TEST_PG` names a server.
    fn fresh(test: &str, articles: i64) -> Option<(PgStore, TestDb)> {
        let db = TestDb::new(&format!("knowledge_{test}"))?;
        let s = db.open();
        s.db()
            .batch_execute(&format!(
                "INSERT INTO inputs (id, path, sha256, size, format, encoding, raw, records)
                 VALUES (1, 'fixture', '00', 0, 'text', 'UTF-8', '\\x', {articles});
                 INSERT INTO articles (id, key, input_id, input_index, kind, body, body_hash,
                                       tags, related, links, alignment, regions)
                 SELECT g, 'doc:00#' || g, 1, g - 1, 'page', 'b', 'h', '[]', '[]', '[]', '[]', '[]'
                 FROM generate_series(1, {articles}) g;"
            ))
            .unwrap();
        Some((s, db))
    }

    /// A SQLite store with the same articles.
    fn sqlite(articles: i64) -> SqliteStore {
        let mut s = SqliteStore::open_in_memory().unwrap();
        let arts: Vec<Article> = (0..articles as u32)
            .map(|i| {
                let mut a = Article::new(ArticleKind::Page, i);
                a.body = format!("b{i}");
                a
            })
            .collect();
        let raw = crate::compress(b"");
        s.write_input(&InputBatch {
            path: "fixture",
            archive: None,
            sha256: "00",
            size: 0,
            format: "text",
            encoding: "UTF-8",
            raw_deflated: &raw,
            records: articles as u32,
            articles: &arts,
            rejects: &[],
            error: None,
            timexes: &[],
            time_version: 0,
            entities: &[],
            entity_version: 0,
            ..Default::default()
        })
        .unwrap();
        s
    }

    fn mention(field: Field, start: usize, etype: EntityType) -> Mention {
        Mention {
            field,
            start,
            end: start + 3,
            etype,
        }
    }

    fn doc_entity(name: &str, etype: EntityType, mentions: Vec<usize>) -> DocEntity {
        DocEntity {
            etype,
            name: name.into(),
            key: name.to_lowercase(),
            mentions,
            variants: vec![name.into()],
            roles: Vec::new(),
            countries: vec![("LY".into(), "ليبي".into())],
            sector: None,
            composed: false,
            place: (etype == EntityType::LOC).then_some(7),
        }
    }

    /// `n` entities in article `a`, each with one to three mentions over
    /// the fields.
    fn article_entities_of(a: i64, n: usize) -> ArticleEntities {
        let mut ae = ArticleEntities::default();
        for i in 0..n {
            let etype = [EntityType::PER, EntityType::ORG, EntityType::LOC][i % 3];
            let first = ae.mentions.len();
            for k in 0..=(i + a as usize) % 3 {
                let field = Field::ALL[(i + k) % 4];
                ae.mentions.push(mention(field, 10 * i + k, etype));
            }
            let ms = (first..ae.mentions.len()).collect();
            ae.entities
                .push(doc_entity(&format!("E{a}-{i}"), etype, ms));
        }
        ae.mentions
            .sort_by_key(|m| (Field::ALL.iter().position(|f| *f == m.field), m.start));
        ae
    }

    fn record(id: i64, mentions: u32) -> EntityRecord {
        EntityRecord {
            id,
            etype: "PER".into(),
            name: format!("entity {id}"),
            name_en: (id % 2 == 0).then(|| format!("Entity {id}")),
            variants: vec![(format!("v{id}"), 2), ("w".into(), 1)],
            mentions,
            country: Some("LY".into()),
            country_evidence: None,
            sector: (id % 3 == 0).then(|| "GOV".into()),
            place_id: (id % 2 == 1).then_some(id * 10),
            lat: Some(32.5),
            lon: None,
            articles: vec![1, 2, id],
            roles: vec![(1, "وزير".into())],
        }
    }

    /// Every read of the knowledge side, as text, for comparing backends.
    fn snapshot(s: &dyn Store, articles: i64) -> Vec<String> {
        let mut out = Vec::new();
        let mut docs = Vec::new();
        s.all_doc_entities(&mut |a, es| {
            // A callback may use the store.
            docs.push((a, es, s.entity(1).unwrap()));
        })
        .unwrap();
        out.push(format!("all_doc_entities {docs:?}"));
        let mut after = Vec::new();
        s.doc_entities_after(2, &mut |a, es| after.push((a, es.len())))
            .unwrap();
        out.push(format!("doc_entities_after {after:?}"));
        for upto in [0, 1, 2, articles] {
            out.push(format!(
                "unlinked {upto} {}",
                s.unlinked_doc_entities_upto(upto).unwrap()
            ));
        }
        let mut ents = Vec::new();
        s.entities(&mut |e| {
            ents.push((e, s.entity_redirects().unwrap()));
            true
        })
        .unwrap();
        out.push(format!("entities {ents:?}"));
        let mut first = Vec::new();
        s.entities(&mut |e| {
            first.push(e.id);
            false
        })
        .unwrap();
        out.push(format!("first entity {first:?}"));
        for id in [-5, 1, 10, 11, 12, 13, 99] {
            out.push(format!("entity {id} {:?}", s.entity(id).unwrap()));
            out.push(format!(
                "redirect {id} {:?}",
                s.entity_redirect(id).unwrap()
            ));
            out.push(format!(
                "mentions {id} {:?} {:?}",
                s.entity_mentions(id, 3).unwrap(),
                s.entity_mentions(id, u64::MAX).unwrap()
            ));
        }
        out.push(format!("redirects {:?}", s.entity_redirects().unwrap()));
        out.push(format!(
            "naming {:?} {:?} {:?}",
            s.articles_naming(&[10, 11, 12, 10], 3).unwrap(),
            s.articles_naming(&[12, -5], articles).unwrap(),
            s.articles_naming(&[], articles).unwrap()
        ));
        out.push(format!(
            "counts_of {:?}",
            s.article_entity_counts_of(&[3, 1, 3, 99]).unwrap()
        ));
        let mut counts = Vec::new();
        s.article_entity_counts(&mut |a, e, n| {
            counts.push((a, e, n, s.entity_redirect(e).unwrap()))
        })
        .unwrap();
        out.push(format!("counts {counts:?}"));
        for a in 0..=articles {
            out.push(format!(
                "article_entities {a} {:?}",
                s.article_entities(a).unwrap()
            ));
        }
        out.push(format!("kb_state {:?}", s.kb_state().unwrap()));
        out
    }

    fn assert_same(pg: &dyn Store, lite: &dyn Store, articles: i64, step: &str) {
        let (p, l) = (snapshot(pg, articles), snapshot(lite, articles));
        assert_eq!(p.len(), l.len());
        for (p, l) in p.iter().zip(&l) {
            assert_eq!(p, l, "{step}");
        }
    }

    #[test]
    fn knowledge_base_matches_sqlite() {
        let Some((mut pg, _db)) = fresh("matches_sqlite", 5) else {
            return;
        };
        let mut lite = sqlite(5);
        let stores: [&mut dyn Store; 2] = [&mut pg, &mut lite];
        let mut odd = article_entities_of(4, 2);
        // A mention index out of range is not stored.
        odd.entities[1].mentions.push(99);
        let items = vec![
            (1, article_entities_of(1, 3)),
            (2, article_entities_of(2, 4)),
            (3, article_entities_of(3, 2)),
            // Given twice: the last wins.
            (2, article_entities_of(2, 2)),
            (4, odd),
            (5, ArticleEntities::default()),
        ];
        let kb = [record(10, 4), record(11, 2), record(12, 1), record(10, 5)];
        let links = [
            (1, 0, 10),
            (1, 1, 11),
            (1, 2, 10),
            (2, 0, 12),
            (2, 1, 11),
            (3, 0, 11),
            (3, 1, 12),
            (3, 1, 10),
            // Not stored: ignored.
            (3, 7, 12),
        ];
        let state = KeptState {
            version: 3,
            last_article: 3,
            data: b"state".repeat(100),
        };
        for s in stores {
            s.replace_article_entities(&items, 2).unwrap();
            s.write_knowledge_base(&kb, &links).unwrap();
            s.save_kb_state(&state).unwrap();
        }
        assert_same(&pg, &lite, 5, "after a full rebuild");

        let newer = KeptState {
            version: 3,
            last_article: 4,
            data: b"newer".to_vec(),
        };
        let entities = [record(12, 3), record(13, 1)];
        let update = KbUpdate {
            entities: &entities,
            merges: &[(11, 10), (10, 12)],
            links: &[(4, 0, 13), (4, 1, 12)],
            state: &newer,
        };
        for s in [&mut pg as &mut dyn Store, &mut lite] {
            s.update_knowledge_base(&update).unwrap();
        }
        assert_same(&pg, &lite, 5, "after an update");
        assert_eq!(pg.entity_redirects().unwrap(), vec![(10, 12), (11, 12)]);
        assert_eq!(pg.entity(11).unwrap().map(|e| e.id), Some(12));
        assert_eq!(pg.kb_state().unwrap(), Some(newer));

        // Annotated again: unlinked until the knowledge base reads them.
        let again = vec![(1, article_entities_of(1, 2))];
        for s in [&mut pg as &mut dyn Store, &mut lite] {
            s.replace_article_entities(&again, 3).unwrap();
        }
        assert!(pg.unlinked_doc_entities_upto(1).unwrap());
        assert_same(&pg, &lite, 5, "after annotating again");
        let versions: Vec<(i64, i64)> = pg
            .db()
            .query("SELECT id, entity_version FROM articles ORDER BY id", &[])
            .unwrap()
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
        assert_eq!(versions, vec![(1, 3), (2, 2), (3, 2), (4, 2), (5, 2)]);

        // A full rebuild drops the redirects and the kept state.
        for s in [&mut pg as &mut dyn Store, &mut lite] {
            s.write_knowledge_base(&[record(-5, 1), record(1, 2)], &[(1, 0, -5)])
                .unwrap();
        }
        assert_same(&pg, &lite, 5, "after a second rebuild");
        assert_eq!(pg.kb_state().unwrap(), None);
    }

    #[test]
    fn streams_page_by_page() {
        let n = 600;
        let Some((mut pg, _db)) = fresh("pages", n) else {
            return;
        };
        let mut lite = sqlite(n);
        // More entities in one article than a page holds, and many small
        // articles; some articles have none.
        let items: Vec<(i64, ArticleEntities)> = (1..=n)
            .filter(|a| a % 7 != 0)
            .map(|a| {
                let count = if a == 3 { 2500 } else { (a as usize) % 9 };
                (a, article_entities_of(a, count))
            })
            .collect();
        let mut links = Vec::new();
        for (a, ae) in &items {
            for idx in 0..ae.entities.len() as u32 {
                // Some unlinked; several article entities share an entity.
                if (*a + i64::from(idx)) % 4 != 0 {
                    links.push((*a, idx, (*a * 7 + i64::from(idx) / 2) % 3001 - 3));
                }
            }
        }
        let kb: Vec<EntityRecord> = (-3..2998).map(|id| record(id, 1)).collect();
        for s in [&mut pg as &mut dyn Store, &mut lite] {
            s.replace_article_entities(&items, 1).unwrap();
            s.write_knowledge_base(&kb, &links).unwrap();
        }
        let docs = |s: &dyn Store| {
            let mut v = Vec::new();
            s.all_doc_entities(&mut |a, es| v.push((a, es))).unwrap();
            v
        };
        assert_eq!(docs(&pg), docs(&lite));
        let counts = |s: &dyn Store| {
            let mut v = Vec::new();
            s.article_entity_counts(&mut |a, e, c| v.push((a, e, c)))
                .unwrap();
            v
        };
        let c = counts(&pg);
        assert!(c.len() > 2 * PAGE as usize, "{}", c.len());
        assert_eq!(c, counts(&lite));
        let ents = |s: &dyn Store| {
            let mut v = Vec::new();
            s.entities(&mut |e| {
                v.push(e);
                true
            })
            .unwrap();
            v
        };
        assert_eq!(ents(&pg), ents(&lite));
        let all: Vec<i64> = (0..=n + 1).collect();
        assert_eq!(
            pg.article_entity_counts_of(&all).unwrap(),
            lite.article_entity_counts_of(&all).unwrap()
        );
        assert_eq!(
            pg.article_entities(3).unwrap(),
            lite.article_entities(3).unwrap()
        );
        assert_eq!(
            pg.entity_mentions(5, 5000).unwrap(),
            lite.entity_mentions(5, 5000).unwrap()
        );
    }
}
