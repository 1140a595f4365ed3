//! The database schema, as versioned SQL steps recorded in `gembok_migrations`.
//!
//! No advisory lock is taken, so that CockroachDB and YugabyteDB (which have none)
//! behave like PostgreSQL. Safety between concurrent migrators comes from the database
//! itself: every pending step and its `gembok_migrations` row commit in one
//! SERIALIZABLE transaction, and the row's primary key lets only one migrator record a
//! version. The loser gets a unique violation, a serialization failure or a "table
//! exists" error, rolls back and looks again, and then finds the work done. Even the
//! `CREATE TABLE IF NOT EXISTS` of the bookkeeping table can race in PostgreSQL (two
//! sessions inserting the same catalog row), so it is retried the same way.

use crate::errors::map;
use crate::retry::ATTEMPTS;
use crate::session::{Conn, Sql};
use gembok_store::StoreError;
use std::time::{SystemTime, UNIX_EPOCH};

/// Every schema step, oldest first. Never edit a released step: add a new one.
/// Text keys use the "C" collation so that they sort by bytes, as the trait's
/// orderings (and SQLite) require, whatever the database's default collation.
const STEPS: &[&str] = &[
    // 1: records with all sealed fields in one blob; the compact blind index keyed by
    // a small field id; each record's list of its own index keys; wrapped keys; schema
    // versions; settings; documents.
    r#"CREATE TABLE records (
        collection      TEXT COLLATE "C" NOT NULL,
        id              BYTEA  NOT NULL CHECK (length(id) = 16),
        subject         BYTEA  NOT NULL CHECK (length(subject) = 16),
        created_at      BIGINT NOT NULL,
        updated_at      BIGINT NOT NULL,
        min_key_version BIGINT NOT NULL,
        fields          BYTEA  NOT NULL,
        PRIMARY KEY (collection, id)
    );
    CREATE INDEX records_by_key_version ON records (collection, min_key_version, id);
    CREATE TABLE index_fields (
        id         BIGINT PRIMARY KEY CHECK (id > 0 AND id <= 4294967295),
        collection TEXT COLLATE "C" NOT NULL,
        field      TEXT COLLATE "C" NOT NULL,
        UNIQUE (collection, field)
    );
    CREATE TABLE blind_index (
        field_id  BIGINT NOT NULL,
        digest    BYTEA  NOT NULL,
        record_id BYTEA  NOT NULL,
        PRIMARY KEY (field_id, digest, record_id)
    );
    CREATE TABLE index_keys (
        record_id BYTEA PRIMARY KEY,
        keys      BYTEA NOT NULL
    );
    CREATE TABLE keys (
        purpose    TEXT COLLATE "C" NOT NULL,
        version    BIGINT NOT NULL,
        wrapped    BYTEA  NOT NULL,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (purpose, version)
    );
    CREATE TABLE schemas (
        version    BIGINT PRIMARY KEY,
        document   TEXT   NOT NULL,
        applied_at BIGINT NOT NULL
    );
    CREATE TABLE settings (
        name  TEXT COLLATE "C" PRIMARY KEY,
        value BYTEA NOT NULL
    );
    CREATE TABLE docs (
        kind TEXT COLLATE "C" NOT NULL,
        id   TEXT COLLATE "C" NOT NULL,
        body BYTEA NOT NULL,
        PRIMARY KEY (kind, id)
    );"#,
    // 2: the audit chain. Each event keeps its refs as one BYTEA of 16-byte ids, so
    // reading it needs no join and pruning finds its `audit_refs` rows by primary
    // key; the indexes serve the reader's filters newest first.
    r#"CREATE TABLE audit_events (
        seq       BIGINT PRIMARY KEY,
        time      BIGINT NOT NULL,
        principal TEXT COLLATE "C" NOT NULL,
        action    TEXT COLLATE "C" NOT NULL,
        refs      BYTEA  NOT NULL CHECK (length(refs) % 16 = 0),
        body      BYTEA  NOT NULL,
        hash      BYTEA  NOT NULL
    );
    CREATE INDEX audit_events_by_principal ON audit_events (principal, seq);
    CREATE INDEX audit_events_by_action ON audit_events (action, seq);
    CREATE INDEX audit_events_by_time ON audit_events (time);
    CREATE TABLE audit_refs (
        record BYTEA  NOT NULL CHECK (length(record) = 16),
        seq    BIGINT NOT NULL,
        PRIMARY KEY (record, seq)
    );
    CREATE TABLE audit_checkpoints (
        seq       BIGINT PRIMARY KEY,
        hash      BYTEA  NOT NULL,
        time      BIGINT NOT NULL,
        key_id    TEXT   NOT NULL,
        signature BYTEA  NOT NULL
    );"#,
    // 3: data-lifecycle walks within a collection: erasure lists one subject's
    // records (in id order, which the trailing `id` gives without a sort) and
    // retention the records last changed before a time.
    r#"CREATE INDEX records_by_subject ON records (collection, subject, id);
    CREATE INDEX records_by_updated_at ON records (collection, updated_at);"#,
];

