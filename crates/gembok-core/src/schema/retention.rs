//! Retention periods as the schema writes them (`90d`, `6m`, `10y`).
//!
//! Only the parsed form lives here; enforcing retention is the lifecycle's job. Months
//! and years are kept as calendar units rather than days so `1y` means a year.

use std::fmt;

/// How long a value is kept after its record was last changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Retention {
    Days(u32),
    Months(u32),
    Years(u32),
}

impl Retention {
    /// Parse `N` followed by `d`, `m` or `y`, with N from 1 to 100 years' worth.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let bad = || format!("retention `{text}` must be a number followed by d, m or y");
        if text.len() < 2 || !text.is_ascii() {
            return Err(bad());
        }
        let (num, unit) = text.split_at(text.len() - 1);
        let n: u32 = num.parse().map_err(|_| bad())?;
        let r = match unit {
            "d" => Retention::Days(n),
            "m" => Retention::Months(n),
            "y" => Retention::Years(n),
            _ => return Err(bad()),
        };
        if n == 0 || r.approx_days() > 36_600 {
            return Err(format!(
                "retention `{text}` must be between 1 day and 100 years"
            ));
        }
        Ok(r)
    }

    /// Length in days, counting a month as 30 and a year as 365 days (for reports).
    pub fn approx_days(self) -> u64 {
        match self {
            Retention::Days(n) => u64::from(n),
            Retention::Months(n) => u64::from(n) * 30,
            Retention::Years(n) => u64::from(n) * 365,
        }
    }
}

impl fmt::Display for Retention {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Retention::Days(n) => write!(f, "{n}d"),
            Retention::Months(n) => write!(f, "{n}m"),
            Retention::Years(n) => write!(f, "{n}y"),
        }
    }
}
