//! The audit chain end to end on a real SQLite vault: what events say, that they say
//! no value, that every kind of tampering is caught and located, that concurrent
//! writers build one gapless chain, and that retention and master-key rotation keep
//! the remaining chain verifiable.

mod common;

use std::sync::Arc;

use gembok_core::audit::{AuditConfig, Outcome};
use gembok_core::{Actor, CoreError, Vault, View};
use gembok_crypto::{AuditSigner, MasterKey};
use gembok_store::{AuditQuery, Mutation, Store};
use rusqlite::Connection;
use serde_json::json;

struct Fixture {
    t: common::TestVault,
    vault: Vault,
}

fn fixture(checkpoint_every: u64) -> Fixture {
    split_fixture(checkpoint_every, AuditConfig::default().verify_stretch)
}

/// A vault whose `verify` splits any chain of at least `2 * stretch` events into
/// stretches walked on their own threads.
fn split_fixture(checkpoint_every: u64, stretch: u64) -> Fixture {
    let t = common::vault();
    let cfg = AuditConfig {
        checkpoint_every,
        verify_stretch: stretch,
        ..AuditConfig::default()
    };
    let vault = Vault::open_with(
        t.store.clone(),
        MasterKey::load_file(&t.key_path).unwrap(),
        cfg,
    )
    .unwrap();
    Fixture { t, vault }
}

impl Fixture {
    fn raw(&self) -> Connection {
        Connection::open(self.t.dir.path().join("gembok.db")).unwrap()
    }

    /// Some traffic: creates, reads, a search, an update, a delete.
    fn traffic(&self, n: usize) {
        let a = Actor::system();
        for i in 0..n {
            let id = self
                .vault
                .create(&a, "customers", &json!({"name": format!("Pelanggan {}", letters(i)), "email": format!("p{i}@contoh.co.id")}))
                .unwrap();
            self.vault
                .get(&a, "customers", id, None, View::Masked)
                .unwrap();
            if i % 3 == 0 {
                self.vault
                    .update(&a, "customers", id, &json!({"name": "Nama Baru"}))
                    .unwrap();
            }
        }
    }

