//! Property tests: for generated valid input of every field type, normalising succeeds,
//! is idempotent, agrees with the value type's own parser, and masks the same whether
//! masked from the value or from its canonical text.

mod common;

use gembok_types::FieldType;
use proptest::prelude::*;

fn check(ft: FieldType, raw: &str) -> Result<(), TestCaseError> {
    let once = ft
        .normalize(raw)
        .map_err(|e| TestCaseError::fail(format!("{ft}: valid input refused: {e}")))?;
    let twice = ft
        .normalize(once.as_str())
        .map_err(|e| TestCaseError::fail(format!("{ft}: canonical form refused: {e}")))?;
    prop_assert_eq!(once.as_str(), twice.as_str(), "{} not idempotent", ft);
    let mask = ft.mask(once.as_str());
    prop_assert_eq!(&mask, &ft.mask(twice.as_str()));
    // Only free text, single-part addresses and passwords mask to nothing at all.
    if !matches!(
        ft,
        FieldType::Text | FieldType::Address | FieldType::Password
    ) {
        prop_assert_ne!(
            mask.as_str(),
            "***",
            "{} masked its canonical form fully",
            ft
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn email_is_idempotent(raw in common::email()) {
        check(FieldType::Email, &raw)?;
        let e = gembok_types::values::Email::parse(&raw).unwrap();
        prop_assert_eq!(e.as_str(), raw.trim().to_lowercase());
    }

    #[test]
    fn phone_is_idempotent(raw in common::mobile_phone()) {
        check(FieldType::Phone, &raw)?;
        let p = gembok_types::values::Phone::parse(&raw).unwrap();
        prop_assert!(p.as_str().starts_with("+628"));
        prop_assert!(p.as_str()[1..].bytes().all(|b| b.is_ascii_digit()));
    }

    #[test]
    fn nik_is_idempotent(raw in common::nik()) {
        check(FieldType::Nik, &raw)?;
    }

    #[test]
    fn npwp_is_idempotent(raw in common::npwp()) {
        check(FieldType::Npwp, &raw)?;
        prop_assert_eq!(FieldType::Npwp.normalize(&raw).unwrap().as_str().len(), 16);
    }

    #[test]
    fn date_is_idempotent(raw in common::date()) {
        check(FieldType::Date, &raw)?;
    }

    #[test]
    fn name_is_idempotent(raw in common::name()) {
        check(FieldType::Name, &raw)?;
    }

    #[test]
    fn address_is_idempotent(raw in common::address()) {
        check(FieldType::Address, &raw)?;
    }

    #[test]
    fn postal_code_is_idempotent(raw in common::postal_code()) {
        check(FieldType::PostalCode, &raw)?;
    }

    #[test]
    fn money_is_idempotent(raw in common::money()) {
        check(FieldType::Money, &raw)?;
    }

    #[test]
    fn money_round_trips_its_parts(amount in -1_000_000_000_000_000i64..=1_000_000_000_000_000, cur in "[A-Z]{3}") {
        let m = gembok_types::values::Money::new(amount, &cur).unwrap();
        prop_assert_eq!(m.amount(), amount);
        prop_assert_eq!(m.currency(), cur.as_str());
        let again = gembok_types::values::Money::parse(m.as_str()).unwrap();
        prop_assert_eq!(again.amount(), amount);
    }

    #[test]
    fn text_is_idempotent(raw in common::text()) {
        check(FieldType::Text, &raw)?;
    }

    #[test]
    fn password_is_kept_exactly(raw in common::password()) {
        check(FieldType::Password, &raw)?;
        let kept = FieldType::Password.normalize(&raw).unwrap();
        prop_assert_eq!(kept.as_str(), raw.as_str());
    }

    #[test]
    fn payment_ref_is_idempotent(raw in common::payment_ref()) {
        check(FieldType::PaymentRef, &raw)?;
    }

    #[test]
    fn reference_is_idempotent(raw in common::reference()) {
        check(FieldType::Reference, &raw)?;
    }
}
