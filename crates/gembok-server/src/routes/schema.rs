//! The vault's schema: read it, or apply a new version (refused when it would change
//! what stored values mean; dropping fields needs `allow_drop`).

use axum::extract::State;

use super::dto::{SchemaApplied, SchemaOut, SchemaPutBody};
use crate::api_error::{ApiError, ErrorBody};
use crate::extract::{Caller, Json};
use crate::state::{blocking, AppState};

/// The schema in force, as TOML.
#[utoipa::path(
    get,
    path = "/v1/schema",
    tag = "schema",
    responses(
        (status = 200, description = "The schema in force", body = SchemaOut),
        (status = 401, description = "No valid credentials", body = ErrorBody),
        (status = 403, description = "Not allowed", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub(crate) async fn get(
    State(s): State<AppState>,
    Caller(p): Caller,
) -> Result<axum::Json<SchemaOut>, ApiError> {
    let (version, document) = blocking(move || Ok(s.gate.schema(&p)?)).await?;
    Ok(axum::Json(SchemaOut { version, document }))
}

/// Apply a new schema version.
#[utoipa::path(
    put,
    path = "/v1/schema",
    tag = "schema",
    request_body = SchemaPutBody,
    responses(
        (status = 200, description = "Applied; the changes made", body = SchemaApplied),
        (status = 400, description = "Malformed body", body = ErrorBody),
        (status = 401, description = "No valid credentials", body = ErrorBody),
        (status = 403, description = "Not allowed", body = ErrorBody),
        (status = 422, description = "Invalid schema or unsafe change", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub(crate) async fn put(
    State(s): State<AppState>,
    Caller(p): Caller,
    Json(body): Json<SchemaPutBody>,
) -> Result<axum::Json<SchemaApplied>, ApiError> {
    let applied = blocking(move || {
        let diff = s.gate.apply_schema(&p, &body.document, body.allow_drop)?;
        Ok(SchemaApplied {
            version: s.gate.vault_info().schema_version,
            changes: diff.changes.iter().map(ToString::to_string).collect(),
        })
    })
    .await?;
    Ok(axum::Json(applied))
}
