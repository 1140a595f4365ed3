//! Webhook delivery against a real HTTP(S) receiver on loopback: signatures that verify
//! (and fail when tampered), HTTPS with an extra trusted root, the retry policy (503
//! retried, 400 not, connect errors retried, giving up after `max_attempts`) and the
//! background queue.
mod support;

use std::time::{Duration, SystemTime};

use gembok_notify::{
    verify_webhook_signature, Channel, Notification, Notifier, NotifyError, Secret, WebhookChannel,
    WebhookConfig,
};

const SECRET: &str = "test-webhook-secret-0123456789";
const TOLERANCE: Duration = Duration::from_secs(300);

fn alert(id: &str) -> Notification {
    Notification {
        id: id.to_owned(),
        kind: "alert.bulk_read".to_owned(),
        title: "Bulk read".to_owned(),
        message: "API key k-42 read 5000 records in 60 s.".to_owned(),
        occurred_at_ms: 1_764_600_000_000,
    }
}

fn config(url: String) -> WebhookConfig {
    let mut c = WebhookConfig::new(url, Secret::new(SECRET));
    c.initial_backoff = Duration::from_millis(10);
    c.max_backoff = Duration::from_millis(40);
    c.timeout = Duration::from_secs(10);
    c
}

fn url(r: &support::http::Receiver, scheme: &str) -> String {
    format!("{scheme}://{}/hook", r.addr)
}

fn verifies(hit: &support::http::Hit, body: &[u8]) -> bool {
    verify_webhook_signature(
        SECRET.as_bytes(),
        &hit.timestamp,
        body,
        &hit.signature,
        SystemTime::now(),
        TOLERANCE,
    )
}

#[tokio::test]
async fn webhook_is_delivered_signed_and_tampering_fails_verification() {
    let mut receiver = support::http::start(&[], None, false).await;
    let channel = WebhookChannel::new(&config(url(&receiver, "http"))).unwrap();
    let n = alert("n-1");
    assert_eq!(channel.deliver(&n).await, Ok(1));

    let hits = receiver.drain();
    assert_eq!(hits.len(), 1);
    let hit = &hits[0];
    assert!(hit.signature.starts_with("v1="), "{}", hit.signature);
    assert!(verifies(hit, &hit.body));
    let json: serde_json::Value = serde_json::from_slice(&hit.body).unwrap();
    assert_eq!(json["id"], "n-1");
    assert_eq!(json["kind"], "alert.bulk_read");
    assert_eq!(json["occurred_at_ms"], 1_764_600_000_000_i64);

    let tampered = String::from_utf8(hit.body.clone())
        .unwrap()
        .replace("5000", "5");
    assert!(!verifies(hit, tampered.as_bytes()));
    assert!(!verify_webhook_signature(
        b"another-secret",
        &hit.timestamp,
        &hit.body,
        &hit.signature,
        SystemTime::now(),
        TOLERANCE
    ));
}

#[tokio::test]
async fn webhook_over_https_trusts_only_configured_extra_root() {
    let (cert_pem, server_tls) = support::self_signed();
    let mut receiver = support::http::start(&[], Some(server_tls), false).await;

    let mut trusted = config(url(&receiver, "https"));
    trusted.extra_root_cert_pem = Some(cert_pem);
    let channel = WebhookChannel::new(&trusted).unwrap();
    assert_eq!(channel.deliver(&alert("n-2")).await, Ok(1));
    let hits = receiver.drain();
    assert_eq!(hits.len(), 1);
    assert!(verifies(&hits[0], &hits[0].body));

    let mut untrusted = config(url(&receiver, "https"));
    untrusted.max_attempts = 1;
    let channel = WebhookChannel::new(&untrusted).unwrap();
    let err = channel.deliver(&alert("n-3")).await.unwrap_err();
    assert!(
        matches!(err, NotifyError::WebhookTransport { attempts: 1, .. }),
        "{err:?}"
    );
    assert!(receiver.drain().is_empty());
}

#[tokio::test]
async fn webhook_retries_503_then_succeeds_on_third_attempt() {
    let mut receiver = support::http::start(&[503, 503], None, false).await;
    let channel = WebhookChannel::new(&config(url(&receiver, "http"))).unwrap();
    assert_eq!(channel.deliver(&alert("n-4")).await, Ok(3));
    let hits = receiver.drain();
    assert_eq!(hits.len(), 3);
    // Every attempt is signed afresh and carries the same notification.
    assert!(hits
        .iter()
        .all(|h| verifies(h, &h.body) && h.body == hits[0].body));
}

