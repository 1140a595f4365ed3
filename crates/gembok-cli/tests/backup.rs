//! `gembok backup ...`, `gembok restore` and the recovery kit through the real binary:
//! a backup made from configuration, listed, verified with and without the vault,
//! restored into a new data directory that answers reads with the original key file
//! or one rebuilt from the recovery kit, and damage refused with exit code 5.

mod support;

use std::path::Path;
use std::process::{Command, Output};

use support::{gembok, json, ok, put, stderr, vault};

fn gembok_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_gembok"));
    c.arg("--data-dir").arg(dir).args(args);
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("run gembok")
}

/// A vault with two customers and a backup identity; returns (ids, recipient).
fn setup(dir: &Path, backups: &Path, identity: &Path) -> (Vec<String>, String) {
    let keygen = ok(gembok(
        dir,
        &[
            "--output",
            "json",
            "backup",
            "keygen",
            "--out",
            identity.to_str().unwrap(),
        ],
    ));
    let recipient = json(&keygen)["recipient"].as_str().unwrap().to_owned();
    assert!(recipient.starts_with("age1"));
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(identity).unwrap().permissions().mode() & 0o777,
        0o600
    );
    vault(
        dir,
        &format!(
            "\n[backup]\nto = {:?}\nrecipients = [{recipient:?}]\n",
            backups.to_str().unwrap()
        ),
    );
    let ids = vec![
        put(dir, "siti.rahayu@contoh.co.id"),
        put(dir, "budi.santoso@contoh.co.id"),
    ];
    (ids, recipient)
}

fn archive_of(created: &Output, backups: &Path) -> String {
    let name = json(created)["name"].as_str().unwrap().to_owned();
    backups.join(name).to_str().unwrap().to_owned()
}

#[test]
fn backup_verify_restore_round_trip_through_the_cli() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("vault");
    let backups = tmp.path().join("backups");
    let identity = tmp.path().join("backup-identity.txt");
    let (ids, _) = setup(&dir, &backups, &identity);
    let id = identity.to_str().unwrap();

    let created = ok(gembok(&dir, &["--output", "json", "backup", "create"]));
    assert_eq!(json(&created)["counts"]["customers"], 2);
    let archive = archive_of(&created, &backups);
    let bytes = std::fs::read(&archive).unwrap();
    for value in ["siti.rahayu@contoh.co.id", "Rina Wulandari"] {
        assert!(!bytes.windows(value.len()).any(|w| w == value.as_bytes()));
    }

    let listed = json(&ok(gembok(&dir, &["--output", "json", "backup", "list"])));
    assert_eq!(listed["backups"].as_array().unwrap().len(), 1);
    let status = json(&ok(gembok(&dir, &["--output", "json", "backup", "status"])));
    assert_eq!(status["ok"], true);
    assert_eq!(status["count"], 1);

    let v = json(&ok(gembok(
        &dir,
        &[
            "--output",
            "json",
            "backup",
            "verify",
            &archive,
            "--identity",
            id,
        ],
    )));
    assert_eq!(v["signature"], "vault_key");
    assert_eq!(v["counts"]["customers"], 2);
    assert!(v["audit_events"].as_u64().unwrap() > 0);
    // On a machine without the vault: the manifest's own key, and it says so.
    let elsewhere = tmp.path().join("elsewhere");
    let out = ok(gembok(
        &elsewhere,
        &["backup", "verify", &archive, "--identity", id],
    ));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("recorded in the manifest only"), "{text}");

    let key_file = dir.join("master.key");
    let restored = tmp.path().join("restored");
    let r = ok(gembok(
        &dir,
        &[
            "--output",
            "json",
            "restore",
            &archive,
            "--to",
            restored.to_str().unwrap(),
            "--identity",
            id,
            "--key-file",
            key_file.to_str().unwrap(),
        ],
    ));
    assert_eq!(json(&r)["counts"]["customers"], 2);
    let got = json(&ok(gembok(
        &restored,
        &["--output", "json", "get", "customers", &ids[0]],
    )));
    assert_eq!(got["fields"]["email"], "siti.rahayu@contoh.co.id");
    ok(gembok(&restored, &["audit", "verify"]));

    // Never over a non-empty folder without --force.
    let again = gembok(
        &dir,
        &[
            "restore",
            &archive,
            "--to",
            restored.to_str().unwrap(),
            "--identity",
            id,
        ],
    );
    assert!(!again.status.success());
    assert!(stderr(&again).contains("--force"), "{}", stderr(&again));

    let drill = json(&ok(gembok(
        &dir,
        &["--output", "json", "backup", "drill", "--identity", id],
    )));
    assert_eq!(drill["counts"]["customers"], 2);
    assert!(drill["restore_ms"].is_u64());

    // A flipped byte: verify exits 5 and restore refuses.
    let mut damaged = bytes.clone();
    let mid = damaged.len() / 2;
    damaged[mid] ^= 0x40;
    let bad = tmp.path().join("damaged.gbk");
    std::fs::write(&bad, &damaged).unwrap();
    let bad = bad.to_str().unwrap();
    let v = gembok(&dir, &["backup", "verify", bad, "--identity", id]);
    assert_eq!(v.status.code(), Some(5), "{}", stderr(&v));
    assert!(stderr(&v).contains("damaged"), "{}", stderr(&v));
    let target = tmp.path().join("never");
    let r = gembok(
        &dir,
        &[
            "restore",
            bad,
            "--to",
            target.to_str().unwrap(),
            "--identity",
            id,
        ],
    );
    assert_eq!(r.status.code(), Some(5));
    assert!(!target.join("gembok.db").exists());

    // A wrong identity is named as such.
    let other = tmp.path().join("other-identity.txt");
    ok(gembok(
        &dir,
        &["backup", "keygen", "--out", other.to_str().unwrap()],
    ));
    let v = gembok(
        &dir,
        &[
            "backup",
            "verify",
            &archive,
            "--identity",
            other.to_str().unwrap(),
        ],
    );
    assert_eq!(v.status.code(), Some(5));
    assert!(stderr(&v).contains("identity"), "{}", stderr(&v));
}

