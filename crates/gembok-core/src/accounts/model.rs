//! The values the account service takes and gives: ids, e-mail addresses, what a caller
//! may know of an account, login history entries and the outcomes of enrolment and login.
//!
//! Secrets handed out once (session, CSRF and enrolment tokens, challenges, recovery
//! codes) are [`SessionSecret`]s or wiped on drop; e-mail addresses are personal data and
//! their `Debug` says only the domain is hidden too.

use std::fmt;

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::access::RoleName;
use crate::staff::session::SessionSecret;
use crate::staff::totp::RecoveryCodes;

use super::AccountError;

/// The id of a staff account: `usr_` + 16 lowercase hex digits. Not secret.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AccountId(String);

impl AccountId {
    pub(crate) fn generate() -> Result<Self, AccountError> {
        let bytes = gembok_crypto::random_bytes::<8>()?;
        Ok(AccountId(format!("usr_{}", hex::encode(bytes))))
    }

    pub fn parse(s: &str) -> Result<Self, AccountError> {
        let ok = s.len() == 20
            && s.starts_with("usr_")
            && s[4..]
                .bytes()
                .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        if ok {
            Ok(AccountId(s.to_owned()))
        } else {
            Err(AccountError::InvalidInput(
                "invalid account id: expected usr_ and 16 hex digits".into(),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for AccountId {
    type Error = AccountError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        AccountId::parse(&s)
    }
}

impl From<AccountId> for String {
    fn from(id: AccountId) -> Self {
        id.0
    }
}

/// A staff e-mail address, trimmed and lower-cased: personal data, so `Debug` is
/// redacted and the text is wiped on drop.
#[derive(Clone, PartialEq, Eq)]
pub struct StaffEmail(Zeroizing<String>);

impl StaffEmail {
    /// Accepts `local@domain` with a dot in the domain, at most 254 characters, no
    /// spaces or control characters. The error never repeats the input.
    pub fn parse(s: &str) -> Result<Self, AccountError> {
        let s = s.trim().to_lowercase();
        let valid = s.len() <= 254
            && !s.chars().any(|c| c.is_whitespace() || c.is_control())
            && s.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
            });
        if valid {
            Ok(StaffEmail(Zeroizing::new(s)))
        } else {
            Err(AccountError::InvalidInput(
                "invalid e-mail address: expected name@domain.tld".into(),
            ))
        }
    }

    /// The address, for sending mail to and for the owner's own account list.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for StaffEmail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StaffEmail([redacted])")
    }
}

/// Where an attempt came from: the peer address and the browser's user agent (cut to
/// 256 characters), for login history and new-device detection.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClientInfo {
    pub address: Option<String>,
    pub user_agent: Option<String>,
    pub request_id: Option<String>,
}

/// Whether an account can log in yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountStatus {
    /// Created; the enrolment token has not been redeemed (or 2FA not confirmed).
    Pending,
    Active,
}

/// What may be shown of an account (to its owner and to admins).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountInfo {
    pub id: AccountId,
    pub email: StaffEmail,
    pub role: RoleName,
    pub status: AccountStatus,
    pub totp_enabled: bool,
    /// A password, TOTP or recovery-code lock is in force.
    pub locked: bool,
    pub created_at: i64,
    pub recovery_codes_left: usize,
}

/// A new account and its one-time enrolment token.
#[derive(Debug)]
pub struct CreatedAccount {
    pub info: AccountInfo,
    pub enrolment_token: SessionSecret,
    pub expires_at: i64,
}

/// A TOTP enrolment to confirm with a code: the challenge to send back with it, and
/// what the authenticator app needs (wiped on drop).
pub struct TotpEnrolment {
    pub challenge: SessionSecret,
    pub totp_uri: Zeroizing<String>,
    pub qr_svg: Zeroizing<String>,
    pub expires_at: i64,
}

impl fmt::Debug for TotpEnrolment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TotpEnrolment([redacted])")
    }
}

/// A started session: the bearer token (also the cookie value) and the CSRF token, each
/// shown once.
#[derive(Debug)]
pub struct SessionGrant {
    pub account: AccountId,
    pub role: RoleName,
    pub token: SessionSecret,
    pub csrf_token: SessionSecret,
    pub idle_expires_at: i64,
    pub expires_at: i64,
    /// Recovery codes, only when 2FA was just enrolled (shown once).
    pub recovery_codes: Option<RecoveryCodes>,
}

/// The answer to an enrolment or a login.
#[derive(Debug)]
pub enum LoginOutcome {
    /// Logged in.
    Session(SessionGrant),
    /// The password was right; a TOTP or recovery code must follow at
    /// `POST /v1/auth/2fa` with this challenge.
    Challenge {
        challenge: SessionSecret,
        expires_at: i64,
    },
    /// Enrolment of a role that needs 2FA: confirm the authenticator with a code.
    EnrolTotp(TotpEnrolment),
}

/// An authenticated staff session, as the front end sees it on every request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffSession {
    pub session_id: String,
    pub account: AccountId,
    pub role: RoleName,
    /// When the password (and 2FA) was last confirmed: the login, or a re-auth.
    pub reauth_at: i64,
    pub expires_at: i64,
}

impl StaffSession {
    /// Whether a sensitive operation is allowed now without confirming again.
    pub fn recently_authenticated(&self, now: i64, window_ms: i64) -> bool {
        now - self.reauth_at < window_ms
    }
}

/// Outcome of one login attempt, as recorded in the history.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttemptOutcome {
    Success,
    /// Password right, second factor pending.
    Challenge,
    Failure,
}

/// One entry of an account's login history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginAttempt {
    pub time: i64,
    /// `login`, `2fa`, `recovery_code`, `enrol`, `reauth`.
    pub step: String,
    pub outcome: AttemptOutcome,
    /// Stable code of why it failed (`wrong_password`, `throttled`, ...); `ok` on success.
    pub reason: String,
    pub address: Option<String>,
    pub user_agent: Option<String>,
    /// The device or network had not been seen for this account before.
    pub new_device: bool,
}
