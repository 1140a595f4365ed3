//! Reference checkers written from the rules in the project's reference notes, kept
//! apart from the generator's code so the tests do not check it against itself.

use crate::days_in_month;
use crate::ids::{digit_values, luhn_valid};

pub(super) const PROVINCES: &[u32] = &[
    11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53, 61, 62, 63, 64, 65,
    71, 72, 73, 74, 75, 76, 81, 82, 91, 92, 93, 94, 95, 96,
];

pub(super) fn num(s: &str) -> u32 {
    s.parse().unwrap_or(u32::MAX)
}

/// NIK rule from the reference table.
pub(super) fn nik_ok(s: &str) -> bool {
    if s.len() != 16 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let (day, month, yy) = (num(&s[6..8]), num(&s[8..10]), num(&s[10..12]) as i32);
    let day_ok = (1..=31).contains(&day) || (41..=71).contains(&day);
    let real = (1..=12).contains(&month)
        && [1800, 1900, 2000]
            .iter()
            .any(|c| day % 40 <= u32::from(days_in_month(c + yy, month as u8)));
    PROVINCES.contains(&num(&s[0..2]))
        && &s[2..4] != "00"
        && &s[4..6] != "00"
        && day_ok
        && real
        && &s[12..16] != "0000"
}

pub(super) fn npwp_ok(s: &str) -> bool {
    let d: String = s.chars().filter(|c| *c != '.' && *c != '-').collect();
    if !d.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    match d.len() {
        15 => luhn_valid(&digit_values(&d[..9])),
        16 if d.starts_with('0') => luhn_valid(&digit_values(&d[1..10])),
        16 => nik_ok(&d),
        _ => false,
    }
}

pub(super) fn phone_ok(s: &str) -> bool {
    let d: String = s.chars().filter(|c| *c != ' ' && *c != '-').collect();
    let nsn = if let Some(r) = d.strip_prefix("+62") {
        r
    } else if let Some(r) = d.strip_prefix("62") {
        r
    } else if let Some(r) = d.strip_prefix('0') {
        r
    } else {
        return false;
    };
    let b = nsn.as_bytes();
    (9..=12).contains(&b.len())
        && b.iter().all(u8::is_ascii_digit)
        && b[0] == b'8'
        && matches!(b[1], b'1'..=b'3' | b'5'..=b'9')
}

pub(super) fn email_ok(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && local
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._".contains(&b));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && !l.starts_with('-')
                && l.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        });
    local_ok && domain_ok && s.len() <= 254
}

pub(super) fn date_ok((y, m, d): (i32, u8, u8)) -> bool {
    (1950..=2007).contains(&y) && (1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m)
}
