//! What one cell value could be, judged by the vault's own validators.
//!
//! Each value gets a set of flags: every type whose validator accepts it, plus the
//! shape facts the column rules need (a mobile number, a legacy NPWP, a date that could
//! be a birth date, a round number). A value can carry several flags: a NIK is also a
//! valid 16-digit NPWP, a five-digit price is also a postal code. The column rules in
//! `decide` settle such overlaps over many values.

use gembok_types::card::is_card_number;
use gembok_types::values::{Address, Date, Email, Name, Nik, Npwp, Phone, PostalCode};

use super::lexicon::{has_street_word, is_business, is_name_word};

pub(crate) const EMAIL: u32 = 1;
pub(crate) const PHONE: u32 = 1 << 1;
pub(crate) const MOBILE: u32 = 1 << 2;
pub(crate) const NIK: u32 = 1 << 3;
pub(crate) const NPWP: u32 = 1 << 4;
pub(crate) const NPWP_LEGACY: u32 = 1 << 5;
pub(crate) const CARD: u32 = 1 << 6;
pub(crate) const DATE: u32 = 1 << 7;
pub(crate) const BIRTHLIKE: u32 = 1 << 8;
pub(crate) const POSTAL: u32 = 1 << 9;
pub(crate) const ROUND: u32 = 1 << 10;
pub(crate) const NAME_SHAPE: u32 = 1 << 11;
pub(crate) const NAME_WORD: u32 = 1 << 12;
pub(crate) const ADDRESS: u32 = 1 << 13;
pub(crate) const ADDRESS_LOOSE: u32 = 1 << 14;
pub(crate) const DIGITS: u32 = 1 << 15;
pub(crate) const LUHN_DIGITS: u32 = 1 << 16;
/// A NIK whose day digits are 41-71: issued to a woman. A family-card number (KK) has
/// the same layout but its date is a registration date, so it never has these.
pub(crate) const NIK_FEMALE: u32 = 1 << 17;
/// Number of flags, for per-flag counters.
pub(crate) const FLAGS: usize = 18;

/// Placeholders people type for "no value".
#[rustfmt::skip]
const PLACEHOLDERS: &[&str] = &[
    "-", "--", "---", ".", "n/a", "na", "null", "none", "nil", "kosong", "tidak ada", "tdk ada",
    "belum ada", "#n/a", "0",
];

/// Whether a cell counts as empty (blank or a placeholder).
pub(crate) fn is_empty_value(v: &str) -> bool {
    let t = v.trim();
    t.is_empty() || PLACEHOLDERS.iter().any(|p| t.eq_ignore_ascii_case(p))
}

/// The flags of a non-empty value, and the year when it is a date.
pub(crate) fn classify(raw: &str, birth_year_max: i32) -> (u32, Option<i32>) {
    let v = raw.trim();
    let mut flags = 0;
    let mut year = None;
    let mut digits = 0usize;
    let mut letters = 0usize;
    let mut numeric_shape = true;
    for c in v.chars() {
        if c.is_ascii_digit() {
            digits += 1;
        } else if c.is_alphabetic() {
            letters += 1;
            numeric_shape = false;
        } else if !matches!(c, ' ' | '.' | '-' | '+' | '(' | ')' | '/') {
            numeric_shape = false;
        }
    }
    if v.contains('@') && Email::parse(v).is_ok() {
        flags |= EMAIL;
    }
    if numeric_shape && digits > 0 {
        flags |= numeric_flags(v, digits);
        if let Ok(d) = Date::parse(v) {
            flags |= DATE;
            let y = d.to_date().year();
            year = Some(y);
            if (1920..=birth_year_max).contains(&y) {
                flags |= BIRTHLIKE;
            }
        }
    }
    if letters >= 2 && digits == 0 && !is_business(v) && Name::parse(v).is_ok() {
        let words: Vec<&str> = v.split_whitespace().collect();
        if (1..=5).contains(&words.len()) && words.iter().all(|w| w.chars().count() <= 20) {
            flags |= NAME_SHAPE;
            if words.iter().any(|w| is_name_word(w)) {
                flags |= NAME_WORD;
            }
        }
    }
    if letters >= 2 && v.chars().count() >= 8 && Address::parse(v).is_ok() {
        let street = has_street_word(v);
        let detail = digits > 0 || v.contains(',');
        if street && detail {
            flags |= ADDRESS;
        }
        if street || (detail && v.split_whitespace().count() >= 3) {
            flags |= ADDRESS_LOOSE;
        }
    }
    (flags, year)
}

