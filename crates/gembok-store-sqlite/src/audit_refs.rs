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
mod tests {
    use super::*;
    use crate::SqliteStore;
    use gembok_store::{Mutation, Store};

    fn row(seq: u64, refs: Vec<RecordId>) -> AuditRow {
        AuditRow {
            seq,
            time: 1_000 + i64::try_from(seq).unwrap(),
            principal: "p".into(),
            action: "record.read".into(),
            refs,
            body: vec![1],
            hash: vec![0; 32],
        }
    }

    fn append(store: &SqliteStore, rows: Vec<AuditRow>) {
        let batch: Vec<Mutation> = rows.into_iter().map(Mutation::AppendAudit).collect();
        store.apply(&batch).unwrap();
    }

    /// Every page of a record's history, newest first, following the cursor.
    fn history(store: &SqliteStore, id: RecordId, page: usize) -> Vec<u64> {
        let q = AuditQuery {
            record: Some(id),
            ..AuditQuery::default()
        };
        let mut seqs = Vec::new();
        let mut before = None;
        loop {
            let rows = store.audit_query(&q, before, page).unwrap();
            seqs.extend(rows.iter().map(|r| r.seq));
            if rows.len() < page {
                return seqs;
            }
            before = rows.last().map(|r| r.seq);
        }
    }

    fn mark(store: &SqliteStore) -> (i64, i64) {
        let conn = Connection::open(store.path()).unwrap();
        let merged = through(&conn).unwrap();
        let indexed: i64 = conn
            .query_row("SELECT count(*) FROM audit_refs", [], |r| r.get(0))
            .unwrap();
        (merged, indexed)
    }

    #[test]
    fn history_reads_merged_and_unmerged_events_as_one() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("v.db")).unwrap();
        let (a, b) = (RecordId::generate(), RecordId::generate());
        for seq in 1..=30_u64 {
            let refs = match seq % 3 {
                0 => vec![a, b],
                1 => vec![a],
                _ => vec![b],
            };
            append(&store, vec![row(seq, refs)]);
            let (merged, _) = mark(&store);
            // Merged only once MERGE_EVERY events wait, and then all of them.
            assert!(i64::try_from(seq).unwrap() - merged < MERGE_EVERY);
        }
        let (merged, indexed) = mark(&store);
        assert!(merged > 0 && merged < 30, "{merged}");
        // Two refs for each third event, one for the others.
        assert_eq!(indexed, merged + merged / 3);
        let want_a: Vec<u64> = (1..=30).rev().filter(|s| s % 3 != 2).collect();
        let want_b: Vec<u64> = (1..=30).rev().filter(|s| s % 3 != 1).collect();
        for page in [1, 2, 3, 7, 100] {
            assert_eq!(history(&store, a, page), want_a, "page {page}");
            assert_eq!(history(&store, b, page), want_b, "page {page}");
        }
        let only_late = AuditQuery {
            record: Some(a),
            since: Some(1_025),
            ..AuditQuery::default()
        };
        let late: Vec<u64> = store
            .audit_query(&only_late, None, 100)
            .unwrap()
            .iter()
            .map(|r| r.seq)
            .collect();
        assert_eq!(late, [30, 28, 27, 25]);
    }

    #[test]
    fn one_large_append_is_merged_in_its_own_transaction() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("v.db")).unwrap();
        let a = RecordId::generate();
        append(&store, (1..=20).map(|seq| row(seq, vec![a])).collect());
        assert_eq!(mark(&store), (20, 20));
        assert_eq!(history(&store, a, 6), (1..=20).rev().collect::<Vec<_>>());
    }

    #[test]
    fn bytes_straddling_two_ids_are_not_a_match() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("v.db")).unwrap();
        let (x, y) = (RecordId::generate(), RecordId::generate());
        let mut straddle = x.as_bytes()[8..].to_vec();
        straddle.extend_from_slice(&y.as_bytes()[..8]);
        let ghost = RecordId::from_bytes(straddle.try_into().unwrap());
        append(&store, vec![row(1, vec![x, y])]);
        assert_eq!(mark(&store).0, 0, "still unmerged");
        assert!(history(&store, ghost, 10).is_empty());
        assert_eq!(history(&store, y, 10), [1]);
    }

    #[test]
    fn an_event_below_the_mark_is_indexed_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("v.db")).unwrap();
        let a = RecordId::generate();
        append(&store, (100..=120).map(|seq| row(seq, vec![])).collect());
        assert_eq!(mark(&store).0, 120);
        append(&store, vec![row(50, vec![a])]);
        assert_eq!(history(&store, a, 10), [50]);
    }

    #[test]
    fn pruning_past_the_mark_leaves_the_rest_findable() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("v.db")).unwrap();
        let a = RecordId::generate();
        append(&store, (1..=10).map(|seq| row(seq, vec![a])).collect());
        append(&store, (11..=14).map(|seq| row(seq, vec![a])).collect());
        assert_eq!(mark(&store), (10, 10));
        store
            .apply(&[Mutation::PruneAudit { through: 12 }])
            .unwrap();
        assert_eq!(history(&store, a, 10), [14, 13]);
        assert_eq!(mark(&store).1, 0, "pruned refs are gone from the index");
        append(&store, (15..=30).map(|seq| row(seq, vec![a])).collect());
        assert_eq!(history(&store, a, 4), (13..=30).rev().collect::<Vec<_>>());
    }
}
