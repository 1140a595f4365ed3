//! Backup and restore of a real SQLite vault through a local folder: every record equal
//! after the round trip, no personal value in the backup's bytes, and every kind of
//! damage (wrong identity, truncation, a flipped byte, a changed manifest) refused by
//! verify and restore with a clear error.

mod support;

use std::path::{Path, PathBuf};

use gembok_backup::dest::MANIFEST_SUFFIX;
use gembok_backup::{identity, BackupError, Destination, SignatureCheck};
use gembok_crypto::MasterKey;
use support::{dump, fixture, open_restored, personal_values, Fixture};

fn backup(f: &Fixture, dest_dir: &Path) -> (PathBuf, PathBuf) {
    let dest = Destination::Local(dest_dir.to_path_buf());
    let master = MasterKey::load_file(&f.key_file).unwrap();
    let created = gembok_backup::create(
        &f.db,
        &master,
        std::slice::from_ref(&f.recipient),
        &dest,
        time::OffsetDateTime::now_utc(),
    )
    .unwrap();
    let archive = dest_dir.join(&created.name);
    let manifest = dest_dir.join(format!("{}{MANIFEST_SUFFIX}", created.name));
    (archive, manifest)
}

#[test]
fn every_record_is_equal_after_backup_and_restore() {
    let f = fixture(300);
    let dest = f.dir.path().join("backups");
    let (archive, manifest) = backup(&f, &dest);
    let ids = identity::load_identities(&f.identity).unwrap();
    let beside = std::fs::read(&manifest).unwrap();
    let target = f.dir.path().join("restored");
    let restored =
        gembok_backup::restore(&archive, Some(&beside), &ids, &f.key_file, &target, false).unwrap();
    assert_eq!(restored.verified.signature, SignatureCheck::VaultKey);
    assert_eq!(restored.verified.facts.counts["customers"], 300);
    assert_eq!(restored.verified.facts.counts["orders"], 300);
    assert!(restored.verified.audit_events.unwrap() > 0);
    let back = open_restored(&target, &f.key_file);
    for c in ["customers", "orders", "events"] {
        let before = dump(&f.vault, c);
        let after = dump(&back, c);
        assert_eq!(before.len(), after.len(), "{c}");
        assert_eq!(before, after, "{c}");
    }
    assert_eq!(dump(&back, "customers").len(), 300);
    // The restored vault's audit chain goes on from the backup's head.
    assert_eq!(
        back.audit().verify(&[]).unwrap().problem,
        None,
        "restored audit chain verifies"
    );
}

#[test]
fn the_backup_bytes_hold_no_personal_value_and_no_key() {
    let f = fixture(100);
    let dest = f.dir.path().join("backups");
    let (archive, manifest) = backup(&f, &dest);
    let key_text = std::fs::read_to_string(&f.key_file).unwrap();
    let key_hex = key_text.lines().nth(1).unwrap().to_owned();
    let values = personal_values(&f);
    assert!(values.len() > 300);
    for file in [&archive, &manifest] {
        let bytes = std::fs::read(file).unwrap();
        for v in values.iter().chain(std::iter::once(&key_hex)) {
            assert!(
                !bytes.windows(v.len()).any(|w| w == v.as_bytes()),
                "{} holds a stored value",
                file.display()
            );
        }
    }
    // Verified without the key file, the signature is checked against the key the
    // manifest records, and the result says so.
    let ids = identity::load_identities(&f.identity).unwrap();
    let v = gembok_backup::verify(&archive, None, &ids, None).unwrap();
    assert_eq!(v.signature, SignatureCheck::EmbeddedKey);
    assert_eq!(v.facts.counts["customers"], 100);
    assert_eq!(v.audit_events, None);
}

/// Verify and restore both refuse `archive`; the restore target stays empty.
fn refused(f: &Fixture, archive: &Path, beside: Option<&[u8]>, identity: &Path) -> BackupError {
    let ids = identity::load_identities(identity).unwrap();
    let err = gembok_backup::verify(archive, beside, &ids, Some(&f.key_file)).unwrap_err();
    let target = f.dir.path().join(format!("target-{}", rand_suffix()));
    let again =
        gembok_backup::restore(archive, beside, &ids, &f.key_file, &target, false).unwrap_err();
    assert_eq!(err.code(), again.code());
    let left: Vec<_> = std::fs::read_dir(&target)
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "a refused restore left {left:?}");
    err
}

fn rand_suffix() -> String {
    hex::encode(gembok_crypto::random_bytes::<4>().unwrap())
}

