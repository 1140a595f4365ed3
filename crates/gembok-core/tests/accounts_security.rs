//! Staff-account protections: the lockout sequence for passwords, TOTP codes and
//! recovery codes, admin unlock, notices (lockout, new device, password change, 2FA
//! off, new admin), re-authentication, login history, and survival of a master-key
//! rotation.

mod accounts_support;
mod common;

use std::sync::Arc;

use accounts_support::*;
use gembok_core::accounts::{AccountError, Accounts, AccountsConfig, AttemptOutcome, LoginOutcome};
use gembok_core::staff::throttle::ThrottlePolicy;
use gembok_core::{Actor, Policy};
use gembok_crypto::MasterKey;

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

#[test]
fn sensitive_operations_need_a_recent_reauthentication() {
    let e = env();
    let (grant, secret) = enrolled(&e, "ani@toko.id", "admin");
    let secret = secret.unwrap();
    let session = e
        .accounts
        .authenticate(grant.token.expose(), T0 + 3_000)
        .unwrap();
    assert!(e
        .accounts
        .require_recent_auth(&session, T0 + 60_000)
        .is_ok());
    let later = T0 + 16 * 60_000;
    let session = e
        .accounts
        .authenticate(grant.token.expose(), later)
        .unwrap();
    assert!(matches!(
        e.accounts.require_recent_auth(&session, later),
        Err(AccountError::ReauthRequired)
    ));
    assert!(matches!(
        e.accounts
            .regenerate_recovery_codes(&session, &laptop(), later),
        Err(AccountError::ReauthRequired)
    ));
    let err = e
        .accounts
        .reauthenticate(&session, STRONG, None, &laptop(), later)
        .unwrap_err();
    assert!(
        matches!(err, AccountError::InvalidCode),
        "2FA accounts need the code too: {err:?}"
    );
    let session = e
        .accounts
        .reauthenticate(
            &session,
            STRONG,
            Some(&code(&secret, later)),
            &laptop(),
            later,
        )
        .unwrap();
    assert!(e.accounts.require_recent_auth(&session, later + 1).is_ok());
    let fresh = e
        .accounts
        .regenerate_recovery_codes(&session, &laptop(), later + 1)
        .unwrap();
    assert_eq!(fresh.shown.len(), 10);
}

#[test]
fn two_factor_stays_on_for_admin_roles_and_turns_off_for_others() {
    let e = env();
    let (grant, _) = enrolled(&e, "ani@toko.id", "owner");
    let s = e
        .accounts
        .authenticate(grant.token.expose(), T0 + 3_000)
        .unwrap();
    assert!(matches!(
        e.accounts.disable_2fa(&s, &laptop(), T0 + 3_000),
        Err(AccountError::Forbidden(_))
    ));
    let (grant, _) = enrolled(&e, "budi@toko.id", "support");
    let s = e
        .accounts
        .authenticate(grant.token.expose(), T0 + 3_000)
        .unwrap();
    let t = e.accounts.begin_totp(&s, &laptop(), T0 + 3_000).unwrap();
    let secret = gembok_core::staff::totp::TotpSecret::from_otpauth_uri(&t.totp_uri).unwrap();
    let g = e
        .accounts
        .complete_2fa(
            t.challenge.expose(),
            &code(&secret, T0 + 4_000),
            &laptop(),
            T0 + 4_000,
        )
        .unwrap();
    assert!(g.recovery_codes.is_some());
    assert!(e.accounts.get(&grant.account).unwrap().totp_enabled);
    e.accounts.disable_2fa(&s, &laptop(), T0 + 5_000).unwrap();
    assert!(!e.accounts.get(&grant.account).unwrap().totp_enabled);
    assert!(e.notices.kinds().contains(&"account.2fa_disabled"));
    assert!(e.notices.kinds().contains(&"account.admin_created"));
}

#[test]
fn a_password_change_checks_the_old_one_applies_policy_and_ends_other_sessions() {
    let e = env();
    let (first, _) = enrolled(&e, "budi@toko.id", "support");
    let second = match e
        .accounts
        .login("budi@toko.id", STRONG, &laptop(), T0 + 5_000)
        .unwrap()
    {
        LoginOutcome::Session(g) => g,
        other => panic!("{other:?}"),
    };
    let s = e
        .accounts
        .authenticate(second.token.expose(), T0 + 6_000)
        .unwrap();
    let err = e
        .accounts
        .change_password(
            &s,
            "wrong",
            "another long pass phrase here",
            &laptop(),
            T0 + 6_000,
        )
        .unwrap_err();
    assert!(matches!(err, AccountError::InvalidCredentials), "{err:?}");
    let err = e
        .accounts
        .change_password(&s, STRONG, "admin123", &laptop(), T0 + 6_000)
        .unwrap_err();
    assert!(matches!(err, AccountError::WeakPassword(_)), "{err:?}");
    let new = "sambal matah pedas untuk makan siang di bali";
    e.accounts
        .change_password(&s, STRONG, new, &laptop(), T0 + 7_000)
        .unwrap();
    assert!(e
        .accounts
        .authenticate(first.token.expose(), T0 + 8_000)
        .is_err());
    assert!(e
        .accounts
        .authenticate(second.token.expose(), T0 + 8_000)
        .is_ok());
    assert!(e
        .accounts
        .login("budi@toko.id", new, &laptop(), T0 + 9_000)
        .is_ok());
    assert!(e.notices.kinds().contains(&"account.password_changed"));
}

#[test]
fn weak_passwords_are_refused_at_enrolment_with_a_reason() {
    let e = env();
    let created = e
        .accounts
        .create(&Actor::local_operator(), "ani@tokomaju.id", "owner", T0)
        .unwrap();
    let token = created.enrolment_token.expose().to_owned();
    for (pw, code) in [
        ("admin123", "password_too_short"),
        ("password1234567", "password_blocklisted"),
        ("tokomaju tokomaju 2024", "password_contains_personal_word"),
    ] {
        let err = e.accounts.enrol(&token, pw, &laptop(), T0 + 1).unwrap_err();
        assert_eq!(err.code(), code, "{pw}");
    }
}

#[test]
fn accounts_survive_a_master_key_rotation() {
    let e = env();
    let (grant, _) = enrolled(&e, "budi@toko.id", "support");
    let new_path = e.t.dir.path().join("new.key");
    let new_master_file = MasterKey::create_file(&new_path).unwrap();
    e.t.vault
        .rotate_master(&Actor::local_operator(), new_master_file)
        .unwrap();
    let reopened = Accounts::open(
        e.t.store.clone(),
        &MasterKey::load_file(&new_path).unwrap(),
        e.t.vault.audit().clone(),
        Arc::new(Policy::builtin()),
        AccountsConfig::default(),
    )
    .unwrap();
    assert_eq!(
        reopened.get(&grant.account).unwrap().email.expose(),
        "budi@toko.id"
    );
    assert!(reopened
        .login("budi@toko.id", STRONG, &laptop(), T0 + 9_000)
        .is_ok());
    // The old key no longer opens it.
    assert!(Accounts::open(
        e.t.store.clone(),
        &MasterKey::load_file(&e.t.key_path).unwrap(),
        e.t.vault.audit().clone(),
        Arc::new(Policy::builtin()),
        AccountsConfig::default(),
    )
    .is_err());
}
