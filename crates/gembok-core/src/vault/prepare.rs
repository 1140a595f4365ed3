//! A batch's rows before anything is written: each parsed and checked against the
//! collection (its id drawn, its subject found), errors gathered per row, then the
//! valid rows sealed, on all cores when there are many.

use gembok_types::{FieldType, RecordId};
use serde_json::Value;

use super::seal::{seal_fields, SealedFields};
use super::State;
use crate::input::{as_object, parse_fields, FieldInput};
use crate::schema::{Collection, SubjectRule};
use crate::{CoreError, RowError};

/// Rows a batch reports errors for at most; the count covers the rest.
pub(super) const MAX_ROW_ERRORS: usize = 100;

/// One row parsed and checked, not yet sealed.
pub(super) struct Prepared<'s> {
    pub id: RecordId,
    pub subject: RecordId,
    pub fields: Vec<FieldInput<'s>>,
}

pub(super) fn prepare_rows<'s>(
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
pub(super) fn seal_parallel(
    state: &State,
    collection: &str,
    rows: &[Prepared<'_>],
) -> Result<Vec<SealedFields>, CoreError> {
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
