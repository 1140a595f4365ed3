//! The one-blob encoding of a record's sealed fields, shared by every SQL backend.
//!
//! A record keeps all its sealed fields in a single column so that an insert writes
//! one row, not one row per field. The layout is deliberately plain and versioned:
//!
//! ```text
//! format: u8 (= 1)
//! count:  u32 LE
//! count times, names strictly ascending (byte order):
//!     name_len: u16 LE, name: UTF-8 bytes,
//!     key_version: u32 LE,
//!     ct_len: u32 LE, ciphertext bytes
//! ```
//!
//! Decoding trusts nothing: every length is checked against the bytes left, names must
//! be UTF-8 and strictly ascending, and nothing may trail the last entry. Any deviation
//! is [`StoreError::Integrity`], never a panic, because a blob that does not parse was
//! either corrupted or written by someone other than the store.

mod fields;
#[cfg(test)]
mod tests;

pub use fields::{merge, min_key_version, NO_FIELDS_KEY_VERSION};

use crate::{SealedField, StoreError};

/// The format byte this code writes and the only one it reads.
pub const FORMAT_V1: u8 = 1;

/// Bytes of one entry before its name and ciphertext: name length, key version and
/// ciphertext length. Used to refuse entry counts the input cannot possibly hold.
const ENTRY_OVERHEAD: usize = 2 + 4 + 4;

/// Encode fields into one blob, sorted by name.
///
/// Fails with `Conflict` when two fields share a name (a record holds each field once)
/// and with `Backend` when a name or ciphertext exceeds the length prefixes.
pub fn encode(fields: &[SealedField]) -> Result<Vec<u8>, StoreError> {
    let mut sorted: Vec<&SealedField> = fields.iter().collect();
    sorted.sort_by(|a, b| a.name.as_bytes().cmp(b.name.as_bytes()));
    if sorted.windows(2).any(|w| w[0].name == w[1].name) {
        return Err(StoreError::Conflict("field named twice in one record"));
    }
    let count = u32::try_from(sorted.len())
        .map_err(|_| StoreError::Backend("too many fields in one record".into()))?;
    let size = 5 + sorted
        .iter()
        .map(|f| ENTRY_OVERHEAD + f.name.len() + f.ciphertext.len())
        .sum::<usize>();
    let mut out = Vec::with_capacity(size);
    out.push(FORMAT_V1);
    out.extend_from_slice(&count.to_le_bytes());
    for field in sorted {
        let name_len = u16::try_from(field.name.len())
            .map_err(|_| StoreError::Backend("field name longer than 65535 bytes".into()))?;
        let ct_len = u32::try_from(field.ciphertext.len())
            .map_err(|_| StoreError::Backend("ciphertext longer than 4 GiB".into()))?;
        out.extend_from_slice(&name_len.to_le_bytes());
        out.extend_from_slice(field.name.as_bytes());
        out.extend_from_slice(&field.key_version.to_le_bytes());
        out.extend_from_slice(&ct_len.to_le_bytes());
        out.extend_from_slice(&field.ciphertext);
    }
    Ok(out)
}

/// Decode every field of a blob.
pub fn decode(bytes: &[u8]) -> Result<Vec<SealedField>, StoreError> {
    decode_selected(bytes, None)
}

/// Decode a blob, keeping only the fields named in `wanted` (`None` keeps all).
///
/// The whole blob is validated even when few fields are wanted, so corruption is
/// reported on every read rather than only on reads that happen to touch it.
pub fn decode_selected(
    bytes: &[u8],
    wanted: Option<&[&str]>,
) -> Result<Vec<SealedField>, StoreError> {
    let mut reader = Reader { rest: bytes };
    if reader.take(1)? != [FORMAT_V1] {
        return Err(StoreError::Integrity("unknown field blob format"));
    }
    let count = reader.u32()? as usize;
    if count > reader.rest.len() / ENTRY_OVERHEAD {
        return Err(StoreError::Integrity("field blob count exceeds its length"));
    }
    let keep = |name: &str| wanted.is_none_or(|w| w.contains(&name));
    let mut out = Vec::with_capacity(if wanted.is_none() { count } else { 0 });
    let mut previous: Option<&[u8]> = None;
    for _ in 0..count {
        let name_len = usize::from(reader.u16()?);
        let name = reader.take(name_len)?;
        if previous.is_some_and(|p| p >= name) {
            return Err(StoreError::Integrity("field blob names out of order"));
        }
        previous = Some(name);
        let name = std::str::from_utf8(name)
            .map_err(|_| StoreError::Integrity("field blob name is not UTF-8"))?;
        let key_version = reader.u32()?;
        let ct_len = reader.u32()? as usize;
        let ciphertext = reader.take(ct_len)?;
        if keep(name) {
            out.push(SealedField {
                name: name.to_owned(),
                key_version,
                ciphertext: ciphertext.to_vec(),
            });
        }
    }
    if !reader.rest.is_empty() {
        return Err(StoreError::Integrity("trailing bytes after field blob"));
    }
    Ok(out)
}

/// A cursor over untrusted bytes whose every read is bounds-checked.
struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], StoreError> {
        if n > self.rest.len() {
            return Err(StoreError::Integrity("field blob truncated"));
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        Ok(head)
    }

    fn u16(&mut self) -> Result<u16, StoreError> {
        let b = self.take(2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }

    fn u32(&mut self) -> Result<u32, StoreError> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
}
