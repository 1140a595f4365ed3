//! The backup job a server runs on a timer: make a backup when the newest good one is
//! older than the period, prune by the retention rule, and raise an audit event when a
//! backup fails or the newest good one is too old, which the monitor turns into an
//! alert (`backup_failed`, `backup_stale`).
//!
//! The destinations themselves are the job's memory: a backup counts as good when it
//! is listed complete and its manifest's signature verifies against the vault's audit
//! key, so a restarted server neither repeats nor skips a backup. Only failures and
//! alert times are kept in memory. Every decision is a pure function of the clock the
//! caller passes in ([`BackupJob::run`] takes `now`), so schedule and retention are
//! tested without waiting. Audit events and logs name a destination by its number in
//! the configuration and errors by their kind: no value, no credential, no path.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use age::x25519;
use gembok_core::{Actor, AuditEvent, AuditLog, Outcome};
use gembok_crypto::{AuditPublicKey, AuditSigner, MasterKey};
use gembok_store::Store;
use time::OffsetDateTime;

use crate::create::{self, Source};
use crate::retention::{self, KeepPolicy};
use crate::{BackupError, Destination};

/// A stale destination is reported again after this long, not on every run.
const STALE_REPEAT_MS: i64 = 24 * 3_600_000;

/// When backups are made and how long they are kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JobConfig {
    /// Make a backup when the newest good one is this old; `None`: the job only prunes
    /// and watches (backups come from elsewhere, e.g. cron).
    pub every: Option<Duration>,
    /// After a failed attempt, wait this long before the next one.
    pub retry_after: Duration,
    /// Raise `backup.stale` when the newest good backup is older than this.
    pub stale_after: Duration,
    pub keep: KeepPolicy,
}

impl Default for JobConfig {
    /// Daily, retry after an hour, stale after 7 days, keep 7/4/6.
    fn default() -> Self {
        JobConfig {
            every: Some(Duration::from_secs(24 * 3600)),
            retry_after: Duration::from_secs(3600),
            stale_after: Duration::from_secs(7 * 24 * 3600),
            keep: KeepPolicy::default(),
        }
    }
}

/// Where the vault's data comes from.
pub enum JobSource {
    Sqlite(PathBuf),
    Store(Arc<dyn Store>),
}

/// What one run did at one destination (numbered from 1, as in the configuration).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DestRun {
    pub dest: usize,
    /// The backup made, if one was due and succeeded.
    pub created: Option<String>,
    /// The error kind ([`BackupError::code`]) of a failed attempt.
    pub failed: Option<&'static str>,
    /// Backups removed by retention.
    pub pruned: usize,
    /// Time of the newest good backup after the run (Unix ms).
    pub newest_ms: Option<i64>,
    /// Whether `backup.stale` was raised by this run.
    pub stale: bool,
}

#[derive(Clone, Copy, Default)]
struct DestState {
    last_failure_ms: Option<i64>,
    last_stale_ms: Option<i64>,
    /// The newest good backup last seen, for runs that leave the destination alone.
    newest_ms: Option<i64>,
}

/// The job: where from, where to, for whom, and its memory of failures.
pub struct BackupJob {
    source: JobSource,
    key_file: PathBuf,
    recipients: Vec<x25519::Recipient>,
    dests: Vec<Destination>,
    config: JobConfig,
    audit: Arc<AuditLog>,
    started_ms: Mutex<Option<i64>>,
    state: Mutex<Vec<DestState>>,
}

/// Whether a backup is due at `now`: the newest good one is at least `every` old (or
/// there is none) and the last failure is at least `retry` old.
pub fn due(
    now_ms: i64,
    newest_ms: Option<i64>,
    last_failure_ms: Option<i64>,
    every: Duration,
    retry: Duration,
) -> bool {
    let older = |t: Option<i64>, d: Duration| t.is_none_or(|t| now_ms - t >= d.as_millis() as i64);
    older(newest_ms, every) && older(last_failure_ms, retry)
}

/// Whether the newest good backup is too old at `now`: older than `stale_after`, or
/// none at all once the job has run for `stale_after`.
pub fn stale(now_ms: i64, newest_ms: Option<i64>, started_ms: i64, stale_after: Duration) -> bool {
    now_ms - newest_ms.unwrap_or(started_ms) > stale_after.as_millis() as i64
}

fn ms(t: OffsetDateTime) -> i64 {
    (t.unix_timestamp_nanos() / 1_000_000) as i64
}

impl BackupJob {
    pub fn new(
        source: JobSource,
        key_file: PathBuf,
        recipients: Vec<x25519::Recipient>,
        dests: Vec<Destination>,
        config: JobConfig,
        audit: Arc<AuditLog>,
    ) -> Result<Self, BackupError> {
        if dests.is_empty() {
            return Err(BackupError::Invalid(
                "the backup job has no destination".into(),
            ));
        }
        if config.every.is_some() && recipients.is_empty() {
            return Err(BackupError::Invalid(
                "no backup recipient: set [backup] recipients".into(),
            ));
        }
        let n = dests.len();
        Ok(BackupJob {
            source,
            key_file,
            recipients,
            dests,
            config,
            audit,
            started_ms: Mutex::new(None),
            state: Mutex::new(vec![DestState::default(); n]),
        })
    }

