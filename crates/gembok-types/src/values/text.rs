//! Free text: notes, preferences, anything a schema does not type more precisely.
//!
//! Free text is where card numbers end up when a form has nowhere better to put them,
//! so it is the main place the card detector guards. Line breaks and tabs are kept (a
//! note may have paragraphs); Windows line endings become `\n` so the same note typed on
//! two systems is one value.

use super::{value_type, CARD_REASON, FULL_MASK};
use crate::card::contains_card_number;
use crate::ValidationError;

const MAX_CHARS: usize = 2000;

value_type!(
    /// Free text, trimmed, 1-2000 characters.
    Text
);

impl Text {
    /// Validate and normalise free text.
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let unified = zeroize::Zeroizing::new(input.replace("\r\n", "\n"));
        let s = unified.trim();
        if s.is_empty() {
            return Err(ValidationError::new("text.empty", "is empty"));
        }
        if s.chars().count() > MAX_CHARS {
            return Err(ValidationError::new(
                "text.length",
                "longer than 2000 characters",
            ));
        }
        if s.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
            return Err(ValidationError::new(
                "text.characters",
                "contains control characters other than line breaks and tabs",
            ));
        }
        if contains_card_number(s) {
            return Err(ValidationError::new("text.card_number", CARD_REASON));
        }
        Ok(Self::from_canonical(s.to_owned()))
    }

    fn masked(&self) -> String {
        FULL_MASK.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_text_normalises() {
        let longest = "x".repeat(2000);
        for (input, canonical) in [
            ("  kirim sore hari  ", "kirim sore hari"),
            (
                "baris satu\r\nbaris dua\n\tmenjorok",
                "baris satu\nbaris dua\n\tmenjorok",
            ),
            (
                "pesanan #12345, total Rp 150.000",
                "pesanan #12345, total Rp 150.000",
            ),
            ("telp 0812-3456-789", "telp 0812-3456-789"),
            (longest.as_str(), longest.as_str()),
        ] {
            let t = Text::parse(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
            assert_eq!(t.as_str(), canonical);
        }
    }

    #[test]
    fn invalid_text_is_refused_with_its_rule() {
        let too_long = "x".repeat(2001);
        for (input, rule) in [
            ("", "text.empty"),
            (" \n\t ", "text.empty"),
            (too_long.as_str(), "text.length"),
            ("bell\u{7}", "text.characters"),
            ("carriage\rreturn", "text.characters"),
            ("nul\u{0}", "text.characters"),
            ("kartu 4111 1111 1111 1111", "text.card_number"),
            ("mc 5555-5555-5555-4444", "text.card_number"),
            ("mc2 2221 0000 0000 0009", "text.card_number"),
            ("amex 3782 822463 10005", "text.card_number"),
            ("visa19 4000 0000 0000 0000 006", "text.card_number"),
            ("up 6212345678901234569", "text.card_number"),
            ("ref 94984111111111111111 4917", "text.card_number"),
        ] {
            let e = Text::parse(input).expect_err(input);
            assert_eq!(e.rule, rule, "{input:?}");
        }
    }

    #[test]
    fn card_refusal_explains_what_to_do() {
        let e = Text::parse("4111111111111111").unwrap_err();
        assert_eq!(
            e.to_string(),
            "text.card_number: looks like a payment card number; store a payment gateway reference instead"
        );
        assert!(!e.to_string().contains("4111"));
    }

    #[test]
    fn mask_hides_everything() {
        assert_eq!(Text::parse("catatan rahasia").unwrap().mask(), "***");
        assert_eq!(Text::mask_canonical("catatan rahasia"), "***");
        assert_eq!(Text::mask_canonical(""), "***");
    }

    #[test]
    fn debug_is_redacted() {
        let t = Text::parse("catatan rahasia").unwrap();
        assert_eq!(format!("{t:?}"), "Text([redacted])");
    }
}
