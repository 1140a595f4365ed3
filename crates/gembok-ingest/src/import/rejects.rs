//! The rejects report: one CSV line per problem, `row,column,field,rule,reason`.
//!
//! It names where a problem is and why, never the value, so it can be shared with
//! whoever fixes the spreadsheet. It is appended batch by batch and synced before the
//! batch (and the journal counting its rejects) commits; on resume it is cut back to
//! the length the journal recorded, so the lines of a batch that did not commit are
//! written once, when the batch is.

use std::fs::{File, OpenOptions};
use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use super::validate::Reject;
use crate::IngestError;

const HEADER: &str = "row,column,field,rule,reason\n";

/// An open rejects report.
pub(crate) struct RejectsFile {
    path: PathBuf,
    file: File,
    len: u64,
    /// Bytes were written since the last sync.
    unsynced: bool,
}

impl RejectsFile {
    /// Open the report at `path`, keeping its first `keep` bytes (0: start afresh).
    pub fn open(path: &Path, keep: u64) -> Result<Self, IngestError> {
        let err = |e| {
            IngestError::io(
                format!("cannot write the rejects report {}", path.display()),
                e,
            )
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(err)?;
        }
        let mut file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path)
            .map_err(err)?;
        let actual = file.metadata().map_err(err)?.len();
        let keep = if keep == 0 || actual < keep { 0 } else { keep };
        file.set_len(keep).map_err(err)?;
        file.seek(SeekFrom::Start(keep)).map_err(err)?;
        let mut out = Self {
            path: path.to_path_buf(),
            file,
            len: keep,
            unsynced: true,
        };
        if keep == 0 {
            out.write(HEADER.as_bytes())?;
        }
        Ok(out)
    }

    fn write(&mut self, bytes: &[u8]) -> Result<(), IngestError> {
        self.file
            .write_all(bytes)
            .map_err(|e| IngestError::io(format!("cannot write {}", self.path.display()), e))?;
        self.len += bytes.len() as u64;
        self.unsynced = true;
        Ok(())
    }

    /// Append rejects and make them durable; returns the new length.
    pub fn append(&mut self, rejects: &[Reject]) -> Result<u64, IngestError> {
        if !rejects.is_empty() {
            let mut text = String::new();
            for r in rejects {
                text.push_str(&line(r));
            }
            self.write(text.as_bytes())?;
        }
        if std::mem::take(&mut self.unsynced) {
            self.file
                .sync_data()
                .map_err(|e| IngestError::io(format!("cannot write {}", self.path.display()), e))?;
        }
        Ok(self.len)
    }

    pub fn len(&self) -> u64 {
        self.len
    }
}

fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

fn line(r: &Reject) -> String {
    format!(
        "{},{},{},{},{}\n",
        r.row,
        r.column.as_deref().unwrap_or(""),
        quote(&r.field),
        quote(&r.rule),
        quote(&r.reason)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reject(row: u64) -> Reject {
        Reject {
            row,
            column: Some("C".into()),
            field: "nik".into(),
            rule: "nik.province".into(),
            reason: "unknown province code".into(),
        }
    }

    #[test]
    fn append_and_cut_back() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("r.csv");
        let mut r = RejectsFile::open(&p, 0).unwrap();
        let first = r.append(&[reject(2)]).unwrap();
        r.append(&[reject(3), reject(4)]).unwrap();
        drop(r);
        let text = std::fs::read_to_string(&p).unwrap();
        assert_eq!(text.lines().count(), 4);
        assert!(text.starts_with(HEADER));
        assert!(text.contains("2,C,\"nik\",\"nik.province\",\"unknown province code\""));
        let r = RejectsFile::open(&p, first).unwrap();
        assert_eq!(r.len(), first);
        assert_eq!(std::fs::read_to_string(&p).unwrap().lines().count(), 2);
    }
}
