//! External copies of checkpoints, outside the database.
//!
//! Someone who can rewrite the database could also delete the last events and every
//! checkpoint after them; a copy of each checkpoint kept elsewhere (a file on another
//! disk, a webhook receiver) shows how far the chain reached. `audit verify
//! --checkpoints FILE` compares the chain against such a file.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;

use gembok_store::AuditCheckpoint;
use serde::{Deserialize, Serialize};

use crate::CoreError;

/// Receives every checkpoint after it is committed. Must not block for long; failures
/// are the sink's to report (the chain in the database is already durable).
pub trait CheckpointSink: Send + Sync {
    fn publish(&self, checkpoint: &AuditCheckpoint);
}

/// One checkpoint as a line of JSON (hex for bytes).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckpointLine {
    pub seq: u64,
    pub hash: String,
    pub time: i64,
    pub key_id: String,
    pub signature: String,
}

impl CheckpointLine {
    pub fn from_checkpoint(cp: &AuditCheckpoint) -> Self {
        CheckpointLine {
            seq: cp.seq,
            hash: hex::encode(&cp.hash),
            time: cp.time,
            key_id: cp.key_id.clone(),
            signature: hex::encode(&cp.signature),
        }
    }

    pub fn to_checkpoint(&self) -> Result<AuditCheckpoint, CoreError> {
        let bad = |_| CoreError::InvalidInput("a checkpoint line is not valid hex".into());
        Ok(AuditCheckpoint {
            seq: self.seq,
            hash: hex::decode(&self.hash).map_err(bad)?,
            time: self.time,
            key_id: self.key_id.clone(),
            signature: hex::decode(&self.signature).map_err(bad)?,
        })
    }
}

/// Appends checkpoints as JSON lines to a file, synced after each line.
pub struct FileSink {
    path: PathBuf,
    lock: Mutex<()>,
}

impl FileSink {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        FileSink {
            path: path.into(),
            lock: Mutex::new(()),
        }
    }

    /// Read every checkpoint line of a file written by a [`FileSink`].
    pub fn read(path: &std::path::Path) -> Result<Vec<AuditCheckpoint>, CoreError> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            CoreError::InvalidInput(format!("cannot read checkpoint file: {}", e.kind()))
        })?;
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                serde_json::from_str::<CheckpointLine>(l)
                    .map_err(|_| {
                        CoreError::InvalidInput("a checkpoint line does not parse".into())
                    })?
                    .to_checkpoint()
            })
            .collect()
    }
}

impl CheckpointSink for FileSink {
    fn publish(&self, cp: &AuditCheckpoint) {
        let _guard = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        let Ok(mut line) = serde_json::to_vec(&CheckpointLine::from_checkpoint(cp)) else {
            return;
        };
        line.push(b'\n');
        let written = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .and_then(|mut f| {
                f.write_all(&line)?;
                f.sync_data()
            });
        if let Err(e) = written {
            tracing_free_warn(e.kind());
        }
    }
}

/// The core crate has no logger; a failed copy is printed once per failure to stderr
/// with only the error kind (never a path or content).
fn tracing_free_warn(kind: std::io::ErrorKind) {
    eprintln!("gembok: could not append an audit checkpoint to the external file ({kind})");
}
