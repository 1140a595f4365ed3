//! Each row checked alone, before any batch: the mapped cells normalised by their
//! field's type, the required fields present.
//!
//! A bad row is rejected on its own, with every problem it has (row number, column,
//! field, rule and reason; never the value), and the good rows around it still go in.
//! Good rows are handed on in canonical form, which the vault's own validation leaves
//! unchanged. Excel's habit of dropping the leading zero of a phone number saved as a
//! number is undone here, for phone fields only.

use gembok_core::{Collection, FieldSpec};
use gembok_types::FieldType;
use serde_json::{Map, Value};

use crate::detect::value::{is_empty_value, stripped_mobile};
use crate::{column_letters, IngestError, Row};

/// One problem with one row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reject {
    /// The row number as the spreadsheet shows it.
    pub row: u64,
    /// Column letters (`C`), when the problem is one cell.
    pub column: Option<String>,
    pub field: String,
    pub rule: String,
    pub reason: String,
}

/// The checks for one mapping.
pub(crate) struct RowCheck<'c> {
    mapping: Vec<(usize, &'c FieldSpec)>,
    required: Vec<&'c FieldSpec>,
}

impl<'c> RowCheck<'c> {
    pub fn new(coll: &'c Collection, mapping: &[(usize, String)]) -> Result<Self, IngestError> {
        let mapping = mapping
            .iter()
            .map(|(i, f)| Ok((*i, coll.field(f)?)))
            .collect::<Result<Vec<_>, IngestError>>()?;
        let required = coll.fields.values().filter(|f| f.required).collect();
        Ok(Self { mapping, required })
    }

    /// Check a row: its fields as canonical JSON strings, or its problems.
    pub fn check(&self, row: &Row) -> Result<Map<String, Value>, Vec<Reject>> {
        let mut out = Map::new();
        let mut problems = Vec::new();
        for &(i, spec) in &self.mapping {
            let raw = row.cell(i).trim();
            if is_empty_value(raw) {
                continue;
            }
            let fixed;
            let text = if spec.field_type == FieldType::Phone && stripped_mobile(raw) {
                fixed = zeroize::Zeroizing::new(format!("0{raw}"));
                fixed.as_str()
            } else {
                raw
            };
            match spec.field_type.normalize(text) {
                Ok(n) => {
                    out.insert(spec.name.to_string(), Value::String(n.as_str().to_owned()));
                }
                Err(e) => problems.push(Reject {
                    row: row.number,
                    column: Some(column_letters(i)),
                    field: spec.name.to_string(),
                    rule: e.rule.to_owned(),
                    reason: e.reason.to_owned(),
                }),
            }
        }
        for spec in &self.required {
            let cell_failed = problems.iter().any(|p| p.field == spec.name.as_str());
            if !out.contains_key(spec.name.as_str()) && !cell_failed {
                problems.push(Reject {
                    row: row.number,
                    column: None,
                    field: spec.name.to_string(),
                    rule: "required".into(),
                    reason: "a required field is empty".into(),
                });
            }
        }
        if out.is_empty() && problems.is_empty() {
            problems.push(Reject {
                row: row.number,
                column: None,
                field: String::new(),
                rule: "empty".into(),
                reason: "no mapped column has a value".into(),
            });
        }
        if problems.is_empty() {
            Ok(out)
        } else {
            wipe(&mut out);
            Err(problems)
        }
    }
}

/// Overwrite the text of every value before the map is dropped.
pub(crate) fn wipe(map: &mut Map<String, Value>) {
    use zeroize::Zeroize;
    for v in map.values_mut() {
        if let Value::String(s) = v {
            s.zeroize();
        }
    }
}
