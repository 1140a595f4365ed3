//! Writes: create (single and batch), partial update and delete.
//!
//! A batch is all-or-nothing: every row is parsed and checked first, and if any row is
//! invalid the whole batch is refused with a report per row and nothing is written. A
//! valid batch is sealed (on all cores when it is large) and committed in one store
//! transaction together with its blind-index entries.

use std::collections::BTreeSet;

use gembok_store::{Mutation, RecordMeta, SealedRecord};
use gembok_types::{FieldType, RecordId};
use serde_json::Value;

use super::seal::{index_mutations, seal_fields};
use super::{State, Vault};
use crate::audit::{Actor, AuditEvent};
use crate::input::{as_object, parse_fields, FieldInput};
use crate::schema::{Collection, SubjectRule};
use crate::time::now_ms;
use crate::{CoreError, RowError, MAX_BATCH};

/// Rows a batch reports errors for at most; the count covers the rest.
const MAX_ROW_ERRORS: usize = 100;

/// A document written in the same transaction as a batch of new records.
#[derive(Clone, PartialEq, Eq)]
pub struct BatchDoc {
    pub kind: String,
    pub id: String,
    pub body: Vec<u8>,
}

impl BatchDoc {
    fn into_mutation(self) -> Mutation {
        Mutation::PutDoc {
            kind: self.kind,
            id: self.id,
            body: self.body,
        }
    }
}

impl std::fmt::Debug for BatchDoc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BatchDoc")
            .field("kind", &self.kind)
            .field("id", &self.id)
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// A batch of new records checked and sealed by [`Vault::seal_batch`], not yet
/// written. It holds ciphertexts and blind-index digests only, never a value.
pub struct SealedBatch {
    muts: Vec<Mutation>,
    event: Option<AuditEvent>,
    ids: Vec<RecordId>,
}

impl SealedBatch {
    /// Records in the batch.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}

impl std::fmt::Debug for SealedBatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SealedBatch")
            .field("records", &self.ids.len())
            .field("mutations", &self.muts.len())
            .finish()
    }
}

struct Prepared<'s> {
    id: RecordId,
    subject: RecordId,
    fields: Vec<FieldInput<'s>>,
}

impl Vault {
    /// Create one record; returns its new id.
    pub fn create(
        &self,
        actor: &Actor,
        collection: &str,
        input: &Value,
    ) -> Result<RecordId, CoreError> {
        let ids = self.create_batch(actor, collection, std::slice::from_ref(input))?;
        Ok(ids[0])
    }

    /// Create many records in one transaction (all or nothing).
    pub fn create_batch(
        &self,
        actor: &Actor,
        collection: &str,
        inputs: &[Value],
    ) -> Result<Vec<RecordId>, CoreError> {
        self.create_batch_and(actor, collection, inputs, Vec::new())
    }

    /// [`Vault::create_batch`], writing `doc` in the same transaction: the records and
    /// the document commit together or not at all (with no rows, the document alone is
    /// written). An import keeps its progress this way, so an interrupted import knows
    /// exactly which rows are in. The document is state, not an audited action, and
    /// must hold no personal data.
    pub fn create_batch_with_doc(
        &self,
        actor: &Actor,
        collection: &str,
        inputs: &[Value],
        doc: BatchDoc,
    ) -> Result<Vec<RecordId>, CoreError> {
        let put = doc.into_mutation();
        if inputs.is_empty() {
            self.store.apply(&[put])?;
            return Ok(Vec::new());
        }
        self.create_batch_and(actor, collection, inputs, vec![put])
    }

    fn create_batch_and(
        &self,
        actor: &Actor,
        collection: &str,
        inputs: &[Value],
        extra: Vec<Mutation>,
    ) -> Result<Vec<RecordId>, CoreError> {
        if inputs.is_empty() {
            return Ok(Vec::new());
        }
        let batch = self.seal_batch(actor, collection, inputs)?;
        self.commit_batch(batch, extra)
    }

