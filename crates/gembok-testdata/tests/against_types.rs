//! The generator's output checked against Gembok's own validators in `gembok-types`:
//! every generated value must normalise under its field type, every labelled invalid
//! value must be refused, and every card number must be recognised and kept out of text.

use gembok_testdata::{invalid, Generator};
use gembok_types::{card, FieldType};

const N: usize = 2_000;

/// Asserts that `normalize` accepts `value`; the message names the type and the value,
/// which is invented test data.
fn accepts(ty: FieldType, value: &str) {
    if let Err(e) = ty.normalize(value) {
        panic!("{ty} refused generated value {value:?}: {e}");
    }
}

#[test]
fn generated_values_pass_their_validators() {
    let mut g = Generator::new(2024);
    for _ in 0..N {
        accepts(FieldType::Name, &g.full_name());
        accepts(FieldType::Email, &g.email());
        accepts(FieldType::Phone, &g.phone());
        accepts(FieldType::Nik, &g.nik());
        accepts(FieldType::Npwp, &g.npwp());
        accepts(FieldType::Date, &g.birth_date_iso());
        accepts(FieldType::Address, &g.address());
        accepts(FieldType::PostalCode, &g.postal_code());
        accepts(FieldType::PaymentRef, &g.payment_ref());
        accepts(FieldType::Text, &g.order_items());
    }
}

#[test]
fn generated_records_pass_their_validators() {
    let mut g = Generator::new(17);
    for _ in 0..N {
        let c = g.customer();
        accepts(FieldType::Name, &c.name);
        accepts(FieldType::Email, &c.email);
        accepts(FieldType::Phone, &c.phone);
        accepts(FieldType::Date, &c.birth_date);
        accepts(FieldType::Address, &c.address);
        accepts(FieldType::PostalCode, &c.postal_code);
        accepts(FieldType::Nik, &c.nik);
        accepts(FieldType::Npwp, &c.npwp);

        let order = g.order_json("0192f7c4-0000-7000-8000-000000000001");
        let field = |key: &str| order[key].as_str().unwrap_or_default().to_owned();
        accepts(FieldType::Text, &field("items"));
        accepts(FieldType::PaymentRef, &field("payment_ref"));
        let amount = order["amount"]["amount"].as_i64().unwrap_or_default();
        assert!(gembok_types::values::Money::new(amount, "IDR").is_ok());

        let event = g.event_json("0192f7c4-0000-7000-8000-000000000001");
        accepts(
            FieldType::Text,
            event["detail"].as_str().unwrap_or_default(),
        );
    }
}

#[test]
fn the_same_customer_normalises_to_the_same_canonical_values() {
    // Written forms differ, canonical forms must not: the NIK used as NPWP normalises to
    // the NIK itself.
    let mut g = Generator::new(5);
    for _ in 0..N {
        let c = g.customer();
        let npwp = FieldType::Npwp
            .normalize(&c.npwp)
            .map(|n| n.as_str().to_owned());
        if c.npwp == c.nik {
            let nik = FieldType::Nik
                .normalize(&c.nik)
                .map(|n| n.as_str().to_owned());
            assert_eq!(npwp.ok(), nik.ok());
        }
    }
}

#[test]
fn invalid_values_are_refused() {
    let tables = [
        (FieldType::Nik, invalid::niks()),
        (FieldType::Npwp, invalid::npwps()),
        (FieldType::Phone, invalid::phones()),
        (FieldType::Email, invalid::emails()),
    ];
    let mut accepted = Vec::new();
    for (ty, table) in tables {
        for (why, value) in table {
            if ty.normalize(&value).is_ok() {
                accepted.push(format!("{ty}: {why} ({value:?})"));
            }
        }
    }
    assert!(
        accepted.is_empty(),
        "accepted invalid values: {accepted:#?}"
    );
}

#[test]
fn card_numbers_are_recognised_and_refused_as_text() {
    for (why, value) in invalid::card_numbers() {
        assert!(card::is_card_number(&value), "not seen as a card: {why}");
        assert!(
            FieldType::Text.normalize(&value).is_err(),
            "stored as text: {why}"
        );
        let sentence = format!("tolong bayar pakai kartu {value} ya");
        assert!(
            FieldType::Text.normalize(&sentence).is_err(),
            "in a sentence: {why}"
        );
        assert!(
            FieldType::Address
                .normalize(&format!("Jl. Melati {value}"))
                .is_err(),
            "in an address: {why}"
        );
        assert!(
            FieldType::PaymentRef
                .normalize(&format!("midtrans:{value}"))
                .is_err(),
            "as a payment ref: {why}"
        );
    }
}
