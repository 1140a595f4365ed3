//! Equality search through the blind index: record ids alone, or the matching records
//! in the same statement.
//!
//! Both queries name the field by its (collection, field) pair and let SQLite turn it
//! into the `field_id` with a subquery on the small `index_fields` table. That keeps a
//! search to one statement and needs no cache on the read side: a pair that has never
//! been indexed has no id, the subquery is NULL and nothing matches. Each search also
//! reads `blind_staged`, where a bulk load keeps entries until it merges them (see
//! [`crate::blind_staged`]); outside an import that table is empty.

use crate::errors::{map, record_id};
use crate::read::raw;
use gembok_store::{SealedRecord, StoreError};
use gembok_types::RecordId;
use rusqlite::{params, Connection};

/// Where entries are: the staging table of a bulk load (empty but during one, see
/// [`crate::blind_staged`]), then the index. In this order no snapshot is needed: a
/// merge only moves entries from the first to the second, so one that moves between
/// the two statements is read twice (and deduplicated), never missed.
const TABLES: [&str; 2] = ["blind_staged", "blind_index"];

pub(crate) fn find(
    conn: &Connection,
    collection: &str,
    field: &str,
    digest: &[u8],
) -> Result<Vec<RecordId>, StoreError> {
    let mut out = Vec::new();
    for table in TABLES {
        let mut stmt = conn
            .prepare_cached(&format!(
                "SELECT record_id FROM {table}
                 WHERE field_id = (SELECT id FROM index_fields
                                   WHERE collection = ?1 AND field = ?2)
                   AND digest = ?3
                 ORDER BY record_id"
            ))
            .map_err(map)?;
        let rows = stmt
            .query_map(params![collection, field, digest], |r| {
                r.get::<_, Vec<u8>>(0)
            })
            .map_err(map)?;
        for id in rows {
            out.push(record_id(id.map_err(map)?)?);
        }
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

/// The records of `collection` that the index maps (field, digest) to, in id order.
/// Entries whose record does not exist in `collection` are skipped by the join.
pub(crate) fn find_records(
    conn: &Connection,
    collection: &str,
    field: &str,
    digest: &[u8],
    wanted: Option<&[&str]>,
) -> Result<Vec<SealedRecord>, StoreError> {
    let mut out: Vec<SealedRecord> = Vec::new();
    for table in TABLES {
        let mut stmt = conn
            .prepare_cached(&format!(
                "SELECT r.id, r.subject, r.created_at, r.updated_at, r.min_key_version, r.fields
                 FROM {table} AS b
                 JOIN records AS r ON r.collection = ?1 AND r.id = b.record_id
                 WHERE b.field_id = (SELECT id FROM index_fields
                                     WHERE collection = ?1 AND field = ?2)
                   AND b.digest = ?3
                 ORDER BY b.record_id"
            ))
            .map_err(map)?;
        let rows = stmt
            .query_map(params![collection, field, digest], |r| raw(r, true))
            .map_err(map)?;
        for r in rows {
            out.push(r.map_err(map)?.record(collection, wanted)?);
        }
    }
    out.sort_by_key(|r| r.meta.id);
    out.dedup_by_key(|r| r.meta.id);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use crate::migrations::migrate;
    use rusqlite::Connection;

    /// The plan of a statement, one detail line per step.
    fn plan(conn: &Connection, sql: &str) -> String {
        let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        let rows = stmt
            .query_map([], |r| r.get::<_, String>(3))
            .unwrap()
            .collect::<rusqlite::Result<Vec<_>>>()
            .unwrap();
        rows.join("\n")
    }

    /// Both searches seek the primary key of `blind_index` (and of `records`) and need
    /// no sort step: the key order already is record-id order for one digest.
    #[test]
    fn searches_seek_the_index_without_sorting() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        for sql in [
            "SELECT record_id FROM blind_index
             WHERE field_id = (SELECT id FROM index_fields WHERE collection = 'c' AND field = 'f')
               AND digest = x'00' ORDER BY record_id",
            "SELECT r.id, r.fields FROM blind_index AS b
             JOIN records AS r ON r.collection = 'c' AND r.id = b.record_id
             WHERE b.field_id = (SELECT id FROM index_fields WHERE collection = 'c' AND field = 'f')
               AND b.digest = x'00' ORDER BY b.record_id",
        ] {
            let plan = plan(&conn, sql);
            assert!(
                plan.contains("SEARCH b USING PRIMARY KEY (field_id=? AND digest=?)")
                    || plan
                        .contains("SEARCH blind_index USING PRIMARY KEY (field_id=? AND digest=?)"),
                "{plan}"
            );
            assert!(!plan.contains("TEMP B-TREE"), "{plan}");
            assert!(!plan.contains("SCAN"), "{plan}");
        }
    }
}
