//! The [`Vault`] service: one open vault over one store and one master key.
//!
//! The vault keeps an immutable snapshot of its schema and keys behind a lock and swaps
//! in a new snapshot when an operator changes either, so reads and writes never wait on
//! each other for key material. Admin changes (schema, keys) are serialised among
//! themselves by a separate lock.

mod admin;
mod change;
mod credentials;
mod keys;
mod prepare;
mod read;
mod read_deferred;
mod refresh;
mod seal;
mod write;

use std::sync::{Arc, Mutex, RwLock};

use gembok_crypto::{AuditSigner, MasterKey, SecretKey};
use gembok_store::{KeyRecord, Mutation, SchemaVersion, Store};

use crate::audit::{AuditConfig, AuditLog};
use crate::keyring::{data_purpose, wrap_label, KeyRing, INDEX_PURPOSE};
use crate::schema::Schema;
use crate::time::now_ms;
use crate::CoreError;

pub use credentials::{TotpEnrolment, CREDENTIAL_THROTTLE_DOC};
pub use keys::RotationReport;
pub(crate) use seal::open_record;
pub use write::{BatchDoc, SealedBatch};

const SETTING_VAULT_ID: &str = "vault_id";
const SETTING_MASTER_KEY_ID: &str = "master_key_id";

/// An immutable view of what the vault needs to seal and open values.
pub(crate) struct State {
    pub schema: Arc<Schema>,
    pub schema_version: u32,
    pub keys: KeyRing,
    pub master: Arc<MasterKey>,
}

impl State {
    /// The same schema and master key with another key ring.
    pub(crate) fn with_keys(&self, keys: KeyRing) -> State {
        State {
            schema: Arc::clone(&self.schema),
            schema_version: self.schema_version,
            keys,
            master: Arc::clone(&self.master),
        }
    }
}

/// Facts about an open vault that are safe to show (no keys, no values).
#[derive(Clone, Debug)]
pub struct VaultInfo {
    pub vault_id: String,
    pub master_key_id: String,
    pub schema_version: u32,
    pub backend: &'static str,
}

/// An open vault.
pub struct Vault {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) audit: Arc<AuditLog>,
    state: RwLock<Arc<State>>,
    pub(crate) admin: Mutex<()>,
    /// When the key ring was last compared with the store (see `refresh`).
    key_check: Mutex<std::time::Instant>,
    credentials: credentials::Credentials,
    pub(crate) erasure_listeners: RwLock<Vec<Arc<dyn crate::lifecycle::ErasureListener>>>,
    vault_id: String,
}

impl Vault {
    /// Create a new vault in an empty store: keys for the index and every collection,
    /// wrapped by `master`, and schema version 1.
    pub fn initialize(
        store: Arc<dyn Store>,
        master: MasterKey,
        schema_text: &str,
    ) -> Result<Self, CoreError> {
        if store.setting(SETTING_VAULT_ID)?.is_some() {
            return Err(CoreError::AlreadyInitialized);
        }
        let schema = Schema::parse(schema_text)?;
        let now = now_ms();
        let vault_id = hex_id(&gembok_crypto::random_bytes::<16>()?);
        let mut muts = vec![
            Mutation::PutSetting {
                name: SETTING_VAULT_ID.into(),
                value: vault_id.as_bytes().to_vec(),
            },
            Mutation::PutSetting {
                name: SETTING_MASTER_KEY_ID.into(),
                value: master.key_id().into_bytes(),
            },
            Mutation::PutSchema(SchemaVersion {
                version: 1,
                document: schema_text.to_owned(),
                applied_at: now,
            }),
        ];
        muts.push(new_key_mutation(&master, INDEX_PURPOSE, 1, now)?.0);
        for c in schema.collections() {
            muts.push(new_key_mutation(&master, &data_purpose(c.name.as_str()), 1, now)?.0);
        }
        store.apply(&muts)?;
        Self::open(store, master)
    }

