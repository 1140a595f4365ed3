//! Imports: counts conserved in every format, resume without duplicates, rejects
//! without values, card numbers never imported, broken files import nothing.

use gembok_core::Actor;
use std::path::Path;

use super::support::{customer_rows, vault, write};
use crate::import::{import, import_with, parse_map, plan, FailPoint, ImportOptions, PlanOptions};
use crate::{IngestError, PiiType};

fn options(dir: &Path, batch: usize) -> ImportOptions {
    ImportOptions {
        batch_size: batch,
        reports_dir: dir.join("imports"),
        ..ImportOptions::default()
    }
}

fn no_progress() -> impl FnMut(u64, u64) {
    |_, _| {}
}

#[test]
fn counts_are_conserved_in_every_format() {
    let (rows, bad) = customer_rows(120, 1);
    for name in ["c.csv", "c.tsv", "c.xlsx", "c.ods", "c.xls"] {
        let dir = tempfile::tempdir().unwrap();
        let v = vault(dir.path());
        let path = write(dir.path(), name, &rows);
        let p = plan(
            &path,
            &v.schema(),
            "customers",
            &[],
            &PlanOptions::default(),
        )
        .unwrap();
        assert_eq!(p.rows, 120, "{name}");
        let mut last = (0, 0);
        let s = import(&v, &p, &options(dir.path(), 32), &mut |d, t| last = (d, t)).unwrap();
        assert_eq!(s.accepted + s.rejected, s.total, "{name}");
        assert_eq!(s.total, 120, "{name}");
        assert_eq!(s.rejected as usize, bad, "{name}");
        assert_eq!(v.count("customers").unwrap(), s.accepted, "{name}");
        assert_eq!(last, (120, 120), "{name}");
        // The rejects report names rows, columns and rules, and holds no cell value.
        let report = std::fs::read_to_string(s.rejects_report.unwrap()).unwrap();
        assert!(report.contains("\"nik.province\"") && report.contains("\"email.format\""));
        assert!(
            report.lines().nth(1).is_some_and(|l| l.starts_with("8,D,")),
            "{name}: {report}"
        );
        for value in rows.iter().flatten().filter(|v| v.len() >= 5) {
            assert!(
                !report.contains(value.as_str()),
                "{name}: the report holds a value"
            );
        }
    }
}

#[test]
fn the_plan_maps_detected_columns_and_never_card_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let v = vault(dir.path());
    let (rows, _) = customer_rows(40, 2);
    let path = write(dir.path(), "c.csv", &rows);
    let p = plan(
        &path,
        &v.schema(),
        "customers",
        &[],
        &PlanOptions::default(),
    )
    .unwrap();
    let fields: Vec<Option<&str>> = p.columns.iter().map(|c| c.field.as_deref()).collect();
    assert_eq!(
        fields,
        vec![
            Some("name"),
            Some("email"),
            Some("phone"),
            Some("nik"),
            Some("birth_date"),
            Some("address"),
            Some("postal_code"),
            Some("npwp"),
            None,
            None
        ]
    );
    assert_eq!(p.columns[8].detected, Some(PiiType::CardNumber));
    assert!(p.columns[8]
        .note
        .as_deref()
        .unwrap()
        .contains("never imported"));
    let map = parse_map("Kartu Kredit=name").unwrap();
    let err = plan(
        &path,
        &v.schema(),
        "customers",
        &map,
        &PlanOptions::default(),
    )
    .unwrap_err();
    assert!(matches!(err, IngestError::Mapping(m) if m.contains("card numbers")));
    // Overrides by header, by number and `-`; a required field left out is refused.
    let map = parse_map("catatan=-, 2=-").unwrap();
    let p2 = plan(
        &path,
        &v.schema(),
        "customers",
        &map,
        &PlanOptions::default(),
    )
    .unwrap();
    assert_eq!(p2.columns[1].field, None);
    let map = parse_map("Nama Pelanggan=-").unwrap();
    let err = plan(
        &path,
        &v.schema(),
        "customers",
        &map,
        &PlanOptions::default(),
    )
    .unwrap_err();
    assert!(matches!(err, IngestError::Mapping(m) if m.contains("requires field `name`")));
    assert!(parse_map("nama").is_err());
    assert!(plan(
        &path,
        &v.schema(),
        "customers",
        &parse_map("zzz=name").unwrap(),
        &PlanOptions::default()
    )
    .is_err());
    // The imported records hold no card number anywhere in the database.
    let s = import(&v, &p, &options(dir.path(), 16), &mut no_progress()).unwrap();
    assert!(s.accepted > 0);
    drop(v);
    for f in std::fs::read_dir(dir.path()).unwrap().flatten() {
        if f.file_name().to_string_lossy().starts_with("gembok.db") {
            let bytes = std::fs::read(f.path()).unwrap();
            assert!(
                !bytes.windows(4).any(|w| w == b"4111"),
                "{:?}",
                f.file_name()
            );
        }
    }
}

