//! One walk over a stretch of the chain, for [`AuditLog::verify`](super::AuditLog::verify).
//!
//! Every event stores its own hash, so a stretch can be checked on its own: starting
//! from the hash stored in the event just before it, each event must sit at the next
//! position, its hash must follow from the previous one, its indexed columns and refs
//! must match its body, and any checkpoint naming it must name its hash. Verification
//! splits a long chain into consecutive stretches walked on several threads. The
//! stored hash a stretch starts from is itself checked by the walk of the stretch
//! before, so the stretches together check exactly what one walk from the start would,
//! and the first problem of the lowest stretch is the first problem of the chain.
//! Each walk also gathers the digest of its events' refs that the store's lookup of
//! events by record must hold, which `verify` compares with a digest of that lookup.

use std::collections::BTreeMap;

use gembok_crypto::{SetDigest, SetDigestKey};
use gembok_store::{AuditRow, Store, StoreError};
use gembok_types::RecordId;

use super::chain::link;
use super::verify::{problem, Problem};
use super::AuditEvent;
use crate::CoreError;

/// Events read per store call. Kept small: a page's rows are freed together, and
/// pages of thousands made the allocator spend a tenth of the walk consolidating.
const PAGE: usize = 1024;

/// Checkpoints by the position they name: (whether external, head hash named).
pub(super) type Checkpoints = BTreeMap<u64, Vec<(bool, Vec<u8>)>>;

/// A stretch of the chain to walk.
#[derive(Debug)]
pub(super) struct Stretch {
    /// Its first position.
    pub from: u64,
    /// Its last position; `None`: to the end of the chain.
    pub through: Option<u64>,
    /// The hash of the event before it (stored there, or the anchor's or genesis).
    pub prev: [u8; 32],
}

/// What one walk found: the events it checked, and its first problem.
#[derive(Debug)]
pub(super) struct Walked {
    pub events: u64,
    /// The next position the walk expected (one past the last event checked).
    pub next: u64,
    pub problem: Option<Problem>,
    /// The refs of the events it checked up to the lookup's mark, as `(record, seq)`
    /// entries of the lookup by record (see [`index_digest`]).
    pub refs: SetDigest,
}

/// What the events' refs are compared with: the lookup of events by record holds
/// each event's refs once it is marked as merged through that event.
pub(super) struct IndexCheck<'a> {
    pub key: &'a SetDigestKey,
    pub through: u64,
}

/// One lookup entry as the digests see it: the record's 16 bytes, then `seq`.
fn entry(record: &RecordId, seq: u64) -> [u8; 24] {
    let mut out = [0; 24];
    out[..16].copy_from_slice(record.as_bytes());
    out[16..].copy_from_slice(&seq.to_be_bytes());
    out
}

/// The digest of every entry of the lookup of events by record in `store` (a
/// snapshot, so that the entries and the mark are one moment's).
pub(super) fn index_digest(store: &dyn Store, key: &SetDigestKey) -> Result<SetDigest, CoreError> {
    let mut digest = key.digest();
    each_index_entry(store, |record, seq| digest.add(&entry(record, seq)))?;
    Ok(digest)
}

/// Hand every entry of the lookup of events by record in `store` to `each`, in key
/// order (record, then seq).
pub(super) fn each_index_entry(
    store: &dyn Store,
    mut each: impl FnMut(&RecordId, u64),
) -> Result<(), CoreError> {
    let mut after = None;
    loop {
        let page = store.audit_index(after, PAGE)?;
        let Some(last) = page.last() else { break };
        after = Some(*last);
        for (record, seq) in &page {
            each(record, *seq);
        }
    }
    Ok(())
}

/// Walk `stretch`. `Err` only when the store cannot be read.
pub(super) fn walk(
    store: &dyn Store,
    checkpoints: &Checkpoints,
    stretch: &Stretch,
    index: &IndexCheck<'_>,
) -> Result<Walked, CoreError> {
    let (through, mut prev) = (stretch.through, stretch.prev);
    let mut out = Walked {
        events: 0,
        next: stretch.from,
        problem: None,
        refs: index.key.digest(),
    };
    let mut prefix = Vec::with_capacity(128);
    while through.is_none_or(|t| out.next <= t) {
        let expected = out.next;
        let rows = match store.audit_events(expected - 1, PAGE) {
            Ok(rows) => rows,
            Err(StoreError::Integrity(what)) => {
                out.problem = problem(
                    Some(expected),
                    format!("the events from {expected} on cannot be read as stored: {what}"),
                );
                return Ok(out);
            }
            Err(e) => return Err(e.into()),
        };
        if rows.is_empty() {
            break;
        }
        for row in &rows {
            if through.is_some_and(|t| out.next > t) {
                break;
            }
            match check(row, out.next, &prev, checkpoints, &mut prefix) {
                Ok(hash) => prev = hash,
                Err(p) => {
                    out.problem = Some(p);
                    return Ok(out);
                }
            }
            if row.seq <= index.through {
                for record in &row.refs {
                    out.refs.add(&entry(record, row.seq));
                }
            }
            out.next += 1;
            out.events += 1;
        }
    }
    // A bounded walk that ran out of events before its end: the next stretch starts
    // after a gap (the last events were cut off while this ran, or removed).
    if let Some(t) = through.filter(|t| out.next <= *t) {
        out.problem = problem(
            Some(out.next),
            format!(
                "event {} is missing (the chain was expected to reach {t})",
                out.next
            ),
        );
    }
    Ok(out)
}

/// Check one stored event at position `expected` after `prev`; its hash if sound.
fn check(
    row: &AuditRow,
    expected: u64,
    prev: &[u8; 32],
    checkpoints: &Checkpoints,
    prefix: &mut Vec<u8>,
) -> Result<[u8; 32], Problem> {
    let fail = |seq: u64, message: String| Problem {
        seq: Some(seq),
        message,
    };
    if row.seq != expected {
        return Err(fail(
            expected,
            format!(
                "event {expected} is missing or out of place (found event {} there)",
                row.seq
            ),
        ));
    }
    let hash = link(prev, row.seq, &row.body);
    if row.hash.as_slice() != hash {
        return Err(fail(
            row.seq,
            format!(
                "event {} was altered, removed or reordered: its hash does not follow from the chain",
                row.seq
            ),
        ));
    }
    AuditEvent::columns_prefix(prefix, row.time, &row.principal, &row.action);
    if !row.body.starts_with(prefix) {
        return Err(fail(
            row.seq,
            format!(
                "event {}: its indexed columns differ from the event itself",
                row.seq
            ),
        ));
    }
    // The refs column is not hashed, the body it is derived from is; the subject's
    // access history is read through the refs.
    let refs_problem = match AuditEvent::refs_of(&row.body) {
        Ok(refs) if refs == row.refs => None,
        Ok(_) => Some("the records it is filed under differ from the event itself"),
        Err(_) => Some("it cannot be read as an event"),
    };
    if let Some(what) = refs_problem {
        return Err(fail(row.seq, format!("event {}: {what}", row.seq)));
    }
    if let Some(cps) = checkpoints.get(&row.seq) {
        if let Some((external, _)) = cps.iter().find(|(_, h)| h.as_slice() != hash) {
            let whose = if *external {
                "an external"
            } else {
                "the stored"
            };
            return Err(fail(
                row.seq,
                format!(
                    "event {}: {whose} checkpoint names another head hash",
                    row.seq
                ),
            ));
        }
    }
    Ok(hash)
}
