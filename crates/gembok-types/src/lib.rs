//! Gembok's domain vocabulary, free of HTTP, SQL and cryptography.
//!
//! "Parse, don't validate": every personal value enters the system through a newtype
//! with a private field and a fallible constructor that validates and normalises it
//! (`Email`, `Phone`, `Nik`, `Npwp`, ...). Each type also owns its masking rule, so the
//! rule that decides what a support agent may see lives next to the rule that decides
//! what is valid. Personal-data types redact their `Debug` output and zeroize on drop.
#![forbid(unsafe_code)]

pub mod card;
mod class;
mod error;
mod field_type;
mod ids;
mod names;
mod normalized;
pub mod values;

pub use class::DataClass;
pub use error::ValidationError;
pub use field_type::FieldType;
pub use ids::{InvalidRecordId, RecordId};
pub use names::{CollectionName, FieldName, InvalidName, Purpose};
pub use normalized::Normalized;
