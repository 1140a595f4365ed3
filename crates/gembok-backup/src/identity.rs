//! age identities and recipients for backups: the identity (private) is made once by
//! `gembok backup keygen` and kept offline by the owner; the machine making backups
//! knows only its recipient (`age1...`), so it cannot read what it wrote.

use std::fs::{File, OpenOptions};
use std::io::{BufReader, Write};
use std::path::Path;
use std::str::FromStr;

use age::secrecy::ExposeSecret;
use age::{x25519, Identity};

use crate::BackupError;

/// Write a new X25519 identity to `out` (mode 0600, never over an existing file) in
/// age's own format; returns its recipient.
pub fn keygen(out: &Path) -> Result<x25519::Recipient, BackupError> {
    let identity = x25519::Identity::generate();
    let recipient = identity.to_public();
    let mut opts = OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut file = opts.open(out).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => BackupError::Refused(format!(
            "{} already exists; refusing to overwrite an identity",
            out.display()
        )),
        _ => BackupError::io(format!("cannot create {}", out.display()))(e),
    })?;
    let created = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    let secret = identity.to_string();
    let text = zeroize::Zeroizing::new(format!(
        "# Gembok backup identity: keep it offline; it opens every backup made to it.\n\
         # created: {created}\n# public key: {recipient}\n{}\n",
        secret.expose_secret()
    ));
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(BackupError::io(format!("cannot write {}", out.display())))?;
    Ok(recipient)
}

/// Parse one `age1...` recipient.
pub fn parse_recipient(text: &str) -> Result<x25519::Recipient, BackupError> {
    x25519::Recipient::from_str(text.trim())
        .map_err(|_| BackupError::Invalid("not an age X25519 recipient (expected age1...)".into()))
}

/// The identities in an age identity file. Refused when group or others may read it.
pub fn load_identities(path: &Path) -> Result<Vec<Box<dyn Identity>>, BackupError> {
    let file = File::open(path).map_err(BackupError::io(format!(
        "cannot open identity {}",
        path.display()
    )))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let mode = file
            .metadata()
            .map_err(BackupError::io(format!("cannot stat {}", path.display())))?
            .mode();
        if mode & 0o077 != 0 {
            return Err(BackupError::Invalid(format!(
                "identity {} is readable by group or others; run `chmod 600` on it",
                path.display()
            )));
        }
    }
    let parsed = age::IdentityFile::from_buffer(BufReader::new(file)).map_err(|_| {
        BackupError::Invalid(format!("{} is not an age identity file", path.display()))
    })?;
    let ids = parsed.into_identities().map_err(|_| {
        BackupError::Invalid(format!("{} is not an age identity file", path.display()))
    })?;
    if ids.is_empty() {
        return Err(BackupError::Invalid(format!(
            "{} holds no identity",
            path.display()
        )));
    }
    Ok(ids)
}
