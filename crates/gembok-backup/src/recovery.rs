//! The key recovery kit: the master key file under a passphrase (age scrypt, armored
//! text that can be printed), or split into k-of-n Shamir shares (GF(256), `blahaj`)
//! for several owners, and the way back to a key file.
//!
//! The kit carries the key file's bytes unchanged: the audit signing key is derived
//! from the master key, so the kit restores both. A rebuilt key file is written
//! exclusively with mode 0600 and then loaded by `gembok-crypto`, whose check line
//! refuses a wrong passphrase's or a wrong share set's output; a failed rebuild leaves
//! no file. Fewer than k shares carry no information about the key (Shamir over
//! GF(256) with uniformly random coefficients), and import refuses them outright.

use std::fs::OpenOptions;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use age::secrecy::SecretString;
use blahaj::{Share, Sharks};
use gembok_crypto::MasterKey;
use zeroize::Zeroizing;

use crate::BackupError;

const SHARE_HEADER: &str = "gembok-recovery-share-v1";

/// The key file's bytes, after checking that it is a valid, private key file.
fn key_file_bytes(key_file: &Path) -> Result<(Zeroizing<Vec<u8>>, String), BackupError> {
    let key = MasterKey::load_file(key_file)?;
    let mut bytes = Zeroizing::new(Vec::new());
    std::fs::File::open(key_file)
        .and_then(|mut f| f.read_to_end(&mut bytes))
        .map_err(BackupError::io(format!(
            "cannot read {}",
            key_file.display()
        )))?;
    Ok((bytes, key.key_id()))
}

fn create_new_private(path: &Path) -> Result<std::fs::File, BackupError> {
    let mut opts = OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => BackupError::Refused(format!(
            "{} already exists; refusing to overwrite it",
            path.display()
        )),
        _ => BackupError::io(format!("cannot create {}", path.display()))(e),
    })
}

fn write_new_private(path: &Path, bytes: &[u8]) -> Result<(), BackupError> {
    let mut f = create_new_private(path)?;
    let written = f.write_all(bytes).and_then(|()| f.sync_all());
    if let Err(e) = written {
        let _ = std::fs::remove_file(path);
        return Err(BackupError::io(format!("cannot write {}", path.display()))(
            e,
        ));
    }
    Ok(())
}

/// Write the rebuilt key file and prove it loads; remove it if it does not.
fn write_key_file(out: &Path, bytes: &[u8]) -> Result<String, BackupError> {
    write_new_private(out, bytes)?;
    match MasterKey::load_file(out) {
        Ok(key) => Ok(key.key_id()),
        Err(_) => {
            let _ = std::fs::remove_file(out);
            Err(BackupError::Recovery(
                "the rebuilt bytes are not a valid master key file".into(),
            ))
        }
    }
}

/// Encrypt the key file under `passphrase` into the new file `out` (armored age).
/// Returns the key id.
pub fn export_passphrase(
    key_file: &Path,
    passphrase: SecretString,
    out: &Path,
) -> Result<String, BackupError> {
    let (bytes, key_id) = key_file_bytes(key_file)?;
    let encryptor = age::Encryptor::with_user_passphrase(passphrase);
    let mut armored = Vec::new();
    let result = (|| -> std::io::Result<()> {
        let aw =
            age::armor::ArmoredWriter::wrap_output(&mut armored, age::armor::Format::AsciiArmor)?;
        let mut w = encryptor.wrap_output(aw)?;
        w.write_all(&bytes)?;
        w.finish()?.finish()?;
        Ok(())
    })();
    result.map_err(BackupError::io("cannot encrypt the recovery kit"))?;
    write_new_private(out, &armored)?;
    Ok(key_id)
}

/// Decrypt a passphrase kit into the new key file `out`. Returns the key id.
pub fn import_passphrase(
    kit: &Path,
    passphrase: SecretString,
    out: &Path,
) -> Result<String, BackupError> {
    let file = std::fs::File::open(kit)
        .map_err(BackupError::io(format!("cannot open {}", kit.display())))?;
    let reader = age::armor::ArmoredReader::new(std::io::BufReader::new(file));
    let decryptor = age::Decryptor::new(reader)
        .map_err(|_| BackupError::Recovery("not a passphrase recovery kit".into()))?;
    if !decryptor.is_scrypt() {
        return Err(BackupError::Recovery(
            "not a passphrase recovery kit".into(),
        ));
    }
    let identity = age::scrypt::Identity::new(passphrase);
    let mut r = decryptor
        .decrypt(std::iter::once(&identity as &dyn age::Identity))
        .map_err(|_| BackupError::Recovery("wrong passphrase or damaged kit".into()))?;
    let mut bytes = Zeroizing::new(Vec::new());
    r.read_to_end(&mut bytes)
        .map_err(|_| BackupError::Recovery("the kit is damaged".into()))?;
    write_key_file(out, &bytes)
}

