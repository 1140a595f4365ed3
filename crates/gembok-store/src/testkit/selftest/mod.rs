//! Tests of the suite itself: the in-memory reference store passes it, and stores that
//! break the contract in small ways (the [`faulty`] stores) are caught.

mod faulty;

use super::*;
use crate::Mutation;
use faulty::{Fault, Faulty};

#[test]
fn memory_store_passes_every_test() {
    run_all(&|| Box::new(MemoryStore::new()));
}

#[test]
fn faulty_stores_are_caught_by_the_named_tests() {
    let cases: [(Fault, ConformanceTest); 19] = [
        (Fault::DocsReversed, docs_listed_in_id_order),
        (Fault::DocsIgnoreKind, docs_put_replace_delete),
        (Fault::FindReversed, find_matches_exactly_in_id_order),
        (
            Fault::FindReversed,
            find_records_matches_exactly_in_id_order,
        ),
        (Fault::NotAtomic, failed_apply_persists_nothing),
        (Fault::AllFieldsAlways, get_chosen_fields),
        (
            Fault::FindRecordsAllFields,
            find_records_matches_exactly_in_id_order,
        ),
        (
            Fault::FindRecordsKeepsDangling,
            find_records_follows_records_and_entries,
        ),
        (Fault::NotAtomic, audit_duplicate_seq_conflicts_atomically),
        (Fault::AuditQueryIgnoresRecord, audit_query_by_each_filter),
        (Fault::AuditQueryIgnoresRecord, audit_prune_removes_through),
        (
            Fault::AuditQueryIgnoresCursor,
            audit_query_combined_and_paged,
        ),
        (
            Fault::AuditEventsOverLimit,
            audit_append_head_and_events_in_order,
        ),
        (
            Fault::SubjectRecordsReversed,
            subject_records_lists_one_subject_in_one_collection,
        ),
        (
            Fault::UpdatedBeforeInclusive,
            updated_before_walks_old_records,
        ),
        (
            Fault::UpdatedBeforeOverLimit,
            updated_before_walks_old_records,
        ),
        (Fault::SnapshotWritable, snapshot_refuses_writes),
        (Fault::SnapshotEmpty, snapshot_sees_one_moment),
        (
            Fault::IndexEntriesIgnoreCursor,
            export_index_entries_walk_in_key_order,
        ),
    ];
    for (fault, test) in cases {
        let store = Faulty {
            inner: MemoryStore::new(),
            fault,
        };
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| test(&store)));
        assert!(outcome.is_err(), "a broken store passed");
    }
}

#[test]
fn run_all_names_the_failures() {
    let outcome = std::panic::catch_unwind(|| {
        run_all(&|| {
            Box::new(Faulty {
                inner: MemoryStore::new(),
                fault: Fault::FindReversed,
            })
        })
    });
    let payload = outcome.expect_err("run_all must fail on a broken store");
    let message = payload
        .downcast_ref::<String>()
        .expect("formatted panic message");
    assert!(
        message.contains("find_matches_exactly_in_id_order"),
        "{message}"
    );
    assert!(!message.contains("count_per_collection"), "{message}");
}

#[test]
fn memory_store_debug_shows_no_contents() {
    let store = MemoryStore::new();
    store
        .apply(&[Mutation::PutSetting {
            name: "vault_id".into(),
            value: b"secret-value".to_vec(),
        }])
        .unwrap();
    let text = format!("{store:?}");
    assert!(!text.contains("secret"), "{text}");
    assert!(text.contains("records: 0"), "{text}");
}
