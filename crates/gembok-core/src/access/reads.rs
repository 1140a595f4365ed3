//! Reads of personal data through the gate: the purpose check, the per-field plan, and
//! the vault call that carries the plan out.
//!
//! The plan is computed before any record is loaded, so a read that could return
//! nothing is refused without touching the data, and only visible fields are opened.
//! Each read also has a deferred form that returns before its audit event is durable,
//! with the result held back in a [`Durable`] until it is.

use std::collections::BTreeMap;

use gembok_types::{Purpose, RecordId};

use super::decide::field_visibility;
use super::role::Role;
use super::{AccessError, Action, Denied, Gate, Principal};
use crate::audit::{Actor, Durable};
use crate::schema::Collection;
use crate::{Record, View, Visibility};

/// Which fields a read returns and how.
struct Plan {
    names: Vec<String>,
    visibility: BTreeMap<String, Visibility>,
}

impl Plan {
    fn view(&self, field: &str) -> Visibility {
        self.visibility
            .get(field)
            .copied()
            .unwrap_or(Visibility::Hidden)
    }

    fn names(&self) -> Vec<&str> {
        self.names.iter().map(String::as_str).collect()
    }
}

impl Gate {
    /// Read one record for `purpose`; fields the caller may not see are left out.
    pub fn get(
        &self,
        p: &Principal,
        purpose: Option<&str>,
        collection: &str,
        id: RecordId,
        fields: Option<&[&str]>,
    ) -> Result<Record, AccessError> {
        self.get_batch(p, purpose, collection, &[id], fields)?
            .pop()
            .ok_or(AccessError::Core(crate::CoreError::NotFound))
    }

    /// Read many records for `purpose`; ids that do not exist are left out.
    pub fn get_batch(
        &self,
        p: &Principal,
        purpose: Option<&str>,
        collection: &str,
        ids: &[RecordId],
        fields: Option<&[&str]>,
    ) -> Result<Vec<Record>, AccessError> {
        self.read_planned(p, purpose, collection, fields, |actor, names, view| {
            self.vault()
                .get_batch(actor, collection, ids, Some(names), view)
        })
    }

    /// [`Gate::get`] that returns before its audit event is durable: the record is
    /// held back in the [`Durable`] until it is (await it, or wait on it).
    pub fn get_deferred(
        &self,
        p: &Principal,
        purpose: Option<&str>,
        collection: &str,
        id: RecordId,
        fields: Option<&[&str]>,
    ) -> Result<Durable<Record>, AccessError> {
        Ok(self
            .get_batch_deferred(p, purpose, collection, &[id], fields)?
            .and_then(|mut v| v.pop().ok_or(crate::CoreError::NotFound)))
    }

    /// [`Gate::get_batch`] that returns before its audit event is durable.
    pub fn get_batch_deferred(
        &self,
        p: &Principal,
        purpose: Option<&str>,
        collection: &str,
        ids: &[RecordId],
        fields: Option<&[&str]>,
    ) -> Result<Durable<Vec<Record>>, AccessError> {
        self.read_planned(p, purpose, collection, fields, |actor, names, view| {
            self.vault()
                .get_batch_deferred(actor, collection, ids, Some(names), view)
        })
    }

    /// Decide the read, check the purpose, plan the fields, then run `read` with the
    /// caller as an actor, the planned field names and the per-field view. A refusal
    /// or failure after the decision is noted in the audit log.
    fn read_planned<R>(
        &self,
        p: &Principal,
        purpose: Option<&str>,
        collection: &str,
        fields: Option<&[&str]>,
        read: impl FnOnce(&Actor, &[&str], View<'_>) -> Result<R, crate::CoreError>,
    ) -> Result<R, AccessError> {
        let role = self.check(p, Action::Read, Some(collection))?;
        self.audited(p, purpose, Action::Read, Some(collection), || {
            let purpose = check_purpose(p, role, purpose)?;
            let schema = self.vault().schema();
            let coll = schema.collection(collection)?;
            let plan = plan(role, coll, purpose.as_str(), fields)?;
            let decide = |f: &str| plan.view(f);
            Ok(read(
                &p.actor(Some(purpose.as_str())),
                &plan.names(),
                View::PerField(&decide),
            )?)
        })
    }

    /// Records whose searchable `field` equals `value`. The searched field must itself
    /// be visible to the caller for `purpose`: a search is a question about its value.
    pub fn search(
        &self,
        p: &Principal,
        purpose: Option<&str>,
        collection: &str,
        field: &str,
        value: &str,
        fields: Option<&[&str]>,
    ) -> Result<Vec<Record>, AccessError> {
        let search = |actor: &Actor, field: &str, names: &[&str], view: View<'_>| {
            self.vault()
                .find(actor, collection, field, value, Some(names), view)
        };
        self.search_planned(p, purpose, collection, field, fields, search)
    }

