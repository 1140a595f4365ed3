//! Size checks for legacy XLS workbooks, run before calamine parses them.
//!
//! calamine loads the whole `Workbook` stream and builds each sheet as one dense block
//! spanning its cells, reserving room for what the sheet's `DIMENSIONS` record claims.
//! A hostile record can claim billions of cells (or a range that ends before it
//! starts), so this pass walks the BIFF records once, with one small buffer, and checks
//! every `DIMENSIONS` record and every cell position against the limits first.

use std::io::Read;
use std::path::Path;

use super::odsguard::cells_limit;
use crate::{IngestError, Limits};

const DIMENSIONS: u16 = 0x0200;
const BOF: u16 = 0x0809;
/// Records that start with a row and a column (u16 each).
const CELLS: [u16; 8] = [
    0x0006, 0x0201, 0x0203, 0x0204, 0x0205, 0x027E, 0x00FD, 0x00D6,
];
/// Records that hold a row, a first column, and their last column at the end.
const MULTI: [u16; 2] = [0x00BD, 0x00BE];

#[derive(Default)]
struct Sheet {
    max_row: u64,
    max_col: u64,
    any: bool,
}

impl Sheet {
    fn cells(&self) -> u64 {
        if self.any {
            (self.max_row + 1).saturating_mul(self.max_col + 1)
        } else {
            0
        }
    }
}

/// Check the XLS file at `path`.
pub(crate) fn check(path: &Path, limits: &Limits) -> Result<(), IngestError> {
    let size = std::fs::metadata(path)
        .map_err(|e| IngestError::io(format!("cannot open {}", path.display()), e))?
        .len();
    if size > limits.max_in_memory_file_bytes {
        return Err(IngestError::Limit {
            what: "an XLS file",
            limit: limits.max_in_memory_file_bytes,
            hint: "bytes; save it as XLSX or CSV",
        });
    }
    let corrupt = || IngestError::Corrupt("not a readable XLS workbook".into());
    let mut cfb = cfb::open(path).map_err(|_| corrupt())?;
    let name = ["/Workbook", "/Book"]
        .into_iter()
        .find(|n| cfb.exists(n))
        .ok_or_else(corrupt)?;
    let mut stream = std::io::BufReader::new(cfb.open_stream(name).map_err(|_| corrupt())?);
    let mut header = [0u8; 4];
    let mut data = vec![0u8; usize::from(u16::MAX)];
    let mut sheet = Sheet::default();
    let mut total: u64 = 0;
    loop {
        match stream.read_exact(&mut header) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
            Err(_) => return Err(corrupt()),
        }
        let typ = u16::from_le_bytes([header[0], header[1]]);
        let len = usize::from(u16::from_le_bytes([header[2], header[3]]));
        stream.read_exact(&mut data[..len]).map_err(|_| corrupt())?;
        let rec = &data[..len];
        if typ == BOF {
            total = total.saturating_add(sheet.cells());
            sheet = Sheet::default();
        } else if typ == DIMENSIONS {
            check_dimensions(rec, limits)?;
        } else if CELLS.contains(&typ) && len >= 4 {
            place(&mut sheet, u16_at(rec, 0), u16_at(rec, 2), limits)?;
        } else if MULTI.contains(&typ) && len >= 6 {
            place(&mut sheet, u16_at(rec, 0), u16_at(rec, len - 2), limits)?;
        }
        if total.saturating_add(sheet.cells()) > limits.max_in_memory_cells {
            return Err(cells_limit(limits));
        }
    }
    Ok(())
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

fn place(sheet: &mut Sheet, row: u16, col: u16, limits: &Limits) -> Result<(), IngestError> {
    let (row, col) = (u64::from(row), u64::from(col));
    super::check_position(row, col as usize, limits)?;
    sheet.any = true;
    sheet.max_row = sheet.max_row.max(row);
    sheet.max_col = sheet.max_col.max(col);
    Ok(())
}

/// The block calamine reserves for a `DIMENSIONS` record, refused when it is
/// inconsistent or larger than the budget.
fn check_dimensions(rec: &[u8], limits: &Limits) -> Result<(), IngestError> {
    let (rf, rl, cf, cl) = match rec.len() {
        10 => (
            u32::from(u16_at(rec, 0)),
            u32::from(u16_at(rec, 2)),
            u32::from(u16_at(rec, 4)),
            u32::from(u16_at(rec, 6)),
        ),
        14 | 16 => (
            u32_at(rec, 0),
            u32_at(rec, 4),
            u32::from(u16_at(rec, 8)),
            u32::from(u16_at(rec, 10)),
        ),
        _ => {
            return Err(IngestError::Corrupt(
                "a sheet's size record is damaged".into(),
            ))
        }
    };
    if rl == 0 || cl == 0 {
        return Ok(());
    }
    let cf = if cf > 0xFF || cl < cf { 0 } else { cf };
    if rf >= rl {
        return Err(IngestError::Corrupt(
            "a sheet's size record ends before it starts".into(),
        ));
    }
    let rows = u64::from(rl - rf);
    let cols = u64::from(cl - cf);
    if rows > limits.max_rows + 1 || cols > limits.max_columns as u64 {
        return Err(IngestError::Limit {
            what: "a sheet's declared size",
            limit: if rows > limits.max_rows + 1 {
                limits.max_rows
            } else {
                limits.max_columns as u64
            },
            hint: if rows > limits.max_rows + 1 {
                "rows"
            } else {
                "columns"
            },
        });
    }
    if rows.saturating_mul(cols) > limits.max_in_memory_cells {
        return Err(cells_limit(limits));
    }
    Ok(())
}
