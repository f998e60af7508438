//! `rasd serve`: the HTTP API (`/api/v1`, JSON) and the offline web UI
//! (static assets embedded in the binary), over one SQLite store.
//!
//! Reads go through an in-memory [`catalog::Catalog`] (lists, filters,
//! orders) and a small pool of read connections (article texts, search);
//! SQLite's WAL mode lets them run while an ingest writes. Writes
//! (`POST /api/v1/ingest`) take a token, run one at a time on their own
//! connection through the same pipeline as `rasd ingest`, and refresh the
//! catalog before answering. A change made by another process (`rasd
//! ingest` on the same database) is noticed within a second.

#![recursion_limit = "256"]

pub mod api;
pub mod assets;
pub mod catalog;
pub mod error;
pub mod openapi;
pub mod params;
pub mod views;
pub mod watch;

use catalog::Catalog;
use rasd_store::{Store, StoreError};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

/// How `rasd serve` runs.
#[derive(Debug, Clone)]
pub struct Config {
    pub db: PathBuf,
    pub addr: SocketAddr,
    /// Bearer token for write endpoints (and required for a non-loopback
    /// bind). No token: the server takes no writes.
    pub token: Option<String>,
    /// Largest request body accepted, in bytes.
    pub max_body: usize,
}

impl Config {
    pub fn check(&self) -> Result<(), String> {
        if !self.addr.ip().is_loopback() && self.token.is_none() {
            return Err(format!(
                "refusing to listen on {} without a token: a non-loopback address needs --token (or RASD_TOKEN)",
                self.addr
            ));
        }
        if let Some(t) = self.token.as_deref() {
            token_ok(t)?;
        }
        Ok(())
    }
}

/// A bearer token as RFC 6750 writes one (letters, digits and `-._~+/`,
/// `=` at the end), of at least 8 characters, at least 4 of them
/// different: spaces, control characters or `aaaaaaaa` would pass for a
/// secret and could not all be sent in a header.
fn token_ok(t: &str) -> Result<(), String> {
    let body = t.trim_end_matches('=');
    if body.is_empty()
        || !body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~+/".contains(&b))
    {
        return Err(
            "the token may hold only letters, digits and - . _ ~ + / (= at the end), no spaces"
                .into(),
        );
    }
    if t.len() < 8 {
        return Err("the token must have at least 8 characters".into());
    }
    let distinct: std::collections::HashSet<u8> = t.bytes().collect();
    if distinct.len() < 4 {
        return Err("the token must have at least 4 different characters".into());
    }
    Ok(())
}

/// Runs `f` on a thread of its own, outside the async runtime: the
/// PostgreSQL client drives its connection with a runtime of its own, which
/// cannot start on a thread that runs (or belongs to) tokio's.
fn outside_runtime<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|s| match s.spawn(f).join() {
        Ok(v) => v,
        Err(panic) => std::panic::resume_unwind(panic),
    })
}

/// `tokio::task::spawn_blocking`, with `f` run [`outside_runtime`].
pub(crate) fn spawn_blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> tokio::task::JoinHandle<T> {
    tokio::task::spawn_blocking(move || outside_runtime(f))
}

/// Read connections kept open between requests.
struct Pool {
    db: PathBuf,
    idle: Mutex<Vec<Box<dyn Store + Send>>>,
}

/// The store a server's `db` names: a SQLite file or a PostgreSQL URL.
pub(crate) fn open_store(db: &std::path::Path) -> Result<Box<dyn Store + Send>, StoreError> {
    rasd_store::open(&db.to_string_lossy())
}

impl Pool {
    fn get(&self) -> Result<Box<dyn Store + Send>, StoreError> {
        if let Some(s) = self.idle.lock().unwrap().pop() {
            return Ok(s);
        }
        open_store(&self.db)
    }

    fn put(&self, s: Box<dyn Store + Send>) {
        let mut idle = self.idle.lock().unwrap();
        if idle.len() < 16 {
            idle.push(s);
        }
    }
}

/// Notices commits made through other connections.
struct Watch {
    conn: Box<dyn Store + Send>,
    version: i64,
    checked: Instant,
}

pub struct AppState {
    pub config: Config,
    pool: Pool,
    catalog: RwLock<Arc<Catalog>>,
    watch: Mutex<Watch>,
    reloading: AtomicBool,
    /// One upload at a time.
    pub write_lock: tokio::sync::Mutex<()>,
    /// Background runs of the stages that read across articles (knowledge
    /// base, near-duplicates, events, stories) after uploads: the number of
    /// runs asked for, whether one is running, and the request number the
    /// last finished run covered.
    derive_requested: AtomicU64,
    deriving: AtomicBool,
    derive_done: tokio::sync::watch::Sender<u64>,
}

