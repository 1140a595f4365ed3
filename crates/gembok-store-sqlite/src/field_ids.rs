//! The small integers that stand for (collection, field) pairs in the blind index.
//!
//! Every blind-index key starts with a `field_id` from the `index_fields` table instead
//! of the two names. A write creates the id of a pair on first use. Rows of
//! `index_fields` are never deleted or renumbered, so an id that has been *committed*
//! stays right for the life of the file, also when other `SqliteStore`s or processes
//! share it, and the store may cache it. The cache, and the rule that only committed
//! ids reach it, is [`gembok_store::field_ids`]; this module holds the SQL.

use crate::errors::map;
pub(crate) use gembok_store::field_ids::{FieldIds, TxFieldIds};
use gembok_store::StoreError;
use rusqlite::{params, Connection, OptionalExtension};

/// The id of (collection, field), created if the pair has none yet: the fetch behind
/// [`TxFieldIds::resolve`]. `conn` must be inside the write transaction, which holds
/// the database's write lock, so the insert and the select below see the same state.
pub(crate) fn create(conn: &Connection, collection: &str, field: &str) -> Result<i64, StoreError> {
    conn.prepare_cached("INSERT OR IGNORE INTO index_fields (collection, field) VALUES (?1, ?2)")
        .and_then(|mut s| s.execute(params![collection, field]))
        .map_err(map)?;
    lookup(conn, collection, field)?.ok_or(StoreError::Integrity(
        "index field id vanished after insert",
    ))
}

/// The id of (collection, field) if one was ever created.
pub(crate) fn lookup(
    conn: &Connection,
    collection: &str,
    field: &str,
) -> Result<Option<i64>, StoreError> {
    conn.prepare_cached("SELECT id FROM index_fields WHERE collection = ?1 AND field = ?2")
        .and_then(|mut s| {
            s.query_row(params![collection, field], |r| r.get(0))
                .optional()
        })
        .map_err(map)
}