    /// The first half of [`Vault::create_batch`]: check every row (all or nothing, with
    /// a report per row), then seal the batch and build its blind-index entries and
    /// audit event, writing nothing. [`Vault::commit_sealed`] writes it. An import
    /// seals its next batch while the previous one commits this way; a batch sealed
    /// before a key rotation stays readable, since rotation keeps every key version a
    /// stored value still uses.
    pub fn seal_batch(
        &self,
        actor: &Actor,
        collection: &str,
        inputs: &[Value],
    ) -> Result<SealedBatch, CoreError> {
        if inputs.len() > MAX_BATCH {
            return Err(CoreError::InvalidInput(format!(
                "a batch holds at most {MAX_BATCH} records"
            )));
        }
        let state = self.snapshot();
        let coll = state.schema.collection(collection)?;
        let prepared = prepare_rows(coll, inputs)?;
        self.check_references(coll, &prepared)?;
        let now = now_ms();
        let sealed = seal_parallel(&state, coll.name.as_str(), &prepared)?;
        let (current, _) = state.keys.current(coll.name.as_str())?;
        let mut muts = Vec::with_capacity(prepared.len() * 4 + 1);
        let mut ids = Vec::with_capacity(prepared.len());
        let mut names = BTreeSet::new();
        let mut subjects = Vec::new();
        for (p, s) in prepared.iter().zip(sealed) {
            let min_key_version = s
                .fields
                .iter()
                .map(|f| f.key_version)
                .min()
                .unwrap_or(current);
            muts.push(Mutation::Insert(SealedRecord {
                meta: RecordMeta {
                    collection: coll.name.to_string(),
                    id: p.id,
                    subject: p.subject,
                    created_at: now,
                    updated_at: now,
                    min_key_version,
                },
                fields: s.fields,
            }));
            muts.extend(index_mutations(s.index));
            ids.push(p.id);
            subjects.push(p.subject);
            names.extend(p.fields.iter().map(|f| f.spec.name.as_str()));
        }
        let event = (!ids.is_empty()).then(|| {
            AuditEvent::new(actor, "record.create", now)
                .collection(coll.name.as_str())
                .records(ids.iter().copied())
                .subjects(subjects)
                .fields(names)
        });
        Ok(SealedBatch { muts, event, ids })
    }

    /// The second half of [`Vault::create_batch_with_doc`]: write a batch from
    /// [`Vault::seal_batch`] and `doc` in one transaction with the batch's audit event.
    pub fn commit_sealed(
        &self,
        batch: SealedBatch,
        doc: BatchDoc,
    ) -> Result<Vec<RecordId>, CoreError> {
        self.commit_batch(batch, vec![doc.into_mutation()])
    }

    fn commit_batch(
        &self,
        batch: SealedBatch,
        extra: Vec<Mutation>,
    ) -> Result<Vec<RecordId>, CoreError> {
        let SealedBatch {
            mut muts,
            event,
            ids,
        } = batch;
        muts.extend(extra);
        match event {
            Some(event) => self.audit.commit(muts, vec![event])?,
            // No record: nothing to audit (an import's final journal write).
            None => self.store.apply(&muts)?,
        }
        Ok(ids)
    }

    /// Change some fields of a record; `null` removes an optional field. The field that
    /// names the record's subject cannot be changed.
    pub fn update(
        &self,
        actor: &Actor,
        collection: &str,
        id: RecordId,
        input: &Value,
    ) -> Result<(), CoreError> {
        let state = self.snapshot();
        let coll = state.schema.collection(collection)?;
        let fields = parse_fields(coll, as_object(input)?, true)?;
        if fields.is_empty() {
            return Err(CoreError::InvalidInput(
                "an update must name at least one field".into(),
            ));
        }
        if let SubjectRule::Field(subject_field) = &coll.subject {
            if fields.iter().any(|f| &f.spec.name == subject_field) {
                return Err(CoreError::InvalidInput(format!(
                    "field `{subject_field}` names the data subject and cannot be changed"
                )));
            }
        }
        let cname = coll.name.as_str();
        let sealed = seal_fields(&state, cname, id, &fields)?;
        let remove: Vec<String> = fields
            .iter()
            .filter(|f| f.value.is_none())
            .map(|f| f.spec.name.to_string())
            .collect();
        let mut muts = vec![Mutation::UpdateFields {
            collection: cname.to_owned(),
            id,
            set: sealed.fields,
            remove,
            updated_at: now_ms(),
        }];
        for f in fields.iter().filter(|f| f.spec.searchable) {
            muts.push(Mutation::DeleteIndex {
                collection: cname.to_owned(),
                field: f.spec.name.to_string(),
                record: id,
            });
        }
        muts.extend(index_mutations(sealed.index));
        let event = AuditEvent::new(actor, "record.update", now_ms())
            .collection(cname)
            .records([id])
            .fields(fields.iter().map(|f| f.spec.name.as_str()));
        self.audit.commit(muts, vec![event])?;
        Ok(())
    }

