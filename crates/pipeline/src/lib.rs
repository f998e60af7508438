//! Runs rasd's stages: ingest from paths to the store, and annotation of
//! texts and stored articles (sentences, tokens, time expressions).
//!
//! Inputs are processed in windows: the bytes of a window are read and hashed,
//! inputs the store already holds completely are skipped, the rest are parsed
//! and compressed in parallel (rayon), and then written one input per
//! transaction, in input order, so that article ids are deterministic.

pub mod annotate;
pub mod dedup;
pub mod entities;
pub mod events;
pub mod export;
pub mod stories;
pub mod watch;
pub mod work;

use rasd_doc::TimeMention;
use rasd_ingest::source::{self, Leaf};
use rasd_ingest::{parse_document, InputError, Options, Parsed};
use rasd_store::{InputBatch, Stage, Store, StoreError};
use rayon::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::path::PathBuf;
use std::time::Instant;

/// Default limit on the size of one input (a file or an archive member).
pub const DEFAULT_MAX_FILE_SIZE: u64 = 50 * 1024 * 1024;

#[derive(Debug, Clone)]
pub struct IngestOptions {
    pub max_file_size: u64,
    pub parse: Options,
    /// How bare weekdays, months and holidays resolve in time annotations.
    pub prefer: rasd_time::Prefer,
    /// Find entities at ingest (else they wait for `process`).
    pub entities: bool,
    /// Inputs per window: bounds memory, keeps the cores busy.
    pub window: usize,
    /// Bring the knowledge base, near-duplicates, events and stories up to
    /// date after adding articles (else the caller runs [`derive`] later).
    pub derive: bool,
}

impl Default for IngestOptions {
    fn default() -> Self {
        IngestOptions {
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            parse: Options::default(),
            prefer: rasd_time::Prefer::Past,
            entities: true,
            // Two inputs per thread: enough to keep the cores busy, small
            // enough that writes start early and memory stays bounded.
            window: 2 * rayon::current_num_threads(),
            derive: true,
        }
    }
}

/// One input that failed, wholly or in part.
#[derive(Debug, Clone, Serialize)]
pub struct InputFailure {
    pub path: String,
    pub reason: String,
}

/// What an ingest run did. Every record read is accounted for:
/// `records = articles_from_records + already_stored_records + rejected`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    /// Input documents found (files, archive members, stdin).
    pub inputs: u64,
    /// Inputs that were read and parsed now.
    pub inputs_new: u64,
    /// Inputs skipped because the store already holds them completely.
    pub inputs_unchanged: u64,
    /// Inputs that failed as a whole.
    pub inputs_failed: u64,
    pub bytes: u64,
    /// Records read: one per page, one per JSON record or line.
    pub records: u64,
    /// Records that yielded a new article.
    pub records_new: u64,
    /// Records whose article was already stored.
    pub records_already_stored: u64,
    /// Records not ingested (empty content, not an object, bad JSON line).
    pub records_rejected: u64,
    /// New articles, pages and appended items together.
    pub articles_new: u64,
    /// New articles split off pages ("read also" appendages).
    pub appended_split: u64,
    /// New articles that continue an over-long article (split into parts).
    pub article_parts: u64,
    /// New articles whose body equals an earlier article's (kept, marked).
    pub exact_duplicates: u64,
    /// Articles not stored again because their key was already stored.
    pub duplicates_skipped: u64,
    pub errors: Vec<InputFailure>,
    /// What was done to inputs that their user should know of (an
    /// over-long article split), nothing of them lost.
    pub warnings: Vec<InputFailure>,
    /// The knowledge base after this run (rebuilt when articles were added).
    pub knowledge_base: Option<entities::KbSummary>,
    /// Near-duplicate checks of the new articles.
    pub duplicates: Option<dedup::DedupSummary>,
    /// The events after this run (rebuilt when articles were added).
    pub events: Option<events::EventSummary>,
    /// The stories after this run (rebuilt when articles were added).
    pub stories: Option<stories::StorySummary>,
    /// Full-text indexing of the new articles.
    pub search: Option<rasd_search::IndexSummary>,
    pub seconds: f64,
}

