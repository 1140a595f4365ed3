//! Tests of the field blob codec: round trips, every kind of malformed input, and the
//! merge rules.

use super::*;
use proptest::prelude::*;

fn field(name: &str, key_version: u32, ciphertext: &[u8]) -> SealedField {
    SealedField {
        name: name.to_owned(),
        key_version,
        ciphertext: ciphertext.to_vec(),
    }
}

fn sample() -> Vec<SealedField> {
    vec![
        field("phone", 2, b"\x01phone-ct"),
        field("email", 1, b"\x01email-ct"),
        field("nik", 3, &[0u8; 40]),
    ]
}

fn is_integrity(r: Result<Vec<SealedField>, StoreError>) -> bool {
    matches!(r, Err(StoreError::Integrity(_)))
}

#[test]
fn round_trip_sorts_by_name() {
    let blob = encode(&sample()).unwrap();
    let back = decode(&blob).unwrap();
    let names: Vec<&str> = back.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["email", "nik", "phone"]);
    assert_eq!(back[0], field("email", 1, b"\x01email-ct"));
    assert_eq!(back[2].key_version, 2);
}

#[test]
fn empty_record_round_trips() {
    let blob = encode(&[]).unwrap();
    assert_eq!(blob, [FORMAT_V1, 0, 0, 0, 0]);
    assert!(decode(&blob).unwrap().is_empty());
}

#[test]
fn exact_layout_of_one_field() {
    let blob = encode(&[field("ab", 7, b"xyz")]).unwrap();
    let expected = [
        &[FORMAT_V1][..],
        &1u32.to_le_bytes(),
        &2u16.to_le_bytes(),
        b"ab",
        &7u32.to_le_bytes(),
        &3u32.to_le_bytes(),
        b"xyz",
    ]
    .concat();
    assert_eq!(blob, expected);
}

#[test]
fn duplicate_names_are_refused() {
    let fields = [field("email", 1, b"a"), field("email", 2, b"b")];
    assert!(matches!(encode(&fields), Err(StoreError::Conflict(_))));
}

#[test]
fn selected_fields_skip_unknown_names() {
    let blob = encode(&sample()).unwrap();
    let got = decode_selected(&blob, Some(&["phone", "nope", "email"])).unwrap();
    let names: Vec<&str> = got.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["email", "phone"]);
    assert!(decode_selected(&blob, Some(&[])).unwrap().is_empty());
}

#[test]
fn every_truncation_is_an_integrity_error() {
    let blob = encode(&sample()).unwrap();
    for len in 0..blob.len() {
        assert!(is_integrity(decode(&blob[..len])), "prefix of {len} bytes");
    }
}

#[test]
fn malformed_blobs_are_integrity_errors() {
    let valid = encode(&[field("a", 1, b"x"), field("b", 1, b"y")]).unwrap();
    let mut wrong_format = valid.clone();
    wrong_format[0] = 2;
    let mut trailing = valid.clone();
    trailing.push(0);
    let swapped = [
        &[FORMAT_V1][..],
        &2u32.to_le_bytes(),
        &[1, 0],
        b"b",
        &1u32.to_le_bytes(),
        &0u32.to_le_bytes(),
        &[1, 0],
        b"a",
        &1u32.to_le_bytes(),
        &0u32.to_le_bytes(),
    ]
    .concat();
    let not_utf8 = [
        &[FORMAT_V1][..],
        &1u32.to_le_bytes(),
        &[2, 0],
        &[0xff, 0xfe],
        &1u32.to_le_bytes(),
        &0u32.to_le_bytes(),
    ]
    .concat();
    let huge_count = [&[FORMAT_V1][..], &u32::MAX.to_le_bytes()].concat();
    let huge_ciphertext = [
        &[FORMAT_V1][..],
        &1u32.to_le_bytes(),
        &[1, 0],
        b"a",
        &1u32.to_le_bytes(),
        &u32::MAX.to_le_bytes(),
        b"short",
    ]
    .concat();
    let huge_name = [
        &[FORMAT_V1][..],
        &1u32.to_le_bytes(),
        &u16::MAX.to_le_bytes(),
        &[0u8; 8],
    ]
    .concat();
    let cases: [(&str, &[u8]); 8] = [
        ("empty", &[]),
        ("wrong format byte", &wrong_format),
        ("trailing byte", &trailing),
        ("names out of order", &swapped),
        ("name not UTF-8", &not_utf8),
        ("count beyond length", &huge_count),
        ("ciphertext beyond length", &huge_ciphertext),
        ("name beyond length", &huge_name),
    ];
    for (what, bytes) in cases {
        assert!(is_integrity(decode(bytes)), "{what}");
    }
}

