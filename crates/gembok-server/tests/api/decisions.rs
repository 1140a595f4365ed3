//! The decision table: every operation of the OpenAPI document, called by every
//! built-in role and by nobody, against the status the policy should give. The table
//! must cover exactly the document's operations, so a new route cannot slip in
//! without a decision. The records, keys and bodies each call needs, and the loop that
//! makes the calls, are in `decisions_fixture`.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::decisions_fixture::run;

pub(crate) const ROLES: [&str; 6] = ["owner", "admin", "dpo", "support", "analyst", "app"];

/// (method, path template, status per role in `ROLES` order). Records are customers,
/// reads are for the purpose `service`; subject routes act on a customer of their own
/// (erasure on yet another), with bodies that leave the subject as it was where they
/// can. Callers here hold API keys: the login steps
/// ignore them (and refuse the made-up credentials sent), the session routes refuse
/// them with 403 `session_required`.
pub(crate) const TABLE: [(&str, &str, [u16; 6]); 51] = [
    ("GET", "/healthz", [200, 200, 200, 200, 200, 200]),
    ("GET", "/v1/openapi.json", [200, 200, 200, 200, 200, 200]),
    ("GET", "/v1/schema", [200, 200, 200, 200, 200, 200]),
    (
        "GET",
        "/v1/collections/{collection}/records",
        [200, 200, 200, 200, 403, 200],
    ),
    (
        "GET",
        "/v1/collections/{collection}/records/{id}",
        [200, 200, 200, 200, 403, 200],
    ),
    (
        "POST",
        "/v1/collections/{collection}/records/batch-get",
        [200, 200, 200, 200, 403, 200],
    ),
    (
        "POST",
        "/v1/collections/{collection}/search",
        [200, 200, 200, 200, 403, 200],
    ),
    (
        "POST",
        "/v1/collections/{collection}/records",
        [201, 201, 403, 201, 403, 201],
    ),
    (
        "POST",
        "/v1/collections/{collection}/records/batch",
        [201, 201, 403, 201, 403, 201],
    ),
    (
        "PATCH",
        "/v1/collections/{collection}/records/{id}",
        [204, 204, 403, 204, 403, 204],
    ),
    (
        "DELETE",
        "/v1/collections/{collection}/records/{id}",
        [204, 204, 204, 403, 403, 204],
    ),
    ("PUT", "/v1/schema", [200, 200, 403, 403, 403, 403]),
    // `name` is no credential field: who may verify or enrol learns that (422); the
    // others are refused first.
    (
        "POST",
        "/v1/collections/{collection}/records/{id}/fields/{field}/verify",
        [422, 422, 403, 422, 403, 422],
    ),
    (
        "POST",
        "/v1/collections/{collection}/records/{id}/fields/{field}/totp/enrol",
        [422, 422, 403, 422, 403, 422],
    ),
    (
        "POST",
        "/v1/collections/{collection}/records/{id}/fields/{field}/unlock",
        [422, 422, 403, 403, 403, 403],
    ),
    ("GET", "/v1/api-keys", [200, 200, 403, 403, 403, 403]),
    ("POST", "/v1/api-keys", [201, 201, 403, 403, 403, 403]),
    (
        "POST",
        "/v1/api-keys/{id}/rotate",
        [201, 201, 403, 403, 403, 403],
    ),
    (
        "POST",
        "/v1/api-keys/{id}/revoke",
        [204, 204, 403, 403, 403, 403],
    ),
    ("GET", "/v1/audit", [200, 200, 200, 403, 403, 403]),
    ("GET", "/v1/alerts", [200, 200, 200, 403, 403, 403]),
    ("POST", "/v1/auth/login", [401; 6]),
    ("POST", "/v1/auth/enrol", [401; 6]),
    ("POST", "/v1/auth/2fa", [401; 6]),
    ("POST", "/v1/auth/logout", [403; 6]),
    ("GET", "/v1/auth/me", [403; 6]),
    ("GET", "/v1/auth/logins", [403; 6]),
    ("POST", "/v1/auth/reauth", [403; 6]),
    ("POST", "/v1/auth/password", [403; 6]),
    ("POST", "/v1/auth/2fa/enrol", [403; 6]),
    ("POST", "/v1/auth/2fa/disable", [403; 6]),
    ("POST", "/v1/auth/recovery-codes", [403; 6]),
    ("GET", "/v1/users", [200, 200, 403, 403, 403, 403]),
    ("POST", "/v1/users", [201, 201, 403, 403, 403, 403]),
    (
        "POST",
        "/v1/users/{id}/unlock",
        [204, 204, 403, 403, 403, 403],
    ),
    (
        "POST",
        "/v1/users/{id}/enrolment-token",
        [200, 200, 403, 403, 403, 403],
    ),
    (
        "GET",
        "/v1/subjects/{id}/report",
        [200, 200, 200, 403, 403, 403],
    ),
    // `consent_write` suffices to see the state and to record consent (the shop's
    // own sign-up form, an `app` key).
    (
        "GET",
        "/v1/subjects/{id}/state",
        [200, 200, 200, 403, 403, 200],
    ),
    (
        "POST",
        "/v1/subjects/{id}/consent",
        [200, 200, 200, 403, 403, 200],
    ),
    (
        "PUT",
        "/v1/subjects/{id}/restriction",
        [200, 200, 200, 403, 403, 403],
    ),
    (
        "PUT",
        "/v1/subjects/{id}/hold",
        [200, 200, 200, 403, 403, 403],
    ),
    (
        "POST",
        "/v1/subjects/{id}/erase",
        [200, 200, 200, 403, 403, 403],
    ),
    ("POST", "/v1/requests", [201, 201, 201, 403, 403, 403]),
    ("GET", "/v1/requests", [200, 200, 200, 403, 403, 403]),
    (
        "POST",
        "/v1/requests/{id}/close",
        [200, 200, 200, 403, 403, 403],
    ),
    ("POST", "/v1/retention/run", [200, 200, 200, 403, 403, 403]),
    (
        "GET",
        "/v1/reports/minimisation",
        [200, 200, 200, 403, 403, 403],
    ),
    ("GET", "/v1/privacy/processing", [200; 6]),
    ("GET", "/privacy", [200; 6]),
    ("GET", "/privacy.json", [200; 6]),
    // Last: it revokes the caller's key too.
    (
        "POST",
        "/v1/api-keys/revoke-all",
        [200, 200, 403, 403, 403, 403],
    ),
];

