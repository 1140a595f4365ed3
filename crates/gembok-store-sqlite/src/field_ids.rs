//! The small integers that stand for (collection, field) pairs in the blind index.
//!
//! Every blind-index key starts with a `field_id` from the `index_fields` table instead
//! of the two names. A write creates the id of a pair on first use. Rows of
//! `index_fields` are never deleted or renumbered, so an id that has been *committed*
//! stays right for the life of the file, also when other `SqliteStore`s or processes
//! share it, and the store may cache it. An id created by a transaction that then rolls
//! back must never reach the cache: SQLite could later give the same number to another
//! pair. Write transactions therefore collect what they resolve in a [`TxFieldIds`],
//! and the store publishes it to the shared [`FieldIds`] cache only after the commit.
//! A pair missing from the cache is always looked up in the database, never assumed
//! absent.

use crate::errors::map;
use gembok_store::StoreError;
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::HashMap;
use std::sync::{PoisonError, RwLock};

/// Committed field ids, by collection then field.
#[derive(Default)]
pub(crate) struct FieldIds {
    committed: RwLock<HashMap<String, HashMap<String, i64>>>,
}

impl FieldIds {
    fn cached(&self, collection: &str, field: &str) -> Option<i64> {
        let map = self
            .committed
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        map.get(collection)?.get(field).copied()
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
            map.entry(collection).or_default().insert(field, id);
        }
    }
}

/// The field ids one write transaction uses, and the ones it had to ask the database
/// for (to publish after commit).
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

    /// The id of (collection, field), created if the pair has none yet. `conn` must be
    /// inside the write transaction, which holds the database's write lock, so the
    /// insert and the select below see the same state.
    pub(crate) fn resolve(
        &mut self,
        conn: &Connection,
        collection: &'m str,
        field: &'m str,
    ) -> Result<i64, StoreError> {
        if let Some(id) = self.local.get(&(collection, field)) {
            return Ok(*id);
        }
        let id = match self.cache.cached(collection, field) {
            Some(id) => id,
            None => {
                let id = create(conn, collection, field)?;
                self.learned
                    .push((collection.to_owned(), field.to_owned(), id));
                id
            }
        };
        self.local.insert((collection, field), id);
        Ok(id)
    }

    /// What to publish once the transaction has committed.
    pub(crate) fn into_learned(self) -> Vec<(String, String, i64)> {
        self.learned
    }
}

fn create(conn: &Connection, collection: &str, field: &str) -> Result<i64, StoreError> {
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
