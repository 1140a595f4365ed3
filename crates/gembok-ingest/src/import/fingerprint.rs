//! Which file an import is about: its SHA-256 (names the journal, so a resumed import
//! continues the same file and an edited file starts afresh), and its size and
//! modification time (to notice an edit between planning and writing).

use std::io::Read;
use std::path::Path;
use std::time::SystemTime;

use aws_lc_rs::digest::{Context, SHA256};

use crate::IngestError;

/// Identity of a file's content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileFingerprint {
    /// SHA-256 of the content, lower-case hex.
    pub sha256: String,
    pub len: u64,
    pub modified: Option<SystemTime>,
}

impl FileFingerprint {
    /// Hash the file at `path`, streaming.
    pub fn of(path: &Path) -> Result<Self, IngestError> {
        let err = |e| IngestError::io(format!("cannot read {}", path.display()), e);
        let mut f = std::fs::File::open(path).map_err(err)?;
        let meta = f.metadata().map_err(err)?;
        let mut ctx = Context::new(&SHA256);
        let mut buf = vec![0u8; 1 << 20];
        let mut len = 0u64;
        loop {
            let n = f.read(&mut buf).map_err(err)?;
            if n == 0 {
                break;
            }
            ctx.update(&buf[..n]);
            len += n as u64;
        }
        let sha256 = ctx
            .finish()
            .as_ref()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        Ok(Self {
            sha256,
            len,
            modified: meta.modified().ok(),
        })
    }

    /// Whether the file at `path` still has this size and modification time.
    pub fn unchanged(&self, path: &Path) -> bool {
        std::fs::metadata(path)
            .map(|m| m.len() == self.len && m.modified().ok() == self.modified)
            .unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_and_change_detection() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.csv");
        std::fs::write(&p, b"abc").unwrap();
        let f = FileFingerprint::of(&p).unwrap();
        assert_eq!(
            f.sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(f.len, 3);
        assert!(f.unchanged(&p));
        std::fs::write(&p, b"abcd").unwrap();
        assert!(!f.unchanged(&p));
    }
}