fn resumes_without_duplicates(point: FailPoint, committed_before: u64) {
    let dir = tempfile::tempdir().unwrap();
    let v = vault(dir.path());
    let (rows, bad) = customer_rows(200, 3);
    let path = write(dir.path(), "c.csv", &rows);
    let p = plan(
        &path,
        &v.schema(),
        "customers",
        &[],
        &PlanOptions::default(),
    )
    .unwrap();
    let opts = options(dir.path(), 40);
    let err = import_with(&v, &p, &opts, &mut no_progress(), Some(point)).unwrap_err();
    assert!(err.to_string().contains("simulated"));
    assert_eq!(v.count("customers").unwrap(), committed_before, "{point:?}");
    let s = import(&v, &p, &opts, &mut no_progress()).unwrap();
    assert!(s.resumed_from_row.is_some(), "{point:?}");
    assert_eq!(s.accepted + s.rejected, s.total);
    assert_eq!(s.total, 200);
    assert_eq!(s.rejected as usize, bad);
    assert_eq!(
        v.count("customers").unwrap(),
        s.accepted,
        "{point:?}: duplicates or losses"
    );
    let report = std::fs::read_to_string(s.rejects_report.as_ref().unwrap()).unwrap();
    let mut lines: Vec<&str> = report.lines().skip(1).collect();
    let n = lines.len();
    lines.sort_unstable();
    lines.dedup();
    assert_eq!(lines.len(), n, "{point:?}: a reject was written twice");
    // Every accepted row is found through the blind index (its entries were staged
    // during the import and merged when it ended), once. Rows 7k and 11k are the bad
    // ones (see `customer_rows`).
    for (i, row) in rows.iter().enumerate().skip(1).take(60) {
        let ids = v.find_ids(&Actor::system(), "customers", "nik", &row[3]);
        if i % 7 != 0 && i % 11 != 0 {
            assert_eq!(ids.unwrap().len(), 1, "{point:?}: row {i}");
        } else if let Ok(ids) = ids {
            assert!(ids.is_empty(), "{point:?}: rejected row {i} was stored");
        }
    }
    // Running it again after completion does nothing.
    let again = import(&v, &p, &opts, &mut no_progress()).unwrap();
    assert!(again.already_complete);
    assert_eq!(again.total, 200);
    assert_eq!(v.count("customers").unwrap(), s.accepted);
}

#[test]
fn an_import_interrupted_before_a_batch_commits_resumes_without_duplicates() {
    // Batches of 40 good rows: batch 0 committed, batch 1's rejects reported but the
    // batch not written.
    resumes_without_duplicates(FailPoint::BeforeCommit(1), 40);
}

#[test]
fn an_import_interrupted_after_a_batch_commits_resumes_without_duplicates() {
    // Batch 1 committed with its journal entry, then the import stopped.
    resumes_without_duplicates(FailPoint::AfterCommit(1), 80);
}

