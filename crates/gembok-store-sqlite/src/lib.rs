//! Gembok's embedded storage backend: the [`gembok_store::Store`] trait over one
//! bundled SQLite file.
//!
//! This crate owns every line of SQL Gembok runs against SQLite: the schema and its
//! migrations, the connection settings (WAL, `synchronous=FULL`, `secure_delete`), the
//! split between one writer and a pool of readers, and the translation of SQLite errors
//! into [`gembok_store::StoreError`]. Records keep their sealed fields in one blob
//! encoded by [`gembok_store::codec`], so an insert writes one row.
#![forbid(unsafe_code)]

mod connection;
mod errors;
mod migrations;
mod pool;
mod read;
mod store;
mod write;

pub use connection::ConnectionSettings;
pub use migrations::latest_version as schema_version;
pub use store::SqliteStore;
