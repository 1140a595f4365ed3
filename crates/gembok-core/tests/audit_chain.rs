//! The audit chain end to end on a real SQLite vault: what events say, that they say
//! no value, that concurrent writers build one gapless chain, that reads fail closed,
//! that checkpoints reach added sinks, and that retention and master-key rotation
//! keep the remaining chain verifiable. Tampering is in `audit_tamper`.

mod audit_support;
mod common;

use std::sync::Arc;

use audit_support::*;
use gembok_core::audit::{AuditConfig, Outcome};
use gembok_core::{Actor, CoreError, Vault, View};
use gembok_crypto::MasterKey;
use gembok_store::{AuditQuery, Store};
use serde_json::json;

#[test]
fn every_operation_leaves_an_event_naming_ids_and_fields_only() {
    let f = fixture(1000);
    let actor = Actor {
        principal: "key_abc".into(),
        role: "support".into(),
        purpose: Some("service".into()),
        client: Some("10.1.2.3".into()),
        request_id: Some("req-1".into()),
    };
    let id = f
        .vault
        .create(
            &actor,
            "customers",
            &json!({"name": "Siti Aminah", "email": "siti@contoh.co.id"}),
        )
        .unwrap();
    f.vault
        .get(&actor, "customers", id, Some(&["email"]), View::Masked)
        .unwrap();
    f.vault
        .find(
            &actor,
            "customers",
            "email",
            "siti@contoh.co.id",
            None,
            View::Masked,
        )
        .unwrap();
    f.vault.delete(&actor, "customers", id).unwrap();
    let page = f
        .vault
        .audit()
        .query(
            &AuditQuery {
                record: Some(id),
                ..Default::default()
            },
            None,
            100,
        )
        .unwrap();
    let actions: Vec<&str> = page
        .events
        .iter()
        .map(|e| e.event.action.as_str())
        .collect();
    assert_eq!(
        actions,
        [
            "record.delete",
            "record.search",
            "record.read",
            "record.create"
        ]
    );
    let read = &page.events[2].event;
    assert_eq!(read.principal, "key_abc");
    assert_eq!(read.role, "support");
    assert_eq!(read.purpose.as_deref(), Some("service"));
    assert_eq!(read.client.as_deref(), Some("10.1.2.3"));
    assert_eq!(read.request_id.as_deref(), Some("req-1"));
    assert_eq!(read.collection.as_deref(), Some("customers"));
    assert_eq!(read.records, vec![id]);
    assert_eq!(read.subjects, vec![id]);
    assert_eq!(read.fields, vec!["email".to_owned()]);
    assert_eq!(read.outcome, Outcome::Ok);
    assert!(f.vault.audit().verify(&[]).unwrap().ok());
}

#[test]
fn the_audit_tables_hold_no_personal_value() {
    let f = fixture(3);
    let a = Actor::system();
    let values = [
        "Bambang Sutrisno",
        "bambang.s@contoh.co.id",
        "081234567890",
        "3171012001900003",
    ];
    let id = f
        .vault
        .create(
            &a,
            "customers",
            &json!({"name": values[0], "email": values[1], "phone": values[2], "nik": values[3]}),
        )
        .unwrap();
    f.vault.get(&a, "customers", id, None, View::Plain).unwrap();
    f.vault
        .find(&a, "customers", "email", values[1], None, View::Plain)
        .unwrap();
    let raw = f.raw();
    let mut stmt = raw
        .prepare("SELECT principal, action, body, hash, refs FROM audit_events")
        .unwrap();
    let mut bytes = Vec::new();
    let rows = stmt
        .query_map([], |r| {
            let mut b: Vec<u8> = r.get::<_, String>(0)?.into_bytes();
            b.extend(r.get::<_, String>(1)?.into_bytes());
            b.extend(r.get::<_, Vec<u8>>(2)?);
            b.extend(r.get::<_, Vec<u8>>(3)?);
            b.extend(r.get::<_, Vec<u8>>(4)?);
            Ok(b)
        })
        .unwrap();
    for r in rows {
        bytes.extend(r.unwrap());
    }
    assert!(bytes.len() > 100, "events were written");
    for v in values
        .iter()
        .chain(["bambang", "Bambang", "+6281234567890", "6281234567890"].iter())
    {
        assert!(
            !bytes.windows(v.len()).any(|w| w == v.as_bytes()),
            "a personal value is in the audit table"
        );
    }
}

