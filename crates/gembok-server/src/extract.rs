//! Request extractors whose refusals are our own [`ApiError`]s: axum's default rejection
//! texts can quote the submitted input, which may be personal data.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, OptionalFromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use gembok_core::accounts::StaffSession;
use gembok_core::Principal;
use gembok_types::RecordId;
use serde::de::DeserializeOwned;
use zeroize::Zeroizing;

use crate::api_error::ApiError;

/// The header that states why personal data is read.
pub(crate) const PURPOSE_HEADER: &str = "gembok-purpose";

/// URL path parameters.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub(crate) struct Path<T>(pub T);

/// Query string parameters.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub(crate) struct Query<T>(pub T);

impl From<PathRejection> for ApiError {
    fn from(_: PathRejection) -> Self {
        ApiError::bad_request("invalid_path", "the URL path is not valid")
    }
}

impl From<QueryRejection> for ApiError {
    fn from(_: QueryRejection) -> Self {
        ApiError::bad_request("invalid_query", "the query string is not valid")
    }
}

/// A record id from the path; ids are UUIDs.
pub(crate) fn record_id(text: &str) -> Result<RecordId, ApiError> {
    text.parse()
        .map_err(|_| ApiError::bad_request("invalid_id", "a record id is a UUID"))
}

/// A JSON body. Refusals say what is wrong and where (line, column), never what was sent.
pub(crate) struct Json<T>(pub T);

impl<T, S> FromRequest<S> for Json<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_json(req.headers().get(header::CONTENT_TYPE)) {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "send the body as application/json",
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|r| {
            if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::for_status(StatusCode::PAYLOAD_TOO_LARGE)
            } else {
                ApiError::bad_request("invalid_body", "the request body could not be read")
            }
        })?;
        parse_json(&bytes).map(Json)
    }
}

fn is_json(value: Option<&header::HeaderValue>) -> bool {
    let Some(v) = value.and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = v
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// Decode a JSON body into `T`.
pub(crate) fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let text = std::str::from_utf8(bytes).map_err(|_| {
        ApiError::bad_request("invalid_json", "the request body is not valid UTF-8")
    })?;
    serde_json::from_str(text).map_err(|e| json_error(&e))
}

fn json_error(e: &serde_json::Error) -> ApiError {
    use serde_json::error::Category;
    let at = format!("line {}, column {}", e.line(), e.column());
    match e.classify() {
        Category::Syntax | Category::Eof | Category::Io => ApiError::bad_request(
            "invalid_json",
            format!("the request body is not valid JSON ({at})"),
        ),
        Category::Data => {
            // serde's text quotes offending values, which may be personal data; only the
            // forms that name our own field names are passed on.
            let full = e.to_string();
            let msg = full
                .strip_suffix(&format!(" at line {} column {}", e.line(), e.column()))
                .unwrap_or(&full);
            let detail = if msg.starts_with("missing field") || msg.starts_with("duplicate field") {
                msg.to_owned()
            } else if let Some((_, expected)) = msg
                .strip_prefix("unknown field")
                .and_then(|m| m.split_once(", expected "))
            {
                format!("unknown field; expected {expected}")
            } else {
                "a value has the wrong type or is out of range".to_owned()
            };
            ApiError::bad_request("invalid_body", format!("{detail} ({at})"))
        }
    }
}

/// The `Gembok-Purpose` header, if present and not empty.
pub(crate) struct Purpose(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for Purpose {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        match parts.headers.get(PURPOSE_HEADER) {
            None => Ok(Purpose(None)),
            Some(v) => {
                let text = v.to_str().map_err(|_| {
                    ApiError::bad_request(
                        "invalid_purpose",
                        "Gembok-Purpose must be plain ASCII text",
                    )
                })?;
                let text = text.trim();
                Ok(Purpose((!text.is_empty()).then(|| text.to_owned())))
            }
        }
    }
}

/// The authenticated caller, put on the request by [`crate::auth::require_key`].
#[derive(Clone)]
pub(crate) struct Caller(pub Arc<Principal>);

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Caller>()
            .cloned()
            .ok_or_else(|| ApiError::unauthorized("valid credentials are required"))
    }
}

/// A caller authenticated by a staff session (bearer token or cookie), put on the
/// request next to its [`Caller`] by [`crate::auth::require_key`]. Handlers that only
/// a person may use take it and refuse API keys with 403 `session_required`; handlers
/// that take `Option<StaffCaller>` apply extra checks (recent re-authentication) to
/// people only.
#[derive(Clone)]
pub(crate) struct StaffCaller {
    pub session: Arc<StaffSession>,
    /// The session token itself, kept for logout; never logged (no `Debug`).
    pub token: Arc<Zeroizing<String>>,
}

impl<S: Send + Sync> FromRequestParts<S> for StaffCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<StaffCaller>()
            .cloned()
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::FORBIDDEN,
                    "session_required",
                    "this request needs a staff session (log in at /v1/auth/login), not an API key",
                )
            })
    }
}

impl<S: Send + Sync> OptionalFromRequestParts<S> for StaffCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Option<Self>, Self::Rejection> {
        Ok(parts.extensions.get::<StaffCaller>().cloned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        grace_hours: u32,
    }

    #[test]
    fn refusals_never_quote_the_input() {
        let cases: [(&[u8], &str); 6] = [
            (b"{\"grace_hours\": \"3171-0901-0001\"}", "invalid_body"),
            (b"{\"grace_hours\": 99999999999999999999}", "invalid_body"),
            (b"{\"secret-ish\": 1}", "invalid_body"),
            (b"{\"grace_hours\": 1", "invalid_json"),
            (b"[\"3171-0901-0001\"", "invalid_body"),
            (b"{\"grace_hours\": \"\xff\xfe\"}", "invalid_json"),
        ];
        for (input, code) in cases {
            let err = parse_json::<Body>(input).unwrap_err();
            assert_eq!(err.code, code, "{err:?}");
            assert!(!err.message.contains("3171"), "{}", err.message);
            assert!(!err.message.contains("secret-ish"), "{}", err.message);
            assert!(!err.message.contains("9999"), "{}", err.message);
        }
    }

    #[test]
    fn unknown_and_missing_fields_name_only_our_fields() {
        let err = parse_json::<Body>(b"{\"grace_hours\": 1, \"x\": 2}").unwrap_err();
        assert!(err.message.contains("`grace_hours`"), "{}", err.message);
        let err = parse_json::<Body>(b"{}").unwrap_err();
        assert!(
            err.message.contains("missing field `grace_hours`"),
            "{}",
            err.message
        );
    }

    proptest::proptest! {
        #[test]
        fn no_refusal_quotes_a_submitted_string(value in "[A-Za-z0-9@. +-]{6,40}") {
            let bodies = [
                format!("{{\"grace_hours\": \"{value}\"}}"),
                format!("{{\"grace_hours\": [\"{value}\"]}}"),
                format!("{{\"{value}\": 1}}"),
                format!("[\"{value}\", 1]"),
                format!("{{\"grace_hours\": \"{value}"),
            ];
            for body in bodies {
                if let Err(e) = parse_json::<Body>(body.as_bytes()) {
                    proptest::prop_assert!(!e.message.contains(value.as_str()), "{}", e.message);
                }
            }
        }
    }

    #[test]
    fn json_content_types() {
        let ok = |s: &'static str| is_json(Some(&header::HeaderValue::from_static(s)));
        assert!(ok("application/json"));
        assert!(ok("application/json; charset=utf-8"));
        assert!(ok("application/merge-patch+json"));
        assert!(!ok("text/plain"));
        assert!(!is_json(None));
    }
}
