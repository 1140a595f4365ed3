//! Brute force and enumeration through the API: an unknown address and a wrong
//! password look and take the same; a credential waits, then locks, until an admin
//! unlocks it (password, TOTP codes, recovery codes); one address gets a fixed number
//! of attempts a minute whatever the account; sensitive operations of a session need a
//! recent re-authentication.

use std::time::{Duration, Instant};

use gembok_core::accounts::AccountsConfig;
use gembok_core::staff::throttle::ThrottlePolicy;
use gembok_server::Limits;
use reqwest::Method;
use serde_json::{json, Value};

use crate::auth_support::*;
use crate::common::*;

fn many_logins() -> Limits {
    Limits {
        login_attempts_per_minute: 10_000,
        ..Limits::default()
    }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

#[tokio::test]
async fn auth_unknown_and_known_addresses_are_indistinguishable() {
    let app = spawn_app_full(many_logins(), with_throttle(lenient_throttle())).await;
    let staff = enrolled(&app, "cs@tokomaju.id", "support").await;
    let attempt = |email: &'static str| {
        let app = &app;
        async move {
            let start = Instant::now();
            let r = post(
                app,
                "/v1/auth/login",
                json!({"email": email, "password": "not the password at all"}),
            )
            .await;
            let status = r.status().as_u16();
            let body = r.text().await.unwrap();
            (start.elapsed(), status, body)
        }
    };
    assert_eq!(staff.email, "cs@tokomaju.id");
    let (_, s1, b1) = attempt("cs@tokomaju.id").await;
    let (_, s2, b2) = attempt("nobody@tokomaju.id").await;
    assert_eq!((s1, &b1), (s2, &b2), "same status and body");
    assert_eq!(s1, 401);

    // Interleaved, so that a change of machine load hits both alike, and alternating
    // which goes first: with the known address always first, the unknown one was
    // measured up to 50 % slower in its Argon2id hash alone, whose parameters are the
    // same for both, in about half the runs of this binary on 8 test threads. The hash
    // is most of either answer, so skipping it for an unknown address would give a
    // ratio far outside this band in every round; the band itself is wide enough for
    // the other tests of this binary running beside this one on a two-core machine,
    // and a burst of load from outside it only costs a further round.
    let mut rounds = Vec::new();
    for _ in 0..3 {
        let (mut known, mut unknown) = (Vec::new(), Vec::new());
        for i in 0..50 {
            for is_known in [i % 2 == 0, i % 2 != 0] {
                let email = if is_known {
                    "cs@tokomaju.id"
                } else {
                    "nobody@tokomaju.id"
                };
                let (t, s, b) = attempt(email).await;
                assert_eq!((s, &b), (401, &b1));
                if is_known {
                    known.push(t)
                } else {
                    unknown.push(t)
                }
            }
        }
        let (k, u) = (median(known), median(unknown));
        let ratio = k.as_secs_f64() / u.as_secs_f64();
        rounds.push(format!("known {k:?} vs unknown {u:?} (ratio {ratio:.3})"));
        if (0.75..=1.33).contains(&ratio) {
            return;
        }
    }
    panic!("medians outside 0.75-1.33 in every round: {rounds:?}");
}

/// Two free failures, then a one-second wait, locked at the fourth.
fn strict() -> AccountsConfig {
    with_throttle(ThrottlePolicy {
        free_failures: 2,
        first_delay_ms: 1_000,
        max_delay_ms: 1_000,
        lock_after: 4,
    })
}

