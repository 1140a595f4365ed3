//! Builders and assertions the conformance tests share. Everything goes through the
//! public [`Store`] trait, so the suite runs unchanged against any backend.

use crate::codec::min_key_version;
use crate::{IndexEntry, Mutation, SealedField, SealedRecord, Store, StoreError};
use gembok_types::RecordId;

/// A fixed creation time (2025-01-01T00:00:00Z in milliseconds) so results compare exactly.
pub(crate) const T0: i64 = 1_735_689_600_000;

/// A stand-in ciphertext: deterministic bytes that differ per label, including zero
/// bytes and high bytes so a backend that treats blobs as text fails.
pub(crate) fn ct(label: &str) -> Vec<u8> {
    let mut out = vec![0x01, 0x00, 0xff];
    out.extend_from_slice(label.as_bytes());
    out.extend(label.bytes().map(|b| b.wrapping_mul(31)));
    out
}

pub(crate) fn field(name: &str, key_version: u32) -> SealedField {
    SealedField {
        name: name.to_owned(),
        key_version,
        ciphertext: ct(&format!("{name}@{key_version}")),
    }
}

/// A new record naming itself as subject, with fields sorted by name and a consistent
/// `min_key_version`, as the vault would build it.
pub(crate) fn record(collection: &str, mut fields: Vec<SealedField>) -> SealedRecord {
    fields.sort_by(|a, b| a.name.cmp(&b.name));
    let id = RecordId::generate();
    SealedRecord {
        meta: crate::RecordMeta {
            collection: collection.to_owned(),
            id,
            subject: id,
            created_at: T0,
            updated_at: T0,
            min_key_version: min_key_version(&fields),
        },
        fields,
    }
}

/// A customer record with the usual three fields, all at `key_version`.
pub(crate) fn customer(key_version: u32) -> SealedRecord {
    record(
        "customers",
        vec![
            field("email", key_version),
            field("name", key_version),
            field("phone", key_version),
        ],
    )
}

pub(crate) fn index(collection: &str, field: &str, digest: &[u8], record: RecordId) -> Mutation {
    Mutation::PutIndex(IndexEntry {
        collection: collection.to_owned(),
        field: field.to_owned(),
        digest: digest.to_vec(),
        record,
    })
}

pub(crate) fn apply_ok(store: &dyn Store, mutations: &[Mutation]) {
    if let Err(e) = store.apply(mutations) {
        panic!("{} apply failed: {e}", store.backend());
    }
}

pub(crate) fn insert_all(store: &dyn Store, records: &[SealedRecord]) {
    let mutations: Vec<Mutation> = records.iter().cloned().map(Mutation::Insert).collect();
    apply_ok(store, &mutations);
}

pub(crate) fn sorted_ids(records: &[SealedRecord]) -> Vec<RecordId> {
    let mut ids: Vec<RecordId> = records.iter().map(|r| r.meta.id).collect();
    ids.sort();
    ids
}

pub(crate) fn get_one(store: &dyn Store, collection: &str, id: RecordId) -> Option<SealedRecord> {
    let mut found = store.get(collection, &[id], None).expect("get");
    assert!(found.len() <= 1, "one id returned {} records", found.len());
    found.pop()
}

pub(crate) fn assert_conflict(result: Result<(), StoreError>, what: &str) {
    assert!(
        matches!(result, Err(StoreError::Conflict(_))),
        "{what}: expected Conflict, got {result:?}"
    );
}

pub(crate) fn assert_not_found(result: Result<(), StoreError>, what: &str) {
    assert!(
        matches!(result, Err(StoreError::NotFound)),
        "{what}: expected NotFound, got {result:?}"
    );
}
