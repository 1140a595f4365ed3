//! Monitoring: rules over the stream of committed audit events that raise alerts.
//!
//! The [`Monitor`] is an [`AuditObserver`]: it sees each event once it is durable and
//! keeps small sliding windows in memory (per principal, per rule). When a rule fires
//! it builds an [`Alert`] (rule, principal, a message naming counts and ids, never a
//! value), suppresses repeats of the same rule for the same principal for a while,
//! stores it so the API can list it, and hands it to every [`AlertSink`] (the
//! notification module plugs in there). A failure to write the audit log itself is
//! an alert too.

mod alerts;
mod config;
mod rules;
mod windows;

use std::sync::{Arc, Mutex};

use gembok_store::Store;

pub use alerts::{list as list_alerts, Alert, AlertSink};
pub use config::{Burst, BusinessHours, MonitorConfig, Threshold};

use crate::audit::{AuditEvent, AuditObserver};
use crate::CoreError;

/// The monitoring rules of one vault.
pub struct Monitor {
    config: MonitorConfig,
    tz: jiff::tz::TimeZone,
    store: Arc<dyn Store>,
    state: Mutex<rules::Windows>,
    sinks: Mutex<Vec<Arc<dyn AlertSink>>>,
}

impl Monitor {
    pub fn new(store: Arc<dyn Store>, config: MonitorConfig) -> Result<Self, CoreError> {
        let tz = config.business_hours.time_zone()?;
        Ok(Monitor {
            config,
            tz,
            store,
            state: Mutex::new(rules::Windows::default()),
            sinks: Mutex::new(Vec::new()),
        })
    }

    /// Send alerts to `sink` as well.
    pub fn add_sink(&self, sink: Arc<dyn AlertSink>) {
        self.sinks
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(sink);
    }

    /// Stored alerts, newest first.
    pub fn list(&self, limit: usize) -> Result<Vec<Alert>, CoreError> {
        alerts::list(self.store.as_ref(), limit)
    }

    fn raise(&self, found: Vec<Alert>) {
        if found.is_empty() {
            return;
        }
        let sinks = self.sinks.lock().unwrap_or_else(|p| p.into_inner()).clone();
        for alert in found {
            // Storing can fail when the database is what broke; the sinks still hear.
            let _ = alerts::store(self.store.as_ref(), &alert);
            for s in &sinks {
                s.alert(&alert);
            }
        }
    }
}

impl AuditObserver for Monitor {
    fn committed(&self, events: &[(u64, AuditEvent)]) {
        let found = {
            let mut w = self.state.lock().unwrap_or_else(|p| p.into_inner());
            events
                .iter()
                .flat_map(|(seq, e)| w.observe(&self.config, &self.tz, *seq, e))
                .collect::<Vec<_>>()
        };
        self.raise(found);
    }

    fn audit_failed(&self) {
        let found = {
            let mut w = self.state.lock().unwrap_or_else(|p| p.into_inner());
            w.audit_failed(crate::time::now_ms())
        };
        self.raise(found);
    }
}