/// Fail three times, be told to wait, fail once more after the wait (which locks),
/// then be refused with 423 even with the right answer. `attempt(good)` sends one
/// attempt with a wrong (`false`) or right (`true`) credential.
async fn wait_then_lock<F, Fut>(attempt: F)
where
    F: Fn(bool) -> Fut,
    Fut: std::future::Future<Output = reqwest::Response>,
{
    for _ in 0..3 {
        let (status, _) = status_code(attempt(false).await).await;
        assert_eq!(status, 401);
    }
    let r = attempt(false).await;
    assert_eq!(r.status(), 429);
    let wait: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=2).contains(&wait), "{wait}");
    assert_eq!(error_code(r).await, "too_many_attempts");
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    let (status, _) = status_code(attempt(false).await).await;
    assert_eq!(
        status, 401,
        "the fourth failure is still checked, and locks"
    );
    assert_eq!(
        status_code(attempt(false).await).await,
        (423, "credential_locked".into())
    );
    assert_eq!(
        status_code(attempt(true).await).await,
        (423, "credential_locked".into())
    );
}

async fn unlock(app: &App, id: &str) {
    let r = app
        .owner(Method::POST, &format!("/v1/users/{id}/unlock"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
}

#[tokio::test]
async fn auth_password_failures_wait_then_lock_until_unlocked() {
    let app = spawn_app_full(many_logins(), strict()).await;
    let staff = enrolled(&app, "cs@tokomaju.id", "support").await;
    wait_then_lock(|good| {
        let password = if good {
            STRONG
        } else {
            "wrong password, twice over"
        };
        post(
            &app,
            "/v1/auth/login",
            json!({"email": staff.email, "password": password}),
        )
    })
    .await;
    let r = app.owner(Method::GET, "/v1/users").send().await.unwrap();
    let users: Value = r.json().await.unwrap();
    assert_eq!(users["users"][0]["locked"], true);
    unlock(&app, &staff.id).await;
    let session = login(&app, &staff, 0).await;
    assert!(session["session"].is_string());
}

#[tokio::test]
async fn auth_totp_failures_wait_then_lock_until_unlocked() {
    let app = spawn_app_full(many_logins(), strict()).await;
    let staff = enrolled(&app, "ani@tokomaju.id", "owner").await;
    let secret = staff.secret.as_ref().unwrap();
    let challenge_id = challenge(&app, &staff.email).await;
    let (wrong, right) = (wrong_code(secret), code(secret, 30));
    wait_then_lock(|good| {
        let c = if good { right.clone() } else { wrong.clone() };
        post(
            &app,
            "/v1/auth/2fa",
            json!({"challenge": challenge_id, "code": c}),
        )
    })
    .await;
    unlock(&app, &staff.id).await;
    let session = post_ok(
        &app,
        "/v1/auth/2fa",
        json!({"challenge": challenge_id, "code": right}),
    )
    .await;
    assert!(session["session"].is_string());
}

#[tokio::test]
async fn auth_recovery_code_failures_wait_then_lock_until_unlocked() {
    let app = spawn_app_full(many_logins(), strict()).await;
    let staff = enrolled(&app, "ani@tokomaju.id", "owner").await;
    let challenge_id = challenge(&app, &staff.email).await;
    let right = staff.recovery_codes[0].clone();
    wait_then_lock(|good| {
        let c = if good {
            right.clone()
        } else {
            "ABCDE-FGHJK-LMNPQ-RSTU".to_owned()
        };
        post(
            &app,
            "/v1/auth/2fa",
            json!({"challenge": challenge_id, "code": c}),
        )
    })
    .await;
    unlock(&app, &staff.id).await;
    let session = post_ok(
        &app,
        "/v1/auth/2fa",
        json!({"challenge": challenge_id, "code": right}),
    )
    .await;
    assert!(session["session"].is_string());
}

#[tokio::test]
async fn auth_one_address_gets_a_fixed_number_of_attempts_whatever_the_account() {
    let limits = Limits {
        login_attempts_per_minute: 5,
        ..Limits::default()
    };
    let app = spawn_app_full(limits, with_throttle(lenient_throttle())).await;
    for i in 0..5 {
        let r = post(
            &app,
            "/v1/auth/login",
            json!({"email": format!("user{i}@tokomaju.id"), "password": STRONG}),
        )
        .await;
        assert_eq!(status_code(r).await, (401, "invalid_credentials".into()));
    }
    let r = post(
        &app,
        "/v1/auth/login",
        json!({"email": "someone.else@tokomaju.id", "password": STRONG}),
    )
    .await;
    assert_eq!(r.status(), 429);
    let wait: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    assert_eq!(error_code(r).await, "too_many_login_attempts");
    // Every credential endpoint shares the budget, a customer's included; other
    // requests do not.
    for path in [
        "/v1/auth/enrol",
        "/v1/auth/2fa",
        "/v1/collections/customers/records/x/fields/pin/verify",
    ] {
        let r = post(&app, path, json!({})).await;
        assert_eq!(
            status_code(r).await,
            (429, "too_many_login_attempts".into()),
            "{path}"
        );
    }
    let r = app.owner(Method::GET, "/v1/schema").send().await.unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn auth_sensitive_operations_need_a_recent_reauth() {
    let config = AccountsConfig {
        reauth_window_ms: 3_000,
        ..AccountsConfig::default()
    };
    let app = spawn_app_full(Limits::default(), config).await;
    let staff = enrolled(&app, "ani@tokomaju.id", "owner").await;
    let secret = staff.secret.as_ref().unwrap();
    let create_key = || {
        bearer(&app, Method::POST, "/v1/api-keys", &staff.session)
            .json(&json!({"role": "app", "purposes": ["service"], "expires_in_days": 7}))
            .send()
    };
    let create_admin = |email: &'static str| {
        bearer(&app, Method::POST, "/v1/users", &staff.session)
            .json(&json!({"email": email, "role": "admin"}))
            .send()
    };
    // Right after login the session counts as recently authenticated.
    assert_eq!(create_key().await.unwrap().status(), 201);

    tokio::time::sleep(Duration::from_millis(3_200)).await;
    let refused = [
        create_key().await.unwrap(),
        create_admin("admin@tokomaju.id").await.unwrap(),
        bearer(
            &app,
            Method::POST,
            "/v1/api-keys/revoke-all",
            &staff.session,
        )
        .send()
        .await
        .unwrap(),
        bearer(
            &app,
            Method::POST,
            "/v1/auth/recovery-codes",
            &staff.session,
        )
        .send()
        .await
        .unwrap(),
    ];
    for r in refused {
        assert_eq!(status_code(r).await, (403, "reauth_required".into()));
    }
    // A role without administrative rights needs no re-auth to be created.
    let r = bearer(&app, Method::POST, "/v1/users", &staff.session)
        .json(&json!({"email": "cs@tokomaju.id", "role": "support"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    // An API key is a machine with no password to confirm: not asked.
    let r = app
        .owner(Method::POST, "/v1/api-keys")
        .json(&json!({"role": "app", "purposes": ["service"], "expires_in_days": 7}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);

    // A wrong password or a missing code does not count as a re-auth.
    let r = bearer(&app, Method::POST, "/v1/auth/reauth", &staff.session)
        .json(&json!({"password": "not my password at all"}))
        .send()
        .await
        .unwrap();
    assert_eq!(status_code(r).await, (401, "invalid_credentials".into()));
    let r = bearer(&app, Method::POST, "/v1/auth/reauth", &staff.session)
        .json(&json!({"password": STRONG}))
        .send()
        .await
        .unwrap();
    assert_eq!(status_code(r).await, (401, "invalid_code".into()));
    let r = bearer(&app, Method::POST, "/v1/auth/reauth", &staff.session)
        .json(&json!({"password": STRONG, "code": code(secret, 30)}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let info: Value = r.json().await.unwrap();
    assert_eq!(
        info["reauth_valid_until"].as_i64().unwrap() - info["reauth_at"].as_i64().unwrap(),
        3_000
    );
    assert_eq!(create_key().await.unwrap().status(), 201);
    let r = create_admin("admin@tokomaju.id").await.unwrap();
    assert_eq!(r.status(), 201);
    let created: Value = r.json().await.unwrap();
    assert_eq!(created["role"], "admin");
    assert!(created["enrolment_token"]
        .as_str()
        .unwrap()
        .starts_with("gbs_"));
}