    /// Delete a record and its index entries.
    pub fn delete(&self, actor: &Actor, collection: &str, id: RecordId) -> Result<(), CoreError> {
        let state = self.snapshot();
        let coll = state.schema.collection(collection)?;
        let event = AuditEvent::new(actor, "record.delete", now_ms())
            .collection(coll.name.as_str())
            .records([id]);
        let mut muts = vec![Mutation::Delete {
            collection: coll.name.to_string(),
            id,
        }];
        // A deleted record's credentials take their throttle state with them.
        for f in coll.fields.values() {
            if matches!(f.field_type, FieldType::Password | FieldType::Totp) {
                muts.push(Mutation::DeleteDoc {
                    kind: super::CREDENTIAL_THROTTLE_DOC.into(),
                    id: format!("{}/{id}/{}", coll.name, f.name),
                });
            }
        }
        self.audit.commit(muts, vec![event])?;
        Ok(())
    }

    /// Every referenced subject must exist before records pointing to it are written.
    fn check_references(&self, coll: &Collection, rows: &[Prepared<'_>]) -> Result<(), CoreError> {
        let SubjectRule::Field(field) = &coll.subject else {
            return Ok(());
        };
        let Some(target) = coll.subject_collection() else {
            return Ok(());
        };
        let wanted: BTreeSet<RecordId> = rows.iter().map(|p| p.subject).collect();
        let wanted: Vec<RecordId> = wanted.into_iter().collect();
        let mut found = BTreeSet::new();
        for chunk in wanted.chunks(500) {
            for rec in self.store.get(target.as_str(), chunk, Some(&[]))? {
                found.insert(rec.meta.id);
            }
        }
        if found.len() == wanted.len() {
            return Ok(());
        }
        let errors: Vec<RowError> = rows
            .iter()
            .enumerate()
            .filter(|(_, p)| !found.contains(&p.subject))
            .take(MAX_ROW_ERRORS)
            .map(|(row, _)| RowError {
                row,
                message: CoreError::DanglingReference {
                    collection: target.to_string(),
                    field: field.to_string(),
                }
                .to_string(),
            })
            .collect();
        if rows.len() == 1 {
            return Err(CoreError::DanglingReference {
                collection: target.to_string(),
                field: field.to_string(),
            });
        }
        Err(CoreError::Batch {
            errors,
            total: rows.len(),
        })
    }
}

fn prepare_rows<'s>(
    coll: &'s Collection,
    inputs: &[Value],
) -> Result<Vec<Prepared<'s>>, CoreError> {
    let mut prepared = Vec::with_capacity(inputs.len());
    let mut errors = Vec::new();
    for (row, input) in inputs.iter().enumerate() {
        match prepare_one(coll, input) {
            Ok(p) => prepared.push(p),
            Err(e) if inputs.len() == 1 => return Err(e),
            Err(e) => {
                if errors.len() < MAX_ROW_ERRORS {
                    errors.push(RowError {
                        row,
                        message: e.to_string(),
                    });
                }
            }
        }
    }
    if !errors.is_empty() || prepared.len() != inputs.len() {
        return Err(CoreError::Batch {
            errors,
            total: inputs.len(),
        });
    }
    Ok(prepared)
}

fn prepare_one<'s>(coll: &'s Collection, input: &Value) -> Result<Prepared<'s>, CoreError> {
    let fields = parse_fields(coll, as_object(input)?, false)?;
    let id = RecordId::generate();
    let subject = match &coll.subject {
        SubjectRule::SelfSubject => id,
        SubjectRule::Field(name) => {
            let f = fields
                .iter()
                .find(|f| &f.spec.name == name && f.spec.field_type == FieldType::Reference)
                .and_then(|f| f.value.as_ref())
                .ok_or_else(|| CoreError::MissingField(name.to_string()))?;
            f.as_str().parse().map_err(|_| CoreError::InvalidField {
                field: name.to_string(),
                rule: "reference.format",
                reason: "not a record id",
            })?
        }
    };
    Ok(Prepared {
        id,
        subject,
        fields,
    })
}

/// Seal rows, spreading large batches over the available cores.
fn seal_parallel(
    state: &State,
    collection: &str,
    rows: &[Prepared<'_>],
) -> Result<Vec<super::seal::SealedFields>, CoreError> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if rows.len() < 256 || threads < 2 {
        return rows
            .iter()
            .map(|p| seal_fields(state, collection, p.id, &p.fields))
            .collect();
    }
    let chunk = rows.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = rows
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|p| seal_fields(state, collection, p.id, &p.fields))
                        .collect::<Result<Vec<_>, _>>()
                })
            })
            .collect();
        let mut out = Vec::with_capacity(rows.len());
        for h in handles {
            let part = h
                .join()
                .map_err(|_| CoreError::Integrity("a sealing thread failed".into()))??;
            out.extend(part);
        }
        Ok(out)
    })
}
