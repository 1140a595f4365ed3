//! Calendar dates such as a birth date, canonical in ISO 8601 (`1990-05-17`).
//!
//! Indonesian forms write the day first (`17/05/1990`, `17-05-1990`); ISO input starts
//! with the four-digit year, so the two orders cannot be confused. Month-first
//! (American) input is not accepted: `05/06/1990` always means 5 June.

use super::value_type;
use crate::ValidationError;

const MIN_YEAR: i32 = 1900;
const MAX_YEAR: i32 = 2100;

value_type!(
    /// A real calendar date between 1900 and 2100.
    Date
);

fn format_err() -> ValidationError {
    ValidationError::new(
        "date.format",
        "write a date as YYYY-MM-DD, DD/MM/YYYY or DD-MM-YYYY",
    )
}

/// Digits only, 1..=max of them.
fn number(part: &str, max: usize) -> Result<u32, ValidationError> {
    if part.is_empty() || part.len() > max || !part.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format_err());
    }
    part.parse().map_err(|_| format_err())
}

impl Date {
    /// Validate and normalise a date.
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let s = input.trim();
        let separator = if s.contains('/') { '/' } else { '-' };
        let parts: Vec<&str> = s.split(separator).collect();
        let [a, b, c] = parts[..] else {
            return Err(format_err());
        };
        let (year, month, day) = if a.len() == 4 && separator == '-' {
            if b.len() != 2 || c.len() != 2 {
                return Err(format_err());
            }
            (number(a, 4)?, number(b, 2)?, number(c, 2)?)
        } else if c.len() == 4 {
            (number(c, 4)?, number(b, 2)?, number(a, 2)?)
        } else {
            return Err(format_err());
        };
        let year = i32::try_from(year).map_err(|_| format_err())?;
        if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
            return Err(ValidationError::new(
                "date.year",
                "year must be between 1900 and 2100",
            ));
        }
        let date = calendar_date(year, month, day)?;
        Ok(Self::from_canonical(format!(
            "{:04}-{:02}-{:02}",
            date.year(),
            u8::from(date.month()),
            date.day()
        )))
    }

    /// The date as a `time::Date`.
    pub fn to_date(&self) -> time::Date {
        let s = self.as_str();
        let field = |range: std::ops::Range<usize>| s[range].parse::<u32>().unwrap_or(1);
        // The canonical text was built from a valid date, so this cannot fail; the
        // fallback only keeps the function total.
        calendar_date(field(0..4) as i32, field(5..7), field(8..10)).unwrap_or(time::Date::MIN)
    }

    fn masked(&self) -> String {
        format!("{}-**-**", &self.as_str()[..4])
    }
}

fn calendar_date(year: i32, month: u32, day: u32) -> Result<time::Date, ValidationError> {
    let not_real = || ValidationError::new("date.calendar", "not a real calendar date");
    let month = u8::try_from(month)
        .ok()
        .and_then(|m| time::Month::try_from(m).ok())
        .ok_or_else(not_real)?;
    let day = u8::try_from(day).map_err(|_| not_real())?;
    time::Date::from_calendar_date(year, month, day).map_err(|_| not_real())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepted_forms_normalise_to_iso() {
        for (input, canonical) in [
            ("1990-05-17", "1990-05-17"),
            (" 17/05/1990 ", "1990-05-17"),
            ("17-05-1990", "1990-05-17"),
            ("7/5/1990", "1990-05-07"),
            ("05/06/1990", "1990-06-05"),
            ("2000-02-29", "2000-02-29"),
            ("29/02/2024", "2024-02-29"),
            ("1900-01-01", "1900-01-01"),
            ("31-12-2100", "2100-12-31"),
        ] {
            let date = Date::parse(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
            assert_eq!(date.as_str(), canonical, "{input:?}");
        }
        let d = Date::parse("17/05/1990").unwrap().to_date();
        assert_eq!((d.year(), u8::from(d.month()), d.day()), (1990, 5, 17));
    }

    #[test]
    fn invalid_dates_are_refused_with_their_rule() {
        for (input, rule) in [
            ("", "date.format"),
            ("1990/05/17", "date.format"),
            ("1990-5-17", "date.format"),
            ("17.05.1990", "date.format"),
            ("17/05-1990", "date.format"),
            ("17/05/90", "date.format"),
            ("17 Mei 1990", "date.format"),
            ("1990-05-17T00:00", "date.format"),
            ("+990-05-17", "date.format"),
            ("1899-12-31", "date.year"),
            ("01/01/2101", "date.year"),
            ("1990-02-31", "date.calendar"),
            ("31/02/1990", "date.calendar"),
            ("29-02-1900", "date.calendar"),
            ("2023-02-29", "date.calendar"),
            ("1990-13-01", "date.calendar"),
            ("00/01/1990", "date.calendar"),
            ("1990-04-31", "date.calendar"),
        ] {
            let e = Date::parse(input).expect_err(input);
            assert_eq!(e.rule, rule, "{input:?}");
        }
    }

    #[test]
    fn mask_shows_only_the_year() {
        assert_eq!(Date::parse("17/05/1990").unwrap().mask(), "1990-**-**");
        assert_eq!(Date::mask_canonical("1990-05-17"), "1990-**-**");
        for bad in ["17/05/1990", "1990-02-31", "x"] {
            assert_eq!(Date::mask_canonical(bad), "***", "{bad:?}");
        }
    }

    #[test]
    fn debug_is_redacted() {
        let date = Date::parse("1990-05-17").unwrap();
        assert_eq!(format!("{date:?}"), "Date([redacted])");
    }
}
