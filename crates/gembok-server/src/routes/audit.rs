//! `GET /v1/audit`: the audit log, filtered and paged newest first. Only roles with
//! `audit_read` may read it; the gate checks that and records the read itself, so
//! looking at the log leaves a trace in it (a refused look too).

use axum::extract::State;

use super::audit_dto::{AuditPageOut, AuditParams};
use crate::api_error::{ApiError, ErrorBody};
use crate::extract::{Caller, Query};
use crate::state::{blocking, AppState};

/// Audit events matching every filter given, newest first.
#[utoipa::path(
    get,
    path = "/v1/audit",
    tag = "audit",
    params(AuditParams),
    responses(
        (status = 200, description = "A page of audit events", body = AuditPageOut),
        (status = 400, description = "Malformed filter, time, id, cursor or limit", body = ErrorBody),
        (status = 401, description = "No valid credentials", body = ErrorBody),
        (status = 403, description = "The role may not read the audit log", body = ErrorBody),
        (status = 503, description = "The audit log cannot be written", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub(crate) async fn query(
    State(s): State<AppState>,
    Caller(p): Caller,
    Query(params): Query<AuditParams>,
) -> Result<axum::Json<AuditPageOut>, ApiError> {
    let (query, before, limit) = params.into_query()?;
    let page = blocking(move || Ok(s.gate.audit_query(&p, &query, before, limit)?)).await?;
    Ok(axum::Json(page.into()))
}
