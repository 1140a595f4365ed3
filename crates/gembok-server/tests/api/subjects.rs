//! Data-subject rights over the API: erasure reaches every collection and is refused
//! to the wrong callers and under a legal hold; restriction and consent decide reads;
//! the report holds exactly the subject's records and its access history.

use gembok_core::apikeys::ApiKeySpec;
use gembok_core::Actor;
use reqwest::{Method, Response};
use serde_json::{json, Value};

use crate::common::*;

async fn read(app: &App, key: &str, collection: &str, id: &str, purpose: &str) -> Response {
    app.req(
        Method::GET,
        &format!("/v1/collections/{collection}/records/{id}"),
        Some(key),
    )
    .header(PURPOSE, purpose)
    .send()
    .await
    .unwrap()
}

async fn erase(app: &App, key: &str, subject: &str) -> Response {
    app.req(
        Method::POST,
        &format!("/v1/subjects/{subject}/erase"),
        Some(key),
    )
    .json(&json!({"purpose": "dpo"}))
    .send()
    .await
    .unwrap()
}

async fn status_and_code(r: Response) -> (u16, String) {
    (r.status().as_u16(), error_code(r).await)
}

/// A customer with an order and an event; `(customer, order, event)`.
async fn subject_with_records(app: &App, email: &str) -> (String, String, String) {
    let mut c = customer();
    c["email"] = json!(email);
    let id = app.create_customer(c).await;
    let order = create_in(
        app,
        "orders",
        json!({"customer": id, "amount": {"amount": 150000, "currency": "IDR"}, "items": "2x kopi"}),
    )
    .await;
    let event = create_in(
        app,
        "events",
        json!({"customer": id, "action": "checkout", "detail": "paid with QRIS"}),
    )
    .await;
    (id, order, event)
}

