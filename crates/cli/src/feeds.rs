//! `rasd feeds`: live RSS/Atom feed sources (the polling is `rasd-feeds`).

use anyhow::{bail, Result};
use clap::Subcommand;
use rasd_store::{FeedRecord, Store};
use std::io::Write;
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum FeedsCmd {
    /// Add a feed (RSS 2.0, Atom, RSS 1.0, JSON Feed) by URL; it is due at once.
    Add {
        url: String,
        /// Seconds between polls.
        #[arg(long, default_value_t = rasd_feeds::DEFAULT_INTERVAL_SECS)]
        interval: u64,
    },
    /// List the feeds with their state.
    List {
        /// One JSON object per line.
        #[arg(long)]
        json: bool,
    },
    /// Remove a feed (by id or URL) and its seen items; its articles stay.
    Remove {
        /// The feed's id or URL.
        feed: String,
    },
    /// Poll the feeds that are due, ingesting the pages of new items.
    Poll {
        /// Poll every feed, due or not.
        #[arg(long)]
        force: bool,
        /// Print the report as one JSON object.
        #[arg(long)]
        json: bool,
        /// Least seconds between two requests to the same host.
        #[arg(long, default_value_t = 1.0)]
        host_delay: f64,
        /// Seconds to wait for a connection, and for each answer.
        #[arg(long, default_value_t = 10.0)]
        connect_timeout: f64,
        #[arg(long, default_value_t = 30.0)]
        read_timeout: f64,
        /// Largest feed or page accepted, in MB.
        #[arg(long, default_value_t = 50.0)]
        max_size: f64,
        /// Store and time-annotate only; find entities later with `rasd process`.
        #[arg(long)]
        no_entities: bool,
    },
}

fn secs(s: f64) -> Result<std::time::Duration> {
    if !(s.is_finite() && s >= 0.0) {
        bail!("not a number of seconds: {s}");
    }
    Ok(std::time::Duration::from_secs_f64(s))
}

fn ts(t: Option<jiff::Timestamp>) -> Option<String> {
    t.map(|t| t.to_string())
}

/// A feed as `feeds list --json` writes it.
pub fn feed_json(f: &FeedRecord) -> serde_json::Value {
    serde_json::json!({
        "id": f.id,
        "url": f.url,
        "title": f.title,
        "interval": f.interval_secs,
        "added": f.added.to_string(),
        "last_poll": ts(f.last_poll),
        "last_success": ts(f.last_success),
        "last_status": f.last_status.map(|s| s.as_str()),
        "last_error": f.last_error,
        "etag": f.etag,
        "last_modified": f.last_modified,
        "consecutive_failures": f.failures,
        "next_poll": f.next_poll.to_string(),
        "items_seen": f.items_seen,
    })
}

pub fn run(store: &mut dyn Store, cmd: FeedsCmd) -> Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    match cmd {
        FeedsCmd::Add { url, interval } => {
            let url = url.trim();
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                bail!("not an http(s) URL: {url}");
            }
            let (f, created) = store.add_feed(url, interval.max(1), jiff::Timestamp::now())?;
            if created {
                writeln!(out, "added feed {}: {}", f.id, f.url)?;
            } else {
                writeln!(out, "feed {} already added: {}", f.id, f.url)?;
            }
        }
        FeedsCmd::List { json } => {
            for f in store.feeds()? {
                if json {
                    writeln!(out, "{}", feed_json(&f))?;
                    continue;
                }
                let status = f.last_status.map_or("never polled", |s| s.as_str());
                writeln!(out, "{}\t{}", f.id, f.url)?;
                if let Some(t) = &f.title {
                    writeln!(out, "  title: {t}")?;
                }
                writeln!(
                    out,
                    "  every {} s; last poll {} ({status}); last success {}; next poll {}",
                    f.interval_secs,
                    ts(f.last_poll).unwrap_or_else(|| "-".into()),
                    ts(f.last_success).unwrap_or_else(|| "-".into()),
                    f.next_poll
                )?;
                writeln!(
                    out,
                    "  items seen {}; ETag {}; Last-Modified {}; consecutive failures {}",
                    f.items_seen,
                    f.etag.as_deref().unwrap_or("-"),
                    f.last_modified.as_deref().unwrap_or("-"),
                    f.failures
                )?;
                if let Some(e) = &f.last_error {
                    writeln!(out, "  last error: {e}")?;
                }
            }
        }
        FeedsCmd::Remove { feed } => {
            let feeds = store.feeds()?;
            let found = feeds
                .iter()
                .find(|f| f.url == feed || feed.parse::<i64>().is_ok_and(|id| id == f.id));
            let Some(f) = found else {
                bail!("no feed {feed}");
            };
            store.remove_feed(f.id)?;
            writeln!(out, "removed feed {}: {}", f.id, f.url)?;
        }
        FeedsCmd::Poll {
            force,
            json,
            host_delay,
            connect_timeout,
            read_timeout,
            max_size,
            no_entities,
        } => {
            let mut cfg = rasd_feeds::Config::default();
            cfg.http.host_delay = secs(host_delay)?;
            cfg.http.connect_timeout = secs(connect_timeout)?;
            cfg.http.read_timeout = secs(read_timeout)?;
            cfg.http.max_body = (secs(max_size)?.as_secs_f64() * 1e6) as u64;
            cfg.ingest.max_file_size = cfg.http.max_body;
            cfg.ingest.entities = !no_entities;
            let rep = rasd_feeds::poll(store, &cfg, force)?;
            if json {
                serde_json::to_writer(&mut out, &rep)?;
                writeln!(out)?;
            } else {
                writeln!(
                    out,
                    "feeds: {} polled of {} ({} failed); articles: {} new; {:.1} s",
                    rep.feeds_polled,
                    rep.feeds_total,
                    rep.feeds_failed,
                    rep.articles_new,
                    rep.seconds
                )?;
                for f in &rep.feeds {
                    writeln!(
                        out,
                        "  {} {}: {}; items {} ({} new); pages {}; entries {}; articles {} new; next poll {}",
                        f.id, f.url, f.status, f.items, f.items_new, f.pages, f.entries, f.articles_new, f.next_poll
                    )?;
                    if let Some(e) = &f.error {
                        writeln!(out, "    error ({} in a row): {e}", f.consecutive_failures)?;
                    }
                    for i in &f.item_failures {
                        writeln!(
                            out,
                            "    item {}: {}{}",
                            i.link.as_deref().unwrap_or(&i.key),
                            i.reason,
                            if i.entry_stored {
                                " (item text stored instead)"
                            } else {
                                ""
                            }
                        )?;
                    }
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
