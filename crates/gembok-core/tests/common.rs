//! Shared set-up for the vault tests: a fresh vault on a real SQLite file.

#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::Arc;

use gembok_core::{Vault, DEFAULT_SCHEMA};
use gembok_crypto::MasterKey;
use gembok_store_sqlite::SqliteStore;

pub struct TestVault {
    pub vault: Vault,
    pub store: Arc<SqliteStore>,
    pub dir: tempfile::TempDir,
    pub key_path: PathBuf,
}

pub fn vault() -> TestVault {
    vault_with(DEFAULT_SCHEMA)
}

pub fn vault_with(schema: &str) -> TestVault {
    let dir = tempfile::tempdir().unwrap();
    let key_path = dir.path().join("master.key");
    let master = MasterKey::create_file(&key_path).unwrap();
    let store = Arc::new(SqliteStore::open(&dir.path().join("gembok.db")).unwrap());
    let vault = Vault::initialize(store.clone(), master, schema).unwrap();
    TestVault {
        vault,
        store,
        dir,
        key_path,
    }
}

pub fn reopen(t: &TestVault) -> Result<Vault, gembok_core::CoreError> {
    Vault::open(t.store.clone(), MasterKey::load_file(&t.key_path).unwrap())
}
