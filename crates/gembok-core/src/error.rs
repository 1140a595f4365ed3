//! The one error type of the vault core.
//!
//! Every message names collections, fields and rules, never a value: these errors reach
//! CLI output, HTTP bodies and logs. Callers map variants to exit codes and status codes
//! through [`CoreError::kind`], so that mapping lives in one place per front end.

use gembok_crypto::CryptoError;
use gembok_store::StoreError;

/// One problem with one row of a batch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowError {
    /// Zero-based position of the row in the batch.
    pub row: usize,
    /// The error, as text without values.
    pub message: String,
}

/// What the vault refused or failed to do.
#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    #[error("unknown collection `{0}`")]
    UnknownCollection(String),
    #[error("field `{field}` is not declared in collection `{collection}`")]
    UndeclaredField { collection: String, field: String },
    #[error("field `{field}` is invalid ({rule}: {reason})")]
    InvalidField {
        field: String,
        rule: &'static str,
        reason: &'static str,
    },
    #[error("required field `{0}` is missing")]
    MissingField(String),
    #[error("invalid input: {0}")]
    InvalidInput(String),
    #[error("field `{0}` is not searchable")]
    NotSearchable(String),
    #[error("{} of {} rows are invalid; nothing was written (first: row {}: {})",
        .errors.len(), .total, .errors.first().map_or(0, |e| e.row + 1),
        .errors.first().map_or("", |e| e.message.as_str()))]
    Batch { errors: Vec<RowError>, total: usize },
    #[error("record not found")]
    NotFound,
    #[error("referenced {collection} record does not exist (field `{field}`)")]
    DanglingReference { collection: String, field: String },
    #[error("integrity failure: {0}")]
    Integrity(String),
    #[error("wrong master key: this vault was sealed with key {expected}, the key file holds key {found}")]
    WrongMasterKey { expected: String, found: String },
    #[error("schema: {0}")]
    Schema(String),
    #[error("schema change refused: {0}")]
    SchemaChange(String),
    #[error("this store already holds a vault; refusing to initialise it again")]
    AlreadyInitialized,
    #[error("this store holds no vault; run `gembok init` first")]
    NotInitialized,
    #[error("the audit log cannot be written; personal data is not served without it")]
    AuditUnavailable,
    /// Too many recent failed attempts on one credential; checked before any hashing.
    #[error("too many failed attempts on this credential; retry in {} s", ((*.retry_after_ms).max(0) + 999) / 1000)]
    Throttled { retry_after_ms: i64 },
    /// Too many consecutive failures: only an admin unlock lets attempts through again.
    #[error(
        "this credential is locked after too many failed attempts; an administrator must unlock it"
    )]
    CredentialLocked,
    /// The subject asked to restrict processing: only `legal` and `dpo` reads go through.
    #[error("processing of this data subject is restricted; only the purposes `legal` and `dpo` may read it")]
    SubjectRestricted,
    /// The purpose rests on consent and this subject has not granted it (or withdrew it).
    #[error("purpose `{purpose}` needs the data subject's consent, which is not on record or was withdrawn")]
    ConsentRequired { purpose: String },
    /// A legal hold on the subject blocks deletion.
    #[error("this data subject is under a legal hold; nothing of it may be deleted until the hold is released")]
    LegalHold,
    #[error("storage: {0}")]
    Store(StoreError),
    #[error("cryptography: {0}")]
    Crypto(CryptoError),
}

/// Coarse classes of error, for exit codes and HTTP statuses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The caller sent something invalid (exit 3, HTTP 400/422).
    Invalid,
    /// What was asked for does not exist (exit 4, HTTP 404).
    NotFound,
    /// Stored data or keys do not verify (exit 5, HTTP 500 with an opaque body).
    Integrity,
    /// The request conflicts with the vault's state (exit 1, HTTP 409).
    Conflict,
    /// A service the request needs (the audit log) cannot be written (exit 1, HTTP 503).
    Unavailable,
    /// The data subject's state refuses it: restriction, missing consent, legal hold
    /// (exit 1, HTTP 403 or 409).
    Refused,
    /// Anything else (exit 1, HTTP 500/503).
    Internal,
}

impl CoreError {
    /// The class of this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            CoreError::UndeclaredField { .. }
            | CoreError::InvalidField { .. }
            | CoreError::MissingField(_)
            | CoreError::InvalidInput(_)
            | CoreError::NotSearchable(_)
            | CoreError::Batch { .. }
            | CoreError::DanglingReference { .. }
            | CoreError::Schema(_)
            | CoreError::SchemaChange(_) => ErrorKind::Invalid,
            CoreError::UnknownCollection(_) | CoreError::NotFound => ErrorKind::NotFound,
            CoreError::Integrity(_) | CoreError::WrongMasterKey { .. } => ErrorKind::Integrity,
            CoreError::Crypto(CryptoError::WrongKey | CryptoError::Integrity) => {
                ErrorKind::Integrity
            }
            CoreError::Store(StoreError::Integrity(_)) => ErrorKind::Integrity,
            CoreError::Store(StoreError::NotFound) => ErrorKind::NotFound,
            // The credential's state refuses the attempt; front ends that can say more
            // (HTTP 429 / 423) match these variants before the kind.
            CoreError::Store(StoreError::Conflict(_) | StoreError::Changed)
            | CoreError::Throttled { .. }
            | CoreError::CredentialLocked
            | CoreError::AlreadyInitialized
            | CoreError::NotInitialized => ErrorKind::Conflict,
            CoreError::AuditUnavailable => ErrorKind::Unavailable,
            CoreError::SubjectRestricted
            | CoreError::ConsentRequired { .. }
            | CoreError::LegalHold => ErrorKind::Refused,
            CoreError::Store(_) | CoreError::Crypto(_) => ErrorKind::Internal,
        }
    }
}

impl CoreError {
    /// A stable code for refusals by the subject's state, for audit notes and API bodies.
    pub fn refusal_code(&self) -> Option<&'static str> {
        match self {
            CoreError::SubjectRestricted => Some("subject_restricted"),
            CoreError::ConsentRequired { .. } => Some("consent_required"),
            CoreError::LegalHold => Some("legal_hold"),
            _ => None,
        }
    }
}

impl From<StoreError> for CoreError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => CoreError::NotFound,
            other => CoreError::Store(other),
        }
    }
}

impl From<CryptoError> for CoreError {
    fn from(e: CryptoError) -> Self {
        CoreError::Crypto(e)
    }
}
