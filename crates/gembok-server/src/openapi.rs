//! The OpenAPI 3.1 document, generated from the handlers' and bodies' annotations.
//! A copy is committed at `docs/openapi.json`; a test fails when the two differ.

use std::sync::OnceLock;

use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::api_error::{ErrorBody, ErrorDetail};
use crate::routes::{
    alerts, apikeys, audit, auth, auth_session, credentials, dto, dto_auth, dto_lifecycle, health,
    privacy, records, requests, schema, search, subjects, users,
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Gembok API",
        description = "The HTTPS JSON API of Gembok, a customer-data vault. Every route but /healthz, /v1/openapi.json, the login steps (/v1/auth/login, /v1/auth/enrol, /v1/auth/2fa) and the privacy notice (/privacy, /privacy.json) needs `Authorization: Bearer <API key or staff session token>` or the `__Host-gembok_session` cookie (with `X-CSRF-Token` on requests that change state); reads of personal data state a purpose in the `Gembok-Purpose` header. Errors are `{\"error\": {\"code\", \"message\"}}`.",
        license(name = "Apache-2.0"),
    ),
    paths(
        health::healthz,
        health::openapi_document,
        records::create,
        records::list,
        records::create_batch,
        records::get_batch,
        records::get,
        records::update,
        records::delete,
        search::search,
        credentials::verify,
        credentials::enrol,
        credentials::unlock,
        schema::get,
        schema::put,
        apikeys::create,
        apikeys::list,
        apikeys::rotate,
        apikeys::revoke,
        apikeys::revoke_all,
        audit::query,
        alerts::list,
        auth::login,
        auth::enrol,
        auth::second_factor,
        auth_session::logout,
        auth_session::me,
        auth_session::logins,
        auth_session::reauth,
        auth_session::change_password,
        auth_session::begin_totp,
        auth_session::disable_totp,
        auth_session::recovery_codes,
        users::create,
        users::list,
        users::unlock,
        users::reissue_enrolment,
        subjects::erase,
        subjects::report,
        subjects::state,
        subjects::restriction,
        subjects::hold,
        subjects::consent,
        requests::open,
        requests::list,
        requests::close,
        requests::retention,
        requests::minimisation,
        privacy::processing,
        privacy::notice_html,
        privacy::notice_json,
    ),
    components(schemas(ErrorBody, ErrorDetail, dto::RecordFields, dto_auth::ChallengeOut, dto_auth::TotpEnrolmentOut, dto_lifecycle::SubjectReportOut, dto_lifecycle::PrivacyNoticeOut)),
    modifiers(&BearerAuth),
    tags(
        (name = "records", description = "Records of a collection"),
        (name = "credentials", description = "Customers' passwords and TOTP secrets: verify, enrol, unlock"),
        (name = "schema", description = "The vault's schema"),
        (name = "api-keys", description = "Scoped, expiring API keys"),
        (name = "audit", description = "The tamper-evident audit log and monitoring alerts"),
        (name = "auth", description = "Staff login: password, 2FA, sessions (bearer token or `__Host-gembok_session` cookie with `X-CSRF-Token`), re-authentication"),
        (name = "users", description = "Staff accounts: create with a one-time enrolment token, list, unlock"),
        (name = "subjects", description = "Data-subject rights: erasure, the subject report, restriction, legal hold, consent, rights requests with deadlines, retention and the minimisation report"),
        (name = "privacy", description = "The public privacy notice (HTML and JSON) and the records of processing"),
        (name = "meta", description = "Liveness and this document"),
    ),
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("gembok API key or staff session token")
                    .description(Some(
                        "An API key (`Authorization: Bearer gembok_...`) or a staff session \
                         token from POST /v1/auth/login (`Authorization: Bearer gbs_...`). \
                         Never in a URL.",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session_cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                "__Host-gembok_session",
                "The staff session cookie set by the login answer. Requests other than \
                 GET, HEAD and OPTIONS must also send the session's CSRF token in \
                 `X-CSRF-Token`.",
            ))),
        );
    }
}

/// The OpenAPI document as pretty-printed JSON, with a final newline.
pub fn openapi_json() -> String {
    document().to_owned()
}

pub(crate) fn document() -> &'static str {
    static DOC: OnceLock<String> = OnceLock::new();
    DOC.get_or_init(|| {
        let mut text = ApiDoc::openapi()
            .to_pretty_json()
            .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
        text.push('\n');
        text
    })
}
