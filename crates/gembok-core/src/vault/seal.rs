//! Sealing typed values into stored fields and opening them again.
//!
//! One [`RecordCipher`] is derived per record and key version, then used for every field
//! of that record, with collection, record id and field bound in as associated data. A
//! value that fails to open is an integrity failure of the whole read, never garbage.

use std::collections::BTreeMap;

use gembok_crypto::RecordCipher;
use gembok_store::{IndexEntry, Mutation, SealedField, SealedRecord};
use gembok_types::{FieldType, Normalized, RecordId};

use super::State;
use crate::input::FieldInput;
use crate::output::{FieldValue, Record, View, Visibility};
use crate::schema::Collection;
use crate::CoreError;

/// The sealed form of some fields of one record, and the index entries they need.
pub(crate) struct SealedFields {
    pub fields: Vec<SealedField>,
    pub index: Vec<IndexEntry>,
}

/// Seal the given field values of record `id` under the collection's current key.
pub(crate) fn seal_fields(
    state: &State,
    collection: &str,
    id: RecordId,
    inputs: &[FieldInput<'_>],
) -> Result<SealedFields, CoreError> {
    let (version, key) = state.keys.current(collection)?;
    let cipher = RecordCipher::new(key, version, id.as_bytes())?;
    let mut fields = Vec::with_capacity(inputs.len());
    let mut index = Vec::new();
    for input in inputs {
        let Some(value) = &input.value else { continue };
        let name = input.spec.name.as_str();
        let ciphertext = if input.spec.field_type == FieldType::Password {
            // Only the Argon2id hash is kept; the password itself is never sealed.
            let phc = gembok_crypto::password::hash(value.as_bytes())?;
            cipher.seal(collection, name, phc.as_bytes())?
        } else {
            cipher.seal(collection, name, value.as_bytes())?
        };
        if input.spec.searchable {
            if let Some(ix) = state.keys.indexer(collection, name) {
                index.push(IndexEntry {
                    collection: collection.to_owned(),
                    field: name.to_owned(),
                    digest: ix.digest(value.as_bytes()).to_vec(),
                    record: id,
                });
            }
        }
        fields.push(SealedField {
            name: name.to_owned(),
            key_version: version,
            ciphertext,
        });
    }
    fields.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(SealedFields { fields, index })
}

/// Index mutations for sealed fields.
pub(crate) fn index_mutations(index: Vec<IndexEntry>) -> impl Iterator<Item = Mutation> {
    index.into_iter().map(Mutation::PutIndex)
}

/// Open every stored field of a record into its canonical text, by field name.
pub(crate) fn open_all(
    state: &State,
    collection: &str,
    record: &SealedRecord,
) -> Result<BTreeMap<String, Normalized>, CoreError> {
    let mut ciphers: Vec<(u32, RecordCipher)> = Vec::with_capacity(1);
    let mut out = BTreeMap::new();
    for field in &record.fields {
        let value = open_one(state, collection, record.meta.id, field, &mut ciphers)?;
        out.insert(field.name.clone(), value);
    }
    Ok(out)
}

fn open_one(
    state: &State,
    collection: &str,
    id: RecordId,
    field: &SealedField,
    ciphers: &mut Vec<(u32, RecordCipher)>,
) -> Result<Normalized, CoreError> {
    let pos = match ciphers.iter().position(|(v, _)| *v == field.key_version) {
        Some(p) => p,
        None => {
            let key = state.keys.version(collection, field.key_version)?;
            ciphers.push((
                field.key_version,
                RecordCipher::new(key, field.key_version, id.as_bytes())?,
            ));
            ciphers.len() - 1
        }
    };
    let mut plain = ciphers[pos]
        .1
        .open(collection, &field.name, &field.ciphertext)
        .map_err(|_| integrity(collection, &field.name))?;
    // Move the bytes out of the zeroizing buffer (no copy); `Normalized` zeroizes them.
    let text = String::from_utf8(std::mem::take(&mut *plain)).map_err(|e| {
        let mut bytes = e.into_bytes();
        zeroize::Zeroize::zeroize(&mut bytes);
        integrity(collection, &field.name)
    })?;
    Ok(Normalized::from_trusted(text))
}

fn integrity(collection: &str, field: &str) -> CoreError {
    CoreError::Integrity(format!(
        "a stored value of {collection}.{field} does not verify (tampered, moved or wrong key)"
    ))
}

/// Open a record for a caller: each field plain, masked or left out as `view` says.
pub(crate) fn open_record(
    state: &State,
    collection: &Collection,
    record: &SealedRecord,
    view: &View<'_>,
) -> Result<Record, CoreError> {
    let cname = collection.name.as_str();
    let mut ciphers: Vec<(u32, RecordCipher)> = Vec::with_capacity(1);
    let mut fields = BTreeMap::new();
    for field in &record.fields {
        let Ok(spec) = collection.field(&field.name) else {
            continue; // dropped from the schema; purge pending
        };
        let visibility = view.decide(&field.name);
        if visibility == Visibility::Hidden {
            continue;
        }
        // Open even what is shown masked: a tampered value must fail the read.
        let value = open_one(state, cname, record.meta.id, field, &mut ciphers)?;
        let shown = if spec.field_type.is_credential() || visibility == Visibility::Masked {
            FieldValue::Masked(spec.field_type.mask(value.as_str()))
        } else {
            FieldValue::Plain {
                field_type: spec.field_type,
                value,
            }
        };
        fields.insert(field.name.clone(), shown);
    }
    Ok(Record {
        collection: cname.to_owned(),
        id: record.meta.id,
        subject: record.meta.subject,
        created_at: record.meta.created_at,
        updated_at: record.meta.updated_at,
        fields,
    })
}
