//! Alerts that one event raises on its own: a customer credential locked, a
//! data-subject request past its deadline, a failed or stale backup, a new owner or
//! admin, any other new API key, and a failed verification of the audit log.
//!
//! Events the vault records once per occurrence (a lock, an overdue request, a backup
//! run, a key) each raise their own alert; the others are deduplicated per principal.

use super::{Check, Windows};
use crate::audit::Outcome;

/// A customer's password or TOTP field locked after too many failures: someone is
/// guessing.
pub(super) fn credential_locked(c: &mut Check<'_>) {
    if c.cfg.failed_logins.enabled && c.ok && c.e.action == "credential.lock" {
        let who = c.who;
        c.global(
            "credential_locked",
            Some(who),
            format!("a customer credential was locked after repeated failures via {who}"),
            format!("kredensial pelanggan dikunci setelah gagal berulang kali melalui {who}"),
        );
    }
}

/// A data subject's request went past its legal deadline (UU PDP: 3 x 24 hours).
pub(super) fn request_overdue(c: &mut Check<'_>) {
    if c.ok && c.e.action == "request.overdue" {
        let req = c.code_part("request:");
        c.global(
            "request_overdue",
            None,
            format!("data-subject request {req} is past its deadline"),
            format!("permintaan subjek data {req} melewati tenggat waktu"),
        );
    }
}

/// The backup job records a failed run (`backup.create`, outcome failed) and a newest
/// good backup past its age (`backup.stale`) at most once per run.
pub(super) fn backups(c: &mut Check<'_>) {
    let e = c.e;
    if e.action == "backup.create" && e.outcome == Outcome::Failed {
        let (dest, error) = (c.code_part("dest:"), c.code_part("error:"));
        c.global(
            "backup_failed",
            None,
            format!("backup to destination {dest} failed ({error})"),
            format!("pencadangan ke tujuan {dest} gagal ({error})"),
        );
    }
    if c.ok && e.action == "backup.stale" {
        let (dest, hours) = (c.code_part("dest:"), c.code_part("age_hours:"));
        let (newest, terbaru) = if hours == "?" {
            (
                "there is no good backup".to_owned(),
                "belum ada cadangan yang baik".to_owned(),
            )
        } else {
            (
                format!("the newest good backup is {hours} hours old"),
                format!("cadangan baik terbaru berumur {hours} jam"),
            )
        };
        c.global(
            "backup_stale",
            None,
            format!("destination {dest}: {newest}"),
            format!("tujuan {dest}: {terbaru}"),
        );
    }
}

/// Every new API key that is not already a new admin's is worth a word too (a leaked
/// admin session minting app keys is how data walks out).
pub(super) fn api_key_created(c: &mut Check<'_>, admin_watched: bool) {
    if c.cfg.api_keys && c.ok && !admin_watched && c.e.action == "apikey.create" {
        let (who, key, role) = (c.who, c.code_part("key:"), c.code_part("role:"));
        c.global(
            "api_key_created",
            Some(who),
            format!("{who} created API key {key} (role {role})"),
            format!("{who} membuat kunci API {key} (peran {role})"),
        );
    }
}

impl Windows {
    /// A new owner or admin, by API key or staff account. Returns whether the event
    /// grants such a role under watch, so that its key is not announced twice.
    pub(super) fn new_admin(&mut self, c: &mut Check<'_>) -> bool {
        let e = c.e;
        let grants_admin = e.code.as_deref().is_some_and(|code| {
            code.split(' ')
                .any(|part| part == "role:admin" || part == "role:owner")
        });
        let admin_watched = c.cfg.new_admin && grants_admin;
        if admin_watched && c.ok && matches!(e.action.as_str(), "apikey.create" | "user.create") {
            let who = c.who;
            self.fire(
                c,
                "new_admin",
                format!("{who} created a new owner or admin ({})", e.action),
                format!("{who} membuat pemilik atau admin baru ({})", e.action),
            );
        }
        admin_watched
    }

    pub(super) fn verify_failed(&mut self, c: &mut Check<'_>) {
        let e = c.e;
        if c.cfg.verify_failed && e.action == "audit.verify" && e.outcome == Outcome::Failed {
            self.fire(
                c,
                "verify_failed",
                "audit log verification failed: history may have been altered".into(),
                "verifikasi log audit gagal: riwayat mungkin telah diubah".into(),
            );
        }
    }
}