#[test]
fn damage_of_every_kind_is_refused_with_a_clear_error() {
    let f = fixture(250);
    let dest = f.dir.path().join("backups");
    let (archive, manifest) = backup(&f, &dest);
    let bytes = std::fs::read(&archive).unwrap();
    let beside = std::fs::read(&manifest).unwrap();

    let other = f.dir.path().join("other.age");
    identity::keygen(&other).unwrap();
    let e = refused(&f, &archive, Some(&beside), &other);
    assert!(matches!(e, BackupError::WrongIdentity), "{e}");
    assert!(e.to_string().contains("identity"), "{e}");

    let truncated = f.dir.path().join("truncated.gbk");
    std::fs::write(&truncated, &bytes[..bytes.len() - 100]).unwrap();
    let e = refused(&f, &truncated, None, &f.identity);
    assert!(matches!(e, BackupError::Damaged(_)), "{e}");

    // Cut exactly after the first 64 KiB chunk: every chunk left is intact, only the
    // last-chunk marker is missing.
    let cut_at_chunk = f.dir.path().join("cut.gbk");
    let mac_line = bytes.windows(4).position(|w| w == b"\n---").unwrap() + 1;
    let header_end = mac_line + bytes[mac_line..].iter().position(|&b| b == b'\n').unwrap() + 1;
    let boundary = header_end + 16 + 64 * 1024 + 16;
    assert!(
        bytes.len() > boundary + 1000,
        "archive of {} bytes",
        bytes.len()
    );
    std::fs::write(&cut_at_chunk, &bytes[..boundary]).unwrap();
    let e = refused(&f, &cut_at_chunk, None, &f.identity);
    assert!(matches!(e, BackupError::Damaged(_)), "{e}");

    let flipped = f.dir.path().join("flipped.gbk");
    let mut changed = bytes.clone();
    let mid = changed.len() / 2;
    changed[mid] ^= 0x01;
    std::fs::write(&flipped, &changed).unwrap();
    let e = refused(&f, &flipped, None, &f.identity);
    assert!(matches!(e, BackupError::Damaged(_)), "{e}");
    assert!(e.is_integrity());

    // A manifest beside the archive with a changed count no longer matches its
    // signature.
    let text = String::from_utf8(beside.clone()).unwrap();
    let edited = text.replacen("\"customers\": 250", "\"customers\": 251", 1);
    assert_ne!(edited, text);
    let e = refused(&f, &archive, Some(edited.as_bytes()), &f.identity);
    assert!(matches!(e, BackupError::Manifest(_)), "{e}");
    assert!(e.to_string().contains("signature"), "{e}");

    // The intact backup still verifies and restores.
    let ids = identity::load_identities(&f.identity).unwrap();
    gembok_backup::verify(&archive, Some(&beside), &ids, Some(&f.key_file)).unwrap();
}

#[test]
fn restore_refuses_a_non_empty_folder_and_a_foreign_key() {
    let f = fixture(5);
    let dest = f.dir.path().join("backups");
    let (archive, _) = backup(&f, &dest);
    let ids = identity::load_identities(&f.identity).unwrap();
    let target = f.dir.path().join("busy");
    std::fs::create_dir(&target).unwrap();
    std::fs::write(target.join("notes.txt"), "keep me").unwrap();
    let e = gembok_backup::restore(&archive, None, &ids, &f.key_file, &target, false).unwrap_err();
    assert!(matches!(e, BackupError::Refused(_)), "{e}");
    assert!(e.to_string().contains("--force"), "{e}");
    // With force the backup goes in place and the note is kept.
    gembok_backup::restore(&archive, None, &ids, &f.key_file, &target, true).unwrap();
    assert_eq!(
        std::fs::read_to_string(target.join("notes.txt")).unwrap(),
        "keep me"
    );
    assert_eq!(
        dump(&open_restored(&target, &f.key_file), "customers").len(),
        5
    );

    let foreign = f.dir.path().join("foreign.key");
    MasterKey::create_file(&foreign).unwrap();
    let e = gembok_backup::restore(
        &archive,
        None,
        &ids,
        &foreign,
        &f.dir.path().join("x"),
        false,
    )
    .unwrap_err();
    assert!(e.to_string().contains("master key id"), "{e}");
}

#[test]
fn drill_restores_the_newest_backup_and_times_it() {
    let f = fixture(20);
    let dest_dir = f.dir.path().join("backups");
    backup(&f, &dest_dir);
    std::thread::sleep(std::time::Duration::from_millis(5));
    let (newest, _) = backup(&f, &dest_dir);
    let dest = Destination::Local(dest_dir);
    let listed = gembok_backup::list(&dest).unwrap();
    assert_eq!(listed.len(), 2);
    assert!(listed.iter().all(|e| e.manifest.is_some()));
    let ids = identity::load_identities(&f.identity).unwrap();
    let d = gembok_backup::drill(&dest, &ids, &f.key_file).unwrap();
    assert_eq!(d.name, newest.file_name().unwrap().to_str().unwrap());
    assert_eq!(d.restored.verified.facts.counts["customers"], 20);
}
