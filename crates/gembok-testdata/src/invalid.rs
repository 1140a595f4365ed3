//! Invalid values, each labelled with what is wrong, for validator and rejection tests;
//! and card numbers, which are valid cards and exactly what Gembok must refuse to store.
//!
//! Each invalid value differs from a valid one in one rule only, so a test that accepts it
//! points at the rule that is missing.

use crate::ids::{digit_text, digit_values, format_legacy_npwp, luhn_check_digit};

/// A valid male NIK (Kota Bandung, born 15 July 1990, serial 0001) that the invalid
/// ones below are edits of.
const BASE_NIK: &str = "3273011507900001";

fn nik_with(at: usize, replacement: &str) -> String {
    let mut s = BASE_NIK.to_owned();
    s.replace_range(at..at + replacement.len(), replacement);
    s
}

/// Invalid NIKs: unknown province, zero regency or district, impossible dates, a zero
/// serial, wrong length, a letter.
pub fn niks() -> Vec<(&'static str, String)> {
    vec![
        ("province 10 does not exist", nik_with(0, "10")),
        ("province 99 does not exist", nik_with(0, "99")),
        ("province 00 does not exist", nik_with(0, "00")),
        ("province 20 does not exist", nik_with(0, "20")),
        ("regency 00", nik_with(2, "00")),
        ("district 00", nik_with(4, "00")),
        ("day 00", nik_with(6, "00")),
        (
            "day 32 is neither a man's nor a woman's day",
            nik_with(6, "32"),
        ),
        (
            "day 40 is neither a man's nor a woman's day",
            nik_with(6, "40"),
        ),
        ("day 72 is past a woman's 31 + 40", nik_with(6, "72")),
        ("31 February", nik_with(6, "3102")),
        ("31 February, female", nik_with(6, "7102")),
        (
            "29 February of a year that is never a leap year",
            nik_with(6, "290201"),
        ),
        ("31 April", nik_with(6, "3104")),
        ("month 00", nik_with(8, "00")),
        ("month 13", nik_with(8, "13")),
        ("serial 0000", nik_with(12, "0000")),
        ("15 digits", BASE_NIK[..15].to_owned()),
        ("17 digits", format!("{BASE_NIK}1")),
        ("letter O instead of zero", nik_with(8, "O7")),
        ("empty", String::new()),
    ]
}

/// A legacy NPWP's 15 digits from an 8-digit payload and the 6 digits after the check.
fn legacy_npwp(payload: &str, office_status: &str) -> String {
    let check = luhn_check_digit(&digit_values(payload));
    format!("{payload}{check}{office_status}")
}

/// The same with the check digit off by one.
fn legacy_npwp_bad_check(payload: &str, office_status: &str) -> String {
    let mut d = digit_values(&legacy_npwp(payload, office_status));
    d[8] = (d[8] + 1) % 10;
    digit_text(&d)
}

/// Invalid NPWPs: wrong Luhn check digit (in each written form), wrong length, a
/// 16-digit number that is neither `0` + legacy nor a NIK, letters.
pub fn npwps() -> Vec<(&'static str, String)> {
    let bad = legacy_npwp_bad_check("09254294", "407000");
    let good = legacy_npwp("09254294", "407000");
    vec![
        ("legacy check digit wrong", format_legacy_npwp(&bad)),
        ("legacy check digit wrong, digits only", bad.clone()),
        (
            "16 digits, 0 + legacy with a wrong check digit",
            format!("0{bad}"),
        ),
        ("14 digits", good[..14].to_owned()),
        ("17 digits", format!("0{good}1")),
        (
            "formatted, last digit missing",
            format_legacy_npwp(&good)[..19].to_owned(),
        ),
        (
            "16 digits, not 0 + legacy and not a NIK (province 99)",
            nik_with(0, "99"),
        ),
        (
            "16 digits, not 0 + legacy and not a NIK (serial 0000)",
            nik_with(12, "0000"),
        ),
        ("letters", "AB.CDE.FGH.I-JKL.MNO".to_owned()),
        ("empty", String::new()),
    ]
}

