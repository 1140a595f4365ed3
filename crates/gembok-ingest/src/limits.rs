//! Safety limits for hostile files, checked before and while parsing.
//!
//! A spreadsheet from an unknown source can be a zip bomb (a few kilobytes that inflate
//! to gigabytes), a sheet that claims a billion cells, or a single cell of a gigabyte.
//! Every reader checks these limits before it allocates for what the file claims and
//! again while it reads what the file actually holds, and stops with
//! [`IngestError::Limit`](crate::IngestError::Limit) at the first one crossed.

/// The limits one read works under. `Default` suits customer spreadsheets on a small
/// server; every field can be raised or lowered by the caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Data rows per sheet (CSV and XLSX are streamed, so this bounds time, not memory).
    pub max_rows: u64,
    /// Columns per row.
    pub max_columns: usize,
    /// Characters in one cell (Excel's own limit is 32,767).
    pub max_cell_chars: usize,
    /// Bytes of one CSV record after decoding, all cells together.
    pub max_row_bytes: usize,
    /// Entries in a zip container (XLSX, ODS).
    pub max_zip_entries: usize,
    /// Decompressed bytes of all entries of a zip container together.
    pub max_unzipped_bytes: u64,
    /// Decompressed size divided by compressed size, for any entry over 1 MiB.
    pub max_zip_ratio: u64,
    /// Size of a file that must be held in memory whole (XLS).
    pub max_in_memory_file_bytes: u64,
    /// Cells of a sheet that the reader must hold in memory whole (XLS, ODS).
    pub max_in_memory_cells: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_rows: 10_000_000,
            max_columns: 1_000,
            max_cell_chars: 32_767,
            max_row_bytes: 1 << 20,
            max_zip_entries: 10_000,
            max_unzipped_bytes: 512 << 20,
            max_zip_ratio: 200,
            max_in_memory_file_bytes: 64 << 20,
            max_in_memory_cells: 2_000_000,
        }
    }
}

/// Entries smaller than this may have any compression ratio: small XML files of
/// repeated tags compress far better than 200:1 and are harmless.
pub(crate) const RATIO_FLOOR_BYTES: u64 = 1 << 20;
