//! Hostile files fail fast and cleanly, within the limits, with an error that says why.

use std::time::{Duration, Instant};

use crate::fixtures::files::{write_csv, CsvStyle};
use crate::fixtures::hostile::{huge_ods, huge_xlsx, lying_zip_bomb, truncated_xlsx, zip_bomb};
use crate::fixtures::xls::write_xls_with;
use crate::{Flow, IngestError, Limits, Workbook};

/// Open and read the first sheet completely; the error, if any.
fn read(path: &std::path::Path, limits: &Limits) -> Result<u64, IngestError> {
    let mut book = Workbook::open(path, limits)?;
    let mut n = 0;
    book.for_each_row(0, &mut |_| {
        n += 1;
        Ok(Flow::Continue)
    })?;
    Ok(n)
}

fn fails_fast(
    name: &str,
    make: impl FnOnce(&std::path::Path) -> std::io::Result<()>,
    limits: &Limits,
) -> IngestError {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    make(&path).unwrap();
    let started = Instant::now();
    let err = read(&path, limits).expect_err(name);
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{name} took {:?}",
        started.elapsed()
    );
    assert!(!err.to_string().is_empty());
    err
}

#[test]
fn a_zip_bomb_is_refused_by_its_ratio() {
    let err = fails_fast("bomb.xlsx", |p| zip_bomb(p, 64 << 20), &Limits::default());
    assert!(
        matches!(err, IngestError::Limit { what, .. } if what.contains("ratio")),
        "{err}"
    );
}

#[test]
fn a_zip_bomb_that_lies_about_its_size_is_caught_while_inflating() {
    let err = fails_fast(
        "liar.xlsx",
        |p| lying_zip_bomb(p, 64 << 20),
        &Limits::default(),
    );
    assert!(
        matches!(err, IngestError::Corrupt(_) | IngestError::Limit { .. }),
        "{err}"
    );
}

#[test]
fn a_zip_bomb_under_the_ratio_is_refused_by_total_size() {
    let limits = Limits {
        max_unzipped_bytes: 8 << 20,
        max_zip_ratio: 100_000,
        ..Limits::default()
    };
    let err = fails_fast("big.xlsx", |p| zip_bomb(p, 16 << 20), &limits);
    assert!(
        matches!(err, IngestError::Limit { what, .. } if what.contains("decompressed")),
        "{err}"
    );
}

#[test]
fn sheets_claiming_billions_of_cells_are_refused() {
    let err = fails_fast("huge.xlsx", huge_xlsx, &Limits::default());
    assert!(
        matches!(
            err,
            IngestError::Limit {
                hint: "columns",
                ..
            }
        ),
        "{err}"
    );
    let few_rows = Limits {
        max_rows: 1_000,
        max_columns: 20_000,
        ..Limits::default()
    };
    let err = fails_fast("huge2.xlsx", huge_xlsx, &few_rows);
    assert!(
        matches!(err, IngestError::Limit { hint: "rows", .. }),
        "{err}"
    );
    let err = fails_fast("huge.ods", huge_ods, &Limits::default());
    assert!(matches!(err, IngestError::Limit { .. }), "{err}");
    let rows = vec![vec!["Nama".to_owned()]];
    let err = fails_fast(
        "huge.xls",
        |p| write_xls_with(p, &rows, (0, 65_536, 0, 256)),
        &Limits::default(),
    );
    assert!(matches!(err, IngestError::Limit { .. }), "{err}");
    let err = fails_fast(
        "backwards.xls",
        |p| write_xls_with(p, &rows, (4_000_000_000, 5, 0, 3)),
        &Limits::default(),
    );
    assert!(matches!(err, IngestError::Corrupt(_)), "{err}");
}

#[test]
fn damaged_files_give_a_clear_error() {
    let rows = vec![vec!["Nama".to_owned(), "Email".to_owned()]; 50];
    let err = fails_fast("cut.xlsx", |p| truncated_xlsx(p, &rows), &Limits::default());
    assert!(matches!(err, IngestError::Corrupt(_)), "{err}");
    let err = fails_fast(
        "junk.xls",
        |p| {
            let mut b = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
            b.extend((0..5000u32).map(|i| (i * 7 % 251) as u8));
            std::fs::write(p, b)
        },
        &Limits::default(),
    );
    assert!(matches!(err, IngestError::Corrupt(_)), "{err}");
    let err = fails_fast(
        "junk.ods",
        |p| std::fs::write(p, b"PK\x03\x04 not really"),
        &Limits::default(),
    );
    assert!(matches!(err, IngestError::Corrupt(_)), "{err}");
    let err = fails_fast(
        "bin.csv",
        |p| std::fs::write(p, b"nama,email\nbu\0di,x\n"),
        &Limits::default(),
    );
    assert!(matches!(err, IngestError::Corrupt(_)), "{err}");
}

#[test]
fn csv_cells_rows_and_widths_are_bounded() {
    let limits = Limits {
        max_row_bytes: 64 * 1024,
        max_columns: 50,
        max_cell_chars: 1_000,
        max_rows: 100,
        ..Limits::default()
    };
    let open_quote = |p: &std::path::Path| {
        let mut b = b"nama,catatan\nBudi,\"".to_vec();
        b.extend(std::iter::repeat_n(b'x', 1 << 20));
        std::fs::write(p, b)
    };
    let err = fails_fast("quote.csv", open_quote, &limits);
    assert!(
        matches!(err, IngestError::Limit { what: "a row", .. }),
        "{err}"
    );
    let wide = |p: &std::path::Path| std::fs::write(p, ",".repeat(80));
    let err = fails_fast("wide.csv", wide, &limits);
    assert!(
        matches!(
            err,
            IngestError::Limit {
                hint: "columns",
                ..
            }
        ),
        "{err}"
    );
    let long_cell = |p: &std::path::Path| std::fs::write(p, "a".repeat(5_000));
    let err = fails_fast("cell.csv", long_cell, &limits);
    assert!(
        matches!(err, IngestError::Limit { what: "a cell", .. }),
        "{err}"
    );
    let tall = |p: &std::path::Path| {
        let rows = vec![vec!["x".to_owned()]; 500];
        write_csv(p, &rows, CsvStyle::default())
    };
    let err = fails_fast("tall.csv", tall, &limits);
    assert!(
        matches!(err, IngestError::Limit { hint: "rows", .. }),
        "{err}"
    );
}
