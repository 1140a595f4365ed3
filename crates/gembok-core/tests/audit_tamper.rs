//! Tampering with the audit tables of a real SQLite vault, and `verify` catching it:
//! every kind of change to events and checkpoints is found and located, whether the
//! chain is walked whole or in stretches on several threads, and so is any change to
//! the lookup of events by record.

mod audit_support;
mod common;

use audit_support::*;
use gembok_core::Actor;
use gembok_crypto::AuditSigner;
use gembok_store::{Mutation, Store};
use rusqlite::Connection;

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
