//! Staff login, the session half: what a logged-in person does with their own account
//! (log out, see themselves and their login history, confirm the password again,
//! change it, turn 2FA on or off, get new recovery codes). Every handler takes a
//! [`StaffCaller`], so an API key gets 403 `session_required`.
//!
//! Also the re-authentication rule for sensitive operations elsewhere
//! ([`require_recent_auth`]).

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

use super::auth::{cleared_cookie, no_store, Client};
use super::dto_auth::{
    LoginAttemptOut, LoginsOut, MeOut, PasswordBody, ReauthBody, RecoveryCodesOut, SessionInfoOut,
    TotpEnrolmentOut, UserOut,
};
use crate::api_error::{ApiError, ErrorBody};
use crate::extract::{Caller, Json, StaffCaller};
use crate::state::{blocking, now_ms, AppState};

/// How many login attempts `GET /v1/auth/logins` shows.
const HISTORY_LIMIT: usize = 100;

/// A staff session must have confirmed its password (and 2FA) within the re-auth
/// window for a sensitive operation; otherwise 403 `reauth_required`. API keys are
/// machines without a password to confirm: for them this is a no-op, and their
/// protection is their scope, expiry and address allowlist.
pub(crate) fn require_recent_auth(
    s: &AppState,
    staff: Option<&StaffCaller>,
) -> Result<(), ApiError> {
    match staff {
        Some(staff) => Ok(s.accounts.require_recent_auth(&staff.session, now_ms())?),
        None => Ok(()),
    }
}

fn session_info(s: &AppState, session: &gembok_core::accounts::StaffSession) -> SessionInfoOut {
    SessionInfoOut {
        expires_at: session.expires_at,
        reauth_at: session.reauth_at,
        reauth_valid_until: session.reauth_at + s.accounts.config().reauth_window_ms,
    }
}

/// End this session (server-side) and clear its cookie.
#[utoipa::path(
    post,
    path = "/v1/auth/logout",
    tag = "auth",
    responses(
        (status = 204, description = "Logged out; the token no longer works and the cookie is cleared"),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 403, description = "Not a staff session, or a cookie request without its CSRF token", body = ErrorBody),
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
pub(crate) async fn logout(
    State(s): State<AppState>,
    Caller(p): Caller,
    staff: StaffCaller,
) -> Result<Response, ApiError> {
    blocking(move || Ok(s.accounts.logout(&p.actor(None), &staff.token, now_ms())?)).await?;
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, cleared_cookie())],
    )
        .into_response())
}

/// The account and the session in use.
#[utoipa::path(
    get,
    path = "/v1/auth/me",
    tag = "auth",
    responses(
        (status = 200, description = "The caller's account and session", body = MeOut),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 403, description = "Not a staff session", body = ErrorBody),
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
pub(crate) async fn me(
    State(s): State<AppState>,
    staff: StaffCaller,
) -> Result<axum::Json<MeOut>, ApiError> {
    let session = staff.session;
    let info = {
        let (s, id) = (s.clone(), session.account.clone());
        blocking(move || Ok(s.accounts.get(&id)?)).await?
    };
    Ok(axum::Json(MeOut {
        account: UserOut::from(&info),
        session: session_info(&s, &session),
    }))
}

/// The caller's own login history, newest first.
#[utoipa::path(
    get,
    path = "/v1/auth/logins",
    tag = "auth",
    responses(
        (status = 200, description = "The newest 100 attempts", body = LoginsOut),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 403, description = "Not a staff session", body = ErrorBody),
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
pub(crate) async fn logins(
    State(s): State<AppState>,
    staff: StaffCaller,
) -> Result<axum::Json<LoginsOut>, ApiError> {
    let id = staff.session.account.clone();
    let attempts = blocking(move || Ok(s.accounts.login_history(&id, HISTORY_LIMIT)?)).await?;
    Ok(axum::Json(LoginsOut {
        logins: attempts.into_iter().map(LoginAttemptOut::from).collect(),
    }))
}