impl Summary {
    /// Exit status convention: 2 when inputs were given and none could be
    /// ingested, else 0.
    pub fn all_failed(&self) -> bool {
        self.inputs_new + self.inputs_unchanged == 0
            || (self.inputs_failed > 0 && self.inputs_failed == self.inputs)
    }
}

/// Progress reporting (a progress bar in the CLI).
pub trait Progress: Sync {
    fn start(&self, _inputs: u64, _bytes: u64) {}
    fn advance(&self, _bytes: u64, _current: &str) {}
    fn finish(&self) {}
}

/// No progress output.
pub struct Silent;
impl Progress for Silent {}

fn sha256_hex(b: &[u8]) -> String {
    Sha256::digest(b)
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect()
}

enum Work {
    Failed(InputError),
    Parsed {
        sha: String,
        size: u64,
        raw_deflated: Vec<u8>,
        parsed: Parsed,
    },
    Known {
        size: u64,
    },
}

/// Body bytes annotated before a write: the first batch of a run is small,
/// so that its articles are durable within seconds; later ones are larger.
const FIRST_BATCH_BYTES: usize = 256 * 1024;
const BATCH_BYTES: usize = 2 * 1024 * 1024;
/// Bytes of input read at once (a window holds at least one input).
const WINDOW_BYTES: u64 = 16 * 1024 * 1024;

/// Where an input's articles have been written up to, and what its writes
/// did.
#[derive(Default)]
struct Written {
    /// The ids of the input's articles written so far (parents of later
    /// ones).
    ids: Vec<Option<i64>>,
    /// Input bytes reported to the progress display so far.
    bytes_reported: u64,
    out: rasd_store::WriteOutcome,
}

/// Time expressions and (with `entities`) entities of each article, in
/// parallel.
fn annotate_articles(
    articles: &[&rasd_doc::Article],
    opts: &IngestOptions,
) -> (Vec<Vec<TimeMention>>, Vec<rasd_store::ArticleEntities>) {
    let timexes = articles
        .par_iter()
        .map(|a| annotate::time_mentions(a, opts.prefer))
        .collect();
    let found = if opts.entities {
        articles
            .par_iter()
            .map(|a| entities::article_entities(a))
            .collect()
    } else {
        Vec::new()
    };
    (timexes, found)
}

/// Reads the bytes of a window of leaves; consecutive members of one archive
/// are read with the archive opened once.
fn read_window(leaves: &[Leaf], limit: u64) -> Vec<Result<Vec<u8>, InputError>> {
    let mut out = Vec::with_capacity(leaves.len());
    let mut i = 0;
    while i < leaves.len() {
        let mut j = i + 1;
        if leaves[i].archive.is_some() {
            while j < leaves.len() && leaves[j].archive == leaves[i].archive {
                j += 1;
            }
        }
        out.extend(source::read_members(&leaves[i..j], limit));
        i = j;
    }
    out
}

/// Ingests everything under `paths` into `store`.
pub fn ingest(
    store: &mut dyn Store,
    paths: &[PathBuf],
    opts: &IngestOptions,
    progress: &dyn Progress,
) -> Result<Summary, StoreError> {
    let (leaves, list_errors) = source::list(paths, opts.max_file_size);
    let read = |w: &[Leaf]| read_window(w, opts.max_file_size);
    let hooks = Hooks {
        amend: &|_, _| {},
        before_write: &|_| Ok(()),
        stream: true,
    };
    ingest_leaves(store, leaves, list_errors, &read, opts, progress, &hooks)
}

/// Ingests documents given in memory, each with the name it is stored under
/// (its extension tells the format, as for files): the HTTP API's uploads.
pub fn ingest_documents(
    store: &mut dyn Store,
    docs: Vec<(String, Vec<u8>)>,
    opts: &IngestOptions,
    progress: &dyn Progress,
) -> Result<Summary, StoreError> {
    ingest_documents_amended(store, docs, opts, progress, &|_, _| {})
}

/// Changes a caller makes to a parsed document, by its name, before it is
/// annotated and stored: a feed fills in what its item knows and the page
/// does not say (the publication date, the page's URL).
pub type Amend<'a> = dyn Fn(&str, &mut Parsed) + Sync + 'a;

