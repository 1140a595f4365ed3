//! The records of processing (GDPR Art. 30; what UU PDP Art. 31 asks a controller to
//! keep) as CSV, one row per schema field, for auditors who open it in a spreadsheet.
//!
//! Spreadsheets run a cell that starts with `=`, `+`, `-` or `@` as a formula (and some
//! treat a leading tab or carriage return the same way). Processor names come from the
//! business profile, which an operator types, so every such cell gets a leading `'`, the
//! usual way to say "this is text".

use gembok_core::lifecycle::notice::ProcessingRecord;

use crate::RenderError;

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

/// `cell` made safe to open in a spreadsheet.
fn neutralise(cell: String) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell
    }
}

pub(crate) fn to_csv(rows: &[ProcessingRecord]) -> Result<String, RenderError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(HEADER).map_err(RenderError::Csv)?;
    for r in rows {
        let cells = [
            r.collection.clone(),
            r.field.clone(),
            r.class.as_str().to_owned(),
            r.purposes.join(";"),
            r.legal_bases.join(";"),
            r.retention.clone(),
            r.recipients.join(";"),
            r.searchable.to_string(),
        ];
        w.write_record(cells.map(neutralise))
            .map_err(RenderError::Csv)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| RenderError::Csv(e.into_error().into()))?;
    String::from_utf8(bytes).map_err(|_| RenderError::Encoding)
}

#[cfg(test)]
mod tests {
    use super::neutralise;

    #[test]
    fn formula_starts_get_an_apostrophe() {
        for bad in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(neutralise(bad.to_owned()), format!("'{bad}"));
        }
        for fine in ["customers", "a=b", "", "'quoted", "10y"] {
            assert_eq!(neutralise(fine.to_owned()), fine);
        }
    }
}
