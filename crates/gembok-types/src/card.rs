//! Payment card number (PAN) detection.
//!
//! Gembok never stores card data (seed D8): a business keeps a payment gateway reference
//! instead. Free-text types (`Text`, `Address`, `PaymentRef`) call
//! [`contains_card_number`] to refuse a card number typed where it does not belong. The
//! detector is deliberately eager: it checks every 12-19 digit window of a digit run, so
//! a card glued to an order number is still caught, at the price of refusing about one
//! in ten unrelated long numbers (any digit string passes Luhn with probability 1/10).

/// Fewest digits a card number has (ISO/IEC 7812).
const MIN_PAN: usize = 12;
/// Most digits a card number has (some Visa and UnionPay cards).
const MAX_PAN: usize = 19;

/// Whether `digits` (ASCII digits only) passes the Luhn check. Anything else, including
/// an empty string, is not Luhn-valid.
pub fn luhn_valid(digits: &str) -> bool {
    let bytes = digits.as_bytes();
    if bytes.is_empty() || !bytes.iter().all(u8::is_ascii_digit) {
        return false;
    }
    luhn_digits(
        bytes
            .iter()
            .map(|b| b - b'0')
            .collect::<Vec<_>>()
            .as_slice(),
    )
}

/// Luhn over digit values 0-9, rightmost digit undoubled.
fn luhn_digits(digits: &[u8]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            let d = u32::from(d);
            if i % 2 == 1 {
                let twice = d * 2;
                if twice > 9 {
                    twice - 9
                } else {
                    twice
                }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// Whether `s` as a whole is a card number: 12-19 digits once spaces and dashes are
/// removed, Luhn-valid. Any other character makes it not a card number.
pub fn is_card_number(s: &str) -> bool {
    let mut digits = Vec::with_capacity(MAX_PAN);
    for c in s.chars() {
        match c {
            '0'..='9' => digits.push(c as u8 - b'0'),
            ' ' | '-' => {}
            _ => return false,
        }
        if digits.len() > MAX_PAN {
            return false;
        }
    }
    digits.len() >= MIN_PAN && luhn_digits(&digits)
}

/// Whether `text` contains something that looks like a card number anywhere: a run of
/// digits, where a single space or dash may separate digit groups (`4111 1111 1111
/// 1111`, `3782-822463-10005`), any 12-19 digit window of which is Luhn-valid.
pub fn contains_card_number(text: &str) -> bool {
    let mut run: Vec<u8> = Vec::new();
    // A separator only joins groups when a digit follows it directly.
    let mut pending_separator = false;
    for c in text.chars() {
        if c.is_ascii_digit() {
            pending_separator = false;
            run.push(c as u8 - b'0');
        } else if matches!(c, ' ' | '-') && !run.is_empty() && !pending_separator {
            pending_separator = true;
        } else {
            if run_has_card(&run) {
                return true;
            }
            run.clear();
            pending_separator = false;
        }
    }
    run_has_card(&run)
}

fn run_has_card(run: &[u8]) -> bool {
    if run.len() < MIN_PAN {
        return false;
    }
    (MIN_PAN..=MAX_PAN.min(run.len())).any(|len| run.windows(len).any(luhn_digits))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_table() {
        for (digits, valid) in [
            ("79927398713", true),
            ("79927398710", false),
            ("4111111111111111", true),
            ("4111111111111112", false),
            ("0", true),
            ("", false),
            ("4111 1111", false),
            ("12a4", false),
        ] {
            assert_eq!(luhn_valid(digits), valid, "{digits:?}");
        }
    }

    #[test]
    fn card_numbers_table() {
        for (text, card) in [
            ("4111 1111 1111 1111", true),
            ("4111-1111-1111-1111", true),
            ("5555555555554444", true),
            ("2221000000000009", true),
            ("2720 9999 9999 9996", true),
            ("3782 822463 10005", true),
            ("4000 0000 0000 0000 006", true),
            ("6212 3456 7890 1234 569", true),
            ("4111111111111112", false),
            ("41111111111", false),
            ("41111111111111111111", false),
            ("4111.1111.1111.1111", false),
            ("", false),
        ] {
            assert_eq!(is_card_number(text), card, "{text:?}");
        }
    }

    #[test]
    fn text_with_cards_is_caught() {
        for text in [
            "kartu saya 4111 1111 1111 1111 tolong dicatat",
            "mc 5555-5555-5555-4444.",
            "2-series 2221000000000009",
            "amex 3782 822463 10005 exp 12/29",
            "visa19 4000000000000000006",
            "glued ORDER99123 4111111111111111 999",
            "no:4111111111111111",
            "4111111111111111",
        ] {
            assert!(contains_card_number(text), "{text:?}");
        }
    }

    #[test]
    fn text_without_cards_passes() {
        for text in [
            "",
            "Jl. Sudirman No. 12, Jakarta 10220",
            "order 411111111111111 was late",
            "4111  1111  1111  1111",
            "4111--1111--1111--1111",
            "masked 411111******1111",
            "12345678901",
            "harga Rp 150.000",
        ] {
            assert!(!contains_card_number(text), "{text:?}");
        }
    }

    #[test]
    fn a_card_inside_a_longer_run_is_found() {
        // No window touching either end of this run is Luhn-valid: only checking the
        // interior windows finds the Visa test card in the middle.
        let run = "9498 4111111111111111 4917";
        let digits: String = run.chars().filter(char::is_ascii_digit).collect();
        for len in MIN_PAN..=MAX_PAN {
            assert!(!luhn_valid(&digits[..len]));
            assert!(!luhn_valid(&digits[digits.len() - len..]));
        }
        assert!(contains_card_number(run));
        assert!(contains_card_number(&digits));
    }
}
