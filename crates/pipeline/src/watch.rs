//! Live folder sources: `rasd watch DIR` and `rasd serve --watch DIR`.
//!
//! A [`Scanner`] polls a folder (recursively) and hands out the files that
//! are ready: stable (the same size and modification time on two
//! consecutive scans, or unchanged for [`Scanner::quiet`] when first seen)
//! and not yet taken at that size and time. Hidden entries and temporary or
//! partial downloads are skipped (see [`skipped`]). Only `(path, size,
//! mtime)` of the last scan is kept, never file contents.
//!
//! [`round`] runs one scan and ingests what is ready through the ordinary
//! ingest pipeline; the store skips inputs it already holds by content hash,
//! so a touched but unchanged file costs one read and a hash. Inputs that
//! fail as a whole (binary content, an empty file) are recorded in the store
//! with their error, so that `rasd problems` lists them.

use crate::{ingest, IngestOptions, InputFailure, Silent, Summary};
use rasd_store::{InputBatch, Store, StoreError};
use serde::Serialize;
use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

/// Whether a file or folder name is skipped: hidden entries, and temporary
/// or partial files (`.tmp`, `.part`, `.crdownload`, `~`).
pub fn skipped(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || [".tmp", ".part", ".crdownload"]
            .iter()
            .any(|s| name.len() > s.len() && name[name.len() - s.len()..].eq_ignore_ascii_case(s))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Seen {
    size: u64,
    mtime: Option<SystemTime>,
    /// Handed out at this size and time.
    taken: bool,
}

/// What one scan found.
#[derive(Debug, Clone, Default)]
pub struct Scan {
    /// Files under the folder that are not skipped.
    pub files: u64,
    /// Files ready to ingest now (stable, not taken before at this size and
    /// time), in path order. They count as taken from now on.
    pub ready: Vec<PathBuf>,
    /// Files new or changed since the last scan, not yet stable.
    pub pending: u64,
}

/// Polls one folder for new and changed files.
#[derive(Debug)]
pub struct Scanner {
    root: PathBuf,
    /// A file seen for the first time whose modification time is at least
    /// this old is taken at once; others wait for a second scan.
    pub quiet: Duration,
    seen: HashMap<PathBuf, Seen>,
}

impl Scanner {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Scanner {
            root: root.into(),
            quiet: Duration::from_secs(2),
            seen: HashMap::new(),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Lists the folder and compares it with the last scan. Files that went
    /// away are forgotten. An unreadable subfolder is skipped (logged); an
    /// unreadable root is an error.
    pub fn scan(&mut self) -> std::io::Result<Scan> {
        let mut found = Vec::new();
        fs::read_dir(&self.root)?;
        walk(&self.root, &mut found);
        found.sort_by(|a, b| a.0.cmp(&b.0));
        let now = SystemTime::now();
        let mut scan = Scan {
            files: found.len() as u64,
            ..Default::default()
        };
        let mut next = HashMap::with_capacity(found.len());
        for (path, size, mtime) in found {
            let prev = self.seen.get(&path).copied();
            let same = prev.is_some_and(|p| p.size == size && p.mtime == mtime);
            let taken = same && prev.is_some_and(|p| p.taken);
            let old = mtime
                .and_then(|m| now.duration_since(m).ok())
                .is_some_and(|age| age >= self.quiet);
            let ready = !taken && (same || old);
            if ready {
                scan.ready.push(path.clone());
            } else if !taken {
                scan.pending += 1;
            }
            next.insert(
                path,
                Seen {
                    size,
                    mtime,
                    taken: taken || ready,
                },
            );
        }
        self.seen = next;
        Ok(scan)
    }

    /// Hands `paths` out again at the next scan (after a failed round).
    pub fn retry(&mut self, paths: &[PathBuf]) {
        for p in paths {
            if let Some(s) = self.seen.get_mut(p) {
                s.taken = false;
            }
        }
    }
}

fn walk(dir: &Path, out: &mut Vec<(PathBuf, u64, Option<SystemTime>)>) {
    let rd = match fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) => {
            tracing::warn!(path = %dir.display(), error = %e, "cannot list folder");
            return;
        }
    };
    for entry in rd.flatten() {
        if entry.file_name().to_str().is_none_or(skipped) {
            if entry.file_name().to_str().is_none() {
                tracing::warn!(path = %entry.path().display(), "skipping a name that is not UTF-8");
            }
            continue;
        }
        let path = entry.path();
        let Ok(ft) = entry.file_type() else { continue };
        if ft.is_dir() {
            // Symbolic links to folders are not followed (no cycles).
            walk(&path, out);
        } else if let Ok(m) = fs::metadata(&path) {
            if m.is_file() {
                out.push((path, m.len(), m.modified().ok()));
            }
        }
    }
}

