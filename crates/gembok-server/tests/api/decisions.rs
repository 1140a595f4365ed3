//! The decision table: every operation of the OpenAPI document, called by every
//! built-in role and by nobody, against the status the policy should give. The table
//! must cover exactly the document's operations, so a new route cannot slip in
//! without a decision.

use gembok_core::lifecycle::{RequestKind, RightsConfig};
use gembok_core::Actor;
use std::collections::BTreeSet;

use gembok_core::DEFAULT_SCHEMA;
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::*;

const ROLES: [&str; 6] = ["owner", "admin", "dpo", "support", "analyst", "app"];

/// (method, path template, status per role in `ROLES` order). Records are customers,
/// reads are for the purpose `service`; subject routes act on a customer of their own
/// (erasure on yet another), with bodies that leave the subject as it was where they
/// can. Callers here hold API keys: the login steps
/// ignore them (and refuse the made-up credentials sent), the session routes refuse
/// them with 403 `session_required`.
const TABLE: [(&str, &str, [u16; 6]); 51] = [
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
const PUBLIC: [&str; 7] = [
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

struct Fixture {
    read_id: String,
    delete_id: String,
    rotate_key: String,
    revoke_key: String,
    /// A staff account that has not enrolled yet.
    account_id: String,
    /// The customer the subject routes act on, and the one erasure removes.
    subject_id: String,
    erase_id: String,
    /// An open rights request.
    request_id: String,
}

async fn fixture(app: &App) -> Fixture {
    let read_id = app.create_customer(customer()).await;
    let mut other = customer();
    other["email"] = json!("other@example.co.id");
    let delete_id = app.create_customer(other).await;
    let mut subject = customer();
    subject["email"] = json!("subject@example.co.id");
    let subject_id = app.create_customer(subject).await;
    let mut erased = customer();
    erased["email"] = json!("erased@example.co.id");
    let erase_id = app.create_customer(erased).await;
    let request_id = app
        .vault
        .open_request(
            &Actor::system(),
            RequestKind::Access,
            None,
            "uu_pdp",
            None,
            &RightsConfig::default(),
        )
        .unwrap()
        .id;
    let victim = |_: ()| {
        app.keys
            .create(&Actor::system(), &spec("analyst"), now_ms())
            .unwrap()
            .id
    };
    Fixture {
        read_id,
        delete_id,
        rotate_key: victim(()),
        revoke_key: victim(()),
        account_id: app
            .accounts
            .create(
                &Actor::system(),
                "pending@example.co.id",
                "support",
                now_ms(),
            )
            .unwrap()
            .info
            .id
            .to_string(),
        subject_id,
        erase_id,
        request_id,
    }
}

fn concrete(method: &str, template: &str, f: &Fixture) -> String {
    let id = match (method, template.starts_with("/v1/api-keys")) {
        _ if template.starts_with("/v1/users/") => &f.account_id,
        _ if template.ends_with("/erase") => &f.erase_id,
        _ if template.starts_with("/v1/subjects/") => &f.subject_id,
        _ if template.starts_with("/v1/requests/") => &f.request_id,
        ("POST", true) if template.ends_with("/rotate") => &f.rotate_key,
        ("POST", true) => &f.revoke_key,
        ("DELETE", _) => &f.delete_id,
        _ => &f.read_id,
    };
    template
        .replace("{collection}", "customers")
        .replace("{id}", id)
        .replace("{field}", "name")
}

fn body(method: &str, template: &str, f: &Fixture) -> Option<Value> {
    let b = match (method, template) {
        ("POST", "/v1/collections/{collection}/records") => customer(),
        ("POST", "/v1/collections/{collection}/records/batch") => json!({"records": [customer()]}),
        ("POST", "/v1/collections/{collection}/records/batch-get") => json!({"ids": [f.read_id]}),
        ("POST", "/v1/collections/{collection}/search") => {
            json!({"field": "email", "value": customer()["email"]})
        }
        ("PATCH", _) => json!({"name": "Siti Updated"}),
        ("PUT", "/v1/schema") => json!({"document": DEFAULT_SCHEMA}),
        ("POST", "/v1/api-keys") => json!({"role": "analyst", "expires_in_days": 1}),
        ("POST", "/v1/api-keys/{id}/rotate") => json!({"grace_hours": 1}),
        ("POST", "/v1/auth/login") => json!({"email": "nobody@example.co.id", "password": "x"}),
        ("POST", "/v1/auth/enrol") => json!({"token": "gbs_made-up", "password": "x"}),
        ("POST", "/v1/auth/2fa") => json!({"challenge": "gbs_made-up", "code": "123456"}),
        ("POST", "/v1/users") => json!({"email": "new@example.co.id", "role": "support"}),
        ("POST", t) if t.ends_with("/verify") => json!({"value": "a guess"}),
        ("POST", "/v1/subjects/{id}/erase") => json!({"purpose": "dpo"}),
        ("POST", "/v1/subjects/{id}/consent") => {
            json!({"purpose": "marketing", "granted": true, "source": "web_form"})
        }
        ("PUT", "/v1/subjects/{id}/restriction") => json!({"restricted": false}),
        ("PUT", "/v1/subjects/{id}/hold") => json!({"hold": null}),
        ("POST", "/v1/requests") => json!({"kind": "access"}),
        ("POST", "/v1/requests/{id}/close") => {
            json!({"status": "completed", "resolution": "done"})
        }
        ("POST", "/v1/retention/run") => json!({"dry_run": true}),
        _ => return None,
    };
    Some(b)
}

async fn run(role: Option<&str>) {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let key = role.map(|r| app.key(r));
    let mut failures = Vec::new();
    for (method, template, statuses) in TABLE {
        let expected = match role {
            Some(r) => statuses[ROLES.iter().position(|x| *x == r).unwrap()],
            None if PUBLIC.contains(&template) => statuses[0],
            None => 401,
        };
        let path = concrete(method, template, &f);
        let mut req = app
            .req(
                Method::from_bytes(method.as_bytes()).unwrap(),
                &path,
                key.as_deref(),
            )
            .header(PURPOSE, "service");
        if let Some(b) = body(method, template, &f) {
            req = req.json(&b);
        }
        let r = req.send().await.unwrap();
        let got = r.status().as_u16();
        if got != expected {
            let text = r.text().await.unwrap_or_default();
            failures.push(format!(
                "{method} {template}: expected {expected}, got {got} {text}"
            ));
        }
    }
    if role.is_none() {
        for path in ["/v1/nope", "/v1/collections/customers", "/metrics", "/"] {
            let r = app.req(Method::GET, path, None).send().await.unwrap();
            if r.status() != 401 {
                failures.push(format!("GET {path} without credentials: {}", r.status()));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "role {role:?}:\n{}",
        failures.join("\n")
    );
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
