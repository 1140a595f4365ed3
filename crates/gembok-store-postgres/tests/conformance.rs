//! The shared conformance suite against PostgreSQL: every test gets a fresh database
//! (`gembok_test_<random>`), dropped afterwards.

mod common;

use gembok_store::testkit;

macro_rules! conformance {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                let db = fresh_db!();
                let store = db.store();
                testkit::$name(&store);
                drop(store);
            }
        )*
        const LISTED: &[&str] = &[$(stringify!($name)),*];
    };
}

conformance!(
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
    keys_put_rewrap_delete,
    key_conflicts_and_missing_keys,
    schemas_in_order_and_conflict,
    settings_put_overwrite_get,
    check_integrity_ok,
    docs_put_replace_delete,
    docs_listed_in_id_order,
    docs_commit_with_their_transaction,
    purge_field_removes_it_everywhere,
    concurrent_inserts_all_readable,
    readers_see_whole_transactions,
);

/// A test added to the suite must be listed above, or PostgreSQL would silently skip it.
#[test]
fn every_suite_test_is_listed() {
    let suite: Vec<&str> = testkit::TESTS.iter().map(|(name, _)| *name).collect();
    assert_eq!(LISTED, suite.as_slice());
}
