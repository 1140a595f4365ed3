//! Conformance tests for the walks that make a whole store readable through the trait
//! ([`Store::settings`], [`Store::doc_kinds`], [`Store::collections`],
//! [`Store::index_entries`]), which copying a vault to another backend relies on: every
//! name in byte order whatever the database's collation, nothing left out, cursors
//! that resume exactly after the last entry seen.

use super::support::*;
use crate::{IndexEntry, Mutation, Store};
use gembok_types::RecordId;

fn setting(name: &str, value: &[u8]) -> Mutation {
    Mutation::PutSetting {
        name: name.to_owned(),
        value: value.to_vec(),
    }
}

fn doc(kind: &str, id: &str) -> Mutation {
    Mutation::PutDoc {
        kind: kind.to_owned(),
        id: id.to_owned(),
        body: ct(id),
    }
}

fn entry(collection: &str, field: &str, digest: &[u8], record: RecordId) -> IndexEntry {
    IndexEntry {
        collection: collection.to_owned(),
        field: field.to_owned(),
        digest: digest.to_vec(),
        record,
    }
}

/// Every setting with its exact value, by name in byte order ("B" < "a" < "é"), and
/// an overwrite shows the new value once.
pub fn export_settings_listed_by_name(store: &dyn Store) {
    assert!(store.settings().expect("settings").is_empty());
    apply_ok(
        store,
        &[
            setting("a", b"1"),
            setting("\u{e9}", &ct("accent")),
            setting("B", b""),
            setting("a", b"2"),
        ],
    );
    assert_eq!(
        store.settings().expect("settings"),
        vec![
            ("B".to_owned(), Vec::new()),
            ("a".to_owned(), b"2".to_vec()),
            ("\u{e9}".to_owned(), ct("accent")),
        ]
    );
}

/// Each kind with a document once, in byte order; a kind whose last document is
/// deleted is gone.
pub fn export_doc_kinds_distinct_in_order(store: &dyn Store) {
    assert!(store.doc_kinds().expect("doc_kinds").is_empty());
    apply_ok(
        store,
        &[
            doc("api_key", "x"),
            doc("api_key", "y"),
            doc("Zeta", "x"),
            doc("api_key_hash", "x"),
            doc("gone", "x"),
        ],
    );
    apply_ok(
        store,
        &[Mutation::DeleteDoc {
            kind: "gone".into(),
            id: "x".into(),
        }],
    );
    assert_eq!(
        store.doc_kinds().expect("doc_kinds"),
        vec!["Zeta", "api_key", "api_key_hash"]
    );
}

/// Collections with records or index entries (also entries whose record is gone),
/// each once, in byte order; one emptied of both is gone.
pub fn export_collections_hold_records_or_entries(store: &dyn Store) {
    assert!(store.collections().expect("collections").is_empty());
    let a = customer(1);
    let b = record("orders", vec![field("total", 1)]);
    let emptied = record("Temp", vec![field("note", 1)]);
    let orphan = RecordId::generate();
    apply_ok(
        store,
        &[
            Mutation::Insert(a.clone()),
            Mutation::Insert(b),
            Mutation::Insert(emptied.clone()),
            index("Temp", "note", b"d", emptied.meta.id),
            index("customers", "email", b"d", a.meta.id),
            index("entries_only", "email", b"d", orphan),
        ],
    );
    apply_ok(
        store,
        &[Mutation::Delete {
            collection: "Temp".into(),
            id: emptied.meta.id,
        }],
    );
    assert_eq!(
        store.collections().expect("collections"),
        vec!["customers", "entries_only", "orders"]
    );
}

/// Entries of one collection only, in (field, digest, record) byte order, paged with
/// the cursor without loss or repetition; a cursor between entries resumes after it.
pub fn export_index_entries_walk_in_key_order(store: &dyn Store) {
    let mut ids: Vec<RecordId> = (0..3).map(|_| RecordId::generate()).collect();
    ids.sort();
    let digests: [&[u8]; 3] = [&[0x00, 0x01], &[0x7f], &[0xff, 0x00]];
    let mut puts = Vec::new();
    let mut expected = Vec::new();
    // Put in an order unlike the key order, over fields that sort differently by
    // bytes than by a natural-language collation.
    for field in ["phone", "Email", "email"] {
        for digest in digests.iter().rev() {
            for id in ids.iter().rev() {
                puts.push(index("customers", field, digest, *id));
                expected.push(entry("customers", field, digest, *id));
            }
        }
    }
    puts.push(index("customersX", "email", b"\x00", ids[0]));
    puts.push(index("custom", "email", b"\x00", ids[0]));
    apply_ok(store, &puts);
    expected.sort_by(|x, y| (&x.field, &x.digest, x.record).cmp(&(&y.field, &y.digest, y.record)));

    let all = store
        .index_entries("customers", None, usize::MAX)
        .expect("index_entries");
    assert_eq!(all, expected);
    assert!(store
        .index_entries("customers", None, 0)
        .expect("limit 0")
        .is_empty());
    assert!(store
        .index_entries("nothing", None, 10)
        .expect("unknown collection")
        .is_empty());

    let mut paged = Vec::new();
    let mut after: Option<IndexEntry> = None;
    loop {
        let page = store
            .index_entries("customers", after.as_ref(), 4)
            .expect("page");
        assert!(page.len() <= 4, "page of {} entries", page.len());
        let Some(last) = page.last() else { break };
        after = Some(last.clone());
        paged.extend(page);
        assert!(
            paged.len() <= expected.len(),
            "the cursor walk repeats entries"
        );
    }
    assert_eq!(paged, expected);

    // A cursor that is not itself an entry: between two digests of one field, with
    // another collection's name that must be ignored.
    let between = entry("other", "email", &[0x50], ids[2]);
    let rest = store
        .index_entries("customers", Some(&between), usize::MAX)
        .expect("between");
    let want: Vec<IndexEntry> = expected
        .iter()
        .filter(|e| (e.field.as_str(), e.digest.as_slice()) > ("email", &[0x50][..]))
        .cloned()
        .collect();
    assert_eq!(rest, want);
}
