//! The lookup of audit events by record, filled in batches rather than event by event.
//!
//! `audit_refs` is keyed by (record, seq) so that a subject's access history is one
//! index range. Every audited read names a random record, so inserting its ref at
//! once dirties a random leaf page of that B-tree per event, which each commit writes
//! to the log and the next checkpoint writes again: that was most of what an audited
//! read cost beyond the read itself (`docs/BENCHMARKS.md`, audit log). Each event
//! already keeps its refs in its own row, in `seq` order, so the index can lag: an
//! append writes only the event, and once [`MERGE_EVERY`] events have gathered they
//! are merged into `audit_refs` in one pass, in key order, so each leaf page takes
//! many refs at once. `audit_refs_through` records the last `seq` merged.
//!
//! A query by record reads both halves in one read transaction: the unmerged events
//! (at most about [`MERGE_EVERY`]) scanned newest first, then the index below them.
//! An event appended at or below the mark (never in a dense chain, but the store does
//! not rely on it) has its refs indexed at once, so nothing is ever missed.

use crate::audit_read::event;
use crate::errors::map;
use gembok_store::{AuditQuery, AuditRow, StoreError};
use gembok_types::RecordId;
use rusqlite::{params, Connection};

/// Unmerged events that trigger a merge. It bounds the scan a query by record makes
/// (tens of milliseconds at most) and the work one merge adds to the transaction that
/// runs it.
#[cfg(not(test))]
pub(crate) const MERGE_EVERY: i64 = 32_768;
/// Small in unit tests, so that they cross merges.
#[cfg(test)]
pub(crate) const MERGE_EVERY: i64 = 8;

/// The last `seq` whose refs are in `audit_refs`.
pub(crate) fn through(conn: &Connection) -> Result<i64, StoreError> {
    conn.prepare_cached("SELECT seq FROM audit_refs_through WHERE one = 1")
        .and_then(|mut s| s.query_row([], |r| r.get(0)))
        .map_err(map)
}

/// Put one event's refs into `audit_refs` now.
pub(crate) fn index_now(conn: &Connection, seq: i64, refs: &[RecordId]) -> Result<(), StoreError> {
    insert_refs(conn, refs.iter().map(|id| (&id.as_bytes()[..], seq)))
}

/// Up to `limit` entries of `audit_refs` after `after`, in key order, for `verify`.
pub(crate) fn index_page(
    conn: &Connection,
    after: Option<(RecordId, u64)>,
    limit: usize,
) -> Result<Vec<(RecordId, u64)>, StoreError> {
    // An empty blob sorts before every 16-byte id, so `(x'', -1)` is before all.
    let (record, seq) = match &after {
        Some((id, seq)) => (&id.as_bytes()[..], crate::audit_write::clamped_seq(*seq)),
        None => (&[][..], -1),
    };
    let mut stmt = conn
        .prepare_cached(
            "SELECT record, seq FROM audit_refs WHERE (record, seq) > (?1, ?2)
             ORDER BY record, seq LIMIT ?3",
        )
        .map_err(map)?;
    let mut rows = stmt
        .query(params![
            record,
            seq,
            i64::try_from(limit).unwrap_or(i64::MAX)
        ])
        .map_err(map)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(map)? {
        let record: [u8; 16] = row
            .get_ref(0)
            .map_err(map)?
            .as_blob()
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or(StoreError::Integrity("an audit ref is not a 16-byte id"))?;
        let seq: i64 = row.get(1).map_err(map)?;
        let seq = u64::try_from(seq)
            .map_err(|_| StoreError::Integrity("an audit ref names a negative seq"))?;
        out.push((RecordId::from_bytes(record), seq));
    }
    Ok(out)
}

