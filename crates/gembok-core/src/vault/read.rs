//! Reads: get by id (one or many), equality search through blind indexes, and listing.
//! (Password and TOTP verification live in `credentials`; the deferred forms of get and
//! find, which return before their event is durable, in `read_deferred`.)
//!
//! Blind-index digests are truncated, so a lookup can return a record whose value only
//! shares a digest prefix; every candidate is opened and compared before it is returned.

use gembok_crypto::constant_time_eq;
use gembok_store::{RecordMeta, SealedRecord};
use gembok_types::{Normalized, RecordId};

use super::seal::{open_all, open_record};
use super::{State, Vault};
use crate::audit::{Actor, AuditEvent};
use crate::input::check_field_names;
use crate::output::{Record, View};
use crate::schema::Collection;
use crate::time::now_ms;
use crate::{CoreError, MAX_BATCH};

impl Vault {
    /// Read one record. `fields`: `None` for every field, else only those (each must be
    /// declared).
    pub fn get(
        &self,
        actor: &Actor,
        collection: &str,
        id: RecordId,
        fields: Option<&[&str]>,
        view: View<'_>,
    ) -> Result<Record, CoreError> {
        self.get_batch(actor, collection, &[id], fields, view)?
            .pop()
            .ok_or(CoreError::NotFound)
    }

    /// Read many records; ids that do not exist are left out.
    pub fn get_batch(
        &self,
        actor: &Actor,
        collection: &str,
        ids: &[RecordId],
        fields: Option<&[&str]>,
        view: View<'_>,
    ) -> Result<Vec<Record>, CoreError> {
        let (out, event) = self.read_batch(actor, collection, ids, fields, view)?;
        self.audit.record(event)?;
        Ok(out)
    }

    /// The records of [`Vault::get_batch`] and the event to record before answering.
    pub(super) fn read_batch(
        &self,
        actor: &Actor,
        collection: &str,
        ids: &[RecordId],
        fields: Option<&[&str]>,
        view: View<'_>,
    ) -> Result<(Vec<Record>, AuditEvent), CoreError> {
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
        let name = coll.name.to_string();
        let state = self.covering(state, &name, &sealed);
        let coll = state.schema.collection(collection)?;
        self.check_subjects(
            actor.purpose.as_deref(),
            sealed.iter().map(|r| r.meta.subject),
        )?;
        let out = sealed
            .iter()
            .map(|r| open_record(&state, coll, r, &view))
            .collect::<Result<Vec<_>, _>>()?;
        let event = read_event(actor, "record.read", coll, &out, None);
        Ok((out, event))
    }

    /// Records whose searchable `field` equals `value` (after normalisation). One store
    /// read loads the candidates with the requested fields and the searched one.
    pub fn find(
        &self,
        actor: &Actor,
        collection: &str,
        field: &str,
        value: &str,
        fields: Option<&[&str]>,
        view: View<'_>,
    ) -> Result<Vec<Record>, CoreError> {
        let (out, event) = self.search_records(actor, collection, field, value, fields, view)?;
        self.audit.record(event)?;
        Ok(out)
    }

    /// The records of [`Vault::find`] and the event to record before answering.
    pub(super) fn search_records(
        &self,
        actor: &Actor,
        collection: &str,
        field: &str,
        value: &str,
        fields: Option<&[&str]>,
        view: View<'_>,
    ) -> Result<(Vec<Record>, AuditEvent), CoreError> {
        let state = self.snapshot();
        let coll = state.schema.collection(collection)?;
        if let Some(names) = fields {
            check_field_names(coll, names)?;
        }
        let key = search_key(&state, coll, field, value)?;
        let searched = key.field.as_str();
        let wanted: Option<Vec<&str>> = fields.map(|names| {
            let mut v = names.to_vec();
            if !v.contains(&searched) {
                v.push(searched);
            }
            v
        });
        let candidates = self.store.find_records(
            coll.name.as_str(),
            searched,
            &key.digest,
            wanted.as_deref(),
        )?;
        let name = coll.name.to_string();
        let state = self.covering(state, &name, &candidates);
        let coll = state.schema.collection(collection)?;
        let mut out = Vec::with_capacity(candidates.len());
        for mut rec in candidates {
            if !key.matches(&state, coll.name.as_str(), &rec)?
                || !self.subject_allows(actor.purpose.as_deref(), rec.meta.subject)?
            {
                continue;
            }
            if fields.is_some_and(|names| !names.contains(&searched)) {
                rec.fields.retain(|f| f.name != searched);
            }
            out.push(open_record(&state, coll, &rec, &view)?);
        }
        let event = read_event(actor, "record.search", coll, &out, Some(searched));
        Ok((out, event))
    }

