//! Storage for rasd.
//!
//! [`Store`] is what the rest of rasd talks to; [`SqliteStore`] implements it
//! on an embedded SQLite database (bundled, no server), the default for one
//! machine; [`PgStore`] on a PostgreSQL server that many rasd processes on
//! many machines share. [`open`] picks the backend from the `--db` value.
//!
//! Consistency: every input document is written in one transaction together
//! with its articles, rejected records and the flag that it is complete, so a
//! process killed mid-ingest leaves a consistent database, and the next run
//! redoes exactly the inputs that did not commit. Articles have a unique key
//! (their URL when they have one, else the hash of their input's raw bytes and
//! their position in it), which makes re-ingest idempotent.

mod codec;
mod feeds;
mod postgres;
mod sqlite;

pub use feeds::{FeedItem, FeedPoll, FeedRecord, ItemState, PollStatus};
pub use postgres::{testing, PgStore};
pub use sqlite::{body_hash, fts5_expression, SqliteStore};

use rasd_doc::{Article, TimeMention};
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("PostgreSQL error: {}", postgres_message(.0))]
    Postgres(#[from] ::postgres::Error),
    #[error("database {path}: {reason}")]
    Open { path: String, reason: String },
    #[error("corrupt stored data in {what}: {reason}")]
    Corrupt { what: String, reason: String },
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// A PostgreSQL error with what the server said (the client's own message
/// is only "db error").
fn postgres_message(e: &::postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => {
            let mut m = format!("{} ({})", db.message(), db.code().code());
            if let Some(d) = db.detail() {
                m.push_str(": ");
                m.push_str(d);
            }
            m
        }
        None => match std::error::Error::source(e) {
            Some(src) => format!("{e}: {src}"),
            None => e.to_string(),
        },
    }
}

/// Whether a `--db` value names a PostgreSQL database (`postgres://…` or
/// `postgresql://…`) rather than a SQLite file.
pub fn is_postgres_url(db: &str) -> bool {
    db.starts_with("postgres://") || db.starts_with("postgresql://")
}

/// Opens the store a `--db` value names: a PostgreSQL URL, else the path
/// of a SQLite file (created if missing). Both are migrated on open.
pub fn open(db: &str) -> Result<Box<dyn Store + Send>> {
    if is_postgres_url(db) {
        Ok(Box::new(PgStore::open(db)?))
    } else {
        Ok(Box::new(SqliteStore::open(std::path::Path::new(db))?))
    }
}

/// A full-text match over the search index's terms (folded, clitic-stripped
/// stems and folded forms, as `rasd-search` writes them): an article matches
/// when every clause of `all` matches and no clause of `none` does; a clause
/// matches when any of its phrases does. A phrase of one word matches that
/// term in any column (the extra columns included); a phrase of several
/// words matches those words adjacent and in order in the title or the body
/// (the extra columns carry no positions).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchMatch {
    pub all: Vec<Vec<Phrase>>,
    pub none: Vec<Vec<Phrase>>,
}

/// Index terms that must occur adjacent and in order (one or more).
pub type Phrase = Vec<String>;

/// One input document (a file, an archive member, stdin) and what it yielded.
#[derive(Debug, Default)]
pub struct InputBatch<'a> {
    pub path: &'a str,
    /// The archive the input is a member of, by display path.
    pub archive: Option<&'a str>,
    /// SHA-256 of the raw bytes, lowercase hex.
    pub sha256: &'a str,
    pub size: u64,
    pub format: &'a str,
    pub encoding: &'a str,
    /// The raw bytes, deflate-compressed with [`compress`].
    pub raw_deflated: &'a [u8],
    /// Records the input holds (1 for a page).
    pub records: u32,
    pub articles: &'a [Article],
    /// Records that were not ingested: (record index, reason).
    pub rejects: &'a [(u32, String)],
    /// An error that stopped reading part-way.
    pub error: Option<&'a str>,
    /// Time expressions of each article (same order as `articles`; may be
    /// empty when annotation is left to a later `process` run).
    pub timexes: &'a [Vec<TimeMention>],
    /// Version of the annotator that produced `timexes`.
    pub time_version: i64,
    /// Entities of each article (same order as `articles`; may be empty).
    pub entities: &'a [ArticleEntities],
    pub entity_version: i64,
    /// What was done to the input that its user should know of (record,
    /// reason): listed by [`Store::problems`].
    pub warnings: &'a [(Option<u32>, String)],
    /// The position in the input of `articles[0]`: an input's articles may
    /// be written in several batches, in order.
    pub first: u32,
    /// The ids of the input's articles before `first` (as
    /// [`WriteOutcome::ids`] gave them), for the parents that later batches
    /// name.
    pub earlier: &'a [Option<i64>],
    /// More batches of this input follow: the input stays incomplete (a
    /// later run redoes it, skipping the articles already stored).
    pub more_to_come: bool,
}