/// Called before each window of inputs is written, when they are parsed
/// and annotated: a worker waits there for its turn to write.
pub type BeforeWrite<'a> = dyn Fn(&mut dyn Store) -> Result<(), StoreError> + 'a;

/// What a caller adds to an ingest run.
struct Hooks<'a> {
    amend: &'a Amend<'a>,
    before_write: &'a BeforeWrite<'a>,
    /// Write each batch of annotated articles as it is ready (else the
    /// whole window is annotated first, and `before_write` called once).
    stream: bool,
}

/// [`ingest_documents`], with `amend` applied to each parsed document.
pub fn ingest_documents_amended(
    store: &mut dyn Store,
    docs: Vec<(String, Vec<u8>)>,
    opts: &IngestOptions,
    progress: &dyn Progress,
    amend: &Amend,
) -> Result<Summary, StoreError> {
    let hooks = Hooks {
        amend,
        before_write: &|_| Ok(()),
        stream: true,
    };
    ingest_documents_hooked(store, docs, opts, progress, &hooks)
}

/// [`ingest_documents`], with `before_write` called before the parsed
/// documents are written.
pub fn ingest_documents_in_turn(
    store: &mut dyn Store,
    docs: Vec<(String, Vec<u8>)>,
    opts: &IngestOptions,
    progress: &dyn Progress,
    before_write: &BeforeWrite,
) -> Result<Summary, StoreError> {
    let hooks = Hooks {
        amend: &|_, _| {},
        before_write,
        stream: false,
    };
    ingest_documents_hooked(store, docs, opts, progress, &hooks)
}

fn ingest_documents_hooked(
    store: &mut dyn Store,
    docs: Vec<(String, Vec<u8>)>,
    opts: &IngestOptions,
    progress: &dyn Progress,
    hooks: &Hooks,
) -> Result<Summary, StoreError> {
    let leaves: Vec<Leaf> = docs
        .iter()
        .map(|(name, bytes)| Leaf {
            path: name.clone(),
            origin: source::Origin::Stdin,
            archive: None,
            size: Some(bytes.len() as u64),
        })
        .collect();
    let by_name: std::collections::HashMap<&str, &[u8]> = docs
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    let limit = opts.max_file_size;
    let read = |w: &[Leaf]| -> Vec<Result<Vec<u8>, InputError>> {
        w.iter()
            .map(|l| {
                let b = by_name[l.path.as_str()];
                if b.len() as u64 > limit {
                    Err(InputError::TooLarge {
                        size: b.len() as u64,
                        limit,
                    })
                } else {
                    Ok(b.to_vec())
                }
            })
            .collect()
    };
    ingest_leaves(store, leaves, Vec::new(), &read, opts, progress, hooks)
}

type ReadWindow<'a> = dyn Fn(&[Leaf]) -> Vec<Result<Vec<u8>, InputError>> + 'a;

fn ingest_leaves(
    store: &mut dyn Store,
    leaves: Vec<Leaf>,
    list_errors: Vec<source::ListError>,
    read: &ReadWindow,
    opts: &IngestOptions,
    progress: &dyn Progress,
    hooks: &Hooks,
) -> Result<Summary, StoreError> {
    let t0 = Instant::now();
    let mut sum = Summary::default();
    for e in list_errors {
        sum.inputs += 1;
        sum.inputs_failed += 1;
        sum.errors.push(InputFailure {
            path: e.path,
            reason: e.error.to_string(),
        });
    }
    // Inputs that failed whole are kept for `rasd problems`.
    let listed: Vec<(String, String)> = sum
        .errors
        .iter()
        .map(|e| (e.path.clone(), e.reason.clone()))
        .collect();
    store.note_input_failures(&listed, &[])?;
    let total_bytes: u64 = leaves.iter().filter_map(|l| l.size).sum();
    progress.start(leaves.len() as u64, total_bytes);
    let mut rest = &leaves[..];
    while !rest.is_empty() {
        // A window: at most `opts.window` inputs and, beyond its first,
        // at most WINDOW_BYTES of them.
        let mut n = 1;
        let mut bytes = rest[0].size.unwrap_or(0);
        while n < rest.len().min(opts.window.max(1)) {
            bytes += rest[n].size.unwrap_or(0);
            if bytes > WINDOW_BYTES {
                break;
            }
            n += 1;
        }
        let (window, after) = rest.split_at(n);
        rest = after;
        ingest_window(store, window, read, opts, progress, hooks, &mut sum)?;
    }
    // A run killed after storing its articles, before the stages that read
    // across them (or a worker's), left them behind: this run finishes them.
    let behind = sum.articles_new == 0 && opts.derive && stages_behind(store, opts.entities)?;
    if behind {
        tracing::info!(
            "the stages that read across articles are behind the stored articles: catching up"
        );
    }
    if sum.articles_new > 0 || behind {
        sum.search = Some(update_search_index(store, false, &Silent)?);
        if opts.derive {
            let d = derive(store, opts.entities)?;
            sum.knowledge_base = d.knowledge_base;
            sum.duplicates = Some(d.duplicates);
            sum.events = d.events;
            sum.stories = Some(d.stories);
        }
    }
    progress.finish();
    sum.seconds = t0.elapsed().as_secs_f64();
    Ok(sum)
}

