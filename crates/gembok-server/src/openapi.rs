//! The OpenAPI 3.1 document, generated from the handlers' and bodies' annotations.
//! A copy is committed at `docs/openapi.json`; a test fails when the two differ.

use std::sync::OnceLock;

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::api_error::{ErrorBody, ErrorDetail};
use crate::routes::{alerts, apikeys, audit, dto, health, records, schema, search};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Gembok API",
        description = "The HTTPS JSON API of Gembok, a customer-data vault. Every route but /healthz and /v1/openapi.json needs `Authorization: Bearer <API key>`; reads of personal data state a purpose in the `Gembok-Purpose` header. Errors are `{\"error\": {\"code\", \"message\"}}`.",
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
        schema::get,
        schema::put,
        apikeys::create,
        apikeys::list,
        apikeys::rotate,
        apikeys::revoke,
        apikeys::revoke_all,
        audit::query,
        alerts::list,
    ),
    components(schemas(ErrorBody, ErrorDetail, dto::RecordFields)),
    modifiers(&BearerAuth),
    tags(
        (name = "records", description = "Records of a collection"),
        (name = "schema", description = "The vault's schema"),
        (name = "api-keys", description = "Scoped, expiring API keys"),
        (name = "audit", description = "The tamper-evident audit log and monitoring alerts"),
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
                    .bearer_format("gembok API key")
                    .description(Some(
                        "An API key: `Authorization: Bearer gembok_...`. Never in a URL.",
                    ))
                    .build(),
            ),
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
