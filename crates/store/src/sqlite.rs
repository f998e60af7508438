//! The embedded SQLite backend.

use crate::{
    decompress, ArticleEntities, ArticleQuery, ArticleSignature, DupPair, EntityMention,
    EntityRecord, EventRecord, InputBatch, InputStatus, Problem, Result, Stage, Stats, Store,
    StoreError, StoredArticle, StoredDocEntity, StoryRecord, WriteOutcome,
};
use crate::{
    ArticleText, DerivedStage, EventState, KbUpdate, KeptState, SearchMatch, SearchTerms, StageMark,
};
use rasd_doc::{Article, ArticleKind, DateValue, Field, Span, TimeMention};
use rusqlite::{params, Connection, OptionalExtension, Row};
use std::path::Path;

mod feeds;
mod work;

pub use crate::codec::body_hash;
use crate::codec::{
    article_key, attach_mention, finish_article, finish_entity, json, parse_enum, parse_json,
    parse_vector, vector_text, ARTICLE_COLS, ENTITY_COLS,
};

/// Schema migrations, applied in order; `PRAGMA user_version` records how
/// many have run. Never edit a released migration: add a new one.
const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE inputs (
    id          INTEGER PRIMARY KEY,
    path        TEXT NOT NULL,
    archive     TEXT,
    sha256      TEXT NOT NULL UNIQUE,
    size        INTEGER NOT NULL,
    format      TEXT NOT NULL,
    encoding    TEXT NOT NULL,
    raw         BLOB NOT NULL,
    records     INTEGER NOT NULL,
    error       TEXT,
    complete    INTEGER NOT NULL DEFAULT 0,
    ingested_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE TABLE articles (
    id              INTEGER PRIMARY KEY,
    key             TEXT NOT NULL UNIQUE,
    input_id        INTEGER NOT NULL REFERENCES inputs(id),
    input_index     INTEGER NOT NULL,
    record          INTEGER,
    kind            TEXT NOT NULL CHECK (kind IN ('page', 'appended')),
    appended_to     INTEGER REFERENCES articles(id),
    url             TEXT,
    source_label    TEXT,
    publisher       TEXT,
    original_source TEXT,
    author          TEXT,
    title           TEXT,
    published       TEXT,
    crawled         TEXT,
    body            TEXT NOT NULL,
    body_hash       TEXT NOT NULL,
    summary         TEXT,
    caption         TEXT,
    tags            TEXT NOT NULL,
    related         TEXT NOT NULL,
    links           TEXT NOT NULL,
    alignment       TEXT NOT NULL,
    regions         TEXT NOT NULL,
    exact_dup_of    INTEGER REFERENCES articles(id),
    parent_index    INTEGER
);
CREATE INDEX articles_body_hash ON articles(body_hash);
CREATE INDEX articles_input ON articles(input_id);
CREATE INDEX articles_appended_to ON articles(appended_to);
CREATE TABLE rejects (
    input_id INTEGER NOT NULL REFERENCES inputs(id),
    record   INTEGER NOT NULL,
    reason   TEXT NOT NULL,
    PRIMARY KEY (input_id, record)
);
"#,
    r#"
CREATE TABLE timexes (
    article_id INTEGER NOT NULL REFERENCES articles(id),
    field      TEXT NOT NULL,
    start      INTEGER NOT NULL,
    end        INTEGER NOT NULL,
    text       TEXT NOT NULL,
    value      TEXT,
    grain      TEXT NOT NULL,
    kind       TEXT NOT NULL,
    offset     TEXT,
    flags      TEXT NOT NULL
);
CREATE INDEX timexes_article ON timexes(article_id);
CREATE INDEX timexes_value ON timexes(value);
ALTER TABLE articles ADD COLUMN time_version INTEGER NOT NULL DEFAULT 0;
"#,
    r#"
CREATE TABLE doc_entities (
    article_id INTEGER NOT NULL REFERENCES articles(id),
    idx        INTEGER NOT NULL,
    data       TEXT NOT NULL,
    entity_id  INTEGER,
    PRIMARY KEY (article_id, idx)
);
CREATE TABLE mentions (
    article_id INTEGER NOT NULL REFERENCES articles(id),
    field      TEXT NOT NULL,
    start      INTEGER NOT NULL,
    end        INTEGER NOT NULL,
    etype      TEXT NOT NULL,
    doc_entity INTEGER NOT NULL
);
CREATE INDEX mentions_article ON mentions(article_id);
CREATE TABLE entities (
    id               INTEGER PRIMARY KEY,
    etype            TEXT NOT NULL,
    name             TEXT NOT NULL,
    name_en          TEXT,
    country          TEXT,
    country_evidence TEXT,
    sector           TEXT,
    place_id         INTEGER,
    lat              REAL,
    lon              REAL,
    mentions         INTEGER NOT NULL,
    articles         TEXT NOT NULL,
    variants         TEXT NOT NULL,
    roles            TEXT NOT NULL
);
ALTER TABLE articles ADD COLUMN entity_version INTEGER NOT NULL DEFAULT 0;
"#,
    r#"
CREATE TABLE signatures (
    article_id INTEGER PRIMARY KEY REFERENCES articles(id),
    shingles   INTEGER NOT NULL,
    signature  BLOB NOT NULL
);
CREATE TABLE dup_pairs (
    a        INTEGER NOT NULL REFERENCES articles(id),
    b        INTEGER NOT NULL REFERENCES articles(id),
    jaccard  REAL NOT NULL,
    estimate REAL NOT NULL,
    PRIMARY KEY (a, b)
) WITHOUT ROWID;
CREATE INDEX dup_pairs_b ON dup_pairs(b);
ALTER TABLE articles ADD COLUMN dedup_version INTEGER NOT NULL DEFAULT 0;
CREATE TABLE stories (
    id       INTEGER PRIMARY KEY,
    record   TEXT NOT NULL
);
CREATE TABLE story_articles (
    article_id INTEGER PRIMARY KEY REFERENCES articles(id),
    story_id   INTEGER NOT NULL,
    score      REAL NOT NULL
);
CREATE INDEX story_articles_story ON story_articles(story_id);
CREATE TABLE article_vectors (
    article_id INTEGER PRIMARY KEY REFERENCES articles(id),
    terms      TEXT NOT NULL
);
"#,
    r#"
CREATE TABLE events (
    id     INTEGER PRIMARY KEY,
    record TEXT NOT NULL
);
"#,
    // The full-text index: terms are folded and stemmed by rasd-search, so
    // the tokenizer only splits them (and does nothing to Arabic letters).
    // Contentless (the texts are in `articles`), with deletes so that an
    // article indexed again replaces its row; rowid = article id.
    r#"
CREATE VIRTUAL TABLE article_fts USING fts5(
    title, body, title_extra, body_extra,
    content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 0'
);
ALTER TABLE articles ADD COLUMN search_version INTEGER NOT NULL DEFAULT 0;
"#,
    // Live feed sources: the feeds polled (times in Unix seconds) and the
    // items seen in each, by the item's id/guid or link.
    r#"
CREATE TABLE feeds (
    id            INTEGER PRIMARY KEY,
    url           TEXT NOT NULL UNIQUE,
    title         TEXT,
    interval_secs INTEGER NOT NULL,
    added         INTEGER NOT NULL,
    last_poll     INTEGER,
    last_success  INTEGER,
    last_status   TEXT,
    last_error    TEXT,
    etag          TEXT,
    last_modified TEXT,
    failures      INTEGER NOT NULL DEFAULT 0,
    next_poll     INTEGER NOT NULL
);
CREATE TABLE feed_items (
    feed_id      INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
    key          TEXT NOT NULL,
    link         TEXT,
    state        TEXT NOT NULL,
    attempts     INTEGER NOT NULL,
    error        TEXT,
    first_seen   INTEGER NOT NULL,
    last_attempt INTEGER NOT NULL,
    PRIMARY KEY (feed_id, key)
) WITHOUT ROWID;
"#,
    // The knowledge base kept between runs: its whole state (compressed
    // JSON of its entities, merged ones as redirects), the last article it
    // has read, and the redirects of merged entity ids.
    r#"
CREATE TABLE kb_state (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    version      INTEGER NOT NULL,
    last_article INTEGER NOT NULL,
    data         BLOB NOT NULL
);
CREATE TABLE entity_redirects (
    old_id INTEGER PRIMARY KEY,
    new_id INTEGER NOT NULL
);
CREATE INDEX doc_entities_entity ON doc_entities(entity_id);
"#,
    // Events and stories kept between runs: each event's merge key and
    // merge state, merged events' redirects, the events of each article,
    // the story clusterer's state, and how far each stage has read.
    r#"
CREATE TABLE event_state (
    event_id   INTEGER PRIMARY KEY,
    key        TEXT NOT NULL UNIQUE,
    publishers TEXT NOT NULL,
    places     TEXT NOT NULL,
    contribs   TEXT NOT NULL
);
CREATE TABLE event_redirects (
    old_id INTEGER PRIMARY KEY,
    new_id INTEGER NOT NULL
);
CREATE TABLE story_state (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    version      INTEGER NOT NULL,
    last_article INTEGER NOT NULL,
    data         BLOB NOT NULL
);
CREATE TABLE event_articles (
    event_id   INTEGER NOT NULL,
    article_id INTEGER NOT NULL,
    PRIMARY KEY (article_id, event_id)
) WITHOUT ROWID;
CREATE INDEX event_articles_event ON event_articles(event_id);
CREATE TABLE stage_marks (
    stage        TEXT PRIMARY KEY,
    version      INTEGER NOT NULL,
    last_article INTEGER NOT NULL
);
"#,
    // The work queue (times in Unix seconds) and the lease that stands for
    // PostgreSQL's advisory lock on the stages that read across articles.
    r#"
CREATE TABLE work (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    sha256      TEXT NOT NULL UNIQUE,
    size        INTEGER NOT NULL,
    raw         BLOB NOT NULL,
    state       TEXT NOT NULL DEFAULT 'pending'
                CHECK (state IN ('pending', 'running', 'done', 'quarantined')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    worker      TEXT,
    lease_until INTEGER,
    not_before  INTEGER NOT NULL DEFAULT (unixepoch()),
    error       TEXT,
    enqueued_at INTEGER NOT NULL DEFAULT (unixepoch()),
    done_at     INTEGER
);
CREATE INDEX work_open ON work (id) WHERE state IN ('pending', 'running');
CREATE TABLE derived_lock (
    id     INTEGER PRIMARY KEY CHECK (id = 1),
    holder TEXT NOT NULL,
    until  INTEGER NOT NULL
);
"#,
    // How far the workers' runs of the cross-article stages have come.
    r#"
CREATE TABLE work_marks (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    derived_through INTEGER NOT NULL
);
"#,
    // The highest article id stored when an input was done: where the
    // stages run for the inputs up to it.
    r#"
ALTER TABLE work ADD COLUMN last_article INTEGER;
"#,
    // Inputs that failed entirely (nothing stored), for `rasd problems`.
    r#"
CREATE TABLE input_failures (
    path   TEXT PRIMARY KEY,
    reason TEXT NOT NULL,
    at     INTEGER NOT NULL
);
"#,
    // Parts of over-long articles (kind 'part'), and warnings of inputs
    // (such a split). The kind's CHECK is widened in the stored schema as
    // SQLite documents for constraint changes that leave the stored rows
    // valid (https://sqlite.org/lang_altertable.html#otheralter); the
    // migration runner bumps the schema cookie after it.
    r#"
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql, 'CHECK (kind IN (''page'', ''appended''))', 'CHECK (kind IN (''page'', ''appended'', ''part''))')
 WHERE type = 'table' AND name = 'articles';
PRAGMA writable_schema = OFF;
CREATE TABLE input_warnings (
    input_id INTEGER NOT NULL REFERENCES inputs(id),
    position INTEGER NOT NULL,
    record   INTEGER,
    reason   TEXT NOT NULL,
    PRIMARY KEY (input_id, position)
);
"#,
];

