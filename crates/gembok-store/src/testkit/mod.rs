//! The conformance suite every [`Store`] backend must pass.
//!
//! Each test is a public function taking a fresh, empty store, so a backend can run
//! them one by one (one `#[test]` each, for clear failures, which
//! [`conformance_tests!`](crate::conformance_tests) defines) or all at once with
//! [`run_all`]. The suite only uses the public trait, never SQL, so SQLite and
//! PostgreSQL are held to the same contract. [`TESTS`] lists every test by name, from
//! the same list as the macro, so a test added here cannot be silently skipped by a
//! backend that uses it. [`MemoryStore`] is the in-memory
//! reference implementation: the suite's own tests run against it, and the layers above
//! can use it in unit tests.

mod audit;
mod audit_concurrency;
mod audit_query;
mod audit_retention;
mod concurrency;
mod doc_cas;
mod docs;
mod export;
mod index;
mod lifecycle;
mod listing;
mod macros;
mod memory;
mod memory_audit;
mod memory_state;
mod metadata;
mod purge;
mod records;
mod search;
#[cfg(test)]
mod selftest;
mod snapshot;
mod support;
mod updates;

pub use audit::{
    audit_append_head_and_events_in_order, audit_commits_with_its_transaction,
    audit_duplicate_seq_conflicts_atomically,
};
pub use audit_concurrency::*;
pub use audit_query::*;
pub use audit_retention::*;
pub use concurrency::*;
pub use doc_cas::*;
pub use docs::*;
pub use export::*;
pub use index::*;
pub use lifecycle::*;
pub use listing::*;
pub use memory::MemoryStore;
pub use metadata::*;
pub use purge::*;
pub use records::*;
pub use search::*;
pub use snapshot::*;
pub use updates::*;

use crate::Store;

/// One conformance test: it panics when the store breaks the contract.
pub type ConformanceTest = fn(&dyn Store);

/// Every conformance test, by name, in the order [`conformance_tests!`] defines them.
///
/// [`conformance_tests!`]: crate::conformance_tests
pub const TESTS: &[(&str, ConformanceTest)] =
    crate::__with_conformance_names! { __conformance_table! {} };

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
