//! Shared steps of the staff-login tests: make an account with the account service,
//! enrol it through the API (confirming TOTP where the role needs it), log in, and
//! compute authenticator codes.

#![allow(dead_code)]

use gembok_core::accounts::AccountsConfig;
use gembok_core::staff::throttle::ThrottlePolicy;
use gembok_core::staff::totp::TotpSecret;
use gembok_core::Actor;
use reqwest::{Method, Response};
use serde_json::{json, Value};

use crate::common::*;

/// A password every policy accepts.
pub const STRONG: &str = "kopi tubruk di teras rumah nenek";

/// A person with a session.
pub struct Staff {
    pub id: String,
    pub email: String,
    pub session: String,
    pub csrf: String,
    pub secret: Option<TotpSecret>,
    pub recovery_codes: Vec<String>,
}

/// A throttle that never gets in the way.
pub fn lenient_throttle() -> ThrottlePolicy {
    ThrottlePolicy {
        free_failures: 100_000,
        first_delay_ms: 1,
        max_delay_ms: 1,
        lock_after: 1_000_000,
    }
}

/// Account settings with the given throttle.
pub fn with_throttle(throttle: ThrottlePolicy) -> AccountsConfig {
    AccountsConfig {
        throttle,
        ..AccountsConfig::default()
    }
}

/// The code the authenticator shows `offset` seconds from now.
pub fn code(secret: &TotpSecret, offset: i64) -> String {
    let t = u64::try_from(now_ms() / 1000 + offset).unwrap();
    secret.current_code(t).to_string()
}

/// A six-digit code that is wrong now (not within a step either way).
pub fn wrong_code(secret: &TotpSecret) -> String {
    let valid: Vec<String> = [-30, 0, 30, 60].iter().map(|&o| code(secret, o)).collect();
    (0..)
        .map(|i| format!("{:06}", (123_457 + i * 7_919) % 1_000_000))
        .find(|c| !valid.contains(c))
        .unwrap()
}

/// POST without credentials.
pub async fn post(app: &App, path: &str, body: Value) -> Response {
    app.req(Method::POST, path, None)
        .json(&body)
        .send()
        .await
        .unwrap()
}

/// POST without credentials, expecting 200 and a JSON body.
pub async fn post_ok(app: &App, path: &str, body: Value) -> Value {
    let r = post(app, path, body).await;
    let status = r.status();
    let text = r.text().await.unwrap();
    assert_eq!(status, 200, "{path}: {text}");
    serde_json::from_str(&text).unwrap()
}

/// `(status, error code)` of a response.
pub async fn status_code(r: Response) -> (u16, String) {
    let status = r.status().as_u16();
    (status, error_code(r).await)
}

/// A pending account made directly with the account service: `(id, enrolment token)`.
pub fn create_account(app: &App, email: &str, role: &str) -> (String, String) {
    let created = app
        .accounts
        .create(&Actor::system(), email, role, now_ms())
        .unwrap();
    (
        created.info.id.to_string(),
        created.enrolment_token.expose().to_owned(),
    )
}

fn staff_from(id: String, email: &str, session: &Value, secret: Option<TotpSecret>) -> Staff {
    Staff {
        id,
        email: email.to_owned(),
        session: session["session"].as_str().unwrap().to_owned(),
        csrf: session["csrf_token"].as_str().unwrap().to_owned(),
        secret,
        recovery_codes: session["recovery_codes"]
            .as_array()
            .map(|a| a.iter().map(|c| c.as_str().unwrap().to_owned()).collect())
            .unwrap_or_default(),
    }
}

/// Create an account of `role` and enrol it through the API; roles that need 2FA
/// confirm their authenticator with the current code.
pub async fn enrolled(app: &App, email: &str, role: &str) -> Staff {
    let (id, token) = create_account(app, email, role);
    let answer = post_ok(
        app,
        "/v1/auth/enrol",
        json!({"token": token, "password": STRONG}),
    )
    .await;
    if answer.get("session").is_some() {
        return staff_from(id, email, &answer, None);
    }
    let uri = answer["totp_uri"].as_str().expect("a TOTP enrolment");
    let secret = TotpSecret::from_otpauth_uri(uri).unwrap();
    let session = post_ok(
        app,
        "/v1/auth/2fa",
        json!({"challenge": answer["challenge"], "code": code(&secret, 0)}),
    )
    .await;
    staff_from(id, email, &session, Some(secret))
}

/// Log in with the password, then (if asked) with the code `offset` seconds ahead.
pub async fn login(app: &App, staff: &Staff, offset: i64) -> Value {
    let answer = post_ok(
        app,
        "/v1/auth/login",
        json!({"email": staff.email, "password": STRONG}),
    )
    .await;
    if answer.get("session").is_some() {
        return answer;
    }
    let secret = staff
        .secret
        .as_ref()
        .expect("a 2FA challenge needs a secret");
    post_ok(
        app,
        "/v1/auth/2fa",
        json!({"challenge": answer["challenge"], "code": code(secret, offset)}),
    )
    .await
}

/// A password login that must end in a 2FA challenge; returns the challenge.
pub async fn challenge(app: &App, email: &str) -> String {
    let answer = post_ok(
        app,
        "/v1/auth/login",
        json!({"email": email, "password": STRONG}),
    )
    .await;
    assert_eq!(answer["second_factor"], "totp", "{answer}");
    assert!(answer.get("session").is_none());
    answer["challenge"].as_str().unwrap().to_owned()
}

/// A request with a session token as bearer.
pub fn bearer(app: &App, method: Method, path: &str, session: &str) -> reqwest::RequestBuilder {
    app.req(method, path, Some(session))
}

/// A request with a session cookie (and no Authorization header).
pub fn cookie(app: &App, method: Method, path: &str, session: &str) -> reqwest::RequestBuilder {
    app.client
        .request(method, app.url(path))
        .header("cookie", format!("__Host-gembok_session={session}"))
}
