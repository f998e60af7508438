//! `rasd serve --watch DIR`: a folder watched in the background. Files
//! dropped into it are ingested as an upload is (`POST /api/v1/ingest`):
//! one write at a time on the watcher's own connection, the catalog
//! reloaded at once, the cross-article stages brought up to date in the
//! background. The scanning rules are [`rasd_pipeline::watch`]'s.

use crate::SharedState;
use rasd_pipeline::watch::{round, Scanner};
use rasd_pipeline::IngestOptions;
use rasd_store::Store;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// A folder to watch and how often to look.
#[derive(Debug, Clone)]
pub struct WatchFolder {
    pub dir: PathBuf,
    pub interval: Duration,
}

/// A running folder watcher; [`FolderWatcher::stop`] ends it between rounds.
pub struct FolderWatcher {
    stop: Arc<AtomicBool>,
    task: tokio::task::JoinHandle<()>,
}

impl FolderWatcher {
    /// Starts watching on a blocking thread of the current tokio runtime.
    pub fn spawn(state: SharedState, folder: WatchFolder) -> FolderWatcher {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let task = crate::spawn_blocking(move || run(state, folder, &flag));
        FolderWatcher { stop, task }
    }

    /// Asks the watcher to stop and waits for the round in progress.
    pub async fn stop(self) {
        self.stop.store(true, Ordering::Release);
        let _ = self.task.await;
    }
}

fn run(state: SharedState, folder: WatchFolder, stop: &AtomicBool) {
    let opts = IngestOptions {
        derive: false,
        ..Default::default()
    };
    let mut scanner = Scanner::new(&folder.dir);
    let mut store: Option<Box<dyn Store + Send>> = None;
    tracing::info!(dir = %folder.dir.display(), "watching folder");
    while !stop.load(Ordering::Acquire) {
        if store.is_none() {
            match crate::open_store(&state.config.db) {
                Ok(s) => store = Some(s),
                Err(e) => tracing::error!(error = %e, "watcher cannot open the database"),
            }
        }
        if let Some(s) = store.as_mut() {
            // One write at a time, uploads included.
            let guard = state.write_lock.blocking_lock();
            let r = round(&mut **s, &mut scanner, &opts);
            drop(guard);
            match r {
                Ok(r) => {
                    for e in &r.errors {
                        tracing::warn!(path = %e.path, reason = %e.reason, "watched file failed");
                    }
                    if r.taken > 0 {
                        tracing::info!(
                            files = r.files,
                            new = r.new,
                            failed = r.failed,
                            articles = r.articles,
                            seconds = r.seconds,
                            "watch round"
                        );
                    }
                    if r.articles > 0 {
                        if let Err(e) = state.reload() {
                            tracing::error!(error = %e, "catalog reload failed");
                        }
                        state.schedule_derive();
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "watch round failed");
                    store = None;
                }
            }
        }
        let mut slept = Duration::ZERO;
        while slept < folder.interval && !stop.load(Ordering::Acquire) {
            let step = Duration::from_millis(100).min(folder.interval - slept);
            std::thread::sleep(step);
            slept += step;
        }
    }
}
