//! The master key file: creating it safely and loading it defensively.
//!
//! Format (ASCII, 96 bytes):
//! ```text
//! gembok-master-key-v1
//! <64 lowercase hex chars: the key>
//! <8 hex chars: HMAC-SHA256(key, "gembok/key-file-check/v1"), first 4 bytes>
//! ```
//! The check line catches truncation, a damaged disk block or a hand edit before
//! the key is used; a wrong key that still checks out is caught later by the
//! vault's stored `key_id`.
//!
//! The file is created with `O_CREAT | O_EXCL` and mode 0600, then the file and
//! its directory are fsynced. Loading checks the mode on the opened handle before
//! reading a byte, and refuses any group or other permission bit.

use std::fs::{File, OpenOptions};
use std::io::{ErrorKind, Read, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::Path;

use zeroize::Zeroizing;

use crate::keys::SecretKey;
use crate::primitives::KEY_LEN;
use crate::{CryptoError, MasterKey};

const HEADER: &str = "gembok-master-key-v1";
/// Larger than any valid file (96 bytes), small enough to read onto the stack.
const MAX_FILE_LEN: usize = 256;

fn key_file_error(path: &Path, reason: impl std::fmt::Display) -> CryptoError {
    CryptoError::KeyFile(format!("{}: {reason}", path.display()))
}

impl MasterKey {
    /// Generates a key and writes it to a new file at `path` (mode 0600, created
    /// exclusively). Refuses when `path` exists, leaving that file untouched. On
    /// any later failure the half-written file is removed.
    pub fn create_file(path: &Path) -> Result<Self, CryptoError> {
        let key = Self::generate()?;
        let contents = key.file_contents();
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path)
            .map_err(|e| match e.kind() {
                ErrorKind::AlreadyExists => {
                    key_file_error(path, "already exists; refusing to overwrite a key file")
                }
                _ => key_file_error(path, format_args!("cannot create: {e}")),
            })?;
        let written = file
            .write_all(contents.as_bytes())
            .and_then(|()| file.sync_all())
            .and_then(|()| sync_parent_dir(path));
        if let Err(e) = written {
            drop(file);
            let _ = std::fs::remove_file(path);
            return Err(key_file_error(path, format_args!("cannot write: {e}")));
        }
        Ok(key)
    }

    /// Loads the key file at `path`. Refused with `KeyFile` when the file cannot
    /// be opened, is not a regular file, grants any permission to group or others
    /// (the message says to run `chmod 600`), or is not a well-formed, intact key
    /// file.
    pub fn load_file(path: &Path) -> Result<Self, CryptoError> {
        let mut file =
            File::open(path).map_err(|e| key_file_error(path, format_args!("cannot open: {e}")))?;
        let meta = file
            .metadata()
            .map_err(|e| key_file_error(path, format_args!("cannot stat: {e}")))?;
        if !meta.is_file() {
            return Err(key_file_error(path, "not a regular file"));
        }
        let mode = meta.mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(key_file_error(
                path,
                format_args!(
                    "permissions {mode:03o} let group or others access the master key; run `chmod 600 {}`",
                    path.display()
                ),
            ));
        }
        let mut buf = Zeroizing::new([0u8; MAX_FILE_LEN]);
        let mut len = 0;
        loop {
            if len == MAX_FILE_LEN {
                return Err(key_file_error(
                    path,
                    "too large to be a Gembok master key file",
                ));
            }
            match file.read(&mut buf[len..]) {
                Ok(0) => break,
                Ok(n) => len += n,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(key_file_error(path, format_args!("cannot read: {e}"))),
            }
        }
        parse(&buf[..len]).map_err(|reason| key_file_error(path, reason))
    }

    fn file_contents(&self) -> Zeroizing<String> {
        let mut hex_key = Zeroizing::new([0u8; 2 * KEY_LEN]);
        // Cannot fail: the output buffer is exactly twice the input length.
        let _ = hex::encode_to_slice(self.key.expose(), &mut hex_key[..]);
        let mut out = Zeroizing::new(String::with_capacity(HEADER.len() + 2 * KEY_LEN + 8 + 3));
        out.push_str(HEADER);
        out.push('\n');
        out.push_str(std::str::from_utf8(&hex_key[..]).unwrap_or_default());
        out.push('\n');
        out.push_str(&hex::encode(self.file_check()));
        out.push('\n');
        out
    }
}

/// Parses the file contents; the error is a reason safe to show (no content).
fn parse(contents: &[u8]) -> Result<MasterKey, &'static str> {
    let contents = contents.strip_suffix(b"\n").unwrap_or(contents);
    let mut lines = contents.split(|&b| b == b'\n');
    let (Some(header), Some(key_line), Some(check_line), None) =
        (lines.next(), lines.next(), lines.next(), lines.next())
    else {
        return Err("not a Gembok master key file (expected exactly three lines)");
    };
    if header != HEADER.as_bytes() {
        return Err("not a Gembok master key file (first line must be `gembok-master-key-v1`)");
    }
    if key_line.len() != 2 * KEY_LEN {
        return Err("damaged: the key line must be 64 hexadecimal characters");
    }
    let mut key = SecretKey::zeroed();
    // The hex crate's error names the offending character: drop it, it is key material.
    hex::decode_to_slice(key_line, key.bytes_mut())
        .map_err(|_| "damaged: the key line must be 64 hexadecimal characters")?;
    let mut check = [0u8; 4];
    if check_line.len() != 8 || hex::decode_to_slice(check_line, &mut check).is_err() {
        return Err("damaged: the check line must be 8 hexadecimal characters");
    }
    let master = MasterKey { key };
    if !crate::constant_time_eq(&master.file_check(), &check) {
        return Err("damaged or edited: the check value does not match the key");
    }
    Ok(master)
}

/// fsync the directory so the new file's directory entry survives a crash.
fn sync_parent_dir(path: &Path) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    File::open(dir)?.sync_all()
}
