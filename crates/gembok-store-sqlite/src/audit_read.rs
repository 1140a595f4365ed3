//! Reading the audit chain: the head, pages of events in `seq` order for
//! verification and export, filtered queries newest first, checkpoints, and the
//! retention boundary.
//!
//! Every statement is cached on its reader connection. A filtered query is driven by
//! one indexed filter, the most selective kind first (record refs, then principal,
//! then action, then time); the other filters are checked on the rows that index
//! yields, written `(?n IS NULL OR ...)` or with a unary `+` so that SQLite cannot
//! pick them as the index instead. One statement per driver keeps the set of
//! statements small and fixed.

use crate::audit_refs;
use crate::audit_write::clamped_seq;
use crate::connection::one_snapshot;
use crate::errors::{limit, map};
use gembok_store::{AuditCheckpoint, AuditQuery, AuditRow, StoreError};
use rusqlite::types::ValueRef;
use rusqlite::{params, Connection, OptionalExtension, Row};

/// `seq, time, principal, action, refs, body, hash` of a row, checked.
pub(crate) fn event(row: &Row<'_>) -> Result<AuditRow, StoreError> {
    let seq: i64 = row.get(0).map_err(map)?;
    let refs = match row.get_ref(4).map_err(map)? {
        ValueRef::Blob(b) => decode_refs(b)?,
        _ => return Err(StoreError::Integrity("stored audit refs are not a blob")),
    };
    Ok(AuditRow {
        seq: u64::try_from(seq)
            .map_err(|_| StoreError::Integrity("stored audit seq is negative"))?,
        time: row.get(1).map_err(map)?,
        principal: row.get(2).map_err(map)?,
        action: row.get(3).map_err(map)?,
        refs,
        body: row.get(5).map_err(map)?,
        hash: row.get(6).map_err(map)?,
    })
}

fn decode_refs(blob: &[u8]) -> Result<Vec<gembok_types::RecordId>, StoreError> {
    if !blob.len().is_multiple_of(16) {
        return Err(StoreError::Integrity(
            "stored audit refs are not 16-byte ids",
        ));
    }
    // Whole chunks of 16 bytes, so each converts to an id without a copy on the heap.
    Ok(blob
        .chunks_exact(16)
        .filter_map(|id| <[u8; 16]>::try_from(id).ok())
        .map(gembok_types::RecordId::from_bytes)
        .collect())
}

fn collect(
    stmt: &mut rusqlite::CachedStatement<'_>,
    params: impl rusqlite::Params,
    capacity: usize,
) -> Result<Vec<AuditRow>, StoreError> {
    let mut rows = stmt.query(params).map_err(map)?;
    let mut out = Vec::with_capacity(capacity.min(4096));
    while let Some(row) = rows.next().map_err(map)? {
        out.push(event(row)?);
    }
    Ok(out)
}

pub(crate) fn head(conn: &Connection) -> Result<Option<(u64, Vec<u8>)>, StoreError> {
    let found: Option<(i64, Vec<u8>)> = conn
        .prepare_cached("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1")
        .and_then(|mut s| s.query_row([], |r| Ok((r.get(0)?, r.get(1)?))).optional())
        .map_err(map)?;
    found
        .map(|(seq, hash)| {
            u64::try_from(seq)
                .map(|seq| (seq, hash))
                .map_err(|_| StoreError::Integrity("stored audit seq is negative"))
        })
        .transpose()
}

pub(crate) fn events(
    conn: &Connection,
    after: u64,
    max: usize,
) -> Result<Vec<AuditRow>, StoreError> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT seq, time, principal, action, refs, body, hash FROM audit_events
             WHERE seq > ?1 ORDER BY seq LIMIT ?2",
        )
        .map_err(map)?;
    collect(&mut stmt, params![clamped_seq(after), limit(max)], max)
}

