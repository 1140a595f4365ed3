//! Building a checked [`Collection`] from its TOML form: the raw document types serde
//! reads, and the per-collection and per-field checks (names, purposes, searchability,
//! references, subject, retention). Checks across collections stay with
//! [`Schema::parse`](super::Schema::parse).

use std::collections::BTreeMap;

use gembok_types::{CollectionName, DataClass, FieldName, FieldType, Purpose};
use serde::Deserialize;

use super::purposes::RawPurpose;
use super::{sanitize_name, Collection, FieldSpec, Retention, SubjectRule};
use crate::CoreError;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSchema {
    #[serde(default)]
    pub(super) collections: BTreeMap<String, RawCollection>,
    #[serde(default)]
    pub(super) purposes: BTreeMap<String, RawPurpose>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCollection {
    #[serde(default)]
    description: String,
    subject: String,
    retention: Option<String>,
    #[serde(default)]
    fields: BTreeMap<String, RawField>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawField {
    #[serde(rename = "type")]
    field_type: FieldType,
    class: DataClass,
    #[serde(default)]
    purposes: Vec<String>,
    #[serde(default)]
    searchable: bool,
    #[serde(default)]
    required: bool,
    retention: Option<String>,
    references: Option<String>,
}

fn schema_err(collection: &str, field: Option<&str>, what: &str) -> CoreError {
    match field {
        Some(f) => CoreError::Schema(format!("{collection}.{f}: {what}")),
        None => CoreError::Schema(format!("{collection}: {what}")),
    }
}

pub(super) fn build_collection(name: &str, rc: RawCollection) -> Result<Collection, CoreError> {
    let cname = CollectionName::parse(name)
        .map_err(|e| schema_err(&sanitize_name(name), None, &e.to_string()))?;
    if rc.fields.is_empty() {
        return Err(schema_err(name, None, "declares no fields"));
    }
    let retention = rc
        .retention
        .as_deref()
        .map(Retention::parse)
        .transpose()
        .map_err(|e| schema_err(name, None, &e))?;
    let mut fields = BTreeMap::new();
    for (fname, rf) in rc.fields {
        let spec = build_field(name, &fname, rf)?;
        fields.insert(spec.name.clone(), spec);
    }
    let subject = if rc.subject == "self" {
        SubjectRule::SelfSubject
    } else {
        let f = fields
            .iter()
            .find(|(k, _)| k.as_str() == rc.subject)
            .map(|(_, f)| f)
            .ok_or_else(|| schema_err(name, None, "subject must be `self` or a declared field"))?;
        if f.field_type != FieldType::Reference || !f.required || f.references.is_none() {
            return Err(schema_err(
                name,
                Some(f.name.as_str()),
                "a subject field must be a required reference with `references`",
            ));
        }
        SubjectRule::Field(f.name.clone())
    };
    Ok(Collection {
        name: cname,
        description: rc.description,
        subject,
        retention,
        fields,
    })
}

fn build_field(collection: &str, name: &str, rf: RawField) -> Result<FieldSpec, CoreError> {
    let fname = FieldName::parse(name)
        .map_err(|e| schema_err(collection, Some(&sanitize_name(name)), &e.to_string()))?;
    let err = |what: &str| schema_err(collection, Some(name), what);
    if rf.purposes.is_empty() {
        return Err(err(
            "declares no purpose (every field must say why it is collected)",
        ));
    }
    let purposes = rf
        .purposes
        .iter()
        .map(|p| Purpose::parse(p).map_err(|e| err(&e.to_string())))
        .collect::<Result<Vec<_>, _>>()?;
    if rf.searchable && !rf.field_type.searchable() {
        return Err(err("this type cannot be searchable"));
    }
    let references = match (rf.field_type, rf.references) {
        (FieldType::Reference, Some(r)) => {
            Some(CollectionName::parse(&r).map_err(|e| err(&e.to_string()))?)
        }
        (FieldType::Reference, None) => return Err(err("a reference needs `references`")),
        (_, Some(_)) => return Err(err("only reference fields take `references`")),
        (_, None) => None,
    };
    let retention = rf
        .retention
        .as_deref()
        .map(Retention::parse)
        .transpose()
        .map_err(|e| err(&e))?;
    Ok(FieldSpec {
        name: fname,
        field_type: rf.field_type,
        class: rf.class,
        purposes,
        searchable: rf.searchable,
        required: rf.required,
        retention,
        references,
    })
}
