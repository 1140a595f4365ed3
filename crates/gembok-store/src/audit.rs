//! The audit records that cross the store boundary: chained events, signed checkpoints
//! and the query a reader filters them with.
//!
//! The store keeps these as it is given them. It does not compute or check hashes or
//! signatures (that is `gembok-core`'s audit chain); it guarantees only that sequence
//! numbers are unique, so that two writers racing for the same position cannot both
//! commit, and that an event commits in the same transaction as the mutations beside it.

use gembok_types::RecordId;

/// One audit event as stored. `body` is the canonical encoding that `hash` covers;
/// `time`, `principal`, `action` and `refs` are copies of what the body says, kept as
/// columns only so that queries can use indexes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditRow {
    /// Position in the chain: 1 for the first event ever, then dense.
    pub seq: u64,
    /// Unix time in milliseconds.
    pub time: i64,
    /// Principal id (API key id, user id or `local:<os user>`).
    pub principal: String,
    /// Action name (`record.read`, `apikey.create`, ...).
    pub action: String,
    /// Record and subject ids the event names, without duplicates, for lookups by
    /// record or subject.
    pub refs: Vec<RecordId>,
    /// Canonical encoding of the event (no personal values).
    pub body: Vec<u8>,
    /// Chain hash of this event (32 bytes).
    pub hash: Vec<u8>,
}

/// A signed statement that the chain had `hash` as head at `seq`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditCheckpoint {
    pub seq: u64,
    /// Head hash at `seq` (32 bytes).
    pub hash: Vec<u8>,
    /// Unix time in milliseconds.
    pub time: i64,
    /// Id of the signing key (a fingerprint of its public key).
    pub key_id: String,
    /// Signature over the checkpoint's canonical statement.
    pub signature: Vec<u8>,
}

/// Filters of an audit query; every `Some` must match (AND).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditQuery {
    pub principal: Option<String>,
    pub action: Option<String>,
    /// Events whose `refs` contain this id (a record or a subject).
    pub record: Option<RecordId>,
    /// Events with `time >= since`.
    pub since: Option<i64>,
    /// Events with `time < until`.
    pub until: Option<i64>,
}
