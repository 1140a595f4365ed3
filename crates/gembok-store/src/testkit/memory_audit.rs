//! The audit half of [`MemoryStore`](super::MemoryStore): events by `seq`, a
//! `(record, seq)` set that plays the part of the SQL backends' `audit_refs` index,
//! and checkpoints by `seq`. It lives in the same copied state as the records, so an
//! event commits or rolls back with the rest of its `apply`.

use crate::{AuditCheckpoint, AuditQuery, AuditRow, StoreError};
use gembok_types::RecordId;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Clone, Default)]
pub(super) struct AuditState {
    events: BTreeMap<u64, AuditRow>,
    refs: BTreeSet<(RecordId, u64)>,
    checkpoints: BTreeMap<u64, AuditCheckpoint>,
}

fn matches(query: &AuditQuery, row: &AuditRow) -> bool {
    query.principal.as_ref().is_none_or(|p| *p == row.principal)
        && query.action.as_ref().is_none_or(|a| *a == row.action)
        && query.record.is_none_or(|r| row.refs.contains(&r))
        && query.since.is_none_or(|t| row.time >= t)
        && query.until.is_none_or(|t| row.time < t)
}

impl AuditState {
    pub(super) fn append(&mut self, row: &AuditRow) -> Result<(), StoreError> {
        if self.events.contains_key(&row.seq) {
            return Err(StoreError::Conflict("an audit event with this seq exists"));
        }
        self.refs.extend(row.refs.iter().map(|r| (*r, row.seq)));
        self.events.insert(row.seq, row.clone());
        Ok(())
    }

    pub(super) fn put_checkpoint(&mut self, checkpoint: &AuditCheckpoint) {
        self.checkpoints.insert(checkpoint.seq, checkpoint.clone());
    }

    pub(super) fn prune(&mut self, through: u64) {
        let pruned: Vec<u64> = self.events.range(..=through).map(|(seq, _)| *seq).collect();
        for seq in pruned {
            if let Some(row) = self.events.remove(&seq) {
                for r in &row.refs {
                    self.refs.remove(&(*r, seq));
                }
            }
        }
        self.checkpoints.retain(|seq, _| *seq > through);
    }

    pub(super) fn head(&self) -> Option<(u64, Vec<u8>)> {
        self.events
            .last_key_value()
            .map(|(seq, row)| (*seq, row.hash.clone()))
    }

    pub(super) fn events(&self, after: u64, limit: usize) -> Vec<AuditRow> {
        self.events
            .range(after.saturating_add(1)..)
            .filter(|(seq, _)| **seq > after)
            .take(limit)
            .map(|(_, row)| row.clone())
            .collect()
    }

    pub(super) fn query(
        &self,
        query: &AuditQuery,
        before: Option<u64>,
        limit: usize,
    ) -> Vec<AuditRow> {
        let before = before.unwrap_or(u64::MAX);
        let candidates: Box<dyn Iterator<Item = &AuditRow>> = match query.record {
            // Walk the refs set like an index would, newest first.
            Some(record) => Box::new(
                self.refs
                    .range((record, 0)..(record, before))
                    .rev()
                    .filter_map(|(_, seq)| self.events.get(seq)),
            ),
            None => Box::new(self.events.range(..before).rev().map(|(_, row)| row)),
        };
        candidates
            .filter(|row| row.seq < before && matches(query, row))
            .take(limit)
            .cloned()
            .collect()
    }

    pub(super) fn checkpoints(&self, after: u64, limit: usize) -> Vec<AuditCheckpoint> {
        self.checkpoints
            .range(after.saturating_add(1)..)
            .filter(|(seq, _)| **seq > after)
            .take(limit)
            .map(|(_, c)| c.clone())
            .collect()
    }

    pub(super) fn seq_before(&self, before: i64) -> Option<u64> {
        self.events
            .values()
            .filter(|row| row.time < before)
            .map(|row| row.seq)
            .max()
    }
}