fn numeric_flags(v: &str, digits: usize) -> u32 {
    let mut flags = 0;
    let plain: String = v.chars().filter(char::is_ascii_digit).collect();
    if plain.len() == v.len() {
        flags |= DIGITS;
    }
    if let Ok(p) = Phone::parse(v) {
        if p.as_str().starts_with("+62") || v.starts_with('+') {
            flags |= PHONE;
            if p.is_indonesian_mobile() {
                flags |= MOBILE;
            }
        }
    } else if stripped_mobile(&plain) && plain.len() == v.len() {
        // A mobile number saved as a number in Excel loses its leading zero.
        flags |= PHONE | MOBILE;
    }
    if digits == 16 {
        if let Ok(n) = Nik::parse(v) {
            flags |= NIK;
            if n.is_female() {
                flags |= NIK_FEMALE;
            }
        }
    }
    if matches!(digits, 15 | 16) {
        if let Ok(n) = Npwp::parse(v) {
            flags |= NPWP;
            if !n.is_nik() {
                flags |= NPWP_LEGACY;
            }
        }
    }
    if (12..=19).contains(&digits) && is_card_number(v) {
        flags |= LUHN_DIGITS;
        if card_scheme(&plain) {
            flags |= CARD;
        }
    }
    if PostalCode::parse(v).is_ok() {
        flags |= POSTAL;
        if plain.ends_with("00") {
            flags |= ROUND;
        }
    }
    flags
}

/// `8[1-35-9]` and 7-10 more digits: an Indonesian mobile number without its `0`.
pub(crate) fn stripped_mobile(plain: &str) -> bool {
    let b = plain.as_bytes();
    (9..=12).contains(&b.len())
        && b[0] == b'8'
        && matches!(b[1], b'1'..=b'3' | b'5'..=b'9')
        && b.iter().all(u8::is_ascii_digit)
}

/// Whether the digits start like a card of a real scheme and have its length.
pub(crate) fn card_scheme(d: &str) -> bool {
    let len = d.len();
    let p = |n: usize| d.get(..n).and_then(|s| s.parse::<u32>().ok()).unwrap_or(0);
    match d.as_bytes().first() {
        Some(b'4') => matches!(len, 13 | 16 | 19),
        Some(b'5') => (51..=55).contains(&p(2)) && len == 16,
        Some(b'2') => (2221..=2720).contains(&p(4)) && len == 16,
        Some(b'3') => {
            (matches!(p(2), 34 | 37) && len == 15)
                || ((3528..=3589).contains(&p(4)) && (16..=19).contains(&len))
                || ((matches!(p(2), 36 | 38) || (300..=305).contains(&p(3)))
                    && (14..=19).contains(&len))
        }
        Some(b'6') => {
            (p(4) == 6011 || p(2) == 65 || (644..=649).contains(&p(3)) || p(2) == 62)
                && (16..=19).contains(&len)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has(v: &str, flag: u32) -> bool {
        classify(v, 2014).0 & flag != 0
    }

    #[test]
    fn flags_table() {
        for (v, flag, want) in [
            ("budi@gmail.com", EMAIL, true),
            ("budi at gmail", EMAIL, false),
            ("0812-3456-7890", MOBILE, true),
            ("+62 812 3456 7890", PHONE, true),
            ("81234567890", MOBILE, true),
            ("(021) 5551 2345", PHONE, true),
            ("(021) 5551 2345", MOBILE, false),
            ("2024051700012345", PHONE, false),
            ("3174091705900002", NIK, true),
            ("3174 0917 0590 0002", NIK, true),
            ("1074091705900002", NIK, false),
            ("3174091705900002", NPWP, true),
            ("3174091705900002", NPWP_LEGACY, false),
            ("09.254.294.3-407.000", NPWP_LEGACY, true),
            ("4111 1111 1111 1111", CARD, true),
            ("4111111111111112", CARD, false),
            ("9111111111111116", CARD, false),
            ("17/05/1990", BIRTHLIKE, true),
            ("2024-05-17", DATE, true),
            ("2024-05-17", BIRTHLIKE, false),
            ("40115", POSTAL, true),
            ("15000", ROUND, true),
            ("01234", POSTAL, false),
            ("Budi Santoso", NAME_WORD, true),
            ("Kopi Arabika Gayo", NAME_SHAPE, true),
            ("Kopi Arabika Gayo", NAME_WORD, false),
            ("Jl. Melati No. 3, Bandung", ADDRESS, true),
            ("Kota Bandung", ADDRESS, false),
            ("Kota Bandung", ADDRESS_LOOSE, false),
        ] {
            assert_eq!(has(v, flag), want, "{v:?} flag {flag:#x}");
        }
        assert_eq!(classify("17/05/1990", 2014).1, Some(1990));
    }

    #[test]
    fn placeholders_are_empty() {
        for v in ["", "  ", "-", "N/A", "tidak ada", "0"] {
            assert!(is_empty_value(v), "{v:?}");
        }
        assert!(!is_empty_value("Budi"));
    }

    #[test]
    fn card_schemes_table() {
        for (d, want) in [
            ("4111111111111111", true),
            ("5555555555554444", true),
            ("2221000000000009", true),
            ("378282246310005", true),
            ("3530111333300000", true),
            ("6011111111111117", true),
            ("6212345678901234", true),
            ("3174091705900002", false),
            ("1234567812345670", false),
        ] {
            assert_eq!(card_scheme(d), want, "{d}");
        }
    }
}