/// The entities of one article: its NER mentions and their resolution into
/// the article's entities (whose `mentions` index into `mentions`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ArticleEntities {
    pub mentions: Vec<rasd_entity::Mention>,
    pub entities: Vec<rasd_entity::DocEntity>,
}

/// An annotation stage whose version is kept per article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Time,
    Entities,
    /// MinHash signature and near-duplicate pairs.
    Dedup,
    /// The full-text search index (`rasd-search`).
    Search,
}

/// The full-text index terms of one article, as `rasd-search` computes them:
/// space-separated, already folded and clitic-stripped.
///
/// `title` and `body` hold one term per word (its stem), in word order, so
/// that phrases match by position; `title_extra` and `body_extra` hold the
/// other forms a word is findable by (its whole folded form when a clitic
/// was stripped, a more speculative stem), which carry no positions that
/// phrases could rely on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchTerms {
    pub title: String,
    pub body: String,
    pub title_extra: String,
    pub body_extra: String,
}

/// The texts of one article that a search result shows: a light read of the
/// article (no regions, no alignment).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleText {
    pub id: i64,
    pub title: Option<String>,
    pub body: String,
    /// ISO date or datetime.
    pub published: Option<String>,
    pub publisher: Option<String>,
    pub source_label: Option<String>,
}

/// Two near-duplicate articles (`a < b`): the exact Jaccard similarity of
/// their body shingle sets, and the MinHash estimate that found them.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct DupPair {
    pub a: i64,
    pub b: i64,
    pub jaccard: f64,
    pub estimate: f64,
}

/// What the near-duplicate stage stores for one article.
#[derive(Debug, Clone, PartialEq)]
pub struct ArticleSignature {
    pub article_id: i64,
    /// The MinHash signature as bytes.
    pub signature: Vec<u8>,
    /// Number of distinct shingles of the body.
    pub shingles: u32,
}

/// An entity of a story with how many mentions its articles make.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct StoryEntity {
    pub id: i64,
    #[serde(rename = "type")]
    pub etype: String,
    pub name: String,
    pub name_en: Option<String>,
    /// Mentions over the story's articles.
    pub count: u32,
    /// The story's articles that name it.
    pub articles: u32,
}

/// An entity of one article as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredDocEntity {
    pub entity: rasd_entity::DocEntity,
    pub kb_id: Option<i64>,
    pub mentions: Vec<rasd_entity::Mention>,
}

/// An actor of an event: a knowledge-base entity, or a country only.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct EventActor {
    /// Knowledge-base entity id (null for a country named only by a
    /// demonym or a capital: `الوفد الروسي`, `موسكو`).
    pub entity: Option<i64>,
    pub name: String,
    pub name_en: Option<String>,
    /// ISO alpha-3, as in CAMEO.
    pub country: Option<String>,
    pub sector: Option<String>,
}

/// Where an event took place.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct EventPlace {
    pub entity: Option<i64>,
    pub name: String,
    pub name_en: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// ISO alpha-2 (the gazetteer's).
    pub country: Option<String>,
}

/// One sentence of one article that reports an event.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct EventMentionRecord {
    pub article: i64,
    pub field: String,
    /// Byte span of the sentence in the field's text.
    pub sentence: [usize; 2],
    /// Byte span of the trigger in the field's text.
    pub trigger: [usize; 2],
    pub text: String,
    pub trigger_text: String,
    pub confidence: f32,
}

/// A political event (PLOVER), merged across the articles that report it
/// (`rasd events --json`).
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct EventRecord {
    pub id: i64,
    #[serde(rename = "type")]
    pub etype: String,
    pub mode: Option<String>,
    pub intent: bool,
    pub negated: bool,
    pub source: Option<EventActor>,
    pub target: Option<EventActor>,
    pub place: Option<EventPlace>,
    /// ISO date (or month, year) of the event.
    pub date: Option<String>,
    pub date_grain: Option<String>,
    /// `text` when a time expression of the sentence gave the date,
    /// `published` when it is the article's publication date, `crawled`
    /// when it is its crawl date.
    pub date_source: Option<String>,
    pub mentions: Vec<EventMentionRecord>,
    pub articles: Vec<i64>,
    /// Distinct publishers of the articles.
    pub num_sources: u32,
    pub num_articles: u32,
    /// The highest confidence of its mentions.
    pub confidence: f32,
}

