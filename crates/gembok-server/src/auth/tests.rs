//! The credential parsing that needs no server: the session cookie found among others
//! (and only under its `__Host-` name), and which methods are exempt from the CSRF check.

use super::*;
use axum::http::HeaderValue;

#[test]
fn the_session_cookie_is_found_among_others() {
    let mut h = HeaderMap::new();
    assert!(session_cookie(&h).is_none());
    h.append(header::COOKIE, HeaderValue::from_static("a=1; b=2"));
    assert!(session_cookie(&h).is_none());
    h.append(
        header::COOKIE,
        HeaderValue::from_static("theme=dark; __Host-gembok_session=gbs_abc; x=y"),
    );
    assert_eq!(session_cookie(&h).unwrap().as_str(), "gbs_abc");
    let mut h = HeaderMap::new();
    h.insert(
        header::COOKIE,
        HeaderValue::from_static("gembok_session=gbs_abc"),
    );
    assert!(session_cookie(&h).is_none(), "the prefix is required");
}

#[test]
fn only_get_head_and_options_skip_csrf() {
    assert!(is_safe(&Method::GET) && is_safe(&Method::HEAD) && is_safe(&Method::OPTIONS));
    for m in [Method::POST, Method::PUT, Method::PATCH, Method::DELETE] {
        assert!(!is_safe(&m));
    }
}