    /// The destinations, in configuration order.
    pub fn destinations(&self) -> &[Destination] {
        &self.dests
    }

    /// One pass over every destination as of `now`.
    pub fn run(&self, now: OffsetDateTime) -> Vec<DestRun> {
        let now_ms = ms(now);
        let started = *self
            .started_ms
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get_or_insert(now_ms);
        let master = MasterKey::load_file(&self.key_file);
        let vault_key = master
            .as_ref()
            .ok()
            .and_then(|m| AuditSigner::from_master(m).ok())
            .map(|s| s.public_key());
        let mut out = Vec::new();
        for (i, dest) in self.dests.iter().enumerate() {
            let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner())[i];
            let mut run = DestRun {
                dest: i + 1,
                ..DestRun::default()
            };
            // A destination that just failed is left alone until the retry time, so a
            // broken one raises one alert per retry period, not one per run.
            let resting = state
                .last_failure_ms
                .is_some_and(|t| now_ms - t < self.config.retry_after.as_millis() as i64);
            run.newest_ms = state.newest_ms;
            let attempt = (|| -> Result<(), BackupError> {
                if resting {
                    return Ok(());
                }
                let key = vault_key.as_ref().ok_or_else(|| {
                    BackupError::Invalid("the master key file cannot be read".into())
                })?;
                run.newest_ms = newest_good(dest, key)?;
                if let Some(every) = self.config.every {
                    let retry = self.config.retry_after;
                    if due(now_ms, run.newest_ms, state.last_failure_ms, every, retry) {
                        let master = master.as_ref().map_err(|_| {
                            BackupError::Invalid("the master key file cannot be read".into())
                        })?;
                        let source = match &self.source {
                            JobSource::Sqlite(db) => Source::Sqlite(db),
                            JobSource::Store(s) => Source::Store(s.as_ref()),
                        };
                        let made =
                            create::create_from(source, master, &self.recipients, dest, now)?;
                        run.newest_ms = Some(now_ms);
                        run.created = Some(made.name);
                    }
                }
                run.pruned = retention::prune(dest, self.config.keep, false)?.prune.len();
                Ok(())
            })();
            state.newest_ms = run.newest_ms;
            match attempt {
                Ok(()) if resting => {}
                Ok(()) => {
                    state.last_failure_ms = None;
                    if let Some(name) = &run.created {
                        tracing::info!(dest = i + 1, backup = %name, "backup made");
                        self.record(
                            AuditEvent::new(&Actor::system(), "backup.create", now_ms)
                                .code(&format!("dest:{} backup:{name}", i + 1)),
                        );
                    }
                    if run.pruned > 0 {
                        tracing::info!(dest = i + 1, removed = run.pruned, "old backups pruned");
                        self.record(
                            AuditEvent::new(&Actor::system(), "backup.prune", now_ms)
                                .code(&format!("dest:{} removed:{}", i + 1, run.pruned)),
                        );
                    }
                }
                Err(e) => {
                    state.last_failure_ms = Some(now_ms);
                    run.failed = Some(e.code());
                    // The error text names files and kinds, never a stored value.
                    tracing::warn!(dest = i + 1, error = %e, "backup failed");
                    self.record(
                        AuditEvent::new(&Actor::system(), "backup.create", now_ms).outcome(
                            Outcome::Failed,
                            Some(&format!("dest:{} error:{}", i + 1, e.code())),
                        ),
                    );
                }
            }
            let repeat_ok = state
                .last_stale_ms
                .is_none_or(|t| now_ms - t >= STALE_REPEAT_MS);
            if stale(now_ms, run.newest_ms, started, self.config.stale_after) && repeat_ok {
                state.last_stale_ms = Some(now_ms);
                run.stale = true;
                let mut code = format!("dest:{}", i + 1);
                if let Some(t) = run.newest_ms {
                    code.push_str(&format!(" age_hours:{}", (now_ms - t) / 3_600_000));
                }
                tracing::warn!(dest = i + 1, "the newest good backup is too old");
                self.record(AuditEvent::new(&Actor::system(), "backup.stale", now_ms).code(&code));
            }
            self.state.lock().unwrap_or_else(|p| p.into_inner())[i] = state;
            out.push(run);
        }
        out
    }

    fn record(&self, event: AuditEvent) {
        if let Err(e) = self.audit.record(event) {
            tracing::warn!(error = %e, "the backup job's audit event was not recorded");
        }
    }
}

/// Time of the newest backup in `dest` whose manifest is signed by `vault_key`.
pub fn newest_good(
    dest: &Destination,
    vault_key: &AuditPublicKey,
) -> Result<Option<i64>, BackupError> {
    Ok(create::list(dest)?
        .iter()
        .rev()
        .filter_map(|e| e.manifest.as_ref())
        .find(|m| m.verify(Some(vault_key)).is_ok())
        .map(|m| m.manifest.created_at_ms))
}
