//! What a read returns: records with each field plain or masked, and their JSON form.
//!
//! The decision of what a caller may see is taken above (by policy); this module only
//! carries it out. A password field is never returned in any form but its fixed mask.

use std::collections::BTreeMap;
use std::fmt;

use gembok_types::{FieldType, Normalized, RecordId};
use serde_json::{json, Map, Value};

/// How one field is shown to a caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Visibility {
    Plain,
    Masked,
    Hidden,
}

/// The view a read asks for.
#[derive(Clone, Copy)]
pub enum View<'a> {
    /// Every field in clear (passwords stay masked).
    Plain,
    /// Every field masked.
    Masked,
    /// A decision per field name.
    PerField(&'a dyn Fn(&str) -> Visibility),
}

impl View<'_> {
    pub(crate) fn decide(&self, field: &str) -> Visibility {
        match self {
            View::Plain => Visibility::Plain,
            View::Masked => Visibility::Masked,
            View::PerField(f) => f(field),
        }
    }
}

/// One field value as returned.
pub enum FieldValue {
    Plain {
        field_type: FieldType,
        value: Normalized,
    },
    Masked(String),
}

impl FieldValue {
    /// The JSON form: plain money becomes `{"amount", "currency"}`, everything else text.
    pub fn to_json(&self) -> Value {
        match self {
            FieldValue::Masked(m) => Value::String(m.clone()),
            FieldValue::Plain { field_type, value } => {
                if *field_type == FieldType::Money {
                    if let Some((cur, amount)) = value.as_str().split_once(' ') {
                        if let Ok(n) = amount.parse::<i64>() {
                            return json!({ "amount": n, "currency": cur });
                        }
                    }
                }
                Value::String(value.as_str().to_owned())
            }
        }
    }

    /// The text form (plain canonical text or the mask).
    pub fn as_str(&self) -> &str {
        match self {
            FieldValue::Masked(m) => m,
            FieldValue::Plain { value, .. } => value.as_str(),
        }
    }
}

impl fmt::Debug for FieldValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FieldValue::Plain { field_type, .. } => write!(f, "Plain({field_type}, [redacted])"),
            FieldValue::Masked(_) => f.write_str("Masked([redacted])"),
        }
    }
}

/// A record as a read returns it.
#[derive(Debug)]
pub struct Record {
    pub collection: String,
    pub id: RecordId,
    pub subject: RecordId,
    pub created_at: i64,
    pub updated_at: i64,
    pub fields: BTreeMap<String, FieldValue>,
}

impl Record {
    /// `{"id", "subject", "collection", "created_at", "updated_at", "fields": {...}}`.
    pub fn to_json(&self) -> Value {
        let fields: Map<String, Value> = self
            .fields
            .iter()
            .map(|(k, v)| (k.clone(), v.to_json()))
            .collect();
        json!({
            "id": self.id.to_string(),
            "subject": self.subject.to_string(),
            "collection": self.collection,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "fields": fields,
        })
    }
}
