//! Errors the server raises about a value never quote that value.

mod common;

use gembok_store::{Mutation, Store, StoreError};

#[test]
fn rejected_values_are_not_quoted() {
    let db = fresh_db!();
    let store = db.store();
    // PostgreSQL text cannot hold NUL: the server rejects the value and its own
    // message quotes bytes of it.
    let err = store
        .apply(&[Mutation::PutDoc {
            kind: "note".into(),
            id: "3174-secret\0nik".into(),
            body: b"3174-secret".to_vec(),
        }])
        .unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, StoreError::Backend(_)), "{err:?}");
    assert!(text.contains("SQLSTATE"), "{text}");
    assert!(!text.contains("3174") && !text.contains("secret"), "{text}");
    let debug = format!("{err:?}");
    assert!(!debug.contains("3174"), "{debug}");
    assert!(
        store.docs("note").unwrap().is_empty(),
        "nothing was written"
    );
}
