//! One-time recovery codes: ten high-entropy codes shown once at enrolment, stored
//! only as hashes, each usable for a single login when the authenticator is lost.
//!
//! A code is 80 random bits written as 16 Crockford base32 characters in groups of
//! four (`7K3D-9QXM-2B5T-HN0W`). With that much entropy a plain SHA-256 is enough to
//! store them (a slow password hash adds nothing against guessing 2^80 values).
//! Input is normalised before hashing: case, dashes and spaces do not matter, and the
//! letters Crockford reads as digits (O as 0, I and L as 1) are accepted.

use std::fmt;

use gembok_crypto::{constant_time_eq, random_bytes, sha256_parts};
use zeroize::{Zeroize, Zeroizing};

use super::base32;
use crate::CoreError;

/// Codes issued per enrolment.
pub const RECOVERY_CODE_COUNT: usize = 10;
/// Random bits in each code.
pub const RECOVERY_CODE_BITS: usize = 80;
const CODE_BYTES: usize = RECOVERY_CODE_BITS / 8;
/// Characters of a code without separators (5 bits each).
const CODE_CHARS: usize = RECOVERY_CODE_BITS / 5;
const GROUP: usize = 4;
/// Keeps these hashes apart from any other SHA-256 of the same text.
const DOMAIN: &[u8] = b"gembok staff recovery code v1\0";

/// A fresh set of codes: `shown` goes to the staff member once and is then dropped
/// (it is wiped on drop), `hashes[i]` is what is stored for `shown[i]`.
pub struct RecoveryCodes {
    /// Codes as the user sees them, grouped with dashes.
    pub shown: Vec<String>,
    /// SHA-256 of each normalised code, in the same order.
    pub hashes: Vec<[u8; 32]>,
}

impl fmt::Debug for RecoveryCodes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecoveryCodes")
            .field("shown", &format_args!("[{} redacted]", self.shown.len()))
            .field("hashes", &self.hashes.len())
            .finish()
    }
}

impl Drop for RecoveryCodes {
    fn drop(&mut self) {
        self.shown.zeroize();
    }
}

/// Ten new distinct recovery codes from the system CSPRNG.
pub fn generate_recovery_codes() -> Result<RecoveryCodes, CoreError> {
    let mut codes = RecoveryCodes {
        shown: Vec::with_capacity(RECOVERY_CODE_COUNT),
        hashes: Vec::with_capacity(RECOVERY_CODE_COUNT),
    };
    while codes.shown.len() < RECOVERY_CODE_COUNT {
        let bytes = Zeroizing::new(random_bytes::<CODE_BYTES>()?);
        let canonical = Zeroizing::new(base32::encode(bytes.as_slice(), base32::CROCKFORD));
        let hash = hash_canonical(&canonical);
        // A repeat among 2^80 values will not happen, but the guarantee is cheap.
        if codes.hashes.contains(&hash) {
            continue;
        }
        codes.shown.push(group(&canonical));
        codes.hashes.push(hash);
    }
    Ok(codes)
}

/// Which stored hash `input` matches, if any. The caller must remove that hash so the
/// code cannot be used again. Every hash is compared, in constant time.
pub fn match_recovery_code(input: &str, hashes: &[[u8; 32]]) -> Option<usize> {
    let canonical = normalise(input)?;
    let hash = hash_canonical(&canonical);
    let mut found = None;
    for (i, stored) in hashes.iter().enumerate() {
        if constant_time_eq(stored, &hash) && found.is_none() {
            found = Some(i);
        }
    }
    found
}

fn hash_canonical(canonical: &str) -> [u8; 32] {
    sha256_parts(&[DOMAIN, canonical.as_bytes()])
}

fn group(canonical: &str) -> String {
    let mut out = String::with_capacity(CODE_CHARS + CODE_CHARS / GROUP);
    for (i, c) in canonical.chars().enumerate() {
        if i > 0 && i.is_multiple_of(GROUP) {
            out.push('-');
        }
        out.push(c);
    }
    out
}

