//! The plain SQLite baseline: what an application would do without a vault.
//!
//! One table with a 16-byte id primary key and the eight personal fields as plaintext
//! columns, secondary indexes on the three searchable ones (email, phone, nik). The
//! file gets the settings of the vault's store that matter for this workload (WAL,
//! `synchronous=FULL`, a 16 MiB page cache, `secure_delete`), the table is
//! `WITHOUT ROWID` like the vault's record table, and ids are generated the same way
//! (`RecordId::generate`, time-ordered UUIDv7), so the two differ only in what the
//! vault adds: validation, encryption, blind indexes and its storage format.

use std::path::Path;

use anyhow::{Context, Result};
use gembok_types::RecordId;
use rusqlite::{params, Connection};

const SCHEMA: &str = "
    CREATE TABLE customers (
        id          BLOB PRIMARY KEY NOT NULL CHECK (length(id) = 16),
        name        TEXT NOT NULL,
        email       TEXT,
        phone       TEXT,
        birth_date  TEXT,
        address     TEXT,
        postal_code TEXT,
        nik         TEXT,
        npwp        TEXT
    ) WITHOUT ROWID;
    CREATE INDEX customers_email ON customers (email);
    CREATE INDEX customers_phone ON customers (phone);
    CREATE INDEX customers_nik ON customers (nik);";

const INSERT: &str = "INSERT INTO customers
    (id, name, email, phone, birth_date, address, postal_code, nik, npwp)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
const BY_ID: &str = "SELECT id, name, email, phone, birth_date, address, postal_code, nik, npwp
    FROM customers WHERE id = ?1";
const BY_EMAIL: &str = "SELECT id, name, email, phone, birth_date, address, postal_code, nik, npwp
    FROM customers WHERE email = ?1";

/// One row as the baseline reads it back: the id and all eight columns as owned text.
pub struct PlainRow {
    pub id: Vec<u8>,
    pub fields: [String; 8],
}

/// The baseline database.
pub struct PlainDb {
    conn: Connection,
}

impl PlainDb {
    /// Create the database file at `path` with the baseline table.
    pub fn create(path: &Path) -> Result<Self> {
        let conn = Connection::open(path).context("cannot open the baseline database")?;
        let mode: String =
            conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
        anyhow::ensure!(
            mode.eq_ignore_ascii_case("wal"),
            "baseline is not in WAL mode"
        );
        conn.execute_batch(
            "PRAGMA synchronous = FULL;
             PRAGMA secure_delete = ON;
             PRAGMA cache_size = -16384;",
        )?;
        conn.execute_batch(SCHEMA)?;
        Ok(Self { conn })
    }

    /// Insert canonical rows in one transaction; returns their new ids.
    pub fn insert_batch(&mut self, rows: &[[String; 8]]) -> Result<Vec<RecordId>> {
        let tx = self.conn.transaction()?;
        let mut ids = Vec::with_capacity(rows.len());
        {
            let mut st = tx.prepare_cached(INSERT)?;
            for r in rows {
                let id = RecordId::generate();
                st.execute(params![
                    &id.as_bytes()[..],
                    r[0],
                    r[1],
                    r[2],
                    r[3],
                    r[4],
                    r[5],
                    r[6],
                    r[7]
                ])?;
                ids.push(id);
            }
        }
        tx.commit()?;
        Ok(ids)
    }

    /// The row with this id, if any.
    pub fn get(&self, id: &RecordId) -> Result<Option<PlainRow>> {
        let mut st = self.conn.prepare_cached(BY_ID)?;
        let mut rows = st.query_map([&id.as_bytes()[..]], read_row)?;
        Ok(rows.next().transpose()?)
    }

    /// Every row whose email equals `email` (already canonical).
    pub fn find_by_email(&self, email: &str) -> Result<Vec<PlainRow>> {
        let mut st = self.conn.prepare_cached(BY_EMAIL)?;
        let rows = st.query_map([email], read_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Number of rows, to check both sides hold the same data.
    pub fn count(&self) -> Result<u64> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM customers", [], |r| r.get::<_, i64>(0))?
            .try_into()?)
    }
}

fn read_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<PlainRow> {
    let mut fields: [String; 8] = Default::default();
    for (i, f) in fields.iter_mut().enumerate() {
        // Every column is filled by the benchmark; a NULL would be a bug, and `get`
        // into String reports it.
        *f = r.get(i + 1)?;
    }
    Ok(PlainRow {
        id: r.get(0)?,
        fields,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::FIELDS;

    fn row(email: &str) -> [String; 8] {
        let mut r: [String; 8] = Default::default();
        for (i, c) in FIELDS.iter().enumerate() {
            r[i] = format!("{c}-value");
        }
        r[crate::data::EMAIL] = email.to_owned();
        r
    }

    #[test]
    fn rows_round_trip_by_id_and_by_email() {
        let dir = tempfile::tempdir().unwrap();
        let mut db = PlainDb::create(&dir.path().join("p.db")).unwrap();
        let ids = db
            .insert_batch(&[row("a@x.id"), row("b@x.id"), row("a@x.id")])
            .unwrap();
        assert_eq!(db.count().unwrap(), 3);
        let got = db.get(&ids[1]).unwrap().unwrap();
        assert_eq!(got.id, ids[1].as_bytes().to_vec());
        assert_eq!(got.fields, row("b@x.id"));
        assert_eq!(db.find_by_email("a@x.id").unwrap().len(), 2);
        assert!(db.find_by_email("c@x.id").unwrap().is_empty());
        assert!(db.get(&RecordId::generate()).unwrap().is_none());
    }
}
