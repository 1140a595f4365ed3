//! The server under test: a fresh vault on SQLite in a temporary folder, preloaded with
//! generated customers, behind the real `gembok-server` with TLS, on its own runtime.
//!
//! Everything is configured as `gembok serve` would be except the rate limits, which
//! are off (a benchmark from one address with one key would otherwise measure 429s),
//! and the metrics listener, which is not started. The server's runtime threads are
//! named [`SERVER_THREAD`] so that [`super::cpu`] can tell their CPU time apart from
//! the load generator's; its idle blocking threads are kept for the whole run so that
//! the CPU they used is still readable at the end of a phase.

use gembok_core::Actor;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use anyhow::{anyhow, Context, Result};
use gembok_core::accounts::{Accounts, AccountsConfig};
use gembok_core::apikeys::{ApiKeySpec, ApiKeys, IssuedKey};
use gembok_core::{Gate, Policy, Vault, DEFAULT_SCHEMA};
use gembok_crypto::MasterKey;
use gembok_server::{
    generate_self_signed, Limits, Server, ServerConfig, ShutdownHandle, TlsSource,
};
use gembok_store::Store;
use gembok_store_sqlite::SqliteStore;
use gembok_types::RecordId;
use tempfile::TempDir;

use super::ApiPlan;
use crate::data::{self, Dataset, COLLECTION};

/// Name of every thread of the server's runtime (workers and blocking pool).
pub const SERVER_THREAD: &str = "gembok-server";
/// Rows per `create_batch` call while preloading.
const PRELOAD_BATCH: usize = 1_000;

/// A running server and what the load generator needs to talk to it.
pub struct BenchServer {
    pub addr: SocketAddr,
    /// The self-signed certificate the client trusts.
    pub cert: PathBuf,
    /// An owner key of this throwaway vault (its `Debug` is redacted, its text zeroized).
    pub key: IssuedKey,
    /// The preloaded customers, and their ids in the same order.
    pub data: Dataset,
    pub ids: Vec<RecordId>,
    shutdown: ShutdownHandle,
    thread: Option<JoinHandle<Result<()>>>,
    /// The vault, its key material and the certificate: deleted when this is dropped.
    _dir: TempDir,
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// The limits of `gembok serve` with both rate limits off.
pub fn bench_limits() -> Limits {
    Limits {
        per_key_per_second: 0,
        per_ip_per_second: 0,
        ..Limits::default()
    }
}

/// Build and preload the vault, bind the server and start serving.
pub fn start(plan: &ApiPlan) -> Result<BenchServer> {
    let dir = tempfile::Builder::new()
        .prefix("gembok-bench-api-")
        .tempdir_in(&plan.dir)
        .with_context(|| format!("cannot create a folder in {}", plan.dir.display()))?;
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&dir.path().join("vault.db"))?);
    // A key file, read twice: the vault keeps its master key and the account service
    // wraps its own key with the same one.
    let key_path = dir.path().join("master.key");
    let mut vault = Vault::initialize(
        Arc::clone(&store),
        MasterKey::create_file(&key_path)?,
        DEFAULT_SCHEMA,
    )?;
    if plan.unaudited {
        vault.disable_audit_for_benchmark();
    }
    let data = data::generate(plan.customers, plan.seed)?;
    let mut ids = Vec::with_capacity(data.len());
    for chunk in data.json.chunks(PRELOAD_BATCH) {
        ids.extend(vault.create_batch(&Actor::system(), COLLECTION, chunk)?);
    }
    let policy = Arc::new(Policy::builtin());
    let vault = Arc::new(vault);
    let keys =
        Arc::new(ApiKeys::new(store, Arc::clone(&policy)).with_audit(Arc::clone(vault.audit())));
    let accounts = Arc::new(Accounts::open(
        Arc::clone(vault.store()),
        &MasterKey::load_file(&key_path)?,
        Arc::clone(vault.audit()),
        Arc::clone(&policy),
        AccountsConfig::default(),
    )?);
    let gate = Arc::new(Gate::new(vault, policy));
    let spec = ApiKeySpec {
        role: "owner".into(),
        expires_in_days: 1,
        ..ApiKeySpec::default()
    };
    let key = keys.create(&Actor::system(), &spec, now_ms())?;

    let (cert, tls_key, _) = generate_self_signed(&dir.path().join("tls"))?;
    let config = ServerConfig {
        listen: SocketAddr::from(([127, 0, 0, 1], 0)),
        tls: TlsSource::Pem {
            cert: cert.clone(),
            key: tls_key,
        },
        metrics_listen: None,
        limits: bench_limits(),
        lifecycle: Default::default(),
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(plan.server_threads)
        .thread_name(SERVER_THREAD)
        .thread_keep_alive(Duration::from_secs(24 * 3600))
        .enable_all()
        .build()?;
    let server = rt.block_on(Server::bind(config, gate, keys, accounts))?;
    let addr = server.local_addr();
    let shutdown = server.shutdown_handle();
    let thread = std::thread::Builder::new()
        .name(SERVER_THREAD.into())
        .spawn(move || -> Result<()> {
            // The accept loop runs on a worker, as under `#[tokio::main]` it would run on
            // the main thread: either way one of the server's threads.
            rt.block_on(async { tokio::spawn(server.run()).await })??;
            Ok(())
        })?;
    Ok(BenchServer {
        addr,
        cert,
        key,
        data,
        ids,
        shutdown,
        thread: Some(thread),
        _dir: dir,
    })
}

impl BenchServer {
    /// Stop serving and wait for the server to return. Call once every client
    /// connection is closed, or the server waits out its grace period for them.
    pub fn stop(mut self) -> Result<()> {
        self.shutdown.shutdown();
        match self.thread.take() {
            Some(t) => t
                .join()
                .map_err(|_| anyhow!("the server thread panicked"))?,
            None => Ok(()),
        }
    }
}

impl Drop for BenchServer {
    fn drop(&mut self) {
        // On an early return the server must not outlive the run.
        self.shutdown.shutdown();
    }
}
