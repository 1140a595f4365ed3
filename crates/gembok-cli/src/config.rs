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

/// The text of a new `gembok.toml`: the key file and every other setting commented
/// out at its default, so an operator sees what can be set.
pub fn template(key_line: &str) -> String {
    format!(
        "# Gembok vault configuration.\n{key_line}\n{}",
        r#"
# Audit log. Defaults shown; uncomment to change.
# [audit]
# checkpoint_every = 1000          # sign a checkpoint at least every this many events
# checkpoint_interval_secs = 60    # ... and at least this often while events arrive
# retention_days = 730             # events older than this are pruned (gembok audit prune)
# checkpoint_file = "/mnt/elsewhere/gembok-checkpoints.jsonl"  # copy of every checkpoint
# checkpoint_webhook = false       # also send every checkpoint to the [notify] channels

# Monitoring rules (see the README for every key).
# [monitor]
# dedup_minutes = 60
# [monitor.bulk_read]
# records = 200
# minutes = 10

# Staff accounts (gembok user add, the web login). Defaults shown.
# [accounts]
# business_name = "Toko Contoh"    # shown in authenticator apps; refused inside passwords
# issuer = "Toko Contoh"           # the name authenticator apps show (default: business_name)
# session_idle_minutes = 30        # a session ends after this long without use
# session_absolute_hours = 12      # ... and this long after login, whatever happens

# Where alerts go. Secrets are read from the environment variables named here.
# [[notify.webhook]]
# url = "https://hooks.example.co.id/gembok"
# secret_env = "GEMBOK_WEBHOOK_SECRET"

# The business named in the privacy notice (gembok privacy notice, /privacy).
# [business]
# name = "Toko Contoh"
# contact = "privasi@contoh.co.id"
# dpo = "Petugas Pelindungan Data, dpo@contoh.co.id"
# [[business.processors]]
# name = "Kurir Kilat"
# service_en = "parcel delivery"
# service_id = "pengiriman paket"
# classes = ["identity", "contact"]
# country = "ID"

# Deadlines of data-subject requests, in hours (UU PDP: 72 at most).
# [rights]
# default_hours = 72
# [rights.deadlines]
# gdpr = 720

# Retention: how often gembok serve enforces the schema's periods (0 = never).
# [retention]
# every_hours = 24
# inactive_years = 5              # also erase customers with no change for this long
# overdue_check_minutes = 15      # how often open requests are checked against deadlines

# Downstream systems told when a customer is erased (subject id and time only).
# [[erasure.webhook]]
# url = "https://crm.example.co.id/hooks/gembok-erasure"
# secret_env = "GEMBOK_ERASURE_SECRET"
"#
    )
}

