//! Erasure of a data subject: every record in every collection goes, blind-index search
//! stops matching, the database files keep no trace of the ciphertexts, a legal hold
//! blocks it, and the ledger erases the subject again in an older copy of the vault.

mod common;
mod lifecycle_support;

use std::sync::Arc;

use gembok_core::lifecycle::{ErasureListener, LedgerEntry};
use gembok_core::{AccessError, CoreError, Vault, View};
use gembok_crypto::MasterKey;
use gembok_store::Store;
use gembok_store_sqlite::SqliteStore;
use lifecycle_support::*;

#[derive(Default)]
struct Heard(std::sync::Mutex<Vec<LedgerEntry>>);

impl ErasureListener for Heard {
    fn erased(&self, entry: &LedgerEntry) {
        self.0.lock().unwrap().push(*entry);
    }
}

#[test]
fn erasure_removes_every_record_and_index_entry_of_the_subject_only() {
    let w = world();
    let heard = Arc::new(Heard::default());
    w.vault.add_erasure_listener(heard.clone());
    let report = w
        .gate
        .erase_subject(&who("dpo"), w.a.id, "dpo")
        .expect("dpo may erase");
    assert_eq!(report.records.get("customers"), Some(&1));
    assert_eq!(report.records.get("orders"), Some(&1));
    assert_eq!(report.records.get("events"), Some(&1));
    assert_eq!(report.total(), 3);

    for (coll, id) in [
        ("customers", w.a.id),
        ("orders", w.a.order),
        ("events", w.a.event),
    ] {
        let got = w.vault.get(&owner(), coll, id, None, View::Plain);
        assert!(
            matches!(got, Err(CoreError::NotFound)),
            "{coll} record survived"
        );
    }
    let found = w
        .vault
        .find(&owner(), "customers", "email", w.a.email, None, View::Plain)
        .unwrap();
    assert!(
        found.is_empty(),
        "the blind index still matches the erased e-mail"
    );
    let by_order = w
        .vault
        .find_ids(&owner(), "orders", "customer", &w.a.id.to_string())
        .unwrap();
    assert!(by_order.is_empty());

    // The other customer is untouched.
    let b = w
        .vault
        .find(&owner(), "customers", "email", w.b.email, None, View::Plain)
        .unwrap();
    assert_eq!(b.len(), 1);
    assert_eq!(w.vault.count("orders").unwrap(), 1);

    let ledger = w.vault.erasure_ledger().unwrap();
    assert_eq!(ledger.len(), 1);
    assert_eq!(ledger[0].subject, w.a.id);
    assert_eq!(heard.0.lock().unwrap().as_slice(), ledger.as_slice());

    // The audit event names ids and counts, never a value.
    let events = w.vault.audit().subject_history(w.a.id).unwrap();
    let erase = events
        .iter()
        .find(|e| e.event.action == "subject.erase")
        .expect("erasure audited");
    let text = serde_json::to_string(&erase.event).unwrap();
    assert!(!text.contains(w.a.email) && !text.contains(w.a.nik) && !text.contains("Siti"));
    assert_eq!(erase.event.purpose.as_deref(), Some("dpo"));
}

#[test]
fn the_database_files_hold_none_of_the_erased_ciphertexts() {
    let w = world();
    let sealed =
        w.t.store
            .get("customers", &[w.a.id], None)
            .unwrap()
            .pop()
            .unwrap();
    let mut needles: Vec<Vec<u8>> = sealed.fields.iter().map(|f| f.ciphertext.clone()).collect();
    let order =
        w.t.store
            .get("orders", &[w.a.order], None)
            .unwrap()
            .pop()
            .unwrap();
    needles.extend(order.fields.iter().map(|f| f.ciphertext.clone()));
    w.t.store.checkpoint().unwrap();
    let before = db_bytes(&w.t);
    for n in &needles {
        assert!(
            contains(&before, n),
            "the test must see a ciphertext before erasure"
        );
    }

    w.vault.erase_subject(&owner(), w.a.id).unwrap();
    let after = db_bytes(&w.t);
    for n in &needles {
        assert!(
            !contains(&after, n),
            "an erased ciphertext is still in the files"
        );
    }
    // Plaintext never was there; it still is not.
    for v in [w.a.email, w.a.nik, w.a.name] {
        assert!(!contains(&after, v.as_bytes()));
    }
}

#[test]
fn a_legal_hold_blocks_erasure_until_released() {
    let w = world();
    w.vault
        .set_legal_hold(&owner(), w.a.id, Some("case-2026-17"))
        .unwrap();
    let err = w
        .gate
        .erase_subject(&who("admin"), w.a.id, "dpo")
        .unwrap_err();
    assert!(
        matches!(err, AccessError::Core(CoreError::LegalHold)),
        "{err:?}"
    );
    assert_eq!(w.vault.count("customers").unwrap(), 2);
    w.vault.set_legal_hold(&owner(), w.a.id, None).unwrap();
    w.gate.erase_subject(&who("admin"), w.a.id, "dpo").unwrap();
    assert_eq!(w.vault.count("customers").unwrap(), 1);
}

#[test]
fn only_subject_rights_roles_may_erase_and_unknown_subjects_are_not_found() {
    let w = world();
    for role in ["support", "analyst", "app"] {
        assert!(
            matches!(
                w.gate.erase_subject(&who(role), w.a.id, "dpo"),
                Err(AccessError::Denied(_))
            ),
            "{role} must not erase"
        );
    }
    let mut narrow = who("admin");
    narrow.collections = Some(vec!["customers".into()]);
    assert!(matches!(
        w.gate.erase_subject(&narrow, w.a.id, "dpo"),
        Err(AccessError::Denied(_))
    ));
    let unknown = gembok_types::RecordId::generate();
    assert!(matches!(
        w.vault.erase_subject(&owner(), unknown),
        Err(CoreError::NotFound)
    ));
    assert!(w.vault.erasure_ledger().unwrap().is_empty());
    assert_eq!(w.vault.count("customers").unwrap(), 2);
}

#[test]
fn the_ledger_erases_the_subject_again_in_an_older_copy() {
    let w = world();
    // An "older backup": a copy of the database files taken before the erasure.
    w.t.store.checkpoint().unwrap();
    let old_dir = tempfile::tempdir().unwrap();
    let old_db = old_dir.path().join("gembok.db");
    std::fs::copy(w.t.store.path(), &old_db).unwrap();

    w.vault.erase_subject(&owner(), w.a.id).unwrap();
    let ledger = w.vault.erasure_ledger().unwrap();

    let old_store = Arc::new(SqliteStore::open(&old_db).unwrap());
    let master = MasterKey::load_file(&w.t.key_path).unwrap();
    let old = Vault::open(old_store.clone(), master).unwrap();
    assert_eq!(
        old.count("customers").unwrap(),
        2,
        "the copy predates the erasure"
    );
    let removed = old
        .reapply_ledger(&gembok_core::Actor::system(), &ledger)
        .unwrap();
    assert_eq!(removed, 3);
    assert_eq!(old.count("customers").unwrap(), 1);
    assert!(old
        .find(&owner(), "customers", "email", w.a.email, None, View::Plain)
        .unwrap()
        .is_empty());
    assert_eq!(
        old.erasure_ledger().unwrap(),
        ledger,
        "the copy now knows the erasure"
    );
    // Applying it again finds nothing more to do.
    assert_eq!(
        old.reapply_ledger(&gembok_core::Actor::system(), &ledger)
            .unwrap(),
        0
    );
    let bytes = std::fs::read(&old_db).unwrap();
    assert!(!contains(&bytes, w.a.email.as_bytes()));
}
