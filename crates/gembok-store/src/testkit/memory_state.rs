//! The state behind [`MemoryStore`](super::MemoryStore): records, the blind index,
//! keys, schemas, settings, documents and the audit half, and how one [`Mutation`]
//! changes them. `apply` works on a copy of this, so a failed mutation leaves the store
//! as it was.

use super::memory_audit::AuditState;
use crate::codec;
use crate::{IndexEntry, KeyRecord, Mutation, RecordMeta, SchemaVersion, StoreError};
use gembok_types::RecordId;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Bound;

pub(super) type RecordKey = (String, RecordId);
/// (collection, field, digest, record): ordered so one digest's records are in id order.
pub(super) type IndexKey = (String, String, Vec<u8>, RecordId);

#[derive(Clone, Default)]
pub(super) struct State {
    pub records: BTreeMap<RecordKey, (RecordMeta, Vec<u8>)>,
    pub index: BTreeSet<IndexKey>,
    pub keys: BTreeMap<(String, u32), KeyRecord>,
    pub schemas: BTreeMap<u32, SchemaVersion>,
    pub settings: BTreeMap<String, Vec<u8>>,
    pub docs: BTreeMap<(String, String), Vec<u8>>,
    pub audit: AuditState,
}

pub(super) fn not_found<T>(found: Option<T>) -> Result<T, StoreError> {
    found.ok_or(StoreError::NotFound)
}

impl State {
    pub(super) fn records_of<'a>(
        &'a self,
        collection: &'a str,
        after: Option<RecordId>,
    ) -> impl Iterator<Item = &'a (RecordMeta, Vec<u8>)> + 'a {
        let start = match after {
            Some(id) => Bound::Excluded((collection.to_owned(), id)),
            None => Bound::Included((collection.to_owned(), RecordId::from_bytes([0; 16]))),
        };
        self.records
            .range((start, Bound::Unbounded))
            .take_while(move |((c, _), _)| c == collection)
            .map(|(_, v)| v)
    }

    pub(super) fn apply(&mut self, mutation: &Mutation) -> Result<(), StoreError> {
        match mutation {
            Mutation::Insert(rec) => {
                let key = (rec.meta.collection.clone(), rec.meta.id);
                if self.records.contains_key(&key) {
                    return Err(StoreError::Conflict("a record with this id already exists"));
                }
                let blob = codec::encode(&rec.fields)?;
                self.records.insert(key, (rec.meta.clone(), blob));
            }
            Mutation::UpdateFields {
                collection,
                id,
                set,
                remove,
                updated_at,
            } => {
                let (meta, blob) = not_found(self.records.get_mut(&(collection.clone(), *id)))?;
                let merged = codec::merge(codec::decode(blob)?, set, remove)?;
                *blob = codec::encode(&merged)?;
                meta.min_key_version = codec::min_key_version(&merged);
                meta.updated_at = *updated_at;
            }
            Mutation::Delete { collection, id } => {
                not_found(self.records.remove(&(collection.clone(), *id)))?;
                self.index
                    .retain(|(c, _, _, r)| !(c == collection && r == id));
            }
            Mutation::PutIndex(IndexEntry {
                collection,
                field,
                digest,
                record,
            }) => {
                self.index
                    .insert((collection.clone(), field.clone(), digest.clone(), *record));
            }
            Mutation::DeleteIndex {
                collection,
                field,
                record,
            } => self
                .index
                .retain(|(c, f, _, r)| !(c == collection && f == field && r == record)),
            Mutation::PutKey(key) => {
                let slot = (key.purpose.clone(), key.version);
                if self.keys.contains_key(&slot) {
                    return Err(StoreError::Conflict("this key version already exists"));
                }
                self.keys.insert(slot, key.clone());
            }
            Mutation::RewrapKey {
                purpose,
                version,
                wrapped,
            } => {
                not_found(self.keys.get_mut(&(purpose.clone(), *version)))?.wrapped =
                    wrapped.clone();
            }
            Mutation::DeleteKey { purpose, version } => {
                not_found(self.keys.remove(&(purpose.clone(), *version)))?;
            }
            Mutation::PutSchema(schema) => {
                if self.schemas.contains_key(&schema.version) {
                    return Err(StoreError::Conflict("this schema version already exists"));
                }
                self.schemas.insert(schema.version, schema.clone());
            }
            Mutation::PurgeField { collection, field } => {
                let remove = [field.clone()];
                for ((c, _), (meta, blob)) in self.records.iter_mut() {
                    if c != collection {
                        continue;
                    }
                    let fields = codec::decode(blob)?;
                    if fields.iter().any(|f| &f.name == field) {
                        let kept = codec::merge(fields, &[], &remove)?;
                        *blob = codec::encode(&kept)?;
                        meta.min_key_version = codec::min_key_version(&kept);
                    }
                }
                self.index
                    .retain(|(c, f, _, _)| !(c == collection && f == field));
            }
            Mutation::PutSetting { name, value } => {
                self.settings.insert(name.clone(), value.clone());
            }
            Mutation::PutDoc { kind, id, body } => {
                self.docs.insert((kind.clone(), id.clone()), body.clone());
            }
            Mutation::PutDocIf {
                kind,
                id,
                body,
                expected,
            } => {
                let key = (kind.clone(), id.clone());
                if self.docs.get(&key) != expected.as_ref() {
                    return Err(StoreError::Changed);
                }
                self.docs.insert(key, body.clone());
            }
            Mutation::DeleteDoc { kind, id } => {
                self.docs.remove(&(kind.clone(), id.clone()));
            }
            Mutation::AppendAudit(row) => self.audit.append(row)?,
            Mutation::PutAuditCheckpoint(checkpoint) => self.audit.put_checkpoint(checkpoint),
            Mutation::PruneAudit { through } => self.audit.prune(*through),
        }
        Ok(())
    }
}
