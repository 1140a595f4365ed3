//! NPWP, the Indonesian taxpayer number.
//!
//! Two generations coexist: the legacy 15 digits `AA.BBB.BBB.C-DDD.EEE` (C a Luhn check
//! digit, DDD the tax office, EEE the branch) and, since July 2024, 16 digits that are
//! either the holder's NIK (resident individuals) or `0` followed by the legacy 15.
//! Everything is stored as 16 digits so the same taxpayer matches in either spelling.

use super::{nik, separated_digits, value_type};
use crate::card::luhn_valid;
use crate::ValidationError;

value_type!(
    /// A valid NPWP, canonical as 16 plain digits.
    Npwp
);

impl Npwp {
    /// Validate and normalise an NPWP; dots, dashes and spaces are removed.
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let digits = separated_digits(
            input,
            ValidationError::new(
                "npwp.characters",
                "may contain only digits, dots, dashes and spaces",
            ),
        )?;
        match digits.len() {
            15 => {
                check_legacy(&digits)?;
                Ok(Self::from_canonical(format!("0{}", digits.as_str())))
            }
            16 if digits.starts_with('0') => {
                check_legacy(&digits[1..])?;
                Ok(Self::from_canonical(digits.as_str().to_owned()))
            }
            16 => {
                nik::check(digits.as_bytes()).map_err(|_| {
                    ValidationError::new(
                        "npwp.nik",
                        "a 16-digit NPWP not starting with 0 must be a valid NIK",
                    )
                })?;
                Ok(Self::from_canonical(digits.as_str().to_owned()))
            }
            _ => Err(ValidationError::new(
                "npwp.length",
                "must be 15 digits (legacy) or 16 digits",
            )),
        }
    }

    /// Whether this NPWP is a resident individual's NIK rather than a legacy number.
    pub fn is_nik(&self) -> bool {
        !self.as_str().starts_with('0')
    }

    /// The legacy 15-digit form, when there is one.
    pub fn legacy(&self) -> Option<&str> {
        self.as_str().strip_prefix('0')
    }

    fn masked(&self) -> String {
        let s = self.as_str();
        format!(
            "{}{}{}",
            &s[..2],
            "*".repeat(s.len() - 5),
            &s[s.len() - 3..]
        )
    }
}

/// The ninth digit is a Luhn check digit over the first eight.
fn check_legacy(fifteen: &str) -> Result<(), ValidationError> {
    if luhn_valid(&fifteen[..9]) {
        Ok(())
    } else {
        Err(ValidationError::new(
            "npwp.check_digit",
            "check digit (the 9th digit) does not match",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_npwps_normalise_to_sixteen_digits() {
        for (input, canonical, is_nik) in [
            ("09.254.294.3-407.000", "0092542943407000", false),
            ("092542943407000", "0092542943407000", false),
            ("0092542943407000", "0092542943407000", false),
            ("01.234.567.4-012.000", "0012345674012000", false),
            ("31.452.345.7-123.001", "0314523457123001", false),
            ("3174096112900002", "3174096112900002", true),
            ("3174 0961 1290 0002", "3174096112900002", true),
        ] {
            let npwp = Npwp::parse(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
            assert_eq!(npwp.as_str(), canonical);
            assert_eq!(npwp.is_nik(), is_nik);
            assert_eq!(npwp.legacy().is_none(), is_nik);
        }
    }

    #[test]
    fn invalid_npwps_are_refused_with_their_rule() {
        for (input, rule) in [
            ("09.254.294.4-407.000", "npwp.check_digit"),
            ("092542940407000", "npwp.check_digit"),
            ("0092542944407000", "npwp.check_digit"),
            ("1074091705900002", "npwp.nik"),
            ("3174093102900002", "npwp.nik"),
            ("3174096112900000", "npwp.nik"),
            ("09.254.294.3-407.00", "npwp.length"),
            ("", "npwp.length"),
            ("00925429434070001", "npwp.length"),
            ("09.254.294.3/407.000", "npwp.characters"),
        ] {
            let e = Npwp::parse(input).expect_err(input);
            assert_eq!(e.rule, rule, "{input:?}");
        }
    }

    #[test]
    fn mask_shows_first_two_and_last_three() {
        let npwp = Npwp::parse("09.254.294.3-407.000").unwrap();
        assert_eq!(npwp.mask(), "00***********000");
        assert_eq!(Npwp::mask_canonical("3174096112900002"), "31***********002");
        for bad in [
            "092542943407000",
            "09.254.294.3-407.000",
            "0092542944407000",
        ] {
            assert_eq!(Npwp::mask_canonical(bad), "***", "{bad:?}");
        }
    }

    #[test]
    fn debug_is_redacted() {
        let npwp = Npwp::parse("092542943407000").unwrap();
        assert_eq!(format!("{npwp:?}"), "Npwp([redacted])");
    }
}
