//! What each role sees: masked exactly as the field type masks, only fields whose
//! schema purposes include the stated one, and 403 when nothing would be visible.

use gembok_types::FieldType;
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::*;

async fn read(app: &App, key: &str, id: &str, purpose: &str) -> (u16, Value) {
    let r = app
        .req(
            Method::GET,
            &format!("/v1/collections/customers/records/{id}"),
            Some(key),
        )
        .header(PURPOSE, purpose)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

fn masked(t: FieldType, input: &str) -> String {
    t.mask(t.normalize(input).unwrap().as_str())
}

fn plain(t: FieldType, input: &str) -> String {
    t.normalize(input).unwrap().as_str().to_owned()
}

#[tokio::test]
async fn support_sees_masked_values_for_its_purposes_only() {
    let app = spawn_app().await;
    // Let `service` reach the NIK too, so the NIK mask can be seen through the API.
    let r = app.owner(Method::GET, "/v1/schema").send().await.unwrap();
    let doc = r.json::<Value>().await.unwrap()["document"]
        .as_str()
        .unwrap()
        .to_owned();
    let doc = doc.replace(
        "purposes = [\"identity_verification\", \"legal\"]",
        "purposes = [\"identity_verification\", \"legal\", \"service\"]",
    );
    let r = app
        .owner(Method::PUT, "/v1/schema")
        .json(&json!({"document": doc}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    let c = customer();
    let id = app.create_customer(c.clone()).await;
    let support = app.key("support");
    let (status, rec) = read(&app, &support, &id, "service").await;
    assert_eq!(status, 200, "{rec}");
    let f = &rec["fields"];
    assert_eq!(
        f["name"],
        plain(FieldType::Name, c["name"].as_str().unwrap())
    );
    assert_eq!(
        f["phone"],
        masked(FieldType::Phone, c["phone"].as_str().unwrap())
    );
    assert_eq!(f["nik"], masked(FieldType::Nik, c["nik"].as_str().unwrap()));
    assert_eq!(
        f["email"],
        masked(FieldType::Email, c["email"].as_str().unwrap())
    );
    assert_ne!(
        f["phone"],
        plain(FieldType::Phone, c["phone"].as_str().unwrap())
    );
    assert!(f.get("address").is_none(), "address is for shipping only");
    assert!(f.get("password").is_none());

    let (status, rec) = read(&app, &support, &id, "shipping").await;
    assert_eq!(status, 200);
    let f = &rec["fields"];
    assert_eq!(
        f["address"],
        masked(FieldType::Address, c["address"].as_str().unwrap())
    );
    assert!(f.get("email").is_none() && f.get("nik").is_none());

    // A purpose the role does not have.
    let (status, body) = read(&app, &support, &id, "marketing").await;
    assert_eq!(status, 403, "{body}");

    // The same record, plain for the owner.
    let (_, rec) = read(&app, &app.owner_key, &id, "service").await;
    assert_eq!(
        rec["fields"]["nik"],
        plain(FieldType::Nik, c["nik"].as_str().unwrap())
    );
    assert_eq!(
        rec["fields"]["phone"],
        plain(FieldType::Phone, c["phone"].as_str().unwrap())
    );
}

#[tokio::test]
async fn purposes_decide_field_by_field() {
    let app = spawn_app().await;
    let c = customer();
    let id = app.create_customer(c.clone()).await;
    // `marketing` rests on consent: without the subject's, nothing is read for it.
    let r = app
        .owner(Method::POST, &format!("/v1/subjects/{id}/consent"))
        .json(&json!({"purpose": "marketing", "granted": true, "source": "web_form"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let table: [(&str, &[&str], &[&str]); 4] = [
        (
            "service",
            &["name", "email", "phone"],
            &["nik", "address", "postal_code"],
        ),
        (
            "shipping",
            &["name", "phone", "address", "postal_code"],
            &["email", "nik"],
        ),
        (
            "identity_verification",
            &["nik"],
            &["name", "email", "phone"],
        ),
        ("marketing", &["email"], &["name", "phone", "nik"]),
    ];
    for (purpose, shown, hidden) in table {
        let (status, rec) = read(&app, &app.owner_key, &id, purpose).await;
        assert_eq!(status, 200, "{purpose}");
        for f in shown {
            assert!(
                rec["fields"].get(*f).is_some(),
                "{purpose}: {f} should be shown"
            );
        }
        for f in hidden {
            assert!(
                rec["fields"].get(*f).is_none(),
                "{purpose}: {f} should be hidden"
            );
        }
    }
    // A purpose no field declares: nothing visible, refused.
    let (status, body) = read(&app, &app.owner_key, &id, "analytics").await;
    assert_eq!(status, 403, "{body}");
    // The dpo's oversight purpose reaches every field, plain.
    let dpo = app.key("dpo");
    let (status, rec) = read(&app, &dpo, &id, "dpo").await;
    assert_eq!(status, 200);
    assert_eq!(
        rec["fields"]["nik"],
        plain(FieldType::Nik, c["nik"].as_str().unwrap())
    );
    assert_eq!(
        rec["fields"]["address"],
        plain(FieldType::Address, c["address"].as_str().unwrap())
    );
    // The analyst may not read customers at all.
    let analyst = app.key("analyst");
    let (status, _) = read(&app, &analyst, &id, "analytics").await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn analyst_sees_orders_masked_for_analytics_only() {
    let app = spawn_app().await;
    let customer_id = app.create_customer(customer()).await;
    let r = app
        .owner(Method::POST, "/v1/collections/events/records")
        .json(&json!({"customer": customer_id, "action": "checkout", "detail": "paid with QRIS"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let event: Value = r.json().await.unwrap();
    let event_id = event["id"].as_str().unwrap();
    let analyst = app.key("analyst");
    let r = app
        .req(
            Method::GET,
            &format!("/v1/collections/events/records/{event_id}"),
            Some(&analyst),
        )
        .header(PURPOSE, "analytics")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let rec: Value = r.json().await.unwrap();
    assert_eq!(rec["fields"]["action"], masked(FieldType::Text, "checkout"));
    assert_ne!(rec["fields"]["action"], "checkout");
}
