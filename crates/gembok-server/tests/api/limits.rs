//! Rate limits, size limits, slow clients, and malformed input: each answered with a
//! 4xx and nothing written.

use std::sync::Arc;
use std::time::Duration;

use gembok_server::Limits;
use reqwest::Method;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::common::*;

#[tokio::test]
async fn per_key_rate_limit_answers_429_with_retry_after() {
    let app = spawn_app_with(Limits {
        per_key_per_second: 1,
        per_key_burst: 3,
        per_ip_per_second: 0,
        ..Limits::default()
    })
    .await;
    for _ in 0..3 {
        let r = app.owner(Method::GET, "/v1/schema").send().await.unwrap();
        assert_eq!(r.status(), 200);
    }
    let r = app.owner(Method::GET, "/v1/schema").send().await.unwrap();
    assert_eq!(r.status(), 429);
    let retry: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=2).contains(&retry), "{retry}");
    assert_eq!(error_code(r).await, "rate_limited");
    // Another key has its own budget.
    let other = app.key("app");
    let r = app
        .req(Method::GET, "/v1/schema", Some(&other))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let metrics = format!("http://{}/metrics", app.metrics_addr.unwrap());
    let text = app
        .client
        .get(metrics)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        text.contains("gembok_rate_limited_total{scope=\"key\"} 1"),
        "{text}"
    );
}

#[tokio::test]
async fn per_address_rate_limit_covers_unauthenticated_requests() {
    let app = spawn_app_with(Limits {
        per_ip_per_second: 1,
        per_ip_burst: 2,
        ..Limits::default()
    })
    .await;
    let mut statuses = Vec::new();
    for _ in 0..4 {
        let r = app
            .req(Method::GET, "/v1/schema", Some("gembok_guess"))
            .send()
            .await
            .unwrap();
        statuses.push(r.status().as_u16());
    }
    assert_eq!(statuses, [401, 401, 429, 429]);
}

#[tokio::test]
async fn oversize_bodies_are_413_and_write_nothing() {
    let app = spawn_app_with(Limits {
        body_bytes: 2048,
        batch_size: 3,
        ..Limits::default()
    })
    .await;
    let big = json!({"name": "x".repeat(4096)});
    let r = app
        .owner(Method::POST, "/v1/collections/customers/records")
        .json(&big)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    assert_eq!(error_code(r).await, "payload_too_large");

    // Without a Content-Length the limit applies while reading.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = vec![
        Ok(b"{\"name\": \"".to_vec()),
        Ok(vec![b'y'; 4096]),
        Ok(b"\"}".to_vec()),
    ];
    let body = reqwest::Body::wrap_stream(futures_util::stream::iter(chunks));
    let r = app
        .owner(Method::POST, "/v1/collections/customers/records")
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);

    let four: Vec<Value> = (0..4).map(|_| json!({"name": "A"})).collect();
    let r = app
        .owner(Method::POST, "/v1/collections/customers/records/batch")
        .json(&json!({"records": four}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        (r.status().as_u16(), error_code(r).await.as_str()),
        (413, "batch_too_large")
    );
    assert_eq!(app.count("customers"), 0);
}

#[tokio::test]
async fn oversized_headers_are_refused() {
    let app = spawn_app().await;
    let r = app
        .req(Method::GET, "/healthz", None)
        .header("x-padding", "a".repeat(64 * 1024))
        .send()
        .await;
    match r {
        Ok(r) => assert!(r.status() == 431 || r.status() == 400, "{}", r.status()),
        Err(e) => assert!(e.is_request() || e.is_connect() || e.is_body(), "{e}"),
    }
}

#[tokio::test]
async fn slow_headers_are_cut_off() {
    let app = spawn_app_with(Limits {
        header_read_timeout: Duration::from_millis(500),
        ..Limits::default()
    })
    .await;
    let config = client_tls(&app.cert, &[&rustls::version::TLS13]);
    let mut config = config;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let tcp = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    let name = rustls_pki_types::ServerName::try_from("localhost").unwrap();
    let mut tls = connector.connect(name, tcp).await.unwrap();
    tls.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
        .await
        .unwrap();
    tls.flush().await.unwrap();
    let mut buf = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), tls.read_to_end(&mut buf)).await;
    let read = read.expect("the server must close a slow connection by itself");
    // Closed (possibly after a 408), never answered with a 200.
    let text = String::from_utf8_lossy(&buf);
    assert!(!text.contains(" 200 "), "{text}");
    let _ = read;
}

#[tokio::test]
async fn a_body_that_trickles_in_times_out_with_408() {
    let app = spawn_app_with(Limits {
        request_timeout: Duration::from_millis(500),
        ..Limits::default()
    })
    .await;
    let chunks = futures_util::stream::unfold(0u8, |step| async move {
        match step {
            0 => Some((Ok::<_, std::io::Error>(b"{\"name\": ".to_vec()), 1)),
            1 => {
                tokio::time::sleep(Duration::from_secs(3)).await;
                Some((Ok(b"\"late\"}".to_vec()), 2))
            }
            _ => None,
        }
    });
    let started = std::time::Instant::now();
    let r = app
        .owner(Method::POST, "/v1/collections/customers/records")
        .header("content-type", "application/json")
        .body(reqwest::Body::wrap_stream(chunks))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 408);
    assert!(started.elapsed() < Duration::from_secs(3));
    assert_eq!(error_code(r).await, "timeout");
    assert_eq!(app.count("customers"), 0);
}
