//! The audit tests' fixture: a real SQLite vault with a chosen checkpoint interval
//! and verify stretch, raw access to its database file for tampering, and some
//! traffic to fill the chain.

#![allow(dead_code)]

use gembok_core::audit::AuditConfig;
use gembok_core::{Actor, Vault, View};
use gembok_crypto::MasterKey;
use rusqlite::Connection;
use serde_json::json;

use crate::common;

pub struct Fixture {
    pub t: common::TestVault,
    pub vault: Vault,
}

pub fn fixture(checkpoint_every: u64) -> Fixture {
    split_fixture(checkpoint_every, AuditConfig::default().verify_stretch)
}

/// A vault whose `verify` splits any chain of at least `2 * stretch` events into
/// stretches walked on their own threads.
pub fn split_fixture(checkpoint_every: u64, stretch: u64) -> Fixture {
    fixture_with(AuditConfig {
        checkpoint_every,
        verify_stretch: stretch,
        ..AuditConfig::default()
    })
}

/// A vault with these audit settings.
pub fn fixture_with(cfg: AuditConfig) -> Fixture {
    let t = common::vault();
    let vault = Vault::open_with(
        t.store.clone(),
        MasterKey::load_file(&t.key_path).unwrap(),
        cfg,
    )
    .unwrap();
    Fixture { t, vault }
}

impl Fixture {
    pub fn raw(&self) -> Connection {
        Connection::open(self.t.dir.path().join("gembok.db")).unwrap()
    }

    /// Some traffic: creates, reads, a search, an update, a delete.
    pub fn traffic(&self, n: usize) {
        let a = Actor::system();
        for i in 0..n {
            let id = self
                .vault
                .create(&a, "customers", &json!({"name": format!("Pelanggan {}", letters(i)), "email": format!("p{i}@contoh.co.id")}))
                .unwrap();
            self.vault
                .get(&a, "customers", id, None, View::Masked)
                .unwrap();
            if i % 3 == 0 {
                self.vault
                    .update(&a, "customers", id, &json!({"name": "Nama Baru"}))
                    .unwrap();
            }
        }
    }

    pub fn verify_problem(&self) -> Option<(Option<u64>, String)> {
        let report = self.vault.audit().verify(&[]).unwrap();
        report.problem.map(|p| (p.seq, p.message))
    }
}

pub fn gembok_core_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// A name part without digits (names may hold letters only).
pub fn letters(mut n: usize) -> String {
    let mut s = String::new();
    loop {
        s.push((b'a' + (n % 26) as u8) as char);
        n /= 26;
        if n == 0 {
            return s;
        }
    }
}