    /// [`Gate::search`] that returns before its audit event is durable: the records
    /// are held back in the [`Durable`] until it is.
    pub fn search_deferred(
        &self,
        p: &Principal,
        purpose: Option<&str>,
        collection: &str,
        field: &str,
        value: &str,
        fields: Option<&[&str]>,
    ) -> Result<Durable<Vec<Record>>, AccessError> {
        let search = |actor: &Actor, field: &str, names: &[&str], view: View<'_>| {
            self.vault()
                .find_deferred(actor, collection, field, value, Some(names), view)
        };
        self.search_planned(p, purpose, collection, field, fields, search)
    }

    /// [`Gate::read_planned`] for a search: the searched field must itself be visible.
    fn search_planned<R>(
        &self,
        p: &Principal,
        purpose: Option<&str>,
        collection: &str,
        field: &str,
        fields: Option<&[&str]>,
        search: impl FnOnce(&Actor, &str, &[&str], View<'_>) -> Result<R, crate::CoreError>,
    ) -> Result<R, AccessError> {
        let role = self.check(p, Action::Search, Some(collection))?;
        self.audited(p, purpose, Action::Search, Some(collection), || {
            let purpose = check_purpose(p, role, purpose)?;
            let schema = self.vault().schema();
            let coll = schema.collection(collection)?;
            let spec = coll.field(field)?;
            let searched = field_visibility(
                role,
                coll.name.as_str(),
                spec.name.as_str(),
                &spec.purposes,
                purpose.as_str(),
            );
            if searched == Visibility::Hidden {
                return Err(Denied::forbidden(format!(
                    "role `{}` may not search `{}.{}` for purpose `{purpose}`",
                    role.name, coll.name, spec.name
                ))
                .into());
            }
            let plan = plan(role, coll, purpose.as_str(), fields)?;
            let decide = |f: &str| plan.view(f);
            Ok(search(
                &p.actor(Some(purpose.as_str())),
                spec.name.as_str(),
                &plan.names(),
                View::PerField(&decide),
            )?)
        })
    }
}

/// The purpose must be stated, well formed, allowed by the key and by the role.
fn check_purpose(p: &Principal, role: &Role, purpose: Option<&str>) -> Result<Purpose, Denied> {
    let raw = purpose.ok_or_else(Denied::purpose_required)?;
    let purpose = Purpose::parse(raw).map_err(|_| {
        Denied::purpose_not_allowed(
            "a purpose must start with a-z, then use only a-z, 0-9 and _, at most 63 characters",
        )
    })?;
    if !p.key_allows_purpose(purpose.as_str()) {
        return Err(Denied::purpose_not_allowed(format!(
            "this API key is not allowed purpose `{purpose}`"
        )));
    }
    if !role.allows_purpose(purpose.as_str()) {
        return Err(Denied::purpose_not_allowed(format!(
            "role `{}` may not read for purpose `{purpose}`",
            role.name
        )));
    }
    Ok(purpose)
}

/// The fields to return and how; refused when none would be returned.
fn plan(
    role: &Role,
    coll: &Collection,
    purpose: &str,
    fields: Option<&[&str]>,
) -> Result<Plan, AccessError> {
    let specs = match fields {
        Some([]) => {
            return Err(
                crate::CoreError::InvalidInput("the field list names no field".into()).into(),
            )
        }
        Some(names) => names
            .iter()
            .map(|n| coll.field(n))
            .collect::<Result<Vec<_>, _>>()?,
        None => coll.fields.values().collect(),
    };
    let mut visibility = BTreeMap::new();
    for spec in specs {
        let v = field_visibility(
            role,
            coll.name.as_str(),
            spec.name.as_str(),
            &spec.purposes,
            purpose,
        );
        if v != Visibility::Hidden {
            visibility.insert(spec.name.to_string(), v);
        }
    }
    if visibility.is_empty() {
        let which = if fields.is_some() { "requested " } else { "" };
        return Err(Denied::forbidden(format!(
            "role `{}` may see no {which}field of `{}` for purpose `{purpose}`",
            role.name, coll.name
        ))
        .into());
    }
    Ok(Plan {
        names: visibility.keys().cloned().collect(),
        visibility,
    })
}
