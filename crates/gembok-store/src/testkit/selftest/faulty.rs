//! The broken stores the suite must catch: a [`Faulty`] store wraps the in-memory
//! reference store and breaks the contract in exactly one way, chosen by its [`Fault`],
//! so each test of the suite can be shown to fail on the bug it exists to find.

use crate::testkit::MemoryStore;
use crate::{
    AuditCheckpoint, AuditQuery, AuditRow, IndexEntry, KeyRecord, Mutation, RecordMeta,
    SchemaVersion, SealedRecord, Store, StoreError,
};
use gembok_types::RecordId;

/// How a [`Faulty`] store breaks the contract.
#[derive(Clone, Copy)]
pub(super) enum Fault {
    /// `find` answers newest id first.
    FindReversed,
    /// `apply` commits each mutation on its own.
    NotAtomic,
    /// `get` ignores the field selection.
    AllFieldsAlways,
    /// `find_records` ignores the field selection.
    FindRecordsAllFields,
    /// `find_records` keeps entries whose record is missing, as empty records.
    FindRecordsKeepsDangling,
    /// `docs` answers in reverse id order.
    DocsReversed,
    /// `doc` and `docs` ignore the kind.
    DocsIgnoreKind,
    /// `audit_query` ignores the record filter.
    AuditQueryIgnoresRecord,
    /// `audit_query` ignores its `before` cursor.
    AuditQueryIgnoresCursor,
    /// `audit_events` answers one event too many.
    AuditEventsOverLimit,
    /// `subject_records` answers newest id first.
    SubjectRecordsReversed,
    /// `updated_before` also keeps records changed exactly at the bound.
    UpdatedBeforeInclusive,
    /// `updated_before` answers one record too many.
    UpdatedBeforeOverLimit,
    /// `index_entries` starts from the beginning whatever its cursor.
    IndexEntriesIgnoreCursor,
    /// `snapshot` gives a copy that accepts writes.
    SnapshotWritable,
    /// `snapshot` gives an empty store.
    SnapshotEmpty,
}

/// A memory store with one deliberate bug.
pub(super) struct Faulty {
    pub(super) inner: MemoryStore,
    pub(super) fault: Fault,
}