/// A story as stored and listed (`rasd stories --json`).
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct StoryRecord {
    pub id: i64,
    /// Its representative headline, in the original spelling (see
    /// `rasd_story::headline`).
    pub label: String,
    /// The actors most of its articles name (up to three names).
    #[serde(default)]
    pub actors: Vec<String>,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
    /// Member article ids, in id order.
    pub articles: Vec<i64>,
    /// Near-duplicate groups among the members (each in id order, the
    /// canonical member first).
    pub duplicate_groups: Vec<Vec<i64>>,
    /// Distinct publishers of the members (source label, else the URL's
    /// host); never a placeholder for articles without one.
    pub sources: Vec<String>,
    /// How many sources: the distinct publishers, or one unnamed source when
    /// no member has a publisher ([`StoryRecord::source_count`]).
    #[serde(default)]
    pub num_sources: u32,
    pub entities: Vec<StoryEntity>,
    /// The heaviest words of the story's centroid.
    pub terms: Vec<String>,
    /// Stories sharing this one's core actors: `[story id, shared actors]`.
    pub linked: Vec<(i64, u32)>,
    /// Its events (reported by at least one of its articles), in date order:
    /// the timeline.
    #[serde(default)]
    pub events: Vec<i64>,
}

impl StoryRecord {
    /// The number of sources: the distinct publishers of the members, and
    /// never zero for a story with articles (members without any publisher
    /// count as one unnamed source when no member has one).
    pub fn source_count(&self) -> u32 {
        (self.sources.len() as u32).max(u32::from(!self.articles.is_empty()))
    }

    /// Fills the fields that records written by an older rasd lack
    /// (`num_sources`, `actors`), derived from the others.
    pub fn fill_derived(&mut self) {
        self.num_sources = self.source_count();
        if self.actors.is_empty() {
            self.actors = self
                .entities
                .iter()
                .take(3)
                .map(|e| e.name.clone())
                .collect();
        }
    }
}

/// A knowledge-base entity as stored and listed (`rasd entities --json`).
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct EntityRecord {
    pub id: i64,
    #[serde(rename = "type")]
    pub etype: String,
    pub name: String,
    pub name_en: Option<String>,
    /// Spellings with their counts, most frequent first.
    pub variants: Vec<(String, u32)>,
    pub mentions: u32,
    pub country: Option<String>,
    /// The role text that gave the country.
    pub country_evidence: Option<String>,
    pub sector: Option<String>,
    pub place_id: Option<i64>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub articles: Vec<i64>,
    /// (article, role text)
    pub roles: Vec<(i64, String)>,
}

/// The stages that read across articles and keep their progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DerivedStage {
    Events,
    Stories,
}

impl DerivedStage {
    pub fn as_str(self) -> &'static str {
        match self {
            DerivedStage::Events => "events",
            DerivedStage::Stories => "stories",
        }
    }
}

/// How far a derived stage has read: the version of the code that wrote its
/// kept state, and the last article it has read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StageMark {
    pub version: i64,
    pub last_article: i64,
}

impl StageMark {
    pub fn new(version: i64, last_article: i64) -> Self {
        StageMark {
            version,
            last_article,
        }
    }
}

/// What the event stage keeps of an event to merge later mentions into it:
/// its merge key (opaque to the store), its publishers, its places with
/// their weights.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct EventState {
    pub key: String,
    pub publishers: Vec<String>,
    pub places: Vec<(EventPlace, u32)>,
    /// What each mention (in the order of the record's `mentions`) brought,
    /// so that an article's mentions can be taken out again exactly.
    #[serde(default)]
    pub contribs: Vec<MentionContrib>,
}

/// An event as a story's timeline needs it: (date, id, articles).
pub type DatedEvent = (Option<String>, i64, Vec<i64>);

/// An article's term vector: (term, weight), heaviest first.
pub type TermVector = Vec<(String, f32)>;

/// What one mention brought to its event.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct MentionContrib {
    pub publisher: String,
    /// The place it gave, with its weight (3 when its sentence names it).
    pub place: Option<(EventPlace, u32)>,
    pub mode: Option<String>,
    pub date_source: Option<String>,
}

/// A stage's state kept between runs (the knowledge base's, the story
/// clusterer's): an opaque serialisation (its owner reads it), the version
/// of the code that wrote it, and the last article it has read.
#[derive(Debug, Clone, PartialEq)]
pub struct KeptState {
    pub version: i64,
    pub last_article: i64,
    pub data: Vec<u8>,
}

/// An incremental update of the knowledge base.
#[derive(Debug, Clone, Copy)]
pub struct KbUpdate<'a> {
    /// Entities new or changed.
    pub entities: &'a [EntityRecord],
    /// (old id, id it was merged into).
    pub merges: &'a [(i64, i64)],
    /// (article, article-entity index, entity id) of the new articles.
    pub links: &'a [(i64, u32, i64)],
    pub state: &'a KeptState,
}

