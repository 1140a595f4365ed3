//! The gate's audit notes: refusals and failures. Successful operations are audited by
//! the vault itself, in the same transaction as a write or before a read is answered;
//! what is left for the gate is what never reached the vault, or failed there.

use super::{AccessError, Action, Denied, Gate, Principal};
use crate::audit::{AuditEvent, Outcome};
use crate::time::now_ms;
use crate::{CoreError, ErrorKind};

impl Gate {
    /// Run `f`; when it is refused or fails, note that in the audit log.
    pub(super) fn audited<T>(
        &self,
        p: &Principal,
        purpose: Option<&str>,
        action: Action,
        collection: Option<&str>,
        f: impl FnOnce() -> Result<T, AccessError>,
    ) -> Result<T, AccessError> {
        let result = f();
        match &result {
            Err(AccessError::Denied(d)) => self.note_denied(p, purpose, action, collection, d),
            // The log itself failed: nothing more can be written to it.
            Err(AccessError::Core(CoreError::AuditUnavailable)) | Ok(_) => {}
            Err(AccessError::Core(e)) => {
                self.note(
                    p,
                    purpose,
                    action,
                    collection,
                    Outcome::Failed,
                    e.refusal_code().unwrap_or_else(|| kind_code(e.kind())),
                );
            }
        }
        result
    }

    pub(super) fn note_denied(
        &self,
        p: &Principal,
        purpose: Option<&str>,
        action: Action,
        collection: Option<&str>,
        denied: &Denied,
    ) {
        self.note(p, purpose, action, collection, Outcome::Denied, denied.code);
    }

    fn note(
        &self,
        p: &Principal,
        purpose: Option<&str>,
        action: Action,
        collection: Option<&str>,
        outcome: Outcome,
        code: &str,
    ) {
        let mut event = AuditEvent::new(&p.actor(purpose), action.audit_name(), now_ms())
            .outcome(outcome, Some(code));
        if let Some(c) = collection {
            event = event.collection(&crate::schema::sanitize_name(c));
        }
        // The request is refused or failed already; if even this note cannot be
        // written, the log's observers have been told and the caller's answer stands.
        let _ = self.vault().audit().record(event);
    }
}

/// A stable code for a class of failure (also the credential notes' code).
pub(super) fn kind_code(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::Invalid => "invalid",
        ErrorKind::NotFound => "not_found",
        ErrorKind::Integrity => "integrity",
        ErrorKind::Conflict => "conflict",
        ErrorKind::Unavailable => "unavailable",
        ErrorKind::Refused => "refused",
        ErrorKind::Internal => "internal",
    }
}
