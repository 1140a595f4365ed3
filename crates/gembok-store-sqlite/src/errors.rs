//! Translation of rusqlite errors into [`StoreError`], and the checked conversions of
//! stored columns (from [`gembok_store::columns`]) that the queries use.
//!
//! Messages carry the SQLite result code and SQLite's own text (which names tables and
//! columns, never bound values); rusqlite errors that could quote a value are reduced
//! to a fixed description.

use gembok_store::StoreError;
use gembok_types::RecordId;
use rusqlite::ErrorCode;

/// Map any rusqlite error to the store's error kinds.
pub(crate) fn map(err: rusqlite::Error) -> StoreError {
    match err {
        rusqlite::Error::SqliteFailure(e, msg) => {
            let detail = msg.unwrap_or_else(|| format!("{:?}", e.code));
            match e.code {
                ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => {
                    StoreError::Unavailable(format!("database busy: {detail}"))
                }
                ErrorCode::CannotOpen
                | ErrorCode::PermissionDenied
                | ErrorCode::ReadOnly
                | ErrorCode::DiskFull
                | ErrorCode::SystemIoFailure
                | ErrorCode::FileLockingProtocolFailed => {
                    StoreError::Unavailable(format!("{:?}: {detail}", e.code))
                }
                ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase => {
                    StoreError::Integrity("database file is corrupt or not a database")
                }
                _ => StoreError::Backend(format!("{:?}: {detail}", e.code)),
            }
        }
        rusqlite::Error::FromSqlConversionFailure(..)
        | rusqlite::Error::InvalidColumnType(..)
        | rusqlite::Error::IntegralValueOutOfRange(..)
        | rusqlite::Error::Utf8Error(..) => {
            StoreError::Integrity("stored column has an unexpected type or value")
        }
        rusqlite::Error::InvalidPath(_) => {
            StoreError::Unavailable("database path is not valid".into())
        }
        other => StoreError::Backend(format!("sqlite driver: {}", describe(&other))),
    }
}

/// Like [`map`], but a constraint violation becomes `Conflict(what)`: the statement
/// inserts something that must be unique.
pub(crate) fn map_conflict(what: &'static str) -> impl FnOnce(rusqlite::Error) -> StoreError {
    move |err| match err.sqlite_error_code() {
        Some(ErrorCode::ConstraintViolation) => StoreError::Conflict(what),
        _ => map(err),
    }
}

/// A fixed description of driver-side errors whose `Display` might quote input.
fn describe(err: &rusqlite::Error) -> &'static str {
    match err {
        rusqlite::Error::QueryReturnedNoRows => "query returned no rows",
        rusqlite::Error::QueryReturnedMoreThanOneRow => "query returned more than one row",
        rusqlite::Error::ExecuteReturnedResults => "statement returned rows",
        rusqlite::Error::InvalidParameterCount(..) => "wrong parameter count",
        rusqlite::Error::InvalidColumnIndex(_) | rusqlite::Error::InvalidColumnName(_) => {
            "unknown column"
        }
        rusqlite::Error::ToSqlConversionFailure(_) => "value cannot be bound",
        rusqlite::Error::SqlInputError { .. } => "SQL syntax error",
        rusqlite::Error::NulError(_) => "text contains a NUL byte",
        _ => "unexpected driver error",
    }
}

/// Checked conversions of the INTEGER columns, shared with every SQL backend.
pub(crate) use gembok_store::columns::{limit, version};

/// A 16-byte id column back into a [`RecordId`]; rusqlite hands the blob over owned.
pub(crate) fn record_id(bytes: Vec<u8>) -> Result<RecordId, StoreError> {
    gembok_store::columns::record_id(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(code: i32, msg: &str) -> rusqlite::Error {
        rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(code), Some(msg.into()))
    }

    fn kind(e: &StoreError) -> &'static str {
        match e {
            StoreError::Conflict(_) => "conflict",
            StoreError::Changed => "changed",
            StoreError::NotFound => "not found",
            StoreError::Integrity(_) => "integrity",
            StoreError::Unavailable(_) => "unavailable",
            StoreError::Backend(_) => "backend",
        }
    }

    #[test]
    fn result_codes_map_to_kinds() {
        use rusqlite::ffi;
        let cases = [
            (ffi::SQLITE_BUSY, "unavailable"),
            (ffi::SQLITE_LOCKED, "unavailable"),
            (ffi::SQLITE_FULL, "unavailable"),
            (ffi::SQLITE_IOERR, "unavailable"),
            (ffi::SQLITE_CORRUPT, "integrity"),
            (ffi::SQLITE_NOTADB, "integrity"),
            (ffi::SQLITE_CONSTRAINT, "backend"),
            (ffi::SQLITE_ERROR, "backend"),
        ];
        for (code, expected) in cases {
            let mapped = map(failure(code, "table records"));
            assert_eq!(kind(&mapped), expected, "code {code}: {mapped:?}");
        }
    }

    #[test]
    fn constraint_becomes_conflict_only_where_asked() {
        let err = failure(rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY, "pk");
        assert!(matches!(
            map_conflict("record exists")(err),
            StoreError::Conflict("record exists")
        ));
        let busy = failure(rusqlite::ffi::SQLITE_BUSY, "busy");
        assert!(matches!(
            map_conflict("record exists")(busy),
            StoreError::Unavailable(_)
        ));
    }

    #[test]
    fn driver_errors_do_not_quote_input() {
        let err = rusqlite::Error::InvalidParameterName("secret-nik-3174".into());
        let text = map(err).to_string();
        assert!(!text.contains("3174"), "{text}");
    }

    #[test]
    fn column_conversions_check_ranges() {
        assert!(record_id(vec![7; 16]).is_ok());
        assert!(matches!(
            record_id(vec![7; 15]),
            Err(StoreError::Integrity(_))
        ));
        assert_eq!(version(5).unwrap(), 5);
        assert!(matches!(version(-1), Err(StoreError::Integrity(_))));
        assert!(matches!(version(1 << 40), Err(StoreError::Integrity(_))));
        assert_eq!(limit(usize::MAX), i64::MAX);
    }
}
