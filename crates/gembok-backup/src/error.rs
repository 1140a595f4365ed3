//! The one error type of the backup crate, with a stable machine code per kind.
//!
//! Messages name what failed and where (a file name, a destination, a manifest field),
//! never a stored value, a passphrase or key material: they reach terminals and logs.

use gembok_core::CoreError;
use gembok_store::StoreError;

/// Everything that can go wrong while backing up, verifying, restoring or handling the
/// recovery kit.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// Bad input from the operator: an unknown recipient, a missing identity, a flag.
    #[error("{0}")]
    Invalid(String),
    /// The backup cannot be decrypted with the identities given.
    #[error("the backup cannot be decrypted with this identity (wrong identity file?)")]
    WrongIdentity,
    /// The archive is damaged: truncated, a flipped byte, a bad container.
    #[error("the backup is damaged: {0}")]
    Damaged(String),
    /// The manifest does not match the snapshot or its signature does not verify.
    #[error("the backup's manifest does not check out: {0}")]
    Manifest(String),
    /// A restore target already holds something.
    #[error("{0}")]
    Refused(String),
    /// The recovery kit cannot rebuild the key.
    #[error("the recovery kit does not open: {0}")]
    Recovery(String),
    /// The destination (folder or object store) failed.
    #[error("backup destination: {0}")]
    Destination(String),
    /// Nothing found (no backup in the destination, no such object).
    #[error("{0}")]
    NotFound(String),
    /// A local file operation failed.
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Core(#[from] CoreError),
    #[error(transparent)]
    Crypto(#[from] gembok_crypto::CryptoError),
}

impl BackupError {
    /// A stable code scripts and the CLI's exit mapping can rely on.
    pub fn code(&self) -> &'static str {
        match self {
            BackupError::Invalid(_) => "invalid",
            BackupError::WrongIdentity => "wrong_identity",
            BackupError::Damaged(_) => "damaged",
            BackupError::Manifest(_) => "manifest_mismatch",
            BackupError::Refused(_) => "refused",
            BackupError::Recovery(_) => "recovery_failed",
            BackupError::Destination(_) => "destination",
            BackupError::NotFound(_) => "not_found",
            BackupError::Io { .. } => "io",
            BackupError::Store(_) => "store",
            BackupError::Core(_) => "core",
            BackupError::Crypto(_) => "crypto",
        }
    }

    /// Whether the error says the backup itself is not trustworthy (the CLI exits 5).
    pub fn is_integrity(&self) -> bool {
        matches!(
            self,
            BackupError::WrongIdentity | BackupError::Damaged(_) | BackupError::Manifest(_)
        )
    }

    pub(crate) fn io(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> BackupError {
        let context = context.into();
        move |source| BackupError::Io { context, source }
    }
}
