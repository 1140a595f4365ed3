//! How fast the audit chain can be walked: appends 100,000 events to a fresh store
//! in a temporary directory, then reads them all back with `audit_events` in pages
//! and prints events per second. Run with `--release`; it asserts nothing about time.

use gembok_store::{AuditRow, Mutation, Store};
use gembok_store_sqlite::SqliteStore;
use gembok_types::RecordId;
use std::time::Instant;

const EVENTS: u64 = 100_000;
const PAGE: usize = 10_000;

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteStore::open(&dir.path().join("vault.db")).expect("open store");
    let subject = RecordId::generate();
    let started = Instant::now();
    for chunk in (1..=EVENTS).collect::<Vec<_>>().chunks(5_000) {
        let slice: Vec<Mutation> = chunk
            .iter()
            .map(|&seq| {
                Mutation::AppendAudit(AuditRow {
                    seq,
                    time: 1_735_689_600_000 + seq as i64,
                    principal: format!("api:key{}", seq % 7),
                    action: "record.read".into(),
                    refs: vec![RecordId::generate(), subject],
                    body: vec![7; 160],
                    hash: vec![9; 32],
                })
            })
            .collect();
        store.apply(&slice).expect("append");
    }
    println!("appended {EVENTS} events in {:?}", started.elapsed());

    for round in 0..3 {
        let started = Instant::now();
        let (mut after, mut read) = (0, 0u64);
        loop {
            let page = store.audit_events(after, PAGE).expect("events");
            let Some(last) = page.last() else { break };
            after = last.seq;
            read += page.len() as u64;
        }
        let took = started.elapsed();
        assert_eq!(read, EVENTS);
        println!(
            "walk {round}: {read} events in {took:?} = {:.0} events/s",
            read as f64 / took.as_secs_f64()
        );
    }
}
