//! Credentials belong in the `Authorization` header only. A key in a URL ends up in
//! proxy logs, browser history and referrers, so a query string that looks like it
//! carries one is refused before anything else looks at it (and it is never logged:
//! request logs hold the route template, not the URL).

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::api_error::ApiError;

/// Query parameter names that carry credentials in common APIs.
const CREDENTIAL_NAMES: [&str; 9] = [
    "key",
    "api_key",
    "apikey",
    "api-key",
    "token",
    "access_token",
    "auth",
    "authorization",
    "bearer",
];

pub(crate) async fn refuse_credentials_in_url(req: Request, next: Next) -> Response {
    if req.uri().query().is_some_and(carries_credentials)
        || req.uri().path().split('/').any(looks_like_key)
    {
        return ApiError::bad_request(
            "credentials_in_url",
            "credentials are not accepted in the URL; send Authorization: Bearer <key> and revoke any key that was sent in a URL",
        )
        .into_response();
    }
    next.run(req).await
}

fn carries_credentials(query: &str) -> bool {
    query.split('&').any(|pair| {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let name = decode(name).to_ascii_lowercase();
        CREDENTIAL_NAMES.contains(&name.as_str()) || looks_like_key(&decode(value))
    })
}

/// A whole key, or something long enough to be most of one.
fn looks_like_key(s: &str) -> bool {
    gembok_core::apikeys::format::well_formed(s) || (s.starts_with("gembok_") && s.len() >= 40)
}

/// Percent- and plus-decoding, lossy: good enough to recognise a name or a key prefix.
fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h << 4 | l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn any_query_is_judged_without_panicking(query in "\\PC{0,64}") {
            let _ = carries_credentials(&query);
        }

        #[test]
        fn a_real_key_is_found_wherever_it_is_encoded(
            name in "[a-z]{1,8}",
            body in "[A-Za-z0-9_-]{43}",
        ) {
            let key = format!("gembok_{body}_000000");
            // Shape alone (prefix and length) is enough to refuse, checksum or not.
            let encoded = key.replace('_', "%5F");
            let plain = format!("{name}={key}");
            let escaped = format!("{name}={encoded}");
            proptest::prop_assert!(carries_credentials(&plain));
            proptest::prop_assert!(carries_credentials(&escaped));
        }
    }

    #[test]
    fn recognises_keys_in_query_strings() {
        let table = [
            ("api_key=abc", true),
            ("API_KEY=abc", true),
            ("access%5Ftoken=x", true),
            ("fields=name&token=", true),
            (
                "after=1&x=gembok_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH",
                true,
            ),
            (
                "x=gembok%5Fabcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH",
                true,
            ),
            ("fields=gembok_note", false),
            ("fields=name,email&limit=10", false),
            ("after=0190a8b2-0000-7000-8000-000000000000", false),
            ("%", false),
            ("a=%4", false),
            ("a=%é%", false),
        ];
        for (query, expected) in table {
            assert_eq!(carries_credentials(query), expected, "{query}");
        }
    }
}
