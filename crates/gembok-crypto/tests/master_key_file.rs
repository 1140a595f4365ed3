//! The master key file through the public API: creation mode, refusal of unsafe
//! permissions and of damaged files, no overwrite, and wrap/unwrap across a
//! save and reload.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use gembok_crypto::{CryptoError, MasterKey, SecretKey};

fn mode(path: &Path) -> u32 {
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn key_file_message(err: CryptoError) -> String {
    match err {
        CryptoError::KeyFile(msg) => msg,
        other => panic!("expected KeyFile, got {other:?}"),
    }
}

#[test]
fn created_with_mode_0600_and_loads_back_the_same_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("master.key");
    let created = MasterKey::create_file(&path).unwrap();
    assert_eq!(mode(&path), 0o600);
    let text = fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0], "gembok-master-key-v1");
    assert_eq!(lines[1].len(), 64);
    assert_eq!(lines[2].len(), 8);
    assert!(text.ends_with('\n'));

    let loaded = MasterKey::load_file(&path).unwrap();
    assert_eq!(loaded.key_id(), created.key_id());
    let data_key = SecretKey::generate().unwrap();
    let wrapped = created.wrap(&data_key, "data:customers:1").unwrap();
    loaded.unwrap(&wrapped, "data:customers:1").unwrap();
}

#[test]
fn create_refuses_existing_path_and_leaves_it_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("master.key");
    fs::write(&path, b"precious\n").unwrap();
    let msg = key_file_message(MasterKey::create_file(&path).unwrap_err());
    assert!(msg.contains("already exists"), "{msg}");
    assert_eq!(fs::read(&path).unwrap(), b"precious\n");

    // Also when the existing file is a real key: it must not be replaced.
    let real = dir.path().join("real.key");
    let first = MasterKey::create_file(&real).unwrap();
    let before = fs::read(&real).unwrap();
    assert!(MasterKey::create_file(&real).is_err());
    assert_eq!(fs::read(&real).unwrap(), before);
    assert_eq!(
        MasterKey::load_file(&real).unwrap().key_id(),
        first.key_id()
    );
}

#[test]
fn loading_a_group_or_world_accessible_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("master.key");
    MasterKey::create_file(&path).unwrap();
    for bad_mode in [0o644, 0o640, 0o604, 0o660, 0o602, 0o620] {
        fs::set_permissions(&path, fs::Permissions::from_mode(bad_mode)).unwrap();
        let msg = key_file_message(MasterKey::load_file(&path).unwrap_err());
        assert!(msg.contains("chmod 600"), "{msg}");
        assert!(msg.contains(&path.display().to_string()), "{msg}");
    }
    for good_mode in [0o600, 0o400] {
        fs::set_permissions(&path, fs::Permissions::from_mode(good_mode)).unwrap();
        MasterKey::load_file(&path).unwrap();
    }
}

#[test]
fn damaged_or_edited_files_are_refused_without_echoing_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("master.key");
    MasterKey::create_file(&path).unwrap();
    let good = fs::read_to_string(&path).unwrap();
    let key_hex = good.lines().nth(1).unwrap().to_string();
    let flip_hex = |c: char| if c == '0' { '1' } else { '0' };

    let mut edited_key = key_hex.clone();
    let first = edited_key.remove(0);
    edited_key.insert(0, flip_hex(first));
    let check = good.lines().nth(2).unwrap();
    let mut edited_check = check.to_string();
    let c0 = edited_check.remove(0);
    edited_check.insert(0, flip_hex(c0));

    let cases: Vec<(&str, String)> = vec![
        ("empty", String::new()),
        ("truncated mid-key", good[..50].to_string()),
        (
            "missing check line",
            format!("gembok-master-key-v1\n{key_hex}\n"),
        ),
        (
            "edited key",
            format!("gembok-master-key-v1\n{edited_key}\n{check}\n"),
        ),
        (
            "edited check",
            format!("gembok-master-key-v1\n{key_hex}\n{edited_check}\n"),
        ),
        (
            "wrong header",
            format!("gembok-master-key-v2\n{key_hex}\n{check}\n"),
        ),
        (
            "non-hex key",
            format!("gembok-master-key-v1\n{}zz\n{check}\n", &key_hex[..62]),
        ),
        ("extra line", format!("{good}extra\n")),
        ("too large", "x".repeat(10_000)),
        ("crlf", good.replace('\n', "\r\n")),
    ];
    for (what, contents) in cases {
        fs::remove_file(&path).ok();
        fs::write(&path, &contents).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
        let msg = key_file_message(MasterKey::load_file(&path).unwrap_err());
        assert!(!msg.contains(&key_hex[..16]), "{what}: {msg}");
        assert!(msg.contains(&path.display().to_string()), "{what}: {msg}");
    }

    // A file without the trailing newline is still the same key.
    fs::write(&path, good.trim_end()).unwrap();
    MasterKey::load_file(&path).unwrap();
}

#[test]
fn missing_file_and_directory_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.key");
    let msg = key_file_message(MasterKey::load_file(&missing).unwrap_err());
    assert!(msg.contains("cannot open"), "{msg}");
    let sub = dir.path().join("sub");
    fs::create_dir(&sub).unwrap();
    fs::set_permissions(&sub, fs::Permissions::from_mode(0o700)).unwrap();
    assert!(matches!(
        MasterKey::load_file(&sub),
        Err(CryptoError::KeyFile(_))
    ));
    assert!(matches!(
        MasterKey::create_file(&dir.path().join("no/such/dir/master.key")),
        Err(CryptoError::KeyFile(_))
    ));
}

#[test]
fn unwrap_with_another_master_key_is_wrong_key() {
    let dir = tempfile::tempdir().unwrap();
    let a = MasterKey::create_file(&dir.path().join("a.key")).unwrap();
    let b = MasterKey::create_file(&dir.path().join("b.key")).unwrap();
    assert_ne!(a.key_id(), b.key_id());
    let wrapped = a
        .wrap(&SecretKey::generate().unwrap(), "index:customers")
        .unwrap();
    assert_eq!(
        b.unwrap(&wrapped, "index:customers").unwrap_err(),
        CryptoError::WrongKey
    );
}
