//! Size checks for ODS sheets, run before calamine parses them.
//!
//! calamine reads every sheet of an ODS workbook into memory when it opens the file, and
//! expands `number-rows-repeated` and `number-columns-repeated` as it goes, so a few
//! bytes can claim a billion cells. This pass streams `content.xml` once and works out,
//! for each sheet, the block calamine would materialise: from the first to the last row
//! holding a value, as wide as the widest such row, repeats included. The workbook is
//! refused when any sheet is too tall or too wide, or all sheets together hold more
//! cells than the in-memory budget.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use zip::ZipArchive;

use crate::{IngestError, Limits};

#[derive(Default)]
struct Table {
    /// Row position of the next row element (repeats included).
    next_row: u64,
    first: Option<u64>,
    last: u64,
    width: u64,
}

/// Check `content.xml` of the ODS file at `path`.
pub(crate) fn check(path: &Path, limits: &Limits) -> Result<(), IngestError> {
    let file = File::open(path)
        .map_err(|e| IngestError::io(format!("cannot open {}", path.display()), e))?;
    let mut zip = ZipArchive::new(BufReader::new(file))
        .map_err(|_| IngestError::Corrupt("not a valid zip container".into()))?;
    let content = zip
        .by_name("content.xml")
        .map_err(|_| IngestError::Corrupt("not an OpenDocument spreadsheet".into()))?;
    let mut xml = Reader::from_reader(BufReader::new(content));
    let mut buf = Vec::with_capacity(4096);
    let mut total: u64 = 0;
    let mut table: Option<Table> = None;
    // Width of the row being read: position after its last cell with a value.
    let mut col: u64 = 0;
    let mut row_width: u64 = 0;
    let mut row_repeat: u64 = 1;
    let malformed = || IngestError::Corrupt("the spreadsheet XML is malformed".into());
    loop {
        let event = xml.read_event_into(&mut buf).map_err(|_| malformed())?;
        match event {
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == "table:table" => {
                table = Some(Table::default());
            }
            Event::End(e) if e.name().as_ref() == "table:table" => {
                if let Some(t) = table.take() {
                    total = total.saturating_add(area(&t));
                    if total > limits.max_in_memory_cells {
                        return Err(cells_limit(limits));
                    }
                }
            }
            Event::Start(e) if e.name().as_ref() == "table:table-row" => {
                row_repeat = repeat(&e, "table:number-rows-repeated")?;
                col = 0;
                row_width = 0;
            }
            Event::Empty(e) if e.name().as_ref() == "table:table-row" => {
                if let Some(t) = table.as_mut() {
                    t.next_row = t
                        .next_row
                        .saturating_add(repeat(&e, "table:number-rows-repeated")?);
                }
            }
            Event::End(e) if e.name().as_ref() == "table:table-row" => {
                if let Some(t) = table.as_mut() {
                    end_row(t, row_width, row_repeat, limits)?;
                }
            }
            Event::Start(e) if is_cell(&e) => {
                col = col.saturating_add(repeat(&e, "table:number-columns-repeated")?);
                row_width = col;
                check_width(row_width, limits)?;
            }
            Event::Empty(e) if is_cell(&e) => {
                let n = repeat(&e, "table:number-columns-repeated")?;
                col = col.saturating_add(n);
                if has_value(&e) {
                    row_width = col;
                    check_width(row_width, limits)?;
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(())
}

fn is_cell(e: &BytesStart<'_>) -> bool {
    matches!(
        e.name().as_ref(),
        "table:table-cell" | "table:covered-table-cell"
    )
}

fn has_value(e: &BytesStart<'_>) -> bool {
    e.attributes()
        .flatten()
        .any(|a| a.key.as_ref() == "office:value-type")
}

fn repeat(e: &BytesStart<'_>, attr: &str) -> Result<u64, IngestError> {
    for a in e.attributes() {
        let a = a.map_err(|_| IngestError::Corrupt("the spreadsheet XML is malformed".into()))?;
        if a.key.as_ref() == attr {
            return a
                .value
                .trim()
                .parse::<u64>()
                .ok()
                .filter(|&n| n >= 1)
                .ok_or_else(|| IngestError::Corrupt("a repeat count is not a number".into()));
        }
    }
    Ok(1)
}

fn end_row(t: &mut Table, width: u64, repeat: u64, limits: &Limits) -> Result<(), IngestError> {
    if width > 0 {
        t.first.get_or_insert(t.next_row);
        t.last = t.next_row.saturating_add(repeat - 1);
        t.width = t.width.max(width);
        if t.last - t.first.unwrap_or(0) + 1 > limits.max_rows + 1 {
            return Err(IngestError::Limit {
                what: "a sheet",
                limit: limits.max_rows,
                hint: "rows",
            });
        }
        if area(t) > limits.max_in_memory_cells {
            return Err(cells_limit(limits));
        }
    }
    t.next_row = t.next_row.saturating_add(repeat);
    Ok(())
}

fn area(t: &Table) -> u64 {
    match t.first {
        Some(first) => (t.last - first + 1).saturating_mul(t.width),
        None => 0,
    }
}

fn check_width(width: u64, limits: &Limits) -> Result<(), IngestError> {
    if width > limits.max_columns as u64 {
        return Err(IngestError::Limit {
            what: "a row",
            limit: limits.max_columns as u64,
            hint: "columns",
        });
    }
    Ok(())
}

pub(crate) fn cells_limit(limits: &Limits) -> IngestError {
    IngestError::Limit {
        what: "the workbook",
        limit: limits.max_in_memory_cells,
        hint: "cells held in memory; save it as CSV or XLSX to import it as a stream",
    }
}
