//! Authentication: the one middleware that turns a credential into a [`Caller`], for
//! every route but the public ones. Three credentials are accepted:
//!
//! - `Authorization: Bearer gbs_...`: a staff session token (what `POST /v1/auth/login`
//!   hands out), checked by
//!   [`Accounts::authenticate`](gembok_core::accounts::Accounts::authenticate) on a
//!   blocking thread;
//! - any other `Authorization: Bearer` token: an API key, as below;
//! - the cookie `__Host-gembok_session` (set by the login answer for browsers): a staff
//!   session too. A cookie is sent by the browser on its own, so a cookie-authenticated
//!   request with a method other than GET, HEAD or OPTIONS must also carry the session's
//!   CSRF token in `X-CSRF-Token`, or it is refused with 403 `csrf_failed`. A bearer
//!   token is never ambient, so it needs none. When both are present, the header wins.
//!
//! An API key goes first to
//! [`ApiKeys::authenticate_cached`](gembok_core::apikeys::ApiKeys::authenticate_cached),
//! which answers from memory for a key that succeeded within the last second and never
//! touches the store, so it runs right here on the async worker; otherwise to
//! [`ApiKeys::authenticate`](gembok_core::apikeys::ApiKeys::authenticate), with the TCP
//! peer's address (for allowlists and last-use records), on a blocking thread, since it
//! reads the store. The hop to a blocking thread and back cost more than the rest of a
//! small read (see `docs/BENCHMARKS.md`); what the memory trades is documented in
//! `gembok_core::apikeys::cache`. The `Authorization` and `Cookie` headers are removed
//! from the request once read, so no later layer or handler can log or forward them.
//! The per-key rate limit (keyed by key id or account id) is counted right after a
//! successful authentication.
//!
//! The authenticated principal gets the request's [`Origin`] (peer address and request
//! id) for its audit events; a session's principal is its account id and role, and the
//! session also travels as a [`StaffCaller`]. Every refused credential (missing, wrong
//! scheme, malformed, unknown, expired, revoked, address not allowed, dead session,
//! failed CSRF check) becomes an `auth.failed` audit event, written in the background
//! so the refusal is not delayed by it.

use std::net::IpAddr;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use gembok_core::access::Origin;
use gembok_core::accounts::{AccountError, Accounts};
use gembok_core::AuthError;
use zeroize::Zeroizing;

use crate::api_error::ApiError;
use crate::extract::{Caller, StaffCaller};
use crate::middleware::trace::RequestId;
use crate::state::{now_ms, AppState, ClientAddr};

/// The session cookie. The `__Host-` prefix makes browsers accept it only when it is
/// `Secure`, has `Path=/` and no `Domain`, so no sibling host can plant one.
pub(crate) const SESSION_COOKIE: &str = "__Host-gembok_session";
/// The header carrying the CSRF token of a cookie-authenticated request.
pub(crate) const CSRF_HEADER: &str = "x-csrf-token";
/// What every session token starts with; API keys never do.
const SESSION_PREFIX: &str = "gbs_";

pub(crate) async fn require_key(
    State(s): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    match authenticate(&s, &mut req).await {
        Ok((caller, staff)) => {
            req.extensions_mut().insert(caller);
            if let Some(staff) = staff {
                req.extensions_mut().insert(staff);
            }
            next.run(req).await
        }
        Err(e) => e.into_response(),
    }
}

enum Credential {
    Bearer(Zeroizing<String>),
    Cookie(Zeroizing<String>),
}