/// Split the key file into `shares` share files, any `threshold` of which rebuild it,
/// written as `<out>.share-<i>-of-<n>`. Returns the files written.
pub fn export_shares(
    key_file: &Path,
    threshold: u8,
    shares: u8,
    out: &Path,
) -> Result<Vec<PathBuf>, BackupError> {
    if threshold < 2 || shares < threshold {
        return Err(BackupError::Invalid(
            "shares need 2 <= threshold <= shares <= 255".into(),
        ));
    }
    let (bytes, key_id) = key_file_bytes(key_file)?;
    let kit = hex::encode(gembok_crypto::random_bytes::<8>()?);
    let dealt: Vec<Share> = Sharks(threshold)
        .dealer(&bytes)
        .take(shares.into())
        .collect();
    let mut written = Vec::new();
    for (i, share) in dealt.iter().enumerate() {
        let n = i + 1;
        let path = PathBuf::from(format!("{}.share-{n}-of-{shares}", out.display()));
        let share_hex = Zeroizing::new(hex::encode(Vec::from(share)));
        let text = Zeroizing::new(format!(
            "{SHARE_HEADER}\nkit: {kit}\nkey-id: {key_id}\nthreshold: {threshold}\n\
             shares: {shares}\nshare: {}\n",
            share_hex.as_str()
        ));
        if let Err(e) = write_new_private(&path, text.as_bytes()) {
            for p in &written {
                let _ = std::fs::remove_file(p);
            }
            return Err(e);
        }
        written.push(path);
    }
    Ok(written)
}

/// One parsed share file.
struct ShareFile {
    kit: String,
    threshold: u8,
    share: Share,
}

fn parse_share(path: &Path) -> Result<ShareFile, BackupError> {
    let text = Zeroizing::new(
        std::fs::read_to_string(path)
            .map_err(BackupError::io(format!("cannot read {}", path.display())))?,
    );
    let bad =
        || BackupError::Recovery(format!("{} is not a Gembok recovery share", path.display()));
    let mut lines = text.lines();
    if lines.next() != Some(SHARE_HEADER) {
        return Err(bad());
    }
    let (mut kit, mut threshold, mut share) = (None, None, None);
    for line in lines {
        match line.split_once(": ") {
            Some(("kit", v)) => kit = Some(v.to_owned()),
            Some(("threshold", v)) => threshold = v.parse::<u8>().ok(),
            Some(("share", v)) => {
                let bytes = Zeroizing::new(hex::decode(v).map_err(|_| bad())?);
                share = Some(Share::try_from(bytes.as_slice()).map_err(|_| bad())?);
            }
            _ => {}
        }
    }
    match (kit, threshold, share) {
        (Some(kit), Some(threshold), Some(share)) => Ok(ShareFile {
            kit,
            threshold,
            share,
        }),
        _ => Err(bad()),
    }
}

/// Rebuild the key file `out` from share files. Refused, writing nothing, with fewer
/// distinct shares than the threshold or shares of different kits.
pub fn import_shares(paths: &[PathBuf], out: &Path) -> Result<String, BackupError> {
    let parsed = paths
        .iter()
        .map(|p| parse_share(p))
        .collect::<Result<Vec<_>, _>>()?;
    let first = parsed
        .first()
        .ok_or_else(|| BackupError::Recovery("no share given".into()))?;
    if parsed
        .iter()
        .any(|s| s.kit != first.kit || s.threshold != first.threshold)
    {
        return Err(BackupError::Recovery(
            "the shares belong to different recovery kits".into(),
        ));
    }
    let mut xs: Vec<Vec<u8>> = parsed
        .iter()
        .map(|s| Vec::from(&s.share)[..1].to_vec())
        .collect();
    xs.sort();
    xs.dedup();
    if xs.len() < usize::from(first.threshold) {
        return Err(BackupError::Recovery(format!(
            "{} distinct shares given; this kit needs {}",
            xs.len(),
            first.threshold
        )));
    }
    let secret = Zeroizing::new(
        Sharks(first.threshold)
            .recover(parsed.iter().map(|s| &s.share))
            .map_err(|_| BackupError::Recovery("the shares do not combine".into()))?,
    );
    write_key_file(out, &secret)
}
