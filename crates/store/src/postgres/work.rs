//! The work queue: `SELECT … FOR UPDATE SKIP LOCKED` claims, leases on the
//! database's clock (machines' clocks may differ), and a session advisory
//! lock for the stages that read across articles.

use super::{PgStore, DERIVED_LOCK, WRITE_LOCK};
use crate::{DerivedLock, QueueCounts, Result, StoreError, WorkItem};

fn secs(n: u64) -> f64 {
    n.min(i64::MAX as u64) as f64
}

pub(super) fn enqueue(
    s: &mut PgStore,
    name: &str,
    sha256: &str,
    size: u64,
    raw_deflated: &[u8],
) -> Result<bool> {
    let n = s.db().execute(
        "INSERT INTO work (name, sha256, size, raw) VALUES ($1, $2, $3, $4)
         ON CONFLICT (sha256) DO NOTHING",
        &[
            &name,
            &sha256,
            &(size.min(i64::MAX as u64) as i64),
            &raw_deflated,
        ],
    )?;
    Ok(n > 0)
}

pub(super) fn claim_work(
    s: &mut PgStore,
    worker: &str,
    max: usize,
    lease_secs: u64,
    max_attempts: u32,
) -> Result<Vec<WorkItem>> {
    let mut c = s.db();
    let mut tx = c.transaction()?;
    tx.execute(
        "UPDATE work SET state = 'quarantined', worker = NULL, lease_until = NULL,
             error = 'its worker stopped while processing it, ' || attempts || ' times'
         WHERE state = 'running' AND lease_until < now() AND attempts >= $1",
        &[&i64::from(max_attempts)],
    )?;
    let rows = tx.query(
        "UPDATE work w SET state = 'running', worker = $1, attempts = w.attempts + 1,
             lease_until = now() + make_interval(secs => $2)
         FROM (SELECT id FROM work
               WHERE (state = 'pending' AND not_before <= now())
                  OR (state = 'running' AND lease_until < now())
               ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED) c
         WHERE w.id = c.id
         RETURNING w.id, w.name, w.raw, w.attempts",
        &[
            &worker,
            &secs(lease_secs),
            &(max.min(i64::MAX as usize) as i64),
        ],
    )?;
    tx.commit()?;
    let mut out = rows
        .iter()
        .map(|r| {
            let id: i64 = r.try_get(0)?;
            let attempts: i64 = r.try_get(3)?;
            Ok(WorkItem {
                id,
                name: r.try_get(1)?,
                raw_deflated: r.try_get(2)?,
                attempts: u32::try_from(attempts).map_err(|_| StoreError::Corrupt {
                    what: format!("work item {id}"),
                    reason: format!("attempts {attempts}"),
                })?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    out.sort_by_key(|w| w.id);
    Ok(out)
}

pub(super) fn finish_work(s: &mut PgStore, ids: &[i64]) -> Result<()> {
    s.db().execute(
        "UPDATE work SET state = 'done', raw = '\\x', worker = NULL, lease_until = NULL,
             error = NULL, done_at = now(),
             last_article = (SELECT coalesce(max(id), 0) FROM articles)
         WHERE id = ANY($1)",
        &[&ids],
    )?;
    Ok(())
}

pub(super) fn fail_work(
    s: &mut PgStore,
    id: i64,
    reason: &str,
    retry_secs: u64,
    max_attempts: u32,
) -> Result<bool> {
    let row = s.db().query_opt(
        "UPDATE work SET
             state = CASE WHEN attempts >= $4 THEN 'quarantined' ELSE 'pending' END,
             error = $2, worker = NULL, lease_until = NULL,
             not_before = now() + make_interval(secs => $3)
         WHERE id = $1 RETURNING state",
        &[&id, &reason, &secs(retry_secs), &i64::from(max_attempts)],
    )?;
    Ok(match row {
        Some(r) => r.try_get::<_, &str>(0)? == "quarantined",
        None => false,
    })
}

pub(super) fn queue_counts(s: &PgStore) -> Result<QueueCounts> {
    let rows = s.db().query(
        "SELECT CASE WHEN state = 'running' AND lease_until < now() THEN 'pending' ELSE state END,
                count(*)
         FROM work GROUP BY 1",
        &[],
    )?;
    let mut q = QueueCounts::default();
    for r in &rows {
        let n = r.try_get::<_, i64>(1)?.max(0) as u64;
        match r.try_get::<_, &str>(0)? {
            "pending" => q.pending += n,
            "running" => q.running += n,
            "done" => q.done += n,
            _ => q.quarantined += n,
        }
    }
    Ok(q)
}

pub(super) fn work_turn(s: &PgStore, id: i64) -> Result<bool> {
    Ok(s.db()
        .query_one(
            "SELECT NOT EXISTS (SELECT 1 FROM work WHERE id < $1
                 AND ((state = 'running' AND lease_until >= now())
                      OR (state = 'pending' AND attempts = 0)))",
            &[&id],
        )?
        .try_get(0)?)
}

pub(super) fn work_place(s: &PgStore, place: i64) -> Result<Option<i64>> {
    let row = s.db().query_one(
        "SELECT EXISTS (SELECT 1 FROM work WHERE id >= $1),
                (SELECT coalesce(max(last_article), 0)::BIGINT FROM work
                 WHERE id <= $1 AND state = 'done')",
        &[&place],
    )?;
    if !row.try_get::<_, bool>(0)? || !work_turn(s, place + 1)? {
        return Ok(None);
    }
    Ok(Some(row.try_get(1)?))
}

pub(super) fn work_derived(s: &PgStore) -> Result<i64> {
    Ok(s.db()
        .query_opt("SELECT derived_through FROM work_marks WHERE id = 1", &[])?
        .map(|r| r.try_get(0))
        .transpose()?
        .unwrap_or(0))
}

pub(super) fn set_work_derived(s: &mut PgStore, id: i64) -> Result<()> {
    s.db().execute(
        "INSERT INTO work_marks (id, derived_through) VALUES (1, $1)
         ON CONFLICT (id) DO UPDATE
         SET derived_through = greatest(work_marks.derived_through, EXCLUDED.derived_through)",
        &[&id],
    )?;
    Ok(())
}

/// The advisory lock behind each [`DerivedLock`]: one for the stages, one
/// that writers share and a run over every article takes alone.
fn lock_key(lock: DerivedLock) -> i64 {
    match lock {
        DerivedLock::Stages => DERIVED_LOCK,
        DerivedLock::Write | DerivedLock::Quiet => WRITE_LOCK,
    }
}

pub(super) fn lock_derived(s: &mut PgStore, lock: DerivedLock, wait: bool) -> Result<bool> {
    let f = match (lock, wait) {
        (DerivedLock::Stages | DerivedLock::Quiet, true) => "pg_advisory_lock",
        (DerivedLock::Stages | DerivedLock::Quiet, false) => "pg_try_advisory_lock",
        (DerivedLock::Write, true) => "pg_advisory_lock_shared",
        (DerivedLock::Write, false) => "pg_try_advisory_lock_shared",
    };
    let row = s
        .db()
        .query_one(&format!("SELECT {f}($1)::text"), &[&lock_key(lock)])?;
    // The waiting forms return void (''), the others a boolean.
    Ok(row.try_get::<_, &str>(0)? != "false")
}

pub(super) fn unlock_derived(s: &mut PgStore, lock: DerivedLock) -> Result<()> {
    let f = match lock {
        DerivedLock::Stages | DerivedLock::Quiet => "pg_advisory_unlock",
        DerivedLock::Write => "pg_advisory_unlock_shared",
    };
    s.db()
        .execute(&format!("SELECT {f}($1)"), &[&lock_key(lock)])?;
    Ok(())
}
