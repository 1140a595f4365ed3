//! Authenticating API keys on a real SQLite store: the key format, the cheap refusals
//! that never reach the store, address allowlists, the key's restrictions applied by
//! the gate, and no secret in any debug output.

mod apikeys_support;
mod common;

use gembok_core::Actor;
use std::sync::Arc;

use apikeys_support::*;
use gembok_core::apikeys::format::{well_formed, KEY_LEN};
use gembok_core::apikeys::{ApiKeys, AuthError};
use gembok_core::{AccessError, Gate, Policy};
use serde_json::json;

#[test]
fn the_key_text_has_a_prefix_256_bits_and_a_checksum() {
    let f = fixture();
    let a = f.keys.create(&Actor::system(), &spec("app"), T0).unwrap();
    let b = f.keys.create(&Actor::system(), &spec("app"), T0).unwrap();
    for k in [&a, &b] {
        let text = k.expose();
        assert!(text.starts_with("gembok_"), "{text}");
        assert_eq!(text.len(), KEY_LEN);
        assert_eq!(KEY_LEN, 57);
        assert_eq!(&text[50..51], "_");
        assert!(well_formed(text));
        assert!(k.id.starts_with("key_") && k.id.len() == 36, "{}", k.id);
        assert_eq!(k.expires_at, T0 + 90 * DAY);
    }
    assert_ne!(a.expose(), b.expose());
    assert_ne!(a.id, b.id);
}

#[test]
fn any_single_changed_character_is_refused_before_the_store() {
    let f = fixture();
    let key = f.keys.create(&Actor::system(), &spec("app"), T0).unwrap();
    let text = key.expose().to_owned();
    let alphabet: Vec<char> = ('a'..='z')
        .chain('A'..='Z')
        .chain('0'..='9')
        .chain(['-', '_', '.', ' '])
        .collect();
    let reads = f.store.reads();
    let writes = f.store.writes();
    let mut tried = 0;
    for pos in 0..text.len() {
        for &c in &alphabet {
            if text[pos..].starts_with(c) {
                continue;
            }
            let mut changed: Vec<char> = text.chars().collect();
            changed[pos] = c;
            let changed: String = changed.into_iter().collect();
            assert!(!well_formed(&changed), "position {pos}");
            let err = f.keys.authenticate(&changed, local(), T0).unwrap_err();
            assert!(
                matches!(err, AuthError::Malformed),
                "position {pos}: {err:?}"
            );
            tried += 1;
        }
    }
    assert!(tried > 57 * 60);
    for bad in [
        "",
        "gembok_",
        &text[..56],
        &format!("{text}x"),
        &text.to_uppercase(),
    ] {
        assert!(matches!(
            f.keys.authenticate(bad, local(), T0),
            Err(AuthError::Malformed)
        ));
    }
    assert_eq!(
        f.store.reads(),
        reads,
        "malformed keys never reach the store"
    );
    assert_eq!(f.store.writes(), writes);
    assert!(f.keys.authenticate(&text, local(), T0).is_ok());
}

#[test]
fn a_good_key_authenticates_and_an_unknown_one_does_not() {
    let f = fixture();
    let mut s = spec("support");
    s.collections = Some(vec!["customers".into()]);
    s.purposes = Some(vec!["service".into(), "billing".into()]);
    let key = f.keys.create(&Actor::system(), &s, T0).unwrap();
    let p = f.keys.authenticate(key.expose(), local(), T0 + 1).unwrap();
    assert_eq!(p.key_id, key.id);
    assert_eq!(p.role.as_str(), "support");
    assert_eq!(p.collections, Some(vec!["customers".to_owned()]));
    assert_eq!(
        p.purposes,
        Some(vec!["billing".to_owned(), "service".to_owned()])
    );

    let other = fixture();
    let stranger = other
        .keys
        .create(&Actor::system(), &spec("owner"), T0)
        .unwrap();
    assert!(matches!(
        f.keys.authenticate(stranger.expose(), local(), T0),
        Err(AuthError::Unknown)
    ));
}

#[test]
fn address_allowlists_for_ipv4_and_ipv6() {
    let f = fixture();
    let mut s = spec("app");
    s.allow_ips = vec![
        "10.1.0.0/16".into(),
        "2001:db8::/32".into(),
        "192.0.2.7".into(),
    ];
    let key = f.keys.create(&Actor::system(), &s, T0).unwrap();
    let rows = [
        ("10.1.255.3", true),
        ("10.2.0.1", false),
        ("192.0.2.7", true),
        ("192.0.2.8", false),
        ("2001:db8:1::5", true),
        ("2001:db9::1", false),
        ("::ffff:10.1.2.3", true),
        ("::ffff:10.9.2.3", false),
        ("127.0.0.1", false),
    ];
    for (addr, ok) in rows {
        let got = f.keys.authenticate(key.expose(), ip(addr), T0);
        if ok {
            assert!(got.is_ok(), "{addr}: {got:?}");
        } else {
            let err = got.unwrap_err();
            assert!(matches!(err, AuthError::IpNotAllowed), "{addr}: {err:?}");
            assert_eq!(err.code(), "ip_not_allowed");
        }
    }
    assert_eq!(
        f.keys.info(&key.id).unwrap().allow_ips,
        ["10.1.0.0/16", "2001:db8::/32", "192.0.2.7/32"]
    );
}

#[test]
fn the_keys_restrictions_narrow_its_role_at_the_gate() {
    let common::TestVault {
        vault, store, dir, ..
    } = common::vault();
    let policy = Arc::new(Policy::builtin());
    let keys = ApiKeys::new(store, policy.clone());
    let gate = Gate::new(Arc::new(vault), policy);
    let mut s = spec("app");
    s.collections = Some(vec!["customers".into()]);
    s.purposes = Some(vec!["shipping".into()]);
    let key = keys.create(&Actor::system(), &s, T0).unwrap();
    let p = keys.authenticate(key.expose(), local(), T0).unwrap();
    let id = gate
        .create(
            &p,
            "customers",
            &json!({"name": "Budi Santoso", "address": "Jl. Kenanga 3, Bandung"}),
        )
        .unwrap();
    let r = gate
        .get(&p, Some("shipping"), "customers", id, None)
        .unwrap();
    assert_eq!(r.fields.keys().collect::<Vec<_>>(), ["address", "name"]);
    let refused = |res: Result<_, AccessError>| match res {
        Err(AccessError::Denied(d)) => d.code,
        Ok(_) => panic!("allowed"),
        Err(e) => panic!("{e}"),
    };
    assert_eq!(
        refused(
            gate.get(&p, Some("service"), "customers", id, None)
                .map(|_| ())
        ),
        "purpose_not_allowed"
    );
    assert_eq!(
        refused(gate.list(&p, "orders", None, 10).map(|_| ())),
        "forbidden"
    );
    drop(dir);
}

#[test]
fn nothing_secret_in_debug_output() {
    let f = fixture();
    let key = f.keys.create(&Actor::system(), &spec("app"), T0).unwrap();
    let secret = key.expose().to_owned();
    let body = &secret[7..50];
    let p = f.keys.authenticate(&secret, local(), T0).unwrap();
    let info = f.keys.info(&key.id).unwrap();
    for dbg in [
        format!("{key:?}"),
        format!("{:?}", key.key),
        format!("{p:?}"),
        format!("{info:?}"),
        serde_json::to_string(&info).unwrap(),
    ] {
        assert!(!dbg.contains(body), "{dbg}");
    }
    assert!(format!("{key:?}").contains("[redacted]"));
    assert!(format!("{key:?}").contains(&key.id));
}