/// The canonical form of a typed code, or `None` if it cannot be one.
fn normalise(input: &str) -> Option<Zeroizing<String>> {
    let mut out = Zeroizing::new(String::with_capacity(CODE_CHARS));
    for c in input.chars() {
        let c = match c.to_ascii_uppercase() {
            '-' | ' ' | '\t' => continue,
            'O' => '0',
            'I' | 'L' => '1',
            c if c.is_ascii() && base32::CROCKFORD.contains(&(c as u8)) => c,
            _ => return None,
        };
        out.push(c);
    }
    (out.len() == CODE_CHARS).then_some(out)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn ten_distinct_codes_of_80_bits_in_groups_of_four() {
        let codes = generate_recovery_codes().unwrap();
        assert_eq!(codes.shown.len(), RECOVERY_CODE_COUNT);
        assert_eq!(codes.hashes.len(), RECOVERY_CODE_COUNT);
        let distinct: HashSet<_> = codes.shown.iter().collect();
        assert_eq!(distinct.len(), RECOVERY_CODE_COUNT);
        for code in &codes.shown {
            let groups: Vec<&str> = code.split('-').collect();
            assert_eq!(groups.len(), 4, "{code}");
            assert!(groups.iter().all(|g| g.len() == 4), "{code}");
            // 16 symbols of a 32-letter alphabet: 80 bits.
            assert!(code
                .bytes()
                .filter(|b| *b != b'-')
                .all(|b| base32::CROCKFORD.contains(&b)));
        }
    }

    #[test]
    fn each_code_matches_its_own_index() {
        let codes = generate_recovery_codes().unwrap();
        for (i, code) in codes.shown.iter().enumerate() {
            assert_eq!(match_recovery_code(code, &codes.hashes), Some(i));
        }
    }

    #[test]
    fn a_used_code_no_longer_matches_once_its_hash_is_removed() {
        let codes = generate_recovery_codes().unwrap();
        let mut stored = codes.hashes.clone();
        let i = match_recovery_code(&codes.shown[3], &stored).unwrap();
        stored.remove(i);
        assert_eq!(match_recovery_code(&codes.shown[3], &stored), None);
        assert_eq!(match_recovery_code(&codes.shown[4], &stored), Some(3));
    }

    #[test]
    fn input_is_normalised_for_case_dashes_spaces_and_lookalikes() {
        let hashes = [hash_canonical("0123456789ABCDEF")];
        for typed in [
            "0123-4567-89AB-CDEF",
            "0123456789abcdef",
            " 0123 4567 89ab cdef ",
            "o123-4567-89ab-cdef",
            "O1234567-89AB-CDEF",
            "0i23-4567-89ab-cdef",
            "0L23-4567-89AB-CDEF",
        ] {
            assert_eq!(match_recovery_code(typed, &hashes), Some(0), "{typed:?}");
        }
    }

    #[test]
    fn wrong_or_malformed_codes_match_nothing() {
        let codes = generate_recovery_codes().unwrap();
        let other = generate_recovery_codes().unwrap();
        assert_eq!(match_recovery_code(&other.shown[0], &codes.hashes), None);
        assert_eq!(match_recovery_code("", &codes.hashes), None);
        let short = &codes.shown[0][..codes.shown[0].len() - 1];
        assert_eq!(match_recovery_code(short, &codes.hashes), None);
        let long = format!("{}0", codes.shown[0]);
        assert_eq!(match_recovery_code(&long, &codes.hashes), None);
        // U is not in Crockford's alphabet.
        assert_eq!(
            match_recovery_code("UUUU-UUUU-UUUU-UUUU", &codes.hashes),
            None
        );
        assert_eq!(match_recovery_code(&codes.shown[0], &[]), None);
    }

    #[test]
    fn debug_does_not_show_the_codes() {
        let codes = generate_recovery_codes().unwrap();
        let debug = format!("{codes:?}");
        for code in &codes.shown {
            assert!(!debug.contains(code.as_str()), "{debug}");
            assert!(!debug.contains(&code[..4]), "{debug}");
        }
        assert!(debug.contains("redacted"));
    }
}
