//! Robustness across every field type: arbitrary input never panics, card numbers never
//! get past the free-text types, and nothing personal leaks through `Debug` or errors.

mod common;

use gembok_types::card::{contains_card_number, is_card_number, luhn_valid};
use gembok_types::values::*;
use gembok_types::FieldType;
use proptest::prelude::*;

/// A Luhn-valid card number of `len` digits starting with `prefix`.
fn card(prefix: &str, body: &str, len: usize) -> String {
    let mut digits: String = format!("{prefix}{body}").chars().take(len - 1).collect();
    let check = (0..10)
        .find(|c| luhn_valid(&format!("{digits}{c}")))
        .unwrap();
    digits.push_str(&check.to_string());
    digits
}

fn card_strategy() -> impl Strategy<Value = String> {
    (
        prop_oneof![
            Just(("4", 16)),
            Just(("4", 13)),
            Just(("4", 19)),
            Just(("51", 16)),
            Just(("55", 16)),
            Just(("2221", 16)),
            Just(("2720", 16)),
            Just(("34", 15)),
            Just(("37", 15)),
            Just(("62", 19)),
        ],
        "[0-9]{19}",
    )
        .prop_map(|((prefix, len), body)| card(prefix, &body, len))
        .prop_flat_map(|digits| common::with_separators(digits, &["", "", "", " ", "-"]))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_input_never_panics(input in "\\PC{0,80}|[0-9 +()./-]{0,30}") {
        for ft in FieldType::ALL {
            if let Ok(n) = ft.normalize(&input) {
                let _ = ft.mask(n.as_str());
            }
            let _ = ft.mask(&input);
        }
    }

    #[test]
    fn arbitrary_bytes_as_text_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        let input = String::from_utf8_lossy(&bytes);
        for ft in FieldType::ALL {
            let _ = ft.normalize(&input);
            let _ = ft.mask(&input);
        }
    }

    #[test]
    fn cards_are_refused_wherever_free_text_goes(card in card_strategy(), before in "[a-z ]{0,10}", after in "[a-z. ]{0,10}") {
        prop_assert!(is_card_number(&card));
        let embedded = format!("{before} {card} {after}");
        prop_assert!(contains_card_number(&embedded));
        prop_assert_eq!(Text::parse(&embedded).unwrap_err().rule, "text.card_number");
        prop_assert_eq!(
            Address::parse(&format!("Jl. Mawar {card}, Depok")).unwrap_err().rule,
            "address.card_number"
        );
        prop_assert_eq!(
            PaymentRef::parse(&format!("xendit:{card}")).unwrap_err().rule,
            "payment_ref.card_number"
        );
        let error = Text::parse(&embedded).unwrap_err().to_string();
        prop_assert!(!error.contains(&card));
    }
}

#[test]
fn debug_of_every_value_type_shows_no_value() {
    let cases: Vec<(String, &str)> = vec![
        (
            format!("{:?}", Email::parse("rahasia@contoh.id").unwrap()),
            "rahasia",
        ),
        (
            format!("{:?}", Phone::parse("081298765432").unwrap()),
            "98765",
        ),
        (
            format!("{:?}", Nik::parse("3174096112900002").unwrap()),
            "3174",
        ),
        (
            format!("{:?}", Npwp::parse("092542943407000").unwrap()),
            "254294",
        ),
        (format!("{:?}", Date::parse("1990-05-17").unwrap()), "1990"),
        (
            format!("{:?}", Name::parse("Rahasia Santoso").unwrap()),
            "Rahasia",
        ),
        (
            format!("{:?}", Address::parse("Jl. Rahasia 3, Depok").unwrap()),
            "Rahasia",
        ),
        (
            format!("{:?}", PostalCode::parse("16424").unwrap()),
            "16424",
        ),
        (
            format!("{:?}", Money::parse("IDR 987654").unwrap()),
            "987654",
        ),
        (
            format!("{:?}", Text::parse("catatan rahasia").unwrap()),
            "rahasia",
        ),
        (
            format!("{:?}", Password::parse("hunter2").unwrap()),
            "hunter2",
        ),
        (
            format!("{:?}", PaymentRef::parse("xendit:inv_rahasia").unwrap()),
            "rahasia",
        ),
        (
            format!(
                "{:#?}",
                Reference::parse("0192f7c4-5a1b-7c3d-8e9f-0123456789ab").unwrap()
            ),
            "0192f7c4",
        ),
        (
            format!(
                "{:?}",
                Totp::parse("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ").unwrap()
            ),
            "GEZDGNBV",
        ),
    ];
    assert_eq!(cases.len(), FieldType::ALL.len());
    for (shown, secret) in cases {
        assert!(shown.ends_with("([redacted])"), "{shown}");
        assert!(!shown.contains(secret), "{shown}");
    }
}

#[test]
fn errors_never_quote_the_input() {
    let secret = "rahasia4111111111111111";
    for ft in FieldType::ALL {
        if let Err(e) = ft.normalize(secret) {
            let text = e.to_string();
            assert!(
                !text.contains("rahasia") && !text.contains("4111"),
                "{ft}: {text}"
            );
            assert!(e.rule.starts_with(ft.as_str()), "{ft}: {}", e.rule);
        }
    }
}

#[test]
fn field_type_dispatch_matches_the_value_types() {
    let table: [(FieldType, &str, &str, &str); 14] = [
        (
            FieldType::Email,
            " Budi@Gmail.com",
            "budi@gmail.com",
            "b***@gmail.com",
        ),
        (
            FieldType::Phone,
            "0812-3456-7890",
            "+6281234567890",
            "+62********890",
        ),
        (
            FieldType::Nik,
            "3174 0961 1290 0002",
            "3174096112900002",
            "3174********0002",
        ),
        (
            FieldType::Npwp,
            "09.254.294.3-407.000",
            "0092542943407000",
            "00***********000",
        ),
        (FieldType::Date, "17/05/1990", "1990-05-17", "1990-**-**"),
        (
            FieldType::Name,
            " Budi  Santoso ",
            "Budi Santoso",
            "B*** S***",
        ),
        (
            FieldType::Address,
            "Jl. Mawar 3,  Depok",
            "Jl. Mawar 3, Depok",
            "***, Depok",
        ),
        (FieldType::PostalCode, "16424", "16424", "16***"),
        (FieldType::Money, "150000 idr", "IDR 150000", "IDR ***"),
        (FieldType::Text, " kirim sore ", "kirim sore", "***"),
        (FieldType::Password, " pw ", " pw ", "********"),
        (
            FieldType::PaymentRef,
            "Xendit:inv_5f2a card=411111******1111",
            "xendit:inv_5f2a card=411111******1111",
            "xendit:***5f2a card=411111******1111",
        ),
        (
            FieldType::Reference,
            "0192F7C4-5A1B-7C3D-8E9F-0123456789AB",
            "0192f7c4-5a1b-7c3d-8e9f-0123456789ab",
            "0192f7c4-5a1b-7c3d-8e9f-0123456789ab",
        ),
        (
            FieldType::Totp,
            "gezd gnbv gy3t qojq gezd gnbv gy3t qojq",
            "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
            "********",
        ),
    ];
    for ((ft, raw, canonical, mask), expected) in table.into_iter().zip(FieldType::ALL) {
        assert_eq!(ft, expected, "table follows FieldType::ALL");
        let n = ft.normalize(raw).unwrap_or_else(|e| panic!("{ft}: {e}"));
        assert_eq!(n.as_str(), canonical, "{ft}");
        assert_eq!(ft.mask(n.as_str()), mask, "{ft}");
    }
}
