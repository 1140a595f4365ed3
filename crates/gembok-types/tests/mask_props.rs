//! Property tests: masks never reveal the digits their rule hides.

mod common;

use gembok_types::values::{Date, Email, Money, Nik, Npwp, PaymentRef, Phone, PostalCode};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn nik_mask_hides_district_and_birth_date(raw in common::nik()) {
        let nik = Nik::parse(&raw).unwrap();
        let (digits, mask) = (nik.as_str(), nik.mask());
        prop_assert_eq!(mask.len(), 16);
        prop_assert_eq!(&mask[..4], &digits[..4]);
        prop_assert_eq!(&mask[4..12], "********");
        prop_assert_eq!(&mask[12..], &digits[12..]);
        prop_assert_eq!(Nik::mask_canonical(digits), mask);
    }

    #[test]
    fn phone_mask_shows_country_code_and_last_three_only(raw in common::mobile_phone()) {
        let phone = Phone::parse(&raw).unwrap();
        let (canonical, mask) = (phone.as_str(), phone.mask());
        prop_assert_eq!(mask.len(), canonical.len());
        prop_assert_eq!(&mask[..3], "+62");
        let hidden = &mask[3..mask.len() - 3];
        prop_assert!(hidden.bytes().all(|b| b == b'*'));
        prop_assert_eq!(&mask[mask.len() - 3..], &canonical[canonical.len() - 3..]);
    }

    #[test]
    fn foreign_phone_mask_hides_all_but_code_and_last_three(national in "[1-9][0-9]{7,11}") {
        let phone = Phone::parse(&format!("+1{national}")).unwrap();
        let mask = phone.mask();
        prop_assert_eq!(mask.bytes().filter(u8::is_ascii_digit).count(), 1 + 3);
        prop_assert!(mask.starts_with("+1*"));
    }

    #[test]
    fn npwp_mask_shows_two_and_three(raw in common::npwp()) {
        let npwp = Npwp::parse(&raw).unwrap();
        let (digits, mask) = (npwp.as_str(), npwp.mask());
        prop_assert_eq!(&mask[..2], &digits[..2]);
        prop_assert_eq!(&mask[2..13], "***********");
        prop_assert_eq!(&mask[13..], &digits[13..]);
    }

    #[test]
    fn date_mask_shows_only_the_year(raw in common::date()) {
        let date = Date::parse(&raw).unwrap();
        let mask = date.mask();
        prop_assert_eq!(&mask[..4], &date.as_str()[..4]);
        prop_assert_eq!(&mask[4..], "-**-**");
    }

    #[test]
    fn postal_code_mask_shows_two_digits(raw in common::postal_code()) {
        let code = PostalCode::parse(&raw).unwrap();
        let mask = code.mask();
        prop_assert_eq!(mask.bytes().filter(u8::is_ascii_digit).count(), 2);
        prop_assert!(mask.ends_with("***"));
    }

    #[test]
    fn email_mask_hides_the_local_part(raw in common::email()) {
        let email = Email::parse(&raw).unwrap();
        let first = email.local_part().chars().next().unwrap();
        prop_assert_eq!(email.mask(), format!("{first}***@{}", email.domain()));
    }

    #[test]
    fn money_mask_has_no_digits(raw in common::money()) {
        let money = Money::parse(&raw).unwrap();
        prop_assert!(!money.mask().bytes().any(|b| b.is_ascii_digit()));
    }

    #[test]
    fn payment_ref_mask_keeps_only_the_reference_tail(raw in common::payment_ref()) {
        let p = PaymentRef::parse(&raw).unwrap();
        let mask = p.mask();
        let reference = p.reference();
        let shown = mask
            .split_once(":***")
            .map(|(_, rest)| rest.split(' ').next().unwrap_or(""))
            .unwrap();
        prop_assert!(shown.len() <= 4 && shown.len() < reference.len().max(1));
        prop_assert!(reference.ends_with(shown));
        prop_assert!(mask.starts_with(p.provider()));
    }
}
