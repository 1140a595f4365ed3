//! Gembok's documents for the people the data is about and the people who check it: the
//! subject report (what the vault holds about one customer, why, until when, and who has
//! looked at it) and the privacy notice, each as one self-contained HTML page in Bahasa
//! Indonesia and English side by side, and the records of processing as CSV for auditors.
//!
//! The core builds the content ([`gembok_core::lifecycle`]); this crate only lays it out.
//! Every value goes through askama's HTML escaping, because customers typed many of them:
//! a name like `<script>` must show as text, never run. The pages load nothing from
//! elsewhere (inline CSS, no scripts, no fonts), so they can be mailed or archived as they
//! are. The CSV neutralises spreadsheet formulas for the same reason.
//!
//! A rendered subject report holds the customer's personal data in clear: the caller owns
//! that string and decides where it goes.
//!
//! Modules: `labels` (the bilingual words), `report` (and dates), `notice`, `records`.
#![forbid(unsafe_code)]

mod labels;
mod notice;
mod records;
mod report;

use gembok_core::lifecycle::notice::ProcessingRecord;
use gembok_core::lifecycle::{PrivacyNotice, SubjectReport};

/// Why a document could not be produced. Messages never carry the data being rendered.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// Writing the CSV failed.
    #[error("cannot write the records of processing as CSV")]
    Csv(#[source] csv::Error),
    /// The CSV writer gave back bytes that are not UTF-8 (cannot happen with `&str` input).
    #[error("the records of processing are not valid UTF-8")]
    Encoding,
    /// A template failed to render.
    #[error("cannot render the {0} page")]
    Template(&'static str),
}

/// The subject report as one self-contained HTML page (no external resources, inline CSS),
/// in Bahasa Indonesia and English side by side, for the customer it describes: the
/// business at the top, then every record with each field's label, value, class, purposes
/// and 'kept until' date; consent per consent-based purpose; restriction and legal hold;
/// and the access history.
///
/// Should a template ever fail, the result is a short bilingual page saying so rather than
/// a partial report.
pub fn subject_report_html(report: &SubjectReport, notice: &PrivacyNotice) -> String {
    report::render(report, notice).unwrap_or_else(|_| failure_page())
}

/// The privacy notice page (`/privacy`), bilingual the same way: who we are, what data we
/// hold per class, why (purposes with legal basis), how long, who receives it, the
/// customer's rights under UU PDP No. 27/2022 and how to use them, and the notice version
/// and publication date.
pub fn privacy_notice_html(notice: &PrivacyNotice) -> String {
    notice::render(notice).unwrap_or_else(|_| failure_page())
}

/// Records of processing as CSV with a header row
/// `collection,field,class,purposes,legal_bases,retention,recipients,searchable`, lists
/// joined with `;`, and cells that a spreadsheet would run as a formula prefixed with `'`.
pub fn processing_csv(rows: &[ProcessingRecord]) -> Result<String, RenderError> {
    records::to_csv(rows)
}

fn failure_page() -> String {
    concat!(
        "<!DOCTYPE html>\n<html lang=\"id\"><head><meta charset=\"utf-8\">",
        "<title>Kesalahan / Error</title></head><body>",
        "<p lang=\"id\">Halaman ini tidak dapat dibuat. Silakan coba lagi atau hubungi kami.</p>",
        "<p lang=\"en\">This page could not be produced. Please try again or contact us.</p>",
        "</body></html>\n"
    )
    .to_owned()
}