#[test]
fn recovery_kit_rebuilds_the_key_that_restores_the_backup() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("vault");
    let backups = tmp.path().join("backups");
    let identity = tmp.path().join("id.txt");
    let (ids, recipient) = setup(&dir, &backups, &identity);
    let elsewhere = tmp.path().join("other-backups");
    let created = ok(gembok(
        &dir,
        &[
            "--output",
            "json",
            "backup",
            "create",
            "--to",
            elsewhere.to_str().unwrap(),
            "--recipient",
            &recipient,
        ],
    ));
    let archive = archive_of(&created, &elsewhere);
    let pass = [("GEMBOK_RECOVERY_PASSPHRASE", "merapi berasap di pagi hari")];

    let kit = tmp.path().join("kit.age");
    ok(gembok_env(
        &dir,
        &["keys", "export-recovery", "--out", kit.to_str().unwrap()],
        &pass,
    ));
    let short = gembok_env(
        &dir,
        &[
            "keys",
            "export-recovery",
            "--out",
            tmp.path().join("k2").to_str().unwrap(),
        ],
        &[("GEMBOK_RECOVERY_PASSPHRASE", "pendek")],
    );
    assert_eq!(short.status.code(), Some(3));

    let rebuilt = tmp.path().join("rebuilt.key");
    let wrong = gembok_env(
        tmp.path(),
        &[
            "keys",
            "import-recovery",
            kit.to_str().unwrap(),
            "--out",
            rebuilt.to_str().unwrap(),
        ],
        &[("GEMBOK_RECOVERY_PASSPHRASE", "merapi berasap di sore hari")],
    );
    assert!(!wrong.status.success());
    assert!(!rebuilt.exists());
    ok(gembok_env(
        tmp.path(),
        &[
            "keys",
            "import-recovery",
            kit.to_str().unwrap(),
            "--out",
            rebuilt.to_str().unwrap(),
        ],
        &pass,
    ));
    assert_eq!(
        std::fs::read(&rebuilt).unwrap(),
        std::fs::read(dir.join("master.key")).unwrap()
    );

    let prefix = tmp.path().join("owners");
    let shares = json(&ok(gembok(
        &dir,
        &[
            "--output",
            "json",
            "keys",
            "export-recovery",
            "--out",
            prefix.to_str().unwrap(),
            "--shares",
            "3",
            "--threshold",
            "2",
        ],
    )));
    let files: Vec<String> = shares["shares"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(files.len(), 3);
    let from_shares = tmp.path().join("from-shares.key");
    let one = gembok(
        tmp.path(),
        &[
            "keys",
            "import-recovery",
            &files[1],
            "--out",
            from_shares.to_str().unwrap(),
        ],
    );
    assert_eq!(one.status.code(), Some(3), "{}", stderr(&one));
    assert!(!from_shares.exists());
    ok(gembok(
        tmp.path(),
        &[
            "keys",
            "import-recovery",
            &files[2],
            &files[0],
            "--out",
            from_shares.to_str().unwrap(),
        ],
    ));

    // The backup restores with the key rebuilt from shares, on a machine without the
    // vault.
    let restored = tmp.path().join("restored");
    ok(gembok(
        tmp.path(),
        &[
            "restore",
            &archive,
            "--to",
            restored.to_str().unwrap(),
            "--identity",
            identity.to_str().unwrap(),
            "--key-file",
            from_shares.to_str().unwrap(),
        ],
    ));
    let got = json(&ok(gembok(
        &restored,
        &["--output", "json", "get", "customers", &ids[1]],
    )));
    assert_eq!(got["fields"]["email"], "budi.santoso@contoh.co.id");
}
