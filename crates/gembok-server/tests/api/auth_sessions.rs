//! Staff sessions once issued: the same session as bearer token and as cookie with its
//! flags; CSRF tokens for cookie requests that change state; idle expiry and logout,
//! with refused sessions audited. How a session is obtained is in `auth`.

use std::time::Duration;

use gembok_core::accounts::AccountsConfig;
use gembok_core::staff::session::SessionPolicy;
use reqwest::Method;
use serde_json::{json, Value};

use crate::audit::all_events;
use crate::auth_support::*;
use crate::common::*;

#[tokio::test]
async fn auth_session_works_as_bearer_and_as_cookie_with_strict_flags() {
    let app = spawn_app().await;
    let (_, token) = create_account(&app, "cs@tokomaju.id", "support");
    let r = post(
        &app,
        "/v1/auth/enrol",
        json!({"token": token, "password": STRONG}),
    )
    .await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let set_cookie = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    let body: Value = r.json().await.unwrap();
    let session = body["session"].as_str().unwrap();
    assert!(body["csrf_token"].as_str().unwrap().starts_with("gbs_"));
    assert!(body["idle_expires_at"].as_i64().unwrap() < body["expires_at"].as_i64().unwrap());

    let parts: Vec<&str> = set_cookie.split(';').map(str::trim).collect();
    assert_eq!(parts[0], format!("__Host-gembok_session={session}"));
    for flag in ["Path=/", "Secure", "HttpOnly", "SameSite=Strict"] {
        assert!(parts.contains(&flag), "{flag} missing: {set_cookie}");
    }
    assert!(!set_cookie.to_ascii_lowercase().contains("domain"));
    let max_age: i64 = parts
        .iter()
        .find_map(|p| p.strip_prefix("Max-Age="))
        .unwrap()
        .parse()
        .unwrap();
    // The absolute lifetime (12 hours by default), not the idle one.
    assert!((12 * 3600 - 60..=12 * 3600).contains(&max_age), "{max_age}");

    for r in [
        bearer(&app, Method::GET, "/v1/auth/me", session),
        cookie(&app, Method::GET, "/v1/auth/me", session),
    ] {
        let r = r.send().await.unwrap();
        assert_eq!(r.status(), 200);
        let me: Value = r.json().await.unwrap();
        assert_eq!(me["account"]["role"], "support");
    }
    // A session is a principal of its role: support reads the schema, cannot list keys.
    let r = bearer(&app, Method::GET, "/v1/schema", session)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = cookie(&app, Method::GET, "/v1/api-keys", session)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // Without the prefix the cookie is not ours.
    let r = app
        .client
        .get(app.url("/v1/auth/me"))
        .header("cookie", format!("gembok_session={session}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
}

#[tokio::test]
async fn auth_cookie_requests_that_change_state_need_the_csrf_token() {
    let app = spawn_app().await;
    let staff = enrolled(&app, "cs@tokomaju.id", "support").await;
    let path = "/v1/auth/2fa/enrol";

    let r = cookie(&app, Method::POST, path, &staff.session)
        .send()
        .await
        .unwrap();
    assert_eq!(status_code(r).await, (403, "csrf_failed".into()));
    let r = cookie(&app, Method::POST, path, &staff.session)
        .header("x-csrf-token", "gbs_not-the-token")
        .send()
        .await
        .unwrap();
    assert_eq!(status_code(r).await, (403, "csrf_failed".into()));
    // Another session's CSRF token does not fit this one.
    let other = login(&app, &staff, 0).await;
    let r = cookie(&app, Method::POST, path, &staff.session)
        .header("x-csrf-token", other["csrf_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(status_code(r).await, (403, "csrf_failed".into()));

    let r = cookie(&app, Method::POST, path, &staff.session)
        .header("x-csrf-token", &staff.csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let body: Value = r.json().await.unwrap();
    assert!(body["totp_uri"].is_string());
    // A bearer token is no ambient credential: no CSRF token needed.
    let r = bearer(&app, Method::POST, path, &staff.session)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    // The CSRF refusals were audited as refused credentials.
    let mut codes = Vec::new();
    for _ in 0..50 {
        codes = all_events(&app, &app.owner_key, "action=auth.failed", None)
            .await
            .iter()
            .map(|e| e["code"].as_str().unwrap_or_default().to_owned())
            .collect();
        if codes.iter().filter(|c| *c == "csrf_failed").count() >= 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        codes.iter().filter(|c| *c == "csrf_failed").count(),
        3,
        "{codes:?}"
    );
}

#[tokio::test]
async fn auth_sessions_end_when_idle_and_at_logout() {
    let config = AccountsConfig {
        session: SessionPolicy {
            idle_ms: 1_500,
            absolute_ms: 60_000,
        },
        ..AccountsConfig::default()
    };
    let app = spawn_app_full(gembok_server::Limits::default(), config).await;
    let staff = enrolled(&app, "cs@tokomaju.id", "support").await;
    let r = bearer(&app, Method::GET, "/v1/auth/me", &staff.session)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    tokio::time::sleep(Duration::from_millis(2_000)).await;
    let r = bearer(&app, Method::GET, "/v1/auth/me", &staff.session)
        .send()
        .await
        .unwrap();
    assert_eq!(status_code(r).await, (401, "invalid_session".into()));

    // Logout by cookie (with its CSRF token) revokes the session and clears the cookie.
    let r = post(
        &app,
        "/v1/auth/login",
        json!({"email": staff.email, "password": STRONG}),
    )
    .await;
    let set_cookie = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(set_cookie.contains("Max-Age=60"), "{set_cookie}");
    let session: Value = r.json().await.unwrap();
    let token = session["session"].as_str().unwrap();
    let r = cookie(&app, Method::POST, "/v1/auth/logout", token)
        .header("x-csrf-token", session["csrf_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let cleared = r.headers()["set-cookie"].to_str().unwrap();
    assert!(
        cleared.starts_with("__Host-gembok_session=;") && cleared.contains("Max-Age=0"),
        "{cleared}"
    );
    for r in [
        bearer(&app, Method::GET, "/v1/auth/me", token),
        cookie(&app, Method::GET, "/v1/auth/me", token),
    ] {
        assert_eq!(
            status_code(r.send().await.unwrap()).await,
            (401, "invalid_session".into())
        );
    }
    // And by bearer.
    let session = login(&app, &staff, 0).await;
    let token = session["session"].as_str().unwrap();
    let r = bearer(&app, Method::POST, "/v1/auth/logout", token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let r = bearer(&app, Method::GET, "/v1/auth/me", token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);

    // Dead and made-up sessions are audited like refused keys.
    let r = bearer(&app, Method::GET, "/v1/auth/me", "gbs_made-up")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let mut seen = 0;
    for _ in 0..50 {
        seen = all_events(&app, &app.owner_key, "action=auth.failed", None)
            .await
            .iter()
            .filter(|e| e["code"] == "invalid_session")
            .count();
        if seen >= 5 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(seen, 5);
}
