//! `gembok.toml`, the settings of one vault directory: the master key file, the audit
//! log (`[audit]`), the monitoring rules (`[monitor]`), where alerts go (`[notify]`),
//! the staff accounts (`[accounts]`: names shown in authenticator apps and refused in
//! passwords, session timeouts) and the data lifecycle (`[business]`, `[rights]`,
//! `[retention]`, `[[erasure.webhook]]`, read in `lifecycle_settings`) and what several
//! servers on one database share (`[cluster] redis_url`).
//!
//! Every command reads the same file, so the CLI and the server it starts keep one
//! set of audit settings. Misspelt keys in `[audit]`, `[monitor]`, `[notify]` and
//! `[accounts]` are
//! refused rather than silently left at their defaults: a typo must not turn off an
//! external checkpoint copy or an alert. Messages name the key and the line, never a
//! value (a notify section may sit next to a secret pasted by mistake).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{anyhow, bail, Result};
use gembok_core::accounts::AccountsConfig;
use gembok_core::audit::FileSink;
use gembok_core::{AuditConfig, MonitorConfig};
use gembok_notify::NotifyConfig;
use serde::Deserialize;

mod template;
#[cfg(test)]
mod tests;

pub use template::{replace_key_line, template};

use crate::lifecycle_settings::{
    BusinessSection, ErasureSection, LifecycleSettings, RetentionSection, RightsSection,
};

/// The whole file as written.
#[derive(Deserialize)]
struct Document {
    key_file: Option<String>,
    #[serde(default)]
    audit: AuditSection,
    monitor: Option<toml::Table>,
    #[serde(default)]
    accounts: AccountsSection,
    #[serde(default)]
    business: BusinessSection,
    #[serde(default)]
    rights: RightsSection,
    #[serde(default)]
    retention: RetentionSection,
    #[serde(default)]
    erasure: ErasureSection,
    #[serde(default)]
    cluster: ClusterSection,
}

/// `[cluster]`: what several `gembok serve` processes on one database share besides
/// it. `redis_url` names the Redis holding the rate-limit counters of every server.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClusterSection {
    redis_url: Option<String>,
}

/// `[accounts]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AccountsSection {
    business_name: Option<String>,
    issuer: Option<String>,
    #[serde(default = "default_idle")]
    session_idle_minutes: u32,
    #[serde(default = "default_absolute")]
    session_absolute_hours: u32,
}

fn default_idle() -> u32 {
    30
}

fn default_absolute() -> u32 {
    12
}

impl Default for AccountsSection {
    fn default() -> Self {
        AccountsSection {
            business_name: None,
            issuer: None,
            session_idle_minutes: default_idle(),
            session_absolute_hours: default_absolute(),
        }
    }
}

/// The staff-account settings in force.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountsSettings {
    /// The business's name: shown in authenticator apps (unless `issuer` says otherwise)
    /// and refused inside passwords.
    pub business_name: Option<String>,
    /// The issuer authenticator apps show (default: the business name, else "Gembok").
    pub issuer: Option<String>,
    pub session_idle_minutes: u32,
    pub session_absolute_hours: u32,
}

impl AccountsSettings {
    /// The core's settings; everything not named here keeps the core's default.
    pub fn to_config(&self) -> AccountsConfig {
        let mut c = AccountsConfig::default();
        if let Some(issuer) = self.issuer.as_ref().or(self.business_name.as_ref()) {
            c.issuer = issuer.clone();
        }
        c.business_name = self.business_name.clone();
        c.session.idle_ms = i64::from(self.session_idle_minutes) * 60_000;
        c.session.absolute_ms = i64::from(self.session_absolute_hours) * 3_600_000;
        c
    }
}

/// `[audit]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AuditSection {
    #[serde(default = "default_every")]
    checkpoint_every: u64,
    #[serde(default = "default_interval")]
    checkpoint_interval_secs: u64,
    #[serde(default = "default_retention")]
    retention_days: u32,
    checkpoint_file: Option<PathBuf>,
    #[serde(default)]
    checkpoint_webhook: bool,
}

fn default_every() -> u64 {
    1000
}

fn default_interval() -> u64 {
    60
}

fn default_retention() -> u32 {
    730
}

impl Default for AuditSection {
    fn default() -> Self {
        AuditSection {
            checkpoint_every: default_every(),
            checkpoint_interval_secs: default_interval(),
            retention_days: default_retention(),
            checkpoint_file: None,
            checkpoint_webhook: false,
        }
    }
}

/// The audit settings in force, paths resolved against the data directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditSettings {
    pub checkpoint_every: u64,
    pub checkpoint_interval_secs: u64,
    pub retention_days: u32,
    pub checkpoint_file: Option<PathBuf>,
    /// Send every checkpoint to the `[notify]` channels too (`gembok serve`).
    pub checkpoint_webhook: bool,
}

impl AuditSettings {
    /// The core's settings, with a [`FileSink`] when a checkpoint file is named.
    pub fn to_config(&self) -> AuditConfig {
        AuditConfig {
            checkpoint_every: self.checkpoint_every,
            checkpoint_interval_ms: i64::try_from(self.checkpoint_interval_secs)
                .unwrap_or(i64::MAX / 1000)
                .saturating_mul(1000),
            retention_days: self.retention_days,
            sink: self
                .checkpoint_file
                .as_ref()
                .map(|p| Arc::new(FileSink::new(p.clone())) as _),
            ..AuditConfig::default()
        }
    }
}