#[tokio::test]
async fn erasure_removes_every_record_and_is_refused_to_the_wrong_callers() {
    let app = spawn_app().await;
    let email = "erase.me@example.co.id";
    let (id, order, event) = subject_with_records(&app, email).await;
    let (other, other_order, _) = subject_with_records(&app, "stays@example.co.id").await;

    let support = app.key("support");
    assert_eq!(
        status_and_code(erase(&app, &support, &id).await).await,
        (403, "forbidden".to_owned())
    );
    let narrowed = ApiKeySpec {
        collections: Some(vec!["customers".into(), "orders".into(), "events".into()]),
        ..spec("owner")
    };
    let narrowed = app
        .keys
        .create(&Actor::system(), &narrowed, now_ms())
        .unwrap();
    assert_eq!(
        erase(&app, narrowed.expose(), &id).await.status(),
        403,
        "a key narrowed to some collections may not erase whole subjects"
    );
    assert_eq!(app.count("customers"), 2, "nothing erased by refused calls");

    let dpo = app.key("dpo");
    let r = erase(&app, &dpo, &id).await;
    assert_eq!(r.status(), 200);
    let report: Value = r.json().await.unwrap();
    assert_eq!(report["subject"], id);
    assert_eq!(
        report["records"],
        json!({"customers": 1, "orders": 1, "events": 1})
    );
    assert_eq!(report["total"], 3);
    assert!(report["erased_at"].as_i64().unwrap() > 0);

    let owner = app.owner_key.clone();
    for (collection, rid, purpose) in [
        ("customers", &id, "service"),
        ("orders", &order, "service"),
        ("events", &event, "analytics"),
    ] {
        let r = read(&app, &owner, collection, rid, purpose).await;
        assert_eq!(r.status(), 404, "{collection} record still there");
    }
    let r = app
        .owner(Method::POST, "/v1/collections/customers/search")
        .header(PURPOSE, "service")
        .json(&json!({"field": "email", "value": email}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["records"], json!([]));
    let r = app
        .owner(Method::GET, &format!("/v1/subjects/{id}/report"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);

    // The other customer is untouched.
    assert_eq!(
        read(&app, &owner, "customers", &other, "service")
            .await
            .status(),
        200
    );
    assert_eq!(
        read(&app, &owner, "orders", &other_order, "service")
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn a_legal_hold_blocks_erasure_until_released() {
    let app = spawn_app().await;
    let (id, _, _) = subject_with_records(&app, "held@example.co.id").await;
    let hold = |value: Value| {
        app.owner(Method::PUT, &format!("/v1/subjects/{id}/hold"))
            .json(&json!({ "hold": value }))
            .send()
    };
    let r = hold(json!("case-12")).await.unwrap();
    assert_eq!(r.status(), 200);
    let state: Value = r.json().await.unwrap();
    assert_eq!(state["hold"]["reason"], "case-12");

    let r = erase(&app, &app.owner_key, &id).await;
    assert_eq!(status_and_code(r).await, (409, "legal_hold".to_owned()));
    assert_eq!(app.count("orders"), 1);

    // A hold reason is a case code, never free text that could hold personal data.
    let r = hold(json!("Siti Rahayu's complaint")).await.unwrap();
    assert_eq!(r.status(), 422);

    assert_eq!(hold(Value::Null).await.unwrap().status(), 200);
    assert_eq!(erase(&app, &app.owner_key, &id).await.status(), 200);
    assert_eq!(app.count("orders"), 0);
}

#[tokio::test]
async fn restriction_limits_reads_to_oversight_purposes() {
    let app = spawn_app().await;
    let id = app.create_customer(customer()).await;
    let support = app.key("support");
    let dpo = app.key("dpo");
    let restrict = |on: bool| {
        app.owner(Method::PUT, &format!("/v1/subjects/{id}/restriction"))
            .json(&json!({ "restricted": on }))
            .send()
    };
    assert_eq!(
        read(&app, &support, "customers", &id, "service")
            .await
            .status(),
        200
    );
    let r = restrict(true).await.unwrap();
    assert_eq!(r.status(), 200);
    let state: Value = r.json().await.unwrap();
    assert_eq!(state["restricted"], true);

    let r = read(&app, &support, "customers", &id, "service").await;
    assert_eq!(
        status_and_code(r).await,
        (403, "subject_restricted".to_owned())
    );
    assert_eq!(
        read(&app, &dpo, "customers", &id, "dpo").await.status(),
        200,
        "the DPO's oversight still reads a restricted subject"
    );
    let r = app
        .owner(Method::GET, &format!("/v1/subjects/{id}/state"))
        .send()
        .await
        .unwrap();
    let state: Value = r.json().await.unwrap();
    assert_eq!(state["restricted"], true);
    assert!(state["restricted_since"].as_i64().is_some());

    assert_eq!(restrict(false).await.unwrap().status(), 200);
    assert_eq!(
        read(&app, &support, "customers", &id, "service")
            .await
            .status(),
        200
    );
    // Support may not restrict.
    let r = app
        .req(
            Method::PUT,
            &format!("/v1/subjects/{id}/restriction"),
            Some(&support),
        )
        .json(&json!({"restricted": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
}

#[tokio::test]
async fn consent_decides_reads_for_a_consent_purpose() {
    let app = spawn_app().await;
    let id = app.create_customer(customer()).await;
    let owner = app.owner_key.clone();
    let r = read(&app, &owner, "customers", &id, "marketing").await;
    assert_eq!(
        status_and_code(r).await,
        (403, "consent_required".to_owned())
    );
    // The shop's own sign-up form (an `app` key) records consent.
    let app_key = app.key("app");
    let consent = |granted: bool| {
        app.req(
            Method::POST,
            &format!("/v1/subjects/{id}/consent"),
            Some(&app_key),
        )
        .json(&json!({"purpose": "marketing", "granted": granted, "source": "web_form"}))
        .send()
    };
    let r = consent(true).await.unwrap();
    assert_eq!(r.status(), 200);
    let state: Value = r.json().await.unwrap();
    assert_eq!(state["consented"]["marketing"], true);
    let entry = &state["consents"]["marketing"][0];
    assert_eq!(entry["source"], "web_form");
    assert!(
        entry["notice_version"].as_u64().unwrap() >= 1,
        "the notice version in force is recorded when none is given"
    );
    let r = read(&app, &owner, "customers", &id, "marketing").await;
    assert_eq!(r.status(), 200);
    let rec: Value = r.json().await.unwrap();
    assert!(rec["fields"].get("email").is_some());

    assert_eq!(consent(false).await.unwrap().status(), 200);
    let r = read(&app, &owner, "customers", &id, "marketing").await;
    assert_eq!(
        status_and_code(r).await,
        (403, "consent_required".to_owned())
    );
    // An unknown purpose is refused.
    let r = app
        .owner(Method::POST, &format!("/v1/subjects/{id}/consent"))
        .json(&json!({"purpose": "astrology", "granted": true, "source": "web_form"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
}

#[tokio::test]
async fn a_person_erasing_must_have_confirmed_their_password_recently() {
    use crate::auth_support::{bearer, code, enrolled, status_code, STRONG};
    use gembok_core::accounts::AccountsConfig;
    use gembok_server::Limits;
    use std::time::Duration;

    let config = AccountsConfig {
        reauth_window_ms: 2_500,
        ..AccountsConfig::default()
    };
    let app = spawn_app_full(Limits::default(), config).await;
    let (id, _, _) = subject_with_records(&app, "reauth@example.co.id").await;
    let dpo = enrolled(&app, "dpo@tokomaju.id", "dpo").await;
    let support = enrolled(&app, "cs@tokomaju.id", "support").await;
    let erase_as = |session: &str| {
        bearer(
            &app,
            Method::POST,
            &format!("/v1/subjects/{id}/erase"),
            session,
        )
        .json(&json!({"purpose": "dpo"}))
        .send()
    };
    tokio::time::sleep(Duration::from_millis(2_700)).await;
    let r = erase_as(&support.session).await.unwrap();
    assert_eq!(
        status_code(r).await,
        (403, "forbidden".into()),
        "no right: refused before any talk of re-auth"
    );
    let r = erase_as(&dpo.session).await.unwrap();
    assert_eq!(status_code(r).await, (403, "reauth_required".into()));
    assert_eq!(app.count("orders"), 1);

    let mut body = json!({"password": STRONG});
    if let Some(secret) = dpo.secret.as_ref() {
        body["code"] = json!(code(secret, 30));
    }
    let r = bearer(&app, Method::POST, "/v1/auth/reauth", &dpo.session)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = erase_as(&dpo.session).await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(app.count("orders"), 0);
}
