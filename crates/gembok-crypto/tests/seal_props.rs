//! Property tests for field sealing and blind indexes through the public API.

use gembok_crypto::{sealed_key_version, BlindIndexer, CryptoError, RecordCipher, SecretKey};
use proptest::prelude::*;

fn data_key() -> SecretKey {
    SecretKey::generate().unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn seal_open_round_trip(
        plaintext in proptest::collection::vec(any::<u8>(), 0..600),
        collection in "\\PC{0,40}",
        field in "\\PC{0,40}",
        version in any::<u32>(),
        record_id in any::<[u8; 16]>(),
    ) {
        let key = data_key();
        let cipher = RecordCipher::new(&key, version, &record_id).unwrap();
        let sealed = cipher.seal(&collection, &field, &plaintext).unwrap();
        prop_assert_eq!(sealed.len(), plaintext.len() + 33);
        prop_assert_eq!(sealed_key_version(&sealed), Ok(version));
        let opened = cipher.open(&collection, &field, &sealed).unwrap();
        prop_assert_eq!(&opened[..], &plaintext[..]);
    }

    #[test]
    fn open_under_other_names_fails(
        plaintext in proptest::collection::vec(any::<u8>(), 0..64),
        collection in "[a-z_]{1,12}",
        field in "[a-z_]{1,12}",
        other_field in "[a-z_]{1,12}",
    ) {
        prop_assume!(field != other_field);
        let cipher = RecordCipher::new(&data_key(), 1, &[9; 16]).unwrap();
        let sealed = cipher.seal(&collection, &field, &plaintext).unwrap();
        prop_assert_eq!(cipher.open(&collection, &other_field, &sealed), Err(CryptoError::Integrity));
        prop_assert_eq!(cipher.open(&other_field, &field, &sealed).is_err(), collection != other_field);
    }

    #[test]
    fn blind_index_is_deterministic_and_field_specific(
        value in proptest::collection::vec(any::<u8>(), 0..64),
        field in "[a-z]{1,10}",
    ) {
        let key = data_key();
        let a = BlindIndexer::new(&key, "customers", &field).unwrap();
        let b = BlindIndexer::new(&key, "customers", &field).unwrap();
        let other = BlindIndexer::new(&key, "customers", &format!("{field}_2")).unwrap();
        prop_assert_eq!(a.digest(&value), b.digest(&value));
        prop_assert_ne!(a.digest(&value), other.digest(&value));
    }
}

#[test]
fn blind_index_differs_across_keys_and_is_16_bytes() {
    let a = BlindIndexer::new(&data_key(), "customers", "email").unwrap();
    let b = BlindIndexer::new(&data_key(), "customers", "email").unwrap();
    let d: [u8; 16] = a.digest(b"budi@example.co.id");
    assert_ne!(d, b.digest(b"budi@example.co.id"));
    assert_ne!(d, [0u8; 16]);
}
