//! Shared set-up for the gate tests: a vault on SQLite with one customer, one order and
//! one event, and helpers to build principals and inspect refusals.

#![allow(dead_code)]

use std::sync::Arc;

use gembok_core::{AccessError, FieldValue, Gate, Policy, Principal, Record, RoleName};
use gembok_types::RecordId;
use serde_json::json;

pub const NAME: &str = "Siti Rahmawati";
pub const PHONE: &str = "+6281234567890";
pub const NIK: &str = "3174054505900002";
pub const ADDRESS: &str = "Jl. Melati No. 5, Jakarta Selatan";

pub struct Fixture {
    pub gate: Gate,
    pub customer: RecordId,
    pub order: RecordId,
    _dir: tempfile::TempDir,
}

pub fn fixture() -> Fixture {
    fixture_with(Policy::builtin())
}

pub fn fixture_with(policy: Policy) -> Fixture {
    let super::common::TestVault { vault, dir, .. } = super::common::vault();
    let gate = Gate::new(Arc::new(vault), Arc::new(policy));
    let owner = Principal::local_operator();
    let customer = gate
        .create(
            &owner,
            "customers",
            &json!({"name": NAME, "email": "siti.r@gmail.com", "phone": "0812-3456-7890",
                    "nik": NIK, "address": ADDRESS, "postal_code": "12940",
                    "birth_date": "1990-05-05"}),
        )
        .unwrap();
    let order = gate
        .create(
            &owner,
            "orders",
            &json!({"customer": customer.to_string(),
                    "amount": {"amount": 150000, "currency": "IDR"}, "items": "2x kopi"}),
        )
        .unwrap();
    gate.create(
        &owner,
        "events",
        &json!({"customer": customer.to_string(), "action": "view_product", "detail": "sku 42"}),
    )
    .unwrap();
    Fixture {
        gate,
        customer,
        order,
        _dir: dir,
    }
}

pub fn who(role: &str) -> Principal {
    Principal {
        key_id: format!("key_test_{role}"),
        role: RoleName::parse(role).unwrap(),
        collections: None,
        purposes: None,
        origin: Default::default(),
    }
}

pub fn names(r: &Record) -> Vec<&str> {
    r.fields.keys().map(String::as_str).collect()
}

pub fn is_plain(r: &Record, field: &str) -> bool {
    matches!(r.fields[field], FieldValue::Plain { .. })
}

pub fn denied(result: Result<impl std::fmt::Debug, AccessError>) -> (&'static str, String) {
    match result {
        Err(AccessError::Denied(d)) => (d.code, d.reason),
        other => panic!("expected a denial, got {other:?}"),
    }
}