/// Parameters: ?1 record, ?2 before, ?3 principal, ?4 action, ?5 since, ?6 until,
/// ?7 limit; absent text filters are NULL, absent times the widest bounds. A
/// statement leaves out the filters that [`query_sql`] already knows are absent.
const BY_RECORD: &str = "SELECT e.seq, e.time, e.principal, e.action, e.refs, e.body, e.hash
    FROM audit_refs AS r JOIN audit_events AS e ON e.seq = r.seq
    WHERE r.record = ?1 AND r.seq < ?2
      AND (?3 IS NULL OR e.principal = ?3) AND (?4 IS NULL OR e.action = ?4)
      AND +e.time >= ?5 AND +e.time < ?6
    ORDER BY r.seq DESC LIMIT ?7";
const BY_PRINCIPAL: &str = "SELECT seq, time, principal, action, refs, body, hash
    FROM audit_events
    WHERE principal = ?3 AND seq < ?2 AND (?4 IS NULL OR action = ?4)
      AND +time >= ?5 AND +time < ?6
    ORDER BY seq DESC LIMIT ?7";
const BY_ACTION: &str = "SELECT seq, time, principal, action, refs, body, hash
    FROM audit_events
    WHERE action = ?4 AND seq < ?2 AND +time >= ?5 AND +time < ?6
    ORDER BY seq DESC LIMIT ?7";
const BY_TIME: &str = "SELECT seq, time, principal, action, refs, body, hash
    FROM audit_events
    WHERE time >= ?5 AND time < ?6 AND seq < ?2
    ORDER BY seq DESC LIMIT ?7";
const NEWEST: &str = "SELECT seq, time, principal, action, refs, body, hash
    FROM audit_events
    WHERE seq < ?2
    ORDER BY seq DESC LIMIT ?7";

/// The statement that answers `q` through its most selective indexed filter.
pub(crate) fn query_sql(q: &AuditQuery) -> &'static str {
    if q.record.is_some() {
        BY_RECORD
    } else if q.principal.is_some() {
        BY_PRINCIPAL
    } else if q.action.is_some() {
        BY_ACTION
    } else if q.since.is_some() || q.until.is_some() {
        BY_TIME
    } else {
        NEWEST
    }
}

pub(crate) fn query(
    conn: &Connection,
    q: &AuditQuery,
    before: Option<u64>,
    max: usize,
) -> Result<Vec<AuditRow>, StoreError> {
    let mut before = before.map_or(i64::MAX, clamped_seq);
    // By record: the unmerged events above the mark, then the index below it, both
    // in one read transaction so that a merge between them cannot hide an event.
    let _snapshot = match q.record {
        Some(_) => one_snapshot(conn)?,
        None => None,
    };
    let mut found = Vec::new();
    if let Some(id) = q.record {
        let merged = audit_refs::through(conn)?;
        found = audit_refs::unmerged_matches(conn, q, id, merged, before, max)?;
        before = before.min(merged.saturating_add(1));
    }
    let max = max - found.len();
    if max == 0 {
        return Ok(found);
    }
    let mut stmt = conn.prepare_cached(query_sql(q)).map_err(map)?;
    let record = q.record.map(|id| id.as_bytes().to_vec());
    found.extend(collect(
        &mut stmt,
        params![
            record,
            before,
            q.principal,
            q.action,
            q.since.unwrap_or(i64::MIN),
            q.until.unwrap_or(i64::MAX),
            limit(max),
        ],
        max,
    )?);
    Ok(found)
}

pub(crate) fn checkpoints(
    conn: &Connection,
    after: u64,
    max: usize,
) -> Result<Vec<AuditCheckpoint>, StoreError> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT seq, hash, time, key_id, signature FROM audit_checkpoints
             WHERE seq > ?1 ORDER BY seq LIMIT ?2",
        )
        .map_err(map)?;
    let rows = stmt
        .query_map(params![clamped_seq(after), limit(max)], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
            ))
        })
        .map_err(map)?;
    rows.map(|r| {
        let (seq, hash, time, key_id, signature) = r.map_err(map)?;
        Ok(AuditCheckpoint {
            seq: u64::try_from(seq)
                .map_err(|_| StoreError::Integrity("stored checkpoint seq is negative"))?,
            hash,
            time,
            key_id,
            signature,
        })
    })
    .collect()
}

