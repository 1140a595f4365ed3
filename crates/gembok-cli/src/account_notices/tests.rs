//! Account notices end to end in one process: the account service of a real vault
//! raises them (a login from a new network, a lockout), the listener queues them, and
//! real servers on loopback receive them: a webhook receiver (HMAC checked, no e-mail
//! address in the body) and an SMTP server (the holder's e-mail over STARTTLS only).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{mpsc, Arc};
use std::time::{Duration, SystemTime};

use gembok_core::accounts::{Accounts, AccountsConfig, ClientInfo, LoginOutcome};
use gembok_core::staff::throttle::ThrottlePolicy;
use gembok_core::{Actor, Policy, Vault, DEFAULT_SCHEMA};
use gembok_crypto::MasterKey;
use gembok_notify::{
    verify_webhook_signature, Channel, Notifier, Secret, SmtpChannel, SmtpConfig, WebhookChannel,
    WebhookConfig,
};
use gembok_store_sqlite::SqliteStore;
use rustls_pki_types::{pem::PemObject, PrivateKeyDer};
use serde_json::Value;

use super::AccountNotifier;

#[allow(dead_code)]
#[path = "../../../gembok-notify/tests/support/smtp.rs"]
mod smtp_server;

use smtp_server::{Line, Mode};

const PERSON: &str = "siti.rahma@contoh.co.id";
const PASSWORD: &str = "kopi-tubruk-senja-Jatinegara-42";
const HOOK_SECRET: &str = "account-notice-hook-secret";
const NOW: i64 = 1_796_094_000_000;

/// One webhook request as received.
struct Hit {
    timestamp: String,
    signature: String,
    body: Vec<u8>,
}

/// A plain HTTP receiver on loopback that answers 200 and sends each request on.
fn webhook_receiver() -> (u16, mpsc::Receiver<Hit>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { return };
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
            let mut stream = stream;
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

/// A self-signed certificate for 127.0.0.1: its PEM and a server configuration.
fn self_signed() -> (String, Arc<rustls::ServerConfig>) {
    let certified = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).unwrap();
    let key =
        PrivateKeyDer::from_pem_slice(certified.signing_key.serialize_pem().as_bytes()).unwrap();
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![certified.cert.der().clone()], key)
        .unwrap();
    (certified.cert.pem(), Arc::new(config))
}

/// A vault on disk and its account service, locking a password after two failures.
fn accounts(dir: &std::path::Path) -> Accounts {
    let key = dir.join("master.key");
    let master = MasterKey::create_file(&key).unwrap();
    let store: Arc<dyn gembok_store::Store> =
        Arc::new(SqliteStore::open(&dir.join("gembok.db")).unwrap());
    let vault = Vault::initialize(Arc::clone(&store), master, DEFAULT_SCHEMA).unwrap();
    let config = AccountsConfig {
        throttle: ThrottlePolicy {
            lock_after: 2,
            ..ThrottlePolicy::default()
        },
        ..AccountsConfig::default()
    };
    Accounts::open(
        store,
        &MasterKey::load_file(&key).unwrap(),
        Arc::clone(vault.audit()),
        Arc::new(Policy::builtin()),
        config,
    )
    .unwrap()
}

fn client(address: &str, agent: &str) -> ClientInfo {
    ClientInfo {
        address: Some(address.into()),
        user_agent: Some(agent.into()),
        request_id: None,
    }
}

/// The notifier of the test: the webhook, and an SMTP server in `mode`.
struct Rig {
    runtime: tokio::runtime::Runtime,
    hooks: mpsc::Receiver<Hit>,
    smtp: smtp_server::SmtpServer,
    notifier: Arc<AccountNotifier>,
    handle: gembok_notify::NotifyHandle,
}

fn rig(mode: Mode) -> Rig {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (port, hooks) = webhook_receiver();
    let (cert_pem, tls) = self_signed();
    let smtp = runtime.block_on(smtp_server::start(mode, tls));
    let mut hook = WebhookConfig::new(
        format!("http://127.0.0.1:{port}/hook"),
        Secret::new(HOOK_SECRET),
    );
    hook.max_attempts = 1;
    let mut mail = SmtpConfig::new(
        "127.0.0.1",
        smtp.port,
        "Gembok <gembok@toko.example.co.id>",
        vec!["pemilik@toko.example.co.id".to_owned()],
    );
    mail.timeout = Duration::from_secs(10);
    mail.extra_root_cert_pem = Some(cert_pem);
    let notifier = Notifier::new(vec![
        Channel::Webhook(WebhookChannel::new(&hook).unwrap()),
        Channel::Smtp(SmtpChannel::new(&mail).unwrap()),
    ]);
    let handle = {
        let _entered = runtime.enter();
        notifier.spawn()
    };
    Rig {
        runtime,
        hooks,
        smtp,
        notifier: Arc::new(AccountNotifier::new(handle.clone())),
        handle,
    }
}

impl Rig {
    /// The next webhook notice of `kind`, its signature checked.
    fn hook_of(&self, kind: &str) -> (Value, String) {
        loop {
            let hit = self
                .hooks
                .recv_timeout(Duration::from_secs(30))
                .unwrap_or_else(|_| panic!("no {kind} webhook within 30 s"));
            assert!(
                verify_webhook_signature(
                    HOOK_SECRET.as_bytes(),
                    &hit.timestamp,
                    &hit.body,
                    &hit.signature,
                    SystemTime::now(),
                    Duration::from_secs(300),
                ),
                "the webhook signature verifies"
            );
            let text = String::from_utf8(hit.body).unwrap();
            let n: Value = serde_json::from_str(&text).unwrap();
            if n["kind"] == kind {
                return (n, text);
            }
        }
    }

