//! Brute-force counters shared by two servers on one database: two account services
//! and two vaults over one store (each with its own process lock and audit head, as two
//! `gembok serve` processes have), hammered from several threads at once. Every failure
//! on either side must be counted exactly once: a lost update would hand an attacker
//! free guesses for every server added.

mod accounts_support;
mod common;

use std::sync::Arc;

use accounts_support::{enrolled, Env, STRONG, T0};
use gembok_core::accounts::{AccountError, Accounts, AccountsConfig, ClientInfo};
use gembok_core::staff::throttle::ThrottlePolicy;
use gembok_core::{Actor, CoreError, Policy, Vault};
use gembok_crypto::MasterKey;
use gembok_store::Store;
use serde_json::{json, Value};

const THREADS_PER_NODE: usize = 3;
const ATTEMPTS_PER_THREAD: usize = 6;
const TOTAL: u64 = (2 * THREADS_PER_NODE * ATTEMPTS_PER_THREAD) as u64;

/// No waits and no lock within the test, so every attempt is checked and counted.
fn patient() -> ThrottlePolicy {
    ThrottlePolicy {
        free_failures: 10_000,
        lock_after: 10_000,
        ..ThrottlePolicy::default()
    }
}

fn second_node(e: &Env) -> Accounts {
    let vault = common::reopen(&e.t).unwrap();
    Accounts::open(
        e.t.store.clone(),
        &MasterKey::load_file(&e.t.key_path).unwrap(),
        vault.audit().clone(),
        Arc::new(Policy::builtin()),
        AccountsConfig {
            throttle: patient(),
            ..AccountsConfig::default()
        },
    )
    .unwrap()
}

/// Run `attempt` from `THREADS_PER_NODE` threads on each node at once.
fn hammer<N: Sync>(nodes: [&N; 2], attempt: impl Fn(&N, i64) + Sync) {
    std::thread::scope(|scope| {
        for (n, node) in nodes.into_iter().enumerate() {
            for t in 0..THREADS_PER_NODE {
                let attempt = &attempt;
                scope.spawn(move || {
                    for i in 0..ATTEMPTS_PER_THREAD {
                        let at = T0 + 10_000 + ((n * 100 + t * 10 + i) as i64);
                        attempt(node, at);
                    }
                });
            }
        }
    });
}

fn consecutive(store: &dyn Store, kind: &str, pointer: &str) -> u64 {
    let docs = store.docs(kind).unwrap();
    assert_eq!(docs.len(), 1, "one {kind} document");
    let body: Value = serde_json::from_slice(&docs[0].1).unwrap();
    body.pointer(pointer).and_then(Value::as_u64).unwrap()
}

#[test]
fn wrong_passwords_on_two_nodes_are_all_counted() {
    let e = accounts_support::env_with(AccountsConfig {
        throttle: patient(),
        ..AccountsConfig::default()
    });
    enrolled(&e, "kasir@toko.id", "support");
    let other = second_node(&e);
    hammer([&e.accounts, &other], |node, at| {
        let err = node
            .login(
                "kasir@toko.id",
                "salah-sandi-ini",
                &ClientInfo::default(),
                at,
            )
            .unwrap_err();
        assert!(matches!(err, AccountError::InvalidCredentials), "{err}");
    });
    let store = e.t.store.as_ref();
    assert_eq!(
        consecutive(store, "staff_account", "/password_failures/consecutive"),
        TOTAL
    );
    // The right password still works and resets the count.
    e.accounts
        .login("kasir@toko.id", STRONG, &ClientInfo::default(), T0 + 20_000)
        .unwrap();
    assert_eq!(
        consecutive(store, "staff_account", "/password_failures/consecutive"),
        0
    );
}

#[test]
fn unknown_address_failures_on_two_nodes_are_all_counted() {
    let e = accounts_support::env_with(AccountsConfig {
        throttle: patient(),
        ..AccountsConfig::default()
    });
    let other = second_node(&e);
    hammer([&e.accounts, &other], |node, at| {
        let err = node
            .login("nobody@toko.id", "bukan-sandi", &ClientInfo::default(), at)
            .unwrap_err();
        assert!(matches!(err, AccountError::InvalidCredentials), "{err}");
    });
    assert_eq!(
        consecutive(e.t.store.as_ref(), "staff_unknown_failures", "/consecutive"),
        TOTAL
    );
}

#[test]
fn customer_password_failures_on_two_vaults_are_all_counted() {
    let t = common::vault();
    let id = t
        .vault
        .create(
            &Actor::system(),
            "customers",
            &json!({"name": "Dewi Lestari", "password": "kopi-gayo-pagi-hari"}),
        )
        .unwrap();
    let other = common::reopen(&t).unwrap();
    for v in [&t.vault, &other] {
        v.set_credential_throttle(patient());
    }
    hammer([&t.vault, &other], |vault: &Vault, at| {
        let ok = vault
            .verify_password_at(&Actor::system(), "customers", id, "password", "salah", at)
            .unwrap();
        assert!(!ok);
    });
    let store = t.store.as_ref();
    assert_eq!(
        consecutive(store, "credential_throttle", "/failures/consecutive"),
        TOTAL
    );
    // Audited once per attempt, on one chain.
    let ok = t
        .vault
        .verify_password_at(
            &Actor::system(),
            "customers",
            id,
            "password",
            "kopi-gayo-pagi-hari",
            T0 + 20_000,
        )
        .map_err(|e: CoreError| e.to_string())
        .unwrap();
    assert!(ok);
    assert_eq!(
        consecutive(store, "credential_throttle", "/failures/consecutive"),
        0
    );
}
