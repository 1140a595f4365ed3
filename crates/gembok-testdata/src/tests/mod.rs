//! The generator checked against independent reference checkers written from the
//! project's reference notes (not from the generator's code), plus determinism, shape
//! and redaction tests. Cross-checks against `gembok-types` live in `tests/`.

use std::collections::{BTreeSet, HashMap};

use proptest::prelude::*;

use crate::commerce::{longest_digit_run, MAX_DIGIT_RUN};
use crate::ids::{digit_values, luhn_valid};
use crate::{invalid, Generator};

mod reference;
use reference::{date_ok, email_ok, nik_ok, npwp_ok, num, phone_ok, PROVINCES};

const N: usize = 2_000;

#[test]
fn generated_identifiers_pass_the_reference_rules() {
    let mut g = Generator::new(7);
    for _ in 0..N {
        let nik = g.nik();
        assert!(nik_ok(&nik), "nik {nik}");
        let npwp = g.npwp();
        assert!(npwp_ok(&npwp), "npwp {npwp}");
        let phone = g.phone();
        assert!(phone_ok(&phone), "phone {phone}");
        let email = g.email();
        assert!(email_ok(&email), "email {email}");
        assert!(date_ok(g.birth_date()));
        let pc = g.postal_code();
        assert!(pc.len() == 5 && pc.bytes().all(|b| b.is_ascii_digit()) && !pc.starts_with('0'));
    }
}

#[test]
fn generated_text_has_no_card_like_digit_runs() {
    let mut g = Generator::new(8);
    for _ in 0..N {
        let address = g.address();
        assert!(longest_digit_run(&address) <= 3, "{address}");
        assert!(address.contains("Kec. "));
        let items = g.order_items();
        assert!(
            longest_digit_run(&items) <= 4 && items.len() <= 200,
            "{items}"
        );
        let pref = g.payment_ref();
        let gateway = pref.split(':').next().unwrap_or_default();
        assert!(
            ["midtrans", "xendit", "doku", "stripe"].contains(&gateway),
            "{pref}"
        );
        assert!(longest_digit_run(&pref) <= MAX_DIGIT_RUN, "{pref}");
        if let Some((_, masked)) = pref.split_once(" card=") {
            assert_eq!(masked.len(), 16);
            assert_eq!(&masked[6..12], "******");
        }
        let amount = g.amount_idr();
        assert!(amount > 0 && amount % 50_000 == 0, "{amount}");
        let name = g.full_name();
        let words = name.split(' ').count();
        assert!((2..=3).contains(&words), "{name}");
        assert!(name.chars().all(|c| c.is_ascii_alphabetic() || c == ' '));
    }
}

#[test]
fn niks_cover_every_province_and_both_sexes() {
    let mut g = Generator::new(9);
    let mut provinces = BTreeSet::new();
    let mut women = 0;
    for _ in 0..20_000 {
        let nik = g.nik();
        provinces.insert(num(&nik[0..2]));
        if num(&nik[6..8]) > 40 {
            women += 1;
        }
    }
    assert_eq!(provinces.into_iter().collect::<Vec<_>>(), PROVINCES);
    assert!((9_000..=11_000).contains(&women), "{women}");
}

#[test]
fn nik_for_encodes_birth_date_and_sex() {
    let mut g = Generator::new(10);
    let cases = [
        ((1990, 7, 15), false, "150790"),
        ((1990, 7, 15), true, "550790"),
        ((2000, 2, 29), true, "690200"),
        ((1951, 12, 31), false, "311251"),
        ((2007, 1, 1), true, "410107"),
    ];
    for (birth, female, date) in cases {
        let nik = g.nik_for(birth, female);
        assert!(nik_ok(&nik), "{nik}");
        assert_eq!(&nik[6..12], date);
    }
}

#[test]
fn written_forms_are_all_used() {
    let mut g = Generator::new(11);
    let mut phone_forms: HashMap<&str, usize> = HashMap::new();
    let mut npwp_forms: HashMap<&str, usize> = HashMap::new();
    for _ in 0..N {
        let p = g.phone();
        let form = match (
            p.starts_with("+62"),
            p.starts_with("62"),
            p.contains(['-', ' ']),
        ) {
            (true, _, true) => "+62 grouped",
            (true, _, false) => "+62 plain",
            (false, true, _) => "62 plain",
            (false, false, true) => "0 grouped",
            (false, false, false) => "0 plain",
        };
        *phone_forms.entry(form).or_default() += 1;
        let n = g.npwp();
        let form = match (n.len(), n.starts_with('0')) {
            (20, _) => "legacy",
            (16, true) => "0 + legacy",
            _ => "nik",
        };
        *npwp_forms.entry(form).or_default() += 1;
    }
    assert_eq!(phone_forms.len(), 5, "{phone_forms:?}");
    assert!(phone_forms.values().all(|&c| c > N / 20), "{phone_forms:?}");
    assert_eq!(npwp_forms.len(), 3, "{npwp_forms:?}");
    assert!(npwp_forms.values().all(|&c| c > N / 5), "{npwp_forms:?}");
}

