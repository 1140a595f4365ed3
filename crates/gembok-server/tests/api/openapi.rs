//! The committed `docs/openapi.json` is what the code generates, and is what the
//! server serves.

use std::path::PathBuf;

use reqwest::Method;

use crate::common::*;

fn committed_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/openapi.json")
}

#[test]
fn openapi_committed_document_is_current() {
    let generated = gembok_server::openapi_json();
    let path = committed_path();
    if std::env::var_os("GEMBOK_UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/openapi.json differs from the generated document; regenerate it with \
         `GEMBOK_UPDATE_OPENAPI=1 cargo test -p gembok-server openapi` and commit the result"
    );
}

#[test]
fn openapi_is_3_1_with_a_bearer_scheme() {
    let doc: serde_json::Value = serde_json::from_str(&gembok_server::openapi_json()).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    let scheme = &doc["components"]["securitySchemes"]["bearer"];
    assert_eq!(scheme["type"], "http");
    assert_eq!(scheme["scheme"], "bearer");
}

#[tokio::test]
async fn openapi_served_document_is_the_generated_one() {
    let app = spawn_app().await;
    let r = app
        .req(Method::GET, "/v1/openapi.json", None)
        .send()
        .await
        .unwrap();
    assert_eq!(r.text().await.unwrap(), gembok_server::openapi_json());
}
