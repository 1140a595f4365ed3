//! Staff accounts from the real binary: `init --owner` and its enrolment token, `user
//! add|list|unlock|enrolment-token`, the refusals (duplicate address, unknown role, bad
//! ids) with their exit codes, and lists that never show a password hash or a token.
//! Enrolment and a lockout are done through the account service on the same files, as
//! the server would.

use std::path::Path;
use std::sync::Arc;

use gembok_core::accounts::{Accounts, AccountsConfig, ClientInfo, LoginOutcome};
use gembok_core::staff::throttle::ThrottlePolicy;
use gembok_core::{Policy, Vault};
use gembok_crypto::MasterKey;
use gembok_store_sqlite::SqliteStore;
use serde_json::Value;

mod support;

use support::webhook::serve_one_with_headers;
use support::{db, gembok, json, ok, stderr, vault};

const PASSWORD: &str = "kopi-tubruk-senja-Jatinegara-42";

fn add(dir: &Path, email: &str, role: &str) -> Value {
    json(&ok(gembok(
        dir,
        &["--output", "json", "user", "add", email, "--role", role],
    )))
}

fn list(dir: &Path) -> Vec<Value> {
    let out = ok(gembok(dir, &["--output", "json", "user", "list"]));
    json(&out)["accounts"].as_array().unwrap().clone()
}

/// The account service over the vault's files, locking after two failures.
fn accounts(dir: &Path) -> Accounts {
    let store: Arc<dyn gembok_store::Store> =
        Arc::new(SqliteStore::open(&dir.join("gembok.db")).unwrap());
    let key = dir.join("master.key");
    let vault = Vault::open(Arc::clone(&store), MasterKey::load_file(&key).unwrap()).unwrap();
    let config = AccountsConfig {
        throttle: ThrottlePolicy {
            lock_after: 2,
            ..ThrottlePolicy::default()
        },
        ..AccountsConfig::default()
    };
    Accounts::open(
        store,
        &MasterKey::load_file(&key).unwrap(),
        Arc::clone(vault.audit()),
        Arc::new(Policy::builtin()),
        config,
    )
    .unwrap()
}

#[test]
fn init_owner_prints_the_enrolment_token_and_creates_a_pending_owner() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("v");
    let out = ok(gembok(
        &dir,
        &[
            "--output",
            "json",
            "init",
            "--owner",
            "Pemilik@Toko-Sinar.co.id",
        ],
    ));
    let v = json(&out);
    for field in [
        "data_dir",
        "key_file",
        "key_id",
        "vault_id",
        "tls_fingerprint_sha256",
    ] {
        assert!(v[field].is_string(), "{field} kept: {v}");
    }
    let token = v["enrolment_token"].as_str().unwrap();
    assert!(token.len() >= 32, "{token}");
    let id = v["owner"]["id"].as_str().unwrap();
    assert!(id.starts_with("usr_"));
    assert_eq!(v["owner"]["role"], "owner");

    let all = list(&dir);
    assert_eq!(all.len(), 1);
    assert_eq!(all[0]["id"], id);
    assert_eq!(all[0]["email"], "pemilik@toko-sinar.co.id");
    assert_eq!(all[0]["role"], "owner");
    assert_eq!(all[0]["status"], "pending");
    assert_eq!(all[0]["totp_enabled"], false);
    assert_eq!(all[0]["locked"], false);

    // The token redeems: an owner must then confirm an authenticator app.
    let outcome = accounts(&dir)
        .enrol(token, PASSWORD, &ClientInfo::default(), gembok_now())
        .unwrap();
    assert!(matches!(outcome, LoginOutcome::EnrolTotp(_)), "{outcome:?}");

    // Human output explains what to do with the token.
    let dir2 = tmp.path().join("w");
    let out = ok(gembok(&dir2, &["init", "--owner", "pemilik@toko.co.id"]));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Vault created"), "{text}");
    assert!(text.contains("POST /v1/auth/enrol"), "{text}");
    assert!(text.contains("2FA"), "{text}");
}

#[test]
fn init_refuses_a_bad_owner_address_before_creating_anything() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("v");
    let out = gembok(&dir, &["init", "--owner", "not-an-address"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("e-mail"), "{}", stderr(&out));
    assert!(!stderr(&out).contains("not-an-address"));
    assert!(!dir.join("gembok.toml").exists());
}

