//! The small integers that stand for (collection, field) pairs in the blind index.
//!
//! As in the SQLite backend, a pair gets its id in `index_fields` on first use and
//! ids are never deleted or renumbered, so committed ids may be cached, by
//! [`gembok_store::field_ids`]; this module holds the SQL.
//!
//! New ids are `max(id) + 1`, not a sequence: CockroachDB's `SERIAL` yields huge
//! numbers, and the per-record key lists store ids in four bytes. Two transactions
//! picking the same number collide on the primary key inside SERIALIZABLE, and the
//! loser is repeated by the retry loop.

use crate::errors::Failure;
use crate::session::Sql;
pub(crate) use gembok_store::field_ids::{FieldIds, TxFieldIds};

/// The id of (collection, field), created if the pair has none yet: the fetch behind
/// [`TxFieldIds::resolve`].
pub(crate) fn obtain(tx: &mut impl Sql, collection: &str, field: &str) -> Result<i64, Failure> {
    match lookup(tx, collection, field)? {
        Some(id) => Ok(id),
        None => create(tx, collection, field),
    }
}

fn create(tx: &mut impl Sql, collection: &str, field: &str) -> Result<i64, Failure> {
    let rows = tx.query(
        "INSERT INTO index_fields (id, collection, field)
         SELECT coalesce(max(id), 0) + 1, $1, $2 FROM index_fields
         ON CONFLICT DO NOTHING RETURNING id",
        &[&collection, &field],
    )?;
    match rows.first() {
        Some(row) => Ok(row.try_get(0)?),
        // A concurrent transaction took the number or the pair first.
        None => Err(Failure::Race),
    }
}

/// The id of (collection, field) if one was ever created.
pub(crate) fn lookup(
    tx: &mut impl Sql,
    collection: &str,
    field: &str,
) -> Result<Option<i64>, Failure> {
    let rows = tx.query(
        "SELECT id FROM index_fields WHERE collection = $1 AND field = $2",
        &[&collection, &field],
    )?;
    match rows.first() {
        Some(row) => Ok(Some(row.try_get(0)?)),
        None => Ok(None),
    }
}
