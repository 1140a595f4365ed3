//! The JSON shapes of staff login, sessions and user administration, with their
//! OpenAPI schemas.
//!
//! Every body that holds a password, code, token or recovery code is wiped on drop and
//! has no `Debug`, so it cannot end up in a log line by accident.

use gembok_core::accounts::{
    AccountInfo, AccountStatus, AttemptOutcome, LoginAttempt, SessionGrant, TotpEnrolment,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// `POST /v1/auth/login`.
#[derive(Deserialize, ToSchema, Zeroize, ZeroizeOnDrop)]
#[serde(deny_unknown_fields)]
pub(crate) struct LoginBody {
    pub email: String,
    pub password: String,
}

/// `POST /v1/auth/enrol`: redeem the one-time enrolment token with a first password.
#[derive(Deserialize, ToSchema, Zeroize, ZeroizeOnDrop)]
#[serde(deny_unknown_fields)]
pub(crate) struct EnrolBody {
    pub token: String,
    pub password: String,
}

/// `POST /v1/auth/2fa`: answer a login challenge with a TOTP or recovery code, or
/// confirm a TOTP enrolment with a TOTP code.
#[derive(Deserialize, ToSchema, Zeroize, ZeroizeOnDrop)]
#[serde(deny_unknown_fields)]
pub(crate) struct TwoFactorBody {
    pub challenge: String,
    /// Six digits from the authenticator app, or one recovery code.
    pub code: String,
}

/// `POST /v1/auth/reauth`: confirm the password (and a TOTP code when 2FA is on).
#[derive(Deserialize, ToSchema, Zeroize, ZeroizeOnDrop)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReauthBody {
    pub password: String,
    pub code: Option<String>,
}

/// `POST /v1/auth/password`.
#[derive(Deserialize, ToSchema, Zeroize, ZeroizeOnDrop)]
#[serde(deny_unknown_fields)]
pub(crate) struct PasswordBody {
    pub current: String,
    pub new: String,
}

/// A started session. `session` is the bearer token (also set as the
/// `__Host-gembok_session` cookie); send `csrf_token` in `X-CSRF-Token` with
/// cookie-authenticated requests that change state. Both are shown once.
#[derive(Serialize, ToSchema, Zeroize, ZeroizeOnDrop)]
pub(crate) struct SessionOut {
    pub session: String,
    pub csrf_token: String,
    /// The account id (`usr_...`).
    pub account: String,
    pub role: String,
    /// Unix milliseconds: the session ends then whatever the use.
    pub expires_at: i64,
    /// Unix milliseconds: the session ends then unless used before.
    pub idle_expires_at: i64,
    /// Only right after 2FA was turned on: ten one-time recovery codes, shown once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recovery_codes: Option<Vec<String>>,
}

impl From<&SessionGrant> for SessionOut {
    fn from(g: &SessionGrant) -> Self {
        SessionOut {
            session: g.token.expose().to_owned(),
            csrf_token: g.csrf_token.expose().to_owned(),
            account: g.account.to_string(),
            role: g.role.to_string(),
            expires_at: g.expires_at,
            idle_expires_at: g.idle_expires_at,
            recovery_codes: g.recovery_codes.as_ref().map(|c| c.shown.clone()),
        }
    }
}

/// The password was right; send a second factor to `POST /v1/auth/2fa` with this
/// challenge before `expires_at`.
#[derive(Serialize, ToSchema, Zeroize, ZeroizeOnDrop)]
pub(crate) struct ChallengeOut {
    pub challenge: String,
    pub expires_at: i64,
    /// Always `totp` (a recovery code is accepted in its place).
    #[zeroize(skip)]
    pub second_factor: &'static str,
}

/// Set up an authenticator app (scan `qr_svg` or enter `totp_uri`), then confirm with
/// its first code at `POST /v1/auth/2fa` with this challenge.
#[derive(Serialize, ToSchema, Zeroize, ZeroizeOnDrop)]
pub(crate) struct TotpEnrolmentOut {
    pub challenge: String,
    pub totp_uri: String,
    /// An SVG image of the QR code of `totp_uri`.
    pub qr_svg: String,
    pub expires_at: i64,
}

impl From<&TotpEnrolment> for TotpEnrolmentOut {
    fn from(t: &TotpEnrolment) -> Self {
        TotpEnrolmentOut {
            challenge: t.challenge.expose().to_owned(),
            totp_uri: t.totp_uri.as_str().to_owned(),
            qr_svg: t.qr_svg.as_str().to_owned(),
            expires_at: t.expires_at,
        }
    }
}

