//! A data subject's rights over the API: erasure, the subject report, restriction of
//! processing, legal hold, consent, and the state these leave. The subject is a
//! customer's record id. The gate decides who may do what (subject rights for most,
//! `consent_write` for consent and the state) and refuses keys narrowed to some
//! collections; this layer only parses and shapes answers.
//!
//! Erasure cannot be undone, so a person (staff session) must have confirmed their
//! password recently, as for minting API keys (403 `reauth_required`). The report holds
//! personal data: it is never cached, and the HTML form is always a download.

use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use gembok_core::Action;
use gembok_types::RecordId;

use super::auth_session::require_recent_auth;
use super::dto_lifecycle::{
    ConsentBody, EraseBody, ErasureOut, HoldBody, ReportQuery, RestrictionBody, SubjectReportOut,
    SubjectStateOut,
};
use crate::api_error::{ApiError, ErrorBody};
use crate::extract::{record_id, Caller, Json, Path, Query, StaffCaller};
use crate::state::{blocking, AppState};

/// Erase every record of a subject in every collection.
#[utoipa::path(
    post,
    path = "/v1/subjects/{id}/erase",
    tag = "subjects",
    params(("id" = String, Path, description = "The subject's record id (UUID)")),
    request_body = EraseBody,
    responses(
        (status = 200, description = "Erased; counts per collection", body = ErasureOut),
        (status = 400, description = "Malformed id or body", body = ErrorBody),
        (status = 401, description = "No valid credentials", body = ErrorBody),
        (status = 403, description = "Not allowed, a key narrowed to some collections, an invalid purpose, or (staff session) no recent re-auth", body = ErrorBody),
        (status = 404, description = "No such subject", body = ErrorBody),
        (status = 409, description = "The subject is under a legal hold (`legal_hold`)", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub(crate) async fn erase(
    State(s): State<AppState>,
    Caller(p): Caller,
    staff: Option<StaffCaller>,
    Path(id): Path<String>,
    Json(body): Json<EraseBody>,
) -> Result<axum::Json<ErasureOut>, ApiError> {
    let id = record_id(&id)?;
    let report = blocking(move || {
        // The right first, so a caller without it is told 403 `forbidden`, not asked to
        // re-authenticate for something it may not do anyway.
        s.gate.authorize(&p, Action::SubjectRights, None)?;
        require_recent_auth(&s, staff.as_ref())?;
        Ok(s.gate.erase_subject(&p, id, &body.purpose)?)
    })
    .await?;
    Ok(axum::Json(report.into()))
}

/// Everything held about a subject, with its access history: JSON (the portable export)
/// or a bilingual HTML page.
#[utoipa::path(
    get,
    path = "/v1/subjects/{id}/report",
    tag = "subjects",
    params(("id" = String, Path, description = "The subject's record id (UUID)"), ReportQuery),
    responses(
        (status = 200, description = "The report (JSON, or HTML as a download)", content((SubjectReportOut = "application/json"), ("text/html"))),
        (status = 400, description = "Malformed id or query", body = ErrorBody),
        (status = 401, description = "No valid credentials", body = ErrorBody),
        (status = 403, description = "Not allowed", body = ErrorBody),
        (status = 404, description = "No such subject", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub(crate) async fn report(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<String>,
    Query(q): Query<ReportQuery>,
) -> Result<Response, ApiError> {
    let id = record_id(&id)?;
    let html = match q.format.as_deref() {
        None | Some("json") => false,
        Some("html") => true,
        Some(_) => {
            return Err(ApiError::bad_request(
                "invalid_query",
                "format is json or html",
            ))
        }
    };
    let name = format!("subject-{id}");
    let body = blocking(move || {
        let report = s.gate.subject_report(&p, id)?;
        if html {
            let notice = s.gate.privacy_notice(&s.lifecycle.profile)?;
            Ok(gembok_render::subject_report_html(&report, &notice))
        } else {
            serde_json::to_string(&SubjectReportOut(report.to_json()))
                .map_err(|e| ApiError::internal(&format!("cannot encode the subject report: {e}")))
        }
    })
    .await?;
    let (content_type, download) = if html {
        ("text/html; charset=utf-8", Some(format!("{name}.html")))
    } else {
        (
            "application/json",
            q.download.unwrap_or(false).then(|| format!("{name}.json")),
        )
    };
    let mut response = ([(header::CONTENT_TYPE, content_type)], body).into_response();
    let h = response.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if html {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(super::privacy::HTML_CSP),
        );
    }
    if let Some(file) = download {
        // The name is a UUID and a fixed suffix: nothing to escape.
        let value = HeaderValue::from_str(&format!("attachment; filename=\"{file}\""))
            .map_err(|e| ApiError::internal(&e))?;
        h.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

/// A subject's restriction, legal hold and consent state.
#[utoipa::path(
    get,
    path = "/v1/subjects/{id}/state",
    tag = "subjects",
    params(("id" = String, Path, description = "The subject's record id (UUID)")),
    responses(
        (status = 200, description = "The state", body = SubjectStateOut),
        (status = 400, description = "Malformed id", body = ErrorBody),
        (status = 401, description = "No valid credentials", body = ErrorBody),
        (status = 403, description = "Not allowed", body = ErrorBody),
        (status = 404, description = "No such subject", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub(crate) async fn state(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<String>,
) -> Result<axum::Json<SubjectStateOut>, ApiError> {
    let id = record_id(&id)?;
    let state = blocking(move || Ok(s.gate.subject_state(&p, id)?)).await?;
    Ok(axum::Json(state.into()))
}

/// Restrict processing of a subject (reads only for `legal` and `dpo`), or lift it.
#[utoipa::path(
    put,
    path = "/v1/subjects/{id}/restriction",
    tag = "subjects",
    params(("id" = String, Path, description = "The subject's record id (UUID)")),
    request_body = RestrictionBody,
    responses(
        (status = 200, description = "The new state", body = SubjectStateOut),
        (status = 400, description = "Malformed id or body", body = ErrorBody),
        (status = 401, description = "No valid credentials", body = ErrorBody),
        (status = 403, description = "Not allowed", body = ErrorBody),
        (status = 404, description = "No such subject", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub(crate) async fn restriction(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<String>,
    Json(body): Json<RestrictionBody>,
) -> Result<axum::Json<SubjectStateOut>, ApiError> {
    let id = record_id(&id)?;
    let state = blocking(move || Ok(s.gate.set_restriction(&p, id, body.restricted)?)).await?;
    Ok(axum::Json(state.into()))
}

/// Put a subject under a legal hold (deletion blocked), or release it with `null`.
#[utoipa::path(
    put,
    path = "/v1/subjects/{id}/hold",
    tag = "subjects",
    params(("id" = String, Path, description = "The subject's record id (UUID)")),
    request_body = HoldBody,
    responses(
        (status = 200, description = "The new state", body = SubjectStateOut),
        (status = 400, description = "Malformed id or body", body = ErrorBody),
        (status = 401, description = "No valid credentials", body = ErrorBody),
        (status = 403, description = "Not allowed", body = ErrorBody),
        (status = 404, description = "No such subject", body = ErrorBody),
        (status = 422, description = "The case code is not a short code", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub(crate) async fn hold(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<String>,
    Json(body): Json<HoldBody>,
) -> Result<axum::Json<SubjectStateOut>, ApiError> {
    let id = record_id(&id)?;
    let state = blocking(move || Ok(s.gate.set_legal_hold(&p, id, body.hold.as_deref())?)).await?;
    Ok(axum::Json(state.into()))
}

/// Record a subject's consent for a purpose, or its withdrawal.
#[utoipa::path(
    post,
    path = "/v1/subjects/{id}/consent",
    tag = "subjects",
    params(("id" = String, Path, description = "The subject's record id (UUID)")),
    request_body = ConsentBody,
    responses(
        (status = 200, description = "The new state", body = SubjectStateOut),
        (status = 400, description = "Malformed id or body", body = ErrorBody),
        (status = 401, description = "No valid credentials", body = ErrorBody),
        (status = 403, description = "Not allowed", body = ErrorBody),
        (status = 404, description = "No such subject", body = ErrorBody),
        (status = 422, description = "Unknown purpose or a source that is not a short code", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub(crate) async fn consent(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<String>,
    Json(body): Json<ConsentBody>,
) -> Result<axum::Json<SubjectStateOut>, ApiError> {
    let id: RecordId = record_id(&id)?;
    let state = blocking(move || {
        let version = match body.notice_version {
            Some(v) => v,
            None => s.gate.privacy_notice(&s.lifecycle.profile)?.version,
        };
        Ok(s.gate.record_consent(
            &p,
            id,
            &body.purpose,
            body.granted,
            &body.source,
            Some(version),
        )?)
    })
    .await?;
    Ok(axum::Json(state.into()))
}
