//! Records of a collection: create (one or a batch), read (one or a batch), update,
//! delete and list. Reads need the `Gembok-Purpose` header; listing returns metadata
//! only and needs none.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde_json::Value;

use super::dto::{
    BatchCreateBody, BatchGetBody, CreatedId, CreatedIds, FieldsQuery, ListOut, ListQuery,
    RecordFields, RecordMetaOut, RecordOut, RecordsOut,
};
use super::{as_strs, check_batch, check_field_names, field_list};
use crate::api_error::{ApiError, ErrorBody};
use crate::extract::{record_id, Caller, Json, Path, Purpose, Query};
use crate::state::{blocking, AppState};

/// Default page size of a listing.
const DEFAULT_PAGE: usize = 100;

/// Create one record.
#[utoipa::path(
    post,
    path = "/v1/collections/{collection}/records",
    tag = "records",
    params(("collection" = String, Path, description = "Collection name")),
    request_body(content = RecordFields, description = "The record's fields"),
    responses(
        (status = 201, description = "Created", body = CreatedId),
        (status = 400, description = "Malformed body", body = ErrorBody),
        (status = 401, description = "No valid credentials", body = ErrorBody),
        (status = 403, description = "Not allowed", body = ErrorBody),
        (status = 404, description = "Unknown collection", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 422, description = "Refused by the schema", body = ErrorBody),
        (status = 429, description = "Rate limited", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub(crate) async fn create(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path(collection): Path<String>,
    Json(RecordFields(body)): Json<RecordFields>,
) -> Result<impl IntoResponse, ApiError> {
    let id = blocking(move || Ok(s.gate.create(&p, &collection, &Value::Object(body))?)).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(CreatedId { id: id.to_string() }),
    ))
}

