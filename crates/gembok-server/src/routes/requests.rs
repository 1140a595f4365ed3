//! The DPO's tools: the rights-request queue (open with a deadline from the configured
//! regulation, list, close), a retention run by hand (or a dry run that only counts),
//! and the minimisation report. The gate decides who may use them; answers are ids,
//! codes, times and counts, never a value of personal data.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use gembok_core::lifecycle::{RequestKind, RequestStatus, RetentionOptions};

use super::dto_requests::{
    CloseRequestBody, MinimisationOut, MinimisationQuery, OpenRequestBody, RequestOut, RequestsOut,
    RequestsQuery, RetentionBody, RetentionOut,
};
use crate::api_error::{ApiError, ErrorBody};
use crate::extract::{record_id, Caller, Json, Path, Query};
use crate::state::{blocking, now_ms, AppState};

/// The regulation whose deadline applies when a request names none.
const DEFAULT_REGULATION: &str = "uu_pdp";
/// Window of the minimisation report when none is asked for, and the longest.
const DEFAULT_DAYS: u32 = 90;
const MAX_DAYS: u32 = 3_650;

/// Record a rights request; its deadline follows from the regulation.
#[utoipa::path(
    post,
    path = "/v1/requests",
    tag = "subjects",
    request_body = OpenRequestBody,
    responses(
        (status = 201, description = "The request with its deadline", body = RequestOut),
        (status = 400, description = "Malformed body, kind or subject id", body = ErrorBody),
        (status = 401, description = "No valid credentials", body = ErrorBody),
        (status = 403, description = "Not allowed", body = ErrorBody),
        (status = 422, description = "A regulation that is not a short code, or a time in the future", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub(crate) async fn open(
    State(s): State<AppState>,
    Caller(p): Caller,
    Json(body): Json<OpenRequestBody>,
) -> Result<impl IntoResponse, ApiError> {
    let kind = RequestKind::parse(&body.kind).map_err(|_| {
        ApiError::bad_request(
            "invalid_body",
            "kind is one of access, correction, erasure, restriction, portability, \
             withdraw_consent, objection",
        )
    })?;
    let subject = body.subject.as_deref().map(record_id).transpose()?;
    let req = blocking(move || {
        let regulation = body.regulation.as_deref().unwrap_or(DEFAULT_REGULATION);
        Ok(s.gate.open_request(
            &p,
            kind,
            subject,
            regulation,
            body.received_at,
            &s.lifecycle.rights,
        )?)
    })
    .await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(RequestOut::new(req, now_ms())),
    ))
}

/// The request queue, oldest first.
#[utoipa::path(
    get,
    path = "/v1/requests",
    tag = "subjects",
    params(RequestsQuery),
    responses(
        (status = 200, description = "The requests", body = RequestsOut),
        (status = 400, description = "Malformed query", body = ErrorBody),
        (status = 401, description = "No valid credentials", body = ErrorBody),
        (status = 403, description = "Not allowed", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub(crate) async fn list(
    State(s): State<AppState>,
    Caller(p): Caller,
    Query(q): Query<RequestsQuery>,
) -> Result<axum::Json<RequestsOut>, ApiError> {
    let open_only = q.open.unwrap_or(false);
    let all = blocking(move || Ok(s.gate.requests(&p, open_only)?)).await?;
    let now = now_ms();
    Ok(axum::Json(RequestsOut {
        requests: all.into_iter().map(|r| RequestOut::new(r, now)).collect(),
    }))
}

/// Close a request as completed or rejected.
#[utoipa::path(
    post,
    path = "/v1/requests/{id}/close",
    tag = "subjects",
    params(("id" = String, Path, description = "Request id")),
    request_body = CloseRequestBody,
    responses(
        (status = 200, description = "The closed request", body = RequestOut),
        (status = 400, description = "Malformed body or status", body = ErrorBody),
        (status = 401, description = "No valid credentials", body = ErrorBody),
        (status = 403, description = "Not allowed", body = ErrorBody),
        (status = 404, description = "No such request", body = ErrorBody),
        (status = 409, description = "Already closed", body = ErrorBody),
        (status = 422, description = "A resolution that is not a short code", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub(crate) async fn close(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<String>,
    Json(body): Json<CloseRequestBody>,
) -> Result<axum::Json<RequestOut>, ApiError> {
    let status = match body.status.as_str() {
        "completed" => RequestStatus::Completed,
        "rejected" => RequestStatus::Rejected,
        _ => {
            return Err(ApiError::bad_request(
                "invalid_body",
                "status is completed or rejected",
            ))
        }
    };
    let req =
        blocking(move || Ok(s.gate.close_request(&p, &id, status, &body.resolution)?)).await?;
    Ok(axum::Json(RequestOut::new(req, now_ms())))
}

/// Enforce the schema's retention periods now, or with `dry_run` only count.
#[utoipa::path(
    post,
    path = "/v1/retention/run",
    tag = "subjects",
    request_body = RetentionBody,
    responses(
        (status = 200, description = "What was (or would be) deleted, as counts", body = RetentionOut),
        (status = 400, description = "Malformed body", body = ErrorBody),
        (status = 401, description = "No valid credentials", body = ErrorBody),
        (status = 403, description = "Not allowed", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub(crate) async fn retention(
    State(s): State<AppState>,
    Caller(p): Caller,
    Json(body): Json<RetentionBody>,
) -> Result<axum::Json<RetentionOut>, ApiError> {
    let report = blocking(move || {
        let opts = RetentionOptions {
            now: now_ms(),
            dry_run: body.dry_run,
            inactive_after: s.lifecycle.inactive_after,
        };
        Ok(s.gate.run_retention(&p, opts)?)
    })
    .await?;
    Ok(axum::Json(report.into()))
}

/// Fields never read and purposes never used in the last `days` days.
#[utoipa::path(
    get,
    path = "/v1/reports/minimisation",
    tag = "subjects",
    params(MinimisationQuery),
    responses(
        (status = 200, description = "The report", body = MinimisationOut),
        (status = 400, description = "Malformed or out-of-range days", body = ErrorBody),
        (status = 401, description = "No valid credentials", body = ErrorBody),
        (status = 403, description = "Not allowed", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub(crate) async fn minimisation(
    State(s): State<AppState>,
    Caller(p): Caller,
    Query(q): Query<MinimisationQuery>,
) -> Result<axum::Json<MinimisationOut>, ApiError> {
    let days = q.days.unwrap_or(DEFAULT_DAYS);
    if !(1..=MAX_DAYS).contains(&days) {
        return Err(ApiError::bad_request(
            "invalid_query",
            format!("days is 1 to {MAX_DAYS}"),
        ));
    }
    let report = blocking(move || Ok(s.gate.minimisation_report(&p, now_ms(), days)?)).await?;
    Ok(axum::Json(report.into()))
}
