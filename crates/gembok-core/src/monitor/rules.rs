//! The rules themselves, over sliding windows kept in memory.
//!
//! Windows live only as long as the process: after a restart a burst is counted
//! afresh. That errs towards a late alert, never a false one.

use std::collections::{HashMap, VecDeque};

use super::windows::{push_and_count, Reads};
use super::{Alert, MonitorConfig};
use crate::audit::{AuditEvent, Outcome};

const MINUTE_MS: i64 = 60_000;

#[derive(Default)]
pub(crate) struct Windows {
    reads: HashMap<String, Reads>,
    denials: HashMap<String, VecDeque<i64>>,
    failed_logins: VecDeque<i64>,
    last_fired: HashMap<(&'static str, String), i64>,
}

/// Actions that touch personal data (listing ids does not).
fn personal(action: &str) -> bool {
    matches!(
        action,
        "record.read"
            | "record.search"
            | "record.export"
            | "record.create"
            | "record.update"
            | "record.delete"
            | "record.verify_password"
            | "record.verify_totp"
            | "record.enrol_totp"
    )
}

impl Windows {
    /// Whether `rule` may fire for `who` at `time` (not within the dedup period).
    fn may_fire(&mut self, cfg: &MonitorConfig, rule: &'static str, who: &str, time: i64) -> bool {
        let key = (rule, who.to_owned());
        let quiet = i64::from(cfg.dedup_minutes) * MINUTE_MS;
        if self.last_fired.get(&key).is_some_and(|t| time - t < quiet) {
            return false;
        }
        self.last_fired.insert(key, time);
        true
    }

