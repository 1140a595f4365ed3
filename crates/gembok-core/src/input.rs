//! From caller JSON to typed, normalised field values.
//!
//! This is the minimisation gate: a field the schema does not declare is refused by
//! name, a required field that is missing is refused, and every value goes through its
//! type's validator before anything is sealed. Errors name the field and the rule only.

use gembok_types::{FieldType, Normalized};
use serde_json::{Map, Value};

use crate::schema::{sanitize_name, Collection, FieldSpec};
use crate::CoreError;

/// One field's new state from a write.
pub(crate) struct FieldInput<'s> {
    pub spec: &'s FieldSpec,
    /// `None` removes the field (partial updates only).
    pub value: Option<Normalized>,
}

/// Parse the fields of a create (`partial = false`) or an update (`partial = true`).
pub(crate) fn parse_fields<'s>(
    collection: &'s Collection,
    input: &Map<String, Value>,
    partial: bool,
) -> Result<Vec<FieldInput<'s>>, CoreError> {
    let mut out = Vec::with_capacity(input.len());
    for (name, raw) in input {
        let spec = collection.field(name)?;
        let value = match raw {
            Value::Null if partial => {
                if spec.required {
                    return Err(CoreError::MissingField(spec.name.to_string()));
                }
                None
            }
            Value::Null => continue,
            other => Some(parse_value(spec, other)?),
        };
        out.push(FieldInput { spec, value });
    }
    if !partial {
        for spec in collection.fields.values().filter(|f| f.required) {
            if !out.iter().any(|f| f.spec.name == spec.name) {
                return Err(CoreError::MissingField(spec.name.to_string()));
            }
        }
    }
    Ok(out)
}

fn parse_value(spec: &FieldSpec, raw: &Value) -> Result<Normalized, CoreError> {
    let field = || spec.name.to_string();
    if !spec.field_type.writable() {
        // A caller-chosen TOTP secret could be one an attacker already knows.
        return Err(CoreError::InvalidField {
            field: field(),
            rule: "totp.enrol_only",
            reason: "a TOTP secret is only set by enrolment (POST .../fields/{field}/totp/enrol)",
        });
    }
    let text = match (spec.field_type, raw) {
        (_, Value::String(s)) => s.clone(),
        (FieldType::Money, Value::Object(obj)) => money_text(obj).ok_or_else(|| {
            CoreError::InvalidInput(format!(
                "field `{}` must be a string or {{\"amount\": integer, \"currency\": \"IDR\"}}",
                field()
            ))
        })?,
        _ => {
            return Err(CoreError::InvalidInput(format!(
                "field `{}` must be a string",
                field()
            )))
        }
    };
    // The text is personal data: keep it in a zeroizing buffer for its short life.
    let text = zeroize::Zeroizing::new(text);
    spec.field_type
        .normalize(&text)
        .map_err(|e| CoreError::InvalidField {
            field: field(),
            rule: e.rule,
            reason: e.reason,
        })
}

fn money_text(obj: &Map<String, Value>) -> Option<String> {
    if obj.len() != 2 {
        return None;
    }
    let amount = obj.get("amount")?.as_i64()?;
    let currency = obj.get("currency")?.as_str()?;
    if currency.len() != 3 {
        return None;
    }
    Some(format!("{currency} {amount}"))
}

/// Reject a whole input that is not a JSON object, naming only its JSON kind.
pub(crate) fn as_object(value: &Value) -> Result<&Map<String, Value>, CoreError> {
    value.as_object().ok_or_else(|| {
        CoreError::InvalidInput(format!(
            "a record must be a JSON object, not {}",
            match value {
                Value::Null => "null",
                Value::Bool(_) => "a boolean",
                Value::Number(_) => "a number",
                Value::String(_) => "a string",
                Value::Array(_) => "an array",
                Value::Object(_) => "an object",
            }
        ))
    })
}

/// Check caller-chosen field names for a read before touching the store.
pub(crate) fn check_field_names<'c>(
    collection: &'c Collection,
    names: &[&str],
) -> Result<Vec<&'c FieldSpec>, CoreError> {
    names
        .iter()
        .map(|n| collection.field(n))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| match e {
            CoreError::UndeclaredField { collection, field } => CoreError::UndeclaredField {
                collection,
                field: sanitize_name(&field),
            },
            other => other,
        })
}
