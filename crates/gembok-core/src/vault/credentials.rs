//! Credentials the business keeps for its own customers: `password` and `totp` fields.
//! This file owns password verification, the brute-force throttle shared by both kinds
//! and the admin unlock; TOTP enrolment and codes are in `totp_field`.
//!
//! Each credential (collection, record, field) has one store document of kind
//! [`CREDENTIAL_THROTTLE_DOC`] with id `<collection>/<record id>/<field>`: its failure
//! count ([`FailureState`](crate::staff::throttle::FailureState)) and, for TOTP, the
//! last accepted time step, so a code is accepted once. The throttle's verdict is asked
//! before any password is hashed or code computed, so a locked or waiting credential
//! costs nothing. Changes to the documents are serialised within this process by one
//! lock and across processes sharing one database by a compare-and-set
//! ([`throttle_doc`]), so concurrent failures are all counted and a code sent twice at
//! the same moment is accepted once.
//!
//! Every verification, enrolment, lock and unlock is an audit event, committed in the
//! same transaction as the document change; events name the record and field, never a
//! value, code or secret.

use std::sync::{Mutex, MutexGuard, PoisonError};

use gembok_store::SealedRecord;
use gembok_types::{FieldType, Normalized, RecordId};

use super::seal::open_all;
use super::{State, Vault};
use crate::audit::{Actor, AuditEvent, Outcome};
use crate::schema::{Collection, FieldSpec};
use crate::staff::throttle::{ThrottlePolicy, Verdict};
use crate::time::now_ms;
use crate::CoreError;
use throttle_doc::{Change, Loaded, ThrottleDoc};

/// Store document kind of a credential's throttle state.
pub const CREDENTIAL_THROTTLE_DOC: &str = "credential_throttle";

/// The vault's credential settings and the lock over throttle documents.
#[derive(Default)]
pub(crate) struct Credentials {
    lock: Mutex<()>,
    policy: Mutex<ThrottlePolicy>,
}

/// One credential: where it lives, and its record as stored (only that field loaded).
struct Target<'s> {
    coll: &'s Collection,
    spec: &'s FieldSpec,
    record: SealedRecord,
}

impl Target<'_> {
    fn doc_id(&self) -> String {
        format!(
            "{}/{}/{}",
            self.coll.name, self.record.meta.id, self.spec.name
        )
    }

    fn event(&self, actor: &Actor, action: &str, now: i64) -> AuditEvent {
        AuditEvent::new(actor, action, now)
            .collection(self.coll.name.as_str())
            .records([self.record.meta.id])
            .subjects([self.record.meta.subject])
            .fields([self.spec.name.as_str()])
    }

    /// The stored value (a PHC hash or a base32 secret), if the record has one.
    fn value(&self, state: &State) -> Result<Option<Normalized>, CoreError> {
        Ok(open_all(state, self.coll.name.as_str(), &self.record)?.remove(self.spec.name.as_str()))
    }
}

impl Vault {
    /// Replace the throttle rules for customers' credentials (the default: 5 free
    /// failures, then waits doubling from 1 s to 15 min, a lock after 100).
    pub fn set_credential_throttle(&self, policy: ThrottlePolicy) {
        *self
            .credentials
            .policy
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = policy;
    }

    /// [`Vault::verify_password_at`] now.
    pub fn verify_password(
        &self,
        actor: &Actor,
        collection: &str,
        id: RecordId,
        field: &str,
        candidate: &str,
    ) -> Result<bool, CoreError> {
        self.verify_password_at(actor, collection, id, field, candidate, now_ms())
    }

    /// Check a candidate password against a `password` field at `now` (Unix ms). The
    /// stored hash is never returned; a record without the field verifies as false.
    /// Refused with [`CoreError::Throttled`] or [`CoreError::CredentialLocked`] before
    /// hashing when the throttle says so.
    pub fn verify_password_at(
        &self,
        actor: &Actor,
        collection: &str,
        id: RecordId,
        field: &str,
        candidate: &str,
        now: i64,
    ) -> Result<bool, CoreError> {
        const ACTION: &str = "record.verify_password";
        let state = self.snapshot();
        let t = self.target(&state, collection, id, field, Some(FieldType::Password))?;
        self.admit(actor, &t, ACTION, self.load_doc(&t)?.doc, now)?;
        let ok = match t.value(&state)? {
            Some(phc) => gembok_crypto::password::verify(phc.as_str(), candidate.as_bytes())?,
            None => false,
        };
        let _serial = self.credential_lock();
        let loaded = self.load_doc(&t)?;
        self.settle(
            actor,
            &t,
            ACTION,
            loaded,
            ok.then_some(None).ok_or("mismatch"),
            now,
        )
    }

