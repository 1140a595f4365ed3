//! The cache of blind-index field ids, shared by the SQL backends.
//!
//! A backend gives each (collection, field) pair a numeric id on first use and never
//! deletes or renumbers it, so an id that has been *committed* may be cached for the
//! life of the store. An id seen inside a transaction that later rolls back must never
//! reach the cache: the database could give the same number to another pair. A write
//! transaction therefore resolves ids through a [`TxFieldIds`], which remembers what
//! it had to ask the database for, and the store [`publish`](FieldIds::publish)es that
//! to the shared [`FieldIds`] only after the commit. A pair missing from the cache is
//! always asked of the database, never assumed absent. The SQL itself stays in the
//! backends.

use std::collections::HashMap;
use std::sync::{PoisonError, RwLock};

/// Committed field ids, by collection then field.
#[derive(Default)]
pub struct FieldIds {
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

    /// Remember ids that a committed transaction resolved
    /// (from [`TxFieldIds::into_learned`]).
    pub fn publish(&self, learned: Vec<(String, String, i64)>) {
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
pub struct TxFieldIds<'c, 'm> {
    cache: &'c FieldIds,
    local: HashMap<(&'m str, &'m str), i64>,
    learned: Vec<(String, String, i64)>,
}

impl<'c, 'm> TxFieldIds<'c, 'm> {
    /// Start with nothing resolved, reading committed ids from `cache`.
    pub fn new(cache: &'c FieldIds) -> Self {
        Self {
            cache,
            local: HashMap::new(),
            learned: Vec::new(),
        }
    }

    /// The id of (collection, field). When neither this transaction nor the cache
    /// knows it, `fetch(collection, field)` asks the database (inside the transaction),
    /// creating the id if the pair has none yet; a failed fetch is remembered nowhere.
    pub fn resolve<E>(
        &mut self,
        collection: &'m str,
        field: &'m str,
        fetch: impl FnOnce(&str, &str) -> Result<i64, E>,
    ) -> Result<i64, E> {
        if let Some(id) = self.local.get(&(collection, field)) {
            return Ok(*id);
        }
        let id = match self.cache.cached(collection, field) {
            Some(id) => id,
            None => {
                let id = fetch(collection, field)?;
                self.learned
                    .push((collection.to_owned(), field.to_owned(), id));
                id
            }
        };
        self.local.insert((collection, field), id);
        Ok(id)
    }

    /// What to publish once the transaction has committed.
    pub fn into_learned(self) -> Vec<(String, String, i64)> {
        self.learned
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    /// A fake database: counts the fetches and hands out ids from 10.
    fn fetcher(calls: &Cell<i64>) -> impl Fn(&str, &str) -> Result<i64, &'static str> + '_ {
        |_, _| {
            calls.set(calls.get() + 1);
            Ok(9 + calls.get())
        }
    }

    #[test]
    fn a_transaction_asks_once_per_pair() {
        let cache = FieldIds::default();
        let calls = Cell::new(0);
        let fetch = fetcher(&calls);
        let mut tx = TxFieldIds::new(&cache);
        assert_eq!(tx.resolve("people", "nik", &fetch), Ok(10));
        assert_eq!(tx.resolve("people", "nik", &fetch), Ok(10));
        assert_eq!(tx.resolve("people", "phone", &fetch), Ok(11));
        assert_eq!(tx.resolve("orders", "nik", &fetch), Ok(12));
        assert_eq!(calls.get(), 3);
        assert_eq!(
            tx.into_learned(),
            vec![
                ("people".into(), "nik".into(), 10),
                ("people".into(), "phone".into(), 11),
                ("orders".into(), "nik".into(), 12),
            ]
        );
    }

    #[test]
    fn only_published_ids_are_cached() {
        let cache = FieldIds::default();
        let calls = Cell::new(0);
        let fetch = fetcher(&calls);

        // Rolled back: never published, so the next transaction asks again.
        let mut rolled_back = TxFieldIds::new(&cache);
        rolled_back.resolve("people", "nik", &fetch).unwrap();
        drop(rolled_back);

        let mut committed = TxFieldIds::new(&cache);
        assert_eq!(committed.resolve("people", "nik", &fetch), Ok(11));
        cache.publish(committed.into_learned());
        assert_eq!(calls.get(), 2);

        let mut later = TxFieldIds::new(&cache);
        assert_eq!(later.resolve("people", "nik", &fetch), Ok(11));
        assert_eq!(calls.get(), 2);
        assert!(later.into_learned().is_empty());
    }

    #[test]
    fn a_failed_fetch_is_not_remembered() {
        let cache = FieldIds::default();
        let mut tx = TxFieldIds::new(&cache);
        assert_eq!(tx.resolve("people", "nik", |_, _| Err("down")), Err("down"));
        assert_eq!(tx.resolve("people", "nik", |_, _| Ok::<_, ()>(4)), Ok(4));
        assert_eq!(tx.into_learned(), vec![("people".into(), "nik".into(), 4)]);
    }
}