    pub fn observe(
        &mut self,
        cfg: &MonitorConfig,
        tz: &jiff::tz::TimeZone,
        seq: u64,
        e: &AuditEvent,
    ) -> Vec<Alert> {
        let mut out = Vec::new();
        let mut global = Vec::new();
        let who = e.principal.as_str();
        let mut fire = |w: &mut Self, rule: &'static str, en: String, id: String| {
            if w.may_fire(cfg, rule, who, e.time) {
                out.push(Alert::new(rule, Some(who), e.time, Some(seq), en, id));
            }
        };
        let ok = e.outcome == Outcome::Ok;
        if cfg.bulk_read.enabled
            && ok
            && matches!(
                e.action.as_str(),
                "record.read" | "record.search" | "record.export"
            )
        {
            let window = i64::from(cfg.bulk_read.minutes) * MINUTE_MS;
            let n = self.reads.entry(who.to_owned()).or_default().add(
                e.time,
                &e.records,
                window,
                cfg.bulk_read.records.saturating_add(1),
            );
            if n > cfg.bulk_read.records {
                let m = cfg.bulk_read.minutes;
                fire(
                    self,
                    "bulk_read",
                    format!("{who} read {n} distinct records within {m} minutes"),
                    format!("{who} membaca {n} data berbeda dalam {m} menit"),
                );
            }
        }
        if cfg.business_hours.enabled
            && ok
            && personal(&e.action)
            && who != "system"
            && cfg.business_hours.outside(tz, e.time)
        {
            fire(
                self,
                "off_hours",
                format!(
                    "{who} used personal data outside business hours ({})",
                    e.action
                ),
                format!(
                    "{who} mengakses data pribadi di luar jam kerja ({})",
                    e.action
                ),
            );
        }
        if cfg.denials.enabled && e.outcome == Outcome::Denied {
            let window = i64::from(cfg.denials.minutes) * MINUTE_MS;
            let n = push_and_count(
                self.denials.entry(who.to_owned()).or_default(),
                e.time,
                window,
                cfg.denials.count.saturating_add(1),
            );
            if n > cfg.denials.count {
                let m = cfg.denials.minutes;
                fire(
                    self,
                    "denials",
                    format!("{who} was refused {n} times within {m} minutes"),
                    format!("{who} ditolak {n} kali dalam {m} menit"),
                );
            }
        }
        if cfg.failed_logins.enabled && matches!(e.action.as_str(), "auth.failed" | "login.failed")
        {
            let window = i64::from(cfg.failed_logins.minutes) * MINUTE_MS;
            let n = push_and_count(
                &mut self.failed_logins,
                e.time,
                window,
                cfg.failed_logins.count.saturating_add(1),
            );
            if n > cfg.failed_logins.count && self.may_fire(cfg, "failed_logins", "*", e.time) {
                let m = cfg.failed_logins.minutes;
                global.push(Alert::new(
                    "failed_logins",
                    None,
                    e.time,
                    Some(seq),
                    format!("{n} failed logins or key checks within {m} minutes"),
                    format!("{n} kali gagal masuk atau kunci API salah dalam {m} menit"),
                ));
            }
        }
        // A customer's password or TOTP field locked after too many failures: someone
        // is guessing. Each lock is its own event, so it is not deduplicated.
        if cfg.failed_logins.enabled && ok && e.action == "credential.lock" {
            global.push(Alert::new(
                "credential_locked",
                Some(who),
                e.time,
                Some(seq),
                format!("a customer credential was locked after repeated failures via {who}"),
                format!("kredensial pelanggan dikunci setelah gagal berulang kali melalui {who}"),
            ));
        }
        // A data subject's request went past its legal deadline (UU PDP: 3 x 24 hours).
        // The vault flags each request once, so each event is its own alert.
        if ok && e.action == "request.overdue" {
            let req = e
                .code
                .as_deref()
                .and_then(|c| c.split(' ').find_map(|p| p.strip_prefix("request:")))
                .unwrap_or("?");
            global.push(Alert::new(
                "request_overdue",
                None,
                e.time,
                Some(seq),
                format!("data-subject request {req} is past its deadline"),
                format!("permintaan subjek data {req} melewati tenggat waktu"),
            ));
        }
        // The backup job records a failed run (`backup.create`, outcome failed) and a
        // newest good backup past its age (`backup.stale`) at most once per run, so
        // each event is its own alert. Codes name a destination number and an error
        // kind, never a value or a credential.
        let part = |key: &str| {
            e.code
                .as_deref()
                .and_then(|c| c.split(' ').find_map(|p| p.strip_prefix(key)))
                .unwrap_or("?")
                .to_owned()
        };
        if e.action == "backup.create" && e.outcome == Outcome::Failed {
            let (dest, error) = (part("dest:"), part("error:"));
            global.push(Alert::new(
                "backup_failed",
                None,
                e.time,
                Some(seq),
                format!("backup to destination {dest} failed ({error})"),
                format!("pencadangan ke tujuan {dest} gagal ({error})"),
            ));
        }
        if ok && e.action == "backup.stale" {
            let (dest, hours) = (part("dest:"), part("age_hours:"));
            let newest = if hours == "?" {
                "there is no good backup".to_owned()
            } else {
                format!("the newest good backup is {hours} hours old")
            };
            let terbaru = if hours == "?" {
                "belum ada cadangan yang baik".to_owned()
            } else {
                format!("cadangan baik terbaru berumur {hours} jam")
            };
            global.push(Alert::new(
                "backup_stale",
                None,
                e.time,
                Some(seq),
                format!("destination {dest}: {newest}"),
                format!("tujuan {dest}: {terbaru}"),
            ));
        }
        if cfg.exports && ok && e.action == "record.export" {
            fire(
                self,
                "export",
                format!("{who} exported personal data"),
                format!("{who} mengekspor data pribadi"),
            );
        }
        let grants_admin = e.code.as_deref().is_some_and(|c| {
            c.split(' ')
                .any(|part| part == "role:admin" || part == "role:owner")
        });
        let admin_watched = cfg.new_admin && grants_admin;
        if admin_watched && ok && matches!(e.action.as_str(), "apikey.create" | "user.create") {
            fire(
                self,
                "new_admin",
                format!("{who} created a new owner or admin ({})", e.action),
                format!("{who} membuat pemilik atau admin baru ({})", e.action),
            );
        }
        // Every other key is worth a word too (a leaked admin session minting app keys is
        // how data walks out); not deduplicated: each key is its own event.
        if cfg.api_keys && ok && !admin_watched && e.action == "apikey.create" {
            let key = e
                .code
                .as_deref()
                .and_then(|c| c.split(' ').find_map(|p| p.strip_prefix("key:")))
                .unwrap_or("?");
            let role = e
                .code
                .as_deref()
                .and_then(|c| c.split(' ').find_map(|p| p.strip_prefix("role:")))
                .unwrap_or("?");
            global.push(Alert::new(
                "api_key_created",
                Some(who),
                e.time,
                Some(seq),
                format!("{who} created API key {key} (role {role})"),
                format!("{who} membuat kunci API {key} (peran {role})"),
            ));
        }
        if cfg.verify_failed && e.action == "audit.verify" && e.outcome == Outcome::Failed {
            fire(
                self,
                "verify_failed",
                "audit log verification failed: history may have been altered".into(),
                "verifikasi log audit gagal: riwayat mungkin telah diubah".into(),
            );
        }
        out.extend(global);
        out
    }

