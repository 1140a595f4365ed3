//! Rate limits per client address and per API key, answered with 429 and
//! `Retry-After` in whole seconds; counted in this process or shared through Redis
//! (see [`super::counter`]).
//!
//! The per-address limit runs before authentication, so guessing keys costs the same
//! budget as any other request; the per-key limit runs right after it. Idle entries are
//! dropped by [`RateLimits::forget_idle`], which the server calls every minute.

use std::net::IpAddr;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::counter::{Counter, Redis, Refusal};
use crate::api_error::ApiError;
use crate::metrics::Metrics;
use crate::state::ClientAddr;
use crate::Limits;

/// The two limiters; `None` where the configured rate is 0.
pub(crate) struct RateLimits {
    per_ip: Option<Counter>,
    per_key: Option<Counter>,
    /// When a shared-counter failure was last logged (unix ms), to log one in ten s.
    warned: AtomicI64,
}

impl RateLimits {
    /// Counted in this process, or in Redis when `shared` is given.
    pub fn new(limits: &Limits, shared: Option<&Arc<Redis>>) -> Self {
        let second = Duration::from_secs(1);
        RateLimits {
            per_ip: Counter::new(
                shared,
                "ip",
                limits.per_ip_per_second,
                second,
                limits.per_ip_burst,
            ),
            per_key: Counter::new(
                shared,
                "key",
                limits.per_key_per_second,
                second,
                limits.per_key_burst,
            ),
            warned: AtomicI64::new(i64::MIN),
        }
    }

    /// Count one request from `ip`.
    pub async fn check_ip(&self, ip: IpAddr) -> Result<(), u64> {
        match &self.per_ip {
            Some(c) => self.open_on_failure(c.hit(&ip.to_string()).await),
            None => Ok(()),
        }
    }

    /// Count one request made with the key (or staff account) `key_id`.
    pub async fn check_key(&self, key_id: &str) -> Result<(), u64> {
        match &self.per_key {
            Some(c) => self.open_on_failure(c.hit(key_id).await),
            None => Ok(()),
        }
    }

    /// A shared counter that cannot be reached lets the request through (see the
    /// `counter` module for why) and says so in the log.
    fn open_on_failure(&self, hit: Result<(), Refusal>) -> Result<(), u64> {
        match hit {
            Ok(()) => Ok(()),
            Err(Refusal::Wait(secs)) => Err(secs),
            Err(Refusal::Unavailable) => {
                let now = crate::state::now_ms();
                let last = self.warned.load(Ordering::Relaxed);
                if now.saturating_sub(last) >= 10_000
                    && self
                        .warned
                        .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                        .is_ok()
                {
                    tracing::warn!(
                        "the shared rate-limit counter is unreachable: API rate limits are \
                         not enforced until it is back (credential attempts are refused)"
                    );
                }
                Ok(())
            }
        }
    }

    /// Drop state of addresses and keys that are back to a full budget.
    pub fn forget_idle(&self) {
        for c in [&self.per_ip, &self.per_key].into_iter().flatten() {
            c.forget_idle();
        }
    }
}

/// State of the per-address layer.
#[derive(Clone)]
pub(crate) struct IpLimit {
    pub rate: Arc<RateLimits>,
    pub metrics: Arc<Metrics>,
}

pub(crate) async fn limit_by_ip(State(s): State<IpLimit>, req: Request, next: Next) -> Response {
    let Some(ClientAddr(ip)) = req.extensions().get::<ClientAddr>().copied() else {
        return ApiError::internal(&"request without a client address").into_response();
    };
    if let Err(secs) = s.rate.check_ip(ip).await {
        s.metrics.rate_limited("ip");
        return ApiError::rate_limited(secs).into_response();
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn burst_then_refusal_with_retry_after() {
        let limits = Limits {
            per_ip_per_second: 1,
            per_ip_burst: 3,
            per_key_per_second: 0,
            ..Limits::default()
        };
        let r = RateLimits::new(&limits, None);
        let ip: IpAddr = "127.0.0.1".parse().unwrap();
        for _ in 0..3 {
            r.check_ip(ip).await.unwrap();
        }
        let secs = r.check_ip(ip).await.unwrap_err();
        assert_eq!(secs, 1);
        // Another address has its own budget; keys are unlimited when the rate is 0.
        r.check_ip("127.0.0.2".parse().unwrap()).await.unwrap();
        for _ in 0..100 {
            r.check_key("key_x").await.unwrap();
        }
    }
}
