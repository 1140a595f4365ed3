//! Field-list rules every backend must apply the same way: how an update merges into
//! the stored fields and what `min_key_version` a field list has.

use crate::{SealedField, StoreError};

/// The `min_key_version` of a record without fields. Such a record holds nothing to
/// re-seal, so it sorts above every real version and key rotation never selects it.
pub const NO_FIELDS_KEY_VERSION: u32 = u32::MAX;

/// Lowest key version among `fields`, or [`NO_FIELDS_KEY_VERSION`] when there are none.
pub fn min_key_version(fields: &[SealedField]) -> u32 {
    fields
        .iter()
        .map(|f| f.key_version)
        .min()
        .unwrap_or(NO_FIELDS_KEY_VERSION)
}

/// Merge an update into stored fields: drop every name in `remove`, then put every field
/// of `set` (replacing a stored field of the same name). A name both removed and set ends
/// up set. The result is sorted by name.
///
/// Fails with `Conflict` when `set` names one field twice.
pub fn merge(
    stored: Vec<SealedField>,
    set: &[SealedField],
    remove: &[String],
) -> Result<Vec<SealedField>, StoreError> {
    let mut sorted_set: Vec<&SealedField> = set.iter().collect();
    sorted_set.sort_by(|a, b| a.name.cmp(&b.name));
    if sorted_set.windows(2).any(|w| w[0].name == w[1].name) {
        return Err(StoreError::Conflict("field named twice in one update"));
    }
    let mut merged: Vec<SealedField> = stored
        .into_iter()
        .filter(|f| !remove.contains(&f.name))
        .filter(|f| {
            sorted_set
                .binary_search_by(|s| s.name.cmp(&f.name))
                .is_err()
        })
        .collect();
    merged.extend(sorted_set.into_iter().cloned());
    merged.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(merged)
}