/// The time index finds the events older than `before`; retention runs often enough
/// that few are, so `max(seq)` over them reads little.
pub(crate) fn seq_before(conn: &Connection, before: i64) -> Result<Option<u64>, StoreError> {
    let found: Option<i64> = conn
        .prepare_cached("SELECT max(seq) FROM audit_events WHERE time < ?1")
        .and_then(|mut s| s.query_row([before], |r| r.get(0)))
        .map_err(map)?;
    found
        .map(|seq| {
            u64::try_from(seq).map_err(|_| StoreError::Integrity("stored audit seq is negative"))
        })
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::migrations::migrate;

    /// The plan of a statement, one detail line per step (parameters left unbound:
    /// without statistics the plan does not depend on their values).
    fn plan(conn: &Connection, sql: &str) -> String {
        let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        let mut rows = stmt.raw_query();
        let mut lines = Vec::new();
        while let Some(row) = rows.next().unwrap() {
            lines.push(row.get::<_, String>(3).unwrap());
        }
        lines.join("\n")
    }

    /// Each filter drives its query through its own index, already in `seq` order,
    /// so a page reads only the rows it returns (plus those the other filters drop).
    #[test]
    fn audit_queries_seek_their_index_without_sorting() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        let cases = [
            (BY_RECORD, "SEARCH r USING PRIMARY KEY (record=? AND seq<?)"),
            (
                BY_PRINCIPAL,
                "SEARCH audit_events USING INDEX audit_events_by_principal (principal=? AND seq<?)",
            ),
            (
                BY_ACTION,
                "SEARCH audit_events USING INDEX audit_events_by_action (action=? AND seq<?)",
            ),
            (
                NEWEST,
                "SEARCH audit_events USING INTEGER PRIMARY KEY (rowid<?)",
            ),
            (
                audit_refs::UNMERGED_BY_RECORD,
                "SEARCH audit_events USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)",
            ),
        ];
        for (sql, want) in cases {
            let plan = plan(&conn, sql);
            assert!(plan.contains(want), "{plan}");
            assert!(!plan.contains("TEMP B-TREE"), "{plan}");
            assert!(!plan.contains("SCAN"), "{plan}");
        }
        let record_plan = plan(&conn, BY_RECORD);
        assert!(
            record_plan.contains("SEARCH e USING INTEGER PRIMARY KEY (rowid=?)"),
            "{record_plan}"
        );
        let walk = plan(
            &conn,
            "SELECT seq, time, principal, action, refs, body, hash FROM audit_events
             WHERE seq > ?1 ORDER BY seq LIMIT ?2",
        );
        assert!(
            walk.contains("USING INTEGER PRIMARY KEY (rowid>?)"),
            "{walk}"
        );
        assert!(!walk.contains("TEMP B-TREE"), "{walk}");
        let time = plan(&conn, BY_TIME);
        assert!(!time.contains("SCAN"), "{time}");
    }

    #[test]
    fn the_query_follows_the_most_selective_filter() {
        let id = gembok_types::RecordId::generate();
        let all = AuditQuery {
            principal: Some("p".into()),
            action: Some("a".into()),
            record: Some(id),
            since: Some(1),
            until: Some(2),
        };
        assert_eq!(query_sql(&all), BY_RECORD);
        let no_record = AuditQuery {
            record: None,
            ..all.clone()
        };
        assert_eq!(query_sql(&no_record), BY_PRINCIPAL);
        let action_and_time = AuditQuery {
            principal: None,
            ..no_record
        };
        assert_eq!(query_sql(&action_and_time), BY_ACTION);
        let until = AuditQuery {
            until: Some(5),
            ..AuditQuery::default()
        };
        assert_eq!(query_sql(&until), BY_TIME);
        assert_eq!(query_sql(&AuditQuery::default()), NEWEST);
    }
}
