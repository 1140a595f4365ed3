//! `GET /v1/audit` over a small history of two keys: each filter (principal, action,
//! record, time range) gives exactly the matching events, pages joined by `before` /
//! `next` cover everything once, events name the client address and the request id
//! of the request that caused them, and malformed filters get stable codes.

use std::collections::BTreeSet;

use reqwest::Method;
use serde_json::{json, Value};

use crate::audit::{all_events, audit, names, seqs};
use crate::common::*;

#[tokio::test]
async fn audit_log_filters_pages_and_names_client_and_request() {
    let app = spawn_app().await;
    let (admin_id, admin) = app.key_with_id("admin");
    let first = app.create_customer(customer()).await;
    let mut other = customer();
    other["email"] = json!("budi@example.co.id");
    let second = app.create_customer(other).await;

    let r = app
        .req(
            Method::GET,
            &format!("/v1/collections/customers/records/{first}"),
            Some(&admin),
        )
        .header(PURPOSE, "service")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let read_request = r.headers()["x-request-id"].to_str().unwrap().to_owned();
    let r = app
        .req(
            Method::PATCH,
            &format!("/v1/collections/customers/records/{second}"),
            Some(&admin),
        )
        .json(&json!({"phone": "0813-0000-1111"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let r = app
        .owner(Method::POST, "/v1/collections/customers/search")
        .header(PURPOSE, "service")
        .json(&json!({"field": "email", "value": "siti.rahayu@example.co.id"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    // A snapshot of the log so far; later queries look below its newest event, since
    // every look at the log is itself logged.
    let snapshot = all_events(&app, &admin, "", None).await;
    let all = seqs(&snapshot);
    assert!(all.windows(2).all(|w| w[0] > w[1]), "newest first: {all:?}");
    assert_eq!(
        all.iter().collect::<BTreeSet<_>>().len(),
        all.len(),
        "each event once"
    );
    let below = Some(all[0] + 1);
    assert_eq!(seqs(&all_events(&app, &admin, "", below).await), all);

    // By principal.
    let mine = all_events(&app, &admin, &format!("principal={admin_id}"), below).await;
    let expected: Vec<u64> = seqs(
        &snapshot
            .iter()
            .filter(|e| e["principal"] == admin_id.as_str())
            .cloned()
            .collect::<Vec<_>>(),
    );
    assert!(expected.len() >= 2, "{snapshot:?}");
    assert_eq!(seqs(&mine), expected);
    let owner = app.owner_key_id.as_str();
    let owners = all_events(&app, &admin, &format!("principal={owner}"), below).await;
    let expected: Vec<u64> = snapshot
        .iter()
        .filter(|e| e["principal"] == owner)
        .map(|e| e["seq"].as_u64().unwrap())
        .collect();
    assert!(expected.len() >= 3, "{snapshot:?}");
    assert_eq!(seqs(&owners), expected);

    // By action.
    let creates = all_events(&app, &admin, "action=record.create", below).await;
    assert_eq!(creates.len(), 2, "{creates:?}");
    assert!(creates
        .iter()
        .all(|e| e["action"] == "record.create" && e["outcome"] == "ok"));

    // By record: the read, the create, and the search that found it name `first`.
    let about_first = all_events(&app, &admin, &format!("record={first}"), below).await;
    let expected: Vec<u64> = snapshot
        .iter()
        .filter(|e| names(e, &first))
        .map(|e| e["seq"].as_u64().unwrap())
        .collect();
    assert_eq!(seqs(&about_first), expected);
    assert!(about_first.iter().all(|e| !names(e, &second)));
    let read = about_first
        .iter()
        .find(|e| e["action"] == "record.read")
        .expect("the read of the first record is logged");
    assert_eq!(read["principal"], admin_id.as_str());
    assert_eq!(read["role"], "admin");
    assert_eq!(read["purpose"], "service");
    assert_eq!(read["client"], "127.0.0.1");
    assert_eq!(read["request_id"], read_request.as_str());
    assert_eq!(read["collection"], "customers");
    assert_eq!(read["hash"].as_str().unwrap().len(), 64);
    assert!(read["fields"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f == "email"));
    assert!(snapshot
        .iter()
        .filter(|e| e["principal"] == owner || e["principal"] == admin_id.as_str())
        .all(|e| e["client"] == "127.0.0.1" && e["request_id"].is_string()));

    // By time: `since` and `until` at one event's time split the snapshot in two.
    // Times have a fixed width, so they compare as text.
    let pivot = snapshot[snapshot.len() / 2]["time"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(pivot.len(), "2026-12-01T08:00:00.000Z".len(), "{pivot}");
    let pivot_q = pivot.clone();
    let after = all_events(&app, &admin, &format!("since={pivot_q}"), below).await;
    let before = all_events(&app, &admin, &format!("until={pivot_q}"), below).await;
    assert!(!after.is_empty());
    assert!(after
        .iter()
        .all(|e| e["time"].as_str().unwrap() >= pivot.as_str()));
    assert!(before
        .iter()
        .all(|e| e["time"].as_str().unwrap() < pivot.as_str()));
    let mut joined = seqs(&after);
    joined.extend(seqs(&before));
    joined.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(joined, all);
    let window = all_events(
        &app,
        &admin,
        &format!("since={pivot_q}&until=2999-01-01T00:00:00Z"),
        below,
    )
    .await;
    assert_eq!(seqs(&window), seqs(&after));

    // Malformed filters are refused with stable codes.
    for (query, code) in [
        ("since=yesterday", "invalid_time"),
        ("until=2026-13-01T00:00:00Z", "invalid_time"),
        ("record=3174091705900002", "invalid_id"),
        ("limit=0", "invalid_query"),
        ("limit=1001", "invalid_query"),
        ("before=x", "invalid_query"),
        ("colour=red", "invalid_query"),
    ] {
        let (status, text) = audit(&app, &admin, query).await;
        assert_eq!(status, 400, "{query}: {text}");
        let body: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(body["error"]["code"], code, "{query}");
        assert!(!text.contains("3174091705900002") && !text.contains("yesterday"));
    }

    // Looking at the log is logged.
    let looks = all_events(&app, &admin, "action=audit.read", None).await;
    assert!(looks.len() > 5);
    assert!(looks.iter().all(|e| e["principal"] == admin_id.as_str()));
}
