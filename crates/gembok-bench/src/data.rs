//! The rows every benchmark works on, generated once per run from a seed.
//!
//! Each row exists twice: as the JSON body the vault receives (raw generated strings,
//! which the vault validates and normalises inside the timed region) and as the eight
//! canonical strings the baselines store, normalised with the same
//! `FieldType::normalize` *before* any timing. Both sides therefore hold identical
//! values; the baselines simply do not pay for validation.

use anyhow::{bail, Context, Result};
use gembok_core::{Schema, DEFAULT_SCHEMA};
use gembok_testdata::Generator;
use gembok_types::FieldType;
use serde_json::Value;

/// The collection every benchmark writes to.
pub const COLLECTION: &str = "customers";
/// The eight personal fields of a generated customer, in baseline column order.
pub const FIELDS: [&str; 8] = [
    "name",
    "email",
    "phone",
    "birth_date",
    "address",
    "postal_code",
    "nik",
    "npwp",
];
/// Position of `email` in [`FIELDS`].
pub const EMAIL: usize = 1;
/// The fields the default schema must declare searchable for the comparison to hold.
const SEARCHABLE: [&str; 3] = ["email", "phone", "nik"];

/// Generated rows in both forms. No `Debug`: the values look like personal data.
pub struct Dataset {
    /// Request bodies for `Vault::create_batch`.
    pub json: Vec<Value>,
    /// The same rows, normalised, in [`FIELDS`] order.
    pub canonical: Vec<[String; 8]>,
}

impl Dataset {
    pub fn len(&self) -> usize {
        self.json.len()
    }
}

/// The field types of [`FIELDS`] in the default schema, after checking that the
/// schema still has the shape the benchmark claims to measure.
pub fn field_types() -> Result<[FieldType; 8]> {
    let schema = Schema::parse(DEFAULT_SCHEMA).context("the default schema does not parse")?;
    let coll = schema.collection(COLLECTION)?;
    let mut types = [FieldType::Text; 8];
    for (i, name) in FIELDS.iter().enumerate() {
        let spec = coll.field(name)?;
        if spec.searchable != SEARCHABLE.contains(name) {
            bail!(
                "the default schema changed: `{name}` searchable = {}",
                spec.searchable
            );
        }
        types[i] = spec.field_type;
    }
    Ok(types)
}

/// `rows` customers from `seed`.
pub fn generate(rows: usize, seed: u64) -> Result<Dataset> {
    let types = field_types()?;
    let mut gen = Generator::new(seed);
    let mut json = Vec::with_capacity(rows);
    let mut canonical = Vec::with_capacity(rows);
    for row in 0..rows {
        let body = gen.customer_json();
        let mut values: [String; 8] = Default::default();
        for (i, name) in FIELDS.iter().enumerate() {
            let raw = body
                .get(name)
                .and_then(Value::as_str)
                .with_context(|| format!("generated row {row} lacks `{name}`"))?;
            values[i] = types[i]
                .normalize(raw)
                .map_err(|e| anyhow::anyhow!("generated row {row}, field `{name}`: {e}"))?
                .as_str()
                .to_owned();
        }
        json.push(body);
        canonical.push(values);
    }
    Ok(Dataset { json, canonical })
}

/// `count` row positions below `len`, the same for every run with the same seed
/// (SplitMix64: tiny, and good enough to spread lookups over the table).
pub fn picks(count: usize, len: usize, seed: u64) -> Vec<usize> {
    assert!(len > 0, "cannot pick from an empty table");
    let mut state = seed;
    (0..count)
        .map(|_| {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            (z % len as u64) as usize
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_are_in_range_reproducible_and_spread() {
        let a = picks(10_000, 1_000, 7);
        assert_eq!(a, picks(10_000, 1_000, 7));
        assert_ne!(a, picks(10_000, 1_000, 8));
        assert!(a.iter().all(|&i| i < 1_000));
        let distinct: std::collections::BTreeSet<_> = a.iter().collect();
        assert!(distinct.len() > 990, "only {} distinct", distinct.len());
    }

    #[test]
    fn generated_rows_are_canonical_and_match_their_json() {
        let types = field_types().unwrap();
        let data = generate(50, 1).unwrap();
        assert_eq!(data.len(), 50);
        for (body, canon) in data.json.iter().zip(&data.canonical) {
            for (i, name) in FIELDS.iter().enumerate() {
                let raw = body[name].as_str().unwrap();
                // Canonical text normalises to itself, and came from this row's value.
                assert_eq!(types[i].normalize(&canon[i]).unwrap().as_str(), canon[i]);
                assert_eq!(types[i].normalize(raw).unwrap().as_str(), canon[i]);
            }
        }
        assert_eq!(FIELDS[EMAIL], "email");
    }
}