pub type SharedState = Arc<AppState>;

impl AppState {
    /// Opens the store (creating and migrating it if needed) and loads the
    /// catalog.
    pub fn open(config: Config) -> Result<SharedState, StoreError> {
        let store = open_store(&config.db)?;
        let t0 = Instant::now();
        let catalog = Catalog::load(&*store)?;
        tracing::info!(
            articles = catalog.articles.len(),
            stories = catalog.stories.len(),
            events = catalog.events.len(),
            entities = catalog.entities.len(),
            seconds = t0.elapsed().as_secs_f64(),
            "catalog loaded"
        );
        let watch = open_store(&config.db)?;
        let version = watch.data_version()?;
        Ok(Arc::new(AppState {
            pool: Pool {
                db: config.db.clone(),
                idle: Mutex::new(vec![store]),
            },
            config,
            catalog: RwLock::new(Arc::new(catalog)),
            watch: Mutex::new(Watch {
                conn: watch,
                version,
                checked: Instant::now(),
            }),
            reloading: AtomicBool::new(false),
            write_lock: tokio::sync::Mutex::new(()),
            derive_requested: AtomicU64::new(0),
            deriving: AtomicBool::new(false),
            derive_done: tokio::sync::watch::channel(0).0,
        }))
    }

    /// The current catalog. At most once a second it checks whether another
    /// connection committed; if so a reload starts in the background and
    /// this request is answered from the previous catalog.
    pub fn catalog(self: &Arc<Self>) -> Arc<Catalog> {
        let changed = {
            let mut w = self.watch.lock().unwrap();
            if w.checked.elapsed() >= Duration::from_secs(1) {
                w.checked = Instant::now();
                let conn = &mut w.conn;
                let version = outside_runtime(move || conn.data_version());
                match version {
                    Ok(v) if v != w.version => {
                        w.version = v;
                        true
                    }
                    Ok(_) => false,
                    Err(e) => {
                        tracing::warn!(error = %e, "could not check the database for changes");
                        false
                    }
                }
            } else {
                false
            }
        };
        if changed && !self.reloading.swap(true, Ordering::AcqRel) {
            let me = self.clone();
            crate::spawn_blocking(move || {
                if let Err(e) = me.reload() {
                    tracing::error!(error = %e, "catalog reload failed");
                }
                me.reloading.store(false, Ordering::Release);
            });
        }
        self.catalog.read().unwrap().clone()
    }

    /// Rebuilds the catalog from the store now (blocking).
    pub fn reload(&self) -> Result<(), StoreError> {
        let t0 = Instant::now();
        let store = self.pool.get()?;
        let c = Catalog::load(&*store);
        self.pool.put(store);
        let c = c?;
        *self.catalog.write().unwrap() = Arc::new(c);
        tracing::info!(seconds = t0.elapsed().as_secs_f64(), "catalog reloaded");
        Ok(())
    }

    /// Whether the cross-article stages are being brought up to date.
    pub fn updating(&self) -> bool {
        self.deriving.load(Ordering::Acquire)
    }

    /// Asks for the cross-article stages to be brought up to date in the
    /// background; returns the request's number for [`AppState::derived`].
    /// Requests that arrive during a run are served together by one more
    /// run.
    pub fn schedule_derive(self: &Arc<Self>) -> u64 {
        let n = self.derive_requested.fetch_add(1, Ordering::AcqRel) + 1;
        if !self.deriving.swap(true, Ordering::AcqRel) {
            // A thread of its own: callers include the folder watcher, which
            // runs outside tokio's runtime (tokio's blocking pool panicked
            // there, and the watcher died after its first file).
            let me = self.clone();
            let spawned = std::thread::Builder::new()
                .name("rasd-derive".into())
                .spawn(move || me.derive_loop());
            if let Err(e) = spawned {
                tracing::error!(error = %e, "cannot start the cross-article stages");
                self.deriving.store(false, Ordering::Release);
            }
        }
        n
    }

