//! The webhook channel: an HTTPS POST of the notification's JSON, signed with
//! HMAC-SHA256, retried with capped exponential backoff on failures that may pass
//! (connect errors, timeouts, 429, 5xx) and never on other answers. Also the receiver's
//! side: [`verify_webhook_signature`]. The signature scheme is in `webhook/signature.rs`.
use std::time::{Duration, SystemTime};

use aws_lc_rs::hmac;
use reqwest::{header, redirect, StatusCode, Url};

use crate::{tls, Notification, NotifyError, Secret};

mod signature;

pub use signature::{sign_webhook, verify_webhook_signature};
use signature::{sign_with_key, unix_seconds};

/// Header carrying the signing time, Unix seconds.
pub const TIMESTAMP_HEADER: &str = "Gembok-Timestamp";
/// Header carrying `v1=<hex signature>`.
pub const SIGNATURE_HEADER: &str = "Gembok-Signature";

/// Settings of one webhook receiver.
///
/// `Debug` shows the secret redacted. Build with [`WebhookConfig::new`] for the defaults
/// and adjust the public fields.
#[derive(Debug, Clone)]
pub struct WebhookConfig {
    /// Receiver URL: `https://…`, or `http://` to a loopback address only.
    pub url: String,
    /// HMAC-SHA256 signing key shared with the receiver; must not be empty.
    pub secret: Secret,
    /// Total requests per notification including the first (default 5, at least 1).
    pub max_attempts: u32,
    /// Wait before the first retry (default 1 s); doubles each retry up to `max_backoff`.
    pub initial_backoff: Duration,
    /// Ceiling of the wait between retries (default 60 s).
    pub max_backoff: Duration,
    /// Per-request timeout, connect included (default 10 s).
    pub timeout: Duration,
    /// Extra trusted root certificate(s), PEM, besides the Mozilla roots — for a private
    /// CA or a test server's self-signed certificate.
    pub extra_root_cert_pem: Option<String>,
}

impl WebhookConfig {
    /// A configuration with the default retry policy and timeout.
    pub fn new(url: impl Into<String>, secret: Secret) -> Self {
        Self {
            url: url.into(),
            secret,
            max_attempts: 5,
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(60),
            timeout: Duration::from_secs(10),
            extra_root_cert_pem: None,
        }
    }
}

/// A ready webhook channel: validated URL, HTTP client and key.
pub struct WebhookChannel {
    url: Url,
    label: String,
    // Boxed: aws-lc-rs keys are large, and channels live in an enum.
    key: Box<hmac::Key>,
    client: reqwest::Client,
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
}

impl std::fmt::Debug for WebhookChannel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookChannel")
            .field("label", &self.label)
            .finish_non_exhaustive()
    }
}

