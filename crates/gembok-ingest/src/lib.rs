//! Finding customer data in spreadsheets and moving it into the vault.
//!
//! Small businesses keep customers in spreadsheets: exports from marketplaces, order
//! sheets, a "data pelanggan.xlsx" on a shared laptop. This crate reads them (CSV, TSV,
//! XLSX, XLS, ODS) under limits that hold against hostile files ([`read`], [`Limits`]),
//! recognises which columns hold personal data from their values and their headers in
//! Indonesian and English ([`detect`]), reports what it finds ([`scan`](mod@scan)), and imports a
//! file into a vault collection row by row through the schema's validators, in
//! resumable batches ([`import`](mod@import)).
#![forbid(unsafe_code)]

pub mod detect;
mod error;
#[cfg(any(test, feature = "fixtures"))]
pub mod fixtures;
mod format;
pub mod import;
mod limits;
pub mod read;
mod row;
pub mod scan;

pub use detect::{classify_rows, ColumnReport, Detector, PiiType, TableReport};
pub use error::IngestError;
pub use format::Format;
pub use import::{import, plan, ImportOptions, ImportPlan, ImportSummary};
pub use limits::Limits;
pub use read::{Flow, Workbook};
pub use row::{column_letters, Row};
pub use scan::{scan, scan_file, FileReport, ScanReport};

#[cfg(test)]
mod tests;
