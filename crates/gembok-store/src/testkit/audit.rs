//! Conformance tests for appending and reading audit events
//! ([`Mutation::AppendAudit`], [`Store::audit_head`], [`Store::audit_events`]): rows
//! come back byte for byte in `seq` order, a taken `seq` is a `Conflict`, and an event
//! commits or rolls back with the rest of its transaction.

use super::support::*;
use crate::{AuditQuery, AuditRow, Mutation, Store};
use gembok_types::RecordId;

/// A 32-byte stand-in hash that differs per `seq` and holds zero and high bytes.
pub(super) fn hash_of(seq: u64) -> Vec<u8> {
    let mut out: Vec<u8> = seq.to_be_bytes().to_vec();
    out.extend((0..24u8).map(|i| i.wrapping_mul(37) ^ (seq as u8)));
    out
}

/// An event as the audit chain would write it (the store does not check the body or
/// the hash, so stand-ins do).
pub(super) fn event(
    seq: u64,
    time: i64,
    principal: &str,
    action: &str,
    refs: &[RecordId],
) -> AuditRow {
    AuditRow {
        seq,
        time,
        principal: principal.to_owned(),
        action: action.to_owned(),
        refs: refs.to_vec(),
        body: ct(&format!("event {seq} {action}")),
        hash: hash_of(seq),
    }
}

/// An event at `T0 + seq` seconds by `api:ops`, naming nothing.
pub(super) fn plain(seq: u64) -> AuditRow {
    event(seq, T0 + seq as i64 * 1000, "api:ops", "record.read", &[])
}

pub(super) fn append(row: &AuditRow) -> Mutation {
    Mutation::AppendAudit(row.clone())
}

pub(super) fn seqs(rows: &[AuditRow]) -> Vec<u64> {
    rows.iter().map(|r| r.seq).collect()
}

fn events(store: &dyn Store, after: u64, limit: usize) -> Vec<AuditRow> {
    store.audit_events(after, limit).expect("audit_events")
}

/// An empty store has no head and no events; appended events (some several to a
/// transaction, some given out of order within it) come back exactly, oldest first,
/// page by page after each cursor, and the head follows the highest `seq`.
pub fn audit_append_head_and_events_in_order(store: &dyn Store) {
    assert_eq!(store.audit_head().expect("head"), None);
    assert!(events(store, 0, 10).is_empty());

    let (a, b) = (RecordId::generate(), RecordId::generate());
    let mut all: Vec<AuditRow> = (1..=25).map(plain).collect();
    all[0] = event(1, -5, "local:r\u{f6}ot", "vault.init", &[]);
    all[1] = event(2, T0, "api:k1", "record.create", &[a, b]);
    all[2].body = Vec::new();
    all[3].body = (0..70_000u32).map(|i| (i % 253) as u8).collect();
    apply_ok(store, &[append(&all[0])]);
    assert_eq!(store.audit_head().expect("head"), Some((1, hash_of(1))));
    apply_ok(store, &[append(&all[2]), append(&all[1])]);
    for chunk in all[3..].chunks(5) {
        let slice: Vec<Mutation> = chunk.iter().map(append).collect();
        apply_ok(store, &slice);
    }
    assert_eq!(store.audit_head().expect("head"), Some((25, hash_of(25))));

    assert_eq!(events(store, 0, 1000), all);
    assert_eq!(seqs(&events(store, 0, 10)), (1..=10).collect::<Vec<_>>());
    assert_eq!(seqs(&events(store, 10, 10)), (11..=20).collect::<Vec<_>>());
    assert_eq!(seqs(&events(store, 20, 10)), (21..=25).collect::<Vec<_>>());
    assert!(events(store, 25, 10).is_empty());
    assert!(events(store, 0, 0).is_empty());
    assert_eq!(events(store, 1, 1), [all[1].clone()]);
    assert_eq!(events(store, 0, usize::MAX).len(), 25);
}

/// A `seq` that exists is a `Conflict`, whether stored before or repeated within the
/// slice, and nothing of that slice is applied: not the record inserted beside it, not
/// the other events, and the stored event keeps its bytes.
pub fn audit_duplicate_seq_conflicts_atomically(store: &dyn Store) {
    let first = plain(1);
    apply_ok(store, &[append(&first)]);
    let rec = customer(1);
    let mut again = event(1, T0, "api:other", "record.delete", &[rec.meta.id]);
    again.hash = hash_of(99);
    let result = store.apply(&[
        Mutation::Insert(rec.clone()),
        append(&plain(2)),
        append(&again),
    ]);
    assert_conflict(result, "append of an existing seq");
    assert_eq!(get_one(store, "customers", rec.meta.id), None);
    assert_eq!(events(store, 0, 10), std::slice::from_ref(&first));
    assert_eq!(store.audit_head().expect("head"), Some((1, hash_of(1))));

    let twice = store.apply(&[append(&plain(2)), append(&plain(2))]);
    assert_conflict(twice, "one seq twice in a slice");
    assert_eq!(events(store, 0, 10), [first]);
}

/// An event naming a record commits with the record's insert, and a slice that fails
/// after its append leaves neither the event nor its refs behind.
pub fn audit_commits_with_its_transaction(store: &dyn Store) {
    let rec = customer(1);
    let created = event(1, T0, "api:k1", "record.create", &[rec.meta.id]);
    apply_ok(store, &[Mutation::Insert(rec.clone()), append(&created)]);
    assert!(get_one(store, "customers", rec.meta.id).is_some());
    assert_eq!(events(store, 0, 10), std::slice::from_ref(&created));

    let deleted = event(2, T0 + 1, "api:k1", "record.delete", &[rec.meta.id]);
    let failed = store.apply(&[
        append(&deleted),
        Mutation::Delete {
            collection: "customers".into(),
            id: RecordId::generate(),
        },
    ]);
    assert_not_found(failed, "delete of a missing record after an append");
    assert_eq!(events(store, 0, 10), std::slice::from_ref(&created));
    assert_eq!(store.audit_head().expect("head"), Some((1, hash_of(1))));
    let by_record = AuditQuery {
        record: Some(rec.meta.id),
        ..AuditQuery::default()
    };
    let found = store.audit_query(&by_record, None, 10).expect("query");
    assert_eq!(found, [created]);
}
