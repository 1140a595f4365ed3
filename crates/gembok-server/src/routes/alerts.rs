//! `GET /v1/alerts`: what the monitoring rules raised, newest first. Same right as the
//! audit log (`audit_read`), and the gate records the read.

use axum::extract::State;

use super::audit_dto::{page_size, AlertOut, AlertParams, AlertsOut};
use crate::api_error::{ApiError, ErrorBody};
use crate::extract::{Caller, Query};
use crate::state::{blocking, AppState};

/// The newest monitoring alerts.
#[utoipa::path(
    get,
    path = "/v1/alerts",
    tag = "audit",
    params(AlertParams),
    responses(
        (status = 200, description = "The newest alerts", body = AlertsOut),
        (status = 400, description = "Malformed limit", body = ErrorBody),
        (status = 401, description = "No valid credentials", body = ErrorBody),
        (status = 403, description = "The role may not read alerts", body = ErrorBody),
        (status = 503, description = "The audit log cannot be written", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub(crate) async fn list(
    State(s): State<AppState>,
    Caller(p): Caller,
    Query(params): Query<AlertParams>,
) -> Result<axum::Json<AlertsOut>, ApiError> {
    let limit = page_size(params.limit)?;
    let alerts = blocking(move || Ok(s.gate.alerts(&p, limit)?)).await?;
    Ok(axum::Json(AlertsOut {
        alerts: alerts.into_iter().map(AlertOut::from).collect(),
    }))
}
