//! Thresholds of the monitoring rules, as the `[monitor]` table of `gembok.toml`.
//!
//! Every rule can be switched off; the defaults suit a small shop: a person rarely
//! opens more than a few dozen customers in ten minutes, works in shop hours in
//! Jakarta, and is refused or fails to log in only now and then.

use serde::Deserialize;

use crate::CoreError;

/// All rules' settings. Unknown keys are refused so a typo does not silently leave a
/// rule at its default.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct MonitorConfig {
    /// One principal reading more than `records` distinct records within `minutes`.
    pub bulk_read: Threshold,
    /// Access to personal data outside business hours.
    pub business_hours: BusinessHours,
    /// More than `count` policy denials of one principal within `minutes`.
    pub denials: Burst,
    /// More than `count` failed logins or key checks (all addresses) within `minutes`.
    pub failed_logins: Burst,
    /// Every export of personal data.
    pub exports: bool,
    /// Every new owner or admin (user or API key).
    pub new_admin: bool,
    /// Every other new API key (`api_key_created`).
    pub api_keys: bool,
    /// Every failed `audit verify`.
    pub verify_failed: bool,
    /// An alert of the same rule for the same principal is not repeated within this
    /// many minutes.
    pub dedup_minutes: u32,
}

impl Default for MonitorConfig {
    fn default() -> Self {
        MonitorConfig {
            bulk_read: Threshold::default(),
            business_hours: BusinessHours::default(),
            denials: Burst {
                enabled: true,
                count: 10,
                minutes: 5,
            },
            failed_logins: Burst {
                enabled: true,
                count: 20,
                minutes: 5,
            },
            exports: true,
            new_admin: true,
            api_keys: true,
            verify_failed: true,
            dedup_minutes: 60,
        }
    }
}

impl MonitorConfig {
    /// Parse the `[monitor]` table (given as its own TOML text) and check it.
    pub fn from_toml(text: &str) -> Result<Self, CoreError> {
        let cfg: MonitorConfig = toml::from_str(text)
            .map_err(|e| CoreError::InvalidInput(format!("monitor settings: {}", e.message())))?;
        cfg.business_hours.time_zone()?;
        if cfg.business_hours.start_hour >= 24 || cfg.business_hours.end_hour > 24 {
            return Err(CoreError::InvalidInput(
                "monitor settings: business hours are 0-24".into(),
            ));
        }
        Ok(cfg)
    }
}

/// "More than `records` distinct records in `minutes`".
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct Threshold {
    pub enabled: bool,
    pub records: usize,
    pub minutes: u32,
}

impl Default for Threshold {
    fn default() -> Self {
        Threshold {
            enabled: true,
            records: 200,
            minutes: 10,
        }
    }
}

/// "More than `count` events in `minutes`".
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Burst {
    #[serde(default = "yes")]
    pub enabled: bool,
    pub count: usize,
    pub minutes: u32,
}

fn yes() -> bool {
    true
}

/// The hours personal data is normally used, in a time zone.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct BusinessHours {
    pub enabled: bool,
    /// IANA time zone name.
    pub timezone: String,
    /// First hour inside business hours (0-23).
    pub start_hour: u8,
    /// First hour after business hours (1-24).
    pub end_hour: u8,
    /// Working days, 1 = Monday ... 7 = Sunday.
    pub days: Vec<u8>,
}

impl Default for BusinessHours {
    fn default() -> Self {
        BusinessHours {
            enabled: true,
            timezone: "Asia/Jakarta".into(),
            start_hour: 7,
            end_hour: 22,
            days: vec![1, 2, 3, 4, 5, 6, 7],
        }
    }
}

impl BusinessHours {
    pub(crate) fn time_zone(&self) -> Result<jiff::tz::TimeZone, CoreError> {
        jiff::tz::TimeZone::get(&self.timezone)
            .map_err(|_| CoreError::InvalidInput("monitor settings: unknown time zone".into()))
    }

    /// Whether `time_ms` falls outside business hours in `tz`.
    pub(crate) fn outside(&self, tz: &jiff::tz::TimeZone, time_ms: i64) -> bool {
        let Ok(ts) = jiff::Timestamp::from_millisecond(time_ms) else {
            return false;
        };
        let local = ts.to_zoned(tz.clone());
        let day = local.weekday().to_monday_one_offset() as u8;
        let hour = local.hour() as u8;
        !self.days.contains(&day) || hour < self.start_hour || hour >= self.end_hour
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_parse_and_jakarta_hours_are_local() {
        let cfg = MonitorConfig::from_toml("").unwrap();
        assert_eq!(cfg, MonitorConfig::default());
        let tz = cfg.business_hours.time_zone().unwrap();
        // 2026-12-01 03:00 UTC is 10:00 in Jakarta (UTC+7): inside.
        assert!(!cfg.business_hours.outside(&tz, 1_796_094_000_000));
        // 2026-12-01 17:00 UTC is 00:00 in Jakarta: outside.
        assert!(cfg.business_hours.outside(&tz, 1_796_144_400_000));
    }

    #[test]
    fn bad_settings_are_refused() {
        assert!(MonitorConfig::from_toml("bulk_reed = 1").is_err());
        assert!(MonitorConfig::from_toml("[business_hours]\ntimezone = \"Mars/Base\"").is_err());
        assert!(MonitorConfig::from_toml("[business_hours]\nstart_hour = 30").is_err());
    }
}
