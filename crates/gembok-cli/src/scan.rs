//! Byte scans of files for known values: the demo's proof that nothing is stored in
//! clear. One Aho-Corasick pass finds any of thousands of values at once.

use std::path::PathBuf;

use aho_corasick::AhoCorasick;
use anyhow::Result;

/// What a scan read and found.
pub struct ScanReport {
    pub bytes: u64,
    pub hits: usize,
}

/// Count occurrences of any needle in the files (hits only; never which value).
pub fn scan_files(files: &[PathBuf], needles: &[String]) -> Result<ScanReport> {
    let ac = AhoCorasick::new(needles)?;
    let mut report = ScanReport { bytes: 0, hits: 0 };
    for f in files {
        let bytes = std::fs::read(f)?;
        report.bytes += bytes.len() as u64;
        report.hits += ac.find_iter(&bytes).count();
    }
    Ok(report)
}
