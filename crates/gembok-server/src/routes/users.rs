//! Staff accounts, administered: create one (with a one-time enrolment token), list
//! them, unlock one after a lockout, re-issue a lost enrolment token.
//!
//! The rights are those over API keys: managing users needs the right to manage keys,
//! and acting on an account of some role needs the right to grant that role (asked of
//! the gate, so an admin cannot make an owner). A person (staff session) creating or
//! re-issuing an enrolment for an owner, admin or dpo account must have confirmed their
//! password recently; API keys are not asked (see [`require_recent_auth`]).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use gembok_core::accounts::{role_requires_2fa, AccountId};
use gembok_core::{Action, Principal};

use super::auth::no_store;
use super::auth_session::require_recent_auth;
use super::dto_auth::{CreateUserBody, EnrolmentOut, UserOut, UsersOut};
use crate::api_error::{ApiError, ErrorBody};
use crate::extract::{Caller, Json, Path, StaffCaller};
use crate::state::{blocking, now_ms, AppState};

/// An account id from the path; anything else is no account.
fn account_id(text: &str) -> Result<AccountId, ApiError> {
    AccountId::parse(text).map_err(|_| ApiError::not_found())
}

/// The right to manage users, then the right over this account's role: the account's
/// id and role. Existence (and even the shape of the id) is revealed only to callers
/// that may manage users.
fn authorize_on_account(
    s: &AppState,
    p: &Principal,
    id: &str,
) -> Result<(AccountId, String), ApiError> {
    s.gate.authorize(p, Action::ManageKeys, None)?;
    let id = account_id(id)?;
    let role = s.accounts.get(&id)?.role.to_string();
    s.gate.authorize_key_grant(p, &role, None, None)?;
    Ok((id, role))
}

/// Create a staff account; the person enrols with the token.
#[utoipa::path(
    post,
    path = "/v1/users",
    tag = "users",
    request_body = CreateUserBody,
    responses(
        (status = 201, description = "The pending account and its enrolment token, shown this once", body = EnrolmentOut),
        (status = 401, description = "No valid credentials", body = ErrorBody),
        (status = 403, description = "Not allowed to grant this role, or (staff session, administrative role) no recent re-auth", body = ErrorBody),
        (status = 409, description = "An account with this e-mail address exists", body = ErrorBody),
        (status = 422, description = "Invalid e-mail address or unknown role", body = ErrorBody),
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
pub(crate) async fn create(
    State(s): State<AppState>,
    Caller(p): Caller,
    staff: Option<StaffCaller>,
    Json(body): Json<CreateUserBody>,
) -> Result<Response, ApiError> {
    let created = blocking(move || {
        s.gate.authorize_key_grant(&p, &body.role, None, None)?;
        if role_requires_2fa(&body.role) {
            require_recent_auth(&s, staff.as_ref())?;
        }
        Ok(s.accounts
            .create(&p.actor(None), &body.email, &body.role, now_ms())?)
    })
    .await?;
    let out = EnrolmentOut::from(&created);
    Ok((StatusCode::CREATED, no_store(), axum::Json(out)).into_response())
}

/// Every staff account.
#[utoipa::path(
    get,
    path = "/v1/users",
    tag = "users",
    responses(
        (status = 200, description = "All accounts, oldest first", body = UsersOut),
        (status = 401, description = "No valid credentials", body = ErrorBody),
        (status = 403, description = "Not allowed", body = ErrorBody),
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
pub(crate) async fn list(
    State(s): State<AppState>,
    Caller(p): Caller,
) -> Result<axum::Json<UsersOut>, ApiError> {
    let accounts = blocking(move || {
        s.gate.authorize(&p, Action::ManageKeys, None)?;
        Ok(s.accounts.list()?)
    })
    .await?;
    Ok(axum::Json(UsersOut {
        users: accounts.iter().map(UserOut::from).collect(),
    }))
}

/// Lift every lock and failure count of an account.
#[utoipa::path(
    post,
    path = "/v1/users/{id}/unlock",
    tag = "users",
    params(("id" = String, Path, description = "Account id (usr_...)")),
    responses(
        (status = 204, description = "Unlocked"),
        (status = 401, description = "No valid credentials", body = ErrorBody),
        (status = 403, description = "Not allowed", body = ErrorBody),
        (status = 404, description = "No such account", body = ErrorBody),
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
pub(crate) async fn unlock(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    blocking(move || {
        let (id, _) = authorize_on_account(&s, &p, &id)?;
        Ok(s.accounts.unlock(&p.actor(None), &id, now_ms())?)
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A new enrolment token for an account that has not enrolled yet.
#[utoipa::path(
    post,
    path = "/v1/users/{id}/enrolment-token",
    tag = "users",
    params(("id" = String, Path, description = "Account id (usr_...)")),
    responses(
        (status = 200, description = "The new token, shown this once", body = EnrolmentOut),
        (status = 401, description = "No valid credentials", body = ErrorBody),
        (status = 403, description = "Not allowed, or (staff session, administrative role) no recent re-auth", body = ErrorBody),
        (status = 404, description = "No such account", body = ErrorBody),
        (status = 409, description = "The account has already enrolled", body = ErrorBody),
    ),
    security(("bearer" = []), ("session_cookie" = [])),
)]
pub(crate) async fn reissue_enrolment(
    State(s): State<AppState>,
    Caller(p): Caller,
    staff: Option<StaffCaller>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let created = blocking(move || {
        let (id, role) = authorize_on_account(&s, &p, &id)?;
        if role_requires_2fa(&role) {
            require_recent_auth(&s, staff.as_ref())?;
        }
        Ok(s.accounts
            .reissue_enrolment(&p.actor(None), &id, now_ms())?)
    })
    .await?;
    let out = EnrolmentOut::from(&created);
    Ok((StatusCode::OK, no_store(), axum::Json(out)).into_response())
}
