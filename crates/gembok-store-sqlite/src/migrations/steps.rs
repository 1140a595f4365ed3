//! The schema steps themselves: SQL, and for steps that must reshape existing rows in
//! ways SQL cannot express, a Rust function that runs right after it in the same
//! transaction.

use crate::errors::map;
use crate::index_keys;
use gembok_store::StoreError;
use rusqlite::Connection;

/// Rust work that finishes a step, inside the migration's transaction.
pub(super) type Reshape = fn(&Connection) -> Result<(), StoreError>;

/// One schema step.
pub(super) struct Step {
    pub(super) sql: &'static str,
    pub(super) then: Option<Reshape>,
}

/// Every schema step, oldest first. Never edit a released step: add a new one.
pub(super) const STEPS: &[Step] = &[
    // 1: records with all sealed fields in one blob, blind index, keys, schema
    // versions, settings.
    Step {
        sql: "CREATE TABLE records (
        collection      TEXT    NOT NULL,
        id              BLOB    NOT NULL CHECK (length(id) = 16),
        subject         BLOB    NOT NULL CHECK (length(subject) = 16),
        created_at      INTEGER NOT NULL,
        updated_at      INTEGER NOT NULL,
        min_key_version INTEGER NOT NULL,
        fields          BLOB    NOT NULL,
        PRIMARY KEY (collection, id)
    ) WITHOUT ROWID;
    CREATE INDEX records_by_key_version ON records (collection, min_key_version);
    CREATE TABLE blind_index (
        collection TEXT NOT NULL,
        field      TEXT NOT NULL,
        digest     BLOB NOT NULL,
        record_id  BLOB NOT NULL,
        PRIMARY KEY (collection, field, digest, record_id)
    ) WITHOUT ROWID;
    CREATE INDEX blind_index_by_record ON blind_index (collection, record_id, field);
    CREATE TABLE keys (
        purpose    TEXT    NOT NULL,
        version    INTEGER NOT NULL,
        wrapped    BLOB    NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (purpose, version)
    ) WITHOUT ROWID;
    CREATE TABLE schemas (
        version    INTEGER PRIMARY KEY,
        document   TEXT    NOT NULL,
        applied_at INTEGER NOT NULL
    );
    CREATE TABLE settings (
        name  TEXT PRIMARY KEY,
        value BLOB NOT NULL
    ) WITHOUT ROWID;",
        then: None,
    },
    // 2: a compact blind index. Each (collection, field) gets a small integer id in
    // `index_fields`, so index keys no longer repeat both names; ids are never deleted
    // or renumbered, which lets the store cache them. Instead of a second index on
    // `record_id`, each record lists its own keys in `index_keys` (see
    // `crate::index_keys`), filled from the moved entries by `list_record_keys`.
    Step {
        sql: "CREATE TABLE index_fields (
        id         INTEGER PRIMARY KEY,
        collection TEXT NOT NULL,
        field      TEXT NOT NULL,
        UNIQUE (collection, field)
    );
    INSERT INTO index_fields (collection, field)
        SELECT DISTINCT collection, field FROM blind_index ORDER BY collection, field;
    CREATE TABLE blind_index_compact (
        field_id  INTEGER NOT NULL,
        digest    BLOB    NOT NULL,
        record_id BLOB    NOT NULL,
        PRIMARY KEY (field_id, digest, record_id)
    ) WITHOUT ROWID;
    INSERT INTO blind_index_compact (field_id, digest, record_id)
        SELECT f.id, b.digest, b.record_id
        FROM blind_index AS b
        JOIN index_fields AS f ON f.collection = b.collection AND f.field = b.field
        ORDER BY f.id, b.digest, b.record_id;
    DROP TABLE blind_index;
    ALTER TABLE blind_index_compact RENAME TO blind_index;
    CREATE TABLE index_keys (
        record_id BLOB NOT NULL PRIMARY KEY,
        keys      BLOB NOT NULL
    ) WITHOUT ROWID;",
        then: Some(list_record_keys),
    },
    // 3: small documents by kind and id (API keys and other state of the layers
    // above), read one by one or listed per kind in id order.
    Step {
        sql: "CREATE TABLE docs (
        kind TEXT NOT NULL,
        id   TEXT NOT NULL,
        body BLOB NOT NULL,
        PRIMARY KEY (kind, id)
    ) WITHOUT ROWID;",
        then: None,
    },
    // 4: the audit chain. Events live in seq (rowid) order, so walking the chain is
    // a scan of the table itself; each event also keeps its refs as one blob of
    // 16-byte ids, so reading it needs no join and pruning it finds its `audit_refs`
    // rows by primary key. The indexes serve the reader's filters newest first.
    Step {
        sql: "CREATE TABLE audit_events (
        seq       INTEGER PRIMARY KEY,
        time      INTEGER NOT NULL,
        principal TEXT    NOT NULL,
        action    TEXT    NOT NULL,
        refs      BLOB    NOT NULL CHECK (length(refs) % 16 = 0),
        body      BLOB    NOT NULL,
        hash      BLOB    NOT NULL
    );
    CREATE INDEX audit_events_by_principal ON audit_events (principal, seq);
    CREATE INDEX audit_events_by_action ON audit_events (action, seq);
    CREATE INDEX audit_events_by_time ON audit_events (time);
    CREATE TABLE audit_refs (
        record BLOB    NOT NULL CHECK (length(record) = 16),
        seq    INTEGER NOT NULL,
        PRIMARY KEY (record, seq)
    ) WITHOUT ROWID;
    CREATE TABLE audit_checkpoints (
        seq       INTEGER PRIMARY KEY,
        hash      BLOB    NOT NULL,
        time      INTEGER NOT NULL,
        key_id    TEXT    NOT NULL,
        signature BLOB    NOT NULL
    );",
        then: None,
    },
    // 5: data-lifecycle walks. Erasure lists one subject's records and retention the
    // records last changed before a time, each within a collection. `records` has no
    // rowid, so each index entry ends with the primary key and the subject walk reads
    // its matches already in id order.
    Step {
        sql: "CREATE INDEX records_by_subject ON records (collection, subject);
    CREATE INDEX records_by_updated_at ON records (collection, updated_at);",
        then: None,
    },
    // 6: `audit_refs` is filled in batches (see `crate::audit_refs`). The one row
    // here is the last `seq` whose refs are in it; every event stored so far is.
    Step {
        sql: "CREATE TABLE audit_refs_through (
        one INTEGER PRIMARY KEY CHECK (one = 1),
        seq INTEGER NOT NULL
    );
    INSERT INTO audit_refs_through (one, seq)
        SELECT 1, coalesce(max(seq), 0) FROM audit_events;",
        then: None,
    },
    // 7: blind-index entries staged during a bulk load (see `crate::blind_staged`).
    // No key: staging appends, and the merge sorts.
    Step {
        sql: "CREATE TABLE blind_staged (
        field_id  INTEGER NOT NULL,
        digest    BLOB    NOT NULL,
        record_id BLOB    NOT NULL CHECK (length(record_id) = 16)
    );",
        then: None,
    },
];

