//! The audit log: every operation leaves an event, chained by SHA-256 and signed at
//! checkpoints, so that history cannot be rewritten unnoticed.
//!
//! [`AuditLog`] is the only writer of audit events. Writes of personal data hand it
//! their mutations and it commits them in one store transaction with their event;
//! reads hand it their event and wait until a group commit has made it durable
//! ([`AuditLog::record`]), or hand it their event with their result and get back a
//! [`Durable`] that releases the result once the event is durable
//! ([`AuditLog::record_deferred`], for servers that await it); if the event cannot be
//! written the read fails with [`CoreError::AuditUnavailable`] and returns nothing. Every `checkpoint_every`
//! events (and on [`AuditLog::checkpoint_if_due`] after `checkpoint_interval`) the head
//! is signed with the Ed25519 key derived from the master key, and optionally copied
//! to an external [`CheckpointSink`]. [`AuditLog::verify`] walks the whole chain.
//! Observers (the monitoring rules) see every committed event.

mod chain;
mod commit;
mod deferred;
mod event;
mod group;
mod keys;
mod locate;
mod query;
mod retention;
mod sink;
mod ticket;
mod verify;
mod walk;
mod write_group;

use std::sync::{Arc, Mutex, RwLock};

use gembok_crypto::AuditSigner;
use gembok_store::Store;

pub use chain::{checkpoint_valid, link, sign_checkpoint, GENESIS};
pub use deferred::COMMITTER_THREAD;
pub use event::{Actor, AuditEvent, Outcome, EVENT_VERSION};
pub use query::{AuditPage, StoredEvent};
pub use retention::PruneReport;
pub use sink::{CheckpointLine, CheckpointSink, FileSink};
pub use ticket::Durable;
pub use verify::{Problem, VerifyReport};

use crate::CoreError;

/// Settings of the audit log.
#[derive(Clone)]
pub struct AuditConfig {
    /// Sign a checkpoint at least every this many events.
    pub checkpoint_every: u64,
    /// And at least this often (milliseconds) while events arrive, see
    /// [`AuditLog::checkpoint_if_due`].
    pub checkpoint_interval_ms: i64,
    /// Events older than this many days are pruned by [`AuditLog::prune`].
    pub retention_days: u32,
    /// Where checkpoints are copied besides the database.
    pub sink: Option<Arc<dyn CheckpointSink>>,
    /// [`AuditLog::verify`] walks a chain of at least twice this many events on
    /// several threads, each taking one stretch of at least this many.
    pub verify_stretch: u64,
}

impl Default for AuditConfig {
    fn default() -> Self {
        AuditConfig {
            checkpoint_every: 1000,
            checkpoint_interval_ms: 60_000,
            retention_days: 730,
            sink: None,
            verify_stretch: 100_000,
        }
    }
}

impl std::fmt::Debug for AuditConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuditConfig")
            .field("checkpoint_every", &self.checkpoint_every)
            .field("checkpoint_interval_ms", &self.checkpoint_interval_ms)
            .field("retention_days", &self.retention_days)
            .field("sink", &self.sink.is_some())
            .field("verify_stretch", &self.verify_stretch)
            .finish()
    }
}

/// Sees events once they are durable, and failures to make them so.
pub trait AuditObserver: Send + Sync {
    /// Committed events with their sequence numbers, in chain order.
    fn committed(&self, events: &[(u64, AuditEvent)]);
    /// An audit event could not be written (the request that made it failed).
    fn audit_failed(&self);
}

/// Where the chain stands: the last event and the last checkpoint.
#[derive(Clone, Debug)]
pub(crate) struct Head {
    pub seq: u64,
    pub hash: [u8; 32],
    pub checkpoint_seq: u64,
    pub checkpoint_time: i64,
}

/// The audit log of one vault.
pub struct AuditLog {
    store: Arc<dyn Store>,
    signer: RwLock<Arc<AuditSigner>>,
    vault_id: String,
    config: AuditConfig,
    head: Mutex<Head>,
    group: Arc<group::GroupCommit>,
    writes: write_group::WriteGroup,
    observers: RwLock<Vec<Arc<dyn AuditObserver>>>,
    /// Sinks added after opening (a webhook needs the notifier, which comes later).
    sinks: RwLock<Vec<Arc<dyn CheckpointSink>>>,
    enabled: bool,
}

impl AuditLog {
    /// Open the log of the vault `vault_id` in `store`, signing with `signer`.
    pub fn open(
        store: Arc<dyn Store>,
        signer: AuditSigner,
        vault_id: &str,
        config: AuditConfig,
    ) -> Result<Self, CoreError> {
        let head = commit::load_head(store.as_ref())?;
        Ok(AuditLog {
            store,
            signer: RwLock::new(Arc::new(signer)),
            vault_id: vault_id.to_owned(),
            config,
            head: Mutex::new(head),
            group: Arc::default(),
            writes: write_group::WriteGroup::default(),
            observers: RwLock::new(Vec::new()),
            sinks: RwLock::new(Vec::new()),
            enabled: true,
        })
    }

    /// Switch auditing off: only for measuring its cost in benchmarks.
    #[cfg(feature = "bench-unaudited")]
    pub fn disable_for_benchmark(&mut self) {
        self.enabled = false;
    }

    /// Add an observer of committed events (the monitor).
    pub fn add_observer(&self, observer: Arc<dyn AuditObserver>) {
        self.observers
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .push(observer);
    }

    /// Copy every checkpoint to `sink` as well (besides [`AuditConfig::sink`]).
    pub fn add_checkpoint_sink(&self, sink: Arc<dyn CheckpointSink>) {
        self.sinks
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .push(sink);
    }

    /// Hand a committed checkpoint to every external sink.
    fn publish(&self, cp: &gembok_store::AuditCheckpoint) {
        if let Some(sink) = &self.config.sink {
            sink.publish(cp);
        }
        for sink in self.sinks.read().unwrap_or_else(|p| p.into_inner()).iter() {
            sink.publish(cp);
        }
    }

    /// The settings in force.
    pub fn config(&self) -> &AuditConfig {
        &self.config
    }

    /// The id of the key that signs checkpoints now.
    pub fn signing_key_id(&self) -> String {
        self.signer().public_key().key_id()
    }

    pub(crate) fn signer(&self) -> Arc<AuditSigner> {
        Arc::clone(&self.signer.read().unwrap_or_else(|p| p.into_inner()))
    }

    /// Hand signing over to the key of a new master key; `handover` (from
    /// [`AuditLog::handover_mutation`]) must already be committed.
    pub(crate) fn replace_signer(&self, signer: AuditSigner) {
        *self.signer.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(signer);
    }

    /// The mutation recording that `new` vouches for the key signing now.
    pub(crate) fn handover_mutation(
        &self,
        new: &AuditSigner,
    ) -> Result<gembok_store::Mutation, CoreError> {
        keys::handover_mutation(&self.vault_id, &self.signer(), new)
    }

    /// The last event's position (0 when none).
    pub fn head_seq(&self) -> u64 {
        self.lock_head().seq
    }

    fn lock_head(&self) -> std::sync::MutexGuard<'_, Head> {
        self.head.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn observers(&self) -> Vec<Arc<dyn AuditObserver>> {
        self.observers
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}
