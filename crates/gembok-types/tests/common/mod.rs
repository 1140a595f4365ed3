//! Generators of valid raw input for every field type, in the messy spellings people
//! really type, shared by the property tests.
#![allow(dead_code)]

use gembok_types::card::luhn_valid;
use proptest::prelude::*;
use proptest::sample::select;

/// Interleave `digits` with separators chosen from `seps` (empty string = none).
pub fn with_separators(
    digits: String,
    seps: &'static [&'static str],
) -> impl Strategy<Value = String> {
    let n = digits.len();
    proptest::collection::vec(select(seps), n).prop_map(move |chosen| {
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            out.push(c);
            if i + 1 < n {
                out.push_str(chosen[i]);
            }
        }
        out
    })
}

/// Random ASCII case, so normalisers have something to fold.
pub fn random_case(s: String) -> impl Strategy<Value = String> {
    let n = s.chars().count();
    proptest::collection::vec(any::<bool>(), n).prop_map(move |upper| {
        s.chars()
            .zip(upper)
            .map(|(c, u)| if u { c.to_ascii_uppercase() } else { c })
            .collect()
    })
}

pub fn email() -> impl Strategy<Value = String> {
    (
        "[a-z0-9]{1,10}(\\.[a-z0-9_+]{1,8}){0,2}",
        "[a-z0-9]{1,12}(-[a-z0-9]{1,5})?",
        select(&["com", "id", "co.id", "org"][..]),
        "[ \t]{0,2}",
    )
        .prop_map(|(local, host, tld, pad)| format!("{pad}{local}@{host}.{tld}{pad}"))
        .prop_flat_map(random_case)
}

pub fn mobile_phone() -> impl Strategy<Value = String> {
    (
        "8[1-35-9][0-9]{7,10}",
        select(&["0", "62", "+62", "+62 ", "+62 (0)"][..]),
    )
        .prop_flat_map(|(national, prefix)| {
            with_separators(national, &["", "", " ", "-", "."])
                .prop_map(move |n| format!("{prefix}{n}"))
        })
}

const PROVINCES: &[u8] = &[
    11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53, 61, 62, 63, 64, 65,
    71, 72, 73, 74, 75, 76, 81, 82, 91, 92, 93, 94, 95, 96,
];

/// A valid NIK as 16 plain digits.
pub fn nik_digits() -> impl Strategy<Value = String> {
    (
        select(PROVINCES),
        1u8..=99,
        1u8..=99,
        1u8..=28,
        any::<bool>(),
        1u8..=12,
        0u8..=99,
        1u16..=9999,
    )
        .prop_map(|(p, r, d, day, female, month, yy, serial)| {
            let day = if female { day + 40 } else { day };
            format!("{p:02}{r:02}{d:02}{day:02}{month:02}{yy:02}{serial:04}")
        })
}

pub fn nik() -> impl Strategy<Value = String> {
    nik_digits().prop_flat_map(|d| with_separators(d, &["", "", "", " ", "."]))
}

/// A valid legacy 15-digit NPWP as plain digits.
pub fn legacy_npwp_digits() -> impl Strategy<Value = String> {
    ("[0-9]{8}", "[0-9]{6}").prop_map(|(head, tail)| {
        let check = (0..10)
            .find(|c| luhn_valid(&format!("{head}{c}")))
            .expect("some digit completes a Luhn number");
        format!("{head}{check}{tail}")
    })
}

pub fn npwp() -> impl Strategy<Value = String> {
    prop_oneof![
        legacy_npwp_digits().prop_map(|d| format!(
            "{}.{}.{}.{}-{}.{}",
            &d[..2],
            &d[2..5],
            &d[5..8],
            &d[8..9],
            &d[9..12],
            &d[12..]
        )),
        legacy_npwp_digits(),
        legacy_npwp_digits().prop_map(|d| format!("0{d}")),
        nik_digits(),
    ]
}

pub fn date() -> impl Strategy<Value = String> {
    (1900i32..=2100, 1u8..=12, 1u8..=28, 0usize..3).prop_map(|(y, m, d, form)| match form {
        0 => format!("{y:04}-{m:02}-{d:02}"),
        1 => format!("{d}/{m}/{y:04}"),
        _ => format!("{d:02}-{m:02}-{y:04}"),
    })
}

pub fn name() -> impl Strategy<Value = String> {
    proptest::collection::vec(("[A-Za-zÀ-ÖØ-öø-ÿ][a-z'.-]{0,9}", "[ \t\n]{1,3}"), 1..5)
        .prop_map(|words| words.into_iter().map(|(w, s)| format!("{w}{s}")).collect())
}

pub fn address() -> impl Strategy<Value = String> {
    (
        "Jl\\. [A-Z][a-z]{2,12} No\\. [0-9]{1,3}",
        "[ \n]{0,2}",
        "[A-Z][a-z]{2,12}( [A-Z][a-z]{2,8})?",
    )
        .prop_map(|(street, gap, city)| format!("{street},{gap} {city}"))
}

pub fn postal_code() -> impl Strategy<Value = String> {
    "[ ]{0,2}[1-9][0-9]{4}[ ]{0,2}"
}

pub fn money() -> impl Strategy<Value = String> {
    (
        -1_000_000_000_000_000i64..=1_000_000_000_000_000,
        "[A-Za-z]{3}",
        any::<bool>(),
    )
        .prop_map(|(amount, cur, cur_first)| {
            if cur_first {
                format!("{cur} {amount}")
            } else {
                format!("  {amount}   {cur}")
            }
        })
}

pub fn text() -> impl Strategy<Value = String> {
    // Digits only in one short group, so no card-like run can appear by chance.
    "[ \n]{0,2}[A-Za-z][A-Za-z ,.!?\n\t]{0,200}( [0-9]{1,5})?(\r\n[a-z]{1,5})?"
}

pub fn password() -> impl Strategy<Value = String> {
    "\\PC{1,60}"
}

pub fn payment_ref() -> impl Strategy<Value = String> {
    (
        select(&["midtrans", "xendit", "doku", "stripe"][..])
            .prop_flat_map(|p| random_case(p.to_owned())),
        "[A-Za-z_.][A-Za-z0-9_.]{0,40}",
        proptest::option::of(("[0-9]{6}", 2usize..=9, "[0-9]{4}")),
    )
        .prop_filter("no card-like digit run", |(_, r, _)| {
            !gembok_types::card::contains_card_number(r)
        })
        .prop_map(|(provider, reference, card)| match card {
            Some((first, stars, last)) => {
                format!(
                    "{provider}:{reference} card={first}{}{last}",
                    "*".repeat(stars)
                )
            }
            None => format!(" {provider}:{reference}"),
        })
}

pub fn reference() -> impl Strategy<Value = String> {
    (any::<[u8; 16]>(), any::<bool>()).prop_map(|(bytes, upper)| {
        let id = gembok_types::RecordId::from_bytes(bytes).to_string();
        if upper {
            id.to_uppercase()
        } else {
            id
        }
    })
}
