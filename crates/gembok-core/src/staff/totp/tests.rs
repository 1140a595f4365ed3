//! Tests of TOTP codes: the RFC 6238 vectors, the skew window, replay refusal, input
//! checking, the enrolment URI and QR code, and redaction of the secret.

use super::*;

/// The SHA-1 seed of RFC 6238 appendix B ("12345678901234567890").
fn rfc_secret() -> TotpSecret {
    TotpSecret::from_bytes(b"12345678901234567890").unwrap()
}

fn six_digit_code(secret: &TotpSecret, unix_time: u64) -> String {
    secret.code_at(DIGITS, unix_time).to_string()
}

#[test]
fn rfc6238_appendix_b_sha1_vectors_with_eight_digits() {
    let secret = rfc_secret();
    let vectors = [
        (59, "94287082"),
        (1_111_111_109, "07081804"),
        (1_111_111_111, "14050471"),
        (1_234_567_890, "89005924"),
        (2_000_000_000, "69279037"),
        (20_000_000_000, "65353130"),
    ];
    for (time, expected) in vectors {
        assert_eq!(secret.code_at(8, time).as_str(), expected, "time {time}");
    }
}

#[test]
fn six_digit_codes_are_the_low_digits_and_verify() {
    let secret = rfc_secret();
    assert_eq!(six_digit_code(&secret, 59), "287082");
    assert_eq!(six_digit_code(&secret, 1_111_111_109), "081804");
    assert_eq!(
        verify(&secret, "287082", 59, None),
        TotpCheck::Accepted { step: 1 }
    );
    assert_eq!(
        verify(&secret, "081804", 1_111_111_109, None),
        TotpCheck::Accepted {
            step: 1_111_111_109 / 30
        }
    );
}

#[test]
fn one_step_of_skew_is_accepted_either_way() {
    let secret = TotpSecret::generate().unwrap();
    let now: u64 = 1_700_000_015;
    let step = now / STEP_SECONDS;
    for delta in [-1i64, 0, 1] {
        let at = now.checked_add_signed(delta * 30).unwrap();
        let code = six_digit_code(&secret, at);
        assert_eq!(
            verify(&secret, &code, now, None),
            TotpCheck::Accepted {
                step: step.checked_add_signed(delta).unwrap()
            },
            "delta {delta}"
        );
    }
}

#[test]
fn two_steps_of_skew_are_refused() {
    let secret = rfc_secret();
    let now: u64 = 1_111_111_109;
    let window: Vec<String> = [now - 30, now, now + 30]
        .iter()
        .map(|t| six_digit_code(&secret, *t))
        .collect();
    for at in [now - 60, now + 60, now - 90, now + 90] {
        let code = six_digit_code(&secret, at);
        // Fixed secret and times: these codes differ from the window's, so a pass
        // here is the skew limit at work, not a coincidence.
        assert!(!window.contains(&code), "time {at}");
        assert_eq!(
            verify(&secret, &code, now, None),
            TotpCheck::Wrong,
            "time {at}"
        );
    }
}

#[test]
fn a_code_is_never_accepted_twice() {
    let secret = rfc_secret();
    let now = 1_111_111_109;
    let code = six_digit_code(&secret, now);
    let TotpCheck::Accepted { step } = verify(&secret, &code, now, None) else {
        panic!("first use must be accepted");
    };
    assert_eq!(verify(&secret, &code, now, Some(step)), TotpCheck::Replayed);
    // Still a replay 20 seconds later, when the code is within the skew window.
    assert_eq!(
        verify(&secret, &code, now + 20, Some(step)),
        TotpCheck::Replayed
    );
    // The previous step's code is older than the accepted one: also refused.
    let older = six_digit_code(&secret, now - 30);
    assert_eq!(
        verify(&secret, &older, now, Some(step)),
        TotpCheck::Replayed
    );
    // The next step's code is fresh.
    let next = six_digit_code(&secret, now + 30);
    assert_eq!(
        verify(&secret, &next, now + 30, Some(step)),
        TotpCheck::Accepted { step: step + 1 }
    );
}

#[test]
fn wrong_codes_are_refused() {
    let secret = rfc_secret();
    let right = six_digit_code(&secret, 59);
    let wrong = format!("{:06}", (right.parse::<u32>().unwrap() + 1) % 1_000_000);
    assert_eq!(verify(&secret, &wrong, 59, None), TotpCheck::Wrong);
    // The right code of another secret.
    let other = TotpSecret::from_bytes(&[0x42; 20]).unwrap();
    let code = six_digit_code(&other, 59);
    for at in [29, 59, 89] {
        assert_ne!(code, six_digit_code(&secret, at));
    }
    assert_eq!(verify(&secret, &code, 59, None), TotpCheck::Wrong);
}

