//! Reads: get by id (one or many), equality search through blind indexes, listing, and
//! password verification.
//!
//! Blind-index digests are truncated, so a lookup can return a record whose value only
//! shares a digest prefix; every candidate is opened and compared before it is returned.

use gembok_crypto::constant_time_eq;
use gembok_store::RecordMeta;
use gembok_types::{FieldType, RecordId};

use super::seal::{open_all, open_record};
use super::Vault;
use crate::input::check_field_names;
use crate::output::{Record, View};
use crate::{CoreError, MAX_BATCH};

impl Vault {
    /// Read one record. `fields`: `None` for every field, else only those (each must be
    /// declared).
    pub fn get(
        &self,
        collection: &str,
        id: RecordId,
        fields: Option<&[&str]>,
        view: View<'_>,
    ) -> Result<Record, CoreError> {
        self.get_batch(collection, &[id], fields, view)?
            .pop()
            .ok_or(CoreError::NotFound)
    }

    /// Read many records; ids that do not exist are left out.
    pub fn get_batch(
        &self,
        collection: &str,
        ids: &[RecordId],
        fields: Option<&[&str]>,
        view: View<'_>,
    ) -> Result<Vec<Record>, CoreError> {
        if ids.len() > MAX_BATCH {
            return Err(CoreError::InvalidInput(format!(
                "a batch holds at most {MAX_BATCH} ids"
            )));
        }
        let state = self.snapshot();
        let coll = state.schema.collection(collection)?;
        if let Some(names) = fields {
            check_field_names(coll, names)?;
        }
        let sealed = self.store.get(coll.name.as_str(), ids, fields)?;
        sealed
            .iter()
            .map(|r| open_record(&state, coll, r, &view))
            .collect()
    }

    /// Records whose searchable `field` equals `value` (after normalisation).
    pub fn find(
        &self,
        collection: &str,
        field: &str,
        value: &str,
        fields: Option<&[&str]>,
        view: View<'_>,
    ) -> Result<Vec<Record>, CoreError> {
        let ids = self.find_ids(collection, field, value)?;
        self.get_batch(collection, &ids, fields, view)
    }

    /// Ids of records whose searchable `field` equals `value`.
    pub fn find_ids(
        &self,
        collection: &str,
        field: &str,
        value: &str,
    ) -> Result<Vec<RecordId>, CoreError> {
        let state = self.snapshot();
        let coll = state.schema.collection(collection)?;
        let spec = coll.field(field)?;
        if !spec.searchable {
            return Err(CoreError::NotSearchable(spec.name.to_string()));
        }
        let canonical = spec
            .field_type
            .normalize(value)
            .map_err(|e| CoreError::InvalidField {
                field: spec.name.to_string(),
                rule: e.rule,
                reason: e.reason,
            })?;
        let indexer = state
            .keys
            .indexer(coll.name.as_str(), spec.name.as_str())
            .ok_or_else(|| CoreError::NotSearchable(spec.name.to_string()))?;
        let digest = indexer.digest(canonical.as_bytes());
        let candidates = self
            .store
            .find(coll.name.as_str(), spec.name.as_str(), &digest)?;
        if candidates.is_empty() {
            return Ok(candidates);
        }
        let name = [spec.name.as_str()];
        let mut ids = Vec::with_capacity(candidates.len());
        for chunk in candidates.chunks(MAX_BATCH) {
            for rec in self.store.get(coll.name.as_str(), chunk, Some(&name))? {
                let values = open_all(&state, coll.name.as_str(), &rec)?;
                let matches = values
                    .get(spec.name.as_str())
                    .is_some_and(|v| constant_time_eq(v.as_bytes(), canonical.as_bytes()));
                if matches {
                    ids.push(rec.meta.id);
                }
            }
        }
        Ok(ids)
    }

    /// Non-personal metadata of up to `limit` records after the cursor `after`.
    pub fn list(
        &self,
        collection: &str,
        after: Option<RecordId>,
        limit: usize,
    ) -> Result<Vec<RecordMeta>, CoreError> {
        let state = self.snapshot();
        let coll = state.schema.collection(collection)?;
        Ok(self
            .store
            .list(coll.name.as_str(), after, limit.min(MAX_BATCH))?)
    }

    /// Number of records in a collection.
    pub fn count(&self, collection: &str) -> Result<u64, CoreError> {
        let state = self.snapshot();
        let coll = state.schema.collection(collection)?;
        Ok(self.store.count(coll.name.as_str())?)
    }

    /// Check a candidate password against a `password` field. The stored hash is never
    /// returned; a record without the field verifies as false.
    pub fn verify_password(
        &self,
        collection: &str,
        id: RecordId,
        field: &str,
        candidate: &str,
    ) -> Result<bool, CoreError> {
        let state = self.snapshot();
        let coll = state.schema.collection(collection)?;
        let spec = coll.field(field)?;
        if spec.field_type != FieldType::Password {
            return Err(CoreError::InvalidInput(format!(
                "field `{}` is not a password field",
                spec.name
            )));
        }
        let name = [spec.name.as_str()];
        let rec = self
            .store
            .get(coll.name.as_str(), &[id], Some(&name))?
            .pop()
            .ok_or(CoreError::NotFound)?;
        let values = open_all(&state, coll.name.as_str(), &rec)?;
        match values.get(spec.name.as_str()) {
            Some(phc) => Ok(gembok_crypto::password::verify(
                phc.as_str(),
                candidate.as_bytes(),
            )?),
            None => Ok(false),
        }
    }
}
