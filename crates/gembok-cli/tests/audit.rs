//! `gembok audit` end to end on the real binary: verification of an honest log, of one
//! altered in the database file, and of one cut short behind the external checkpoint
//! copy; export that re-verifies link by link; list filters; retention; and the
//! `[audit]` settings of `gembok.toml`.

use gembok_core::audit::{link, GENESIS};
use serde_json::Value;

mod support;

use support::{db, gembok, json, ok, put, stderr, vault};

#[test]
fn verify_passes_on_an_honest_log_and_records_itself() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    vault(dir, "");
    let id = put(dir, "rina@contoh.co.id");
    ok(gembok(dir, &["get", "customers", &id]));
    let human = ok(gembok(dir, &["audit", "verify"]));
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(text.contains("audit log verified: 2 events"), "{text}");
    assert!(text.contains("events/s"), "{text}");

    let report = json(&ok(gembok(dir, &["--output", "json", "audit", "verify"])));
    assert_eq!(report["ok"], true);
    // create, read, and the first verification.
    assert_eq!(report["events"], 3);
    assert_eq!(report["last_seq"], 3);
    assert!(report["problem"].is_null());

    let listed = verify_events(dir);
    let events = listed["events"].as_array().unwrap();
    assert_eq!(events.len(), 2);
    assert_eq!(events[0]["event"]["outcome"], "ok");
    assert_eq!(events[0]["event"]["code"], "through:3");
}

#[test]
fn an_event_altered_in_the_database_fails_verify_with_exit_5_naming_it() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    vault(dir, "");
    let id = put(dir, "rina@contoh.co.id");
    ok(gembok(dir, &["get", "customers", &id]));
    ok(gembok(dir, &["get", "customers", &id]));
    let changed = db(dir)
        .execute(
            "UPDATE audit_events SET body = CAST(replace(body,'local','LOCAL') AS BLOB) WHERE seq = 2",
            [],
        )
        .unwrap();
    assert_eq!(changed, 1);

    let out = gembok(dir, &["audit", "verify"]);
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("audit log verification FAILED at event 2:"),
        "{}",
        stderr(&out)
    );

    let out = gembok(dir, &["--output", "json", "audit", "verify"]);
    assert_eq!(out.status.code(), Some(5));
    let report = json(&out);
    assert_eq!(report["ok"], false);
    assert_eq!(report["problem"]["seq"], 2);
    assert_eq!(report["events"], 1, "only event 1 precedes the break");

    // Both failures are in the log, for the monitor and for whoever reads it later.
    let listed = verify_events(dir);
    let events = listed["events"].as_array().unwrap();
    assert_eq!(events.len(), 2);
    for e in events {
        assert_eq!(e["event"]["outcome"], "failed");
        assert_eq!(e["event"]["code"], "broken_at:2");
    }
}

#[test]
fn export_gives_one_line_per_event_that_recomputes_the_chain() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    vault(dir, "");
    for i in 0..3 {
        let id = put(dir, &format!("user{i}@contoh.co.id"));
        ok(gembok(dir, &["get", "customers", &id]));
    }
    let out = ok(gembok(dir, &["audit", "export"]));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 6);
    let mut prev = GENESIS;
    for (i, line) in lines.iter().enumerate() {
        let v: Value = serde_json::from_str(line).unwrap();
        assert_eq!(v["seq"], i as u64 + 1);
        assert_eq!(v["event"]["v"], 1);
        // The event exactly as printed is the body the chain hashed.
        let at = line.find(",\"event\":").unwrap();
        let body = &line[at + 9..line.len() - 1];
        let hash = link(&prev, i as u64 + 1, body.as_bytes());
        assert_eq!(v["hash"], hex_of(&hash), "line {}", i + 1);
        prev = hash;
    }
    assert_eq!(
        serde_json::from_str::<Value>(lines[1]).unwrap()["event"]["action"],
        "record.read"
    );

    // The export was recorded; a later export from a position starts after it.
    let file = dir.join("tail.jsonl");
    let out = ok(gembok(
        dir,
        &[
            "--output",
            "json",
            "audit",
            "export",
            "--after",
            "5",
            "--file",
            file.to_str().unwrap(),
        ],
    ));
    assert_eq!(json(&out)["events"], 2);
    let tail = std::fs::read_to_string(&file).unwrap();
    let seqs: Vec<u64> = tail
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["seq"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(seqs, vec![6, 7]);
    let exported: Value = serde_json::from_str(tail.lines().last().unwrap()).unwrap();
    assert_eq!(exported["event"]["action"], "audit.export");
    assert_eq!(exported["event"]["code"], "count:6");
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn list_filters_by_action_record_and_time_newest_first() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    vault(dir, "");
    let a = put(dir, "a@contoh.co.id");
    let b = put(dir, "b@contoh.co.id");
    ok(gembok(dir, &["get", "customers", &a]));
    ok(gembok(dir, &["get", "customers", &b]));
    ok(gembok(dir, &["get", "customers", &b]));

    let list = |args: &[&str]| {
        let mut all = vec!["--output", "json", "audit", "list"];
        all.extend_from_slice(args);
        json(&ok(gembok(dir, &all)))
    };
    let created = list(&["--action", "record.create"]);
    let events = created["events"].as_array().unwrap();
    assert_eq!(events.len(), 2);
    assert!(events
        .iter()
        .all(|e| e["event"]["action"] == "record.create"));
    assert_eq!(events[0]["seq"], 2, "newest first");
    assert_eq!(events[1]["seq"], 1);

    let reads_of_b = list(&["--action", "record.read", "--record", &b]);
    assert_eq!(reads_of_b["events"].as_array().unwrap().len(), 2);

    let paged = list(&["--action", "record.read", "--limit", "2"]);
    assert_eq!(paged["events"].as_array().unwrap().len(), 2);
    let next = paged["next"].as_u64().unwrap();
    let rest = list(&["--action", "record.read", "--before", &next.to_string()]);
    assert_eq!(rest["events"].as_array().unwrap().len(), 1);
    assert_eq!(rest["events"][0]["seq"], 3);

    let future = list(&["--since", "2999-01-01T00:00:00Z"]);
    assert!(future["events"].as_array().unwrap().is_empty());
    let past = list(&["--until", "2000-01-01T00:00:00+07:00"]);
    assert!(past["events"].as_array().unwrap().is_empty());

    let human = ok(gembok(dir, &["audit", "list", "--principal", "system"]));
    assert!(String::from_utf8_lossy(&human.stdout).contains("no audit events match"));
    let table = ok(gembok(dir, &["audit", "list", "--action", "record.create"]));
    let table = String::from_utf8_lossy(&table.stdout);
    assert!(
        table.contains("record.create") && table.contains(&a),
        "{table}"
    );

    let bad = gembok(dir, &["audit", "list", "--since", "yesterday"]);
    assert_eq!(bad.status.code(), Some(3));
    assert!(stderr(&bad).contains("RFC 3339"));
}

