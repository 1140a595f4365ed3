//! The security headers are on every kind of answer, errors included.

use gembok_server::Limits;
use reqwest::{Method, Response};
use serde_json::json;

use crate::common::*;

fn assert_security_headers(r: &Response, what: &str) {
    let h = r.headers();
    let expect = [
        (
            "strict-transport-security",
            "max-age=31536000; includeSubDomains",
        ),
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "no-referrer"),
        (
            "content-security-policy",
            "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
        ),
        ("cache-control", "no-store"),
    ];
    for (name, value) in expect {
        assert_eq!(
            h.get(name).and_then(|v| v.to_str().ok()),
            Some(value),
            "{what}: {name}"
        );
    }
    assert!(h.contains_key("x-request-id"), "{what}: x-request-id");
}

#[tokio::test]
async fn every_kind_of_answer_carries_the_security_headers() {
    let app = spawn_app_with(Limits {
        per_key_per_second: 1,
        per_key_burst: 1,
        body_bytes: 256,
        ..Limits::default()
    })
    .await;
    let mut seen = Vec::new();
    let mut check = |r: Response, status: u16, what: &str| {
        assert_eq!(r.status().as_u16(), status, "{what}");
        assert_security_headers(&r, what);
        seen.push(status);
    };
    check(
        app.req(Method::GET, "/healthz", None).send().await.unwrap(),
        200,
        "200",
    );
    check(
        app.req(Method::GET, "/v1/schema", None)
            .send()
            .await
            .unwrap(),
        401,
        "401",
    );
    check(
        app.req(Method::GET, "/v1/nope", None).send().await.unwrap(),
        401,
        "401 unknown path",
    );
    check(
        app.req(Method::DELETE, "/healthz", None)
            .send()
            .await
            .unwrap(),
        405,
        "405",
    );
    check(
        app.req(Method::GET, "/healthz?api_key=x", None)
            .send()
            .await
            .unwrap(),
        400,
        "400",
    );
    let key = app.key("owner");
    check(
        app.req(Method::GET, "/v1/nope", Some(&key))
            .send()
            .await
            .unwrap(),
        404,
        "404",
    );
    check(
        app.req(Method::GET, "/v1/schema", Some(&key))
            .send()
            .await
            .unwrap(),
        429,
        "429",
    );
    check(
        app.owner(Method::POST, "/v1/collections/customers/records")
            .json(&json!({"name": "x".repeat(1000)}))
            .send()
            .await
            .unwrap(),
        413,
        "413",
    );
    assert_eq!(seen, [200, 401, 401, 405, 400, 404, 429, 413]);
}
