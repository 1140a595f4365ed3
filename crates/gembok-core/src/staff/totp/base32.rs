//! Unpadded base32 encoding over a chosen alphabet: RFC 4648 for TOTP secrets (what
//! authenticator apps read), Crockford's for recovery codes (no I, L, O or U, so a
//! code read aloud or copied by hand has fewer look-alikes).

/// RFC 4648 base32 alphabet.
pub(super) const RFC4648: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
/// Crockford base32 alphabet.
pub(super) const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Encodes `bytes` five bits at a time, most significant first, without padding
/// (a final partial group is filled with zero bits).
pub(super) fn encode(bytes: &[u8], alphabet: &[u8; 32]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let mut buffer: u16 = 0;
    let mut bits: u32 = 0;
    for &byte in bytes {
        buffer = (buffer << 8) | u16::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(alphabet[usize::from((buffer >> bits) & 0x1f)]));
        }
        // Only the low `bits` bits are still pending; drop the rest so the shift
        // above never overflows.
        buffer &= (1 << bits) - 1;
    }
    if bits > 0 {
        out.push(char::from(
            alphabet[usize::from((buffer << (5 - bits)) & 0x1f)],
        ));
    }
    out
}

/// Decodes unpadded base32 over `alphabet`, case-insensitively; `None` on any other
/// character. Trailing bits that do not fill a byte are dropped, as encoders leave them.
pub(super) fn decode(text: &str, alphabet: &[u8; 32]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 5 / 8);
    let mut buffer: u16 = 0;
    let mut bits: u32 = 0;
    for c in text.trim_end_matches('=').bytes() {
        let c = c.to_ascii_uppercase();
        let value = alphabet.iter().position(|a| *a == c)?;
        buffer = (buffer << 5) | u16::try_from(value).ok()?;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((buffer >> bits) & 0xff).ok()?);
        }
        buffer &= (1 << bits) - 1;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_reverses_encode() {
        for input in ["", "f", "fo", "foo", "foob", "fooba", "foobar"] {
            let text = encode(input.as_bytes(), RFC4648);
            assert_eq!(decode(&text, RFC4648).unwrap(), input.as_bytes());
            assert_eq!(
                decode(&text.to_lowercase(), RFC4648).unwrap(),
                input.as_bytes()
            );
        }
        assert_eq!(decode("MZ!", RFC4648), None);
    }

    #[test]
    fn rfc4648_test_vectors_without_padding() {
        // RFC 4648 section 10, padding removed.
        let cases = [
            ("", ""),
            ("f", "MY"),
            ("fo", "MZXQ"),
            ("foo", "MZXW6"),
            ("foob", "MZXW6YQ"),
            ("fooba", "MZXW6YTB"),
            ("foobar", "MZXW6YTBOI"),
        ];
        for (input, expected) in cases {
            assert_eq!(encode(input.as_bytes(), RFC4648), expected, "{input:?}");
        }
    }

    #[test]
    fn crockford_uses_its_own_alphabet() {
        assert_eq!(encode(&[0u8; 5], CROCKFORD), "00000000");
        assert_eq!(encode(&[0xff; 5], CROCKFORD), "ZZZZZZZZ");
        assert_eq!(
            encode(&[0x08, 0x86, 0x42, 0x98, 0xe8], CROCKFORD),
            "12345678"
        );
    }
}
