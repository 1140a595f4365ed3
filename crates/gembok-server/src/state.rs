//! What every handler shares: the gate, the key and account services, the limits, the
//! rate limiters, the metrics and the lifecycle settings; plus small helpers for time
//! and blocking work.

use std::net::IpAddr;
use std::sync::Arc;

use gembok_core::accounts::Accounts;
use gembok_core::apikeys::ApiKeys;
use gembok_core::Gate;

use crate::api_error::ApiError;
use crate::metrics::Metrics;
use crate::middleware::ratelimit::RateLimits;
use crate::{LifecycleConfig, Limits};

/// Shared state of the API router.
#[derive(Clone)]
pub(crate) struct AppState {
    pub gate: Arc<Gate>,
    pub keys: Arc<ApiKeys>,
    pub accounts: Arc<Accounts>,
    pub limits: Arc<Limits>,
    pub rate: Arc<RateLimits>,
    pub metrics: Arc<Metrics>,
    /// Business profile for the privacy notice, rights deadlines, retention settings.
    pub lifecycle: Arc<LifecycleConfig>,
}

/// The address of the TCP peer, put on every request by the connection loop. Proxy
/// headers such as `X-Forwarded-For` are not trusted: run Gembok without a proxy or
/// give keys an allowlist that names the proxy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ClientAddr(pub IpAddr);

impl ClientAddr {
    /// IPv4 clients on a dual-stack socket appear as `::ffff:a.b.c.d`; allowlists and
    /// limits see them as the IPv4 addresses they are.
    pub fn new(ip: IpAddr) -> Self {
        ClientAddr(ip.to_canonical())
    }
}

/// Unix milliseconds.
pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Run vault or store work (synchronous, may block on disk or network) off the async
/// workers, inside the request's span so that what it logs carries the request id.
pub(crate) async fn blocking<T, F>(f: F) -> Result<T, ApiError>
where
    F: FnOnce() -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    let span = tracing::Span::current();
    tokio::task::spawn_blocking(move || span.in_scope(f)).await?
}
