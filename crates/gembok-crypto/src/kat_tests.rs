//! Known-answer tests for the primitives in `primitives.rs`, driven through the
//! same wrapper functions `RecordCipher`, `MasterKey` and `BlindIndexer` call:
//! Wycheproof AES-GCM (256-bit key, 96-bit nonce, 128-bit tag), HMAC-SHA256 and
//! HKDF-SHA256, plus the RFC 4231 and RFC 5869 vectors written out as constants.

use wycheproof::TestResult;

use crate::primitives::{gcm_key, gcm_open, gcm_seal, hkdf_sha256, hmac_key, hmac_sign};

fn unhex(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap()
}

#[test]
fn wycheproof_aes_256_gcm() {
    let set = wycheproof::aead::TestSet::load(wycheproof::aead::TestName::AesGcm).unwrap();
    let (mut valid, mut invalid) = (0, 0);
    for group in set.test_groups {
        if group.key_size != 256 || group.nonce_size != 96 || group.tag_size != 128 {
            continue;
        }
        for test in group.tests {
            let key = gcm_key(&test.key).unwrap();
            let nonce: [u8; 12] = test.nonce[..].try_into().unwrap();
            let mut ct_and_tag = [&test.ct[..], &test.tag[..]].concat();
            let opened = gcm_open(&key, &nonce, &test.aad, &mut ct_and_tag);
            match test.result {
                TestResult::Valid | TestResult::Acceptable => {
                    valid += 1;
                    let len = opened.unwrap_or_else(|e| panic!("tc {}: {e}", test.tc_id));
                    assert_eq!(&ct_and_tag[..len], &test.pt[..], "tc {}", test.tc_id);

                    let mut buf = test.pt.to_vec();
                    let tag = gcm_seal(&key, nonce, &test.aad, &mut buf).unwrap();
                    assert_eq!(buf, test.ct[..], "tc {}", test.tc_id);
                    assert_eq!(tag[..], test.tag[..], "tc {}", test.tc_id);
                }
                TestResult::Invalid => {
                    invalid += 1;
                    assert!(
                        opened.is_err(),
                        "tc {} ({}) must fail",
                        test.tc_id,
                        test.comment
                    );
                }
            }
        }
    }
    assert!(
        valid > 20 && invalid > 10,
        "valid {valid}, invalid {invalid}"
    );
}

#[test]
fn wycheproof_hmac_sha256() {
    let set = wycheproof::mac::TestSet::load(wycheproof::mac::TestName::HmacSha256).unwrap();
    let (mut valid, mut invalid) = (0, 0);
    for group in set.test_groups {
        let tag_len = group.tag_size / 8;
        for test in group.tests {
            let full = hmac_sign(&hmac_key(&test.key), &test.msg);
            let matches = tag_len <= full.len()
                && test.tag.len() == tag_len
                && crate::constant_time_eq(&full[..tag_len], &test.tag);
            match test.result {
                TestResult::Valid => {
                    valid += 1;
                    assert!(matches, "tc {} must verify", test.tc_id);
                }
                TestResult::Invalid => {
                    invalid += 1;
                    assert!(!matches, "tc {} ({}) must fail", test.tc_id, test.comment);
                }
                TestResult::Acceptable => {}
            }
        }
    }
    assert!(
        valid > 20 && invalid > 10,
        "valid {valid}, invalid {invalid}"
    );
}

#[test]
fn wycheproof_hkdf_sha256() {
    let set = wycheproof::hkdf::TestSet::load(wycheproof::hkdf::TestName::HkdfSha256).unwrap();
    let (mut valid, mut invalid) = (0, 0);
    for group in set.test_groups {
        for test in group.tests {
            let mut out = vec![0u8; test.size];
            let res = hkdf_sha256(&test.ikm, Some(&test.salt), &[&test.info], &mut out);
            match test.result {
                TestResult::Valid | TestResult::Acceptable => {
                    valid += 1;
                    assert!(res.is_ok(), "tc {}", test.tc_id);
                    assert_eq!(out, test.okm[..], "tc {}", test.tc_id);
                }
                TestResult::Invalid => {
                    invalid += 1;
                    assert!(
                        res.is_err(),
                        "tc {} ({}) must fail",
                        test.tc_id,
                        test.comment
                    );
                }
            }
        }
    }
    assert!(
        valid > 20 && invalid > 0,
        "valid {valid}, invalid {invalid}"
    );
}

#[test]
fn rfc4231_hmac_sha256() {
    let long_key = [0xaa_u8; 131];
    let cases: [(&str, Vec<u8>, &[u8], &str); 7] = [
        ("1", vec![0x0b; 20], b"Hi There", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        ("2", b"Jefe".to_vec(), b"what do ya want for nothing?", "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        ("3", vec![0xaa; 20], &[0xdd; 50], "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
        ("4", (1..=25).collect(), &[0xcd; 50], "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
        // Test case 5 specifies a 128-bit truncation, as the blind index does.
        ("5", vec![0x0c; 20], b"Test With Truncation", "a3b6167473100ee06e0c796c2955552b"),
        ("6", long_key.to_vec(), b"Test Using Larger Than Block-Size Key - Hash Key First", "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        (
            "7",
            long_key.to_vec(),
            b"This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.",
            "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
        ),
    ];
    for (name, key, data, want) in cases {
        let want = unhex(want);
        let got = hmac_sign(&hmac_key(&key), data);
        assert_eq!(got[..want.len()], want[..], "RFC 4231 test case {name}");
    }
}

#[test]
fn rfc5869_hkdf_sha256_case_1() {
    let ikm = [0x0b_u8; 22];
    let salt: Vec<u8> = (0x00..=0x0c).collect();
    let info: Vec<u8> = (0xf0..=0xf9).collect();
    let mut okm = [0u8; 42];
    hkdf_sha256(&ikm, Some(&salt), &[&info], &mut okm).unwrap();
    assert_eq!(
        okm[..],
        unhex(
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"
        )[..]
    );

    // Split info parts concatenate: the callers rely on this to avoid buffers.
    let mut split = [0u8; 42];
    hkdf_sha256(&ikm, Some(&salt), &[&info[..3], &info[3..]], &mut split).unwrap();
    assert_eq!(split, okm);
}

#[test]
fn hkdf_without_salt_equals_zero_salt() {
    // RFC 5869 section 2.2: an absent salt is HashLen zero bytes.
    let mut none = [0u8; 32];
    let mut zeros = [0u8; 32];
    hkdf_sha256(b"ikm", None, &[b"info"], &mut none).unwrap();
    hkdf_sha256(b"ikm", Some(&[0u8; 32]), &[b"info"], &mut zeros).unwrap();
    assert_eq!(none, zeros);
}

#[test]
fn hkdf_refuses_too_long_output() {
    let mut out = vec![0u8; 255 * 32 + 1];
    assert!(hkdf_sha256(b"ikm", None, &[b"info"], &mut out).is_err());
}
