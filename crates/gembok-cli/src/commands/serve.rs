//! `gembok serve`: the HTTPS API. Also the quick start: with no vault in the data
//! directory it creates one (key file, schema, TLS certificate) and prints a first owner
//! API key once.
//!
//! The server also runs the audit log's upkeep: the monitor of `[monitor]` watches
//! every committed event and its alerts go to the channels of `[notify]`; a timer signs
//! a checkpoint when one is due, and retention runs at start and once a day. The data
//! lifecycle settings (`[business]`, `[rights]`, `[retention]`) go to the server, which
//! schedules retention of records and overdue checks; erasures are told to the ledger
//! file and to `[[erasure.webhook]]`. With `[backup] to` set, the backup job runs
//! shortly after start and then every few minutes: it makes a backup when the newest
//! good one is `every_hours` old, prunes by retention and raises `backup_failed` /
//! `backup_stale` alerts through the monitor.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use gembok_backup::schedule::{BackupJob, JobSource};
use gembok_backup::{identity, Destination, FileLedger};
use gembok_core::access::Gate;
use gembok_core::accounts::Accounts;
use gembok_core::apikeys::ApiKeySpec;
use gembok_core::{Actor, AuditLog, DEFAULT_SCHEMA};
use gembok_server::{certificate_fingerprint, Server, ServerConfig, TlsSource};

use super::apikey::now_ms;
use crate::account_notices::AccountNotifier;
use crate::backup_settings::BackupSettings;
use crate::erasure_notices::{erasure_notifier, ErasureNotifier};
use crate::monitoring::{attach_monitor, notifier, CheckpointNotifier, NotifySink};
use crate::vaultdir::VaultDir;

/// How often the server asks whether a time-based checkpoint is due.
const CHECKPOINT_TICK: Duration = Duration::from_secs(10);
/// How often retention runs (and once at start).
const PRUNE_TICK: Duration = Duration::from_secs(24 * 60 * 60);
/// The backup job's first look after start, and how often it looks again (it makes a
/// backup only when one is due).
const BACKUP_FIRST: Duration = Duration::from_secs(2);
const BACKUP_TICK: Duration = Duration::from_secs(10 * 60);

/// Options of `gembok serve`.
pub struct ServeOptions {
    pub listen: SocketAddr,
    pub insecure_http: bool,
    pub tls_cert: Option<PathBuf>,
    pub tls_key: Option<PathBuf>,
    pub metrics_listen: Option<SocketAddr>,
}

pub fn run(dir: &VaultDir, opts: ServeOptions) -> Result<()> {
    init_logging();
    let mut first_key = None;
    if !dir.exists() {
        let (vault, key_path) = dir.init(DEFAULT_SCHEMA, None)?;
        println!(
            "Created a new vault in {} (master key {}, id {}).",
            dir.root.display(),
            key_path.display(),
            vault.info().master_key_id
        );
        println!("  Keep the key file off this machine's backups and keep an offline copy.");
        first_key = Some(());
    }
    let tls = tls_source(dir, &opts)?;
    let settings = dir.settings()?;
    let (vault, policy, keys) = dir.open_with_keys()?;
    let key_file = settings
        .key_file
        .as_deref()
        .context("gembok.toml names no key_file")?;
    let master = gembok_crypto::MasterKey::load_file(key_file)?;
    let accounts = Arc::new(Accounts::open(
        Arc::clone(vault.store()),
        &master,
        vault.audit().clone(),
        Arc::clone(&policy),
        settings.accounts.to_config(),
    )?);
    drop(master);
    let monitor = attach_monitor(&vault, &settings)?;
    let backup_job = backup_job(dir, &vault, key_file)?;
    let notifier = notifier(&settings)?;
    let audit = Arc::clone(vault.audit());
    let gate = Arc::new(Gate::new(Arc::clone(&vault), Arc::clone(&policy)));
    let mut config = ServerConfig::new(opts.listen, tls.clone());
    config.metrics_listen = opts.metrics_listen;
    config.lifecycle = settings.lifecycle.to_server();
    config.limits.redis_url = settings.redis_url.clone();
    // Erasures (by request or by retention) go to the ledger file beside the database
    // and to [[erasure.webhook]]; a missing webhook secret stops the start here.
    let erasure_hooks = erasure_notifier(&settings)?;
    vault.add_erasure_listener(Arc::new(FileLedger::in_dir(&dir.root)));

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async move {
        if let Some(n) = notifier {
            let channels = n.channels().len();
            let handle = n.spawn();
            if settings.audit.checkpoint_webhook {
                audit.add_checkpoint_sink(Arc::new(CheckpointNotifier::new(handle.clone())));
            }
            accounts.add_listener(Arc::new(AccountNotifier::new(handle.clone())));
            monitor.add_sink(Arc::new(NotifySink::new(handle)));
            tracing::info!(channels, "alerts are sent to the [notify] channels");
        }
        if let Some(n) = erasure_hooks {
            let receivers = n.channels().len();
            vault.add_erasure_listener(Arc::new(ErasureNotifier::queue(n.spawn())));
            tracing::info!(receivers, "erasures are sent to the [[erasure.webhook]] receivers");
        }
        spawn_audit_upkeep(audit);
        if let Some(job) = backup_job {
            spawn_backups(job);
        }
        let server = Server::bind(config, gate, Arc::clone(&keys), accounts).await?;
        let scheme = if server.is_tls() { "https" } else { "http" };
        let addr = server.local_addr();
        println!("Gembok is serving {scheme}://{addr}/v1 (health: {scheme}://{addr}/healthz)");
        if let TlsSource::Pem { cert, .. } = &tls {
            println!(
                "  TLS certificate {} (SHA-256 {})",
                cert.display(),
                certificate_fingerprint(cert)?
            );
        }
        if let Some(m) = server.metrics_addr() {
            println!("  metrics: http://{m}/metrics (this machine only)");
        }
        if first_key.is_some() {
            let issued = keys.create(&Actor::local_operator(),
                &ApiKeySpec {
                    role: "owner".into(),
                    expires_in_days: 30,
                    note: Some("first owner key from the quick start".into()),
                    ..ApiKeySpec::default()
                },
                now_ms(),
            )?;
            println!("\nYour first owner API key (shown once, valid 30 days):\n  {}", issued.expose());
            println!(
                "Try: curl --cacert {} -H 'Authorization: Bearer <key>' {scheme}://{addr}/v1/schema",
                dir.tls_files().0.display()
            );
            println!("Make keys for applications with: gembok apikey create --role app --purposes service");
        } else {
            println!("API keys: gembok apikey create --role app --purposes service (shown once)");
        }
        let handle = server.shutdown_handle();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                handle.shutdown();
            }
        });
        server.run().await?;
        anyhow::Ok(())
    })
}

