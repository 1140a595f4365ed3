//! Staff accounts end to end over a real SQLite vault: enrolment with mandatory 2FA,
//! login with a challenge, recovery codes, replay refusal, sessions and their ends,
//! unknown accounts answered like wrong passwords, and what the store keeps.

mod accounts_support;
mod common;

use accounts_support::*;
use gembok_core::accounts::{AccountError, AccountStatus, AccountsConfig, LoginOutcome};
use gembok_core::staff::session::SessionPolicy;
use gembok_core::Actor;
use gembok_store::Store;

fn challenge_of(outcome: LoginOutcome) -> String {
    match outcome {
        LoginOutcome::Challenge { challenge, .. } => challenge.expose().to_owned(),
        other => panic!("expected a challenge, got {other:?}"),
    }
}

#[test]
fn an_owner_enrols_with_2fa_and_gets_recovery_codes() {
    let e = env();
    let (grant, secret) = enrolled(&e, "Ani@Toko.id", "owner");
    assert!(
        secret.is_some(),
        "the owner role must enrol a second factor"
    );
    let codes = grant
        .recovery_codes
        .as_ref()
        .expect("recovery codes shown once");
    assert_eq!(codes.shown.len(), 10);
    let info = e.accounts.get(&grant.account).unwrap();
    assert_eq!(info.status, AccountStatus::Active);
    assert!(info.totp_enabled);
    assert_eq!(info.email.expose(), "ani@toko.id");
    assert_eq!(info.recovery_codes_left, 10);
    let session = e
        .accounts
        .authenticate(grant.token.expose(), T0 + 3_000)
        .unwrap();
    assert_eq!(session.account, grant.account);
    assert_eq!(session.role.as_str(), "owner");
}

#[test]
fn an_owner_without_a_confirmed_code_cannot_log_in() {
    let e = env();
    let created = e
        .accounts
        .create(&Actor::local_operator(), "ani@toko.id", "owner", T0)
        .unwrap();
    let outcome = e
        .accounts
        .enrol(created.enrolment_token.expose(), STRONG, &laptop(), T0 + 1)
        .unwrap();
    assert!(matches!(outcome, LoginOutcome::EnrolTotp(_)));
    let err = e
        .accounts
        .login("ani@toko.id", STRONG, &laptop(), T0 + 2)
        .unwrap_err();
    assert!(matches!(err, AccountError::InvalidCredentials), "{err:?}");
    // The enrolment token still works, to start again.
    let again = e
        .accounts
        .enrol(created.enrolment_token.expose(), STRONG, &laptop(), T0 + 3)
        .unwrap();
    assert!(matches!(again, LoginOutcome::EnrolTotp(_)));
}

#[test]
fn login_needs_the_second_factor_and_a_code_works_only_once() {
    let e = env();
    let (_, secret) = enrolled(&e, "ani@toko.id", "admin");
    let secret = secret.unwrap();
    let now = T0 + 120_000;
    let first = challenge_of(
        e.accounts
            .login("ani@toko.id", STRONG, &laptop(), now)
            .unwrap(),
    );
    let code_now = code(&secret, now);
    let grant = e
        .accounts
        .complete_2fa(&first, &code_now, &laptop(), now)
        .unwrap();
    assert!(grant.recovery_codes.is_none());
    // The same code again, on a new challenge within its window: a replay.
    let second = challenge_of(
        e.accounts
            .login("ani@toko.id", STRONG, &laptop(), now + 1)
            .unwrap(),
    );
    let err = e
        .accounts
        .complete_2fa(&second, &code_now, &laptop(), now + 1)
        .unwrap_err();
    assert!(matches!(err, AccountError::InvalidCode), "{err:?}");
    // A used challenge is gone.
    let err = e
        .accounts
        .complete_2fa(&first, &code_now, &laptop(), now + 2)
        .unwrap_err();
    assert!(matches!(err, AccountError::InvalidToken), "{err:?}");
}

#[test]
fn a_recovery_code_logs_in_once() {
    let e = env();
    let (grant, _) = enrolled(&e, "ani@toko.id", "owner");
    let recovery = grant.recovery_codes.as_ref().unwrap().shown[3].clone();
    let now = T0 + 60_000;
    let c = challenge_of(
        e.accounts
            .login("ani@toko.id", STRONG, &laptop(), now)
            .unwrap(),
    );
    e.accounts
        .complete_2fa(&c, &recovery, &laptop(), now)
        .unwrap();
    assert_eq!(
        e.accounts.get(&grant.account).unwrap().recovery_codes_left,
        9
    );
    let c = challenge_of(
        e.accounts
            .login("ani@toko.id", STRONG, &laptop(), now + 1)
            .unwrap(),
    );
    let err = e
        .accounts
        .complete_2fa(&c, &recovery, &laptop(), now + 1)
        .unwrap_err();
    assert!(matches!(err, AccountError::InvalidCode), "{err:?}");
}

#[test]
fn unknown_accounts_get_the_same_answer_as_wrong_passwords() {
    let e = env();
    enrolled(&e, "budi@toko.id", "support");
    let wrong = e
        .accounts
        .login(
            "budi@toko.id",
            "not the password at all",
            &laptop(),
            T0 + 10,
        )
        .unwrap_err();
    let unknown = e
        .accounts
        .login(
            "nobody@toko.id",
            "not the password at all",
            &laptop(),
            T0 + 10,
        )
        .unwrap_err();
    let malformed = e
        .accounts
        .login("not-an-email", "x", &laptop(), T0 + 10)
        .unwrap_err();
    for err in [&wrong, &unknown, &malformed] {
        assert!(matches!(err, AccountError::InvalidCredentials), "{err:?}");
        assert_eq!(err.to_string(), wrong.to_string());
    }
}

