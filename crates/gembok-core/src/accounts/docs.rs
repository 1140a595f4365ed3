//! The stored shapes of accounts, one-time tokens and sessions, and reading and writing
//! them. No secret is stored in a usable form: the e-mail and TOTP secret are sealed,
//! passwords are PHC hashes, recovery codes, tokens and sessions are SHA-256 hashes.

use std::fmt;

use gembok_store::Mutation;
use serde::{Deserialize, Serialize};

use crate::staff::session::Session;
use crate::staff::throttle::FailureState;

use super::storage::{KIND_ACCOUNT, KIND_EMAIL, KIND_SESSION, KIND_TOKEN};
use super::{AccountError, AccountId, AccountStatus, Accounts};

/// Devices and networks remembered per account for new-device notices.
pub(crate) const MAX_DEVICES: usize = 20;

#[derive(Clone, Serialize, Deserialize)]
pub(crate) struct AccountDoc {
    pub id: AccountId,
    pub role: String,
    /// Hex of the sealed, normalised e-mail address.
    pub email_sealed: String,
    /// Blind index of the address (the `staff_email` document id).
    pub email_id: String,
    pub status: AccountStatus,
    pub created_at: i64,
    pub password_phc: Option<String>,
    /// Hex of the sealed TOTP secret, once 2FA is confirmed.
    pub totp_sealed: Option<String>,
    pub totp_last_step: Option<u64>,
    /// Hex SHA-256 of each unused recovery code.
    pub recovery_hashes: Vec<String>,
    pub password_failures: FailureState,
    pub totp_failures: FailureState,
    pub recovery_failures: FailureState,
    /// Hex fingerprints of devices and networks seen at successful logins.
    pub devices: Vec<String>,
    /// The bytes this document was read from (`None` for a new account): a write
    /// replaces the account only if the store still holds them, so two servers
    /// updating one account (counting failures, accepting a TOTP step) never
    /// overwrite each other.
    #[serde(skip)]
    pub stored: Option<Vec<u8>>,
}

impl fmt::Debug for AccountDoc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccountDoc")
            .field("id", &self.id)
            .field("role", &self.role)
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}

impl AccountDoc {
    pub(crate) fn totp_enabled(&self) -> bool {
        self.totp_sealed.is_some()
    }

    pub(crate) fn locked(&self) -> bool {
        self.password_failures.locked || self.totp_failures.locked || self.recovery_failures.locked
    }
}

/// What a one-time token (kept as the SHA-256 of its text) is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum TokenPurpose {
    Enrolment,
    /// Password checked; a TOTP or recovery code completes the login.
    LoginChallenge,
    /// A TOTP secret waits for its first code.
    TotpEnrolment,
}

#[derive(Clone, Serialize, Deserialize)]
pub(crate) struct TokenDoc {
    pub purpose: TokenPurpose,
    pub account: AccountId,
    pub expires_at: i64,
    /// Hex of the sealed pending TOTP secret (`TotpEnrolment` only).
    pub pending_totp: Option<String>,
    /// The enrolment token (its stored id) that stays valid until 2FA is confirmed.
    #[serde(default)]
    pub parent: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct SessionDoc {
    pub session: Session,
    pub role: String,
    pub reauth_at: i64,
}

fn encode<T: Serialize>(v: &T) -> Result<Vec<u8>, AccountError> {
    serde_json::to_vec(v).map_err(|e| crate::CoreError::Integrity(format!("encode: {e}")).into())
}

fn decode<T: for<'de> Deserialize<'de>>(bytes: &[u8], what: &str) -> Result<T, AccountError> {
    serde_json::from_slice(bytes)
        .map_err(|_| crate::CoreError::Integrity(format!("a stored {what} is malformed")).into())
}

pub(crate) fn put(kind: &str, id: &str, body: Vec<u8>) -> Mutation {
    Mutation::PutDoc {
        kind: kind.to_owned(),
        id: id.to_owned(),
        body,
    }
}

pub(crate) fn delete(kind: &str, id: &str) -> Mutation {
    Mutation::DeleteDoc {
        kind: kind.to_owned(),
        id: id.to_owned(),
    }
}

/// The SHA-256 (hex) under which a token or challenge is stored.
pub(crate) fn token_id(token: &str) -> String {
    hex::encode(gembok_crypto::sha256(token.as_bytes()))
}

impl Accounts {
    pub(crate) fn load_account(&self, id: &AccountId) -> Result<Option<AccountDoc>, AccountError> {
        match self.store.doc(KIND_ACCOUNT, id.as_str())? {
            Some(bytes) => {
                let mut account: AccountDoc = decode(&bytes, "account")?;
                account.stored = Some(bytes);
                Ok(Some(account))
            }
            None => Ok(None),
        }
    }