#[tokio::test]
async fn webhook_400_is_not_retried() {
    let mut receiver = support::http::start(&[400], None, false).await;
    let channel = WebhookChannel::new(&config(url(&receiver, "http"))).unwrap();
    let err = channel.deliver(&alert("n-5")).await.unwrap_err();
    assert_eq!(
        err,
        NotifyError::WebhookStatus {
            status: 400,
            attempts: 1
        }
    );
    assert_eq!(receiver.drain().len(), 1);
}

#[tokio::test]
async fn webhook_gives_up_after_max_attempts_on_429() {
    let mut receiver = support::http::start(&[429, 429, 429, 429], None, false).await;
    let mut c = config(url(&receiver, "http"));
    c.max_attempts = 3;
    let channel = WebhookChannel::new(&c).unwrap();
    let err = channel.deliver(&alert("n-6")).await.unwrap_err();
    assert_eq!(
        err,
        NotifyError::WebhookStatus {
            status: 429,
            attempts: 3
        }
    );
    assert_eq!(receiver.drain().len(), 3);
}

#[tokio::test]
async fn webhook_connect_error_is_retried_and_reported_without_url() {
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = closed.local_addr().unwrap();
    drop(closed);
    let mut c = config(format!("http://{addr}/hook?token=url-secret"));
    c.max_attempts = 2;
    let channel = WebhookChannel::new(&c).unwrap();
    let err = channel.deliver(&alert("n-7")).await.unwrap_err();
    assert_eq!(
        err,
        NotifyError::WebhookTransport {
            cause: "connect error",
            attempts: 2
        }
    );
    assert!(!err.to_string().contains("url-secret"));
    assert!(!channel.label().contains("url-secret"));
}

#[tokio::test]
async fn http_to_a_non_loopback_host_is_a_config_error() {
    let err = WebhookChannel::new(&config("http://hooks.example.com/x".into())).unwrap_err();
    assert!(matches!(err, NotifyError::Config(_)), "{err:?}");
    let err = WebhookChannel::new(&WebhookConfig::new("https://h.example/x", Secret::new("")))
        .unwrap_err();
    assert!(matches!(err, NotifyError::Config(_)), "{err:?}");
}

#[tokio::test]
async fn notifier_reports_each_channel_outcome() {
    let mut good = support::http::start(&[], None, false).await;
    let bad = support::http::start(&[404], None, false).await;
    let notifier = Notifier::new(vec![
        Channel::Webhook(WebhookChannel::new(&config(url(&good, "http"))).unwrap()),
        Channel::Webhook(WebhookChannel::new(&config(url(&bad, "http"))).unwrap()),
    ]);
    let outcomes = notifier.deliver(&alert("n-8")).await;
    assert_eq!(outcomes.len(), 2);
    assert_eq!(outcomes[0].result, Ok(1));
    assert_eq!(outcomes[0].channel, "webhook 127.0.0.1");
    assert_eq!(
        outcomes[1].result,
        Err(NotifyError::WebhookStatus {
            status: 404,
            attempts: 1
        })
    );
    assert_eq!(good.drain().len(), 1);
}

#[tokio::test]
async fn background_send_never_blocks_and_drops_when_queue_is_full() {
    let mut receiver = support::http::start(&[], None, true).await;
    let gate = receiver.gate.clone().unwrap();
    let channel = WebhookChannel::new(&config(url(&receiver, "http"))).unwrap();
    let handle = Notifier::new(vec![Channel::Webhook(channel)])
        .with_queue_capacity(1)
        .spawn();

    handle.send(alert("q-1")).unwrap();
    // The worker has taken q-1 and is waiting on the held receiver, so the queue is empty.
    let first = receiver.hits.recv().await.unwrap();
    assert!(String::from_utf8_lossy(&first.body).contains("q-1"));
    handle.send(alert("q-2")).unwrap();
    assert_eq!(handle.send(alert("q-3")), Err(NotifyError::QueueFull));
    assert_eq!(handle.dropped(), 1);

    gate.add_permits(2);
    let second = receiver.hits.recv().await.unwrap();
    assert!(String::from_utf8_lossy(&second.body).contains("q-2"));
    // Wait for the worker to record the second delivery before checking the counters.
    while handle.delivered() < 2 {
        tokio::task::yield_now().await;
    }
    assert_eq!(handle.failed(), 0);
    assert!(receiver.drain().is_empty());
}
