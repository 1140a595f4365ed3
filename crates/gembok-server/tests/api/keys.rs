//! Credentials: missing, malformed, expired, rotated out, revoked, from a refused
//! address, in the URL; and key-level restrictions of collections and purposes.

use gembok_core::apikeys::ApiKeySpec;
use gembok_core::Actor;
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::*;

const HOUR: i64 = 3_600_000;
const DAY: i64 = 24 * HOUR;

async fn status_and_code(app: &App, key: Option<&str>) -> (u16, String) {
    let r = app
        .req(Method::GET, "/v1/schema", key)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    if status == 401 {
        assert_eq!(r.headers()["www-authenticate"], "Bearer");
    }
    (status, error_code(r).await)
}

#[tokio::test]
async fn missing_malformed_and_wrong_scheme_are_401() {
    let app = spawn_app().await;
    assert_eq!(
        status_and_code(&app, None).await,
        (401, "unauthorized".into())
    );
    assert_eq!(
        status_and_code(&app, Some("gembok_notakey")).await,
        (401, "invalid_api_key".into())
    );
    // A well-formed key that was never issued: shape and checksum pass, lookup fails.
    let other = spawn_app().await;
    assert_eq!(
        status_and_code(&app, Some(&other.owner_key)).await,
        (401, "invalid_api_key".into())
    );
    let r = app
        .client
        .get(app.url("/v1/schema"))
        .basic_auth("owner", Some(&app.owner_key))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
}

#[tokio::test]
async fn expired_rotated_out_and_revoked_keys_are_refused() {
    let app = spawn_app().await;
    let now = now_ms();
    let mut one_day = spec("app");
    one_day.expires_in_days = 1;
    let expired = app
        .keys
        .create(&Actor::system(), &one_day, now - 2 * DAY)
        .unwrap();
    assert_eq!(
        status_and_code(&app, Some(expired.expose())).await,
        (401, "api_key_expired".into())
    );

    // Rotated two hours ago with one hour of grace: the old key is out, the new one in.
    let old = app
        .keys
        .create(&Actor::system(), &spec("app"), now - 3 * HOUR)
        .unwrap();
    let new = app
        .keys
        .rotate(&Actor::system(), &old.id, 1, now - 2 * HOUR)
        .unwrap();
    assert_eq!(status_and_code(&app, Some(old.expose())).await.0, 401);
    assert_eq!(status_and_code(&app, Some(new.expose())).await.0, 200);

    let revoked = app
        .keys
        .create(&Actor::system(), &spec("app"), now)
        .unwrap();
    assert_eq!(status_and_code(&app, Some(revoked.expose())).await.0, 200);
    app.keys
        .revoke(&Actor::system(), &revoked.id, now_ms())
        .unwrap();
    assert_eq!(
        status_and_code(&app, Some(revoked.expose())).await,
        (401, "api_key_revoked".into())
    );
}

#[tokio::test]
async fn ip_allowlist_is_enforced_against_the_peer_address() {
    let app = spawn_app().await;
    let far = ApiKeySpec {
        allow_ips: vec!["10.0.0.0/8".into()],
        ..spec("app")
    };
    let far = app.keys.create(&Actor::system(), &far, now_ms()).unwrap();
    assert_eq!(
        status_and_code(&app, Some(far.expose())).await,
        (403, "ip_not_allowed".into())
    );
    // A forwarded-for header does not help: proxies are not trusted.
    let r = app
        .req(Method::GET, "/v1/schema", Some(far.expose()))
        .header("x-forwarded-for", "10.1.2.3")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let near = ApiKeySpec {
        allow_ips: vec!["127.0.0.0/8".into()],
        ..spec("app")
    };
    let near = app.keys.create(&Actor::system(), &near, now_ms()).unwrap();
    assert_eq!(status_and_code(&app, Some(near.expose())).await.0, 200);
}

#[tokio::test]
async fn keys_in_the_url_are_refused() {
    let app = spawn_app().await;
    let queries = [
        format!("api_key={}", app.owner_key),
        format!("x={}", app.owner_key),
        "access_token=abc".to_owned(),
        "TOKEN=abc".to_owned(),
    ];
    for q in queries {
        // Even with valid credentials in the header.
        let r = app
            .owner(Method::GET, &format!("/v1/schema?{q}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "{q}");
        assert_eq!(error_code(r).await, "credentials_in_url");
        let r = app
            .req(Method::GET, &format!("/healthz?{q}"), None)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "{q}");
    }
    let r = app
        .owner(Method::GET, &format!("/v1/api-keys/{}/x", app.owner_key))
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(r).await, "credentials_in_url");
}

#[tokio::test]
async fn key_restrictions_narrow_the_role() {
    let app = spawn_app().await;
    let id = app.create_customer(customer()).await;
    let orders_only = ApiKeySpec {
        collections: Some(vec!["orders".into()]),
        ..spec("app")
    };
    let orders_only = app
        .keys
        .create(&Actor::system(), &orders_only, now_ms())
        .unwrap();
    let r = app
        .req(
            Method::POST,
            "/v1/collections/customers/records",
            Some(orders_only.expose()),
        )
        .json(&customer())
        .send()
        .await
        .unwrap();
    assert_eq!(
        (r.status().as_u16(), error_code(r).await.as_str()),
        (403, "forbidden")
    );

    let shipping = ApiKeySpec {
        purposes: Some(vec!["shipping".into()]),
        ..spec("app")
    };
    let shipping = app
        .keys
        .create(&Actor::system(), &shipping, now_ms())
        .unwrap();
    let path = format!("/v1/collections/customers/records/{id}");
    let r = app
        .req(Method::GET, &path, Some(shipping.expose()))
        .header(PURPOSE, "service")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = app
        .req(Method::GET, &path, Some(shipping.expose()))
        .header(PURPOSE, "shipping")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let rec: Value = r.json().await.unwrap();
    assert!(rec["fields"].get("address").is_some());
    assert!(
        rec["fields"].get("email").is_none(),
        "email is not for shipping"
    );

    // A restricted key cannot mint an unrestricted one.
    let admin_orders = ApiKeySpec {
        collections: Some(vec!["orders".into()]),
        ..spec("admin")
    };
    let admin_orders = app
        .keys
        .create(&Actor::system(), &admin_orders, now_ms())
        .unwrap();
    let r = app
        .req(Method::POST, "/v1/api-keys", Some(admin_orders.expose()))
        .json(&json!({"role": "app", "expires_in_days": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // And an admin cannot mint an owner key.
    let admin = app.key("admin");
    let r = app
        .req(Method::POST, "/v1/api-keys", Some(&admin))
        .json(&json!({"role": "owner", "expires_in_days": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
}
