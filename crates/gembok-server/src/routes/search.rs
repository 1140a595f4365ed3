//! Equality search on a searchable field. The searched value is in the body (a URL
//! would carry it into logs); the searched field must itself be visible to the caller
//! for the stated purpose.

use axum::extract::State;

use super::dto::{RecordOut, RecordsOut, SearchBody};
use super::{as_strs, check_field_names};
use crate::api_error::{ApiError, ErrorBody};
use crate::extract::{Caller, Json, Path, Purpose};
use crate::state::{blocking, AppState};

/// Records whose field equals the value (after the field type's normalisation).
#[utoipa::path(
    post,
    path = "/v1/collections/{collection}/search",
    tag = "records",
    params(
        ("collection" = String, Path, description = "Collection name"),
        ("Gembok-Purpose" = String, Header, description = "Why the data is read"),
    ),
    request_body = SearchBody,
    responses(
        (status = 200, description = "Matching records (possibly none)", body = RecordsOut),
        (status = 400, description = "No purpose or malformed body", body = ErrorBody),
        (status = 401, description = "No valid credentials", body = ErrorBody),
        (status = 403, description = "Not allowed for this role and purpose", body = ErrorBody),
        (status = 422, description = "Field not searchable or value invalid", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub(crate) async fn search(
    State(s): State<AppState>,
    Caller(p): Caller,
    Purpose(purpose): Purpose,
    Path(collection): Path<String>,
    Json(body): Json<SearchBody>,
) -> Result<axum::Json<RecordsOut>, ApiError> {
    if let Some(f) = &body.fields {
        check_field_names(f)?;
    }
    let records = blocking(move || {
        let names = as_strs(&body.fields);
        Ok(s.gate.search_deferred(
            &p,
            purpose.as_deref(),
            &collection,
            &body.field,
            &body.value,
            names.as_deref(),
        )?)
    })
    .await?
    // Released once the search's audit event is durable; 503 and nothing if not.
    .await?;
    Ok(axum::Json(RecordsOut {
        records: records.iter().map(RecordOut::from).collect(),
    }))
}
