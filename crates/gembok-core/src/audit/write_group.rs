//! Group commit of writes: concurrent callers of [`AuditLog::commit`] share one
//! transaction, and so one fsync.
//!
//! Each write commits its change with its event, so without grouping every write pays
//! a whole durable transaction of its own while holding the chain's head, and writers
//! queue behind each other's fsyncs. Here a caller queues its mutations and events;
//! whoever finds no commit running leads: it takes everything queued, applies it as
//! one transaction, and reports to each caller. If that transaction was refused,
//! nothing of it was written, and the leader applies each caller's work again on its
//! own, so every caller gets exactly the outcome its own transaction would have had (a
//! compare-and-set that lost, a key that is gone). If instead the store cannot say
//! whether it committed (`StoreError::Unavailable`: a PostgreSQL connection lost
//! during `COMMIT`), nothing is applied again, since the work may be stored already;
//! every caller gets that answer, as a write alone would. Grouping changes when a write
//! is committed, never what it does. Work that often fails (a compare-and-set) or is
//! large commits alone.
//!
//! This sits in front of the audit log whether or not it audits, so the bench-only
//! unaudited build groups its writes too and the comparison stays like for like.

use std::cell::Cell;
use std::sync::{Arc, Mutex};

use gembok_store::{Mutation, StoreError};

use super::group::{Encoded, Slot};
use super::AuditLog;
use crate::CoreError;

/// Work larger than this is committed on its own: grouping it would mean keeping a
/// copy of it for the fallback, and it already fills a transaction.
const ALONE_ABOVE: usize = 64;
/// Callers one transaction takes at most.
const MAX_GROUP: usize = 256;
/// Batches one leader commits before handing over, so its own caller is not held up.
const MAX_BATCHES_PER_LEADER: usize = 16;

thread_local! {
    /// This thread is leading: a commit it makes (an observer writing) goes straight
    /// to the store instead of waiting for a leader that is itself.
    static LEADING: Cell<bool> = const { Cell::new(false) };
}

enum State {
    Lead,
    Done(Result<(), CoreError>),
}

struct Item {
    muts: Vec<Mutation>,
    events: Vec<Encoded>,
    slot: Arc<Slot<State>>,
}

#[derive(Default)]
struct Queue {
    items: Vec<Item>,
    leader: bool,
}

#[derive(Default)]
pub(crate) struct WriteGroup {
    queue: Mutex<Queue>,
}

impl WriteGroup {
    fn lock(&self) -> std::sync::MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Commit `muts` with `events` in a transaction shared with other callers;
    /// returns once it is durable, with this caller's own outcome.
    pub(crate) fn commit(
        &self,
        log: &AuditLog,
        muts: Vec<Mutation>,
        events: Vec<Encoded>,
    ) -> Result<(), CoreError> {
        if LEADING.get() || muts.len() + events.len() > ALONE_ABOVE || races(&muts) {
            return log.commit_encoded(muts, events);
        }
        let slot = Slot::new();
        let lead_now = {
            let mut q = self.lock();
            q.items.push(Item {
                muts,
                events,
                slot: Arc::clone(&slot),
            });
            !std::mem::replace(&mut q.leader, true)
        };
        let mut state = if lead_now { State::Lead } else { slot.wait() };
        loop {
            match state {
                State::Done(outcome) => return outcome,
                State::Lead => {
                    LEADING.set(true);
                    self.lead(log);
                    LEADING.set(false);
                    state = slot.wait();
                }
            }
        }
    }

    fn lead(&self, log: &AuditLog) {
        for _ in 0..MAX_BATCHES_PER_LEADER {
            let batch: Vec<Item> = {
                let mut q = self.lock();
                let n = q.items.len().min(MAX_GROUP);
                q.items.drain(..n).collect()
            };
            if batch.is_empty() {
                break;
            }
            commit_batch(log, batch);
        }
        let mut q = self.lock();
        match q.items.first() {
            Some(next) => next.slot.set(State::Lead),
            None => q.leader = false,
        }
    }
}

/// A compare-and-set expects to lose races now and then (login throttles, sessions
/// under concurrent use); grouped, each loss would cost its neighbours a wasted
/// transaction, so it commits alone.
fn races(muts: &[Mutation]) -> bool {
    muts.iter().any(|m| matches!(m, Mutation::PutDocIf { .. }))
}

/// One transaction for the whole batch; on failure, each caller's own.
fn commit_batch(log: &AuditLog, mut batch: Vec<Item>) {
    if batch.len() == 1 {
        let only = batch.remove(0);
        let outcome = guarded(|| log.commit_encoded(only.muts, only.events));
        only.slot.set(State::Done(outcome));
        return;
    }
    let muts: Vec<Mutation> = batch.iter().flat_map(|i| i.muts.iter().cloned()).collect();
    let events: Vec<Encoded> = batch
        .iter()
        .flat_map(|i| i.events.iter().cloned())
        .collect();
    match guarded(|| log.try_commit(muts, events)) {
        Ok(()) => {
            for item in &batch {
                item.slot.set(State::Done(Ok(())));
            }
            return;
        }
        Err(CoreError::Store(StoreError::Unavailable(why))) => {
            log.tell_failed();
            for item in batch {
                let e = CoreError::Store(StoreError::Unavailable(why.clone()));
                item.slot.set(State::Done(Err(e)));
            }
            return;
        }
        Err(_) => {}
    }
    for item in batch {
        let outcome = guarded(|| log.commit_encoded(item.muts, item.events));
        item.slot.set(State::Done(outcome));
    }
}

/// A panic inside a commit becomes that caller's error: the lead must pass on and no
/// caller may wait for an answer that never comes.
fn guarded(commit: impl FnOnce() -> Result<(), CoreError>) -> Result<(), CoreError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(commit))
        .unwrap_or(Err(CoreError::AuditUnavailable))
}
