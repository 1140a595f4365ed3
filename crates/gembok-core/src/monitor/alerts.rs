//! Alerts: what a rule found, how they are kept, and who hears of them.
//!
//! An alert names the rule, the principal, the time and a message with counts and
//! ids only. Alerts are kept as documents ordered by id (time first), so listing the
//! newest is a scan of one small kind.

use gembok_store::{Mutation, Store};
use serde::{Deserialize, Serialize};

use crate::CoreError;

const KIND_ALERT: &str = "alert";

/// One alert.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alert {
    /// Time-ordered id (`al_<16 hex of ms>_<8 hex random>`).
    pub id: String,
    /// Rule name: `bulk_read`, `off_hours`, `denials`, `failed_logins`, `export`,
    /// `new_admin`, `verify_failed`, `audit_unavailable`, `request_overdue`,
    /// `backup_failed`, `backup_stale`.
    pub rule: String,
    /// The principal concerned, when the rule is about one.
    pub principal: Option<String>,
    /// Unix milliseconds.
    pub time: i64,
    /// Audit position of the event that fired it, when there is one.
    pub seq: Option<u64>,
    /// English text with counts and ids, no personal values.
    pub message: String,
    /// The same in Bahasa Indonesia.
    pub message_id: String,
}

impl Alert {
    pub(crate) fn new(
        rule: &str,
        principal: Option<&str>,
        time: i64,
        seq: Option<u64>,
        message: String,
        message_id: String,
    ) -> Self {
        let rand = gembok_crypto::random_bytes::<4>().unwrap_or_default();
        Alert {
            id: format!("al_{:016x}_{}", time.max(0), hex::encode(rand)),
            rule: rule.to_owned(),
            principal: principal.map(str::to_owned),
            time,
            seq,
            message,
            message_id,
        }
    }
}

/// Receives every alert raised. Must not block for long (hand off to a queue).
pub trait AlertSink: Send + Sync {
    fn alert(&self, alert: &Alert);
}

pub(crate) fn store(store: &dyn Store, alert: &Alert) -> Result<(), CoreError> {
    let body = serde_json::to_vec(alert)
        .map_err(|_| CoreError::Integrity("alert does not encode".into()))?;
    store.apply(&[Mutation::PutDoc {
        kind: KIND_ALERT.into(),
        id: alert.id.clone(),
        body,
    }])?;
    Ok(())
}

/// The newest `limit` stored alerts, newest first.
pub fn list(store: &dyn Store, limit: usize) -> Result<Vec<Alert>, CoreError> {
    let mut out = Vec::new();
    for (_, body) in store.docs(KIND_ALERT)?.into_iter().rev().take(limit) {
        out.push(
            serde_json::from_slice(&body)
                .map_err(|_| CoreError::Integrity("a stored alert does not parse".into()))?,
        );
    }
    Ok(out)
}
