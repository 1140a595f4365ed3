//! Request logs carry method, route template, status and request id, and never the
//! key, the query string or a body value.

use std::io::Write;
use std::sync::{Arc, Mutex};

use reqwest::Method;
use serde_json::json;

use crate::common::*;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn logs_hold_no_keys_queries_or_values() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    // The only test that installs a subscriber; the server's tasks log from other threads.
    tracing::subscriber::set_global_default(subscriber).unwrap();

    let app = spawn_app().await;
    let nik = "3174091705900002";
    let mut c = customer();
    c["email"] = json!("unique.logcheck@example.co.id");
    let id = app.create_customer(c).await;
    let r = app
        .owner(
            Method::GET,
            &format!("/v1/collections/customers/records/{id}?fields=name,email"),
        )
        .header(PURPOSE, "service")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = app
        .owner(Method::POST, "/v1/collections/customers/search")
        .header(PURPOSE, "service")
        .json(&json!({"field": "nik", "value": nik}))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_client_error());
    let _ = app
        .req(
            Method::GET,
            &format!("/v1/schema?api_key={}", app.owner_key),
            None,
        )
        .send()
        .await
        .unwrap();

    let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        text.contains("route=/v1/collections/{collection}/records/{id}")
            && text.contains("status=200"),
        "{text}"
    );
    assert!(text.contains("request_id="), "{text}");
    for secret in [
        app.owner_key.as_str(),
        nik,
        "unique.logcheck",
        "fields=name",
        "Siti",
    ] {
        assert!(!text.contains(secret), "logs contain {secret}");
    }
}
