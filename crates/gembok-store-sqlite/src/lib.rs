//! Gembok's embedded storage backend: the [`gembok_store::Store`] trait over one
//! bundled SQLite file.
//!
//! This crate owns every line of SQL Gembok runs against SQLite: the schema and its
//! migrations, the connection settings (WAL, `synchronous=FULL`, `secure_delete`), the
//! split between one writer and a pool of readers, and the translation of SQLite errors
//! into [`gembok_store::StoreError`]. Records keep their sealed fields in one blob
//! encoded by [`gembok_store::codec`], so an insert writes one row. Blind-index keys
//! name their field by a small integer id rather than by two strings, each `apply`
//! writes its entries in key order, and each record lists its own index keys, so that
//! deleting it needs no second index on the blind index. During an import the writer
//! runs in a bulk-load mode (fewer checkpoints, blind-index entries of new records
//! staged and merged in key order at the end; durability unchanged), see
//! [`gembok_store::Store::bulk_load`] and the `blind_staged` module.
#![forbid(unsafe_code)]

mod audit_read;
mod audit_refs;
mod audit_write;
mod blind;
mod blind_staged;
mod connection;
mod docs;
mod errors;
mod export;
mod field_ids;
mod index_keys;
mod lifecycle;
mod migrations;
mod pool;
mod read;
mod reads;
mod search;
mod snapshot;
mod store;
mod write;

pub use connection::{ConnectionSettings, BULK_WAL_AUTOCHECKPOINT};
pub use migrations::latest_version as schema_version;
pub use store::SqliteStore;
