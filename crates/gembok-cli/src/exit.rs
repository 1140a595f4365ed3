//! Exit codes: the one place where an error becomes a number for scripts.

use gembok_core::{CoreError, ErrorKind};
use gembok_crypto::CryptoError;
use gembok_store::StoreError;

pub const INVALID: i32 = 3;
pub const NOT_FOUND: i32 = 4;
pub const INTEGRITY: i32 = 5;
pub const OTHER: i32 = 1;

/// A failure with a chosen exit code and a message that holds no values.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct Coded {
    pub code: i32,
    pub message: String,
}

/// Fail with an explicit code.
pub fn fail(code: i32, message: impl Into<String>) -> anyhow::Error {
    Coded {
        code,
        message: message.into(),
    }
    .into()
}

/// The exit code of an error, from the first cause that decides it.
pub fn code_for(err: &anyhow::Error) -> i32 {
    for cause in err.chain() {
        if let Some(c) = cause.downcast_ref::<Coded>() {
            return c.code;
        }
        if let Some(e) = cause.downcast_ref::<CoreError>() {
            return match e.kind() {
                ErrorKind::Invalid => INVALID,
                ErrorKind::NotFound => NOT_FOUND,
                ErrorKind::Integrity => INTEGRITY,
                ErrorKind::Conflict
                | ErrorKind::Unavailable
                | ErrorKind::Refused
                | ErrorKind::Internal => OTHER,
            };
        }
        if let Some(e) = cause.downcast_ref::<CryptoError>() {
            return match e {
                CryptoError::WrongKey | CryptoError::Integrity => INTEGRITY,
                _ => OTHER,
            };
        }
        if let Some(StoreError::Integrity(_)) = cause.downcast_ref::<StoreError>() {
            return INTEGRITY;
        }
    }
    OTHER
}

/// A stable machine code for JSON error output.
pub fn name_for(code: i32) -> &'static str {
    match code {
        INVALID => "invalid_data",
        NOT_FOUND => "not_found",
        INTEGRITY => "integrity_failure",
        _ => "error",
    }
}
