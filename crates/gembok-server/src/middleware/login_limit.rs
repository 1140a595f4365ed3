//! The per-address limit on credential attempts: staff logins, enrolments, second
//! factors, re-authentications and password changes, and the customer credential
//! checks (`.../verify`, `.../totp/enrol`).
//!
//! The per-credential throttle in `gembok_core` slows down guessing one account; this
//! limit holds whatever the account, so one address cannot spray a common password
//! over many e-mail addresses or records. It runs before authentication and before any
//! body is read, so a refused attempt costs no hashing at all. Answered with 429,
//! `Retry-After` and the code `too_many_login_attempts`. With a shared counter
//! ([`super::counter`]) the budget holds across every server of the vault, and an
//! unreachable counter refuses attempts with 503 `limiter_unavailable`. Idle entries
//! are dropped by [`LoginLimit::forget_idle`], which the server calls every minute.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::counter::{Counter, Redis, Refusal};
use crate::api_error::ApiError;
use crate::metrics::Metrics;
use crate::state::ClientAddr;

/// Staff credential endpoints, matched exactly.
const STAFF_PATHS: [&str; 5] = [
    "/v1/auth/login",
    "/v1/auth/enrol",
    "/v1/auth/2fa",
    "/v1/auth/reauth",
    "/v1/auth/password",
];

/// Customer credential endpoints, matched by their last segments.
const CUSTOMER_SUFFIXES: [&str; 2] = ["/verify", "/totp/enrol"];

/// Whether a request is a credential attempt that counts against the limit.
pub(crate) fn is_attempt(method: &Method, path: &str) -> bool {
    method == Method::POST
        && (STAFF_PATHS.contains(&path) || CUSTOMER_SUFFIXES.iter().any(|s| path.ends_with(s)))
}

/// Attempts per minute per address; `None` inside when the limit is off.
pub(crate) struct LoginLimit {
    counter: Option<Counter>,
}

impl LoginLimit {
    /// `per_minute` attempts a minute, all of which may come at once; 0 turns it off.
    /// Counted in this process, or in Redis when `shared` is given.
    pub fn new(per_minute: u32, shared: Option<&Arc<Redis>>) -> Self {
        LoginLimit {
            counter: Counter::new(
                shared,
                "login",
                per_minute,
                Duration::from_secs(60),
                per_minute,
            ),
        }
    }

    /// Count one attempt from `ip`. A shared counter that cannot be reached refuses
    /// the attempt ([`Refusal::Unavailable`]): this limit fails closed.
    pub async fn check(&self, ip: IpAddr) -> Result<(), Refusal> {
        match &self.counter {
            Some(c) => c.hit(&ip.to_string()).await,
            None => Ok(()),
        }
    }

    /// Drop addresses that are back to a full budget.
    pub fn forget_idle(&self) {
        if let Some(c) = &self.counter {
            c.forget_idle();
        }
    }
}

/// State of the layer.
#[derive(Clone)]
pub(crate) struct LoginLimitLayer {
    pub limit: Arc<LoginLimit>,
    pub metrics: Arc<Metrics>,
}

pub(crate) async fn limit_login_attempts(
    State(s): State<LoginLimitLayer>,
    req: Request,
    next: Next,
) -> Response {
    if !is_attempt(req.method(), req.uri().path()) {
        return next.run(req).await;
    }
    let Some(ClientAddr(ip)) = req.extensions().get::<ClientAddr>().copied() else {
        return ApiError::internal(&"request without a client address").into_response();
    };
    let secs = match s.limit.check(ip).await {
        Ok(()) => return next.run(req).await,
        Err(Refusal::Wait(secs)) => secs,
        Err(Refusal::Unavailable) => {
            return ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "limiter_unavailable",
                "credential attempts cannot be counted right now, so none are accepted; \
                 retry later",
            )
            .into_response();
        }
    };
    s.metrics.rate_limited("login");
    ApiError {
        retry_after: Some(secs),
        ..ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_login_attempts",
            "too many login attempts from this address; retry after the number of \
             seconds in Retry-After",
        )
    }
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn which_requests_count() {
        assert!(is_attempt(&Method::POST, "/v1/auth/login"));
        assert!(is_attempt(&Method::POST, "/v1/auth/2fa"));
        assert!(is_attempt(
            &Method::POST,
            "/v1/collections/c/records/x/fields/pin/verify"
        ));
        assert!(is_attempt(
            &Method::POST,
            "/v1/collections/c/records/x/fields/otp/totp/enrol"
        ));
        assert!(!is_attempt(&Method::GET, "/v1/auth/login"));
        assert!(!is_attempt(&Method::POST, "/v1/auth/logout"));
        assert!(!is_attempt(&Method::POST, "/v1/auth/2fa/enrol"));
        assert!(!is_attempt(&Method::POST, "/v1/api-keys"));
    }

    #[tokio::test]
    async fn budget_per_address() {
        let limit = LoginLimit::new(3, None);
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        for _ in 0..3 {
            limit.check(a).await.unwrap();
        }
        assert!(matches!(limit.check(a).await, Err(Refusal::Wait(s)) if s >= 1));
        limit.check("192.0.2.2".parse().unwrap()).await.unwrap();
        let off = LoginLimit::new(0, None);
        for _ in 0..100 {
            off.check(a).await.unwrap();
        }
    }
}
