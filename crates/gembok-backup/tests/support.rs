//! Shared test setup: a real SQLite vault with generated customers, a backup identity
//! and helpers to compare every record of two vaults.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use gembok_backup::identity;
use gembok_core::{Actor, Vault, View, DEFAULT_SCHEMA};
use gembok_crypto::MasterKey;
use gembok_store_sqlite::SqliteStore;
use gembok_testdata::Generator;
use serde_json::Value;
use tempfile::TempDir;

pub struct Fixture {
    pub dir: TempDir,
    pub vault: Vault,
    pub db: PathBuf,
    pub key_file: PathBuf,
    pub identity: PathBuf,
    pub recipient: age::x25519::Recipient,
    /// Every customer as stored: (id, input JSON).
    pub customers: Vec<(String, Value)>,
}

/// A vault with `n` generated customers and one order each.
pub fn fixture(n: usize) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("master.key");
    let db = dir.path().join("gembok.db");
    let master = MasterKey::create_file(&key_file).unwrap();
    let store = Arc::new(SqliteStore::open(&db).unwrap());
    let vault = Vault::initialize(store, master, DEFAULT_SCHEMA).unwrap();
    let actor = Actor::local_operator();
    let mut gen = Generator::new(7);
    let inputs: Vec<Value> = (0..n).map(|_| gen.customer_json()).collect();
    let ids = vault.create_batch(&actor, "customers", &inputs).unwrap();
    let orders: Vec<Value> = ids
        .iter()
        .map(|id| gen.order_json(&id.to_string()))
        .collect();
    vault.create_batch(&actor, "orders", &orders).unwrap();
    let identity = dir.path().join("backup.age");
    let recipient = identity::keygen(&identity).unwrap();
    let customers = ids.iter().map(|i| i.to_string()).zip(inputs).collect();
    Fixture {
        dir,
        vault,
        db,
        key_file,
        identity,
        recipient,
        customers,
    }
}

/// Every record of `collection` in clear, as JSON, in id order.
pub fn dump(vault: &Vault, collection: &str) -> Vec<Value> {
    let actor = Actor::local_operator();
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let page = vault.list(&actor, collection, after, 500).unwrap();
        if page.is_empty() {
            return out;
        }
        let ids: Vec<_> = page.iter().map(|m| m.id).collect();
        after = ids.last().copied();
        for r in vault
            .get_batch(&actor, collection, &ids, None, View::Plain)
            .unwrap()
        {
            out.push(r.to_json());
        }
    }
}

/// Open the vault restored in `dir` with `key_file`.
pub fn open_restored(dir: &Path, key_file: &Path) -> Vault {
    let store = Arc::new(SqliteStore::open(&dir.join("gembok.db")).unwrap());
    Vault::open(store, MasterKey::load_file(key_file).unwrap()).unwrap()
}

/// Every stored personal value of the fixture, as strings long enough to be telling.
pub fn personal_values(f: &Fixture) -> Vec<String> {
    f.customers
        .iter()
        .flat_map(|(_, c)| {
            c.as_object()
                .unwrap()
                .values()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .filter(|s| s.len() >= 6)
                .collect::<Vec<_>>()
        })
        .collect()
}
