//! Authentication: the one middleware that turns `Authorization: Bearer <key>` into a
//! [`Caller`], for every route but the public ones.
//!
//! The key goes first to
//! [`ApiKeys::authenticate_cached`](gembok_core::apikeys::ApiKeys::authenticate_cached),
//! which answers from memory for a key that succeeded within the last second and never
//! touches the store, so it runs right here on the async worker; otherwise to
//! [`ApiKeys::authenticate`](gembok_core::apikeys::ApiKeys::authenticate), with the TCP
//! peer's address (for allowlists and last-use records), on a blocking thread, since it
//! reads the store. The hop to a blocking thread and back cost more than the rest of a
//! small read (see `docs/BENCHMARKS.md`); what the memory trades is documented in
//! `gembok_core::apikeys::cache`. The `Authorization` header is removed from the
//! request once read, so no later layer or handler can log or forward it. The per-key
//! rate limit is counted right after a successful authentication.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use zeroize::Zeroizing;

use crate::api_error::ApiError;
use crate::extract::Caller;
use crate::state::{now_ms, AppState, ClientAddr};

pub(crate) async fn require_key(
    State(s): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    match authenticate(&s, &mut req).await {
        Ok(caller) => {
            req.extensions_mut().insert(caller);
            next.run(req).await
        }
        Err(e) => e.into_response(),
    }
}

async fn authenticate(s: &AppState, req: &mut Request) -> Result<Caller, ApiError> {
    let ClientAddr(ip) = req
        .extensions()
        .get::<ClientAddr>()
        .copied()
        .ok_or_else(|| ApiError::internal(&"request without a client address"))?;
    let Some(value) = req.headers_mut().remove(header::AUTHORIZATION) else {
        s.metrics.auth_failure("missing_credentials");
        return Err(ApiError::unauthorized(
            "credentials are required: send Authorization: Bearer <API key>",
        ));
    };
    let token = value
        .to_str()
        .ok()
        .and_then(|v| {
            let (scheme, rest) = v.split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| rest.trim())
        })
        .map(|t| Zeroizing::new(t.to_owned()));
    drop(value);
    let Some(token) = token else {
        s.metrics.auth_failure("wrong_scheme");
        return Err(ApiError::unauthorized(
            "use the Bearer scheme: Authorization: Bearer <API key>",
        ));
    };
    let keys = Arc::clone(&s.keys);
    let now = now_ms();
    let result = match keys.authenticate_cached(&token, ip, now) {
        Some(principal) => Ok(principal),
        None => tokio::task::spawn_blocking(move || keys.authenticate(&token, ip, now)).await?,
    };
    let principal = result.map_err(|e| {
        s.metrics.auth_failure(e.code());
        ApiError::from(e)
    })?;
    if let Err(secs) = s.rate.check_key(&principal.key_id) {
        s.metrics.rate_limited("key");
        return Err(ApiError::rate_limited(secs));
    }
    Ok(Caller(Arc::new(principal)))
}
