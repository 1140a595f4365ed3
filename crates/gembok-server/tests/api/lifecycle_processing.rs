//! The vault's processing as a whole rather than one subject's, over the real server:
//! the public bilingual privacy notice and the processing record, retention runs (dry,
//! real and scheduled) and the minimisation report.

use std::collections::BTreeSet;
use std::time::Duration;

use gembok_server::LifecycleConfig;
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::*;

#[tokio::test]
async fn the_privacy_notice_is_public_bilingual_and_lists_every_purpose() {
    let app = spawn_app().await;
    let r = app.req(Method::GET, "/privacy", None).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "text/html; charset=utf-8");
    assert!(r.headers()["cache-control"]
        .to_str()
        .unwrap()
        .starts_with("public"));
    assert!(r.headers().contains_key("strict-transport-security"));
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    let page = r.text().await.unwrap();
    assert!(page.contains("lang=\"id\"") && page.contains("lang=\"en\""));

    let r = app
        .req(Method::GET, "/privacy.json", None)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let notice: Value = r.json().await.unwrap();
    let listed: BTreeSet<String> = notice["purposes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect();
    let schema: BTreeSet<String> = app
        .vault
        .schema()
        .purposes()
        .map(|p| p.name.clone())
        .collect();
    assert!(!schema.is_empty());
    assert_eq!(listed, schema);
    assert!(notice["version"].as_u64().unwrap() >= 1);

    let r = app
        .owner(Method::GET, "/v1/privacy/processing?format=csv")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    assert!(r.text().await.unwrap().contains("customers"));
}

#[tokio::test]
async fn a_retention_dry_run_counts_and_deletes_nothing() {
    let app = spawn_app().await;
    let id = app.create_customer(customer()).await;
    create_in(
        &app,
        "events",
        json!({"customer": id, "action": "checkout", "detail": "paid"}),
    )
    .await;
    // Age the event past its collection's 90 days, under the store.
    let db = rusqlite::Connection::open(app.db_path()).unwrap();
    let aged = now_ms() - 100 * 86_400_000;
    db.execute(
        "UPDATE records SET created_at = ?1, updated_at = ?1 WHERE collection = 'events'",
        [aged],
    )
    .unwrap();
    let run = |dry_run: bool| {
        app.owner(Method::POST, "/v1/retention/run")
            .json(&json!({ "dry_run": dry_run }))
            .send()
    };
    let r = run(true).await.unwrap();
    assert_eq!(r.status(), 200);
    let report: Value = r.json().await.unwrap();
    assert_eq!(report["dry_run"], true);
    assert_eq!(report["records"]["events"], 1, "{report}");
    assert_eq!(report["records"]["customers"], 0, "{report}");
    assert_eq!(report["total_records"], 1);
    assert_eq!(app.count("events"), 1, "a dry run deletes nothing");
    assert_eq!(app.count("customers"), 1);
    let report: Value = run(false).await.unwrap().json().await.unwrap();
    assert_eq!(report["records"]["events"], 1, "{report}");
    assert_eq!(app.count("events"), 0);
    assert_eq!(app.count("customers"), 1);
    let support = app.key("support");
    let r = app
        .req(Method::POST, "/v1/retention/run", Some(&support))
        .json(&json!({"dry_run": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = app
        .owner(Method::POST, "/v1/retention/run")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400, "dry_run must be stated");
    let r = app
        .owner(Method::GET, "/v1/reports/minimisation?days=0")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let r = app
        .owner(Method::GET, "/v1/reports/minimisation")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["days"], 90);
}

#[tokio::test]
async fn scheduled_retention_removes_expired_records_on_its_own() {
    let app = spawn_app_lifecycle(LifecycleConfig {
        retention_every: Some(Duration::from_millis(300)),
        ..LifecycleConfig::default()
    })
    .await;
    let id = app.create_customer(customer()).await;
    create_in(
        &app,
        "events",
        json!({"customer": id, "action": "checkout", "detail": "paid"}),
    )
    .await;
    let db = rusqlite::Connection::open(app.db_path()).unwrap();
    db.execute(
        "UPDATE records SET created_at = ?1, updated_at = ?1 WHERE collection = 'events'",
        [now_ms() - 100 * 86_400_000],
    )
    .unwrap();
    for _ in 0..100 {
        if app.count("events") == 0 {
            assert_eq!(app.count("customers"), 1, "only what expired goes");
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the expired event is still there");
}
