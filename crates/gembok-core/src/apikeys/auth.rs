//! Authentication: from a presented key text and a client address to a [`Principal`].
//!
//! The order is chosen so that cheap refusals come first: shape and checksum (no store
//! access at all), then one lookup by hash with a constant-time comparison, then the
//! key's state (revoked, expired, rotated out), then the address allowlist. A success
//! is remembered for a second ([`super::cache`]); [`ApiKeys::authenticate_cached`]
//! answers from that memory alone.

use std::net::IpAddr;

use gembok_crypto::constant_time_eq;
use gembok_store::{Mutation, StoreError};

use super::cache::Entry;
use super::manage::parse_net;
use super::model::{HashDoc, StoredKey, UseDoc, KIND_HASH, KIND_KEY, KIND_USE};
use super::{format, ApiKeys, AuthError, LAST_USE_INTERVAL_MS};
use crate::access::{Principal, RoleName};

impl ApiKeys {
    /// Check a presented key at `now_ms` from `client`; on success, who is calling.
    pub fn authenticate(
        &self,
        presented: &str,
        client: IpAddr,
        now_ms: i64,
    ) -> Result<Principal, AuthError> {
        if !format::well_formed(presented) {
            return Err(AuthError::Malformed);
        }
        let digest = gembok_crypto::sha256(presented.as_bytes());
        // Read before the store is: a revocation from now on keeps this out of memory.
        let generation = self.cache.generation();
        let key = self.lookup(&digest)?;
        if key.revoked_at.is_some_and(|t| now_ms >= t) {
            return Err(AuthError::Revoked);
        }
        if now_ms >= key.expires_at || key.grace_until.is_some_and(|t| now_ms >= t) {
            return Err(AuthError::Expired);
        }
        if !address_allowed(&key.allow_ips, client)? {
            return Err(AuthError::IpNotAllowed);
        }
        let role = RoleName::parse(&key.role)
            .map_err(|_| AuthError::Store(StoreError::Integrity("stored API key role")))?;
        self.note_use(&key.id, client, now_ms)?;
        let principal = Principal {
            key_id: key.id,
            role,
            collections: key.collections,
            purposes: key.purposes,
            origin: Default::default(),
        };
        // The allowlist parsed above, so this cannot fail; without it, no memory.
        if let Ok(allow) = key.allow_ips.iter().map(|r| parse_net(r)).collect() {
            let entry = Entry {
                principal: principal.clone(),
                expires_at: key.expires_at,
                grace_until: key.grace_until,
                revoked_at: key.revoked_at,
                allow,
                read_at: now_ms,
            };
            self.cache.put(generation, digest, entry);
        }
        Ok(principal)
    }

    /// The caller of a key authenticated successfully less than a second ago, from
    /// memory only: never reads or writes the store, so it may run where blocking is
    /// not allowed. `None` means "ask [`ApiKeys::authenticate`]", which gives the
    /// answer (and the reason of a refusal); it is returned for every key not in
    /// memory, and for one whose last use is due to be written.
    pub fn authenticate_cached(
        &self,
        presented: &str,
        client: IpAddr,
        now_ms: i64,
    ) -> Option<Principal> {
        if !format::well_formed(presented) {
            return None;
        }
        let digest = gembok_crypto::sha256(presented.as_bytes());
        let principal = self.cache.get(&digest, client, now_ms)?;
        (!self.use_write_due(&principal.key_id, now_ms)).then_some(principal)
    }

    /// Whether [`Self::note_use`] would write now.
    fn use_write_due(&self, id: &str, now_ms: i64) -> bool {
        let seen = self.last_use.lock().unwrap_or_else(|p| p.into_inner());
        seen.get(id)
            .is_none_or(|&t| !(now_ms >= t && now_ms - t < LAST_USE_INTERVAL_MS))
    }

    /// The key whose stored hash equals `digest`, compared in constant time.
    fn lookup(&self, digest: &[u8; 32]) -> Result<StoredKey, AuthError> {
        let link = self
            .store
            .doc(KIND_HASH, &hex::encode(digest))?
            .ok_or(AuthError::Unknown)?;
        let link: HashDoc = serde_json::from_slice(&link)
            .map_err(|_| AuthError::Store(StoreError::Integrity("stored API key link")))?;
        let body = self
            .store
            .doc(KIND_KEY, &link.key_id)?
            .ok_or(AuthError::Unknown)?;
        let key: StoredKey = serde_json::from_slice(&body)
            .map_err(|_| AuthError::Store(StoreError::Integrity("stored API key")))?;
        let stored = hex::decode(&key.hash).unwrap_or_default();
        if !constant_time_eq(&stored, digest) {
            return Err(AuthError::Unknown);
        }
        Ok(key)
    }

    /// Record the last use, unless it was recorded for this key less than a minute ago.
    fn note_use(&self, id: &str, client: IpAddr, now_ms: i64) -> Result<(), AuthError> {
        {
            let mut seen = self.last_use.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(&t) = seen.get(id) {
                if now_ms >= t && now_ms - t < LAST_USE_INTERVAL_MS {
                    return Ok(());
                }
            }
            seen.insert(id.to_owned(), now_ms);
        }
        let body = serde_json::to_vec(&UseDoc {
            at: now_ms,
            ip: client.to_canonical().to_string(),
        })
        .map_err(|_| AuthError::Store(StoreError::Integrity("API key use")))?;
        let written = self.store.apply(&[Mutation::PutDoc {
            kind: KIND_USE.to_owned(),
            id: id.to_owned(),
            body,
        }]);
        if written.is_err() {
            // Try again on the next request rather than a minute later.
            self.last_use
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .remove(id);
        }
        Ok(written?)
    }
}

/// Whether `client` is inside one of the ranges (an empty list allows any). IPv4
/// clients seen through an IPv6 socket (`::ffff:a.b.c.d`) are matched as IPv4.
fn address_allowed(ranges: &[String], client: IpAddr) -> Result<bool, AuthError> {
    if ranges.is_empty() {
        return Ok(true);
    }
    let client = client.to_canonical();
    for r in ranges {
        let net = parse_net(r)
            .map_err(|_| AuthError::Store(StoreError::Integrity("stored API key address range")))?;
        if net.contains(&client) {
            return Ok(true);
        }
    }
    Ok(false)
}
