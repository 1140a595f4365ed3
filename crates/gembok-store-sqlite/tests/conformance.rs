//! The shared conformance suite against SQLite: every test gets a fresh database file
//! in its own temporary directory.

use gembok_store::testkit::{self, ConformanceTest};
use gembok_store::Store;
use gembok_store_sqlite::SqliteStore;

fn run(test: ConformanceTest) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteStore::open(&dir.path().join("vault.db")).expect("open store");
    test(&store);
}

gembok_store::conformance_tests!(run);

/// `run_all` drives the whole suite, a fresh file per test.
#[test]
fn run_all_passes_on_sqlite() {
    let dir = tempfile::tempdir().expect("temp dir");
    let opened = std::cell::Cell::new(0);
    let make = || -> Box<dyn Store> {
        opened.set(opened.get() + 1);
        let path = dir.path().join(format!("vault-{}.db", opened.get()));
        Box::new(SqliteStore::open(&path).expect("open store"))
    };
    testkit::run_all(&make);
    assert_eq!(opened.get(), testkit::TESTS.len());
}
