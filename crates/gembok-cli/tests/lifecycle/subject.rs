//! One data subject's rights through the real binary: the subject report in JSON and
//! as a bilingual page, and consent, restriction and legal hold as reads and erasures
//! see them.

use serde_json::Value;

use crate::support::{gembok, ok, stderr, vault};
use crate::{customer, mode, run_json, EMAIL, NAME};

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
