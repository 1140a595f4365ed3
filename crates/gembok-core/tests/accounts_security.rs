//! Staff-account protections against guessing: the lockout sequence for passwords,
//! TOTP codes and recovery codes, admin unlock, notices of lockout and of a new device,
//! and the login history that records each attempt.

mod accounts_support;
mod common;

use accounts_support::*;
use gembok_core::accounts::{AccountError, AccountsConfig, AttemptOutcome, LoginOutcome};
use gembok_core::staff::throttle::ThrottlePolicy;
use gembok_core::Actor;

fn small_throttle() -> AccountsConfig {
    AccountsConfig {
        throttle: ThrottlePolicy {
            free_failures: 2,
            first_delay_ms: 1_000,
            max_delay_ms: 4_000,
            lock_after: 6,
        },
        ..Default::default()
    }
}

fn challenge(e: &Env, now: i64) -> String {
    match e
        .accounts
        .login("ani@toko.id", STRONG, &laptop(), now)
        .unwrap()
    {
        LoginOutcome::Challenge { challenge, .. } => challenge.expose().to_owned(),
        other => panic!("{other:?}"),
    }
}

#[test]
fn password_failures_wait_then_lock_until_an_admin_unlocks() {
    let e = env_with(small_throttle());
    let (grant, _) = enrolled(&e, "budi@toko.id", "support");
    let mut now = T0 + 10_000;
    let mut codes = Vec::new();
    for _ in 0..6 {
        codes.push(
            e.accounts
                .login("budi@toko.id", "wrong wrong wrong", &laptop(), now)
                .unwrap_err()
                .code(),
        );
        // Right after a counted failure beyond the free ones, even the right password waits.
        now += 5_000;
    }
    assert_eq!(codes, ["invalid_credentials"; 6]);
    let err = e
        .accounts
        .login("budi@toko.id", STRONG, &laptop(), now)
        .unwrap_err();
    assert!(matches!(err, AccountError::Locked), "{err:?}");
    assert!(e.accounts.get(&grant.account).unwrap().locked);
    assert!(e.notices.kinds().contains(&"account.locked"));
    e.accounts
        .unlock(&Actor::local_operator(), &grant.account, now)
        .unwrap();
    assert!(e.notices.kinds().contains(&"account.unlocked"));
    assert!(matches!(
        e.accounts
            .login("budi@toko.id", STRONG, &laptop(), now + 1)
            .unwrap(),
        LoginOutcome::Session(_)
    ));
}

#[test]
fn waits_are_enforced_before_the_password_is_checked() {
    let e = env_with(small_throttle());
    enrolled(&e, "budi@toko.id", "support");
    let now = T0 + 10_000;
    for i in 0..3 {
        let _ = e
            .accounts
            .login("budi@toko.id", "wrong wrong wrong", &laptop(), now + i);
    }
    // Third failure is beyond the two free ones: the right password must wait.
    let err = e
        .accounts
        .login("budi@toko.id", STRONG, &laptop(), now + 10)
        .unwrap_err();
    match err {
        AccountError::Throttled { retry_after_secs } => {
            assert!((1..=4).contains(&retry_after_secs))
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        e.accounts
            .login("budi@toko.id", STRONG, &laptop(), now + 1_100)
            .unwrap(),
        LoginOutcome::Session(_)
    ));
}

#[test]
fn totp_and_recovery_codes_have_their_own_lockout() {
    let e = env_with(small_throttle());
    let (grant, _) = enrolled(&e, "ani@toko.id", "owner");
    let mut now = T0 + 60_000;
    for _ in 0..6 {
        let c = challenge(&e, now);
        let err = e
            .accounts
            .complete_2fa(&c, "000000", &laptop(), now)
            .unwrap_err();
        assert!(
            matches!(
                err,
                AccountError::InvalidCode | AccountError::Throttled { .. }
            ),
            "{err:?}"
        );
        now += 5_000;
    }
    let c = challenge(&e, now);
    assert!(matches!(
        e.accounts.complete_2fa(&c, "000000", &laptop(), now),
        Err(AccountError::Locked)
    ));
    // Recovery codes are a separate credential and still work.
    let recovery = grant.recovery_codes.as_ref().unwrap().shown[0].clone();
    e.accounts
        .complete_2fa(&c, &recovery, &laptop(), now)
        .unwrap();
    for _ in 0..6 {
        let c = challenge(&e, now);
        let _ = e
            .accounts
            .complete_2fa(&c, "AAAA-BBBB-CCCC-DDDD", &laptop(), now);
        now += 5_000;
    }
    let c = challenge(&e, now);
    let other = grant.recovery_codes.as_ref().unwrap().shown[1].clone();
    assert!(matches!(
        e.accounts.complete_2fa(&c, &other, &laptop(), now),
        Err(AccountError::Locked)
    ));
}

#[test]
fn a_new_device_or_network_is_noticed_but_a_known_one_is_not() {
    let e = env();
    enrolled(&e, "budi@toko.id", "support");
    let login = |client, now| {
        e.accounts
            .login("budi@toko.id", STRONG, &client, now)
            .unwrap()
    };
    login(laptop(), T0 + 50_000);
    assert!(!e.notices.kinds().contains(&"account.new_device"));
    login(client("203.0.113.99", "Firefox/140 (laptop)"), T0 + 51_000);
    assert!(
        !e.notices.kinds().contains(&"account.new_device"),
        "same /24 and browser"
    );
    login(client("198.51.100.7", "Firefox/140 (laptop)"), T0 + 52_000);
    let notices = e.notices.0.lock().unwrap().clone();
    let n = notices
        .iter()
        .find(|n| n.kind.as_str() == "account.new_device")
        .unwrap();
    assert_eq!(n.recipient.as_ref().unwrap().expose(), "budi@toko.id");
    assert_eq!(n.address.as_deref(), Some("198.51.100.7"));
    let history = e.accounts.login_history(&n.account, 10).unwrap();
    assert!(history[0].new_device);
    assert_eq!(history[0].outcome, AttemptOutcome::Success);
    assert_eq!(history[0].address.as_deref(), Some("198.51.100.7"));
}

#[test]
fn history_records_failures_with_reason_address_and_agent() {
    let e = env_with(small_throttle());
    let (grant, _) = enrolled(&e, "budi@toko.id", "support");
    for i in 0..4 {
        let _ = e.accounts.login(
            "budi@toko.id",
            "wrong wrong wrong",
            &laptop(),
            T0 + 10_000 + i,
        );
    }
    let history = e.accounts.login_history(&grant.account, 50).unwrap();
    let reasons: Vec<&str> = history.iter().map(|h| h.reason.as_str()).collect();
    assert_eq!(
        &reasons[..4],
        [
            "throttled",
            "wrong_password",
            "wrong_password",
            "wrong_password"
        ]
    );
    assert_eq!(
        history[0].user_agent.as_deref(),
        Some("Firefox/140 (laptop)")
    );
    assert_eq!(history.last().unwrap().step, "enrol");
}
