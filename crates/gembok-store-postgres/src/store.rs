//! [`PostgresStore`]: the [`Store`] trait over a PostgreSQL database, through a small
//! pool of synchronous `postgres` clients.

use crate::config::{describe_hosts, Target};
use crate::errors::Failure;
use crate::field_ids::FieldIds;
use crate::pool::Pool;
use crate::reads::read_methods;
use crate::session::Conn;
use crate::snapshot::PgSnapshot;
use crate::{audit, export, lifecycle, migrations, read, retry, write};
use gembok_store::StoreError;
use gembok_store::{
    AuditCheckpoint, AuditQuery, AuditRow, IndexEntry, KeyRecord, Mutation, RecordMeta,
    SchemaVersion, SealedRecord, Store,
};
use gembok_types::RecordId;

/// Connections kept at most. The server calls the store from a bounded set of
/// blocking threads; more connections than that only cost PostgreSQL memory.
const MAX_CONNECTIONS: usize = 16;

/// A Gembok store in one PostgreSQL database (its default schema).
pub struct PostgresStore {
    hosts: Vec<String>,
    dbname: Option<String>,
    pool: Pool,
    field_ids: FieldIds,
}

impl std::fmt::Debug for PostgresStore {
    /// Hosts and database name only: never the user, the password or any option.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresStore")
            .field("hosts", &self.hosts)
            .field("dbname", &self.dbname)
            .finish_non_exhaustive()
    }
}

impl PostgresStore {
    /// Connect to the database named by `url` (for example
    /// `postgres://gembok@db.example:5432/gembok?sslmode=verify-full`) and bring its
    /// schema up to date. See [`Target::parse`] for the TLS rules.
    pub fn connect(url: &str) -> Result<Self, StoreError> {
        Self::connect_target(Target::parse(url)?)
    }

    /// Connect with an already parsed target.
    pub fn connect_target(target: Target) -> Result<Self, StoreError> {
        let hosts = describe_hosts(&target.config);
        let dbname = target.config.get_dbname().map(str::to_owned);
        let pool = Pool::new(target.config, &target.tls, MAX_CONNECTIONS)?;
        {
            let mut conn = pool.get()?;
            if let Err(e) = migrations::migrate(conn.conn()) {
                conn.mark_broken();
                return Err(e);
            }
        }
        Ok(Self {
            hosts,
            dbname,
            pool,
            field_ids: FieldIds::default(),
        })
    }

    /// How many times a transaction or read was repeated since [`PostgresStore::connect`]
    /// (after a serialization conflict, a deadlock or a lost connection). A steadily
    /// growing number means contention or an unstable network.
    pub fn retries(&self) -> u64 {
        self.pool.retries.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Close every idle connection; the next calls open new ones.
    pub fn close_idle(&self) {
        self.pool.clear_idle();
    }

    /// One read on a pooled connection, repeated on a new one if it was lost.
    fn read<T>(&self, work: impl FnMut(&mut Conn) -> Result<T, Failure>) -> Result<T, StoreError> {
        retry::read(&self.pool, work)
    }
}

impl Store for PostgresStore {
    fn backend(&self) -> &'static str {
        "postgres"
    }

    fn apply(&self, mutations: &[Mutation]) -> Result<(), StoreError> {
        if mutations.is_empty() {
            return Ok(());
        }
        let learned = retry::transaction(&self.pool, |tx| {
            write::apply_all(tx, &self.field_ids, mutations)
        })?;
        self.field_ids.publish(learned);
        Ok(())
    }

    /// `VACUUM` of the tables that hold records, the blind index and documents. Their
    /// heap files may keep old tuple bytes in free space until pages are rewritten;
    /// `VACUUM FULL` is the operator's tool for that, never run here.
    fn scrub(&self) -> Result<(), StoreError> {
        retry::read(&self.pool, lifecycle::scrub)
    }

    /// The field list and its pages are several statements: one read-only
    /// transaction makes them one snapshot.
    fn index_entries(
        &self,
        collection: &str,
        after: Option<&IndexEntry>,
        limit: usize,
    ) -> Result<Vec<IndexEntry>, StoreError> {
        retry::read(&self.pool, |c| {
            let mut tx = c.serializable()?;
            let out = export::index_entries(&mut tx, collection, after, limit)?;
            tx.commit()?;
            Ok(out)
        })
    }

    /// PostgreSQL has no cheap whole-database check like SQLite's `integrity_check`
    /// (page checksums are verified on read when the cluster enables them, and
    /// `amcheck` is an extension that is often missing). This checks what is cheap
    /// and meaningful: the server answers, and the schema is exactly the version this
    /// code wrote. A mismatch is `Integrity`.
    fn check_integrity(&self) -> Result<(), StoreError> {
        let applied = self.read(|c| Ok(migrations::current(c)?))?;
        migrations::expect_latest(applied)
    }

    /// One `REPEATABLE READ READ ONLY` transaction on a connection taken from the
    /// pool, held until the view is dropped.
    fn snapshot(&self) -> Result<Box<dyn Store + '_>, StoreError> {
        Ok(Box::new(PgSnapshot::begin(&self.pool)?))
    }

    read_methods!();
}