/// Reads, parses, annotates and writes one window of inputs. Articles are
/// annotated in batches of about [`BATCH_BYTES`] of text (across inputs, in
/// parallel) and each batch written before the next is annotated, an input
/// in as many transactions as it spans batches (it is complete with the
/// last), so that memory stays bounded whatever the size of an input and
/// the first articles are durable early. With `hooks.stream` off (a worker
/// that waits for its turn to write), the whole window is annotated first.
fn ingest_window(
    store: &mut dyn Store,
    window: &[Leaf],
    read: &ReadWindow,
    opts: &IngestOptions,
    progress: &dyn Progress,
    hooks: &Hooks,
    sum: &mut Summary,
) -> Result<(), StoreError> {
    let raws = read(window);
    let hashed: Vec<Result<(String, Vec<u8>), InputError>> = raws
        .into_par_iter()
        .map(|r| r.map(|b| (sha256_hex(&b), b)))
        .collect();
    // Which inputs are already complete in the store.
    let mut known = Vec::with_capacity(hashed.len());
    for h in &hashed {
        known.push(match h {
            Ok((sha, _)) => store.input_status(sha)?,
            Err(_) => None,
        });
    }
    let work: Vec<Work> = hashed
        .into_par_iter()
        .zip(window.par_iter())
        .zip(known.par_iter())
        .map(|((h, leaf), status)| match h {
            Err(e) => Work::Failed(e),
            Ok((_, bytes)) if status.as_ref().is_some_and(|s| s.complete) => Work::Known {
                size: bytes.len() as u64,
            },
            Ok((sha, bytes)) => match parse_document(&bytes, &leaf.path, &opts.parse) {
                Ok(mut parsed) => {
                    (hooks.amend)(&leaf.path, &mut parsed);
                    Work::Parsed {
                        sha,
                        size: bytes.len() as u64,
                        raw_deflated: rasd_store::compress(&bytes),
                        parsed,
                    }
                }
                Err(e) => Work::Failed(e),
            },
        })
        .collect();

    let mut written: Vec<Written> = work.iter().map(|_| Written::default()).collect();
    for (k, batch) in plan_batches(&work, hooks.stream).iter().enumerate() {
        write_batch(
            store,
            window,
            &work,
            batch,
            &mut written,
            opts,
            progress,
            hooks,
            k == 0,
        )?;
    }

    let (mut failed, mut read_ok): (Vec<(String, String)>, Vec<String>) = (vec![], vec![]);
    for (((w, leaf), status), done) in work.into_iter().zip(window).zip(known).zip(written) {
        sum.inputs += 1;
        if !matches!(w, Work::Failed(_)) {
            read_ok.push(leaf.path.clone());
        }
        match w {
            Work::Failed(e) => {
                tracing::debug!(path = %leaf.path, error = %e, "input failed");
                sum.inputs_failed += 1;
                failed.push((leaf.path.clone(), e.to_string()));
                sum.errors.push(InputFailure {
                    path: leaf.path.clone(),
                    reason: e.to_string(),
                });
                progress.advance(leaf.size.unwrap_or(0), &leaf.path);
            }
            Work::Known { size } => {
                let s = status.expect("known inputs have a status");
                sum.inputs_unchanged += 1;
                sum.bytes += size;
                sum.records += s.records as u64;
                sum.records_rejected += s.rejects as u64;
                sum.records_already_stored += (s.records - s.rejects.min(s.records)) as u64;
                sum.duplicates_skipped += s.articles as u64;
                if let Some(reason) = s.error {
                    sum.errors.push(InputFailure {
                        path: leaf.path.clone(),
                        reason,
                    });
                }
                progress.advance(size, &leaf.path);
            }
            Work::Parsed { size, parsed, .. } => {
                let out = done.out;
                sum.inputs_new += 1;
                sum.bytes += size;
                sum.records += parsed.records as u64;
                sum.records_rejected += parsed.rejects.len() as u64;
                // Each accepted record yields one page; the record is new if
                // its page is.
                let pages = parsed
                    .articles
                    .iter()
                    .filter(|a| a.parent.is_none())
                    .count() as u64;
                let new_pages = (out.new_articles - out.appended - out.parts) as u64;
                sum.records_new += new_pages;
                sum.records_already_stored += pages - new_pages;
                sum.articles_new += out.new_articles as u64;
                sum.appended_split += out.appended as u64;
                sum.article_parts += out.parts as u64;
                sum.exact_duplicates += out.exact_duplicates as u64;
                sum.duplicates_skipped += out.already_stored as u64;
                if let Some(e) = &parsed.error {
                    sum.errors.push(InputFailure {
                        path: leaf.path.clone(),
                        reason: e.to_string(),
                    });
                }
                for w in &parsed.warnings {
                    sum.warnings.push(InputFailure {
                        path: leaf.path.clone(),
                        reason: match w.record {
                            Some(r) => format!("record {r}: {}", w.reason),
                            None => w.reason.clone(),
                        },
                    });
                }
                progress.advance(size - done.bytes_reported.min(size), &leaf.path);
            }
        }
    }
    store.note_input_failures(&failed, &read_ok)?;
    Ok(())
}

