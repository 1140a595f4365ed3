//! [`SqliteStore`]: the [`Store`] trait over one SQLite file, with one writer
//! connection and a pool of readers.

use crate::connection::{self, ConnectionSettings};
use crate::errors::map;
use crate::field_ids::FieldIds;
use crate::pool::ReaderPool;
use crate::reads::read_methods;
use crate::snapshot::SqliteSnapshot;
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
use std::sync::atomic::{AtomicBool, Ordering};
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
    /// In bulk-load mode (see [`Store::bulk_load`]); slices that only add new records
    /// then stage their blind-index entries (see [`crate::blind_staged`]).
    bulk: AtomicBool,
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
        let store = Self {
            path: path.to_owned(),
            writer: Mutex::new(writer),
            readers: ReaderPool::new(readers),
            field_ids: FieldIds::default(),
            bulk: AtomicBool::new(false),
        };
        // An import that stopped half-way (a crash) may have left staged entries.
        store.merge_staged()?;
        Ok(store)
    }

    /// Move blind-index entries staged by a bulk load into the index, in one
    /// transaction of their own. With none staged (the usual case) no write lock is
    /// taken, so opening a store or taking a snapshot does not wait for a writer.
    fn merge_staged(&self) -> Result<(), StoreError> {
        if !crate::blind_staged::any(&self.reader())? {
            return Ok(());
        }
        let mut conn = self.writer();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(map)?;
        crate::blind_staged::merge(&tx)?;
        tx.commit().map_err(map)
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

    /// A reader connection for one read.
    fn reader(&self) -> MutexGuard<'_, Connection> {
        self.readers.get()
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
        let stage = self.bulk.load(Ordering::Relaxed) && crate::blind_staged::stageable(mutations);
        let learned = write::apply_all(&tx, &self.field_ids, mutations, stage)?;
        tx.commit().map_err(map)?;
        self.field_ids.publish(learned);
        Ok(())
    }

    /// Deletes already overwrote the freed space (`secure_delete`); this truncates the
    /// write-ahead log, which still holds page images from before them. It takes the
    /// writer, so no write of this store runs meanwhile.
    fn scrub(&self) -> Result<(), StoreError> {
        lifecycle::scrub(&self.writer())
    }

    /// Ending a bulk load merges what it staged, after the usual settings are back:
    /// the merge writes the index in key order, which needs no large cache, and its
    /// sort then spills to a temporary file beyond the usual cache size instead of
    /// holding the large one. A failed merge is retried by the next write or open; the
    /// staged entries stay searchable meanwhile.
    fn bulk_load(&self, on: bool) -> Result<(), StoreError> {
        self.bulk.store(on, Ordering::Relaxed);
        connection::bulk_load(&self.writer(), on)?;
        if on {
            Ok(())
        } else {
            self.merge_staged()
        }
    }

    /// A read transaction on a connection of its own, begun with a first read so
    /// that its WAL snapshot is fixed before this returns.
    fn snapshot(&self) -> Result<Box<dyn Store + '_>, StoreError> {
        // A snapshot is copied and exported: every entry must be in the index.
        self.merge_staged()?;
        Ok(Box::new(SqliteSnapshot::begin(&self.path)?))
    }

    read_methods!();
}