impl WebhookChannel {
    /// Validates `config` and builds the channel.
    ///
    /// Errors: a URL that is not `https://` (or `http://` to loopback), carries
    /// credentials or does not parse; an empty secret; zero `max_attempts`; bad PEM.
    pub fn new(config: &WebhookConfig) -> Result<Self, NotifyError> {
        let url = Url::parse(&config.url)
            .map_err(|_| NotifyError::Config("webhook url does not parse".into()))?;
        check_url(&url)?;
        if config.secret.is_empty() {
            return Err(NotifyError::Config("webhook secret is empty".into()));
        }
        if config.max_attempts == 0 {
            return Err(NotifyError::Config(
                "webhook max_attempts must be at least 1".into(),
            ));
        }
        let tls = tls::client_config(config.extra_root_cert_pem.as_deref())?;
        let client = reqwest::Client::builder()
            .use_preconfigured_tls(tls)
            // A redirect would carry the signed alert somewhere not configured.
            .redirect(redirect::Policy::none())
            .no_proxy()
            .timeout(config.timeout)
            .connect_timeout(config.timeout)
            .user_agent(concat!("gembok-notify/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|_| NotifyError::Config("could not build the HTTP client".into()))?;
        let label = format!("webhook {}", url.host_str().unwrap_or("?"));
        Ok(Self {
            key: Box::new(hmac::Key::new(
                hmac::HMAC_SHA256,
                config.secret.expose().as_bytes(),
            )),
            url,
            label,
            client,
            max_attempts: config.max_attempts,
            initial_backoff: config.initial_backoff,
            max_backoff: config.max_backoff,
        })
    }

    /// The channel's label in outcomes and logs: `"webhook <host>"`, never the full URL
    /// (paths and queries often hold tokens).
    pub fn label(&self) -> &str {
        &self.label
    }

    /// Delivers `n`, retrying as documented; returns the number of requests made.
    pub async fn deliver(&self, n: &Notification) -> Result<u32, NotifyError> {
        let body = n.to_json()?;
        let mut backoff = self.initial_backoff;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let (retryable, error, retry_after) = match self.post_once(&body).await {
                Ok(()) => return Ok(attempt),
                Err(failure) => failure.into_parts(attempt),
            };
            if !retryable || attempt >= self.max_attempts {
                return Err(error);
            }
            let wait = retry_after.map_or(backoff, |r| r.max(backoff));
            tokio::time::sleep(wait.min(self.max_backoff)).await;
            backoff = backoff.saturating_mul(2).min(self.max_backoff);
        }
    }

    async fn post_once(&self, body: &[u8]) -> Result<(), Failure> {
        let timestamp = unix_seconds(SystemTime::now());
        let signature = sign_with_key(&self.key, timestamp, body);
        let response = self
            .client
            .post(self.url.clone())
            .header(header::CONTENT_TYPE, "application/json")
            .header(TIMESTAMP_HEADER, timestamp.to_string())
            .header(SIGNATURE_HEADER, format!("v1={signature}"))
            .body(body.to_vec())
            .send()
            .await
            .map_err(Failure::Transport)?;
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        let retry_after = response
            .headers()
            .get(header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        Err(Failure::Status(status, retry_after))
    }
}

/// One failed request, before it is turned into a [`NotifyError`].
enum Failure {
    Transport(reqwest::Error),
    Status(StatusCode, Option<Duration>),
}

impl Failure {
    /// (retryable, error, server-requested wait).
    fn into_parts(self, attempts: u32) -> (bool, NotifyError, Option<Duration>) {
        match self {
            Failure::Status(status, retry_after) => {
                let retryable = status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error();
                let error = NotifyError::WebhookStatus {
                    status: status.as_u16(),
                    attempts,
                };
                (retryable, error, retry_after)
            }
            // reqwest's own messages include the URL, so only the class is kept.
            Failure::Transport(e) => {
                let (retryable, cause) = if e.is_timeout() {
                    (true, "timeout")
                } else if e.is_connect() {
                    (true, "connect error")
                } else if e.is_builder() {
                    (false, "request could not be built")
                } else {
                    (true, "transport error")
                };
                (
                    retryable,
                    NotifyError::WebhookTransport { cause, attempts },
                    None,
                )
            }
        }
    }
}

fn check_url(url: &Url) -> Result<(), NotifyError> {
    if !url.username().is_empty() || url.password().is_some() {
        return Err(NotifyError::Config(
            "webhook url must not carry credentials; the signature authenticates".into(),
        ));
    }
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(url) => Ok(()),
        "http" => Err(NotifyError::Config(
            "webhook url must use https (http is allowed only to loopback addresses)".into(),
        )),
        _ => Err(NotifyError::Config("webhook url must use https".into())),
    }
}

fn is_loopback(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    match host.parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => host.eq_ignore_ascii_case("localhost"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url_ok(s: &str) -> bool {
        check_url(&Url::parse(s).unwrap()).is_ok()
    }

    #[test]
    fn only_https_or_loopback_http() {
        assert!(url_ok("https://hooks.example.com/x"));
        assert!(url_ok("http://127.0.0.1:8080/x"));
        assert!(url_ok("http://[::1]:8080/x"));
        assert!(url_ok("http://localhost/x"));
        assert!(!url_ok("http://hooks.example.com/x"));
        assert!(!url_ok("http://10.0.0.1/x"));
        assert!(!url_ok("ftp://hooks.example.com/x"));
        assert!(!url_ok("https://user:pw@hooks.example.com/x"));
    }

    #[test]
    fn signature_round_trip_and_tolerance() {
        let now = SystemTime::now();
        let ts = unix_seconds(now);
        let sig = format!("v1={}", sign_webhook(b"k", ts, b"{}"));
        let tol = Duration::from_secs(300);
        let ts_s = ts.to_string();
        assert!(verify_webhook_signature(b"k", &ts_s, b"{}", &sig, now, tol));
        assert!(!verify_webhook_signature(
            b"other", &ts_s, b"{}", &sig, now, tol
        ));
        assert!(!verify_webhook_signature(
            b"k", &ts_s, b"{ }", &sig, now, tol
        ));
        let later = now + Duration::from_secs(301);
        assert!(!verify_webhook_signature(
            b"k", &ts_s, b"{}", &sig, later, tol
        ));
        let rotated = format!("v1=00ff, {sig}");
        assert!(verify_webhook_signature(
            b"k", &ts_s, b"{}", &rotated, now, tol
        ));
        assert!(!verify_webhook_signature(
            b"k", "abc", b"{}", &sig, now, tol
        ));
    }
}
