//! The one list of conformance test names, and the macros built on it: [`TESTS`] and
//! [`conformance_tests!`], which gives a backend one `#[test]` per conformance test.
//!
//! Both come from the same list so that a test added to the suite cannot be left out
//! of a backend's `#[test]`s; only the list below has to name it.
//!
//! [`TESTS`]: super::TESTS
//! [`conformance_tests!`]: crate::conformance_tests

/// Expand `$then! { { args } name, name, ... }` with every conformance test name.
#[doc(hidden)]
#[macro_export]
macro_rules! __with_conformance_names {
    ($then:ident ! { $($args:tt)* }) => {
        $crate::$then! { { $($args)* }
            insert_then_get_all_fields,
            insert_sorts_fields_by_name,
            unusual_values_round_trip,
            get_chosen_fields,
            get_follows_id_order_and_skips_missing,
            insert_duplicate_id_conflicts,
            failed_apply_persists_nothing,
            empty_apply_is_ok,
            update_merges_and_removes_fields,
            update_set_wins_over_remove,
            update_recomputes_min_key_version,
            update_or_delete_missing_is_not_found,
            delete_removes_record_and_index_entries,
            mutations_apply_in_order,
            put_index_is_idempotent,
            find_matches_exactly_in_id_order,
            delete_index_removes_one_field_of_one_record,
            find_records_matches_exactly_in_id_order,
            find_records_follows_records_and_entries,
            list_paginates_with_cursor,
            list_cursor_between_ids,
            below_key_version_walks_old_records,
            count_per_collection,
            subject_records_lists_one_subject_in_one_collection,
            updated_before_walks_old_records,
            scrub_keeps_remaining_data_readable,
            keys_put_rewrap_delete,
            key_conflicts_and_missing_keys,
            schemas_in_order_and_conflict,
            settings_put_overwrite_get,
            check_integrity_ok,
            docs_put_replace_delete,
            docs_listed_in_id_order,
            docs_commit_with_their_transaction,
            docs_put_if_compares_exactly,
            docs_put_if_loses_no_concurrent_update,
            export_settings_listed_by_name,
            export_doc_kinds_distinct_in_order,
            export_collections_hold_records_or_entries,
            export_index_entries_walk_in_key_order,
            purge_field_removes_it_everywhere,
            concurrent_inserts_all_readable,
            readers_see_whole_transactions,
            audit_append_head_and_events_in_order,
            audit_duplicate_seq_conflicts_atomically,
            audit_commits_with_its_transaction,
            audit_query_by_each_filter,
            audit_query_combined_and_paged,
            audit_checkpoints_upsert_and_page,
            audit_prune_removes_through,
            audit_seq_before_finds_last_older_event,
            audit_concurrent_appends_all_land,
            audit_concurrent_same_seq_one_wins,
            snapshot_sees_one_moment,
            snapshot_refuses_writes,
            snapshot_walk_is_stable_under_writes,
        }
    };
}

/// The `(name, test)` table behind [`TESTS`](super::TESTS).
#[doc(hidden)]
#[macro_export]
macro_rules! __conformance_table {
    ({} $($name:ident),* $(,)?) => {
        &[$((
            stringify!($name),
            $crate::testkit::$name as $crate::testkit::ConformanceTest,
        )),*]
    };
}

/// One `#[test]` per conformance test.
#[doc(hidden)]
#[macro_export]
macro_rules! __conformance_test_fns {
    ({ $run:expr } $($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                let run = $run;
                run($crate::testkit::$name as $crate::testkit::ConformanceTest);
            }
        )*
    };
}

/// Define one `#[test]` function per conformance test, named after it, in the
/// calling module (a backend's integration test file).
///
/// `$run` is a function or closure taking a [`ConformanceTest`](crate::testkit::ConformanceTest):
/// it sets up a fresh, empty store, calls the test with it and tears the store down.
/// It may return early without calling the test (for example when a database server
/// is absent and the backend skips), and may panic to fail the test instead.
///
/// ```
/// use gembok_store::testkit::{ConformanceTest, MemoryStore};
///
/// // A real backend opens a fresh database here and drops it afterwards.
/// fn run(test: ConformanceTest) {
///     test(&MemoryStore::new());
/// }
///
/// gembok_store::conformance_tests!(run);
/// # fn main() {}
/// ```
#[macro_export]
macro_rules! conformance_tests {
    ($run:expr $(,)?) => {
        $crate::__with_conformance_names! { __conformance_test_fns! { $run } }
    };
}

#[cfg(test)]
mod tests {
    use crate::testkit::{ConformanceTest, MemoryStore, TESTS};

    // What a backend writes, here against the reference store: one `#[test]` per
    // conformance test, each with a fresh store.
    crate::conformance_tests!(|test: ConformanceTest| test(&MemoryStore::new()));

    #[test]
    fn table_names_are_distinct_and_match_their_functions() {
        let mut names: Vec<&str> = TESTS.iter().map(|(name, _)| *name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), TESTS.len());
        let (name, test) = TESTS[0];
        assert_eq!(name, "insert_then_get_all_fields");
        assert!(std::ptr::fn_addr_eq(
            test,
            crate::testkit::insert_then_get_all_fields as ConformanceTest
        ));
    }
}