#[test]
fn the_external_checkpoint_file_catches_events_cut_off_the_end() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    vault(
        dir,
        "\n[audit]\ncheckpoint_every = 2\ncheckpoint_file = \"checkpoints.jsonl\"\n",
    );
    for i in 0..5 {
        put(dir, &format!("user{i}@contoh.co.id"));
    }
    let file = dir.join("checkpoints.jsonl");
    let lines: Vec<Value> = std::fs::read_to_string(&file)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let seqs: Vec<u64> = lines.iter().map(|l| l["seq"].as_u64().unwrap()).collect();
    assert_eq!(seqs, vec![2, 4]);
    assert!(lines[0]["signature"].as_str().unwrap().len() >= 128);
    let report = json(&ok(gembok(dir, &["--output", "json", "audit", "verify"])));
    assert_eq!(report["external_checkpoints"], 2);

    // Someone with the database cuts the last events and the checkpoints naming them.
    let conn = db(dir);
    conn.execute("DELETE FROM audit_events WHERE seq > 2", [])
        .unwrap();
    conn.execute("DELETE FROM audit_checkpoints WHERE seq > 2", [])
        .unwrap();
    drop(conn);

    // The database alone looks whole...
    let empty = dir.join("none.jsonl");
    std::fs::write(&empty, "").unwrap();
    ok(gembok(
        dir,
        &["audit", "verify", "--checkpoints", empty.to_str().unwrap()],
    ));
    // ...the external copy shows how far the chain reached.
    let out = gembok(dir, &["audit", "verify"]);
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("FAILED at event 4"), "{err}");
    assert!(err.contains("events were removed"), "{err}");
    let explicit = gembok(
        dir,
        &["audit", "verify", "--checkpoints", file.to_str().unwrap()],
    );
    assert_eq!(explicit.status.code(), Some(5));
}

#[test]
fn audit_settings_are_checked_and_survive_a_master_key_rotation() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("v");
    vault(&dir, "\n[audit]\ncheckpoint_evry = 2\n");
    let out = gembok(&dir, &["audit", "verify"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("checkpoint_evry"), "{err}");
    assert!(err.contains("gembok.toml"), "{err}");

    let path = dir.join("gembok.toml");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("checkpoint_evry", "checkpoint_every");
    std::fs::write(&path, text).unwrap();
    let new_key = tmp.path().join("new.key");
    ok(gembok(
        &dir,
        &[
            "keys",
            "rotate-master",
            "--new-key-file",
            new_key.to_str().unwrap(),
        ],
    ));
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("checkpoint_every = 2"), "{text}");
    assert!(text.contains("new.key"), "{text}");
    for _ in 0..2 {
        put(&dir, "rina@contoh.co.id");
    }
    let report = json(&ok(gembok(&dir, &["--output", "json", "audit", "verify"])));
    // The rotation, two creates: a checkpoint every two events.
    assert_eq!(report["events"], 3);
    assert_eq!(report["checkpoints"], 1);
}

#[test]
fn prune_keeps_events_younger_than_the_retention_period() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    vault(dir, "\n[audit]\nretention_days = 1\n");
    put(dir, "rina@contoh.co.id");
    let out = json(&ok(gembok(dir, &["--output", "json", "audit", "prune"])));
    assert_eq!(out["removed"], 0);
    assert_eq!(out["retention_days"], 1);
    let human = ok(gembok(dir, &["audit", "prune"]));
    assert!(String::from_utf8_lossy(&human.stdout).contains("nothing removed"));
    ok(gembok(dir, &["audit", "verify"]));
}

/// The `audit.verify` events of the log, newest first, as `audit list` prints them.
fn verify_events(dir: &std::path::Path) -> serde_json::Value {
    json(&ok(gembok(
        dir,
        &[
            "--output",
            "json",
            "audit",
            "list",
            "--action",
            "audit.verify",
        ],
    )))
}
