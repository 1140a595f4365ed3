//! Security headers on every answer of the API, errors included.
//!
//! The API serves JSON, so the content security policy forbids everything; `no-store`
//! keeps personal data out of browser and proxy caches. The few handlers serving a
//! page or a document without personal data (the public privacy notice) set their own
//! `Cache-Control` and content security policy, which are kept; every other header is
//! always ours.

use axum::extract::Request;
use axum::http::{header, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

pub(crate) const HSTS: &str = "max-age=31536000; includeSubDomains";
pub(crate) const CSP: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

pub(crate) async fn security_headers(req: Request, next: Next) -> Response {
    let mut response = next.run(req).await;
    let h = response.headers_mut();
    let set = |h: &mut axum::http::HeaderMap, name: HeaderName, value: &'static str| {
        h.insert(name, HeaderValue::from_static(value));
    };
    set(h, header::STRICT_TRANSPORT_SECURITY, HSTS);
    set(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(h, header::REFERRER_POLICY, "no-referrer");
    set(h, header::X_FRAME_OPTIONS, "DENY");
    for (name, value) in [
        (header::CONTENT_SECURITY_POLICY, CSP),
        (header::CACHE_CONTROL, "no-store"),
    ] {
        if !h.contains_key(&name) {
            set(h, name, value);
        }
    }
    response
}