    /// Ids of records whose searchable `field` equals `value`.
    pub fn find_ids(
        &self,
        actor: &Actor,
        collection: &str,
        field: &str,
        value: &str,
    ) -> Result<Vec<RecordId>, CoreError> {
        let state = self.snapshot();
        let coll = state.schema.collection(collection)?;
        let key = search_key(&state, coll, field, value)?;
        let only = [key.field.as_str()];
        let candidates = self.store.find_records(
            coll.name.as_str(),
            key.field.as_str(),
            &key.digest,
            Some(&only),
        )?;
        let name = coll.name.to_string();
        let state = self.covering(state, &name, &candidates);
        let mut ids = Vec::with_capacity(candidates.len());
        for rec in candidates {
            if key.matches(&state, &name, &rec)? {
                ids.push(rec.meta.id);
            }
        }
        let event = AuditEvent::new(actor, "record.search", now_ms())
            .collection(&name)
            .records(ids.iter().copied())
            .fields([key.field.as_str()]);
        self.audit.record(event)?;
        Ok(ids)
    }

    /// Non-personal metadata of up to `limit` records after the cursor `after`.
    pub fn list(
        &self,
        actor: &Actor,
        collection: &str,
        after: Option<RecordId>,
        limit: usize,
    ) -> Result<Vec<RecordMeta>, CoreError> {
        let state = self.snapshot();
        let coll = state.schema.collection(collection)?;
        let metas = self
            .store
            .list(coll.name.as_str(), after, limit.min(MAX_BATCH))?;
        // Ids only, no values: the event counts them rather than naming each.
        let event = AuditEvent::new(actor, "record.list", now_ms())
            .collection(coll.name.as_str())
            .code(&format!("count:{}", metas.len()));
        self.audit.record(event)?;
        Ok(metas)
    }

    /// Number of records in a collection.
    pub fn count(&self, collection: &str) -> Result<u64, CoreError> {
        let state = self.snapshot();
        let coll = state.schema.collection(collection)?;
        Ok(self.store.count(coll.name.as_str())?)
    }
}

/// A normalised search value, its blind-index digest and the field it belongs to.
struct SearchKey {
    field: String,
    canonical: Normalized,
    digest: [u8; 16],
}

impl SearchKey {
    /// Whether a candidate's stored value really equals the searched one (digests are
    /// truncated, so a match alone can be a collision).
    fn matches(
        &self,
        state: &State,
        collection: &str,
        rec: &SealedRecord,
    ) -> Result<bool, CoreError> {
        let Some(sealed) = rec.fields.iter().find(|f| f.name == self.field) else {
            return Ok(false);
        };
        let one = SealedRecord {
            meta: rec.meta.clone(),
            fields: vec![sealed.clone()],
        };
        Ok(open_all(state, collection, &one)?
            .get(&self.field)
            .is_some_and(|v| constant_time_eq(v.as_bytes(), self.canonical.as_bytes())))
    }
}

fn search_key(
    state: &State,
    coll: &Collection,
    field: &str,
    value: &str,
) -> Result<SearchKey, CoreError> {
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
    Ok(SearchKey {
        field: spec.name.to_string(),
        canonical,
        digest,
    })
}

/// The event of a read: which records, whose, and which fields were returned.
fn read_event(
    actor: &Actor,
    action: &str,
    coll: &Collection,
    records: &[Record],
    searched: Option<&str>,
) -> AuditEvent {
    let mut names: std::collections::BTreeSet<&str> = searched.into_iter().collect();
    for r in records {
        names.extend(r.fields.keys().map(String::as_str));
    }
    AuditEvent::new(actor, action, now_ms())
        .collection(coll.name.as_str())
        .records(records.iter().map(|r| r.id))
        .subjects(records.iter().map(|r| r.subject))
        .fields(names)
}
