//! The `[notify]` section of Gembok's TOML configuration and its translation into
//! channels. Secrets are never written in the TOML: each section names the environment
//! variable that holds its secret (`secret_env`, `password_env`), and unknown keys —
//! such as a stray `secret = "…"` — are refused.
//!
//! ```toml
//! [notify]
//! queue_capacity = 256              # optional
//!
//! [[notify.webhook]]
//! url = "https://hooks.example.co.id/gembok"
//! secret_env = "GEMBOK_WEBHOOK_SECRET"
//! max_attempts = 5                  # optional, default 5
//! initial_backoff_ms = 1000         # optional, doubles per retry
//! max_backoff_ms = 60000            # optional
//! timeout_ms = 10000                # optional
//! extra_root_cert_file = "/etc/gembok/hooks-ca.pem"   # optional
//!
//! [notify.smtp]
//! host = "smtp.example.co.id"
//! port = 587                        # optional: 587 (starttls) / 465 (implicit)
//! from = "Gembok <gembok@example.co.id>"
//! to = ["security@example.co.id"]
//! tls = "starttls"                  # or "implicit"; there is no plain-text option
//! username = "gembok"               # optional, with password_env
//! password_env = "GEMBOK_SMTP_PASSWORD"
//! ```
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::{
    Channel, Notifier, NotifyError, Secret, SmtpChannel, SmtpConfig, SmtpCredentials, SmtpTls,
    WebhookChannel, WebhookConfig,
};

/// The `[notify]` section.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotifyConfig {
    /// Background queue capacity (default [`crate::DEFAULT_QUEUE_CAPACITY`]).
    #[serde(default)]
    pub queue_capacity: Option<usize>,
    /// `[[notify.webhook]]` entries.
    #[serde(default)]
    pub webhook: Vec<WebhookSection>,
    /// `[notify.smtp]`.
    #[serde(default)]
    pub smtp: Option<SmtpSection>,
}

/// One `[[notify.webhook]]` entry.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookSection {
    /// Receiver URL (`https://`, or `http://` to loopback).
    pub url: String,
    /// Name of the environment variable holding the signing secret.
    pub secret_env: String,
    /// See [`WebhookConfig::max_attempts`].
    pub max_attempts: Option<u32>,
    /// See [`WebhookConfig::initial_backoff`], milliseconds.
    pub initial_backoff_ms: Option<u64>,
    /// See [`WebhookConfig::max_backoff`], milliseconds.
    pub max_backoff_ms: Option<u64>,
    /// See [`WebhookConfig::timeout`], milliseconds.
    pub timeout_ms: Option<u64>,
    /// PEM file of extra trusted root certificates.
    pub extra_root_cert_file: Option<PathBuf>,
}

/// The `[notify.smtp]` section.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpSection {
    /// Server host name.
    pub host: String,
    /// Port; defaults to 587 for STARTTLS and 465 for implicit TLS.
    pub port: Option<u16>,
    /// Sender address.
    pub from: String,
    /// Recipient addresses.
    pub to: Vec<String>,
    /// `"starttls"` (default) or `"implicit"`.
    pub tls: Option<SmtpTls>,
    /// Login name; requires `password_env`.
    pub username: Option<String>,
    /// Name of the environment variable holding the SMTP password.
    pub password_env: Option<String>,
    /// Per-command timeout, milliseconds.
    pub timeout_ms: Option<u64>,
    /// PEM file of extra trusted root certificates.
    pub extra_root_cert_file: Option<PathBuf>,
}

#[derive(Deserialize)]
struct Document {
    #[serde(default)]
    notify: NotifyConfig,
}

impl NotifyConfig {
    /// Reads the `[notify]` table of a whole TOML document (other tables are ignored; a
    /// document without `[notify]` gives an empty configuration).
    pub fn from_toml_str(document: &str) -> Result<Self, NotifyError> {
        toml::from_str::<Document>(document)
            .map(|d| d.notify)
            .map_err(|e| NotifyError::Config(format!("[notify] section: {}", e.message())))
    }

