//! The crate's single error type. Variants carry only what an operator needs to act on —
//! status codes, attempt counts, the name of a missing environment variable — and never a
//! secret, a webhook URL (which may embed a token) or any part of a notification.
use thiserror::Error;

/// Everything that can go wrong configuring or delivering a notification.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum NotifyError {
    /// The configuration is invalid; the message says which setting and why.
    #[error("invalid notification configuration: {0}")]
    Config(String),
    /// An environment variable named in the configuration to hold a secret is unset or empty.
    #[error("environment variable {var} (named in the notification configuration) is not set")]
    MissingSecretEnv {
        /// The variable's name (never its value).
        var: String,
    },
    /// The webhook receiver answered with a non-success HTTP status.
    #[error("webhook receiver answered HTTP {status} after {attempts} attempt(s)")]
    WebhookStatus {
        /// The last HTTP status received.
        status: u16,
        /// How many requests were made.
        attempts: u32,
    },
    /// The webhook request failed below HTTP (connect, TLS, timeout).
    #[error("webhook delivery failed ({cause}) after {attempts} attempt(s)")]
    WebhookTransport {
        /// A fixed description of the failure class, e.g. `"connect error"`, `"timeout"`.
        cause: &'static str,
        /// How many requests were made.
        attempts: u32,
    },
    /// The SMTP server does not offer STARTTLS, so the message was not sent: Gembok never
    /// sends e-mail in plain text.
    #[error("SMTP server does not offer STARTTLS; refusing to send e-mail in plain text")]
    StartTlsUnavailable,
    /// The TLS handshake with the SMTP server failed (certificate, protocol).
    #[error("SMTP TLS error: {0}")]
    SmtpTls(String),
    /// The SMTP exchange failed; the message carries the failure class and reply code.
    #[error("SMTP delivery failed: {0}")]
    Smtp(String),
    /// The notification could not be encoded (JSON or e-mail message).
    #[error("could not encode the notification: {0}")]
    Encode(String),
    /// The background queue is full; the notification was dropped and counted.
    #[error("notification queue is full; notification dropped")]
    QueueFull,
    /// The background worker has stopped; the notification was dropped.
    #[error("notification worker has stopped; notification dropped")]
    WorkerStopped,
    /// An extra e-mail recipient is not one plain address (the address is not repeated).
    #[error("the e-mail recipient is not a valid address")]
    InvalidRecipient,
    /// A notification for one person was asked for, but no e-mail channel is configured.
    #[error("no e-mail channel is configured ([notify.smtp])")]
    NoEmailChannel,
}
