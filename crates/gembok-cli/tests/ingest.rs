//! `gembok scan` and `gembok import` end to end: exit codes, JSON shapes, masked
//! examples, confirmation, dry runs and counts that add up.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use gembok_ingest::fixtures::files::{write_csv, write_xlsx, CsvStyle};
use gembok_ingest::fixtures::hostile::zip_bomb;
use gembok_testdata::Generator;
use serde_json::Value;

fn gembok(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gembok"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run gembok")
}

fn json(out: &Output) -> Value {
    let text = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(text.trim()).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// A customer sheet of `n` rows; every fifth row has a NIK with an unknown province.
fn customers(n: usize) -> Vec<Vec<String>> {
    let mut gen = Generator::new(11);
    let mut rows = vec![["Nama", "Email", "No HP", "NIK", "Kode Pos", "Alamat"]
        .map(String::from)
        .to_vec()];
    for i in 1..=n {
        let c = gen.customer();
        let mut nik = c.nik.clone();
        if i % 5 == 0 {
            nik.replace_range(..2, "10");
        }
        rows.push(vec![
            c.name.clone(),
            c.email.clone(),
            c.phone.clone(),
            nik,
            c.postal_code.clone(),
            c.address.clone(),
        ]);
    }
    rows
}

#[test]
fn scan_reports_columns_masked_and_exits_1_when_it_finds_customer_data() {
    let tmp = tempfile::tempdir().unwrap();
    let files = tmp.path().join("files");
    std::fs::create_dir_all(files.join("sub")).unwrap();
    let rows = customers(40);
    write_csv(
        &files.join("pelanggan.csv"),
        &rows,
        CsvStyle {
            delimiter: b';',
            bom: true,
            ..CsvStyle::default()
        },
    )
    .unwrap();
    write_xlsx(&files.join("sub/data.xlsx"), &rows).unwrap();
    let plain = vec![
        vec!["Produk".to_owned(), "Harga".to_owned()],
        vec!["Kopi".to_owned(), "25000".to_owned()],
    ];
    write_csv(&files.join("produk.csv"), &plain, CsvStyle::default()).unwrap();
    zip_bomb(&files.join("bomb.xlsx"), 16 << 20).unwrap();
    std::fs::write(files.join("readme.txt"), "not a spreadsheet").unwrap();

    let out = gembok(
        tmp.path(),
        &["--output", "json", "scan", files.to_str().unwrap()],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = json(&out);
    let list = report["files"].as_array().unwrap();
    assert_eq!(list.len(), 4, "{report}");
    let csv = list
        .iter()
        .find(|f| f["path"].as_str().unwrap().ends_with("pelanggan.csv"))
        .unwrap();
    let types: Vec<&str> = csv["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["type"].as_str().unwrap_or("-"))
        .collect();
    assert_eq!(
        types,
        vec!["name", "email", "phone", "nik", "postal_code", "address"]
    );
    assert_eq!(csv["columns"][3]["count"], 40);
    assert_eq!(csv["columns"][3]["index"], 3);
    assert_eq!(csv["columns"][3]["header"], "NIK");
    let c = csv["columns"][3]["confidence"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&c));
    let xlsx = list
        .iter()
        .find(|f| f["path"].as_str().unwrap().ends_with("data.xlsx"))
        .unwrap();
    assert_eq!(xlsx["sheet"], "Pelanggan");
    let bomb = list
        .iter()
        .find(|f| f["path"].as_str().unwrap().ends_with("bomb.xlsx"))
        .unwrap();
    assert!(
        bomb["error"].as_str().unwrap().contains("zip bomb"),
        "{bomb}"
    );
    let produk = list
        .iter()
        .find(|f| f["path"].as_str().unwrap().ends_with("produk.csv"))
        .unwrap();
    assert!(produk["columns"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["type"].is_null()));
    assert_eq!(report["summary"]["files_with_personal_data"], 2);

    // Human output shows masked examples only: no NIK, e-mail or phone in clear.
    let out = gembok(tmp.path(), &["scan", files.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("nik") && text.contains("Summary"), "{text}");
    for row in rows.iter().skip(1) {
        for value in &row[1..4] {
            assert!(!text.contains(value.as_str()), "a value in clear: {text}");
        }
    }

    // Nothing personal: exit 0.
    let out = gembok(
        tmp.path(),
        &["scan", files.join("produk.csv").to_str().unwrap()],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn import_adds_up_and_asks_before_writing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("vault");
    assert!(gembok(&dir, &["init"]).status.success());
    let file = tmp.path().join("pelanggan.csv");
    let rows = customers(50);
    write_csv(&file, &rows, CsvStyle::default()).unwrap();
    let f = file.to_str().unwrap();

    // No terminal and no --yes: refused, nothing written.
    let out = gembok(&dir, &["import", f, "--collection", "customers"]);
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("--yes"));

    // A dry run checks everything and stores nothing.
    let out = gembok(
        &dir,
        &[
            "--output",
            "json",
            "import",
            f,
            "--collection",
            "customers",
            "--dry-run",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dry = json(&out);
    assert_eq!(
        (
            dry["accepted"].as_u64(),
            dry["rejected"].as_u64(),
            dry["total"].as_u64()
        ),
        (Some(40), Some(10), Some(50))
    );
    let probe = rows[1][1].clone();
    let found = gembok(
        &dir,
        &[
            "--output",
            "json",
            "find",
            "customers",
            &format!("email={probe}"),
        ],
    );
    assert_eq!(
        json(&found),
        Value::Array(Vec::new()),
        "a dry run stored rows"
    );

    let out = gembok(
        &dir,
        &[
            "--output",
            "json",
            "import",
            f,
            "--collection",
            "customers",
            "--yes",
            "--map",
            "Alamat=-",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let s = json(&out);
    assert_eq!(
        s["accepted"].as_u64().unwrap() + s["rejected"].as_u64().unwrap(),
        s["total"].as_u64().unwrap()
    );
    assert_eq!(s["total"], 50);
    assert_eq!(s["rejected"], 10);
    let report = std::fs::read_to_string(s["rejects_report"].as_str().unwrap()).unwrap();
    assert_eq!(report.lines().count(), 11, "{report}");
    assert!(
        report
            .lines()
            .nth(1)
            .unwrap()
            .starts_with("6,D,\"nik\",\"nik.province\""),
        "{report}"
    );

    let found = gembok(
        &dir,
        &[
            "--output",
            "json",
            "find",
            "customers",
            &format!("email={probe}"),
        ],
    );
    assert!(
        found.status.success(),
        "{}",
        String::from_utf8_lossy(&found.stderr)
    );
    let rec = json(&found)[0].clone();
    assert!(
        rec["fields"].get("address").is_none(),
        "Alamat was left out by --map: {rec}"
    );

    // Again: the journal says it is done, nothing is written twice.
    let out = gembok(
        &dir,
        &[
            "--output",
            "json",
            "import",
            f,
            "--collection",
            "customers",
            "--yes",
            "--map",
            "Alamat=-",
        ],
    );
    let again = json(&out);
    assert_eq!(again["already_complete"], true);
    assert_eq!(again["total"], 50);

    // Human output prints the plan and the sum.
    let other = tmp.path().join("lain.csv");
    write_csv(&other, &customers(7), CsvStyle::default()).unwrap();
    let out = gembok(
        &dir,
        &[
            "import",
            other.to_str().unwrap(),
            "--collection",
            "customers",
            "--yes",
        ],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("-> nik") && text.contains("accepted + 1 rejected = 7 total"),
        "{text}"
    );

    // A broken file or a bad mapping is invalid data (exit 3).
    let out = gembok(
        &dir,
        &[
            "import",
            f,
            "--collection",
            "customers",
            "--yes",
            "--map",
            "Nama=-",
        ],
    );
    assert_eq!(out.status.code(), Some(3));
    let out = gembok(&dir, &["import", f, "--collection", "nope", "--yes"]);
    assert_eq!(out.status.code(), Some(4));
}
