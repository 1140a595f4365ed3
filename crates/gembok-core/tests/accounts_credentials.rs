//! Staff-account credential changes: re-authentication before sensitive operations,
//! 2FA kept on for admin roles, a password change and the password policy at enrolment
//! (with their notices), and accounts surviving a master-key rotation.

mod accounts_support;
mod common;

use std::sync::Arc;

use accounts_support::*;
use gembok_core::accounts::{AccountError, Accounts, AccountsConfig, LoginOutcome};
use gembok_core::{Actor, Policy};
use gembok_crypto::MasterKey;

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
