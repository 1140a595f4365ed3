//! Moving a whole store to another backend through the [`Store`] trait alone, and
//! proving afterwards that both hold the same thing.
//!
//! [`copy_store`] walks every kind of stored data in a fixed order and writes it to an
//! empty target in transactions of at most [`BATCH`] mutations, so memory stays
//! bounded whatever the vault's size. Nothing is opened or re-sealed: ciphertexts are
//! bound to their record and field, not to the store, so they are copied byte for byte
//! with the same ids, subjects, times and key versions, and audit events keep their
//! `seq`, body and hash. Settings go last, so a copy that stops half-way leaves a
//! target that does not open as a vault. [`verify_copy`] walks both stores again and
//! compares, per kind, the count and a SHA-256 over a canonical serialisation; a
//! difference names the kind, never a value.

use gembok_types::RecordId;

use crate::{IndexEntry, Mutation, Store, StoreError};

/// Mutations per transaction on the target, and items per read on the source.
pub const BATCH: usize = 1_000;

/// One kind of stored data, in the order [`copy_store`] copies them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Keys,
    Schemas,
    Docs,
    Records,
    IndexEntries,
    AuditEvents,
    AuditCheckpoints,
    Settings,
}

impl Kind {
    /// Every kind, in copy order.
    pub const ALL: [Kind; 8] = [
        Kind::Keys,
        Kind::Schemas,
        Kind::Docs,
        Kind::Records,
        Kind::IndexEntries,
        Kind::AuditEvents,
        Kind::AuditCheckpoints,
        Kind::Settings,
    ];

    /// A stable name for reports (`index_entries`, `audit_events`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Kind::Keys => "keys",
            Kind::Schemas => "schemas",
            Kind::Docs => "docs",
            Kind::Records => "records",
            Kind::IndexEntries => "index_entries",
            Kind::AuditEvents => "audit_events",
            Kind::AuditCheckpoints => "audit_checkpoints",
            Kind::Settings => "settings",
        }
    }

    /// The error a mismatch of this kind reports.
    fn mismatch(self) -> StoreError {
        StoreError::Integrity(match self {
            Kind::Keys => "copy differs from its source in keys",
            Kind::Schemas => "copy differs from its source in schemas",
            Kind::Docs => "copy differs from its source in docs",
            Kind::Records => "copy differs from its source in records",
            Kind::IndexEntries => "copy differs from its source in index_entries",
            Kind::AuditEvents => "copy differs from its source in audit_events",
            Kind::AuditCheckpoints => "copy differs from its source in audit_checkpoints",
            Kind::Settings => "copy differs from its source in settings",
        })
    }
}

/// How far a copy has come: `done` items of `kind` written so far.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CopyProgress {
    pub kind: Kind,
    pub done: u64,
}

/// Count and content hash of one kind (hashes cover ciphertexts and metadata only).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KindSummary {
    pub kind: Kind,
    pub count: u64,
    pub sha256: [u8; 32],
}

