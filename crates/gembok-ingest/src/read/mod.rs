//! Readers: every supported format behind one [`Workbook`] that hands rows to a closure.
//!
//! Rows are pushed to a closure rather than pulled through an iterator because the
//! streaming XLSX reader borrows its workbook; the closure can stop early with
//! [`Flow::Stop`]. Each call to [`Workbook::for_each_row`] reads the sheet again from the
//! start, which is how the importer makes its checking pass and its writing pass. The
//! hostile-file checks (zip bombs, huge sheets) run once, in [`Workbook::open`], before
//! any spreadsheet parser sees the file; the row, column and cell limits are enforced
//! again on every row while reading.

mod cell;
mod csv;
mod odsguard;
mod text;
mod xlsguard;
mod xlsx;
mod zipguard;

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use calamine::{Data, Ods, Range, Reader, Xls};

pub use self::csv::CsvRows;
use crate::{Format, IngestError, Limits, Row};

/// Whether a row visitor wants more rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    Continue,
    Stop,
}

/// What receives rows.
pub type RowSink<'a> = &'a mut dyn FnMut(Row) -> Result<Flow, IngestError>;

enum Book {
    Text { delimiter: Option<u8> },
    Xlsx(Box<xlsx::XlsxBook>),
    Ods(Box<Ods<BufReader<File>>>),
    Xls(Box<Xls<BufReader<File>>>),
}

/// An opened file: a CSV/TSV file is one unnamed sheet, a workbook has named sheets.
pub struct Workbook {
    path: PathBuf,
    format: Format,
    limits: Limits,
    sheets: Vec<String>,
    book: Book,
}

impl std::fmt::Debug for Workbook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Workbook")
            .field("path", &self.path)
            .field("format", &self.format)
            .field("sheets", &self.sheets.len())
            .finish()
    }
}

impl Workbook {
    /// Detect the format, run the hostile-file checks, and open the file.
    pub fn open(path: &Path, limits: &Limits) -> Result<Self, IngestError> {
        let format = Format::detect(path)?;
        let (book, sheets) = match format {
            Format::Csv | Format::Tsv => (
                Book::Text {
                    delimiter: (format == Format::Tsv).then_some(b'\t'),
                },
                vec![String::new()],
            ),
            Format::Xlsx => {
                zipguard::check(path, limits)?;
                let (book, names) = xlsx::open(path)?;
                (Book::Xlsx(Box::new(book)), names)
            }
            Format::Ods => {
                zipguard::check(path, limits)?;
                odsguard::check(path, limits)?;
                let book: Ods<_> = guarded(|| calamine::open_workbook(path))
                    .ok_or_else(|| IngestError::Corrupt("not a readable ODS spreadsheet".into()))?;
                let names = book.sheet_names();
                (Book::Ods(Box::new(book)), names)
            }
            Format::Xls => {
                xlsguard::check(path, limits)?;
                let book: Xls<_> = guarded(|| calamine::open_workbook(path))
                    .ok_or_else(|| IngestError::Corrupt("not a readable XLS workbook".into()))?;
                let names = book.sheet_names();
                (Book::Xls(Box::new(book)), names)
            }
        };
        Ok(Self {
            path: path.to_path_buf(),
            format,
            limits: limits.clone(),
            sheets,
            book,
        })
    }

    /// The format the file was read as.
    pub fn format(&self) -> Format {
        self.format
    }

    /// Sheet names, in workbook order (one empty name for delimited text).
    pub fn sheet_names(&self) -> &[String] {
        &self.sheets
    }

    /// The index of the sheet called `name`.
    pub fn sheet_index(&self, name: &str) -> Result<usize, IngestError> {
        self.sheets
            .iter()
            .position(|s| s == name)
            .ok_or_else(|| IngestError::NoSuchSheet(name.to_owned()))
    }

    /// Read sheet `sheet` from its first row, handing every non-blank row to `sink`.
    pub fn for_each_row(&mut self, sheet: usize, sink: RowSink<'_>) -> Result<(), IngestError> {
        let name = self
            .sheets
            .get(sheet)
            .cloned()
            .ok_or_else(|| IngestError::NoSuchSheet(format!("#{}", sheet + 1)))?;
        let limits = &self.limits;
        let mut skip_blank = |row: Row| {
            if row.is_blank() {
                Ok(Flow::Continue)
            } else {
                sink(row)
            }
        };
        match &mut self.book {
            Book::Text { delimiter } => {
                let file = File::open(&self.path).map_err(|e| {
                    IngestError::io(format!("cannot open {}", self.path.display()), e)
                })?;
                let mut rows = CsvRows::new(file, *delimiter, limits)?;
                while let Some(row) = rows.next_row()? {
                    if skip_blank(row)? == Flow::Stop {
                        break;
                    }
                }
                Ok(())
            }
            Book::Xlsx(book) => xlsx::for_each_row(book, &name, limits, &mut skip_blank),
            Book::Ods(book) => {
                let range = book
                    .worksheet_range(&name)
                    .map_err(|_| IngestError::Corrupt(format!("sheet `{name}` cannot be read")))?;
                range_rows(&range, limits, &mut skip_blank)
            }
            Book::Xls(book) => {
                let range = book
                    .worksheet_range(&name)
                    .map_err(|_| IngestError::Corrupt(format!("sheet `{name}` cannot be read")))?;
                range_rows(&range, limits, &mut skip_blank)
            }
        }
    }
}

/// A parser that panics on a damaged file must not take the process down with it: the
/// panic is caught and reported as a damaged file.
fn guarded<T, E>(f: impl FnOnce() -> Result<T, E>) -> Option<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
        .ok()
        .and_then(Result::ok)
}

fn range_rows(range: &Range<Data>, limits: &Limits, sink: RowSink<'_>) -> Result<(), IngestError> {
    let Some((row0, col0)) = range.start() else {
        return Ok(());
    };
    for (i, cells) in range.rows().enumerate() {
        let r = u64::from(row0) + i as u64;
        let mut row = Row {
            number: r + 1,
            cells: Vec::with_capacity(cells.len() + col0 as usize),
        };
        row.cells.resize(col0 as usize, String::new());
        for (j, d) in cells.iter().enumerate() {
            check_position(r, col0 as usize + j, limits)?;
            let text = cell::data_text(d);
            check_cell(&text, limits)?;
            row.cells.push(text);
        }
        row.trim_end();
        if sink(row)? == Flow::Stop {
            break;
        }
    }
    Ok(())
}

/// Refuse a cell outside the row and column limits (0-based position).
pub(crate) fn check_position(row: u64, col: usize, limits: &Limits) -> Result<(), IngestError> {
    if row > limits.max_rows {
        return Err(IngestError::Limit {
            what: "the sheet",
            limit: limits.max_rows,
            hint: "rows",
        });
    }
    if col >= limits.max_columns {
        return Err(IngestError::Limit {
            what: "a row",
            limit: limits.max_columns as u64,
            hint: "columns",
        });
    }
    Ok(())
}

/// Refuse a cell longer than the limit.
pub(crate) fn check_cell(text: &str, limits: &Limits) -> Result<(), IngestError> {
    if text.len() > limits.max_cell_chars && text.chars().count() > limits.max_cell_chars {
        return Err(IngestError::Limit {
            what: "a cell",
            limit: limits.max_cell_chars as u64,
            hint: "characters",
        });
    }
    Ok(())
}
