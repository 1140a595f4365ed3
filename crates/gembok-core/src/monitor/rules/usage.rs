//! Rules on how principals use the vault, over windows per principal: many distinct
//! records read, personal data used outside business hours, bursts of refusals, bursts
//! of failed logins and key checks (over all principals), and exports.

use super::{Check, Windows, MINUTE_MS};
use crate::audit::Outcome;
use crate::monitor::windows::push_and_count;

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
    pub(super) fn bulk_read(&mut self, c: &mut Check<'_>) {
        let (cfg, e, who) = (c.cfg, c.e, c.who);
        let reads = matches!(
            e.action.as_str(),
            "record.read" | "record.search" | "record.export"
        );
        if !(cfg.bulk_read.enabled && c.ok && reads) {
            return;
        }
        let window = i64::from(cfg.bulk_read.minutes) * MINUTE_MS;
        let n = self.reads.entry(who.to_owned()).or_default().add(
            e.time,
            &e.records,
            window,
            cfg.bulk_read.records.saturating_add(1),
        );
        if n > cfg.bulk_read.records {
            let m = cfg.bulk_read.minutes;
            self.fire(
                c,
                "bulk_read",
                format!("{who} read {n} distinct records within {m} minutes"),
                format!("{who} membaca {n} data berbeda dalam {m} menit"),
            );
        }
    }

    pub(super) fn off_hours(&mut self, c: &mut Check<'_>, tz: &jiff::tz::TimeZone) {
        let (cfg, e, who) = (c.cfg, c.e, c.who);
        if cfg.business_hours.enabled
            && c.ok
            && personal(&e.action)
            && who != "system"
            && cfg.business_hours.outside(tz, e.time)
        {
            self.fire(
                c,
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
    }

    pub(super) fn denials(&mut self, c: &mut Check<'_>) {
        let (cfg, e, who) = (c.cfg, c.e, c.who);
        if !(cfg.denials.enabled && e.outcome == Outcome::Denied) {
            return;
        }
        let window = i64::from(cfg.denials.minutes) * MINUTE_MS;
        let n = push_and_count(
            self.denials.entry(who.to_owned()).or_default(),
            e.time,
            window,
            cfg.denials.count.saturating_add(1),
        );
        if n > cfg.denials.count {
            let m = cfg.denials.minutes;
            self.fire(
                c,
                "denials",
                format!("{who} was refused {n} times within {m} minutes"),
                format!("{who} ditolak {n} kali dalam {m} menit"),
            );
        }
    }

    /// Failed logins and key checks over all principals: a guesser spreads them.
    pub(super) fn failed_logins(&mut self, c: &mut Check<'_>) {
        let (cfg, e) = (c.cfg, c.e);
        let failed = matches!(e.action.as_str(), "auth.failed" | "login.failed");
        if !(cfg.failed_logins.enabled && failed) {
            return;
        }
        let window = i64::from(cfg.failed_logins.minutes) * MINUTE_MS;
        let n = push_and_count(
            &mut self.failed_logins,
            e.time,
            window,
            cfg.failed_logins.count.saturating_add(1),
        );
        if n > cfg.failed_logins.count && self.may_fire(cfg, "failed_logins", "*", e.time) {
            let m = cfg.failed_logins.minutes;
            c.global(
                "failed_logins",
                None,
                format!("{n} failed logins or key checks within {m} minutes"),
                format!("{n} kali gagal masuk atau kunci API salah dalam {m} menit"),
            );
        }
    }

    pub(super) fn export(&mut self, c: &mut Check<'_>) {
        if c.cfg.exports && c.ok && c.e.action == "record.export" {
            let who = c.who;
            self.fire(
                c,
                "export",
                format!("{who} exported personal data"),
                format!("{who} mengekspor data pribadi"),
            );
        }
    }
}
