//! API keys: scoped, expiring credentials for applications, stored only as hashes.
//!
//! A key is `gembok_` + 256 random bits (base64url) + `_` + a CRC32 checksum (base62),
//! see [`format`](mod@format). It is shown once, when made; the store keeps its SHA-256 (a slow hash
//! buys nothing for 256-bit secrets) in a document of kind `api_key`, with the role, the
//! optional collection and purpose restrictions, the optional address allowlist, and a
//! mandatory expiry of at most a year. A second document (`api_key_hash`) maps the hash
//! to the key id, so authentication is one indexed lookup; a third (`api_key_use`)
//! keeps the last use, written at most once a minute per key.
//!
//! Rotation makes a new key with the same scope and lets the old one work for a grace
//! period of at most a week, so deployments can switch over; revocation is immediate;
//! `revoke_all` is the emergency switch after a leak.
//!
//! Successful authentications are remembered in memory for up to one second
//! ([`cache`]), so that a busy client does not cost store reads on every request; what
//! that trades (a revocation made by *another* process is seen within that second) is
//! spelled out there.
//!
//! Management operations are serialised within one process; two processes sharing a
//! store could interleave a rotate and a revoke of the same key (the revoke still wins
//! at authentication, since it is checked first).

mod auth;
pub mod cache;
pub mod format;
mod manage;
mod model;

use crate::audit::{AuditEvent, AuditLog};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use gembok_store::{Mutation, Store};

use crate::access::Policy;
use crate::CoreError;

pub use model::{ApiKeyInfo, ApiKeySecret, ApiKeySpec, AuthError, IssuedKey};
use model::{StoredKey, UseDoc, KIND_KEY, KIND_USE};

/// Longest lifetime of a key, in days.
pub const MAX_EXPIRY_DAYS: u32 = 365;
/// Longest grace period of a rotated key, in hours.
pub const MAX_GRACE_HOURS: u32 = 168;
/// Last use is written at most this often per key (milliseconds).
pub const LAST_USE_INTERVAL_MS: i64 = 60_000;

/// The API-key service over a store.
pub struct ApiKeys {
    store: Arc<dyn Store>,
    policy: Arc<Policy>,
    /// Serialises read-modify-write of key documents.
    admin: Mutex<()>,
    /// When each key's last use was last written, to keep authentication read-only
    /// most of the time.
    last_use: Mutex<HashMap<String, i64>>,
    /// Recent successful authentications (see [`cache`]).
    cache: cache::AuthCache,
    /// Where key changes are recorded, in the same transaction as the change.
    audit: Option<Arc<AuditLog>>,
}

impl ApiKeys {
    pub fn new(store: Arc<dyn Store>, policy: Arc<Policy>) -> Self {
        ApiKeys {
            store,
            policy,
            admin: Mutex::new(()),
            last_use: Mutex::new(HashMap::new()),
            cache: cache::AuthCache::default(),
            audit: None,
        }
    }

    /// Record every key change in `audit` (front ends always do; unit tests of key
    /// handling alone may not).
    pub fn with_audit(mut self, audit: Arc<AuditLog>) -> Self {
        self.audit = Some(audit);
        self
    }

    /// Apply a key change with its audit event.
    fn commit(
        &self,
        muts: Vec<gembok_store::Mutation>,
        event: AuditEvent,
    ) -> Result<(), CoreError> {
        match &self.audit {
            Some(log) => log.commit(muts, vec![event]),
            None => Ok(self.store.apply(&muts)?),
        }
    }

    /// Every key, oldest first (ids are time-ordered), with its last use.
    pub fn list(&self) -> Result<Vec<ApiKeyInfo>, CoreError> {
        let mut uses: HashMap<String, UseDoc> = HashMap::new();
        for (id, body) in self.store.docs(KIND_USE)? {
            if let Ok(u) = serde_json::from_slice::<UseDoc>(&body) {
                uses.insert(id, u);
            }
        }
        self.store
            .docs(KIND_KEY)?
            .into_iter()
            .map(|(_, body)| {
                let key = decode_key(&body)?;
                let last = uses.remove(&key.id);
                Ok(key.info(last))
            })
            .collect()
    }

    /// One key by id.
    pub fn info(&self, id: &str) -> Result<ApiKeyInfo, CoreError> {
        let key = self.load(id)?.ok_or(CoreError::NotFound)?;
        let last = self
            .store
            .doc(KIND_USE, &key.id)?
            .and_then(|b| serde_json::from_slice::<UseDoc>(&b).ok());
        Ok(key.info(last))
    }

    /// A key document by id; ids that cannot be key ids are not looked up.
    fn load(&self, id: &str) -> Result<Option<StoredKey>, CoreError> {
        if !is_key_id(id) {
            return Ok(None);
        }
        match self.store.doc(KIND_KEY, id)? {
            Some(body) => Ok(Some(decode_key(&body)?)),
            None => Ok(None),
        }
    }
}

/// `key_` + 32 lowercase hex digits.
fn is_key_id(id: &str) -> bool {
    id.strip_prefix("key_")
        .is_some_and(|h| h.len() == 32 && h.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
}

fn decode_key(body: &[u8]) -> Result<StoredKey, CoreError> {
    serde_json::from_slice(body)
        .map_err(|_| CoreError::Integrity("a stored API key document is not readable".into()))
}

fn put_key(key: &StoredKey) -> Result<Mutation, CoreError> {
    let body = serde_json::to_vec(key)
        .map_err(|_| CoreError::Integrity("an API key document could not be encoded".into()))?;
    Ok(Mutation::PutDoc {
        kind: KIND_KEY.to_owned(),
        id: key.id.clone(),
        body,
    })
}
