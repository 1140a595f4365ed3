//! The `[notify]` TOML section: parsing, secrets taken from named environment variables,
//! refusal of inline secrets and plain-text e-mail, and `Debug` output free of secrets.
use std::collections::HashMap;

use gembok_notify::{Notifier, NotifyConfig, NotifyError, SmtpTls};

const DOC: &str = r#"
[server]
listen = "127.0.0.1:8443"

[notify]
queue_capacity = 16

[[notify.webhook]]
url = "https://hooks.example.co.id/gembok"
secret_env = "TEST_GEMBOK_WEBHOOK_SECRET"
max_attempts = 3
initial_backoff_ms = 250

[notify.smtp]
host = "smtp.example.co.id"
from = "Gembok <gembok@example.co.id>"
to = ["security@example.co.id"]
tls = "starttls"
username = "gembok"
password_env = "TEST_GEMBOK_SMTP_PASSWORD"
"#;

fn env() -> HashMap<&'static str, &'static str> {
    HashMap::from([
        ("TEST_GEMBOK_WEBHOOK_SECRET", "webhook-secret-value-123"),
        ("TEST_GEMBOK_SMTP_PASSWORD", "smtp-password-value-456"),
    ])
}

fn lookup(var: &str) -> Option<String> {
    env().get(var).map(|v| (*v).to_owned())
}

#[test]
fn parses_and_resolves_secrets_from_named_variables() {
    let config = NotifyConfig::from_toml_str(DOC).unwrap();
    assert_eq!(config.queue_capacity, Some(16));
    let (webhooks, smtp) = config.resolve(lookup).unwrap();
    assert_eq!(webhooks.len(), 1);
    assert_eq!(webhooks[0].max_attempts, 3);
    assert_eq!(webhooks[0].initial_backoff.as_millis(), 250);
    assert_eq!(webhooks[0].secret.expose(), "webhook-secret-value-123");
    let smtp = smtp.unwrap();
    assert_eq!((smtp.port, smtp.tls), (587, SmtpTls::StartTls));
    let creds = smtp.credentials.as_ref().unwrap();
    assert_eq!(creds.password.expose(), "smtp-password-value-456");

    let notifier = Notifier::from_config_with_env(&config, lookup).unwrap();
    let labels: Vec<_> = notifier.channels().iter().map(|c| c.label()).collect();
    assert_eq!(
        labels,
        ["webhook hooks.example.co.id", "smtp smtp.example.co.id:587"]
    );
}

#[test]
fn debug_of_configs_and_channels_shows_no_secret() {
    let config = NotifyConfig::from_toml_str(DOC).unwrap();
    let (webhooks, smtp) = config.resolve(lookup).unwrap();
    let notifier = Notifier::from_config_with_env(&config, lookup).unwrap();
    let shown = format!("{webhooks:?} {smtp:?} {notifier:?} {webhooks:#?} {smtp:#?}");
    for secret in env().values() {
        assert!(!shown.contains(secret), "{shown}");
    }
    assert!(shown.contains("redacted"));
}

#[test]
fn missing_secret_variable_is_named() {
    let config = NotifyConfig::from_toml_str(DOC).unwrap();
    let err = Notifier::from_config_with_env(&config, |_| None).unwrap_err();
    assert_eq!(
        err,
        NotifyError::MissingSecretEnv {
            var: "TEST_GEMBOK_WEBHOOK_SECRET".to_owned()
        }
    );
}

#[test]
fn inline_secrets_and_plaintext_smtp_are_refused() {
    let inline = "[[notify.webhook]]\nurl = \"https://h.example/x\"\nsecret_env = \"X\"\nsecret = \"inline\"\n";
    let err = NotifyConfig::from_toml_str(inline).unwrap_err();
    assert!(matches!(err, NotifyError::Config(_)));
    assert!(!err.to_string().contains("\"inline\""), "{err}");

    let plain = "[notify.smtp]\nhost = \"h\"\nfrom = \"a@b.c\"\nto = [\"d@e.f\"]\ntls = \"none\"\n";
    assert!(matches!(
        NotifyConfig::from_toml_str(plain),
        Err(NotifyError::Config(_))
    ));
}

#[test]
fn document_without_notify_section_gives_no_channels() {
    let config = NotifyConfig::from_toml_str("[server]\nlisten = \"x\"\n").unwrap();
    let notifier = Notifier::from_config_with_env(&config, |_| None).unwrap();
    assert!(notifier.channels().is_empty());
}

#[test]
fn plain_http_webhook_to_remote_host_is_refused() {
    let doc = "[[notify.webhook]]\nurl = \"http://hooks.example.co.id/x\"\nsecret_env = \"TEST_GEMBOK_WEBHOOK_SECRET\"\n";
    let config = NotifyConfig::from_toml_str(doc).unwrap();
    let err = Notifier::from_config_with_env(&config, lookup).unwrap_err();
    assert!(matches!(err, NotifyError::Config(_)), "{err:?}");
}