#[test]
fn malformed_codes_are_refused_and_spaces_are_ignored() {
    let secret = rfc_secret();
    // 94287082 at time 59: 8 digits and 7 digits of the right code are both wrong.
    for bad in [
        "", "28708", "2870820", "94287082", "28708a", "abcdef", "28708２", "+87082", "-87082",
    ] {
        assert_eq!(verify(&secret, bad, 59, None), TotpCheck::Wrong, "{bad:?}");
    }
    assert_eq!(
        verify(&secret, "287 082", 59, None),
        TotpCheck::Accepted { step: 1 }
    );
}

#[test]
fn verification_near_the_epoch_does_not_underflow() {
    let secret = rfc_secret();
    let code = six_digit_code(&secret, 0);
    assert_eq!(
        verify(&secret, &code, 0, None),
        TotpCheck::Accepted { step: 0 }
    );
    assert_eq!(verify(&secret, &code, 0, Some(0)), TotpCheck::Replayed);
    assert_eq!(
        verify(&secret, "123456", u64::MAX, None),
        verify(&secret, "123456", u64::MAX, None)
    );
}

#[test]
fn secrets_are_160_bits_random_and_length_checked() {
    let a = TotpSecret::generate().unwrap();
    let b = TotpSecret::generate().unwrap();
    assert_eq!(a.expose_bytes().len(), 20);
    assert_ne!(a.expose_bytes(), b.expose_bytes());
    assert_eq!(a.expose_base32().len(), 32);
    assert!(TotpSecret::from_bytes(&[7u8; 19]).is_err());
    assert!(TotpSecret::from_bytes(&[7u8; 65]).is_err());
    let again = TotpSecret::from_bytes(a.expose_bytes()).unwrap();
    assert_eq!(again.expose_base32(), a.expose_base32());
    assert_eq!(
        rfc_secret().expose_base32().as_str(),
        "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
    );
}

#[test]
fn debug_of_a_secret_is_redacted() {
    let secret = rfc_secret();
    let debug = format!("{secret:?}");
    assert_eq!(debug, "TotpSecret([redacted])");
    assert!(!debug.contains("GEZDG"));
    assert!(!debug.contains("49"));
}

#[test]
fn otpauth_uri_names_issuer_account_secret_and_parameters() {
    let secret = rfc_secret();
    let uri = otpauth_uri(&secret, "Gembok", "ana@example.com");
    assert_eq!(
        uri.as_str(),
        "otpauth://totp/Gembok:ana%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\
         &issuer=Gembok&algorithm=SHA1&digits=6&period=30"
    );
}

#[test]
fn otpauth_uri_escapes_issuer_and_account() {
    let secret = rfc_secret();
    let uri = otpauth_uri(&secret, "Acme Vault", "ana:b&c=d?e/f");
    assert!(
        uri.starts_with("otpauth://totp/Acme%20Vault:ana%3Ab%26c%3Dd%3Fe%2Ff?"),
        "{}",
        *uri
    );
    assert!(uri.contains("&issuer=Acme%20Vault&"), "{}", *uri);
    // Exactly one unescaped colon in the label, after the scheme.
    assert_eq!(uri.matches(':').count(), 2, "{}", *uri);
    assert_eq!(uri.matches('?').count(), 1, "{}", *uri);
}

#[test]
fn qr_svg_is_an_svg_document() {
    let uri = otpauth_uri(&rfc_secret(), "Gembok", "ana@example.com");
    let svg = qr_svg(&uri).unwrap();
    assert!(svg.contains("<svg"), "{svg}");
    assert!(svg.trim_end().ends_with("</svg>"));
    assert!(qr_svg(&"x".repeat(5000)).is_err());
}

#[test]
fn the_secret_comes_back_out_of_its_otpauth_uri() {
    let secret = TotpSecret::generate().unwrap();
    let uri = otpauth_uri(&secret, "Toko Maju", "ani@toko.id");
    let back = TotpSecret::from_otpauth_uri(&uri).unwrap();
    assert_eq!(back.expose_bytes(), secret.expose_bytes());
    assert_eq!(
        back.current_code(1_800_000_000).as_str(),
        secret.code_at(DIGITS, 1_800_000_000).as_str()
    );
    assert!(TotpSecret::from_otpauth_uri("https://example.com/?secret=MZXW6").is_err());
    assert!(TotpSecret::from_otpauth_uri("otpauth://totp/a?secret=!!").is_err());
}
