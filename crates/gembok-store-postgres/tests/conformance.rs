//! The shared conformance suite against PostgreSQL: every test gets a fresh database
//! (`gembok_test_<random>`), dropped afterwards. Without a server the tests skip, or
//! fail under `CI=true` (see `common`).

mod common;

use gembok_store::testkit::ConformanceTest;

fn run(test: ConformanceTest) {
    let db = fresh_db!();
    let store = db.store();
    test(&store);
    // The store's sessions must end before `db` drops the database.
    drop(store);
}

gembok_store::conformance_tests!(run);
