//! Two vaults (and two account services) over one store, as two servers on one
//! database are: a data-key rotation by one is seen by the other, and the throttle of
//! an address without an account counts the failures of both.

mod common;

use std::sync::Arc;

use gembok_core::access::Policy;
use gembok_core::accounts::{AccountError, Accounts, AccountsConfig, ClientInfo};
use gembok_core::{Actor, View};
use serde_json::json;

#[test]
fn a_rotation_on_one_vault_is_seen_by_the_other() {
    let a = common::vault();
    let b = common::reopen(&a).unwrap();
    let before = b
        .create(
            &Actor::system(),
            "customers",
            &json!({"name": "Agus Salim"}),
        )
        .unwrap();
    let report = a
        .vault
        .rotate_data_keys(&Actor::system(), &mut |_, _| {})
        .unwrap();
    assert_eq!(report.removed_versions, report.new_versions.len());
    // Written by A under the new version, read at once by B (which still holds the
    // old ring: its last look at the store was less than a second ago or never).
    let after = a
        .vault
        .create(
            &Actor::system(),
            "customers",
            &json!({"name": "Siti Aminah", "email": "siti@toko.id"}),
        )
        .unwrap();
    let got = b
        .get(&Actor::system(), "customers", after, None, View::Plain)
        .unwrap();
    assert!(format!("{:?}", got.fields.keys()).contains("name"));
    let found = b
        .find_ids(&Actor::system(), "customers", "email", "siti@toko.id")
        .unwrap();
    assert_eq!(found, vec![after]);
    // B no longer seals under the deleted version: what it writes now opens on A.
    std::thread::sleep(std::time::Duration::from_millis(1_100));
    let late = b
        .create(&Actor::system(), "customers", &json!({"name": "Rina"}))
        .unwrap();
    let sealed = a.store.clone();
    let rec = gembok_store::Store::get(sealed.as_ref(), "customers", &[late], None)
        .unwrap()
        .remove(0);
    assert!(rec.fields.iter().all(|f| f.key_version == 2));
    for id in [before, after, late] {
        a.vault
            .get(&Actor::system(), "customers", id, None, View::Plain)
            .unwrap();
    }
}

#[test]
fn the_unknown_address_throttle_is_shared_through_the_store() {
    let t = common::vault();
    let open = || {
        let vault = common::reopen(&t).unwrap();
        Accounts::open(
            t.store.clone(),
            &gembok_crypto::MasterKey::load_file(&t.key_path).unwrap(),
            vault.audit().clone(),
            Arc::new(Policy::builtin()),
            AccountsConfig::default(),
        )
        .unwrap()
    };
    let (one, two) = (open(), open());
    let client = ClientInfo::default();
    let t0 = 1_800_000_000_000;
    for n in 0..6 {
        let service = if n % 2 == 0 { &one } else { &two };
        let err = service
            .login("nobody@toko.id", "bukan-sandi-ini", &client, t0 + n)
            .unwrap_err();
        assert!(
            matches!(err, AccountError::InvalidCredentials),
            "{n}: {err}"
        );
    }
    let err = two
        .login("nobody@toko.id", "bukan-sandi-ini", &client, t0 + 10)
        .unwrap_err();
    assert!(matches!(err, AccountError::Throttled { .. }), "{err}");
    let err = one
        .login("nobody@toko.id", "bukan-sandi-ini", &client, t0 + 10)
        .unwrap_err();
    assert!(matches!(err, AccountError::Throttled { .. }), "{err}");
    // The address is not what the store holds.
    for (id, _) in gembok_store::Store::docs(t.store.as_ref(), "staff_unknown_failures").unwrap() {
        assert!(!id.contains("nobody"), "{id}");
    }
}
