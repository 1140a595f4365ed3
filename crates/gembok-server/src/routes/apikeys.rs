//! API keys: create, list, rotate, revoke, revoke all. Every operation first asks the
//! gate for the right to manage keys; creating, rotating and revoking also ask whether
//! the caller may grant a key of that role and scope, so no key can mint a stronger one.
//! A key's text appears in exactly one answer, the one that made it.
//!
//! A person (staff session) creating or rotating a key, or pulling the emergency
//! switch, must have confirmed their password recently (403 `reauth_required`); API
//! keys are machines without a password to confirm and are not asked.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use gembok_core::apikeys::{ApiKeySpec, IssuedKey};
use gembok_core::{Action, Principal};

use super::auth_session::require_recent_auth;
use super::dto::{ApiKeyOut, CreateKeyBody, IssuedKeyOut, KeyListOut, RevokedOut, RotateBody};
use crate::api_error::{ApiError, ErrorBody};
use crate::extract::{Caller, Json, Path, StaffCaller};
use crate::state::{blocking, now_ms, AppState};

fn issued(k: &IssuedKey) -> IssuedKeyOut {
    IssuedKeyOut {
        id: k.id.clone(),
        key: k.expose().to_owned(),
        expires_at: k.expires_at,
    }
}

/// Create a key.
#[utoipa::path(
    post,
    path = "/v1/api-keys",
    tag = "api-keys",
    request_body = CreateKeyBody,
    responses(
        (status = 201, description = "The new key, shown this once", body = IssuedKeyOut),
        (status = 400, description = "Malformed body", body = ErrorBody),
        (status = 401, description = "No valid credentials", body = ErrorBody),
        (status = 403, description = "Not allowed to grant this key, or (staff session) no recent re-auth", body = ErrorBody),
        (status = 422, description = "Invalid role, expiry, address or restriction", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub(crate) async fn create(
    State(s): State<AppState>,
    Caller(p): Caller,
    staff: Option<StaffCaller>,
    Json(body): Json<CreateKeyBody>,
) -> Result<impl IntoResponse, ApiError> {
    let key = blocking(move || {
        s.gate.authorize_key_grant(
            &p,
            &body.role,
            body.collections.as_deref(),
            body.purposes.as_deref(),
        )?;
        require_recent_auth(&s, staff.as_ref())?;
        let spec = ApiKeySpec {
            role: body.role,
            collections: body.collections,
            purposes: body.purposes,
            expires_in_days: body.expires_in_days,
            allow_ips: body.allow_ips,
            note: body.note,
        };
        Ok(issued(&s.keys.create(&p.actor(None), &spec, now_ms())?))
    })
    .await?;
    Ok((StatusCode::CREATED, axum::Json(key)))
}

/// Every key (never their text).
#[utoipa::path(
    get,
    path = "/v1/api-keys",
    tag = "api-keys",
    responses(
        (status = 200, description = "All keys", body = KeyListOut),
        (status = 401, description = "No valid credentials", body = ErrorBody),
        (status = 403, description = "Not allowed", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub(crate) async fn list(
    State(s): State<AppState>,
    Caller(p): Caller,
) -> Result<axum::Json<KeyListOut>, ApiError> {
    let keys = blocking(move || {
        s.gate.authorize(&p, Action::ManageKeys, None)?;
        Ok(s.keys.list()?)
    })
    .await?;
    Ok(axum::Json(KeyListOut {
        keys: keys.into_iter().map(ApiKeyOut::from).collect(),
    }))
}

/// The right to manage keys, then the right over this particular key's role and scope.
/// Existence is revealed only to callers that may manage keys.
fn authorize_on_key(s: &AppState, p: &Principal, id: &str) -> Result<(), ApiError> {
    s.gate.authorize(p, Action::ManageKeys, None)?;
    let info = s.keys.info(id)?;
    s.gate.authorize_key_grant(
        p,
        &info.role,
        info.collections.as_deref(),
        info.purposes.as_deref(),
    )?;
    Ok(())
}

/// Replace a key by a new one with the same scope; the old one works for the grace
/// period.
#[utoipa::path(
    post,
    path = "/v1/api-keys/{id}/rotate",
    tag = "api-keys",
    params(("id" = String, Path, description = "Key id")),
    request_body = RotateBody,
    responses(
        (status = 201, description = "The replacement key, shown this once", body = IssuedKeyOut),
        (status = 401, description = "No valid credentials", body = ErrorBody),
        (status = 403, description = "Not allowed, or (staff session) no recent re-auth", body = ErrorBody),
        (status = 404, description = "No such key", body = ErrorBody),
        (status = 422, description = "Grace too long, or the key is revoked, expired or already rotated", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub(crate) async fn rotate(
    State(s): State<AppState>,
    Caller(p): Caller,
    staff: Option<StaffCaller>,
    Path(id): Path<String>,
    Json(body): Json<RotateBody>,
) -> Result<impl IntoResponse, ApiError> {
    let key = blocking(move || {
        authorize_on_key(&s, &p, &id)?;
        require_recent_auth(&s, staff.as_ref())?;
        Ok(issued(&s.keys.rotate(
            &p.actor(None),
            &id,
            body.grace_hours,
            now_ms(),
        )?))
    })
    .await?;
    Ok((StatusCode::CREATED, axum::Json(key)))
}

/// Refuse a key from now on.
#[utoipa::path(
    post,
    path = "/v1/api-keys/{id}/revoke",
    tag = "api-keys",
    params(("id" = String, Path, description = "Key id")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 401, description = "No valid credentials", body = ErrorBody),
        (status = 403, description = "Not allowed", body = ErrorBody),
        (status = 404, description = "No such key", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub(crate) async fn revoke(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    blocking(move || {
        authorize_on_key(&s, &p, &id)?;
        Ok(s.keys.revoke(&p.actor(None), &id, now_ms())?)
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Emergency switch: revoke every key, the caller's own included.
#[utoipa::path(
    post,
    path = "/v1/api-keys/revoke-all",
    tag = "api-keys",
    responses(
        (status = 200, description = "How many keys were revoked", body = RevokedOut),
        (status = 401, description = "No valid credentials", body = ErrorBody),
        (status = 403, description = "Not allowed, or (staff session) no recent re-auth", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub(crate) async fn revoke_all(
    State(s): State<AppState>,
    Caller(p): Caller,
    staff: Option<StaffCaller>,
) -> Result<axum::Json<RevokedOut>, ApiError> {
    let revoked = blocking(move || {
        s.gate.authorize(&p, Action::ManageKeys, None)?;
        require_recent_auth(&s, staff.as_ref())?;
        Ok(s.keys.revoke_all(&p.actor(None), now_ms())?)
    })
    .await?;
    Ok(axum::Json(RevokedOut { revoked }))
}
