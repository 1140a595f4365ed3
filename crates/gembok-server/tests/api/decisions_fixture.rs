//! What the decision table needs to call every operation for real: a fixture of
//! records, keys, a pending account and an open request to aim the path templates at,
//! a body for each operation that takes one, and `run`, which makes every call as one
//! role (or none) and collects each status that differs from the table's.

use gembok_core::lifecycle::{RequestKind, RightsConfig};
use gembok_core::Actor;
use gembok_core::DEFAULT_SCHEMA;
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::*;
use crate::decisions::{PUBLIC, ROLES, TABLE};

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

pub(crate) async fn run(role: Option<&str>) {
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
