//! Reads of personal data through the gate: the purpose check, the per-field plan, and
//! the vault call that carries the plan out.
//!
//! The plan is computed before any record is loaded, so a read that could return
//! nothing is refused without touching the data, and only visible fields are opened.

use std::collections::BTreeMap;

use gembok_types::{Purpose, RecordId};

use super::decide::field_visibility;
use super::role::Role;
use super::{AccessError, Action, Denied, Gate, Principal};
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
        let role = self.check(p, Action::Read, Some(collection))?;
        self.audited(p, purpose, Action::Read, Some(collection), || {
            self.read_planned(p, role, purpose, collection, ids, fields)
        })
    }

    fn read_planned(
        &self,
        p: &Principal,
        role: &Role,
        purpose: Option<&str>,
        collection: &str,
        ids: &[RecordId],
        fields: Option<&[&str]>,
    ) -> Result<Vec<Record>, AccessError> {
        let purpose = check_purpose(p, role, purpose)?;
        let schema = self.vault().schema();
        let coll = schema.collection(collection)?;
        let plan = plan(role, coll, purpose.as_str(), fields)?;
        let decide = |f: &str| plan.view(f);
        Ok(self.vault().get_batch(
            &p.actor(Some(purpose.as_str())),
            collection,
            ids,
            Some(&plan.names()),
            View::PerField(&decide),
        )?)
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
        let role = self.check(p, Action::Search, Some(collection))?;
        self.audited(p, purpose, Action::Search, Some(collection), || {
            self.search_planned(p, role, purpose, collection, field, value, fields)
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn search_planned(
        &self,
        p: &Principal,
        role: &Role,
        purpose: Option<&str>,
        collection: &str,
        field: &str,
        value: &str,
        fields: Option<&[&str]>,
    ) -> Result<Vec<Record>, AccessError> {
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
        Ok(self.vault().find(
            &p.actor(Some(purpose.as_str())),
            collection,
            spec.name.as_str(),
            value,
            Some(&plan.names()),
            View::PerField(&decide),
        )?)
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
