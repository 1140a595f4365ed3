//! Making and retiring keys: create, rotate, revoke, revoke all.
//!
//! Every change to a key is one store transaction, so a key and its hash entry appear
//! together, and a rotation's new key and the old key's grace period take effect
//! together.

use std::collections::BTreeSet;
use std::net::IpAddr;

use gembok_store::Mutation;
use gembok_types::{CollectionName, Purpose};
use ipnet::IpNet;

use super::model::{HashDoc, StoredKey, KIND_HASH, KIND_KEY};
use super::{decode_key, put_key, ApiKeySecret, ApiKeySpec, ApiKeys, IssuedKey};
use super::{MAX_EXPIRY_DAYS, MAX_GRACE_HOURS};
use crate::access::RoleName;
use crate::audit::{Actor, AuditEvent};
use crate::CoreError;

const DAY_MS: i64 = 86_400_000;
const HOUR_MS: i64 = 3_600_000;
/// Most address ranges one key may list.
const MAX_ALLOW_IPS: usize = 64;
/// Longest note, in characters.
const MAX_NOTE: usize = 200;

fn invalid(what: impl Into<String>) -> CoreError {
    CoreError::InvalidInput(what.into())
}

impl ApiKeys {
    /// Make a new key. The returned text is the only copy.
    pub fn create(
        &self,
        actor: &Actor,
        spec: &ApiKeySpec,
        now_ms: i64,
    ) -> Result<IssuedKey, CoreError> {
        let _admin = self.admin.lock().unwrap_or_else(|p| p.into_inner());
        let checked = self.check_spec(spec, now_ms)?;
        let role = checked.role.clone();
        let (issued, muts) = issue(checked)?;
        let event = AuditEvent::new(actor, "apikey.create", now_ms)
            .code(&format!("key:{} role:{role}", issued.id));
        self.commit(muts, event)?;
        Ok(issued)
    }

    /// Replace a key by a new one with the same scope and lifetime; the old key keeps
    /// working for `grace_hours` (at most 168; 0 ends it now).
    pub fn rotate(
        &self,
        actor: &Actor,
        id: &str,
        grace_hours: u32,
        now_ms: i64,
    ) -> Result<IssuedKey, CoreError> {
        if grace_hours > MAX_GRACE_HOURS {
            return Err(invalid(format!(
                "the grace period is at most {MAX_GRACE_HOURS} hours"
            )));
        }
        let _admin = self.admin.lock().unwrap_or_else(|p| p.into_inner());
        let mut old = self.load(id)?.ok_or(CoreError::NotFound)?;
        if old.revoked_at.is_some() {
            return Err(invalid("a revoked key cannot be rotated"));
        }
        if old.replaced_by.is_some() {
            return Err(invalid(
                "this key was already rotated; rotate its replacement",
            ));
        }
        if now_ms >= old.expires_at {
            return Err(invalid(
                "an expired key cannot be rotated; create a new one",
            ));
        }
        let lifetime =
            (old.expires_at - old.created_at).clamp(DAY_MS, i64::from(MAX_EXPIRY_DAYS) * DAY_MS);
        let mut new = old.clone();
        new.id = new_key_id()?;
        new.created_at = now_ms;
        new.expires_at = now_ms.saturating_add(lifetime);
        new.grace_until = None;
        new.replaced_by = None;
        new.replaces = Some(old.id.clone());
        old.grace_until = Some(now_ms.saturating_add(i64::from(grace_hours) * HOUR_MS));
        old.replaced_by = Some(new.id.clone());
        let (issued, mut muts) = issue(new)?;
        muts.push(put_key(&old)?);
        let event = AuditEvent::new(actor, "apikey.rotate", now_ms).code(&format!(
            "key:{} new:{} role:{}",
            old.id, issued.id, old.role
        ));
        let written = self.commit(muts, event);
        // After the write, so no authentication can remember the state before it.
        self.cache.clear();
        written?;
        Ok(issued)
    }

    /// Refuse a key from now on. Revoking a revoked key changes nothing.
    pub fn revoke(&self, actor: &Actor, id: &str, now_ms: i64) -> Result<(), CoreError> {
        let _admin = self.admin.lock().unwrap_or_else(|p| p.into_inner());
        let mut key = self.load(id)?.ok_or(CoreError::NotFound)?;
        if key.revoked_at.is_none() {
            key.revoked_at = Some(now_ms);
            let event = AuditEvent::new(actor, "apikey.revoke", now_ms)
                .code(&format!("key:{} role:{}", key.id, key.role));
            let written = self.commit(vec![put_key(&key)?], event);
            self.cache.clear();
            written?;
        }
        Ok(())
    }

