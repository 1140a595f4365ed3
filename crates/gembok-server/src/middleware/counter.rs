//! The counters behind the rate limits and the per-address limit on credential
//! attempts: in this process (GCRA through `governor`, the default, right for one
//! server) or in Redis, shared by every server of one vault.
//!
//! With several `gembok serve` processes behind a load balancer, a limit counted in
//! each process's memory multiplies with the number of nodes: an attacker who spreads
//! attempts over them gets that many times the budget. The Redis counter is a fixed
//! window done atomically on the Redis side by one Lua script (`INCR`, `PEXPIRE` on
//! the first hit, `PTTL` for `Retry-After`), under `gembok:<vault id>:<scope>:<key>`.
//! The key part is a SHA-256 of the address, API key id or account id, so Redis holds
//! no client address or identifier in the clear. A governor quota of `rate` per
//! period with burst `b` becomes at most `b` hits per window of `b / rate` periods:
//! the same burst, the same long-run rate.
//!
//! When Redis cannot be reached the caller decides: the limit on credential attempts
//! fails closed (503 `limiter_unavailable`: better to refuse logins for a while than
//! to allow unlimited guessing from every node), the general rate limits fail open
//! with a logged warning (at most one every ten seconds): refusing every request would
//! turn a Redis outage into a vault outage, while guessing stays bounded by the
//! credential limit above and by each credential's own throttle in the store.

use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use tokio::sync::OnceCell;

/// Longest wait for Redis on one hit (connecting included).
const REDIS_TIMEOUT: Duration = Duration::from_millis(750);

const WINDOW_SCRIPT: &str = r"
local n = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if n == 1 or ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {n, ttl}
";

/// Why a hit was not allowed.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// Over the limit; retry after this many whole seconds (at least 1).
    Wait(u64),
    /// The shared counter could not be reached.
    Unavailable,
}

/// One Redis connection for all the limits of a server, opened on first use and
/// re-opened by the connection manager after a failure.
pub(crate) struct Redis {
    client: redis::Client,
    conn: OnceCell<ConnectionManager>,
    prefix: String,
    script: redis::Script,
}

impl Redis {
    /// Check the URL; nothing is connected yet.
    pub fn new(url: &str, vault_id: &str) -> Result<Self, redis::RedisError> {
        Ok(Redis {
            client: redis::Client::open(url)?,
            conn: OnceCell::new(),
            prefix: format!("gembok:{vault_id}"),
            script: redis::Script::new(WINDOW_SCRIPT),
        })
    }

    async fn connection(&self) -> Result<ConnectionManager, redis::RedisError> {
        let conn = self
            .conn
            .get_or_try_init(|| async {
                let config = ConnectionManagerConfig::new()
                    .set_connection_timeout(Some(REDIS_TIMEOUT))
                    .set_response_timeout(Some(REDIS_TIMEOUT))
                    .set_number_of_retries(1);
                ConnectionManager::new_with_config(self.client.clone(), config).await
            })
            .await?;
        Ok(conn.clone())
    }

