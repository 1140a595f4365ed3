//! The data lifecycle and data-subject rights: what happens to a customer's data over
//! time and at the customer's request (UU PDP No. 27/2022 Art. 5-14, GDPR Art. 15-21).
//!
//! - [`subject`]: per-subject state: restriction of processing, legal hold, and consent
//!   per purpose. Reads check it in the vault (`Vault::check_subjects`), so no front end
//!   can skip it.
//! - [`erase`]: erasure of every record of a subject, and the erasure ledger that makes
//!   an erased subject stay erased when an older backup is restored.
//! - [`retention`]: the schema's retention periods enforced against a given clock.
//! - [`requests`]: rights requests with deadlines, for the DPO's queue.
//! - [`report`]: the subject report (access and portability).
//! - [`notice`]: the privacy notice and the records of processing, generated from the
//!   schema and the business profile.
//! - [`minimisation`]: fields never read and purposes never used, from the audit log.
//!
//! State lives in store documents (kinds below): ids, purposes, times and codes only,
//! never a value of the subject's data.

pub mod erase;
pub mod minimisation;
pub mod notice;
pub mod report;
pub mod requests;
pub mod retention;
pub mod subject;

pub use erase::{ErasureListener, ErasureReport, LedgerEntry};
pub use minimisation::MinimisationReport;
pub use notice::{BusinessProfile, PrivacyNotice, ProcessingRecord, Processor};
pub use report::{ReportField, ReportRecord, SubjectReport};
pub use requests::{RequestKind, RequestStatus, RightsConfig, RightsRequest};
pub use retention::{RetentionOptions, RetentionReport};
pub use subject::{ConsentEntry, SubjectState};

/// Document kind of per-subject state (id: the subject's record id).
pub const SUBJECT_STATE_DOC: &str = "subject_state";
/// Document kind of the erasure ledger (id: the erased subject's record id).
pub const ERASURE_LEDGER_DOC: &str = "erasure_ledger";
/// Document kind of rights requests (id: the request id).
pub const RIGHTS_REQUEST_DOC: &str = "rights_request";
/// Document kind of privacy-notice versions (id: the version, zero-padded).
pub const PRIVACY_NOTICE_DOC: &str = "privacy_notice";

/// Purposes a restricted subject's data may still be read for.
pub const RESTRICTED_PURPOSES: [&str; 2] = ["legal", "dpo"];

/// A short code from a caller (consent source, hold reason): letters, digits, `_ - . :`,
/// at most 64 characters, so no value of personal data can be smuggled into state or
/// audit entries through it.
pub(crate) fn check_code(what: &str, code: &str) -> Result<String, crate::CoreError> {
    let ok = !code.is_empty()
        && code.len() <= 64
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':'));
    if ok {
        Ok(code.to_owned())
    } else {
        Err(crate::CoreError::InvalidInput(format!(
            "{what} must be 1 to 64 letters, digits or _ - . :"
        )))
    }
}