/// bm25 weights of the full-text columns: title, body, title_extra,
/// body_extra. A title match outweighs body matches; the extra forms add to
/// their field's score at half its weight.
const FTS_RANK: &str = "bm25(article_fts, 4.0, 1.0, 2.0, 0.5)";

/// The FTS5 expression of a search match over `article_fts`: every term
/// a quoted string (so no input is FTS5 syntax), a phrase of several words
/// limited to the positional columns `title` and `body`.
pub fn fts5_expression(m: &SearchMatch) -> String {
    fn quoted(out: &mut String, s: &str) {
        out.push('"');
        for c in s.chars() {
            if c == '"' {
                out.push('"');
            }
            out.push(c);
        }
        out.push('"');
    }
    fn clause(c: &[crate::Phrase]) -> String {
        let parts: Vec<String> = c
            .iter()
            .map(|p| {
                let mut e = String::new();
                if p.len() > 1 {
                    e.push_str("{title body} : ");
                }
                quoted(&mut e, &p.join(" "));
                e
            })
            .collect();
        if parts.len() == 1 {
            parts.into_iter().next().expect("one part")
        } else {
            format!("({})", parts.join(" OR "))
        }
    }
    let pos: Vec<String> = m.all.iter().map(|c| clause(c)).collect();
    let neg: Vec<String> = m.none.iter().map(|c| clause(c)).collect();
    let mut out = pos.join(" AND ");
    if !neg.is_empty() {
        if pos.len() > 1 {
            out = format!("({out})");
        }
        out.push_str(" NOT ");
        if neg.len() == 1 {
            out.push_str(&neg[0]);
        } else {
            out.push('(');
            out.push_str(&neg.join(" OR "));
            out.push(')');
        }
    }
    out
}

pub struct SqliteStore {
    conn: Connection,
    /// Who holds the derived-stages lease when this store takes it.
    holder: String,
}

