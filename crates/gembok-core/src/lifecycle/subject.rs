//! Per-subject state: restriction of processing (UU PDP Art. 11, GDPR Art. 18), legal
//! hold, and consent per purpose with its history.
//!
//! The state is one store document per subject that has any. Reads ask
//! `Vault::check_subjects` before a value is opened: a restricted subject is served
//! only for `legal` and `dpo`, and a purpose whose basis is consent only for subjects
//! whose latest consent entry for it is a grant. A subject with no consent on record is
//! refused for such a purpose: fail closed.

use std::collections::{BTreeMap, BTreeSet};

use gembok_store::Mutation;
use gembok_types::RecordId;
use serde::{Deserialize, Serialize};

use super::{check_code, RESTRICTED_PURPOSES, SUBJECT_STATE_DOC};
use crate::audit::{Actor, AuditEvent};
use crate::schema::{Schema, SubjectRule};
use crate::time::now_ms;
use crate::{CoreError, Vault};

/// One consent decision for one purpose.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentEntry {
    pub granted: bool,
    /// Unix ms.
    pub time: i64,
    /// Where it was given or withdrawn: a short code such as `web_form` or `cs_call`.
    pub source: String,
    /// The privacy-notice version the subject was shown, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice_version: Option<u32>,
}

/// A legal hold: deletion is blocked until it is released.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hold {
    /// Unix ms.
    pub since: i64,
    /// A short code naming the matter (a case number), never personal data.
    pub reason: String,
}

/// Everything the vault keeps about a subject besides its records.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubjectState {
    /// Since when processing is restricted (unix ms); `None` when it is not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restricted_since: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hold: Option<Hold>,
    /// Consent history per purpose, oldest first; the last entry is in force.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub consents: BTreeMap<String, Vec<ConsentEntry>>,
}

impl SubjectState {
    /// Whether consent for `purpose` is granted now.
    pub fn consented(&self, purpose: &str) -> bool {
        self.consents
            .get(purpose)
            .and_then(|h| h.last())
            .is_some_and(|e| e.granted)
    }

    /// Whether a read for `purpose` may see this subject's data.
    fn allows(&self, schema: &Schema, purpose: Option<&str>) -> Result<(), CoreError> {
        if self.restricted_since.is_some()
            && !purpose.is_some_and(|p| RESTRICTED_PURPOSES.contains(&p))
        {
            return Err(CoreError::SubjectRestricted);
        }
        match purpose {
            Some(p) if schema.needs_consent(p) && !self.consented(p) => {
                Err(CoreError::ConsentRequired {
                    purpose: p.to_owned(),
                })
            }
            _ => Ok(()),
        }
    }

    fn is_empty(&self) -> bool {
        self.restricted_since.is_none() && self.hold.is_none() && self.consents.is_empty()
    }
}

impl Vault {
    /// The state of one subject (default when nothing is on record).
    pub fn subject_state(&self, subject: RecordId) -> Result<SubjectState, CoreError> {
        match self.store.doc(SUBJECT_STATE_DOC, &subject.to_string())? {
            Some(body) => serde_json::from_slice(&body)
                .map_err(|_| CoreError::Integrity("a subject state document is unreadable".into())),
            None => Ok(SubjectState::default()),
        }
    }

    /// Refuse when any of `subjects` may not be read for `purpose`.
    pub(crate) fn check_subjects(
        &self,
        purpose: Option<&str>,
        subjects: impl IntoIterator<Item = RecordId>,
    ) -> Result<(), CoreError> {
        let schema = self.schema();
        let distinct: BTreeSet<RecordId> = subjects.into_iter().collect();
        for s in distinct {
            self.subject_state(s)?.allows(&schema, purpose)?;
        }
        Ok(())
    }

