//! The records of processing as CSV: the header, one row per schema field, quoting that
//! survives commas and quotes, and no cell a spreadsheet would run as a formula.

mod common;

use gembok_core::lifecycle::notice::{processing_records, ProcessingRecord};
use gembok_render::processing_csv;
use gembok_types::DataClass;

const HEADER: [&str; 8] = [
    "collection",
    "field",
    "class",
    "purposes",
    "legal_bases",
    "retention",
    "recipients",
    "searchable",
];

fn read(csv_text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_reader(csv_text.as_bytes());
    let header = r.headers().unwrap().iter().map(str::to_owned).collect();
    let rows = r
        .records()
        .map(|rec| rec.unwrap().iter().map(str::to_owned).collect())
        .collect();
    (header, rows)
}

#[test]
fn one_row_per_schema_field_and_parses_back() {
    let f = common::fixture();
    let schema = f.vault.schema();
    let rows = processing_records(&schema, &f.profile);
    let text = processing_csv(&rows).unwrap();
    let (header, parsed) = read(&text);
    assert_eq!(header, HEADER);
    let fields: Vec<(String, String)> = schema
        .collections()
        .flat_map(|c| {
            c.fields
                .values()
                .map(|fl| (c.name.to_string(), fl.name.to_string()))
        })
        .collect();
    assert_eq!(parsed.len(), fields.len());
    for (row, (coll, field)) in parsed.iter().zip(&fields) {
        assert_eq!((&row[0], &row[1]), (coll, field));
        assert!(matches!(row[7].as_str(), "true" | "false"));
    }
    let nik = parsed.iter().find(|r| r[1] == "nik").unwrap();
    assert_eq!(nik[2], "sensitive");
    assert_eq!(nik[3], "identity_verification;legal");
    assert_eq!(nik[4], "legal_obligation");
    assert_eq!(nik[5], "5y");
    assert_eq!(nik[7], "true");
}

#[test]
fn processor_names_are_quoted_and_neutralised() {
    let f = common::fixture();
    let rows = processing_records(&f.vault.schema(), &f.profile);
    let (_, parsed) = read(&processing_csv(&rows).unwrap());
    let name = parsed.iter().find(|r| r[1] == "name").unwrap();
    assert_eq!(name[6], "'=HYPERLINK(\"http://evil.example\")");
    let amount = parsed.iter().find(|r| r[1] == "amount").unwrap();
    assert_eq!(
        amount[6],
        "Bayar \"Cepat\", Tbk <img src=x onerror=alert(1)>"
    );
    for row in &parsed {
        for cell in row {
            assert!(
                !cell.starts_with(['=', '+', '-', '@']),
                "live formula: {cell}"
            );
        }
    }
}

#[test]
fn every_cell_is_neutralised_and_lists_join_with_semicolons() {
    let row = ProcessingRecord {
        collection: "+cmd".into(),
        field: "-2+3".into(),
        class: DataClass::Contact,
        purposes: vec!["@SUM(A1)".into(), "service".into()],
        legal_bases: vec!["contract".into(), "consent".into()],
        retention: "=1+1".into(),
        recipients: vec!["ok, with comma".into(), "=late".into()],
        searchable: false,
    };
    let text = processing_csv(&[row]).unwrap();
    assert!(text.starts_with(
        "collection,field,class,purposes,legal_bases,retention,recipients,searchable\n"
    ));
    let (_, parsed) = read(&text);
    assert_eq!(
        parsed,
        vec![vec![
            "'+cmd",
            "'-2+3",
            "contact",
            "'@SUM(A1);service",
            "contract;consent",
            "'=1+1",
            "ok, with comma;=late",
            "false",
        ]]
    );
    assert_eq!(
        processing_csv(&[]).unwrap().lines().count(),
        1,
        "header only"
    );
}
