//! The key recovery kit: passphrase and k-of-n share round trips rebuild a key file
//! that opens the vault; a wrong passphrase, too few shares or mixed kits rebuild
//! nothing.

use std::path::PathBuf;

use age::secrecy::SecretString;
use blahaj::{Share, Sharks};
use gembok_backup::recovery;
use gembok_crypto::MasterKey;

fn pass(s: &str) -> SecretString {
    SecretString::from(s.to_owned())
}

#[test]
fn passphrase_kit_round_trip_and_wrong_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("master.key");
    let key = MasterKey::create_file(&key_file).unwrap();
    let kit = dir.path().join("kit.age");
    let id = recovery::export_passphrase(&key_file, pass("kuda lumping 7 sore"), &kit).unwrap();
    assert_eq!(id, key.key_id());
    let text = std::fs::read_to_string(&kit).unwrap();
    assert!(text.starts_with("-----BEGIN AGE ENCRYPTED FILE-----"));
    let key_line = std::fs::read_to_string(&key_file).unwrap();
    assert!(!text.contains(key_line.lines().nth(1).unwrap()));

    let wrong = dir.path().join("wrong.key");
    let e = recovery::import_passphrase(&kit, pass("kuda lumping 7 pagi"), &wrong).unwrap_err();
    assert_eq!(e.code(), "recovery_failed");
    assert!(!wrong.exists());

    let back = dir.path().join("back.key");
    let id = recovery::import_passphrase(&kit, pass("kuda lumping 7 sore"), &back).unwrap();
    assert_eq!(id, key.key_id());
    assert_eq!(
        std::fs::read(&back).unwrap(),
        std::fs::read(&key_file).unwrap()
    );
    // The rebuilt file is as private as the original.
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&back).unwrap().permissions().mode() & 0o777,
        0o600
    );
    // Never over an existing file.
    let e = recovery::import_passphrase(&kit, pass("kuda lumping 7 sore"), &back).unwrap_err();
    assert_eq!(e.code(), "refused");
}

#[test]
fn k_of_n_shares_round_trip_and_fewer_than_k_recover_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("master.key");
    let key = MasterKey::create_file(&key_file).unwrap();
    let original = std::fs::read(&key_file).unwrap();
    let files = recovery::export_shares(&key_file, 3, 5, &dir.path().join("kit")).unwrap();
    assert_eq!(files.len(), 5);
    assert!(files[0].to_string_lossy().ends_with("kit.share-1-of-5"));

    for pick in [[0usize, 1, 2], [0, 2, 4], [4, 3, 1]] {
        let out = dir
            .path()
            .join(format!("k{}{}{}.key", pick[0], pick[1], pick[2]));
        let chosen: Vec<PathBuf> = pick.iter().map(|&i| files[i].clone()).collect();
        let id = recovery::import_shares(&chosen, &out).unwrap();
        assert_eq!(id, key.key_id());
        assert_eq!(std::fs::read(&out).unwrap(), original);
    }

    // Two shares (or one share given twice) are refused and write nothing.
    let out = dir.path().join("two.key");
    let e = recovery::import_shares(&files[..2], &out).unwrap_err();
    assert_eq!(e.code(), "recovery_failed");
    assert!(e.to_string().contains("needs 3"), "{e}");
    let e = recovery::import_shares(
        &[files[0].clone(), files[0].clone(), files[1].clone()],
        &out,
    )
    .unwrap_err();
    assert_eq!(e.code(), "recovery_failed");
    assert!(!out.exists());

    // Interpolating two shares as if they were enough yields bytes unrelated to the key.
    let shares: Vec<Share> = files[..2]
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p).unwrap();
            let hex_share = text
                .lines()
                .find_map(|l| l.strip_prefix("share: "))
                .unwrap();
            Share::try_from(hex::decode(hex_share).unwrap().as_slice()).unwrap()
        })
        .collect();
    let guess = Sharks(2).recover(&shares).unwrap();
    assert_eq!(guess.len(), original.len());
    let same = guess.iter().zip(&original).filter(|(a, b)| a == b).count();
    assert!(
        same < original.len() / 4,
        "{same} of {} bytes match",
        original.len()
    );

    // Shares of two different kits do not combine.
    let other = recovery::export_shares(&key_file, 3, 3, &dir.path().join("other")).unwrap();
    let mixed = vec![files[0].clone(), files[1].clone(), other[2].clone()];
    let e = recovery::import_shares(&mixed, &dir.path().join("mixed.key")).unwrap_err();
    assert!(e.to_string().contains("different"), "{e}");
}
