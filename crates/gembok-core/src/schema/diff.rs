//! What changes between two schema versions, and which changes are safe.
//!
//! Adding is always safe. Dropping a field destroys data, so it needs the caller's
//! explicit consent and then purges the field everywhere. Changes that would make stored
//! values mean something else (a new type, a new subject rule) are refused: they need a
//! new field and a migration, not an edit.

use std::fmt;

use super::Schema;
use crate::CoreError;

/// One difference between the applied schema and a proposed one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SchemaChange {
    AddCollection(String),
    RemoveCollection(String),
    AddField {
        collection: String,
        field: String,
    },
    RemoveField {
        collection: String,
        field: String,
    },
    ChangeType {
        collection: String,
        field: String,
    },
    ChangeSubject(String),
    IndexAdded {
        collection: String,
        field: String,
    },
    IndexRemoved {
        collection: String,
        field: String,
    },
    /// Class, purposes, required, retention or description: takes effect for new work.
    Metadata {
        collection: String,
        field: Option<String>,
    },
}

impl fmt::Display for SchemaChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SchemaChange::AddCollection(c) => write!(f, "add collection {c}"),
            SchemaChange::RemoveCollection(c) => write!(f, "remove collection {c} (refused)"),
            SchemaChange::AddField { collection, field } => {
                write!(f, "add field {collection}.{field}")
            }
            SchemaChange::RemoveField { collection, field } => {
                write!(f, "drop field {collection}.{field} and purge its data")
            }
            SchemaChange::ChangeType { collection, field } => {
                write!(f, "change type of {collection}.{field} (refused)")
            }
            SchemaChange::ChangeSubject(c) => write!(f, "change subject of {c} (refused)"),
            SchemaChange::IndexAdded { collection, field } => {
                write!(f, "make {collection}.{field} searchable (builds its index)")
            }
            SchemaChange::IndexRemoved { collection, field } => {
                write!(
                    f,
                    "make {collection}.{field} not searchable (drops its index)"
                )
            }
            SchemaChange::Metadata { collection, field } => match field {
                Some(field) => write!(f, "update settings of {collection}.{field}"),
                None => write!(f, "update settings of {collection}"),
            },
        }
    }
}

/// All differences between two schemas, in a stable order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SchemaDiff {
    pub changes: Vec<SchemaChange>,
}

impl SchemaDiff {
    /// Compare the applied schema with a proposed one.
    pub fn between(old: &Schema, new: &Schema) -> Self {
        let mut changes = Vec::new();
        for oc in old.collections() {
            let name = oc.name.to_string();
            let Ok(nc) = new.collection(oc.name.as_str()) else {
                changes.push(SchemaChange::RemoveCollection(name));
                continue;
            };
            if oc.subject != nc.subject {
                changes.push(SchemaChange::ChangeSubject(name.clone()));
            }
            if oc.retention != nc.retention || oc.description != nc.description {
                changes.push(SchemaChange::Metadata {
                    collection: name.clone(),
                    field: None,
                });
            }
            for (fname, of) in &oc.fields {
                let field = fname.to_string();
                let Some(nf) = nc.fields.get(fname) else {
                    changes.push(SchemaChange::RemoveField {
                        collection: name.clone(),
                        field,
                    });
                    continue;
                };
                if of.field_type != nf.field_type || of.references != nf.references {
                    changes.push(SchemaChange::ChangeType {
                        collection: name.clone(),
                        field,
                    });
                    continue;
                }
                match (of.searchable, nf.searchable) {
                    (false, true) => changes.push(SchemaChange::IndexAdded {
                        collection: name.clone(),
                        field: field.clone(),
                    }),
                    (true, false) => changes.push(SchemaChange::IndexRemoved {
                        collection: name.clone(),
                        field: field.clone(),
                    }),
                    _ => {}
                }
                if of.class != nf.class
                    || of.purposes != nf.purposes
                    || of.required != nf.required
                    || of.retention != nf.retention
                {
                    changes.push(SchemaChange::Metadata {
                        collection: name.clone(),
                        field: Some(field),
                    });
                }
            }
            for fname in nc.fields.keys().filter(|f| !oc.fields.contains_key(*f)) {
                changes.push(SchemaChange::AddField {
                    collection: name.clone(),
                    field: fname.to_string(),
                });
            }
        }
        for nc in new.collections() {
            if old.collection(nc.name.as_str()).is_err() {
                changes.push(SchemaChange::AddCollection(nc.name.to_string()));
            }
        }
        SchemaDiff { changes }
    }

    /// Refuse unsafe changes; drops need `allow_drop`.
    pub fn check(&self, allow_drop: bool) -> Result<(), CoreError> {
        for change in &self.changes {
            match change {
                SchemaChange::RemoveCollection(_)
                | SchemaChange::ChangeType { .. }
                | SchemaChange::ChangeSubject(_) => {
                    return Err(CoreError::SchemaChange(format!(
                        "{change}: add a new field or collection and migrate instead"
                    )));
                }
                SchemaChange::RemoveField { .. } if !allow_drop => {
                    return Err(CoreError::SchemaChange(format!(
                        "{change}: this destroys data; repeat with --allow-drop to confirm"
                    )));
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Whether the proposed schema is the applied one.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
}
