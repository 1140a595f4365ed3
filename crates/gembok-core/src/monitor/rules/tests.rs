//! Unit tests of single rules: one event in, the alerts it raises out.

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
    let other =
        AuditEvent::new(&Actor::system(), "request.open", DAY).code("request:rq_00fe kind:access");
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
    let stale = AuditEvent::new(&Actor::system(), "backup.stale", DAY).code("dest:1 age_hours:200");
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
    let refused = key_event("key:key_b role:app", DAY).outcome(Outcome::Denied, Some("forbidden"));
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
