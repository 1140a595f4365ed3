//! The data-lifecycle commands through the real binary: retention counts, the request
//! queue with deadlines, the subject report, consent, restriction and legal hold as
//! reads and erasures see them, the minimisation report, and the privacy documents.
//!
//! Retention and the request queue are tested here, beside the helpers every module
//! uses; one data subject's rights in `subject.rs`; the reports and privacy documents
//! in `reports.rs`.

#[path = "../support/mod.rs"]
mod support;

mod reports;
mod subject;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use serde_json::Value;
use support::{gembok, json, ok, stderr, vault};

const EMAIL: &str = "sari.dewi@contoh.co.id";
const NAME: &str = "Sari Dewi Kusuma";

fn customer(dir: &Path) -> String {
    let data = format!(r#"{{"name": "{NAME}", "email": "{EMAIL}", "phone": "081234567890"}}"#);
    let out = ok(gembok(
        dir,
        &["--output", "json", "put", "customers", "--data", &data],
    ));
    json(&out)["id"].as_str().unwrap().to_owned()
}

fn run_json(dir: &Path, args: &[&str]) -> Value {
    let mut all = vec!["--output", "json"];
    all.extend_from_slice(args);
    json(&ok(gembok(dir, &all)))
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn retention_on_fresh_data_counts_nothing_and_names_every_key() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    vault(dir, "");
    customer(dir);
    for args in [
        &["retention", "run", "--dry-run"][..],
        &["retention", "run"][..],
    ] {
        let r = run_json(dir, args);
        assert_eq!(r["dry_run"], args.len() == 3, "{r}");
        for key in [
            "records",
            "fields",
            "total_records",
            "inactive_subjects",
            "held",
        ] {
            assert!(r.get(key).is_some(), "{key} missing: {r}");
        }
        assert_eq!(r["total_records"], 0);
        assert_eq!(r["inactive_subjects"], 0);
        assert_eq!(r["held"], 0);
        assert!(!r.to_string().contains(EMAIL));
    }
    let got = ok(gembok(
        dir,
        &[
            "--output",
            "json",
            "find",
            "customers",
            &format!("email={EMAIL}"),
        ],
    ));
    assert_eq!(
        json(&got).as_array().unwrap().len(),
        1,
        "nothing was deleted"
    );
    let text =
        String::from_utf8(ok(gembok(dir, &["retention", "run", "--dry-run"])).stdout).unwrap();
    assert!(
        text.contains("would delete") && text.contains("akan dihapus"),
        "{text}"
    );
}

#[test]
fn requests_round_trip_with_deadlines_and_overdue_marks() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    vault(dir, "\n[rights.deadlines]\ngdpr = 720\n");
    let id = customer(dir);

    let access = run_json(
        dir,
        &["requests", "add", "--kind", "access", "--subject", &id],
    );
    assert_eq!(access["status"], "open");
    assert_eq!(access["regulation"], "uu_pdp");
    assert_eq!(access["overdue"], false);
    let received = access["received_at"].as_i64().unwrap();
    assert_eq!(
        access["deadline_at"].as_i64().unwrap() - received,
        72 * 3_600_000
    );

    // Received 40 days ago under the GDPR's 30 days: overdue already.
    let old = time::OffsetDateTime::now_utc() - time::Duration::days(40);
    let old = old
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let erasure = run_json(
        dir,
        &[
            "requests",
            "add",
            "--kind",
            "erasure",
            "--regulation",
            "gdpr",
            "--received-at",
            &old,
        ],
    );
    assert_eq!(erasure["overdue"], true);
    assert_eq!(
        erasure["deadline_at"].as_i64().unwrap() - erasure["received_at"].as_i64().unwrap(),
        720 * 3_600_000
    );

    let list = run_json(dir, &["requests", "list"]);
    assert_eq!(list["requests"].as_array().unwrap().len(), 2);
    assert_eq!(list["overdue"], 1);
    let human = String::from_utf8(ok(gembok(dir, &["requests", "list"])).stdout).unwrap();
    assert_eq!(human.matches("OVERDUE").count(), 1, "{human}");

    let closed = run_json(
        dir,
        &[
            "requests",
            "close",
            access["id"].as_str().unwrap(),
            "--status",
            "completed",
            "--resolution",
            "done",
        ],
    );
    assert_eq!(closed["status"], "completed");
    assert_eq!(closed["resolution"], "done");
    let open = run_json(dir, &["requests", "list", "--open"]);
    let open = open["requests"].as_array().unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0]["id"], erasure["id"]);

    let again = gembok(
        dir,
        &[
            "requests",
            "close",
            access["id"].as_str().unwrap(),
            "--status",
            "rejected",
            "--resolution",
            "x",
        ],
    );
    assert_eq!(again.status.code(), Some(1), "{}", stderr(&again));
    let missing = gembok(
        dir,
        &[
            "requests",
            "close",
            "rq_0000000000000000",
            "--status",
            "completed",
            "--resolution",
            "done",
        ],
    );
    assert_eq!(missing.status.code(), Some(4), "{}", stderr(&missing));
    let bad = gembok(dir, &["requests", "add", "--kind", "gossip"]);
    assert_eq!(bad.status.code(), Some(3));
    let future = gembok(
        dir,
        &[
            "requests",
            "add",
            "--kind",
            "access",
            "--received-at",
            "2999-01-01T00:00:00Z",
        ],
    );
    assert_eq!(future.status.code(), Some(3));
}
