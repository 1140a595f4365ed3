//! The audit routes end to end: the vault fails closed when its log cannot be
//! written, refused looks and refused credentials are logged too, and no answer of the
//! log ever holds a field value. Also the helpers that read the log over the API
//! (`audit_log` uses them for filtering and paging).

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use gembok_core::{Monitor, MonitorConfig};
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::*;

/// Values of [`customer`] that cannot occur by chance in hex hashes or ids.
pub(crate) const VALUES: [&str; 5] = [
    "Siti Rahayu",
    "siti.rahayu@example.co.id",
    "0812-3456-7890",
    "3174091705900002",
    "Jl. Melati No. 5",
];

pub(crate) fn assert_no_values(text: &str) {
    for v in VALUES {
        assert!(!text.contains(v), "a field value leaked: {text}");
    }
}

/// `GET /v1/audit?<query>` with `key`: status and body text.
pub(crate) async fn audit(app: &App, key: &str, query: &str) -> (u16, String) {
    let r = app
        .req(Method::GET, &format!("/v1/audit?{query}"), Some(key))
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// Every event matching `query`, following `next` with pages of 3.
pub(crate) async fn all_events(
    app: &App,
    key: &str,
    query: &str,
    before: Option<u64>,
) -> Vec<Value> {
    let mut out = Vec::new();
    let mut before = before;
    loop {
        let cursor = before.map_or(String::new(), |b| format!("&before={b}"));
        let (status, text) = audit(app, key, &format!("limit=3{cursor}&{query}")).await;
        assert_eq!(status, 200, "{text}");
        assert_no_values(&text);
        let page: Value = serde_json::from_str(&text).unwrap();
        out.extend(page["events"].as_array().unwrap().iter().cloned());
        match page["next"].as_u64() {
            Some(n) => before = Some(n),
            None => return out,
        }
    }
}

pub(crate) fn seqs(events: &[Value]) -> Vec<u64> {
    events.iter().map(|e| e["seq"].as_u64().unwrap()).collect()
}

pub(crate) fn names(e: &Value, id: &str) -> bool {
    ["records", "subjects"]
        .iter()
        .any(|k| e[k].as_array().unwrap().iter().any(|r| r == id))
}

#[tokio::test]
async fn audit_unwritable_log_refuses_reads_and_writes_and_raises_an_alert() {
    let app = spawn_app().await;
    let monitor = Monitor::new(Arc::clone(app.vault.store()), MonitorConfig::default()).unwrap();
    app.vault.audit().add_observer(Arc::new(monitor));
    let id = app.create_customer(customer()).await;

    let db = rusqlite::Connection::open(app.db_path()).unwrap();
    db.busy_timeout(Duration::from_secs(5)).unwrap();
    db.execute_batch(
        "CREATE TRIGGER no_audit BEFORE INSERT ON audit_events BEGIN SELECT RAISE(ABORT, 'full'); END;",
    )
    .unwrap();

    let r = app
        .owner(
            Method::GET,
            &format!("/v1/collections/customers/records/{id}"),
        )
        .header(PURPOSE, "service")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 503);
    let text = r.text().await.unwrap();
    assert_no_values(&text);
    assert!(!text.contains("10110"), "{text}");
    let body: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(body["error"]["code"], "audit_unavailable");

    let r = app
        .owner(Method::POST, "/v1/collections/customers/search")
        .header(PURPOSE, "service")
        .json(&json!({"field": "email", "value": "siti.rahayu@example.co.id"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 503);
    let text = r.text().await.unwrap();
    assert_no_values(&text);
    assert!(text.contains("audit_unavailable"), "{text}");

    let r = app
        .owner(Method::POST, "/v1/collections/customers/records/batch-get")
        .header(PURPOSE, "service")
        .json(&json!({"ids": [id]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 503);
    let text = r.text().await.unwrap();
    assert_no_values(&text);
    assert!(text.contains("audit_unavailable"), "{text}");

    let mut other = customer();
    other["name"] = json!("Budi Santoso");
    let r = app
        .owner(Method::POST, "/v1/collections/customers/records")
        .json(&other)
        .send()
        .await
        .unwrap();
    // The event and the record are one transaction: the record is refused with it.
    // (The store reports the aborted transaction as a conflict, not as the log.)
    let status = r.status();
    let text = r.text().await.unwrap();
    assert!(!status.is_success(), "{status}: {text}");
    assert_no_values(&text);
    assert!(!text.contains("Budi"), "{text}");

    db.execute_batch("DROP TRIGGER no_audit;").unwrap();
    assert_eq!(app.count("customers"), 1);
    let r = app
        .owner(Method::GET, "/v1/collections/customers/records")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let list: Value = r.json().await.unwrap();
    let ids: Vec<&str> = list["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [id.as_str()]);

    let r = app.owner(Method::GET, "/v1/alerts").send().await.unwrap();
    assert_eq!(r.status(), 200);
    let text = r.text().await.unwrap();
    assert_no_values(&text);
    let alerts: Value = serde_json::from_str(&text).unwrap();
    assert!(
        alerts["alerts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["rule"] == "audit_unavailable"),
        "{alerts}"
    );

    // The log works again: the read after the trigger is gone is served.
    let r = app
        .owner(
            Method::GET,
            &format!("/v1/collections/customers/records/{id}"),
        )
        .header(PURPOSE, "service")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn audit_routes_are_refused_to_roles_without_audit_read_and_the_refusal_is_logged() {
    let app = spawn_app().await;
    for role in ["support", "app", "analyst"] {
        let (id, key) = app.key_with_id(role);
        let (status, text) = audit(&app, &key, "").await;
        assert_eq!(status, 403, "{role}: {text}");
        assert!(text.contains("forbidden"), "{text}");
        let r = app
            .req(Method::GET, "/v1/alerts", Some(&key))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "{role}");

        let denied = all_events(&app, &app.owner_key, &format!("principal={id}"), None).await;
        assert_eq!(denied.len(), 2, "{denied:?}");
        assert!(denied.iter().all(|e| e["outcome"] == "denied"
            && e["code"] == "forbidden"
            && e["role"] == role
            && e["client"] == "127.0.0.1"));
    }
    // The dpo may look.
    let dpo = app.key("dpo");
    assert_eq!(audit(&app, &dpo, "").await.0, 200);
    let r = app
        .req(Method::GET, "/v1/alerts", Some(&dpo))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    assert!(body["alerts"].is_array());
}

#[tokio::test]
async fn audit_refused_credentials_leave_auth_failed_events() {
    let app = spawn_app().await;
    let bogus = format!("gembok_{}", "A".repeat(43));
    let mut expected = Vec::new();
    for key in [Some(bogus.as_str()), Some("not-a-key"), None] {
        let r = app
            .req(Method::GET, "/v1/schema", key)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401);
        expected.push(r.headers()["x-request-id"].to_str().unwrap().to_owned());
    }
    let r = app
        .client
        .get(app.url("/v1/schema"))
        .header("authorization", "Basic dXNlcjpwYXNz")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    expected.push(r.headers()["x-request-id"].to_str().unwrap().to_owned());

    // Written in the background, after the refusal was sent: poll briefly.
    let mut failed = Vec::new();
    for _ in 0..50 {
        failed = all_events(&app, &app.owner_key, "action=auth.failed", None).await;
        if failed.len() >= expected.len() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for id in &expected {
        let e = failed
            .iter()
            .find(|e| e["request_id"] == id.as_str())
            .unwrap_or_else(|| panic!("no auth.failed event for request {id}: {failed:?}"));
        assert_eq!(e["client"], "127.0.0.1");
        assert_eq!(e["principal"], "anonymous");
        assert_eq!(e["outcome"], "failed");
    }
    let codes: BTreeSet<&str> = failed.iter().map(|e| e["code"].as_str().unwrap()).collect();
    assert!(codes.contains("invalid_api_key"), "{codes:?}");
    assert!(codes.contains("missing_credentials"), "{codes:?}");
    assert!(codes.contains("wrong_scheme"), "{codes:?}");
    assert!(failed.iter().all(|e| !e.to_string().contains(&bogus)));
}
