//! [`PostgresStore`]: the [`Store`] trait over a PostgreSQL database, through a small
//! pool of synchronous `postgres` clients.

use crate::config::{describe_hosts, Target};
use crate::errors::map;
use crate::field_ids::FieldIds;
use crate::pool::Pool;
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

    fn get(
        &self,
        collection: &str,
        ids: &[RecordId],
        fields: Option<&[&str]>,
    ) -> Result<Vec<SealedRecord>, StoreError> {
        retry::read(&self.pool, |c| read::get(c, collection, ids, fields))
    }

    fn find(
        &self,
        collection: &str,
        field: &str,
        digest: &[u8],
    ) -> Result<Vec<RecordId>, StoreError> {
        retry::read(&self.pool, |c| read::find(c, collection, field, digest))
    }

    /// One statement joins the blind index to the records, so the matches are one
    /// snapshot's.
    fn find_records(
        &self,
        collection: &str,
        field: &str,
        digest: &[u8],
        fields: Option<&[&str]>,
    ) -> Result<Vec<SealedRecord>, StoreError> {
        retry::read(&self.pool, |c| {
            read::find_records(c, collection, field, digest, fields)
        })
    }

    fn list(
        &self,
        collection: &str,
        after: Option<RecordId>,
        limit: usize,
    ) -> Result<Vec<RecordMeta>, StoreError> {
        retry::read(&self.pool, |c| read::list(c, collection, after, limit))
    }

    fn below_key_version(
        &self,
        collection: &str,
        below: u32,
        after: Option<RecordId>,
        limit: usize,
    ) -> Result<Vec<SealedRecord>, StoreError> {
        retry::read(&self.pool, |c| {
            read::below_key_version(c, collection, below, after, limit)
        })
    }

    fn subject_records(
        &self,
        collection: &str,
        subject: RecordId,
    ) -> Result<Vec<RecordMeta>, StoreError> {
        retry::read(&self.pool, |c| {
            lifecycle::subject_records(c, collection, subject)
        })
    }

    fn updated_before(
        &self,
        collection: &str,
        before: i64,
        after: Option<RecordId>,
        limit: usize,
    ) -> Result<Vec<RecordMeta>, StoreError> {
        retry::read(&self.pool, |c| {
            lifecycle::updated_before(c, collection, before, after, limit)
        })
    }

    /// `VACUUM` of the tables that hold records, the blind index and documents. Their
    /// heap files may keep old tuple bytes in free space until pages are rewritten;
    /// `VACUUM FULL` is the operator's tool for that, never run here.
    fn scrub(&self) -> Result<(), StoreError> {
        retry::read(&self.pool, lifecycle::scrub)
    }

    fn count(&self, collection: &str) -> Result<u64, StoreError> {
        retry::read(&self.pool, |c| read::count(c, collection))
    }

    fn keys(&self) -> Result<Vec<KeyRecord>, StoreError> {
        retry::read(&self.pool, read::keys)
    }

    fn schemas(&self) -> Result<Vec<SchemaVersion>, StoreError> {
        retry::read(&self.pool, read::schemas)
    }

    fn setting(&self, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
        retry::read(&self.pool, |c| read::setting(c, name))
    }

    fn settings(&self) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        retry::read(&self.pool, export::settings)
    }

    fn doc_kinds(&self) -> Result<Vec<String>, StoreError> {
        retry::read(&self.pool, export::doc_kinds)
    }

    fn collections(&self) -> Result<Vec<String>, StoreError> {
        retry::read(&self.pool, export::collections)
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

    fn doc(&self, kind: &str, id: &str) -> Result<Option<Vec<u8>>, StoreError> {
        retry::read(&self.pool, |c| read::doc(c, kind, id))
    }

    fn docs(&self, kind: &str) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        retry::read(&self.pool, |c| read::docs(c, kind))
    }

    /// PostgreSQL has no cheap whole-database check like SQLite's `integrity_check`
    /// (page checksums are verified on read when the cluster enables them, and
    /// `amcheck` is an extension that is often missing). This checks what is cheap
    /// and meaningful: the server answers, and the schema is exactly the version this
    /// code wrote. A mismatch is `Integrity`.
    fn check_integrity(&self) -> Result<(), StoreError> {
        let applied = retry::read(&self.pool, |c| {
            Ok(migrations::current(c).map_err(|e| StoreError::Unavailable(map(&e).to_string()))?)
        })?;
        if applied == i64::from(migrations::latest_version()) {
            Ok(())
        } else {
            Err(StoreError::Integrity(
                "schema version in gembok_migrations is not the one this code wrote",
            ))
        }
    }

    fn audit_head(&self) -> Result<Option<(u64, Vec<u8>)>, StoreError> {
        retry::read(&self.pool, audit::head)
    }

    fn audit_events(&self, after: u64, limit: usize) -> Result<Vec<AuditRow>, StoreError> {
        retry::read(&self.pool, |c| audit::events(c, after, limit))
    }

    fn audit_query(
        &self,
        query: &AuditQuery,
        before: Option<u64>,
        limit: usize,
    ) -> Result<Vec<AuditRow>, StoreError> {
        retry::read(&self.pool, |c| audit::query(c, query, before, limit))
    }

    fn audit_checkpoints(
        &self,
        after: u64,
        limit: usize,
    ) -> Result<Vec<AuditCheckpoint>, StoreError> {
        retry::read(&self.pool, |c| audit::checkpoints(c, after, limit))
    }

    fn audit_seq_before(&self, before: i64) -> Result<Option<u64>, StoreError> {
        retry::read(&self.pool, |c| audit::seq_before(c, before))
    }
}
