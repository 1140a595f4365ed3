//! Staff login, the public half: `POST /v1/auth/login`, `/v1/auth/enrol` and
//! `/v1/auth/2fa`, which answer without credentials (they are how credentials are
//! obtained) and are counted by the per-address login limit before anything is hashed.
//!
//! A login or enrolment ends in one of three answers: a session (the token in the body
//! for API clients and in a `__Host-` cookie for browsers, with the CSRF token), a 2FA
//! challenge to answer at `/v1/auth/2fa`, or a TOTP enrolment to confirm there. An
//! unknown e-mail address and a wrong password get the same answer, made by the core in
//! the same time. Answers that carry secrets say `Cache-Control: no-store`.

use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use gembok_core::accounts::{ClientInfo, LoginOutcome, SessionGrant};

use super::dto_auth::{
    ChallengeOut, EnrolBody, LoginBody, LoginOut, SessionOut, TotpEnrolmentOut, TwoFactorBody,
};
use crate::api_error::{ApiError, ErrorBody};
use crate::auth::SESSION_COOKIE;
use crate::extract::Json;
use crate::middleware::trace::RequestId;
use crate::state::{blocking, now_ms, AppState, ClientAddr};

/// Longest user agent kept in the login history.
const MAX_USER_AGENT: usize = 256;

/// Where a request comes from, for login history, new-device notices and audit events.
pub(crate) struct Client(pub ClientInfo);

impl<S: Send + Sync> FromRequestParts<S> for Client {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let address = parts
            .extensions
            .get::<ClientAddr>()
            .map(|ClientAddr(ip)| ip.to_string());
        let user_agent = parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|ua| ua.chars().take(MAX_USER_AGENT).collect());
        let request_id = parts
            .extensions
            .get::<RequestId>()
            .map(|RequestId(id)| id.clone());
        Ok(Client(ClientInfo {
            address,
            user_agent,
            request_id,
        }))
    }
}

/// `Cache-Control: no-store`, for answers that carry a secret.
pub(crate) fn no_store() -> [(header::HeaderName, HeaderValue); 1] {
    [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))]
}

/// The `Set-Cookie` value of a session: host-only, HTTPS-only, out of reach of scripts,
/// never sent on cross-site requests, kept as long as the session can live.
fn session_cookie(token: &str, max_age_secs: i64) -> Result<HeaderValue, ApiError> {
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={token}; Path=/; Secure; HttpOnly; SameSite=Strict; \
         Max-Age={max_age_secs}"
    ))
    .map_err(|_| ApiError::internal(&"a session token is not a valid cookie value"))
}

/// The `Set-Cookie` value that makes the browser forget the session cookie.
pub(crate) fn cleared_cookie() -> HeaderValue {
    HeaderValue::from_static(
        "__Host-gembok_session=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0",
    )
}

/// A started session: the body, the cookie, no caching.
pub(crate) fn session_response(grant: &SessionGrant, now: i64) -> Result<Response, ApiError> {
    let max_age = (grant.expires_at - now).max(0) / 1000;
    let cookie = session_cookie(grant.token.expose(), max_age)?;
    let body = LoginOut::Session(SessionOut::from(grant));
    let mut response = (StatusCode::OK, no_store(), axum::Json(body)).into_response();
    response.headers_mut().insert(header::SET_COOKIE, cookie);
    Ok(response)
}

fn outcome_response(outcome: LoginOutcome, now: i64) -> Result<Response, ApiError> {
    let body = match outcome {
        LoginOutcome::Session(grant) => return session_response(&grant, now),
        LoginOutcome::Challenge {
            challenge,
            expires_at,
        } => LoginOut::Challenge(ChallengeOut {
            challenge: challenge.expose().to_owned(),
            expires_at,
            second_factor: "totp",
        }),
        LoginOutcome::EnrolTotp(enrolment) => {
            LoginOut::EnrolTotp(TotpEnrolmentOut::from(&enrolment))
        }
    };
    Ok((StatusCode::OK, no_store(), axum::Json(body)).into_response())
}

/// Log in with an e-mail address and a password.
#[utoipa::path(
    post,
    path = "/v1/auth/login",
    tag = "auth",
    request_body = LoginBody,
    responses(
        (status = 200, description = "A session (token, CSRF token and a `__Host-gembok_session` cookie), or a 2FA challenge, or (for an account that must have 2FA and has none) a TOTP enrolment", body = LoginOut),
        (status = 400, description = "Malformed body", body = ErrorBody),
        (status = 401, description = "Unknown e-mail address or wrong password (one answer for both)", body = ErrorBody),
        (status = 423, description = "The password is locked after too many failures; an administrator must unlock it", body = ErrorBody),
        (status = 429, description = "Too many failures for this account (`too_many_attempts`) or this address (`too_many_login_attempts`): see Retry-After", body = ErrorBody),
    ),
)]
pub(crate) async fn login(
    State(s): State<AppState>,
    Client(client): Client,
    Json(body): Json<LoginBody>,
) -> Result<Response, ApiError> {
    let now = now_ms();
    let outcome = blocking(move || {
        Ok(s.accounts
            .login(&body.email, &body.password, &client, now)?)
    })
    .await?;
    outcome_response(outcome, now)
}

/// Redeem an enrolment token with a first password.
#[utoipa::path(
    post,
    path = "/v1/auth/enrol",
    tag = "auth",
    request_body = EnrolBody,
    responses(
        (status = 200, description = "A session, or for roles that must have 2FA (owner, admin, dpo) a TOTP enrolment to confirm at /v1/auth/2fa", body = LoginOut),
        (status = 400, description = "Malformed body", body = ErrorBody),
        (status = 401, description = "Unknown, used or expired token", body = ErrorBody),
        (status = 422, description = "The password was refused; `code` says why (`password_too_short`, `password_blocklisted`, ...) and `message_id` says it in Bahasa Indonesia", body = ErrorBody),
        (status = 429, description = "Too many attempts from this address", body = ErrorBody),
    ),
)]
pub(crate) async fn enrol(
    State(s): State<AppState>,
    Client(client): Client,
    Json(body): Json<EnrolBody>,
) -> Result<Response, ApiError> {
    let now = now_ms();
    let outcome = blocking(move || {
        Ok(s.accounts
            .enrol(&body.token, &body.password, &client, now)?)
    })
    .await?;
    outcome_response(outcome, now)
}

/// Answer a 2FA challenge (TOTP code or recovery code), or confirm a TOTP enrolment.
#[utoipa::path(
    post,
    path = "/v1/auth/2fa",
    tag = "auth",
    request_body = TwoFactorBody,
    responses(
        (status = 200, description = "A session; right after a TOTP enrolment it also carries ten recovery codes, shown once", body = SessionOut),
        (status = 400, description = "Malformed body", body = ErrorBody),
        (status = 401, description = "Unknown or expired challenge (`invalid_token`), or a wrong or replayed code (`invalid_code`)", body = ErrorBody),
        (status = 423, description = "The second factor is locked after too many failures", body = ErrorBody),
        (status = 429, description = "Too many failures: see Retry-After", body = ErrorBody),
    ),
)]
pub(crate) async fn second_factor(
    State(s): State<AppState>,
    Client(client): Client,
    Json(body): Json<TwoFactorBody>,
) -> Result<Response, ApiError> {
    let now = now_ms();
    let grant = blocking(move || {
        Ok(s.accounts
            .complete_2fa(&body.challenge, &body.code, &client, now)?)
    })
    .await?;
    session_response(&grant, now)
}
