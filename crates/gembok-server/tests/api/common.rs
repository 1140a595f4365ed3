//! `spawn_app`: a vault, a key service, an account service, the server and a client,
//! all real.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use gembok_core::accounts::{Accounts, AccountsConfig};
use gembok_core::apikeys::{ApiKeySpec, ApiKeys};
use gembok_core::{Gate, Policy, Vault, DEFAULT_SCHEMA};
use gembok_crypto::MasterKey;
use gembok_server::{
    generate_self_signed, LifecycleConfig, Limits, Server, ServerConfig, ShutdownHandle, TlsSource,
};
use gembok_store::Store;
use gembok_store_sqlite::SqliteStore;
use reqwest::{Method, RequestBuilder, Response};
use serde_json::{json, Value};

pub const PURPOSE: &str = "gembok-purpose";

pub struct App {
    pub addr: SocketAddr,
    pub base: String,
    pub client: reqwest::Client,
    pub owner_key: String,
    pub owner_key_id: String,
    pub keys: Arc<ApiKeys>,
    pub accounts: Arc<Accounts>,
    pub vault: Arc<Vault>,
    pub cert: PathBuf,
    pub metrics_addr: Option<SocketAddr>,
    pub shutdown: ShutdownHandle,
    _dir: tempfile::TempDir,
}

impl Drop for App {
    fn drop(&mut self) {
        self.shutdown.shutdown();
    }
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

pub fn spec(role: &str) -> ApiKeySpec {
    ApiKeySpec {
        role: role.to_owned(),
        expires_in_days: 30,
        ..ApiKeySpec::default()
    }
}

/// The rustls client configuration trusting one certificate, with the given versions.
pub fn client_tls(
    cert: &std::path::Path,
    versions: &[&'static rustls::SupportedProtocolVersion],
) -> rustls::ClientConfig {
    use rustls_pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(rustls_pki_types::CertificateDer::from_pem_file(cert).unwrap())
        .unwrap();
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(versions)
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    config
}

pub fn http_client(cert: &std::path::Path, addr: SocketAddr) -> reqwest::Client {
    reqwest::Client::builder()
        .use_preconfigured_tls(client_tls(cert, rustls::ALL_VERSIONS))
        .resolve("localhost", addr)
        .build()
        .unwrap()
}

pub async fn spawn_app() -> App {
    spawn_app_with(Limits::default()).await
}

/// The vault, its gate, its key service and its account service.
pub type Services = (Arc<Vault>, Arc<Gate>, Arc<ApiKeys>, Arc<Accounts>);

/// A fresh vault on SQLite in `dir`, its gate, its key service and its account service
/// (default settings).
pub fn build_vault(dir: &std::path::Path) -> Services {
    build_vault_with(dir, AccountsConfig::default())
}

/// [`build_vault`] with account settings of the test's choosing.
pub fn build_vault_with(dir: &std::path::Path, accounts: AccountsConfig) -> Services {
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&dir.join("vault.db")).unwrap());
    // A key file, read twice: the vault keeps its master key, the account service wraps
    // its own key with the same one.
    let key_path = dir.join("master.key");
    let master = MasterKey::create_file(&key_path).unwrap();
    let vault = Arc::new(Vault::initialize(Arc::clone(&store), master, DEFAULT_SCHEMA).unwrap());
    let policy = Arc::new(Policy::builtin());
    let gate = Arc::new(Gate::new(Arc::clone(&vault), Arc::clone(&policy)));
    let accounts = Arc::new(
        Accounts::open(
            Arc::clone(&store),
            &MasterKey::load_file(&key_path).unwrap(),
            Arc::clone(vault.audit()),
            Arc::clone(&policy),
            accounts,
        )
        .unwrap(),
    );
    let keys = Arc::new(ApiKeys::new(store, policy));
    (vault, gate, keys, accounts)
}

pub async fn spawn_app_with(limits: Limits) -> App {
    spawn_app_full(limits, AccountsConfig::default()).await
}

