//! Where backups go: a local folder (another disk, a mounted share) or an
//! S3-compatible bucket through `object_store`.
//!
//! A backup is two objects: the archive `gembok-<time>.gbk` and its manifest
//! `gembok-<time>.gbk.manifest.json`, the manifest written last, so a listed manifest
//! means a complete archive. Local files are written under a temporary name, fsynced
//! and renamed. S3 credentials come from the usual `AWS_*` environment variables
//! (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`, `AWS_ENDPOINT`,
//! `AWS_ALLOW_HTTP`) and are never printed: [`Destination::describe`] shows the URL only.

use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use futures::StreamExt;
use object_store::aws::AmazonS3Builder;
use object_store::buffered::BufWriter as ObjectWriter;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use tokio::io::AsyncWriteExt;

use crate::BackupError;

/// Suffix of archives.
pub const ARCHIVE_SUFFIX: &str = ".gbk";
/// Suffix added to an archive's name for its manifest.
pub const MANIFEST_SUFFIX: &str = ".manifest.json";

/// A place that keeps backups.
pub enum Destination {
    Local(PathBuf),
    S3(S3Dest),
}

/// An S3 bucket (and key prefix) with the runtime its async client needs.
pub struct S3Dest {
    url: String,
    store: Arc<dyn ObjectStore>,
    prefix: String,
    rt: tokio::runtime::Runtime,
}

/// Explicit S3 settings (tests, or configuration that does not come from `AWS_*`).
#[derive(Default)]
pub struct S3Settings {
    pub endpoint: Option<String>,
    pub region: Option<String>,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
    pub allow_http: bool,
}

impl std::fmt::Debug for S3Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Settings")
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("credentials", &"[redacted]")
            .finish()
    }
}

fn dest_err(e: impl std::fmt::Display) -> BackupError {
    BackupError::Destination(e.to_string())
}

impl Destination {
    /// `s3://bucket/prefix` (settings from the environment) or a local folder.
    pub fn parse(spec: &str) -> Result<Self, BackupError> {
        if spec.starts_with("s3://") {
            Self::s3(spec, AmazonS3Builder::from_env())
        } else if spec.contains("://") {
            Err(BackupError::Invalid(
                "backup destinations are a local folder or s3://bucket/prefix".into(),
            ))
        } else {
            Ok(Destination::Local(PathBuf::from(spec)))
        }
    }

    /// An S3 destination with explicit settings over those of the environment.
    pub fn s3_with(url: &str, s: &S3Settings) -> Result<Self, BackupError> {
        let mut b = AmazonS3Builder::from_env().with_allow_http(s.allow_http);
        if let Some(v) = &s.endpoint {
            b = b.with_endpoint(v);
        }
        if let Some(v) = &s.region {
            b = b.with_region(v);
        }
        if let Some(v) = &s.access_key_id {
            b = b.with_access_key_id(v);
        }
        if let Some(v) = &s.secret_access_key {
            b = b.with_secret_access_key(v);
        }
        Self::s3(url, b)
    }

