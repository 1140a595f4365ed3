//! The import journal: how far an import of one file into one collection has come.
//!
//! It lives next to the vault (`<data dir>/imports/`), is named by the file's SHA-256
//! and the collection, and holds counts and row numbers only, never a value. It is
//! replaced atomically (write, fsync, rename, fsync the folder). Before each batch is
//! written the journal records it as pending; after the batch commits, as done. A crash
//! between the two leaves a pending batch, which the next run settles by looking in the
//! vault (see `resume`).

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::IngestError;

const VERSION: u32 = 1;

/// A batch written but not yet known to be committed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Pending {
    /// The last row number the batch covers.
    pub through: u64,
    pub accepted: u64,
    pub rejected: u64,
    /// Length of the rejects report once this batch's rejects are in it.
    pub rejects_len: u64,
    /// Unix milliseconds just before the batch was handed to the vault.
    pub since_ms: i64,
}

/// The state of one import.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Journal {
    pub version: u32,
    pub file_sha256: String,
    pub collection: String,
    pub sheet: String,
    pub mapping: Vec<(usize, String)>,
    /// Every row up to this row number is settled (accepted or rejected).
    pub done_through: u64,
    pub accepted: u64,
    pub rejected: u64,
    pub rejects_len: u64,
    pub pending: Option<Pending>,
    pub complete: bool,
}

impl Journal {
    pub fn new(sha: &str, collection: &str, sheet: &str, mapping: Vec<(usize, String)>) -> Self {
        Self {
            version: VERSION,
            file_sha256: sha.to_owned(),
            collection: collection.to_owned(),
            sheet: sheet.to_owned(),
            mapping,
            done_through: 0,
            accepted: 0,
            rejected: 0,
            rejects_len: 0,
            pending: None,
            complete: false,
        }
    }

    /// Where the journal of `sha` into `collection` lives under `dir`.
    pub fn path(dir: &Path, sha: &str, collection: &str) -> PathBuf {
        dir.join(format!("{sha}-{collection}.json"))
    }

    /// Load a journal, if there is one.
    pub fn load(path: &Path) -> Result<Option<Self>, IngestError> {
        let text = match fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(IngestError::io(
                    format!("cannot read {}", path.display()),
                    e,
                ))
            }
        };
        let j: Journal = serde_json::from_str(&text)
            .map_err(|_| IngestError::Journal(format!("{} is damaged", path.display())))?;
        if j.version != VERSION {
            return Err(IngestError::Journal(format!(
                "{} was written by another version",
                path.display()
            )));
        }
        Ok(Some(j))
    }

    /// Replace the journal at `path` atomically and durably.
    pub fn store(&self, path: &Path) -> Result<(), IngestError> {
        let dir = path.parent().unwrap_or(Path::new("."));
        let err = |e| {
            IngestError::io(
                format!("cannot write the import journal {}", path.display()),
                e,
            )
        };
        fs::create_dir_all(dir).map_err(err)?;
        let tmp = path.with_extension("json.tmp");
        let text =
            serde_json::to_vec_pretty(self).map_err(|e| IngestError::Journal(e.to_string()))?;
        let mut f = File::create(&tmp).map_err(err)?;
        f.write_all(&text).map_err(err)?;
        f.sync_all().map_err(err)?;
        fs::rename(&tmp, path).map_err(err)?;
        File::open(dir).and_then(|d| d.sync_all()).map_err(err)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_and_load_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let p = Journal::path(dir.path(), "ab12", "customers");
        assert_eq!(Journal::load(&p).unwrap(), None);
        let mut j = Journal::new("ab12", "customers", "", vec![(0, "name".into())]);
        j.pending = Some(Pending {
            through: 10,
            accepted: 8,
            rejected: 2,
            rejects_len: 99,
            since_ms: 1,
        });
        j.store(&p).unwrap();
        assert_eq!(Journal::load(&p).unwrap(), Some(j));
        fs::write(&p, "{not json").unwrap();
        assert!(matches!(Journal::load(&p), Err(IngestError::Journal(_))));
    }
}
