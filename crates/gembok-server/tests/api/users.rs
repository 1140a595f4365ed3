//! Staff accounts administered through the API: created with an enrolment token that
//! the person redeems, listed, re-issued; with the rights of API-key management (no
//! one makes a stronger account than their own role may grant); and the session-only
//! routes refuse API keys.

use reqwest::Method;
use serde_json::{json, Value};

use crate::auth_support::*;
use crate::common::*;

async fn create_user(app: &App, key: &str, email: &str, role: &str) -> reqwest::Response {
    app.req(Method::POST, "/v1/users", Some(key))
        .json(&json!({"email": email, "role": role}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn users_are_created_enrol_and_are_listed() {
    let app = spawn_app().await;
    let r = create_user(&app, &app.owner_key, "Budi@TokoMaju.id", "support").await;
    assert_eq!(r.status(), 201);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let created: Value = r.json().await.unwrap();
    assert_eq!(created["email"], "budi@tokomaju.id");
    assert_eq!(created["role"], "support");
    assert_eq!(created["status"], "pending");
    assert!(created["expires_at"].as_i64().unwrap() > now_ms());
    let id = created["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("usr_"));

    // The same address again, any case: refused; so are bad input and unknown roles.
    let r = create_user(&app, &app.owner_key, "budi@tokomaju.id", "analyst").await;
    assert_eq!(status_code(r).await, (409, "email_taken".into()));
    let r = create_user(&app, &app.owner_key, "not an address", "support").await;
    assert_eq!(status_code(r).await, (422, "invalid_input".into()));
    let r = create_user(&app, &app.owner_key, "x@tokomaju.id", "emperor").await;
    assert_eq!(r.status(), 403, "an unknown role cannot be granted");

    // A lost token is replaced; the new one enrols.
    let r = app
        .owner(Method::POST, &format!("/v1/users/{id}/enrolment-token"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let reissued: Value = r.json().await.unwrap();
    assert_ne!(reissued["enrolment_token"], created["enrolment_token"]);
    let session = post_ok(
        &app,
        "/v1/auth/enrol",
        json!({"token": reissued["enrolment_token"], "password": STRONG}),
    )
    .await;
    assert_eq!(session["account"], id.as_str());
    let r = app
        .owner(Method::POST, &format!("/v1/users/{id}/enrolment-token"))
        .send()
        .await
        .unwrap();
    assert_eq!(status_code(r).await, (409, "conflict".into()));

    let r = app.owner(Method::GET, "/v1/users").send().await.unwrap();
    assert_eq!(r.status(), 200);
    let users: Value = r.json().await.unwrap();
    let users = users["users"].as_array().unwrap();
    assert_eq!(users.len(), 1);
    assert_eq!(users[0]["id"], id.as_str());
    assert_eq!(users[0]["status"], "active");
    assert_eq!(users[0]["locked"], false);
    assert!(
        !users[0].to_string().contains("gbs_"),
        "no token in a listing"
    );

    // Unknown and malformed ids are no account.
    for path in [
        "/v1/users/usr_0000000000000000/unlock",
        "/v1/users/nonsense/unlock",
    ] {
        let r = app.owner(Method::POST, path).send().await.unwrap();
        assert_eq!(r.status(), 404, "{path}");
    }
}

#[tokio::test]
async fn users_rights_follow_key_management() {
    let app = spawn_app().await;
    let admin = app.key("admin");
    let r = create_user(&app, &admin, "boss@tokomaju.id", "owner").await;
    assert_eq!(r.status(), 403, "an admin cannot make an owner");
    let r = create_user(&app, &admin, "cs@tokomaju.id", "support").await;
    assert_eq!(r.status(), 201);
    let id = r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = create_user(&app, &app.owner_key, "boss@tokomaju.id", "owner").await;
    assert_eq!(r.status(), 201);
    let owner_id = r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = app
        .req(
            Method::POST,
            &format!("/v1/users/{owner_id}/unlock"),
            Some(&admin),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "an admin cannot act on an owner account");

    for role in ["app", "support", "analyst"] {
        let key = app.key(role);
        let r = app
            .req(Method::GET, "/v1/users", Some(&key))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "{role}");
        let r = app
            .req(Method::POST, &format!("/v1/users/{id}/unlock"), Some(&key))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "{role}");
    }
    let r = app
        .req(Method::GET, "/v1/users", Some(&admin))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    // A support person's session has support's rights.
    let staff = enrolled(&app, "cs2@tokomaju.id", "support").await;
    let r = bearer(&app, Method::GET, "/v1/users", &staff.session)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
}

#[tokio::test]
async fn users_session_routes_refuse_api_keys() {
    let app = spawn_app().await;
    for (method, path) in [
        (Method::GET, "/v1/auth/me"),
        (Method::GET, "/v1/auth/logins"),
        (Method::POST, "/v1/auth/logout"),
        (Method::POST, "/v1/auth/2fa/enrol"),
        (Method::POST, "/v1/auth/recovery-codes"),
    ] {
        let r = app.owner(method, path).send().await.unwrap();
        assert_eq!(
            status_code(r).await,
            (403, "session_required".into()),
            "{path}"
        );
    }
    // Without any credential they are behind authentication like everything else.
    let r = app
        .req(Method::GET, "/v1/auth/me", None)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
}
