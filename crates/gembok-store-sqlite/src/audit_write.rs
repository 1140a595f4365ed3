//! The audit mutations as SQL, run inside the one `IMMEDIATE` transaction that
//! [`crate::SqliteStore`]'s `apply` opens, so an event commits with the record
//! changes it describes or not at all.
//!
//! Sequence numbers are `u64` in the trait and signed 64-bit integers in SQLite; a
//! `seq` above `i64::MAX` is refused rather than wrapped, and cursors above it are
//! clamped (no stored `seq` can be larger).

use crate::audit_refs;
use crate::errors::{map, map_conflict};
use gembok_store::{AuditCheckpoint, AuditRow, StoreError};
use rusqlite::{params, Connection};

/// A `seq` to store: out of SQLite's range is an error, never a wrap.
pub(crate) fn stored_seq(seq: u64) -> Result<i64, StoreError> {
    i64::try_from(seq).map_err(|_| StoreError::Backend("audit seq beyond 2^63 - 1".into()))
}

/// A cursor or bound: every stored `seq` is at most `i64::MAX`, so clamping keeps the
/// comparison's answer.
pub(crate) fn clamped_seq(seq: u64) -> i64 {
    i64::try_from(seq).unwrap_or(i64::MAX)
}

/// The event's refs as one blob of 16-byte ids, in the order given.
fn encode_refs(row: &AuditRow) -> Vec<u8> {
    let mut out = Vec::with_capacity(row.refs.len() * 16);
    for id in &row.refs {
        out.extend_from_slice(id.as_bytes());
    }
    out
}

/// One transaction's appends: the merge mark is read once, and the unmerged events
/// are merged at the end when enough have gathered (see [`crate::audit_refs`]).
#[derive(Default)]
pub(crate) struct Appends {
    merged: Option<i64>,
    head: Option<i64>,
}

impl Appends {
    pub(crate) fn append(&mut self, conn: &Connection, row: &AuditRow) -> Result<(), StoreError> {
        let merged = match self.merged {
            Some(merged) => merged,
            None => *self.merged.insert(audit_refs::through(conn)?),
        };
        let seq = append(conn, row, merged)?;
        self.head = Some(self.head.map_or(seq, |head| head.max(seq)));
        Ok(())
    }

    /// Run before the transaction commits.
    pub(crate) fn finish(self, conn: &Connection) -> Result<(), StoreError> {
        match (self.merged, self.head) {
            (Some(merged), Some(head)) => audit_refs::merge_if_due(conn, merged, head),
            _ => Ok(()),
        }
    }
}

fn append(conn: &Connection, row: &AuditRow, merged: i64) -> Result<i64, StoreError> {
    let seq = stored_seq(row.seq)?;
    conn.prepare_cached(
        "INSERT INTO audit_events (seq, time, principal, action, refs, body, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )
    .and_then(|mut s| {
        s.execute(params![
            seq,
            row.time,
            row.principal,
            row.action,
            encode_refs(row),
            row.body,
            row.hash,
        ])
    })
    .map_err(map_conflict("an audit event with this seq exists"))?;
    // Above the mark the next merge picks the refs up from the event's own row.
    if seq <= merged {
        audit_refs::index_now(conn, seq, &row.refs)?;
    }
    Ok(seq)
}

pub(crate) fn put_checkpoint(conn: &Connection, c: &AuditCheckpoint) -> Result<(), StoreError> {
    let seq = stored_seq(c.seq)?;
    conn.prepare_cached(
        "INSERT INTO audit_checkpoints (seq, hash, time, key_id, signature)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (seq) DO UPDATE SET hash = excluded.hash, time = excluded.time,
             key_id = excluded.key_id, signature = excluded.signature",
    )
    .and_then(|mut s| s.execute(params![seq, c.hash, c.time, c.key_id, c.signature,]))
    .map(drop)
    .map_err(map)
}

/// Remove events, their refs and checkpoints with `seq <= through`. Each pruned
/// event's refs blob names its `audit_refs` rows, which are deleted by primary key,
/// so pruning needs no index of refs by `seq`.
pub(crate) fn prune(conn: &Connection, through: u64) -> Result<(), StoreError> {
    let through = clamped_seq(through);
    let mut unref = conn
        .prepare_cached("DELETE FROM audit_refs WHERE record = ?1 AND seq = ?2")
        .map_err(map)?;
    audit_refs::each_event_refs(
        conn,
        "SELECT seq, refs FROM audit_events WHERE seq <= ?1",
        through,
        |seq, refs| {
            for id in refs.chunks(16) {
                unref.execute(params![id, seq]).map_err(map)?;
            }
            Ok(())
        },
    )?;
    for sql in [
        "DELETE FROM audit_events WHERE seq <= ?1",
        "DELETE FROM audit_checkpoints WHERE seq <= ?1",
    ] {
        conn.prepare_cached(sql)
            .and_then(|mut s| s.execute([through]))
            .map_err(map)?;
    }
    Ok(())
}
