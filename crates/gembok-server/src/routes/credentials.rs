//! Customers' credentials held in records: verify a password or TOTP code, enrol a
//! TOTP authenticator, and unlock a credential after too many failures.
//!
//! Candidate passwords, codes and enrolled secrets travel only in bodies, are wiped
//! from the request and answer structs when dropped, and never appear in `Debug`.
//! Too many failures answer 429 `too_many_attempts` with `Retry-After`; a locked
//! credential answers 423 `credential_locked` until an administrator unlocks it.

use std::fmt;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use zeroize::Zeroize;

use crate::api_error::{ApiError, ErrorBody};
use crate::extract::{parse_json, record_id, Caller, Json, Path};
use crate::state::{blocking, AppState};

/// Issuer shown in the authenticator app when the caller names none.
const DEFAULT_ISSUER: &str = "Gembok";

/// `POST .../verify`: `value` for a `password` field, `code` for a `totp` field.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct VerifyBody {
    /// The candidate password (password fields).
    pub value: Option<String>,
    /// The six-digit code from the authenticator app (totp fields).
    #[schema(example = "123456")]
    pub code: Option<String>,
}

impl Drop for VerifyBody {
    fn drop(&mut self) {
        self.value.zeroize();
        self.code.zeroize();
    }
}

impl fmt::Debug for VerifyBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("VerifyBody([redacted])")
    }
}

/// The outcome of a verification.
#[derive(Serialize, ToSchema)]
pub(crate) struct VerifyOut {
    pub valid: bool,
}

/// `POST .../totp/enrol` (the body may be empty): the labels the authenticator app
/// shows next to the codes.
#[derive(Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct EnrolBody {
    /// The business's name (default `Gembok`).
    pub issuer: Option<String>,
    /// The customer's account name, e.g. their e-mail address (default: the record id).
    pub account: Option<String>,
}

impl Drop for EnrolBody {
    fn drop(&mut self) {
        self.account.zeroize();
    }
}

/// The new secret, shown once: give it to the customer's authenticator app.
#[derive(Serialize, ToSchema)]
pub(crate) struct TotpEnrolOut {
    /// `otpauth://totp/...` with the secret.
    pub totp_uri: String,
    /// The same URI as a QR code (an SVG document).
    pub qr_svg: String,
}

impl Drop for TotpEnrolOut {
    fn drop(&mut self) {
        self.totp_uri.zeroize();
        self.qr_svg.zeroize();
    }
}

impl fmt::Debug for TotpEnrolOut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TotpEnrolOut([redacted])")
    }
}

type FieldPath = Path<(String, String, String)>;

/// Check a customer's password or TOTP code.
#[utoipa::path(
    post,
    path = "/v1/collections/{collection}/records/{id}/fields/{field}/verify",
    tag = "credentials",
    params(
        ("collection" = String, Path, description = "Collection name"),
        ("id" = String, Path, description = "Record id (UUID)"),
        ("field" = String, Path, description = "A password or totp field"),
    ),
    request_body = VerifyBody,
    responses(
        (status = 200, description = "Whether the password or code is right (a code counts once)", body = VerifyOut),
        (status = 400, description = "Malformed body or id; neither or both of value and code", body = ErrorBody),
        (status = 401, description = "No valid credentials", body = ErrorBody),
        (status = 403, description = "Not allowed (needs the write right on the collection)", body = ErrorBody),
        (status = 404, description = "No such record", body = ErrorBody),
        (status = 422, description = "The field is not of the kind the body implies", body = ErrorBody),
        (status = 423, description = "Locked after too many failures: `credential_locked`", body = ErrorBody),
        (status = 429, description = "Too many failures: `too_many_attempts`, see Retry-After", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub(crate) async fn verify(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path((collection, id, field)): FieldPath,
    Json(mut body): Json<VerifyBody>,
) -> Result<axum::Json<VerifyOut>, ApiError> {
    let id = record_id(&id)?;
    let value = body.value.take().map(zeroize::Zeroizing::new);
    let code = body.code.take().map(zeroize::Zeroizing::new);
    let valid = blocking(move || match (value, code) {
        (Some(v), None) => Ok(s.gate.verify_password(&p, &collection, id, &field, &v)?),
        (None, Some(c)) => Ok(s.gate.verify_totp(&p, &collection, id, &field, &c)?),
        _ => Err(ApiError::bad_request(
            "invalid_body",
            "send exactly one of `value` (password fields) or `code` (totp fields)",
        )),
    })
    .await?;
    Ok(axum::Json(VerifyOut { valid }))
}

/// Give a customer a fresh TOTP secret, replacing any earlier one.
#[utoipa::path(
    post,
    path = "/v1/collections/{collection}/records/{id}/fields/{field}/totp/enrol",
    tag = "credentials",
    params(
        ("collection" = String, Path, description = "Collection name"),
        ("id" = String, Path, description = "Record id (UUID)"),
        ("field" = String, Path, description = "A totp field"),
    ),
    request_body(content = EnrolBody, description = "Optional labels; the body may be empty"),
    responses(
        (status = 200, description = "The secret, shown this once", body = TotpEnrolOut),
        (status = 400, description = "Malformed body or id", body = ErrorBody),
        (status = 401, description = "No valid credentials", body = ErrorBody),
        (status = 403, description = "Not allowed (needs the write right on the collection)", body = ErrorBody),
        (status = 404, description = "No such record", body = ErrorBody),
        (status = 422, description = "Not a totp field, or a label is too long", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub(crate) async fn enrol(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path((collection, id, field)): FieldPath,
    body: Bytes,
) -> Result<axum::Json<TotpEnrolOut>, ApiError> {
    let rid = record_id(&id)?;
    let mut labels: EnrolBody = if body.iter().all(u8::is_ascii_whitespace) {
        EnrolBody::default()
    } else {
        parse_json(&body)?
    };
    let issuer = labels
        .issuer
        .take()
        .unwrap_or_else(|| DEFAULT_ISSUER.to_owned());
    let account = zeroize::Zeroizing::new(labels.account.take().unwrap_or(id));
    let out = blocking(move || {
        let e = s
            .gate
            .enrol_totp(&p, &collection, rid, &field, &issuer, &account)?;
        Ok(TotpEnrolOut {
            totp_uri: e.expose_uri().to_owned(),
            qr_svg: e.expose_qr_svg().to_owned(),
        })
    })
    .await?;
    Ok(axum::Json(out))
}

/// Lift the lock on a customer's password or TOTP field after too many failures.
#[utoipa::path(
    post,
    path = "/v1/collections/{collection}/records/{id}/fields/{field}/unlock",
    tag = "credentials",
    params(
        ("collection" = String, Path, description = "Collection name"),
        ("id" = String, Path, description = "Record id (UUID)"),
        ("field" = String, Path, description = "A password or totp field"),
    ),
    responses(
        (status = 204, description = "Unlocked: the failure count starts over"),
        (status = 400, description = "Malformed id", body = ErrorBody),
        (status = 401, description = "No valid credentials", body = ErrorBody),
        (status = 403, description = "Not allowed (needs the right to manage API keys)", body = ErrorBody),
        (status = 404, description = "No such record", body = ErrorBody),
        (status = 422, description = "Not a password or totp field", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub(crate) async fn unlock(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path((collection, id, field)): FieldPath,
) -> Result<StatusCode, ApiError> {
    let id = record_id(&id)?;
    blocking(move || Ok(s.gate.unlock_credential(&p, &collection, id, &field)?)).await?;
    Ok(StatusCode::NO_CONTENT)
}
