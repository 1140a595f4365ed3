//! The purges retention runs: whole records past their collection's period, single
//! fields past theirs, and inactive subjects. Each walks the expired records page by
//! page, leaves those of subjects under a legal hold, and commits each page's purge with
//! its audit event.

use std::collections::HashMap;

use gembok_store::{Mutation, RecordMeta};
use gembok_types::RecordId;

use super::{RetentionOptions, RetentionReport};
use crate::audit::{Actor, AuditEvent};
use crate::schema::SubjectRule;
use crate::{CoreError, Vault};

/// Records looked at per store round.
const PAGE: usize = 500;

impl Vault {
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

    pub(super) fn purge_records(
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
    pub(super) fn purge_field(
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
    pub(super) fn purge_inactive(
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
pub(super) struct HoldCache(HashMap<RecordId, bool>);

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
