//! Reading the log back: filtered pages, newest first, and the access history of one
//! data subject.

use gembok_store::{AuditQuery, AuditRow};
use gembok_types::RecordId;

use super::{AuditEvent, AuditLog};
use crate::CoreError;

/// Longest page a reader gets.
pub const MAX_PAGE: usize = 1000;

/// An event with its place in the chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredEvent {
    pub seq: u64,
    pub hash: Vec<u8>,
    pub event: AuditEvent,
}

/// One page of a query; `next` is the cursor (`before`) of the following page.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditPage {
    pub events: Vec<StoredEvent>,
    pub next: Option<u64>,
}

fn decode(row: AuditRow) -> Result<StoredEvent, CoreError> {
    Ok(StoredEvent {
        seq: row.seq,
        event: AuditEvent::decode(&row.body)?,
        hash: row.hash,
    })
}

impl AuditLog {
    /// Events matching `query` with position below `before`, newest first.
    pub fn query(
        &self,
        query: &AuditQuery,
        before: Option<u64>,
        limit: usize,
    ) -> Result<AuditPage, CoreError> {
        let limit = limit.clamp(1, MAX_PAGE);
        let rows = self.store.audit_query(query, before, limit + 1)?;
        let more = rows.len() > limit;
        let events = rows
            .into_iter()
            .take(limit)
            .map(decode)
            .collect::<Result<Vec<_>, _>>()?;
        let next = if more {
            events.last().map(|e| e.seq)
        } else {
            None
        };
        Ok(AuditPage { events, next })
    }

    /// Events in chain order from position `after + 1` (export walks these).
    pub fn events_after(&self, after: u64, limit: usize) -> Result<Vec<StoredEvent>, CoreError> {
        self.store
            .audit_events(after, limit.clamp(1, 10 * MAX_PAGE))?
            .into_iter()
            .map(decode)
            .collect()
    }

    /// Every event that names `subject` (or a record of it), oldest first: the access
    /// history a data-subject report shows.
    pub fn subject_history(&self, subject: RecordId) -> Result<Vec<StoredEvent>, CoreError> {
        let query = AuditQuery {
            record: Some(subject),
            ..AuditQuery::default()
        };
        let mut out = Vec::new();
        let mut before = None;
        loop {
            let page = self.query(&query, before, MAX_PAGE)?;
            out.extend(page.events);
            match page.next {
                Some(n) => before = Some(n),
                None => break,
            }
        }
        out.reverse();
        Ok(out)
    }
}
