//! Which columns of a table hold personal data, and of which type.
//!
//! A [`Detector`] takes rows as they stream from a reader. It holds back the first rows
//! to decide whether the first one is a header row, then counts per column what every
//! value could be (see `value`) and, at the end, settles each column with its header
//! (see `header` and `decide`). Classification uses the vault's own validators, so a
//! column found to hold NIKs holds values the vault would accept as NIKs.

mod decide;
pub(crate) mod header;
mod lexicon;
mod stats;
mod types;
pub(crate) mod value;

use self::decide::{decide, Verdict};
use self::stats::ColumnStats;
pub use self::types::PiiType;
use crate::Row;

/// Rows held back to decide whether the first row is a header.
const PROBE_ROWS: usize = 50;

/// What was found in one column.
#[derive(Clone, Debug, PartialEq)]
pub struct ColumnReport {
    /// 0-based column index.
    pub index: usize,
    /// The header text, when the table has a header row.
    pub header: Option<String>,
    /// The personal-data type, or `None`.
    pub pii: Option<PiiType>,
    /// 0.0 to 1.0: how sure the detector is of `pii` (0 when `pii` is `None`).
    pub confidence: f64,
    /// Non-empty cells in the column.
    pub count: u64,
    /// One value of the column in its masked form, when `pii` is set.
    pub example: Option<String>,
}

/// What was found in one table (a CSV file or one sheet).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TableReport {
    pub has_header: bool,
    /// Data rows (the header row not counted, blank rows skipped).
    pub rows: u64,
    pub columns: Vec<ColumnReport>,
}

impl TableReport {
    /// The columns that hold personal data.
    pub fn personal(&self) -> impl Iterator<Item = &ColumnReport> {
        self.columns.iter().filter(|c| c.pii.is_some())
    }
}

/// Streaming column classifier.
pub struct Detector {
    probe: Vec<Row>,
    header: Option<Vec<String>>,
    decided: bool,
    stats: Vec<ColumnStats>,
    rows: u64,
    birth_year_max: i32,
}

impl Default for Detector {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for Detector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Detector {{ rows: {}, columns: {} }}",
            self.rows,
            self.stats.len()
        )
    }
}

impl Detector {
    pub fn new() -> Self {
        Self {
            probe: Vec::with_capacity(PROBE_ROWS),
            header: None,
            decided: false,
            stats: Vec::new(),
            rows: 0,
            // Customers are at least ten years old; an order date is recent.
            birth_year_max: current_year() - 10,
        }
    }

    /// Take the next row of the table.
    pub fn push(&mut self, row: Row) {
        if self.decided {
            self.feed(&row);
            return;
        }
        self.probe.push(row);
        if self.probe.len() == PROBE_ROWS {
            self.decide_header();
        }
    }

    fn decide_header(&mut self) {
        self.decided = true;
        let mut probe = std::mem::take(&mut self.probe);
        if probe
            .first()
            .is_some_and(|first| is_header_row(first, &probe[1..]))
        {
            let first = probe.remove(0);
            self.header = Some(first.cells.iter().map(|c| clean_header(c)).collect());
        }
        for row in &probe {
            self.feed(row);
        }
    }

    fn feed(&mut self, row: &Row) {
        self.rows += 1;
        if self.stats.len() < row.cells.len() {
            self.stats
                .resize_with(row.cells.len(), ColumnStats::default);
        }
        for (s, cell) in self.stats.iter_mut().zip(&row.cells) {
            s.add(cell, self.birth_year_max);
        }
    }