/// Input and range of its articles, for each input a batch holds.
type Batch = Vec<(usize, std::ops::Range<usize>)>;

/// The batches of the parsed inputs of `work`: runs of articles, in order,
/// of about [`BATCH_BYTES`] of text ([`FIRST_BATCH_BYTES`] for the first)
/// when `stream`, else one.
/// There is always at least one batch (perhaps empty).
fn plan_batches(work: &[Work], stream: bool) -> Vec<Batch> {
    let mut batches = vec![Batch::new()];
    let mut bytes = 0usize;
    let mut budget = if stream {
        FIRST_BATCH_BYTES
    } else {
        usize::MAX
    };
    for (wi, w) in work.iter().enumerate() {
        let Work::Parsed { parsed, .. } = w else {
            continue;
        };
        if parsed.articles.is_empty() {
            // Nothing to annotate: the input is still written (its rejects,
            // its error).
            batches.last_mut().expect("one batch").push((wi, 0..0));
        }
        for (ai, a) in parsed.articles.iter().enumerate() {
            if bytes >= budget {
                batches.push(Batch::new());
                bytes = 0;
                budget = BATCH_BYTES;
            }
            bytes += a.body.len();
            let batch = batches.last_mut().expect("one batch");
            match batch.last_mut() {
                Some((i, r)) if *i == wi => r.end = ai + 1,
                _ => batch.push((wi, ai..ai + 1)),
            }
        }
    }
    batches
}

