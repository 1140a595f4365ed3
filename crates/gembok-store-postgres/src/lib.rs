//! Gembok's server storage backend: the [`gembok_store::Store`] trait over
//! PostgreSQL.
//!
//! This crate owns every line of SQL Gembok runs against PostgreSQL: the versioned
//! schema in `gembok_migrations`, the connection URL rules (TLS verified with rustls
//! and aws-lc-rs, plain only to loopback), a small connection pool, and the retry loop
//! that runs each `apply` as one SERIALIZABLE transaction. The logical schema is the
//! SQLite backend's: one row per record with its sealed fields in one blob encoded by
//! [`gembok_store::codec`], a compact blind index keyed by small field ids, and each
//! record's list of its own index keys. Nothing here takes an advisory lock, so the
//! same code can run against CockroachDB or YugabyteDB.
#![forbid(unsafe_code)]

mod audit;
mod blind;
mod config;
mod errors;
mod export;
mod field_ids;
mod index_keys;
mod lifecycle;
mod migrations;
mod pool;
mod read;
mod reads;
mod retry;
mod session;
mod snapshot;
mod store;
mod write;

pub use config::{Target, TlsMode};
pub use migrations::latest_version as schema_version;
pub use store::PostgresStore;
