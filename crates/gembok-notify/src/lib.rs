//! Gembok's notification module: how security alerts (audit monitoring, login security)
//! leave the vault. It owns the [`Notification`] value, two delivery channels — a signed
//! HTTPS webhook ([`WebhookConfig`]) and TLS-only e-mail ([`SmtpConfig`]) — the
//! [`Notifier`] that fans one notification out to every channel, and its background mode
//! ([`Notifier::spawn`] / [`NotifyHandle`]) so callers never wait on the network.
//!
//! Notifications never carry customer data. A [`Notification`] holds only text the caller
//! composes (kind, title, message, ids, time); no field of it is meant for a record's
//! contents, and nothing in this crate reads the vault.
//!
//! Security properties:
//! - Webhooks go over HTTPS only (`http://` is accepted for loopback addresses alone), are
//!   signed with HMAC-SHA256 (aws-lc-rs) over `"<timestamp>.<body>"`, and never follow
//!   redirects. Receivers check them with [`verify_webhook_signature`].
//! - E-mail requires TLS: implicit TLS, or STARTTLS that the server must offer. A server
//!   without STARTTLS is refused ([`NotifyError::StartTlsUnavailable`]) before any
//!   envelope, credential or message is sent. A notice for one person (their own new
//!   login, their lockout) goes by e-mail alone to that [`Recipient`]
//!   ([`NotifyHandle::send_to`]), whose address never reaches a webhook or a log.
//! - Secrets ([`Secret`]) redact their `Debug` and zeroize on drop; configuration names
//!   the environment variables that hold them rather than holding them.
//! - Errors and [`DeliveryOutcome`]s never contain secrets or webhook URLs (which often
//!   embed tokens): channels are labelled by host only.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod config;
mod error;
mod notification;
mod notifier;
mod recipient;
mod secret;
mod smtp;
mod tls;
mod webhook;

pub use config::{NotifyConfig, SmtpSection, WebhookSection};
pub use error::NotifyError;
pub use notification::Notification;
pub use notifier::{Channel, DeliveryOutcome, Notifier, NotifyHandle, DEFAULT_QUEUE_CAPACITY};
pub use recipient::Recipient;
pub use secret::Secret;
pub use smtp::{SmtpChannel, SmtpConfig, SmtpCredentials, SmtpTls};
pub use webhook::{
    sign_webhook, verify_webhook_signature, WebhookChannel, WebhookConfig, SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
};
