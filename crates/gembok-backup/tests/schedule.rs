//! The server's backup job on a clock the test controls: backups when due and not
//! before, retention over a month of daily runs, and the alerts the monitor raises from
//! the job's audit events when a destination fails or the newest backup is too old.

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use gembok_backup::schedule::{due, stale, BackupJob, JobConfig, JobSource};
use gembok_backup::Destination;
use gembok_core::{Alert, AlertSink, AuditEvent, Monitor, MonitorConfig};
use time::macros::datetime;
use time::OffsetDateTime;

use support::{fixture, Fixture};

const HOUR: Duration = Duration::from_secs(3600);
const T0: OffsetDateTime = datetime!(2026-03-02 02:00 UTC);

#[derive(Default)]
struct Alerts(Mutex<Vec<Alert>>);

impl AlertSink for Alerts {
    fn alert(&self, alert: &Alert) {
        self.0.lock().unwrap().push(alert.clone());
    }
}

impl Alerts {
    fn rules(&self) -> Vec<String> {
        std::mem::take(&mut *self.0.lock().unwrap())
            .into_iter()
            .map(|a| a.rule)
            .collect()
    }
}

/// The monitor of the fixture's vault, with a sink that keeps every alert.
fn watched(f: &Fixture) -> Arc<Alerts> {
    let monitor =
        Arc::new(Monitor::new(Arc::clone(f.vault.store()), MonitorConfig::default()).unwrap());
    f.vault.audit().add_observer(monitor.clone());
    let alerts = Arc::new(Alerts::default());
    monitor.add_sink(alerts.clone());
    alerts
}

fn job(f: &Fixture, dests: Vec<Destination>, config: JobConfig) -> BackupJob {
    BackupJob::new(
        JobSource::Sqlite(f.db.clone()),
        f.key_file.clone(),
        vec![f.recipient.clone()],
        dests,
        config,
        Arc::clone(f.vault.audit()),
    )
    .unwrap()
}

/// Every audit event of the fixture's vault, oldest first.
fn events(f: &Fixture) -> Vec<AuditEvent> {
    f.vault
        .store()
        .audit_events(0, 100_000)
        .unwrap()
        .iter()
        .map(|r| AuditEvent::decode(&r.body).unwrap())
        .collect()
}

#[test]
fn due_and_stale_follow_the_clock() {
    let day = 24 * HOUR;
    let h = 3_600_000i64;
    assert!(due(0, None, None, day, HOUR));
    assert!(!due(23 * h, Some(0), None, day, HOUR));
    assert!(due(24 * h, Some(0), None, day, HOUR));
    assert!(
        !due(24 * h + 1, Some(0), Some(24 * h), day, HOUR),
        "backing off"
    );
    assert!(due(25 * h, Some(0), Some(24 * h), day, HOUR));
    let week = 7 * day;
    assert!(!stale(7 * 24 * h, Some(0), 0, week));
    assert!(stale(7 * 24 * h + 1, Some(0), 0, week));
    assert!(
        !stale(24 * h, None, 0, week),
        "no backup yet, job just started"
    );
    assert!(stale(8 * 24 * h, None, 0, week));
}

