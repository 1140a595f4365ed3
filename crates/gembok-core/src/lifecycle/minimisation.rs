//! The minimisation report (UU PDP Art. 16(2), GDPR Art. 5(1)(c)): fields nobody read
//! and purposes nobody used in the last N days, found in the audit log. Each is a
//! candidate to stop collecting.
//!
//! Reads and searches name the fields they returned and the purpose they were for, so
//! one walk over the window's events answers both questions without opening any value.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::{CoreError, Vault};

/// Events read per store round.
const PAGE: usize = 5_000;

/// Fields and purposes unused in a window.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct MinimisationReport {
    /// Start of the window (unix ms).
    pub since: i64,
    pub days: u32,
    /// Read events looked at.
    pub reads: u64,
    /// `collection.field` names never returned by a read or search.
    pub unread_fields: Vec<String>,
    /// Purposes fields declare that no read stated.
    pub unused_purposes: Vec<String>,
}

impl Vault {
    /// Fields never read and purposes never used in the `days` days before `now`.
    pub fn minimisation_report(
        &self,
        now: i64,
        days: u32,
    ) -> Result<MinimisationReport, CoreError> {
        let since = now - i64::from(days) * 86_400_000;
        let mut after = self.store.audit_seq_before(since)?.unwrap_or(0);
        let mut read_fields = BTreeSet::new();
        let mut used_purposes = BTreeSet::new();
        let mut reads = 0u64;
        loop {
            let page = self.audit.events_after(after, PAGE)?;
            let Some(last) = page.last() else { break };
            after = last.seq;
            for e in page.iter().map(|s| &s.event) {
                let is_read = matches!(e.action.as_str(), "record.read" | "record.search")
                    && e.outcome == crate::Outcome::Ok
                    && e.time >= since;
                if !is_read {
                    continue;
                }
                reads += 1;
                if let Some(c) = &e.collection {
                    for f in &e.fields {
                        read_fields.insert(format!("{c}.{f}"));
                    }
                }
                if let Some(p) = &e.purpose {
                    used_purposes.insert(p.clone());
                }
            }
            if page.len() < PAGE {
                break;
            }
        }
        let schema = self.schema();
        let mut unread_fields = Vec::new();
        let mut declared = BTreeSet::new();
        for c in schema.collections() {
            for f in c.fields.values() {
                let name = format!("{}.{}", c.name, f.name);
                if !read_fields.contains(&name) {
                    unread_fields.push(name);
                }
                declared.extend(f.purposes.iter().map(|p| p.as_str().to_owned()));
            }
        }
        let unused_purposes = declared
            .into_iter()
            .filter(|p| !used_purposes.contains(p))
            .collect();
        Ok(MinimisationReport {
            since,
            days,
            reads,
            unread_fields,
            unused_purposes,
        })
    }
}
