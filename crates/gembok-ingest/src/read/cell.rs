//! Spreadsheet cell values as text, the way a person sees them in the sheet.
//!
//! Formulas are never evaluated: a workbook carries the value each formula last
//! computed, and that cached value is all that is read. Whole numbers are written
//! without a decimal point or exponent (an NIK typed into Excel is stored as a number),
//! dates as ISO `YYYY-MM-DD`, errors and empty cells as empty text.

use calamine::{Data, DataRef, ExcelDateTime};

/// The text of a cell.
pub(crate) fn data_text(d: &Data) -> String {
    match d {
        Data::Int(i) => i.to_string(),
        Data::Float(f) => float_text(*f),
        Data::String(s) | Data::DurationIso(s) => s.clone(),
        Data::DateTimeIso(s) => iso_text(s),
        Data::Bool(b) => bool_text(*b),
        Data::DateTime(dt) => datetime_text(dt),
        Data::Error(_) | Data::Empty => String::new(),
    }
}

/// The text of a streamed XLSX cell.
pub(crate) fn data_ref_text(d: &DataRef<'_>) -> String {
    match d {
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => float_text(*f),
        DataRef::String(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_owned(),
        DataRef::DateTimeIso(s) => iso_text(s),
        DataRef::Bool(b) => bool_text(*b),
        DataRef::DateTime(dt) => datetime_text(dt),
        DataRef::Error(_) | DataRef::Empty => String::new(),
    }
}

fn bool_text(b: bool) -> String {
    if b { "TRUE" } else { "FALSE" }.to_owned()
}

/// Whole numbers print as integers; others in the shortest form that round-trips.
pub(crate) fn float_text(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e17 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

fn iso_text(s: &str) -> String {
    s.strip_suffix("T00:00:00").unwrap_or(s).to_owned()
}

fn datetime_text(dt: &ExcelDateTime) -> String {
    if !dt.is_datetime() {
        return float_text(dt.as_f64());
    }
    let (y, m, d, h, mi, s, ms) = dt.to_ymd_hms_milli();
    if (h, mi, s, ms) == (0, 0, 0, 0) {
        format!("{y:04}-{m:02}-{d:02}")
    } else {
        format!("{y:04}-{m:02}-{d:02} {h:02}:{mi:02}:{s:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::ExcelDateTimeType;

    #[test]
    fn cells_as_text_table() {
        let date = ExcelDateTime::new(33010.0, ExcelDateTimeType::DateTime, false);
        let stamp = ExcelDateTime::new(45943.5, ExcelDateTimeType::DateTime, false);
        for (data, text) in [
            (Data::Int(42), "42"),
            (Data::Float(3174091705900002.0), "3174091705900002"),
            (Data::Float(81234567890.0), "81234567890"),
            (Data::Float(1.5), "1.5"),
            (Data::Float(f64::NAN), "NaN"),
            (Data::String("Budi".into()), "Budi"),
            (Data::Bool(true), "TRUE"),
            (Data::DateTime(date), "1990-05-17"),
            (Data::DateTime(stamp), "2025-10-13 12:00:00"),
            (
                Data::DateTimeIso("1990-05-17T00:00:00".into()),
                "1990-05-17",
            ),
            (Data::Error(calamine::CellErrorType::Div0), ""),
            (Data::Empty, ""),
        ] {
            assert_eq!(data_text(&data), text, "{data:?}");
        }
        assert_eq!(data_ref_text(&DataRef::SharedString("Siti")), "Siti");
        assert_eq!(data_ref_text(&DataRef::Float(12.0)), "12");
    }
}
