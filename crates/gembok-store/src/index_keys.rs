//! The byte format of a record's list of its own blind-index keys, shared by every SQL
//! backend.
//!
//! A backend keeps, per record, the (field id, digest) pairs of its blind-index entries
//! so that deleting the record can remove them without a second index on the entries.
//! The list is stored as one blob, the pairs one after another:
//!
//! ```text
//! field_id:   u32 BE
//! digest_len: u16 BE, digest bytes
//! ```
//!
//! Nothing else frames the list, so appending is a plain byte concatenation in SQL.
//! Existing databases hold this exact format: it must not change. Decoding trusts
//! nothing: a list that ends inside a pair is [`StoreError::Integrity`], never a panic.

use crate::StoreError;

/// Append one (field id, digest) pair to an encoded list.
///
/// Refuses (leaving `out` untouched) a field id outside `u32` and a digest longer than
/// 65535 bytes, since neither fits the format.
pub fn encode_into(out: &mut Vec<u8>, field_id: i64, digest: &[u8]) -> Result<(), StoreError> {
    let id = u32::try_from(field_id)
        .map_err(|_| StoreError::Backend("index field id out of range".into()))?;
    let len = u16::try_from(digest.len())
        .map_err(|_| StoreError::Backend("blind-index digest longer than 65535 bytes".into()))?;
    out.extend_from_slice(&id.to_be_bytes());
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(digest);
    Ok(())
}

/// The pairs of a stored list, in stored order.
pub fn decode(mut blob: &[u8]) -> Result<Vec<(i64, &[u8])>, StoreError> {
    const BAD: StoreError = StoreError::Integrity("malformed index key list");
    let mut out = Vec::new();
    while !blob.is_empty() {
        let (head, rest) = blob.split_at_checked(6).ok_or(BAD)?;
        let id = u32::from_be_bytes([head[0], head[1], head[2], head[3]]);
        let len = usize::from(u16::from_be_bytes([head[4], head[5]]));
        let (digest, rest) = rest.split_at_checked(len).ok_or(BAD)?;
        out.push((i64::from(id), digest));
        blob = rest;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn pairs_round_trip_with_any_bytes() {
        let digests: [&[u8]; 4] = [b"", b"\x00", b"\x00\xff\x00", &[0xab; 300]];
        let mut blob = Vec::new();
        for (i, d) in digests.iter().enumerate() {
            encode_into(&mut blob, i as i64 * 70_000, d).unwrap();
        }
        let expected: Vec<(i64, &[u8])> = digests
            .iter()
            .enumerate()
            .map(|(i, d)| (i as i64 * 70_000, *d))
            .collect();
        assert_eq!(decode(&blob).unwrap(), expected);
    }

    /// The format is on disk in existing databases: pin its exact bytes.
    #[test]
    fn byte_format_is_fixed() {
        let mut blob = Vec::new();
        encode_into(&mut blob, 0x0102_0304, b"ab").unwrap();
        encode_into(&mut blob, 7, b"").unwrap();
        assert_eq!(
            blob,
            [1, 2, 3, 4, 0, 2, b'a', b'b', 0, 0, 0, 7, 0, 0].as_slice()
        );
    }

    #[test]
    fn truncated_lists_are_integrity_errors() {
        let mut blob = Vec::new();
        encode_into(&mut blob, 3, b"digest").unwrap();
        for cut in 1..blob.len() {
            assert!(
                matches!(decode(&blob[..cut]), Err(StoreError::Integrity(_))),
                "cut at {cut}"
            );
        }
    }

    #[test]
    fn out_of_range_values_are_refused() {
        let mut blob = Vec::new();
        assert!(encode_into(&mut blob, -1, b"d").is_err());
        assert!(encode_into(&mut blob, 1 << 33, b"d").is_err());
        assert!(encode_into(&mut blob, 1, &vec![0; 70_000]).is_err());
        assert!(blob.is_empty());
    }

    proptest! {
        #[test]
        fn any_list_round_trips(
            pairs in prop::collection::vec(
                (0..=i64::from(u32::MAX), prop::collection::vec(any::<u8>(), 0..64)),
                0..16,
            )
        ) {
            let mut blob = Vec::new();
            for (id, digest) in &pairs {
                encode_into(&mut blob, *id, digest).unwrap();
            }
            let decoded = decode(&blob).unwrap();
            let expected: Vec<(i64, &[u8])> =
                pairs.iter().map(|(id, d)| (*id, d.as_slice())).collect();
            prop_assert_eq!(decoded, expected);
        }
    }
}
