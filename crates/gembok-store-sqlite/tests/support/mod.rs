//! Records for the SQLite store's own tests (the shared suite has its own).

#![allow(dead_code)]

use gembok_store::{RecordMeta, SealedField, SealedRecord};
use gembok_types::RecordId;

/// A new record of `collection` with `fields`; its lowest key version is theirs.
pub fn record_in(collection: &str, fields: Vec<SealedField>) -> SealedRecord {
    let id = RecordId::generate();
    SealedRecord {
        meta: RecordMeta {
            collection: collection.into(),
            id,
            subject: id,
            created_at: 1,
            updated_at: 1,
            min_key_version: fields
                .iter()
                .map(|f| f.key_version)
                .min()
                .unwrap_or(u32::MAX),
        },
        fields,
    }
}

/// A new customer whose one field, `nik`, holds `ciphertext`.
pub fn record_with(ciphertext: &[u8]) -> SealedRecord {
    record_in(
        "customers",
        vec![SealedField {
            name: "nik".into(),
            key_version: 1,
            ciphertext: ciphertext.to_vec(),
        }],
    )
}
