//! The two public routes: liveness (no details at all) and the OpenAPI document.

use axum::http::header;
use axum::response::IntoResponse;
use axum::Json;

use super::dto::HealthOut;

/// Liveness: answers as long as the server runs. Says nothing about the vault.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "meta",
    responses((status = 200, description = "The server is up", body = HealthOut)),
)]
pub(crate) async fn healthz() -> Json<HealthOut> {
    Json(HealthOut { status: "ok" })
}

/// This API's OpenAPI 3.1 document.
#[utoipa::path(
    get,
    path = "/v1/openapi.json",
    tag = "meta",
    responses((status = 200, description = "The OpenAPI document", content_type = "application/json")),
)]
pub(crate) async fn openapi_document() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        crate::openapi::document(),
    )
}