/// One mention of a stored entity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntityMention {
    pub article: i64,
    pub field: String,
    pub start: usize,
    pub end: usize,
}

/// What writing one input did.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct WriteOutcome {
    /// Articles stored now.
    pub new_articles: u32,
    /// Of those, articles split off a page ("read also" appendages).
    pub appended: u32,
    /// Of those, parts of over-long articles after their first.
    pub parts: u32,
    /// Articles whose key was already stored (re-ingest, same URL).
    pub already_stored: u32,
    /// New articles whose body equals the body of an earlier article.
    pub exact_duplicates: u32,
    /// The id of each article of the batch, stored now or before (`None`
    /// for one another process stored under its key and this one cannot
    /// see yet).
    #[serde(skip)]
    pub ids: Vec<Option<i64>>,
}

/// What the store knows of an input already seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputStatus {
    pub complete: bool,
    pub records: u32,
    pub articles: u32,
    pub rejects: u32,
    /// The error that stopped reading it part-way, if any.
    pub error: Option<String>,
}

/// An article as stored, with its id and provenance.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredArticle {
    pub id: i64,
    pub key: String,
    pub input_id: i64,
    pub input_path: String,
    pub format: String,
    pub encoding: String,
    pub appended_to: Option<i64>,
    pub exact_duplicate_of: Option<i64>,
    pub article: Article,
}

/// Which articles to list.
#[derive(Debug, Clone, Default)]
pub struct ArticleQuery {
    /// Only pages (no appended items).
    pub pages_only: bool,
    pub source_label: Option<String>,
    /// Only articles with an id greater than this (cursor).
    pub after_id: Option<i64>,
    pub limit: Option<u64>,
}

/// Counts over the whole store.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Stats {
    pub inputs: u64,
    pub inputs_incomplete: u64,
    pub inputs_by_format: Vec<(String, u64)>,
    pub articles: u64,
    pub pages: u64,
    pub appended: u64,
    pub exact_duplicates: u64,
    pub with_published_date: u64,
    pub rejected_records: u64,
    pub reject_reasons: Vec<(String, u64)>,
    pub input_errors: u64,
    pub sources: Vec<(String, u64)>,
    pub first_published: Option<String>,
    pub last_published: Option<String>,
    pub raw_bytes: u64,
    pub raw_bytes_stored: u64,
}

/// An input taken from the work queue by a worker ([`Store::claim_work`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkItem {
    pub id: i64,
    /// The name it was enqueued under (its path, `ARCHIVE!/MEMBER` for an
    /// archive member): it is ingested under this name.
    pub name: String,
    /// The raw bytes, deflated with [`compress`].
    pub raw_deflated: Vec<u8>,
    /// Times it has been claimed, this claim included.
    pub attempts: u32,
}

/// The locks of [`Store::lock_derived`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DerivedLock {
    /// Writing articles: any number of processes at once, never while
    /// [`DerivedLock::Quiet`] is held.
    Write,
    /// No process writing articles: taken by a run of the stages over
    /// every stored article (one bounded by an article id needs no quiet).
    Quiet,
    /// Running the stages that read across articles: one process alone.
    Stages,
}

/// How many inputs of the work queue are in each state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct QueueCounts {
    pub pending: u64,
    /// Claimed by a worker whose lease has not run out.
    pub running: u64,
    pub done: u64,
    /// Failed (or killed its worker) too often: left out, with the reason
    /// in `rasd problems`.
    pub quarantined: u64,
}

/// A rejected record or an input error, for reports.
#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    pub path: String,
    pub record: Option<u32>,
    pub reason: String,
}