/// Inserts or replaces events with their kept state.
fn put_events(tx: &rusqlite::Transaction, events: &[(EventRecord, EventState)]) -> Result<()> {
    let mut st = tx.prepare_cached("INSERT OR REPLACE INTO events (id, record) VALUES (?1, ?2)")?;
    let mut ks = tx.prepare_cached(
        "INSERT OR REPLACE INTO event_state (event_id, key, publishers, places, contribs) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    let mut del_arts = tx.prepare_cached("DELETE FROM event_articles WHERE event_id = ?1")?;
    let mut arts = tx.prepare_cached(
        "INSERT OR IGNORE INTO event_articles (event_id, article_id) VALUES (?1, ?2)",
    )?;
    for (e, state) in events {
        st.execute(params![e.id, json(e)])?;
        del_arts.execute([e.id])?;
        for a in &e.articles {
            arts.execute([e.id, *a])?;
        }
        ks.execute(params![
            e.id,
            state.key,
            json(&state.publishers),
            json(&state.places),
            json(&state.contribs)
        ])?;
    }
    Ok(())
}

/// Keeps the story clusterer's state.
fn put_story_state(tx: &rusqlite::Transaction, state: &KeptState) -> Result<()> {
    tx.execute(
        "INSERT OR REPLACE INTO story_state (id, version, last_article, data) VALUES (1, ?1, ?2, ?3)",
        params![state.version, state.last_article, state.data],
    )?;
    Ok(())
}

/// Records how far a derived stage has read.
fn put_mark(tx: &rusqlite::Transaction, stage: DerivedStage, mark: &StageMark) -> Result<()> {
    tx.execute(
        "INSERT OR REPLACE INTO stage_marks (stage, version, last_article) VALUES (?1, ?2, ?3)",
        params![stage.as_str(), mark.version, mark.last_article],
    )?;
    Ok(())
}

/// Inserts or replaces entity rows.
fn upsert_entities(tx: &rusqlite::Transaction, entities: &[EntityRecord]) -> Result<()> {
    let mut ins = tx.prepare_cached(&format!("INSERT OR REPLACE INTO entities ({ENTITY_COLS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"))?;
    for e in entities {
        ins.execute(params![
            e.id,
            e.etype,
            e.name,
            e.name_en,
            e.country,
            e.country_evidence,
            e.sector,
            e.place_id,
            e.lat,
            e.lon,
            e.mentions,
            json(&e.articles),
            json(&e.variants),
            json(&e.roles)
        ])?;
    }
    Ok(())
}

/// Sets the knowledge-base entity of (article, article-entity index) pairs.
fn link_doc_entities(tx: &rusqlite::Transaction, links: &[(i64, u32, i64)]) -> Result<()> {
    let mut upd = tx.prepare_cached(
        "UPDATE doc_entities SET entity_id = ?3 WHERE article_id = ?1 AND idx = ?2",
    )?;
    for (a, idx, id) in links {
        upd.execute(params![a, idx, id])?;
    }
    Ok(())
}

fn insert_timexes(
    tx: &rusqlite::Connection,
    article_id: i64,
    tm: &[TimeMention],
    version: i64,
) -> Result<()> {
    tx.prepare_cached("DELETE FROM timexes WHERE article_id = ?1")?
        .execute([article_id])?;
    let mut ins = tx.prepare_cached("INSERT INTO timexes (article_id, field, start, end, text, value, grain, kind, offset, flags) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)")?;
    for t in tm {
        ins.execute(params![
            article_id,
            t.field.as_str(),
            t.span.start as i64,
            t.span.end as i64,
            t.text,
            t.value,
            t.grain.as_str(),
            t.kind.as_str(),
            t.offset,
            json(&t.flags)
        ])?;
    }
    tx.prepare_cached("UPDATE articles SET time_version = ?2 WHERE id = ?1")?
        .execute(params![article_id, version])?;
    Ok(())
}

fn insert_article_entities(
    tx: &rusqlite::Connection,
    article_id: i64,
    ae: &ArticleEntities,
    version: i64,
) -> Result<()> {
    tx.prepare_cached("DELETE FROM mentions WHERE article_id = ?1")?
        .execute([article_id])?;
    tx.prepare_cached("DELETE FROM doc_entities WHERE article_id = ?1")?
        .execute([article_id])?;
    let mut ins_e =
        tx.prepare_cached("INSERT INTO doc_entities (article_id, idx, data) VALUES (?1, ?2, ?3)")?;
    let mut ins_m = tx.prepare_cached("INSERT INTO mentions (article_id, field, start, end, etype, doc_entity) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?;
    for (idx, e) in ae.entities.iter().enumerate() {
        ins_e.execute(params![article_id, idx as i64, json(e)])?;
        for &m in &e.mentions {
            if let Some(m) = ae.mentions.get(m) {
                ins_m.execute(params![
                    article_id,
                    m.field.as_str(),
                    m.start as i64,
                    m.end as i64,
                    m.etype.as_str(),
                    idx as i64
                ])?;
            }
        }
    }
    tx.prepare_cached("UPDATE articles SET entity_version = ?2 WHERE id = ?1")?
        .execute(params![article_id, version])?;
    Ok(())
}

fn entity_from_row(r: &Row) -> rusqlite::Result<(EntityRecord, [String; 3])> {
    Ok((
        EntityRecord {
            id: r.get(0)?,
            etype: r.get(1)?,
            name: r.get(2)?,
            name_en: r.get(3)?,
            country: r.get(4)?,
            country_evidence: r.get(5)?,
            sector: r.get(6)?,
            place_id: r.get(7)?,
            lat: r.get(8)?,
            lon: r.get(9)?,
            mentions: r.get(10)?,
            articles: Vec::new(),
            variants: Vec::new(),
            roles: Vec::new(),
        },
        [r.get(11)?, r.get(12)?, r.get(13)?],
    ))
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path` and migrates it.
    pub fn open(path: &Path) -> Result<Self> {
        let conn = Connection::open(path).map_err(|e| StoreError::Open {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        Self::init(conn, &path.display().to_string())
    }

    /// An in-memory database, for tests.
    pub fn open_in_memory() -> Result<Self> {
        Self::init(Connection::open_in_memory()?, ":memory:")
    }

    fn init(conn: Connection, path: &str) -> Result<Self> {
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if version as usize > MIGRATIONS.len() {
            return Err(StoreError::Open {
                path: path.into(),
                reason: format!(
                    "schema version {version} is newer than this rasd knows ({})",
                    MIGRATIONS.len()
                ),
            });
        }
        for (i, m) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            let tx = conn.unchecked_transaction()?;
            tx.execute_batch(m)?;
            if m.contains("writable_schema") {
                // The stored schema was edited: other connections must
                // reload it, and this one too.
                let cookie: i64 = tx.pragma_query_value(None, "schema_version", |r| r.get(0))?;
                tx.pragma_update(None, "schema_version", cookie + 1)?;
            }
            tx.pragma_update(None, "user_version", (i + 1) as i64)?;
            tx.commit()?;
        }
        static OPENED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = OPENED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(SqliteStore {
            conn,
            holder: format!("{}-{n}", std::process::id()),
        })
    }

    pub fn integrity_check(&self) -> Result<String> {
        Ok(self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }

    fn row_to_article(r: &Row) -> rusqlite::Result<(StoredArticle, [String; 5])> {
        let kind: String = r.get(8)?;
        let mut a = Article::new(
            ArticleKind::parse(&kind).unwrap_or(ArticleKind::Page),
            r.get(9)?,
        );
        a.record = r.get(10)?;
        a.url = r.get(11)?;
        a.source_label = r.get(12)?;
        a.publisher = r.get(13)?;
        a.original_source = r.get(14)?;
        a.author = r.get(15)?;
        a.title = r.get(16)?;
        a.published = r
            .get::<_, Option<String>>(17)?
            .as_deref()
            .and_then(DateValue::parse_iso);
        a.crawled = r
            .get::<_, Option<String>>(18)?
            .as_deref()
            .and_then(DateValue::parse_iso);
        a.body = r.get(19)?;
        a.summary = r.get(20)?;
        a.caption = r.get(21)?;
        a.parent = r.get(27)?;
        let json_cols = [r.get(22)?, r.get(23)?, r.get(24)?, r.get(25)?, r.get(26)?];
        let sa = StoredArticle {
            id: r.get(0)?,
            key: r.get(1)?,
            input_id: r.get(2)?,
            input_path: r.get(3)?,
            format: r.get(4)?,
            encoding: r.get(5)?,
            appended_to: r.get(6)?,
            exact_duplicate_of: r.get(7)?,
            article: a,
        };
        Ok((sa, json_cols))
    }
}

impl Store for SqliteStore {
    fn input_status(&self, sha256: &str) -> Result<Option<InputStatus>> {
        let row = self
            .conn
            .prepare_cached(
                "SELECT complete, records, (SELECT count(*) FROM articles WHERE input_id = inputs.id), (SELECT count(*) FROM rejects WHERE input_id = inputs.id), error FROM inputs WHERE sha256 = ?1",
            )?
            .query_row([sha256], |r| Ok(InputStatus { complete: r.get::<_, i64>(0)? != 0, records: r.get(1)?, articles: r.get(2)?, rejects: r.get(3)?, error: r.get(4)? }))
            .optional()?;
        Ok(row)
    }

    fn write_input(&mut self, b: &InputBatch) -> Result<WriteOutcome> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut out = WriteOutcome::default();
        let existing: Option<(i64, i64)> = tx
            .prepare_cached("SELECT id, complete FROM inputs WHERE sha256 = ?1")?
            .query_row([b.sha256], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let input_id = match existing {
            Some((_, 1)) => {
                out.already_stored = b.articles.len() as u32;
                return Ok(out);
            }
            Some((id, _)) => id,
            None => {
                tx.prepare_cached("INSERT INTO inputs (path, archive, sha256, size, format, encoding, raw, records, error) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")?.execute(params![
                    b.path,
                    b.archive,
                    b.sha256,
                    b.size as i64,
                    b.format,
                    b.encoding,
                    b.raw_deflated,
                    b.records,
                    b.error
                ])?;
                tx.last_insert_rowid()
            }
        };
        {
            let mut ids: Vec<Option<i64>> = Vec::with_capacity(b.articles.len());
            let mut insert = tx.prepare_cached(
                "INSERT INTO articles (key, input_id, input_index, record, kind, appended_to, url, source_label, publisher, original_source, author, title, published, crawled, body, body_hash, summary, caption, tags, related, links, alignment, regions, exact_dup_of, parent_index)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25)
                 ON CONFLICT(key) DO NOTHING",
            )?;
            let mut by_key = tx.prepare_cached("SELECT id FROM articles WHERE key = ?1")?;
            let mut by_hash =
                tx.prepare_cached("SELECT min(id) FROM articles WHERE body_hash = ?1")?;
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
                let dup_of: Option<i64> = by_hash.query_row([&hash], |r| r.get(0))?;
                let segs: Vec<(usize, usize, usize)> = a
                    .body_alignment
                    .segments()
                    .iter()
                    .map(|s| (s.dst, s.src, s.len))
                    .collect();
                let n = insert.execute(params![
                    key,
                    input_id,
                    a.index,
                    a.record,
                    a.kind.as_str(),
                    parent_id,
                    a.url,
                    a.source_label,
                    a.publisher,
                    a.original_source,
                    a.author,
                    a.title,
                    a.published.map(|d| d.to_string()),
                    a.crawled.map(|d| d.to_string()),
                    a.body,
                    hash,
                    a.summary,
                    a.caption,
                    json(&a.tags),
                    json(&a.related),
                    json(&a.links),
                    json(&segs),
                    json(&a.regions),
                    dup_of,
                    a.parent,
                ])?;
                if n == 1 {
                    let id = tx.last_insert_rowid();
                    if let Some(tm) = b.timexes.get(pos) {
                        insert_timexes(&tx, id, tm, b.time_version)?;
                    }
                    if let Some(ae) = b.entities.get(pos) {
                        insert_article_entities(&tx, id, ae, b.entity_version)?;
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
                } else {
                    ids.push(by_key.query_row([&key], |r| r.get(0)).optional()?);
                    out.already_stored += 1;
                }
            }
            out.ids = ids;
            let mut rej = tx.prepare_cached(
                "INSERT OR REPLACE INTO rejects (input_id, record, reason) VALUES (?1, ?2, ?3)",
            )?;
            for (record, reason) in b.rejects {
                rej.execute(params![input_id, record, reason])?;
            }
            let mut warn = tx.prepare_cached(
                "INSERT OR REPLACE INTO input_warnings (input_id, position, record, reason) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for (pos, (record, reason)) in b.warnings.iter().enumerate() {
                warn.execute(params![input_id, pos as i64, record, reason])?;
            }
        }
        if !b.more_to_come {
            tx.prepare_cached(
                "UPDATE inputs SET complete = 1, records = ?2, error = ?3 WHERE id = ?1",
            )?
            .execute(params![input_id, b.records, b.error])?;
        }
        tx.commit()?;
        Ok(out)
    }

    fn articles(&self, q: &ArticleQuery, f: &mut dyn FnMut(StoredArticle) -> bool) -> Result<()> {
        let mut sql = format!(
            "SELECT {} FROM articles a JOIN inputs i ON i.id = a.input_id WHERE a.id > ?1",
            ARTICLE_COLS
        );
        if q.pages_only {
            sql.push_str(" AND a.kind = 'page'");
        }
        if q.source_label.is_some() {
            sql.push_str(" AND a.source_label = ?2");
        } else {
            sql.push_str(" AND ?2 IS NULL");
        }
        sql.push_str(" ORDER BY a.id LIMIT ?3");
        let mut stmt = self.conn.prepare(&sql)?;
        let limit = q.limit.map_or(i64::MAX, |l| l.min(i64::MAX as u64) as i64);
        let mut rows = stmt.query(params![q.after_id.unwrap_or(0), q.source_label, limit])?;
        while let Some(r) = rows.next()? {
            let sa = finish_article(Self::row_to_article(r)?)?;
            if !f(sa) {
                break;
            }
        }
        Ok(())
    }

    fn article(&self, id: i64) -> Result<Option<StoredArticle>> {
        let sql = format!(
            "SELECT {} FROM articles a JOIN inputs i ON i.id = a.input_id WHERE a.id = ?1",
            ARTICLE_COLS
        );
        let row = self
            .conn
            .prepare_cached(&sql)?
            .query_row([id], Self::row_to_article)
            .optional()?;
        row.map(finish_article).transpose()
    }

    fn last_article_id(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT coalesce(max(id), 0) FROM articles", [], |r| {
                r.get(0)
            })?)
    }

    fn input_raw(&self, input_id: i64) -> Result<Option<Vec<u8>>> {
        let raw: Option<Vec<u8>> = self
            .conn
            .query_row("SELECT raw FROM inputs WHERE id = ?1", [input_id], |r| {
                r.get(0)
            })
            .optional()?;
        raw.map(|d| {
            decompress(&d).map_err(|e| StoreError::Corrupt {
                what: format!("input {input_id}"),
                reason: e.to_string(),
            })
        })
        .transpose()
    }

    /// `PRAGMA data_version`.
    fn data_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .pragma_query_value(None, "data_version", |r| r.get(0))?)
    }

    fn stats(&self) -> Result<Stats> {
        let c = &self.conn;
        let one =
            |sql: &str| -> Result<u64> { Ok(c.query_row(sql, [], |r| r.get::<_, i64>(0))? as u64) };
        let pairs = |sql: &str| -> Result<Vec<(String, u64)>> {
            let mut s = c.prepare(sql)?;
            let v = s
                .query_map([], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(v)
        };
        Ok(Stats {
            inputs: one("SELECT count(*) FROM inputs")?,
            inputs_incomplete: one("SELECT count(*) FROM inputs WHERE complete = 0")?,
            inputs_by_format: pairs("SELECT format, count(*) FROM inputs GROUP BY format ORDER BY 2 DESC")?,
            articles: one("SELECT count(*) FROM articles")?,
            pages: one("SELECT count(*) FROM articles WHERE kind = 'page'")?,
            appended: one("SELECT count(*) FROM articles WHERE kind = 'appended'")?,
            exact_duplicates: one("SELECT count(*) FROM articles WHERE exact_dup_of IS NOT NULL")?,
            with_published_date: one("SELECT count(*) FROM articles WHERE published IS NOT NULL")?,
            rejected_records: one("SELECT count(*) FROM rejects")?,
            reject_reasons: pairs("SELECT reason, count(*) FROM rejects GROUP BY reason ORDER BY 2 DESC LIMIT 10")?,
            input_errors: one("SELECT count(*) FROM inputs WHERE error IS NOT NULL")?,
            sources: pairs("SELECT coalesce(source_label, '(none)'), count(*) FROM articles GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 20")?,
            first_published: c.query_row("SELECT min(substr(published, 1, 10)) FROM articles", [], |r| r.get(0))?,
            last_published: c.query_row("SELECT max(substr(published, 1, 10)) FROM articles", [], |r| r.get(0))?,
            raw_bytes: one("SELECT coalesce(sum(size), 0) FROM inputs")?,
            raw_bytes_stored: one("SELECT coalesce(sum(length(raw)), 0) FROM inputs")?,
        })
    }

    fn timexes(&self, article_id: i64) -> Result<Vec<TimeMention>> {
        let mut s = self.conn.prepare_cached("SELECT field, start, end, text, value, grain, kind, offset, flags FROM timexes WHERE article_id = ?1 ORDER BY rowid")?;
        let rows = s
            .query_map([article_id], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, String>(6)?,
                    r.get::<_, Option<String>>(7)?,
                    r.get::<_, String>(8)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let what = format!("time expressions of article {article_id}");
        rows.into_iter()
            .map(
                |(field, start, end, text, value, grain, kind, offset, flags)| {
                    Ok(TimeMention {
                        field: Field::parse(&field).ok_or_else(|| StoreError::Corrupt {
                            what: what.clone(),
                            reason: format!("unknown field {field}"),
                        })?,
                        span: Span::new(start as usize, end as usize),
                        text,
                        value,
                        grain: parse_enum(&grain, &what)?,
                        kind: parse_enum(&kind, &what)?,
                        offset,
                        flags: parse_json(&flags, &what)?,
                    })
                },
            )
            .collect()
    }

    fn replace_timexes(&mut self, items: &[(i64, Vec<TimeMention>)], version: i64) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        for (id, tm) in items {
            insert_timexes(&tx, *id, tm, version)?;
        }
        tx.commit()?;
        Ok(())
    }

    fn articles_needing(
        &self,
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
            format!("SELECT id FROM articles WHERE {column} < ?1 AND id > ?2 ORDER BY id LIMIT ?3");
        let mut s = self.conn.prepare_cached(&sql)?;
        let v = s
            .query_map(params![version, after_id, limit as i64], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<i64>>>()?;
        Ok(v)
    }

    fn replace_article_entities(
        &mut self,
        items: &[(i64, ArticleEntities)],
        version: i64,
    ) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        for (id, ae) in items {
            insert_article_entities(&tx, *id, ae, version)?;
        }
        tx.commit()?;
        Ok(())
    }

    fn all_doc_entities(&self, f: &mut dyn FnMut(i64, Vec<rasd_entity::DocEntity>)) -> Result<()> {
        self.doc_entities_after(0, f)
    }

    fn write_knowledge_base(
        &mut self,
        entities: &[EntityRecord],
        links: &[(i64, u32, i64)],
    ) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute("DELETE FROM entities", [])?;
        // A full rebuild numbers the entities anew: old redirects and the
        // kept state no longer apply (the caller saves a new state).
        tx.execute("DELETE FROM entity_redirects", [])?;
        tx.execute("DELETE FROM kb_state", [])?;
        // Events and stories name entities by id: they are rebuilt next.
        tx.execute("DELETE FROM stage_marks", [])?;
        tx.execute("DELETE FROM story_state", [])?;
        upsert_entities(&tx, entities)?;
        link_doc_entities(&tx, links)?;
        tx.commit()?;
        Ok(())
    }

    fn kb_state(&self) -> Result<Option<KeptState>> {
        let row = self
            .conn
            .prepare_cached("SELECT version, last_article, data FROM kb_state WHERE id = 1")?
            .query_row([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, Vec<u8>>(2)?,
                ))
            })
            .optional()?;
        row.map(|(version, last_article, data)| {
            let data = crate::decompress(&data).map_err(|e| StoreError::Corrupt {
                what: "knowledge-base state".into(),
                reason: e.to_string(),
            })?;
            Ok(KeptState {
                version,
                last_article,
                data,
            })
        })
        .transpose()
    }

    fn save_kb_state(&mut self, state: &KeptState) -> Result<()> {
        self.conn.execute(
            "INSERT OR REPLACE INTO kb_state (id, version, last_article, data) VALUES (1, ?1, ?2, ?3)",
            params![state.version, state.last_article, crate::compress(&state.data)],
        )?;
        Ok(())
    }

    fn doc_entities_after(
        &self,
        after: i64,
        f: &mut dyn FnMut(i64, Vec<rasd_entity::DocEntity>),
    ) -> Result<()> {
        let mut s = self.conn.prepare(
            "SELECT article_id, data FROM doc_entities WHERE article_id > ?1 ORDER BY article_id, idx",
        )?;
        let mut rows = s.query([after])?;
        let mut cur: Option<i64> = None;
        let mut batch = Vec::new();
        while let Some(r) = rows.next()? {
            let a: i64 = r.get(0)?;
            let d: String = r.get(1)?;
            if cur.is_some_and(|c| c != a) {
                f(cur.expect("checked"), std::mem::take(&mut batch));
            }
            cur = Some(a);
            batch.push(parse_json(&d, &format!("entities of article {a}"))?);
        }
        if let Some(c) = cur {
            f(c, batch);
        }
        Ok(())
    }

    fn unlinked_doc_entities_upto(&self, upto: i64) -> Result<bool> {
        let n: i64 = self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM doc_entities WHERE entity_id IS NULL AND article_id <= ?1)",
            [upto],
            |r| r.get(0),
        )?;
        Ok(n != 0)
    }

    fn update_knowledge_base(&mut self, update: &KbUpdate) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        upsert_entities(&tx, update.entities)?;
        {
            let mut del = tx.prepare_cached("DELETE FROM entities WHERE id = ?1")?;
            let mut chain =
                tx.prepare_cached("UPDATE entity_redirects SET new_id = ?2 WHERE new_id = ?1")?;
            let mut redirect = tx.prepare_cached(
                "INSERT OR REPLACE INTO entity_redirects (old_id, new_id) VALUES (?1, ?2)",
            )?;
            let mut relink =
                tx.prepare_cached("UPDATE doc_entities SET entity_id = ?2 WHERE entity_id = ?1")?;
            for &(old, new) in update.merges {
                del.execute([old])?;
                chain.execute([old, new])?;
                redirect.execute([old, new])?;
                relink.execute([old, new])?;
            }
        }
        link_doc_entities(&tx, update.links)?;
        tx.execute(
            "INSERT OR REPLACE INTO kb_state (id, version, last_article, data) VALUES (1, ?1, ?2, ?3)",
            params![
                update.state.version,
                update.state.last_article,
                crate::compress(&update.state.data)
            ],
        )?;
        tx.commit()?;
        Ok(())
    }

    fn entity_redirect(&self, id: i64) -> Result<Option<i64>> {
        Ok(self
            .conn
            .prepare_cached("SELECT new_id FROM entity_redirects WHERE old_id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?)
    }

    fn entities(&self, f: &mut dyn FnMut(EntityRecord) -> bool) -> Result<()> {
        let mut s = self
            .conn
            .prepare(&format!("SELECT {ENTITY_COLS} FROM entities ORDER BY id"))?;
        let mut rows = s.query([])?;
        while let Some(r) = rows.next()? {
            if !f(finish_entity(entity_from_row(r)?)?) {
                break;
            }
        }
        Ok(())
    }

    /// An entity by id; the id of an entity merged into another gives that
    /// other one (its record carries its own id).
    fn entity(&self, id: i64) -> Result<Option<EntityRecord>> {
        let get = |id: i64| -> Result<Option<EntityRecord>> {
            let row = self
                .conn
                .prepare_cached(&format!("SELECT {ENTITY_COLS} FROM entities WHERE id = ?1"))?
                .query_row([id], entity_from_row)
                .optional()?;
            row.map(finish_entity).transpose()
        };
        match get(id)? {
            Some(e) => Ok(Some(e)),
            None => match self.entity_redirect(id)? {
                Some(to) if to != id => get(to),
                _ => Ok(None),
            },
        }
    }

    fn entity_mentions(&self, id: i64, limit: u64) -> Result<Vec<EntityMention>> {
        let mut s = self.conn.prepare_cached(
            "SELECT m.article_id, m.field, m.start, m.end FROM doc_entities d JOIN mentions m ON m.article_id = d.article_id AND m.doc_entity = d.idx
             WHERE d.entity_id = ?1 ORDER BY m.article_id, m.field, m.start LIMIT ?2",
        )?;
        let v = s
            .query_map(params![id, limit as i64], |r| {
                Ok(EntityMention {
                    article: r.get(0)?,
                    field: r.get(1)?,
                    start: r.get::<_, i64>(2)? as usize,
                    end: r.get::<_, i64>(3)? as usize,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(v)
    }

    fn appended_items(&self, page_id: i64) -> Result<Vec<(i64, Option<String>)>> {
        let mut s = self
            .conn
            .prepare_cached("SELECT id, title FROM articles WHERE appended_to = ?1 ORDER BY id")?;
        let v = s
            .query_map([page_id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(v)
    }

    fn exact_duplicate_group(&self, id: i64) -> Result<Vec<i64>> {
        let mut s = self.conn.prepare_cached("SELECT b.id FROM articles a JOIN articles b ON b.body_hash = a.body_hash WHERE a.id = ?1 ORDER BY b.id")?;
        let v = s
            .query_map([id], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<i64>>>()?;
        Ok(v)
    }

    fn note_input_failures(&mut self, failed: &[(String, String)], ok: &[String]) -> Result<()> {
        if failed.is_empty() && ok.is_empty() {
            return Ok(());
        }
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        {
            let mut del = tx.prepare_cached("DELETE FROM input_failures WHERE path = ?1")?;
            for p in ok {
                del.execute([p])?;
            }
            let mut put = tx.prepare_cached(
                "INSERT OR REPLACE INTO input_failures (path, reason, at) VALUES (?1, ?2, unixepoch())",
            )?;
            for (p, r) in failed {
                put.execute([p, r])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    fn problems(&self, limit: u64) -> Result<Vec<Problem>> {
        let mut out = Vec::new();
        let mut s = self.conn.prepare(
            "SELECT path, NULL, error FROM inputs WHERE error IS NOT NULL
             UNION ALL SELECT i.path, r.record, r.reason FROM rejects r JOIN inputs i ON i.id = r.input_id
             UNION ALL SELECT url, NULL, 'feed poll failed ' || failures || ' time(s): ' || last_error FROM feeds WHERE failures > 0 AND last_error IS NOT NULL
             UNION ALL SELECT coalesce(it.link, it.key), NULL, 'feed item of ' || f.url || ': ' || it.error FROM feed_items it JOIN feeds f ON f.id = it.feed_id WHERE it.error IS NOT NULL
             UNION ALL SELECT name, NULL, 'quarantined after ' || attempts || ' attempt(s): ' || coalesce(error, '') FROM work WHERE state = 'quarantined'
             UNION ALL SELECT path, NULL, reason FROM input_failures
             UNION ALL SELECT i.path, w.record, 'warning: ' || w.reason FROM input_warnings w JOIN inputs i ON i.id = w.input_id
             ORDER BY 1, 2 LIMIT ?1",
        )?;
        let mut rows = s.query([limit.min(i64::MAX as u64) as i64])?;
        while let Some(r) = rows.next()? {
            out.push(Problem {
                path: r.get(0)?,
                record: r.get(1)?,
                reason: r.get(2)?,
            });
        }
        Ok(out)
    }
    fn write_dedup(
        &mut self,
        signatures: &[ArticleSignature],
        pairs: &[DupPair],
        version: i64,
    ) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        {
            let mut sig = tx.prepare_cached(
                "INSERT OR REPLACE INTO signatures (article_id, shingles, signature) VALUES (?1, ?2, ?3)",
            )?;
            let mut ver =
                tx.prepare_cached("UPDATE articles SET dedup_version = ?2 WHERE id = ?1")?;
            // The pairs an article was found in when it was checked (as the
            // later member) are replaced when it is checked again.
            let mut clear = tx.prepare_cached("DELETE FROM dup_pairs WHERE b = ?1")?;
            for s in signatures {
                clear.execute([s.article_id])?;
                sig.execute(params![s.article_id, s.shingles as i64, s.signature])?;
                ver.execute(params![s.article_id, version])?;
            }
            let mut pair = tx.prepare_cached(
                "INSERT OR REPLACE INTO dup_pairs (a, b, jaccard, estimate) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for p in pairs {
                pair.execute(params![p.a.min(p.b), p.a.max(p.b), p.jaccard, p.estimate])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    fn signatures(&self, f: &mut dyn FnMut(ArticleSignature)) -> Result<()> {
        let mut s = self.conn.prepare_cached(
            "SELECT article_id, shingles, signature FROM signatures ORDER BY article_id",
        )?;
        let mut rows = s.query([])?;
        while let Some(r) = rows.next()? {
            f(ArticleSignature {
                article_id: r.get(0)?,
                shingles: r.get::<_, i64>(1)? as u32,
                signature: r.get(2)?,
            });
        }
        Ok(())
    }

    fn duplicate_pairs(&self) -> Result<Vec<DupPair>> {
        let mut s = self
            .conn
            .prepare_cached("SELECT a, b, jaccard, estimate FROM dup_pairs ORDER BY a, b")?;
        let v = s
            .query_map([], |r| {
                Ok(DupPair {
                    a: r.get(0)?,
                    b: r.get(1)?,
                    jaccard: r.get(2)?,
                    estimate: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(v)
    }

    fn write_stories(
        &mut self,
        stories: &[StoryRecord],
        members: &[(i64, i64, f32)],
        vectors: &[(i64, Vec<(String, f32)>)],
    ) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute_batch(
            "DELETE FROM stories; DELETE FROM story_articles; DELETE FROM article_vectors; DELETE FROM story_state;",
        )?;
        {
            let mut st = tx.prepare_cached("INSERT INTO stories (id, record) VALUES (?1, ?2)")?;
            for r in stories {
                let json = serde_json::to_string(r).map_err(|e| StoreError::Corrupt {
                    what: format!("story {}", r.id),
                    reason: e.to_string(),
                })?;
                st.execute(params![r.id, json])?;
            }
            let mut m = tx.prepare_cached(
                "INSERT INTO story_articles (article_id, story_id, score) VALUES (?1, ?2, ?3)",
            )?;
            for (a, s, score) in members {
                m.execute(params![a, s, *score as f64])?;
            }
            let mut v = tx.prepare_cached(
                "INSERT INTO article_vectors (article_id, terms) VALUES (?1, ?2)",
            )?;
            for (a, terms) in vectors {
                v.execute(params![a, vector_text(terms)])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    fn stories(&self, f: &mut dyn FnMut(StoryRecord) -> bool) -> Result<()> {
        let mut s = self
            .conn
            .prepare_cached("SELECT id, record FROM stories ORDER BY id")?;
        let mut rows = s.query([])?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let rec: String = r.get(1)?;
            let mut story: StoryRecord = parse_json(&rec, &format!("story {id}"))?;
            story.fill_derived();
            if !f(story) {
                break;
            }
        }
        Ok(())
    }

    fn story(&self, id: i64) -> Result<Option<StoryRecord>> {
        let rec: Option<String> = self
            .conn
            .query_row("SELECT record FROM stories WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()?;
        rec.map(|r| {
            parse_json(&r, &format!("story {id}")).map(|mut s: StoryRecord| {
                s.fill_derived();
                s
            })
        })
        .transpose()
    }

    fn story_of(&self, article: i64) -> Result<Option<(i64, f32)>> {
        Ok(self
            .conn
            .query_row(
                "SELECT story_id, score FROM story_articles WHERE article_id = ?1",
                [article],
                |r| Ok((r.get(0)?, r.get::<_, f64>(1)? as f32)),
            )
            .optional()?)
    }

    fn article_vectors(&self, f: &mut dyn FnMut(i64, Vec<(String, f32)>)) -> Result<()> {
        let mut s = self
            .conn
            .prepare_cached("SELECT article_id, terms FROM article_vectors ORDER BY article_id")?;
        let mut rows = s.query([])?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            f(id, parse_vector(id, &r.get::<_, String>(1)?)?);
        }
        Ok(())
    }

    fn article_vectors_of(&self, articles: &[i64]) -> Result<Vec<(i64, crate::TermVector)>> {
        let mut s = self
            .conn
            .prepare_cached("SELECT terms FROM article_vectors WHERE article_id = ?1")?;
        let mut out = Vec::with_capacity(articles.len());
        for &a in articles {
            if let Some(t) = s.query_row([a], |r| r.get::<_, String>(0)).optional()? {
                out.push((a, parse_vector(a, &t)?));
            }
        }
        Ok(out)
    }

    fn article_entity_counts_of(&self, articles: &[i64]) -> Result<Vec<(i64, i64, u32)>> {
        let mut s = self.conn.prepare_cached(
            "SELECT d.entity_id, COUNT(*) FROM mentions m \
             JOIN doc_entities d ON d.article_id = m.article_id AND d.idx = m.doc_entity \
             WHERE m.article_id = ?1 AND d.entity_id IS NOT NULL GROUP BY d.entity_id \
             ORDER BY d.entity_id",
        )?;
        let mut out = Vec::new();
        for &a in articles {
            for r in s.query_map([a], |r| Ok((a, r.get(0)?, r.get::<_, i64>(1)? as u32)))? {
                out.push(r?);
            }
        }
        Ok(out)
    }

    fn article_entity_counts(&self, f: &mut dyn FnMut(i64, i64, u32)) -> Result<()> {
        let mut s = self.conn.prepare(
            "SELECT m.article_id, d.entity_id, COUNT(*) FROM mentions m \
             JOIN doc_entities d ON d.article_id = m.article_id AND d.idx = m.doc_entity \
             WHERE d.entity_id IS NOT NULL GROUP BY m.article_id, d.entity_id \
             ORDER BY m.article_id, d.entity_id",
        )?;
        let mut rows = s.query([])?;
        while let Some(r) = rows.next()? {
            f(r.get(0)?, r.get(1)?, r.get::<_, i64>(2)? as u32);
        }
        Ok(())
    }

    fn article_entities(&self, id: i64) -> Result<Vec<StoredDocEntity>> {
        let mut out = Vec::new();
        let mut s = self.conn.prepare_cached(
            "SELECT data, entity_id FROM doc_entities WHERE article_id = ?1 ORDER BY idx",
        )?;
        let mut rows = s.query([id])?;
        while let Some(r) = rows.next()? {
            let d: String = r.get(0)?;
            out.push(StoredDocEntity {
                entity: parse_json(&d, &format!("entities of article {id}"))?,
                kb_id: r.get(1)?,
                mentions: Vec::new(),
            });
        }
        let mut s = self.conn.prepare_cached(
            "SELECT field, start, end, etype, doc_entity FROM mentions WHERE article_id = ?1 ORDER BY rowid",
        )?;
        let mut rows = s.query([id])?;
        let what = format!("mentions of article {id}");
        while let Some(r) = rows.next()? {
            let (field, etype): (String, String) = (r.get(0)?, r.get(3)?);
            attach_mention(
                &mut out,
                (&field, r.get(1)?, r.get(2)?, &etype, r.get(4)?),
                &what,
            )?;
        }
        Ok(out)
    }

    fn write_events(
        &mut self,
        events: &[(EventRecord, EventState)],
        mark: &StageMark,
    ) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute("DELETE FROM events", [])?;
        tx.execute("DELETE FROM event_articles", [])?;
        tx.execute("DELETE FROM event_state", [])?;
        tx.execute("DELETE FROM event_redirects", [])?;
        put_events(&tx, events)?;
        put_mark(&tx, DerivedStage::Events, mark)?;
        tx.commit()?;
        Ok(())
    }

    fn upsert_events(
        &mut self,
        events: &[(EventRecord, EventState)],
        redirects: &[(i64, i64)],
        deleted: &[i64],
        mark: &StageMark,
    ) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        {
            let mut del = tx.prepare_cached("DELETE FROM events WHERE id = ?1")?;
            let mut del_st = tx.prepare_cached("DELETE FROM event_state WHERE event_id = ?1")?;
            let mut chain =
                tx.prepare_cached("UPDATE event_redirects SET new_id = ?2 WHERE new_id = ?1")?;
            let mut red = tx.prepare_cached(
                "INSERT OR REPLACE INTO event_redirects (old_id, new_id) VALUES (?1, ?2)",
            )?;
            let mut del_arts =
                tx.prepare_cached("DELETE FROM event_articles WHERE event_id = ?1")?;
            for &id in deleted {
                del.execute([id])?;
                del_st.execute([id])?;
                del_arts.execute([id])?;
            }
            for &(old, new) in redirects {
                del.execute([old])?;
                del_st.execute([old])?;
                del_arts.execute([old])?;
                chain.execute([old, new])?;
                red.execute([old, new])?;
            }
            // A key moves from one event to another within one update: free
            // the keys of the events rewritten first.
            let mut free = tx.prepare_cached("DELETE FROM event_state WHERE event_id = ?1")?;
            for (e, _) in events {
                free.execute([e.id])?;
            }
        }
        put_events(&tx, events)?;
        put_mark(&tx, DerivedStage::Events, mark)?;
        tx.commit()?;
        Ok(())
    }

    fn event_keys(&self, f: &mut dyn FnMut(i64, &str)) -> Result<()> {
        let mut s = self.conn.prepare("SELECT event_id, key FROM event_state")?;
        let mut rows = s.query([])?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let k: String = r.get(1)?;
            f(id, &k);
        }
        Ok(())
    }

    fn event_state(&self, id: i64) -> Result<Option<(EventRecord, EventState)>> {
        let row = self
            .conn
            .prepare_cached(
                "SELECT e.record, s.key, s.publishers, s.places, s.contribs FROM events e JOIN event_state s ON s.event_id = e.id WHERE e.id = ?1",
            )?
            .query_row([id], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                ))
            })
            .optional()?;
        let Some((rec, key, publishers, places, contribs)) = row else {
            return Ok(None);
        };
        let what = format!("event {id}");
        Ok(Some((
            parse_json(&rec, &what)?,
            EventState {
                key,
                publishers: parse_json(&publishers, &what)?,
                places: parse_json(&places, &what)?,
                contribs: parse_json(&contribs, &what)?,
            },
        )))
    }

    fn event_redirect(&self, id: i64) -> Result<Option<i64>> {
        Ok(self
            .conn
            .prepare_cached("SELECT new_id FROM event_redirects WHERE old_id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?)
    }

    fn stage_mark(&self, stage: DerivedStage) -> Result<Option<StageMark>> {
        Ok(self
            .conn
            .prepare_cached("SELECT version, last_article FROM stage_marks WHERE stage = ?1")?
            .query_row([stage.as_str()], |r| {
                Ok(StageMark::new(r.get(0)?, r.get(1)?))
            })
            .optional()?)
    }

    fn upsert_stories(
        &mut self,
        stories: &[StoryRecord],
        members: &[(i64, i64, f32)],
        vectors: &[(i64, Vec<(String, f32)>)],
        state: &KeptState,
    ) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        {
            let mut st =
                tx.prepare_cached("INSERT OR REPLACE INTO stories (id, record) VALUES (?1, ?2)")?;
            for r in stories {
                st.execute(params![r.id, json(r)])?;
            }
            let mut m = tx.prepare_cached(
                "INSERT OR REPLACE INTO story_articles (article_id, story_id, score) VALUES (?1, ?2, ?3)",
            )?;
            for (a, s, score) in members {
                m.execute(params![a, s, *score as f64])?;
            }
            let mut v = tx.prepare_cached(
                "INSERT OR REPLACE INTO article_vectors (article_id, terms) VALUES (?1, ?2)",
            )?;
            for (a, terms) in vectors {
                v.execute(params![a, vector_text(terms)])?;
            }
        }
        put_story_state(&tx, state)?;
        tx.commit()?;
        Ok(())
    }

    fn save_story_state(&mut self, state: &KeptState) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        put_story_state(&tx, state)?;
        tx.commit()?;
        Ok(())
    }

    fn story_state(&self) -> Result<Option<KeptState>> {
        Ok(self
            .conn
            .prepare_cached("SELECT version, last_article, data FROM story_state WHERE id = 1")?
            .query_row([], |r| {
                Ok(KeptState {
                    version: r.get(0)?,
                    last_article: r.get(1)?,
                    data: r.get(2)?,
                })
            })
            .optional()?)
    }

    fn events_of_articles(&self, articles: &[i64]) -> Result<Vec<crate::DatedEvent>> {
        let mut ids = std::collections::BTreeSet::new();
        {
            let mut s = self
                .conn
                .prepare_cached("SELECT event_id FROM event_articles WHERE article_id = ?1")?;
            for a in articles {
                for id in s.query_map([a], |r| r.get::<_, i64>(0))? {
                    ids.insert(id?);
                }
            }
        }
        let mut out = Vec::with_capacity(ids.len());
        let mut s = self
            .conn
            .prepare_cached("SELECT record FROM events WHERE id = ?1")?;
        for id in ids {
            let Some(rec) = s.query_row([id], |r| r.get::<_, String>(0)).optional()? else {
                continue;
            };
            let e: EventRecord = parse_json(&rec, &format!("event {id}"))?;
            if !e.negated {
                out.push((e.date, e.id, e.articles));
            }
        }
        out.sort();
        Ok(out)
    }

    fn events_with_article(&self, article: i64) -> Result<Vec<i64>> {
        let mut s = self.conn.prepare_cached(
            "SELECT event_id FROM event_articles WHERE article_id = ?1 ORDER BY event_id",
        )?;
        let v = s
            .query_map([article], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<i64>>>()?;
        Ok(v)
    }

    fn articles_naming(&self, entities: &[i64], upto: i64) -> Result<Vec<i64>> {
        let mut s = self.conn.prepare_cached(
            "SELECT DISTINCT article_id FROM doc_entities WHERE entity_id = ?1 AND article_id <= ?2",
        )?;
        let mut out = std::collections::BTreeSet::new();
        for &e in entities {
            for a in s.query_map(params![e, upto], |r| r.get::<_, i64>(0))? {
                out.insert(a?);
            }
        }
        Ok(out.into_iter().collect())
    }

    fn entity_redirects(&self) -> Result<Vec<(i64, i64)>> {
        let mut s = self
            .conn
            .prepare_cached("SELECT old_id, new_id FROM entity_redirects")?;
        let v = s
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(v)
    }

    fn events(&self, f: &mut dyn FnMut(EventRecord) -> bool) -> Result<()> {
        let mut s = self
            .conn
            .prepare_cached("SELECT id, record FROM events ORDER BY id")?;
        let mut rows = s.query([])?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let rec: String = r.get(1)?;
            if !f(parse_json(&rec, &format!("event {id}"))?) {
                break;
            }
        }
        Ok(())
    }

    fn replace_search_index(&mut self, items: &[(i64, SearchTerms)], version: i64) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        {
            // The rows of the articles indexed before (version > 0) are
            // deleted first, all of them, then the new rows inserted:
            // deletes between inserts took twice as long (SaudiNewsNet).
            let mut was = tx.prepare_cached("SELECT search_version FROM articles WHERE id = ?1")?;
            let mut del = tx.prepare_cached("DELETE FROM article_fts WHERE rowid = ?1")?;
            for (id, _) in items {
                let v: Option<i64> = was.query_row([id], |r| r.get(0)).optional()?;
                if v.is_some_and(|v| v > 0) {
                    del.execute([id])?;
                }
            }
            let mut ins = tx.prepare_cached(
                "INSERT INTO article_fts (rowid, title, body, title_extra, body_extra) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            let mut ver =
                tx.prepare_cached("UPDATE articles SET search_version = ?2 WHERE id = ?1")?;
            for (id, t) in items {
                ins.execute(params![id, t.title, t.body, t.title_extra, t.body_extra])?;
                ver.execute(params![id, version])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    fn drop_search_index_below(&mut self, version: i64) -> Result<bool> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let old: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM articles WHERE search_version > 0 AND search_version < ?1)",
            [version],
            |r| r.get(0),
        )?;
        if old {
            tx.execute_batch(
                "INSERT INTO article_fts (article_fts) VALUES ('delete-all');
                 UPDATE articles SET search_version = 0 WHERE search_version <> 0;",
            )?;
        }
        tx.commit()?;
        Ok(old)
    }

    fn search(&self, m: &SearchMatch, limit: usize, offset: usize) -> Result<Vec<(i64, f64)>> {
        let sql = format!(
            "SELECT rowid, {FTS_RANK} AS r FROM article_fts WHERE article_fts MATCH ?1 ORDER BY r, rowid LIMIT ?2 OFFSET ?3"
        );
        let mut s = self.conn.prepare_cached(&sql)?;
        let clamp = |n: usize| n.min(i64::MAX as usize) as i64;
        let v = s
            .query_map(
                params![fts5_expression(m), clamp(limit), clamp(offset)],
                |r| Ok((r.get(0)?, -r.get::<_, f64>(1)?)),
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(v)
    }

    fn search_count(&self, m: &SearchMatch, cap: usize) -> Result<usize> {
        let n: i64 = self
            .conn
            .prepare_cached(
                "SELECT count(*) FROM (SELECT 1 FROM article_fts WHERE article_fts MATCH ?1 LIMIT ?2)",
            )?
            .query_row(
                params![fts5_expression(m), cap.min(i64::MAX as usize) as i64],
                |r| {
                r.get(0)
            })?;
        Ok(n as usize)
    }

    fn article_text(&self, id: i64) -> Result<Option<ArticleText>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT id, title, body, published, publisher, source_label FROM articles WHERE id = ?1",
            )?
            .query_row([id], |r| {
                Ok(ArticleText {
                    id: r.get(0)?,
                    title: r.get(1)?,
                    body: r.get(2)?,
                    published: r.get(3)?,
                    publisher: r.get(4)?,
                    source_label: r.get(5)?,
                })
            })
            .optional()?)
    }

    fn enqueue(
        &mut self,
        name: &str,
        sha256: &str,
        size: u64,
        raw_deflated: &[u8],
    ) -> Result<bool> {
        self.work_enqueue(name, sha256, size, raw_deflated)
    }

    fn claim_work(
        &mut self,
        worker: &str,
        max: usize,
        lease_secs: u64,
        max_attempts: u32,
    ) -> Result<Vec<crate::WorkItem>> {
        self.work_claim(worker, max, lease_secs, max_attempts)
    }

    fn finish_work(&mut self, ids: &[i64]) -> Result<()> {
        self.work_finish(ids)
    }

    fn fail_work(
        &mut self,
        id: i64,
        reason: &str,
        retry_secs: u64,
        max_attempts: u32,
    ) -> Result<bool> {
        self.work_fail(id, reason, retry_secs, max_attempts)
    }

    fn queue_counts(&self) -> Result<crate::QueueCounts> {
        self.work_counts()
    }

    fn work_turn(&self, id: i64) -> Result<bool> {
        self.work_turn_of(id)
    }

    fn work_place(&self, place: i64) -> Result<Option<i64>> {
        self.work_place_of(place)
    }

    fn work_derived(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row(
                "SELECT derived_through FROM work_marks WHERE id = 1",
                [],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or(0))
    }

    fn set_work_derived(&mut self, id: i64) -> Result<()> {
        self.conn.execute(
            "INSERT INTO work_marks (id, derived_through) VALUES (1, ?1)
             ON CONFLICT (id) DO UPDATE
             SET derived_through = max(derived_through, excluded.derived_through)",
            [id],
        )?;
        Ok(())
    }

    fn lock_derived(&mut self, lock: crate::DerivedLock, wait: bool) -> Result<bool> {
        match lock {
            crate::DerivedLock::Stages => self.derived_lock(wait),
            // Each write is one transaction under SQLite's own write lock;
            // writers are not kept from the stages between transactions
            // (run one worker on a SQLite store).
            crate::DerivedLock::Write | crate::DerivedLock::Quiet => Ok(true),
        }
    }

    fn unlock_derived(&mut self, lock: crate::DerivedLock) -> Result<()> {
        match lock {
            crate::DerivedLock::Stages => self.derived_unlock(),
            crate::DerivedLock::Write | crate::DerivedLock::Quiet => Ok(()),
        }
    }

    fn add_feed(
        &mut self,
        url: &str,
        interval_secs: u64,
        now: jiff::Timestamp,
    ) -> Result<(crate::FeedRecord, bool)> {
        self.feeds_add(url, interval_secs, now)
    }

    fn feeds(&self) -> Result<Vec<crate::FeedRecord>> {
        self.feeds_all()
    }

    fn remove_feed(&mut self, id: i64) -> Result<bool> {
        self.feeds_remove(id)
    }

    fn record_feed_poll(&mut self, id: i64, poll: &crate::FeedPoll) -> Result<()> {
        self.feeds_record_poll(id, poll)
    }

    fn feed_items(&self, feed: i64) -> Result<Vec<crate::FeedItem>> {
        self.feeds_items(feed)
    }

    fn put_feed_item(&mut self, item: &crate::FeedItem) -> Result<()> {
        self.feeds_put_item(item)
    }
}
