//! The one mapping from every failure a request can meet to an HTTP answer.
//!
//! The body is always `{"error": {"code": "...", "message": "..."}}` (a refused new
//! password adds `message_id`, the reason in Bahasa Indonesia). Codes are stable
//! snake_case words clients may branch on; messages are for people and name fields,
//! rules and limits, never a submitted or stored value. Server-side failures (5xx) get
//! an opaque message; their cause is logged here, once, with `tracing` (core errors
//! carry no personal data in their text).

use std::borrow::Cow;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use gembok_core::accounts::AccountError;
use gembok_core::apikeys::AuthError;
use gembok_core::{AccessError, CoreError, ErrorKind};
use gembok_store::StoreError;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A request's failure, ready to be answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: Cow<'static, str>,
    /// Seconds, for 429 answers.
    pub retry_after: Option<u64>,
    /// The message in Bahasa Indonesia, where one exists (refused passwords).
    pub message_id: Option<String>,
}

/// The JSON body of every error answer.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// What went wrong: a stable code and a message for people.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable snake_case code, e.g. `invalid_json`, `forbidden`, `rate_limited`.
    pub code: String,
    pub message: String,
    /// The message in Bahasa Indonesia, for answers meant for a person choosing a
    /// password (`password_*` codes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
}

impl ApiError {
    pub fn new(
        status: StatusCode,
        code: &'static str,
        message: impl Into<Cow<'static, str>>,
    ) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            retry_after: None,
            message_id: None,
        }
    }

    pub fn bad_request(code: &'static str, message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn unauthorized(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }

    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", "no such resource")
    }

    pub fn rate_limited(retry_after_secs: u64) -> Self {
        ApiError {
            retry_after: Some(retry_after_secs.max(1)),
            ..Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                "too many requests; retry after the number of seconds in Retry-After",
            )
        }
    }

    /// A failure on our side. `cause` is logged, never sent.
    pub fn internal(cause: &dyn std::fmt::Display) -> Self {
        tracing::error!(cause = %cause, "request failed inside the server");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "the server could not complete the request; the cause has been logged",
        )
    }

    /// The backend is not reachable now. `cause` is logged, never sent.
    pub fn unavailable(cause: &dyn std::fmt::Display) -> Self {
        tracing::warn!(cause = %cause, "storage unavailable");
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "the vault is temporarily unavailable; retry later",
        )
    }

    /// The generic answer for a status produced outside our handlers (by a tower
    /// layer or the router), so that every error has the same shape.
    pub fn for_status(status: StatusCode) -> Self {
        let (code, message): (&'static str, &'static str) = match status {
            StatusCode::NOT_FOUND => ("not_found", "no such resource"),
            StatusCode::METHOD_NOT_ALLOWED => (
                "method_not_allowed",
                "this method is not allowed on this resource",
            ),
            StatusCode::PAYLOAD_TOO_LARGE => ("payload_too_large", "the request body is too large"),
            StatusCode::REQUEST_TIMEOUT => ("timeout", "the request took too long"),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => (
                "unsupported_media_type",
                "send the body as application/json",
            ),
            StatusCode::UNAUTHORIZED => ("unauthorized", "valid credentials are required"),
            StatusCode::FORBIDDEN => ("forbidden", "this request is not allowed"),
            StatusCode::TOO_MANY_REQUESTS => ("rate_limited", "too many requests"),
            StatusCode::SERVICE_UNAVAILABLE => ("unavailable", "temporarily unavailable"),
            s if s.is_server_error() => (
                "internal_error",
                "the server could not complete the request",
            ),
            _ => ("bad_request", "the request is not valid"),
        };
        Self::new(status, code, message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code.to_owned(),
                message: self.message.into_owned(),
                message_id: self.message_id,
            },
        };
        let mut response = (self.status, axum::Json(body)).into_response();
        let headers = response.headers_mut();
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let Some(secs) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

impl From<AccessError> for ApiError {
    fn from(e: AccessError) -> Self {
        match e {
            AccessError::Denied(d) => {
                let status = if d.code == "purpose_required" {
                    StatusCode::BAD_REQUEST
                } else {
                    StatusCode::FORBIDDEN
                };
                ApiError::new(status, d.code, d.reason)
            }
            AccessError::Core(e) => e.into(),
        }
    }
}

