//! Rate limits per client address and per API key (GCRA through `governor`), answered
//! with 429 and `Retry-After` in whole seconds.
//!
//! The per-address limit runs before authentication, so guessing keys costs the same
//! budget as any other request; the per-key limit runs right after it. Idle entries are
//! dropped by [`RateLimits::forget_idle`], which the server calls every minute.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};

use crate::api_error::ApiError;
use crate::metrics::Metrics;
use crate::state::ClientAddr;
use crate::Limits;

/// The two limiters; `None` where the configured rate is 0.
pub(crate) struct RateLimits {
    per_ip: Option<DefaultKeyedRateLimiter<IpAddr>>,
    per_key: Option<DefaultKeyedRateLimiter<String>>,
    clock: DefaultClock,
}

fn quota(per_second: u32, burst: u32) -> Option<Quota> {
    let rate = NonZeroU32::new(per_second)?;
    let burst = NonZeroU32::new(burst).unwrap_or(rate);
    Some(Quota::per_second(rate).allow_burst(burst))
}

impl RateLimits {
    pub fn new(limits: &Limits) -> Self {
        RateLimits {
            per_ip: quota(limits.per_ip_per_second, limits.per_ip_burst)
                .map(DefaultKeyedRateLimiter::keyed),
            per_key: quota(limits.per_key_per_second, limits.per_key_burst)
                .map(DefaultKeyedRateLimiter::keyed),
            clock: DefaultClock::default(),
        }
    }

    /// Count one request from `ip`.
    pub fn check_ip(&self, ip: IpAddr) -> Result<(), u64> {
        match &self.per_ip {
            Some(l) => l.check_key(&ip).map_err(|n| self.secs(&n)),
            None => Ok(()),
        }
    }

    /// Count one request made with the key `key_id`.
    pub fn check_key(&self, key_id: &str) -> Result<(), u64> {
        match &self.per_key {
            Some(l) => l.check_key(&key_id.to_owned()).map_err(|n| self.secs(&n)),
            None => Ok(()),
        }
    }

    fn secs(&self, not_until: &governor::NotUntil<<DefaultClock as Clock>::Instant>) -> u64 {
        let wait = not_until.wait_time_from(self.clock.now());
        wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
    }

    /// Drop state of addresses and keys that are back to a full budget.
    pub fn forget_idle(&self) {
        if let Some(l) = &self.per_ip {
            l.retain_recent();
            l.shrink_to_fit();
        }
        if let Some(l) = &self.per_key {
            l.retain_recent();
            l.shrink_to_fit();
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
    if let Err(secs) = s.rate.check_ip(ip) {
        s.metrics.rate_limited("ip");
        return ApiError::rate_limited(secs).into_response();
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burst_then_refusal_with_retry_after() {
        let limits = Limits {
            per_ip_per_second: 1,
            per_ip_burst: 3,
            per_key_per_second: 0,
            ..Limits::default()
        };
        let r = RateLimits::new(&limits);
        let ip: IpAddr = "127.0.0.1".parse().unwrap();
        for _ in 0..3 {
            r.check_ip(ip).unwrap();
        }
        let secs = r.check_ip(ip).unwrap_err();
        assert_eq!(secs, 1);
        // Another address has its own budget; keys are unlimited when the rate is 0.
        r.check_ip("127.0.0.2".parse().unwrap()).unwrap();
        for _ in 0..100 {
            r.check_key("key_x").unwrap();
        }
    }
}
