//! E-mail delivery against a real SMTP server on loopback: the message arrives over
//! STARTTLS (and implicit TLS) with login only inside TLS, and a server that does not
//! offer STARTTLS — or presents an untrusted certificate — never receives the envelope,
//! credentials or message.
mod support;

use std::time::Duration;

use gembok_notify::{
    Notification, NotifyError, Secret, SmtpChannel, SmtpConfig, SmtpCredentials, SmtpTls,
};
use support::smtp::{Line, Mode};

fn alert() -> Notification {
    Notification {
        id: "n-smtp-1".to_owned(),
        kind: "alert.login_failures".to_owned(),
        title: "Repeated login failures".to_owned(),
        message: "12 failed logins for API key k-9 from one address in 5 minutes.".to_owned(),
        occurred_at_ms: 1_764_600_000_000,
    }
}

fn config(port: u16, tls: SmtpTls, cert_pem: Option<String>) -> SmtpConfig {
    let mut c = SmtpConfig::new(
        "127.0.0.1",
        port,
        "Gembok <gembok@example.co.id>",
        vec![
            "security@example.co.id".to_owned(),
            "ops@example.co.id".to_owned(),
        ],
    );
    c.tls = tls;
    c.timeout = Duration::from_secs(10);
    c.extra_root_cert_pem = cert_pem;
    c.credentials = Some(SmtpCredentials {
        user: "gembok".to_owned(),
        password: Secret::new("smtp-password-xyz"),
    });
    c
}

fn transmitted_anything(lines: &[Line]) -> bool {
    lines.iter().any(|l| {
        let t = l.text.to_ascii_uppercase();
        t.starts_with("MAIL")
            || t.starts_with("RCPT")
            || t.starts_with("DATA")
            || t.starts_with("AUTH")
    })
}

fn data(lines: &[Line]) -> Option<&Line> {
    lines.iter().find(|l| l.text.starts_with("DATA:"))
}

#[tokio::test]
async fn email_is_delivered_over_starttls() {
    let (cert_pem, tls) = support::self_signed();
    let server = support::smtp::start(Mode::StartTls, tls).await;
    let channel =
        SmtpChannel::new(&config(server.port, SmtpTls::StartTls, Some(cert_pem))).unwrap();
    assert_eq!(channel.deliver(&alert()).await, Ok(1));

    let lines = server.lines();
    let starttls = lines
        .iter()
        .position(|l| l.text == "STARTTLS")
        .expect("STARTTLS sent");
    // Everything after the upgrade, and only that, carries the login and the message.
    assert!(!transmitted_anything(&lines[..starttls]), "{lines:#?}");
    for l in &lines[starttls + 1..] {
        assert!(l.encrypted, "{l:?}");
    }
    assert!(lines.iter().any(|l| l.text.starts_with("AUTH")));
    assert!(lines
        .iter()
        .any(|l| l.text.starts_with("MAIL FROM:<gembok@example.co.id>")));
    let rcpts = lines
        .iter()
        .filter(|l| l.text.starts_with("RCPT TO"))
        .count();
    assert_eq!(rcpts, 2);

    let message = &data(&lines).expect("message received").text;
    assert!(
        message.contains("Subject: [Gembok] Repeated login failures"),
        "{message}"
    );
    assert!(message.contains("alert.login_failures"));
    assert!(message.contains("tidak memuat data pelanggan"));
    assert!(message.contains("carries no customer data"));
    assert!(message.contains("12 failed logins for API key k-9"));
}

#[tokio::test]
async fn email_is_delivered_over_implicit_tls() {
    let (cert_pem, tls) = support::self_signed();
    let server = support::smtp::start(Mode::Implicit, tls).await;
    let channel =
        SmtpChannel::new(&config(server.port, SmtpTls::Implicit, Some(cert_pem))).unwrap();
    assert_eq!(channel.deliver(&alert()).await, Ok(1));
    let lines = server.lines();
    assert!(lines.iter().all(|l| l.encrypted));
    assert!(data(&lines).is_some());
}

#[tokio::test]
async fn server_without_starttls_is_refused_before_anything_is_sent() {
    let (cert_pem, tls) = support::self_signed();
    let server = support::smtp::start(Mode::NoStartTls, tls).await;
    let channel =
        SmtpChannel::new(&config(server.port, SmtpTls::StartTls, Some(cert_pem))).unwrap();
    let err = channel.deliver(&alert()).await.unwrap_err();
    assert_eq!(err, NotifyError::StartTlsUnavailable);

    let lines = server.lines();
    assert!(lines
        .iter()
        .any(|l| l.text.to_ascii_uppercase().starts_with("EHLO")));
    assert!(!transmitted_anything(&lines), "{lines:#?}");
    assert!(data(&lines).is_none());
    assert!(!lines.iter().any(|l| l.text.contains("smtp-password-xyz")));
}

#[tokio::test]
async fn untrusted_certificate_is_refused_before_anything_is_sent() {
    let (_cert_pem, tls) = support::self_signed();
    let server = support::smtp::start(Mode::StartTls, tls).await;
    let channel = SmtpChannel::new(&config(server.port, SmtpTls::StartTls, None)).unwrap();
    let err = channel.deliver(&alert()).await.unwrap_err();
    assert!(matches!(err, NotifyError::SmtpTls(_)), "{err:?}");
    assert!(!err.to_string().contains("smtp-password-xyz"));
    assert!(!transmitted_anything(&server.lines()));
}