/// Create many records, all or none.
#[utoipa::path(
    post,
    path = "/v1/collections/{collection}/records/batch",
    tag = "records",
    params(("collection" = String, Path, description = "Collection name")),
    request_body = BatchCreateBody,
    responses(
        (status = 201, description = "Created, ids in input order", body = CreatedIds),
        (status = 400, description = "Malformed body", body = ErrorBody),
        (status = 401, description = "No valid credentials", body = ErrorBody),
        (status = 403, description = "Not allowed", body = ErrorBody),
        (status = 413, description = "Body or batch too large", body = ErrorBody),
        (status = 422, description = "Some record was refused; nothing was written", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub(crate) async fn create_batch(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path(collection): Path<String>,
    Json(body): Json<BatchCreateBody>,
) -> Result<impl IntoResponse, ApiError> {
    check_batch(body.records.len(), s.limits.batch_size)?;
    let ids = blocking(move || Ok(s.gate.create_batch(&p, &collection, &body.records)?)).await?;
    let ids = ids.iter().map(ToString::to_string).collect();
    Ok((StatusCode::CREATED, axum::Json(CreatedIds { ids })))
}

/// Read one record for a purpose.
#[utoipa::path(
    get,
    path = "/v1/collections/{collection}/records/{id}",
    tag = "records",
    params(
        ("collection" = String, Path, description = "Collection name"),
        ("id" = String, Path, description = "Record id (UUID)"),
        ("Gembok-Purpose" = String, Header, description = "Why the data is read"),
        FieldsQuery,
    ),
    responses(
        (status = 200, description = "The fields the caller may see for this purpose", body = RecordOut),
        (status = 400, description = "No purpose, or a malformed id", body = ErrorBody),
        (status = 401, description = "No valid credentials", body = ErrorBody),
        (status = 403, description = "Nothing visible for this role and purpose", body = ErrorBody),
        (status = 404, description = "No such record", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub(crate) async fn get(
    State(s): State<AppState>,
    Caller(p): Caller,
    Purpose(purpose): Purpose,
    Path((collection, id)): Path<(String, String)>,
    Query(q): Query<FieldsQuery>,
) -> Result<axum::Json<RecordOut>, ApiError> {
    let id = record_id(&id)?;
    let fields = field_list(q.fields.as_deref())?;
    // The store read runs on a blocking thread; the wait for the audit commit does
    // not hold it: the record comes out of the ticket once its event is durable.
    let record = blocking(move || {
        let names = as_strs(&fields);
        Ok(s.gate
            .get_deferred(&p, purpose.as_deref(), &collection, id, names.as_deref())?)
    })
    .await?
    .await?;
    Ok(axum::Json(RecordOut::from(&record)))
}

/// Read many records for a purpose.
#[utoipa::path(
    post,
    path = "/v1/collections/{collection}/records/batch-get",
    tag = "records",
    params(
        ("collection" = String, Path, description = "Collection name"),
        ("Gembok-Purpose" = String, Header, description = "Why the data is read"),
    ),
    request_body = BatchGetBody,
    responses(
        (status = 200, description = "The records found", body = RecordsOut),
        (status = 400, description = "No purpose, malformed body or id", body = ErrorBody),
        (status = 401, description = "No valid credentials", body = ErrorBody),
        (status = 403, description = "Nothing visible for this role and purpose", body = ErrorBody),
        (status = 413, description = "Too many ids", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub(crate) async fn get_batch(
    State(s): State<AppState>,
    Caller(p): Caller,
    Purpose(purpose): Purpose,
    Path(collection): Path<String>,
    Json(body): Json<BatchGetBody>,
) -> Result<axum::Json<RecordsOut>, ApiError> {
    check_batch(body.ids.len(), s.limits.batch_size)?;
    if let Some(f) = &body.fields {
        check_field_names(f)?;
    }
    let ids = body
        .ids
        .iter()
        .map(|i| record_id(i))
        .collect::<Result<Vec<_>, _>>()?;
    let records = blocking(move || {
        let names = as_strs(&body.fields);
        Ok(s.gate.get_batch_deferred(
            &p,
            purpose.as_deref(),
            &collection,
            &ids,
            names.as_deref(),
        )?)
    })
    .await?
    .await?;
    Ok(axum::Json(RecordsOut {
        records: records.iter().map(RecordOut::from).collect(),
    }))
}

/// Change some fields of a record; `null` removes an optional field.
#[utoipa::path(
    patch,
    path = "/v1/collections/{collection}/records/{id}",
    tag = "records",
    params(
        ("collection" = String, Path, description = "Collection name"),
        ("id" = String, Path, description = "Record id (UUID)"),
    ),
    request_body(content = RecordFields, description = "The fields to change"),
    responses(
        (status = 204, description = "Updated"),
        (status = 400, description = "Malformed body or id", body = ErrorBody),
        (status = 401, description = "No valid credentials", body = ErrorBody),
        (status = 403, description = "Not allowed", body = ErrorBody),
        (status = 404, description = "No such record", body = ErrorBody),
        (status = 422, description = "Refused by the schema", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub(crate) async fn update(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path((collection, id)): Path<(String, String)>,
    Json(RecordFields(body)): Json<RecordFields>,
) -> Result<StatusCode, ApiError> {
    let id = record_id(&id)?;
    blocking(move || Ok(s.gate.update(&p, &collection, id, &Value::Object(body))?)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Delete a record.
#[utoipa::path(
    delete,
    path = "/v1/collections/{collection}/records/{id}",
    tag = "records",
    params(
        ("collection" = String, Path, description = "Collection name"),
        ("id" = String, Path, description = "Record id (UUID)"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "No valid credentials", body = ErrorBody),
        (status = 403, description = "Not allowed", body = ErrorBody),
        (status = 404, description = "No such record", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub(crate) async fn delete(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path((collection, id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let id = record_id(&id)?;
    blocking(move || Ok(s.gate.delete(&p, &collection, id)?)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// List record ids and times, oldest first, a page at a time. No personal data.
#[utoipa::path(
    get,
    path = "/v1/collections/{collection}/records",
    tag = "records",
    params(("collection" = String, Path, description = "Collection name"), ListQuery),
    responses(
        (status = 200, description = "A page of record metadata", body = ListOut),
        (status = 400, description = "Malformed cursor or limit", body = ErrorBody),
        (status = 401, description = "No valid credentials", body = ErrorBody),
        (status = 403, description = "Not allowed", body = ErrorBody),
        (status = 404, description = "Unknown collection", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub(crate) async fn list(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path(collection): Path<String>,
    Query(q): Query<ListQuery>,
) -> Result<axum::Json<ListOut>, ApiError> {
    let after = q.after.as_deref().map(record_id).transpose()?;
    let max = s.limits.list_page;
    let limit = q.limit.unwrap_or(DEFAULT_PAGE.min(max));
    if limit == 0 || limit > max {
        return Err(ApiError::bad_request(
            "invalid_query",
            format!("limit must be between 1 and {max}"),
        ));
    }
    let metas = blocking(move || Ok(s.gate.list(&p, &collection, after, limit)?)).await?;
    let next = (metas.len() == limit)
        .then(|| metas.last().map(|m| m.id.to_string()))
        .flatten();
    Ok(axum::Json(ListOut {
        records: metas.iter().map(RecordMetaOut::from).collect(),
        next,
    }))
}
