//! Erasure notices end to end in one process: a real vault erases a customer, the
//! listener passes it on, and a webhook receiver on loopback gets a signed
//! `subject.erased` notification naming the subject id and the time, and no value of
//! the customer's data. Both ways: collected and delivered before exit, and queued on
//! the background notifier as `gembok serve` does.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{mpsc, Arc};
use std::time::{Duration, SystemTime};

use gembok_core::{Actor, Vault, DEFAULT_SCHEMA};
use gembok_crypto::MasterKey;
use gembok_notify::{
    verify_webhook_signature, Channel, Notifier, Secret, WebhookChannel, WebhookConfig,
};
use gembok_store_sqlite::SqliteStore;
use gembok_types::RecordId;
use serde_json::{json, Value};

use super::*;

const SECRET: &str = "erasure-hook-secret";
const NAME: &str = "Putri Anggraini";
const EMAIL: &str = "putri.anggraini@contoh.co.id";

struct Hit {
    timestamp: String,
    signature: String,
    body: Vec<u8>,
}

/// A plain HTTP receiver on loopback that answers 200 and passes each request on.
fn receiver() -> (u16, mpsc::Receiver<Hit>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let (mut length, mut timestamp, mut signature) = (0, String::new(), String::new());
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                let lower = line.to_ascii_lowercase();
                let value = line.split_once(':').map(|(_, v)| v.trim().to_owned());
                if lower.starts_with("content-length:") {
                    length = value.as_deref().unwrap_or("0").parse().unwrap();
                } else if lower.starts_with("gembok-timestamp:") {
                    timestamp = value.unwrap_or_default();
                } else if lower.starts_with("gembok-signature:") {
                    signature = value.unwrap_or_default();
                }
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body).unwrap();
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
            let _ = tx.send(Hit {
                timestamp,
                signature,
                body,
            });
        }
    });
    (port, rx)
}

fn notifier(port: u16) -> Notifier {
    let mut hook = WebhookConfig::new(
        format!("http://127.0.0.1:{port}/erased"),
        Secret::new(SECRET),
    );
    hook.max_attempts = 1;
    Notifier::new(vec![Channel::Webhook(WebhookChannel::new(&hook).unwrap())])
}

/// A vault on disk with one customer and an order of theirs.
fn vault(dir: &std::path::Path) -> (Vault, RecordId) {
    let master = MasterKey::create_file(&dir.join("master.key")).unwrap();
    let store = Arc::new(SqliteStore::open(&dir.join("gembok.db")).unwrap());
    let vault = Vault::initialize(store, master, DEFAULT_SCHEMA).unwrap();
    let actor = Actor::local_operator();
    let id = vault
        .create(&actor, "customers", &json!({"name": NAME, "email": EMAIL}))
        .unwrap();
    vault
        .create(
            &actor,
            "orders",
            &json!({"customer": id.to_string(), "amount": {"amount": 150000, "currency": "IDR"}}),
        )
        .unwrap();
    (vault, id)
}

/// The next request, its signature checked, as the notification and its raw text.
fn received(rx: &mpsc::Receiver<Hit>) -> (Value, String) {
    let hit = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("no erasure webhook within 30 s");
    assert!(
        verify_webhook_signature(
            SECRET.as_bytes(),
            &hit.timestamp,
            &hit.body,
            &hit.signature,
            SystemTime::now(),
            Duration::from_secs(300),
        ),
        "the signature verifies"
    );
    let text = String::from_utf8(hit.body).unwrap();
    (serde_json::from_str(&text).unwrap(), text)
}

fn assert_names_only_the_subject(n: &Value, text: &str, id: RecordId, erased_at: i64) {
    assert_eq!(n["kind"], KIND);
    let message: Value = serde_json::from_str(n["message"].as_str().unwrap()).unwrap();
    assert_eq!(
        message,
        json!({"subject": id.to_string(), "erased_at": erased_at})
    );
    for value in [NAME, EMAIL, "putri", "150000"] {
        assert!(!text.contains(value), "{value} leaked: {text}");
    }
}

#[test]
fn a_one_shot_erasure_is_delivered_before_the_command_ends() {
    let tmp = tempfile::tempdir().unwrap();
    let (vault, id) = vault(tmp.path());
    let (port, rx) = receiver();
    let collected = Arc::new(ErasureNotifier::collecting());
    vault.add_erasure_listener(collected.clone());
    let report = vault.erase_subject(&Actor::local_operator(), id).unwrap();
    assert_eq!(report.total(), 2);
    assert!(rx.try_recv().is_err(), "nothing is sent before delivery");

    let entries = collected.take();
    assert_eq!(entries.len(), 1);
    assert_eq!(deliver_now(&notifier(port), &entries), 0);
    let (n, text) = received(&rx);
    assert_names_only_the_subject(&n, &text, id, report.erased_at);
    assert_eq!(n["id"], format!("erased_{id}"));
    assert!(collected.take().is_empty());
}

#[test]
fn the_server_queues_erasures_on_the_background_notifier() {
    let tmp = tempfile::tempdir().unwrap();
    let (vault, id) = vault(tmp.path());
    let (port, rx) = receiver();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let handle = {
        let _entered = runtime.enter();
        notifier(port).spawn()
    };
    vault.add_erasure_listener(Arc::new(ErasureNotifier::queue(handle)));
    let report = vault.erase_subject(&Actor::local_operator(), id).unwrap();
    let (n, text) = received(&rx);
    assert_names_only_the_subject(&n, &text, id, report.erased_at);
}

#[test]
fn a_failed_delivery_is_counted() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let entry = LedgerEntry {
        subject: "0190f5d2-7c4e-7a00-8000-000000000001".parse().unwrap(),
        erased_at: 1,
    };
    assert_eq!(deliver_now(&notifier(port), &[entry]), 1);
}
