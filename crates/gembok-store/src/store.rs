//! The [`Store`] trait: the whole contract between the vault and a database.
//!
//! It is synchronous on purpose: SQLite is an in-process library, the PostgreSQL
//! backend wraps its async driver, and the server calls the vault from blocking threads
//! where the encryption work runs too. Every method is one round of work against the
//! database; [`Store::apply`] is the only way to change anything, so that a record, its
//! index entries and (later) its audit event commit together.

use crate::{
    AuditCheckpoint, AuditQuery, AuditRow, IndexEntry, KeyRecord, Mutation, RecordMeta,
    SchemaVersion, SealedRecord, StoreError,
};
use gembok_types::RecordId;

/// A backend that keeps sealed records. Implementations must be safe to share between
/// threads; each call is atomic.
pub trait Store: Send + Sync {
    /// A short backend name for messages (`sqlite`, `postgres`).
    fn backend(&self) -> &'static str;

    /// Apply every mutation in one durable transaction, in order. On any error nothing
    /// is changed. Returns once the transaction is durable.
    fn apply(&self, mutations: &[Mutation]) -> Result<(), StoreError>;

    /// Load records by id. `fields`: `None` for all fields, else only those named
    /// (unknown names are skipped). Missing ids are left out; order follows `ids`.
    fn get(
        &self,
        collection: &str,
        ids: &[RecordId],
        fields: Option<&[&str]>,
    ) -> Result<Vec<SealedRecord>, StoreError>;

    /// Record ids whose blind index for `field` equals `digest`, in id order.
    fn find(
        &self,
        collection: &str,
        field: &str,
        digest: &[u8],
    ) -> Result<Vec<RecordId>, StoreError>;

    /// The records of `collection` whose blind index for `field` equals `digest`, in id
    /// order, with `fields` selected as in [`Store::get`]. Index entries whose record
    /// does not exist are left out. Every match is returned: the caller must still
    /// open the searched field and compare it, since a digest match alone can be a
    /// collision.
    ///
    /// The default runs [`Store::find`] then [`Store::get`], two reads that another
    /// writer may run between. Backends that can join the index to the records in one
    /// query should override it: it is the read path of every search.
    fn find_records(
        &self,
        collection: &str,
        field: &str,
        digest: &[u8],
        fields: Option<&[&str]>,
    ) -> Result<Vec<SealedRecord>, StoreError> {
        let ids = self.find(collection, field, digest)?;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        self.get(collection, &ids, fields)
    }

    /// Metadata of up to `limit` records of a collection with id greater than `after`,
    /// in id order (cursor pagination).
    fn list(
        &self,
        collection: &str,
        after: Option<RecordId>,
        limit: usize,
    ) -> Result<Vec<RecordMeta>, StoreError>;

    /// Up to `limit` full records of a collection with `min_key_version < below`, with
    /// id greater than `after`, in id order (key rotation walks these).
    fn below_key_version(
        &self,
        collection: &str,
        below: u32,
        after: Option<RecordId>,
        limit: usize,
    ) -> Result<Vec<SealedRecord>, StoreError>;

    /// Metadata of every record of `collection` whose subject is `subject`, in id order
    /// (erasure and subject reports walk these). An unknown collection gives an empty
    /// list.
    fn subject_records(
        &self,
        collection: &str,
        subject: RecordId,
    ) -> Result<Vec<RecordMeta>, StoreError>;

    /// Metadata of up to `limit` records of `collection` with `updated_at < before`
    /// (unix ms) and id greater than `after`, in id order (retention walks these).
    /// `limit` is read as in [`Store::list`].
    fn updated_before(
        &self,
        collection: &str,
        before: i64,
        after: Option<RecordId>,
        limit: usize,
    ) -> Result<Vec<RecordMeta>, StoreError>;

    /// Make the space freed by deletions unreadable in the database's files, so an
    /// erased value's ciphertext cannot be recovered from them. Call it after an
    /// erasure or a retention run has committed its deletes.
    ///
    /// SQLite overwrites freed cells as it deletes (`secure_delete` is on for every
    /// connection); scrub then checkpoints the write-ahead log with `TRUNCATE`, so old
    /// page images in the `-wal` file are gone too, and fails with `Unavailable` when
    /// readers keep it from finishing rather than claim success.
    ///
    /// PostgreSQL runs `VACUUM` on the tables that hold records, the blind index and
    /// documents. That marks dead tuples' space free for reuse but does not overwrite
    /// it: the heap files may keep old tuple bytes until their pages are rewritten
    /// (and the server's WAL segments until they are recycled). `VACUUM FULL`, which
    /// rewrites every table under an exclusive lock, is the operator's tool for that;
    /// the store never runs it. The in-memory store has nothing to do.
    fn scrub(&self) -> Result<(), StoreError>;