    /// Open an existing vault; a wrong master key is named as such before anything else.
    pub fn open(store: Arc<dyn Store>, master: MasterKey) -> Result<Self, CoreError> {
        Self::open_with(store, master, AuditConfig::default())
    }

    /// [`Vault::open`] with audit settings.
    pub fn open_with(
        store: Arc<dyn Store>,
        master: MasterKey,
        audit: AuditConfig,
    ) -> Result<Self, CoreError> {
        let vault_id = store
            .setting(SETTING_VAULT_ID)?
            .ok_or(CoreError::NotInitialized)?;
        let vault_id = String::from_utf8(vault_id)
            .map_err(|_| CoreError::Integrity("vault id is not text".into()))?;
        let expected = store
            .setting(SETTING_MASTER_KEY_ID)?
            .map(|v| String::from_utf8_lossy(&v).into_owned())
            .unwrap_or_default();
        let found = master.key_id();
        if expected != found {
            return Err(CoreError::WrongMasterKey { expected, found });
        }
        let schemas = store.schemas()?;
        let latest = schemas
            .last()
            .ok_or_else(|| CoreError::Integrity("no schema version stored".into()))?;
        let schema = Schema::parse(&latest.document)?;
        let keys = KeyRing::load(&master, &store.keys()?, &schema)?;
        let signer = AuditSigner::from_master(&master)?;
        let audit = AuditLog::open(Arc::clone(&store), signer, &vault_id, audit)?;
        let state = State {
            schema: Arc::new(schema),
            schema_version: latest.version,
            keys,
            master: Arc::new(master),
        };
        Ok(Vault {
            store,
            audit: Arc::new(audit),
            state: RwLock::new(Arc::new(state)),
            admin: Mutex::new(()),
            key_check: Mutex::new(std::time::Instant::now()),
            credentials: credentials::Credentials::default(),
            erasure_listeners: RwLock::new(Vec::new()),
            vault_id,
        })
    }

    /// The schema in force.
    pub fn schema(&self) -> Arc<Schema> {
        Arc::clone(&self.snapshot().schema)
    }

    /// Non-secret facts about this vault.
    pub fn info(&self) -> VaultInfo {
        let s = self.snapshot();
        VaultInfo {
            vault_id: self.vault_id.clone(),
            master_key_id: s.master.key_id(),
            schema_version: s.schema_version,
            backend: self.store.backend(),
        }
    }

    /// The audit log of this vault.
    pub fn audit(&self) -> &Arc<AuditLog> {
        &self.audit
    }

    /// Switch auditing off: only for measuring its cost in benchmarks. Must be called
    /// before the vault is shared.
    #[cfg(feature = "bench-unaudited")]
    pub fn disable_audit_for_benchmark(&mut self) {
        if let Some(log) = Arc::get_mut(&mut self.audit) {
            log.disable_for_benchmark();
        }
    }

    /// The store under this vault (for tools that check integrity or copy files).
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// The snapshot as it is, without asking the store (see [`Vault::snapshot`]).
    pub(crate) fn current(&self) -> Arc<State> {
        Arc::clone(&self.state.read().unwrap_or_else(|p| p.into_inner()))
    }

    pub(crate) fn replace_state(&self, state: State) {
        *self.state.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(state);
    }
}

/// A fresh random key, wrapped for storage: the mutation and the key itself.
pub(crate) fn new_key_mutation(
    master: &MasterKey,
    purpose: &str,
    version: u32,
    now: i64,
) -> Result<(Mutation, SecretKey), CoreError> {
    let key = SecretKey::generate()?;
    let wrapped = master.wrap(&key, &wrap_label(purpose, version))?;
    Ok((
        Mutation::PutKey(KeyRecord {
            purpose: purpose.to_owned(),
            version,
            wrapped,
            created_at: now,
        }),
        key,
    ))
}

fn hex_id(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
