//! Monitoring wiring shared by `gembok serve` and `gembok audit verify`: the monitor
//! built from `[monitor]` and registered on the audit log, and the bridge from its
//! alerts to the notifications of `[notify]`.
//!
//! The server hands alerts to a background notifier and never waits on the network; a
//! one-shot command collects them and delivers them before it exits, so an alert
//! raised by a failed `audit verify` run from cron is not lost with the process.

use gembok_core::audit::{CheckpointLine, CheckpointSink};
use gembok_store::AuditCheckpoint;
use std::sync::{Arc, Mutex};

use anyhow::{anyhow, Result};
use gembok_core::{Alert, AlertSink, Monitor, Vault};
use gembok_notify::{Notification, Notifier, NotifyHandle};

use crate::config::Settings;

/// Build the monitor from `[monitor]` and make it observe the vault's audit log.
pub fn attach_monitor(vault: &Vault, settings: &Settings) -> Result<Arc<Monitor>> {
    let monitor = Arc::new(
        Monitor::new(Arc::clone(vault.store()), settings.monitor.clone())
            .map_err(|e| anyhow!("gembok.toml: [monitor]: {e}"))?,
    );
    vault.audit().add_observer(monitor.clone());
    Ok(monitor)
}

/// The notifier of `[notify]`, when it names any channel.
pub fn notifier(settings: &Settings) -> Result<Option<Notifier>> {
    if !settings.has_notify_channels() {
        return Ok(None);
    }
    Notifier::from_config(&settings.notify)
        .map(Some)
        .map_err(|e| anyhow!("gembok.toml: [notify]: {e}"))
}

/// An alert as a notification: kind `alert.<rule>`, a bilingual title, and both
/// messages (which name counts and ids only, never a value).
pub fn notification(alert: &Alert) -> Notification {
    Notification {
        id: alert.id.clone(),
        kind: format!("alert.{}", alert.rule),
        title: title(&alert.rule).to_owned(),
        message: format!("{} / {}", alert.message, alert.message_id),
        occurred_at_ms: alert.time,
    }
}

fn title(rule: &str) -> &'static str {
    match rule {
        "bulk_read" => "Gembok: bulk read of customer data / pembacaan data pelanggan massal",
        "off_hours" => {
            "Gembok: personal data used after hours / data pribadi diakses di luar jam kerja"
        }
        "denials" => "Gembok: repeated access denials / akses berulang kali ditolak",
        "failed_logins" => "Gembok: many failed logins / banyak percobaan masuk gagal",
        "export" => "Gembok: personal data exported / data pribadi diekspor",
        "new_admin" => "Gembok: new owner or admin / pemilik atau admin baru",
        "api_key_created" => "Gembok: new API key / kunci API baru",
        "verify_failed" => "Gembok: audit log verification failed / verifikasi log audit gagal",
        "audit_unavailable" => "Gembok: audit log unavailable / log audit tidak tersedia",
        "backup_failed" => "Gembok: a backup failed / pencadangan gagal",
        "backup_stale" => "Gembok: no recent backup / tidak ada cadangan terbaru",
        _ => "Gembok alert / peringatan Gembok",
    }
}

/// Hands each alert to a background notifier without waiting.
pub struct NotifySink {
    handle: NotifyHandle,
}

impl NotifySink {
    pub fn new(handle: NotifyHandle) -> Self {
        NotifySink { handle }
    }
}

impl AlertSink for NotifySink {
    fn alert(&self, alert: &Alert) {
        if let Err(e) = self.handle.send(notification(alert)) {
            tracing::warn!(rule = %alert.rule, id = %alert.id, error = %e,
                "alert notification dropped");
        }
    }
}

/// Sends every audit checkpoint through the notifier, as a notification of kind
/// `audit.checkpoint` whose message is the checkpoint as one JSON line: a receiver
/// that appends these messages to a file has a file `gembok audit verify
/// --checkpoints` reads. A checkpoint names positions and hashes only.
pub struct CheckpointNotifier {
    handle: NotifyHandle,
}

impl CheckpointNotifier {
    pub fn new(handle: NotifyHandle) -> Self {
        CheckpointNotifier { handle }
    }
}

/// The notification that carries one checkpoint.
pub fn checkpoint_notification(cp: &AuditCheckpoint) -> Notification {
    let line = serde_json::to_string(&CheckpointLine::from_checkpoint(cp)).unwrap_or_default();
    Notification {
        id: format!("cp_{}", cp.seq),
        kind: "audit.checkpoint".into(),
        title: "Gembok audit checkpoint / titik periksa audit Gembok".into(),
        message: line,
        occurred_at_ms: cp.time,
    }
}

impl CheckpointSink for CheckpointNotifier {
    fn publish(&self, cp: &AuditCheckpoint) {
        if let Err(e) = self.handle.send(checkpoint_notification(cp)) {
            tracing::warn!(seq = cp.seq, error = %e, "checkpoint notification dropped");
        }
    }
}

/// Keeps alerts for a short-lived command to deliver before it exits.
#[derive(Default)]
pub struct Collected {
    alerts: Mutex<Vec<Alert>>,
}

impl Collected {
    pub fn take(&self) -> Vec<Alert> {
        std::mem::take(&mut *self.alerts.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

impl AlertSink for Collected {
    fn alert(&self, alert: &Alert) {
        self.alerts
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(alert.clone());
    }
}

/// Deliver `alerts` through `notifier` now, waiting for every channel; failures are
/// reported on stderr by channel label (host only) and kind.
pub fn deliver_now(notifier: &Notifier, alerts: &[Alert]) -> Result<()> {
    if alerts.is_empty() {
        return Ok(());
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|_| anyhow!("cannot start the async runtime to send alerts"))?;
    runtime.block_on(async {
        for alert in alerts {
            let n = notification(alert);
            for outcome in notifier.deliver(&n).await {
                if let Err(e) = &outcome.result {
                    eprintln!(
                        "gembok: alert {} not delivered via {}: {e}",
                        n.kind, outcome.channel
                    );
                }
            }
        }
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_checkpoint_notification_is_a_line_verify_reads() {
        let cp = AuditCheckpoint {
            seq: 42,
            hash: vec![7; 32],
            time: 1_796_094_000_000,
            key_id: "00112233aabbccdd".into(),
            signature: vec![9; 64],
        };
        let n = checkpoint_notification(&cp);
        assert_eq!(n.kind, "audit.checkpoint");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cps.jsonl");
        std::fs::write(&path, format!("{}\n", n.message)).unwrap();
        let back = gembok_core::audit::FileSink::read(&path).unwrap();
        assert_eq!(back, vec![cp]);
    }

    #[test]
    fn an_alert_becomes_a_bilingual_notification() {
        let alert = Alert {
            id: "al_1".into(),
            rule: "verify_failed".into(),
            principal: None,
            time: 42,
            seq: Some(7),
            message: "audit log verification failed".into(),
            message_id: "verifikasi log audit gagal".into(),
        };
        let n = notification(&alert);
        assert_eq!(n.id, "al_1");
        assert_eq!(n.kind, "alert.verify_failed");
        assert_eq!(
            n.message,
            "audit log verification failed / verifikasi log audit gagal"
        );
        assert!(n.title.contains("verification failed") && n.title.contains("verifikasi"));
        assert_eq!(n.occurred_at_ms, 42);
    }
}
