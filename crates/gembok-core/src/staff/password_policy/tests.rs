//! The password policy against short, long, common, personal and guessable passwords.

use super::*;

const NO_2FA: PasswordContext<'static> = PasswordContext {
    has_2fa: false,
    business_name: None,
    email: None,
};
const WITH_2FA: PasswordContext<'static> = PasswordContext {
    has_2fa: true,
    business_name: None,
    email: None,
};

/// Every user-facing output of a refusal, for checking that none repeats the password.
fn outputs(r: &Refusal) -> Vec<String> {
    vec![
        r.code().to_owned(),
        r.message_en(),
        r.message_id(),
        r.to_string(),
        format!("{r:?}"),
    ]
}

#[test]
fn too_short_depends_on_second_factor() {
    let eleven = "kX9vQ2mZ7pW";
    assert_eq!(eleven.chars().count(), 11);
    assert_eq!(check(eleven, &WITH_2FA), Err(Refusal::TooShort { min: 12 }));

    let twelve = "kX9vQ2mZ7pWr";
    assert_eq!(check(twelve, &WITH_2FA), Ok(()));
    assert_eq!(check(twelve, &NO_2FA), Err(Refusal::TooShort { min: 15 }));

    let fourteen = "kX9vQ2mZ7pWrT4";
    assert_eq!(check(fourteen, &NO_2FA), Err(Refusal::TooShort { min: 15 }));
    assert_eq!(check("kX9vQ2mZ7pWrT4h", &NO_2FA), Ok(()));
}

#[test]
fn long_passphrases_accepted_up_to_128() {
    let p64 = "gajah ungu menari pelan di atas genteng basah sambil makan tahu!";
    assert_eq!(p64.chars().count(), 64);
    assert_eq!(check(p64, &NO_2FA), Ok(()));

    let p128 = format!("{p64}{p64}");
    assert_eq!(p128.chars().count(), 128);
    assert_eq!(check(&p128, &NO_2FA), Ok(()));

    let p129 = format!("{p128}x");
    assert_eq!(check(&p129, &NO_2FA), Err(Refusal::TooLong { max: 128 }));
}

#[test]
fn huge_input_refused_as_too_long() {
    // Random-looking so that zxcvbn, were it run on all of it, would crawl.
    let huge: String = (0..10_000u32)
        .map(|i| char::from(b'!' + ((i.wrapping_mul(7919) ^ (i >> 3)) % 90) as u8))
        .collect();
    assert_eq!(check(&huge, &WITH_2FA), Err(Refusal::TooLong { max: 128 }));
}

#[test]
fn length_counts_characters_not_bytes() {
    // 14 characters but 28 bytes: still too short without 2FA.
    let fourteen = "ĳŋđŧħæœßðþłøåç";
    let fourteen: String = fourteen.chars().take(14).collect();
    assert!(fourteen.len() > 15);
    assert_eq!(
        check(&fourteen, &NO_2FA),
        Err(Refusal::TooShort { min: 15 })
    );

    // 120 characters but far more than 128 bytes: not too long.
    let long: String = "kucing🐈 makan ikan🐟 di pasar 🌧 ".repeat(4);
    let long: String = long.chars().take(120).collect();
    assert!(long.len() > 128);
    assert_ne!(check(&long, &NO_2FA), Err(Refusal::TooLong { max: 128 }));
}

#[test]
fn common_passwords_refused_with_decorations() {
    for p in [
        "Bismillah123",
        "SAYANGKU2024!!!",
        "admin123admin",
        "123456789012",
        "jakarta123456",
        "Merdeka45!!!!",
        "!!indonesia2024",
        "cintaku-cintaku",
        "Rahasia#123456",
        "KataSandi12345",
        "qwerty12345678",
        "passwordpassword",
    ] {
        assert_eq!(check(p, &WITH_2FA), Err(Refusal::Blocklisted), "{p}");
    }
}

#[test]
fn blocklist_is_loaded_and_lowercase() {
    let set = blocklist();
    assert!(set.len() >= 300, "only {} entries", set.len());
    for w in [
        "sayangku",
        "bismillah",
        "katasandi",
        "merdeka45",
        "password",
    ] {
        assert!(set.contains(w), "{w}");
    }
    assert!(set
        .iter()
        .all(|w| *w == w.to_lowercase() && !w.starts_with('#')));
}

#[test]
fn business_name_and_email_parts_refused() {
    let ctx = PasswordContext {
        has_2fa: true,
        business_name: Some("Toko Maju Jaya"),
        email: Some("Budi.Santoso@sejahtera-abadi.co.id"),
    };
    for p in [
        "xq7MAJU!plover-93",
        "tokomajujaya-pintu-biru",
        "bukan santoso kw9 rumput",
        "Budi-naik-kuda-Z8-cepat",
        "abadi-sepeda-hijau-47x",
        "sejahtera ombak tenang 9",
    ] {
        assert_eq!(check(p, &ctx), Err(Refusal::ContainsPersonalWord), "{p}");
    }
    // "co" and "id" are under four characters and do not count.
    assert_eq!(check("idola coklat menyanyi x7 kereta", &ctx), Ok(()));
}

#[test]
fn weak_passwords_refused_by_zxcvbn_with_score() {
    for p in ["abcdefghijklmnop", "qwertyuiopasdfgh", "1111111122222222"] {
        match check(p, &NO_2FA) {
            Err(Refusal::TooGuessable { score, hint }) => {
                assert!(score < MIN_SCORE, "{p}: {score}");
                assert!(hint.is_some(), "{p}");
            }
            other => panic!("{p}: {other:?}"),
        }
    }
}

#[test]
fn hints_are_translated() {
    let r = check("abcdefghijklmnop", &NO_2FA).unwrap_err();
    let Refusal::TooGuessable { hint: Some(en), .. } = &r else {
        panic!("{r:?}");
    };
    let id = hint_id(en).expect("every zxcvbn hint has an Indonesian text");
    assert!(r.message_id().contains(id));
    assert!(!r.message_id().contains(en.as_str()));
    assert!(r.message_en().contains(en.as_str()));
}

#[test]
fn strong_passphrase_accepted() {
    let ctx = PasswordContext {
        has_2fa: false,
        business_name: Some("Toko Maju Jaya"),
        email: Some("budi.santoso@example.co.id"),
    };
    assert_eq!(check("gerobak ungu melompati tujuh jerapah", &ctx), Ok(()));
    assert_eq!(check("Vt8#qL2z!Rw5mK0p", &ctx), Ok(()));
}

#[test]
fn messages_never_contain_the_password() {
    let ctx = PasswordContext {
        has_2fa: false,
        business_name: Some("Warung Sederhana"),
        email: Some("siti@warung.id"),
    };
    let cases = [
        "kX9vQ",
        "Bismillah123456",
        "warung-enak-sekali-77",
        "abcdefghijklmnopq",
        &"z".repeat(200),
    ];
    let mut codes = HashSet::new();
    for p in cases {
        let r = check(p, &ctx).unwrap_err();
        codes.insert(r.code());
        for out in outputs(&r) {
            assert!(!out.to_lowercase().contains(&p.to_lowercase()), "{out}");
        }
    }
    assert_eq!(codes.len(), 5, "every refusal kind exercised: {codes:?}");
}

#[test]
fn context_debug_hides_email() {
    let ctx = PasswordContext {
        has_2fa: true,
        business_name: Some("Toko Maju"),
        email: Some("budi@example.id"),
    };
    let dbg = format!("{ctx:?}");
    assert!(!dbg.contains("budi") && !dbg.contains("Toko"), "{dbg}");
    assert!(dbg.contains("has_2fa: true"));
}