#[test]
fn users_are_added_listed_unlocked_and_reissued_tokens() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    vault(dir, "\n[accounts]\nbusiness_name = \"Toko Sinar\"\n");
    // On an existing vault the owner is added like anyone else.
    let owner = add(dir, "pemilik@toko.co.id", "owner");
    assert_eq!(owner["role"], "owner");
    let made = add(dir, "Rina@Toko.co.id", "support");
    let mut keys: Vec<_> = made.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    assert_eq!(
        keys,
        ["email", "enrolment_token", "expires_at", "id", "role"]
    );
    assert_eq!(made["email"], "rina@toko.co.id");
    let id = made["id"].as_str().unwrap().to_owned();
    let first_token = made["enrolment_token"].as_str().unwrap().to_owned();
    assert!(made["expires_at"].as_i64().unwrap() > gembok_now());

    // A lost token is replaced while the account is pending.
    let again = json(&ok(gembok(
        dir,
        &["--output", "json", "user", "enrolment-token", &id],
    )));
    let token = again["enrolment_token"].as_str().unwrap().to_owned();
    assert_ne!(token, first_token);
    assert_eq!(again["id"], id);

    // Enrol (as the server would), then lock the password with two wrong ones.
    let acc = accounts(dir);
    let now = gembok_now();
    let outcome = acc
        .enrol(&token, PASSWORD, &ClientInfo::default(), now)
        .unwrap();
    assert!(matches!(outcome, LoginOutcome::Session(_)));
    for i in 0..2 {
        assert!(acc
            .login(
                "rina@toko.co.id",
                "salah-kata-sandi-panjang",
                &ClientInfo::default(),
                now + i
            )
            .is_err());
    }
    let rina = |all: Vec<Value>| all.into_iter().find(|a| a["id"] == id.as_str()).unwrap();
    let row = rina(list(dir));
    assert_eq!(row["status"], "active");
    assert_eq!(row["locked"], true);

    // The stored account holds a hash; no list shows it, nor any token.
    let conn = db(dir);
    let mut stmt = conn.prepare("SELECT body FROM docs").unwrap();
    let stored: Vec<u8> = stmt
        .query_map([], |r| r.get::<_, Vec<u8>>(0))
        .unwrap()
        .flat_map(Result::unwrap)
        .collect();
    assert!(String::from_utf8_lossy(&stored).contains("$argon2id$"));
    let human = ok(gembok(dir, &["user", "list"]));
    let json_out = ok(gembok(dir, &["--output", "json", "user", "list"]));
    for out in [&human, &json_out] {
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            !text.contains("argon2") && !text.contains("$v=19"),
            "{text}"
        );
        assert!(!text.contains(&token) && !text.contains(&first_token));
        assert!(text.contains("rina@toko.co.id"));
    }
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(text.contains("LOCKED"), "{text}");

    let out = ok(gembok(dir, &["--output", "json", "user", "unlock", &id]));
    assert_eq!(json(&out)["unlocked"], true);
    assert_eq!(rina(list(dir))["locked"], false);
    assert!(acc
        .login(
            "rina@toko.co.id",
            PASSWORD,
            &ClientInfo::default(),
            now + 10
        )
        .is_ok());

    // An enrolled account gets no new token.
    let out = gembok(dir, &["user", "enrolment-token", &id]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("already enrolled"),
        "{}",
        stderr(&out)
    );

    let actions = String::from_utf8_lossy(
        &ok(gembok(
            dir,
            &["--output", "json", "audit", "list", "--limit", "100"],
        ))
        .stdout,
    )
    .into_owned();
    for action in ["user.create", "user.enrolment_token", "account.unlock"] {
        assert!(actions.contains(action), "{action}");
    }
    assert!(!actions.contains("rina@"), "no address in the audit log");
    ok(gembok(dir, &["audit", "verify"]));
}

#[test]
fn duplicates_unknown_roles_and_bad_ids_are_refused_clearly() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    vault(dir, "");
    add(dir, "budi@toko.co.id", "admin");

    let out = gembok(
        dir,
        &["user", "add", "BUDI@toko.co.id", "--role", "support"],
    );
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("exists already"), "{}", stderr(&out));
    assert!(!stderr(&out).to_lowercase().contains("budi"));

    let out = gembok(
        dir,
        &[
            "--output",
            "json",
            "user",
            "add",
            "ani@toko.co.id",
            "--role",
            "kasir",
        ],
    );
    assert_eq!(out.status.code(), Some(3));
    let err: Value = serde_json::from_str(stderr(&out).trim()).unwrap();
    assert_eq!(err["error"]["code"], "invalid_data");
    let message = err["error"]["message"].as_str().unwrap();
    assert!(message.contains("unknown role"), "{message}");
    assert!(!message.contains("ani@"));

    let out = gembok(dir, &["user", "add", "bukan alamat", "--role", "support"]);
    assert_eq!(out.status.code(), Some(3));

    let out = gembok(dir, &["user", "unlock", "usr_0000000000000000"]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    let out = gembok(dir, &["user", "enrolment-token", "usr_0000000000000000"]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    let out = gembok(dir, &["user", "unlock", "../etc"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert_eq!(list(dir).len(), 1);

    // A misspelt [accounts] key is refused by name.
    let path = dir.join("gembok.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        format!("{text}\n[accounts]\nsession_idle_minute = 5\n"),
    )
    .unwrap();
    let out = gembok(dir, &["user", "list"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("session_idle_minute"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_new_admin_from_the_cli_is_told_to_the_webhook_without_the_address() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    vault(
        dir,
        &format!(
            "\n[[notify.webhook]]\nurl = \"http://127.0.0.1:{port}/hook\"\nsecret_env = \"GEMBOK_TEST_USERS_HOOK\"\nmax_attempts = 1\n"
        ),
    );
    let receiver = std::thread::spawn(move || serve_one_with_headers(listener));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gembok"))
        .arg("--data-dir")
        .arg(dir)
        .args([
            "--output",
            "json",
            "user",
            "add",
            "dewi@toko.co.id",
            "--role",
            "admin",
        ])
        .env("GEMBOK_TEST_USERS_HOOK", "users-hook-secret")
        .output()
        .unwrap();
    let made = json(&ok(out));
    let (headers, body) = receiver.join().unwrap();
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    assert!(gembok_notify::verify_webhook_signature(
        b"users-hook-secret",
        &header("gembok-timestamp"),
        body.as_bytes(),
        &header("gembok-signature"),
        std::time::SystemTime::now(),
        std::time::Duration::from_secs(300),
    ));
    let n: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(n["kind"], "account.admin_created");
    assert!(n["message"]
        .as_str()
        .unwrap()
        .contains(made["id"].as_str().unwrap()));
    assert!(
        !body.contains("dewi") && !body.contains("toko.co.id"),
        "{body}"
    );
}

fn gembok_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}