impl Store for Faulty {
    fn backend(&self) -> &'static str {
        "faulty"
    }

    fn apply(&self, mutations: &[Mutation]) -> Result<(), StoreError> {
        match self.fault {
            Fault::NotAtomic => mutations
                .iter()
                .try_for_each(|m| self.inner.apply(std::slice::from_ref(m))),
            _ => self.inner.apply(mutations),
        }
    }

    fn get(
        &self,
        collection: &str,
        ids: &[RecordId],
        fields: Option<&[&str]>,
    ) -> Result<Vec<SealedRecord>, StoreError> {
        match self.fault {
            Fault::AllFieldsAlways => self.inner.get(collection, ids, None),
            _ => self.inner.get(collection, ids, fields),
        }
    }

    fn find(&self, c: &str, f: &str, d: &[u8]) -> Result<Vec<RecordId>, StoreError> {
        let mut found = self.inner.find(c, f, d)?;
        if let Fault::FindReversed = self.fault {
            found.reverse();
        }
        Ok(found)
    }

    fn find_records(
        &self,
        c: &str,
        f: &str,
        d: &[u8],
        fields: Option<&[&str]>,
    ) -> Result<Vec<SealedRecord>, StoreError> {
        match self.fault {
            Fault::FindRecordsAllFields => self.inner.find_records(c, f, d, None),
            Fault::FindRecordsKeepsDangling => {
                let ids = self.inner.find(c, f, d)?;
                let found = self.inner.get(c, &ids, fields)?;
                Ok(ids
                    .iter()
                    .map(|id| {
                        found
                            .iter()
                            .find(|r| r.meta.id == *id)
                            .cloned()
                            .unwrap_or(SealedRecord {
                                meta: RecordMeta {
                                    collection: c.to_owned(),
                                    id: *id,
                                    subject: *id,
                                    created_at: 0,
                                    updated_at: 0,
                                    min_key_version: 0,
                                },
                                fields: Vec::new(),
                            })
                    })
                    .collect())
            }
            // What the trait's default does, over this store's own (faulty) reads.
            _ => {
                let ids = self.find(c, f, d)?;
                self.get(c, &ids, fields)
            }
        }
    }

    fn list(
        &self,
        c: &str,
        after: Option<RecordId>,
        limit: usize,
    ) -> Result<Vec<RecordMeta>, StoreError> {
        self.inner.list(c, after, limit)
    }

    fn below_key_version(
        &self,
        c: &str,
        below: u32,
        after: Option<RecordId>,
        limit: usize,
    ) -> Result<Vec<SealedRecord>, StoreError> {
        self.inner.below_key_version(c, below, after, limit)
    }

    fn subject_records(&self, c: &str, subject: RecordId) -> Result<Vec<RecordMeta>, StoreError> {
        let mut found = self.inner.subject_records(c, subject)?;
        if let Fault::SubjectRecordsReversed = self.fault {
            found.reverse();
        }
        Ok(found)
    }

    fn updated_before(
        &self,
        c: &str,
        before: i64,
        after: Option<RecordId>,
        limit: usize,
    ) -> Result<Vec<RecordMeta>, StoreError> {
        match self.fault {
            Fault::UpdatedBeforeInclusive => {
                self.inner
                    .updated_before(c, before.saturating_add(1), after, limit)
            }
            Fault::UpdatedBeforeOverLimit => {
                self.inner
                    .updated_before(c, before, after, limit.saturating_add(1))
            }
            _ => self.inner.updated_before(c, before, after, limit),
        }
    }

    fn scrub(&self) -> Result<(), StoreError> {
        self.inner.scrub()
    }

    fn snapshot(&self) -> Result<Box<dyn Store + '_>, StoreError> {
        match self.fault {
            Fault::SnapshotWritable => Ok(Box::new(self.inner.writable_copy())),
            Fault::SnapshotEmpty => Ok(Box::new(MemoryStore::new())),
            _ => self.inner.snapshot(),
        }
    }

    fn count(&self, c: &str) -> Result<u64, StoreError> {
        self.inner.count(c)
    }

    fn keys(&self) -> Result<Vec<KeyRecord>, StoreError> {
        self.inner.keys()
    }

    fn schemas(&self) -> Result<Vec<SchemaVersion>, StoreError> {
        self.inner.schemas()
    }

    fn setting(&self, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
        self.inner.setting(name)
    }

    fn check_integrity(&self) -> Result<(), StoreError> {
        self.inner.check_integrity()
    }

    fn settings(&self) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        self.inner.settings()
    }

    fn doc_kinds(&self) -> Result<Vec<String>, StoreError> {
        self.inner.doc_kinds()
    }

    fn collections(&self) -> Result<Vec<String>, StoreError> {
        self.inner.collections()
    }

    fn index_entries(
        &self,
        c: &str,
        after: Option<&IndexEntry>,
        limit: usize,
    ) -> Result<Vec<IndexEntry>, StoreError> {
        match self.fault {
            Fault::IndexEntriesIgnoreCursor => self.inner.index_entries(c, None, limit),
            _ => self.inner.index_entries(c, after, limit),
        }
    }

    fn doc(&self, kind: &str, id: &str) -> Result<Option<Vec<u8>>, StoreError> {
        match self.fault {
            Fault::DocsIgnoreKind => Ok(["api_key", "api_key_hash", "k"]
                .iter()
                .find_map(|k| self.inner.doc(k, id).ok().flatten())),
            _ => self.inner.doc(kind, id),
        }
    }

    fn docs(&self, kind: &str) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        let mut out = self.inner.docs(kind)?;
        if let Fault::DocsReversed = self.fault {
            out.reverse();
        }
        Ok(out)
    }

    fn audit_head(&self) -> Result<Option<(u64, Vec<u8>)>, StoreError> {
        self.inner.audit_head()
    }

    fn audit_index_through(&self) -> Result<u64, StoreError> {
        self.inner.audit_index_through()
    }

    fn audit_index(
        &self,
        after: Option<(RecordId, u64)>,
        limit: usize,
    ) -> Result<Vec<(RecordId, u64)>, StoreError> {
        self.inner.audit_index(after, limit)
    }

    fn audit_events(&self, after: u64, limit: usize) -> Result<Vec<AuditRow>, StoreError> {
        match self.fault {
            Fault::AuditEventsOverLimit => self.inner.audit_events(after, limit.saturating_add(1)),
            _ => self.inner.audit_events(after, limit),
        }
    }

    fn audit_query(
        &self,
        query: &AuditQuery,
        before: Option<u64>,
        limit: usize,
    ) -> Result<Vec<AuditRow>, StoreError> {
        match self.fault {
            Fault::AuditQueryIgnoresRecord => {
                let query = AuditQuery {
                    record: None,
                    ..query.clone()
                };
                self.inner.audit_query(&query, before, limit)
            }
            Fault::AuditQueryIgnoresCursor => self.inner.audit_query(query, None, limit),
            _ => self.inner.audit_query(query, before, limit),
        }
    }

    fn audit_checkpoints(
        &self,
        after: u64,
        limit: usize,
    ) -> Result<Vec<AuditCheckpoint>, StoreError> {
        self.inner.audit_checkpoints(after, limit)
    }

    fn audit_seq_before(&self, before: i64) -> Result<Option<u64>, StoreError> {
        self.inner.audit_seq_before(before)
    }
}
