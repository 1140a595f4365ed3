//! Thin wrappers over the aws-lc-rs primitives the crate is built from:
//! AES-256-GCM with an explicit 96-bit nonce, HMAC-SHA256, HKDF-SHA256, SHA-256
//! and the system RNG. Every higher-level type goes through these functions, and
//! the known-answer tests (`kat_tests`) drive the same functions, so a vector that
//! passes here exercises the exact calls the vault makes.

use aws_lc_rs::{aead, digest, hkdf, hmac, rand};

use crate::CryptoError;

/// Length of every key this crate handles (AES-256, HMAC-SHA256 keys).
pub(crate) const KEY_LEN: usize = 32;
/// AES-GCM nonce length (96 bits, the only size GCM handles without hashing).
pub(crate) const NONCE_LEN: usize = aead::NONCE_LEN;
/// AES-GCM tag length (full 128 bits; never truncated).
pub(crate) const TAG_LEN: usize = 16;

/// Builds an AES-256-GCM key. Fails only when `key` is not 32 bytes.
pub(crate) fn gcm_key(key: &[u8]) -> Result<aead::LessSafeKey, CryptoError> {
    aead::UnboundKey::new(&aead::AES_256_GCM, key)
        .map(aead::LessSafeKey::new)
        .map_err(|_| CryptoError::Integrity)
}

/// Encrypts `in_out` in place and returns the tag.
pub(crate) fn gcm_seal(
    key: &aead::LessSafeKey,
    nonce: [u8; NONCE_LEN],
    aad: &[u8],
    in_out: &mut [u8],
) -> Result<[u8; TAG_LEN], CryptoError> {
    let tag = key
        .seal_in_place_separate_tag(
            aead::Nonce::assume_unique_for_key(nonce),
            aead::Aad::from(aad),
            in_out,
        )
        .map_err(|_| CryptoError::Integrity)?;
    let mut out = [0u8; TAG_LEN];
    out.copy_from_slice(tag.as_ref());
    Ok(out)
}

/// Decrypts `ct || tag` in place; returns the plaintext length. Any failure,
/// including a buffer shorter than a tag, is `Integrity`.
pub(crate) fn gcm_open(
    key: &aead::LessSafeKey,
    nonce: &[u8],
    aad: &[u8],
    ct_and_tag: &mut [u8],
) -> Result<usize, CryptoError> {
    let nonce =
        aead::Nonce::try_assume_unique_for_key(nonce).map_err(|_| CryptoError::Integrity)?;
    key.open_in_place(nonce, aead::Aad::from(aad), ct_and_tag)
        .map(|pt| pt.len())
        .map_err(|_| CryptoError::Integrity)
}

/// An HMAC-SHA256 key (its state is kept inside aws-lc).
pub(crate) fn hmac_key(key: &[u8]) -> hmac::Key {
    hmac::Key::new(hmac::HMAC_SHA256, key)
}

/// The full 32-byte HMAC-SHA256 tag of `msg`.
pub(crate) fn hmac_sign(key: &hmac::Key, msg: &[u8]) -> [u8; 32] {
    let tag = hmac::sign(key, msg);
    let mut out = [0u8; 32];
    out.copy_from_slice(tag.as_ref());
    out
}

/// Output length for `Prk::expand`: aws-lc-rs wants a `KeyType`.
struct OkmLen(usize);

impl hkdf::KeyType for OkmLen {
    fn len(&self) -> usize {
        self.0
    }
}

/// HKDF-SHA256 (RFC 5869) filling `out`. `salt = None` means the RFC's default
/// salt of zeros. `info` parts are concatenated, which lets callers pass label,
/// length prefixes and names without building a buffer. Fails (as `Integrity`)
/// only when `out` is longer than 255 * 32 bytes.
pub(crate) fn hkdf_sha256(
    ikm: &[u8],
    salt: Option<&[u8]>,
    info: &[&[u8]],
    out: &mut [u8],
) -> Result<(), CryptoError> {
    let salt = match salt {
        Some(s) => hkdf::Salt::new(hkdf::HKDF_SHA256, s),
        None => hkdf::Salt::none(hkdf::HKDF_SHA256),
    };
    let prk = salt.extract(ikm);
    prk.expand(info, OkmLen(out.len()))
        .and_then(|okm| okm.fill(out))
        .map_err(|_| CryptoError::Integrity)
}

/// SHA-256 of `data`. Not keyed: for chaining and fingerprints of public data.
pub fn sha256(data: &[u8]) -> [u8; 32] {
    let d = digest::digest(&digest::SHA256, data);
    let mut out = [0u8; 32];
    out.copy_from_slice(d.as_ref());
    out
}

/// SHA-256 of the concatenation of `parts`, without building the concatenation (the
/// audit chain hashes a previous hash, a position and a body this way).
pub fn sha256_parts(parts: &[&[u8]]) -> [u8; 32] {
    let mut ctx = digest::Context::new(&digest::SHA256);
    for p in parts {
        ctx.update(p);
    }
    let mut out = [0u8; 32];
    out.copy_from_slice(ctx.finish().as_ref());
    out
}

/// Fills `buf` from the system CSPRNG (aws-lc's DRBG, seeded by the OS).
pub(crate) fn fill_random(buf: &mut [u8]) -> Result<(), CryptoError> {
    rand::fill(buf).map_err(|_| CryptoError::Rng)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gcm_key_refuses_wrong_length() {
        assert!(gcm_key(&[0u8; 16]).is_err());
        assert!(gcm_key(&[0u8; 32]).is_ok());
    }

    #[test]
    fn gcm_open_refuses_short_input_and_bad_nonce() {
        let key = gcm_key(&[7u8; 32]).unwrap();
        let mut short = [0u8; TAG_LEN - 1];
        assert_eq!(
            gcm_open(&key, &[0u8; 12], b"", &mut short),
            Err(CryptoError::Integrity)
        );
        let mut buf = [0u8; TAG_LEN];
        assert_eq!(
            gcm_open(&key, &[0u8; 8], b"", &mut buf),
            Err(CryptoError::Integrity)
        );
    }

    #[test]
    fn sha256_abc() {
        // FIPS 180-2, appendix B.1.
        assert_eq!(
            hex::encode(sha256(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn random_fills_differ() {
        let mut a = [0u8; 32];
        let mut b = [0u8; 32];
        fill_random(&mut a).unwrap();
        fill_random(&mut b).unwrap();
        assert_ne!(a, b);
        assert_ne!(a, [0u8; 32]);
    }
}