    /// Tune the store for a long run of large write batches, such as a spreadsheet
    /// import (`on`), or back to its usual settings (`!on`). Only speed and memory
    /// change: every commit stays as durable as before and nothing else is relaxed.
    /// Stores without such a mode do nothing.
    ///
    /// SQLite checkpoints its write-ahead log less often while the mode is on, and a
    /// batch that only adds new records stages its blind-index entries, to be merged
    /// into the index in key order when the mode ends (see `gembok-store-sqlite`);
    /// searches see staged entries meanwhile.
    fn bulk_load(&self, on: bool) -> Result<(), StoreError> {
        let _ = on;
        Ok(())
    }

    /// A read-only view of the whole store as it stood at one moment, which later
    /// writes of this or any other connection do not change. Walking it gives a
    /// consistent copy of a vault that keeps serving (backups, `migrate-store`).
    /// Every write through the view ([`Store::apply`], [`Store::scrub`]) and a
    /// snapshot of the view fail with [`StoreError::read_only`].
    ///
    /// SQLite holds one read transaction open on a connection of its own (WAL mode:
    /// the writer is not blocked, though the log cannot be checkpointed past the
    /// snapshot until it is dropped). PostgreSQL holds one `REPEATABLE READ READ ONLY`
    /// transaction open on a connection taken from the pool. Drop the view soon:
    /// both keep old row versions alive while it lives.
    fn snapshot(&self) -> Result<Box<dyn Store + '_>, StoreError>;

    /// Number of records in a collection.
    fn count(&self, collection: &str) -> Result<u64, StoreError>;

    /// Every wrapped key, ordered by purpose then version.
    fn keys(&self) -> Result<Vec<KeyRecord>, StoreError>;

    /// Every applied schema version, oldest first.
    fn schemas(&self) -> Result<Vec<SchemaVersion>, StoreError>;

    /// A setting written by [`Mutation::PutSetting`].
    fn setting(&self, name: &str) -> Result<Option<Vec<u8>>, StoreError>;

    /// Every setting as `(name, value)`, ordered by name (byte order). With the
    /// methods below it makes the whole store walkable, for copying it to another
    /// backend.
    fn settings(&self) -> Result<Vec<(String, Vec<u8>)>, StoreError>;

    /// Every kind that has at least one document, in byte order.
    fn doc_kinds(&self) -> Result<Vec<String>, StoreError>;

    /// Every collection that holds a record or a blind-index entry, in byte order
    /// (entries whose record is gone still name their collection).
    fn collections(&self) -> Result<Vec<String>, StoreError>;

    /// Up to `limit` blind-index entries of `collection` ordered by (field, digest,
    /// record) in byte order, strictly after the entry `after` (whose collection is
    /// ignored); entries whose record is gone are included.
    fn index_entries(
        &self,
        collection: &str,
        after: Option<&IndexEntry>,
        limit: usize,
    ) -> Result<Vec<IndexEntry>, StoreError>;

    /// The body of the document of `kind` stored under `id` by [`Mutation::PutDoc`].
    fn doc(&self, kind: &str, id: &str) -> Result<Option<Vec<u8>>, StoreError>;

    /// Every document of `kind` as `(id, body)`, ordered by id (byte order).
    fn docs(&self, kind: &str) -> Result<Vec<(String, Vec<u8>)>, StoreError>;

    /// Check the physical integrity of the database (for SQLite `PRAGMA
    /// integrity_check`); `Err(Integrity)` when it fails.
    fn check_integrity(&self) -> Result<(), StoreError>;

    /// The last audit event's `(seq, hash)`, or `None` when no event is stored.
    fn audit_head(&self) -> Result<Option<(u64, Vec<u8>)>, StoreError>;

    /// Up to `limit` audit events with `seq > after`, oldest first (verification and
    /// export walk the chain with these).
    fn audit_events(&self, after: u64, limit: usize) -> Result<Vec<AuditRow>, StoreError>;

    /// The last `seq` through which the lookup of audit events by record (a derived
    /// index a subject's access history is read through) holds every event's refs;
    /// events above it are found through their own refs column. `audit verify`
    /// compares that lookup with the events. 0 for a backend that keeps no separate
    /// lookup (the default).
    fn audit_index_through(&self) -> Result<u64, StoreError> {
        Ok(0)
    }

    /// Up to `limit` entries `(record, seq)` of that lookup after `after`, in key
    /// order (record, then seq). Empty for a backend without one (the default).
    fn audit_index(
        &self,
        after: Option<(RecordId, u64)>,
        limit: usize,
    ) -> Result<Vec<(RecordId, u64)>, StoreError> {
        let _ = (after, limit);
        Ok(Vec::new())
    }

    /// Up to `limit` audit events matching `query` with `seq < before` (all when
    /// `None`), newest first (cursor pagination for readers).
    fn audit_query(
        &self,
        query: &AuditQuery,
        before: Option<u64>,
        limit: usize,
    ) -> Result<Vec<AuditRow>, StoreError>;

    /// Up to `limit` checkpoints with `seq > after`, oldest first.
    fn audit_checkpoints(
        &self,
        after: u64,
        limit: usize,
    ) -> Result<Vec<AuditCheckpoint>, StoreError>;

    /// The highest `seq` among events with `time < before`, if any (retention finds
    /// where to prune with this).
    fn audit_seq_before(&self, before: i64) -> Result<Option<u64>, StoreError>;
}
