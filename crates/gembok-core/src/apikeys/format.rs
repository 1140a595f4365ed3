//! The text form of an API key: `gembok_` + 43 characters of base64url (32 random bytes,
//! no padding) + `_` + 6 base62 characters of CRC32 over everything before them.
//!
//! The fixed prefix lets secret scanners recognise a leaked key; the checksum lets them
//! (and us) tell a real key from look-alike text without a database lookup. The checksum
//! is no protection against forgery: the 256 random bits are.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use zeroize::Zeroizing;

/// What every key starts with.
pub const KEY_PREFIX: &str = "gembok_";
/// Random bytes in a key.
const SECRET_BYTES: usize = 32;
/// base64url characters for 32 bytes without padding.
const BODY_LEN: usize = 43;
/// base62 characters of the checksum (62^6 > 2^32).
const CHECK_LEN: usize = 6;
/// Total length of a key.
pub const KEY_LEN: usize = KEY_PREFIX.len() + BODY_LEN + 1 + CHECK_LEN;

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Build the key text around 32 random bytes.
pub(crate) fn encode(secret: &[u8; SECRET_BYTES]) -> Zeroizing<String> {
    let mut text = Zeroizing::new(String::with_capacity(KEY_LEN));
    text.push_str(KEY_PREFIX);
    let body = Zeroizing::new(URL_SAFE_NO_PAD.encode(secret));
    text.push_str(&body);
    text.push('_');
    let check = base62(crc32fast::hash(text.as_bytes()));
    text.push_str(&check);
    text
}

/// Whether `text` has the shape and checksum of a key. Cheap and touches nothing but
/// the text, so a guess or a typo is refused before any lookup.
pub fn well_formed(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.len() != KEY_LEN || !text.starts_with(KEY_PREFIX) {
        return false;
    }
    let split = KEY_LEN - CHECK_LEN;
    if bytes[split - 1] != b'_' {
        return false;
    }
    let body = &text[KEY_PREFIX.len()..split - 1];
    let check = &text[split..];
    if !body
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        || !check.bytes().all(|b| b.is_ascii_alphanumeric())
    {
        return false;
    }
    if base62(crc32fast::hash(&bytes[..split])) != check {
        return false;
    }
    // Canonical encoding only: the decoder refuses non-zero trailing bits, so exactly
    // one text stands for each secret.
    let decoded = Zeroizing::new(URL_SAFE_NO_PAD.decode(body).unwrap_or_default());
    decoded.len() == SECRET_BYTES
}

/// `n` in base62, most significant digit first, zero padded to six digits.
fn base62(mut n: u32) -> String {
    let mut out = [b'0'; CHECK_LEN];
    for slot in out.iter_mut().rev() {
        *slot = BASE62[(n % 62) as usize];
        n /= 62;
    }
    out.iter().map(|&b| char::from(b)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base62_is_fixed_width_and_ordered() {
        assert_eq!(base62(0), "000000");
        assert_eq!(base62(61), "00000z");
        assert_eq!(base62(62), "000010");
        assert_eq!(base62(u32::MAX), "4gfFC3");
    }

    #[test]
    fn encoded_keys_are_well_formed() {
        let text = encode(&[7u8; 32]);
        assert_eq!(text.len(), KEY_LEN);
        assert!(well_formed(&text));
        assert!(text.starts_with("gembok_"));
    }

    #[test]
    fn non_canonical_trailing_bits_are_refused() {
        // The last body character carries two unused bits; flip them and fix the
        // checksum so only the canonical-encoding rule can refuse it.
        let text = encode(&[0u8; 32]);
        let split = KEY_LEN - CHECK_LEN;
        let mut forged = text[..split - 2].to_owned();
        forged.push('B');
        forged.push('_');
        let check = base62(crc32fast::hash(forged.as_bytes()));
        forged.push_str(&check);
        assert_ne!(forged.as_str(), text.as_str());
        assert!(!well_formed(&forged));
    }
}