/// Why a round failed: the folder could not be listed, or the store
/// failed (the files taken are handed out again).
#[derive(Debug)]
pub enum WatchError {
    List(PathBuf, std::io::Error),
    Store(StoreError),
}

impl std::fmt::Display for WatchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WatchError::List(p, e) => write!(f, "cannot list {}: {e}", p.display()),
            WatchError::Store(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for WatchError {}

impl From<StoreError> for WatchError {
    fn from(e: StoreError) -> Self {
        WatchError::Store(e)
    }
}

/// What one watch round did: one line of `rasd watch`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Round {
    /// Files under the folder (not skipped).
    pub files: u64,
    /// Files taken this round (new or changed, and stable).
    pub taken: u64,
    /// Inputs read and stored now.
    pub new: u64,
    /// Inputs the store already held.
    pub unchanged: u64,
    /// Inputs that failed (recorded in the store when they could be read).
    pub failed: u64,
    /// New articles.
    pub articles: u64,
    /// Files still being written (waiting to be stable).
    pub pending: u64,
    pub seconds: f64,
    pub errors: Vec<InputFailure>,
}

/// Runs one round: scans, ingests what is ready into `store` (with
/// `opts`, so with the derived stages when `opts.derive`), and records
/// failed inputs. On a store error the files taken are handed out again at
/// the next scan.
pub fn round(
    store: &mut dyn Store,
    scanner: &mut Scanner,
    opts: &IngestOptions,
) -> Result<Round, WatchError> {
    let t0 = Instant::now();
    let scan = scanner
        .scan()
        .map_err(|e| WatchError::List(scanner.root().to_path_buf(), e))?;
    let mut r =
        ingest_ready(store, &scan.ready, opts).inspect_err(|_| scanner.retry(&scan.ready))?;
    r.files = scan.files;
    r.pending = scan.pending;
    r.seconds = t0.elapsed().as_secs_f64();
    Ok(r)
}

/// Ingests `paths` (files a [`Scanner`] handed out) and records the inputs
/// that failed as a whole.
pub fn ingest_ready(
    store: &mut dyn Store,
    paths: &[PathBuf],
    opts: &IngestOptions,
) -> Result<Round, StoreError> {
    let t0 = Instant::now();
    let mut r = Round {
        taken: paths.len() as u64,
        ..Default::default()
    };
    if paths.is_empty() {
        return Ok(r);
    }
    let sum: Summary = ingest(store, paths, opts, &Silent)?;
    for p in paths {
        let name = p.display().to_string();
        if let Some(e) = sum.errors.iter().find(|e| e.path == name) {
            record_failure(store, p, &e.reason, opts.max_file_size)?;
        }
    }
    r.new = sum.inputs_new;
    r.unchanged = sum.inputs_unchanged;
    r.failed = sum.inputs_failed;
    r.articles = sum.articles_new;
    r.errors = sum.errors;
    r.seconds = t0.elapsed().as_secs_f64();
    Ok(r)
}