#[test]
fn daily_runs_make_one_backup_a_day_and_keep_seven_four_six() {
    let f = fixture(3);
    let alerts = watched(&f);
    let dir = f.dir.path().join("backups");
    let j = job(
        &f,
        vec![Destination::Local(dir.clone())],
        JobConfig::default(),
    );
    let first = j.run(T0);
    assert!(
        first[0].created.is_some() && first[0].failed.is_none(),
        "{first:?}"
    );
    // Checks every few hours make no second backup the same day.
    for h in [1, 6, 23] {
        let r = j.run(T0 + HOUR * h);
        assert_eq!(r[0].created, None, "after {h} h");
    }
    let dest = Destination::Local(dir);
    assert_eq!(dest.list().unwrap().len(), 1);
    // Sixty days of runs every six hours: one backup a day, pruned as it goes.
    for step in 4..=60 * 4 {
        let r = j.run(T0 + HOUR * (6 * step));
        assert!(r[0].failed.is_none() && !r[0].stale, "{r:?}");
    }
    let left = dest.list().unwrap();
    let expected = gembok_backup::retention::plan(&left, Default::default());
    assert!(expected.prune.is_empty(), "retention already applied");
    // 7 daily + up to 2 more weekly + 2 more monthly (60 days span three months).
    assert!(
        (9..=12).contains(&left.len()),
        "{} backups left: {left:?}",
        left.len()
    );
    assert!(alerts.rules().is_empty(), "a healthy job raises no alert");
    let events = events(&f);
    let created = events
        .iter()
        .filter(|e| e.action == "backup.create")
        .count();
    assert_eq!(created, 61, "one backup a day for 61 days");
    assert!(events.iter().any(|e| e.action == "backup.prune"));
}

#[test]
fn a_failing_destination_raises_an_alert_and_retries_later() {
    let f = fixture(2);
    let alerts = watched(&f);
    // A regular file where a folder should be: every write fails.
    let blocked = f.dir.path().join("not-a-folder");
    std::fs::write(&blocked, b"x").unwrap();
    let good = f.dir.path().join("backups");
    let j = job(
        &f,
        vec![Destination::Local(good), Destination::Local(blocked)],
        JobConfig::default(),
    );
    let r = j.run(T0);
    assert!(r[0].created.is_some() && r[0].failed.is_none(), "{r:?}");
    assert_eq!(r[1].failed, Some("io"), "{r:?}");
    assert_eq!(alerts.rules(), ["backup_failed"]);
    // Within the retry period nothing is attempted, so no repeated alert.
    assert_eq!(j.run(T0 + HOUR / 2)[1].failed, None);
    assert!(alerts.rules().is_empty());
    assert_eq!(j.run(T0 + HOUR)[1].failed, Some("io"));
    assert_eq!(alerts.rules(), ["backup_failed"]);
}

#[test]
fn a_stale_newest_backup_raises_an_alert_once_a_day() {
    let f = fixture(2);
    let alerts = watched(&f);
    let dir = f.dir.path().join("backups");
    let dest = Destination::Local(dir.clone());
    let master = gembok_crypto::MasterKey::load_file(&f.key_file).unwrap();
    gembok_backup::create(
        &f.db,
        &master,
        std::slice::from_ref(&f.recipient),
        &dest,
        T0,
    )
    .unwrap();
    // Backups come from elsewhere (cron); the server only watches.
    let watch = JobConfig {
        every: None,
        ..JobConfig::default()
    };
    let j = job(&f, vec![Destination::Local(dir)], watch);
    let day = 24 * HOUR;
    assert!(!j.run(T0 + 6 * day)[0].stale);
    assert!(alerts.rules().is_empty());
    let r = j.run(T0 + 8 * day);
    assert!(r[0].stale, "{r:?}");
    assert_eq!(alerts.rules(), ["backup_stale"]);
    assert!(
        !j.run(T0 + 8 * day + HOUR)[0].stale,
        "not repeated within a day"
    );
    assert!(j.run(T0 + 9 * day + HOUR)[0].stale);
    let stale_event = events(&f)
        .into_iter()
        .find(|e| e.action == "backup.stale")
        .unwrap();
    assert_eq!(stale_event.code.as_deref(), Some("dest:1 age_hours:192"));
    // A manifest not signed by this vault does not count as a good backup.
    let other = support::fixture(1);
    let other_master = gembok_crypto::MasterKey::load_file(&other.key_file).unwrap();
    let fresh = T0 + 9 * day + 2 * HOUR;
    gembok_backup::create(
        &other.db,
        &other_master,
        std::slice::from_ref(&other.recipient),
        &dest,
        fresh,
    )
    .unwrap();
    assert!(j.run(T0 + 10 * day + 2 * HOUR)[0].stale);
}