#[test]
fn unknown_accounts_are_throttled_like_known_ones() {
    let e = env();
    enrolled(&e, "budi@toko.id", "support");
    let mut known = Vec::new();
    let mut unknown = Vec::new();
    for i in 0..7 {
        let now = T0 + 10_000 + i;
        known.push(
            e.accounts
                .login("budi@toko.id", "wrong password!!", &laptop(), now)
                .unwrap_err()
                .code(),
        );
        unknown.push(
            e.accounts
                .login("nobody@toko.id", "wrong password!!", &laptop(), now)
                .unwrap_err()
                .code(),
        );
    }
    assert_eq!(known, unknown);
    assert_eq!(known.last(), Some(&"too_many_attempts"));
}

#[test]
fn sessions_end_when_idle_expired_or_logged_out() {
    let config = AccountsConfig {
        session: SessionPolicy {
            idle_ms: 120_000,
            absolute_ms: 600_000,
        },
        ..Default::default()
    };
    let e = env_with(config);
    let (grant, _) = enrolled(&e, "budi@toko.id", "support");
    let token = grant.token.expose().to_owned();
    let start = T0 + 1_000;
    // Used every 100 s: alive past the idle limit, dead past the absolute one.
    for step in 1..6 {
        e.accounts
            .authenticate(&token, start + step * 100_000)
            .unwrap();
    }
    assert!(matches!(
        e.accounts.authenticate(&token, start + 600_000),
        Err(AccountError::InvalidSession)
    ));
    let (grant, _) = enrolled(&e, "citra@toko.id", "support");
    let token = grant.token.expose().to_owned();
    assert!(
        e.accounts
            .authenticate(&token, T0 + 1_000 + 121_000)
            .is_err(),
        "idle"
    );
    let (grant, _) = enrolled(&e, "dedi@toko.id", "support");
    let token = grant.token.expose().to_owned();
    e.accounts
        .logout(&Actor::system(), &token, T0 + 5_000)
        .unwrap();
    assert!(matches!(
        e.accounts.authenticate(&token, T0 + 5_001),
        Err(AccountError::InvalidSession)
    ));
}

#[test]
fn csrf_tokens_belong_to_their_session() {
    let e = env();
    let (a, _) = enrolled(&e, "budi@toko.id", "support");
    let (b, _) = enrolled(&e, "citra@toko.id", "support");
    let sa = e
        .accounts
        .authenticate(a.token.expose(), T0 + 5_000)
        .unwrap();
    assert!(e.accounts.check_csrf(&sa, a.csrf_token.expose()).unwrap());
    assert!(!e.accounts.check_csrf(&sa, b.csrf_token.expose()).unwrap());
    assert!(!e.accounts.check_csrf(&sa, "").unwrap());
}

#[test]
fn the_store_holds_no_address_token_or_secret_in_the_clear() {
    let e = env();
    let (grant, secret) = enrolled(&e, "rahasia.sekali@toko.id", "owner");
    let secret = secret.unwrap();
    let mut blob = Vec::new();
    for kind in [
        "staff_account",
        "staff_email",
        "staff_session",
        "staff_token",
    ] {
        for (id, body) in e.t.store.docs(kind).unwrap() {
            blob.extend_from_slice(id.as_bytes());
            blob.extend_from_slice(&body);
        }
    }
    let text = String::from_utf8_lossy(&blob);
    assert!(!text.contains("rahasia"), "e-mail stored in the clear");
    assert!(!text.contains(grant.token.expose()), "session token stored");
    assert!(
        !text.contains(&*secret.expose_base32()),
        "TOTP secret stored"
    );
    for code in &grant.recovery_codes.as_ref().unwrap().shown {
        assert!(!text.contains(code.as_str()), "recovery code stored");
    }
    assert!(
        text.contains("$argon2id$v=19$m=19456,t=2,p=1$"),
        "passwords are Argon2id PHC"
    );
}

#[test]
fn debug_output_never_shows_secrets_or_addresses() {
    let e = env();
    let created = e
        .accounts
        .create(&Actor::local_operator(), "rahasia@toko.id", "support", T0)
        .unwrap();
    let shown = format!("{created:?}");
    assert!(!shown.contains("rahasia"), "{shown}");
    assert!(!shown.contains(created.enrolment_token.expose()), "{shown}");
    let grant = match e
        .accounts
        .enrol(created.enrolment_token.expose(), STRONG, &laptop(), T0 + 1)
        .unwrap()
    {
        LoginOutcome::Session(g) => g,
        other => panic!("{other:?}"),
    };
    let shown = format!("{grant:?}");
    assert!(!shown.contains(grant.token.expose()), "{shown}");
    assert!(!shown.contains(grant.csrf_token.expose()), "{shown}");
}

#[test]
fn a_duplicate_address_or_unknown_role_is_refused() {
    let e = env();
    e.accounts
        .create(&Actor::local_operator(), "ani@toko.id", "support", T0)
        .unwrap();
    let err = e
        .accounts
        .create(&Actor::local_operator(), " ANI@toko.id ", "admin", T0)
        .unwrap_err();
    assert!(matches!(err, AccountError::EmailTaken), "{err:?}");
    let err = e
        .accounts
        .create(&Actor::local_operator(), "budi@toko.id", "emperor", T0)
        .unwrap_err();
    assert_eq!(err.code(), "invalid_input");
}
