//! Crate-level tests: detection quality on the corpus, readers on generated files of
//! every format, hostile files, scans and imports.

mod formats;
mod hostile;
mod import;
mod quality;
pub(crate) mod support;
