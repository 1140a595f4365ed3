//! The data-lifecycle commands through the real binary: retention counts, the request
//! queue with deadlines, the subject report, consent, restriction and legal hold as
//! reads and erasures see them, the minimisation report, and the privacy documents.

mod support;

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

#[test]
fn the_subject_report_holds_the_values_and_the_page_both_languages() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    vault(
        dir,
        "\n[business]\nname = \"Toko Sinar\"\ncontact = \"privasi@sinar.co.id\"\n",
    );
    let id = customer(dir);

    let report = run_json(dir, &["subject", "report", &id, "--format", "json"]);
    assert_eq!(report["subject"], id.as_str());
    let text = report.to_string();
    assert!(text.contains(EMAIL) && text.contains(NAME), "{text}");

    let page = tmp.path().join("report.html");
    let written = run_json(
        dir,
        &[
            "subject",
            "report",
            &id,
            "--format",
            "html",
            "--out",
            page.to_str().unwrap(),
        ],
    );
    assert_eq!(written["written"], page.to_str().unwrap());
    assert_eq!(mode(&page), 0o600);
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains(NAME) && html.contains(EMAIL));
    assert!(html.contains("Laporan Data Pribadi"), "Indonesian missing");
    assert!(html.contains("Personal Data Report"), "English missing");
    assert!(html.contains("Toko Sinar"));

    let nobody = gembok(
        dir,
        &["subject", "report", "0190f5d2-7c4e-7a00-8000-000000000001"],
    );
    assert_eq!(nobody.status.code(), Some(4), "{}", stderr(&nobody));
}

#[test]
fn withdrawn_consent_refuses_marketing_reads_and_restriction_and_hold_bite() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    vault(dir, "");
    let id = customer(dir);
    let read = |purpose: &str| gembok(dir, &["get", "customers", &id, "--purpose", purpose]);

    let before = read("marketing");
    assert_eq!(
        before.status.code(),
        Some(1),
        "no consent on record: refused"
    );
    ok(gembok(
        dir,
        &[
            "subject",
            "consent",
            &id,
            "--purpose",
            "marketing",
            "--grant",
            "--source",
            "web_form",
        ],
    ));
    ok(read("marketing"));
    let state = run_json(
        dir,
        &[
            "subject",
            "consent",
            &id,
            "--purpose",
            "marketing",
            "--withdraw",
            "--source",
            "cs_call",
        ],
    );
    assert_eq!(state["consents"]["marketing"]["granted"], false);
    assert_eq!(
        state["consents"]["marketing"]["history"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let after = read("marketing");
    assert_eq!(after.status.code(), Some(1));
    assert!(stderr(&after).contains("consent"), "{}", stderr(&after));
    assert!(!stderr(&after).contains(EMAIL));
    ok(read("service"));

    ok(gembok(dir, &["subject", "restrict", &id]));
    assert_eq!(read("service").status.code(), Some(1));
    ok(read("dpo"));
    let state = run_json(dir, &["subject", "restrict", &id, "--lift"]);
    assert_eq!(state["restricted_since"], Value::Null);
    ok(read("service"));

    ok(gembok(
        dir,
        &["subject", "hold", &id, "--reason", "case-2026-17"],
    ));
    let held = gembok(dir, &["subject", "erase", &id, "--purpose", "dpo", "--yes"]);
    assert_eq!(held.status.code(), Some(1));
    assert!(stderr(&held).contains("legal hold"), "{}", stderr(&held));
    ok(read("service"));
    ok(gembok(dir, &["subject", "hold", &id, "--release"]));
    let state = run_json(dir, &["subject", "state", &id]);
    assert_eq!(state["legal_hold"], Value::Null);

    let unasked = gembok(dir, &["subject", "erase", &id, "--purpose", "dpo"]);
    assert_eq!(unasked.status.code(), Some(3), "no terminal: refused");
    ok(read("service"));
    let erased = run_json(dir, &["subject", "erase", &id, "--purpose", "dpo", "--yes"]);
    assert_eq!(erased["records"]["customers"], 1);
    assert_eq!(erased["total"], 1);
    assert_eq!(read("service").status.code(), Some(4));
}

#[test]
fn the_minimisation_report_lists_fields_never_read() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    vault(dir, "");
    let id = customer(dir);
    ok(gembok(
        dir,
        &[
            "get",
            "customers",
            &id,
            "--fields",
            "name",
            "--purpose",
            "service",
        ],
    ));
    let r = run_json(dir, &["report", "minimisation", "--days", "30"]);
    assert_eq!(r["days"], 30);
    assert!(r["reads"].as_u64().unwrap() >= 1, "{r}");
    let unread: Vec<&str> = r["unread_fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(unread.contains(&"customers.email"), "{unread:?}");
    assert!(unread.contains(&"orders.amount"), "{unread:?}");
    assert!(!unread.contains(&"customers.name"), "{unread:?}");
    assert!(!r.to_string().contains(EMAIL));
    let bad = gembok(dir, &["report", "minimisation", "--days", "0"]);
    assert_eq!(bad.status.code(), Some(3));
}

#[test]
fn the_privacy_documents_come_from_the_schema_and_the_business() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    vault(
        dir,
        "\n[business]\nname = \"Toko Sinar\"\ncontact = \"privasi@sinar.co.id\"\n\
         [[business.processors]]\nname = \"Kurir Kilat\"\nservice_en = \"parcel delivery\"\n\
         service_id = \"pengiriman paket\"\nclasses = [\"identity\"]\ncountry = \"ID\"\n",
    );
    let fields = 16; // customers 9, orders 4, events 3 in the default schema
    let csv_path = tmp.path().join("processing.csv");
    ok(gembok(
        dir,
        &[
            "privacy",
            "processing",
            "--format",
            "csv",
            "--out",
            csv_path.to_str().unwrap(),
        ],
    ));
    let csv = std::fs::read_to_string(&csv_path).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("collection,field,class"), "{csv}");
    assert_eq!(lines.len(), fields + 1, "{csv}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("customers,email,contact")),
        "{csv}"
    );
    assert!(lines
        .iter()
        .any(|l| l.starts_with("customers,address,identity") && l.contains("Kurir Kilat")));
    let rows = json(&ok(gembok(
        dir,
        &["privacy", "processing", "--format", "json"],
    )));
    assert_eq!(rows.as_array().unwrap().len(), fields);

    let notice = json(&ok(gembok(dir, &["privacy", "notice", "--format", "json"])));
    assert_eq!(notice["business"]["name"], "Toko Sinar");
    assert_eq!(notice["version"], 1);
    assert_eq!(notice["response_hours"], 72);
    let html = String::from_utf8(ok(gembok(dir, &["privacy", "notice"])).stdout).unwrap();
    assert!(html.contains("Toko Sinar") && html.contains("Kurir Kilat"));
    let again = json(&ok(gembok(dir, &["privacy", "notice", "--format", "json"])));
    assert_eq!(again["version"], 1, "an unchanged notice keeps its version");
}
