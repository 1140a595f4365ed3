//! What an operator configures about the server: where it listens, how it does TLS,
//! where metrics go, and the limits that protect it from abusive or broken clients.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// Where the TLS certificate comes from, or the explicit choice of plain HTTP.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TlsSource {
    /// A PEM certificate chain (leaf first) and its PEM private key.
    Pem { cert: PathBuf, key: PathBuf },
    /// Plain HTTP, for development only: [`crate::Server::bind`] refuses it on any
    /// address that is not loopback.
    InsecureHttp,
}

/// Limits against oversized, slow and too frequent requests. A rate of 0 turns that
/// rate limit off.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest request body in bytes.
    pub body_bytes: usize,
    /// Most records or ids in one batch request.
    pub batch_size: usize,
    /// Largest page of a record listing.
    pub list_page: usize,
    /// Sustained requests per second per API key.
    pub per_key_per_second: u32,
    /// Requests per API key that may arrive at once above the sustained rate.
    pub per_key_burst: u32,
    /// Sustained requests per second per client address.
    pub per_ip_per_second: u32,
    /// Requests per client address that may arrive at once.
    pub per_ip_burst: u32,
    /// Password, TOTP and recovery-code attempts per minute per client address, staff
    /// logins and customer verifications alike, whatever the account (0: no limit).
    pub login_attempts_per_minute: u32,
    /// Longest time a request may take once its headers are in (answered 408).
    pub request_timeout: Duration,
    /// Longest time a client may take to send the request headers (slowloris).
    pub header_read_timeout: Duration,
    /// Longest TLS handshake.
    pub tls_handshake_timeout: Duration,
    /// Largest request head (request line and headers) in bytes, HTTP/1.1 and HTTP/2.
    pub max_header_bytes: usize,
    /// Most headers in one HTTP/1.1 request.
    pub max_headers: usize,
    /// Most connections served at once; further clients wait in the accept queue.
    pub max_connections: usize,
    /// The Redis that counts the per-address, per-key and credential-attempt limits
    /// for every server of the vault; `None`: each server counts in its own memory,
    /// which is right for a single server only (see `middleware::counter`).
    pub redis_url: Option<RedisUrl>,
}

/// A `redis://host:port` (or `rediss://`) URL. It may carry a password, so its Debug
/// output is redacted.
#[derive(Clone, PartialEq, Eq)]
pub struct RedisUrl(pub String);

impl std::fmt::Debug for RedisUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RedisUrl([redacted])")
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            body_bytes: 1024 * 1024,
            batch_size: 1_000,
            list_page: 1_000,
            per_key_per_second: 50,
            per_key_burst: 100,
            per_ip_per_second: 100,
            per_ip_burst: 200,
            login_attempts_per_minute: 20,
            request_timeout: Duration::from_secs(30),
            header_read_timeout: Duration::from_secs(10),
            tls_handshake_timeout: Duration::from_secs(10),
            max_header_bytes: 16 * 1024,
            max_headers: 64,
            max_connections: 1_024,
            redis_url: None,
        }
    }
}

/// Everything [`crate::Server::bind`] needs besides the gate, the key service and the
/// account service.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerConfig {
    pub listen: SocketAddr,
    pub tls: TlsSource,
    /// Address of the Prometheus listener; must be loopback. `None`: no metrics.
    pub metrics_listen: Option<SocketAddr>,
    pub limits: Limits,
    /// Privacy notice, rights deadlines and the retention schedule.
    pub lifecycle: LifecycleConfig,
}

/// The data-lifecycle settings the server needs: the business profile the `/privacy`
/// page is generated from, deadlines of rights requests, and how often the retention
/// and overdue-request jobs run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LifecycleConfig {
    pub profile: gembok_core::lifecycle::BusinessProfile,
    pub rights: gembok_core::lifecycle::RightsConfig,
    /// How often retention runs; `None`: never on its own (the CLI can run it).
    pub retention_every: Option<Duration>,
    /// Erase subjects with no change anywhere for this long (`None`: keep them).
    pub inactive_after: Option<gembok_core::schema::Retention>,
    /// How often open requests are checked against their deadlines.
    pub overdue_check_every: Duration,
}

impl Default for LifecycleConfig {
    fn default() -> Self {
        LifecycleConfig {
            profile: gembok_core::lifecycle::BusinessProfile::default(),
            rights: gembok_core::lifecycle::RightsConfig::default(),
            retention_every: Some(Duration::from_secs(24 * 3600)),
            inactive_after: None,
            overdue_check_every: Duration::from_secs(15 * 60),
        }
    }
}

impl ServerConfig {
    /// A configuration with default limits and no metrics listener.
    pub fn new(listen: SocketAddr, tls: TlsSource) -> Self {
        ServerConfig {
            listen,
            tls,
            metrics_listen: None,
            limits: Limits::default(),
            lifecycle: LifecycleConfig::default(),
        }
    }
}
