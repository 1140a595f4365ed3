//! Gives every error answer the JSON error shape, including those made outside our
//! handlers (the router's 404 and 405, the body limit's 413, the timeout's 408), whose
//! bodies are empty or plain text.

use axum::extract::Request;
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::api_error::ApiError;

pub(crate) async fn json_errors(req: Request, next: Next) -> Response {
    let response = next.run(req).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if is_json {
        return response;
    }
    // Keep the headers already set (Allow on 405, Retry-After, the request id), and
    // swap the body and its type.
    let (mut parts, _) = response.into_parts();
    let (fresh, body) = ApiError::for_status(status).into_response().into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    for (name, value) in &fresh.headers {
        parts.headers.insert(name, value.clone());
    }
    Response::from_parts(parts, body)
}