impl From<CoreError> for ApiError {
    fn from(e: CoreError) -> Self {
        let unprocessable =
            |code| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, e.to_string());
        match e.kind() {
            ErrorKind::Invalid => match &e {
                CoreError::UndeclaredField { .. } => unprocessable("undeclared_field"),
                CoreError::NotSearchable(_) => unprocessable("not_searchable"),
                CoreError::Schema(_) | CoreError::SchemaChange(_) => {
                    unprocessable("invalid_schema")
                }
                _ => unprocessable("invalid_data"),
            },
            ErrorKind::NotFound => match &e {
                CoreError::UnknownCollection(_) => {
                    ApiError::new(StatusCode::NOT_FOUND, "not_found", "unknown collection")
                }
                _ => ApiError::new(StatusCode::NOT_FOUND, "not_found", "not found"),
            },
            ErrorKind::Conflict => match &e {
                // A customer's credential refuses attempts for now (429, with when to
                // retry) or until an administrator unlocks it (423).
                CoreError::Throttled { retry_after_ms } => ApiError {
                    retry_after: Some(
                        u64::try_from(*retry_after_ms)
                            .unwrap_or(0)
                            .div_ceil(1000)
                            .max(1),
                    ),
                    ..ApiError::new(
                        StatusCode::TOO_MANY_REQUESTS,
                        "too_many_attempts",
                        e.to_string(),
                    )
                },
                CoreError::CredentialLocked => {
                    ApiError::new(StatusCode::LOCKED, "credential_locked", e.to_string())
                }
                _ => ApiError::new(
                    StatusCode::CONFLICT,
                    "conflict",
                    "the request conflicts with the current state of the vault",
                ),
            },
            ErrorKind::Refused => {
                let status = if matches!(e, CoreError::LegalHold) {
                    StatusCode::CONFLICT
                } else {
                    StatusCode::FORBIDDEN
                };
                let code = e.refusal_code().unwrap_or("refused");
                ApiError::new(status, code, e.to_string())
            }
            ErrorKind::Integrity => ApiError::internal(&e),
            ErrorKind::Unavailable => {
                tracing::error!("audit log cannot be written; refusing personal-data request");
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "audit_unavailable",
                    "the audit log cannot be written, so personal data is not served; retry later",
                )
            }
            ErrorKind::Internal => match &e {
                CoreError::Store(StoreError::Unavailable(_)) => ApiError::unavailable(&e),
                _ => ApiError::internal(&e),
            },
        }
    }
}

impl From<AuthError> for ApiError {
    fn from(e: AuthError) -> Self {
        match e {
            AuthError::IpNotAllowed => {
                ApiError::new(StatusCode::FORBIDDEN, e.code(), e.to_string())
            }
            AuthError::Store(StoreError::Unavailable(_)) => ApiError::unavailable(&e),
            AuthError::Store(_) => ApiError::internal(&e),
            AuthError::Malformed | AuthError::Unknown | AuthError::Expired | AuthError::Revoked => {
                ApiError::new(StatusCode::UNAUTHORIZED, e.code(), e.to_string())
            }
        }
    }
}

/// Staff account failures. An unknown e-mail address and a wrong password are one
/// variant in the core, and so one answer here: status, code and message alike.
impl From<AccountError> for ApiError {
    fn from(e: AccountError) -> Self {
        let with = |status, e: &AccountError| ApiError::new(status, e.code(), e.to_string());
        match e {
            AccountError::InvalidCredentials
            | AccountError::InvalidCode
            | AccountError::InvalidToken
            | AccountError::InvalidSession => with(StatusCode::UNAUTHORIZED, &e),
            AccountError::Throttled { retry_after_secs } => ApiError {
                retry_after: Some(retry_after_secs.max(1)),
                ..with(StatusCode::TOO_MANY_REQUESTS, &e)
            },
            AccountError::Locked => with(StatusCode::LOCKED, &e),
            AccountError::WeakPassword(ref refusal) => ApiError {
                message_id: Some(refusal.message_id()),
                ..ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    refusal.code(),
                    refusal.message_en(),
                )
            },
            AccountError::ReauthRequired | AccountError::Forbidden(_) => {
                with(StatusCode::FORBIDDEN, &e)
            }
            AccountError::EmailTaken | AccountError::Conflict(_) => with(StatusCode::CONFLICT, &e),
            AccountError::NotFound => with(StatusCode::NOT_FOUND, &e),
            AccountError::InvalidInput(_) => with(StatusCode::UNPROCESSABLE_ENTITY, &e),
            AccountError::Core(core) => core.into(),
        }
    }
}

impl From<tokio::task::JoinError> for ApiError {
    fn from(e: tokio::task::JoinError) -> Self {
        ApiError::internal(&e)
    }
}

#[cfg(test)]
mod tests;
