//! The gate's side of customers' credentials (`password` and `totp` fields): who may
//! verify, enrol and unlock, and the audit of refusals and failures.
//!
//! Rights chosen:
//! - **verify** (password or TOTP) needs the write right on the collection (the right
//!   `create`/`update` use). A verification is not a read, since it returns no value,
//!   but it is an oracle for guesses and it changes the credential's state (failure
//!   count, last TOTP step), so read-only roles (`analyst`, `dpo`) may not probe it.
//!   The login backend of the business holds `app`, which has it.
//! - **enrol** a TOTP secret needs the write right too: it replaces a field's value.
//! - **unlock** after 100 failures needs `manage_keys`, the administrators' right
//!   (`owner`, `admin`): a lock exists so that whoever was guessing cannot lift it,
//!   and the guessing key most likely holds the write right. A key restricted to some
//!   collections may only unlock credentials in those.
//!
//! Successful operations, failures to verify and throttle refusals are audited by the
//! vault with the credential's own action names; the gate notes policy refusals and
//! other failures under the same names.

use gembok_types::RecordId;

use super::audited::kind_code;
use super::{AccessError, Action, Denied, Gate, Principal};
use crate::audit::{Actor, AuditEvent, Outcome};
use crate::time::now_ms;
use crate::vault::TotpEnrolment;
use crate::CoreError;

/// One credential operation: its audit name and the right it needs.
#[derive(Clone, Copy)]
enum Op {
    VerifyPassword,
    VerifyTotp,
    EnrolTotp,
    Unlock,
}

impl Op {
    fn audit_name(self) -> &'static str {
        match self {
            Op::VerifyPassword => "record.verify_password",
            Op::VerifyTotp => "record.verify_totp",
            Op::EnrolTotp => "record.enrol_totp",
            Op::Unlock => "credential.unlock",
        }
    }

    fn action(self) -> Action {
        match self {
            Op::VerifyPassword | Op::VerifyTotp | Op::EnrolTotp => Action::Update,
            Op::Unlock => Action::ManageKeys,
        }
    }
}

impl Gate {
    /// Check a customer's password; `true` when it matches.
    pub fn verify_password(
        &self,
        p: &Principal,
        collection: &str,
        id: RecordId,
        field: &str,
        candidate: &str,
    ) -> Result<bool, AccessError> {
        self.credential_op(p, Op::VerifyPassword, collection, |actor| {
            self.vault()
                .verify_password_at(actor, collection, id, field, candidate, now_ms())
        })
    }

    /// Check a customer's six-digit TOTP code; `true` when it is right and fresh.
    pub fn verify_totp(
        &self,
        p: &Principal,
        collection: &str,
        id: RecordId,
        field: &str,
        code: &str,
    ) -> Result<bool, AccessError> {
        self.credential_op(p, Op::VerifyTotp, collection, |actor| {
            self.vault()
                .verify_totp(actor, collection, id, field, code, now_ms())
        })
    }

    /// Give a customer a fresh TOTP secret; the answer carries it once.
    #[allow(clippy::too_many_arguments)]
    pub fn enrol_totp(
        &self,
        p: &Principal,
        collection: &str,
        id: RecordId,
        field: &str,
        issuer: &str,
        account_label: &str,
    ) -> Result<TotpEnrolment, AccessError> {
        self.credential_op(p, Op::EnrolTotp, collection, |actor| {
            self.vault().enrol_totp(
                actor,
                collection,
                id,
                field,
                issuer,
                account_label,
                now_ms(),
            )
        })
    }

    /// Lift the lock (or wait) on a customer's password or TOTP field.
    pub fn unlock_credential(
        &self,
        p: &Principal,
        collection: &str,
        id: RecordId,
        field: &str,
    ) -> Result<(), AccessError> {
        self.credential_op(p, Op::Unlock, collection, |actor| {
            self.vault()
                .unlock_credential(actor, collection, id, field, now_ms())
        })
    }

    fn credential_op<T>(
        &self,
        p: &Principal,
        op: Op,
        collection: &str,
        f: impl FnOnce(&Actor) -> Result<T, CoreError>,
    ) -> Result<T, AccessError> {
        let decided = self.decide(p, op.action(), Some(collection)).and_then(|_| {
            // `decide` leaves key-level collection limits out for admin actions.
            if p.key_allows_collection(collection) {
                Ok(())
            } else {
                Err(Denied::forbidden(format!(
                    "this API key is not allowed collection `{}`",
                    crate::schema::sanitize_name(collection)
                )))
            }
        });
        if let Err(d) = decided {
            self.note_credential(p, op, collection, Outcome::Denied, d.code);
            return Err(d.into());
        }
        match f(&p.actor(None)) {
            Ok(v) => Ok(v),
            // Already in the log (by the vault), or the log itself is what failed.
            Err(
                e @ (CoreError::Throttled { .. }
                | CoreError::CredentialLocked
                | CoreError::AuditUnavailable),
            ) => Err(e.into()),
            Err(e) => {
                self.note_credential(p, op, collection, Outcome::Failed, kind_code(e.kind()));
                Err(e.into())
            }
        }
    }

    fn note_credential(
        &self,
        p: &Principal,
        op: Op,
        collection: &str,
        outcome: Outcome,
        code: &str,
    ) {
        let event = AuditEvent::new(&p.actor(None), op.audit_name(), now_ms())
            .collection(&crate::schema::sanitize_name(collection))
            .outcome(outcome, Some(code));
        // The answer is a refusal or failure already; if this note cannot be written,
        // the log's observers have been told.
        let _ = self.vault().audit().record(event);
    }
}
