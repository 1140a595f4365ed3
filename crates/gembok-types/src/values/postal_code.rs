//! Indonesian postal codes (kode pos): five digits, the first 1-9.
//!
//! The first digit is the region and the second narrows it to a province or area, so
//! the mask keeps two digits: enough to route, not enough to locate a village.

use super::value_type;
use crate::ValidationError;

value_type!(
    /// A five-digit Indonesian postal code.
    PostalCode
);

impl PostalCode {
    /// Validate a postal code; surrounding whitespace is trimmed.
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let s = input.trim();
        let b = s.as_bytes();
        if b.len() == 5 && b.iter().all(u8::is_ascii_digit) && b[0] != b'0' {
            Ok(Self::from_canonical(s.to_owned()))
        } else {
            Err(ValidationError::new(
                "postal_code.format",
                "must be 5 digits, the first 1-9",
            ))
        }
    }

    fn masked(&self) -> String {
        format!("{}***", &self.as_str()[..2])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postal_code_table() {
        for (input, canonical) in [
            ("10220", Some("10220")),
            (" 16424 ", Some("16424")),
            ("99351", Some("99351")),
        ] {
            assert_eq!(
                PostalCode::parse(input)
                    .ok()
                    .as_ref()
                    .map(PostalCode::as_str),
                canonical
            );
        }
        for bad in ["", "01234", "1022", "102200", "10 220", "1022a", "١٠٢٢٠"] {
            let e = PostalCode::parse(bad).expect_err(bad);
            assert_eq!(e.rule, "postal_code.format");
        }
    }

    #[test]
    fn mask_keeps_two_digits() {
        assert_eq!(PostalCode::parse("10220").unwrap().mask(), "10***");
        assert_eq!(PostalCode::mask_canonical("16424"), "16***");
        assert_eq!(PostalCode::mask_canonical(" 16424"), "***");
        assert_eq!(PostalCode::mask_canonical("01234"), "***");
    }

    #[test]
    fn debug_is_redacted() {
        let p = PostalCode::parse("10220").unwrap();
        assert_eq!(format!("{p:?}"), "PostalCode([redacted])");
    }
}