    fn s3(url: &str, builder: AmazonS3Builder) -> Result<Self, BackupError> {
        let rest = url.trim_start_matches("s3://");
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err(BackupError::Invalid("s3:// needs a bucket name".into()));
        }
        let store = builder
            .with_bucket_name(bucket)
            .build()
            .map_err(|e| dest_err(format!("S3 settings: {e}")))?;
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(BackupError::io("cannot start the S3 client"))?;
        Ok(Destination::S3(S3Dest {
            url: url.to_owned(),
            store: Arc::new(store),
            prefix: prefix.trim_matches('/').to_owned(),
            rt,
        }))
    }

    /// The destination for people and logs (no credentials).
    pub fn describe(&self) -> String {
        match self {
            Destination::Local(p) => p.display().to_string(),
            Destination::S3(s) => s.url.clone(),
        }
    }

    /// Store the local file `from` under `name`.
    pub fn put_file(&self, name: &str, from: &Path) -> Result<(), BackupError> {
        match self {
            Destination::Local(dir) => {
                create_dir_private(dir)?;
                let tmp = dir.join(format!(".{name}.tmp"));
                let target = dir.join(name);
                let result = fs::copy(from, &tmp)
                    .and_then(|_| File::open(&tmp)?.sync_all())
                    .and_then(|()| fs::rename(&tmp, &target))
                    .and_then(|()| File::open(dir)?.sync_all());
                if result.is_err() {
                    let _ = fs::remove_file(&tmp);
                }
                result.map_err(BackupError::io(format!(
                    "cannot write {}",
                    target.display()
                )))
            }
            Destination::S3(s) => s.rt.block_on(async {
                let mut w = ObjectWriter::new(Arc::clone(&s.store), s.path(name));
                let mut file = File::open(from)
                    .map_err(BackupError::io(format!("cannot read {}", from.display())))?;
                let mut buf = vec![0u8; 1 << 20];
                loop {
                    let n = file
                        .read(&mut buf)
                        .map_err(BackupError::io(format!("cannot read {}", from.display())))?;
                    if n == 0 {
                        break;
                    }
                    w.write_all(&buf[..n]).await.map_err(dest_err)?;
                }
                w.shutdown().await.map_err(dest_err)
            }),
        }
    }

    /// Store small bytes (a manifest) under `name`.
    pub fn put_bytes(&self, name: &str, bytes: &[u8]) -> Result<(), BackupError> {
        match self {
            Destination::Local(dir) => {
                create_dir_private(dir)?;
                let tmp = dir.join(format!(".{name}.tmp"));
                let target = dir.join(name);
                let result = File::create(&tmp)
                    .and_then(|mut f| {
                        f.write_all(bytes)?;
                        f.sync_all()
                    })
                    .and_then(|()| fs::rename(&tmp, &target));
                result.map_err(BackupError::io(format!(
                    "cannot write {}",
                    target.display()
                )))
            }
            Destination::S3(s) => s.rt.block_on(async {
                s.store
                    .put(&s.path(name), PutPayload::from(bytes.to_vec()))
                    .await
                    .map(|_| ())
                    .map_err(dest_err)
            }),
        }
    }

    /// Copy the object `name` into the new local file `to`.
    pub fn get_file(&self, name: &str, to: &Path) -> Result<(), BackupError> {
        let mut out = crate::snapshot::create_private(to)?;
        let write_err = BackupError::io(format!("cannot write {}", to.display()));
        match self {
            Destination::Local(dir) => {
                let mut from = File::open(dir.join(name)).map_err(|_| {
                    BackupError::NotFound(format!("no backup {name} in {}", dir.display()))
                })?;
                std::io::copy(&mut from, &mut out).map_err(write_err)?;
            }
            Destination::S3(s) => s.rt.block_on(async {
                let got = s.store.get(&s.path(name)).await.map_err(|e| match e {
                    object_store::Error::NotFound { .. } => {
                        BackupError::NotFound(format!("no backup {name} in {}", s.url))
                    }
                    e => dest_err(e),
                })?;
                let mut stream = got.into_stream();
                while let Some(chunk) = stream.next().await {
                    out.write_all(&chunk.map_err(dest_err)?)
                        .map_err(BackupError::io(format!("cannot write {}", to.display())))?;
                }
                Ok::<(), BackupError>(())
            })?,
        }
        out.sync_all()
            .map_err(BackupError::io("cannot sync the download"))
    }

    /// The bytes of the small object `name`.
    pub fn get_bytes(&self, name: &str) -> Result<Vec<u8>, BackupError> {
        match self {
            Destination::Local(dir) => fs::read(dir.join(name))
                .map_err(|_| BackupError::NotFound(format!("no {name} in {}", dir.display()))),
            Destination::S3(s) => s.rt.block_on(async {
                let got = s.store.get(&s.path(name)).await.map_err(|e| match e {
                    object_store::Error::NotFound { .. } => {
                        BackupError::NotFound(format!("no {name} in {}", s.url))
                    }
                    e => dest_err(e),
                })?;
                Ok(got.bytes().await.map_err(dest_err)?.to_vec())
            }),
        }
    }

    /// Remove the object `name`; one already gone is not an error.
    pub fn delete(&self, name: &str) -> Result<(), BackupError> {
        match self {
            Destination::Local(dir) => match fs::remove_file(dir.join(name)) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(BackupError::io(
                    format!("cannot delete {}", dir.join(name).display()),
                )(e)),
                _ => Ok(()),
            },
            Destination::S3(s) => s.rt.block_on(async {
                match s.store.delete(&s.path(name)).await {
                    Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
                    Err(e) => Err(dest_err(e)),
                }
            }),
        }
    }

    /// Names of complete backups (archives whose manifest exists), oldest first.
    pub fn list(&self) -> Result<Vec<String>, BackupError> {
        let names: Vec<String> = match self {
            Destination::Local(dir) => match fs::read_dir(dir) {
                Ok(entries) => entries
                    .filter_map(|e| e.ok())
                    .filter_map(|e| e.file_name().into_string().ok())
                    .collect(),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
                Err(e) => return Err(BackupError::io(format!("cannot list {}", dir.display()))(e)),
            },
            Destination::S3(s) => s.rt.block_on(async {
                let prefix = (!s.prefix.is_empty()).then(|| ObjectPath::from(s.prefix.as_str()));
                let mut stream = s.store.list(prefix.as_ref());
                let mut out = Vec::new();
                while let Some(meta) = stream.next().await {
                    let meta = meta.map_err(dest_err)?;
                    if let Some(name) = meta.location.filename() {
                        out.push(name.to_owned());
                    }
                }
                Ok::<_, BackupError>(out)
            })?,
        };
        let mut backups: Vec<String> = names
            .iter()
            .filter_map(|n| n.strip_suffix(MANIFEST_SUFFIX))
            .filter(|a| a.ends_with(ARCHIVE_SUFFIX) && names.iter().any(|n| n == a))
            .map(str::to_owned)
            .collect();
        backups.sort();
        Ok(backups)
    }
}

impl S3Dest {
    fn path(&self, name: &str) -> ObjectPath {
        if self.prefix.is_empty() {
            ObjectPath::from(name)
        } else {
            ObjectPath::from(format!("{}/{name}", self.prefix))
        }
    }
}

fn create_dir_private(dir: &Path) -> Result<(), BackupError> {
    if dir.is_dir() {
        return Ok(());
    }
    fs::create_dir_all(dir).map_err(BackupError::io(format!("cannot create {}", dir.display())))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700))
            .map_err(BackupError::io(format!("cannot protect {}", dir.display())))?;
    }
    Ok(())
}
