//! Translation of driver errors into [`StoreError`], and the classification the retry
//! loop needs: is an error a serialization conflict, a lost connection, or final?
//!
//! PostgreSQL messages can quote values (a rejected byte sequence, the key of a unique
//! violation in `DETAIL`), so a message is passed on only for error classes whose text
//! names server state or objects, never row data; `DETAIL` and `HINT` never are.

use gembok_store::StoreError;
use postgres::error::SqlState;

/// An error inside one attempt of a transaction, before it is decided whether the
/// attempt may be repeated.
#[derive(Debug)]
pub(crate) enum Failure {
    /// A final answer of the store's own (conflict, not found, integrity).
    Store(StoreError),
    /// A driver or server error, classified by [`kind`].
    Pg(postgres::Error),
    /// A write met a row a concurrent transaction created; repeating it will see it.
    Race,
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        Self::Store(e)
    }
}

impl From<postgres::Error> for Failure {
    fn from(e: postgres::Error) -> Self {
        Self::Pg(e)
    }
}

/// What the retry loop does with a driver error.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Serialization failure or deadlock: the server rolled back, try again.
    Conflict,
    /// The connection is gone (server restart, `pg_terminate_backend`, network).
    Lost,
    /// Anything else: report it.
    Final,
}

pub(crate) fn kind(err: &postgres::Error) -> Kind {
    if err.is_closed() {
        return Kind::Lost;
    }
    match err.code() {
        Some(code) if *code == SqlState::T_R_SERIALIZATION_FAILURE => Kind::Conflict,
        Some(code) if *code == SqlState::T_R_DEADLOCK_DETECTED => Kind::Conflict,
        Some(code) if lost_code(code.code()) => Kind::Lost,
        Some(_) => Kind::Final,
        None if io_cause(err) => Kind::Lost,
        None => Kind::Final,
    }
}

/// Connection exceptions (class 08) and the shutdown and termination codes of class
/// 57 (`57P01` admin_shutdown is what `pg_terminate_backend` sends).
fn lost_code(code: &str) -> bool {
    code.starts_with("08") || matches!(code, "57P01" | "57P02" | "57P03")
}

fn io_cause(err: &postgres::Error) -> bool {
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        if s.is::<std::io::Error>() {
            return true;
        }
        source = s.source();
    }
    false
}

/// Error classes whose message names only objects or server state: connection (08),
/// invalid authorization (28), catalog (3D), syntax and access (42), resources (53),
/// operator intervention (57), transaction rollback (40), transaction state (25).
fn message_is_safe(code: &str) -> bool {
    ["08", "28", "3D", "42", "53", "57", "40", "25"]
        .iter()
        .any(|class| code.starts_with(class))
}

/// Map a driver error to the store's error kinds, without any bound value.
pub(crate) fn map(err: &postgres::Error) -> StoreError {
    if let Some(db) = err.as_db_error() {
        let code = db.code().code();
        let mut text = format!("SQLSTATE {code}");
        if message_is_safe(code) {
            text.push_str(": ");
            text.push_str(db.message());
        } else {
            if let Some(table) = db.table() {
                text.push_str(&format!(" on table {table}"));
            }
            if let Some(constraint) = db.constraint() {
                text.push_str(&format!(" (constraint {constraint})"));
            }
        }
        return match kind(err) {
            Kind::Lost => StoreError::Unavailable(format!("connection lost: {text}")),
            Kind::Conflict => StoreError::Unavailable(format!(
                "transaction kept conflicting with concurrent ones: {text}"
            )),
            Kind::Final if code.starts_with("53") || code.starts_with("28") => {
                StoreError::Unavailable(text)
            }
            Kind::Final if code.starts_with("3D") => StoreError::Unavailable(text),
            Kind::Final => StoreError::Backend(text),
        };
    }
    if kind(err) == Kind::Lost {
        // Connection errors name the host and the OS error, never row data.
        return StoreError::Unavailable(format!("PostgreSQL connection failed or lost: {err}"));
    }
    StoreError::Backend("PostgreSQL client error (type conversion or protocol)".into())
}

/// Like [`map`], but a unique violation becomes `Conflict(what)`: the statement
/// inserts something that must be new.
pub(crate) fn conflict_on_unique(what: &'static str) -> impl FnOnce(postgres::Error) -> Failure {
    move |err| match err.code() {
        Some(code) if *code == SqlState::UNIQUE_VIOLATION => {
            Failure::Store(StoreError::Conflict(what))
        }
        _ => Failure::Pg(err),
    }
}

/// Checked conversions of the BYTEA and BIGINT columns, shared with every SQL backend.
pub(crate) use gembok_store::columns::{limit, record_id, version};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lost_and_safe_codes() {
        for code in ["08006", "08003", "57P01", "57P02", "57P03"] {
            assert!(lost_code(code), "{code}");
        }
        for code in ["40001", "23505", "57014", "42P01"] {
            assert!(!lost_code(code), "{code}");
        }
        assert!(message_is_safe("42P01"));
        assert!(!message_is_safe("22021"), "encoding errors quote bytes");
        assert!(!message_is_safe("23505"), "unique violations quote keys");
    }

    #[test]
    fn column_conversions_check_ranges() {
        assert!(record_id(&[7; 16]).is_ok());
        assert!(matches!(record_id(&[7; 15]), Err(StoreError::Integrity(_))));
        assert_eq!(version(5).unwrap(), 5);
        assert!(matches!(version(-1), Err(StoreError::Integrity(_))));
        assert!(matches!(version(1 << 40), Err(StoreError::Integrity(_))));
        assert_eq!(limit(usize::MAX), i64::MAX);
    }
}
