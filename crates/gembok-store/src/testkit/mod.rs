//! The conformance suite every [`Store`] backend must pass.
//!
//! Each test is a public function taking a fresh, empty store, so a backend can run
//! them one by one (one `#[test]` each, for clear failures) or all at once with
//! [`run_all`]. The suite only uses the public trait, never SQL, so SQLite and
//! PostgreSQL are held to the same contract. [`TESTS`] lists every test by name; a
//! backend that lists tests itself should compare its list with it so that a test
//! added here cannot be silently skipped there. [`MemoryStore`] is the in-memory
//! reference implementation: the suite's own tests run against it, and the layers above
//! can use it in unit tests.

mod concurrency;
mod docs;
mod index;
mod listing;
mod memory;
mod metadata;
mod purge;
mod records;
mod search;
#[cfg(test)]
mod selftest;
mod support;
mod updates;

pub use concurrency::*;
pub use docs::*;
pub use index::*;
pub use listing::*;
pub use memory::MemoryStore;
pub use metadata::*;
pub use purge::*;
pub use records::*;
pub use search::*;
pub use updates::*;

use crate::Store;

/// One conformance test: it panics when the store breaks the contract.
pub type ConformanceTest = fn(&dyn Store);

/// Every conformance test, by name.
pub const TESTS: &[(&str, ConformanceTest)] = &[
    ("insert_then_get_all_fields", insert_then_get_all_fields),
    ("insert_sorts_fields_by_name", insert_sorts_fields_by_name),
    ("unusual_values_round_trip", unusual_values_round_trip),
    ("get_chosen_fields", get_chosen_fields),
    (
        "get_follows_id_order_and_skips_missing",
        get_follows_id_order_and_skips_missing,
    ),
    (
        "insert_duplicate_id_conflicts",
        insert_duplicate_id_conflicts,
    ),
    (
        "failed_apply_persists_nothing",
        failed_apply_persists_nothing,
    ),
    ("empty_apply_is_ok", empty_apply_is_ok),
    (
        "update_merges_and_removes_fields",
        update_merges_and_removes_fields,
    ),
    ("update_set_wins_over_remove", update_set_wins_over_remove),
    (
        "update_recomputes_min_key_version",
        update_recomputes_min_key_version,
    ),
    (
        "update_or_delete_missing_is_not_found",
        update_or_delete_missing_is_not_found,
    ),
    (
        "delete_removes_record_and_index_entries",
        delete_removes_record_and_index_entries,
    ),
    ("mutations_apply_in_order", mutations_apply_in_order),
    ("put_index_is_idempotent", put_index_is_idempotent),
    (
        "find_matches_exactly_in_id_order",
        find_matches_exactly_in_id_order,
    ),
    (
        "delete_index_removes_one_field_of_one_record",
        delete_index_removes_one_field_of_one_record,
    ),
    (
        "find_records_matches_exactly_in_id_order",
        find_records_matches_exactly_in_id_order,
    ),
    (
        "find_records_follows_records_and_entries",
        find_records_follows_records_and_entries,
    ),
    ("list_paginates_with_cursor", list_paginates_with_cursor),
    ("list_cursor_between_ids", list_cursor_between_ids),
    (
        "below_key_version_walks_old_records",
        below_key_version_walks_old_records,
    ),
    ("count_per_collection", count_per_collection),
    ("keys_put_rewrap_delete", keys_put_rewrap_delete),
    (
        "key_conflicts_and_missing_keys",
        key_conflicts_and_missing_keys,
    ),
    (
        "schemas_in_order_and_conflict",
        schemas_in_order_and_conflict,
    ),
    ("settings_put_overwrite_get", settings_put_overwrite_get),
    ("check_integrity_ok", check_integrity_ok),
    ("docs_put_replace_delete", docs_put_replace_delete),
    ("docs_listed_in_id_order", docs_listed_in_id_order),
    (
        "docs_commit_with_their_transaction",
        docs_commit_with_their_transaction,
    ),
    (
        "purge_field_removes_it_everywhere",
        purge_field_removes_it_everywhere,
    ),
    (
        "concurrent_inserts_all_readable",
        concurrent_inserts_all_readable,
    ),
    (
        "readers_see_whole_transactions",
        readers_see_whole_transactions,
    ),
];

/// Run every conformance test, each against a fresh empty store from `make`.
///
/// All tests run even when one fails (each failure prints its own panic message);
/// the call then panics naming every failed test.
pub fn run_all(make: &dyn Fn() -> Box<dyn Store>) {
    let mut failed = Vec::new();
    for (name, test) in TESTS {
        let store = make();
        let outcome =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| test(store.as_ref())));
        if outcome.is_err() {
            failed.push(*name);
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {} conformance tests failed: {failed:?}",
        failed.len(),
        TESTS.len()
    );
}
