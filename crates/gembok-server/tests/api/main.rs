//! End-to-end tests of the HTTPS API: a real vault on a temporary SQLite store, the real
//! server on 127.0.0.1 with a self-signed certificate, and a `reqwest` client that
//! trusts exactly that certificate. One test binary, one module per concern.

mod admin;
mod audit;
mod audit_log;
mod auth;
mod auth_limits;
mod auth_sessions;
mod auth_support;
mod common;
mod credentials;
mod decisions;
mod decisions_fixture;
mod headers;
mod input;
mod keys;
mod lifecycle;
mod lifecycle_processing;
mod limits;
mod logs;
mod masking;
mod openapi;
mod records;
mod subjects;
mod tls;
mod users;