#[test]
fn eight_concurrent_writers_build_one_gapless_chain() {
    let f = Arc::new(fixture(50));
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let f = Arc::clone(&f);
            std::thread::spawn(move || {
                let a = Actor {
                    principal: format!("key_writer{t}"),
                    ..Actor::system()
                };
                for i in 0..40 {
                    let id = f
                        .vault
                        .create(
                            &a,
                            "customers",
                            &json!({"name": format!("Penulis {} {}", letters(t), letters(i))}),
                        )
                        .unwrap();
                    f.vault
                        .get(&a, "customers", id, None, View::Masked)
                        .unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let report = f.vault.audit().verify(&[]).unwrap();
    assert!(report.ok(), "{:?}", report.problem);
    assert_eq!(report.events, 8 * 40 * 2);
    assert_eq!(report.first_seq, 1);
    assert_eq!(report.last_seq, 640);
}

#[test]
fn reads_fail_closed_when_the_log_cannot_be_written() {
    let f = fixture(1000);
    let a = Actor::system();
    let id = f
        .vault
        .create(&a, "customers", &json!({"name": "Dewi Lestari"}))
        .unwrap();
    f.raw()
        .execute_batch("CREATE TRIGGER no_audit BEFORE INSERT ON audit_events BEGIN SELECT RAISE(ABORT, 'audit disk full'); END;")
        .unwrap();
    let err = f
        .vault
        .get(&a, "customers", id, None, View::Plain)
        .unwrap_err();
    assert!(matches!(err, CoreError::AuditUnavailable), "{err}");
    // A write fails as a whole: the record is not stored without its event.
    assert!(f
        .vault
        .create(&a, "customers", &json!({"name": "Tanpa Jejak"}))
        .is_err());
    assert_eq!(f.vault.count("customers").unwrap(), 1);
    f.raw().execute_batch("DROP TRIGGER no_audit;").unwrap();
    assert!(f.vault.get(&a, "customers", id, None, View::Plain).is_ok());
    assert!(f.vault.audit().verify(&[]).unwrap().ok());
}

#[test]
fn pruning_keeps_a_signed_anchor_and_the_rest_verifies() {
    let f = fixture_with(AuditConfig {
        checkpoint_every: 3,
        retention_days: 0,
        ..AuditConfig::default()
    });
    let vault = &f.vault;
    let a = Actor::system();
    for i in 0..5 {
        vault
            .create(
                &a,
                "customers",
                &json!({"name": format!("Lama {}", letters(i))}),
            )
            .unwrap();
    }
    std::thread::sleep(std::time::Duration::from_millis(5));
    let report = vault.audit().prune(&a, gembok_core_now()).unwrap();
    assert_eq!(report.removed, 4, "all but the newest event");
    let verified = vault.audit().verify(&[]).unwrap();
    assert!(verified.ok(), "{:?}", verified.problem);
    assert_eq!(verified.first_seq, 5);
    assert_eq!(verified.last_seq, 6, "the prune is itself an event");
    // Dropping more from the front breaks the link to the anchor.
    f.raw()
        .execute("DELETE FROM audit_events WHERE seq = 5", [])
        .unwrap();
    assert_eq!(
        vault.audit().verify(&[]).unwrap().problem.unwrap().seq,
        Some(5)
    );
}

#[test]
fn checkpoints_from_before_a_master_key_rotation_still_verify() {
    let f = fixture(2);
    f.traffic(2);
    let before = f.vault.audit().signing_key_id();
    let new_path = f.t.dir.path().join("new.key");
    f.vault
        .rotate_master(&Actor::system(), MasterKey::create_file(&new_path).unwrap())
        .unwrap();
    f.traffic(2);
    assert_ne!(f.vault.audit().signing_key_id(), before);
    let reopened =
        Vault::open(f.t.store.clone(), MasterKey::load_file(&new_path).unwrap()).unwrap();
    let report = reopened.audit().verify(&[]).unwrap();
    assert!(report.ok(), "{:?}", report.problem);
    assert!(report.checkpoints >= 4);
}

#[derive(Default)]
struct Copies(std::sync::Mutex<Vec<gembok_store::AuditCheckpoint>>);

impl gembok_core::audit::CheckpointSink for Copies {
    fn publish(&self, cp: &gembok_store::AuditCheckpoint) {
        self.0.lock().unwrap().push(cp.clone());
    }
}

#[test]
fn added_sinks_receive_every_checkpoint_and_verify_accepts_them() {
    let f = fixture(3);
    let copies = Arc::new(Copies::default());
    f.vault.audit().add_checkpoint_sink(copies.clone());
    f.traffic(3);
    let got = copies.0.lock().unwrap().clone();
    let stored = f.t.store.audit_checkpoints(0, 100).unwrap();
    assert!(got.len() >= 2);
    assert_eq!(got, stored, "the sink saw exactly the stored checkpoints");
    let report = f.vault.audit().verify(&got).unwrap();
    assert!(report.ok(), "{:?}", report.problem);
    assert_eq!(report.external_checkpoints, got.len() as u64);
}
