//! The small integers that stand for (collection, field) pairs in the blind index.
//!
//! As in the SQLite backend, a pair gets its id in `index_fields` on first use and
//! ids are never deleted or renumbered, so committed ids may be cached. An id seen
//! inside a transaction that later rolls back must not reach the cache, so each
//! transaction collects what it learned and the store publishes it after the commit.
//!
//! New ids are `max(id) + 1`, not a sequence: CockroachDB's `SERIAL` yields huge
//! numbers, and the per-record key lists store ids in four bytes. Two transactions
//! picking the same number collide on the primary key inside SERIALIZABLE, and the
//! loser is repeated by the retry loop.

use crate::errors::Failure;
use crate::session::Sql;
use std::collections::HashMap;
use std::sync::{PoisonError, RwLock};

/// Committed field ids, by (collection, field).
#[derive(Default)]
pub(crate) struct FieldIds {
    committed: RwLock<HashMap<(String, String), i64>>,
}

impl FieldIds {
    fn cached(&self, collection: &str, field: &str) -> Option<i64> {
        let map = self
            .committed
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        map.get(&(collection.to_owned(), field.to_owned())).copied()
    }

    /// Remember ids that a committed transaction resolved.
    pub(crate) fn publish(&self, learned: Vec<(String, String, i64)>) {
        if learned.is_empty() {
            return;
        }
        let mut map = self
            .committed
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        for (collection, field, id) in learned {
            map.insert((collection, field), id);
        }
    }
}

/// The field ids one write transaction uses, and those it asked the database for.
pub(crate) struct TxFieldIds<'c, 'm> {
    cache: &'c FieldIds,
    local: HashMap<(&'m str, &'m str), i64>,
    learned: Vec<(String, String, i64)>,
}

impl<'c, 'm> TxFieldIds<'c, 'm> {
    pub(crate) fn new(cache: &'c FieldIds) -> Self {
        Self {
            cache,
            local: HashMap::new(),
            learned: Vec::new(),
        }
    }

    /// The id of (collection, field), created if the pair has none yet.
    pub(crate) fn resolve(
        &mut self,
        tx: &mut impl Sql,
        collection: &'m str,
        field: &'m str,
    ) -> Result<i64, Failure> {
        if let Some(id) = self.local.get(&(collection, field)) {
            return Ok(*id);
        }
        let id = match self.cache.cached(collection, field) {
            Some(id) => id,
            None => {
                let id = match lookup(tx, collection, field)? {
                    Some(id) => id,
                    None => create(tx, collection, field)?,
                };
                self.learned
                    .push((collection.to_owned(), field.to_owned(), id));
                id
            }
        };
        self.local.insert((collection, field), id);
        Ok(id)
    }

    pub(crate) fn into_learned(self) -> Vec<(String, String, i64)> {
        self.learned
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
