//! The API's routes: the public ones (`/healthz`, `/v1/openapi.json`, the three login
//! steps and the privacy notice, `/privacy` and `/privacy.json`) and the rest, all
//! behind authentication; and the stack of layers around
//! them (order explained in the crate doc).
//!
//! Every handler reaches the vault only through [`gembok_core::Gate`] methods, on a
//! blocking thread.

pub(crate) mod alerts;
pub(crate) mod apikeys;
pub(crate) mod audit;
pub(crate) mod audit_dto;
pub(crate) mod auth;
pub(crate) mod auth_session;
pub(crate) mod credentials;
pub(crate) mod dto;
pub(crate) mod dto_auth;
pub(crate) mod dto_lifecycle;
pub(crate) mod dto_requests;
pub(crate) mod health;
pub(crate) mod privacy;
pub(crate) mod records;
pub(crate) mod requests;
pub(crate) mod schema;
pub(crate) mod search;
pub(crate) mod subjects;
pub(crate) mod users;

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{get, post, put};
use axum::Router;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

use crate::api_error::ApiError;
use crate::auth::require_key;
use crate::middleware::login_limit::{limit_login_attempts, LoginLimit, LoginLimitLayer};
use crate::middleware::ratelimit::{limit_by_ip, IpLimit};
use crate::middleware::{errors, headers, trace, url_credentials};
use crate::state::AppState;

/// Paths that answer without credentials; everything else needs an API key or a staff
/// session. The privacy notice is public by law and holds no personal data.
pub const PUBLIC_PATHS: [&str; 7] = [
    "/healthz",
    "/v1/openapi.json",
    "/v1/auth/login",
    "/v1/auth/enrol",
    "/v1/auth/2fa",
    "/privacy",
    "/privacy.json",
];

/// Largest body of the public login steps: an e-mail address, a password, a token.
const LOGIN_BODY_BYTES: usize = 16 * 1024;

/// The API router with its layers.
pub(crate) fn api_router(state: AppState, login_limit: Arc<LoginLimit>) -> Router {
    let protected = Router::new()
        .route(
            "/v1/collections/{collection}/records",
            post(records::create).get(records::list),
        )
        .route(
            "/v1/collections/{collection}/records/batch",
            post(records::create_batch),
        )
        .route(
            "/v1/collections/{collection}/records/batch-get",
            post(records::get_batch),
        )
        .route(
            "/v1/collections/{collection}/records/{id}",
            get(records::get)
                .patch(records::update)
                .delete(records::delete),
        )
        .route("/v1/collections/{collection}/search", post(search::search))
        .route(
            "/v1/collections/{collection}/records/{id}/fields/{field}/verify",
            post(credentials::verify),
        )
        .route(
            "/v1/collections/{collection}/records/{id}/fields/{field}/totp/enrol",
            post(credentials::enrol),
        )
        .route(
            "/v1/collections/{collection}/records/{id}/fields/{field}/unlock",
            post(credentials::unlock),
        )
        .route("/v1/schema", get(schema::get).put(schema::put))
        .route("/v1/api-keys", post(apikeys::create).get(apikeys::list))
        .route("/v1/api-keys/revoke-all", post(apikeys::revoke_all))
        .route("/v1/api-keys/{id}/rotate", post(apikeys::rotate))
        .route("/v1/api-keys/{id}/revoke", post(apikeys::revoke))
        .route("/v1/audit", get(audit::query))
        .route("/v1/alerts", get(alerts::list))
        .route("/v1/auth/logout", post(auth_session::logout))
        .route("/v1/auth/me", get(auth_session::me))
        .route("/v1/auth/logins", get(auth_session::logins))
        .route("/v1/auth/reauth", post(auth_session::reauth))
        .route("/v1/auth/password", post(auth_session::change_password))
        .route("/v1/auth/2fa/enrol", post(auth_session::begin_totp))
        .route("/v1/auth/2fa/disable", post(auth_session::disable_totp))
        .route(
            "/v1/auth/recovery-codes",
            post(auth_session::recovery_codes),
        )
        .route("/v1/users", post(users::create).get(users::list))
        .route("/v1/users/{id}/unlock", post(users::unlock))
        .route(
            "/v1/users/{id}/enrolment-token",
            post(users::reissue_enrolment),
        )
        .route("/v1/subjects/{id}/erase", post(subjects::erase))
        .route("/v1/subjects/{id}/report", get(subjects::report))
        .route("/v1/subjects/{id}/state", get(subjects::state))
        .route("/v1/subjects/{id}/restriction", put(subjects::restriction))
        .route("/v1/subjects/{id}/hold", put(subjects::hold))
        .route("/v1/subjects/{id}/consent", post(subjects::consent))
        .route("/v1/requests", post(requests::open).get(requests::list))
        .route("/v1/requests/{id}/close", post(requests::close))
        .route("/v1/retention/run", post(requests::retention))
        .route("/v1/reports/minimisation", get(requests::minimisation))
        .route("/v1/privacy/processing", get(privacy::processing))
        // Unknown paths are behind authentication too: without a key nothing but the
        // public paths answers anything but 401.
        .fallback(|| async { ApiError::not_found() })
        // Inside authentication: a caller without a key learns nothing, not even a
        // size limit.
        .layer(RequestBodyLimitLayer::new(state.limits.body_bytes))
        .layer(DefaultBodyLimit::disable())
        .layer(from_fn_with_state(state.clone(), require_key));
    let login = Router::new()
        .route(PUBLIC_PATHS[2], post(auth::login))
        .route(PUBLIC_PATHS[3], post(auth::enrol))
        .route(PUBLIC_PATHS[4], post(auth::second_factor))
        .layer(RequestBodyLimitLayer::new(
            LOGIN_BODY_BYTES.min(state.limits.body_bytes),
        ))
        .layer(DefaultBodyLimit::disable());
    let public = Router::new()
        .route(PUBLIC_PATHS[0], get(health::healthz))
        .route(PUBLIC_PATHS[1], get(health::openapi_document))
        .route(PUBLIC_PATHS[5], get(privacy::notice_html))
        .route(PUBLIC_PATHS[6], get(privacy::notice_json))
        .merge(login);
    let limits = Arc::clone(&state.limits);
    let login_limit = LoginLimitLayer {
        limit: login_limit,
        metrics: Arc::clone(&state.metrics),
    };
    let ip_limit = IpLimit {
        rate: Arc::clone(&state.rate),
        metrics: Arc::clone(&state.metrics),
    };
    public
        .merge(protected)
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            limits.request_timeout,
        ))
        .layer(from_fn_with_state(login_limit, limit_login_attempts))
        .layer(from_fn_with_state(ip_limit, limit_by_ip))
        .layer(from_fn(url_credentials::refuse_credentials_in_url))
        .layer(from_fn_with_state(
            Arc::clone(&state.metrics),
            trace::observe,
        ))
        .layer(from_fn(errors::json_errors))
        .layer(from_fn(headers::security_headers))
        .with_state(state)
}

