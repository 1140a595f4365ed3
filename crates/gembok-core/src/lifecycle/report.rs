//! The subject report (UU PDP Art. 7 and 13, GDPR Art. 15 and 20): every value the vault
//! holds about one subject in every collection, with what each value is (class), why it
//! is held (purposes), until when (retention), the subject's consent and restriction
//! state, and the access history from the audit log.
//!
//! Building it is itself an audited read (`subject.report`). Passwords and TOTP secrets
//! are shown only as set, as everywhere else. The JSON form is the portable export;
//! `gembok-render` turns the same report into a page a customer can read.

use gembok_types::{DataClass, RecordId};
use serde_json::{json, Value};

use super::retention::cutoff_forward;
use super::subject::SubjectState;
use crate::audit::{Actor, AuditEvent, Outcome};
use crate::output::{FieldValue, View};
use crate::vault::open_record;
use crate::{CoreError, Vault};

/// One field of one record.
#[derive(Debug)]
pub struct ReportField {
    pub name: String,
    pub class: DataClass,
    pub purposes: Vec<String>,
    /// The value (its `Debug` is redacted; its text is wiped on drop).
    pub value: FieldValue,
    /// When retention removes it (unix ms), from the field's or the collection's period.
    pub retention_until: Option<i64>,
}

/// One record of the subject.
#[derive(Debug)]
pub struct ReportRecord {
    pub collection: String,
    pub description: String,
    pub id: RecordId,
    pub created_at: i64,
    pub updated_at: i64,
    pub fields: Vec<ReportField>,
}

/// One audit event naming the subject: who, when, what, for which purpose.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessEntry {
    pub time: i64,
    pub principal: String,
    pub role: String,
    pub action: String,
    pub purpose: Option<String>,
    pub collection: Option<String>,
    pub fields: Vec<String>,
    pub outcome: Outcome,
}

/// Everything held about one subject.
#[derive(Debug)]
pub struct SubjectReport {
    pub subject: RecordId,
    pub generated_at: i64,
    pub records: Vec<ReportRecord>,
    pub state: SubjectState,
    /// Purposes whose basis is consent, for showing which ones the subject controls.
    pub consent_purposes: Vec<String>,
    pub history: Vec<AccessEntry>,
}

impl SubjectReport {
    /// The portable JSON form.
    pub fn to_json(&self) -> Value {
        let records: Vec<Value> = self
            .records
            .iter()
            .map(|r| {
                let fields: Vec<Value> = r
                    .fields
                    .iter()
                    .map(|f| {
                        json!({
                            "name": f.name,
                            "class": f.class.as_str(),
                            "purposes": f.purposes,
                            "value": f.value.to_json(),
                            "retention_until": f.retention_until,
                        })
                    })
                    .collect();
                json!({
                    "collection": r.collection,
                    "id": r.id.to_string(),
                    "created_at": r.created_at,
                    "updated_at": r.updated_at,
                    "fields": fields,
                })
            })
            .collect();
        let consent: Vec<Value> = self
            .consent_purposes
            .iter()
            .map(|p| {
                let last = self.state.consents.get(p).and_then(|h| h.last());
                json!({
                    "purpose": p,
                    "granted": last.is_some_and(|e| e.granted),
                    "time": last.map(|e| e.time),
                    "source": last.map(|e| e.source.clone()),
                    "notice_version": last.and_then(|e| e.notice_version),
                    "history": self.state.consents.get(p),
                })
            })
            .collect();
        let history: Vec<Value> = self
            .history
            .iter()
            .map(|h| {
                json!({
                    "time": h.time,
                    "principal": h.principal,
                    "role": h.role,
                    "action": h.action,
                    "purpose": h.purpose,
                    "collection": h.collection,
                    "fields": h.fields,
                    "outcome": h.outcome,
                })
            })
            .collect();
        json!({
            "subject": self.subject.to_string(),
            "generated_at": self.generated_at,
            "records": records,
            "consent": consent,
            "restricted_since": self.state.restricted_since,
            "legal_hold": self.state.hold.is_some(),
            "access_history": history,
        })
    }
}

impl Vault {
    /// Build the report of `subject`; `NotFound` when nothing is held about it.
    pub fn subject_report(
        &self,
        actor: &Actor,
        subject: RecordId,
    ) -> Result<SubjectReport, CoreError> {
        let state = self.snapshot();
        let mut records = Vec::new();
        for coll in state.schema.collections() {
            let metas = self.store.subject_records(coll.name.as_str(), subject)?;
            let ids: Vec<RecordId> = metas.iter().map(|m| m.id).collect();
            for chunk in ids.chunks(500) {
                for sealed in self.store.get(coll.name.as_str(), chunk, None)? {
                    let rec = open_record(&state, coll, &sealed, &View::Plain)?;
                    let mut fields = Vec::with_capacity(rec.fields.len());
                    for (name, value) in rec.fields {
                        let spec = coll.field(&name)?;
                        let period = spec.retention.or(coll.retention);
                        fields.push(ReportField {
                            class: spec.class,
                            purposes: spec
                                .purposes
                                .iter()
                                .map(|p| p.as_str().to_owned())
                                .collect(),
                            retention_until: period
                                .map(|r| cutoff_forward(rec.updated_at, r))
                                .transpose()?,
                            name,
                            value,
                        });
                    }
                    records.push(ReportRecord {
                        collection: coll.name.to_string(),
                        description: coll.description.clone(),
                        id: rec.id,
                        created_at: rec.created_at,
                        updated_at: rec.updated_at,
                        fields,
                    });
                }
            }
        }
        if records.is_empty() {
            return Err(CoreError::NotFound);
        }
        let history = self
            .audit
            .subject_history(subject)?
            .into_iter()
            .map(|s| AccessEntry {
                time: s.event.time,
                principal: s.event.principal,
                role: s.event.role,
                action: s.event.action,
                purpose: s.event.purpose,
                collection: s.event.collection,
                fields: s.event.fields,
                outcome: s.event.outcome,
            })
            .collect();
        let subject_state = self.subject_state(subject)?;
        let consent_purposes = state
            .schema
            .purposes()
            .filter(|p| p.basis == crate::schema::LegalBasis::Consent)
            .map(|p| p.name.clone())
            .collect();
        let now = crate::time::now_ms();
        let names: std::collections::BTreeSet<&str> = records
            .iter()
            .flat_map(|r| r.fields.iter().map(|f| f.name.as_str()))
            .collect();
        let event = AuditEvent::new(actor, "subject.report", now)
            .subjects([subject])
            .records(records.iter().map(|r| r.id))
            .fields(names);
        self.audit.record(event)?;
        Ok(SubjectReport {
            subject,
            generated_at: now,
            records,
            state: subject_state,
            consent_purposes,
            history,
        })
    }
}
