//! Two `gembok serve` processes on one fresh PostgreSQL database, as behind a load
//! balancer: concurrent writes through both end as one valid audit chain, a
//! credential's brute-force throttle and (with Redis) the per-address login limit hold
//! across both, a session made on one works and ends on the other, a data-key
//! rotation run beside them loses no write, and killing every database connection
//! under load loses no acknowledged write.
//!
//! Under `CI=true` a missing PostgreSQL or Redis fails the test; elsewhere the test
//! says it skipped. The vault the nodes share is made in `fixture.rs`; a node, its
//! process and its HTTP client, is in `node.rs`.

#[path = "../support/mod.rs"]
mod support;

mod fixture;
mod node;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use fixture::{
    count_actions, gembok_pg, redis_reachable, staff, vault, verify_audit, PASSWORD, REDIS,
};
use node::Node;
use support::pg::FreshDb as Database;
use support::{json, ok};

#[test]
fn two_nodes_share_writes_audit_sessions_throttles_and_key_rotation() {
    let Some(db) = Database::create("cluster") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let (dir, key) = vault(tmp.path(), &db, "");
    let a = Node::start(&dir, &db.url());
    let b = Node::start(&dir, &db.url());
    let nodes = [&a, &b];

    // 2 x 200 creates at once, four clients per node.
    let ids = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for t in 0..8 {
            let (node, key, ids) = (nodes[t % 2], &key, &ids);
            s.spawn(move || {
                for i in 0..50 {
                    let (status, id) = node.create(key, t * 1000 + i);
                    assert_eq!(status, 201);
                    ids.lock().unwrap().push(id.unwrap());
                }
            });
        }
    });
    let ids = ids.into_inner().unwrap();
    assert_eq!(ids.len(), 400);
    for (i, id) in ids.iter().enumerate() {
        assert_eq!(nodes[i % 2].get_status(&key, id), 200);
        assert_eq!(nodes[(i + 1) % 2].get_status(&key, id), 200);
    }
    let count = |db: &Database| -> i64 {
        db.client()
            .query_one("SELECT count(*) FROM audit_events", &[])
            .unwrap()
            .get(0)
    };
    let before = count(&db);
    let v = verify_audit(&dir, &db);
    let after = count(&db);
    assert_eq!(count_actions(&db, "record.create"), 400);
    // `audit verify` records its own run once it has walked the chain.
    let events = v["events"].as_i64().unwrap();
    assert!(
        before <= events && events <= after,
        "{before} <= {events} <= {after}"
    );
    assert_eq!(
        v["last_seq"].as_i64(),
        Some(events),
        "one chain: no gap, no fork"
    );

    // A session made on A works on B; logging out on B ends it on A.
    staff(&dir, &db, &a, "dewi@contoh.co.id");
    let (status, out) = a.login("dewi@contoh.co.id", PASSWORD);
    assert_eq!(status, 200, "{out}");
    let session = out["session"].as_str().unwrap().to_owned();
    assert_eq!(b.call("GET", "/v1/auth/me", Some(&session), None).0, 200);
    let (status, out) = b.call("POST", "/v1/auth/logout", Some(&session), Some(""));
    assert!(status < 300, "logout on B: {status} {out}");
    assert_eq!(a.call("GET", "/v1/auth/me", Some(&session), None).0, 401);

    // A credential's throttle counts failures from both nodes as one: alternating
    // wrong passwords meet the wait at the same attempt as on a single node.
    staff(&dir, &db, &a, "budi@contoh.co.id");
    staff(&dir, &db, &a, "sari@contoh.co.id");
    let first_refusal = |email: &str, spread: bool| {
        (1..=10)
            .find(|n| {
                let node = if spread { nodes[n % 2] } else { &a };
                let (status, out) = node.login(email, "salah-sandi-sekali-lagi-99");
                match status {
                    401 => false,
                    429 => {
                        assert_eq!(out["error"]["code"], "too_many_attempts", "{out}");
                        true
                    }
                    other => panic!("unexpected {other}: {out}"),
                }
            })
            .expect("the throttle answered within ten attempts")
    };
    let spread = first_refusal("budi@contoh.co.id", true);
    let single = first_refusal("sari@contoh.co.id", false);
    assert_eq!(spread, single, "two nodes give no extra guesses");
    assert_eq!(single, 7, "five free failures, the sixth starts the wait");

    // A data-key rotation by another process while both nodes write: no write is
    // sealed under a key the rotation deletes, and each node reads what the other
    // wrote under the new key.
    let stop = AtomicBool::new(false);
    let during = Mutex::new(Vec::new());
    let rotated = std::thread::scope(|s| {
        for (t, node) in nodes.iter().copied().enumerate().take(2) {
            let (key, stop, during) = (&key, &stop, &during);
            s.spawn(move || {
                let mut n = 0;
                while !stop.load(Ordering::Relaxed) {
                    let (status, id) = node.create(key, 50_000 + t * 10_000 + n);
                    assert_eq!(status, 201);
                    during.lock().unwrap().push(id.unwrap());
                    n += 1;
                }
            });
        }
        let out = gembok_pg(&dir, &db.url(), &["--output", "json", "keys", "rotate"]);
        stop.store(true, Ordering::Relaxed);
        json(&ok(out))
    });
    assert_eq!(rotated["versions"]["customers"], 2, "{rotated}");
    let during = during.into_inner().unwrap();
    assert!(!during.is_empty());
    for id in during.iter().chain(&ids) {
        assert_eq!(a.get_status(&key, id), 200);
        assert_eq!(b.get_status(&key, id), 200);
    }
    let (status, id) = a.create(&key, 99_999);
    assert_eq!(status, 201);
    assert_eq!(b.get_status(&key, &id.unwrap()), 200);
    let versions: Vec<i64> = db
        .client()
        .query(
            "SELECT version FROM keys WHERE purpose = 'data:customers' ORDER BY version",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    // Version 1 is deleted only when no record needs it any more: a write sealed by a
    // node in the second before it saw version 2 keeps it (and stays readable above).
    assert_eq!(versions.last(), Some(&2), "{versions:?}");
    verify_audit(&dir, &db);
}

