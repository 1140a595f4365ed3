//! The one error type of this crate: what can go wrong while setting up or running the
//! server (not the errors of single requests, which are
//! [`ApiError`](crate::api_error::ApiError)s).

use std::net::SocketAddr;
use std::path::PathBuf;

/// Why the server could not be set up or stopped running.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("plain HTTP is only allowed on a loopback address, not {0}; configure TLS")]
    InsecureNotLoopback(SocketAddr),
    #[error("the metrics listener must be on a loopback address, not {0}")]
    MetricsNotLoopback(SocketAddr),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot read TLS file {path}: {reason}")]
    TlsFile { path: PathBuf, reason: String },
    #[error("TLS configuration: {0}")]
    Tls(String),
    #[error("certificate generation: {0}")]
    Certificate(String),
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("server: {0}")]
    Io(#[from] std::io::Error),
    /// The `[cluster] redis_url` cannot be used (the URL itself is not repeated).
    #[error("the Redis URL for shared rate limits is not valid: {0}")]
    Redis(String),
}