    /// Wait until the worker has handled `count` notifications.
    fn settle(&self, count: u64) {
        for _ in 0..300 {
            if self.handle.delivered() + self.handle.failed() >= count {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("the notifier did not finish");
    }

    /// The DATA of every message the SMTP server received, with their RCPT lines.
    fn mails(&self) -> Vec<(Vec<String>, String)> {
        let lines: Vec<Line> = self.smtp.lines();
        let mut out = Vec::new();
        let mut rcpts = Vec::new();
        for l in lines {
            if l.text.to_ascii_uppercase().starts_with("RCPT TO") {
                assert!(l.encrypted, "an envelope was sent in clear: {l:?}");
                rcpts.push(l.text.clone());
            } else if let Some(data) = l.text.strip_prefix("DATA:") {
                assert!(l.encrypted, "a message was sent in clear");
                out.push((std::mem::take(&mut rcpts), data.to_owned()));
            }
        }
        out
    }
}

/// Enrol a support account (no 2FA needed) and log in once from the office.
fn enrolled(accounts: &Accounts) -> String {
    let created = accounts
        .create(&Actor::local_operator(), PERSON, "support", NOW)
        .unwrap();
    let office = client("203.0.113.10", "Firefox/140 office");
    let outcome = accounts
        .enrol(created.enrolment_token.expose(), PASSWORD, &office, NOW)
        .unwrap();
    assert!(matches!(outcome, LoginOutcome::Session(_)), "{outcome:?}");
    accounts
        .login(PERSON, PASSWORD, &office, NOW + 1000)
        .unwrap();
    created.info.id.to_string()
}

#[test]
fn a_new_device_and_a_lockout_reach_the_owners_and_the_person() {
    let tmp = tempfile::tempdir().unwrap();
    let accounts = accounts(tmp.path());
    let rig = rig(Mode::StartTls);
    accounts.add_listener(rig.notifier.clone());
    let id = enrolled(&accounts);

    let cafe = client("198.51.100.77", "Chrome/141 phone");
    accounts
        .login(PERSON, PASSWORD, &cafe, NOW + 60_000)
        .unwrap();
    let (n, body) = rig.hook_of("account.new_device");
    let message = n["message"].as_str().unwrap();
    assert!(
        message.contains(&id) && message.contains("198.51.100.77"),
        "{message}"
    );
    assert!(message.contains(" / Akun "), "bilingual: {message}");
    assert!(!body.contains(PERSON) && !body.contains("siti"), "{body}");

    for i in 0..2 {
        let wrong = accounts.login(
            PERSON,
            "salah-kata-sandi-panjang-1",
            &cafe,
            NOW + 70_000 + i,
        );
        assert!(wrong.is_err());
    }
    let (n, body) = rig.hook_of("account.locked");
    assert!(n["message"].as_str().unwrap().contains(&id));
    assert!(n["title"].as_str().unwrap().contains("dikunci"));
    assert!(!body.contains(PERSON) && !body.contains("contoh"), "{body}");

    // Four sends: two notices, each to the channels and to the person.
    rig.settle(4);
    let mails = rig.mails();
    let personal: Vec<_> = mails
        .iter()
        .filter(|(rcpts, _)| rcpts == &vec![format!("RCPT TO:<{PERSON}>")])
        .collect();
    assert_eq!(personal.len(), 2, "{mails:#?}");
    assert!(personal[0].1.contains("account.new_device"));
    assert!(personal[1].1.contains("account.locked"));
    // The owners' copies go to the configured address, never to the person.
    let owners = mails
        .iter()
        .filter(|(rcpts, _)| rcpts == &vec!["RCPT TO:<pemilik@toko.example.co.id>".to_owned()])
        .count();
    assert_eq!(owners, 2, "{mails:#?}");
    assert!(mails.iter().all(|(_, data)| !data.contains("Chrome")));
    drop(rig.runtime);
}

#[test]
fn without_starttls_the_person_gets_nothing_in_clear_and_the_webhook_still_hears() {
    let tmp = tempfile::tempdir().unwrap();
    let accounts = accounts(tmp.path());
    let rig = rig(Mode::NoStartTls);
    accounts.add_listener(rig.notifier.clone());
    let id = enrolled(&accounts);
    let cafe = client("198.51.100.77", "Chrome/141 phone");
    for i in 0..2 {
        assert!(accounts
            .login(
                PERSON,
                "salah-kata-sandi-panjang-1",
                &cafe,
                NOW + 70_000 + i
            )
            .is_err());
    }
    let (n, _) = rig.hook_of("account.locked");
    assert!(n["message"].as_str().unwrap().contains(&id));
    rig.settle(2);
    assert!(rig.handle.failed() >= 2, "both e-mails refused");
    let lines = rig.smtp.lines();
    assert!(
        !lines.iter().any(|l| l.text.contains(PERSON)
            || l.text.starts_with("RCPT")
            || l.text.starts_with("DATA")),
        "{lines:#?}"
    );
    drop(rig.runtime);
}
