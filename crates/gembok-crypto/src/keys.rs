//! `SecretKey`, the one holder of 256-bit key bytes in the crate, plus the
//! crate's random-bytes and constant-time comparison helpers.
//!
//! Key bytes live in a heap box wrapped in `Zeroizing`, so moving a key around
//! never leaves copies on the stack and dropping it wipes the bytes. Nothing
//! outside this crate can read them: there is no accessor, no `Clone`, and
//! `Debug` prints a redaction.

use std::fmt;

use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::primitives::{fill_random, KEY_LEN};
use crate::CryptoError;

/// Any 256-bit secret key: a data key (wrapped by the master key and used by
/// [`crate::RecordCipher`]) or an index key (used by [`crate::BlindIndexer`]).
pub struct SecretKey {
    bytes: Box<Zeroizing<[u8; KEY_LEN]>>,
}

impl SecretKey {
    /// A fresh key from the system CSPRNG.
    pub fn generate() -> Result<Self, CryptoError> {
        let mut key = Self::zeroed();
        fill_random(key.bytes_mut())?;
        Ok(key)
    }

    /// An all-zero key to be filled in place (by the RNG, HKDF or an unwrap), so
    /// the real bytes are only ever written into the zeroizing box.
    pub(crate) fn zeroed() -> Self {
        Self {
            bytes: Box::new(Zeroizing::new([0u8; KEY_LEN])),
        }
    }

    pub(crate) fn bytes_mut(&mut self) -> &mut [u8; KEY_LEN] {
        &mut self.bytes
    }

    pub(crate) fn expose(&self) -> &[u8; KEY_LEN] {
        &self.bytes
    }

    /// HKDF-SHA256 of this key with `info` parts, salt none, into a new key.
    pub(crate) fn derive(&self, info: &[&[u8]]) -> Result<SecretKey, CryptoError> {
        let mut out = Self::zeroed();
        crate::primitives::hkdf_sha256(self.expose(), None, info, out.bytes_mut())?;
        Ok(out)
    }

    #[cfg(test)]
    pub(crate) fn from_bytes_for_test(bytes: [u8; KEY_LEN]) -> Self {
        let mut key = Self::zeroed();
        key.bytes_mut().copy_from_slice(&bytes);
        key
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey([redacted])")
    }
}

/// `N` bytes from the system CSPRNG (aws-lc's DRBG, seeded by the OS).
pub fn random_bytes<const N: usize>() -> Result<[u8; N], CryptoError> {
    let mut out = [0u8; N];
    fill_random(&mut out)?;
    Ok(out)
}

/// Equality whose running time does not depend on where the inputs differ (it
/// does depend on their lengths, which are public: tags, digests, tokens).
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_differ_and_are_not_zero() {
        let a = SecretKey::generate().unwrap();
        let b = SecretKey::generate().unwrap();
        assert_ne!(a.expose(), b.expose());
        assert_ne!(a.expose(), &[0u8; KEY_LEN]);
    }

    #[test]
    fn debug_is_redacted() {
        let key = SecretKey::generate().unwrap();
        let shown = format!("{key:?} {key:#?}");
        assert!(shown.contains("redacted"));
        assert!(!shown.contains(&hex::encode(key.expose())));
        assert!(!shown
            .to_uppercase()
            .contains(&hex::encode_upper(key.expose())));
    }

    #[test]
    fn derive_depends_on_info_and_key() {
        let k = SecretKey::from_bytes_for_test([1u8; 32]);
        let a = k.derive(&[b"a"]).unwrap();
        let b = k.derive(&[b"b"]).unwrap();
        let a2 = k.derive(&[b"a"]).unwrap();
        let other = SecretKey::from_bytes_for_test([2u8; 32])
            .derive(&[b"a"])
            .unwrap();
        assert_eq!(a.expose(), a2.expose());
        assert_ne!(a.expose(), b.expose());
        assert_ne!(a.expose(), other.expose());
    }

    #[test]
    fn random_bytes_has_requested_size_and_varies() {
        let a: [u8; 24] = random_bytes().unwrap();
        let b: [u8; 24] = random_bytes().unwrap();
        assert_ne!(a, b);
    }

    #[test]
    fn constant_time_eq_table() {
        let cases: [(&[u8], &[u8], bool); 5] = [
            (b"", b"", true),
            (b"abc", b"abc", true),
            (b"abc", b"abd", false),
            (b"abc", b"ab", false),
            (b"\x00", b"", false),
        ];
        for (a, b, want) in cases {
            assert_eq!(constant_time_eq(a, b), want, "{a:?} vs {b:?}");
        }
    }
}