    /// Settle every column.
    pub fn finish(mut self) -> TableReport {
        if !self.decided {
            self.decide_header();
        }
        let header = self.header.take();
        let width = self.stats.len().max(header.as_ref().map_or(0, Vec::len));
        self.stats.resize_with(width, ColumnStats::default);
        let hints: Vec<_> = (0..width)
            .map(|i| {
                header
                    .as_ref()
                    .and_then(|h| h.get(i))
                    .map(|t| header::read(t))
                    .unwrap_or_default()
            })
            .collect();
        let verdicts: Vec<Verdict> = self
            .stats
            .iter()
            .zip(&hints)
            .map(|(s, h)| decide(s, *h))
            .collect();
        let customer_table = verdicts.iter().any(|v| matches!(v, Verdict::Found(..)));
        let columns = verdicts
            .into_iter()
            .enumerate()
            .map(|(i, v)| {
                let (pii, confidence) = match v {
                    Verdict::Found(t, c) => (Some(t), c),
                    Verdict::PostalInContext(c) if customer_table => (Some(PiiType::PostalCode), c),
                    _ => (None, 0.0),
                };
                let s = &self.stats[i];
                ColumnReport {
                    index: i,
                    header: header.as_ref().and_then(|h| h.get(i)).cloned(),
                    pii,
                    confidence: (confidence * 100.0).round() / 100.0,
                    count: s.non_empty,
                    example: pii.and_then(|t| s.example(t).map(|v| mask(t, v))),
                }
            })
            .collect();
        TableReport {
            has_header: header.is_some(),
            rows: self.rows,
            columns,
        }
    }
}

/// Classify a whole table held in memory (tests, the corpus, small previews).
pub fn classify_rows(rows: &[Vec<String>]) -> TableReport {
    let mut d = Detector::new();
    for (i, cells) in rows.iter().enumerate() {
        let row = Row {
            number: i as u64 + 1,
            cells: cells.clone(),
        };
        if !row.is_blank() {
            d.push(row);
        }
    }
    d.finish()
}

/// Whether `first` reads as column labels rather than data: none of its cells looks
/// like a value (an e-mail, a number, a date, a known name, an address), and either
/// most of its cells are known labels or its cells are text over columns of numbers.
fn is_header_row(first: &Row, rest: &[Row]) -> bool {
    let mut labels = 0;
    let mut cells = 0;
    for c in first.cells.iter().filter(|c| !value::is_empty_value(c)) {
        cells += 1;
        let (flags, _) = value::classify(c, current_year());
        let data_like = value::EMAIL
            | value::PHONE
            | value::NIK
            | value::NPWP
            | value::CARD
            | value::DATE
            | value::POSTAL
            | value::DIGITS
            | value::NAME_WORD
            | value::ADDRESS;
        if flags & data_like != 0 {
            return false;
        }
        if header::read(c).known() && c.chars().count() <= 40 {
            labels += 1;
        }
    }
    if cells == 0 {
        return false;
    }
    if labels * 2 >= cells {
        return true;
    }
    // Text over a column of numbers, dates or addresses is a label.
    first.cells.iter().enumerate().any(|(j, c)| {
        if value::is_empty_value(c) {
            return false;
        }
        let below: Vec<&str> = rest
            .iter()
            .map(|r| r.cell(j))
            .filter(|v| !value::is_empty_value(v))
            .collect();
        let typed = below
            .iter()
            .filter(|v| {
                let (f, _) = value::classify(v, current_year());
                f & (value::DIGITS | value::EMAIL | value::PHONE | value::DATE | value::ADDRESS)
                    != 0
            })
            .count();
        below.len() >= 3 && typed * 10 >= below.len() * 8
    })
}

/// A header as shown in reports: printable, at most 64 characters.
fn clean_header(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control())
        .take(64)
        .collect::<String>()
        .trim()
        .to_owned()
}

/// The masked form of an example value.
fn mask(t: PiiType, raw: &str) -> String {
    if t == PiiType::CardNumber {
        let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
        let last = digits.len().saturating_sub(4);
        return format!("**** **** **** {}", &digits[last..]);
    }
    let Some(ft) = t.field_type() else {
        return "***".into();
    };
    let normalized = ft.normalize(raw).or_else(|e| {
        if t == PiiType::Phone && value::stripped_mobile(raw) {
            ft.normalize(&format!("0{raw}"))
        } else {
            Err(e)
        }
    });
    match normalized {
        Ok(n) => ft.mask(n.as_str()),
        Err(_) => "***".into(),
    }
}

/// The current calendar year (UTC), from the system clock.
fn current_year() -> i32 {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    1970 + (secs as f64 / (365.2425 * 86_400.0)) as i32
}

#[cfg(test)]
mod tests;