    /// Count one hit on `scope`/`key`; `Ok(Some(ms))` when it is over `limit` in the
    /// current window, which ends in `ms`.
    async fn hit(
        &self,
        scope: &str,
        key: &str,
        limit: u32,
        window_ms: u64,
    ) -> Result<Option<u64>, redis::RedisError> {
        let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, key.as_bytes());
        let name = format!("{}:{scope}:{}", self.prefix, hex(&digest.as_ref()[..16]));
        let mut conn = self.connection().await?;
        let (n, ttl): (u64, i64) = self
            .script
            .key(name)
            .arg(window_ms)
            .invoke_async(&mut conn)
            .await?;
        Ok((n > u64::from(limit)).then(|| u64::try_from(ttl).unwrap_or(window_ms)))
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// One limit, counted here or in Redis.
pub(crate) enum Counter {
    Local {
        limiter: DefaultKeyedRateLimiter<String>,
        clock: DefaultClock,
    },
    Shared {
        redis: std::sync::Arc<Redis>,
        scope: &'static str,
        limit: u32,
        window_ms: u64,
    },
}

impl Counter {
    /// `per_period` hits per `period` with `burst` at once (0: `per_period`); `None`
    /// when `per_period` is 0 (no limit).
    pub fn new(
        shared: Option<&std::sync::Arc<Redis>>,
        scope: &'static str,
        per_period: u32,
        period: Duration,
        burst: u32,
    ) -> Option<Self> {
        let rate = NonZeroU32::new(per_period)?;
        let burst = NonZeroU32::new(burst).unwrap_or(rate);
        Some(match shared {
            None => {
                let quota = Quota::with_period(period / rate.get())?.allow_burst(burst);
                Counter::Local {
                    limiter: DefaultKeyedRateLimiter::keyed(quota),
                    clock: DefaultClock::default(),
                }
            }
            Some(redis) => {
                let period_ms = u64::try_from(period.as_millis()).unwrap_or(u64::MAX);
                let window_ms = (period_ms.saturating_mul(u64::from(burst.get()))
                    / u64::from(rate.get()))
                .max(1);
                Counter::Shared {
                    redis: std::sync::Arc::clone(redis),
                    scope,
                    limit: burst.get(),
                    window_ms,
                }
            }
        })
    }

    /// Count one hit on `key`.
    pub async fn hit(&self, key: &str) -> Result<(), Refusal> {
        match self {
            Counter::Local { limiter, clock } => limiter.check_key(&key.to_owned()).map_err(|n| {
                let wait = n.wait_time_from(clock.now());
                Refusal::Wait((wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1))
            }),
            Counter::Shared {
                redis,
                scope,
                limit,
                window_ms,
            } => {
                let hit = redis.hit(scope, key, *limit, *window_ms);
                match tokio::time::timeout(REDIS_TIMEOUT, hit).await {
                    Ok(Ok(None)) => Ok(()),
                    Ok(Ok(Some(ms))) => Err(Refusal::Wait(ms.div_ceil(1000).max(1))),
                    Ok(Err(e)) => {
                        tracing::warn!(kind = ?e.kind(), scope, "the shared rate-limit counter failed");
                        Err(Refusal::Unavailable)
                    }
                    Err(_) => {
                        tracing::warn!(scope, "the shared rate-limit counter timed out");
                        Err(Refusal::Unavailable)
                    }
                }
            }
        }
    }

    /// Drop in-process entries that are back to a full budget (Redis expires its own).
    pub fn forget_idle(&self) {
        if let Counter::Local { limiter, .. } = self {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn local_counter_keeps_the_burst_per_key() {
        let c = Counter::new(None, "t", 1, Duration::from_secs(1), 3).unwrap();
        for _ in 0..3 {
            c.hit("a").await.unwrap();
        }
        assert_eq!(c.hit("a").await, Err(Refusal::Wait(1)));
        c.hit("b").await.unwrap();
        assert!(Counter::new(None, "t", 0, Duration::from_secs(1), 3).is_none());
    }

    #[tokio::test]
    async fn unreachable_redis_is_reported_not_allowed() {
        // Port 1 on loopback: nothing listens there.
        let redis = std::sync::Arc::new(Redis::new("redis://127.0.0.1:1/", "v").unwrap());
        let c = Counter::new(Some(&redis), "t", 20, Duration::from_secs(60), 20).unwrap();
        assert_eq!(c.hit("a").await, Err(Refusal::Unavailable));
    }

    #[tokio::test]
    async fn window_from_rate_and_burst() {
        let redis = std::sync::Arc::new(Redis::new("redis://127.0.0.1:1/", "v").unwrap());
        match Counter::new(Some(&redis), "t", 100, Duration::from_secs(1), 200).unwrap() {
            Counter::Shared {
                limit, window_ms, ..
            } => assert_eq!((limit, window_ms), (200, 2_000)),
            Counter::Local { .. } => panic!("expected a shared counter"),
        }
    }
}
