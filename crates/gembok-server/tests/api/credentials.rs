//! Customers' credentials over the API: TOTP enrolment, verification of passwords and
//! codes (right, wrong, replayed), secrets never shown by reads, refusal of
//! caller-chosen secrets, and the lockout sequence (429, then 423) with its unlock.

use aws_lc_rs::hmac;
use gembok_core::staff::throttle::ThrottlePolicy;
use gembok_core::{Actor, DEFAULT_SCHEMA};
use gembok_types::values::Totp;
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::*;

const PASSWORD: &str = "kopi-gayo-pagi-hari";

/// A server whose customers also have a `totp` field, and one customer with a password.
async fn app_with_totp() -> (App, String) {
    let app = spawn_app().await;
    let schema = format!(
        "{DEFAULT_SCHEMA}\n[collections.customers.fields.totp]\ntype = \"totp\"\n\
         class = \"account\"\npurposes = [\"authentication\"]\n"
    );
    app.vault
        .apply_schema(&Actor::system(), &schema, false)
        .unwrap();
    let mut body = customer();
    body["password"] = json!(PASSWORD);
    let id = app.create_customer(body).await;
    (app, id)
}

fn field_path(id: &str, field: &str, rest: &str) -> String {
    format!("/v1/collections/customers/records/{id}/fields/{field}/{rest}")
}

/// RFC 6238 (HMAC-SHA-1, 6 digits, 30 s) computed here, independently of the vault.
fn code_now(uri: &str) -> String {
    let base32 = uri
        .split("secret=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap();
    let secret = Totp::parse(base32).unwrap().secret_bytes();
    let step = u64::try_from(now_ms() / 1000).unwrap() / 30;
    let key = hmac::Key::new(hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, &secret);
    let mac = hmac::sign(&key, &step.to_be_bytes());
    let h = mac.as_ref();
    let at = usize::from(h[19] & 0x0f);
    let bin = u32::from_be_bytes([h[at] & 0x7f, h[at + 1], h[at + 2], h[at + 3]]);
    format!("{:06}", bin % 1_000_000)
}

async fn enrol(app: &App, id: &str, body: Option<Value>) -> Value {
    let mut req = app.owner(Method::POST, &field_path(id, "totp", "totp/enrol"));
    if let Some(b) = body {
        req = req.json(&b);
    }
    let r = req.send().await.unwrap();
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

async fn verify(app: &App, key: &str, id: &str, field: &str, body: Value) -> reqwest::Response {
    app.req(Method::POST, &field_path(id, field, "verify"), Some(key))
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn valid(r: reqwest::Response) -> bool {
    assert_eq!(r.status(), 200);
    r.json::<Value>().await.unwrap()["valid"].as_bool().unwrap()
}

#[tokio::test]
async fn enrolment_gives_an_otpauth_uri_and_reads_never_show_secrets() {
    let (app, id) = app_with_totp().await;
    let out = enrol(&app, &id, None).await;
    let uri = out["totp_uri"].as_str().unwrap();
    assert!(uri.starts_with("otpauth://totp/Gembok:"), "{uri}");
    assert!(uri.contains("&algorithm=SHA1&digits=6&period=30"), "{uri}");
    assert!(out["qr_svg"].as_str().unwrap().contains("<svg"));
    let labelled = enrol(
        &app,
        &id,
        Some(json!({"issuer": "Toko Kopi", "account": "siti"})),
    )
    .await;
    let uri = labelled["totp_uri"].as_str().unwrap();
    assert!(
        uri.starts_with("otpauth://totp/Toko%20Kopi:siti?secret="),
        "{uri}"
    );
    let secret = uri
        .split("secret=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap();

    let r = app
        .owner(
            Method::GET,
            &format!("/v1/collections/customers/records/{id}"),
        )
        .header(PURPOSE, "authentication")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let text = r.text().await.unwrap();
    let rec: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(rec["fields"]["totp"], "********");
    assert_eq!(rec["fields"]["password"], "********");
    assert!(!text.contains(secret) && !text.contains("argon2") && !text.contains(PASSWORD));

    // A caller cannot choose the secret.
    let r = app
        .owner(
            Method::PATCH,
            &format!("/v1/collections/customers/records/{id}"),
        )
        .json(&json!({"totp": secret}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    assert!(
        body.contains("totp.enrol_only") && !body.contains(secret),
        "{body}"
    );
}

#[tokio::test]
async fn verify_right_wrong_and_replayed() {
    let (app, id) = app_with_totp().await;
    let key = app.key("app");
    assert!(valid(verify(&app, &key, &id, "password", json!({"value": PASSWORD})).await).await);
    assert!(!valid(verify(&app, &key, &id, "password", json!({"value": "salah"})).await).await);

    let uri = enrol(&app, &id, None).await["totp_uri"]
        .as_str()
        .unwrap()
        .to_owned();
    let code = code_now(&uri);
    assert!(valid(verify(&app, &key, &id, "totp", json!({"code": code})).await).await);
    assert!(
        !valid(verify(&app, &key, &id, "totp", json!({"code": code})).await).await,
        "a code counts once"
    );

    let both = verify(&app, &key, &id, "totp", json!({"code": code, "value": "x"})).await;
    assert_eq!(both.status(), 400);
    let wrong_kind = verify(&app, &key, &id, "totp", json!({"value": PASSWORD})).await;
    assert_eq!(wrong_kind.status(), 422);
    let analyst = app.key("analyst");
    let r = verify(&app, &analyst, &id, "password", json!({"value": PASSWORD})).await;
    assert_eq!(r.status(), 403);
}

#[tokio::test]
async fn lockout_answers_429_then_423_until_an_admin_unlocks() {
    let (app, id) = app_with_totp().await;
    app.vault.set_credential_throttle(ThrottlePolicy {
        free_failures: 2,
        first_delay_ms: 1_000,
        max_delay_ms: 1_000,
        lock_after: 4,
    });
    let key = app.key("app");
    let wrong = || json!({"value": "salah"});
    for _ in 0..3 {
        assert!(!valid(verify(&app, &key, &id, "password", wrong()).await).await);
    }
    // Checked before the password is: even the right one waits.
    let r = verify(&app, &key, &id, "password", json!({"value": PASSWORD})).await;
    assert_eq!(r.status(), 429);
    assert_eq!(r.headers()["retry-after"], "1");
    assert_eq!(error_code(r).await, "too_many_attempts");

    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    assert!(!valid(verify(&app, &key, &id, "password", wrong()).await).await);
    let r = verify(&app, &key, &id, "password", json!({"value": PASSWORD})).await;
    assert_eq!(r.status(), 423);
    assert_eq!(error_code(r).await, "credential_locked");

    let unlock = field_path(&id, "password", "unlock");
    let r = app
        .req(Method::POST, &unlock, Some(&key))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "the guessing key cannot lift the lock");
    let r = app.owner(Method::POST, &unlock).send().await.unwrap();
    assert_eq!(r.status(), 204);
    assert!(valid(verify(&app, &key, &id, "password", json!({"value": PASSWORD})).await).await);

    let events = app.vault.audit().events_after(0, 10_000).unwrap();
    let has = |action: &str| events.iter().any(|e| e.event.action == action);
    assert!(has("credential.lock") && has("credential.unlock"));
    for e in &events {
        let body = String::from_utf8(e.event.encode()).unwrap();
        assert!(
            !body.contains(PASSWORD) && !body.contains("salah"),
            "{body}"
        );
    }
}
