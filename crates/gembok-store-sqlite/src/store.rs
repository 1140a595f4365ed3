//! [`SqliteStore`]: the [`Store`] trait over one SQLite file, with one writer
//! connection and a pool of readers.

use crate::connection::{self, ConnectionSettings};
use crate::errors::map;
use crate::field_ids::FieldIds;
use crate::pool::ReaderPool;
use crate::{audit_read, docs, export, lifecycle, migrations, read, search, write};
use gembok_store::StoreError;
use gembok_store::{
    AuditCheckpoint, AuditQuery, AuditRow, IndexEntry, KeyRecord, Mutation, RecordMeta,
    SchemaVersion, SealedRecord, Store,
};
use gembok_types::RecordId;
use rusqlite::{Connection, TransactionBehavior};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

/// Read-only connections kept open. Reads in WAL mode run in parallel with each other
/// and with the writer, so a few cover the threads that serve requests.
const READERS: usize = 4;

/// A Gembok store in one SQLite database file (plus its `-wal` and `-shm` files).
pub struct SqliteStore {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: ReaderPool,
    field_ids: FieldIds,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl SqliteStore {
    /// Open the database at `path`, creating it (mode 0600 on Unix) if it is missing
    /// and bringing its schema up to date. Refuses files from a newer Gembok and
    /// SQLite files that belong to something else.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let mut writer = connection::open_writer(path)?;
        migrations::migrate(&mut writer)?;
        let readers = (0..READERS)
            .map(|_| connection::open_reader(path))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            path: path.to_owned(),
            writer: Mutex::new(writer),
            readers: ReaderPool::new(readers),
            field_ids: FieldIds::default(),
        })
    }

    /// The database file as given to [`SqliteStore::open`].
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Every file SQLite may keep data in: the database, its write-ahead log and the
    /// shared-memory index (the last two may not exist at a given moment).
    pub fn files(&self) -> Vec<PathBuf> {
        let with_suffix = |suffix: &str| {
            let mut name = OsString::from(self.path.as_os_str());
            name.push(suffix);
            PathBuf::from(name)
        };
        vec![self.path.clone(), with_suffix("-wal"), with_suffix("-shm")]
    }

    /// Copy the write-ahead log into the database and truncate the log to zero bytes
    /// (`wal_checkpoint(TRUNCATE)`), for backups and before inspecting the files.
    pub fn checkpoint(&self) -> Result<(), StoreError> {
        if lifecycle::checkpoint_truncate(&self.writer())? {
            Ok(())
        } else {
            Err(StoreError::Unavailable(
                "checkpoint could not finish: another connection is reading".into(),
            ))
        }
    }

    /// The PRAGMA settings every connection runs with, writer first, for the
    /// security checklist and tests.
    pub fn connection_settings(&self) -> Result<Vec<ConnectionSettings>, StoreError> {
        let mut out = vec![connection::settings(&self.writer())?];
        for reader in self.readers.each() {
            out.push(connection::settings(&reader)?);
        }
        Ok(out)
    }

    /// The writer connection. A panic while it was held cannot leave a transaction
    /// open (dropping a rusqlite transaction rolls it back), so poisoning is ignored.
    fn writer(&self) -> MutexGuard<'_, Connection> {
        self.writer.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Store for SqliteStore {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    fn apply(&self, mutations: &[Mutation]) -> Result<(), StoreError> {
        if mutations.is_empty() {
            return Ok(());
        }
        let mut conn = self.writer();
        // IMMEDIATE takes the write lock up front, so a slice never fails half-way
        // with SQLITE_BUSY after it has read; dropping `tx` on error rolls back.
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(map)?;
        let learned = write::apply_all(&tx, &self.field_ids, mutations)?;
        tx.commit().map_err(map)?;
        self.field_ids.publish(learned);
        Ok(())
    }

    fn get(
        &self,
        collection: &str,
        ids: &[RecordId],
        fields: Option<&[&str]>,
    ) -> Result<Vec<SealedRecord>, StoreError> {
        read::get(&self.readers.get(), collection, ids, fields)
    }

    fn find(
        &self,
        collection: &str,
        field: &str,
        digest: &[u8],
    ) -> Result<Vec<RecordId>, StoreError> {
        search::find(&self.readers.get(), collection, field, digest)
    }

    /// One statement joins the blind index to the records, so the matches are read
    /// in one snapshot with one reader checkout.
    fn find_records(
        &self,
        collection: &str,
        field: &str,
        digest: &[u8],
        fields: Option<&[&str]>,
    ) -> Result<Vec<SealedRecord>, StoreError> {
        search::find_records(&self.readers.get(), collection, field, digest, fields)
    }

    fn list(
        &self,
        collection: &str,
        after: Option<RecordId>,
        limit: usize,
    ) -> Result<Vec<RecordMeta>, StoreError> {
        read::list(&self.readers.get(), collection, after, limit)
    }

    fn below_key_version(
        &self,
        collection: &str,
        below: u32,
        after: Option<RecordId>,
        limit: usize,
    ) -> Result<Vec<SealedRecord>, StoreError> {
        read::below_key_version(&self.readers.get(), collection, below, after, limit)
    }

    fn subject_records(
        &self,
        collection: &str,
        subject: RecordId,
    ) -> Result<Vec<RecordMeta>, StoreError> {
        lifecycle::subject_records(&self.readers.get(), collection, subject)
    }

    fn updated_before(
        &self,
        collection: &str,
        before: i64,
        after: Option<RecordId>,
        limit: usize,
    ) -> Result<Vec<RecordMeta>, StoreError> {
        lifecycle::updated_before(&self.readers.get(), collection, before, after, limit)
    }

    /// Deletes already overwrote the freed space (`secure_delete`); this truncates the
    /// write-ahead log, which still holds page images from before them. It takes the
    /// writer, so no write of this store runs meanwhile.
    fn scrub(&self) -> Result<(), StoreError> {
        lifecycle::scrub(&self.writer())
    }

    fn bulk_load(&self, on: bool) -> Result<(), StoreError> {
        connection::bulk_load(&self.writer(), on)
    }

    fn count(&self, collection: &str) -> Result<u64, StoreError> {
        read::count(&self.readers.get(), collection)
    }

    fn keys(&self) -> Result<Vec<KeyRecord>, StoreError> {
        read::keys(&self.readers.get())
    }

    fn schemas(&self) -> Result<Vec<SchemaVersion>, StoreError> {
        read::schemas(&self.readers.get())
    }

    fn setting(&self, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
        read::setting(&self.readers.get(), name)
    }

    fn settings(&self) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        export::settings(&self.readers.get())
    }

    fn doc_kinds(&self) -> Result<Vec<String>, StoreError> {
        export::doc_kinds(&self.readers.get())
    }

    fn collections(&self) -> Result<Vec<String>, StoreError> {
        export::collections(&self.readers.get())
    }

    fn index_entries(
        &self,
        collection: &str,
        after: Option<&IndexEntry>,
        limit: usize,
    ) -> Result<Vec<IndexEntry>, StoreError> {
        export::index_entries(&self.readers.get(), collection, after, limit)
    }

    fn doc(&self, kind: &str, id: &str) -> Result<Option<Vec<u8>>, StoreError> {
        docs::get(&self.readers.get(), kind, id)
    }

    fn docs(&self, kind: &str) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        docs::list(&self.readers.get(), kind)
    }

    fn check_integrity(&self) -> Result<(), StoreError> {
        read::check_integrity(&self.readers.get())
    }

    fn audit_head(&self) -> Result<Option<(u64, Vec<u8>)>, StoreError> {
        audit_read::head(&self.readers.get())
    }

    fn audit_events(&self, after: u64, limit: usize) -> Result<Vec<AuditRow>, StoreError> {
        audit_read::events(&self.readers.get(), after, limit)
    }

    fn audit_query(
        &self,
        query: &AuditQuery,
        before: Option<u64>,
        limit: usize,
    ) -> Result<Vec<AuditRow>, StoreError> {
        audit_read::query(&self.readers.get(), query, before, limit)
    }

    fn audit_checkpoints(
        &self,
        after: u64,
        limit: usize,
    ) -> Result<Vec<AuditCheckpoint>, StoreError> {
        audit_read::checkpoints(&self.readers.get(), after, limit)
    }

    fn audit_seq_before(&self, before: i64) -> Result<Option<u64>, StoreError> {
        audit_read::seq_before(&self.readers.get(), before)
    }
}