/// Annotates the articles of `batch` (input, range of its articles) and
/// writes each input's range, in order.
#[allow(clippy::too_many_arguments)]
fn write_batch(
    store: &mut dyn Store,
    window: &[Leaf],
    work: &[Work],
    batch: &[(usize, std::ops::Range<usize>)],
    written: &mut [Written],
    opts: &IngestOptions,
    progress: &dyn Progress,
    hooks: &Hooks,
    first_write: bool,
) -> Result<(), StoreError> {
    let articles: Vec<&rasd_doc::Article> = batch
        .iter()
        .flat_map(|(wi, r)| match &work[*wi] {
            Work::Parsed { parsed, .. } => &parsed.articles[r.clone()],
            _ => &[],
        })
        .collect();
    let (timexes, found) = annotate_articles(&articles, opts);
    if first_write || hooks.stream {
        (hooks.before_write)(store)?;
    }
    let mut at = 0;
    for (wi, r) in batch {
        let Work::Parsed {
            sha,
            size,
            raw_deflated,
            parsed,
        } = &work[*wi]
        else {
            continue;
        };
        let leaf = &window[*wi];
        // Rejects and warnings go with the input's first batch.
        type Notes = (Vec<(u32, String)>, Vec<(Option<u32>, String)>);
        let (rejects, warnings): Notes = if r.start == 0 {
            (
                parsed
                    .rejects
                    .iter()
                    .map(|r| (r.record, r.reason.clone()))
                    .collect(),
                parsed
                    .warnings
                    .iter()
                    .map(|w| (w.record, w.reason.clone()))
                    .collect(),
            )
        } else {
            Notes::default()
        };
        let error = parsed.error.as_ref().map(|e| e.to_string());
        let n = r.len();
        let more_to_come = r.end < parsed.articles.len();
        tracing::info!(stage = "write", path = %leaf.path, articles = n, "stage starts");
        let out = store.write_input(&InputBatch {
            path: &leaf.path,
            archive: leaf.archive.as_deref(),
            sha256: sha,
            size: *size,
            format: parsed.format.as_str(),
            encoding: &parsed.encoding,
            raw_deflated,
            records: parsed.records,
            articles: &parsed.articles[r.clone()],
            rejects: &rejects,
            error: error.as_deref(),
            timexes: &timexes[at..at + n],
            time_version: annotate::TIME_VERSION,
            entities: if opts.entities {
                &found[at..at + n]
            } else {
                &[]
            },
            entity_version: entities::ENTITY_VERSION,
            warnings: &warnings,
            first: r.start as u32,
            earlier: &written[*wi].ids,
            more_to_come,
        })?;
        at += n;
        let w = &mut written[*wi];
        w.ids.extend(out.ids);
        w.out.new_articles += out.new_articles;
        w.out.appended += out.appended;
        w.out.parts += out.parts;
        w.out.already_stored += out.already_stored;
        w.out.exact_duplicates += out.exact_duplicates;
        if more_to_come {
            // The share of the input's text written so far.
            let total: usize = parsed.articles.iter().map(|a| a.body.len()).sum();
            let done: usize = parsed.articles[..r.end].iter().map(|a| a.body.len()).sum();
            let due = (*size as f64 * done as f64 / total.max(1) as f64) as u64;
            let step = due.saturating_sub(w.bytes_reported);
            w.bytes_reported += step;
            progress.advance(step, &leaf.path);
        }
    }
    Ok(())
}

/// Whether some stored article has not been through the search index or
/// the stages that read across articles (events, with `entities`, and
/// stories run last and record the last article they read; the knowledge
/// base and near-duplicates run before them). Of the kept states only the
/// stories' is read.
pub fn stages_behind(store: &dyn Store, entities: bool) -> Result<bool, StoreError> {
    let last = store.last_article_id()?;
    if last == 0 {
        return Ok(false);
    }
    let mark = |stage| -> Result<i64, StoreError> {
        Ok(store.stage_mark(stage)?.map_or(0, |m| m.last_article))
    };
    Ok(!store
        .articles_needing(Stage::Search, rasd_search::SEARCH_VERSION, 0, 1)?
        .is_empty()
        || !store
            .articles_needing(Stage::Dedup, dedup::DEDUP_VERSION, 0, 1)?
            .is_empty()
        || (entities && mark(rasd_store::DerivedStage::Events)? < last)
        || store.story_state()?.map_or(0, |s| s.last_article) < last)
}

/// What the stages that read across articles did.
#[derive(Debug, Clone, Serialize)]
pub struct Derived {
    pub knowledge_base: Option<entities::KbSummary>,
    pub duplicates: dedup::DedupSummary,
    pub events: Option<events::EventSummary>,
    pub stories: stories::StorySummary,
    pub seconds: f64,
}

/// Brings the stages that read across articles up to date with the stored
/// articles: the knowledge base (with `entities`), near-duplicates of the
/// articles not yet checked, events (with `entities`) and stories. Ingest
/// runs it after adding articles; the HTTP server runs it in the background
/// after an upload.
pub fn derive(store: &mut dyn Store, entities: bool) -> Result<Derived, StoreError> {
    derive_upto(store, entities, i64::MAX)
}

