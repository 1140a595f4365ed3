//! Request logs and metrics: method, route template, status, latency and a request id
//! (also returned as `X-Request-Id`). Never bodies, query strings or headers: the URL
//! may hold values and the headers hold credentials. The id is also put on the request
//! as a [`RequestId`] extension, so authentication can hand it to the audit log.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

use crate::metrics::Metrics;

pub(crate) const REQUEST_ID: &str = "x-request-id";

/// The id of the request being served, as sent back in `X-Request-Id`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RequestId(pub String);

pub(crate) async fn observe(
    State(metrics): State<Arc<Metrics>>,
    mut req: Request,
    next: Next,
) -> Response {
    let start = Instant::now();
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |m| m.as_str().to_owned());
    let request_id = uuid::Uuid::new_v4().simple().to_string();
    req.extensions_mut().insert(RequestId(request_id.clone()));
    // Events logged while the request runs (a 5xx cause, say) carry its id.
    let span = tracing::info_span!("request", request_id = %request_id);
    let mut response = next.run(req).instrument(span).await;
    let latency = start.elapsed();
    let status = response.status();
    metrics.observe(&route, &method, status, latency);
    tracing::info!(
        request_id = %request_id,
        method = %method,
        route = %route,
        status = status.as_u16(),
        latency_ms = latency.as_secs_f64() * 1000.0,
        "request"
    );
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert(REQUEST_ID, v);
    }
    response
}
