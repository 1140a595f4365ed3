//! Erasure of a data subject (UU PDP Art. 8 and 16, GDPR Art. 17) and the ledger that
//! keeps it erased.
//!
//! Erasing removes every record of the subject in every collection (the store drops
//! their blind-index entries with them), the subject's state document and the throttle
//! documents of its credentials, then asks the store to scrub freed space so the
//! ciphertexts cannot be carved out of the database files. The ledger keeps the subject
//! id and the time only. It is written in the first transaction, before any record is
//! deleted, so an erasure cut short is finished by [`Vault::reapply_ledger`], which a
//! restore of an older backup also runs. Listeners (the `subject.erased` webhook, the
//! ledger file beside the database) are told after the data is gone.

use std::collections::BTreeMap;
use std::sync::Arc;

use gembok_store::Mutation;
use gembok_types::{FieldType, RecordId};
use serde::{Deserialize, Serialize};

use super::{ERASURE_LEDGER_DOC, SUBJECT_STATE_DOC};
use crate::audit::{Actor, AuditEvent};
use crate::time::now_ms;
use crate::vault::CREDENTIAL_THROTTLE_DOC;
use crate::{CoreError, Vault};

/// Records deleted per transaction; the ledger entry goes in the first.
const CHUNK: usize = 2_000;

/// A record to erase: collection, id, and its credential field names.
type Target = (String, RecordId, Vec<String>);

/// One erased subject: its id and when, nothing else.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerEntry {
    pub subject: RecordId,
    /// Unix ms.
    pub erased_at: i64,
}

/// What an erasure removed, as counts per collection.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ErasureReport {
    pub subject: RecordId,
    pub erased_at: i64,
    pub records: BTreeMap<String, u64>,
}

impl ErasureReport {
    /// Records removed in all.
    pub fn total(&self) -> u64 {
        self.records.values().sum()
    }
}

/// Told after a subject's data is gone (webhooks, the ledger copy outside the database).
pub trait ErasureListener: Send + Sync {
    fn erased(&self, entry: &LedgerEntry);
}

impl Vault {
    /// Register a listener for erasures.
    pub fn add_erasure_listener(&self, listener: Arc<dyn ErasureListener>) {
        self.erasure_listeners
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .push(listener);
    }

    /// Erase every record of `subject`. Refused under a legal hold; `NotFound` when the
    /// subject has no record and was never erased.
    pub fn erase_subject(
        &self,
        actor: &Actor,
        subject: RecordId,
    ) -> Result<ErasureReport, CoreError> {
        if self.subject_state(subject)?.hold.is_some() {
            return Err(CoreError::LegalHold);
        }
        let known = self.ledger_entry(subject)?;
        let targets = self.subject_targets(subject)?;
        if targets.is_empty() && known.is_none() {
            return Err(CoreError::NotFound);
        }
        self.erase_records(actor, subject, known, targets, "subject.erase")
    }

    /// Every ledger entry, by subject id.
    pub fn erasure_ledger(&self) -> Result<Vec<LedgerEntry>, CoreError> {
        self.store
            .docs(ERASURE_LEDGER_DOC)?
            .iter()
            .map(|(_, body)| decode(body))
            .collect()
    }

    /// Erase again every subject of `entries` (the ledger of a newer copy of this vault,
    /// or this vault's own) that has records here, and add missing entries to this
    /// vault's ledger. Returns how many records were removed. A legal hold does not stop
    /// it: the erasure happened.
    pub fn reapply_ledger(&self, actor: &Actor, entries: &[LedgerEntry]) -> Result<u64, CoreError> {
        let mut removed = 0;
        for e in entries {
            let known = self.ledger_entry(e.subject)?;
            let targets = self.subject_targets(e.subject)?;
            if targets.is_empty() && known.is_some() {
                continue;
            }
            let entry = known.unwrap_or(*e);
            removed += self
                .erase_records(
                    actor,
                    e.subject,
                    Some(entry),
                    targets,
                    "subject.erase_reapplied",
                )?
                .total();
        }
        Ok(removed)
    }

    fn ledger_entry(&self, subject: RecordId) -> Result<Option<LedgerEntry>, CoreError> {
        self.store
            .doc(ERASURE_LEDGER_DOC, &subject.to_string())?
            .map(|b| decode(&b))
            .transpose()
    }

    /// Every record of `subject`: collection, id, and the credential fields whose
    /// throttle documents go with it.
    fn subject_targets(&self, subject: RecordId) -> Result<Vec<Target>, CoreError> {
        let schema = self.schema();
        let mut targets = Vec::new();
        for c in schema.collections() {
            let creds: Vec<String> = c
                .fields
                .values()
                .filter(|f| matches!(f.field_type, FieldType::Password | FieldType::Totp))
                .map(|f| f.name.to_string())
                .collect();
            for meta in self.store.subject_records(c.name.as_str(), subject)? {
                targets.push((c.name.to_string(), meta.id, creds.clone()));
            }
        }
        Ok(targets)
    }

    fn erase_records(
        &self,
        actor: &Actor,
        subject: RecordId,
        entry: Option<LedgerEntry>,
        targets: Vec<Target>,
        action: &str,
    ) -> Result<ErasureReport, CoreError> {
        let now = now_ms();
        let entry = entry.unwrap_or(LedgerEntry {
            subject,
            erased_at: now,
        });
        let mut report = ErasureReport {
            subject,
            erased_at: entry.erased_at,
            records: BTreeMap::new(),
        };
        let mut first = vec![
            Mutation::PutDoc {
                kind: ERASURE_LEDGER_DOC.into(),
                id: subject.to_string(),
                body: serde_json::to_vec(&entry)
                    .map_err(|_| CoreError::Integrity("cannot encode a ledger entry".into()))?,
            },
            Mutation::DeleteDoc {
                kind: SUBJECT_STATE_DOC.into(),
                id: subject.to_string(),
            },
        ];
        let mut chunks = targets.chunks(CHUNK).peekable();
        if chunks.peek().is_none() {
            let event = AuditEvent::new(actor, action, now)
                .subjects([subject])
                .code("records:0");
            self.audit.commit(std::mem::take(&mut first), vec![event])?;
        }
        for chunk in chunks {
            let mut muts = std::mem::take(&mut first);
            for (coll, id, creds) in chunk {
                muts.push(Mutation::Delete {
                    collection: coll.clone(),
                    id: *id,
                });
                for f in creds {
                    muts.push(Mutation::DeleteDoc {
                        kind: CREDENTIAL_THROTTLE_DOC.into(),
                        id: format!("{coll}/{id}/{f}"),
                    });
                }
                *report.records.entry(coll.clone()).or_default() += 1;
            }
            let event = AuditEvent::new(actor, action, now)
                .subjects([subject])
                .records(chunk.iter().map(|(_, id, _)| *id))
                .code(&format!("records:{}", chunk.len()));
            self.audit.commit(muts, vec![event])?;
        }
        self.store.scrub()?;
        let listeners = self
            .erasure_listeners
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        for l in listeners {
            l.erased(&entry);
        }
        Ok(report)
    }
}

fn decode(body: &[u8]) -> Result<LedgerEntry, CoreError> {
    serde_json::from_slice(body)
        .map_err(|_| CoreError::Integrity("an erasure ledger entry is unreadable".into()))
}
