//! Tests for `seal.rs`: format, binding of every AAD component, tamper
//! detection bit by bit, and the redacted `Debug`.

use crate::keys::SecretKey;
use crate::{sealed_key_version, CryptoError, RecordCipher};

const RID: [u8; 16] = *b"0123456789abcdef";
const OTHER_RID: [u8; 16] = *b"0123456789abcdeF";

fn cipher(key: &SecretKey, version: u32, rid: &[u8; 16]) -> RecordCipher {
    RecordCipher::new(key, version, rid).unwrap()
}

#[test]
fn round_trip_and_format() {
    let key = SecretKey::generate().unwrap();
    let c = cipher(&key, 7, &RID);
    let pt = b"3174096512900001";
    let sealed = c.seal("customers", "nik", pt).unwrap();
    assert_eq!(sealed.len(), pt.len() + 1 + 4 + 12 + 16);
    assert_eq!(sealed[0], 0x01);
    assert_eq!(sealed[1..5], 7u32.to_be_bytes());
    assert_eq!(sealed_key_version(&sealed), Ok(7));
    assert!(!sealed.windows(pt.len()).any(|w| w == pt));
    assert_eq!(&c.open("customers", "nik", &sealed).unwrap()[..], pt);
    // A second cipher for the same record and key (a later request) opens it too.
    assert_eq!(
        &cipher(&key, 7, &RID)
            .open("customers", "nik", &sealed)
            .unwrap()[..],
        pt
    );
}

#[test]
fn empty_plaintext_round_trips() {
    let c = cipher(&SecretKey::generate().unwrap(), 1, &RID);
    let sealed = c.seal("c", "f", b"").unwrap();
    assert_eq!(sealed.len(), 33);
    assert!(c.open("c", "f", &sealed).unwrap().is_empty());
}

#[test]
fn nonces_are_fresh() {
    let c = cipher(&SecretKey::generate().unwrap(), 1, &RID);
    let a = c.seal("c", "f", b"same").unwrap();
    let b = c.seal("c", "f", b"same").unwrap();
    assert_ne!(a[5..17], b[5..17]);
    assert_ne!(a, b);
}

#[test]
fn every_single_bit_flip_is_integrity() {
    let c = cipher(&SecretKey::generate().unwrap(), 3, &RID);
    let sealed = c.seal("customers", "email", b"budi@example.co.id").unwrap();
    for byte in 0..sealed.len() {
        for bit in 0..8 {
            let mut bad = sealed.clone();
            bad[byte] ^= 1 << bit;
            assert_eq!(
                c.open("customers", "email", &bad).unwrap_err(),
                CryptoError::Integrity,
                "byte {byte} bit {bit}"
            );
        }
    }
}

#[test]
fn truncation_and_extension_are_integrity() {
    let c = cipher(&SecretKey::generate().unwrap(), 3, &RID);
    let sealed = c.seal("customers", "email", b"budi@example.co.id").unwrap();
    for len in 0..sealed.len() {
        assert_eq!(
            c.open("customers", "email", &sealed[..len]),
            Err(CryptoError::Integrity),
            "len {len}"
        );
    }
    let mut longer = sealed.clone();
    longer.push(0);
    assert_eq!(
        c.open("customers", "email", &longer),
        Err(CryptoError::Integrity)
    );
}

#[test]
fn value_is_bound_to_record_field_collection_key_and_version() {
    let key = SecretKey::generate().unwrap();
    let c = cipher(&key, 2, &RID);
    let sealed = c.seal("customers", "phone", b"+6281234567890").unwrap();
    let wrong: [(&str, RecordCipher, &str, &str); 6] = [
        (
            "other record",
            cipher(&key, 2, &OTHER_RID),
            "customers",
            "phone",
        ),
        ("other field", cipher(&key, 2, &RID), "customers", "phone2"),
        (
            "other collection",
            cipher(&key, 2, &RID),
            "suppliers",
            "phone",
        ),
        (
            "other data key",
            cipher(&SecretKey::generate().unwrap(), 2, &RID),
            "customers",
            "phone",
        ),
        ("other version", cipher(&key, 3, &RID), "customers", "phone"),
        // Same concatenated bytes, different split between collection and field.
        ("shifted names", cipher(&key, 2, &RID), "customersp", "hone"),
    ];
    for (why, other, collection, field) in wrong {
        assert_eq!(
            other.open(collection, field, &sealed),
            Err(CryptoError::Integrity),
            "{why}"
        );
    }
}

#[test]
fn header_claiming_another_version_is_integrity() {
    let key = SecretKey::generate().unwrap();
    let v2 = cipher(&key, 2, &RID);
    let v3 = cipher(&key, 3, &RID);
    let mut sealed = v2.seal("c", "f", b"x").unwrap();
    sealed[1..5].copy_from_slice(&3u32.to_be_bytes());
    assert_eq!(sealed_key_version(&sealed), Ok(3));
    assert_eq!(v3.open("c", "f", &sealed), Err(CryptoError::Integrity));
    assert_eq!(v2.open("c", "f", &sealed), Err(CryptoError::Integrity));
}

#[test]
fn long_names_use_the_heap_aad_path_and_stay_bound() {
    let c = cipher(&SecretKey::generate().unwrap(), 1, &RID);
    let collection = "c".repeat(100);
    let field = "f".repeat(100);
    let sealed = c.seal(&collection, &field, b"value").unwrap();
    assert_eq!(&c.open(&collection, &field, &sealed).unwrap()[..], b"value");
    let shorter = "f".repeat(99);
    assert_eq!(
        c.open(&collection, &shorter, &sealed),
        Err(CryptoError::Integrity)
    );
}

#[test]
fn sealed_key_version_rejects_malformed() {
    let ok = {
        let mut v = vec![0x01, 0, 0, 0, 9];
        v.extend_from_slice(&[0u8; 12 + 16]);
        v
    };
    assert_eq!(sealed_key_version(&ok), Ok(9));
    let mut wrong_format = ok.clone();
    wrong_format[0] = 0x02;
    let cases: [&[u8]; 4] = [&[], &[0x01, 0, 0, 0, 9], &ok[..ok.len() - 1], &wrong_format];
    for case in cases {
        assert_eq!(
            sealed_key_version(case),
            Err(CryptoError::Integrity),
            "{case:?}"
        );
    }
}

#[test]
fn debug_is_redacted() {
    let key = SecretKey::generate().unwrap();
    let c = cipher(&key, 4, &RID);
    let shown = format!("{c:?} {c:#?}");
    assert!(shown.contains("redacted"), "{shown}");
    assert!(!shown.contains(&hex::encode(key.expose())));
    let record_key = key.derive(&[b"gembok/record/v1", &RID]).unwrap();
    assert!(!shown.contains(&hex::encode(record_key.expose())));
}

#[test]
fn secret_types_can_be_shared_across_threads() {
    fn shareable<T: Send + Sync>() {}
    shareable::<RecordCipher>();
    shareable::<SecretKey>();
    shareable::<crate::MasterKey>();
    shareable::<crate::BlindIndexer>();

    let c = cipher(&SecretKey::generate().unwrap(), 1, &RID);
    let sealed: Vec<Vec<u8>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                s.spawn(|| {
                    (0..50)
                        .map(|_| c.seal("c", "f", b"v").unwrap())
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let mut nonces: Vec<&[u8]> = sealed.iter().map(|v| &v[5..17]).collect();
    nonces.sort_unstable();
    nonces.dedup();
    assert_eq!(
        nonces.len(),
        200,
        "every seal across threads got its own nonce"
    );
}
