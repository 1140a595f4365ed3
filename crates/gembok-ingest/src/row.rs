//! One row of a sheet as the readers hand it on.
//!
//! Cells hold customer data, so a row wipes its text when dropped and its `Debug` shows
//! only the row number and the number of cells.

use std::fmt;

use zeroize::Zeroize;

/// A row: its number as a spreadsheet shows it (1-based, the header row counts) and its
/// cells as text, trailing empty cells trimmed.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Row {
    pub number: u64,
    pub cells: Vec<String>,
}

impl Row {
    /// The text of cell `index`, or `""` when the row is shorter.
    pub fn cell(&self, index: usize) -> &str {
        self.cells.get(index).map_or("", String::as_str)
    }

    /// Whether every cell is empty or whitespace.
    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(|c| c.trim().is_empty())
    }

    /// Drop trailing empty cells, wiping nothing of value (they are empty).
    pub(crate) fn trim_end(&mut self) {
        while self.cells.last().is_some_and(String::is_empty) {
            self.cells.pop();
        }
    }
}

impl Drop for Row {
    fn drop(&mut self) {
        for c in &mut self.cells {
            c.zeroize();
        }
    }
}

impl fmt::Debug for Row {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Row {{ number: {}, cells: {} [redacted] }}",
            self.number,
            self.cells.len()
        )
    }
}

/// Spreadsheet column letters for a 0-based index: 0 is `A`, 26 is `AA`.
pub fn column_letters(index: usize) -> String {
    let mut n = index + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        out.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        let row = Row {
            number: 7,
            cells: vec!["3174096112900002".into(), "budi@example.com".into()],
        };
        let shown = format!("{row:?} {row:#?}");
        assert!(
            !shown.contains("3174") && !shown.contains("budi"),
            "{shown}"
        );
        assert!(shown.contains("number: 7"));
    }

    #[test]
    fn cells_blank_and_trim() {
        let mut row = Row {
            number: 1,
            cells: vec!["a".into(), " ".into(), String::new(), String::new()],
        };
        assert_eq!(row.cell(0), "a");
        assert_eq!(row.cell(9), "");
        assert!(!row.is_blank());
        row.trim_end();
        assert_eq!(row.cells.len(), 2);
        assert!(Row {
            number: 2,
            cells: vec![" ".into()]
        }
        .is_blank());
    }

    #[test]
    fn column_letters_table() {
        for (i, s) in [
            (0, "A"),
            (25, "Z"),
            (26, "AA"),
            (27, "AB"),
            (701, "ZZ"),
            (702, "AAA"),
        ] {
            assert_eq!(column_letters(i), s);
        }
    }
}
