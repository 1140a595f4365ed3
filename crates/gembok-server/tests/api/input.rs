//! Malformed input of every kind: a 4xx with our own message, and nothing written.

use reqwest::Method;
use serde_json::{json, Value};

use crate::common::*;

#[tokio::test]
async fn malformed_input_is_refused_and_nothing_is_written() {
    let app = spawn_app().await;
    let create = "/v1/collections/customers/records";
    let batch = "/v1/collections/customers/records/batch";
    let deep = format!("{{\"name\": {}1{}}}", "[".repeat(200), "]".repeat(200));
    let cases: Vec<(&str, Vec<u8>, &str, u16, &str)> = vec![
        (
            create,
            b"{\"name\": ".to_vec(),
            "application/json",
            400,
            "invalid_json",
        ),
        (
            create,
            b"[1, 2]".to_vec(),
            "application/json",
            400,
            "invalid_body",
        ),
        (
            create,
            b"{\"name\": 5}".to_vec(),
            "application/json",
            422,
            "invalid_data",
        ),
        (
            create,
            b"{\"name\": \"A\", \"bogus\": \"x\"}".to_vec(),
            "application/json",
            422,
            "undeclared_field",
        ),
        (
            create,
            b"{\"name\": \"\xff\xfe\"}".to_vec(),
            "application/json",
            400,
            "invalid_json",
        ),
        (
            create,
            b"{\"name\": 1e999}".to_vec(),
            "application/json",
            400,
            "invalid_json",
        ),
        (
            create,
            b"{\"name\": 123456789012345678901234567890}".to_vec(),
            "application/json",
            422,
            "invalid_data",
        ),
        (
            create,
            deep.clone().into_bytes(),
            "application/json",
            400,
            "invalid_json",
        ),
        (
            create,
            b"{\"name\": \"A\"}".to_vec(),
            "text/plain",
            415,
            "unsupported_media_type",
        ),
        (
            create,
            b"".to_vec(),
            "application/json",
            400,
            "invalid_json",
        ),
        (
            batch,
            b"{\"records\": [], \"x\": 1}".to_vec(),
            "application/json",
            400,
            "invalid_body",
        ),
        (
            batch,
            b"{\"records\": \"abc\"}".to_vec(),
            "application/json",
            400,
            "invalid_body",
        ),
        (
            batch,
            b"{\"records\": []}".to_vec(),
            "application/json",
            400,
            "invalid_body",
        ),
        (
            batch,
            b"{\"records\": [{\"name\": \"A\"}, {\"name\": 1e400}]}".to_vec(),
            "application/json",
            400,
            "invalid_json",
        ),
    ];
    for (path, body, content_type, status, code) in cases {
        let shown = String::from_utf8_lossy(&body)
            .chars()
            .take(40)
            .collect::<String>();
        let r = app
            .owner(Method::POST, path)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), status, "{shown}");
        let text = r.text().await.unwrap();
        let err: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(err["error"]["code"], code, "{shown}: {text}");
        assert!(
            !text.contains("bogus\""),
            "messages do not quote input: {text}"
        );
    }
    assert_eq!(app.count("customers"), 0);

    // Wrapper types of the other bodies.
    let id = app.create_customer(customer()).await;
    let cases = [
        (
            Method::POST,
            format!(
                "/v1/api-keys/{}/rotate",
                "key_00000000000000000000000000000000"
            ),
            json!({"grace_hours": "5"}),
        ),
        (
            Method::POST,
            "/v1/api-keys".to_owned(),
            json!({"role": "app", "expires_in_days": 1e20}),
        ),
        (
            Method::POST,
            "/v1/api-keys".to_owned(),
            json!({"role": "app", "expires_in_days": -1}),
        ),
        (
            Method::POST,
            "/v1/api-keys".to_owned(),
            json!({"role": "app", "expires_in_days": 1, "admin": true}),
        ),
        (Method::PUT, "/v1/schema".to_owned(), json!({"document": 5})),
        (
            Method::POST,
            "/v1/collections/customers/search".to_owned(),
            json!({"field": "email"}),
        ),
        (
            Method::POST,
            "/v1/collections/customers/records/batch-get".to_owned(),
            json!({"ids": [id], "purpose": "x"}),
        ),
    ];
    for (method, path, body) in cases {
        let r = app
            .owner(method, &path)
            .header(PURPOSE, "service")
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(
            (r.status().as_u16(), error_code(r).await.as_str()),
            (400, "invalid_body"),
            "{path} {body}"
        );
    }
    assert_eq!(app.count("customers"), 1);
    let r = app.owner(Method::GET, "/v1/api-keys").send().await.unwrap();
    assert_eq!(
        r.json::<Value>().await.unwrap()["keys"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}