    /// When stored articles have not been through the search index or the
    /// stages that read across articles (a run killed after storing them),
    /// brings them up to date in the background, as after an upload;
    /// returns the request's number for [`AppState::derived`].
    pub async fn catch_up(self: &Arc<Self>) -> Result<Option<u64>, StoreError> {
        let st = self.clone();
        let behind = crate::spawn_blocking(move || {
            open_store(&st.config.db).and_then(|s| rasd_pipeline::stages_behind(&*s, true))
        })
        .await
        .map_err(|e| StoreError::Corrupt {
            what: "catch-up check".into(),
            reason: e.to_string(),
        })??;
        Ok(behind.then(|| {
            tracing::info!("stored articles not yet through every stage: catching up");
            self.schedule_derive()
        }))
    }

    fn derive_loop(&self) {
        loop {
            let covered = self.derive_requested.load(Ordering::Acquire);
            let t0 = Instant::now();
            let run = open_store(&self.config.db)
                .and_then(|mut s| rasd_pipeline::catch_up(&mut *s, true));
            match run {
                Ok(d) => tracing::info!(seconds = d.seconds, "cross-article stages updated"),
                Err(e) => tracing::error!(error = %e, "updating the cross-article stages failed"),
            }
            if let Err(e) = self.reload() {
                tracing::error!(error = %e, "catalog reload failed");
            }
            tracing::debug!(seconds = t0.elapsed().as_secs_f64(), "derive run");
            self.derive_done.send_replace(covered);
            if self.derive_requested.load(Ordering::Acquire) != covered {
                continue;
            }
            self.deriving.store(false, Ordering::Release);
            // A request that came between the check and the store finds
            // `deriving` already false and starts its own run, unless this
            // one takes it back first.
            if self.derive_requested.load(Ordering::Acquire) == covered
                || self.deriving.swap(true, Ordering::AcqRel)
            {
                break;
            }
        }
    }

    /// Waits until the cross-article stages cover request `n`.
    pub async fn derived(&self, n: u64) {
        let mut rx = self.derive_done.subscribe();
        while *rx.borrow_and_update() < n {
            if rx.changed().await.is_err() {
                break;
            }
        }
    }

    /// Runs `f` with a read connection on a blocking thread.
    pub async fn with_store<T: Send + 'static>(
        self: &Arc<Self>,
        f: impl FnOnce(&dyn Store) -> Result<T, error::ApiError> + Send + 'static,
    ) -> Result<T, error::ApiError> {
        let me = self.clone();
        crate::spawn_blocking(move || {
            let store = me.pool.get()?;
            let out = f(&*store);
            me.pool.put(store);
            out
        })
        .await?
    }
}

/// Serves until Ctrl-C.
pub async fn serve(config: Config) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    serve_watching(config, None).await
}

/// Serves until Ctrl-C, watching a folder in the background when one is
/// given (`rasd serve --watch DIR`).
pub async fn serve_watching(
    config: Config,
    folder: Option<watch::WatchFolder>,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    config.check()?;
    let addr = config.addr;
    let state = crate::spawn_blocking(move || AppState::open(config)).await??;
    if state.catch_up().await?.is_some() {
        eprintln!(
            "rasd: stored articles not yet through every stage: catching up in the background"
        );
    }
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    eprintln!("rasd: serving http://{}/", listener.local_addr()?);
    let watcher = folder.map(|f| watch::FolderWatcher::spawn(state.clone(), f));
    let app = api::router(state);
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await;
    if let Some(w) = watcher {
        w.stop().await;
    }
    served?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(addr: &str, token: Option<&str>) -> Config {
        Config {
            db: PathBuf::from("x.db"),
            addr: addr.parse().unwrap(),
            token: token.map(String::from),
            max_body: 1 << 20,
        }
    }

    #[test]
    fn tokens_that_are_no_secret_are_refused() {
        for bad in [
            "        ",
            "abc def ghij",
            "tok\tens12345",
            "aaaaaaaa",
            "abab-abab",
            "short1",
            "ab=cdefgh12",
            "توكن-سري-123",
        ] {
            for addr in ["127.0.0.1:8080", "0.0.0.0:8080"] {
                assert!(
                    config(addr, Some(bad)).check().is_err(),
                    "{bad:?} on {addr}"
                );
            }
        }
        for good in [
            "test-token-123",
            "Zx9_q.Lr~+/w",
            "YWJjZGVmZ2hpams=",
            "k3Jp0aQz",
        ] {
            assert!(
                config("0.0.0.0:8080", Some(good)).check().is_ok(),
                "{good:?}"
            );
        }
        // No token: loopback only.
        assert!(config("127.0.0.1:8080", None).check().is_ok());
        assert!(config("0.0.0.0:8080", None).check().is_err());
    }
}