    /// Revoke every key not yet revoked, in one transaction; returns how many.
    pub fn revoke_all(&self, actor: &Actor, now_ms: i64) -> Result<usize, CoreError> {
        let _admin = self.admin.lock().unwrap_or_else(|p| p.into_inner());
        let mut muts = Vec::new();
        for (_, body) in self.store.docs(KIND_KEY)? {
            let mut key = decode_key(&body)?;
            if key.revoked_at.is_none() {
                key.revoked_at = Some(now_ms);
                muts.push(put_key(&key)?);
            }
        }
        let count = muts.len();
        if !muts.is_empty() {
            let event =
                AuditEvent::new(actor, "apikey.revoke_all", now_ms).code(&format!("count:{count}"));
            let written = self.commit(muts, event);
            self.cache.clear();
            written?;
        }
        Ok(count)
    }

    /// Check a spec and turn it into the document of a new key (hash still empty).
    fn check_spec(&self, spec: &ApiKeySpec, now_ms: i64) -> Result<StoredKey, CoreError> {
        let role = RoleName::parse(&spec.role)?;
        if !self.policy.has_role(role.as_str()) {
            return Err(invalid(format!(
                "role `{role}` is not defined in the policy"
            )));
        }
        if !(1..=MAX_EXPIRY_DAYS).contains(&spec.expires_in_days) {
            return Err(invalid(format!(
                "a key must expire within 1 to {MAX_EXPIRY_DAYS} days"
            )));
        }
        let collections = spec
            .collections
            .as_deref()
            .map(|cs| names(cs, "collection", |c| CollectionName::parse(c).is_ok()))
            .transpose()?;
        let purposes = spec
            .purposes
            .as_deref()
            .map(|ps| names(ps, "purpose", |p| Purpose::parse(p).is_ok()))
            .transpose()?;
        if spec.allow_ips.len() > MAX_ALLOW_IPS {
            return Err(invalid(format!("at most {MAX_ALLOW_IPS} address ranges")));
        }
        let allow_ips = spec
            .allow_ips
            .iter()
            .map(|s| parse_net(s).map(|n| n.to_string()))
            .collect::<Result<Vec<_>, _>>()?;
        if let Some(note) = &spec.note {
            if note.chars().count() > MAX_NOTE || note.chars().any(char::is_control) {
                return Err(invalid(format!(
                    "a note is at most {MAX_NOTE} characters without control characters"
                )));
            }
        }
        Ok(StoredKey {
            id: new_key_id()?,
            hash: String::new(),
            role: role.to_string(),
            collections,
            purposes,
            allow_ips,
            note: spec.note.clone(),
            created_at: now_ms,
            expires_at: now_ms.saturating_add(i64::from(spec.expires_in_days) * DAY_MS),
            revoked_at: None,
            grace_until: None,
            replaced_by: None,
            replaces: None,
        })
    }
}

/// Draw the secret, hash it, and return the key with its two documents.
fn issue(mut key: StoredKey) -> Result<(IssuedKey, Vec<Mutation>), CoreError> {
    let secret = gembok_crypto::Zeroizing::new(gembok_crypto::random_bytes::<32>()?);
    let text = super::format::encode(&secret);
    key.hash = hex::encode(gembok_crypto::sha256(text.as_bytes()));
    let link = serde_json::to_vec(&HashDoc {
        key_id: key.id.clone(),
    })
    .map_err(|_| CoreError::Integrity("an API key document could not be encoded".into()))?;
    let muts = vec![
        put_key(&key)?,
        Mutation::PutDoc {
            kind: KIND_HASH.to_owned(),
            id: key.hash.clone(),
            body: link,
        },
    ];
    let issued = IssuedKey {
        id: key.id,
        key: ApiKeySecret::new(text),
        expires_at: key.expires_at,
    };
    Ok((issued, muts))
}

/// `key_` + 32 hex digits of a UUIDv7: time-ordered, so listings come out oldest first.
fn new_key_id() -> Result<String, CoreError> {
    Ok(format!(
        "key_{}",
        hex::encode(gembok_types::RecordId::generate().as_bytes())
    ))
}

/// A non-empty, duplicate-free, sorted list of valid names.
fn names(
    list: &[String],
    what: &str,
    valid: impl Fn(&str) -> bool,
) -> Result<Vec<String>, CoreError> {
    if list.is_empty() {
        return Err(invalid(format!(
            "an empty {what} restriction would allow nothing; leave it out instead"
        )));
    }
    if !list.iter().all(|n| valid(n)) {
        return Err(invalid(format!(
            "a {what} must start with a-z, then use only a-z, 0-9 and _"
        )));
    }
    Ok(list
        .iter()
        .cloned()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect())
}

/// A CIDR, or a single address as a one-address range; host bits are cleared.
pub(crate) fn parse_net(s: &str) -> Result<IpNet, CoreError> {
    let s = s.trim();
    if let Ok(net) = s.parse::<IpNet>() {
        return Ok(net.trunc());
    }
    s.parse::<IpAddr>().map(IpNet::from).map_err(|_| {
        invalid("an allowed address must be a CIDR such as 10.0.0.0/8 or an IP address")
    })
}
