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
//!
//! The authenticated principal gets the request's [`Origin`] (peer address and request
//! id) for its audit events. Every refused credential (missing, wrong scheme,
//! malformed, unknown, expired, revoked, address not allowed) becomes an `auth.failed`
//! audit event, written in the background so the refusal is not delayed by it.

use std::net::IpAddr;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use gembok_core::access::Origin;
use gembok_core::AuthError;
use zeroize::Zeroizing;

use crate::api_error::ApiError;
use crate::extract::Caller;
use crate::middleware::trace::RequestId;
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
    let request_id = req
        .extensions()
        .get::<RequestId>()
        .map(|RequestId(id)| id.clone());
    let refuse = |code: &'static str, err: ApiError| {
        s.metrics.auth_failure(code);
        note_refusal(s, ip, code, request_id.clone());
        err
    };
    let Some(value) = req.headers_mut().remove(header::AUTHORIZATION) else {
        return Err(refuse(
            "missing_credentials",
            ApiError::unauthorized(
                "credentials are required: send Authorization: Bearer <API key>",
            ),
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
        return Err(refuse(
            "wrong_scheme",
            ApiError::unauthorized("use the Bearer scheme: Authorization: Bearer <API key>"),
        ));
    };
    let keys = Arc::clone(&s.keys);
    let now = now_ms();
    let result = match keys.authenticate_cached(&token, ip, now) {
        Some(principal) => Ok(principal),
        None => tokio::task::spawn_blocking(move || keys.authenticate(&token, ip, now)).await?,
    };
    let mut principal = match result {
        Ok(p) => p,
        // A store failure is ours, not a refused credential: nothing to note.
        Err(e @ AuthError::Store(_)) => {
            s.metrics.auth_failure(e.code());
            return Err(ApiError::from(e));
        }
        Err(e) => return Err(refuse(e.code(), ApiError::from(e))),
    };
    if let Err(secs) = s.rate.check_key(&principal.key_id) {
        s.metrics.rate_limited("key");
        return Err(ApiError::rate_limited(secs));
    }
    principal.origin = Origin {
        client: Some(ip.to_string()),
        request_id,
    };
    Ok(Caller(Arc::new(principal)))
}

/// Tell the audit log (and through it the monitor) of a refused credential, on a
/// blocking thread the response does not wait for: a flood of bad keys must not be
/// slowed down into holding connections, and the per-address rate limit has already
/// bounded how many such notes one client can cause.
fn note_refusal(s: &AppState, ip: IpAddr, code: &'static str, request_id: Option<String>) {
    let gate = Arc::clone(&s.gate);
    let span = tracing::Span::current();
    drop(tokio::task::spawn_blocking(move || {
        span.in_scope(|| gate.note_auth_failure(&ip.to_string(), code, request_id.as_deref()));
    }));
}