#[test]
fn repeated_name_in_blob_is_refused() {
    let entry = [
        &[1u8, 0][..],
        b"a",
        &1u32.to_le_bytes(),
        &0u32.to_le_bytes(),
    ]
    .concat();
    let blob = [&[FORMAT_V1][..], &2u32.to_le_bytes(), &entry, &entry].concat();
    assert!(is_integrity(decode(&blob)));
}

#[test]
fn min_key_version_table() {
    let cases: [(&[SealedField], u32); 3] = [
        (&[], NO_FIELDS_KEY_VERSION),
        (&[field("a", 4, b"")], 4),
        (
            &[field("a", 4, b""), field("b", 2, b""), field("c", 9, b"")],
            2,
        ),
    ];
    for (fields, expected) in cases {
        assert_eq!(min_key_version(fields), expected);
    }
}

#[test]
fn merge_replaces_adds_and_removes() {
    let stored = decode(&encode(&sample()).unwrap()).unwrap();
    let set = [
        field("phone", 5, b"new-phone"),
        field("address", 5, b"addr"),
    ];
    let merged = merge(stored, &set, &["nik".into(), "unknown".into()]).unwrap();
    let got: Vec<(&str, u32)> = merged
        .iter()
        .map(|f| (f.name.as_str(), f.key_version))
        .collect();
    assert_eq!(got, [("address", 5), ("email", 1), ("phone", 5)]);
    assert_eq!(merged[2].ciphertext, b"new-phone");
}

#[test]
fn merge_set_wins_over_remove_and_refuses_duplicates() {
    let merged = merge(sample(), &[field("email", 9, b"z")], &["email".into()]).unwrap();
    assert!(merged
        .iter()
        .any(|f| f.name == "email" && f.key_version == 9));
    let twice = [field("x", 1, b""), field("x", 2, b"")];
    assert!(matches!(
        merge(sample(), &twice, &[]),
        Err(StoreError::Conflict(_))
    ));
}

fn arb_fields() -> impl Strategy<Value = Vec<SealedField>> {
    proptest::collection::btree_map(
        "[a-z_]{1,12}",
        (any::<u32>(), proptest::collection::vec(any::<u8>(), 0..64)),
        0..8,
    )
    .prop_map(|m| {
        m.into_iter()
            .map(|(name, (key_version, ciphertext))| SealedField {
                name,
                key_version,
                ciphertext,
            })
            .collect()
    })
}

proptest! {
    #[test]
    fn any_field_set_round_trips(fields in arb_fields()) {
        let mut reversed = fields.clone();
        reversed.reverse();
        let blob = encode(&reversed).unwrap();
        prop_assert_eq!(decode(&blob).unwrap(), fields);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        // Either it parses into something that re-encodes to the same bytes, or it is
        // an integrity error; nothing else is acceptable.
        match decode(&bytes) {
            Ok(fields) => prop_assert_eq!(encode(&fields).unwrap(), bytes),
            Err(e) => prop_assert!(matches!(e, StoreError::Integrity(_))),
        }
    }

    #[test]
    fn flipped_byte_is_caught_or_harmless(fields in arb_fields(), at in any::<usize>(), bit in 0u8..8) {
        let mut blob = encode(&fields).unwrap();
        let i = at % blob.len();
        blob[i] ^= 1 << bit;
        match decode(&blob) {
            Ok(decoded) => prop_assert_eq!(encode(&decoded).unwrap(), blob),
            Err(e) => prop_assert!(matches!(e, StoreError::Integrity(_))),
        }
    }
}
