//! The rules themselves, over sliding windows kept in memory.
//!
//! Windows live only as long as the process: after a restart a burst is counted
//! afresh. That errs towards a late alert, never a false one.

use std::collections::{HashMap, VecDeque};

use gembok_types::RecordId;

use super::{Alert, MonitorConfig};
use crate::audit::{AuditEvent, Outcome};

const MINUTE_MS: i64 = 60_000;

/// Distinct records one principal read recently.
#[derive(Default)]
struct Reads {
    order: VecDeque<(i64, RecordId)>,
    counts: HashMap<RecordId, u32>,
}

impl Reads {
    fn add(&mut self, time: i64, ids: &[RecordId], window_ms: i64) -> usize {
        for id in ids {
            self.order.push_back((time, *id));
            *self.counts.entry(*id).or_default() += 1;
        }
        while let Some((t, id)) = self.order.front().copied() {
            if t > time - window_ms {
                break;
            }
            self.order.pop_front();
            if let Some(c) = self.counts.get_mut(&id) {
                *c -= 1;
                if *c == 0 {
                    self.counts.remove(&id);
                }
            }
        }
        self.counts.len()
    }
}

/// Times of recent events, for bursts.
fn push_and_count(q: &mut VecDeque<i64>, time: i64, window_ms: i64) -> usize {
    q.push_back(time);
    while q.front().is_some_and(|t| *t <= time - window_ms) {
        q.pop_front();
    }
    q.len()
}

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
            let n = self
                .reads
                .entry(who.to_owned())
                .or_default()
                .add(e.time, &e.records, window);
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
            let n = push_and_count(&mut self.failed_logins, e.time, window);
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
        if cfg.new_admin
            && ok
            && grants_admin
            && matches!(e.action.as_str(), "apikey.create" | "user.create")
        {
            fire(
                self,
                "new_admin",
                format!("{who} created a new owner or admin ({})", e.action),
                format!("{who} membuat pemilik atau admin baru ({})", e.action),
            );
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