/// Parse `?fields=a,b` into field names.
pub(crate) fn field_list(raw: Option<&str>) -> Result<Option<Vec<String>>, ApiError> {
    let Some(raw) = raw else { return Ok(None) };
    let names: Vec<String> = raw.split(',').map(|s| s.trim().to_owned()).collect();
    check_field_names(&names)?;
    Ok(Some(names))
}

/// Field name lists must be short and hold no empty names.
pub(crate) fn check_field_names(names: &[String]) -> Result<(), ApiError> {
    if names.is_empty() || names.iter().any(String::is_empty) {
        return Err(ApiError::bad_request(
            "invalid_fields",
            "fields must list one or more field names separated by commas",
        ));
    }
    if names.len() > 256 {
        return Err(ApiError::bad_request(
            "invalid_fields",
            "at most 256 field names",
        ));
    }
    Ok(())
}

/// Borrow a list of names as the gate wants them.
pub(crate) fn as_strs(names: &Option<Vec<String>>) -> Option<Vec<&str>> {
    names
        .as_ref()
        .map(|v| v.iter().map(String::as_str).collect())
}

/// A batch must hold at least one and at most `max` items.
pub(crate) fn check_batch(len: usize, max: usize) -> Result<(), ApiError> {
    if len == 0 {
        return Err(ApiError::bad_request(
            "invalid_body",
            "a batch must not be empty",
        ));
    }
    if len > max {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "batch_too_large",
            format!("a batch holds at most {max} items; split it"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_lists() {
        assert_eq!(field_list(None).unwrap(), None);
        assert_eq!(
            field_list(Some("name, email")).unwrap(),
            Some(vec!["name".to_owned(), "email".to_owned()])
        );
        assert_eq!(
            field_list(Some("name,,email")).unwrap_err().code,
            "invalid_fields"
        );
        assert_eq!(field_list(Some("")).unwrap_err().code, "invalid_fields");
    }

    #[test]
    fn batch_bounds() {
        assert!(check_batch(1, 1).is_ok());
        assert_eq!(check_batch(0, 5).unwrap_err().code, "invalid_body");
        let e = check_batch(6, 5).unwrap_err();
        assert_eq!(
            (e.status, e.code),
            (StatusCode::PAYLOAD_TOO_LARGE, "batch_too_large")
        );
    }
}
