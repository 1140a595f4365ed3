//! The two halves of the lookup by record answer as one: merged and unmerged events,
//! a large append merged in its own transaction, no match across two ids' bytes, an
//! event below the mark indexed at once, and pruning past the mark.

use super::*;
use crate::SqliteStore;
use gembok_store::{Mutation, Store};

fn row(seq: u64, refs: Vec<RecordId>) -> AuditRow {
    AuditRow {
        seq,
        time: 1_000 + i64::try_from(seq).unwrap(),
        principal: "p".into(),
        action: "record.read".into(),
        refs,
        body: vec![1],
        hash: vec![0; 32],
    }
}

fn append(store: &SqliteStore, rows: Vec<AuditRow>) {
    let batch: Vec<Mutation> = rows.into_iter().map(Mutation::AppendAudit).collect();
    store.apply(&batch).unwrap();
}

/// Every page of a record's history, newest first, following the cursor.
fn history(store: &SqliteStore, id: RecordId, page: usize) -> Vec<u64> {
    let q = AuditQuery {
        record: Some(id),
        ..AuditQuery::default()
    };
    let mut seqs = Vec::new();
    let mut before = None;
    loop {
        let rows = store.audit_query(&q, before, page).unwrap();
        seqs.extend(rows.iter().map(|r| r.seq));
        if rows.len() < page {
            return seqs;
        }
        before = rows.last().map(|r| r.seq);
    }
}

fn mark(store: &SqliteStore) -> (i64, i64) {
    let conn = Connection::open(store.path()).unwrap();
    let merged = through(&conn).unwrap();
    let indexed: i64 = conn
        .query_row("SELECT count(*) FROM audit_refs", [], |r| r.get(0))
        .unwrap();
    (merged, indexed)
}

#[test]
fn history_reads_merged_and_unmerged_events_as_one() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("v.db")).unwrap();
    let (a, b) = (RecordId::generate(), RecordId::generate());
    for seq in 1..=30_u64 {
        let refs = match seq % 3 {
            0 => vec![a, b],
            1 => vec![a],
            _ => vec![b],
        };
        append(&store, vec![row(seq, refs)]);
        let (merged, _) = mark(&store);
        // Merged only once MERGE_EVERY events wait, and then all of them.
        assert!(i64::try_from(seq).unwrap() - merged < MERGE_EVERY);
    }
    let (merged, indexed) = mark(&store);
    assert!(merged > 0 && merged < 30, "{merged}");
    // Two refs for each third event, one for the others.
    assert_eq!(indexed, merged + merged / 3);
    let want_a: Vec<u64> = (1..=30).rev().filter(|s| s % 3 != 2).collect();
    let want_b: Vec<u64> = (1..=30).rev().filter(|s| s % 3 != 1).collect();
    for page in [1, 2, 3, 7, 100] {
        assert_eq!(history(&store, a, page), want_a, "page {page}");
        assert_eq!(history(&store, b, page), want_b, "page {page}");
    }
    let only_late = AuditQuery {
        record: Some(a),
        since: Some(1_025),
        ..AuditQuery::default()
    };
    let late: Vec<u64> = store
        .audit_query(&only_late, None, 100)
        .unwrap()
        .iter()
        .map(|r| r.seq)
        .collect();
    assert_eq!(late, [30, 28, 27, 25]);
}

#[test]
fn one_large_append_is_merged_in_its_own_transaction() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("v.db")).unwrap();
    let a = RecordId::generate();
    append(&store, (1..=20).map(|seq| row(seq, vec![a])).collect());
    assert_eq!(mark(&store), (20, 20));
    assert_eq!(history(&store, a, 6), (1..=20).rev().collect::<Vec<_>>());
}

#[test]
fn bytes_straddling_two_ids_are_not_a_match() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("v.db")).unwrap();
    let (x, y) = (RecordId::generate(), RecordId::generate());
    let mut straddle = x.as_bytes()[8..].to_vec();
    straddle.extend_from_slice(&y.as_bytes()[..8]);
    let ghost = RecordId::from_bytes(straddle.try_into().unwrap());
    append(&store, vec![row(1, vec![x, y])]);
    assert_eq!(mark(&store).0, 0, "still unmerged");
    assert!(history(&store, ghost, 10).is_empty());
    assert_eq!(history(&store, y, 10), [1]);
}

#[test]
fn an_event_below_the_mark_is_indexed_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("v.db")).unwrap();
    let a = RecordId::generate();
    append(&store, (100..=120).map(|seq| row(seq, vec![])).collect());
    assert_eq!(mark(&store).0, 120);
    append(&store, vec![row(50, vec![a])]);
    assert_eq!(history(&store, a, 10), [50]);
}

#[test]
fn pruning_past_the_mark_leaves_the_rest_findable() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("v.db")).unwrap();
    let a = RecordId::generate();
    append(&store, (1..=10).map(|seq| row(seq, vec![a])).collect());
    append(&store, (11..=14).map(|seq| row(seq, vec![a])).collect());
    assert_eq!(mark(&store), (10, 10));
    store
        .apply(&[Mutation::PruneAudit { through: 12 }])
        .unwrap();
    assert_eq!(history(&store, a, 10), [14, 13]);
    assert_eq!(mark(&store).1, 0, "pruned refs are gone from the index");
    append(&store, (15..=30).map(|seq| row(seq, vec![a])).collect());
    assert_eq!(history(&store, a, 4), (13..=30).rev().collect::<Vec<_>>());
}
