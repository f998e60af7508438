//! The SQLite side of the work queue (migration in `MIGRATIONS`): claims
//! in one write transaction (SQLite's write lock keeps two claims apart),
//! and a lease row standing for PostgreSQL's advisory lock.

use super::SqliteStore;
use crate::{QueueCounts, Result, StoreError, WorkItem};
use rusqlite::{params, TransactionBehavior};

/// How long the derived-stages lease lasts: a process killed while holding
/// it keeps others waiting at most this long.
const DERIVED_LEASE_SECS: i64 = 600;

fn secs(n: u64) -> i64 {
    n.min(i64::MAX as u64 / 2) as i64
}

impl SqliteStore {
    pub(crate) fn work_enqueue(
        &mut self,
        name: &str,
        sha256: &str,
        size: u64,
        raw_deflated: &[u8],
    ) -> Result<bool> {
        let n = self.conn.execute(
            "INSERT OR IGNORE INTO work (name, sha256, size, raw) VALUES (?1, ?2, ?3, ?4)",
            params![name, sha256, secs(size), raw_deflated],
        )?;
        Ok(n > 0)
    }

    pub(crate) fn work_claim(
        &mut self,
        worker: &str,
        max: usize,
        lease_secs: u64,
        max_attempts: u32,
    ) -> Result<Vec<WorkItem>> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "UPDATE work SET state = 'quarantined', worker = NULL, lease_until = NULL,
                 error = 'its worker stopped while processing it, ' || attempts || ' times'
             WHERE state = 'running' AND lease_until < unixepoch() AND attempts >= ?1",
            [i64::from(max_attempts)],
        )?;
        let mut out = Vec::new();
        {
            let mut sel = tx.prepare(
                "SELECT id FROM work
                 WHERE (state = 'pending' AND not_before <= unixepoch())
                    OR (state = 'running' AND lease_until < unixepoch())
                 ORDER BY id LIMIT ?1",
            )?;
            let ids: Vec<i64> = sel
                .query_map([max.min(i64::MAX as usize) as i64], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            let mut upd = tx.prepare(
                "UPDATE work SET state = 'running', worker = ?2, attempts = attempts + 1,
                     lease_until = unixepoch() + ?3
                 WHERE id = ?1 RETURNING name, raw, attempts",
            )?;
            for id in ids {
                let (name, raw_deflated, attempts): (String, Vec<u8>, i64) = upd
                    .query_row(params![id, worker, secs(lease_secs)], |r| {
                        Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                    })?;
                out.push(WorkItem {
                    id,
                    name,
                    raw_deflated,
                    attempts: u32::try_from(attempts).map_err(|_| StoreError::Corrupt {
                        what: format!("work item {id}"),
                        reason: format!("attempts {attempts}"),
                    })?,
                });
            }
        }
        tx.commit()?;
        Ok(out)
    }

    pub(crate) fn work_finish(&mut self, ids: &[i64]) -> Result<()> {
        let tx = self.conn.transaction()?;
        {
            let mut st = tx.prepare(
                "UPDATE work SET state = 'done', raw = x'', worker = NULL, lease_until = NULL,
                     error = NULL, done_at = unixepoch(),
                     last_article = (SELECT coalesce(max(id), 0) FROM articles)
                 WHERE id = ?1",
            )?;
            for id in ids {
                st.execute([id])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    pub(crate) fn work_fail(
        &mut self,
        id: i64,
        reason: &str,
        retry_secs: u64,
        max_attempts: u32,
    ) -> Result<bool> {
        let state: Option<String> = self
            .conn
            .query_row(
                "UPDATE work SET
                     state = CASE WHEN attempts >= ?4 THEN 'quarantined' ELSE 'pending' END,
                     error = ?2, worker = NULL, lease_until = NULL,
                     not_before = unixepoch() + ?3
                 WHERE id = ?1 RETURNING state",
                params![id, reason, secs(retry_secs), i64::from(max_attempts)],
                |r| r.get(0),
            )
            .map(Some)
            .or_else(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => Ok(None),
                e => Err(e),
            })?;
        Ok(state.as_deref() == Some("quarantined"))
    }

    pub(crate) fn work_counts(&self) -> Result<QueueCounts> {
        let mut st = self.conn.prepare(
            "SELECT CASE WHEN state = 'running' AND lease_until < unixepoch() THEN 'pending'
                         ELSE state END, count(*)
             FROM work GROUP BY 1",
        )?;
        let mut q = QueueCounts::default();
        let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        for r in rows {
            let (state, n) = r?;
            let n = n.max(0) as u64;
            match state.as_str() {
                "pending" => q.pending += n,
                "running" => q.running += n,
                "done" => q.done += n,
                _ => q.quarantined += n,
            }
        }
        Ok(q)
    }

    pub(crate) fn work_place_of(&self, place: i64) -> Result<Option<i64>> {
        let passed: bool = self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM work WHERE id >= ?1)",
            [place],
            |r| r.get(0),
        )?;
        if !passed || !self.work_turn_of(place + 1)? {
            return Ok(None);
        }
        Ok(Some(self.conn.query_row(
            "SELECT coalesce(max(last_article), 0) FROM work
             WHERE id <= ?1 AND state = 'done'",
            [place],
            |r| r.get(0),
        )?))
    }

    pub(crate) fn work_turn_of(&self, id: i64) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT NOT EXISTS (SELECT 1 FROM work WHERE id < ?1
                 AND ((state = 'running' AND lease_until >= unixepoch())
                      OR (state = 'pending' AND attempts = 0)))",
            [id],
            |r| r.get(0),
        )?)
    }

    pub(crate) fn derived_lock(&mut self, wait: bool) -> Result<bool> {
        loop {
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)?;
            let n = tx.execute(
                "INSERT INTO derived_lock (id, holder, until) VALUES (1, ?1, unixepoch() + ?2)
                 ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, until = excluded.until
                 WHERE derived_lock.until < unixepoch() OR derived_lock.holder = excluded.holder",
                params![self.holder, DERIVED_LEASE_SECS],
            )?;
            tx.commit()?;
            if n > 0 {
                return Ok(true);
            }
            if !wait {
                return Ok(false);
            }
            std::thread::sleep(std::time::Duration::from_millis(200));
        }
    }

    pub(crate) fn derived_unlock(&mut self) -> Result<()> {
        self.conn
            .execute("DELETE FROM derived_lock WHERE holder = ?1", [&self.holder])?;
        Ok(())
    }
}
