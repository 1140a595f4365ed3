//! An order-independent digest of a set of byte strings, for comparing two sets that
//! are read in different orders without holding either in memory.
//!
//! Each item's HMAC-SHA256 under a key drawn at random when the comparison starts is
//! XORed into a 32-byte accumulator. Two sets give the same accumulator when they are
//! equal; when they differ, the accumulators differ except with probability 2^-256,
//! because the XOR over the items in one set and not the other of a pseudorandom
//! function's outputs is uniformly distributed. That holds only because the key is
//! chosen after both sets were written: someone who could edit a set does not know it.
//! The construction needs sets, not multisets: an item added twice cancels out. The
//! audit log uses it to check the lookup of events by record against the events' own
//! record ids (`gembok-core`, `audit::verify`).

use aws_lc_rs::hmac;

use crate::primitives::{hmac_key, hmac_sign};
use crate::{random_bytes, CryptoError};

/// The key of one comparison: every [`SetDigest`] to be compared comes from it.
#[derive(Clone)]
pub struct SetDigestKey {
    key: hmac::Key,
}

impl SetDigestKey {
    /// A fresh random key.
    pub fn generate() -> Result<Self, CryptoError> {
        let secret = zeroize::Zeroizing::new(random_bytes::<32>()?);
        Ok(SetDigestKey {
            key: hmac_key(&secret[..]),
        })
    }

    /// An empty set's digest under this key.
    pub fn digest(&self) -> SetDigest {
        SetDigest {
            key: self.key.clone(),
            acc: [0; 32],
            items: 0,
        }
    }
}

impl std::fmt::Debug for SetDigestKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SetDigestKey(..)")
    }
}

/// The digest of the items added so far (see the module documentation).
#[derive(Clone)]
pub struct SetDigest {
    key: hmac::Key,
    acc: [u8; 32],
    items: u64,
}

impl SetDigest {
    /// Add one item (which must not be in the set already).
    pub fn add(&mut self, item: &[u8]) {
        let tag = hmac_sign(&self.key, item);
        self.acc.iter_mut().zip(tag).for_each(|(a, t)| *a ^= t);
        self.items += 1;
    }

    /// Add every item of `other`, a digest of a disjoint set under the same key.
    pub fn absorb(&mut self, other: &SetDigest) {
        self.acc
            .iter_mut()
            .zip(other.acc)
            .for_each(|(a, t)| *a ^= t);
        self.items += other.items;
    }

    /// Items added.
    pub fn items(&self) -> u64 {
        self.items
    }

    /// Whether both digests are of the same set (same count and accumulator).
    pub fn same_set(&self, other: &SetDigest) -> bool {
        self.items == other.items && self.acc == other.acc
    }
}

impl std::fmt::Debug for SetDigest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SetDigest")
            .field("items", &self.items)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digest_of(key: &SetDigestKey, items: &[&[u8]]) -> SetDigest {
        let mut d = key.digest();
        for i in items {
            d.add(i);
        }
        d
    }

    #[test]
    fn equal_sets_match_in_any_order_and_split_into_parts() {
        let key = SetDigestKey::generate().unwrap();
        let a = digest_of(&key, &[b"one", b"two", b"three"]);
        let b = digest_of(&key, &[b"three", b"one", b"two"]);
        assert!(a.same_set(&b));
        let mut parts = digest_of(&key, &[b"two"]);
        parts.absorb(&digest_of(&key, &[b"three", b"one"]));
        assert!(a.same_set(&parts));
    }

    #[test]
    fn a_missing_extra_or_changed_item_is_found() {
        let key = SetDigestKey::generate().unwrap();
        let a = digest_of(&key, &[b"one", b"two", b"three"]);
        assert!(!a.same_set(&digest_of(&key, &[b"one", b"two"])));
        assert!(!a.same_set(&digest_of(&key, &[b"one", b"two", b"three", b"four"])));
        assert!(!a.same_set(&digest_of(&key, &[b"one", b"two", b"thrEe"])));
        // Same count, other items: only the accumulator tells.
        assert_eq!(digest_of(&key, &[b"x", b"y", b"z"]).items(), a.items());
        assert!(!a.same_set(&digest_of(&key, &[b"x", b"y", b"z"])));
    }

    #[test]
    fn digests_under_different_keys_differ_and_debug_shows_no_key_material() {
        let (k1, k2) = (
            SetDigestKey::generate().unwrap(),
            SetDigestKey::generate().unwrap(),
        );
        assert!(!digest_of(&k1, &[b"a"]).same_set(&digest_of(&k2, &[b"a"])));
        let d = digest_of(&k1, &[b"a"]);
        assert_eq!(format!("{k1:?}"), "SetDigestKey(..)");
        assert_eq!(format!("{d:?}"), "SetDigest { items: 1, .. }");
    }
}
