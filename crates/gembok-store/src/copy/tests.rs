//! The copy routine against the in-memory store: everything arrives unchanged and in
//! bounded transactions, a non-empty target is refused, and verification names the
//! kind that differs without quoting anything stored.

use super::*;
use crate::testkit::MemoryStore;
use crate::{AuditCheckpoint, AuditRow, KeyRecord, RecordMeta, SchemaVersion, SealedField};
use crate::{SealedRecord, Store};

fn sealed(collection: &str, n: u32, fields: &[&str]) -> SealedRecord {
    let id = RecordId::generate();
    let fields: Vec<SealedField> = fields
        .iter()
        .map(|f| SealedField {
            name: (*f).to_owned(),
            key_version: 1 + n % 2,
            ciphertext: format!("{f}-{n}").into_bytes(),
        })
        .collect();
    SealedRecord {
        meta: RecordMeta {
            collection: collection.to_owned(),
            id,
            subject: id,
            created_at: 1_000 + i64::from(n),
            updated_at: 2_000 + i64::from(n),
            min_key_version: crate::codec::min_key_version(&fields),
        },
        fields,
    }
}

/// A store with every kind of data, more records than one batch, a record with no
/// fields, an index entry whose record is gone and an audit chain that starts late.
fn filled() -> MemoryStore {
    let store = MemoryStore::new();
    let mut muts = vec![
        Mutation::PutSetting {
            name: "vault_id".into(),
            value: b"v1".to_vec(),
        },
        Mutation::PutKey(KeyRecord {
            purpose: "index".into(),
            version: 1,
            wrapped: vec![1, 2, 3],
            created_at: 5,
        }),
        Mutation::PutSchema(SchemaVersion {
            version: 1,
            document: "[collections]".into(),
            applied_at: 6,
        }),
        Mutation::PutDoc {
            kind: "api_key".into(),
            id: "k1".into(),
            body: b"{}".to_vec(),
        },
        Mutation::PutIndex(IndexEntry {
            collection: "gone".into(),
            field: "email".into(),
            digest: vec![9; 16],
            record: RecordId::generate(),
        }),
        Mutation::Insert(sealed("events", 0, &[])),
    ];
    for n in 0..2_500 {
        let rec = sealed("customers", n, &["email", "name"]);
        muts.push(Mutation::PutIndex(IndexEntry {
            collection: "customers".into(),
            field: "email".into(),
            digest: n.to_be_bytes().to_vec(),
            record: rec.meta.id,
        }));
        muts.push(Mutation::Insert(rec));
    }
    for seq in 5..=9u64 {
        muts.push(Mutation::AppendAudit(AuditRow {
            seq,
            time: 10 * seq as i64,
            principal: "system".into(),
            action: "record.create".into(),
            refs: vec![RecordId::generate()],
            body: vec![seq as u8; 3],
            hash: vec![seq as u8; 32],
        }));
    }
    muts.push(Mutation::PutAuditCheckpoint(AuditCheckpoint {
        seq: 7,
        hash: vec![7; 32],
        time: 70,
        key_id: "k".into(),
        signature: vec![1; 64],
    }));
    store.apply(&muts).expect("fill");
    store
}

#[test]
fn copy_moves_everything_in_bounded_batches() {
    let from = filled();
    let to = MemoryStore::new();
    let mut seen = Vec::new();
    let report = copy_store(&from, &to, &mut |p| seen.push(p)).expect("copy");
    let verified = verify_copy(&from, &to).expect("verify");
    assert_eq!(report, verified);
    let count = |k| report.get(k).map(|s| s.count);
    assert_eq!(count(Kind::Records), Some(2_501));
    assert_eq!(count(Kind::IndexEntries), Some(2_501));
    assert_eq!(count(Kind::AuditEvents), Some(5));
    assert_eq!(count(Kind::AuditCheckpoints), Some(1));
    assert_eq!(count(Kind::Settings), Some(1));
    // Customers in three transactions of at most BATCH, then the one event.
    let records: Vec<u64> = seen
        .iter()
        .filter(|p| p.kind == Kind::Records)
        .map(|p| p.done)
        .collect();
    assert_eq!(records, vec![1_000, 2_000, 2_500, 2_501]);
    assert_eq!(seen.last().map(|p| p.kind), Some(Kind::Settings));
    // Byte for byte: the empty record, metadata and the audit chain.
    let all = |s: &MemoryStore, c: &str| {
        let ids: Vec<RecordId> = s
            .list(c, None, usize::MAX)
            .unwrap()
            .iter()
            .map(|m| m.id)
            .collect();
        s.get(c, &ids, None).unwrap()
    };
    assert_eq!(all(&from, "events"), all(&to, "events"));
    assert_eq!(all(&from, "customers"), all(&to, "customers"));
    assert_eq!(
        from.audit_events(0, 100).unwrap(),
        to.audit_events(0, 100).unwrap()
    );
    assert_eq!(from.audit_head().unwrap(), to.audit_head().unwrap());
}

#[test]
fn a_target_that_holds_anything_is_refused_untouched() {
    let from = filled();
    let to = MemoryStore::new();
    to.apply(&[Mutation::PutDoc {
        kind: "x".into(),
        id: "y".into(),
        body: Vec::new(),
    }])
    .unwrap();
    let err = copy_store(&from, &to, &mut |_| {}).expect_err("refused");
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    assert!(to.keys().unwrap().is_empty());
    assert!(to.collections().unwrap().is_empty());
}

#[test]
fn verify_names_the_kind_that_differs_and_no_value() {
    let from = filled();
    let to = MemoryStore::new();
    copy_store(&from, &to, &mut |_| {}).unwrap();
    let id = from.list("customers", None, 1).unwrap()[0].id;
    // Same count, one ciphertext changed (and its time kept), as tampering would.
    let mut rec = from.get("customers", &[id], None).unwrap().remove(0);
    rec.fields[0].ciphertext = b"secret-tampered".to_vec();
    to.apply(&[Mutation::UpdateFields {
        collection: "customers".into(),
        id,
        set: rec.fields.clone(),
        remove: Vec::new(),
        updated_at: rec.meta.updated_at,
    }])
    .unwrap();
    let err = verify_copy(&from, &to).expect_err("differs");
    let text = err.to_string();
    assert!(text.contains("records"), "{text}");
    assert!(!text.contains("secret"), "{text}");

    let to = MemoryStore::new();
    copy_store(&from, &to, &mut |_| {}).unwrap();
    to.apply(&[Mutation::PruneAudit { through: 5 }]).unwrap();
    let text = verify_copy(&from, &to).expect_err("differs").to_string();
    assert!(text.contains("audit_events"), "{text}");
}
