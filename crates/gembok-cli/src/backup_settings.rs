//! `[backup]` in `gembok.toml`: where backups go, to whom they are encrypted, how often
//! `gembok serve` makes one and how many it keeps.
//!
//! ```toml
//! [backup]
//! to = ["/mnt/disk2/gembok-backups", "s3://bucket/gembok"]   # or one string
//! recipients = ["age1..."]
//! every_hours = 24      # 0: the server makes none (cron does), but still prunes and watches
//! keep_daily = 7
//! keep_weekly = 4
//! keep_monthly = 6
//! stale_days = 7        # alert when the newest good backup is older
//! ```
//!
//! The section is read here, apart from `config/mod.rs`, so the other settings stay
//! independent of it. A misspelt key is refused by name. The one-shot commands use
//! the first destination unless `--to` names another.

use std::path::Path;
use std::time::Duration;

use anyhow::{anyhow, bail, Result};
use gembok_backup::retention::KeepPolicy;
use gembok_backup::schedule::JobConfig;
use serde::Deserialize;

/// One destination or several.
#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

/// `[backup]` as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Section {
    to: Option<OneOrMany>,
    #[serde(default)]
    recipients: Vec<String>,
    #[serde(default = "default_every")]
    every_hours: u32,
    #[serde(default = "default_daily")]
    keep_daily: u32,
    #[serde(default = "default_weekly")]
    keep_weekly: u32,
    #[serde(default = "default_monthly")]
    keep_monthly: u32,
    #[serde(default = "default_stale")]
    stale_days: u32,
}

fn default_every() -> u32 {
    24
}
fn default_daily() -> u32 {
    7
}
fn default_weekly() -> u32 {
    4
}
fn default_monthly() -> u32 {
    6
}
fn default_stale() -> u32 {
    7
}

#[derive(Deserialize)]
struct Doc {
    #[serde(default)]
    backup: Option<toml::Value>,
}

/// The backup settings in force.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BackupSettings {
    /// Destinations, in order (folder paths or `s3://bucket/prefix`).
    pub to: Vec<String>,
    pub recipients: Vec<String>,
    pub job: JobConfig,
}

impl BackupSettings {
    /// `[backup]` of the `gembok.toml` in `root`; defaults when the file or section is
    /// missing.
    pub fn load(root: &Path) -> Result<Self> {
        match std::fs::read_to_string(root.join("gembok.toml")) {
            Ok(text) => Self::parse(&text),
            Err(_) => Ok(Self::default()),
        }
    }

    /// `[backup]` of the text of a `gembok.toml`.
    pub fn parse(text: &str) -> Result<Self> {
        let doc: Doc = toml::from_str(text).map_err(|e| anyhow!("gembok.toml: {}", e.message()))?;
        let Some(value) = doc.backup else {
            return Ok(Self::default());
        };
        let s: Section = value
            .try_into()
            .map_err(|e: toml::de::Error| anyhow!("gembok.toml: [backup]: {}", e.message()))?;
        let to = match s.to {
            None => Vec::new(),
            Some(OneOrMany::One(t)) => vec![t],
            Some(OneOrMany::Many(v)) => v,
        };
        if to.iter().any(|t| t.trim().is_empty()) {
            bail!("gembok.toml: [backup] to must not name an empty destination");
        }
        if s.every_hours > 24 * 31 {
            bail!("gembok.toml: [backup] every_hours must be 0 to 744");
        }
        if s.stale_days == 0 || s.stale_days > 366 {
            bail!("gembok.toml: [backup] stale_days must be 1 to 366");
        }
        if s.keep_daily + s.keep_weekly + s.keep_monthly == 0 {
            bail!("gembok.toml: [backup] keep_daily, keep_weekly and keep_monthly are all 0");
        }
        let hours = |h: u32| Duration::from_secs(u64::from(h) * 3600);
        let every = (s.every_hours > 0).then(|| hours(s.every_hours));
        Ok(BackupSettings {
            to,
            recipients: s.recipients,
            job: JobConfig {
                every,
                // A failed backup is tried again after an hour, or sooner on short periods.
                retry_after: every.map_or(hours(1), |e| e.min(hours(1))),
                stale_after: hours(s.stale_days * 24),
                keep: KeepPolicy {
                    daily: s.keep_daily,
                    weekly: s.keep_weekly,
                    monthly: s.keep_monthly,
                },
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_section_gives_daily_backups_kept_seven_four_six() {
        let s = BackupSettings::parse("key_file = \"master.key\"\n").unwrap();
        assert_eq!(s, BackupSettings::default());
        assert_eq!(s.job.every, Some(Duration::from_secs(86_400)));
        assert_eq!(s.job.keep, KeepPolicy::default());
        assert_eq!(s.job.stale_after, Duration::from_secs(7 * 86_400));
        assert!(s.to.is_empty());
    }

    #[test]
    fn one_or_several_destinations_and_every_key_are_read() {
        let one = BackupSettings::parse("[backup]\nto = \"/mnt/b\"\n").unwrap();
        assert_eq!(one.to, ["/mnt/b"]);
        let s = BackupSettings::parse(
            "[backup]\nto = [\"/mnt/b\", \"s3://bucket/g\"]\nrecipients = [\"age1x\"]\n\
             every_hours = 6\nkeep_daily = 3\nkeep_weekly = 2\nkeep_monthly = 1\nstale_days = 2\n",
        )
        .unwrap();
        assert_eq!(s.to, ["/mnt/b", "s3://bucket/g"]);
        assert_eq!(s.recipients, ["age1x"]);
        assert_eq!(s.job.every, Some(Duration::from_secs(6 * 3600)));
        assert_eq!(s.job.retry_after, Duration::from_secs(3600));
        assert_eq!(s.job.stale_after, Duration::from_secs(2 * 86_400));
        assert_eq!(
            s.job.keep,
            KeepPolicy {
                daily: 3,
                weekly: 2,
                monthly: 1
            }
        );
        let cron = BackupSettings::parse("[backup]\nevery_hours = 0\n").unwrap();
        assert_eq!(cron.job.every, None);
    }

    #[test]
    fn misspelt_keys_and_bad_values_are_refused_by_name() {
        for (bad, named) in [
            ("[backup]\nkeep_dayly = 3\n", "keep_dayly"),
            ("[backup]\nstale_days = 0\n", "stale_days"),
            ("[backup]\nevery_hours = 10000\n", "every_hours"),
            ("[backup]\nto = \"\"\n", "to"),
            (
                "[backup]\nkeep_daily = 0\nkeep_weekly = 0\nkeep_monthly = 0\n",
                "keep_daily",
            ),
        ] {
            let e = format!("{:#}", BackupSettings::parse(bad).unwrap_err());
            assert!(e.contains(named), "{bad}: {e}");
        }
    }
}
