//! The heart of Gembok: the schema and the [`Vault`] service.
//!
//! A write arrives as JSON fields, is parsed field by field into the types of
//! `gembok-types` (undeclared fields refused), sealed with `gembok-crypto` under the
//! collection's current data key with the record and field bound in as associated data,
//! blind-indexed where the schema says `searchable`, and handed to a [`gembok_store::Store`]
//! as one atomic batch. A read goes the other way and applies a mask per field. This crate
//! knows no HTTP and no SQL.
//!
//! Front ends do not hold a [`Vault`] directly: [`access::Gate`] wraps it and decides
//! every request against the [`access::Policy`] (roles, per-field rights, purposes),
//! and [`apikeys::ApiKeys`] turns a presented API key into the [`access::Principal`]
//! the gate decides for.
#![forbid(unsafe_code)]

pub mod access;
pub mod accounts;
pub mod apikeys;
pub mod audit;
mod error;
mod input;
mod keyring;
pub mod lifecycle;
pub mod monitor;
mod output;
pub mod schema;
pub mod staff;
mod time;
mod vault;

pub use access::{AccessError, Action, Denied, Gate, Policy, Principal, RoleName};
pub use apikeys::{ApiKeyInfo, ApiKeySpec, ApiKeys, AuthError, IssuedKey};
pub use audit::{Actor, AuditConfig, AuditEvent, AuditLog, Durable, Outcome};
pub use error::{CoreError, ErrorKind, RowError};
pub use monitor::{Alert, AlertSink, Monitor, MonitorConfig};
pub use output::{FieldValue, Record, View, Visibility};
pub use schema::{
    Collection, FieldSpec, LegalBasis, PurposeSpec, Schema, SchemaChange, SchemaDiff,
    DEFAULT_SCHEMA,
};
pub use vault::{
    BatchDoc, RotationReport, SealedBatch, TotpEnrolment, Vault, VaultInfo, CREDENTIAL_THROTTLE_DOC,
};

/// Records a batch may hold at most; larger inputs are split by the caller.
pub const MAX_BATCH: usize = 10_000;
