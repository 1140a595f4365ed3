//! Zip-bomb checks for XLSX and ODS, run before calamine opens the file.
//!
//! calamine inflates whatever a workbook's entries hold, with no bound of its own. So
//! the container is checked first, in two passes. The central directory: the number of
//! entries, the declared decompressed sizes added up, and each large entry's ratio of
//! decompressed to compressed size. Then every entry is actually inflated into a
//! counter, because declared sizes are written by whoever made the file: an entry
//! that inflates past what it declared, or past the limits, stops the check at that
//! point, having held only one small buffer.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use zip::ZipArchive;

use crate::limits::RATIO_FLOOR_BYTES;
use crate::{IngestError, Limits};

/// Check the zip container at `path` against the limits, inflating every entry once.
pub(crate) fn check(path: &Path, limits: &Limits) -> Result<(), IngestError> {
    let file = File::open(path)
        .map_err(|e| IngestError::io(format!("cannot open {}", path.display()), e))?;
    let mut zip = ZipArchive::new(BufReader::new(file))
        .map_err(|_| IngestError::Corrupt("not a valid zip container".into()))?;
    if zip.len() > limits.max_zip_entries {
        return Err(IngestError::Limit {
            what: "the workbook",
            limit: limits.max_zip_entries as u64,
            hint: "zip entries",
        });
    }
    check_declared(&mut zip, limits)?;
    check_actual(&mut zip, limits)
}

fn too_big(limits: &Limits) -> IngestError {
    IngestError::Limit {
        what: "the workbook's decompressed size",
        limit: limits.max_unzipped_bytes,
        hint: "bytes; this may be a zip bomb",
    }
}

fn check_declared<R: Read + std::io::Seek>(
    zip: &mut ZipArchive<R>,
    limits: &Limits,
) -> Result<(), IngestError> {
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let entry = zip
            .by_index_raw(i)
            .map_err(|_| IngestError::Corrupt("a zip entry header is damaged".into()))?;
        if entry.encrypted() {
            return Err(IngestError::Corrupt(
                "the workbook is password-protected; remove the password and try again".into(),
            ));
        }
        let size = entry.size();
        total = total.saturating_add(size);
        if total > limits.max_unzipped_bytes {
            return Err(too_big(limits));
        }
        if size > RATIO_FLOOR_BYTES && size / entry.compressed_size().max(1) > limits.max_zip_ratio
        {
            return Err(IngestError::Limit {
                what: "a zip entry's compression ratio",
                limit: limits.max_zip_ratio,
                hint: "to 1; this may be a zip bomb",
            });
        }
    }
    Ok(())
}

fn check_actual<R: Read + std::io::Seek>(
    zip: &mut ZipArchive<R>,
    limits: &Limits,
) -> Result<(), IngestError> {
    let mut total: u64 = 0;
    let mut buf = vec![0u8; 64 * 1024];
    for i in 0..zip.len() {
        let mut entry = zip
            .by_index(i)
            .map_err(|_| IngestError::Corrupt("a zip entry cannot be opened".into()))?;
        let declared = entry.size();
        let compressed = entry.compressed_size().max(1);
        let mut seen: u64 = 0;
        loop {
            let n = match entry.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n as u64,
                Err(_) => {
                    return Err(IngestError::Corrupt(
                        "a zip entry does not decompress (damaged data or checksum)".into(),
                    ))
                }
            };
            seen += n;
            total += n;
            if seen > declared {
                return Err(IngestError::Corrupt(
                    "a zip entry holds more data than it declares; this may be a zip bomb".into(),
                ));
            }
            if total > limits.max_unzipped_bytes {
                return Err(too_big(limits));
            }
            if seen > RATIO_FLOOR_BYTES && seen / compressed > limits.max_zip_ratio {
                return Err(IngestError::Limit {
                    what: "a zip entry's compression ratio",
                    limit: limits.max_zip_ratio,
                    hint: "to 1; this may be a zip bomb",
                });
            }
        }
    }
    Ok(())
}
