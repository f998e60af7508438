//! The SQLite side of the feed tables (migration in `MIGRATIONS`).

use super::SqliteStore;
use crate::feeds::{corrupt, ts};
use crate::{FeedItem, FeedPoll, FeedRecord, ItemState, PollStatus, Result, StoreError};
use jiff::Timestamp;
use rusqlite::{params, Row};

const FEED_COLS: &str = "id, url, title, interval_secs, added, last_poll, last_success, last_status, last_error, etag, last_modified, failures, next_poll, (SELECT count(*) FROM feed_items WHERE feed_id = feeds.id)";

fn feed_row(r: &Row) -> rusqlite::Result<(FeedRecord, Option<String>)> {
    Ok((
        FeedRecord {
            id: r.get(0)?,
            url: r.get(1)?,
            title: r.get(2)?,
            interval_secs: r.get::<_, i64>(3)?.max(0) as u64,
            added: ts(r.get(4)?),
            last_poll: r.get::<_, Option<i64>>(5)?.map(ts),
            last_success: r.get::<_, Option<i64>>(6)?.map(ts),
            last_status: None,
            last_error: r.get(8)?,
            etag: r.get(9)?,
            last_modified: r.get(10)?,
            failures: r.get::<_, i64>(11)?.clamp(0, u32::MAX as i64) as u32,
            next_poll: ts(r.get(12)?),
            items_seen: r.get::<_, i64>(13)?.max(0) as u64,
        },
        r.get(7)?,
    ))
}

fn finish_feed((mut f, status): (FeedRecord, Option<String>)) -> Result<FeedRecord> {
    if let Some(s) = status {
        f.last_status =
            Some(PollStatus::parse(&s).ok_or_else(|| corrupt(&format!("feed {}", f.id), &s))?);
    }
    Ok(f)
}

impl SqliteStore {
    pub(crate) fn feeds_add(
        &mut self,
        url: &str,
        interval_secs: u64,
        now: Timestamp,
    ) -> Result<(FeedRecord, bool)> {
        let n = self.conn.execute(
            "INSERT OR IGNORE INTO feeds (url, interval_secs, added, next_poll) VALUES (?1, ?2, ?3, ?3)",
            params![url, interval_secs.min(i64::MAX as u64) as i64, now.as_second()],
        )?;
        let f = self
            .conn
            .query_row(
                &format!("SELECT {FEED_COLS} FROM feeds WHERE url = ?1"),
                [url],
                feed_row,
            )
            .map_err(StoreError::from)
            .and_then(finish_feed)?;
        Ok((f, n > 0))
    }

    pub(crate) fn feeds_all(&self) -> Result<Vec<FeedRecord>> {
        let mut s = self
            .conn
            .prepare(&format!("SELECT {FEED_COLS} FROM feeds ORDER BY id"))?;
        let rows = s.query_map([], feed_row)?;
        rows.map(|r| finish_feed(r?)).collect()
    }

    pub(crate) fn feeds_remove(&mut self, id: i64) -> Result<bool> {
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM feed_items WHERE feed_id = ?1", [id])?;
        let n = tx.execute("DELETE FROM feeds WHERE id = ?1", [id])?;
        tx.commit()?;
        Ok(n > 0)
    }

    pub(crate) fn feeds_record_poll(&mut self, id: i64, p: &FeedPoll) -> Result<()> {
        let ok = p.status != PollStatus::Failed;
        self.conn.execute(
            "UPDATE feeds SET last_poll = ?2, last_status = ?3, last_error = ?4,
                 title = coalesce(?5, title),
                 etag = CASE WHEN ?3 = 'ok' THEN ?6 ELSE etag END,
                 last_modified = CASE WHEN ?3 = 'ok' THEN ?7 ELSE last_modified END,
                 last_success = CASE WHEN ?8 THEN ?2 ELSE last_success END,
                 failures = ?9, next_poll = ?10
             WHERE id = ?1",
            params![
                id,
                p.at.as_second(),
                p.status.as_str(),
                p.error,
                p.title,
                p.etag,
                p.last_modified,
                ok,
                p.failures as i64,
                p.next_poll.as_second()
            ],
        )?;
        Ok(())
    }

    pub(crate) fn feeds_items(&self, feed: i64) -> Result<Vec<FeedItem>> {
        let mut s = self.conn.prepare(
            "SELECT feed_id, key, link, state, attempts, error, first_seen, last_attempt
             FROM feed_items WHERE feed_id = ?1 ORDER BY first_seen, key",
        )?;
        let rows = s.query_map([feed], |r| {
            Ok((
                FeedItem {
                    feed: r.get(0)?,
                    key: r.get(1)?,
                    link: r.get(2)?,
                    state: ItemState::Failed,
                    attempts: r.get::<_, i64>(4)?.clamp(0, u32::MAX as i64) as u32,
                    error: r.get(5)?,
                    first_seen: ts(r.get(6)?),
                    last_attempt: ts(r.get(7)?),
                },
                r.get::<_, String>(3)?,
            ))
        })?;
        rows.map(|r| {
            let (mut it, state) = r?;
            it.state = ItemState::parse(&state)
                .ok_or_else(|| corrupt(&format!("feed {} item {}", it.feed, it.key), &state))?;
            Ok(it)
        })
        .collect()
    }

    pub(crate) fn feeds_put_item(&mut self, it: &FeedItem) -> Result<()> {
        self.conn.execute(
            "INSERT INTO feed_items (feed_id, key, link, state, attempts, error, first_seen, last_attempt)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (feed_id, key) DO UPDATE SET link = excluded.link,
                 state = excluded.state, attempts = excluded.attempts,
                 error = excluded.error, last_attempt = excluded.last_attempt",
            params![
                it.feed,
                it.key,
                it.link,
                it.state.as_str(),
                it.attempts as i64,
                it.error,
                it.first_seen.as_second(),
                it.last_attempt.as_second()
            ],
        )?;
        Ok(())
    }
}
