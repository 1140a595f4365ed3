//! The plain data that crosses the store boundary.
//!
//! Everything here is either non-personal metadata (ids, names, times, versions) or an
//! opaque ciphertext that only `gembok-crypto` can open. The store never sees plaintext.

use gembok_types::RecordId;

use crate::{AuditCheckpoint, AuditRow};

/// One sealed field value: the ciphertext already names its key version inside, the
/// copy here lets the store find records that still use an old version without opening
/// anything.
#[derive(Clone, PartialEq, Eq)]
pub struct SealedField {
    /// Field name as declared in the schema.
    pub name: String,
    /// Data-key version that sealed `ciphertext`.
    pub key_version: u32,
    /// AEAD output (header, nonce, ciphertext and tag).
    pub ciphertext: Vec<u8>,
}

impl std::fmt::Debug for SealedField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SealedField")
            .field("name", &self.name)
            .field("key_version", &self.key_version)
            .field("ciphertext_len", &self.ciphertext.len())
            .finish()
    }
}

/// Non-personal metadata of a record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordMeta {
    pub collection: String,
    pub id: RecordId,
    /// The data subject (customer) this record belongs to; a customer record names itself.
    pub subject: RecordId,
    /// Unix time in milliseconds.
    pub created_at: i64,
    /// Unix time in milliseconds.
    pub updated_at: i64,
    /// Lowest data-key version among the record's fields (rotation looks for these).
    pub min_key_version: u32,
}

/// A record as the store keeps it: metadata and sealed fields sorted by name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SealedRecord {
    pub meta: RecordMeta,
    pub fields: Vec<SealedField>,
}

/// One blind-index entry: equality search maps (collection, field, digest) to records.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexEntry {
    pub collection: String,
    pub field: String,
    pub digest: Vec<u8>,
    pub record: RecordId,
}

/// A key wrapped by the master key. `purpose` names what the key is for, for example
/// `data:customers` or `index`; `(purpose, version)` is unique.
#[derive(Clone, PartialEq, Eq)]
pub struct KeyRecord {
    pub purpose: String,
    pub version: u32,
    pub wrapped: Vec<u8>,
    /// Unix time in milliseconds.
    pub created_at: i64,
}

impl std::fmt::Debug for KeyRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyRecord")
            .field("purpose", &self.purpose)
            .field("version", &self.version)
            .field("wrapped", &"[redacted]")
            .finish()
    }
}

/// One applied version of the schema document (TOML text, no personal data).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchemaVersion {
    pub version: u32,
    pub document: String,
    /// Unix time in milliseconds.
    pub applied_at: i64,
}

/// One change in an atomic write. [`crate::Store::apply`] runs a slice of these in one
/// transaction: all of them take effect or none does.
#[derive(Clone, Debug)]
pub enum Mutation {
    /// Insert a new record; fails with `Conflict` if the id exists.
    Insert(SealedRecord),
    /// Replace some fields of an existing record and drop others; the store merges with
    /// the stored fields, recomputes `min_key_version` and sets `updated_at`.
    UpdateFields {
        collection: String,
        id: RecordId,
        set: Vec<SealedField>,
        remove: Vec<String>,
        updated_at: i64,
    },
    /// Delete a record and every index entry that points to it; `NotFound` if absent.
    Delete { collection: String, id: RecordId },
    /// Add a blind-index entry (idempotent).
    PutIndex(IndexEntry),
    /// Remove every index entry of (collection, field) for one record.
    DeleteIndex {
        collection: String,
        field: String,
        record: RecordId,
    },
    /// Store a new wrapped key; `Conflict` if (purpose, version) exists.
    PutKey(KeyRecord),
    /// Replace the wrapped bytes of an existing key (master-key rotation).
    RewrapKey {
        purpose: String,
        version: u32,
        wrapped: Vec<u8>,
    },
    /// Remove a key version that nothing uses any more.
    DeleteKey { purpose: String, version: u32 },
    /// Append a schema version; `Conflict` if the version exists.
    PutSchema(SchemaVersion),
    /// Remove one field from every record of a collection, and its index entries.
    PurgeField { collection: String, field: String },
    /// Set a small non-personal setting (vault id, master-key check value).
    PutSetting { name: String, value: Vec<u8> },
    /// Create or replace a small document of `kind` under `id` (API keys and other
    /// state of the layers above). Documents hold no personal data and no secrets in
    /// clear: at most hashes of secrets.
    PutDoc {
        kind: String,
        id: String,
        body: Vec<u8>,
    },
    /// Replace a document only if its stored body is still `expected` (`None`: only if
    /// there is none), else fail the whole batch with [`crate::StoreError::Changed`].
    /// Counters that several servers update (failure counts, a TOTP's last step) read,
    /// change and write back with this, so a concurrent update is never lost.
    PutDocIf {
        kind: String,
        id: String,
        body: Vec<u8>,
        expected: Option<Vec<u8>>,
    },
    /// Remove a document; removing one that does not exist changes nothing.
    DeleteDoc { kind: String, id: String },
    /// Append one audit event; `Conflict` if its `seq` exists.
    AppendAudit(AuditRow),
    /// Store a signed checkpoint, replacing one at the same `seq`.
    PutAuditCheckpoint(AuditCheckpoint),
    /// Remove every audit event with `seq <= through`, with their refs, and every
    /// checkpoint with `seq <= through` (audit retention; the caller keeps an anchor).
    PruneAudit { through: u64 },
}