/// The search index and the stages that read across articles brought up
/// to date with the stored articles ([`derive`] after the search index):
/// what a run killed after storing articles left undone. The HTTP server
/// runs it at its start when [`stages_behind`] says so, and after uploads.
pub fn catch_up(store: &mut dyn Store, entities: bool) -> Result<Derived, StoreError> {
    update_search_index(store, false, &Silent)?;
    derive(store, entities)
}

/// [`derive`] with the articles whose ids are up to `upto` only: the later
/// ones are left for a later run, so the stages see the same articles while
/// other processes go on writing (workers run them at fixed places of the
/// work queue).
pub fn derive_upto(
    store: &mut dyn Store,
    entities: bool,
    upto: i64,
) -> Result<Derived, StoreError> {
    let t0 = Instant::now();
    let knowledge_base = if entities {
        tracing::info!(stage = "knowledge_base", upto, "stage starts");
        Some(entities::update_knowledge_base_upto(store, upto)?)
    } else {
        None
    };
    tracing::info!(stage = "duplicates", upto, "stage starts");
    let duplicates = dedup::update_duplicates_upto(store, false, upto)?;
    let events = if entities {
        tracing::info!(stage = "events", upto, "stage starts");
        let (renamed, recountried) = knowledge_base
            .as_ref()
            .map(|k| (k.renamed.as_slice(), k.recountried.as_slice()))
            .unwrap_or_default();
        Some(events::update_events(store, renamed, recountried, upto)?)
    } else {
        None
    };
    tracing::info!(stage = "stories", upto, "stage starts");
    let stories = stories::update_stories_upto(store, upto)?;
    Ok(Derived {
        knowledge_base,
        duplicates,
        events,
        stories,
        seconds: t0.elapsed().as_secs_f64(),
    })
}

/// Rebuilds the stages that read across articles from every stored article:
/// the knowledge base (ids numbered anew, redirects dropped), near-duplicates
/// of articles not yet checked, events and stories. Ingest only updates them;
/// this is the periodic global pass (`rasd rebuild`).
pub fn rebuild(store: &mut dyn Store) -> Result<Derived, StoreError> {
    let t0 = Instant::now();
    let knowledge_base = Some(entities::rebuild_knowledge_base(store)?);
    let duplicates = dedup::update_duplicates(store, false)?;
    let events = Some(events::rebuild_events(store)?);
    let stories = stories::rebuild_stories(store)?;
    Ok(Derived {
        knowledge_base,
        duplicates,
        events,
        stories,
        seconds: t0.elapsed().as_secs_f64(),
    })
}

/// Runs one annotation stage over the stored articles that need it, in
/// chunks of 2,000 (annotated in parallel, written in one transaction each).
/// Returns the number of articles and the sum of `count` over their results.
#[allow(clippy::too_many_arguments)]
fn run_stage<T: Send>(
    store: &mut dyn Store,
    stage: Stage,
    version: i64,
    force: bool,
    progress: &dyn Progress,
    annotate: impl Fn(&rasd_doc::Article) -> T + Sync,
    mut write: impl FnMut(&mut dyn Store, &[(i64, T)]) -> Result<(), StoreError>,
    count: impl Fn(&T) -> usize,
) -> Result<(u64, u64), StoreError> {
    let below = if force { i64::MAX } else { version };
    let (mut articles_done, mut total) = (0u64, 0u64);
    let mut after = 0;
    loop {
        let ids = store.articles_needing(stage, below, after, 2000)?;
        let Some(&last) = ids.last() else { break };
        after = last;
        let articles = store.articles_of(&ids)?;
        let items: Vec<(i64, T)> = articles
            .par_iter()
            .map(|a| (a.id, annotate(&a.article)))
            .collect();
        articles_done += items.len() as u64;
        total += items.iter().map(|(_, t)| count(t) as u64).sum::<u64>();
        write(store, &items)?;
        progress.advance(items.len() as u64, "");
    }
    Ok((articles_done, total))
}

