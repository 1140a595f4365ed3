//! Settling a batch the journal left pending: did it commit before the interruption?
//!
//! `Vault::create_batch` commits a batch atomically but chooses the record ids itself,
//! and the journal cannot be written in the same transaction. So the check looks at the
//! vault: record ids are UUIDv7, time-ordered, so the records created since the batch
//! was marked pending (less a ten-minute margin for clock steps) can be listed. Their
//! mapped fields are opened in memory, fingerprinted, and compared with the pending
//! rows read again from the file and checked again the same way. The batch committed
//! when every one of its rows is there; with an atomic batch it is all or nothing.
//! Fingerprints live only in memory; the journal holds no trace of any value.
//!
//! What this cannot rule out, and what would close it: if the clock stepped back more
//! than the margin between the pending mark and the commit, the batch's records sort
//! before the floor, the batch looks uncommitted and is written twice. If another
//! writer stored records with exactly the same values as every row of an uncommitted
//! pending batch in that window, the batch looks committed and is not written (those
//! customers are then in the vault once, as the other writer's records). Both go away
//! with a vault call that writes the journal entry in the same store transaction as the
//! batch (`Mutation::PutSetting` in the same `Store::apply`).

use gembok_core::Actor;
use std::collections::HashMap;

use aws_lc_rs::digest::{Context, SHA256};
use gembok_core::{Vault, View, MAX_BATCH};
use gembok_types::{FieldType, RecordId};

use super::journal::{Journal, Pending};
use super::plan::ImportPlan;
use super::validate::{wipe, RowCheck};
use crate::{Flow, IngestError, Workbook};

/// How far before the pending mark record ids are looked at.
const CLOCK_MARGIN_MS: i64 = 10 * 60 * 1000;
/// Most records created since the mark that the check will open.
const MAX_CANDIDATES: usize = 2_000_000;

type Fingerprint = [u8; 32];

fn fingerprint<'v>(names: &[&str], value: impl Fn(&str) -> Option<&'v str>) -> Fingerprint {
    let mut ctx = Context::new(&SHA256);
    for n in names {
        ctx.update(n.as_bytes());
        ctx.update(&[0]);
        match value(n) {
            Some(v) => ctx.update(v.as_bytes()),
            None => ctx.update(&[0xFF]),
        }
        ctx.update(&[0]);
    }
    let mut out = [0u8; 32];
    out.copy_from_slice(ctx.finish().as_ref());
    out
}

/// The smallest record id of the millisecond `ms`.
fn id_floor(ms: i64) -> RecordId {
    let ms = ms.max(0) as u64;
    let mut b = [0u8; 16];
    b[..6].copy_from_slice(&ms.to_be_bytes()[2..]);
    RecordId::from_bytes(b)
}

/// Whether the pending batch is in the vault.
pub(crate) fn committed(
    vault: &Vault,
    plan: &ImportPlan,
    check: &RowCheck<'_>,
    journal: &Journal,
    pending: &Pending,
) -> Result<bool, IngestError> {
    if pending.accepted == 0 {
        return Ok(true);
    }
    let mut names: Vec<&str> = check
        .fields()
        .filter(|f| f.field_type != FieldType::Password)
        .map(|f| f.name.as_str())
        .collect();
    names.sort_unstable();
    if names.is_empty() {
        return Err(IngestError::Journal(
            "an interrupted batch cannot be verified: only password fields are mapped".into(),
        ));
    }
    let mut seen: HashMap<Fingerprint, u32> = HashMap::new();
    let mut after = Some(id_floor(pending.since_ms - CLOCK_MARGIN_MS));
    let mut total = 0usize;
    loop {
        let page = vault.list(&Actor::local_operator(), &plan.collection, after, MAX_BATCH)?;
        let Some(last) = page.last() else { break };
        after = Some(last.id);
        total += page.len();
        if total > MAX_CANDIDATES {
            return Err(IngestError::Journal(
                "too many records were written since the interruption to verify the last batch"
                    .into(),
            ));
        }
        let ids: Vec<RecordId> = page.iter().map(|m| m.id).collect();
        for rec in vault.get_batch(
            &Actor::local_operator(),
            &plan.collection,
            &ids,
            Some(&names),
            View::Plain,
        )? {
            let fp = fingerprint(&names, |n| rec.fields.get(n).map(|v| v.as_str()));
            *seen.entry(fp).or_default() += 1;
        }
        if page.len() < MAX_BATCH {
            break;
        }
    }
    let mut book = Workbook::open(&plan.path, &plan.limits)?;
    let mut header_pending = plan.has_header;
    let (mut good, mut missing) = (0u64, 0u64);
    book.for_each_row(plan.sheet, &mut |row| {
        if std::mem::take(&mut header_pending) || row.number <= journal.done_through {
            return Ok(Flow::Continue);
        }
        if row.number > pending.through {
            return Ok(Flow::Stop);
        }
        if let Ok(mut map) = check.check(&row) {
            good += 1;
            let fp = fingerprint(&names, |n| map.get(n).and_then(|v| v.as_str()));
            match seen.get_mut(&fp) {
                Some(c) if *c > 0 => *c -= 1,
                _ => missing += 1,
            }
            wipe(&mut map);
        }
        Ok(Flow::Continue)
    })?;
    if good != pending.accepted {
        return Err(IngestError::Journal(
            "the file no longer matches the interrupted import".into(),
        ));
    }
    Ok(missing == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_floor_sorts_before_ids_of_that_millisecond() {
        let id = RecordId::generate();
        let ms = i64::from_be_bytes({
            let mut b = [0u8; 8];
            b[2..].copy_from_slice(&id.as_bytes()[..6]);
            b
        });
        assert!(id_floor(ms) < id);
        assert!(id_floor(ms + 1) > id);
    }

    #[test]
    fn fingerprints_depend_on_names_and_values() {
        let names = ["email", "name"];
        let a = fingerprint(&names, |n| {
            Some(if n == "name" { "Budi" } else { "b@x.id" })
        });
        let b = fingerprint(&names, |n| {
            Some(if n == "name" { "Budi" } else { "c@x.id" })
        });
        let c = fingerprint(&names, |n| (n == "name").then_some("Budi"));
        assert_ne!(a, b);
        assert_ne!(a, c);
        assert_eq!(
            a,
            fingerprint(&names, |n| Some(if n == "name" {
                "Budi"
            } else {
                "b@x.id"
            }))
        );
    }
}
