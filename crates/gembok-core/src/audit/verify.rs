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
//! trusted key. Last, the store's lookup of events by record (from which a subject's
//! access history is read) is compared with the records the events name, through an
//! order-independent keyed digest of both ([`gembok_crypto::SetDigest`]); when they
//! differ, an exact pass (`locate`) names the lowest event whose entries differ.
//! Long chains are walked in stretches on several threads (see `walk`).

use std::collections::BTreeMap;

use gembok_crypto::{AuditPublicKey, SetDigestKey};
use gembok_store::AuditCheckpoint;

use super::chain::{anchor_valid, checkpoint_valid, GENESIS};
use super::commit::to_hash;
use super::keys::trusted_keys;
use super::locate::locate_index_problem;
use super::walk::{index_digest, walk, Checkpoints, IndexCheck, Stretch, Walked};
use super::AuditLog;
use crate::CoreError;

/// Checkpoints read per store call.
const PAGE: usize = 1024;

/// At most this many threads walk the chain.
const MAX_WALKERS: u64 = 4;

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

pub(super) fn problem(seq: Option<u64>, message: String) -> Option<Problem> {
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
        let (mut expected, prev) = match &anchor {
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
        let mut checkpoints = Checkpoints::new();
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
        let head = store.audit_head()?.map_or(0, |(seq, _)| seq);
        let plan = stretches(store, expected, prev, head, self.config.verify_stretch)?;
        // The lookup by record is read from one snapshot, alongside the walks; its mark
        // says which events' refs it must hold.
        let key = SetDigestKey::generate()?;
        let snapshot = store.snapshot()?;
        let index = IndexCheck {
            key: &key,
            through: snapshot.audit_index_through()?,
        };
        let (results, indexed) = std::thread::scope(|scope| {
            let (checkpoints, index, snapshot) = (&checkpoints, &index, &snapshot);
            let indexed = scope.spawn(move || index_digest(snapshot.as_ref(), index.key));
            let walks: Vec<_> = plan
                .into_iter()
                .map(|stretch| scope.spawn(move || walk(store, checkpoints, &stretch, index)))
                .collect();
            let results: Vec<Result<Walked, CoreError>> = walks.into_iter().map(joined).collect();
            (results, joined(indexed))
        });
        drop(snapshot);
        let mut refs = key.digest();
        for w in results {
            let w = w?;
            report.events += w.events;
            expected = w.next;
            if w.problem.is_some() {
                report.problem = w.problem;
                return Ok(report);
            }
            refs.absorb(&w.refs);
        }
        report.last_seq = expected - 1;
        // Every checkpoint up to the last event was compared with it on the way.
        if let Some((&seq, cps)) = checkpoints.range(expected..).next() {
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
            return Ok(report);
        }
        if !indexed?.same_set(&refs) {
            report.problem = locate_index_problem(store)?.or_else(|| {
                problem(
                    None,
                    "the lookup of events by record (`audit_refs`) does not match the records \
                     the events name: a subject's access history could leave out or invent \
                     accesses"
                        .into(),
                )
            });
        }
        Ok(report)
    }
}

/// A scoped thread's result; its panic goes on in the caller.
fn joined<T>(handle: std::thread::ScopedJoinHandle<'_, T>) -> T {
    handle
        .join()
        .unwrap_or_else(|p| std::panic::resume_unwind(p))
}

/// The stretches to walk from `from` (whose predecessor hashed to `prev`) when the
/// chain's head is at `head`. One per `stretch` events, at most one per core (but two
/// even on one core, so that the split is always exercised) and [`MAX_WALKERS`].
/// Each stretch after the first starts from the hash stored in the event before it,
/// which the stretch before checks; when that event cannot be read, the stretch
/// before reports it and the stretch's own start is moot.
fn stretches(
    store: &dyn gembok_store::Store,
    from: u64,
    prev: [u8; 32],
    head: u64,
    stretch: u64,
) -> Result<Vec<Stretch>, CoreError> {
    let total = (head + 1).saturating_sub(from);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get() as u64);
    let walkers = (total / stretch.max(1)).clamp(1, cores.clamp(2, MAX_WALKERS));
    let size = total / walkers;
    let mut out = vec![Stretch {
        from,
        through: None,
        prev,
    }];
    for i in 1..walkers {
        let first = from + i * size;
        let before = store.audit_events(first - 2, 1)?;
        let hash = before
            .first()
            .and_then(|row| <[u8; 32]>::try_from(row.hash.as_slice()).ok())
            .unwrap_or(GENESIS);
        out[(i - 1) as usize].through = Some(first - 1);
        out.push(Stretch {
            from: first,
            through: None,
            prev: hash,
        });
    }
    Ok(out)
}
