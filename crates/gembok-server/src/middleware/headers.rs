//! Security headers on every answer of the API, errors included.
//!
//! The API serves JSON only, so the content security policy forbids everything;
//! `no-store` keeps personal data out of browser and proxy caches.

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
    set(h, header::CONTENT_SECURITY_POLICY, CSP);
    set(h, header::X_FRAME_OPTIONS, "DENY");
    set(h, header::CACHE_CONTROL, "no-store");
    response
}