impl KindSummary {
    pub fn sha256_hex(&self) -> String {
        self.sha256.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// One summary per kind, in [`Kind::ALL`] order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CopyReport {
    pub kinds: Vec<KindSummary>,
}

impl CopyReport {
    pub fn get(&self, kind: Kind) -> Option<&KindSummary> {
        self.kinds.iter().find(|k| k.kind == kind)
    }
}

/// Whether `store` holds nothing at all (no setting, key, schema, document, record,
/// index entry, audit event or checkpoint).
pub fn store_is_empty(store: &dyn Store) -> Result<bool, StoreError> {
    Ok(store.settings()?.is_empty()
        && store.keys()?.is_empty()
        && store.schemas()?.is_empty()
        && store.doc_kinds()?.is_empty()
        && store.collections()?.is_empty()
        && store.audit_events(0, 1)?.is_empty()
        && store.audit_checkpoints(0, 1)?.is_empty())
}

/// Copy everything in `from` to the empty store `to`; `progress` hears after each
/// transaction. Refuses a target that holds anything with `Conflict`. Returns the
/// counts and hashes of what was read from `from`.
pub fn copy_store(
    from: &dyn Store,
    to: &dyn Store,
    progress: &mut dyn FnMut(CopyProgress),
) -> Result<CopyReport, StoreError> {
    if !store_is_empty(to)? {
        return Err(StoreError::Conflict("the target store is not empty"));
    }
    let mut kinds = Vec::with_capacity(Kind::ALL.len());
    for kind in Kind::ALL {
        let mut hash = Summer::new(kind);
        walk(from, kind, &mut |batch| {
            to.apply(&batch)?;
            hash.add(&batch);
            progress(CopyProgress {
                kind,
                done: hash.count,
            });
            Ok(())
        })?;
        kinds.push(hash.finish());
    }
    Ok(CopyReport { kinds })
}

/// Compare `from` and `to` kind by kind (count and content hash); the first kind that
/// differs is an `Integrity` error naming it. Returns the (equal) summaries.
pub fn verify_copy(from: &dyn Store, to: &dyn Store) -> Result<CopyReport, StoreError> {
    let mut kinds = Vec::with_capacity(Kind::ALL.len());
    for kind in Kind::ALL {
        let source = summarise(from, kind)?;
        if summarise(to, kind)? != source {
            return Err(kind.mismatch());
        }
        kinds.push(source);
    }
    Ok(CopyReport { kinds })
}

/// Count and hash of one kind of one store.
pub fn summarise(store: &dyn Store, kind: Kind) -> Result<KindSummary, StoreError> {
    let mut hash = Summer::new(kind);
    walk(store, kind, &mut |batch| {
        hash.add(&batch);
        Ok(())
    })?;
    Ok(hash.finish())
}

type Visit<'a> = dyn FnMut(Vec<Mutation>) -> Result<(), StoreError> + 'a;

/// Hand every item of `kind` to `visit` as the mutation that recreates it, in batches
/// of at most [`BATCH`], in an order that depends only on the content.
fn walk(store: &dyn Store, kind: Kind, visit: &mut Visit<'_>) -> Result<(), StoreError> {
    let mut chunked = |all: Vec<Mutation>| -> Result<(), StoreError> {
        let mut all = all.into_iter().peekable();
        while all.peek().is_some() {
            visit(all.by_ref().take(BATCH).collect())?;
        }
        Ok(())
    };
    match kind {
        Kind::Keys => chunked(store.keys()?.into_iter().map(Mutation::PutKey).collect()),
        Kind::Schemas => chunked(
            store
                .schemas()?
                .into_iter()
                .map(Mutation::PutSchema)
                .collect(),
        ),
        Kind::Settings => chunked(
            store
                .settings()?
                .into_iter()
                .map(|(name, value)| Mutation::PutSetting { name, value })
                .collect(),
        ),
        Kind::Docs => {
            for kind in store.doc_kinds()? {
                let docs = store.docs(&kind)?;
                chunked(
                    docs.into_iter()
                        .map(|(id, body)| Mutation::PutDoc {
                            kind: kind.clone(),
                            id,
                            body,
                        })
                        .collect(),
                )?;
            }
            Ok(())
        }
        Kind::Records => {
            for collection in store.collections()? {
                walk_records(store, &collection, visit)?;
            }
            Ok(())
        }
        Kind::IndexEntries => {
            for collection in store.collections()? {
                let mut after: Option<IndexEntry> = None;
                loop {
                    let page = store.index_entries(&collection, after.as_ref(), BATCH)?;
                    let Some(last) = page.last() else { break };
                    after = Some(last.clone());
                    visit(page.into_iter().map(Mutation::PutIndex).collect())?;
                }
            }
            Ok(())
        }
        Kind::AuditEvents => {
            let mut after = 0;
            loop {
                let page = store.audit_events(after, BATCH)?;
                let Some(last) = page.last() else { break };
                after = last.seq;
                visit(page.into_iter().map(Mutation::AppendAudit).collect())?;
            }
            Ok(())
        }
        Kind::AuditCheckpoints => {
            let mut after = 0;
            loop {
                let page = store.audit_checkpoints(after, BATCH)?;
                let Some(last) = page.last() else { break };
                after = last.seq;
                visit(page.into_iter().map(Mutation::PutAuditCheckpoint).collect())?;
            }
            Ok(())
        }
    }
}

/// Every record of one collection in id order. `list` reaches all of them (a record
/// with no fields has no key version below any bound, so `below_key_version` would
/// skip it); `get` then loads their sealed fields.
fn walk_records(
    store: &dyn Store,
    collection: &str,
    visit: &mut Visit<'_>,
) -> Result<(), StoreError> {
    let mut after: Option<RecordId> = None;
    loop {
        let metas = store.list(collection, after, BATCH)?;
        let Some(last) = metas.last() else { break };
        after = Some(last.id);
        let ids: Vec<RecordId> = metas.iter().map(|m| m.id).collect();
        let records = store.get(collection, &ids, None)?;
        if records.len() != ids.len() {
            return Err(StoreError::Integrity(
                "records changed while the store was being copied",
            ));
        }
        visit(records.into_iter().map(Mutation::Insert).collect())?;
    }
    Ok(())
}

mod summer;
#[cfg(all(test, feature = "testkit"))]
mod tests;

use summer::Summer;