    /// Resolves the configuration into channel settings, reading secrets through `env`
    /// (a lookup by variable name; [`Notifier::from_config`] passes the process
    /// environment).
    pub fn resolve(
        &self,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<(Vec<WebhookConfig>, Option<SmtpConfig>), NotifyError> {
        let webhooks = self
            .webhook
            .iter()
            .map(|w| w.resolve(&env))
            .collect::<Result<Vec<_>, _>>()?;
        let smtp = self.smtp.as_ref().map(|s| s.resolve(&env)).transpose()?;
        Ok((webhooks, smtp))
    }
}

impl WebhookSection {
    fn resolve(&self, env: &impl Fn(&str) -> Option<String>) -> Result<WebhookConfig, NotifyError> {
        let mut c = WebhookConfig::new(self.url.clone(), secret_from_env(env, &self.secret_env)?);
        if let Some(n) = self.max_attempts {
            c.max_attempts = n;
        }
        if let Some(ms) = self.initial_backoff_ms {
            c.initial_backoff = Duration::from_millis(ms);
        }
        if let Some(ms) = self.max_backoff_ms {
            c.max_backoff = Duration::from_millis(ms);
        }
        if let Some(ms) = self.timeout_ms {
            c.timeout = Duration::from_millis(ms);
        }
        c.extra_root_cert_pem = read_pem(self.extra_root_cert_file.as_deref())?;
        Ok(c)
    }
}

impl SmtpSection {
    fn resolve(&self, env: &impl Fn(&str) -> Option<String>) -> Result<SmtpConfig, NotifyError> {
        let tls = self.tls.unwrap_or(SmtpTls::StartTls);
        let default_port = match tls {
            SmtpTls::StartTls => 587,
            SmtpTls::Implicit => 465,
        };
        let mut c = SmtpConfig::new(
            self.host.clone(),
            self.port.unwrap_or(default_port),
            self.from.clone(),
            self.to.clone(),
        );
        c.tls = tls;
        c.credentials = match (&self.username, &self.password_env) {
            (Some(user), Some(var)) => Some(SmtpCredentials {
                user: user.clone(),
                password: secret_from_env(env, var)?,
            }),
            (None, None) => None,
            _ => {
                return Err(NotifyError::Config(
                    "smtp username and password_env must be given together".into(),
                ))
            }
        };
        if let Some(ms) = self.timeout_ms {
            c.timeout = Duration::from_millis(ms);
        }
        c.extra_root_cert_pem = read_pem(self.extra_root_cert_file.as_deref())?;
        Ok(c)
    }
}

fn secret_from_env(
    env: &impl Fn(&str) -> Option<String>,
    var: &str,
) -> Result<Secret, NotifyError> {
    match env(var) {
        Some(value) if !value.is_empty() => Ok(Secret::from(value)),
        _ => Err(NotifyError::MissingSecretEnv {
            var: var.to_owned(),
        }),
    }
}

fn read_pem(path: Option<&Path>) -> Result<Option<String>, NotifyError> {
    path.map(|p| {
        std::fs::read_to_string(p).map_err(|e| {
            NotifyError::Config(format!("cannot read certificate file {}: {e}", p.display()))
        })
    })
    .transpose()
}

impl Notifier {
    /// Builds a notifier from the `[notify]` section, reading secrets from the process
    /// environment.
    pub fn from_config(config: &NotifyConfig) -> Result<Self, NotifyError> {
        Self::from_config_with_env(config, |var| std::env::var(var).ok())
    }

    /// As [`Notifier::from_config`], with secrets looked up through `env`.
    pub fn from_config_with_env(
        config: &NotifyConfig,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, NotifyError> {
        let (webhooks, smtp) = config.resolve(env)?;
        let mut channels = webhooks
            .iter()
            .map(|w| WebhookChannel::new(w).map(Channel::Webhook))
            .collect::<Result<Vec<_>, _>>()?;
        if let Some(s) = &smtp {
            channels.push(Channel::Smtp(SmtpChannel::new(s)?));
        }
        let notifier = Notifier::new(channels);
        Ok(match config.queue_capacity {
            Some(n) => notifier.with_queue_capacity(n),
            None => notifier,
        })
    }
}