/// `text` with its top-level `key_file` line replaced by `key_line` (added at the top
/// when missing); every other line, comments included, is kept.
pub fn replace_key_line(text: &str, key_line: &str) -> String {
    let mut out = Vec::new();
    let mut replaced = false;
    let mut in_table = false;
    for line in text.lines() {
        let t = line.trim_start();
        in_table |= t.starts_with('[');
        let is_key = !in_table
            && t.strip_prefix("key_file")
                .is_some_and(|rest| rest.trim_start().starts_with('='));
        if is_key && !replaced {
            out.push(key_line.to_owned());
            replaced = true;
        } else if !is_key {
            out.push(line.to_owned());
        }
    }
    if !replaced {
        out.insert(0, key_line.to_owned());
    }
    let mut joined = out.join("\n");
    joined.push('\n');
    joined
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_readme_example_settings_parse() {
        let readme = include_str!("../../../README.md");
        let start = readme
            .find("```toml\n[audit]")
            .expect("README shows the audit settings");
        let body = &readme[start + "```toml\n".len()..];
        let example = &body[..body.find("```").expect("closed block")];
        let s = Settings::parse(example, Path::new("/v")).unwrap();
        assert_eq!(s.audit.checkpoint_every, 1000);
        assert_eq!(s.monitor.bulk_read.records, 200);
        assert_eq!(s.monitor.denials.count, 10);
        assert!(s.has_notify_channels());
        assert!(s.audit.checkpoint_webhook);
    }

    #[test]
    fn accounts_settings_map_to_the_core_config() {
        let s = Settings::parse("", Path::new("/v")).unwrap();
        let c = s.accounts.to_config();
        assert_eq!(c.session.idle_ms, 30 * 60_000);
        assert_eq!(c.session.absolute_ms, 12 * 3_600_000);
        assert_eq!(c.issuer, AccountsConfig::default().issuer);
        assert_eq!(c.business_name, None);

        let text = "[accounts]\nbusiness_name = \"Toko Sinar\"\nsession_idle_minutes = 15\nsession_absolute_hours = 8\n";
        let c = Settings::parse(text, Path::new("/v"))
            .unwrap()
            .accounts
            .to_config();
        assert_eq!(c.business_name.as_deref(), Some("Toko Sinar"));
        assert_eq!(c.issuer, "Toko Sinar");
        assert_eq!(c.session.idle_ms, 15 * 60_000);
        assert_eq!(c.session.absolute_ms, 8 * 3_600_000);
        let c = Settings::parse(
            "[accounts]\nbusiness_name = \"Toko Sinar\"\nissuer = \"Sinar Admin\"\n",
            Path::new("/v"),
        )
        .unwrap()
        .accounts
        .to_config();
        assert_eq!(c.issuer, "Sinar Admin");

        for bad in [
            "[accounts]\nsession_idle_minute = 5\n",
            "[accounts]\nsession_idle_minutes = 0\n",
            "[accounts]\nsession_absolute_hours = 0\n",
            "[accounts]\nsession_idle_minutes = 120\nsession_absolute_hours = 1\n",
            "[accounts]\nbusiness_name = \" \"\n",
        ] {
            let e = format!("{:#}", Settings::parse(bad, Path::new("/v")).unwrap_err());
            assert!(
                e.contains("session_idle_minute") || e.contains("[accounts]"),
                "{bad}: {e}"
            );
        }
    }

    #[test]
    fn checkpoint_webhook_needs_a_channel() {
        let err = Settings::parse("[audit]\ncheckpoint_webhook = true\n", Path::new("/v"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("checkpoint_webhook"), "{err}");
    }

    #[test]
    fn defaults_apply_when_sections_are_absent() {
        let s = Settings::parse("key_file = \"k\"\n", Path::new("/v")).unwrap();
        assert_eq!(s.key_file, Some(PathBuf::from("/v/k")));
        assert_eq!(s.audit.checkpoint_every, 1000);
        assert_eq!(s.audit.checkpoint_interval_secs, 60);
        assert_eq!(s.audit.retention_days, 730);
        assert_eq!(s.audit.checkpoint_file, None);
        assert_eq!(s.monitor, MonitorConfig::default());
        assert!(!s.has_notify_channels());
        let c = s.audit.to_config();
        assert_eq!(c.checkpoint_interval_ms, 60_000);
        assert!(c.sink.is_none());
    }

    #[test]
    fn audit_monitor_and_notify_sections_are_read() {
        let text = r#"
key_file = "/keys/m.key"
[audit]
checkpoint_every = 2
checkpoint_interval_secs = 5
retention_days = 30
checkpoint_file = "cp.jsonl"
[monitor]
dedup_minutes = 5
[monitor.bulk_read]
records = 3
minutes = 1
[[notify.webhook]]
url = "https://hooks.example.co.id/x"
secret_env = "X"
"#;
        let s = Settings::parse(text, Path::new("/v")).unwrap();
        assert_eq!(s.key_file, Some(PathBuf::from("/keys/m.key")));
        assert_eq!(s.audit.checkpoint_every, 2);
        assert_eq!(s.audit.retention_days, 30);
        assert_eq!(s.audit.checkpoint_file, Some(PathBuf::from("/v/cp.jsonl")));
        assert_eq!(s.audit.to_config().checkpoint_interval_ms, 5000);
        assert!(s.audit.to_config().sink.is_some());
        assert_eq!(s.monitor.dedup_minutes, 5);
        assert_eq!(s.monitor.bulk_read.records, 3);
        assert!(s.has_notify_channels());
    }

    #[test]
    fn unknown_and_zero_audit_keys_are_refused_by_name() {
        let e = Settings::parse("[audit]\ncheckpoint_evry = 5\n", Path::new("/v")).unwrap_err();
        let msg = format!("{e:#}");
        assert!(msg.contains("checkpoint_evry"), "{msg}");
        assert!(msg.contains("line 2"), "{msg}");
        let e = Settings::parse("[audit]\nretention_days = 0\n", Path::new("/v")).unwrap_err();
        assert!(format!("{e}").contains("retention_days"));
        let e = Settings::parse("[monitor]\nbulk_reed = 1\n", Path::new("/v")).unwrap_err();
        assert!(format!("{e}").contains("[monitor]"));
        let e = Settings::parse(
            "[[notify.webhook]]\nurl = \"https://h\"\nsecret_env = \"X\"\nsecret = \"hunter22\"\n",
            Path::new("/v"),
        )
        .unwrap_err();
        assert!(!format!("{e:#}").contains("hunter22"));
    }

    #[test]
    fn replacing_the_key_line_keeps_every_other_setting() {
        let old = "# c\nkey_file = \"/a\"\n\n[audit]\ncheckpoint_every = 2\n";
        let new = replace_key_line(old, "key_file = \"/b\"");
        assert_eq!(
            new,
            "# c\nkey_file = \"/b\"\n\n[audit]\ncheckpoint_every = 2\n"
        );
        let s = Settings::parse(&new, Path::new("/v")).unwrap();
        assert_eq!(s.audit.checkpoint_every, 2);
        let added = replace_key_line("[audit]\n", "key_file = \"/b\"");
        assert!(added.starts_with("key_file = \"/b\"\n[audit]"));
        let t = template("key_file = \"/k\"");
        let s = Settings::parse(&t, Path::new("/v")).unwrap();
        assert_eq!(s.key_file, Some(PathBuf::from("/k")));
    }
}