/// Time-based checkpoints and retention, on blocking threads (they write the store).
/// Failures are logged by error text, which names no value; the server keeps serving.
fn spawn_audit_upkeep(audit: Arc<AuditLog>) {
    let log = Arc::clone(&audit);
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(CHECKPOINT_TICK);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let log = Arc::clone(&log);
            match tokio::task::spawn_blocking(move || log.checkpoint_if_due()).await {
                Ok(Ok(_)) => {}
                Ok(Err(e)) => tracing::warn!(error = %e, "audit checkpoint failed"),
                Err(_) => tracing::warn!("audit checkpoint task panicked"),
            }
        }
    });
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(PRUNE_TICK);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let log = Arc::clone(&audit);
            let pruned =
                tokio::task::spawn_blocking(move || log.prune(&Actor::system(), now_ms())).await;
            match pruned {
                Ok(Ok(r)) if r.removed > 0 => tracing::info!(
                    removed = r.removed,
                    anchor_seq = r.anchor_seq,
                    "audit retention removed old events"
                ),
                Ok(Ok(_)) => {}
                Ok(Err(e)) => tracing::warn!(error = %e, "audit retention failed"),
                Err(_) => tracing::warn!("audit retention task panicked"),
            }
        }
    });
}

/// The backup job of `[backup]`, when it names a destination; a missing or bad
/// recipient stops the start here rather than at the first backup.
fn backup_job(
    dir: &VaultDir,
    vault: &gembok_core::Vault,
    key_file: &std::path::Path,
) -> Result<Option<Arc<BackupJob>>> {
    let conf = BackupSettings::load(&dir.root)?;
    if conf.to.is_empty() {
        tracing::warn!("no [backup] destination: the server makes no backups");
        return Ok(None);
    }
    let recipients = conf
        .recipients
        .iter()
        .map(|r| identity::parse_recipient(r))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| anyhow::anyhow!("gembok.toml: [backup] recipients: {e}"))?;
    let dests = conf
        .to
        .iter()
        .map(|t| Destination::parse(t))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| anyhow::anyhow!("gembok.toml: [backup] to: {e}"))?;
    let source = match dir.database_url() {
        Some(_) => JobSource::Store(Arc::clone(vault.store())),
        None => JobSource::Sqlite(dir.db_path()),
    };
    let job = BackupJob::new(
        source,
        key_file.to_path_buf(),
        recipients,
        dests,
        conf.job,
        Arc::clone(vault.audit()),
    )
    .map_err(|e| anyhow::anyhow!("gembok.toml: [backup]: {e}"))?;
    for (i, d) in job.destinations().iter().enumerate() {
        tracing::info!(dest = i + 1, to = %d.describe(), "backups go to this destination");
    }
    Ok(Some(Arc::new(job)))
}

/// The backup job on a blocking thread shortly after start, then every `BACKUP_TICK`;
/// runs never overlap.
fn spawn_backups(job: Arc<BackupJob>) {
    tokio::spawn(async move {
        let start = tokio::time::Instant::now() + BACKUP_FIRST;
        let mut tick = tokio::time::interval_at(start, BACKUP_TICK);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let job = Arc::clone(&job);
            let now = time::OffsetDateTime::now_utc();
            if tokio::task::spawn_blocking(move || job.run(now))
                .await
                .is_err()
            {
                tracing::warn!("the backup task panicked");
            }
        }
    });
}

/// TLS from the flags, else the certificate made at init (made now if missing).
fn tls_source(dir: &VaultDir, opts: &ServeOptions) -> Result<TlsSource> {
    if opts.insecure_http {
        if opts.tls_cert.is_some() || opts.tls_key.is_some() {
            bail!("--insecure-http and --tls-cert/--tls-key exclude each other");
        }
        eprintln!(
            "WARNING: serving PLAIN HTTP without TLS. Anyone on the path can read customer data \
             and API keys. Only for development on this machine (loopback only)."
        );
        return Ok(TlsSource::InsecureHttp);
    }
    match (&opts.tls_cert, &opts.tls_key) {
        (Some(cert), Some(key)) => Ok(TlsSource::Pem {
            cert: cert.clone(),
            key: key.clone(),
        }),
        (None, None) => {
            let (cert, key) = dir.tls_files();
            if !cert.exists() || !key.exists() {
                dir.generate_tls()?;
            }
            Ok(TlsSource::Pem { cert, key })
        }
        _ => bail!("--tls-cert and --tls-key go together"),
    }
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("GEMBOK_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
