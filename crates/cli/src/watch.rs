//! `rasd watch DIR`: ingests files dropped into a folder, round after round,
//! until Ctrl-C (or SIGTERM). The scanning rules live in
//! `rasd_pipeline::watch`; this only wires them to the store and stdout.

use anyhow::{bail, Result};
use rasd_pipeline::watch::{round, Round, Scanner};
use rasd_pipeline::IngestOptions;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

pub fn run(db: &Path, dir: PathBuf, interval: f64, once: bool, json: bool) -> Result<ExitCode> {
    if !dir.is_dir() {
        bail!("{} is not a folder", dir.display());
    }
    let interval = Duration::from_secs_f64(interval.max(0.1));
    let opts = IngestOptions::default();
    let mut scanner = Scanner::new(&dir);
    let mut store = crate::open(db)?;
    if once {
        // Files written just now are taken when they stay the same over a
        // short pause.
        let mut r = round(&mut *store, &mut scanner, &opts)?;
        if r.pending > 0 {
            std::thread::sleep(interval.min(Duration::from_secs(1)));
            let t = r.seconds;
            let mut more = round(&mut *store, &mut scanner, &opts)?;
            more.taken += r.taken;
            more.new += r.new;
            more.unchanged += r.unchanged;
            more.failed += r.failed;
            more.articles += r.articles;
            more.errors.append(&mut r.errors);
            more.seconds += t;
            r = more;
        }
        print_round(&r, json)?;
        return Ok(ExitCode::SUCCESS);
    }
    let stop = stop_on_signal()?;
    eprintln!(
        "rasd: watching {} every {:.1} s (Ctrl-C stops)",
        dir.display(),
        interval.as_secs_f64()
    );
    while !stop.load(Ordering::Acquire) {
        match round(&mut *store, &mut scanner, &opts) {
            Ok(r) if r.taken > 0 => print_round(&r, json)?,
            Ok(_) => {}
            Err(e) => {
                // Never stops the watcher: the files are taken again next round.
                eprintln!("rasd: watch round failed: {e}");
                if let Ok(s) = crate::open(db) {
                    store = s;
                }
            }
        }
        let mut slept = Duration::ZERO;
        while slept < interval && !stop.load(Ordering::Acquire) {
            let step = Duration::from_millis(100).min(interval - slept);
            std::thread::sleep(step);
            slept += step;
        }
    }
    eprintln!("rasd: stopped watching {}", dir.display());
    Ok(ExitCode::SUCCESS)
}

fn print_round(r: &Round, json: bool) -> Result<()> {
    let mut out = std::io::stdout().lock();
    if json {
        serde_json::to_writer(&mut out, r)?;
        writeln!(out)?;
    } else {
        writeln!(
            out,
            "{} files, {} taken: {} new, {} unchanged, {} failed; {} articles added in {:.1} s{}",
            r.files,
            r.taken,
            r.new,
            r.unchanged,
            r.failed,
            r.articles,
            r.seconds,
            if r.pending > 0 {
                format!(" ({} still being written)", r.pending)
            } else {
                String::new()
            }
        )?;
    }
    out.flush()?;
    for e in &r.errors {
        eprintln!("rasd: {}: {}", e.path, e.reason);
    }
    Ok(())
}

/// A flag set by the first SIGINT or SIGTERM; a second one exits at once
/// (every write is a transaction, so the store stays consistent).
pub(crate) fn stop_on_signal() -> Result<Arc<AtomicBool>> {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()?;
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            rt.block_on(async move {
                #[cfg(unix)]
                let mut term =
                    tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                        .expect("SIGTERM handler");
                loop {
                    #[cfg(unix)]
                    tokio::select! {
                        _ = tokio::signal::ctrl_c() => {}
                        _ = term.recv() => {}
                    }
                    #[cfg(not(unix))]
                    let _ = tokio::signal::ctrl_c().await;
                    if flag.swap(true, Ordering::AcqRel) {
                        std::process::exit(130);
                    }
                    eprintln!("rasd: stopping after this round (again to stop now)");
                }
            })
        })?;
    Ok(stop)
}
