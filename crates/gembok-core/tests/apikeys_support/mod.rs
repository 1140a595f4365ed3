//! Shared set-up for the API-key tests: a service over a real SQLite store wrapped in a
//! store that counts every call, to prove which paths never touch it.

#![allow(dead_code)]

use std::net::IpAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use gembok_core::apikeys::{ApiKeySpec, ApiKeys};
use gembok_core::Policy;
use gembok_store::{
    AuditCheckpoint, AuditQuery, AuditRow, KeyRecord, Mutation, RecordMeta, SchemaVersion,
    SealedRecord, Store, StoreError,
};
use gembok_store_sqlite::SqliteStore;
use gembok_types::RecordId;

pub const T0: i64 = 1_800_000_000_000;
pub const DAY: i64 = 86_400_000;
pub const HOUR: i64 = 3_600_000;

/// A store that counts every call, to prove which paths never touch it.
pub struct Counting {
    inner: Arc<SqliteStore>,
    reads: AtomicUsize,
    writes: AtomicUsize,
}

impl Counting {
    pub fn reads(&self) -> usize {
        self.reads.load(Ordering::SeqCst)
    }
    pub fn writes(&self) -> usize {
        self.writes.load(Ordering::SeqCst)
    }
    fn read(&self) {
        self.reads.fetch_add(1, Ordering::SeqCst);
    }
}

impl Store for Counting {
    fn backend(&self) -> &'static str {
        self.inner.backend()
    }
    fn apply(&self, m: &[Mutation]) -> Result<(), StoreError> {
        self.writes.fetch_add(1, Ordering::SeqCst);
        self.inner.apply(m)
    }
    fn get(
        &self,
        c: &str,
        ids: &[RecordId],
        f: Option<&[&str]>,
    ) -> Result<Vec<SealedRecord>, StoreError> {
        self.read();
        self.inner.get(c, ids, f)
    }
    fn find(&self, c: &str, f: &str, d: &[u8]) -> Result<Vec<RecordId>, StoreError> {
        self.read();
        self.inner.find(c, f, d)
    }
    fn find_records(
        &self,
        c: &str,
        f: &str,
        d: &[u8],
        fields: Option<&[&str]>,
    ) -> Result<Vec<SealedRecord>, StoreError> {
        self.read();
        self.inner.find_records(c, f, d, fields)
    }
    fn list(
        &self,
        c: &str,
        after: Option<RecordId>,
        limit: usize,
    ) -> Result<Vec<RecordMeta>, StoreError> {
        self.read();
        self.inner.list(c, after, limit)
    }
    fn below_key_version(
        &self,
        c: &str,
        below: u32,
        after: Option<RecordId>,
        limit: usize,
    ) -> Result<Vec<SealedRecord>, StoreError> {
        self.read();
        self.inner.below_key_version(c, below, after, limit)
    }
    fn count(&self, c: &str) -> Result<u64, StoreError> {
        self.read();
        self.inner.count(c)
    }
    fn keys(&self) -> Result<Vec<KeyRecord>, StoreError> {
        self.read();
        self.inner.keys()
    }
    fn schemas(&self) -> Result<Vec<SchemaVersion>, StoreError> {
        self.read();
        self.inner.schemas()
    }
    fn setting(&self, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
        self.read();
        self.inner.setting(name)
    }
    fn check_integrity(&self) -> Result<(), StoreError> {
        self.read();
        self.inner.check_integrity()
    }
    fn audit_head(&self) -> Result<Option<(u64, Vec<u8>)>, StoreError> {
        self.read();
        self.inner.audit_head()
    }
    fn audit_events(&self, after: u64, limit: usize) -> Result<Vec<AuditRow>, StoreError> {
        self.read();
        self.inner.audit_events(after, limit)
    }
    fn audit_query(
        &self,
        q: &AuditQuery,
        before: Option<u64>,
        limit: usize,
    ) -> Result<Vec<AuditRow>, StoreError> {
        self.read();
        self.inner.audit_query(q, before, limit)
    }
    fn audit_checkpoints(
        &self,
        after: u64,
        limit: usize,
    ) -> Result<Vec<AuditCheckpoint>, StoreError> {
        self.read();
        self.inner.audit_checkpoints(after, limit)
    }
    fn subject_records(&self, c: &str, s: RecordId) -> Result<Vec<RecordMeta>, StoreError> {
        self.read();
        self.inner.subject_records(c, s)
    }
    fn updated_before(
        &self,
        c: &str,
        before: i64,
        after: Option<RecordId>,
        limit: usize,
    ) -> Result<Vec<RecordMeta>, StoreError> {
        self.read();
        self.inner.updated_before(c, before, after, limit)
    }
    fn scrub(&self) -> Result<(), StoreError> {
        self.inner.scrub()
    }
    fn snapshot(&self) -> Result<Box<dyn Store + '_>, StoreError> {
        self.read();
        self.inner.snapshot()
    }
    fn audit_seq_before(&self, before: i64) -> Result<Option<u64>, StoreError> {
        self.read();
        self.inner.audit_seq_before(before)
    }
    fn doc(&self, kind: &str, id: &str) -> Result<Option<Vec<u8>>, StoreError> {
        self.read();
        self.inner.doc(kind, id)
    }
    fn docs(&self, kind: &str) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        self.read();
        self.inner.docs(kind)
    }
    fn settings(&self) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        self.read();
        self.inner.settings()
    }
    fn doc_kinds(&self) -> Result<Vec<String>, StoreError> {
        self.read();
        self.inner.doc_kinds()
    }
    fn collections(&self) -> Result<Vec<String>, StoreError> {
        self.read();
        self.inner.collections()
    }
    fn index_entries(
        &self,
        c: &str,
        after: Option<&gembok_store::IndexEntry>,
        limit: usize,
    ) -> Result<Vec<gembok_store::IndexEntry>, StoreError> {
        self.read();
        self.inner.index_entries(c, after, limit)
    }
}

pub struct Fixture {
    pub keys: ApiKeys,
    pub store: Arc<Counting>,
    _dir: tempfile::TempDir,
}

pub fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let inner = Arc::new(SqliteStore::open(&dir.path().join("gembok.db")).unwrap());
    let store = Arc::new(Counting {
        inner,
        reads: AtomicUsize::new(0),
        writes: AtomicUsize::new(0),
    });
    let keys = ApiKeys::new(store.clone(), Arc::new(Policy::builtin()));
    Fixture {
        keys,
        store,
        _dir: dir,
    }
}

pub fn spec(role: &str) -> ApiKeySpec {
    ApiKeySpec {
        role: role.into(),
        expires_in_days: 90,
        ..ApiKeySpec::default()
    }
}

pub fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

pub fn local() -> IpAddr {
    ip("127.0.0.1")
}
