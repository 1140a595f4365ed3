//! Errors a backend reports. They carry no stored values: at most a table or
//! operation name and the backend's own message, which never includes bound parameters.

/// What went wrong in a store operation.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A record, key or schema version that must be new already exists.
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// A [`crate::Mutation::PutDocIf`] found the document changed since it was read;
    /// the caller reads it again and repeats. Nothing of the batch was applied.
    #[error("a document changed since it was read")]
    Changed,
    /// A record an update or delete names does not exist.
    #[error("not found")]
    NotFound,
    /// Stored bytes do not have the shape the store wrote (tampering or corruption).
    #[error("integrity failure: {0}")]
    Integrity(&'static str),
    /// The backend could not be reached or refused the operation.
    #[error("backend unavailable: {0}")]
    Unavailable(String),
    /// Any other backend error; the message comes from the driver without parameters.
    #[error("backend error: {0}")]
    Backend(String),
}

impl StoreError {
    /// What a write through a [`crate::Store::snapshot`] view gets.
    pub fn read_only() -> Self {
        Self::Conflict("a store snapshot is read-only")
    }
}