/// Everything `gembok.toml` says.
#[derive(Debug)]
pub struct Settings {
    /// The key file as written (relative paths are relative to the data directory).
    pub key_file: Option<PathBuf>,
    pub audit: AuditSettings,
    pub monitor: MonitorConfig,
    pub notify: NotifyConfig,
    pub accounts: AccountsSettings,
    pub lifecycle: LifecycleSettings,
    /// `[cluster] redis_url`: shared rate-limit counters for several servers (its
    /// Debug output is redacted: the URL may carry a password).
    pub redis_url: Option<gembok_server::RedisUrl>,
}

impl Settings {
    /// Parse the text of `gembok.toml`; relative paths are resolved against `root`.
    pub fn parse(text: &str, root: &Path) -> Result<Self> {
        let doc: Document = toml::from_str(text).map_err(|e| toml_error(text, &e))?;
        let a = doc.audit;
        if a.checkpoint_every == 0 {
            bail!("gembok.toml: [audit] checkpoint_every must be at least 1");
        }
        if a.checkpoint_interval_secs == 0 {
            bail!("gembok.toml: [audit] checkpoint_interval_secs must be at least 1");
        }
        if a.retention_days == 0 {
            bail!("gembok.toml: [audit] retention_days must be at least 1");
        }
        let acc = doc.accounts;
        if acc.session_idle_minutes == 0 || acc.session_idle_minutes > 24 * 60 {
            bail!("gembok.toml: [accounts] session_idle_minutes must be 1 to 1440");
        }
        if acc.session_absolute_hours == 0 || acc.session_absolute_hours > 24 * 30 {
            bail!("gembok.toml: [accounts] session_absolute_hours must be 1 to 720");
        }
        if i64::from(acc.session_idle_minutes) > i64::from(acc.session_absolute_hours) * 60 {
            bail!("gembok.toml: [accounts] session_idle_minutes exceeds session_absolute_hours");
        }
        let blank = |v: &Option<String>| v.as_deref().is_some_and(|t| t.trim().is_empty());
        if blank(&acc.business_name) || blank(&acc.issuer) {
            bail!("gembok.toml: [accounts] business_name and issuer must not be empty");
        }
        let resolve = |p: PathBuf| if p.is_absolute() { p } else { root.join(p) };
        let monitor_text = match &doc.monitor {
            Some(table) => toml::to_string(table)
                .map_err(|_| anyhow!("gembok.toml: [monitor] cannot be read back"))?,
            None => String::new(),
        };
        let monitor = MonitorConfig::from_toml(&monitor_text)
            .map_err(|e| anyhow!("gembok.toml: [monitor]: {e}"))?;
        let notify = NotifyConfig::from_toml_str(text).map_err(|e| anyhow!("gembok.toml: {e}"))?;
        if a.checkpoint_webhook && notify.webhook.is_empty() && notify.smtp.is_none() {
            bail!("gembok.toml: [audit] checkpoint_webhook needs a channel in [notify]");
        }
        let redis_url = doc.cluster.redis_url.map(|u| u.trim().to_owned());
        if redis_url
            .as_deref()
            .is_some_and(|u| !u.starts_with("redis://") && !u.starts_with("rediss://"))
        {
            bail!("gembok.toml: [cluster] redis_url must start with redis:// or rediss://");
        }
        let lifecycle =
            LifecycleSettings::from_sections(doc.business, doc.rights, doc.retention, doc.erasure)?;
        Ok(Settings {
            key_file: doc.key_file.map(|k| resolve(PathBuf::from(k))),
            audit: AuditSettings {
                checkpoint_every: a.checkpoint_every,
                checkpoint_interval_secs: a.checkpoint_interval_secs,
                retention_days: a.retention_days,
                checkpoint_file: a.checkpoint_file.map(resolve),
                checkpoint_webhook: a.checkpoint_webhook,
            },
            monitor,
            notify,
            accounts: AccountsSettings {
                business_name: acc.business_name.map(|t| t.trim().to_owned()),
                issuer: acc.issuer.map(|t| t.trim().to_owned()),
                session_idle_minutes: acc.session_idle_minutes,
                session_absolute_hours: acc.session_absolute_hours,
            },
            lifecycle,
            redis_url: redis_url.map(gembok_server::RedisUrl),
        })
    }

    /// Whether `[notify]` names any channel.
    pub fn has_notify_channels(&self) -> bool {
        !self.notify.webhook.is_empty() || self.notify.smtp.is_some()
    }
}

/// A parse error as its message and line only: the snippet toml would quote could hold
/// a value that does not belong in a terminal or a log.
fn toml_error(text: &str, e: &toml::de::Error) -> anyhow::Error {
    let line = e
        .span()
        .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
    match line {
        Some(l) => anyhow!("gembok.toml line {l}: {}", e.message()),
        None => anyhow!("gembok.toml: {}", e.message()),
    }
}