/// The storage interface.
pub trait Store {
    /// What is known of the input with this raw-bytes hash, if anything.
    fn input_status(&self, sha256: &str) -> Result<Option<InputStatus>>;
    /// Writes one input and everything it yielded, atomically.
    fn write_input(&mut self, batch: &InputBatch) -> Result<WriteOutcome>;
    /// Articles in id order.
    fn articles(&self, q: &ArticleQuery, f: &mut dyn FnMut(StoredArticle) -> bool) -> Result<()>;
    fn article(&self, id: i64) -> Result<Option<StoredArticle>>;
    /// The highest article id stored (0 when there is none).
    fn last_article_id(&self) -> Result<i64>;
    /// The stored articles with these ids, in the order given (ids not
    /// stored are left out): one query where the backend is remote.
    fn articles_of(&self, ids: &[i64]) -> Result<Vec<StoredArticle>> {
        let mut out = Vec::with_capacity(ids.len());
        for &id in ids {
            out.extend(self.article(id)?);
        }
        Ok(out)
    }
    /// The decoded-or-raw original bytes of an input.
    fn input_raw(&self, input_id: i64) -> Result<Option<Vec<u8>>>;
    fn stats(&self) -> Result<Stats>;
    /// A number that changes when another connection commits a write (it
    /// may also change after this one's): a cheap way for a server to
    /// notice other processes' writes.
    fn data_version(&self) -> Result<i64>;
    /// Time expressions stored for an article.
    fn timexes(&self, article_id: i64) -> Result<Vec<TimeMention>>;
    /// [`Store::timexes`] of each of these articles, in the order given.
    fn timexes_of(&self, ids: &[i64]) -> Result<Vec<Vec<TimeMention>>> {
        ids.iter().map(|&id| self.timexes(id)).collect()
    }
    /// Replaces the time expressions of articles, in one transaction, and
    /// records the annotator version.
    fn replace_timexes(&mut self, items: &[(i64, Vec<TimeMention>)], version: i64) -> Result<()>;
    /// Ids of articles whose annotations of `stage` have a version below
    /// `version`, after `after_id`, at most `limit`.
    fn articles_needing(
        &self,
        stage: Stage,
        version: i64,
        after_id: i64,
        limit: u64,
    ) -> Result<Vec<i64>>;
    /// Replaces the entities of articles (one transaction).
    fn replace_article_entities(
        &mut self,
        items: &[(i64, ArticleEntities)],
        version: i64,
    ) -> Result<()>;
    /// Every article's entities in article order, for rebuilding the
    /// knowledge base: (article id, entities).
    fn all_doc_entities(&self, f: &mut dyn FnMut(i64, Vec<rasd_entity::DocEntity>)) -> Result<()>;
    /// Replaces the knowledge base: its entities, and the entity of every
    /// (article, article-entity index).
    fn write_knowledge_base(
        &mut self,
        entities: &[EntityRecord],
        links: &[(i64, u32, i64)],
    ) -> Result<()>;
    /// The knowledge base kept between runs, if any.
    fn kb_state(&self) -> Result<Option<KeptState>>;
    /// Keeps the knowledge base's state (after a full rebuild).
    fn save_kb_state(&mut self, state: &KeptState) -> Result<()>;
    /// The article entities of the articles after `after`, in id order.
    fn doc_entities_after(
        &self,
        after: i64,
        f: &mut dyn FnMut(i64, Vec<rasd_entity::DocEntity>),
    ) -> Result<()>;
    /// Whether an article up to `upto` has article entities not linked to
    /// the knowledge base (they were annotated again since).
    fn unlinked_doc_entities_upto(&self, upto: i64) -> Result<bool>;
    /// Updates the knowledge base in one transaction: entity rows written,
    /// merged entities replaced by redirects (and their links moved), new
    /// links, the new state.
    fn update_knowledge_base(&mut self, update: &KbUpdate) -> Result<()>;
    /// The entity a merged entity id now stands for.
    fn entity_redirect(&self, id: i64) -> Result<Option<i64>>;
    fn entities(&self, f: &mut dyn FnMut(EntityRecord) -> bool) -> Result<()>;
    fn entity(&self, id: i64) -> Result<Option<EntityRecord>>;
    /// The entities with these ids, without following redirects (merged
    /// ids are left out), in the order given.
    fn entities_of(&self, ids: &[i64]) -> Result<Vec<EntityRecord>> {
        let mut out = Vec::with_capacity(ids.len());
        for &id in ids {
            out.extend(self.entity(id)?.filter(|e| e.id == id));
        }
        Ok(out)
    }
    fn entity_mentions(&self, id: i64, limit: u64) -> Result<Vec<EntityMention>>;
    /// Articles split off page `page_id`: (id, title).
    fn appended_items(&self, page_id: i64) -> Result<Vec<(i64, Option<String>)>>;
    /// Ids of all articles whose body equals this one's, in id order
    /// (including `id` itself); one element when it has no exact duplicate.
    fn exact_duplicate_group(&self, id: i64) -> Result<Vec<i64>>;
    /// Rejected records and input errors, in input order.
    fn problems(&self, limit: u64) -> Result<Vec<Problem>>;
    /// Records inputs that failed entirely (unreadable, too large, not
    /// decodable: nothing of them stored) with the reason, by path, so that
    /// [`Store::problems`] lists them; forgets the failures of the paths in
    /// `ok`, read whole since.
    fn note_input_failures(&mut self, failed: &[(String, String)], ok: &[String]) -> Result<()>;
    /// Stores the signatures of articles and the near-duplicate pairs found
    /// for them, and records the stage version (one transaction).
    fn write_dedup(
        &mut self,
        signatures: &[ArticleSignature],
        pairs: &[DupPair],
        version: i64,
    ) -> Result<()>;
    /// Every stored signature, in article id order.
    fn signatures(&self, f: &mut dyn FnMut(ArticleSignature)) -> Result<()>;
    /// Every near-duplicate pair, by `(a, b)`.
    fn duplicate_pairs(&self) -> Result<Vec<DupPair>>;
    /// Replaces all stories, the story of every article (with the score it
    /// joined with) and the article term vectors used for related articles
    /// (one transaction).
    fn write_stories(
        &mut self,
        stories: &[StoryRecord],
        members: &[(i64, i64, f32)],
        vectors: &[(i64, Vec<(String, f32)>)],
    ) -> Result<()>;
    /// Writes new and changed stories, the story of new articles and their
    /// term vectors, and the clusterer's state, in one transaction.
    fn upsert_stories(
        &mut self,
        stories: &[StoryRecord],
        members: &[(i64, i64, f32)],
        vectors: &[(i64, Vec<(String, f32)>)],
        state: &KeptState,
    ) -> Result<()>;
    /// Keeps the story clusterer's state (after a full rebuild, which drops
    /// the one kept before).
    fn save_story_state(&mut self, state: &KeptState) -> Result<()>;
    /// The story clusterer's kept state, if any.
    fn story_state(&self) -> Result<Option<KeptState>>;
    /// The ids of all events (negated ones too) with a mention in this
    /// article.
    fn events_with_article(&self, article: i64) -> Result<Vec<i64>>;
    /// The articles up to `upto` that name any of these entities.
    fn articles_naming(&self, entities: &[i64], upto: i64) -> Result<Vec<i64>>;
    /// The events (not negated) that name any of these articles: (date, id,
    /// articles), by date.
    fn events_of_articles(&self, articles: &[i64]) -> Result<Vec<DatedEvent>>;
    /// (article, entity, mentions) of these articles' linked entities.
    fn article_entity_counts_of(&self, articles: &[i64]) -> Result<Vec<(i64, i64, u32)>>;
    /// The stored term vectors of these articles.
    fn article_vectors_of(&self, articles: &[i64]) -> Result<Vec<(i64, TermVector)>>;
    /// Stories by id.
    fn stories(&self, f: &mut dyn FnMut(StoryRecord) -> bool) -> Result<()>;
    fn story(&self, id: i64) -> Result<Option<StoryRecord>>;
    /// The story of an article and the score it joined with.
    fn story_of(&self, article: i64) -> Result<Option<(i64, f32)>>;
    /// For every article, the knowledge-base entities it mentions and how
    /// many times: (article id, entity id, mentions), by article id.
    fn article_entity_counts(&self, f: &mut dyn FnMut(i64, i64, u32)) -> Result<()>;
    /// The stored entities of one article, in index order, each with its
    /// knowledge-base id and its mentions.
    fn article_entities(&self, id: i64) -> Result<Vec<StoredDocEntity>>;
    /// [`Store::article_entities`] of each of these articles, in the order
    /// given.
    fn article_entities_of(&self, ids: &[i64]) -> Result<Vec<Vec<StoredDocEntity>>> {
        ids.iter().map(|&id| self.article_entities(id)).collect()
    }
    /// Replaces all events (one transaction).
    /// Replaces all events (numbered anew) with their kept state; old
    /// event redirects are dropped.
    fn write_events(
        &mut self,
        events: &[(EventRecord, EventState)],
        mark: &StageMark,
    ) -> Result<()>;
    /// Writes new and changed events with their state, redirects of events
    /// merged into others (whose rows go), and deletes events left without
    /// mentions.
    fn upsert_events(
        &mut self,
        events: &[(EventRecord, EventState)],
        redirects: &[(i64, i64)],
        deleted: &[i64],
        mark: &StageMark,
    ) -> Result<()>;
    /// The kept merge key of every event: `f(event id, key)`.
    fn event_keys(&self, f: &mut dyn FnMut(i64, &str)) -> Result<()>;
    /// One event with its kept state.
    fn event_state(&self, id: i64) -> Result<Option<(EventRecord, EventState)>>;
    /// [`Store::event_state`] of each of these events that has one.
    fn event_states_of(&self, ids: &[i64]) -> Result<Vec<(i64, EventRecord, EventState)>> {
        let mut out = Vec::with_capacity(ids.len());
        for &id in ids {
            if let Some((r, s)) = self.event_state(id)? {
                out.push((id, r, s));
            }
        }
        Ok(out)
    }
    /// The event a merged event id now stands for.
    fn event_redirect(&self, id: i64) -> Result<Option<i64>>;
    /// How far a derived stage has read.
    fn stage_mark(&self, stage: DerivedStage) -> Result<Option<StageMark>>;
    /// Every entity redirect: (old id, id it was merged into).
    fn entity_redirects(&self) -> Result<Vec<(i64, i64)>>;
    /// Events by id.
    fn events(&self, f: &mut dyn FnMut(EventRecord) -> bool) -> Result<()>;
    /// Every article's term vector, in article id order.
    fn article_vectors(&self, f: &mut dyn FnMut(i64, Vec<(String, f32)>)) -> Result<()>;
    /// Replaces the full-text index rows of articles (an article indexed
    /// again loses its old terms) and records the index version, in one
    /// transaction.
    fn replace_search_index(&mut self, items: &[(i64, SearchTerms)], version: i64) -> Result<()>;
    /// When some article is indexed with a version below `version`, empties
    /// the full-text index and marks every article unindexed (one
    /// transaction), and returns true: indexing everything again into an
    /// empty index is several times faster than replacing each row. The
    /// index is empty to readers until the articles are indexed again.
    fn drop_search_index_below(&mut self, version: i64) -> Result<bool>;
    /// Article ids matching `m` over the index columns (`title`, `body`,
    /// `title_extra`, `body_extra`), best first (title above body, the
    /// extra columns below their field; SQLite ranks by bm25, PostgreSQL by
    /// `ts_rank`), with their score (higher is better; comparable only
    /// within one backend), after skipping `offset`.
    fn search(&self, m: &SearchMatch, limit: usize, offset: usize) -> Result<Vec<(i64, f64)>>;
    /// How many articles match `m`, counting at most `cap`.
    fn search_count(&self, m: &SearchMatch, cap: usize) -> Result<usize>;
    /// The texts of an article that a search result shows.
    fn article_text(&self, id: i64) -> Result<Option<ArticleText>>;