/// Stores an input that failed as a whole, by the hash of its bytes, with
/// its error and no articles (nothing when it cannot be read within the
/// size limit, or when the store already holds it); then it is a stored
/// input's problem, no longer a failure by path.
fn record_failure(
    store: &mut dyn Store,
    path: &Path,
    reason: &str,
    limit: u64,
) -> Result<(), StoreError> {
    if fs::metadata(path).map_or(true, |m| m.len() > limit) {
        return Ok(());
    }
    let Ok(bytes) = fs::read(path) else {
        return Ok(());
    };
    let sha = crate::sha256_hex(&bytes);
    let display = path.display().to_string();
    if store.input_status(&sha)?.is_some() {
        // Listed by `rasd problems` as a stored input with its error.
        return store.note_input_failures(&[], &[display]);
    }
    let raw = rasd_store::compress(&bytes);
    store.write_input(&InputBatch {
        path: &display,
        archive: None,
        sha256: &sha,
        size: bytes.len() as u64,
        format: "unknown",
        encoding: "",
        raw_deflated: &raw,
        records: 0,
        articles: &[],
        rejects: &[],
        error: Some(reason),
        timexes: &[],
        time_version: crate::annotate::TIME_VERSION,
        entities: &[],
        entity_version: crate::entities::ENTITY_VERSION,
        ..Default::default()
    })?;
    // Listed by `rasd problems` as a stored input with its error, not
    // twice.
    store.note_input_failures(&[], &[display])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(s: &Scan) -> Vec<String> {
        s.ready
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn skips_hidden_and_partial_names() {
        for n in [
            ".hidden",
            ".x.txt",
            "a.tmp",
            "a.part",
            "A.PART",
            "a.crdownload",
            "a.txt~",
        ] {
            assert!(skipped(n), "{n}");
        }
        for n in ["a.txt", "news.html", "part", "tmp.json", "a~b.txt"] {
            assert!(!skipped(n), "{n}");
        }
    }

    #[test]
    fn a_file_is_taken_once_when_stable_and_again_when_changed() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Scanner::new(dir.path());
        s.quiet = Duration::from_secs(3600);
        let a = dir.path().join("a.txt");
        fs::write(&a, "واحد").unwrap();
        fs::create_dir(dir.path().join("sub")).unwrap();
        fs::write(dir.path().join("sub/b.txt"), "اثنان").unwrap();
        fs::write(dir.path().join("c.part"), "x").unwrap();
        fs::create_dir(dir.path().join(".git")).unwrap();
        fs::write(dir.path().join(".git/d.txt"), "x").unwrap();

        // First sight: fresh files wait for a second scan.
        let first = s.scan().unwrap();
        assert_eq!((first.files, first.pending), (2, 2));
        assert!(first.ready.is_empty());
        let second = s.scan().unwrap();
        assert_eq!(names(&second), ["a.txt", "b.txt"]);
        assert_eq!(second.pending, 0);
        // Taken: not handed out again.
        assert!(s.scan().unwrap().ready.is_empty());

        // Changed (size differs): pending, then taken again.
        fs::write(&a, "واحد وآخر").unwrap();
        let third = s.scan().unwrap();
        assert_eq!((third.ready.len(), third.pending), (0, 1));
        assert_eq!(names(&s.scan().unwrap()), ["a.txt"]);

        // Growing between scans: never taken while it grows.
        let g = dir.path().join("g.txt");
        fs::write(&g, "1").unwrap();
        assert!(s.scan().unwrap().ready.is_empty());
        fs::write(&g, "12").unwrap();
        assert!(s.scan().unwrap().ready.is_empty());
        assert_eq!(names(&s.scan().unwrap()), ["g.txt"]);

        // Removed and written again: forgotten, so new.
        fs::remove_file(&g).unwrap();
        assert_eq!(s.scan().unwrap().files, 2);
        fs::write(&g, "12").unwrap();
        assert!(s.scan().unwrap().ready.is_empty());
        assert_eq!(names(&s.scan().unwrap()), ["g.txt"]);

        // A failed round hands its files out again.
        fs::write(&a, "ثالث").unwrap();
        s.scan().unwrap();
        let taken = s.scan().unwrap().ready;
        assert_eq!(taken.len(), 1);
        s.retry(&taken);
        assert_eq!(s.scan().unwrap().ready, taken);
    }

    #[test]
    fn old_files_are_taken_at_first_sight() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("a.txt"), "قديم").unwrap();
        let mut s = Scanner::new(dir.path());
        s.quiet = Duration::ZERO;
        assert_eq!(names(&s.scan().unwrap()), ["a.txt"]);
        assert!(s.scan().unwrap().ready.is_empty());
        assert!(Scanner::new(dir.path().join("missing")).scan().is_err());
    }

    #[test]
    fn a_round_ingests_records_failures_and_skips_known_inputs() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in");
        fs::create_dir(&input).unwrap();
        fs::write(
            input.join("a.txt"),
            "افتتاح مكتبة عامة جديدة في المدينة\n\nافتتحت البلدية صباح اليوم مكتبة عامة جديدة في وسط المدينة تضم آلاف الكتب وقاعة للمطالعة مخصصة للطلاب.\n",
        )
        .unwrap();
        fs::write(
            input.join("bad.bin"),
            [0u8, 159, 146, 150, 0, 1, 2, 3, 0, 0, 255].repeat(64),
        )
        .unwrap();
        let mut store = rasd_store::SqliteStore::open_in_memory().unwrap();
        let opts = IngestOptions {
            derive: false,
            entities: false,
            ..Default::default()
        };
        let mut s = Scanner::new(&input);
        s.quiet = Duration::ZERO;
        let r = round(&mut store, &mut s, &opts).unwrap();
        assert_eq!(
            (r.files, r.taken, r.new, r.failed, r.articles),
            (2, 2, 1, 1, 1),
            "{r:?}"
        );
        let problems = store.problems(10).unwrap();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].path.ends_with("bad.bin"));
        // Nothing new: nothing taken.
        let r = round(&mut store, &mut s, &opts).unwrap();
        assert_eq!((r.taken, r.articles), (0, 0));
        // A fresh scanner (a restart) takes both again; the store knows them.
        let mut s = Scanner::new(&input);
        s.quiet = Duration::ZERO;
        let r = round(&mut store, &mut s, &opts).unwrap();
        assert_eq!(
            (r.taken, r.new, r.unchanged, r.failed, r.articles),
            (2, 0, 2, 0, 0),
            "{r:?}"
        );
        assert_eq!(store.problems(10).unwrap().len(), 1);
    }
}
