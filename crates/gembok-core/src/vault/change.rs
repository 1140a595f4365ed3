//! Changes to one stored record: a partial update (its searchable fields re-indexed)
//! and a delete (its credentials' throttle state with it), each committed with its
//! audit event.

use gembok_store::Mutation;
use gembok_types::{FieldType, RecordId};
use serde_json::Value;

use super::seal::{index_mutations, seal_fields};
use super::Vault;
use crate::audit::{Actor, AuditEvent};
use crate::input::{as_object, parse_fields};
use crate::schema::SubjectRule;
use crate::time::now_ms;
use crate::CoreError;

impl Vault {
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
}
