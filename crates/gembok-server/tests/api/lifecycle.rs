//! One subject's rights over the real server: the subject report, and rights requests
//! with the scheduled overdue check. The vault-wide side (privacy notice, retention,
//! minimisation) is in `lifecycle_processing`.

use std::collections::BTreeSet;
use std::time::Duration;

use gembok_server::LifecycleConfig;
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::*;

#[tokio::test]
async fn the_report_holds_exactly_the_subjects_records_and_history() {
    let app = spawn_app().await;
    let id = app.create_customer(customer()).await;
    let order = create_in(
        &app,
        "orders",
        json!({"customer": id, "amount": {"amount": 150000, "currency": "IDR"}}),
    )
    .await;
    let mut other = customer();
    other["email"] = json!("budi@example.co.id");
    let other = app.create_customer(other).await;
    let other_order = create_in(
        &app,
        "orders",
        json!({"customer": other, "amount": {"amount": 5000, "currency": "IDR"}}),
    )
    .await;
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

    let dpo = app.key("dpo");
    let r = app
        .req(
            Method::GET,
            &format!("/v1/subjects/{id}/report"),
            Some(&dpo),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");
    assert!(r.headers().get("content-disposition").is_none());
    let report: Value = r.json().await.unwrap();
    assert_eq!(report["subject"], id);
    let ids: BTreeSet<&str> = report["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, BTreeSet::from([id.as_str(), order.as_str()]));
    assert!(!ids.contains(other.as_str()) && !ids.contains(other_order.as_str()));
    let text = report.to_string();
    assert!(text.contains("siti.rahayu@example.co.id"));
    assert!(
        !text.contains("budi@example.co.id"),
        "another customer's data"
    );
    let history = report["access_history"].as_array().unwrap();
    assert!(
        history
            .iter()
            .any(|h| h["purpose"] == "service" && h["collection"] == "customers"),
        "the service read is in the history: {history:?}"
    );

    let r = app
        .req(
            Method::GET,
            &format!("/v1/subjects/{id}/report?download=true"),
            Some(&dpo),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.headers()["content-disposition"],
        format!("attachment; filename=\"subject-{id}.json\"").as_str()
    );

    let r = app
        .req(
            Method::GET,
            &format!("/v1/subjects/{id}/report?format=html"),
            Some(&dpo),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let h = r.headers().clone();
    assert_eq!(h["content-type"], "text/html; charset=utf-8");
    assert_eq!(h["cache-control"], "no-store");
    assert_eq!(
        h["content-disposition"],
        format!("attachment; filename=\"subject-{id}.html\"").as_str()
    );
    let page = r.text().await.unwrap();
    assert!(page.contains("lang=\"id\"") && page.contains("lang=\"en\""));
    assert!(!page.contains("budi@example.co.id"));

    let support = app.key("support");
    let r = app
        .req(
            Method::GET,
            &format!("/v1/subjects/{id}/report"),
            Some(&support),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = app
        .req(
            Method::GET,
            &format!("/v1/subjects/{id}/report?format=pdf"),
            Some(&dpo),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
}

#[tokio::test]
async fn requests_are_opened_listed_and_closed() {
    let app = spawn_app().await;
    let id = app.create_customer(customer()).await;
    let r = app
        .owner(Method::POST, "/v1/requests")
        .json(&json!({"kind": "access", "subject": id}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let req: Value = r.json().await.unwrap();
    assert_eq!(req["kind"], "access");
    assert_eq!(req["regulation"], "uu_pdp");
    assert_eq!(req["status"], "open");
    assert_eq!(
        req["deadline_at"].as_i64().unwrap() - req["received_at"].as_i64().unwrap(),
        72 * 3_600_000,
        "UU PDP's 72 hours"
    );
    let rid = req["id"].as_str().unwrap().to_owned();
    let r = app
        .owner(Method::POST, "/v1/requests")
        .json(&json!({"kind": "erasure", "regulation": "gdpr"}))
        .send()
        .await
        .unwrap();
    let gdpr: Value = r.json().await.unwrap();
    assert_eq!(
        gdpr["deadline_at"].as_i64().unwrap() - gdpr["received_at"].as_i64().unwrap(),
        720 * 3_600_000
    );

    let list = |q: &'static str| app.owner(Method::GET, &format!("/v1/requests{q}")).send();
    let all: Value = list("").await.unwrap().json().await.unwrap();
    assert_eq!(all["requests"].as_array().unwrap().len(), 2);

    let r = app
        .owner(Method::POST, &format!("/v1/requests/{rid}/close"))
        .json(&json!({"status": "completed", "resolution": "done"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let closed: Value = r.json().await.unwrap();
    assert_eq!(closed["status"], "completed");
    assert_eq!(closed["resolution"], "done");
    let open: Value = list("?open=true").await.unwrap().json().await.unwrap();
    let open = open["requests"].as_array().unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0]["id"], gdpr["id"]);
    let r = app
        .owner(Method::POST, &format!("/v1/requests/{rid}/close"))
        .json(&json!({"status": "rejected", "resolution": "again"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409, "closed once only");
    let r = app
        .owner(Method::POST, "/v1/requests")
        .json(&json!({"kind": "gossip"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
}

#[tokio::test]
async fn an_overdue_request_raises_an_alert_on_its_own() {
    let app = spawn_app_lifecycle(LifecycleConfig {
        overdue_check_every: Duration::from_millis(200),
        retention_every: None,
        ..LifecycleConfig::default()
    })
    .await;
    // The monitor turns `request.overdue` events into alerts, as `gembok serve` wires it.
    let monitor = gembok_core::Monitor::new(
        std::sync::Arc::clone(app.vault.store()),
        gembok_core::MonitorConfig::default(),
    )
    .unwrap();
    app.vault.audit().add_observer(std::sync::Arc::new(monitor));
    let r = app
        .owner(Method::POST, "/v1/requests")
        .json(&json!({"kind": "access", "received_at": now_ms() - 100 * 3_600_000}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let req: Value = r.json().await.unwrap();
    assert_eq!(req["overdue"], true);
    let mut alerts = Value::Null;
    for _ in 0..100 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        alerts = app
            .owner(Method::GET, "/v1/alerts")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let fired = alerts["alerts"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["rule"] == "request_overdue")
            .count();
        if fired > 0 {
            assert_eq!(fired, 1, "one alert per overdue request");
            let r = app
                .owner(Method::GET, "/v1/audit?action=request.overdue")
                .send()
                .await
                .unwrap();
            let audit: Value = r.json().await.unwrap();
            assert_eq!(audit["events"].as_array().unwrap().len(), 1, "{audit}");
            return;
        }
    }
    panic!("no request_overdue alert: {alerts}");
}
