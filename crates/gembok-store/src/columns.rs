//! Checked conversions between the store's values and the plain SQL column types both
//! backends use (16-byte blobs for ids, signed 64-bit integers for versions and limits).
//!
//! A stored column is untrusted input like any other stored byte: one that does not have
//! the shape the store wrote is [`StoreError::Integrity`], the same in every backend, and
//! never a panic. Reading the column itself stays with each backend's driver.

use crate::StoreError;
use gembok_types::RecordId;

/// A 16-byte id column back into a [`RecordId`].
pub fn record_id(bytes: &[u8]) -> Result<RecordId, StoreError> {
    let array: [u8; 16] = bytes
        .try_into()
        .map_err(|_| StoreError::Integrity("stored record id is not 16 bytes"))?;
    Ok(RecordId::from_bytes(array))
}

/// A signed 64-bit column that holds a `u32` (key versions, schema versions).
pub fn version(value: i64) -> Result<u32, StoreError> {
    u32::try_from(value).map_err(|_| StoreError::Integrity("stored version out of range"))
}

/// A `limit` argument as a signed 64-bit SQL integer (larger limits mean "all").
pub fn limit(limit: usize) -> i64 {
    i64::try_from(limit).unwrap_or(i64::MAX)
}