async fn authenticate(
    s: &AppState,
    req: &mut Request,
) -> Result<(Caller, Option<StaffCaller>), ApiError> {
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
    let authorization = req.headers_mut().remove(header::AUTHORIZATION);
    let cookie = session_cookie(req.headers());
    while req.headers_mut().remove(header::COOKIE).is_some() {}
    let credential = match authorization {
        Some(value) => {
            let token = value
                .to_str()
                .ok()
                .and_then(|v| {
                    let (scheme, rest) = v.split_once(' ')?;
                    scheme.eq_ignore_ascii_case("bearer").then(|| rest.trim())
                })
                .map(|t| Zeroizing::new(t.to_owned()));
            drop(value);
            match token {
                Some(t) => Credential::Bearer(t),
                None => {
                    return Err(refuse(
                        "wrong_scheme",
                        ApiError::unauthorized(
                            "use the Bearer scheme: Authorization: Bearer <API key>",
                        ),
                    ))
                }
            }
        }
        None => match cookie {
            Some(t) => Credential::Cookie(t),
            None => {
                return Err(refuse(
                    "missing_credentials",
                    ApiError::unauthorized(
                        "credentials are required: send Authorization: Bearer <API key or \
                         session token>",
                    ),
                ))
            }
        },
    };
    let origin = Origin {
        client: Some(ip.to_string()),
        request_id: request_id.clone(),
    };
    let (token, csrf) = match credential {
        Credential::Bearer(t) if !t.starts_with(SESSION_PREFIX) => {
            let caller = api_key(s, t, ip, origin, &refuse).await?;
            return Ok((caller, None));
        }
        Credential::Bearer(t) => (t, None),
        Credential::Cookie(t) => {
            let csrf = (!is_safe(req.method())).then(|| {
                Zeroizing::new(
                    req.headers()
                        .get(CSRF_HEADER)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default()
                        .to_owned(),
                )
            });
            (t, csrf)
        }
    };
    let token = Arc::new(token);
    let accounts = Arc::clone(&s.accounts);
    let now = now_ms();
    let checked = Arc::clone(&token);
    let span = tracing::Span::current();
    let result = tokio::task::spawn_blocking(move || {
        span.in_scope(|| {
            session(
                &accounts,
                &checked,
                csrf.as_deref().map(String::as_str),
                now,
            )
        })
    })
    .await?;
    let session =
        match result {
            Ok(Some(session)) => session,
            Ok(None) => return Err(refuse(
                "csrf_failed",
                ApiError::new(
                    StatusCode::FORBIDDEN,
                    "csrf_failed",
                    "a cookie-authenticated request that changes state must send the session's \
                     CSRF token in X-CSRF-Token",
                ),
            )),
            // A store failure is ours, not a refused credential: nothing to note.
            Err(e @ AccountError::Core(_)) => {
                s.metrics.auth_failure("internal");
                return Err(ApiError::from(e));
            }
            Err(e) => return Err(refuse(e.code(), ApiError::from(e))),
        };
    limit_key(s, session.account.as_str()).await?;
    let mut principal = Accounts::principal(&session);
    principal.origin = origin;
    let staff = StaffCaller {
        session: Arc::new(session),
        token,
    };
    Ok((Caller(Arc::new(principal)), Some(staff)))
}

/// The live session of `token`; `None` when a CSRF token was required and did not match.
fn session(
    accounts: &Accounts,
    token: &str,
    csrf: Option<&str>,
    now: i64,
) -> Result<Option<gembok_core::accounts::StaffSession>, AccountError> {
    let session = accounts.authenticate(token, now)?;
    let csrf_ok = match csrf {
        None => true,
        Some("") => false,
        Some(presented) => accounts.check_csrf(&session, presented)?,
    };
    Ok(csrf_ok.then_some(session))
}

async fn api_key(
    s: &AppState,
    token: Zeroizing<String>,
    ip: IpAddr,
    origin: Origin,
    refuse: &impl Fn(&'static str, ApiError) -> ApiError,
) -> Result<Caller, ApiError> {
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
    limit_key(s, &principal.key_id).await?;
    principal.origin = origin;
    Ok(Caller(Arc::new(principal)))
}

/// The per-key rate limit, counted right after a successful authentication of either
/// kind: keyed by the API key's id or the session's account id.
async fn limit_key(s: &AppState, id: &str) -> Result<(), ApiError> {
    s.rate.check_key(id).await.map_err(|secs| {
        s.metrics.rate_limited("key");
        ApiError::rate_limited(secs)
    })
}

/// Methods a browser may send cross-site without changing anything.
fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// The value of the session cookie, if the request carries one (HTTP/2 may split
/// cookies over several headers).
pub(crate) fn session_cookie(headers: &HeaderMap) -> Option<Zeroizing<String>> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| {
            let (name, value) = pair.trim().split_once('=')?;
            (name == SESSION_COOKIE && !value.is_empty())
                .then(|| Zeroizing::new(value.trim_matches('"').to_owned()))
        })
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

#[cfg(test)]
mod tests;
