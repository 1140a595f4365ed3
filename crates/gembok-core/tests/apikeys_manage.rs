//! Making and listing API keys: spec checks, what is stored (no secret but a hash),
//! listing, and keys surviving a restart.

use gembok_core::Actor;
use std::sync::Arc;

use gembok_core::apikeys::{ApiKeySpec, ApiKeys};
use gembok_core::{CoreError, Policy};
use gembok_store::Store;
use gembok_store_sqlite::SqliteStore;

const T0: i64 = 1_800_000_000_000;

fn spec(role: &str) -> ApiKeySpec {
    ApiKeySpec {
        role: role.into(),
        expires_in_days: 30,
        ..ApiKeySpec::default()
    }
}

fn open(dir: &tempfile::TempDir) -> Arc<SqliteStore> {
    Arc::new(SqliteStore::open(&dir.path().join("gembok.db")).unwrap())
}

fn policy() -> Arc<Policy> {
    Arc::new(Policy::from_toml("[roles.courier]\npurposes = [\"shipping\"]\n").unwrap())
}

#[test]
fn bad_specs_are_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    let keys = ApiKeys::new(store.clone(), policy());
    let mut cases: Vec<(ApiKeySpec, &str)> = Vec::new();
    let with = |f: &dyn Fn(&mut ApiKeySpec)| {
        let mut s = spec("app");
        f(&mut s);
        s
    };
    cases.push((spec("nobody"), "not defined"));
    cases.push((spec("Bad Role"), "role name"));
    cases.push((with(&|s| s.expires_in_days = 0), "1 to 365 days"));
    cases.push((with(&|s| s.expires_in_days = 366), "1 to 365 days"));
    cases.push((with(&|s| s.collections = Some(vec![])), "empty collection"));
    cases.push((with(&|s| s.purposes = Some(vec![])), "empty purpose"));
    cases.push((
        with(&|s| s.collections = Some(vec!["Customers".into()])),
        "collection must",
    ));
    cases.push((
        with(&|s| s.purposes = Some(vec!["x y".into()])),
        "purpose must",
    ));
    cases.push((with(&|s| s.allow_ips = vec!["10.0.0.0/33".into()]), "CIDR"));
    cases.push((with(&|s| s.allow_ips = vec!["example.com".into()]), "CIDR"));
    cases.push((
        with(&|s| s.allow_ips = vec!["10.0.0.1".into(); 65]),
        "at most 64",
    ));
    cases.push((with(&|s| s.note = Some("a\u{1b}[31m".into())), "note"));
    cases.push((with(&|s| s.note = Some("x".repeat(201))), "note"));
    for (s, needle) in cases {
        let err = keys.create(&Actor::system(), &s, T0).unwrap_err();
        assert!(matches!(err, CoreError::InvalidInput(_)), "{s:?}: {err}");
        assert!(err.to_string().contains(needle), "{s:?}: {err}");
    }
    assert!(keys.list().unwrap().is_empty());
    assert!(
        keys.create(&Actor::system(), &spec("courier"), T0).is_ok(),
        "custom roles work"
    );
    let mut edge = spec("app");
    edge.expires_in_days = 365;
    assert!(keys.create(&Actor::system(), &edge, T0).is_ok());
}

#[test]
fn only_the_hash_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    let keys = ApiKeys::new(store.clone(), policy());
    let key = keys.create(&Actor::system(), &spec("app"), T0).unwrap();
    let body = &key.expose()[7..50];
    let hash = gembok_crypto::sha256(key.expose().as_bytes());
    let hash_hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
    let mut seen = 0;
    for kind in ["api_key", "api_key_hash", "api_key_use"] {
        for (id, doc) in store.docs(kind).unwrap() {
            let text = String::from_utf8(doc).unwrap();
            assert!(!text.contains(body) && !id.contains(body), "{kind}: {text}");
            seen += 1;
        }
    }
    assert_eq!(seen, 2);
    let link = store.doc("api_key_hash", &hash_hex).unwrap().unwrap();
    assert!(String::from_utf8(link).unwrap().contains(&key.id));
    let doc: serde_json::Value =
        serde_json::from_slice(&store.doc("api_key", &key.id).unwrap().unwrap()).unwrap();
    assert_eq!(doc["hash"], hash_hex.as_str());
}

#[test]
fn keys_are_listed_oldest_first_and_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = {
        let keys = ApiKeys::new(open(&dir), policy());
        let mut s = spec("support");
        s.note = Some("toko online".into());
        s.purposes = Some(vec!["shipping".into(), "service".into(), "service".into()]);
        let a = keys.create(&Actor::system(), &s, T0).unwrap();
        let b = keys.create(&Actor::system(), &spec("app"), T0 + 1).unwrap();
        (a, b)
    };
    let keys = ApiKeys::new(open(&dir), policy());
    let list = keys.list().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].id, a.id);
    assert_eq!(list[1].id, b.id);
    assert_eq!(list[0].role, "support");
    assert_eq!(list[0].note.as_deref(), Some("toko online"));
    assert_eq!(
        list[0].purposes,
        Some(vec!["service".to_owned(), "shipping".to_owned()])
    );
    assert_eq!(list[0].expires_at, T0 + 30 * 86_400_000);
    assert!(list[0].is_usable(T0) && !list[0].is_usable(list[0].expires_at));
    let p = keys
        .authenticate(a.expose(), "127.0.0.1".parse().unwrap(), T0)
        .unwrap();
    assert_eq!(p.key_id, a.id);
    assert!(matches!(keys.info("key_0"), Err(CoreError::NotFound)));
    assert!(matches!(
        keys.info("../etc/passwd"),
        Err(CoreError::NotFound)
    ));
}
