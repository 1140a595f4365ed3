//! Verification of the whole chain: every link, every checkpoint signature, and every
//! checkpoint against the event it names.
//!
//! Each event's indexed columns (time, principal, action) and its lookup refs (the
//! records and subjects its access history is filed under) are checked against its
//! hashed body. It stops at the first problem and names its position. Deleting,
//! altering, moving or inserting an event breaks a link (the hash binds the previous
//! hash, the position and the body); cutting events off the end is caught by any
//! checkpoint, stored or external, that names a position past the new end; a
//! checkpoint changed in the database no longer carries a valid signature from a
//! trusted key.

use std::collections::BTreeMap;

use gembok_crypto::AuditPublicKey;
use gembok_store::AuditCheckpoint;

use super::chain::{anchor_valid, checkpoint_valid, link, GENESIS};
use super::commit::to_hash;
use super::keys::trusted_keys;
use super::{AuditEvent, AuditLog};
use crate::CoreError;

/// Events read per store call. Kept small: a page's rows are freed together, and
/// pages of thousands made the allocator spend a tenth of the walk consolidating.
const PAGE: usize = 1024;

/// The first thing found wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The event position concerned, when there is one.
    pub seq: Option<u64>,
    pub message: String,
}

/// What verification checked and found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VerifyReport {
    pub events: u64,
    pub checkpoints: u64,
    pub external_checkpoints: u64,
    /// First and last position checked (0 when the log is empty).
    pub first_seq: u64,
    pub last_seq: u64,
    pub problem: Option<Problem>,
}

impl VerifyReport {
    pub fn ok(&self) -> bool {
        self.problem.is_none()
    }
}

fn problem(seq: Option<u64>, message: String) -> Option<Problem> {
    Some(Problem { seq, message })
}

fn signed_by_trusted(
    trusted: &BTreeMap<String, AuditPublicKey>,
    vault_id: &str,
    cp: &AuditCheckpoint,
) -> bool {
    trusted
        .get(&cp.key_id)
        .is_some_and(|k| checkpoint_valid(k, vault_id, cp))
}

impl AuditLog {
    /// Check the chain in the store, its checkpoints, and `external` checkpoints (from
    /// a sink file). `Err` only when the store cannot be read.
    pub fn verify(&self, external: &[AuditCheckpoint]) -> Result<VerifyReport, CoreError> {
        let store = self.store.as_ref();
        let trusted = trusted_keys(store, &self.vault_id, self.signer().public_key())?;
        let mut report = VerifyReport::default();
        let anchor = super::retention::load_anchor(store)?;
        let (mut expected, mut prev) = match &anchor {
            Some(a) => {
                let valid = trusted
                    .get(&a.key_id)
                    .is_some_and(|k| anchor_valid(k, &self.vault_id, a));
                if !valid {
                    report.problem = problem(
                        Some(a.seq),
                        format!(
                            "the retention anchor at event {} is not validly signed",
                            a.seq
                        ),
                    );
                    return Ok(report);
                }
                (a.seq + 1, to_hash(&a.hash)?)
            }
            None => (1, GENESIS),
        };
        let mut checkpoints: BTreeMap<u64, Vec<(bool, Vec<u8>)>> = BTreeMap::new();
        let mut after = 0;
        loop {
            let page = store.audit_checkpoints(after, PAGE)?;
            let Some(last) = page.last() else { break };
            after = last.seq;
            for cp in page {
                if !signed_by_trusted(&trusted, &self.vault_id, &cp) {
                    report.problem = problem(
                        Some(cp.seq),
                        format!(
                            "the checkpoint at event {} is not signed by a trusted audit key",
                            cp.seq
                        ),
                    );
                    return Ok(report);
                }
                report.checkpoints += 1;
                if cp.seq >= expected {
                    checkpoints
                        .entry(cp.seq)
                        .or_default()
                        .push((false, cp.hash));
                }
            }
        }
        for cp in external {
            if !signed_by_trusted(&trusted, &self.vault_id, cp) {
                report.problem = problem(
                    Some(cp.seq),
                    format!(
                        "the external checkpoint at event {} is not signed by a trusted audit key",
                        cp.seq
                    ),
                );
                return Ok(report);
            }
            report.external_checkpoints += 1;
            if cp.seq >= expected {
                checkpoints
                    .entry(cp.seq)
                    .or_default()
                    .push((true, cp.hash.clone()));
            }
        }
        report.first_seq = expected;
        let mut after = expected - 1;
        let mut prefix = Vec::with_capacity(128);
        loop {
            let rows = match store.audit_events(after, PAGE) {
                Ok(rows) => rows,
                Err(gembok_store::StoreError::Integrity(what)) => {
                    report.problem = problem(
                        Some(expected),
                        format!("the events from {expected} on cannot be read as stored: {what}"),
                    );
                    return Ok(report);
                }
                Err(e) => return Err(e.into()),
            };
            if rows.is_empty() {
                break;
            }
            for row in &rows {
                if row.seq != expected {
                    report.problem = problem(
                        Some(expected),
                        format!(
                            "event {expected} is missing or out of place (found event {} there)",
                            row.seq
                        ),
                    );
                    return Ok(report);
                }
                let hash = link(&prev, row.seq, &row.body);
                if row.hash.as_slice() != hash {
                    report.problem = problem(
                        Some(row.seq),
                        format!("event {} was altered, removed or reordered: its hash does not follow from the chain", row.seq),
                    );
                    return Ok(report);
                }
                AuditEvent::columns_prefix(&mut prefix, row.time, &row.principal, &row.action);
                if !row.body.starts_with(&prefix) {
                    report.problem = problem(
                        Some(row.seq),
                        format!(
                            "event {}: its indexed columns differ from the event itself",
                            row.seq
                        ),
                    );
                    return Ok(report);
                }
                // The refs column is not hashed, the body it is derived from is; the
                // subject's access history is read through the refs.
                let refs_problem = match AuditEvent::refs_of(&row.body) {
                    Ok(refs) if refs == row.refs => None,
                    Ok(_) => Some("the records it is filed under differ from the event itself"),
                    Err(_) => Some("it cannot be read as an event"),
                };
                if let Some(what) = refs_problem {
                    report.problem = problem(Some(row.seq), format!("event {}: {what}", row.seq));
                    return Ok(report);
                }
                if let Some(cps) = checkpoints.remove(&row.seq) {
                    if let Some((external, _)) = cps.iter().find(|(_, h)| h.as_slice() != hash) {
                        let whose = if *external {
                            "an external"
                        } else {
                            "the stored"
                        };
                        report.problem = problem(
                            Some(row.seq),
                            format!(
                                "event {}: {whose} checkpoint names another head hash",
                                row.seq
                            ),
                        );
                        return Ok(report);
                    }
                }
                prev = hash;
                expected += 1;
                report.events += 1;
            }
            after = expected - 1;
        }
        report.last_seq = expected - 1;
        if let Some((&seq, cps)) = checkpoints.iter().next() {
            let whose = if cps.iter().any(|(e, _)| *e) {
                "an external"
            } else {
                "a stored"
            };
            report.problem = problem(
                Some(seq),
                format!(
                    "{whose} checkpoint names event {seq}, but the chain ends at event {}: events were removed",
                    report.last_seq
                ),
            );
        }
        Ok(report)
    }
}
