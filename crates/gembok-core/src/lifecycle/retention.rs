//! Retention: the schema's periods enforced against a clock the caller passes, so a
//! scheduler, the CLI and tests all run the same code.
//!
//! A collection's period deletes whole records whose last change is older than it; a
//! field's shorter period removes just that field (and its index entries) and leaves the
//! record's `updated_at` alone, so removing data does not restart the clock. An optional
//! rule erases subjects with no change in any collection for a given time. Records of a
//! subject under a legal hold are skipped and counted. Every purge is audited with
//! counts and record ids, never values; a dry run writes nothing but a summary event.
//!
//! This file owns the options, the report, the clock and the run; the purges it runs
//! are in `purge`.

mod purge;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::audit::{Actor, AuditEvent};
use crate::schema::Retention;
use crate::{CoreError, Vault};
use purge::HoldCache;

/// How to run retention.
#[derive(Clone, Copy, Debug)]
pub struct RetentionOptions {
    /// The time to judge against (unix ms): the wall clock, or a test's.
    pub now: i64,
    /// Count only; change nothing.
    pub dry_run: bool,
    /// Erase subjects with no change in any collection for this long.
    pub inactive_after: Option<Retention>,
}

/// What a run deleted (or would delete), as counts.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RetentionReport {
    pub dry_run: bool,
    /// Records deleted per collection.
    pub records: BTreeMap<String, u64>,
    /// Values removed per `collection.field`.
    pub fields: BTreeMap<String, u64>,
    /// Subjects erased for inactivity.
    pub inactive_subjects: u64,
    /// Records kept because their subject is under a legal hold.
    pub held: u64,
}

impl RetentionReport {
    /// Records deleted in all.
    pub fn total_records(&self) -> u64 {
        self.records.values().sum()
    }
}

/// The instant `r` before `now` (calendar months and years, in UTC).
pub fn cutoff(now: i64, r: Retention) -> Result<i64, CoreError> {
    shifted(now, span(r).negate())
}

/// The instant `r` after `from` (when a value kept for `r` is due for removal).
pub fn cutoff_forward(from: i64, r: Retention) -> Result<i64, CoreError> {
    shifted(from, span(r))
}

/// `at` moved by `by` on the UTC calendar.
fn shifted(at: i64, by: jiff::Span) -> Result<i64, CoreError> {
    let bad = |_| CoreError::InvalidInput("the retention clock is out of range".into());
    let ts = jiff::Timestamp::from_millisecond(at).map_err(bad)?;
    let z = ts
        .to_zoned(jiff::tz::TimeZone::UTC)
        .checked_add(by)
        .map_err(bad)?;
    Ok(z.timestamp().as_millisecond())
}

fn span(r: Retention) -> jiff::Span {
    match r {
        Retention::Days(n) => jiff::Span::new().days(i64::from(n)),
        Retention::Months(n) => jiff::Span::new().months(i64::from(n)),
        Retention::Years(n) => jiff::Span::new().years(i64::from(n)),
    }
}

impl Vault {
    /// Enforce every retention period of the schema as of `opts.now`.
    pub fn run_retention(
        &self,
        actor: &Actor,
        opts: RetentionOptions,
    ) -> Result<RetentionReport, CoreError> {
        let mut report = RetentionReport {
            dry_run: opts.dry_run,
            ..Default::default()
        };
        let mut holds = HoldCache::default();
        let schema = self.schema();
        for c in schema.collections() {
            if let Some(r) = c.retention {
                let n = self.purge_records(
                    actor,
                    c.name.as_str(),
                    cutoff(opts.now, r)?,
                    &opts,
                    &mut holds,
                    &mut report,
                )?;
                report.records.insert(c.name.to_string(), n);
            }
            for f in c.fields.values() {
                let Some(r) = f.retention else { continue };
                if c.retention
                    .is_some_and(|cr| cr.approx_days() <= r.approx_days())
                {
                    continue;
                }
                let n = self.purge_field(
                    actor,
                    c.name.as_str(),
                    f.name.as_str(),
                    cutoff(opts.now, r)?,
                    &opts,
                    &mut holds,
                    &mut report,
                )?;
                report.fields.insert(format!("{}.{}", c.name, f.name), n);
            }
        }
        if let Some(r) = opts.inactive_after {
            report.inactive_subjects =
                self.purge_inactive(actor, cutoff(opts.now, r)?, &opts, &mut holds, &mut report)?;
        }
        let summary = format!(
            "dry_run:{} records:{} fields:{} inactive:{} held:{}",
            opts.dry_run,
            report.total_records(),
            report.fields.values().sum::<u64>(),
            report.inactive_subjects,
            report.held
        );
        self.audit.record(
            AuditEvent::new(actor, "retention.run", crate::time::now_ms()).code(&summary),
        )?;
        Ok(report)
    }
}
