//! [`MemoryStore`]: a small in-memory [`Store`] for tests of the layers above, and the
//! reference that proves the conformance suite assumes nothing about SQL.
//!
//! It keeps fields as [`crate::codec`] blobs like the SQL backends do, and makes
//! [`Store::apply`] atomic the simplest way: work on a copy, swap it in on success.
//! Nothing is durable and every write copies the whole state, so it is for tests only.

use super::memory_audit::AuditState;
use crate::codec;
use crate::{
    AuditCheckpoint, AuditQuery, AuditRow, IndexEntry, KeyRecord, Mutation, RecordMeta,
    SchemaVersion, SealedRecord, Store, StoreError,
};
use gembok_types::RecordId;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Bound;
use std::sync::{Mutex, MutexGuard, PoisonError};

type RecordKey = (String, RecordId);
/// (collection, field, digest, record): ordered so one digest's records are in id order.
type IndexKey = (String, String, Vec<u8>, RecordId);

#[derive(Clone, Default)]
struct State {
    records: BTreeMap<RecordKey, (RecordMeta, Vec<u8>)>,
    index: BTreeSet<IndexKey>,
    keys: BTreeMap<(String, u32), KeyRecord>,
    schemas: BTreeMap<u32, SchemaVersion>,
    settings: BTreeMap<String, Vec<u8>>,
    docs: BTreeMap<(String, String), Vec<u8>>,
    audit: AuditState,
}

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

fn not_found<T>(found: Option<T>) -> Result<T, StoreError> {
    found.ok_or(StoreError::NotFound)
}

impl State {
    fn records_of<'a>(
        &'a self,
        collection: &'a str,
        after: Option<RecordId>,
    ) -> impl Iterator<Item = &'a (RecordMeta, Vec<u8>)> + 'a {
        let start = match after {
            Some(id) => Bound::Excluded((collection.to_owned(), id)),
            None => Bound::Included((collection.to_owned(), RecordId::from_bytes([0; 16]))),
        };
        self.records
            .range((start, Bound::Unbounded))
            .take_while(move |((c, _), _)| c == collection)
            .map(|(_, v)| v)
    }

    fn apply(&mut self, mutation: &Mutation) -> Result<(), StoreError> {
        match mutation {
            Mutation::Insert(rec) => {
                let key = (rec.meta.collection.clone(), rec.meta.id);
                if self.records.contains_key(&key) {
                    return Err(StoreError::Conflict("a record with this id already exists"));
                }
                let blob = codec::encode(&rec.fields)?;
                self.records.insert(key, (rec.meta.clone(), blob));
            }
            Mutation::UpdateFields {
                collection,
                id,
                set,
                remove,
                updated_at,
            } => {
                let (meta, blob) = not_found(self.records.get_mut(&(collection.clone(), *id)))?;
                let merged = codec::merge(codec::decode(blob)?, set, remove)?;
                *blob = codec::encode(&merged)?;
                meta.min_key_version = codec::min_key_version(&merged);
                meta.updated_at = *updated_at;
            }
            Mutation::Delete { collection, id } => {
                not_found(self.records.remove(&(collection.clone(), *id)))?;
                self.index
                    .retain(|(c, _, _, r)| !(c == collection && r == id));
            }
            Mutation::PutIndex(IndexEntry {
                collection,
                field,
                digest,
                record,
            }) => {
                self.index
                    .insert((collection.clone(), field.clone(), digest.clone(), *record));
            }
            Mutation::DeleteIndex {
                collection,
                field,
                record,
            } => self
                .index
                .retain(|(c, f, _, r)| !(c == collection && f == field && r == record)),
            Mutation::PutKey(key) => {
                let slot = (key.purpose.clone(), key.version);
                if self.keys.contains_key(&slot) {
                    return Err(StoreError::Conflict("this key version already exists"));
                }
                self.keys.insert(slot, key.clone());
            }
            Mutation::RewrapKey {
                purpose,
                version,
                wrapped,
            } => {
                not_found(self.keys.get_mut(&(purpose.clone(), *version)))?.wrapped =
                    wrapped.clone();
            }
            Mutation::DeleteKey { purpose, version } => {
                not_found(self.keys.remove(&(purpose.clone(), *version)))?;
            }
            Mutation::PutSchema(schema) => {
                if self.schemas.contains_key(&schema.version) {
                    return Err(StoreError::Conflict("this schema version already exists"));
                }
                self.schemas.insert(schema.version, schema.clone());
            }
            Mutation::PurgeField { collection, field } => {
                let remove = [field.clone()];
                for ((c, _), (meta, blob)) in self.records.iter_mut() {
                    if c != collection {
                        continue;
                    }
                    let fields = codec::decode(blob)?;
                    if fields.iter().any(|f| &f.name == field) {
                        let kept = codec::merge(fields, &[], &remove)?;
                        *blob = codec::encode(&kept)?;
                        meta.min_key_version = codec::min_key_version(&kept);
                    }
                }
                self.index
                    .retain(|(c, f, _, _)| !(c == collection && f == field));
            }
            Mutation::PutSetting { name, value } => {
                self.settings.insert(name.clone(), value.clone());
            }
            Mutation::PutDoc { kind, id, body } => {
                self.docs.insert((kind.clone(), id.clone()), body.clone());
            }
            Mutation::PutDocIf {
                kind,
                id,
                body,
                expected,
            } => {
                let key = (kind.clone(), id.clone());
                if self.docs.get(&key) != expected.as_ref() {
                    return Err(StoreError::Changed);
                }
                self.docs.insert(key, body.clone());
            }
            Mutation::DeleteDoc { kind, id } => {
                self.docs.remove(&(kind.clone(), id.clone()));
            }
            Mutation::AppendAudit(row) => self.audit.append(row)?,
            Mutation::PutAuditCheckpoint(checkpoint) => self.audit.put_checkpoint(checkpoint),
            Mutation::PruneAudit { through } => self.audit.prune(*through),
        }
        Ok(())
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
