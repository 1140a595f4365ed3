//! [`PgSnapshot`]: the store as it stood at one moment, for a consistent walk of a
//! vault that keeps serving (see [`gembok_store::Store::snapshot`]).
//!
//! One connection is taken from the pool and kept in a `REPEATABLE READ READ ONLY`
//! transaction: every statement in it sees the snapshot taken at its first statement,
//! whatever other sessions commit meanwhile, and a read-only transaction at this level
//! never fails with a serialization error. Nothing is repeated here: a lost
//! connection loses the snapshot, so it is an error and the caller starts again.
//! Dropping the view rolls the transaction back and returns the connection, or
//! closes it if the rollback failed.

use crate::errors::{map, Failure};
use crate::pool::{Pool, Pooled};
use crate::reads::read_methods;
use crate::session::Conn;
use crate::{audit, export, lifecycle, migrations, read};
use gembok_store::{
    AuditCheckpoint, AuditQuery, AuditRow, IndexEntry, KeyRecord, Mutation, RecordMeta,
    SchemaVersion, SealedRecord, Store, StoreError,
};
use gembok_types::RecordId;
use std::sync::{Mutex, MutexGuard, PoisonError};

/// A read-only view of a PostgreSQL store at one moment.
pub(crate) struct PgSnapshot<'p> {
    conn: Mutex<Pooled<'p>>,
}

impl<'p> PgSnapshot<'p> {
    /// Take a connection, begin the transaction and fix its snapshot with a read.
    pub(crate) fn begin(pool: &'p Pool) -> Result<Self, StoreError> {
        let mut pooled = pool.get()?;
        let started = pooled
            .conn()
            .batch("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SELECT 1");
        if let Err(e) = started {
            pooled.mark_broken();
            return Err(map(&e));
        }
        Ok(Self {
            conn: Mutex::new(pooled),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Pooled<'p>> {
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// One read inside the transaction. Any driver error ends the view's usefulness
    /// (PostgreSQL aborts the transaction), so the connection is not reused.
    fn read<T>(
        &self,
        mut work: impl FnMut(&mut Conn) -> Result<T, Failure>,
    ) -> Result<T, StoreError> {
        let mut pooled = self.lock();
        match work(pooled.conn()) {
            Ok(v) => Ok(v),
            Err(Failure::Store(e)) => Err(e),
            Err(Failure::Pg(e)) => {
                pooled.mark_broken();
                Err(map(&e))
            }
            Err(Failure::Race) => Err(StoreError::Unavailable(
                "a snapshot read met a concurrent write".into(),
            )),
        }
    }
}

impl Drop for PgSnapshot<'_> {
    fn drop(&mut self) {
        let pooled = self.conn.get_mut().unwrap_or_else(PoisonError::into_inner);
        if pooled.conn().batch("ROLLBACK").is_err() {
            pooled.mark_broken();
        }
    }
}

impl Store for PgSnapshot<'_> {
    fn backend(&self) -> &'static str {
        "postgres"
    }

    fn apply(&self, _: &[Mutation]) -> Result<(), StoreError> {
        Err(StoreError::read_only())
    }

    fn scrub(&self) -> Result<(), StoreError> {
        Err(StoreError::read_only())
    }

    fn snapshot(&self) -> Result<Box<dyn Store + '_>, StoreError> {
        Err(StoreError::read_only())
    }

    /// Already inside the view's transaction, so the pages share its snapshot.
    fn index_entries(
        &self,
        collection: &str,
        after: Option<&IndexEntry>,
        limit: usize,
    ) -> Result<Vec<IndexEntry>, StoreError> {
        self.read(|c| export::index_entries(c, collection, after, limit))
    }

    fn check_integrity(&self) -> Result<(), StoreError> {
        let applied = self.read(|c| Ok(migrations::current(c)?))?;
        migrations::expect_latest(applied)
    }

    read_methods!();
}
