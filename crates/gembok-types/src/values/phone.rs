//! Phone numbers, canonical in E.164 (`+6281234567890`).
//!
//! Indonesian numbers arrive in every local spelling (`0812-3456-7890`, `(0812) 3456
//! 7890`, `62812...`, `+62 812 ...`) and are checked against the national plan: mobile
//! `8[1-35-9]` plus 7-10 digits, or a landline (area code 2-7 or 9, 8-11 digits with the
//! subscriber number). Other countries are accepted only in explicit `+CC` form, because
//! without the `+` a foreign number cannot be told from a mistyped Indonesian one.

use super::value_type;
use crate::ValidationError;

const INDONESIA: &str = "62";

value_type!(
    /// A phone number in E.164 form.
    Phone
);

impl Phone {
    /// Validate and normalise a phone number.
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let mut digits = zeroize::Zeroizing::new(String::with_capacity(input.len()));
        let mut plus = false;
        for c in input.trim().chars() {
            match c {
                '0'..='9' => digits.push(c),
                '+' if digits.is_empty() && !plus => plus = true,
                ' ' | '-' | '.' | '(' | ')' => {}
                _ => return Err(ValidationError::new(
                    "phone.characters",
                    "may contain only digits, a leading +, spaces, dashes, dots and parentheses",
                )),
            }
            if digits.len() > 20 {
                return Err(ValidationError::new("phone.length", "too many digits"));
            }
        }
        let national = if let Some(rest) = digits.strip_prefix(INDONESIA) {
            // `+62 (0)812...` keeps the trunk zero in writing; E.164 drops it.
            rest.strip_prefix('0').unwrap_or(rest)
        } else if plus {
            return foreign(&digits);
        } else if let Some(rest) = digits.strip_prefix('0') {
            rest
        } else {
            return Err(ValidationError::new(
                "phone.format",
                "write an Indonesian number as 08..., 62... or +62..., another country's as +CC...",
            ));
        };
        check_indonesian(national)?;
        Ok(Self::from_canonical(format!("+{INDONESIA}{national}")))
    }

    /// The country calling code, without `+` (`62`).
    pub fn country_code(&self) -> &str {
        let digits = &self.as_str()[1..];
        &digits[..country_code_len(digits.as_bytes())]
    }

    /// Whether this is an Indonesian mobile number.
    pub fn is_indonesian_mobile(&self) -> bool {
        self.as_str().starts_with("+628")
    }

    fn masked(&self) -> String {
        let digits = &self.as_str()[1..];
        let cc = country_code_len(digits.as_bytes());
        let hidden = digits.len() - cc - 3;
        format!(
            "+{}{}{}",
            &digits[..cc],
            "*".repeat(hidden),
            &digits[cc + hidden..]
        )
    }
}

fn check_indonesian(national: &str) -> Result<(), ValidationError> {
    let b = national.as_bytes();
    match b.first() {
        Some(b'8') => {
            let operator = b
                .get(1)
                .is_some_and(|d| matches!(d, b'1'..=b'3' | b'5'..=b'9'));
            if operator && (9..=12).contains(&b.len()) {
                Ok(())
            } else {
                Err(ValidationError::new(
                    "phone.mobile",
                    "an Indonesian mobile number is 08 and 1-3 or 5-9, then 7-10 digits",
                ))
            }
        }
        Some(b'2'..=b'7' | b'9') => {
            if (8..=11).contains(&b.len()) {
                Ok(())
            } else {
                Err(ValidationError::new(
                    "phone.landline",
                    "an Indonesian landline is an area code and subscriber number of 8-11 digits",
                ))
            }
        }
        _ => Err(ValidationError::new(
            "phone.indonesia",
            "not a number in the Indonesian numbering plan",
        )),
    }
}

fn foreign(digits: &str) -> Result<Phone, ValidationError> {
    if (8..=15).contains(&digits.len()) && !digits.starts_with('0') {
        Ok(Phone::from_canonical(format!("+{digits}")))
    } else {
        Err(ValidationError::new(
            "phone.e164",
            "an international number is + and 8-15 digits, not starting with 0",
        ))
    }
}

