//! Creating records, one or a batch (updates and deletes are in `change`).
//!
//! A batch is all-or-nothing: every row is parsed and checked first (`prepare`), and if any row is
//! invalid the whole batch is refused with a report per row and nothing is written. A
//! valid batch is sealed (on all cores when it is large) and committed in one store
//! transaction together with its blind-index entries.

use std::collections::BTreeSet;

use gembok_store::{Mutation, RecordMeta, SealedRecord};
use gembok_types::RecordId;
use serde_json::Value;

use super::prepare::{prepare_rows, seal_parallel, Prepared, MAX_ROW_ERRORS};
use super::seal::index_mutations;
use super::Vault;
use crate::audit::{Actor, AuditEvent};
use crate::schema::{Collection, SubjectRule};
use crate::time::now_ms;
use crate::{CoreError, RowError, MAX_BATCH};

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
