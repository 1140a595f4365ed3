//! Staff login through the API: the owner's enrolment with TOTP and recovery codes, a
//! login with a challenge, recovery codes used once, replayed codes refused; no session
//! for an admin role without 2FA; weak passwords refused with a reason. What a session
//! does once issued is in `auth_sessions`.

use reqwest::Method;
use serde_json::{json, Value};

use crate::auth_support::*;
use crate::common::*;

#[tokio::test]
async fn auth_owner_enrols_with_totp_then_logs_in_with_codes() {
    let app = spawn_app().await;
    let (id, token) = create_account(&app, "ani@tokomaju.id", "owner");

    // Enrolment: a TOTP enrolment, no session yet.
    let r = post(
        &app,
        "/v1/auth/enrol",
        json!({"token": token, "password": STRONG}),
    )
    .await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");
    assert!(r.headers().get("set-cookie").is_none());
    let enrolment: Value = r.json().await.unwrap();
    assert!(enrolment.get("session").is_none(), "{enrolment}");
    let uri = enrolment["totp_uri"].as_str().unwrap();
    assert!(uri.starts_with("otpauth://totp/"), "{uri}");
    assert!(enrolment["qr_svg"].as_str().unwrap().contains("<svg"));
    let secret = gembok_core::staff::totp::TotpSecret::from_otpauth_uri(uri).unwrap();

    // A wrong code does not confirm it; the right one does, with ten recovery codes.
    let r = post(
        &app,
        "/v1/auth/2fa",
        json!({"challenge": enrolment["challenge"], "code": wrong_code(&secret)}),
    )
    .await;
    assert_eq!(status_code(r).await, (401, "invalid_code".into()));
    let session = post_ok(
        &app,
        "/v1/auth/2fa",
        json!({"challenge": enrolment["challenge"], "code": code(&secret, 0)}),
    )
    .await;
    assert_eq!(session["account"], id.as_str());
    assert_eq!(session["role"], "owner");
    let recovery: Vec<String> = session["recovery_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(recovery.len(), 10);
    let token = session["session"].as_str().unwrap();
    assert!(token.starts_with("gbs_"));
    let r = bearer(&app, Method::GET, "/v1/auth/me", token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let me: Value = r.json().await.unwrap();
    assert_eq!(me["account"]["email"], "ani@tokomaju.id");
    assert_eq!(me["account"]["status"], "active");
    assert_eq!(me["account"]["totp_enabled"], true);
    assert_eq!(me["account"]["recovery_codes_left"], 10);

    // Login: password, then a challenge answered with the next code.
    let challenge_id = challenge(&app, "ani@tokomaju.id").await;
    let next = code(&secret, 30);
    let session = post_ok(
        &app,
        "/v1/auth/2fa",
        json!({"challenge": challenge_id, "code": next}),
    )
    .await;
    assert!(session.get("recovery_codes").is_none(), "{session}");
    assert_eq!(session["role"], "owner");

    // The same code again, on a fresh challenge: refused as a replay.
    let challenge_id = challenge(&app, "ani@tokomaju.id").await;
    let r = post(
        &app,
        "/v1/auth/2fa",
        json!({"challenge": challenge_id, "code": next}),
    )
    .await;
    assert_eq!(status_code(r).await, (401, "invalid_code".into()));

    // A recovery code works once.
    let session = post_ok(
        &app,
        "/v1/auth/2fa",
        json!({"challenge": challenge_id, "code": recovery[0]}),
    )
    .await;
    assert!(session["session"].as_str().unwrap().starts_with("gbs_"));
    let challenge_id = challenge(&app, "ani@tokomaju.id").await;
    let r = post(
        &app,
        "/v1/auth/2fa",
        json!({"challenge": challenge_id, "code": recovery[0]}),
    )
    .await;
    assert_eq!(status_code(r).await, (401, "invalid_code".into()));
    let session = post_ok(
        &app,
        "/v1/auth/2fa",
        json!({"challenge": challenge_id, "code": recovery[1]}),
    )
    .await;
    let r = bearer(
        &app,
        Method::GET,
        "/v1/auth/me",
        session["session"].as_str().unwrap(),
    )
    .send()
    .await
    .unwrap();
    let me: Value = r.json().await.unwrap();
    assert_eq!(me["account"]["recovery_codes_left"], 8);

    // The history shows the steps, newest first.
    let r = bearer(&app, Method::GET, "/v1/auth/logins", token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let logins: Value = r.json().await.unwrap();
    let steps: Vec<(&str, &str)> = logins["logins"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["step"].as_str().unwrap(), l["outcome"].as_str().unwrap()))
        .collect();
    assert_eq!(steps[0], ("recovery_code", "success"), "{steps:?}");
    assert!(steps.contains(&("2fa", "failure")), "{steps:?}");
    assert!(steps.contains(&("login", "challenge")), "{steps:?}");
}

#[tokio::test]
async fn auth_admin_without_2fa_gets_no_session() {
    let app = spawn_app().await;
    for role in ["owner", "admin", "dpo"] {
        let email = format!("{role}@tokomaju.id");
        let (_, token) = create_account(&app, &email, role);
        let r = post(
            &app,
            "/v1/auth/enrol",
            json!({"token": token, "password": STRONG}),
        )
        .await;
        assert_eq!(r.status(), 200);
        assert!(r.headers().get("set-cookie").is_none(), "{role}");
        let body: Value = r.json().await.unwrap();
        assert!(body.get("session").is_none(), "{role}: {body}");
        assert!(body["challenge"].is_string() && body["totp_uri"].is_string());
        // Until the authenticator is confirmed, the password alone does nothing.
        let r = post(
            &app,
            "/v1/auth/login",
            json!({"email": email, "password": STRONG}),
        )
        .await;
        assert_eq!(status_code(r).await, (401, "invalid_credentials".into()));
    }
    // A role where 2FA is optional is logged in at once.
    let staff = enrolled(&app, "cs@tokomaju.id", "support").await;
    assert!(staff.secret.is_none() && staff.recovery_codes.is_empty());
}

#[tokio::test]
async fn auth_weak_passwords_are_refused_at_enrolment_with_the_reason() {
    let app = spawn_app().await;
    let (_, token) = create_account(&app, "ani@tokomaju.id", "owner");
    for (password, reason) in [
        ("admin123", "password_too_short"),
        ("password1234567", "password_blocklisted"),
        ("tokomaju tokomaju 2024", "password_contains_personal_word"),
    ] {
        let r = post(
            &app,
            "/v1/auth/enrol",
            json!({"token": token, "password": password}),
        )
        .await;
        assert_eq!(r.status(), 422, "{password}");
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["error"]["code"], reason);
        let en = body["error"]["message"].as_str().unwrap();
        let id = body["error"]["message_id"].as_str().unwrap();
        assert!(!en.is_empty() && !id.is_empty() && en != id, "{body}");
        assert!(id.contains("Kata sandi"), "{id}");
        assert!(!body.to_string().contains(password), "{body}");
    }
    // The token still works with a good password.
    let r = post(
        &app,
        "/v1/auth/enrol",
        json!({"token": token, "password": STRONG}),
    )
    .await;
    assert_eq!(r.status(), 200);
    // A made-up token is refused.
    let r = post(
        &app,
        "/v1/auth/enrol",
        json!({"token": "gbs_made-up", "password": STRONG}),
    )
    .await;
    assert_eq!(status_code(r).await, (401, "invalid_token".into()));
}
