//! The rules themselves, over sliding windows kept in memory.
//!
//! Each committed event is checked against every rule in a fixed order. Rules on how
//! principals use the vault (bursts of reads, refusals and failed logins, hours,
//! exports) are in `usage` and keep windows; alerts that one event raises on its own
//! (backups, overdue requests, new admins and keys, a failed verification) are in
//! `events`. Alerts about the event's principal are deduplicated per rule and
//! principal and come first; alerts about the vault as a whole follow.
//!
//! Windows live only as long as the process: after a restart a burst is counted
//! afresh. That errs towards a late alert, never a false one.

mod events;
#[cfg(test)]
mod tests;
mod usage;

use std::collections::{HashMap, VecDeque};

use super::windows::Reads;
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

/// One committed event under check, and the alerts it has raised so far.
struct Check<'a> {
    cfg: &'a MonitorConfig,
    seq: u64,
    e: &'a AuditEvent,
    who: &'a str,
    ok: bool,
    /// About `who`, deduplicated per rule and principal.
    mine: Vec<Alert>,
    /// About the vault as a whole, in the order raised.
    global: Vec<Alert>,
}

impl<'a> Check<'a> {
    /// Raise an alert about the vault, naming `who` when given.
    fn global(&mut self, rule: &'static str, who: Option<&str>, en: String, id: String) {
        let alert = Alert::new(rule, who, self.e.time, Some(self.seq), en, id);
        self.global.push(alert);
    }

    /// The value of the `key` part of the event's code (`dest:2 error:io` gives `2`
    /// for `dest:`), or `?`. Codes name numbers, ids and kinds, never a value.
    fn code_part(&self, key: &str) -> &'a str {
        self.e
            .code
            .as_deref()
            .and_then(|c| c.split(' ').find_map(|p| p.strip_prefix(key)))
            .unwrap_or("?")
    }
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

    /// Raise an alert about the event's principal, unless `rule` fired for it lately.
    fn fire(&mut self, c: &mut Check<'_>, rule: &'static str, en: String, id: String) {
        if self.may_fire(c.cfg, rule, c.who, c.e.time) {
            let alert = Alert::new(rule, Some(c.who), c.e.time, Some(c.seq), en, id);
            c.mine.push(alert);
        }
    }

    pub fn observe(
        &mut self,
        cfg: &MonitorConfig,
        tz: &jiff::tz::TimeZone,
        seq: u64,
        e: &AuditEvent,
    ) -> Vec<Alert> {
        let mut c = Check {
            cfg,
            seq,
            e,
            who: e.principal.as_str(),
            ok: e.outcome == Outcome::Ok,
            mine: Vec::new(),
            global: Vec::new(),
        };
        self.bulk_read(&mut c);
        self.off_hours(&mut c, tz);
        self.denials(&mut c);
        self.failed_logins(&mut c);
        events::credential_locked(&mut c);
        events::request_overdue(&mut c);
        events::backups(&mut c);
        self.export(&mut c);
        let admin_watched = self.new_admin(&mut c);
        events::api_key_created(&mut c, admin_watched);
        self.verify_failed(&mut c);
        let mut out = c.mine;
        out.extend(c.global);
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
