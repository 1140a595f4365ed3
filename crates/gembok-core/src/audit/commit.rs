//! Appending to the chain: one writer at a time inside this process (the head lock),
//! and the store's unique sequence numbers across processes.
//!
//! A commit numbers its events after the head it knows, links them, adds a signed
//! checkpoint when one is due, and applies everything with the caller's mutations in
//! one transaction. If another process sharing the store appended first, the store
//! refuses the taken sequence number as a conflict; the head is then reloaded and the
//! commit retried, so several servers on one database still build one chain.

use gembok_store::{AuditRow, Mutation, Store, StoreError};

use super::chain::{link, sign_checkpoint, GENESIS};
use super::{AuditEvent, AuditLog, Head};
use crate::time::now_ms;
use crate::CoreError;

/// How often a commit is retried after losing a race for a sequence number. Each loss
/// means another process committed, so the chain moves on; after the first few losses
/// a short random pause breaks the lockstep of two busy servers.
const MAX_ATTEMPTS: usize = 100;

/// The head as stored: the last event, else the anchor of a prune, else genesis; and
/// the last checkpoint.
pub(crate) fn load_head(store: &dyn Store) -> Result<Head, CoreError> {
    // Checkpoints first: another process may append between the two reads, and a
    // checkpoint is never ahead of the events it names, so read this way round the
    // head is never behind the last checkpoint.
    let mut checkpoint_seq = 0;
    let mut checkpoint_time = now_ms();
    let mut after = 0;
    loop {
        let page = store.audit_checkpoints(after, 1000)?;
        let Some(last) = page.last() else { break };
        after = last.seq;
        checkpoint_seq = last.seq;
        checkpoint_time = last.time;
    }
    let (seq, hash) = match store.audit_head()? {
        Some((seq, hash)) => (seq, to_hash(&hash)?),
        None => match super::retention::load_anchor(store)? {
            Some(a) => (a.seq, to_hash(&a.hash)?),
            None => (0, GENESIS),
        },
    };
    Ok(Head {
        seq,
        hash,
        checkpoint_seq: checkpoint_seq.min(seq),
        checkpoint_time,
    })
}

/// Why a commit failed: the caller's own change was refused (the log is fine), or
/// the transaction that also held the events could not be written.
enum Failure {
    Caller(CoreError),
    Log(CoreError),
}

pub(crate) fn to_hash(bytes: &[u8]) -> Result<[u8; 32], CoreError> {
    bytes
        .try_into()
        .map_err(|_| CoreError::Integrity("an audit hash is not 32 bytes".into()))
}

impl AuditLog {
    /// Apply `muts` and append `events` in one transaction. Returns once durable.
    pub fn commit(&self, muts: Vec<Mutation>, events: Vec<AuditEvent>) -> Result<(), CoreError> {
        let encoded = events
            .into_iter()
            .map(|e| {
                let body = e.encode();
                (e, body)
            })
            .collect();
        self.writes.commit(self, muts, encoded)
    }

    /// [`AuditLog::commit`] of events already encoded (by their submitters, so that
    /// the group-commit leader only links and writes).
    pub(crate) fn commit_encoded(
        &self,
        muts: Vec<Mutation>,
        encoded: Vec<(AuditEvent, Vec<u8>)>,
    ) -> Result<(), CoreError> {
        match self.apply_linked(muts, encoded) {
            Ok(()) => Ok(()),
            Err(Failure::Caller(e)) => Err(e),
            Err(Failure::Log(e)) => {
                // The change and its event were refused together: the log could
                // not be written, which the monitor must hear about.
                for o in self.observers() {
                    o.audit_failed();
                }
                Err(e)
            }
        }
    }

    /// [`AuditLog::commit_encoded`] without telling the observers of a failure: the
    /// write group tries callers' work together first, and tells only of the outcome
    /// of each caller's own.
    pub(crate) fn try_commit(
        &self,
        muts: Vec<Mutation>,
        encoded: Vec<(AuditEvent, Vec<u8>)>,
    ) -> Result<(), CoreError> {
        self.apply_linked(muts, encoded).map_err(|f| match f {
            Failure::Caller(e) | Failure::Log(e) => e,
        })
    }