/// Length of the country calling code that starts `digits` (ITU-T E.164 assignment):
/// zones 1 and 7 use one digit, the listed two-digit codes two, every other code three.
fn country_code_len(digits: &[u8]) -> usize {
    match digits {
        [b'1' | b'7', ..] => 1,
        [a, b, ..] => {
            let two = (a - b'0') * 10 + (b - b'0');
            match two {
                20
                | 27
                | 30..=34
                | 36
                | 39
                | 40
                | 41
                | 43..=49
                | 51..=58
                | 60..=66
                | 81
                | 82
                | 84
                | 86
                | 90..=95
                | 98 => 2,
                _ => 3,
            }
        }
        _ => digits.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indonesian_forms_normalise_to_e164() {
        for (input, canonical) in [
            ("0812-3456-7890", "+6281234567890"),
            ("+62 812 3456 7890", "+6281234567890"),
            ("6281234567890", "+6281234567890"),
            ("(0812) 3456 7890", "+6281234567890"),
            ("0812.3456.7890", "+6281234567890"),
            ("+62 (0)812 3456 7890", "+6281234567890"),
            ("0812345678", "+62812345678"),
            ("0812345678901", "+62812345678901"),
            ("0857 1234 5678", "+6285712345678"),
            ("0895-1234-5678", "+6289512345678"),
            ("(021) 5551 2345", "+622155512345"),
            ("0361 234567", "+62361234567"),
            ("+62 967 123456", "+62967123456"),
        ] {
            let phone = Phone::parse(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
            assert_eq!(phone.as_str(), canonical, "{input:?}");
        }
    }

    #[test]
    fn foreign_numbers_need_the_plus() {
        for (input, canonical, cc) in [
            ("+1 415 555 2671", "+14155552671", "1"),
            ("+44 20 7946 0958", "+442079460958", "44"),
            ("+65 6123 4567", "+6561234567", "65"),
            ("+358 9 1234567", "+35891234567", "358"),
        ] {
            let phone = Phone::parse(input).unwrap();
            assert_eq!(phone.as_str(), canonical);
            assert_eq!(phone.country_code(), cc);
        }
    }

    #[test]
    fn invalid_numbers_are_refused_with_their_rule() {
        for (input, rule) in [
            ("", "phone.format"),
            ("0812 3456 789a", "phone.characters"),
            ("0812+3456", "phone.characters"),
            ("08123456", "phone.mobile"),
            ("081234567", "phone.mobile"),
            ("08123456789012", "phone.mobile"),
            ("0841234567890", "phone.mobile"),
            ("0801234567890", "phone.mobile"),
            ("021 123", "phone.landline"),
            ("0112345678", "phone.indonesia"),
            ("4155552671", "phone.format"),
            ("+0123456789", "phone.e164"),
            ("+1234567", "phone.e164"),
            ("+1234567890123456", "phone.e164"),
            ("+62 812 34", "phone.mobile"),
            ("1234567890123456789012", "phone.length"),
        ] {
            let e = Phone::parse(input).expect_err(input);
            assert_eq!(e.rule, rule, "{input:?}");
        }
    }

    #[test]
    fn masks_show_country_code_and_last_three() {
        for (canonical, mask) in [
            ("+62812345678789", "+62*********789"),
            ("+6281234567890", "+62********890"),
            ("+14155552671", "+1*******671"),
            ("+35891234567", "+358*****567"),
        ] {
            assert_eq!(Phone::mask_canonical(canonical), mask);
            assert_eq!(Phone::parse(canonical).unwrap().mask(), mask);
        }
        for bad in ["0812-3456-7890", "+", "", "+62 812 3456 7890"] {
            assert_eq!(Phone::mask_canonical(bad), "***", "{bad:?}");
        }
    }

    #[test]
    fn debug_is_redacted() {
        let phone = Phone::parse("081234567890").unwrap();
        assert_eq!(format!("{phone:?}"), "Phone([redacted])");
        assert!(phone.is_indonesian_mobile());
    }
}
