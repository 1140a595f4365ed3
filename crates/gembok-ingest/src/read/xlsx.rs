//! XLSX sheets, streamed cell by cell through calamine's cell reader.
//!
//! Only the shared-string table is held whole (its size was bounded by the zip checks).
//! Cells arrive in row order and are gathered into one row at a time; the sheet's
//! declared dimensions are checked against the limits before the first cell is read,
//! and every cell's actual position while reading, since a declaration can lie.

use std::fs::File;
use std::io::BufReader;

use calamine::{Reader, Xlsx};

use super::cell::data_ref_text;
use super::{check_cell, check_position, Flow, RowSink};
use crate::{IngestError, Limits, Row};

pub(crate) type XlsxBook = Xlsx<BufReader<File>>;

/// Stream the rows of sheet `name` to `sink`.
pub(crate) fn for_each_row(
    book: &mut XlsxBook,
    name: &str,
    limits: &Limits,
    sink: RowSink<'_>,
) -> Result<(), IngestError> {
    let mut cells = book
        .worksheet_cells_reader(name)
        .map_err(|_| IngestError::Corrupt(format!("sheet `{name}` cannot be read")))?;
    let dims = cells.dimensions();
    let declared_rows = u64::from(dims.end.0.saturating_sub(dims.start.0)) + 1;
    let declared_cols = u64::from(dims.end.1.saturating_sub(dims.start.1)) + 1;
    if declared_rows > limits.max_rows + 1 {
        return Err(IngestError::Limit {
            what: "the sheet's declared size",
            limit: limits.max_rows,
            hint: "rows",
        });
    }
    if declared_cols > limits.max_columns as u64 {
        return Err(IngestError::Limit {
            what: "the sheet's declared size",
            limit: limits.max_columns as u64,
            hint: "columns",
        });
    }
    let mut row = Row::default();
    let mut current: Option<u32> = None;
    loop {
        let cell = cells
            .next_cell()
            .map_err(|_| IngestError::Corrupt(format!("sheet `{name}` is malformed")))?;
        let Some(cell) = cell else { break };
        let (r, c) = cell.get_position();
        check_position(u64::from(r), c as usize, limits)?;
        if current.is_some_and(|cur| r < cur) {
            return Err(IngestError::Corrupt(format!(
                "sheet `{name}` lists its rows out of order"
            )));
        }
        if current != Some(r) {
            if current.is_some() {
                row.trim_end();
                if sink(std::mem::take(&mut row))? == Flow::Stop {
                    return Ok(());
                }
            }
            current = Some(r);
            row.number = u64::from(r) + 1;
        }
        let text = data_ref_text(cell.get_value());
        check_cell(&text, limits)?;
        let col = c as usize;
        if row.cells.len() <= col {
            row.cells.resize(col + 1, String::new());
        }
        row.cells[col] = text;
    }
    if current.is_some() {
        row.trim_end();
        sink(row)?;
    }
    Ok(())
}

/// Open an XLSX workbook (after the zip checks) and list its sheets.
pub(crate) fn open(path: &std::path::Path) -> Result<(XlsxBook, Vec<String>), IngestError> {
    let book: XlsxBook = super::guarded(|| calamine::open_workbook(path))
        .ok_or_else(|| IngestError::Corrupt("not a readable XLSX workbook".into()))?;
    let names = book.sheet_names();
    Ok((book, names))
}
