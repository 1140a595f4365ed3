//! Blind indexes: deterministic keyed digests of canonical (normalised) values,
//! so the vault can answer "which records have this email?" without storing or
//! decrypting the email.
//!
//! Each (collection, field) gets its own HMAC key:
//! `HKDF-SHA256(index key, salt none, info = "gembok/blind-index/v1" ||
//! len(collection) (u64 BE) || collection || len(field) (u64 BE) || field)`;
//! the names are length prefixed so `("ab", "c")` and `("a", "bc")` get different
//! keys. The digest is HMAC-SHA256 of the canonical bytes truncated to 128 bits:
//! enough to make accidental collisions negligible, and equal values in two
//! fields never share a digest.

use std::fmt;

use aws_lc_rs::hmac;

use crate::keys::SecretKey;
use crate::primitives::{hmac_key, hmac_sign};
use crate::CryptoError;

const BLIND_INFO: &[u8] = b"gembok/blind-index/v1";

/// Computes blind-index digests for one field of one collection. `Debug` is
/// redacted.
pub struct BlindIndexer {
    key: hmac::Key,
}

impl BlindIndexer {
    /// Derives the per-field key from `index_key`.
    pub fn new(index_key: &SecretKey, collection: &str, field: &str) -> Result<Self, CryptoError> {
        let field_key = index_key.derive(&[
            BLIND_INFO,
            &(collection.len() as u64).to_be_bytes(),
            collection.as_bytes(),
            &(field.len() as u64).to_be_bytes(),
            field.as_bytes(),
        ])?;
        Ok(Self {
            key: hmac_key(field_key.expose()),
        })
    }

    /// The 16-byte digest of `canonical`, which must already be normalised (the
    /// same person's email written two ways must reach here as the same bytes).
    pub fn digest(&self, canonical: &[u8]) -> [u8; 16] {
        let mac = hmac_sign(&self.key, canonical);
        let mut out = [0u8; 16];
        out.copy_from_slice(&mac[..16]);
        out
    }
}

impl fmt::Debug for BlindIndexer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BlindIndexer([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(b: u8) -> SecretKey {
        SecretKey::from_bytes_for_test([b; 32])
    }

    #[test]
    fn deterministic_for_same_key_and_field() {
        let a = BlindIndexer::new(&key(1), "customers", "email").unwrap();
        let b = BlindIndexer::new(&key(1), "customers", "email").unwrap();
        assert_eq!(
            a.digest(b"budi@example.co.id"),
            b.digest(b"budi@example.co.id")
        );
        assert_ne!(
            a.digest(b"budi@example.co.id"),
            a.digest(b"siti@example.co.id")
        );
    }

    #[test]
    fn differs_across_fields_collections_and_keys() {
        let value = b"6281234567890";
        let base = BlindIndexer::new(&key(1), "customers", "phone")
            .unwrap()
            .digest(value);
        let others = [
            BlindIndexer::new(&key(1), "customers", "phone2").unwrap(),
            BlindIndexer::new(&key(1), "suppliers", "phone").unwrap(),
            BlindIndexer::new(&key(2), "customers", "phone").unwrap(),
            // Same concatenation "customersphone", different split.
            BlindIndexer::new(&key(1), "customersp", "hone").unwrap(),
        ];
        for other in &others {
            assert_ne!(other.digest(value), base);
        }
    }

    #[test]
    fn digest_is_the_truncated_hmac_under_the_derived_key() {
        let k = key(9);
        let field_key = k
            .derive(&[
                BLIND_INFO,
                &1u64.to_be_bytes(),
                b"c",
                &1u64.to_be_bytes(),
                b"f",
            ])
            .unwrap();
        let full = hmac_sign(&hmac_key(field_key.expose()), b"v");
        let got = BlindIndexer::new(&k, "c", "f").unwrap().digest(b"v");
        assert_eq!(got.len(), 16);
        assert_eq!(got[..], full[..16]);
    }

    #[test]
    fn debug_is_redacted() {
        let k = key(0xab);
        let idx = BlindIndexer::new(&k, "customers", "email").unwrap();
        let shown = format!("{idx:?} {idx:#?}");
        assert!(shown.contains("redacted"));
        assert!(!shown.contains(&hex::encode(k.expose())));
    }
}
