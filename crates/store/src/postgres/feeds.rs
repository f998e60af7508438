//! Live feed sources and the items seen in them (times in Unix seconds, as
//! in SQLite).

use super::PgStore;
use crate::feeds::{corrupt, ts};
use crate::{FeedItem, FeedPoll, FeedRecord, ItemState, PollStatus, Result};
use jiff::Timestamp;
use postgres::Row;

const FEED_COLS: &str = "id, url, title, interval_secs, added, last_poll, last_success, last_status, last_error, etag, last_modified, failures, next_poll, (SELECT count(*) FROM feed_items WHERE feed_id = feeds.id)";

fn feed_of(r: &Row) -> Result<FeedRecord> {
    let id: i64 = r.try_get(0)?;
    let status: Option<String> = r.try_get(7)?;
    let last_status = match status {
        Some(s) => Some(PollStatus::parse(&s).ok_or_else(|| corrupt(&format!("feed {id}"), &s))?),
        None => None,
    };
    Ok(FeedRecord {
        id,
        url: r.try_get(1)?,
        title: r.try_get(2)?,
        interval_secs: r.try_get::<_, i64>(3)?.max(0) as u64,
        added: ts(r.try_get(4)?),
        last_poll: r.try_get::<_, Option<i64>>(5)?.map(ts),
        last_success: r.try_get::<_, Option<i64>>(6)?.map(ts),
        last_status,
        last_error: r.try_get(8)?,
        etag: r.try_get(9)?,
        last_modified: r.try_get(10)?,
        failures: r.try_get::<_, i64>(11)?.clamp(0, u32::MAX as i64) as u32,
        next_poll: ts(r.try_get(12)?),
        items_seen: r.try_get::<_, i64>(13)?.max(0) as u64,
    })
}

pub(super) fn add_feed(
    s: &mut PgStore,
    url: &str,
    interval_secs: u64,
    now: Timestamp,
) -> Result<(FeedRecord, bool)> {
    let mut c = s.db();
    let n = c.execute(
        "INSERT INTO feeds (url, interval_secs, added, next_poll) VALUES ($1, $2, $3, $3)
         ON CONFLICT (url) DO NOTHING",
        &[
            &url,
            &(interval_secs.min(i64::MAX as u64) as i64),
            &now.as_second(),
        ],
    )?;
    let row = c.query_one(
        &format!("SELECT {FEED_COLS} FROM feeds WHERE url = $1"),
        &[&url],
    )?;
    Ok((feed_of(&row)?, n > 0))
}

pub(super) fn feeds(s: &PgStore) -> Result<Vec<FeedRecord>> {
    s.db()
        .query(&format!("SELECT {FEED_COLS} FROM feeds ORDER BY id"), &[])?
        .iter()
        .map(feed_of)
        .collect()
}

pub(super) fn remove_feed(s: &mut PgStore, id: i64) -> Result<bool> {
    let mut c = s.db();
    let mut tx = c.transaction()?;
    tx.execute("DELETE FROM feed_items WHERE feed_id = $1", &[&id])?;
    let n = tx.execute("DELETE FROM feeds WHERE id = $1", &[&id])?;
    tx.commit()?;
    Ok(n > 0)
}

pub(super) fn record_feed_poll(s: &mut PgStore, id: i64, p: &FeedPoll) -> Result<()> {
    let ok = p.status != PollStatus::Failed;
    s.db().execute(
        "UPDATE feeds SET last_poll = $2, last_status = $3, last_error = $4,
             title = coalesce($5, title),
             etag = CASE WHEN $3 = 'ok' THEN $6 ELSE etag END,
             last_modified = CASE WHEN $3 = 'ok' THEN $7 ELSE last_modified END,
             last_success = CASE WHEN $8 THEN $2 ELSE last_success END,
             failures = $9, next_poll = $10
         WHERE id = $1",
        &[
            &id,
            &p.at.as_second(),
            &p.status.as_str(),
            &p.error,
            &p.title,
            &p.etag,
            &p.last_modified,
            &ok,
            &i64::from(p.failures),
            &p.next_poll.as_second(),
        ],
    )?;
    Ok(())
}

pub(super) fn feed_items(s: &PgStore, feed: i64) -> Result<Vec<FeedItem>> {
    let rows = s.db().query(
        "SELECT feed_id, key, link, state, attempts, error, first_seen, last_attempt
         FROM feed_items WHERE feed_id = $1 ORDER BY first_seen, key",
        &[&feed],
    )?;
    rows.iter()
        .map(|r| {
            let (feed, key): (i64, String) = (r.try_get(0)?, r.try_get(1)?);
            let state: String = r.try_get(3)?;
            let state = ItemState::parse(&state)
                .ok_or_else(|| corrupt(&format!("feed {feed} item {key}"), &state))?;
            Ok(FeedItem {
                feed,
                key,
                link: r.try_get(2)?,
                state,
                attempts: r.try_get::<_, i64>(4)?.clamp(0, u32::MAX as i64) as u32,
                error: r.try_get(5)?,
                first_seen: ts(r.try_get(6)?),
                last_attempt: ts(r.try_get(7)?),
            })
        })
        .collect()
}

pub(super) fn put_feed_item(s: &mut PgStore, it: &FeedItem) -> Result<()> {
    s.db().execute(
        "INSERT INTO feed_items (feed_id, key, link, state, attempts, error, first_seen, last_attempt)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (feed_id, key) DO UPDATE SET link = EXCLUDED.link,
             state = EXCLUDED.state, attempts = EXCLUDED.attempts,
             error = EXCLUDED.error, last_attempt = EXCLUDED.last_attempt",
        &[
            &it.feed,
            &it.key,
            &it.link,
            &it.state.as_str(),
            &i64::from(it.attempts),
            &it.error,
            &it.first_seen.as_second(),
            &it.last_attempt.as_second(),
        ],
    )?;
    Ok(())
}
