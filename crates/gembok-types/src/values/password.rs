//! A customer's password, passed through the vault to be hashed, never stored.
//!
//! The canonical form is the input byte for byte: trimming or case-folding a password
//! would make different passwords verify as one. Its mask is a fixed string, so even its
//! length does not show.

use super::value_type;
use crate::ValidationError;

const MAX_BYTES: usize = 1024;
const MASK: &str = "********";

value_type!(
    @common
    /// A password exactly as the customer typed it.
    Password
);

impl Password {
    /// Accept 1-1024 bytes of anything.
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        if input.is_empty() || input.len() > MAX_BYTES {
            return Err(ValidationError::new(
                "password.length",
                "must be 1-1024 bytes",
            ));
        }
        Ok(Self::from_canonical(input.to_owned()))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_kept_byte_for_byte() {
        let longest = "p".repeat(1024);
        for input in [
            " spaces kept ",
            "Tab\tand\nnewline",
            "sandi-rahasia-ku",
            "é",
            longest.as_str(),
        ] {
            assert_eq!(Password::parse(input).unwrap().as_str(), input);
        }
    }

    #[test]
    fn length_limits() {
        assert_eq!(Password::parse("").unwrap_err().rule, "password.length");
        let too_long = "p".repeat(1025);
        assert_eq!(
            Password::parse(&too_long).unwrap_err().rule,
            "password.length"
        );
        // 1024 bytes is the limit, not 1024 characters.
        let wide = "é".repeat(513);
        assert!(Password::parse(&wide).is_err());
    }

    #[test]
    fn mask_is_fixed() {
        assert_eq!(Password::parse("x").unwrap().mask(), "********");
        assert_eq!(Password::mask_canonical(""), "********");
        assert_eq!(Password::mask_canonical(&"y".repeat(5000)), "********");
    }

    #[test]
    fn debug_is_redacted() {
        let p = Password::parse("hunter2").unwrap();
        assert_eq!(format!("{p:?}"), "Password([redacted])");
    }
}
