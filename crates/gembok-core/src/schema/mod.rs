//! The schema: which collections exist, which fields they may hold, and what each field
//! is for.
//!
//! A schema is read from TOML and checked as a whole before anything uses it, so the
//! rest of the vault works with a [`Schema`] that is known to be consistent: every field
//! has a purpose (minimisation), every non-customer collection names its data subject
//! through a required reference, and only types that can be searched are searchable.

mod build;
mod diff;
mod purposes;
mod retention;

use std::collections::BTreeMap;

use gembok_types::{CollectionName, DataClass, FieldName, FieldType, Purpose};

use crate::CoreError;
use build::{build_collection, RawSchema};

pub use diff::{SchemaChange, SchemaDiff};
pub use purposes::{LegalBasis, PurposeSpec};
pub use retention::Retention;

/// The schema `gembok init` writes when none is given.
pub const DEFAULT_SCHEMA: &str = include_str!("default.toml");

/// A checked schema.
#[derive(Clone, Debug, PartialEq)]
pub struct Schema {
    collections: BTreeMap<CollectionName, Collection>,
    /// Every purpose a field names, plus `legal` and `dpo`, with its legal basis.
    purposes: BTreeMap<String, PurposeSpec>,
}

/// One collection of records.
#[derive(Clone, Debug, PartialEq)]
pub struct Collection {
    pub name: CollectionName,
    pub description: String,
    /// How a record names its data subject.
    pub subject: SubjectRule,
    pub retention: Option<Retention>,
    pub fields: BTreeMap<FieldName, FieldSpec>,
}

/// Where a record's data subject comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SubjectRule {
    /// The record is the subject (customers).
    SelfSubject,
    /// The named required reference field holds the subject's id.
    Field(FieldName),
}

/// One declared field.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldSpec {
    pub name: FieldName,
    pub field_type: FieldType,
    pub class: DataClass,
    pub purposes: Vec<Purpose>,
    pub searchable: bool,
    pub required: bool,
    pub retention: Option<Retention>,
    /// For `reference` fields: the collection whose record ids it holds.
    pub references: Option<CollectionName>,
}

impl Schema {
    /// Parse and check a schema document.
    pub fn parse(text: &str) -> Result<Self, CoreError> {
        let raw: RawSchema =
            toml::from_str(text).map_err(|e| CoreError::Schema(format!("not valid: {e}")))?;
        if raw.collections.is_empty() {
            return Err(CoreError::Schema("declares no collections".into()));
        }
        let mut collections = BTreeMap::new();
        for (name, rc) in raw.collections {
            let collection = build_collection(&name, rc)?;
            collections.insert(collection.name.clone(), collection);
        }
        let used: Vec<String> = collections
            .values()
            .flat_map(|c: &Collection| c.fields.values())
            .flat_map(|f| f.purposes.iter().map(|p| p.as_str().to_owned()))
            .collect();
        let purposes = purposes::resolve(raw.purposes, used).map_err(CoreError::Schema)?;
        let schema = Schema {
            collections,
            purposes,
        };
        schema.check_references()?;
        Ok(schema)
    }

    /// The default schema (always valid; a test proves it).
    pub fn default_schema() -> Self {
        Self::parse(DEFAULT_SCHEMA).expect("the shipped default schema is valid")
    }

    /// Look a collection up by name.
    pub fn collection(&self, name: &str) -> Result<&Collection, CoreError> {
        self.collections
            .get(name)
            .ok_or_else(|| CoreError::UnknownCollection(name.to_owned()))
    }

    /// Every collection, by name.
    pub fn collections(&self) -> impl Iterator<Item = &Collection> {
        self.collections.values()
    }

    /// A purpose's declaration; `None` for a purpose no field names.
    pub fn purpose(&self, name: &str) -> Option<&PurposeSpec> {
        self.purposes.get(name)
    }

    /// Every purpose of the schema, by name.
    pub fn purposes(&self) -> impl Iterator<Item = &PurposeSpec> {
        self.purposes.values()
    }

    /// Whether reading for `purpose` needs the subject's consent.
    pub fn needs_consent(&self, purpose: &str) -> bool {
        self.purposes
            .get(purpose)
            .is_some_and(|p| p.basis == LegalBasis::Consent)
    }

    fn check_references(&self) -> Result<(), CoreError> {
        for c in self.collections.values() {
            for f in c.fields.values() {
                if let Some(target) = &f.references {
                    let t = self.collection(target.as_str()).map_err(|_| {
                        CoreError::Schema(format!(
                            "{}.{}: references unknown collection `{target}`",
                            c.name, f.name
                        ))
                    })?;
                    if t.subject != SubjectRule::SelfSubject {
                        return Err(CoreError::Schema(format!(
                            "{}.{}: may only reference a collection whose records are subjects",
                            c.name, f.name
                        )));
                    }
                }
            }
        }
        Ok(())
    }
}

impl Collection {
    /// Look a field up by name; an undeclared field is refused, naming it.
    pub fn field(&self, name: &str) -> Result<&FieldSpec, CoreError> {
        self.fields
            .get(name)
            .ok_or_else(|| CoreError::UndeclaredField {
                collection: self.name.to_string(),
                field: sanitize_name(name),
            })
    }

    /// The collection whose records are the subjects of this one's (itself for customers).
    pub fn subject_collection(&self) -> Option<&CollectionName> {
        match &self.subject {
            SubjectRule::SelfSubject => Some(&self.name),
            SubjectRule::Field(f) => self.fields.get(f).and_then(|s| s.references.as_ref()),
        }
    }
}

/// A field name echoed in an error comes from the caller: keep it short and printable so
/// an attacker cannot smuggle a value (or terminal escapes) into logs through it.
pub(crate) fn sanitize_name(name: &str) -> String {
    let clean: String = name
        .chars()
        .take(64)
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '?'
            }
        })
        .collect();
    clean
}

#[cfg(test)]
mod tests;
