//! Telling the world outside the vault that a customer was erased: a `subject.erased`
//! notification to the receivers of `[[erasure.webhook]]` (a CRM, a mailing tool, a
//! warehouse that must drop its own copy), and a line in the erasure ledger file beside
//! the database, which a restore of an older backup re-applies.
//!
//! The notification names the subject's record id and the erasure time and nothing
//! else: the downstream system matches on the id it was given when the record was
//! made. `gembok serve` queues it on the background notifier; a one-shot command
//! (`gembok subject erase`, `gembok retention run`) collects the erasures and delivers
//! them before the process exits, since the notifier has no way to wait for its queue.

use std::sync::{Arc, Mutex};

use anyhow::{anyhow, Result};
use gembok_backup::FileLedger;
use gembok_core::lifecycle::{ErasureListener, LedgerEntry};
use gembok_core::Vault;
use gembok_notify::{Notification, Notifier, NotifyConfig, NotifyHandle};
use serde_json::json;

use crate::config::Settings;

/// Kind of the notification.
pub const KIND: &str = "subject.erased";

/// Passes each erasure on: to the background notifier, or into a list for later.
pub enum ErasureNotifier {
    Queue(NotifyHandle),
    Collect(Mutex<Vec<LedgerEntry>>),
}

impl ErasureNotifier {
    /// Queue each erasure on a running notifier (`gembok serve`).
    pub fn queue(handle: NotifyHandle) -> Self {
        ErasureNotifier::Queue(handle)
    }

    /// Keep erasures for [`deliver_now`] (one-shot commands).
    pub fn collecting() -> Self {
        ErasureNotifier::Collect(Mutex::new(Vec::new()))
    }

    /// The erasures collected so far (none when queueing).
    pub fn take(&self) -> Vec<LedgerEntry> {
        match self {
            ErasureNotifier::Queue(_) => Vec::new(),
            ErasureNotifier::Collect(m) => {
                std::mem::take(&mut *m.lock().unwrap_or_else(|p| p.into_inner()))
            }
        }
    }
}

impl ErasureListener for ErasureNotifier {
    fn erased(&self, entry: &LedgerEntry) {
        match self {
            ErasureNotifier::Queue(handle) => {
                if let Err(e) = handle.send(notification(entry)) {
                    tracing::warn!(subject = %entry.subject, error = %e,
                        "erasure notification dropped");
                }
            }
            ErasureNotifier::Collect(m) => m.lock().unwrap_or_else(|p| p.into_inner()).push(*entry),
        }
    }
}

/// The notification of one erasure. Its id is derived from the subject, so a receiver
/// told twice (an erasure re-applied after a restore) can tell it is the same one; the
/// message is one JSON object a receiver can parse.
pub fn notification(entry: &LedgerEntry) -> Notification {
    Notification {
        id: format!("erased_{}", entry.subject),
        kind: KIND.to_owned(),
        title: "Gembok: customer data erased / data pelanggan dihapus".to_owned(),
        message: json!({"subject": entry.subject.to_string(), "erased_at": entry.erased_at})
            .to_string(),
        occurred_at_ms: entry.erased_at,
    }
}

/// The notifier of `[[erasure.webhook]]`, when it names any receiver.
pub fn erasure_notifier(settings: &Settings) -> Result<Option<Notifier>> {
    if !settings.lifecycle.has_erasure_hooks() {
        return Ok(None);
    }
    hooks_notifier(&settings.lifecycle.erasure_hooks).map(Some)
}

fn hooks_notifier(config: &NotifyConfig) -> Result<Notifier> {
    Notifier::from_config(config).map_err(|e| anyhow!("gembok.toml: [[erasure.webhook]]: {e}"))
}

/// Deliver `entries` through `notifier` now, waiting for every receiver; failures are
/// reported on stderr by receiver label (host only). Returns how many deliveries failed.
pub fn deliver_now(notifier: &Notifier, entries: &[LedgerEntry]) -> usize {
    if entries.is_empty() {
        return 0;
    }
    let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    else {
        eprintln!("gembok: cannot start the async runtime to send erasure notices");
        return entries.len();
    };
    runtime.block_on(async {
        let mut failed = 0;
        for entry in entries {
            let n = notification(entry);
            for outcome in notifier.deliver(&n).await {
                if let Err(e) = &outcome.result {
                    failed += 1;
                    eprintln!(
                        "gembok: erasure of {} not delivered via {}: {e} / \
                         pemberitahuan penghapusan tidak terkirim",
                        entry.subject, outcome.channel
                    );
                }
            }
        }
        failed
    })
}

/// The listeners of a one-shot command that may erase: the ledger file and the
/// collected webhook notices, both registered on the vault until [`OneShot::finish`].
pub struct OneShot {
    ledger: Arc<FileLedger>,
    collected: Arc<ErasureNotifier>,
    notifier: Option<Notifier>,
}

impl OneShot {
    /// Register on `vault`; the notifier is built first, so a bad `[[erasure.webhook]]`
    /// (a missing secret variable) stops the command before it erases anything.
    pub fn attach(vault: &Vault, root: &std::path::Path, settings: &Settings) -> Result<Self> {
        let notifier = erasure_notifier(settings)?;
        let ledger = Arc::new(FileLedger::in_dir(root));
        let collected = Arc::new(ErasureNotifier::collecting());
        vault.add_erasure_listener(ledger.clone());
        vault.add_erasure_listener(collected.clone());
        Ok(OneShot {
            ledger,
            collected,
            notifier,
        })
    }

    /// Deliver the collected notices and report a ledger file that could not be
    /// written. The erasures stand either way; this only warns.
    pub fn finish(self) {
        let entries = self.collected.take();
        if let Some(n) = &self.notifier {
            deliver_now(n, &entries);
        }
        if self.ledger.failures() > 0 {
            eprintln!(
                "gembok: warning: {} could not be written ({} erasure(s)); the database keeps \
                 its own ledger / berkas buku penghapusan gagal ditulis",
                self.ledger.path().display(),
                self.ledger.failures()
            );
        }
    }
}

#[cfg(test)]
mod tests;