    // The work queue (`rasd enqueue`, `rasd worker`): inputs stored once,
    // claimed by any number of workers. Times are the database's clock.
    /// Adds an input to the queue; false when an input with these bytes
    /// is queued already (in any state).
    fn enqueue(&mut self, name: &str, sha256: &str, size: u64, raw_deflated: &[u8])
        -> Result<bool>;
    /// Claims up to `max` inputs for `worker`, oldest first: pending ones
    /// whose retry time has come, and running ones whose lease ran out (a
    /// worker that died). Each claim counts an attempt and holds a lease of
    /// `lease_secs`. An input whose lease ran out `max_attempts` times is
    /// quarantined instead of claimed. Concurrent claims never take the
    /// same input.
    fn claim_work(
        &mut self,
        worker: &str,
        max: usize,
        lease_secs: u64,
        max_attempts: u32,
    ) -> Result<Vec<WorkItem>>;
    /// Marks claimed inputs done (their bytes are in `inputs` now), with
    /// the highest article id stored when they were (see
    /// [`Store::work_place`]).
    fn finish_work(&mut self, ids: &[i64]) -> Result<()>;
    /// Records a failed attempt: the input waits `retry_secs` before it can
    /// be claimed again, or is quarantined with the reason once it has had
    /// `max_attempts`; true when quarantined.
    fn fail_work(
        &mut self,
        id: i64,
        reason: &str,
        retry_secs: u64,
        max_attempts: u32,
    ) -> Result<bool>;
    fn queue_counts(&self) -> Result<QueueCounts>;
    /// Whether it is the turn of input `id` to be written: every input
    /// queued before it is done, quarantined, failed and waiting for a
    /// retry, or held by a worker whose lease ran out (a dead worker's
    /// input is written when it is taken over, out of turn). Workers write in queue order, so that articles are numbered
    /// as one `rasd ingest` of the same inputs numbers them, whatever the
    /// number of workers.
    fn work_turn(&self, id: i64) -> Result<bool>;
    /// Whether the queue has passed queue id `place`: an input at or after
    /// it is queued and every input up to it is done, quarantined, or failed
    /// and waiting for a retry. Then the highest article id stored when
    /// the last of those that are done was (0 when none is): the articles
    /// of the inputs up to `place`, since inputs are written in queue order.
    fn work_place(&self, place: i64) -> Result<Option<i64>>;
    /// The queue id through which the stages that read across articles have
    /// run for the workers (0 before any run).
    fn work_derived(&self) -> Result<i64>;
    /// Records that the stages have run through queue id `id` (the mark
    /// never goes back).
    fn set_work_derived(&mut self, id: i64) -> Result<()>;
    /// Takes the lock that keeps the stages reading across articles
    /// (knowledge base, near-duplicates, events, stories, search) apart
    /// from one another, and writers of articles from runs of the stages
    /// over every article, between processes: [`DerivedLock::Stages`]
    /// alone, [`DerivedLock::Write`] shared by any number of writers and
    /// apart from [`DerivedLock::Quiet`]. Waits for it when `wait`, else returns false when
    /// it is taken. Held until [`Store::unlock_derived`] or the connection
    /// ends (a killed process releases it).
    fn lock_derived(&mut self, lock: DerivedLock, wait: bool) -> Result<bool>;
    fn unlock_derived(&mut self, lock: DerivedLock) -> Result<()>;

