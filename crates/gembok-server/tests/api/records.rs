//! Record endpoints: create, read, update, delete, batches, listing and search, with
//! their main errors.

use reqwest::Method;
use serde_json::{json, Value};

use crate::common::*;

#[tokio::test]
async fn create_get_update_delete_one_record() {
    let app = spawn_app().await;
    let id = app.create_customer(customer()).await;
    let path = format!("/v1/collections/customers/records/{id}");

    let r = app
        .owner(Method::GET, &path)
        .header(PURPOSE, "service")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let rec: Value = r.json().await.unwrap();
    assert_eq!(rec["id"], id);
    assert_eq!(rec["collection"], "customers");
    assert_eq!(rec["fields"]["name"], "Siti Rahayu");
    assert_eq!(rec["fields"]["email"], "siti.rahayu@example.co.id");
    // `service` is not a purpose of nik or address in the schema: not returned.
    assert!(rec["fields"].get("nik").is_none());
    assert!(rec["fields"].get("address").is_none());

    let r = app
        .owner(Method::GET, &format!("{path}?fields=name"))
        .header(PURPOSE, "service")
        .send()
        .await
        .unwrap();
    let rec: Value = r.json().await.unwrap();
    assert_eq!(rec["fields"].as_object().unwrap().len(), 1);

    let r = app.owner(Method::GET, &path).send().await.unwrap();
    assert_eq!(
        (r.status().as_u16(), error_code(r).await.as_str()),
        (400, "purpose_required")
    );

    let r = app
        .owner(Method::PATCH, &path)
        .json(&json!({"name": "Siti R."}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let r = app
        .owner(Method::GET, &path)
        .header(PURPOSE, "service")
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.json::<Value>().await.unwrap()["fields"]["name"],
        "Siti R."
    );

    let r = app
        .owner(Method::PATCH, &path)
        .json(&json!({"favourite_colour": "blue"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        (r.status().as_u16(), error_code(r).await.as_str()),
        (422, "undeclared_field")
    );

    let r = app.owner(Method::DELETE, &path).send().await.unwrap();
    assert_eq!(r.status(), 204);
    let r = app
        .owner(Method::GET, &path)
        .header(PURPOSE, "service")
        .send()
        .await
        .unwrap();
    assert_eq!(
        (r.status().as_u16(), error_code(r).await.as_str()),
        (404, "not_found")
    );
    let r = app.owner(Method::DELETE, &path).send().await.unwrap();
    assert_eq!(r.status(), 404);
}

#[tokio::test]
async fn bad_ids_and_unknown_collections() {
    let app = spawn_app().await;
    let cases = [
        (
            Method::GET,
            "/v1/collections/customers/records/not-a-uuid",
            400,
            "invalid_id",
        ),
        (
            Method::GET,
            "/v1/collections/nope/records/0190a8b2-0000-7000-8000-000000000000",
            404,
            "not_found",
        ),
        (
            Method::GET,
            "/v1/collections/nope/records",
            404,
            "not_found",
        ),
        (Method::GET, "/v1/no/such/path", 404, "not_found"),
        (Method::DELETE, "/healthz", 405, "method_not_allowed"),
    ];
    for (method, path, status, code) in cases {
        let r = app
            .owner(method, path)
            .header(PURPOSE, "service")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), status, "{path}");
        assert_eq!(error_code(r).await, code, "{path}");
    }
}

#[tokio::test]
async fn batch_create_and_batch_get() {
    let app = spawn_app().await;
    let mut second = customer();
    second["email"] = json!("budi@example.co.id");
    let r = app
        .owner(Method::POST, "/v1/collections/customers/records/batch")
        .json(&json!({"records": [customer(), second]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let ids: Vec<String> =
        serde_json::from_value(r.json::<Value>().await.unwrap()["ids"].clone()).unwrap();
    assert_eq!(ids.len(), 2);

    let r = app
        .owner(Method::POST, "/v1/collections/customers/records/batch-get")
        .header(PURPOSE, "service")
        .json(&json!({"ids": ids, "fields": ["email"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    let emails: Vec<&str> = body["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["fields"]["email"].as_str().unwrap())
        .collect();
    assert_eq!(emails.len(), 2);
    assert!(emails.contains(&"budi@example.co.id"));

    // One bad row refuses the whole batch.
    let r = app
        .owner(Method::POST, "/v1/collections/customers/records/batch")
        .json(&json!({"records": [customer(), {"name": "X", "email": "not an email"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        (r.status().as_u16(), error_code(r).await.as_str()),
        (422, "invalid_data")
    );
    assert_eq!(app.count("customers"), 2);

    let r = app
        .owner(Method::POST, "/v1/collections/customers/records/batch-get")
        .header(PURPOSE, "service")
        .json(&json!({"ids": ["nope"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        (r.status().as_u16(), error_code(r).await.as_str()),
        (400, "invalid_id")
    );
}

#[tokio::test]
async fn list_pages_with_a_cursor_and_no_personal_data() {
    let app = spawn_app().await;
    for i in 0..3 {
        let mut c = customer();
        c["email"] = json!(format!("c{i}@example.co.id"));
        app.create_customer(c).await;
    }
    let r = app
        .owner(Method::GET, "/v1/collections/customers/records?limit=2")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let text = r.text().await.unwrap();
    assert!(
        !text.contains("Siti") && !text.contains("example.co.id"),
        "{text}"
    );
    let page: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(page["records"].as_array().unwrap().len(), 2);
    assert!(page["records"][0].get("fields").is_none());
    let next = page["next"].as_str().unwrap().to_owned();
    let r = app
        .owner(
            Method::GET,
            &format!("/v1/collections/customers/records?after={next}&limit=2"),
        )
        .send()
        .await
        .unwrap();
    let page: Value = r.json().await.unwrap();
    assert_eq!(page["records"].as_array().unwrap().len(), 1);
    assert!(page["next"].is_null());

    for query in [
        "limit=0",
        "limit=abc",
        "limit=100000",
        "after=xyz",
        "sort=name",
    ] {
        let r = app
            .owner(
                Method::GET,
                &format!("/v1/collections/customers/records?{query}"),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "{query}");
    }
}

#[tokio::test]
async fn search_by_a_searchable_field() {
    let app = spawn_app().await;
    let id = app.create_customer(customer()).await;
    let search = |body: Value, purpose: Option<&'static str>| {
        let r = app
            .owner(Method::POST, "/v1/collections/customers/search")
            .json(&body);
        match purpose {
            Some(p) => r.header(PURPOSE, p),
            None => r,
        }
        .send()
    };
    let r = search(
        json!({"field": "email", "value": "Siti.Rahayu@Example.co.id"}),
        Some("service"),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["records"][0]["id"], id);

    let r = search(
        json!({"field": "email", "value": "nobody@example.co.id"}),
        Some("service"),
    )
    .await
    .unwrap();
    assert_eq!(r.json::<Value>().await.unwrap()["records"], json!([]));

    let r = search(
        json!({"field": "name", "value": "Siti Rahayu"}),
        Some("service"),
    )
    .await
    .unwrap();
    assert_eq!(
        (r.status().as_u16(), error_code(r).await.as_str()),
        (422, "not_searchable")
    );

    let r = search(json!({"field": "email", "value": "x@example.co.id"}), None)
        .await
        .unwrap();
    assert_eq!(
        (r.status().as_u16(), error_code(r).await.as_str()),
        (400, "purpose_required")
    );

    let r = search(
        json!({"field": "email", "value": "x@example.co.id", "limit": 5}),
        Some("service"),
    )
    .await
    .unwrap();
    assert_eq!(
        (r.status().as_u16(), error_code(r).await.as_str()),
        (400, "invalid_body")
    );
}
