//! NIK (Nomor Induk Kependudukan), the 16-digit Indonesian national identity number on
//! every KTP.
//!
//! Layout `PP RR DD dd mm yy SSSS`: province, regency or city, district, birth day (plus
//! 40 for women), birth month, two-digit birth year, serial. There is no checksum, so the
//! structure is all there is to check. The date digits reveal birth date and sex, so the
//! mask hides them together with the district.

use super::{separated_digits, value_type};
use crate::ValidationError;

const LEN: usize = 16;

value_type!(
    /// A structurally valid NIK, canonical as 16 plain digits.
    Nik
);

impl Nik {
    /// Validate and normalise a NIK; spaces, dots and dashes between digits are removed.
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let digits = separated_digits(
            input,
            ValidationError::new(
                "nik.characters",
                "may contain only digits, spaces, dots and dashes",
            ),
        )?;
        check(digits.as_bytes())?;
        Ok(Self::from_canonical(digits.as_str().to_owned()))
    }

    /// Whether the NIK was issued to a woman (birth day stored as day + 40).
    pub fn is_female(&self) -> bool {
        pair(self.as_str().as_bytes(), 6) > 40
    }

    /// Birth `(day, month, two-digit year)`, with the +40 for women already removed.
    pub fn birth_date_parts(&self) -> (u8, u8, u8) {
        let d = self.as_str().as_bytes();
        (pair(d, 6) % 40, pair(d, 8), pair(d, 10))
    }

    /// The two-digit province code (`31` for DKI Jakarta).
    pub fn province_code(&self) -> u8 {
        pair(self.as_str().as_bytes(), 0)
    }

    fn masked(&self) -> String {
        let s = self.as_str();
        format!("{}********{}", &s[..4], &s[12..])
    }
}

/// The two-digit number at `at`; callers have checked the bytes are digits.
fn pair(d: &[u8], at: usize) -> u8 {
    (d[at] - b'0') * 10 + (d[at + 1] - b'0')
}

/// Province codes in use, old and new: a NIK keeps the code of its first registration,
/// so the pre-2022 Papua codes (91, 92) and the new provinces (93-96, 65) all stay valid.
fn province_known(code: u8) -> bool {
    matches!(
        code,
        11..=19 | 21 | 31..=36 | 51..=53 | 61..=65 | 71..=76 | 81 | 82 | 91..=96
    )
}

fn days_in_month(month: u8, leap: bool) -> u8 {
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Check the structure of 16 ASCII digits as a NIK; shared with the NIK-based NPWP.
pub(super) fn check(d: &[u8]) -> Result<(), ValidationError> {
    if d.len() != LEN || !d.iter().all(u8::is_ascii_digit) {
        return Err(ValidationError::new(
            "nik.length",
            "must be exactly 16 digits",
        ));
    }
    if !province_known(pair(d, 0)) {
        return Err(ValidationError::new(
            "nik.province",
            "unknown province code",
        ));
    }
    if pair(d, 2) == 0 {
        return Err(ValidationError::new(
            "nik.regency",
            "regency code cannot be 00",
        ));
    }
    if pair(d, 4) == 0 {
        return Err(ValidationError::new(
            "nik.district",
            "district code cannot be 00",
        ));
    }
    let raw_day = pair(d, 6);
    let day = if raw_day > 40 { raw_day - 40 } else { raw_day };
    let month = pair(d, 8);
    // Two-digit years: yy divisible by 4 is a leap year in one of 19yy and 20yy (2000
    // included), so 29 February is possible for exactly those.
    let leap = pair(d, 10).is_multiple_of(4);
    let day_ok = matches!(raw_day, 1..=31 | 41..=71);
    if !day_ok || !(1..=12).contains(&month) || day > days_in_month(month, leap) {
        return Err(ValidationError::new(
            "nik.birth_date",
            "birth date digits are not a real date (day 01-31, or 41-71 for women)",
        ));
    }
    if &d[12..] == b"0000" {
        return Err(ValidationError::new(
            "nik.serial",
            "serial number cannot be 0000",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_niks_normalise() {
        for (input, female, parts) in [
            ("3174091705900002", false, (17, 5, 90)),
            ("3174 0961 1290 0002", true, (21, 12, 90)),
            ("3174.09.710185.0001", true, (31, 1, 85)),
            ("1101010101000001", false, (1, 1, 0)),
            ("9201012902000003", false, (29, 2, 0)),
            ("9301016902040003", true, (29, 2, 4)),
            ("9401013112990001", false, (31, 12, 99)),
            ("9501013004100001", false, (30, 4, 10)),
            ("9601017107200001", true, (31, 7, 20)),
            ("6501010101010001", false, (1, 1, 1)),
            ("2171010101010001", false, (1, 1, 1)),
        ] {
            let nik = Nik::parse(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
            let plain: String = input.chars().filter(char::is_ascii_digit).collect();
            assert_eq!(nik.as_str(), plain);
            assert_eq!(nik.is_female(), female, "{input}");
            assert_eq!(nik.birth_date_parts(), parts, "{input}");
        }
        assert_eq!(Nik::parse("3174091705900002").unwrap().province_code(), 31);
    }

    #[test]
    fn invalid_niks_are_refused_with_their_rule() {
        for (input, rule) in [
            ("", "nik.length"),
            ("317409170590000", "nik.length"),
            ("31740917059000021", "nik.length"),
            ("3174O91705900002", "nik.characters"),
            ("1074091705900002", "nik.province"),
            ("2074091705900002", "nik.province"),
            ("9974091705900002", "nik.province"),
            ("0074091705900002", "nik.province"),
            ("3700091705900002", "nik.province"),
            ("3100091705900002", "nik.regency"),
            ("3174001705900002", "nik.district"),
            ("3174093102900002", "nik.birth_date"),
            ("3174097102900002", "nik.birth_date"),
            ("3174092902010002", "nik.birth_date"),
            ("3174093104900002", "nik.birth_date"),
            ("3174090001900002", "nik.birth_date"),
            ("3174093201900002", "nik.birth_date"),
            ("3174094001900002", "nik.birth_date"),
            ("3174097201900002", "nik.birth_date"),
            ("3174091713900002", "nik.birth_date"),
            ("3174091700900002", "nik.birth_date"),
            ("3174091705900000", "nik.serial"),
        ] {
            let e = Nik::parse(input).expect_err(input);
            assert_eq!(e.rule, rule, "{input:?}");
        }
    }

    #[test]
    fn mask_hides_district_and_birth_date() {
        let nik = Nik::parse("3174096112900002").unwrap();
        assert_eq!(nik.mask(), "3174********0002");
        assert_eq!(Nik::mask_canonical("3174096112900002"), "3174********0002");
        for bad in ["3174 0961 1290 0002", "1074091705900002", "31", ""] {
            assert_eq!(Nik::mask_canonical(bad), "***", "{bad:?}");
        }
    }

    #[test]
    fn debug_and_errors_never_show_digits() {
        let nik = Nik::parse("3174096112900002").unwrap();
        assert_eq!(format!("{nik:?}"), "Nik([redacted])");
        let e = Nik::parse("1074091705900002").unwrap_err();
        assert!(!e.to_string().contains("1074"), "{e}");
    }
}
