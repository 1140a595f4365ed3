//! The archive: one age file holding the signed manifest and the zstd-compressed
//! snapshot.
//!
//! Plaintext layout inside age: `GEMBOK-BACKUP-1\n`, the manifest's length (u32, big
//! endian), the manifest's compact JSON, then one zstd frame of the snapshot file. age
//! authenticates every 64 KiB chunk and marks the last one, so a flipped byte fails
//! its chunk and a truncated file fails at the end; reading always goes on to the end
//! of the age stream so truncation is never mistaken for a short snapshot. The snapshot
//! is then hashed and compared with the manifest.

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::Path;

use age::{x25519, DecryptError, Identity};
use aws_lc_rs::digest;

use crate::manifest::SignedManifest;
use crate::snapshot::create_private;
use crate::BackupError;

const MAGIC: &[u8] = b"GEMBOK-BACKUP-1\n";
const MAX_MANIFEST: usize = 1 << 20;
const ZSTD_LEVEL: i32 = 3;

/// SHA-256 (hex) and length of a file.
pub fn hash_file(path: &Path) -> Result<(String, u64), BackupError> {
    let mut file =
        File::open(path).map_err(BackupError::io(format!("cannot read {}", path.display())))?;
    let mut sink = HashingWriter::new(io::sink());
    io::copy(&mut file, &mut sink).map_err(BackupError::io("cannot hash the snapshot"))?;
    let (_, sha, len) = sink.finish();
    Ok((sha, len))
}

/// Encrypt `manifest` and the snapshot file into `out`, to every recipient.
pub fn write(
    out: &Path,
    manifest: &SignedManifest,
    snapshot: &Path,
    recipients: &[x25519::Recipient],
) -> Result<(), BackupError> {
    if recipients.is_empty() {
        return Err(BackupError::Invalid(
            "no backup recipient: give --recipient age1... or set [backup] recipients".into(),
        ));
    }
    let encryptor =
        age::Encryptor::with_recipients(recipients.iter().map(|r| r as &dyn age::Recipient))
            .map_err(|e| {
                BackupError::Invalid(format!("cannot encrypt to these recipients: {e}"))
            })?;
    let file = create_private(out)?;
    let err = BackupError::io(format!("cannot write {}", out.display()));
    let result = (|| -> io::Result<File> {
        let mut w = encryptor.wrap_output(BufWriter::new(file))?;
        let json = serde_json::to_vec(manifest).map_err(io::Error::other)?;
        w.write_all(MAGIC)?;
        w.write_all(
            &u32::try_from(json.len())
                .map_err(io::Error::other)?
                .to_be_bytes(),
        )?;
        w.write_all(&json)?;
        let mut z = zstd::stream::Encoder::new(&mut w, ZSTD_LEVEL)?;
        io::copy(&mut File::open(snapshot)?, &mut z)?;
        z.finish()?;
        let file = w.finish()?.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        Ok(file)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(out);
        return Err(err(e));
    }
    Ok(())
}

/// What reading an archive found.
pub struct Opened {
    pub manifest: SignedManifest,
    /// SHA-256 (hex) and length of the snapshot as decompressed.
    pub snapshot_sha256: String,
    pub snapshot_bytes: u64,
}

/// Decrypt the archive at `path` with `identities`, write the snapshot to the new file
/// `snapshot_out`, and check it against the manifest inside (not yet the signature).
pub fn read(
    path: &Path,
    identities: &[Box<dyn Identity>],
    snapshot_out: &Path,
) -> Result<Opened, BackupError> {
    let file =
        File::open(path).map_err(BackupError::io(format!("cannot read {}", path.display())))?;
    let decryptor = age::Decryptor::new(BufReader::new(file)).map_err(decrypt_error)?;
    let mut r = decryptor
        .decrypt(identities.iter().map(|i| i.as_ref() as &dyn Identity))
        .map_err(decrypt_error)?;
    let mut magic = [0u8; MAGIC.len()];
    r.read_exact(&mut magic).map_err(stream_error)?;
    if magic != MAGIC {
        return Err(BackupError::Damaged("not a Gembok backup".into()));
    }
    let mut len = [0u8; 4];
    r.read_exact(&mut len).map_err(stream_error)?;
    let len = u32::from_be_bytes(len) as usize;
    if len > MAX_MANIFEST {
        return Err(BackupError::Damaged("the manifest is too large".into()));
    }
    let mut json = vec![0u8; len];
    r.read_exact(&mut json).map_err(stream_error)?;
    let manifest = SignedManifest::from_json(&json)?;
    let out = create_private(snapshot_out)?;
    let mut sink = HashingWriter::new(BufWriter::new(out));
    {
        let mut z = zstd::stream::Decoder::new(&mut r).map_err(stream_error)?;
        io::copy(&mut z, &mut sink).map_err(stream_error)?;
    }
    // Read to the end of the age stream: the last chunk is authenticated only there.
    let mut rest = Vec::new();
    r.read_to_end(&mut rest).map_err(stream_error)?;
    if !rest.is_empty() {
        return Err(BackupError::Damaged("data after the snapshot".into()));
    }
    let (w, snapshot_sha256, snapshot_bytes) = sink.finish();
    w.into_inner()
        .map_err(|e| e.into_error())
        .and_then(|f| f.sync_all())
        .map_err(BackupError::io("cannot write the snapshot"))?;
    if snapshot_sha256 != manifest.manifest.snapshot_sha256
        || snapshot_bytes != manifest.manifest.snapshot_bytes
    {
        return Err(BackupError::Manifest(
            "the snapshot's SHA-256 differs from the manifest".into(),
        ));
    }
    Ok(Opened {
        manifest,
        snapshot_sha256,
        snapshot_bytes,
    })
}

fn decrypt_error(e: DecryptError) -> BackupError {
    match e {
        DecryptError::NoMatchingKeys => BackupError::WrongIdentity,
        DecryptError::Io(e) => stream_error(e),
        other => BackupError::Damaged(format!("age: {other}")),
    }
}

fn stream_error(e: io::Error) -> BackupError {
    match e.kind() {
        io::ErrorKind::UnexpectedEof => BackupError::Damaged("the file is truncated".into()),
        _ => BackupError::Damaged(format!("cannot decrypt or decompress: {e}")),
    }
}

/// A writer that hashes what passes through it.
struct HashingWriter<W: Write> {
    inner: W,
    ctx: digest::Context,
    len: u64,
}

impl<W: Write> HashingWriter<W> {
    fn new(inner: W) -> Self {
        HashingWriter {
            inner,
            ctx: digest::Context::new(&digest::SHA256),
            len: 0,
        }
    }

    /// The inner writer, the SHA-256 (hex) and the byte count.
    fn finish(self) -> (W, String, u64) {
        (
            self.inner,
            hex::encode(self.ctx.finish().as_ref()),
            self.len,
        )
    }
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.ctx.update(&buf[..n]);
        self.len += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}
