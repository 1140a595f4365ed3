//! Two vaults on one PostgreSQL database, as two `gembok serve` processes would be,
//! writing and reading at the same time: the audit log stays one chain, gapless and
//! verifiable, because a position taken by the other side is refused as a conflict
//! and the loser reloads the head and retries.

mod common;

use std::sync::Arc;

use gembok_core::audit::AuditConfig;
use gembok_core::{Actor, Vault, View, DEFAULT_SCHEMA};
use gembok_crypto::MasterKey;
use serde_json::json;

const NAMES: [&str; 8] = [
    "Ani", "Budi", "Citra", "Dedi", "Eka", "Fajar", "Gita", "Hadi",
];

/// Create a customer for each of [`NAMES`] and read it back.
fn create_and_read(vault: &Vault, actor: &Actor) {
    for name in NAMES {
        let id = vault
            .create(actor, "customers", &json!({ "name": name }))
            .unwrap();
        vault
            .get(actor, "customers", id, None, View::Masked)
            .unwrap();
    }
}

#[test]
fn two_servers_on_one_database_build_one_chain() {
    let db = fresh_db!();
    let dir = tempfile::tempdir().unwrap();
    let key_path = dir.path().join("master.key");
    let first = Vault::initialize(
        Arc::new(db.store()),
        MasterKey::create_file(&key_path).unwrap(),
        DEFAULT_SCHEMA,
    )
    .unwrap();
    drop(first);
    let cfg = AuditConfig {
        checkpoint_every: 10,
        ..AuditConfig::default()
    };
    let servers: Vec<Arc<Vault>> = (0..2)
        .map(|_| {
            let master = MasterKey::load_file(&key_path).unwrap();
            Arc::new(Vault::open_with(Arc::new(db.store()), master, cfg.clone()).unwrap())
        })
        .collect();
    let threads: Vec<_> = (0..6)
        .map(|t| {
            let vault = Arc::clone(&servers[t % 2]);
            std::thread::spawn(move || {
                let actor = Actor {
                    principal: format!("key_server{}_{t}", t % 2),
                    ..Actor::system()
                };
                create_and_read(&vault, &actor);
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    for vault in &servers {
        let report = vault.audit().verify(&[]).unwrap();
        assert!(report.ok(), "{:?}", report.problem);
        assert_eq!(report.first_seq, 1);
        assert_eq!(report.events, 6 * 8 * 2, "every write and read, no gap");
        assert!(report.checkpoints >= 5);
    }
}

/// The lookup of events by record, which a subject's access history is read
/// through, is compared with the records the events name.
#[test]
fn verify_checks_the_lookup_of_events_by_record() {
    let db = fresh_db!();
    let dir = tempfile::tempdir().unwrap();
    let vault = Vault::initialize(
        Arc::new(db.store()),
        MasterKey::create_file(&dir.path().join("master.key")).unwrap(),
        DEFAULT_SCHEMA,
    )
    .unwrap();
    create_and_read(&vault, &Actor::system());
    assert!(vault.audit().verify(&[]).unwrap().ok());
    let mut c = db.client();
    let hidden: i64 = c
        .query_one(
            "DELETE FROM audit_refs WHERE seq = (SELECT max(seq) FROM audit_refs) RETURNING seq",
            &[],
        )
        .unwrap()
        .get(0);
    let problem = vault.audit().verify(&[]).unwrap().problem.unwrap();
    assert_eq!(problem.seq, Some(hidden as u64), "{}", problem.message);
    assert!(
        problem.message.contains("audit_refs"),
        "{}",
        problem.message
    );
}