/// Invalid Indonesian phone numbers: neither a mobile (`8[1-35-9]` + 7-10 digits) nor a
/// landline (area code 2-7 or 9, 8-11 digits in all).
pub fn phones() -> Vec<(&'static str, String)> {
    vec![
        // `07...` is a landline area code; landlines are valid phones, but not this long.
        (
            "07 is not a mobile prefix, and 12 digits is too long for a landline",
            "0712-3456-78901".to_owned(),
        ),
        ("084 is not a mobile prefix", "0841-2345-6789".to_owned()),
        ("080 is not a mobile prefix", "0801-2345-6789".to_owned()),
        (
            "too short: 7 digits after the trunk 0",
            "0812-3456".to_owned(),
        ),
        ("too short with +62", "+62 812 345".to_owned()),
        (
            "too long: 14 digits after the trunk 0",
            "0812-3456-7890-1234".to_owned(),
        ),
        ("too long with +62", "+62 812 3456 7890 123".to_owned()),
        ("letters", "0812-34AB-7890".to_owned()),
        ("words", "nomor saya rahasia".to_owned()),
        ("only the country code", "+62".to_owned()),
        ("empty", String::new()),
    ]
}

/// Invalid e-mail addresses.
pub fn emails() -> Vec<(&'static str, String)> {
    vec![
        ("no @", "budi.santoso.gmail.com".to_owned()),
        ("two @", "budi@santoso@gmail.com".to_owned()),
        ("empty local part", "@gmail.com".to_owned()),
        ("empty domain", "budi.santoso@".to_owned()),
        (
            "space in the local part",
            "budi santoso@gmail.com".to_owned(),
        ),
        ("domain has no dot", "budi@gmail".to_owned()),
        ("empty domain label", "budi@gmail..com".to_owned()),
        (
            "domain label starts with a hyphen",
            "budi@-gmail.com".to_owned(),
        ),
        (
            "local part longer than 64",
            format!("{}@gmail.com", "a".repeat(65)),
        ),
        (
            "longer than 254 in all",
            format!("budi@{}.com", vec!["a".repeat(63); 4].join(".")),
        ),
        ("empty", String::new()),
    ]
}

/// A Luhn-valid card number from `payload` (all but the check digit).
fn card(payload: &str) -> String {
    let check = luhn_check_digit(&digit_values(payload));
    format!("{payload}{check}")
}

/// `digits` split into groups of the given sizes, joined by `sep`.
fn grouped(digits: &str, sizes: &[usize], sep: &str) -> String {
    let mut parts = Vec::with_capacity(sizes.len());
    let mut at = 0;
    for &n in sizes {
        parts.push(&digits[at..at + n]);
        at += n;
    }
    parts.join(sep)
}

/// Luhn-valid card numbers of the main schemes and lengths, plain and with spaces or
/// dashes: every one must be refused wherever free text is stored.
pub fn card_numbers() -> Vec<(&'static str, String)> {
    let visa19 = card("454545454545454545");
    let mc2221 = card("222100000000000");
    let mc2720 = card("272099999999999");
    let mc53 = card("530000123456789");
    let amex34 = card("34000000000000");
    vec![
        ("Visa 16 digits, spaces", "4111 1111 1111 1111".to_owned()),
        ("Visa 16 digits, plain", "4012888888881881".to_owned()),
        ("Visa 16 digits, dashes", "4242-4242-4242-4242".to_owned()),
        ("Visa 19 digits", grouped(&visa19, &[4, 4, 4, 4, 3], " ")),
        ("Visa 19 digits, plain", visa19),
        ("Mastercard 51", "5105 1051 0510 5100".to_owned()),
        ("Mastercard 53", mc53),
        ("Mastercard 55, dashes", "5555-5555-5555-4444".to_owned()),
        (
            "Mastercard 2-series 2221",
            grouped(&mc2221, &[4, 4, 4, 4], " "),
        ),
        ("Mastercard 2-series 2223", "2223003122003222".to_owned()),
        (
            "Mastercard 2-series 2720, dashes",
            grouped(&mc2720, &[4, 4, 4, 4], "-"),
        ),
        ("Amex 37, 4-6-5", "3782 822463 10005".to_owned()),
        ("Amex 34, plain", amex34),
        ("Amex 37, dashes", "3714-496353-98431".to_owned()),
    ]
}