    /// Whether `subject` may be read for `purpose` (search leaves others out).
    pub(crate) fn subject_allows(
        &self,
        purpose: Option<&str>,
        subject: RecordId,
    ) -> Result<bool, CoreError> {
        match self.subject_state(subject)?.allows(&self.schema(), purpose) {
            Ok(()) => Ok(true),
            Err(CoreError::SubjectRestricted | CoreError::ConsentRequired { .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Restrict processing of a subject, or lift the restriction.
    pub fn set_restriction(
        &self,
        actor: &Actor,
        subject: RecordId,
        restricted: bool,
    ) -> Result<SubjectState, CoreError> {
        let action = if restricted {
            "subject.restrict"
        } else {
            "subject.unrestrict"
        };
        self.change_state(actor, subject, action, None, |s, now| {
            s.restricted_since = restricted.then(|| s.restricted_since.unwrap_or(now));
            Ok(())
        })
    }

    /// Put a subject under a legal hold (`reason` a short case code), or release it.
    pub fn set_legal_hold(
        &self,
        actor: &Actor,
        subject: RecordId,
        hold: Option<&str>,
    ) -> Result<SubjectState, CoreError> {
        let reason = hold.map(|r| check_code("a hold reason", r)).transpose()?;
        let action = if reason.is_some() {
            "subject.hold"
        } else {
            "subject.release"
        };
        let code = reason.as_ref().map(|r| format!("reason:{r}"));
        self.change_state(actor, subject, action, code, |s, now| {
            s.hold = reason.map(|reason| Hold { since: now, reason });
            Ok(())
        })
    }

    /// Record that a subject granted or withdrew consent for `purpose`.
    pub fn record_consent(
        &self,
        actor: &Actor,
        subject: RecordId,
        purpose: &str,
        granted: bool,
        source: &str,
        notice_version: Option<u32>,
    ) -> Result<SubjectState, CoreError> {
        let source = check_code("a consent source", source)?;
        let schema = self.schema();
        let spec = schema.purpose(purpose).ok_or_else(|| {
            CoreError::InvalidInput(format!(
                "purpose `{}` is not used by the schema",
                crate::schema::sanitize_name(purpose)
            ))
        })?;
        let name = spec.name.clone();
        let action = if granted {
            "consent.grant"
        } else {
            "consent.withdraw"
        };
        let code = format!("purpose:{name} source:{source}");
        self.change_state(actor, subject, action, Some(code), |s, now| {
            s.consents.entry(name).or_default().push(ConsentEntry {
                granted,
                time: now,
                source,
                notice_version,
            });
            Ok(())
        })
    }

    /// Whether `subject` is a record of a collection whose records are subjects.
    pub(crate) fn subject_exists(&self, subject: RecordId) -> Result<bool, CoreError> {
        let schema = self.schema();
        for c in schema.collections() {
            if c.subject == SubjectRule::SelfSubject
                && !self
                    .store
                    .get(c.name.as_str(), &[subject], Some(&[]))?
                    .is_empty()
            {
                return Ok(true);
            }
        }
        Ok(false)
    }

    fn change_state(
        &self,
        actor: &Actor,
        subject: RecordId,
        action: &str,
        code: Option<String>,
        change: impl FnOnce(&mut SubjectState, i64) -> Result<(), CoreError>,
    ) -> Result<SubjectState, CoreError> {
        if !self.subject_exists(subject)? {
            return Err(CoreError::NotFound);
        }
        // Serialised with other admin changes so two updates of one subject cannot
        // lose each other's consent entries.
        let _admin = self.admin.lock().unwrap_or_else(|p| p.into_inner());
        let mut state = self.subject_state(subject)?;
        let now = now_ms();
        change(&mut state, now)?;
        let id = subject.to_string();
        let m = if state.is_empty() {
            Mutation::DeleteDoc {
                kind: SUBJECT_STATE_DOC.into(),
                id,
            }
        } else {
            let body = serde_json::to_vec(&state)
                .map_err(|_| CoreError::Integrity("cannot encode subject state".into()))?;
            Mutation::PutDoc {
                kind: SUBJECT_STATE_DOC.into(),
                id,
                body,
            }
        };
        let mut event = AuditEvent::new(actor, action, now).subjects([subject]);
        if let Some(c) = code {
            event = event.code(&c);
        }
        self.audit.commit(vec![m], vec![event])?;
        Ok(state)
    }
}