    // Live feed sources (`rasd feeds`, polled by rasd-feeds).
    /// Adds a feed, first due at `now`; a URL already stored is returned
    /// unchanged, with `false`.
    fn add_feed(
        &mut self,
        url: &str,
        interval_secs: u64,
        now: jiff::Timestamp,
    ) -> Result<(FeedRecord, bool)>;
    /// Every feed, by id.
    fn feeds(&self) -> Result<Vec<FeedRecord>>;
    /// Removes a feed and its seen items; false when no feed has this id.
    fn remove_feed(&mut self, id: i64) -> Result<bool>;
    /// Records a poll's outcome. The validators (`etag`, `last_modified`)
    /// are replaced only by a poll with status `Ok`; the title only when
    /// given.
    fn record_feed_poll(&mut self, id: i64, poll: &FeedPoll) -> Result<()>;
    /// The items seen in a feed, oldest first.
    fn feed_items(&self, feed: i64) -> Result<Vec<FeedItem>>;
    /// Inserts or updates (by feed and key) a seen item.
    fn put_feed_item(&mut self, item: &FeedItem) -> Result<()>;
}

/// Deflate-compresses raw input bytes for storage (fast level: ingest speed
/// matters more than the last few percent of size).
pub fn compress(raw: &[u8]) -> Vec<u8> {
    use flate2::write::DeflateEncoder;
    use std::io::Write;
    let mut enc = DeflateEncoder::new(
        Vec::with_capacity(raw.len() / 3),
        flate2::Compression::fast(),
    );
    enc.write_all(raw).expect("writing to a Vec cannot fail");
    enc.finish().expect("writing to a Vec cannot fail")
}

