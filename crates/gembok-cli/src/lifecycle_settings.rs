//! The data-lifecycle sections of `gembok.toml`: the business behind the vault
//! (`[business]`, named by the privacy notice), deadlines of rights requests
//! (`[rights]`), the retention schedule (`[retention]`) and the downstream systems told
//! about erasures (`[[erasure.webhook]]`).
//!
//! Every key is optional and the defaults are the safe ones: UU PDP's 3 x 24 hours,
//! retention once a day, overdue checks every 15 minutes, inactive customers kept. As in
//! the other sections, a misspelt key is refused by name, and so is a UU PDP deadline
//! longer than the law allows.

use std::collections::BTreeMap;
use std::time::Duration;

use anyhow::{bail, Result};
use gembok_core::lifecycle::{BusinessProfile, Processor, RightsConfig};
use gembok_core::schema::Retention;
use gembok_notify::{NotifyConfig, WebhookSection};
use gembok_server::LifecycleConfig;
use serde::Deserialize;

/// The most hours UU PDP allows for answering a request (3 x 24).
const UU_PDP_MAX_HOURS: u32 = 72;

/// `[business]`.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct BusinessSection {
    name: Option<String>,
    contact: Option<String>,
    dpo: Option<String>,
    #[serde(default)]
    processors: Vec<Processor>,
}

/// `[rights]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RightsSection {
    #[serde(default = "default_hours")]
    default_hours: u32,
    #[serde(default)]
    deadlines: BTreeMap<String, u32>,
}

fn default_hours() -> u32 {
    UU_PDP_MAX_HOURS
}

impl Default for RightsSection {
    fn default() -> Self {
        RightsSection {
            default_hours: default_hours(),
            deadlines: BTreeMap::new(),
        }
    }
}

/// `[retention]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RetentionSection {
    #[serde(default = "default_every_hours")]
    every_hours: u32,
    inactive_years: Option<u32>,
    #[serde(default = "default_overdue_minutes")]
    overdue_check_minutes: u32,
}

fn default_every_hours() -> u32 {
    24
}

fn default_overdue_minutes() -> u32 {
    15
}

impl Default for RetentionSection {
    fn default() -> Self {
        RetentionSection {
            every_hours: default_every_hours(),
            inactive_years: None,
            overdue_check_minutes: default_overdue_minutes(),
        }
    }
}

/// `[erasure]`: only `[[erasure.webhook]]`, with the keys of `[[notify.webhook]]`.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct ErasureSection {
    #[serde(default)]
    webhook: Vec<WebhookSection>,
}

/// The lifecycle settings in force.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LifecycleSettings {
    pub profile: BusinessProfile,
    pub rights: RightsConfig,
    /// `None`: the server never runs retention on its own (`every_hours = 0`).
    pub retention_every: Option<Duration>,
    pub inactive_after: Option<Retention>,
    pub overdue_check_every: Duration,
    /// The erasure webhooks as a notify configuration (webhooks only).
    pub erasure_hooks: NotifyConfig,
}

impl LifecycleSettings {
    /// Check and combine the four sections.
    pub(crate) fn from_sections(
        business: BusinessSection,
        rights: RightsSection,
        retention: RetentionSection,
        erasure: ErasureSection,
    ) -> Result<Self> {
        let text = |what: &str, v: Option<String>| -> Result<String> {
            let v = v.unwrap_or_default();
            if v.len() > 500 || v.chars().any(char::is_control) {
                bail!("gembok.toml: [business] {what} must be one line of at most 500 bytes");
            }
            Ok(v.trim().to_owned())
        };
        let profile = BusinessProfile {
            name: text("name", business.name)?,
            contact: text("contact", business.contact)?,
            dpo: Some(text("dpo", business.dpo)?).filter(|d| !d.is_empty()),
            processors: business.processors,
        };
        for p in &profile.processors {
            if p.name.trim().is_empty() || p.service_en.trim().is_empty() {
                bail!("gembok.toml: [[business.processors]] need a name and service_en");
            }
        }
        Ok(LifecycleSettings {
            profile,
            rights: rights_config(rights)?,
            retention_every: match retention.every_hours {
                0 => None,
                h => Some(Duration::from_secs(u64::from(h) * 3600)),
            },
            inactive_after: match retention.inactive_years {
                None => None,
                Some(y @ 1..=100) => Some(Retention::Years(y)),
                Some(_) => bail!("gembok.toml: [retention] inactive_years must be 1 to 100"),
            },
            overdue_check_every: match retention.overdue_check_minutes {
                m @ 1..=1440 => Duration::from_secs(u64::from(m) * 60),
                _ => bail!("gembok.toml: [retention] overdue_check_minutes must be 1 to 1440"),
            },
            erasure_hooks: NotifyConfig {
                queue_capacity: None,
                webhook: erasure.webhook,
                smtp: None,
            },
        })
    }

    /// What `gembok serve` hands the server.
    pub fn to_server(&self) -> LifecycleConfig {
        LifecycleConfig {
            profile: self.profile.clone(),
            rights: self.rights.clone(),
            retention_every: self.retention_every,
            inactive_after: self.inactive_after,
            overdue_check_every: self.overdue_check_every,
        }
    }

    /// Whether `[[erasure.webhook]]` names any receiver.
    pub fn has_erasure_hooks(&self) -> bool {
        !self.erasure_hooks.webhook.is_empty()
    }
}

impl Default for LifecycleSettings {
    fn default() -> Self {
        Self::from_sections(
            BusinessSection::default(),
            RightsSection::default(),
            RetentionSection::default(),
            ErasureSection::default(),
        )
        .unwrap_or_else(|_| unreachable!("the defaults are valid"))
    }
}

/// The core's defaults (UU PDP 72 h, GDPR 720 h) overlaid with `[rights]`.
fn rights_config(s: RightsSection) -> Result<RightsConfig> {
    if s.default_hours == 0 || s.default_hours > 24 * 365 {
        bail!("gembok.toml: [rights] default_hours must be 1 to 8760");
    }
    let mut c = RightsConfig {
        default_hours: s.default_hours,
        ..RightsConfig::default()
    };
    for (regulation, hours) in s.deadlines {
        let code_ok = !regulation.is_empty()
            && regulation.len() <= 64
            && regulation
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '_' | '-' | '.' | ':'));
        if !code_ok {
            bail!("gembok.toml: [rights.deadlines] names must be short codes such as uu_pdp");
        }
        if hours == 0 || hours > 24 * 365 {
            bail!("gembok.toml: [rights.deadlines] {regulation} must be 1 to 8760 hours");
        }
        if regulation == "uu_pdp" && hours > UU_PDP_MAX_HOURS {
            bail!(
                "gembok.toml: [rights.deadlines] uu_pdp may not exceed {UU_PDP_MAX_HOURS} hours \
                 (UU PDP: 3 x 24 hours)"
            );
        }
        c.deadlines.insert(regulation, hours);
    }
    Ok(c)
}

#[cfg(test)]
mod tests;
