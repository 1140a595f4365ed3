//! What one audit event says, and its canonical encoding.
//!
//! An event names who (principal and role), what (action, collection, record and
//! subject ids, field names), why (purpose), where from (client address, request id),
//! when, and how it ended. It never holds a field value: the types here only take ids,
//! names and codes. The encoding is compact JSON with a fixed field order (the struct's
//! declaration order), so the same event always gives the same bytes, and those bytes
//! are what the chain hashes and what `audit export` prints.

use gembok_types::RecordId;
use serde::{Deserialize, Serialize};

use crate::CoreError;

/// Version of the encoding; a change of fields is a new version.
pub const EVENT_VERSION: u32 = 1;

/// Who acts, for what purpose, from where. Built by a front end per request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Actor {
    /// API key id, user id, or `local:<os user>` for the CLI on the vault's machine.
    pub principal: String,
    pub role: String,
    pub purpose: Option<String>,
    /// Client network address, when the request came over the network.
    pub client: Option<String>,
    pub request_id: Option<String>,
}

impl Actor {
    /// The operator at the machine, named by the operating-system user.
    pub fn local_operator() -> Self {
        let user = std::env::var("USER")
            .or_else(|_| std::env::var("LOGNAME"))
            .unwrap_or_else(|_| "unknown".into());
        let user: String = user
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
            .take(64)
            .collect();
        Actor {
            principal: format!("local:{user}"),
            role: "owner".into(),
            ..Actor::default()
        }
    }

    /// The vault itself (retention, scheduled checkpoints).
    pub fn system() -> Self {
        Actor {
            principal: "system".into(),
            role: "system".into(),
            ..Actor::default()
        }
    }

    /// The same actor with a purpose.
    pub fn with_purpose(mut self, purpose: Option<&str>) -> Self {
        self.purpose = purpose.map(str::to_owned);
        self
    }
}

/// How an operation ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Ok,
    /// The policy refused it.
    Denied,
    /// It was allowed and failed (invalid input, not found, storage).
    Failed,
}

/// One audit event. Field order is the canonical encoding's order: do not reorder.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEvent {
    pub v: u32,
    /// Unix time in milliseconds.
    pub time: i64,
    pub principal: String,
    /// Dotted action name: `record.read`, `record.create`, `apikey.create`, ...
    pub action: String,
    pub role: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collection: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub records: Vec<RecordId>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subjects: Vec<RecordId>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
    pub outcome: Outcome,
    /// A stable code saying why it was denied or failed (`forbidden`, `not_found`...),
    /// or naming the target of an administrative action (a key id, a role).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

impl AuditEvent {
    /// A successful `action` by `actor` at `time`, naming nothing yet.
    pub fn new(actor: &Actor, action: &str, time: i64) -> Self {
        AuditEvent {
            v: EVENT_VERSION,
            time,
            principal: actor.principal.clone(),
            action: action.to_owned(),
            role: actor.role.clone(),
            collection: None,
            records: Vec::new(),
            subjects: Vec::new(),
            fields: Vec::new(),
            purpose: actor.purpose.clone(),
            outcome: Outcome::Ok,
            code: None,
            client: actor.client.clone(),
            request_id: actor.request_id.clone(),
        }
    }

    pub fn collection(mut self, c: &str) -> Self {
        self.collection = Some(c.to_owned());
        self
    }

    pub fn records(mut self, ids: impl IntoIterator<Item = RecordId>) -> Self {
        self.records.extend(ids);
        self
    }

    /// Subjects are kept once each, in order of first appearance.
    pub fn subjects(mut self, ids: impl IntoIterator<Item = RecordId>) -> Self {
        // A set keeps a batch of thousands linear.
        let mut seen: std::collections::HashSet<RecordId> = self.subjects.iter().copied().collect();
        for id in ids {
            if seen.insert(id) {
                self.subjects.push(id);
            }
        }
        self
    }

    pub fn fields<S: AsRef<str>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        self.fields
            .extend(names.into_iter().map(|s| s.as_ref().to_owned()));
        self
    }

    pub fn outcome(mut self, outcome: Outcome, code: Option<&str>) -> Self {
        self.outcome = outcome;
        self.code = code.map(str::to_owned);
        self
    }

    /// A code without changing the outcome (the target of an admin action).
    pub fn code(mut self, code: &str) -> Self {
        self.code = Some(code.to_owned());
        self
    }

    /// The canonical bytes the chain hashes.
    pub fn encode(&self) -> Vec<u8> {
        // Serialising plain strings, ids and integers cannot fail.
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// Parse stored bytes back into an event.
    pub fn decode(bytes: &[u8]) -> Result<Self, CoreError> {
        serde_json::from_slice(bytes)
            .map_err(|_| CoreError::Integrity("an audit event does not parse".into()))
    }

    /// Write into `out` (cleared first) the start every canonical body of an event
    /// with these column values has: version, time, principal and action come first in
    /// the encoding, so a stored body can be checked against its index columns without
    /// parsing it. The caller keeps `out` across events, so a walk over a million
    /// events allocates it once.
    pub(crate) fn columns_prefix(out: &mut Vec<u8>, time: i64, principal: &str, action: &str) {
        #[derive(Serialize)]
        struct Prefix<'a> {
            v: u32,
            time: i64,
            principal: &'a str,
            action: &'a str,
        }
        out.clear();
        // Serialising plain strings and integers into memory cannot fail; were it to,
        // the prefix would be wrong and verification would report the event.
        let _ = serde_json::to_writer(
            &mut *out,
            &Prefix {
                v: EVENT_VERSION,
                time,
                principal,
                action,
            },
        );
        // Drop the closing brace; the body goes on with `,"role":...`.
        out.pop();
        out.push(b',');
    }

    /// Record and subject ids without duplicates, each at its first occurrence (the
    /// store's lookup refs). The order is part of what `verify` compares with the
    /// stored refs, so it must not change; a set keeps a batch of thousands linear.
    pub fn refs(&self) -> Vec<RecordId> {
        first_occurrences(&self.records, &self.subjects)
    }

    /// The refs a stored body implies ([`AuditEvent::refs`]), read without decoding
    /// the rest of it: verification compares them with the stored lookup refs, which
    /// the subject's access history is read from.
    pub(crate) fn refs_of(body: &[u8]) -> Result<Vec<RecordId>, CoreError> {
        #[derive(Deserialize)]
        struct Named {
            #[serde(default)]
            records: Vec<RecordId>,
            #[serde(default)]
            subjects: Vec<RecordId>,
        }
        let named: Named = serde_json::from_slice(body)
            .map_err(|_| CoreError::Integrity("an audit event does not parse".into()))?;
        Ok(first_occurrences(&named.records, &named.subjects))
    }
}

/// Ids at their first occurrence, records before subjects. Most events name one or
/// two ids, which a scan of the output dedups without building a set (verification
/// does this for every event); thousands (a batch) go through a set, staying linear.
fn first_occurrences(records: &[RecordId], subjects: &[RecordId]) -> Vec<RecordId> {
    const SCAN_UP_TO: usize = 16;
    let all = records.iter().chain(subjects);
    let n = records.len() + subjects.len();
    if n <= SCAN_UP_TO {
        let mut out: Vec<RecordId> = Vec::with_capacity(n);
        for id in all {
            if !out.contains(id) {
                out.push(*id);
            }
        }
        return out;
    }
    let mut seen = std::collections::HashSet::with_capacity(n);
    all.filter(|id| seen.insert(**id)).copied().collect()
}

#[cfg(test)]
mod tests;