    fn apply_linked(
        &self,
        mut muts: Vec<Mutation>,
        encoded: Vec<(AuditEvent, Vec<u8>)>,
    ) -> Result<(), Failure> {
        if !self.enabled || encoded.is_empty() {
            if !muts.is_empty() {
                self.store
                    .apply(&muts)
                    .map_err(|e| Failure::Caller(e.into()))?;
            }
            return Ok(());
        }
        let (events, bodies): (Vec<AuditEvent>, Vec<Vec<u8>>) = encoded.into_iter().unzip();
        let refs: Vec<_> = events.iter().map(AuditEvent::refs).collect();
        let base = muts.len();
        let mut head = self.lock_head();
        let mut attempt = 0;
        loop {
            attempt += 1;
            muts.truncate(base);
            let mut next = head.clone();
            for ((event, body), refs) in events.iter().zip(&bodies).zip(&refs) {
                next.seq += 1;
                next.hash = link(&next.hash, next.seq, body);
                muts.push(Mutation::AppendAudit(AuditRow {
                    seq: next.seq,
                    time: event.time,
                    principal: event.principal.clone(),
                    action: event.action.clone(),
                    refs: refs.clone(),
                    body: body.clone(),
                    hash: next.hash.to_vec(),
                }));
            }
            let now = now_ms();
            let checkpoint = (next.seq.saturating_sub(next.checkpoint_seq)
                >= self.config.checkpoint_every)
                .then(|| {
                    sign_checkpoint(&self.signer(), &self.vault_id, next.seq, &next.hash, now)
                });
            if let Some(cp) = &checkpoint {
                muts.push(Mutation::PutAuditCheckpoint(cp.clone()));
                next.checkpoint_seq = next.seq;
                next.checkpoint_time = now;
            }
            match self.store.apply(&muts) {
                Ok(()) => {
                    let first = head.seq + 1;
                    *head = next;
                    drop(head);
                    if let Some(cp) = &checkpoint {
                        self.publish(cp);
                    }
                    let numbered: Vec<(u64, AuditEvent)> = (first..).zip(events).collect();
                    for o in self.observers() {
                        o.committed(&numbered);
                    }
                    return Ok(());
                }
                Err(StoreError::Conflict(what)) if attempt < MAX_ATTEMPTS => {
                    let stored = load_head(self.store.as_ref()).map_err(Failure::Log)?;
                    if stored.seq == head.seq {
                        // Not a race for the chain: the caller's own mutations conflict.
                        return Err(Failure::Caller(StoreError::Conflict(what).into()));
                    }
                    *head = stored;
                    if attempt > 2 {
                        let jitter = gembok_crypto::random_bytes::<1>().map_or(0, |b| b[0]);
                        std::thread::sleep(std::time::Duration::from_micros(
                            100 + u64::from(jitter) * 8,
                        ));
                    }
                }
                // The caller's own compare-and-set lost a race, or its change names
                // something gone: nothing was written, the log is fine, and it is
                // the caller's to handle.
                Err(e @ (StoreError::Changed | StoreError::NotFound)) => {
                    return Err(Failure::Caller(e.into()))
                }
                Err(e) => return Err(Failure::Log(e.into())),
            }
        }
    }

    /// Sign a checkpoint of the head if events arrived since the last one and
    /// `checkpoint_interval_ms` has passed (a server calls this on a timer).
    /// Returns whether one was written.
    pub fn checkpoint_if_due(&self) -> Result<bool, CoreError> {
        if !self.enabled {
            return Ok(false);
        }
        let mut head = self.lock_head();
        let now = now_ms();
        if head.seq == head.checkpoint_seq
            || now - head.checkpoint_time < self.config.checkpoint_interval_ms
        {
            return Ok(false);
        }
        // Another process may have appended: sign what the store holds.
        let stored = load_head(self.store.as_ref())?;
        *head = Head {
            checkpoint_seq: head.checkpoint_seq.max(stored.checkpoint_seq),
            checkpoint_time: head.checkpoint_time.max(stored.checkpoint_time),
            ..stored
        };
        let cp = sign_checkpoint(&self.signer(), &self.vault_id, head.seq, &head.hash, now);
        self.store
            .apply(&[Mutation::PutAuditCheckpoint(cp.clone())])?;
        head.checkpoint_seq = head.seq;
        head.checkpoint_time = now;
        drop(head);
        self.publish(&cp);
        Ok(true)
    }

    /// Append events that go with no other change (reads, denials, logins): they join
    /// a group commit and this returns once they are durable. On failure observers are
    /// told and the caller gets [`CoreError::AuditUnavailable`].
    pub fn record(&self, event: AuditEvent) -> Result<(), CoreError> {
        if !self.enabled {
            return Ok(());
        }
        let body = event.encode();
        let outcome = self.group.submit(self, (event, body));
        if outcome.is_err() {
            for o in self.observers() {
                o.audit_failed();
            }
            return Err(CoreError::AuditUnavailable);
        }
        Ok(())
    }
}