/// Public paths give everyone, with or without a key, the same answer.
pub(crate) const PUBLIC: [&str; 7] = [
    "/healthz",
    "/v1/openapi.json",
    "/v1/auth/login",
    "/v1/auth/enrol",
    "/v1/auth/2fa",
    "/privacy",
    "/privacy.json",
];

fn documented_operations() -> BTreeSet<(String, String)> {
    let doc: Value = serde_json::from_str(&gembok_server::openapi_json()).unwrap();
    let mut ops = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            if ["get", "put", "post", "delete", "patch", "head", "options"]
                .contains(&method.as_str())
            {
                ops.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    ops
}

#[test]
fn table_covers_exactly_the_documented_operations() {
    let table: BTreeSet<(String, String)> = TABLE
        .iter()
        .map(|(m, p, _)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    assert_eq!(table, documented_operations());
    // The document marks exactly the public paths as needing no credentials.
    let doc: Value = serde_json::from_str(&gembok_server::openapi_json()).unwrap();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for op in item.as_object().unwrap().values() {
            let secured = op.get("security").is_some();
            assert_eq!(secured, !PUBLIC.contains(&path.as_str()), "{path}");
        }
    }
}

#[tokio::test]
async fn decisions_owner() {
    run(Some("owner")).await;
}

#[tokio::test]
async fn decisions_admin() {
    run(Some("admin")).await;
}

#[tokio::test]
async fn decisions_dpo() {
    run(Some("dpo")).await;
}

#[tokio::test]
async fn decisions_support() {
    run(Some("support")).await;
}

#[tokio::test]
async fn decisions_analyst() {
    run(Some("analyst")).await;
}

#[tokio::test]
async fn decisions_app() {
    run(Some("app")).await;
}

#[tokio::test]
async fn decisions_without_credentials() {
    run(None).await;
}