    pub fn audit_failed(&mut self, now: i64) -> Vec<Alert> {
        // Repeats within five minutes add nothing: the log is down either way.
        let key = ("audit_unavailable", String::new());
        if self
            .last_fired
            .get(&key)
            .is_some_and(|t| now - t < 5 * MINUTE_MS)
        {
            return Vec::new();
        }
        self.last_fired.insert(key, now);
        vec![Alert::new(
            "audit_unavailable",
            None,
            now,
            None,
            "the audit log cannot be written: personal-data requests are refused".into(),
            "log audit tidak dapat ditulis: permintaan data pribadi ditolak".into(),
        )]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::Actor;

    const DAY: i64 = 1_796_094_000_000;

    fn key_event(code: &str, time: i64) -> AuditEvent {
        let actor = Actor {
            principal: "key_owner".into(),
            role: "owner".into(),
            ..Actor::default()
        };
        AuditEvent::new(&actor, "apikey.create", time).code(code)
    }

    fn rules(w: &mut Windows, cfg: &MonitorConfig, e: &AuditEvent) -> Vec<Alert> {
        let tz = cfg.business_hours.time_zone().unwrap();
        w.observe(cfg, &tz, 1, e)
    }

    #[test]
    fn an_overdue_request_raises_one_alert_naming_it() {
        let cfg = MonitorConfig::default();
        let mut w = Windows::default();
        let e = AuditEvent::new(&Actor::system(), "request.overdue", DAY)
            .code("request:rq_00ff kind:access");
        let alerts = rules(&mut w, &cfg, &e);
        assert_eq!(alerts.len(), 1, "{alerts:?}");
        assert_eq!(alerts[0].rule, "request_overdue");
        assert!(
            alerts[0].message.contains("rq_00ff"),
            "{}",
            alerts[0].message
        );
        let other = AuditEvent::new(&Actor::system(), "request.open", DAY)
            .code("request:rq_00fe kind:access");
        assert!(rules(&mut w, &cfg, &other).is_empty());
    }

    #[test]
    fn a_failed_or_stale_backup_raises_one_alert_each() {
        let cfg = MonitorConfig::default();
        let mut w = Windows::default();
        let failed = AuditEvent::new(&Actor::system(), "backup.create", DAY)
            .outcome(Outcome::Failed, Some("dest:2 error:destination"));
        let alerts = rules(&mut w, &cfg, &failed);
        assert_eq!(alerts.len(), 1, "{alerts:?}");
        assert_eq!(alerts[0].rule, "backup_failed");
        assert!(alerts[0]
            .message
            .contains("destination 2 failed (destination)"));
        let stale =
            AuditEvent::new(&Actor::system(), "backup.stale", DAY).code("dest:1 age_hours:200");
        let alerts = rules(&mut w, &cfg, &stale);
        assert_eq!(alerts.len(), 1, "{alerts:?}");
        assert_eq!(alerts[0].rule, "backup_stale");
        assert!(
            alerts[0].message.contains("200 hours"),
            "{}",
            alerts[0].message
        );
        let made = AuditEvent::new(&Actor::system(), "backup.create", DAY).code("dest:1");
        assert!(rules(&mut w, &cfg, &made).is_empty());
    }

    #[test]
    fn every_api_key_created_raises_one_alert() {
        let cfg = MonitorConfig::default();
        let mut w = Windows::default();
        for (i, key) in ["key_a", "key_b", "key_c"].iter().enumerate() {
            let e = key_event(&format!("key:{key} role:app"), DAY + i as i64 * 1000);
            let alerts = rules(&mut w, &cfg, &e);
            assert_eq!(alerts.len(), 1, "{alerts:?}");
            assert_eq!(alerts[0].rule, "api_key_created");
            assert_eq!(alerts[0].principal.as_deref(), Some("key_owner"));
            assert!(alerts[0].message.contains(key), "{}", alerts[0].message);
            assert!(alerts[0].message.contains("role app"));
            assert!(alerts[0].message_id.contains("kunci API"));
        }
    }

    #[test]
    fn an_admin_key_is_new_admin_and_a_refused_one_is_nothing() {
        let cfg = MonitorConfig::default();
        let mut w = Windows::default();
        let alerts = rules(&mut w, &cfg, &key_event("key:key_a role:admin", DAY));
        let names: Vec<_> = alerts.iter().map(|a| a.rule.as_str()).collect();
        assert_eq!(names, ["new_admin"]);
        let refused =
            key_event("key:key_b role:app", DAY).outcome(Outcome::Denied, Some("forbidden"));
        assert!(rules(&mut w, &cfg, &refused).is_empty());

        let off = MonitorConfig {
            api_keys: false,
            ..MonitorConfig::default()
        };
        assert!(rules(&mut w, &off, &key_event("key:key_c role:app", DAY)).is_empty());
        // With new_admin off, an admin key still raises the key alert.
        let no_admin = MonitorConfig {
            new_admin: false,
            ..MonitorConfig::default()
        };
        let alerts = rules(&mut w, &no_admin, &key_event("key:key_d role:owner", DAY));
        assert_eq!(alerts.len(), 1);
        assert_eq!(alerts[0].rule, "api_key_created");
    }
}