const BOOKKEEPING: &str = "CREATE TABLE IF NOT EXISTS gembok_migrations (
    version    BIGINT PRIMARY KEY,
    applied_at BIGINT NOT NULL
)";

/// The schema version this code writes and understands.
pub fn latest_version() -> u32 {
    STEPS.len() as u32
}

/// The highest applied version (0 for none).
pub(crate) fn current(conn: &mut impl Sql) -> Result<i64, postgres::Error> {
    let rows = conn.query(
        "SELECT coalesce(max(version), 0)::BIGINT FROM gembok_migrations",
        &[],
    )?;
    rows[0].try_get(0)
}

/// `Integrity` unless `applied` is the schema version this code writes.
pub(crate) fn expect_latest(applied: i64) -> Result<(), StoreError> {
    if applied == i64::from(latest_version()) {
        Ok(())
    } else {
        Err(StoreError::Integrity(
            "schema version in gembok_migrations is not the one this code wrote",
        ))
    }
}

/// What one migration attempt came to.
enum Step {
    Done,
    Again(StoreError),
}

/// Bring the database to [`latest_version`], or refuse it.
pub(crate) fn migrate(conn: &mut Conn) -> Result<(), StoreError> {
    let mut last = None;
    for n in 0..ATTEMPTS * 2 {
        if n > 0 {
            std::thread::sleep(std::time::Duration::from_millis(10 * u64::from(n)));
        }
        match migrate_once(conn)? {
            Step::Done => return Ok(()),
            Step::Again(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| StoreError::Unavailable("migration did not run".into())))
}

/// Errors a concurrent migrator causes: the loser repeats and finds the work done.
fn raced(err: &postgres::Error) -> bool {
    err.code()
        .is_some_and(|c| matches!(c.code(), "40001" | "40P01" | "23505" | "42P07" | "42710"))
}

fn migrate_once(conn: &mut Conn) -> Result<Step, StoreError> {
    let soft = |e: postgres::Error| {
        if raced(&e) {
            Ok(Step::Again(map(&e)))
        } else {
            Err(map(&e))
        }
    };
    if let Err(e) = conn.batch(BOOKKEEPING) {
        return soft(e);
    }
    let latest = i64::from(latest_version());
    if current(conn).map_err(|e| map(&e))? == latest {
        return Ok(Step::Done);
    }
    let mut tx = match conn.serializable() {
        Ok(tx) => tx,
        Err(e) => return soft(e),
    };
    let version = match current(&mut tx) {
        Ok(v) => v,
        Err(e) => return soft(e),
    };
    if version > latest {
        return Err(StoreError::Unavailable(format!(
            "database schema version {version} is newer than this Gembok supports \
             ({latest}); upgrade Gembok before opening it"
        )));
    }
    if version == 0 {
        let rows = tx
            .query("SELECT to_regclass('records') IS NOT NULL", &[])
            .map_err(|e| map(&e))?;
        if rows[0].try_get::<_, bool>(0).unwrap_or(true) {
            return Err(StoreError::Unavailable(
                "this PostgreSQL schema already holds a `records` table but is not a \
                 Gembok database"
                    .into(),
            ));
        }
    }
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0);
    let start = usize::try_from(version).unwrap_or(0);
    for (i, sql) in STEPS.iter().enumerate().skip(start) {
        if let Err(e) = tx.batch(sql) {
            return soft(e);
        }
        let step = i64::try_from(i + 1).unwrap_or(i64::MAX);
        if let Err(e) = tx.execute(
            "INSERT INTO gembok_migrations (version, applied_at) VALUES ($1, $2)",
            &[&step, &now],
        ) {
            return soft(e);
        }
    }
    match tx.commit() {
        Ok(()) => Ok(Step::Done),
        Err(e) => soft(e),
    }
}