/// Step 2: write every record's key list from the entries moved into `blind_index`.
fn list_record_keys(conn: &Connection) -> Result<(), StoreError> {
    let mut read = conn
        .prepare(
            "SELECT record_id, field_id, digest FROM blind_index
             ORDER BY record_id, field_id, digest",
        )
        .map_err(map)?;
    let mut write = conn
        .prepare("INSERT INTO index_keys (record_id, keys) VALUES (?1, ?2)")
        .map_err(map)?;
    let mut rows = read.query([]).map_err(map)?;
    let mut current: Option<(Vec<u8>, Vec<u8>)> = None;
    while let Some(row) = rows.next().map_err(map)? {
        let record: Vec<u8> = row.get(0).map_err(map)?;
        let field_id: i64 = row.get(1).map_err(map)?;
        let digest: Vec<u8> = row.get(2).map_err(map)?;
        if current.as_ref().is_some_and(|(r, _)| *r != record) {
            if let Some((r, keys)) = current.take() {
                write.execute((r, keys)).map_err(map)?;
            }
        }
        let (_, keys) = current.get_or_insert_with(|| (record, Vec::new()));
        index_keys::encode_into(keys, field_id, &digest)?;
    }
    if let Some((r, keys)) = current {
        write.execute((r, keys)).map_err(map)?;
    }
    Ok(())
}
