//! [`MemoryStore`]: a small in-memory [`Store`] for tests of the layers above, and the
//! reference that proves the conformance suite assumes nothing about SQL.
//!
//! It keeps fields as [`crate::codec`] blobs like the SQL backends do, and makes
//! [`Store::apply`] atomic the simplest way: work on a copy, swap it in on success.
//! Nothing is durable and every write copies the whole state, so it is for tests only.
//! The state and what each mutation does to it are in `memory_state`, the audit half in
//! `memory_audit`.

use super::memory_state::State;
use crate::codec;
use crate::{
    AuditCheckpoint, AuditQuery, AuditRow, IndexEntry, KeyRecord, Mutation, RecordMeta,
    SchemaVersion, SealedRecord, Store, StoreError,
};
use gembok_types::RecordId;
use std::collections::BTreeSet;
use std::ops::Bound;
use std::sync::{Mutex, MutexGuard, PoisonError};

/// A non-durable [`Store`] held in memory.
#[derive(Default)]
pub struct MemoryStore {
    state: Mutex<State>,
    /// Set on a [`Store::snapshot`] view, which refuses writes.
    read_only: bool,
}

impl std::fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryStore")
            .field("records", &self.lock().records.len())
            .finish_non_exhaustive()
    }
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    /// A copy of the whole state that accepts writes (the suite's self-test uses it
    /// as a snapshot that breaks the contract).
    #[cfg(test)]
    pub(crate) fn writable_copy(&self) -> Self {
        Self {
            state: Mutex::new(self.lock().clone()),
            read_only: false,
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Store for MemoryStore {
    fn backend(&self) -> &'static str {
        "memory"
    }

    fn apply(&self, mutations: &[Mutation]) -> Result<(), StoreError> {
        if self.read_only {
            return Err(StoreError::read_only());
        }
        let mut state = self.lock();
        let mut next = state.clone();
        for mutation in mutations {
            next.apply(mutation)?;
        }
        *state = next;
        Ok(())
    }

    fn get(
        &self,
        collection: &str,
        ids: &[RecordId],
        fields: Option<&[&str]>,
    ) -> Result<Vec<SealedRecord>, StoreError> {
        let state = self.lock();
        let mut out = Vec::new();
        for id in ids {
            if let Some((meta, blob)) = state.records.get(&(collection.to_owned(), *id)) {
                out.push(SealedRecord {
                    meta: meta.clone(),
                    fields: codec::decode_selected(blob, fields)?,
                });
            }
        }
        Ok(out)
    }

    fn find(
        &self,
        collection: &str,
        field: &str,
        digest: &[u8],
    ) -> Result<Vec<RecordId>, StoreError> {
        let state = self.lock();
        Ok(state
            .index
            .iter()
            .filter(|(c, f, d, _)| c == collection && f == field && d == digest)
            .map(|(_, _, _, r)| *r)
            .collect())
    }

    fn list(
        &self,
        collection: &str,
        after: Option<RecordId>,
        limit: usize,
    ) -> Result<Vec<RecordMeta>, StoreError> {
        let state = self.lock();
        Ok(state
            .records_of(collection, after)
            .take(limit)
            .map(|(meta, _)| meta.clone())
            .collect())
    }

    fn below_key_version(
        &self,
        collection: &str,
        below: u32,
        after: Option<RecordId>,
        limit: usize,
    ) -> Result<Vec<SealedRecord>, StoreError> {
        let state = self.lock();
        state
            .records_of(collection, after)
            .filter(|(meta, _)| meta.min_key_version < below)
            .take(limit)
            .map(|(meta, blob)| {
                Ok(SealedRecord {
                    meta: meta.clone(),
                    fields: codec::decode(blob)?,
                })
            })
            .collect()
    }

    fn subject_records(
        &self,
        collection: &str,
        subject: RecordId,
    ) -> Result<Vec<RecordMeta>, StoreError> {
        Ok(self
            .lock()
            .records_of(collection, None)
            .filter(|(meta, _)| meta.subject == subject)
            .map(|(meta, _)| meta.clone())
            .collect())
    }

    fn updated_before(
        &self,
        collection: &str,
        before: i64,
        after: Option<RecordId>,
        limit: usize,
    ) -> Result<Vec<RecordMeta>, StoreError> {
        Ok(self
            .lock()
            .records_of(collection, after)
            .filter(|(meta, _)| meta.updated_at < before)
            .take(limit)
            .map(|(meta, _)| meta.clone())
            .collect())
    }

    /// Deleted values are dropped with the state they lived in; nothing is on disk.
    fn scrub(&self) -> Result<(), StoreError> {
        if self.read_only {
            return Err(StoreError::read_only());
        }
        Ok(())
    }

    /// A copy of the whole state: nothing written later reaches it.
    fn snapshot(&self) -> Result<Box<dyn Store + '_>, StoreError> {
        if self.read_only {
            return Err(StoreError::read_only());
        }
        Ok(Box::new(MemoryStore {
            state: Mutex::new(self.lock().clone()),
            read_only: true,
        }))
    }

    fn count(&self, collection: &str) -> Result<u64, StoreError> {
        Ok(self.lock().records_of(collection, None).count() as u64)
    }

    fn keys(&self) -> Result<Vec<KeyRecord>, StoreError> {
        Ok(self.lock().keys.values().cloned().collect())
    }

    fn schemas(&self) -> Result<Vec<SchemaVersion>, StoreError> {
        Ok(self.lock().schemas.values().cloned().collect())
    }

    fn setting(&self, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.lock().settings.get(name).cloned())
    }

    fn settings(&self) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        Ok(self
            .lock()
            .settings
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect())
    }

    fn doc_kinds(&self) -> Result<Vec<String>, StoreError> {
        let kinds: BTreeSet<String> = self.lock().docs.keys().map(|(k, _)| k.clone()).collect();
        Ok(kinds.into_iter().collect())
    }

    fn collections(&self) -> Result<Vec<String>, StoreError> {
        let state = self.lock();
        let mut out: BTreeSet<String> = state.records.keys().map(|(c, _)| c.clone()).collect();
        out.extend(state.index.iter().map(|(c, _, _, _)| c.clone()));
        Ok(out.into_iter().collect())
    }

    fn index_entries(
        &self,
        collection: &str,
        after: Option<&IndexEntry>,
        limit: usize,
    ) -> Result<Vec<IndexEntry>, StoreError> {
        let state = self.lock();
        let start = match after {
            Some(e) => Bound::Excluded((
                collection.to_owned(),
                e.field.clone(),
                e.digest.clone(),
                e.record,
            )),
            None => Bound::Included((
                collection.to_owned(),
                String::new(),
                Vec::new(),
                RecordId::from_bytes([0; 16]),
            )),
        };
        Ok(state
            .index
            .range((start, Bound::Unbounded))
            .take_while(|(c, _, _, _)| c == collection)
            .take(limit)
            .map(|(c, f, d, r)| IndexEntry {
                collection: c.clone(),
                field: f.clone(),
                digest: d.clone(),
                record: *r,
            })
            .collect())
    }

    fn doc(&self, kind: &str, id: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self
            .lock()
            .docs
            .get(&(kind.to_owned(), id.to_owned()))
            .cloned())
    }

    fn docs(&self, kind: &str) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        Ok(self
            .lock()
            .docs
            .range((kind.to_owned(), String::new())..)
            .take_while(|((k, _), _)| k == kind)
            .map(|((_, id), body)| (id.clone(), body.clone()))
            .collect())
    }

    fn check_integrity(&self) -> Result<(), StoreError> {
        let state = self.lock();
        for (_, blob) in state.records.values() {
            codec::decode(blob)?;
        }
        Ok(())
    }

    fn audit_head(&self) -> Result<Option<(u64, Vec<u8>)>, StoreError> {
        Ok(self.lock().audit.head())
    }

    fn audit_events(&self, after: u64, limit: usize) -> Result<Vec<AuditRow>, StoreError> {
        Ok(self.lock().audit.events(after, limit))
    }

    fn audit_query(
        &self,
        query: &AuditQuery,
        before: Option<u64>,
        limit: usize,
    ) -> Result<Vec<AuditRow>, StoreError> {
        Ok(self.lock().audit.query(query, before, limit))
    }

    fn audit_checkpoints(
        &self,
        after: u64,
        limit: usize,
    ) -> Result<Vec<AuditCheckpoint>, StoreError> {
        Ok(self.lock().audit.checkpoints(after, limit))
    }

    fn audit_seq_before(&self, before: i64) -> Result<Option<u64>, StoreError> {
        Ok(self.lock().audit.seq_before(before))
    }
}
