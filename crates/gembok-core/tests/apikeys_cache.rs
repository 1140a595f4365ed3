//! The memory of recent authentications: hits never touch the store, and it never
//! lets a key through that the full path would refuse, except for the documented second
//! after a change made by another process.

mod apikeys_support;

use gembok_core::Actor;
use std::sync::Arc;

use apikeys_support::*;
use gembok_core::apikeys::cache::TTL_MS;
use gembok_core::apikeys::{ApiKeys, AuthError};
use gembok_core::Policy;

#[test]
fn a_recent_success_is_answered_from_memory_without_the_store() {
    let f = fixture();
    let key = f.keys.create(&Actor::system(), &spec("app"), T0).unwrap();
    assert!(
        f.keys
            .authenticate_cached(key.expose(), local(), T0)
            .is_none(),
        "nothing remembered before the first full check"
    );
    let full = f.keys.authenticate(key.expose(), local(), T0).unwrap();
    let (reads, writes) = (f.store.reads(), f.store.writes());
    for dt in [0, 1, TTL_MS / 2, TTL_MS - 1] {
        let hit = f.keys.authenticate_cached(key.expose(), local(), T0 + dt);
        assert_eq!(hit.as_ref(), Some(&full), "at +{dt} ms");
    }
    assert!(f
        .keys
        .authenticate_cached(key.expose(), local(), T0 + TTL_MS)
        .is_none());
    assert_eq!((f.store.reads(), f.store.writes()), (reads, writes));
}

#[test]
fn unknown_malformed_and_refused_keys_are_never_remembered() {
    let f = fixture();
    let key = f.keys.create(&Actor::system(), &spec("app"), T0).unwrap();
    let mut narrow = spec("app");
    narrow.allow_ips = vec!["10.0.0.0/8".into()];
    let fenced = f.keys.create(&Actor::system(), &narrow, T0).unwrap();
    let other = ApiKeys::new(f.store.clone(), Arc::new(Policy::builtin()))
        .create(&Actor::system(), &spec("app"), T0)
        .unwrap();
    f.keys.revoke(&Actor::system(), &other.id, T0).unwrap();

    assert!(f.keys.authenticate(fenced.expose(), local(), T0).is_err());
    assert!(f.keys.authenticate(other.expose(), local(), T0).is_err());
    let mut wrong = key.expose().to_owned();
    wrong.pop();
    assert!(f.keys.authenticate(&wrong, local(), T0).is_err());
    let reads = f.store.reads();
    for text in [
        fenced.expose(),
        other.expose(),
        wrong.as_str(),
        "",
        "gembok_",
    ] {
        assert!(f.keys.authenticate_cached(text, local(), T0).is_none());
    }
    assert_eq!(
        f.store.reads(),
        reads,
        "the memory path never reads the store"
    );
}

#[test]
fn expiry_grace_and_allowlists_stay_exact_on_a_hit() {
    let f = fixture();
    let mut s = spec("app");
    s.expires_in_days = 1;
    s.allow_ips = vec!["10.0.0.0/8".into()];
    let key = f.keys.create(&Actor::system(), &s, T0).unwrap();
    let inside = ip("10.1.2.3");
    let end = T0 + DAY;
    f.keys
        .authenticate(key.expose(), inside, end - 500)
        .unwrap();
    assert!(f
        .keys
        .authenticate_cached(key.expose(), inside, end - 1)
        .is_some());
    assert!(f
        .keys
        .authenticate_cached(key.expose(), ip("192.0.2.1"), end - 1)
        .is_none());
    assert!(f
        .keys
        .authenticate_cached(key.expose(), inside, end)
        .is_none());
    assert!(matches!(
        f.keys.authenticate(key.expose(), inside, end),
        Err(AuthError::Expired)
    ));
}

#[test]
fn revoke_rotate_and_revoke_all_in_this_process_take_effect_at_once() {
    type Change = fn(&ApiKeys, &str);
    let changes: [(&str, Change, AuthError); 3] = [
        (
            "revoke",
            |k, id| k.revoke(&Actor::system(), id, T0 + 10).unwrap(),
            AuthError::Revoked,
        ),
        (
            "rotate without grace",
            |k, id| drop(k.rotate(&Actor::system(), id, 0, T0 + 10).unwrap()),
            AuthError::Expired,
        ),
        (
            "revoke all",
            |k, _| assert_eq!(k.revoke_all(&Actor::system(), T0 + 10).unwrap(), 1),
            AuthError::Revoked,
        ),
    ];
    for (name, change, refusal) in changes {
        let f = fixture();
        let key = f.keys.create(&Actor::system(), &spec("app"), T0).unwrap();
        f.keys.authenticate(key.expose(), local(), T0).unwrap();
        assert!(f
            .keys
            .authenticate_cached(key.expose(), local(), T0 + 10)
            .is_some());
        change(&f.keys, &key.id);
        assert!(
            f.keys
                .authenticate_cached(key.expose(), local(), T0 + 10)
                .is_none(),
            "{name}: still answered from memory"
        );
        let err = f
            .keys
            .authenticate(key.expose(), local(), T0 + 10)
            .unwrap_err();
        assert_eq!(err.code(), refusal.code(), "{name}");
    }
}

/// The price of the memory: a revocation by another process sharing the store (the
/// CLI while the server runs) is seen here within one second, not at once.
#[test]
fn another_process_revoking_is_seen_within_one_second() {
    let f = fixture();
    let key = f.keys.create(&Actor::system(), &spec("app"), T0).unwrap();
    f.keys.authenticate(key.expose(), local(), T0).unwrap();
    let cli = ApiKeys::new(f.store.clone(), Arc::new(Policy::builtin()));
    cli.revoke_all(&Actor::system(), T0 + 1).unwrap();
    assert!(f
        .keys
        .authenticate_cached(key.expose(), local(), T0 + 2)
        .is_some());
    assert!(f
        .keys
        .authenticate_cached(key.expose(), local(), T0 + TTL_MS)
        .is_none());
    assert!(matches!(
        f.keys.authenticate(key.expose(), local(), T0 + 2),
        Err(AuthError::Revoked)
    ));
}

#[test]
fn a_hit_due_a_last_use_write_takes_the_full_path() {
    let f = fixture();
    let key = f.keys.create(&Actor::system(), &spec("app"), T0).unwrap();
    f.keys.authenticate(key.expose(), local(), T0).unwrap();
    let writes = f.store.writes();
    // Refreshes the memory without writing (last use was written 59.5 s ago).
    f.keys
        .authenticate(key.expose(), local(), T0 + 59_500)
        .unwrap();
    assert_eq!(f.store.writes(), writes);
    assert!(f
        .keys
        .authenticate_cached(key.expose(), local(), T0 + 59_900)
        .is_some());
    assert!(
        f.keys
            .authenticate_cached(key.expose(), local(), T0 + 60_100)
            .is_none(),
        "the entry is fresh, but last use is due"
    );
    f.keys
        .authenticate(key.expose(), local(), T0 + 60_100)
        .unwrap();
    assert_eq!(f.store.writes(), writes + 1);
    assert_eq!(
        f.keys.info(&key.id).unwrap().last_used_at,
        Some(T0 + 60_100)
    );
}