#[test]
fn a_dry_run_writes_nothing_and_counts_everything() {
    let dir = tempfile::tempdir().unwrap();
    let v = vault(dir.path());
    let (rows, bad) = customer_rows(90, 4);
    let path = write(dir.path(), "c.xlsx", &rows);
    let p = plan(
        &path,
        &v.schema(),
        "customers",
        &[],
        &PlanOptions::default(),
    )
    .unwrap();
    let mut opts = options(dir.path(), 25);
    opts.dry_run = true;
    let s = import(&v, &p, &opts, &mut no_progress()).unwrap();
    assert_eq!((s.total, s.rejected as usize), (90, bad));
    assert_eq!(s.accepted + s.rejected, s.total);
    assert_eq!(v.count("customers").unwrap(), 0);
    assert!(!dir
        .path()
        .join("imports")
        .read_dir()
        .unwrap()
        .flatten()
        .any(|e| e.path().extension().is_some_and(|x| x == "json")));
}

#[test]
fn a_broken_file_imports_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let v = vault(dir.path());
    let (mut rows, _) = customer_rows(300, 5);
    // Row 250 holds a cell longer than the limit: the plan fails before any write.
    rows[250][9] = "x".repeat(40_000);
    let path = write(dir.path(), "c.csv", &rows);
    let err = plan(
        &path,
        &v.schema(),
        "customers",
        &[],
        &PlanOptions::default(),
    )
    .unwrap_err();
    assert!(
        matches!(err, IngestError::Limit { what: "a cell", .. }),
        "{err}"
    );
    let cut = dir.path().join("cut.xlsx");
    crate::fixtures::hostile::truncated_xlsx(&cut, &rows[..100]).unwrap();
    let err = plan(&cut, &v.schema(), "customers", &[], &PlanOptions::default()).unwrap_err();
    assert!(matches!(err, IngestError::Corrupt(_)), "{err}");
    assert_eq!(v.count("customers").unwrap(), 0);
}

#[test]
fn a_file_changed_after_planning_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let v = vault(dir.path());
    let (rows, _) = customer_rows(10, 6);
    let path = write(dir.path(), "c.csv", &rows);
    let p = plan(
        &path,
        &v.schema(),
        "customers",
        &[],
        &PlanOptions::default(),
    )
    .unwrap();
    let (more, _) = customer_rows(12, 6);
    write(dir.path(), "c.csv", &more);
    let err = import(&v, &p, &options(dir.path(), 5), &mut no_progress()).unwrap_err();
    assert!(matches!(err, IngestError::Changed));
    assert_eq!(v.count("customers").unwrap(), 0);
}

#[test]
fn rows_the_vault_refuses_are_rejected_alone() {
    let dir = tempfile::tempdir().unwrap();
    let v = vault(dir.path());
    let ids = v
        .create_batch(
            &Actor::system(),
            "customers",
            &[
                serde_json::json!({"name": "Budi Santoso"}),
                serde_json::json!({"name": "Siti Aminah"}),
            ],
        )
        .unwrap();
    let missing = gembok_types::RecordId::generate();
    let mut rows = vec![vec![
        "Pelanggan ID".to_owned(),
        "Jumlah".to_owned(),
        "Barang".to_owned(),
    ]];
    for i in 0..30 {
        let who = if i % 10 == 3 { missing } else { ids[i % 2] };
        rows.push(vec![
            who.to_string(),
            format!("IDR {}", 10_000 + i),
            "Kopi Gayo".to_owned(),
        ]);
    }
    let path = write(dir.path(), "orders.csv", &rows);
    let map = parse_map("1=customer,2=amount,3=items").unwrap();
    let p = plan(&path, &v.schema(), "orders", &map, &PlanOptions::default()).unwrap();
    let s = import(&v, &p, &options(dir.path(), 8), &mut no_progress()).unwrap();
    assert_eq!((s.accepted, s.rejected, s.total), (27, 3, 30));
    assert_eq!(v.count("orders").unwrap(), 27);
    let report = std::fs::read_to_string(s.rejects_report.unwrap()).unwrap();
    assert_eq!(report.matches("\"vault\"").count(), 3, "{report}");
    assert!(!report.contains(&missing.to_string()));
}
