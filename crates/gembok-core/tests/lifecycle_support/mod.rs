//! Shared set-up for the lifecycle tests: a vault on a real SQLite file with two
//! customers, each with an order and an event, and a gate over it.

#![allow(dead_code)]

use std::sync::Arc;

use gembok_core::{Actor, Gate, Policy, Principal, RoleName, Vault};
use gembok_types::RecordId;
use serde_json::json;

pub const DAY_MS: i64 = 86_400_000;

/// One customer's ids and the values that identify it.
pub struct Customer {
    pub id: RecordId,
    pub order: RecordId,
    pub event: RecordId,
    pub email: &'static str,
    pub nik: &'static str,
    pub name: &'static str,
}

pub struct World {
    pub vault: Arc<Vault>,
    pub gate: Gate,
    pub a: Customer,
    pub b: Customer,
    pub t: super::common::TestVault,
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

pub fn owner() -> Actor {
    Actor::local_operator()
}

pub fn world() -> World {
    world_with(gembok_core::DEFAULT_SCHEMA)
}

pub fn world_with(schema: &str) -> World {
    let t = super::common::vault_with(schema);
    let vault = Arc::new(super::common::reopen(&t).unwrap());
    let a = customer(
        &vault,
        "Siti Rahmawati",
        "siti.r@gmail.com",
        "3174054505900002",
    );
    let b = customer(
        &vault,
        "Budi Santoso",
        "budi.s@yahoo.co.id",
        "3273012001850003",
    );
    let gate = Gate::new(Arc::clone(&vault), Arc::new(Policy::builtin()));
    World {
        vault,
        gate,
        a,
        b,
        t,
    }
}

fn customer(vault: &Vault, name: &'static str, email: &'static str, nik: &'static str) -> Customer {
    let id = vault
        .create(
            &owner(),
            "customers",
            &json!({"name": name, "email": email, "phone": "0812-3456-7890", "nik": nik}),
        )
        .unwrap();
    let order = vault
        .create(
            &owner(),
            "orders",
            &json!({"customer": id.to_string(),
                    "amount": {"amount": 150000, "currency": "IDR"}, "items": "2x kopi"}),
        )
        .unwrap();
    let event = vault
        .create(
            &owner(),
            "events",
            &json!({"customer": id.to_string(), "action": "view_product", "detail": "sku 42"}),
        )
        .unwrap();
    Customer {
        id,
        order,
        event,
        email,
        nik,
        name,
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

/// Every byte of the database's files (main file and write-ahead log).
pub fn db_bytes(t: &super::common::TestVault) -> Vec<u8> {
    let mut all = Vec::new();
    for p in t.store.files() {
        if let Ok(b) = std::fs::read(&p) {
            all.extend(b);
        }
    }
    all
}

pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