#[test]
fn customers_are_consistent() {
    let mut g = Generator::new(12);
    for _ in 0..N {
        let c = g.customer();
        assert!(nik_ok(&c.nik) && npwp_ok(&c.npwp) && phone_ok(&c.phone) && email_ok(&c.email));
        let (y, m, d) = (
            &c.birth_date[2..4],
            &c.birth_date[5..7],
            num(&c.birth_date[8..10]),
        );
        let nik_day = num(&c.nik[6..8]);
        assert!(nik_day == d || nik_day == d + 40);
        assert_eq!((&c.nik[8..10], &c.nik[10..12]), (m, y));
        if c.npwp.len() == 16 && !c.npwp.starts_with('0') {
            assert_eq!(c.npwp, c.nik);
        }
        let local = c.email.split('@').next().unwrap_or_default();
        let lower = c.name.to_lowercase();
        assert!(
            lower.split(' ').any(|w| w.len() > 2 && local.contains(w))
                || local.starts_with(&lower[..1]),
            "{} / {}",
            c.name,
            c.email
        );
    }
}

#[test]
fn same_seed_same_data_other_seed_other_data() {
    let run = |seed| {
        let mut g = Generator::new(seed);
        let mut out = Vec::new();
        for _ in 0..50 {
            out.push(g.customer_json().to_string());
            out.push(g.order_json("c1").to_string());
            out.push(g.event_json("c1").to_string());
            out.push(g.password());
        }
        out
    };
    assert_eq!(run(42), run(42));
    assert_ne!(run(42), run(43));
}

#[test]
fn json_records_have_the_schema_fields() {
    let mut g = Generator::new(13);
    let c = g.customer_json();
    let mut keys: Vec<&str> = c
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    keys.sort_unstable();
    let want = [
        "address",
        "birth_date",
        "email",
        "name",
        "nik",
        "npwp",
        "phone",
        "postal_code",
    ];
    assert_eq!(keys, want);
    assert!(c.as_object().is_some_and(|o| o
        .values()
        .all(|v| v.as_str().is_some_and(|s| !s.is_empty()))));
    for _ in 0..200 {
        let o = g.order_json("cust-1");
        assert_eq!(o["customer"], "cust-1");
        assert_eq!(o["amount"]["currency"], "IDR");
        assert!(o["amount"]["amount"]
            .as_i64()
            .is_some_and(|a| a >= 1_000_000));
        assert!(o["items"].as_str().is_some_and(|s| s.contains("x ")));
        assert!(o["payment_ref"].as_str().is_some_and(|s| s.contains(':')));
        let e = g.event_json("cust-1");
        assert_eq!(e["customer"], "cust-1");
        assert!(e["action"]
            .as_str()
            .is_some_and(|a| a.chars().all(|c| c.is_ascii_lowercase() || c == '_')));
        assert!(e["detail"]
            .as_str()
            .is_some_and(|d| !d.is_empty() && longest_digit_run(d) <= 4));
    }
}

#[test]
fn customer_debug_shows_no_value() {
    let c = Generator::new(14).customer();
    let shown = format!("{c:?} {:?}", Generator::new(14));
    for value in [
        &c.name,
        &c.email,
        &c.phone,
        &c.birth_date,
        &c.address,
        &c.postal_code,
        &c.nik,
        &c.npwp,
    ] {
        assert!(!shown.contains(value.as_str()), "Debug leaked a field");
    }
    assert!(shown.contains("redacted"));
}

#[test]
fn invalid_values_break_the_reference_rules() {
    type Case = (&'static str, Vec<(&'static str, String)>, fn(&str) -> bool);
    let tables: [Case; 4] = [
        ("nik", invalid::niks(), nik_ok),
        ("npwp", invalid::npwps(), npwp_ok),
        ("phone", invalid::phones(), phone_ok),
        ("email", invalid::emails(), email_ok),
    ];
    for (kind, table, ok) in tables {
        let labels: BTreeSet<&str> = table.iter().map(|(why, _)| *why).collect();
        assert_eq!(labels.len(), table.len(), "{kind}: duplicate labels");
        for (why, value) in &table {
            assert!(!ok(value), "{kind} '{why}' passes the reference rule");
        }
    }
}

#[test]
fn card_numbers_are_luhn_valid_cards_of_each_scheme() {
    let mut schemes = BTreeSet::new();
    for (why, value) in invalid::card_numbers() {
        let d: String = value.chars().filter(|c| *c != ' ' && *c != '-').collect();
        assert!(
            (12..=19).contains(&d.len()) && luhn_valid(&digit_values(&d)),
            "{why}"
        );
        let p2 = num(&d[..2]);
        let p4 = num(&d[..4]);
        let scheme = match (d.len(), p2, p4) {
            (15, 34 | 37, _) => "amex",
            (16, 51..=55, _) | (16, _, 2221..=2720) => "mastercard",
            (16, _, _) if d.starts_with('4') => "visa16",
            (19, _, _) if d.starts_with('4') => "visa19",
            _ => panic!("{why}: not a known scheme"),
        };
        schemes.insert(scheme);
    }
    assert_eq!(schemes.len(), 4);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn any_seed_gives_valid_identifiers(seed in any::<u64>()) {
        let mut g = Generator::new(seed);
        for _ in 0..20 {
            let c = g.customer();
            prop_assert!(nik_ok(&c.nik));
            prop_assert!(npwp_ok(&c.npwp));
            prop_assert!(phone_ok(&c.phone));
            prop_assert!(email_ok(&c.email));
            prop_assert!(longest_digit_run(&g.payment_ref()) <= MAX_DIGIT_RUN);
        }
    }
}
