//! The two PostgreSQL baselines the vault is compared with, on the same server:
//!
//! - `plain`: one table with the eight personal fields as plaintext columns and
//!   secondary indexes on the searchable ones (email, phone, nik), what an application
//!   does without protection;
//! - `pgcrypto`: what a careful user would otherwise do inside PostgreSQL: every field
//!   encrypted with `pgp_sym_encrypt` under a key the application sends with each
//!   statement, plus a keyed `hmac(..., 'sha256')` column per searchable field so that
//!   lookups can use an index (encrypted values cannot be searched).
//!
//! Both use the synchronous `postgres` client, one connection per thread, prepared
//! statements, and one transaction per insert batch, like the vault's store.

use anyhow::{Context, Result};
use postgres::{Client, NoTls, Statement};

pub const FIELDS: [&str; 8] = [
    "name",
    "email",
    "phone",
    "birth_date",
    "address",
    "postal_code",
    "nik",
    "npwp",
];
/// The pgcrypto key, sent with every statement as a user would from their app config.
const KEY: &str = "bench-only key: 32 random-looking characters!";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Plain,
    PgCrypto,
}

impl Kind {
    pub fn table(self) -> &'static str {
        match self {
            Kind::Plain => "plain_customers",
            Kind::PgCrypto => "pgcrypto_customers",
        }
    }
}

/// Create both tables (and the extension) in the bench database.
pub fn create_tables(url: &str) -> Result<()> {
    let mut c = Client::connect(url, NoTls).context("connect for the baseline tables")?;
    let cols: Vec<String> = FIELDS.iter().map(|f| format!("{f} text")).collect();
    let enc: Vec<String> = FIELDS.iter().map(|f| format!("{f} bytea")).collect();
    c.batch_execute(&format!(
        "CREATE EXTENSION IF NOT EXISTS pgcrypto;
         CREATE TABLE plain_customers (id bytea PRIMARY KEY, {});
         CREATE INDEX ON plain_customers (email);
         CREATE INDEX ON plain_customers (phone);
         CREATE INDEX ON plain_customers (nik);
         CREATE TABLE pgcrypto_customers (id bytea PRIMARY KEY, {},
             email_mac bytea, phone_mac bytea, nik_mac bytea);
         CREATE INDEX ON pgcrypto_customers (email_mac);
         CREATE INDEX ON pgcrypto_customers (phone_mac);
         CREATE INDEX ON pgcrypto_customers (nik_mac);",
        cols.join(", "),
        enc.join(", ")
    ))?;
    Ok(())
}

/// One connection to one baseline, with its statements prepared.
pub struct Conn {
    client: Client,
    insert: Statement,
    by_id: Statement,
    by_email: Statement,
}

impl Conn {
    pub fn open(url: &str, kind: Kind) -> Result<Self> {
        let mut client = Client::connect(url, NoTls).context("connect to the baseline")?;
        let t = kind.table();
        let list = FIELDS.join(", ");
        let (insert, by_id, by_email) = match kind {
            Kind::Plain => (
                format!("INSERT INTO {t} (id, {list}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"),
                format!("SELECT id, {list} FROM {t} WHERE id = $1"),
                format!("SELECT id, {list} FROM {t} WHERE email = $1"),
            ),
            Kind::PgCrypto => {
                let enc: Vec<String> = (0..8)
                    .map(|i| format!("pgp_sym_encrypt(${}, '{KEY}')", i + 2))
                    .collect();
                let dec: Vec<String> = FIELDS
                    .iter()
                    .map(|f| format!("pgp_sym_decrypt({f}, '{KEY}')"))
                    .collect();
                let mac = |p: usize| format!("hmac(${p}, '{KEY}', 'sha256')");
                (
                    format!(
                        "INSERT INTO {t} (id, {list}, email_mac, phone_mac, nik_mac) \
                         VALUES ($1, {}, {}, {}, {})",
                        enc.join(", "),
                        mac(3),
                        mac(4),
                        mac(8)
                    ),
                    format!("SELECT id, {} FROM {t} WHERE id = $1", dec.join(", ")),
                    format!(
                        "SELECT id, {} FROM {t} WHERE email_mac = {}",
                        dec.join(", "),
                        mac(1)
                    ),
                )
            }
        };
        Ok(Conn {
            insert: client.prepare(&insert)?,
            by_id: client.prepare(&by_id)?,
            by_email: client.prepare(&by_email)?,
            client,
        })
    }

    /// Insert `rows` in one transaction; returns their ids.
    pub fn insert_batch(&mut self, rows: &[[String; 8]]) -> Result<Vec<Vec<u8>>> {
        let mut tx = self.client.transaction()?;
        let mut ids = Vec::with_capacity(rows.len());
        for r in rows {
            // Time-ordered 16-byte ids, made the way the vault makes its record ids.
            let id = gembok_types::RecordId::generate().as_bytes().to_vec();
            tx.execute(
                &self.insert,
                &[&id, &r[0], &r[1], &r[2], &r[3], &r[4], &r[5], &r[6], &r[7]],
            )?;
            ids.push(id);
        }
        tx.commit()?;
        Ok(ids)
    }

    /// Read one row by id, every field as text.
    pub fn get(&mut self, id: &[u8]) -> Result<usize> {
        let rows = self.client.query(&self.by_id, &[&id])?;
        anyhow::ensure!(rows.len() == 1, "baseline row missing");
        Ok(text_len(&rows[0]))
    }

    /// Rows whose e-mail equals `email`.
    pub fn find(&mut self, email: &str) -> Result<usize> {
        let rows = self.client.query(&self.by_email, &[&email])?;
        anyhow::ensure!(!rows.is_empty(), "baseline e-mail not found");
        Ok(rows.iter().map(text_len).sum())
    }
}

/// Touch every column so that decoding is not optimised away.
fn text_len(row: &postgres::Row) -> usize {
    (1..=8)
        .map(|i| row.get::<_, Option<String>>(i).map_or(0, |s| s.len()))
        .sum()
}
