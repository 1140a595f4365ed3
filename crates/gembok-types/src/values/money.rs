//! Amounts of money, canonical as `"CUR AMOUNT"` (`IDR 150000`).
//!
//! The amount is an integer count of the currency's minor units, never a float, and the
//! separators people write (`150.000`, `1,500.00`) are refused rather than guessed:
//! `1.500` is fifteen hundred in Indonesia and one and a half elsewhere.

use super::value_type;
use crate::ValidationError;

/// Largest magnitude accepted: far above any customer transaction, far below `i64::MAX`.
const MAX_ABS: i64 = 1_000_000_000_000_000;

value_type!(
    /// An amount in minor units with its ISO 4217 currency.
    Money
);

fn amount_err() -> ValidationError {
    ValidationError::new(
        "money.amount",
        "amount must be a whole number of minor units, without separators",
    )
}

fn range_err() -> ValidationError {
    ValidationError::new("money.range", "amount must be at most 10^15 in size")
}

fn is_currency(s: &str) -> bool {
    s.len() == 3 && s.bytes().all(|b| b.is_ascii_alphabetic())
}

impl Money {
    /// Validate and normalise `CUR AMOUNT` or `AMOUNT CUR` (currency in any case).
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let mut tokens = input.split_whitespace();
        let (Some(first), Some(second), None) = (tokens.next(), tokens.next(), tokens.next())
        else {
            return Err(ValidationError::new(
                "money.format",
                "write money as CUR AMOUNT or AMOUNT CUR, e.g. IDR 150000",
            ));
        };
        let (currency, amount) = if is_currency(first) {
            (first, second)
        } else if is_currency(second) {
            (second, first)
        } else {
            return Err(ValidationError::new(
                "money.currency",
                "currency must be a three-letter ISO 4217 code",
            ));
        };
        Self::new(parse_amount(amount)?, currency)
    }

    /// Build from an amount in minor units and a three-letter currency code.
    pub fn new(amount: i64, currency: &str) -> Result<Self, ValidationError> {
        if !is_currency(currency) {
            return Err(ValidationError::new(
                "money.currency",
                "currency must be a three-letter ISO 4217 code",
            ));
        }
        if !(-MAX_ABS..=MAX_ABS).contains(&amount) {
            return Err(range_err());
        }
        Ok(Self::from_canonical(format!(
            "{} {amount}",
            currency.to_ascii_uppercase()
        )))
    }

    /// The amount in minor units.
    pub fn amount(&self) -> i64 {
        // Canonical text always holds a valid amount; 0 only keeps this total.
        self.as_str()[4..].parse().unwrap_or(0)
    }

    /// The uppercase currency code.
    pub fn currency(&self) -> &str {
        &self.as_str()[..3]
    }

    fn masked(&self) -> String {
        format!("{} ***", self.currency())
    }
}

fn parse_amount(s: &str) -> Result<i64, ValidationError> {
    let (negative, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(amount_err());
    }
    let significant = digits.trim_start_matches('0');
    if significant.len() > 16 {
        return Err(range_err());
    }
    let magnitude: i64 = if significant.is_empty() {
        0
    } else {
        significant.parse().map_err(|_| amount_err())?
    };
    Ok(if negative { -magnitude } else { magnitude })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepted_forms_normalise() {
        for (input, canonical, amount, currency) in [
            ("IDR 150000", "IDR 150000", 150_000, "IDR"),
            ("150000 IDR", "IDR 150000", 150_000, "IDR"),
            ("idr 150000", "IDR 150000", 150_000, "IDR"),
            ("  usd   1999 ", "USD 1999", 1999, "USD"),
            ("IDR -5000", "IDR -5000", -5000, "IDR"),
            ("IDR 000150", "IDR 150", 150, "IDR"),
            ("IDR -0", "IDR 0", 0, "IDR"),
            (
                "IDR 1000000000000000",
                "IDR 1000000000000000",
                MAX_ABS,
                "IDR",
            ),
            (
                "IDR -1000000000000000",
                "IDR -1000000000000000",
                -MAX_ABS,
                "IDR",
            ),
        ] {
            let m = Money::parse(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
            assert_eq!(m.as_str(), canonical);
            assert_eq!(m.amount(), amount);
            assert_eq!(m.currency(), currency);
        }
        assert_eq!(Money::new(-42, "eur").unwrap().as_str(), "EUR -42");
    }

    #[test]
    fn invalid_money_is_refused_with_its_rule() {
        for (input, rule) in [
            ("", "money.format"),
            ("150000", "money.format"),
            ("IDR 150 000", "money.format"),
            ("IDR 150.000", "money.amount"),
            ("IDR 1,500", "money.amount"),
            ("IDR +150", "money.amount"),
            ("IDR 1e5", "money.amount"),
            ("IDR -", "money.amount"),
            ("IDR --5", "money.amount"),
            ("Rp 150000", "money.currency"),
            ("RP1 150000", "money.currency"),
            ("RUPIAH 150000", "money.currency"),
            ("IDR 1000000000000001", "money.range"),
            ("IDR 99999999999999999999999", "money.range"),
        ] {
            let e = Money::parse(input).expect_err(input);
            assert_eq!(e.rule, rule, "{input:?}");
        }
        assert_eq!(
            Money::new(MAX_ABS + 1, "IDR").unwrap_err().rule,
            "money.range"
        );
        assert_eq!(Money::new(i64::MIN, "IDR").unwrap_err().rule, "money.range");
        assert_eq!(Money::new(1, "ID").unwrap_err().rule, "money.currency");
    }

    #[test]
    fn mask_keeps_only_the_currency() {
        assert_eq!(Money::parse("150000 idr").unwrap().mask(), "IDR ***");
        assert_eq!(Money::mask_canonical("USD 1999"), "USD ***");
        for bad in ["usd 1999", "1999 USD", "IDR 0150", "x"] {
            assert_eq!(Money::mask_canonical(bad), "***", "{bad:?}");
        }
    }

    #[test]
    fn debug_is_redacted() {
        let m = Money::parse("IDR 150000").unwrap();
        assert_eq!(format!("{m:?}"), "Money([redacted])");
    }
}
