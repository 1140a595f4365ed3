//! Each monitoring rule fires once for its pattern, stays quiet for normal traffic,
//! and its alerts are stored, listed and handed to every sink.

mod common;

use std::sync::{Arc, Mutex};

use gembok_core::audit::{AuditEvent, AuditObserver, Outcome};
use gembok_core::monitor::{Alert, AlertSink, Monitor, MonitorConfig};
use gembok_core::{Actor, View};
use gembok_types::RecordId;
use serde_json::json;

/// 2026-12-01 10:00 in Jakarta (03:00 UTC): a Tuesday, inside business hours.
const DAY: i64 = 1_796_094_000_000;
/// 2026-12-02 01:00 in Jakarta (18:00 UTC on the 1st): outside.
const NIGHT: i64 = 1_796_148_000_000;
const MIN: i64 = 60_000;

#[derive(Default)]
struct Collect(Mutex<Vec<Alert>>);

impl AlertSink for Collect {
    fn alert(&self, a: &Alert) {
        self.0.lock().unwrap().push(a.clone());
    }
}

struct Fixture {
    _t: common::TestVault,
    monitor: Monitor,
    sink: Arc<Collect>,
    seq: std::cell::Cell<u64>,
}

fn fixture() -> Fixture {
    let t = common::vault();
    let monitor = Monitor::new(t.store.clone(), MonitorConfig::default()).unwrap();
    let sink = Arc::new(Collect::default());
    monitor.add_sink(sink.clone());
    Fixture {
        _t: t,
        monitor,
        sink,
        seq: std::cell::Cell::new(0),
    }
}

fn actor(who: &str) -> Actor {
    Actor {
        principal: who.into(),
        role: "support".into(),
        ..Actor::default()
    }
}

impl Fixture {
    fn feed(&self, e: AuditEvent) {
        self.seq.set(self.seq.get() + 1);
        self.monitor.committed(&[(self.seq.get(), e)]);
    }

    fn rules(&self) -> Vec<String> {
        self.sink
            .0
            .lock()
            .unwrap()
            .iter()
            .map(|a| a.rule.clone())
            .collect()
    }

    /// A day of ordinary work: two people reading a few customers each, a denial or
    /// two, a mistyped key. (A new API key is always worth an alert: `api_key_created`.)
    fn normal_day(&self) {
        for who in ["key_ani", "key_budi"] {
            for i in 0..30 {
                let e = AuditEvent::new(&actor(who), "record.read", DAY + i * MIN)
                    .collection("customers")
                    .records([RecordId::generate()]);
                self.feed(e);
            }
            self.feed(
                AuditEvent::new(&actor(who), "record.read", DAY + 40 * MIN)
                    .outcome(Outcome::Denied, Some("forbidden")),
            );
        }
        self.feed(
            AuditEvent::new(&actor("anonymous"), "auth.failed", DAY)
                .outcome(Outcome::Failed, Some("unknown_key")),
        );
        self.feed(AuditEvent::new(&actor("local:ops"), "audit.verify", DAY));
    }
}

#[test]
fn normal_traffic_raises_nothing() {
    let f = fixture();
    f.normal_day();
    assert!(f.rules().is_empty(), "{:?}", f.rules());
}

#[test]
fn each_rule_fires_once_for_its_pattern() {
    type Pattern = fn(&Fixture);
    let cases: [(&str, Pattern); 8] = [
        ("credential_locked", |f| {
            f.feed(
                AuditEvent::new(&actor("key_app"), "credential.lock", DAY)
                    .collection("customers")
                    .records([RecordId::generate()])
                    .fields(["pin"]),
            );
        }),
        ("bulk_read", |f| {
            for i in 0..400 {
                f.feed(
                    AuditEvent::new(&actor("key_x"), "record.read", DAY + i * 100)
                        .records([RecordId::generate()]),
                );
            }
        }),
        ("off_hours", |f| {
            for i in 0..5 {
                f.feed(
                    AuditEvent::new(&actor("key_x"), "record.read", NIGHT + i * MIN)
                        .records([RecordId::generate()]),
                );
            }
        }),
        ("denials", |f| {
            for i in 0..30 {
                f.feed(
                    AuditEvent::new(&actor("key_x"), "record.read", DAY + i * 1000)
                        .outcome(Outcome::Denied, Some("forbidden")),
                );
            }
        }),
        ("failed_logins", |f| {
            for i in 0..60 {
                f.feed(
                    AuditEvent::new(&actor("anonymous"), "auth.failed", DAY + i * 1000)
                        .outcome(Outcome::Failed, Some("unknown_key")),
                );
            }
        }),
        ("export", |f| {
            for i in 0..3 {
                f.feed(AuditEvent::new(
                    &actor("key_x"),
                    "record.export",
                    DAY + i * MIN,
                ));
            }
        }),
        ("new_admin", |f| {
            f.feed(
                AuditEvent::new(&actor("key_owner"), "apikey.create", DAY)
                    .code("key:key_a role:admin"),
            );
            f.feed(
                AuditEvent::new(&actor("key_owner"), "user.create", DAY + MIN)
                    .code("account:usr_00000000000000b0 role:admin"),
            );
        }),
        ("verify_failed", |f| {
            for i in 0..2 {
                f.feed(
                    AuditEvent::new(&actor("local:ops"), "audit.verify", DAY + i * MIN)
                        .outcome(Outcome::Failed, Some("event:7")),
                );
            }
        }),
    ];
    for (rule, pattern) in cases {
        let f = fixture();
        f.normal_day();
        pattern(&f);
        assert_eq!(f.rules(), vec![rule.to_owned()], "{rule}");
        let stored = f.monitor.list(10).unwrap();
        assert_eq!(stored.len(), 1, "{rule}: stored once");
        assert!(!stored[0].message.is_empty() && !stored[0].message_id.is_empty());
    }
}

#[test]
fn a_failing_audit_log_alerts_once_per_five_minutes() {
    let f = fixture();
    f.monitor.audit_failed();
    f.monitor.audit_failed();
    assert_eq!(f.rules(), vec!["audit_unavailable".to_owned()]);
}

#[test]
fn bulk_reads_through_the_vault_reach_the_monitor() {
    let t = common::vault();
    let cfg = MonitorConfig::from_toml(
        "[bulk_read]\nrecords = 5\nminutes = 10\n[business_hours]\nenabled = false",
    )
    .unwrap();
    let monitor = Arc::new(Monitor::new(t.store.clone(), cfg).unwrap());
    let sink = Arc::new(Collect::default());
    monitor.add_sink(sink.clone());
    t.vault.audit().add_observer(monitor.clone());
    let a = Actor {
        principal: "key_reader".into(),
        ..Actor::local_operator()
    };
    let rows: Vec<_> = (0..8)
        .map(|i| json!({"name": format!("Pelanggan {}", ["A","B","C","D","E","F","G","H"][i])}))
        .collect();
    let ids = t.vault.create_batch(&a, "customers", &rows).unwrap();
    for id in &ids {
        t.vault
            .get(&a, "customers", *id, None, View::Masked)
            .unwrap();
    }
    let alerts = monitor.list(10).unwrap();
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0].rule, "bulk_read");
    assert_eq!(alerts[0].principal.as_deref(), Some("key_reader"));
    assert!(
        alerts[0].message.contains("6 distinct records"),
        "{}",
        alerts[0].message
    );
    assert_eq!(sink.0.lock().unwrap().len(), 1);
}
