//! The life of an API key on a real SQLite store: expiry, revocation, rotation with a
//! grace period, the revoke-all switch, and throttled last-use recording.

mod apikeys_support;

use apikeys_support::*;
use gembok_core::apikeys::{AuthError, IssuedKey};
use gembok_core::Actor;

#[test]
fn expiry_and_revocation() {
    let f = fixture();
    let mut s = spec("app");
    s.expires_in_days = 1;
    let key = f.keys.create(&Actor::system(), &s, T0).unwrap();
    assert!(f
        .keys
        .authenticate(key.expose(), local(), T0 + DAY - 1)
        .is_ok());
    let err = f
        .keys
        .authenticate(key.expose(), local(), T0 + DAY)
        .unwrap_err();
    assert!(matches!(err, AuthError::Expired));
    assert_eq!(err.code(), "api_key_expired");

    let other = f.keys.create(&Actor::system(), &spec("app"), T0).unwrap();
    f.keys.revoke(&Actor::system(), &other.id, T0 + 10).unwrap();
    f.keys.revoke(&Actor::system(), &other.id, T0 + 20).unwrap();
    assert!(matches!(
        f.keys.authenticate(other.expose(), local(), T0 + 11),
        Err(AuthError::Revoked)
    ));
    assert_eq!(f.keys.info(&other.id).unwrap().revoked_at, Some(T0 + 10));
    assert!(f.keys.revoke(&Actor::system(), "key_nope", T0).is_err());
}

#[test]
fn a_rotated_key_works_through_its_grace_period_only() {
    let f = fixture();
    let old = f.keys.create(&Actor::system(), &spec("app"), T0).unwrap();
    let now = T0 + DAY;
    let new = f.keys.rotate(&Actor::system(), &old.id, 24, now).unwrap();
    assert_ne!(new.expose(), old.expose());
    assert_eq!(
        new.expires_at,
        now + 90 * DAY,
        "same lifetime as the old key"
    );
    assert!(f.keys.authenticate(new.expose(), local(), now).is_ok());
    assert!(f
        .keys
        .authenticate(old.expose(), local(), now + 24 * HOUR - 1)
        .is_ok());
    assert!(matches!(
        f.keys.authenticate(old.expose(), local(), now + 24 * HOUR),
        Err(AuthError::Expired)
    ));
    let info = f.keys.info(&old.id).unwrap();
    assert_eq!(info.replaced_by.as_deref(), Some(new.id.as_str()));
    assert_eq!(info.grace_until, Some(now + 24 * HOUR));
    assert_eq!(f.keys.info(&new.id).unwrap().replaces, Some(old.id.clone()));
    assert!(
        f.keys.rotate(&Actor::system(), &old.id, 1, now).is_err(),
        "rotate once"
    );
    assert!(
        f.keys.rotate(&Actor::system(), &new.id, 169, now).is_err(),
        "grace <= 168 h"
    );

    let immediate = f
        .keys
        .rotate(&Actor::system(), &new.id, 0, now + HOUR)
        .unwrap();
    assert!(matches!(
        f.keys.authenticate(new.expose(), local(), now + HOUR),
        Err(AuthError::Expired)
    ));
    assert!(f
        .keys
        .authenticate(immediate.expose(), local(), now + HOUR)
        .is_ok());
}

#[test]
fn revoke_all_is_an_emergency_switch() {
    let f = fixture();
    let keys: Vec<IssuedKey> = (0..3)
        .map(|_| f.keys.create(&Actor::system(), &spec("app"), T0).unwrap())
        .collect();
    f.keys.revoke(&Actor::system(), &keys[0].id, T0).unwrap();
    assert_eq!(f.keys.revoke_all(&Actor::system(), T0 + 5).unwrap(), 2);
    for k in &keys {
        assert!(matches!(
            f.keys.authenticate(k.expose(), local(), T0 + 5),
            Err(AuthError::Revoked)
        ));
    }
    assert_eq!(f.keys.revoke_all(&Actor::system(), T0 + 6).unwrap(), 0);
    assert!(f
        .keys
        .list()
        .unwrap()
        .iter()
        .all(|i| i.revoked_at.is_some()));
}

#[test]
fn last_use_is_recorded_at_most_once_a_minute() {
    let f = fixture();
    let key = f.keys.create(&Actor::system(), &spec("app"), T0).unwrap();
    assert_eq!(f.keys.info(&key.id).unwrap().last_used_at, None);
    let writes = f.store.writes();
    f.keys
        .authenticate(key.expose(), ip("10.0.0.9"), T0 + 1000)
        .unwrap();
    assert_eq!(f.store.writes(), writes + 1);
    for i in 0..10 {
        f.keys
            .authenticate(key.expose(), ip("10.0.0.8"), T0 + 2000 + i)
            .unwrap();
    }
    assert_eq!(f.store.writes(), writes + 1, "throttled");
    let info = f.keys.info(&key.id).unwrap();
    assert_eq!(info.last_used_at, Some(T0 + 1000));
    assert_eq!(info.last_used_ip.as_deref(), Some("10.0.0.9"));
    f.keys
        .authenticate(key.expose(), ip("::ffff:10.0.0.7"), T0 + 61_000)
        .unwrap();
    assert_eq!(f.store.writes(), writes + 2);
    let info = f.keys.info(&key.id).unwrap();
    assert_eq!(info.last_used_at, Some(T0 + 61_000));
    assert_eq!(info.last_used_ip.as_deref(), Some("10.0.0.7"));
    assert_eq!(f.keys.list().unwrap()[0].last_used_at, Some(T0 + 61_000));
}