/// An app with the given server limits and account settings.
pub async fn spawn_app_full(limits: Limits, accounts: AccountsConfig) -> App {
    // No scheduled retention: its audit event would land in the middle of tests that
    // count events, whenever a slow machine keeps one running past the first run.
    let lifecycle = LifecycleConfig {
        retention_every: None,
        ..LifecycleConfig::default()
    };
    spawn_app_config(limits, accounts, lifecycle).await
}

/// An app with the given lifecycle settings (job periods, deadlines, business profile).
pub async fn spawn_app_lifecycle(lifecycle: LifecycleConfig) -> App {
    spawn_app_config(Limits::default(), AccountsConfig::default(), lifecycle).await
}

/// An app with every setting of the test's choosing.
pub async fn spawn_app_config(
    limits: Limits,
    accounts: AccountsConfig,
    lifecycle: LifecycleConfig,
) -> App {
    let dir = tempfile::tempdir().unwrap();
    let (vault, gate, keys, accounts) = build_vault_with(dir.path(), accounts);
    let owner = keys
        .create(&gembok_core::Actor::system(), &spec("owner"), now_ms())
        .unwrap();
    let (owner_key, owner_key_id) = (owner.expose().to_owned(), owner.id.clone());

    let (cert, key, _) = generate_self_signed(&dir.path().join("tls")).unwrap();
    let config = ServerConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        tls: TlsSource::Pem {
            cert: cert.clone(),
            key,
        },
        metrics_listen: Some("127.0.0.1:0".parse().unwrap()),
        limits,
        lifecycle,
    };
    let server = Server::bind(config, gate, Arc::clone(&keys), Arc::clone(&accounts))
        .await
        .unwrap();
    let addr = server.local_addr();
    let metrics_addr = server.metrics_addr();
    let shutdown = server.shutdown_handle();
    tokio::spawn(server.run());
    App {
        addr,
        base: format!("https://localhost:{}", addr.port()),
        client: http_client(&cert, addr),
        owner_key,
        owner_key_id,
        keys,
        accounts,
        vault,
        cert,
        metrics_addr,
        shutdown,
        _dir: dir,
    }
}

impl App {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A request with the given key (or none).
    pub fn req(&self, method: Method, path: &str, key: Option<&str>) -> RequestBuilder {
        let r = self.client.request(method, self.url(path));
        match key {
            Some(k) => r.bearer_auth(k),
            None => r,
        }
    }

    pub fn owner(&self, method: Method, path: &str) -> RequestBuilder {
        self.req(method, path, Some(&self.owner_key))
    }

    /// A key of `role`, made directly with the key service.
    pub fn key(&self, role: &str) -> String {
        self.keys
            .create(&gembok_core::Actor::system(), &spec(role), now_ms())
            .unwrap()
            .expose()
            .to_owned()
    }

    /// A key of `role` with its id: `(id, key)`.
    pub fn key_with_id(&self, role: &str) -> (String, String) {
        let k = self
            .keys
            .create(&gembok_core::Actor::system(), &spec(role), now_ms())
            .unwrap();
        (k.id.clone(), k.expose().to_owned())
    }

    /// The vault's SQLite file, for tests that reach under the store.
    pub fn db_path(&self) -> PathBuf {
        self._dir.path().join("vault.db")
    }

    pub async fn create_customer(&self, body: Value) -> String {
        let r = self
            .owner(Method::POST, "/v1/collections/customers/records")
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201, "{:?}", r.text().await);
        r.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    pub fn count(&self, collection: &str) -> u64 {
        self.vault.count(collection).unwrap()
    }
}

pub fn customer() -> Value {
    json!({
        "name": "Siti Rahayu",
        "email": "siti.rahayu@example.co.id",
        "phone": "0812-3456-7890",
        "nik": "3174091705900002",
        "address": "Jl. Melati No. 5, Jakarta",
        "postal_code": "10110",
    })
}

/// Create a record in `collection` as the owner; its id.
pub async fn create_in(app: &App, collection: &str, body: Value) -> String {
    let r = app
        .owner(
            Method::POST,
            &format!("/v1/collections/{collection}/records"),
        )
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201, "{:?}", r.text().await);
    r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The JSON error code of a response.
pub async fn error_code(r: Response) -> String {
    let body: Value = r.json().await.unwrap();
    body["error"]["code"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}