/// The answer to a login or an enrolment: a session, a 2FA challenge, or a TOTP
/// enrolment to confirm.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub(crate) enum LoginOut {
    Session(SessionOut),
    Challenge(ChallengeOut),
    EnrolTotp(TotpEnrolmentOut),
}

/// What may be shown of a staff account.
#[derive(Serialize, ToSchema)]
pub(crate) struct UserOut {
    pub id: String,
    pub email: String,
    pub role: String,
    /// `pending` until the enrolment token is redeemed (and 2FA confirmed), then
    /// `active`.
    pub status: String,
    pub totp_enabled: bool,
    /// A password, TOTP or recovery-code lock is in force.
    pub locked: bool,
    pub created_at: i64,
    pub recovery_codes_left: usize,
}

fn status_name(s: AccountStatus) -> &'static str {
    match s {
        AccountStatus::Pending => "pending",
        AccountStatus::Active => "active",
    }
}

impl From<&AccountInfo> for UserOut {
    fn from(a: &AccountInfo) -> Self {
        UserOut {
            id: a.id.to_string(),
            email: a.email.expose().to_owned(),
            role: a.role.to_string(),
            status: status_name(a.status).to_owned(),
            totp_enabled: a.totp_enabled,
            locked: a.locked,
            created_at: a.created_at,
            recovery_codes_left: a.recovery_codes_left,
        }
    }
}

/// `GET /v1/auth/me`: the account and the session in use.
#[derive(Serialize, ToSchema)]
pub(crate) struct MeOut {
    pub account: UserOut,
    pub session: SessionInfoOut,
}

/// The session in use (never its token).
#[derive(Serialize, ToSchema)]
pub(crate) struct SessionInfoOut {
    /// Unix milliseconds.
    pub expires_at: i64,
    /// When the password was last confirmed (login or re-auth).
    pub reauth_at: i64,
    /// Until when sensitive operations need no new confirmation.
    pub reauth_valid_until: i64,
}

/// One login attempt of the caller's own account.
#[derive(Serialize, ToSchema)]
pub(crate) struct LoginAttemptOut {
    pub time: i64,
    /// `login`, `2fa`, `recovery_code`, `enrol`, `reauth`, `password_change`.
    pub step: String,
    /// `success`, `challenge` or `failure`.
    pub outcome: String,
    /// `ok`, or why it failed (`wrong_password`, `wrong_code`, `throttled`, `locked`).
    pub reason: String,
    pub address: Option<String>,
    pub user_agent: Option<String>,
    pub new_device: bool,
}

impl From<LoginAttempt> for LoginAttemptOut {
    fn from(a: LoginAttempt) -> Self {
        LoginAttemptOut {
            time: a.time,
            step: a.step,
            outcome: match a.outcome {
                AttemptOutcome::Success => "success",
                AttemptOutcome::Challenge => "challenge",
                AttemptOutcome::Failure => "failure",
            }
            .to_owned(),
            reason: a.reason,
            address: a.address,
            user_agent: a.user_agent,
            new_device: a.new_device,
        }
    }
}

/// The newest login attempts, newest first.
#[derive(Serialize, ToSchema)]
pub(crate) struct LoginsOut {
    pub logins: Vec<LoginAttemptOut>,
}

/// New one-time recovery codes, shown once; the old ones no longer work.
#[derive(Serialize, ToSchema, Zeroize, ZeroizeOnDrop)]
pub(crate) struct RecoveryCodesOut {
    pub recovery_codes: Vec<String>,
}

/// `POST /v1/users`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CreateUserBody {
    pub email: String,
    /// A role of the policy (`owner`, `admin`, `dpo`, `support`, ...).
    pub role: String,
}

/// A new (or re-issued) enrolment: hand `enrolment_token` to the person, who redeems
/// it at `POST /v1/auth/enrol` before `expires_at`. Shown once.
#[derive(Serialize, ToSchema, Zeroize, ZeroizeOnDrop)]
pub(crate) struct EnrolmentOut {
    pub id: String,
    pub email: String,
    pub role: String,
    pub status: String,
    pub enrolment_token: String,
    pub expires_at: i64,
}

impl From<&gembok_core::accounts::CreatedAccount> for EnrolmentOut {
    fn from(c: &gembok_core::accounts::CreatedAccount) -> Self {
        EnrolmentOut {
            id: c.info.id.to_string(),
            email: c.info.email.expose().to_owned(),
            role: c.info.role.to_string(),
            status: status_name(c.info.status).to_owned(),
            enrolment_token: c.enrolment_token.expose().to_owned(),
            expires_at: c.expires_at,
        }
    }
}

/// Every staff account, oldest first.
#[derive(Serialize, ToSchema)]
pub(crate) struct UsersOut {
    pub users: Vec<UserOut>,
}
