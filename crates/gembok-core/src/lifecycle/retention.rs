//! Retention: the schema's periods enforced against a clock the caller passes, so a
//! scheduler, the CLI and tests all run the same code.
//!
//! A collection's period deletes whole records whose last change is older than it; a
//! field's shorter period removes just that field (and its index entries) and leaves the
//! record's `updated_at` alone, so removing data does not restart the clock. An optional
//! rule erases subjects with no change in any collection for a given time. Records of a
//! subject under a legal hold are skipped and counted. Every purge is audited with
//! counts and record ids, never values; a dry run writes nothing but a summary event.

use std::collections::{BTreeMap, HashMap};

use gembok_store::{Mutation, RecordMeta};
use gembok_types::RecordId;
use serde::Serialize;

use crate::audit::{Actor, AuditEvent};
use crate::schema::{Retention, SubjectRule};
use crate::{CoreError, Vault};

/// Records looked at per store round.
const PAGE: usize = 500;

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
    let bad = |_| CoreError::InvalidInput("the retention clock is out of range".into());
    let ts = jiff::Timestamp::from_millisecond(now).map_err(bad)?;
    let z = ts
        .to_zoned(jiff::tz::TimeZone::UTC)
        .checked_sub(span(r))
        .map_err(bad)?;
    Ok(z.timestamp().as_millisecond())
}

/// The instant `r` after `from` (when a value kept for `r` is due for removal).
pub fn cutoff_forward(from: i64, r: Retention) -> Result<i64, CoreError> {
    let bad = |_| CoreError::InvalidInput("the retention clock is out of range".into());
    let ts = jiff::Timestamp::from_millisecond(from).map_err(bad)?;
    let z = ts
        .to_zoned(jiff::tz::TimeZone::UTC)
        .checked_add(span(r))
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

    /// Walk the records of `collection` last changed before `before`, page by page,
    /// handing the ones whose subject is not held to `act`.
    fn walk_expired(
        &self,
        collection: &str,
        before: i64,
        holds: &mut HoldCache,
        report: &mut RetentionReport,
        mut act: impl FnMut(&[RecordMeta]) -> Result<(), CoreError>,
    ) -> Result<(), CoreError> {
        let mut after = None;
        loop {
            let page = self.store.updated_before(collection, before, after, PAGE)?;
            let Some(last) = page.last() else {
                return Ok(());
            };
            after = Some(last.id);
            let mut free = Vec::with_capacity(page.len());
            for m in &page {
                if holds.held(self, m.subject)? {
                    report.held += 1;
                } else {
                    free.push(m.clone());
                }
            }
            if !free.is_empty() {
                act(&free)?;
            }
            if page.len() < PAGE {
                return Ok(());
            }
        }
    }

    fn purge_records(
        &self,
        actor: &Actor,
        collection: &str,
        before: i64,
        opts: &RetentionOptions,
        holds: &mut HoldCache,
        report: &mut RetentionReport,
    ) -> Result<u64, CoreError> {
        let mut n = 0;
        self.walk_expired(collection, before, holds, report, |metas| {
            n += metas.len() as u64;
            if opts.dry_run {
                return Ok(());
            }
            let muts = metas
                .iter()
                .map(|m| Mutation::Delete {
                    collection: collection.to_owned(),
                    id: m.id,
                })
                .collect();
            let event = AuditEvent::new(actor, "retention.purge", crate::time::now_ms())
                .collection(collection)
                .records(metas.iter().map(|m| m.id))
                .subjects(distinct(metas.iter().map(|m| m.subject)))
                .code(&format!("deleted:{}", metas.len()));
            self.audit.commit(muts, vec![event])
        })?;
        if n > 0 && !opts.dry_run {
            self.store.scrub()?;
        }
        Ok(n)
    }

    #[allow(clippy::too_many_arguments)]
    fn purge_field(
        &self,
        actor: &Actor,
        collection: &str,
        field: &str,
        before: i64,
        opts: &RetentionOptions,
        holds: &mut HoldCache,
        report: &mut RetentionReport,
    ) -> Result<u64, CoreError> {
        let mut n = 0;
        self.walk_expired(collection, before, holds, report, |metas| {
            let ids: Vec<RecordId> = metas.iter().map(|m| m.id).collect();
            let holding: Vec<_> = self
                .store
                .get(collection, &ids, Some(&[field]))?
                .into_iter()
                .filter(|r| r.fields.iter().any(|f| f.name == field))
                .map(|r| r.meta)
                .collect();
            n += holding.len() as u64;
            if opts.dry_run || holding.is_empty() {
                return Ok(());
            }
            let mut muts = Vec::with_capacity(holding.len() * 2);
            for m in &holding {
                muts.push(Mutation::UpdateFields {
                    collection: collection.to_owned(),
                    id: m.id,
                    set: Vec::new(),
                    remove: vec![field.to_owned()],
                    updated_at: m.updated_at,
                });
                muts.push(Mutation::DeleteIndex {
                    collection: collection.to_owned(),
                    field: field.to_owned(),
                    record: m.id,
                });
            }
            let event = AuditEvent::new(actor, "retention.purge_field", crate::time::now_ms())
                .collection(collection)
                .fields([field])
                .records(holding.iter().map(|m| m.id))
                .subjects(distinct(holding.iter().map(|m| m.subject)))
                .code(&format!("removed:{}", holding.len()));
            self.audit.commit(muts, vec![event])
        })?;
        if n > 0 && !opts.dry_run {
            self.store.scrub()?;
        }
        Ok(n)
    }

    /// Subjects whose own record and every record of theirs elsewhere were last changed
    /// before `before`.
    fn purge_inactive(
        &self,
        actor: &Actor,
        before: i64,
        opts: &RetentionOptions,
        holds: &mut HoldCache,
        report: &mut RetentionReport,
    ) -> Result<u64, CoreError> {
        let schema = self.schema();
        let mut candidates = Vec::new();
        for c in schema
            .collections()
            .filter(|c| c.subject == SubjectRule::SelfSubject)
        {
            self.walk_expired(c.name.as_str(), before, holds, report, |metas| {
                candidates.extend(metas.iter().map(|m| m.id));
                Ok(())
            })?;
        }
        let mut n = 0;
        'subjects: for s in candidates {
            for c in schema.collections() {
                if self
                    .store
                    .subject_records(c.name.as_str(), s)?
                    .iter()
                    .any(|m| m.updated_at >= before)
                {
                    continue 'subjects;
                }
            }
            n += 1;
            if !opts.dry_run {
                let inactive = actor.clone().with_purpose(Some("retention"));
                self.erase_subject(&inactive, s)?;
            }
        }
        Ok(n)
    }
}

/// Legal holds looked up once per subject per run.
#[derive(Default)]
struct HoldCache(HashMap<RecordId, bool>);

impl HoldCache {
    fn held(&mut self, vault: &Vault, subject: RecordId) -> Result<bool, CoreError> {
        if let Some(h) = self.0.get(&subject) {
            return Ok(*h);
        }
        let h = vault.subject_state(subject)?.hold.is_some();
        self.0.insert(subject, h);
        Ok(h)
    }
}

fn distinct(ids: impl Iterator<Item = RecordId>) -> Vec<RecordId> {
    let set: std::collections::BTreeSet<RecordId> = ids.collect();
    set.into_iter().collect()
}