    pub(crate) fn account_by_email_id(
        &self,
        email_id: &str,
    ) -> Result<Option<AccountDoc>, AccountError> {
        let Some(bytes) = self.store.doc(KIND_EMAIL, email_id)? else {
            return Ok(None);
        };
        let id = AccountId::parse(&String::from_utf8_lossy(&bytes))?;
        self.load_account(&id)
    }

    pub(crate) fn all_accounts(&self) -> Result<Vec<AccountDoc>, AccountError> {
        let mut out = Vec::new();
        for (_, bytes) in self.store.docs(KIND_ACCOUNT)? {
            out.push(decode::<AccountDoc>(&bytes, "account")?);
        }
        out.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
        Ok(out)
    }

    /// The write of `doc`: compare-and-set against the bytes it was read from, or a
    /// plain put for a new account.
    pub(crate) fn put_account(&self, doc: &AccountDoc) -> Result<Mutation, AccountError> {
        let body = encode(doc)?;
        Ok(match &doc.stored {
            Some(expected) => Mutation::PutDocIf {
                kind: KIND_ACCOUNT.to_owned(),
                id: doc.id.as_str().to_owned(),
                body,
                expected: Some(expected.clone()),
            },
            None => put(KIND_ACCOUNT, doc.id.as_str(), body),
        })
    }

    pub(crate) fn load_token(
        &self,
        token: &str,
    ) -> Result<Option<(String, TokenDoc)>, AccountError> {
        let id = token_id(token);
        match self.store.doc(KIND_TOKEN, &id)? {
            Some(bytes) => Ok(Some((id, decode(&bytes, "token")?))),
            None => Ok(None),
        }
    }

    pub(crate) fn put_token(&self, token: &str, doc: &TokenDoc) -> Result<Mutation, AccountError> {
        Ok(put(KIND_TOKEN, &token_id(token), encode(doc)?))
    }

    pub(crate) fn load_session(
        &self,
        session_id: &str,
    ) -> Result<Option<SessionDoc>, AccountError> {
        match self.store.doc(KIND_SESSION, session_id)? {
            Some(bytes) => Ok(Some(decode(&bytes, "session")?)),
            None => Ok(None),
        }
    }

    pub(crate) fn put_session(&self, doc: &SessionDoc) -> Result<Mutation, AccountError> {
        Ok(put(KIND_SESSION, &doc.session.id, encode(doc)?))
    }

    /// Every stored session of `account` (to end them on a password change).
    pub(crate) fn sessions_of(&self, account: &AccountId) -> Result<Vec<SessionDoc>, AccountError> {
        let mut out = Vec::new();
        for (_, bytes) in self.store.docs(KIND_SESSION)? {
            let doc: SessionDoc = decode(&bytes, "session")?;
            if doc.session.account == account.as_str() {
                out.push(doc);
            }
        }
        Ok(out)
    }
}

pub(crate) fn encode_json<T: Serialize>(v: &T) -> Result<Vec<u8>, AccountError> {
    encode(v)
}

pub(crate) fn decode_json<T: for<'de> Deserialize<'de>>(
    bytes: &[u8],
    what: &str,
) -> Result<T, AccountError> {
    decode(bytes, what)
}