    fn verify_problem(&self) -> Option<(Option<u64>, String)> {
        let report = self.vault.audit().verify(&[]).unwrap();
        report.problem.map(|p| (p.seq, p.message))
    }
}

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
fn tampering_is_found_and_located() {
    type Tamper = fn(&Connection);
    let cases: [(&str, Tamper, u64); 6] = [
        (
            "change",
            |c| {
                c.execute("UPDATE audit_events SET body = CAST(replace(body, 'system', 'hacker') AS BLOB) WHERE seq = 4", []).unwrap();
            },
            4,
        ),
        (
            "delete",
            |c| {
                c.execute("DELETE FROM audit_events WHERE seq = 5", [])
                    .unwrap();
            },
            5,
        ),
        (
            "reorder",
            |c| {
                c.execute_batch(
                    "UPDATE audit_events SET seq = -1 WHERE seq = 6;
                             UPDATE audit_events SET seq = 6 WHERE seq = 7;
                             UPDATE audit_events SET seq = 7 WHERE seq = -1;",
                )
                .unwrap();
            },
            6,
        ),
        (
            "insert",
            |c| {
                c.execute_batch("UPDATE audit_events SET seq = seq + 1000 WHERE seq >= 3;
                             UPDATE audit_events SET seq = seq - 999 WHERE seq >= 1003;
                             INSERT INTO audit_events (seq, time, principal, action, refs, body, hash)
                               SELECT 3, time, principal, action, refs, body, hash FROM audit_events WHERE seq = 2;").unwrap();
            },
            3,
        ),
        (
            "change a column",
            |c| {
                c.execute(
                    "UPDATE audit_events SET principal = 'someone' WHERE seq = 2",
                    [],
                )
                .unwrap();
            },
            2,
        ),
        (
            // File an event under another record, so a subject's history would
            // show an access that never happened (or hide one that did).
            "change its records",
            |c| {
                c.execute(
                    "UPDATE audit_events SET refs = randomblob(16) WHERE seq = 3",
                    [],
                )
                .unwrap();
            },
            3,
        ),
    ];
    // Walked in one stretch, and split into stretches of 3 events or more (10 events:
    // the cases then sit at and next to the stretches' edges).
    for stretch in [100_000, 3] {
        for (name, tamper, at) in cases {
            let f = split_fixture(1000, stretch);
            f.traffic(4);
            assert_eq!(f.vault.audit().head_seq(), 10);
            assert_eq!(f.verify_problem(), None, "{name}: clean chain verifies");
            tamper(&f.raw());
            let (seq, message) = f
                .verify_problem()
                .unwrap_or_else(|| panic!("{name}, stretch {stretch}: not detected"));
            assert_eq!(seq, Some(at), "{name}, stretch {stretch}: {message}");
        }
    }
}

#[test]
fn a_split_walk_checks_every_event_once_and_every_stretch_edge() {
    let f = split_fixture(4, 5);
    f.traffic(10);
    let head = f.vault.audit().head_seq();
    let report = f.vault.audit().verify(&[]).unwrap();
    assert!(report.ok(), "{:?}", report.problem);
    assert_eq!(
        (report.events, report.first_seq, report.last_seq),
        (head, 1, head)
    );
    // Every event in turn changed (and put back): each is found, at its own position,
    // whichever stretch it falls in and wherever that stretch starts.
    for seq in 1..=head {
        let c = f.raw();
        let body: Vec<u8> = c
            .query_row(
                "SELECT body FROM audit_events WHERE seq = ?1",
                [seq as i64],
                |r| r.get(0),
            )
            .unwrap();
        let mut changed = body.clone();
        changed.push(b' ');
        c.execute(
            "UPDATE audit_events SET body = ?1 WHERE seq = ?2",
            rusqlite::params![changed, seq as i64],
        )
        .unwrap();
        assert_eq!(
            f.verify_problem().map(|p| p.0),
            Some(Some(seq)),
            "event {seq}"
        );
        c.execute(
            "UPDATE audit_events SET body = ?1 WHERE seq = ?2",
            rusqlite::params![body, seq as i64],
        )
        .unwrap();
    }
    assert_eq!(f.verify_problem(), None);
}

#[test]
fn checkpoints_catch_changes_truncation_and_foreign_keys() {
    for stretch in [100_000, 2] {
        checkpoints_catch_changes_truncation_and_foreign_keys_with(stretch);
    }
}

fn checkpoints_catch_changes_truncation_and_foreign_keys_with(stretch: u64) {
    let f = split_fixture(4, stretch);
    f.traffic(4);
    let cps = f.t.store.audit_checkpoints(0, 100).unwrap();
    assert!(cps.len() >= 2, "checkpoints every 4 events");
    assert_eq!(f.verify_problem(), None);

    // A checkpoint changed in the database no longer carries a valid signature.
    f.raw()
        .execute(
            "UPDATE audit_checkpoints SET hash = zeroblob(32) WHERE seq = 4",
            [],
        )
        .unwrap();
    assert_eq!(f.verify_problem().unwrap().0, Some(4));

    // A checkpoint signed with another key is refused.
    let f = split_fixture(4, stretch);
    f.traffic(2);
    let cp = f.t.store.audit_checkpoints(0, 1).unwrap().remove(0);
    let forged = gembok_core::audit::sign_checkpoint(
        &AuditSigner::generate().unwrap(),
        &f.vault.info().vault_id,
        cp.seq,
        &cp.hash,
        cp.time,
    );
    f.t.store
        .apply(&[Mutation::PutAuditCheckpoint(forged)])
        .unwrap();
    let (seq, message) = f.verify_problem().unwrap();
    assert_eq!(seq, Some(cp.seq));
    assert!(message.contains("not signed by a trusted"), "{message}");

    // Cutting events off the end is caught by the last checkpoint.
    let f = split_fixture(4, stretch);
    f.traffic(3);
    let last_cp =
        f.t.store
            .audit_checkpoints(0, 100)
            .unwrap()
            .pop()
            .unwrap()
            .seq;
    f.raw()
        .execute(
            "DELETE FROM audit_events WHERE seq >= ?1",
            [last_cp as i64 - 1],
        )
        .unwrap();
    let (seq, message) = f.verify_problem().unwrap();
    assert_eq!(seq, Some(last_cp), "{message}");
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
    let t = common::vault();
    let cfg = AuditConfig {
        checkpoint_every: 3,
        retention_days: 0,
        ..AuditConfig::default()
    };
    let vault = Vault::open_with(
        t.store.clone(),
        MasterKey::load_file(&t.key_path).unwrap(),
        cfg,
    )
    .unwrap();
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
    Connection::open(t.dir.path().join("gembok.db"))
        .unwrap()
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

fn gembok_core_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// A name part without digits (names may hold letters only).
fn letters(mut n: usize) -> String {
    let mut s = String::new();
    loop {
        s.push((b'a' + (n % 26) as u8) as char);
        n /= 26;
        if n == 0 {
            return s;
        }
    }
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

#[test]
fn the_lookup_of_events_by_record_is_checked_against_the_events() {
    // Enough events for the store to merge their refs into `audit_refs` (it does so
    // every 32,768), each naming one record.
    let f = fixture(100_000);
    let log = f.vault.audit();
    let actor = Actor::system();
    while log.head_seq() < 40_000 {
        let batch = (0..5_000)
            .map(|i| {
                gembok_core::AuditEvent::new(&actor, "record.read", gembok_core_now() + i)
                    .collection("customers")
                    .records([gembok_types::RecordId::generate()])
            })
            .collect();
        log.commit(Vec::new(), batch).unwrap();
    }
    let merged: i64 = f
        .raw()
        .query_row("SELECT count(*) FROM audit_refs", [], |r| r.get(0))
        .unwrap();
    assert!(merged >= 32_768, "refs were merged: {merged}");
    assert_eq!(f.verify_problem(), None);

    // (what, tampering, its undoing, the event named), on one connection (its
    // temporary table).
    let cases = [
        (
            "hide an access",
            "CREATE TEMP TABLE saved AS SELECT * FROM audit_refs WHERE seq = 100;
             DELETE FROM audit_refs WHERE seq = 100;",
            "INSERT INTO audit_refs SELECT * FROM saved; DROP TABLE saved;",
            100,
        ),
        (
            "invent an access",
            "INSERT INTO audit_refs (record, seq) VALUES (zeroblob(16), 7);",
            "DELETE FROM audit_refs WHERE record = zeroblob(16) AND seq = 7;",
            7,
        ),
        (
            "move an access",
            "UPDATE audit_refs SET seq = 200 WHERE seq = 300;",
            "UPDATE audit_refs SET seq = 300 WHERE seq = 200
               AND record NOT IN (SELECT r.record FROM audit_events e, audit_refs r
                                  WHERE e.seq = 200 AND r.seq = 200 AND instr(e.refs, r.record) > 0);",
            // Event 300 lost its entry, event 200 got a false one: the lower is named.
            200,
        ),
    ];
    for (name, tamper, undo, at) in cases {
        let c = f.raw();
        c.execute_batch(tamper).unwrap();
        let (seq, message) = f
            .verify_problem()
            .unwrap_or_else(|| panic!("{name}: not detected"));
        assert_eq!(seq, Some(at), "{name}: {message}");
        assert!(message.contains("audit_refs"), "{name}: {message}");
        c.execute_batch(undo).unwrap();
        assert_eq!(f.verify_problem(), None, "{name}: undone");
    }
}
