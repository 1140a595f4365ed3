//! The one error type of the ingest crate.
//!
//! Messages name files, sheets, rows, columns, limits and rules, never a cell's value:
//! they reach the terminal, JSON output and logs. Errors from the spreadsheet libraries
//! are never passed through as text, because a parser error can quote the bytes it
//! choked on; each is replaced by a fixed description of what was wrong.

use gembok_core::CoreError;

/// What reading, scanning or importing a file failed with.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// Reading or writing a file failed (the message is the operating system's).
    #[error("{context}: {source}")]
    Io {
        context: String,
        source: std::io::Error,
    },
    /// The file is not one of the supported formats.
    #[error("unsupported file type: {0}")]
    Unsupported(String),
    /// A safety limit was exceeded; nothing was imported from the file.
    #[error("{what} exceeds the limit of {limit} ({hint})")]
    Limit {
        what: &'static str,
        limit: u64,
        hint: &'static str,
    },
    /// The file is damaged or not what its name says.
    #[error("the file is damaged or unreadable: {0}")]
    Corrupt(String),
    /// The requested sheet does not exist.
    #[error("no sheet named `{0}` in the workbook")]
    NoSuchSheet(String),
    /// The column mapping cannot be used.
    #[error("mapping: {0}")]
    Mapping(String),
    /// The import journal is damaged or belongs to another import of the same file.
    #[error("import journal: {0}")]
    Journal(String),
    /// The file changed between planning and importing.
    #[error("the file changed since the import was planned; run the import again")]
    Changed,
    /// The vault refused or failed.
    #[error(transparent)]
    Vault(#[from] CoreError),
}

impl IngestError {
    /// An I/O error with what was being done.
    pub(crate) fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        IngestError::Io {
            context: context.into(),
            source,
        }
    }

    /// Whether the problem lies in the input (file, mapping) rather than the system, so
    /// front ends can map it to their "invalid data" code.
    pub fn is_invalid_input(&self) -> bool {
        match self {
            IngestError::Unsupported(_)
            | IngestError::Limit { .. }
            | IngestError::Corrupt(_)
            | IngestError::NoSuchSheet(_)
            | IngestError::Mapping(_)
            | IngestError::Changed => true,
            IngestError::Vault(e) => e.kind() == gembok_core::ErrorKind::Invalid,
            IngestError::Io { .. } | IngestError::Journal(_) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_limit_and_the_hint() {
        let e = IngestError::Limit {
            what: "a cell",
            limit: 32_768,
            hint: "characters",
        };
        assert_eq!(
            e.to_string(),
            "a cell exceeds the limit of 32768 (characters)"
        );
        assert!(e.is_invalid_input());
        let io = IngestError::io("cannot open x.csv", std::io::Error::other("denied"));
        assert!(!io.is_invalid_input());
        assert!(io.to_string().starts_with("cannot open x.csv"));
    }
}
