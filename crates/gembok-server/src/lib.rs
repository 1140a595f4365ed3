//! Gembok's HTTPS JSON API.
//!
//! This crate owns the network edge: TLS (rustls with the aws-lc-rs provider, TLS 1.2
//! and 1.3, AEAD suites with ECDHE only), authentication of `Authorization: Bearer`
//! API keys and of staff sessions (bearer token, or `__Host-` cookie with a CSRF
//! token), staff login with 2FA, rate limits, size and time limits, the security
//! headers, the JSON error format, the metrics listener and the OpenAPI document. It
//! knows no SQL and never touches the vault directly: every handler goes through
//! [`gembok_core::Gate`], the single authorisation point.
//!
//! A request passes, outermost first: security headers, the JSON error normaliser,
//! request logging and metrics, the refusal of credentials in the URL, the per-address
//! rate limit, the per-address limit on credential attempts and the request timeout;
//! then, for every route but `/healthz`, `/v1/openapi.json`, the login steps
//! (`/v1/auth/login`, `/v1/auth/enrol`, `/v1/auth/2fa`) and the privacy notice
//! (`/privacy`, `/privacy.json`), authentication with the
//! per-key rate limit and the body limit; and finally the handler. Below all of this,
//! each connection has a TLS handshake timeout, a header-read timeout and header size
//! limits (see `serve`).
//!
//! The request id made by the logging layer and the peer address travel with the
//! authenticated principal into every audit event; refused credentials become
//! `auth.failed` events. `GET /v1/audit` and `GET /v1/alerts` read the log and the
//! monitoring alerts back, for roles with the `audit_read` right.
//!
//! The data lifecycle is exposed under `/v1/subjects/{id}/...` (erasure, report,
//! restriction, hold, consent), `/v1/requests`, `/v1/retention/run`,
//! `/v1/reports/minimisation` and `/v1/privacy/processing`; while it serves, the server
//! also runs retention and the overdue-request check on their schedule (see `jobs`).
//!
//! The `gembok serve` command builds a [`ServerConfig`], calls [`Server::bind`] with a
//! [`gembok_core::Gate`], a [`gembok_core::apikeys::ApiKeys`] and a
//! [`gembok_core::accounts::Accounts`] over the same store, prints
//! [`Server::local_addr`], and awaits [`Server::run`].
#![forbid(unsafe_code)]

mod api_error;
mod auth;
mod config;
mod error;
mod extract;
mod jobs;
mod metrics;
mod middleware;
mod openapi;
mod routes;
mod serve;
mod state;
mod tls;

pub use config::{LifecycleConfig, Limits, RedisUrl, ServerConfig, TlsSource};
pub use error::ServerError;
pub use openapi::openapi_json;
pub use serve::{Server, ShutdownHandle};
pub use tls::{certificate_fingerprint, generate_self_signed, rustls_server_config};
