//! The other endpoints: health, the OpenAPI document, the schema, API keys, and the
//! metrics listener.

use reqwest::Method;
use serde_json::{json, Value};

use crate::common::*;

#[tokio::test]
async fn health_and_openapi_are_public() {
    let app = spawn_app().await;
    let r = app.req(Method::GET, "/healthz", None).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap(), json!({"status": "ok"}));
    let r = app
        .req(Method::GET, "/v1/openapi.json", None)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/json");
    let doc: Value = r.json().await.unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
}

#[tokio::test]
async fn schema_read_and_apply() {
    let app = spawn_app().await;
    let r = app.owner(Method::GET, "/v1/schema").send().await.unwrap();
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["version"], 1);
    let doc = body["document"].as_str().unwrap().to_owned();
    assert!(doc.contains("[collections.customers]"));

    let r = app
        .owner(Method::PUT, "/v1/schema")
        .json(&json!({"document": doc}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["changes"], json!([]));

    let added = format!(
        "{doc}\n[collections.customers.fields.nickname]\ntype = \"name\"\nclass = \"identity\"\npurposes = [\"service\"]\n"
    );
    let r = app
        .owner(Method::PUT, "/v1/schema")
        .json(&json!({"document": added}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["version"], 2);
    assert!(body["changes"][0]
        .as_str()
        .unwrap()
        .contains("customers.nickname"));

    // Dropping the field again needs allow_drop.
    let r = app
        .owner(Method::PUT, "/v1/schema")
        .json(&json!({"document": doc}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        (r.status().as_u16(), error_code(r).await.as_str()),
        (422, "invalid_schema")
    );
    let r = app
        .owner(Method::PUT, "/v1/schema")
        .json(&json!({"document": doc, "allow_drop": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    let r = app
        .owner(Method::PUT, "/v1/schema")
        .json(&json!({"document": "this is [not toml"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        (r.status().as_u16(), error_code(r).await.as_str()),
        (422, "invalid_schema")
    );
}

#[tokio::test]
async fn api_keys_lifecycle() {
    let app = spawn_app().await;
    let r = app
        .owner(Method::POST, "/v1/api-keys")
        .json(&json!({"role": "app", "expires_in_days": 7, "note": "shop backend"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let made: Value = r.json().await.unwrap();
    let id = made["id"].as_str().unwrap().to_owned();
    let key = made["key"].as_str().unwrap().to_owned();
    assert!(key.starts_with("gembok_"));
    assert!(made["expires_at"].as_i64().unwrap() > now_ms());

    let r = app
        .req(Method::GET, "/v1/schema", Some(&key))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    let r = app.owner(Method::GET, "/v1/api-keys").send().await.unwrap();
    assert_eq!(r.status(), 200);
    let text = r.text().await.unwrap();
    assert!(!text.contains(&key), "a listing must not show key text");
    assert!(!text.contains(&app.owner_key));
    let list: Value = serde_json::from_str(&text).unwrap();
    let listed = list["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["id"] == id.as_str())
        .unwrap();
    assert_eq!(listed["role"], "app");
    assert_eq!(listed["note"], "shop backend");
    assert_eq!(listed["last_used_ip"], "127.0.0.1");

    let r = app
        .owner(Method::POST, &format!("/v1/api-keys/{id}/rotate"))
        .json(&json!({"grace_hours": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let rotated: Value = r.json().await.unwrap();
    let new_key = rotated["key"].as_str().unwrap().to_owned();
    assert_ne!(new_key, key);
    for k in [&key, &new_key] {
        let r = app
            .req(Method::GET, "/v1/schema", Some(k))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "both keys work during the grace period");
    }
    let r = app
        .owner(Method::POST, &format!("/v1/api-keys/{id}/rotate"))
        .json(&json!({"grace_hours": 500}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        (r.status().as_u16(), error_code(r).await.as_str()),
        (422, "invalid_data")
    );

    let new_id = rotated["id"].as_str().unwrap();
    let r = app
        .owner(Method::POST, &format!("/v1/api-keys/{new_id}/revoke"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let r = app
        .req(Method::GET, "/v1/schema", Some(&new_key))
        .send()
        .await
        .unwrap();
    assert_eq!(
        (r.status().as_u16(), error_code(r).await.as_str()),
        (401, "api_key_revoked")
    );

    let r = app
        .owner(
            Method::POST,
            "/v1/api-keys/key_00000000000000000000000000000000/revoke",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);

    let r = app
        .owner(Method::POST, "/v1/api-keys/revoke-all")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        r.json::<Value>().await.unwrap()["revoked"]
            .as_u64()
            .unwrap()
            >= 2
    );
    let r = app.owner(Method::GET, "/v1/schema").send().await.unwrap();
    assert_eq!(r.status(), 401, "revoke-all includes the caller's own key");
}

#[tokio::test]
async fn metrics_listener_counts_by_route_template_without_ids() {
    let app = spawn_app().await;
    let id = app.create_customer(customer()).await;
    let _ = app
        .owner(
            Method::GET,
            &format!("/v1/collections/customers/records/{id}"),
        )
        .header(PURPOSE, "service")
        .send()
        .await
        .unwrap();
    let _ = app
        .req(Method::GET, "/v1/schema", Some("gembok_wrong"))
        .send()
        .await
        .unwrap();
    let metrics_url = format!("http://{}/metrics", app.metrics_addr.unwrap());
    let text = app
        .client
        .get(&metrics_url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(text.contains(
        "gembok_http_requests_total{route=\"/v1/collections/{collection}/records/{id}\",method=\"GET\",status=\"2xx\"} 1"
    ), "{text}");
    assert!(text.contains("gembok_http_request_duration_seconds_bucket{route=\"/v1/collections/{collection}/records\",le=\"+Inf\"} 1"), "{text}");
    assert!(
        text.contains("gembok_auth_failures_total{reason=\"invalid_api_key\"} 1"),
        "{text}"
    );
    assert!(!text.contains(&id), "no ids in metrics");
    assert!(!text.contains("127.0.0.1"), "no addresses in metrics");
}
