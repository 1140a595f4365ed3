//! Every format round-trips a generated table: the rows read back are the rows written,
//! and the detector finds the same columns in each.

use std::path::Path;

use crate::fixtures::files::{write_csv, write_ods, write_utf16_tsv, write_xlsx, CsvStyle};
use crate::fixtures::xls::write_xls;
use crate::fixtures::{corpus, LabelledTable};
use crate::{classify_rows, Flow, Format, Limits, Row, Workbook};

/// Rows as a reader hands them on: blank rows skipped, trailing empty cells dropped.
fn expected(rows: &[Vec<String>]) -> Vec<Vec<String>> {
    rows.iter()
        .filter(|r| r.iter().any(|c| !c.trim().is_empty()))
        .map(|r| {
            let mut r = r.clone();
            while r.last().is_some_and(String::is_empty) {
                r.pop();
            }
            r
        })
        .collect()
}

pub(crate) fn read_all(path: &Path) -> (Format, Vec<Row>) {
    let mut book = Workbook::open(path, &Limits::default())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut rows = Vec::new();
    book.for_each_row(0, &mut |r| {
        rows.push(r);
        Ok(Flow::Continue)
    })
    .unwrap();
    (book.format(), rows)
}

fn a_table() -> LabelledTable {
    let mut t = corpus(99, 40)
        .into_iter()
        .find(|t| t.has_header && t.labels.iter().flatten().count() >= 4)
        .expect("a table with a header and personal columns");
    // Quirks every format must carry: an accent, a quote, a delimiter and a line break.
    t.rows[1][0] = "José \"Pepe\"; Jl. Melati No. 3,\nBandung".to_owned();
    t
}

#[test]
fn every_format_reads_back_what_was_written() {
    let dir = tempfile::tempdir().unwrap();
    let t = a_table();
    let want = expected(&t.rows);
    let semicolon = CsvStyle {
        delimiter: b';',
        bom: true,
        crlf: true,
        ..CsvStyle::default()
    };
    type Writer = Box<dyn Fn(&Path) -> std::io::Result<()>>;
    let rows = t.rows.clone();
    let cases: Vec<(&str, Format, Writer)> = vec![
        ("plain.csv", Format::Csv, {
            let rows = rows.clone();
            Box::new(move |p| write_csv(p, &rows, CsvStyle::default()))
        }),
        ("excel-id.csv", Format::Csv, {
            let rows = rows.clone();
            Box::new(move |p| write_csv(p, &rows, semicolon))
        }),
        ("sep-line.csv", Format::Csv, {
            let rows = rows.clone();
            Box::new(move |p| {
                write_csv(
                    p,
                    &rows,
                    CsvStyle {
                        delimiter: b'|',
                        sep_line: true,
                        ..CsvStyle::default()
                    },
                )
            })
        }),
        ("cp1252.csv", Format::Csv, {
            let rows = rows.clone();
            Box::new(move |p| {
                write_csv(
                    p,
                    &rows,
                    CsvStyle {
                        delimiter: b';',
                        windows_1252: true,
                        ..CsvStyle::default()
                    },
                )
            })
        }),
        ("tabs.tsv", Format::Tsv, {
            let rows = rows.clone();
            Box::new(move |p| {
                write_csv(
                    p,
                    &rows,
                    CsvStyle {
                        delimiter: b'\t',
                        ..CsvStyle::default()
                    },
                )
            })
        }),
        ("unicode.csv", Format::Csv, {
            let rows: Vec<Vec<String>> = rows
                .iter()
                .map(|r| r.iter().map(|c| c.replace('\n', " ")).collect())
                .collect();
            Box::new(move |p| write_utf16_tsv(p, &rows))
        }),
        ("book.xlsx", Format::Xlsx, {
            let rows = rows.clone();
            Box::new(move |p| write_xlsx(p, &rows))
        }),
        ("book.ods", Format::Ods, {
            let rows = rows.clone();
            Box::new(move |p| write_ods(p, &rows))
        }),
        ("book.xls", Format::Xls, {
            let rows = rows.clone();
            Box::new(move |p| write_xls(p, &rows))
        }),
    ];
    let reference = classify_rows(&t.rows);
    for (name, format, write) in cases {
        let path = dir.path().join(name);
        write(&path).unwrap();
        let (got_format, rows) = read_all(&path);
        assert_eq!(got_format, format, "{name}");
        let got: Vec<Vec<String>> = rows.iter().map(|r| r.cells.clone()).collect();
        let want = if name == "unicode.csv" {
            want.iter()
                .map(|r| r.iter().map(|c| c.replace('\n', " ")).collect())
                .collect()
        } else {
            want.clone()
        };
        assert_eq!(got, want, "{name}");
        let found: Vec<_> = classify_rows(&got).columns.iter().map(|c| c.pii).collect();
        let reference: Vec<_> = reference.columns.iter().map(|c| c.pii).collect();
        assert_eq!(found, reference, "{name}");
    }
}

#[test]
fn row_numbers_follow_the_sheet() {
    let dir = tempfile::tempdir().unwrap();
    let rows = vec![
        vec!["Nama".to_owned(), "Email".to_owned()],
        vec![String::new(), String::new()],
        vec!["Budi".to_owned(), "budi@gmail.com".to_owned()],
    ];
    for name in ["r.csv", "r.xlsx", "r.ods", "r.xls"] {
        let path = dir.path().join(name);
        match name {
            "r.csv" => write_csv(&path, &rows, CsvStyle::default()).unwrap(),
            "r.xlsx" => write_xlsx(&path, &rows).unwrap(),
            "r.ods" => write_ods(&path, &rows).unwrap(),
            _ => write_xls(&path, &rows).unwrap(),
        }
        let (_, got) = read_all(&path);
        let numbers: Vec<u64> = got.iter().map(|r| r.number).collect();
        assert_eq!(numbers, vec![1, 3], "{name}");
    }
}

#[test]
fn formulas_are_read_as_their_cached_values_never_evaluated() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.xlsx");
    // The cached value deliberately disagrees with the formula.
    let xml = r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Total</t></is></c><c r="B1"><f>1+1</f><v>5</v></c><c r="C1" t="str"><f>WEBSERVICE("http://example.invalid")</f><v>cached</v></c></row></sheetData></worksheet>"#;
    crate::fixtures::files::write_xlsx_parts(&path, xml, None).unwrap();
    let (_, rows) = read_all(&path);
    assert_eq!(rows[0].cells, vec!["Total", "5", "cached"]);
}
