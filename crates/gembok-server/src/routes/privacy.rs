//! The privacy documents: the public privacy notice (`/privacy` as a bilingual HTML page,
//! `/privacy.json` as data), generated from the schema and the configured business
//! profile, and the records of processing for auditors (JSON or CSV, schema read
//! right). None of them holds personal data, so the public ones may be cached briefly.

use axum::extract::State;
use axum::http::{header, HeaderName, HeaderValue};
use axum::response::{IntoResponse, Response};

use super::dto_lifecycle::{PrivacyNoticeOut, ProcessingOut, ProcessingQuery};
use crate::api_error::{ApiError, ErrorBody};
use crate::extract::{Caller, Query};
use crate::state::{blocking, AppState};

/// The public pages change only with the schema or the configuration.
const PUBLIC_CACHE: &str = "public, max-age=300";
/// The rendered page may use its own inline styles; nothing else loads or runs.
pub(crate) const HTML_CSP: &str =
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; \
     form-action 'none'";

fn with_headers(body: String, headers: &[(HeaderName, &'static str)]) -> Response {
    let mut response = body.into_response();
    for (name, value) in headers {
        response
            .headers_mut()
            .insert(name.clone(), HeaderValue::from_static(value));
    }
    response
}

/// The privacy notice as a page, in Bahasa Indonesia and English.
#[utoipa::path(
    get,
    path = "/privacy",
    tag = "privacy",
    responses(
        (status = 200, description = "The privacy notice in force", content_type = "text/html"),
        (status = 503, description = "The vault is unavailable", body = ErrorBody),
    ),
)]
pub(crate) async fn notice_html(State(s): State<AppState>) -> Result<Response, ApiError> {
    let page = blocking(move || {
        let notice = s.gate.privacy_notice(&s.lifecycle.profile)?;
        Ok(gembok_render::privacy_notice_html(&notice))
    })
    .await?;
    Ok(with_headers(
        page,
        &[
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, PUBLIC_CACHE),
            (header::CONTENT_SECURITY_POLICY, HTML_CSP),
        ],
    ))
}

/// The privacy notice as data: business, classes, purposes with their legal bases.
#[utoipa::path(
    get,
    path = "/privacy.json",
    tag = "privacy",
    responses(
        (status = 200, description = "The privacy notice in force", body = PrivacyNoticeOut),
        (status = 503, description = "The vault is unavailable", body = ErrorBody),
    ),
)]
pub(crate) async fn notice_json(State(s): State<AppState>) -> Result<Response, ApiError> {
    let body = blocking(move || {
        let notice = s.gate.privacy_notice(&s.lifecycle.profile)?;
        serde_json::to_string(&notice)
            .map_err(|e| ApiError::internal(&format!("cannot encode the privacy notice: {e}")))
    })
    .await?;
    Ok(with_headers(
        body,
        &[
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, PUBLIC_CACHE),
        ],
    ))
}

/// The records of processing: one row per field.
#[utoipa::path(
    get,
    path = "/v1/privacy/processing",
    tag = "privacy",
    params(ProcessingQuery),
    responses(
        (status = 200, description = "The records (JSON, or CSV as a download)", content((ProcessingOut = "application/json"), ("text/csv"))),
        (status = 400, description = "Malformed query", body = ErrorBody),
        (status = 401, description = "No valid credentials", body = ErrorBody),
        (status = 403, description = "Not allowed", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub(crate) async fn processing(
    State(s): State<AppState>,
    Caller(p): Caller,
    Query(q): Query<ProcessingQuery>,
) -> Result<Response, ApiError> {
    let csv = match q.format.as_deref() {
        None | Some("json") => false,
        Some("csv") => true,
        Some(_) => {
            return Err(ApiError::bad_request(
                "invalid_query",
                "format is json or csv",
            ))
        }
    };
    let rows = blocking(move || Ok(s.gate.processing_records(&p, &s.lifecycle.profile)?)).await?;
    if csv {
        let text = gembok_render::processing_csv(&rows)
            .map_err(|e| ApiError::internal(&format!("cannot write the CSV: {e}")))?;
        return Ok(with_headers(
            text,
            &[
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"processing.csv\"",
                ),
            ],
        ));
    }
    let records = rows
        .iter()
        .map(serde_json::to_value)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| ApiError::internal(&format!("cannot encode the records: {e}")))?;
    Ok(axum::Json(ProcessingOut { records }).into_response())
}