    /// Lift a lock (or a waiting period) on a `password` or `totp` field: the failure
    /// count starts over. The last accepted TOTP step is kept, so no code is reusable.
    pub fn unlock_credential(
        &self,
        actor: &Actor,
        collection: &str,
        id: RecordId,
        field: &str,
        now: i64,
    ) -> Result<(), CoreError> {
        let state = self.snapshot();
        let t = self.target(&state, collection, id, field, None)?;
        let _serial = self.credential_lock();
        let loaded = self.load_doc(&t)?;
        self.commit_doc(&t, loaded, |doc| {
            let mut next = doc;
            next.failures.unlock();
            let code = if doc.failures.locked {
                "was_locked"
            } else {
                "was_open"
            };
            Change {
                next,
                muts: Vec::new(),
                events: vec![t.event(actor, "credential.unlock", now).code(code)],
                answer: (),
            }
        })
    }

    /// Resolve and load a credential field; `want` the one type it must have (`None`:
    /// any credential type).
    fn target<'s>(
        &self,
        state: &'s State,
        collection: &str,
        id: RecordId,
        field: &str,
        want: Option<FieldType>,
    ) -> Result<Target<'s>, CoreError> {
        let coll = state.schema.collection(collection)?;
        let spec = coll.field(field)?;
        let fits = match want {
            Some(t) => spec.field_type == t,
            None => spec.field_type.is_credential(),
        };
        if !fits {
            let kind = want.map_or("password or totp", FieldType::as_str);
            return Err(CoreError::InvalidInput(format!(
                "field `{}` is not a {kind} field",
                spec.name
            )));
        }
        let name = [spec.name.as_str()];
        let record = self
            .store
            .get(coll.name.as_str(), &[id], Some(&name))?
            .pop()
            .ok_or(CoreError::NotFound)?;
        Ok(Target { coll, spec, record })
    }

    fn credential_lock(&self) -> MutexGuard<'_, ()> {
        self.credentials
            .lock
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn throttle_policy(&self) -> ThrottlePolicy {
        *self
            .credentials
            .policy
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Refuse an attempt the throttle does not allow, auditing the refusal.
    fn admit(
        &self,
        actor: &Actor,
        t: &Target<'_>,
        action: &str,
        doc: ThrottleDoc,
        now: i64,
    ) -> Result<(), CoreError> {
        let refusal = match doc.failures.verdict(now, &self.throttle_policy()) {
            Verdict::Allowed => return Ok(()),
            Verdict::Wait { retry_after_ms } => {
                ("throttled", CoreError::Throttled { retry_after_ms })
            }
            Verdict::Locked => ("locked", CoreError::CredentialLocked),
        };
        let event = t
            .event(actor, action, now)
            .outcome(Outcome::Denied, Some(refusal.0));
        self.audit.record(event)?;
        Err(refusal.1)
    }

    /// Count the attempt's result (`Ok(step)`: accepted, with the TOTP step to store;
    /// `Err(code)`: refused for that reason), store the new state and audit it. Call
    /// with the credential lock held and `loaded` read under it. When another server
    /// changed the state meanwhile, the result is counted again on the fresh state: a
    /// TOTP step that server accepted first turns this acceptance into a replay.
    fn settle(
        &self,
        actor: &Actor,
        t: &Target<'_>,
        action: &str,
        loaded: Loaded,
        result: Result<Option<u64>, &'static str>,
        now: i64,
    ) -> Result<bool, CoreError> {
        let policy = self.throttle_policy();
        self.commit_doc(t, loaded, |doc| {
            let result = match result {
                Ok(Some(step)) if doc.last_step.is_some_and(|last| last >= step) => Err("replayed"),
                other => other,
            };
            let mut next = doc;
            let mut events = Vec::with_capacity(2);
            let ok = match result {
                Ok(step) => {
                    next.failures.record_success();
                    next.last_step = step.or(doc.last_step);
                    events.push(t.event(actor, action, now));
                    true
                }
                Err(code) => {
                    let locked = next.failures.record_failure(now, &policy);
                    events.push(
                        t.event(actor, action, now)
                            .outcome(Outcome::Failed, Some(code)),
                    );
                    if locked {
                        events.push(
                            t.event(actor, "credential.lock", now)
                                .code("consecutive_failures"),
                        );
                    }
                    false
                }
            };
            Change {
                next,
                muts: Vec::new(),
                events,
                answer: ok,
            }
        })
    }
}

mod throttle_doc;
mod totp_field;

pub use totp_field::TotpEnrolment;

#[cfg(test)]
mod tests;
