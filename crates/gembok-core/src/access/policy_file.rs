//! Reading custom roles from a policy file (TOML).
//!
//! Roles are checked against their own shape only (names, purposes, rights), not
//! against the schema: a policy may name a collection that a later schema adds. Every
//! table refuses unknown keys, so a misspelt right is an error rather than a silent
//! "no".

use std::collections::{BTreeMap, BTreeSet};

use gembok_types::{CollectionName, FieldName, Purpose};
use serde::Deserialize;

use super::role::{CollectionRights, Purposes, ReadRight, Role, ANY_COLLECTION};
use super::RoleName;
use crate::CoreError;

/// The key of a `read` table that sets the right of every field not named.
const DEFAULT_KEY: &str = "default";
/// The only entry of `purposes` that means "any purpose".
const ANY_PURPOSE: &str = "*";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    #[serde(default)]
    roles: BTreeMap<String, RawRole>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRole {
    #[serde(default)]
    purposes: Vec<String>,
    #[serde(default)]
    oversight_purposes: Vec<String>,
    #[serde(default)]
    collections: BTreeMap<String, RawCollection>,
    #[serde(default)]
    schema_read: bool,
    #[serde(default)]
    schema_write: bool,
    #[serde(default)]
    manage_keys: bool,
    #[serde(default)]
    audit_read: bool,
    #[serde(default)]
    subject_rights: bool,
    #[serde(default)]
    consent_write: bool,
    #[serde(default)]
    retention: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCollection {
    #[serde(default)]
    read: BTreeMap<String, ReadRight>,
    #[serde(default)]
    write: bool,
    #[serde(default)]
    delete: bool,
    #[serde(default)]
    export: bool,
}

fn err(role: &str, what: &str) -> CoreError {
    CoreError::InvalidInput(format!("policy: role `{role}`: {what}"))
}

/// Parse every `[roles.NAME]` table of a policy file.
pub(crate) fn parse_roles(text: &str) -> Result<Vec<Role>, CoreError> {
    let raw: RawPolicy = toml::from_str(text)
        .map_err(|e| CoreError::InvalidInput(format!("policy: not valid: {e}")))?;
    raw.roles
        .into_iter()
        .map(|(name, r)| build_role(&name, r))
        .collect()
}

fn build_role(name: &str, raw: RawRole) -> Result<Role, CoreError> {
    let role_name = RoleName::parse(name).map_err(|_| {
        CoreError::InvalidInput(
            "policy: a role name must start with a-z, then use only a-z, 0-9 and _".into(),
        )
    })?;
    let name = role_name.as_str();
    let purposes = if raw.purposes.iter().any(|p| p == ANY_PURPOSE) {
        if raw.purposes.len() != 1 {
            return Err(err(name, "`*` must be the only entry of `purposes`"));
        }
        Purposes::Any
    } else {
        Purposes::Only(purpose_set(name, &raw.purposes)?)
    };
    let oversight_purposes = purpose_set(name, &raw.oversight_purposes)?;
    let mut collections = BTreeMap::new();
    for (cname, rc) in raw.collections {
        if cname != ANY_COLLECTION && CollectionName::parse(&cname).is_err() {
            return Err(err(name, "a collection name must be `*` or a valid name"));
        }
        let rights = build_rights(name, &cname, rc)?;
        collections.insert(cname, rights);
    }
    Ok(Role {
        name: role_name,
        purposes,
        oversight_purposes,
        collections,
        schema_read: raw.schema_read,
        schema_write: raw.schema_write,
        manage_keys: raw.manage_keys,
        audit_read: raw.audit_read,
        subject_rights: raw.subject_rights,
        consent_write: raw.consent_write,
        retention: raw.retention,
    })
}

fn purpose_set(role: &str, list: &[String]) -> Result<BTreeSet<String>, CoreError> {
    list.iter()
        .map(|p| {
            Purpose::parse(p)
                .map(|p| p.as_str().to_owned())
                .map_err(|e| err(role, &e.to_string()))
        })
        .collect()
}

fn build_rights(
    role: &str,
    collection: &str,
    rc: RawCollection,
) -> Result<CollectionRights, CoreError> {
    let mut read_default = ReadRight::None;
    let mut read_fields = BTreeMap::new();
    for (field, right) in rc.read {
        if field == DEFAULT_KEY {
            read_default = right;
        } else if FieldName::parse(&field).is_ok() {
            read_fields.insert(field, right);
        } else {
            return Err(err(
                role,
                &format!("collections.{collection}.read: a field name must start with a-z, then use only a-z, 0-9 and _"),
            ));
        }
    }
    Ok(CollectionRights {
        read_default,
        read_fields,
        write: rc.write,
        delete: rc.delete,
        export: rc.export,
    })
}