#[test]
fn the_login_limit_per_address_is_shared_through_redis_and_fails_closed() {
    let Some(db) = Database::create("cluster") else {
        return;
    };
    if !redis_reachable() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let (dir, key) = vault(
        tmp.path(),
        &db,
        &format!("[cluster]\nredis_url = \"redis://{REDIS}\""),
    );
    let a = Node::start(&dir, &db.url());
    let b = Node::start(&dir, &db.url());
    // 20 attempts a minute from one address in total, alternating between the nodes;
    // a new unknown address each time, so no per-account throttle answers first.
    for n in 0..20 {
        let node = if n % 2 == 0 { &a } else { &b };
        let (status, out) = node.login(&format!("tamu{n}@contoh.co.id"), "bukan-sandi-ini-77");
        assert_eq!(status, 401, "attempt {n}: {out}");
    }
    for node in [&a, &b] {
        let (status, out) = node.login("tamu99@contoh.co.id", "bukan-sandi-ini-77");
        assert_eq!(status, 429, "{out}");
        assert_eq!(out["error"]["code"], "too_many_login_attempts");
    }
    // Other requests are not credential attempts and still pass.
    assert_eq!(a.create(&key, 1).0, 201);

    // A node whose Redis is unreachable refuses credential attempts (503) but keeps
    // serving the API (the general rate limits fail open).
    let toml = dir.join("gembok.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(&toml, text.replace(REDIS, "127.0.0.1:1")).unwrap();
    let c = Node::start(&dir, &db.url());
    let (status, out) = c.login("tamu100@contoh.co.id", "bukan-sandi-ini-77");
    assert_eq!(status, 503, "{out}");
    assert_eq!(out["error"]["code"], "limiter_unavailable");
    assert_eq!(c.create(&key, 2).0, 201);
}

#[test]
fn killed_database_connections_lose_no_acknowledged_write() {
    let Some(db) = Database::create("cluster") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let (dir, key) = vault(tmp.path(), &db, "");
    let a = Node::start(&dir, &db.url());
    let b = Node::start(&dir, &db.url());
    let nodes = [&a, &b];
    let acked = Arc::new(Mutex::new(Vec::new()));
    let refused = Mutex::new(0usize);
    let stop = AtomicBool::new(false);
    let mut kills = 0;
    std::thread::scope(|s| {
        for t in 0..6 {
            let (node, key, stop, acked, refused) = (nodes[t % 2], &key, &stop, &acked, &refused);
            s.spawn(move || {
                let mut n = 0;
                while !stop.load(Ordering::Relaxed) {
                    match node.create(key, t * 100_000 + n) {
                        (201, Some(id)) => acked.lock().unwrap().push(id),
                        (503, _) => *refused.lock().unwrap() += 1,
                        (status, _) => panic!("unexpected answer {status} under load"),
                    }
                    n += 1;
                }
            });
        }
        let start = Instant::now();
        std::thread::sleep(Duration::from_millis(500));
        while start.elapsed() < Duration::from_secs(6) {
            if db.terminate_connections() > 0 {
                kills += 1;
            }
            std::thread::sleep(Duration::from_millis(700));
        }
        std::thread::sleep(Duration::from_millis(500));
        stop.store(true, Ordering::Relaxed);
    });
    assert!(kills >= 3, "connections were terminated {kills} times");
    let acked = acked.lock().unwrap().clone();
    let refused = *refused.lock().unwrap();
    assert!(
        acked.len() > 50,
        "writes went on: {} acknowledged",
        acked.len()
    );
    assert!(
        refused * 5 < acked.len(),
        "most writes recovered by retrying: {refused} refused, {} acknowledged",
        acked.len()
    );
    // Both nodes answer again, and every acknowledged write is there.
    for node in nodes {
        assert_eq!(node.create(&key, 999_999).0, 201);
    }
    for (i, id) in acked.iter().enumerate() {
        assert_eq!(
            nodes[i % 2].get_status(&key, id),
            200,
            "acknowledged {id} is lost"
        );
    }
    let stored: i64 = db
        .client()
        .query_one(
            "SELECT count(*) FROM records WHERE collection = 'customers'",
            &[],
        )
        .unwrap()
        .get(0);
    assert!(stored as usize >= acked.len() + 2);
    let v = verify_audit(&dir, &db);
    assert!(v["events"].as_i64().unwrap() as usize >= acked.len());
}
