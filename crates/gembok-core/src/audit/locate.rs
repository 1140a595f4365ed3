//! Naming the event behind a mismatch of the lookup of events by record.
//!
//! `verify` compares the store's lookup (record, seq) with the events' own refs through
//! digests, which tell that the two differ but not where. Only then is this exact pass
//! run, on a snapshot of its own: it lists the entries the events call for, sorts them,
//! reads the lookup in its key order alongside, and names the lowest event position
//! whose entries differ. It holds one entry per ref in memory, so above
//! [`MAX_ENTRIES`] it gives up and the mismatch stays unlocated.

use gembok_store::Store;

use super::verify::Problem;
use super::walk::each_index_entry;
use crate::CoreError;

/// Entries held at most (24 bytes each, about 1.2 GiB at this bound).
const MAX_ENTRIES: usize = 50_000_000;

/// Store calls read this many rows at a time.
const PAGE: usize = 4096;

/// The lowest event whose lookup entries differ from its refs, if it can be found.
pub(super) fn locate_index_problem(store: &dyn Store) -> Result<Option<Problem>, CoreError> {
    let snapshot = store.snapshot()?;
    let through = snapshot.audit_index_through()?;
    let mut wanted: Vec<([u8; 16], u64)> = Vec::new();
    let mut after = 0;
    'events: loop {
        let rows = snapshot.audit_events(after, PAGE)?;
        let Some(last) = rows.last() else { break };
        after = last.seq;
        for row in &rows {
            if row.seq > through {
                break 'events;
            }
            wanted.extend(row.refs.iter().map(|r| (*r.as_bytes(), row.seq)));
        }
        if wanted.len() > MAX_ENTRIES {
            return Ok(None);
        }
    }
    wanted.sort_unstable();
    let mut lowest: Option<(u64, bool)> = None;
    let mut note = |seq: u64, missing: bool| {
        if lowest.is_none_or(|(s, _)| seq < s) {
            lowest = Some((seq, missing));
        }
    };
    let mut next = wanted.iter().peekable();
    each_index_entry(snapshot.as_ref(), |record, seq| {
        let entry = (*record.as_bytes(), seq);
        // Wanted entries before this one are missing from the lookup.
        while let Some(w) = next.next_if(|w| **w < entry) {
            note(w.1, true);
        }
        if next.next_if(|w| **w == entry).is_none() {
            note(seq, false);
        }
    })?;
    for w in next {
        note(w.1, true);
    }
    Ok(lowest.map(|(seq, missing)| Problem {
        seq: Some(seq),
        message: if missing {
            format!(
                "event {seq} is missing from the lookup of events by record (`audit_refs`): \
                 the access history of a record it names leaves it out"
            )
        } else {
            format!(
                "the lookup of events by record (`audit_refs`) files event {seq} under a \
                 record the event does not name: that record's access history shows an \
                 access that did not happen"
            )
        },
    }))
}
