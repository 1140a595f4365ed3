//! The storage boundary of Gembok.
//!
//! This crate owns the [`Store`] trait and the plain data it moves: sealed records
//! (ids, subject, timestamps and key versions in clear, every personal value an opaque
//! ciphertext), blind-index entries, wrapped keys, schema versions, and small documents
//! (by kind and id) for the state of the layers above, such as API keys. It knows nothing
//! of SQL, of encryption or of HTTP, so that SQLite and PostgreSQL implement the same
//! contract and the vault above can be tested against either. The `testkit` feature
//! exposes the one conformance suite that every backend runs.
#![forbid(unsafe_code)]

mod audit;
pub mod codec;
pub mod columns;
pub mod copy;
mod error;
pub mod field_ids;
pub mod index_keys;
mod model;
mod store;
#[cfg(feature = "testkit")]
pub mod testkit;

pub use audit::{AuditCheckpoint, AuditQuery, AuditRow};
pub use copy::{copy_store, verify_copy, CopyProgress, CopyReport, Kind, KindSummary};
pub use error::StoreError;
pub use model::{
    IndexEntry, KeyRecord, Mutation, RecordMeta, SchemaVersion, SealedField, SealedRecord,
};
pub use store::Store;
