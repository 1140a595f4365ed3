//! A customer's TOTP shared secret (RFC 6238) in its stored form: unpadded RFC 4648
//! base32, upper case, encoding 20 to 64 bytes.
//!
//! Nobody types this value in: the vault generates the secret at enrolment and refuses a
//! `totp` field in an ordinary create or update before this parser is reached. The type
//! exists so that the stored form has one spelling that can be checked, and so that the
//! vault can decode it back into raw bytes to compute codes. Its mask is a fixed string:
//! a read shows at most that a secret is enrolled, never any part of it.

use zeroize::Zeroizing;

use super::value_type;
use crate::ValidationError;

const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
/// 160 bits, the size RFC 4226 recommends and the vault generates.
const MIN_BYTES: usize = 20;
/// Anything longer is not a secret the vault made.
const MAX_BYTES: usize = 64;
const MASK: &str = "********";

value_type!(
    @common
    /// A TOTP secret in canonical base32.
    Totp
);

impl Totp {
    /// Accept base32 of 20-64 bytes; spaces and `=` padding are dropped and letters are
    /// upper-cased, as authenticator apps display secrets in groups.
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let canonical: Zeroizing<String> = Zeroizing::new(
            input
                .chars()
                .filter(|c| *c != ' ' && *c != '=')
                .map(|c| c.to_ascii_uppercase())
                .collect(),
        );
        let bytes = decode(&canonical).ok_or_else(|| {
            ValidationError::new("totp.format", "must be unpadded RFC 4648 base32")
        })?;
        if !(MIN_BYTES..=MAX_BYTES).contains(&bytes.len()) {
            return Err(ValidationError::new(
                "totp.length",
                "must encode 20-64 bytes",
            ));
        }
        Ok(Self::from_canonical(canonical.as_str().to_owned()))
    }

    /// The raw secret bytes, wiped when dropped.
    pub fn secret_bytes(&self) -> Zeroizing<Vec<u8>> {
        // Parsing proved the text decodes; an empty result cannot happen.
        decode(self.as_str()).unwrap_or_default()
    }

    /// Always `********`.
    pub fn mask(&self) -> String {
        MASK.to_owned()
    }

    /// Always `********`, whatever `canonical` holds.
    pub fn mask_canonical(_canonical: &str) -> String {
        MASK.to_owned()
    }
}

/// Decode unpadded base32; `None` for a character outside the alphabet, a length no
/// encoder produces, or non-zero bits left over in the last character (so that every
/// secret has exactly one canonical spelling).
fn decode(text: &str) -> Option<Zeroizing<Vec<u8>>> {
    if matches!(text.len() % 8, 1 | 3 | 6) {
        return None;
    }
    let mut out = Zeroizing::new(Vec::with_capacity(text.len() * 5 / 8));
    let mut buffer: u32 = 0;
    let mut bits = 0u32;
    for b in text.bytes() {
        let v = ALPHABET.iter().position(|a| *a == b)?;
        buffer = (buffer << 5) | u32::try_from(v).ok()?;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((buffer >> bits) & 0xff).ok()?);
        }
        buffer &= (1 << bits) - 1;
    }
    (buffer == 0).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 6238's test secret, "12345678901234567890", in base32.
    const RFC_SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    #[test]
    fn decodes_the_rfc_secret() {
        let t = Totp::parse(RFC_SECRET).unwrap();
        assert_eq!(t.secret_bytes().as_slice(), b"12345678901234567890");
    }

    #[test]
    fn spacing_case_and_padding_are_canonicalised() {
        let t = Totp::parse("gezd gnbv gy3t qojq gezd gnbv gy3t qojq ====").unwrap();
        assert_eq!(t.as_str(), RFC_SECRET);
    }

    #[test]
    fn refuses_bad_alphabet_lengths_and_stray_bits() {
        assert_eq!(
            Totp::parse("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJ1")
                .unwrap_err()
                .rule,
            "totp.format"
        );
        assert_eq!(Totp::parse("GEZDGNBV").unwrap_err().rule, "totp.length");
        assert_eq!(Totp::parse("").unwrap_err().rule, "totp.length");
        assert_eq!(
            Totp::parse(&"A".repeat(31)).unwrap_err().rule,
            "totp.length"
        );
        // 'B' leaves a set bit after the last whole byte: not a canonical spelling.
        let mut stray = "A".repeat(33);
        stray.push('B');
        assert_eq!(Totp::parse(&stray).unwrap_err().rule, "totp.format");
        assert_eq!(
            Totp::parse(&"A".repeat(104)).unwrap_err().rule,
            "totp.length"
        );
    }

    #[test]
    fn mask_is_fixed_and_debug_redacted() {
        let t = Totp::parse(RFC_SECRET).unwrap();
        assert_eq!(t.mask(), "********");
        assert_eq!(Totp::mask_canonical(RFC_SECRET), "********");
        assert_eq!(format!("{t:?}"), "Totp([redacted])");
    }
}
