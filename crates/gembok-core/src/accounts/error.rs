//! What can go wrong with a staff account operation, with one stable code per case.
//!
//! Refusals that must not tell an attacker anything are deliberately merged: an unknown
//! e-mail and a wrong password are both [`AccountError::InvalidCredentials`]; an unknown,
//! used or expired enrolment token is [`AccountError::InvalidToken`].

use gembok_store::StoreError;

use crate::staff::password_policy::Refusal;
use crate::CoreError;

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// Unknown account or wrong password: the same answer for both.
    #[error("the e-mail address or password is wrong")]
    InvalidCredentials,
    /// A wrong, replayed or malformed TOTP or recovery code.
    #[error("the code is wrong or was already used")]
    InvalidCode,
    /// An unknown, used or expired enrolment token or 2FA challenge.
    #[error("the token is unknown, used or expired")]
    InvalidToken,
    /// The session is missing, unknown, idle too long, expired or logged out.
    #[error("the session is not valid: log in again")]
    InvalidSession,
    /// Too many recent failures: try again later.
    #[error("too many failed attempts: try again in {retry_after_secs} s")]
    Throttled { retry_after_secs: u64 },
    /// 100 consecutive failures: only an admin can unlock the credential.
    #[error("this credential is locked after too many failed attempts: ask an administrator to unlock it")]
    Locked,
    /// The new password breaks the policy; the refusal says why.
    #[error("the password was refused: {}", .0.message_en())]
    WeakPassword(Refusal),
    /// The operation needs a password (and 2FA) confirmation within the last minutes.
    #[error("confirm your password (and 2FA code) again first: POST /v1/auth/reauth")]
    ReauthRequired,
    /// The caller's role may not do this (create an owner, unlock, ...).
    #[error("not allowed: {0}")]
    Forbidden(String),
    /// An account with this e-mail address exists already.
    #[error("an account with this e-mail address exists already")]
    EmailTaken,
    /// No such account.
    #[error("no such account")]
    NotFound,
    /// Bad input: an invalid e-mail address, an unknown role, ...
    #[error("{0}")]
    InvalidInput(String),
    /// A state the operation does not apply to (2FA already on, mandatory 2FA off, ...).
    #[error("{0}")]
    Conflict(String),
    /// The vault below failed (storage, audit log, crypto).
    #[error(transparent)]
    Core(#[from] CoreError),
}

impl AccountError {
    /// A stable machine code for responses and exit messages.
    pub fn code(&self) -> &'static str {
        match self {
            AccountError::InvalidCredentials => "invalid_credentials",
            AccountError::InvalidCode => "invalid_code",
            AccountError::InvalidToken => "invalid_token",
            AccountError::InvalidSession => "invalid_session",
            AccountError::Throttled { .. } => "too_many_attempts",
            AccountError::Locked => "credential_locked",
            AccountError::WeakPassword(r) => r.code(),
            AccountError::ReauthRequired => "reauth_required",
            AccountError::Forbidden(_) => "forbidden",
            AccountError::EmailTaken => "email_taken",
            AccountError::NotFound => "not_found",
            AccountError::InvalidInput(_) => "invalid_input",
            AccountError::Conflict(_) => "conflict",
            AccountError::Core(_) => "internal",
        }
    }
}

impl From<StoreError> for AccountError {
    fn from(e: StoreError) -> Self {
        AccountError::Core(CoreError::Store(e))
    }
}

impl From<gembok_crypto::CryptoError> for AccountError {
    fn from(e: gembok_crypto::CryptoError) -> Self {
        AccountError::Core(CoreError::Crypto(e))
    }
}
