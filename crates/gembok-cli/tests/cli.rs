//! The `gembok` binary end to end: init, records, schema, keys, demo, exit codes.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn gembok(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gembok"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .output()
        .expect("run gembok")
}

fn json(out: &Output) -> Value {
    let text = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(text.trim()).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

fn init(dir: &Path) {
    let out = gembok(dir, &["init"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn init_creates_a_private_key_and_refuses_to_run_twice() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("v");
    init(&dir);
    for f in ["gembok.db", "master.key", "schema.toml", "gembok.toml"] {
        assert!(dir.join(f).exists(), "{f} missing");
    }
    let mode = std::fs::metadata(dir.join("master.key"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    let again = gembok(&dir, &["init"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("refusing"));
}

#[test]
fn records_round_trip_with_stable_exit_codes() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    init(dir);
    let put = gembok(
        dir,
        &[
            "--output",
            "json",
            "put",
            "customers",
            "--data",
            r#"{"name": "Rina Wulandari", "email": "Rina@Contoh.co.id", "nik": "3273015203950004"}"#,
        ],
    );
    assert!(
        put.status.success(),
        "{}",
        String::from_utf8_lossy(&put.stderr)
    );
    let id = json(&put)["id"].as_str().unwrap().to_owned();

    let got = json(&gembok(dir, &["--output", "json", "get", "customers", &id]));
    assert_eq!(got["fields"]["email"], "rina@contoh.co.id");
    let masked = json(&gembok(
        dir,
        &["--output", "json", "get", "customers", &id, "--masked"],
    ));
    assert!(!masked["fields"]["nik"].as_str().unwrap().contains("520395"));
    let only = json(&gembok(
        dir,
        &[
            "--output",
            "json",
            "get",
            "customers",
            &id,
            "--fields",
            "name",
        ],
    ));
    assert_eq!(only["fields"].as_object().unwrap().len(), 1);

    let found = json(&gembok(
        dir,
        &[
            "--output",
            "json",
            "find",
            "customers",
            "email=RINA@contoh.co.id",
        ],
    ));
    assert_eq!(found[0]["id"], id.as_str());

    let upd = gembok(
        dir,
        &[
            "update",
            "customers",
            &id,
            "--data",
            r#"{"phone": "0813 1111 2222"}"#,
        ],
    );
    assert!(upd.status.success());
    let found = json(&gembok(
        dir,
        &[
            "--output",
            "json",
            "find",
            "customers",
            "phone=+6281311112222",
        ],
    ));
    assert_eq!(found.as_array().unwrap().len(), 1);

    // 3: invalid data, naming the field and rule but not the value.
    let bad = gembok(
        dir,
        &[
            "put",
            "customers",
            "--data",
            r#"{"name": "X", "nik": "9999999999999999"}"#,
        ],
    );
    assert_eq!(bad.status.code(), Some(3));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("nik") && !err.contains("9999999999999999"),
        "{err}"
    );
    let undeclared = gembok(
        dir,
        &[
            "put",
            "customers",
            "--data",
            r#"{"name": "X", "hobby": "golf"}"#,
        ],
    );
    assert_eq!(undeclared.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&undeclared.stderr).contains("hobby"));
    let malformed = gembok(
        dir,
        &[
            "--output",
            "json",
            "put",
            "customers",
            "--data",
            "{\"name\": ",
        ],
    );
    assert_eq!(malformed.status.code(), Some(3));
    let e: Value = serde_json::from_slice(&malformed.stderr).unwrap();
    assert_eq!(e["error"]["code"], "invalid_data");

    let del = gembok(dir, &["delete", "customers", &id]);
    assert!(del.status.success());
    // 4: not found.
    assert_eq!(
        gembok(dir, &["get", "customers", &id]).status.code(),
        Some(4)
    );
    // 2: usage.
    assert_eq!(gembok(dir, &["get"]).status.code(), Some(2));
}

#[test]
fn wrong_or_exposed_key_files_are_refused() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("v");
    init(&dir);
    let key = dir.join("master.key");
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = gembok(&dir, &["find", "customers", "email=a@b.co"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("chmod"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();

    // Another vault's key: exit 5, and nothing printed on stdout.
    let other = tmp.path().join("w");
    init(&other);
    std::fs::remove_file(&key).unwrap();
    std::fs::copy(other.join("master.key"), &key).unwrap();
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = gembok(&dir, &["find", "customers", "email=a@b.co"]);
    assert_eq!(out.status.code(), Some(5));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("wrong master key"));
}

#[test]
fn schema_and_key_commands() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("v");
    init(&dir);
    let put = gembok(
        &dir,
        &[
            "--output",
            "json",
            "put",
            "customers",
            "--data",
            r#"{"name": "Yusuf", "email": "y@contoh.id"}"#,
        ],
    );
    let id = json(&put)["id"].as_str().unwrap().to_owned();

    let schema = std::fs::read_to_string(dir.join("schema.toml")).unwrap();
    let extended = format!(
        "{schema}\n[collections.customers.fields.nickname]\ntype = \"name\"\nclass = \"identity\"\npurposes = [\"service\"]\n"
    );
    let file = tmp.path().join("s.toml");
    std::fs::write(&file, &extended).unwrap();
    let check = gembok(&dir, &["schema", "check", file.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&check.stdout).contains("add field customers.nickname"));
    let apply = json(&gembok(
        &dir,
        &[
            "--output",
            "json",
            "schema",
            "apply",
            file.to_str().unwrap(),
        ],
    ));
    assert_eq!(apply["schema_version"], 2);
    std::fs::write(&file, "[collections]\n").unwrap();
    assert_eq!(
        gembok(&dir, &["schema", "check", file.to_str().unwrap()])
            .status
            .code(),
        Some(3)
    );

    let rotated = json(&gembok(&dir, &["--output", "json", "keys", "rotate"]));
    assert_eq!(rotated["versions"]["customers"], 2);
    let new_key = tmp.path().join("master-2.key");
    let out = gembok(
        &dir,
        &[
            "keys",
            "rotate-master",
            "--new-key-file",
            new_key.to_str().unwrap(),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got = json(&gembok(
        &dir,
        &["--output", "json", "get", "customers", &id],
    ));
    assert_eq!(got["fields"]["email"], "y@contoh.id");
}

#[test]
fn demo_finds_no_plaintext() {
    let tmp = tempfile::tempdir().unwrap();
    let out = gembok(
        tmp.path(),
        &["--output", "json", "demo", "--customers", "400"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = json(&out);
    assert_eq!(report["plaintext_hits"], 0);
    assert_eq!(report["found_by_email"], 1);
    assert!(report["values_checked"].as_u64().unwrap() > 2000);
    assert!(report["scanned_bytes"].as_u64().unwrap() > 100_000);
}
