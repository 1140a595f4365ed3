//! A notification for one person, against real servers on loopback: it is e-mailed over
//! STARTTLS to that person alone (not to the operators), a server without STARTTLS never
//! receives the envelope, and the webhook receiver never sees it or the address.
mod support;

use std::time::Duration;

use gembok_notify::{
    Channel, Notification, Notifier, NotifyError, Recipient, Secret, SmtpChannel, SmtpConfig,
    SmtpTls, WebhookChannel, WebhookConfig,
};
use support::smtp::{Line, Mode};

const PERSON: &str = "siti@contoh.co.id";

fn notice() -> Notification {
    Notification {
        id: "n-person-1".to_owned(),
        kind: "account.locked".to_owned(),
        title: "Account locked / Akun dikunci".to_owned(),
        message: "Account usr_0123456789abcdef was locked.".to_owned(),
        occurred_at_ms: 1_764_600_000_000,
    }
}

fn smtp(port: u16, cert_pem: String) -> SmtpChannel {
    let mut c = SmtpConfig::new(
        "127.0.0.1",
        port,
        "Gembok <gembok@example.co.id>",
        vec!["security@example.co.id".to_owned()],
    );
    c.tls = SmtpTls::StartTls;
    c.timeout = Duration::from_secs(10);
    c.extra_root_cert_pem = Some(cert_pem);
    SmtpChannel::new(&c).unwrap()
}

fn rcpts(lines: &[Line]) -> Vec<String> {
    lines
        .iter()
        .filter(|l| l.text.to_ascii_uppercase().starts_with("RCPT"))
        .map(|l| l.text.clone())
        .collect()
}

#[tokio::test]
async fn a_personal_notice_goes_by_starttls_to_that_person_only() {
    let (cert_pem, tls) = support::self_signed();
    let server = support::smtp::start(Mode::StartTls, tls).await;
    let mut hook = support::http::start(&[], None, false).await;
    let webhook = WebhookChannel::new(&WebhookConfig::new(
        format!("http://{}/hook", hook.addr),
        Secret::new("hook-secret"),
    ))
    .unwrap();
    let notifier = Notifier::new(vec![
        Channel::Webhook(webhook),
        Channel::Smtp(smtp(server.port, cert_pem)),
    ]);
    assert!(notifier.has_email());
    let outcomes = notifier
        .deliver_to(&notice(), &Recipient::parse(PERSON).unwrap())
        .await
        .unwrap();
    assert_eq!(outcomes.len(), 1, "only the e-mail channel: {outcomes:?}");
    assert!(outcomes[0].is_ok(), "{outcomes:?}");
    assert!(!format!("{outcomes:?}").contains(PERSON));

    let lines = server.lines();
    let starttls = lines.iter().position(|l| l.text == "STARTTLS").unwrap();
    assert!(lines[starttls + 1..].iter().all(|l| l.encrypted));
    assert_eq!(rcpts(&lines), vec![format!("RCPT TO:<{PERSON}>")]);
    let data = lines.iter().find(|l| l.text.starts_with("DATA:")).unwrap();
    assert!(data.encrypted);
    assert!(
        data.text.contains(&format!("To: {PERSON}")),
        "{}",
        data.text
    );
    assert!(!data.text.contains("security@example.co.id"));
    assert!(data.text.contains("account.locked"));
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        hook.drain().is_empty(),
        "a personal notice is never a webhook"
    );
}

#[tokio::test]
async fn the_background_worker_sends_personal_notices_too() {
    let (cert_pem, tls) = support::self_signed();
    let server = support::smtp::start(Mode::StartTls, tls).await;
    let handle = Notifier::new(vec![Channel::Smtp(smtp(server.port, cert_pem))]).spawn();
    assert!(handle.has_email());
    handle
        .send_to(notice(), Recipient::parse(PERSON).unwrap())
        .unwrap();
    for _ in 0..100 {
        if handle.delivered() + handle.failed() > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(handle.delivered(), 1);
    assert_eq!(rcpts(&server.lines()), vec![format!("RCPT TO:<{PERSON}>")]);
}

#[tokio::test]
async fn a_server_without_starttls_never_sees_the_person_or_the_notice() {
    let (cert_pem, tls) = support::self_signed();
    let server = support::smtp::start(Mode::NoStartTls, tls).await;
    let notifier = Notifier::new(vec![Channel::Smtp(smtp(server.port, cert_pem))]);
    let outcomes = notifier
        .deliver_to(&notice(), &Recipient::parse(PERSON).unwrap())
        .await
        .unwrap();
    assert_eq!(
        outcomes[0].result,
        Err(NotifyError::StartTlsUnavailable),
        "{outcomes:?}"
    );
    let lines = server.lines();
    assert!(rcpts(&lines).is_empty(), "{lines:#?}");
    assert!(!lines.iter().any(|l| l.text.contains(PERSON)));
    assert!(!lines.iter().any(|l| l.text.starts_with("DATA")));
}

#[tokio::test]
async fn without_an_email_channel_a_personal_notice_is_refused() {
    let mut hook = support::http::start(&[], None, false).await;
    let webhook = WebhookChannel::new(&WebhookConfig::new(
        format!("http://{}/hook", hook.addr),
        Secret::new("hook-secret"),
    ))
    .unwrap();
    let notifier = Notifier::new(vec![Channel::Webhook(webhook)]);
    let r = Recipient::parse(PERSON).unwrap();
    assert_eq!(
        notifier.deliver_to(&notice(), &r).await.unwrap_err(),
        NotifyError::NoEmailChannel
    );
    let handle = notifier.spawn();
    assert!(!handle.has_email());
    assert_eq!(
        handle.send_to(notice(), r).unwrap_err(),
        NotifyError::NoEmailChannel
    );
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(hook.drain().is_empty());
}