pub fn decompress(data: &[u8]) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::DeflateDecoder::new(data).read_to_end(&mut out)?;
    Ok(out)
}

/// Where an article came from: the input's path and the article's position.
#[derive(Debug, Serialize)]
struct InputRef<'a> {
    path: &'a str,
    index: u32,
    record: Option<u32>,
}

/// The JSON contract of an article (`rasd articles --json`, the HTTP API).
#[derive(Debug, Serialize)]
struct ArticleJson<'a> {
    id: i64,
    kind: &'static str,
    input: InputRef<'a>,
    source_label: &'a Option<String>,
    publisher: &'a Option<String>,
    original_source: &'a Option<String>,
    url: &'a Option<String>,
    title: &'a Option<String>,
    published: Option<String>,
    crawled: Option<String>,
    author: &'a Option<String>,
    encoding: &'a str,
    format: &'a str,
    body: &'a str,
    summary: &'a Option<String>,
    caption: &'a Option<String>,
    tags: &'a [String],
    related: &'a [String],
    links: &'a [String],
    appended_to: Option<i64>,
    exact_duplicate_of: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    regions: Option<&'a [rasd_doc::Region]>,
}

impl StoredArticle {
    /// The article as its JSON contract; `regions` adds the typed regions of
    /// the source text.
    pub fn to_json(&self, regions: bool) -> serde_json::Value {
        let a = &self.article;
        let v = ArticleJson {
            id: self.id,
            kind: a.kind.as_str(),
            input: InputRef {
                path: &self.input_path,
                index: a.index,
                record: a.record,
            },
            source_label: &a.source_label,
            publisher: &a.publisher,
            original_source: &a.original_source,
            url: &a.url,
            title: &a.title,
            published: a.published.map(|d| d.to_string()),
            crawled: a.crawled.map(|d| d.to_string()),
            author: &a.author,
            encoding: &self.encoding,
            format: &self.format,
            body: &a.body,
            summary: &a.summary,
            caption: &a.caption,
            tags: &a.tags,
            related: &a.related,
            links: &a.links,
            appended_to: self.appended_to,
            exact_duplicate_of: self.exact_duplicate_of,
            regions: regions.then_some(&a.regions[..]),
        };
        serde_json::to_value(v).expect("plain data serialises")
    }
}