/// Indexes for full-text search the articles whose index is missing or
/// older than [`rasd_search::SEARCH_VERSION`] (all of them with `force`).
/// An outdated index is dropped whole first: rebuilding it is faster.
fn update_search_index(
    store: &mut dyn Store,
    force: bool,
    progress: &dyn Progress,
) -> Result<rasd_search::IndexSummary, StoreError> {
    let t0 = Instant::now();
    tracing::info!(stage = "search", "stage starts");
    let v = rasd_search::SEARCH_VERSION;
    store.drop_search_index_below(if force { i64::MAX } else { v })?;
    let (articles, words) = run_stage(
        store,
        Stage::Search,
        v,
        false,
        progress,
        rasd_search::article_terms,
        |s, items| s.replace_search_index(items, v),
        rasd_search::indexed_words,
    )?;
    Ok(rasd_search::IndexSummary {
        articles,
        words,
        seconds: t0.elapsed().as_secs_f64(),
    })
}

/// What a `process` run did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ProcessSummary {
    /// Articles whose time expressions were (re)annotated.
    pub articles: u64,
    pub timexes: u64,
    /// Articles whose entities were (re)annotated.
    pub entity_articles: u64,
    pub mentions: u64,
    pub knowledge_base: Option<entities::KbSummary>,
    pub duplicates: Option<dedup::DedupSummary>,
    pub events: Option<events::EventSummary>,
    pub stories: Option<stories::StorySummary>,
    /// Full-text indexing of the articles whose index was missing or old.
    pub search: Option<rasd_search::IndexSummary>,
    pub seconds: f64,
}

/// Annotates stored articles whose time annotations are older than the
/// current version (all of them with `force`), in chunks of one transaction.
pub fn process(
    store: &mut dyn Store,
    prefer: rasd_time::Prefer,
    force: bool,
    progress: &dyn Progress,
) -> Result<ProcessSummary, StoreError> {
    let t0 = Instant::now();
    let mut sum = ProcessSummary::default();
    let (n, t) = run_stage(
        store,
        Stage::Time,
        annotate::TIME_VERSION,
        force,
        progress,
        |a| annotate::time_mentions(a, prefer),
        |s, items| s.replace_timexes(items, annotate::TIME_VERSION),
        |t| t.len(),
    )?;
    (sum.articles, sum.timexes) = (n, t);
    let (n, m) = run_stage(
        store,
        Stage::Entities,
        entities::ENTITY_VERSION,
        force,
        progress,
        entities::article_entities,
        |s, items| s.replace_article_entities(items, entities::ENTITY_VERSION),
        |e| e.mentions.len(),
    )?;
    (sum.entity_articles, sum.mentions) = (n, m);
    // Nothing annotated again, but a killed run left stored articles
    // behind the stages: they catch up as an ingest would have run them.
    if !force && sum.articles == 0 && sum.entity_articles == 0 && stages_behind(store, true)? {
        let d = derive(store, true)?;
        sum.knowledge_base = d.knowledge_base;
        sum.duplicates = Some(d.duplicates);
        sum.events = d.events;
        sum.stories = Some(d.stories);
        sum.search = Some(update_search_index(store, false, progress)?);
        progress.finish();
        sum.seconds = t0.elapsed().as_secs_f64();
        return Ok(sum);
    }
    if force {
        sum.knowledge_base = Some(entities::rebuild_knowledge_base(store)?);
    } else if sum.entity_articles > 0 {
        // Incremental when only new articles were annotated; a full rebuild
        // when articles already in the knowledge base were annotated again.
        sum.knowledge_base = Some(entities::update_knowledge_base(store)?);
    }
    let dups = dedup::update_duplicates(store, force)?;
    // Event dates come from the time expressions, actors from the entities.
    if sum.entity_articles > 0 || sum.articles > 0 || force {
        sum.events = Some(events::rebuild_events(store)?);
    }
    if sum.entity_articles > 0 || dups.articles > 0 || force {
        sum.stories = Some(stories::rebuild_stories(store)?);
    }
    sum.duplicates = Some(dups);
    sum.search = Some(update_search_index(store, force, progress)?);
    progress.finish();
    sum.seconds = t0.elapsed().as_secs_f64();
    Ok(sum)
}