/// Confirm the password (and a TOTP code when 2FA is on) for sensitive operations.
#[utoipa::path(
    post,
    path = "/v1/auth/reauth",
    tag = "auth",
    request_body = ReauthBody,
    responses(
        (status = 200, description = "Confirmed; sensitive operations are allowed until `reauth_valid_until`", body = SessionInfoOut),
        (status = 401, description = "Wrong password (`invalid_credentials`) or code (`invalid_code`), or no valid session", body = ErrorBody),
        (status = 423, description = "The credential is locked", body = ErrorBody),
        (status = 429, description = "Too many failures: see Retry-After", body = ErrorBody),
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
pub(crate) async fn reauth(
    State(s): State<AppState>,
    staff: StaffCaller,
    Client(client): Client,
    Json(body): Json<ReauthBody>,
) -> Result<axum::Json<SessionInfoOut>, ApiError> {
    let state = s.clone();
    let session = blocking(move || {
        Ok(state.accounts.reauthenticate(
            &staff.session,
            &body.password,
            body.code.as_deref(),
            &client,
            now_ms(),
        )?)
    })
    .await?;
    Ok(axum::Json(session_info(&s, &session)))
}

/// Change the caller's password; the account's other sessions end.
#[utoipa::path(
    post,
    path = "/v1/auth/password",
    tag = "auth",
    request_body = PasswordBody,
    responses(
        (status = 204, description = "Changed"),
        (status = 401, description = "The current password is wrong, or no valid session", body = ErrorBody),
        (status = 422, description = "The new password was refused; `code` says why, `message_id` in Bahasa Indonesia", body = ErrorBody),
        (status = 429, description = "Too many failures: see Retry-After", body = ErrorBody),
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
pub(crate) async fn change_password(
    State(s): State<AppState>,
    staff: StaffCaller,
    Client(client): Client,
    Json(body): Json<PasswordBody>,
) -> Result<StatusCode, ApiError> {
    blocking(move || {
        Ok(s.accounts.change_password(
            &staff.session,
            &body.current,
            &body.new,
            &client,
            now_ms(),
        )?)
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Start turning 2FA on (for roles where it is optional); confirm at /v1/auth/2fa.
#[utoipa::path(
    post,
    path = "/v1/auth/2fa/enrol",
    tag = "auth",
    responses(
        (status = 200, description = "Scan the QR code, then send the first code with the challenge to /v1/auth/2fa", body = TotpEnrolmentOut),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 409, description = "2FA is already on", body = ErrorBody),
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
pub(crate) async fn begin_totp(
    State(s): State<AppState>,
    staff: StaffCaller,
    Client(client): Client,
) -> Result<Response, ApiError> {
    let enrolment =
        blocking(move || Ok(s.accounts.begin_totp(&staff.session, &client, now_ms())?)).await?;
    let body = TotpEnrolmentOut::from(&enrolment);
    Ok((StatusCode::OK, no_store(), axum::Json(body)).into_response())
}

/// Turn 2FA off (needs a recent re-auth; refused where 2FA is mandatory).
#[utoipa::path(
    post,
    path = "/v1/auth/2fa/disable",
    tag = "auth",
    responses(
        (status = 204, description = "2FA is off"),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 403, description = "Mandatory for this role (`forbidden`), or no recent re-auth (`reauth_required`)", body = ErrorBody),
        (status = 409, description = "2FA is not on", body = ErrorBody),
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
pub(crate) async fn disable_totp(
    State(s): State<AppState>,
    staff: StaffCaller,
    Client(client): Client,
) -> Result<StatusCode, ApiError> {
    blocking(move || Ok(s.accounts.disable_2fa(&staff.session, &client, now_ms())?)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Replace the recovery codes (needs a recent re-auth).
#[utoipa::path(
    post,
    path = "/v1/auth/recovery-codes",
    tag = "auth",
    responses(
        (status = 200, description = "Ten new recovery codes, shown once", body = RecoveryCodesOut),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 403, description = "No recent re-auth (`reauth_required`)", body = ErrorBody),
        (status = 409, description = "2FA is not on", body = ErrorBody),
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
pub(crate) async fn recovery_codes(
    State(s): State<AppState>,
    staff: StaffCaller,
    Client(client): Client,
) -> Result<Response, ApiError> {
    let codes = blocking(move || {
        Ok(s.accounts
            .regenerate_recovery_codes(&staff.session, &client, now_ms())?)
    })
    .await?;
    let body = RecoveryCodesOut {
        recovery_codes: codes.shown.clone(),
    };
    Ok((StatusCode::OK, no_store(), axum::Json(body)).into_response())
}