/// Insert `(record, seq)` lookup entries; a repeated one is one entry, not an error.
fn insert_refs<'a>(
    conn: &Connection,
    refs: impl IntoIterator<Item = (&'a [u8], i64)>,
) -> Result<(), StoreError> {
    let mut stmt = conn
        .prepare_cached(
            "INSERT INTO audit_refs (record, seq) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
        )
        .map_err(map)?;
    for (record, seq) in refs {
        stmt.execute(params![record, seq]).map_err(map)?;
    }
    Ok(())
}

/// Merge the unmerged events once there are [`MERGE_EVERY`] of them; `head` is the
/// highest `seq` this transaction appended.
pub(crate) fn merge_if_due(conn: &Connection, merged: i64, head: i64) -> Result<(), StoreError> {
    if head.saturating_sub(merged) < MERGE_EVERY {
        return Ok(());
    }
    let mut pairs: Vec<(Vec<u8>, i64)> = Vec::new();
    let mut last = merged;
    each_event_refs(
        conn,
        "SELECT seq, refs FROM audit_events WHERE seq > ?1 ORDER BY seq",
        merged,
        |seq, refs| {
            pairs.extend(refs.chunks_exact(16).map(|id| (id.to_vec(), seq)));
            last = seq;
            Ok(())
        },
    )?;
    // Key order: consecutive inserts land on the same leaf page.
    pairs.sort_unstable();
    insert_refs(conn, pairs.iter().map(|(record, seq)| (&record[..], *seq)))?;
    conn.prepare_cached("UPDATE audit_refs_through SET seq = ?1 WHERE one = 1")
        .and_then(|mut s| s.execute([last]))
        .map_err(map)?;
    Ok(())
}

/// Run `sql`, which selects `seq, refs` of events bounded by `?1`, and hand each
/// event's `seq` and refs blob (16-byte ids) to `each`.
pub(crate) fn each_event_refs(
    conn: &Connection,
    sql: &str,
    bound: i64,
    mut each: impl FnMut(i64, &[u8]) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    let mut stmt = conn.prepare_cached(sql).map_err(map)?;
    let mut rows = stmt.query([bound]).map_err(map)?;
    while let Some(row) = rows.next().map_err(map)? {
        let seq: i64 = row.get(0).map_err(map)?;
        let refs = row
            .get_ref(1)
            .map_err(map)?
            .as_blob()
            .map_err(|_| StoreError::Integrity("stored audit refs are not a blob"))?;
        each(seq, refs)?;
    }
    Ok(())
}

/// Unmerged events above `merged` and below `before` that name `id` and pass the
/// query's other filters, newest first, at most `max`. `instr` only narrows the scan:
/// a match must be one of the event's 16-byte ids, not bytes straddling two of them.
pub(crate) fn unmerged_matches(
    conn: &Connection,
    q: &AuditQuery,
    id: RecordId,
    merged: i64,
    before: i64,
    max: usize,
) -> Result<Vec<AuditRow>, StoreError> {
    let mut stmt = conn.prepare_cached(UNMERGED_BY_RECORD).map_err(map)?;
    let mut rows = stmt
        .query(params![
            merged,
            before,
            &id.as_bytes()[..],
            q.principal,
            q.action,
            q.since.unwrap_or(i64::MIN),
            q.until.unwrap_or(i64::MAX),
        ])
        .map_err(map)?;
    let mut out = Vec::new();
    while out.len() < max {
        let Some(row) = rows.next().map_err(map)? else {
            break;
        };
        let found = event(row)?;
        if found.refs.contains(&id) {
            out.push(found);
        }
    }
    Ok(out)
}

/// The unary `+` keeps SQLite on the `seq` range: the time index would read the
/// whole log.
pub(crate) const UNMERGED_BY_RECORD: &str =
    "SELECT seq, time, principal, action, refs, body, hash FROM audit_events
    WHERE seq > ?1 AND seq < ?2 AND instr(refs, ?3) > 0
      AND (?4 IS NULL OR principal = ?4) AND (?5 IS NULL OR action = ?5)
      AND +time >= ?6 AND +time < ?7
    ORDER BY seq DESC";

#[cfg(test)]
mod tests;
