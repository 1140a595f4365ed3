//! The data of API keys: what a caller asks for ([`ApiKeySpec`]), what is handed out
//! once ([`IssuedKey`]), what may be shown later ([`ApiKeyInfo`]), the stored documents,
//! and why an authentication failed ([`AuthError`]).

use std::fmt;

use gembok_store::StoreError;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

/// What a new key may do.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ApiKeySpec {
    /// A role of the policy.
    pub role: String,
    /// Narrow the role to these collections (`None`: the role's own).
    pub collections: Option<Vec<String>>,
    /// Narrow the role to these purposes (`None`: the role's own).
    pub purposes: Option<Vec<String>>,
    /// Lifetime in days, 1 to 365: every key expires.
    pub expires_in_days: u32,
    /// Client addresses allowed, as CIDRs (`10.0.0.0/8`, `2001:db8::/32`) or single
    /// addresses; empty allows any.
    pub allow_ips: Vec<String>,
    /// A label for people (what the key is for); no secrets, no personal data.
    pub note: Option<String>,
}

/// The key text, shown once. Zeroized on drop; `Debug` prints a redaction.
pub struct ApiKeySecret(Zeroizing<String>);

impl ApiKeySecret {
    pub(crate) fn new(text: Zeroizing<String>) -> Self {
        ApiKeySecret(text)
    }

    /// The key text, for showing it to its owner once.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKeySecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKeySecret([redacted])")
    }
}

/// A freshly made key: its id and its text. Only the hash is stored; the text cannot be
/// recovered once this is dropped.
#[derive(Debug)]
pub struct IssuedKey {
    pub id: String,
    pub key: ApiKeySecret,
    /// Unix milliseconds.
    pub expires_at: i64,
}

impl IssuedKey {
    /// The key text.
    pub fn expose(&self) -> &str {
        self.key.expose()
    }
}

/// What may be shown about a key (never the key itself). Times are Unix milliseconds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ApiKeyInfo {
    pub id: String,
    pub role: String,
    pub collections: Option<Vec<String>>,
    pub purposes: Option<Vec<String>>,
    pub allow_ips: Vec<String>,
    pub note: Option<String>,
    pub created_at: i64,
    pub expires_at: i64,
    pub last_used_at: Option<i64>,
    pub last_used_ip: Option<String>,
    pub revoked_at: Option<i64>,
    /// After a rotation: the old key works until then.
    pub grace_until: Option<i64>,
    /// After a rotation: the key that replaced this one.
    pub replaced_by: Option<String>,
    /// For a key made by rotation: the key it replaced.
    pub replaces: Option<String>,
}

impl ApiKeyInfo {
    /// Whether the key would be accepted at `now_ms` (ignoring the address).
    pub fn is_usable(&self, now_ms: i64) -> bool {
        self.revoked_at.is_none_or(|t| now_ms < t)
            && now_ms < self.expires_at
            && self.grace_until.is_none_or(|t| now_ms < t)
    }
}

/// Why a presented key was refused. Each maps to 401 except `IpNotAllowed` (403).
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("the API key is malformed")]
    Malformed,
    #[error("the API key is not known")]
    Unknown,
    #[error("the API key has expired")]
    Expired,
    #[error("the API key has been revoked")]
    Revoked,
    #[error("the API key may not be used from this address")]
    IpNotAllowed,
    #[error("storage: {0}")]
    Store(#[from] StoreError),
}

impl AuthError {
    /// A stable code for responses.
    pub fn code(&self) -> &'static str {
        match self {
            AuthError::Malformed | AuthError::Unknown => "invalid_api_key",
            AuthError::Expired => "api_key_expired",
            AuthError::Revoked => "api_key_revoked",
            AuthError::IpNotAllowed => "ip_not_allowed",
            AuthError::Store(_) => "internal",
        }
    }
}

/// Document kind of a key, by key id.
pub(crate) const KIND_KEY: &str = "api_key";
/// Document kind mapping a key hash (hex) to its key id.
pub(crate) const KIND_HASH: &str = "api_key_hash";
/// Document kind of a key's last use, by key id. Kept apart from the key so that a
/// last-use write racing a revoke can never overwrite the revocation.
pub(crate) const KIND_USE: &str = "api_key_use";

/// A key as stored (kind `api_key`): no secret but the SHA-256 of the key text.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct StoredKey {
    pub id: String,
    pub hash: String,
    pub role: String,
    pub collections: Option<Vec<String>>,
    pub purposes: Option<Vec<String>>,
    pub allow_ips: Vec<String>,
    pub note: Option<String>,
    pub created_at: i64,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
    pub grace_until: Option<i64>,
    pub replaced_by: Option<String>,
    pub replaces: Option<String>,
}

/// Body of an `api_key_hash` document.
#[derive(Serialize, Deserialize)]
pub(crate) struct HashDoc {
    pub key_id: String,
}

/// Body of an `api_key_use` document.
#[derive(Serialize, Deserialize)]
pub(crate) struct UseDoc {
    pub at: i64,
    pub ip: String,
}

impl StoredKey {
    pub(crate) fn info(&self, last_use: Option<UseDoc>) -> ApiKeyInfo {
        let (last_used_at, last_used_ip) = match last_use {
            Some(u) => (Some(u.at), Some(u.ip)),
            None => (None, None),
        };
        ApiKeyInfo {
            id: self.id.clone(),
            role: self.role.clone(),
            collections: self.collections.clone(),
            purposes: self.purposes.clone(),
            allow_ips: self.allow_ips.clone(),
            note: self.note.clone(),
            created_at: self.created_at,
            expires_at: self.expires_at,
            last_used_at,
            last_used_ip,
            revoked_at: self.revoked_at,
            grace_until: self.grace_until,
            replaced_by: self.replaced_by.clone(),
            replaces: self.replaces.clone(),
        }
    }
}
