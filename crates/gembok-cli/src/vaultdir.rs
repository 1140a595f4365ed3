//! The on-disk layout of a local vault: the data directory, its config file, database,
//! schema copy and the master key file (which may live elsewhere). Every vault is
//! opened here, with the audit settings of `gembok.toml`.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use gembok_core::access::Policy;
use gembok_core::apikeys::ApiKeys;
use gembok_core::Vault;
use gembok_crypto::MasterKey;
use gembok_store::Store;
use gembok_store_postgres::PostgresStore;
use gembok_store_sqlite::SqliteStore;

use crate::config::{self, Settings};

const CONFIG: &str = "gembok.toml";
const DB: &str = "gembok.db";
const SCHEMA: &str = "schema.toml";
const DEFAULT_KEY: &str = "master.key";
const POLICY: &str = "policy.toml";
const TLS_DIR: &str = "tls";

/// Paths of one vault directory, and where its database lives.
pub struct VaultDir {
    pub root: PathBuf,
    /// PostgreSQL instead of the SQLite file in `root` (never printed: it may hold a
    /// password).
    database_url: Option<String>,
}

impl VaultDir {
    pub fn new(root: &Path) -> Self {
        Self {
            root: root.to_path_buf(),
            database_url: None,
        }
    }

    /// Keep the database in PostgreSQL at `url` (when `Some`).
    pub fn with_database_url(mut self, url: Option<String>) -> Self {
        self.database_url = url;
        self
    }

    /// The PostgreSQL URL given, if any (never to be printed).
    pub fn database_url(&self) -> Option<&str> {
        self.database_url.as_deref()
    }

    /// The store: PostgreSQL when a URL was given, else the SQLite file.
    fn open_store(&self) -> Result<Arc<dyn Store>> {
        match &self.database_url {
            Some(url) => {
                let store = PostgresStore::connect(url)
                    .context("cannot open the PostgreSQL database given by --database-url")?;
                Ok(Arc::new(store))
            }
            None => Ok(Arc::new(SqliteStore::open(&self.db_path())?)),
        }
    }

    pub fn db_path(&self) -> PathBuf {
        self.root.join(DB)
    }

    pub fn schema_path(&self) -> PathBuf {
        self.root.join(SCHEMA)
    }

    fn config_path(&self) -> PathBuf {
        self.root.join(CONFIG)
    }

    /// Whether a vault already lives here.
    pub fn exists(&self) -> bool {
        self.config_path().exists() || self.db_path().exists()
    }

    /// The settings in `gembok.toml`.
    pub fn settings(&self) -> Result<Settings> {
        let text = fs::read_to_string(self.config_path()).with_context(|| {
            format!(
                "no vault in {} (run `gembok init` first)",
                self.root.display()
            )
        })?;
        Settings::parse(&text, &self.root)
    }

    /// The key file this vault uses (from its config).
    pub fn key_path(&self) -> Result<PathBuf> {
        self.settings()?
            .key_file
            .context("gembok.toml names no key_file")
    }

    /// Point the config at another key file (after a master-key rotation), atomically,
    /// keeping every other setting and comment of the file.
    pub fn set_key_path(&self, key: &Path) -> Result<()> {
        let key = fs::canonicalize(key).context("new key file")?;
        let key_line = format!(
            "key_file = {}",
            serde_json::to_string(&key.to_string_lossy())?
        );
        let text = match fs::read_to_string(self.config_path()) {
            Ok(old) => config::replace_key_line(&old, &key_line),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => config::template(&key_line),
            Err(e) => return Err(e).context("cannot read gembok.toml"),
        };
        Settings::parse(&text, &self.root)?;
        let tmp = self.root.join(".gembok.toml.tmp");
        fs::write(&tmp, text)?;
        fs::File::open(&tmp)?.sync_all()?;
        fs::rename(&tmp, self.config_path())?;
        Ok(())
    }

    /// Create the directory, key file, database and schema copy; refuse an existing vault.
    pub fn init(&self, schema_text: &str, key_file: Option<&Path>) -> Result<(Vault, PathBuf)> {
        if self.exists() {
            bail!(
                "{} already holds a vault; refusing to touch it",
                self.root.display()
            );
        }
        fs::create_dir_all(&self.root)
            .with_context(|| format!("cannot create {}", self.root.display()))?;
        set_private(&self.root)?;
        let key_path = key_file
            .map(Path::to_path_buf)
            .unwrap_or_else(|| self.root.join(DEFAULT_KEY));
        let master = MasterKey::create_file(&key_path)?;
        let store = self.open_store()?;
        let vault = Vault::initialize(store, master, schema_text)?;
        fs::write(self.schema_path(), schema_text)?;
        self.set_key_path(&key_path)?;
        self.generate_tls()?;
        Ok((vault, key_path))
    }

    /// Where the TLS certificate and key generated at init live.
    pub fn tls_dir(&self) -> PathBuf {
        self.root.join(TLS_DIR)
    }

    /// The generated certificate and key (names chosen by `generate_self_signed`).
    pub fn tls_files(&self) -> (PathBuf, PathBuf) {
        let dir = self.tls_dir();
        (dir.join("tls-cert.pem"), dir.join("tls-key.pem"))
    }

    /// Make a self-signed certificate for localhost; returns its SHA-256 fingerprint.
    pub fn generate_tls(&self) -> Result<String> {
        let dir = self.tls_dir();
        fs::create_dir_all(&dir)?;
        let (_, _, fingerprint) = gembok_server::generate_self_signed(&dir)?;
        Ok(fingerprint)
    }

    /// The access policy: built-in roles plus custom roles from `policy.toml` if present.
    pub fn policy(&self) -> Result<Policy> {
        let path = self.root.join(POLICY);
        if !path.exists() {
            return Ok(Policy::builtin());
        }
        let text =
            fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
        Policy::from_toml(&text).with_context(|| format!("{}", path.display()))
    }

    /// Open the vault and the API-key service over the same store; key changes are
    /// recorded in the vault's audit log.
    pub fn open_with_keys(&self) -> Result<(Arc<Vault>, Arc<Policy>, Arc<ApiKeys>)> {
        let vault = Arc::new(self.open()?);
        let policy = Arc::new(self.policy()?);
        let keys = Arc::new(
            ApiKeys::new(Arc::clone(vault.store()), Arc::clone(&policy))
                .with_audit(Arc::clone(vault.audit())),
        );
        Ok((vault, policy, keys))
    }

    /// Open the vault with its configured key file and audit settings.
    pub fn open(&self) -> Result<Vault> {
        Ok(self.open_with_settings()?.0)
    }

    /// [`VaultDir::open`], also returning the settings it read.
    pub fn open_with_settings(&self) -> Result<(Vault, Settings)> {
        let settings = self.settings()?;
        let key_path = settings
            .key_file
            .clone()
            .context("gembok.toml names no key_file")?;
        let master = MasterKey::load_file(&key_path)?;
        let store = self.open_store()?;
        let vault = Vault::open_with(store, master, settings.audit.to_config())?;
        Ok((vault, settings))
    }
}

#[cfg(unix)]
fn set_private(dir: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(dir, fs::Permissions::from_mode(0o700))?;
    Ok(())
}
