//! The layers every request passes, each in its own file: security headers, the error
//! body normaliser, request logging with metrics, the refusal of credentials in URLs,
//! rate limits, and the per-address limit on credential attempts.

pub(crate) mod counter;
pub(crate) mod errors;
pub(crate) mod headers;
pub(crate) mod login_limit;
pub(crate) mod ratelimit;
pub(crate) mod trace;
pub(crate) mod url_credentials;
