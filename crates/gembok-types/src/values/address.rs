//! Postal addresses as free text (`Jl. Sudirman No. 12, Kebayoran Baru, Jakarta`).
//!
//! Indonesian addresses have no fixed structure worth enforcing, so the rule is about
//! hygiene: bounded length, no control characters, and no card number typed into the
//! wrong box. The mask keeps the last comma-separated part, usually the city, which is
//! what a courier desk needs to see and reveals little on its own.

use super::{collapse_whitespace, value_type, CARD_REASON, FULL_MASK};
use crate::card::contains_card_number;
use crate::ValidationError;

const MIN_CHARS: usize = 5;
const MAX_CHARS: usize = 500;

value_type!(
    /// A postal address, trimmed and with whitespace (newlines included) collapsed.
    Address
);

impl Address {
    /// Validate and normalise an address.
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        if input.chars().any(|c| c.is_control() && !c.is_whitespace()) {
            return Err(ValidationError::new(
                "address.characters",
                "contains control characters",
            ));
        }
        let s = collapse_whitespace(input);
        let len = s.chars().count();
        if !(MIN_CHARS..=MAX_CHARS).contains(&len) {
            return Err(ValidationError::new(
                "address.length",
                "must be 5-500 characters",
            ));
        }
        // Checked after collapsing, so a card split over lines is still one run.
        if contains_card_number(&s) {
            return Err(ValidationError::new("address.card_number", CARD_REASON));
        }
        Ok(Self::from_canonical(s.as_str().to_owned()))
    }

    fn masked(&self) -> String {
        let mut parts = self.as_str().rsplit(',');
        let last = parts.next().unwrap_or("").trim();
        if parts.next().is_some() && !last.is_empty() {
            format!("{FULL_MASK}, {last}")
        } else {
            FULL_MASK.to_owned()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_addresses_normalise() {
        for (input, canonical) in [
            (
                "Jl. Sudirman No. 12,\n  Kebayoran Baru,  Jakarta Selatan ",
                "Jl. Sudirman No. 12, Kebayoran Baru, Jakarta Selatan",
            ),
            ("Gg. Mawar 3", "Gg. Mawar 3"),
            ("RT 001/RW 002, Depok 16424", "RT 001/RW 002, Depok 16424"),
        ] {
            let a = Address::parse(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
            assert_eq!(a.as_str(), canonical);
        }
    }

    #[test]
    fn invalid_addresses_are_refused_with_their_rule() {
        let too_long = "a".repeat(501);
        for (input, rule) in [
            ("", "address.length"),
            ("Jl.", "address.length"),
            ("  ab  ", "address.length"),
            (too_long.as_str(), "address.length"),
            ("Jl. Mawar\u{7}3", "address.characters"),
            ("Jl. Mawar 3, 4111 1111 1111 1111", "address.card_number"),
            ("Jl. Mawar 5555555555554444", "address.card_number"),
            ("Jl. Mawar 2221-0000-0000-0009", "address.card_number"),
            ("Jl. Mawar 3782 822463 10005", "address.card_number"),
            ("Jl. Mawar 4000000000000000006", "address.card_number"),
            ("Jl. Mawar 4111\n1111\n1111\n1111", "address.card_number"),
        ] {
            let e = Address::parse(input).expect_err(input);
            assert_eq!(e.rule, rule, "{input:?}");
        }
    }

    #[test]
    fn mask_keeps_only_the_city() {
        for (canonical, mask) in [
            (
                "Jl. Sudirman No. 12, Kebayoran Baru, Jakarta",
                "***, Jakarta",
            ),
            ("Jl. Mawar 3, Depok", "***, Depok"),
            ("Jl. Mawar 3 Depok", "***"),
            ("Jl. Mawar 3, Depok,", "***"),
        ] {
            assert_eq!(Address::mask_canonical(canonical), mask, "{canonical:?}");
        }
        assert_eq!(Address::mask_canonical(" Jl. Mawar 3, Depok"), "***");
    }

    #[test]
    fn debug_is_redacted() {
        let a = Address::parse("Jl. Mawar 3, Depok").unwrap();
        assert_eq!(format!("{a:?}"), "Address([redacted])");
    }
}
