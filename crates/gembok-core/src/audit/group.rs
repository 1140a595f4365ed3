//! Group commit: many callers' events, one transaction.
//!
//! Each submitter queues its event with a waiter of its own. A synchronous submitter
//! ([`GroupCommit::submit`]) waits on its slot; a deferred one
//! ([`GroupCommit::submit_deferred`], in `committer`) leaves a [`Ticket`] and returns
//! at once. Whoever finds no commit running becomes the leader: a synchronous submitter
//! leads on its own thread, a deferred one wakes the log's committer thread. The leader
//! takes everything queued, commits it as one batch (one fsync for all), completes
//! exactly the waiters of that batch, and goes on with whatever queued meanwhile; a
//! thread leading for its own caller stops after a bounded number of batches and hands
//! the lead to the oldest thread still queued, else to the committer thread. Only the
//! waiters concerned are woken, so a batch costs one wake-up per event rather than one
//! per waiting thread.

use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use super::ticket::Ticket;
use super::AuditEvent;
use crate::CoreError;

/// Batches one leader commits before handing over, so that its own caller is not
/// held up for long under steady load.
const MAX_BATCHES_PER_LEADER: usize = 16;

/// An event with its canonical body, encoded by its submitter.
pub(crate) type Encoded = (AuditEvent, Vec<u8>);

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum SlotState {
    /// This submitter is to commit the next batch.
    Lead,
    Done(bool),
}

/// Where one blocked thread is told what to do next: lead, or its outcome. Both
/// group commits (of reads here, of writes in `write_group`) park threads on these.
pub(super) struct Slot<T> {
    state: Mutex<Option<T>>,
    wake: Condvar,
}

impl<T> Slot<T> {
    pub(super) fn new() -> Arc<Self> {
        Arc::new(Slot {
            state: Mutex::new(None),
            wake: Condvar::new(),
        })
    }

    pub(super) fn set(&self, s: T) {
        *self.state.lock().unwrap_or_else(|p| p.into_inner()) = Some(s);
        self.wake.notify_one();
    }

    /// Block until told, and take what was told.
    pub(super) fn wait(&self) -> T {
        let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            if let Some(out) = st.take() {
                return out;
            }
            st = self.wake.wait(st).unwrap_or_else(|p| p.into_inner());
        }
    }
}

/// Where a leader commits batches (the audit log; a stand-in in tests).
pub(crate) trait BatchSink {
    /// Commit `batch` durably, as one transaction.
    fn commit_batch(&self, batch: Vec<Encoded>) -> Result<(), CoreError>;
    /// A deferred event was lost with its failed batch.
    fn deferred_failed(&self);
}

/// Who is told the outcome of a queued event.
pub(super) enum Waiter {
    /// A thread blocked in [`GroupCommit::submit`].
    Thread(Arc<Slot<SlotState>>),
    /// A deferred read, holding its result until this is completed.
    Ticket(Arc<Ticket>),
}

impl Waiter {
    pub(super) fn done(&self, ok: bool) {
        match self {
            Waiter::Thread(s) => s.set(SlotState::Done(ok)),
            Waiter::Ticket(t) => t.complete(ok),
        }
    }
}

#[derive(Default)]
pub(super) struct Queue {
    pub items: Vec<(Encoded, Waiter)>,
    /// A commit is running or about to: nobody else may start one.
    pub leader: bool,
    /// The lead was handed to the committer thread.
    pub committer_turn: bool,
    pub committer_started: bool,
    /// The log is gone: the committer thread ends and queued tickets fail.
    pub closed: bool,
}

/// The queue, the baton, and the committer thread's doorbell.
#[derive(Default)]
pub(crate) struct GroupCommit {
    queue: Mutex<Queue>,
    /// Rung when the committer thread is to lead or to end.
    pub(super) turn: Condvar,
}

impl GroupCommit {
    pub(super) fn lock(&self) -> MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Queue `event` and wait until a batch holding it was committed by `log`.
    /// Returns `Err(())` when that commit failed.
    pub fn submit(&self, log: &impl BatchSink, event: Encoded) -> Result<(), ()> {
        let slot = Slot::new();
        let lead_now = {
            let mut q = self.lock();
            q.items.push((event, Waiter::Thread(Arc::clone(&slot))));
            !std::mem::replace(&mut q.leader, true)
        };
        let mut state = if lead_now {
            SlotState::Lead
        } else {
            slot.wait()
        };
        loop {
            match state {
                SlotState::Done(true) => return Ok(()),
                SlotState::Done(false) => return Err(()),
                SlotState::Lead => {
                    self.lead(log, Some(MAX_BATCHES_PER_LEADER));
                    state = slot.wait();
                }
            }
        }
    }

    /// Commit batches while events keep arriving (up to `max_batches` if given),
    /// report to their submitters, then pass the baton on. A leader already running
    /// keeps going: waking another thread to lead costs a scheduling delay per batch.
    pub(super) fn lead(&self, log: &impl BatchSink, max_batches: Option<usize>) {
        let mut batches = 0;
        while max_batches.is_none_or(|m| batches < m) {
            batches += 1;
            let batch = std::mem::take(&mut self.lock().items);
            if batch.is_empty() {
                break;
            }
            let (events, waiters): (Vec<Encoded>, Vec<Waiter>) = batch.into_iter().unzip();
            // A panic inside commit must not leave the baton taken forever.
            let ok =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| log.commit_batch(events)))
                    .map(|r| r.is_ok())
                    .unwrap_or(false);
            // Observers hear of a lost deferred event before its reader is answered, so
            // the alert never trails the 503. A synchronous submitter tells them itself.
            if !ok {
                let lost = waiters
                    .iter()
                    .filter(|w| matches!(w, Waiter::Ticket(_)))
                    .count();
                for _ in 0..lost {
                    log.deferred_failed();
                }
            }
            for w in &waiters {
                w.done(ok);
            }
        }
        let mut q = self.lock();
        let next = q.items.iter().find_map(|(_, w)| match w {
            Waiter::Thread(s) => Some(Arc::clone(s)),
            Waiter::Ticket(_) => None,
        });
        match next {
            Some(slot) => slot.set(SlotState::Lead),
            // Only deferred events wait: they have no thread, the committer leads.
            None if !q.items.is_empty() => {
                q.committer_turn = true;
                self.turn.notify_one();
            }
            None => q.leader = false,
        }
    }
}

#[cfg(test)]
pub(super) mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use crate::audit::Actor;

    /// A sink that runs a closure and counts lost deferred events.
    pub(crate) struct FnSink<F>(pub F, pub AtomicUsize);

    impl<F: Fn(Vec<Encoded>) -> Result<(), CoreError>> BatchSink for FnSink<F> {
        fn commit_batch(&self, batch: Vec<Encoded>) -> Result<(), CoreError> {
            (self.0)(batch)
        }
        fn deferred_failed(&self) {
            self.1.fetch_add(1, Ordering::SeqCst);
        }
    }

    pub(crate) fn sink<F: Fn(Vec<Encoded>) -> Result<(), CoreError>>(f: F) -> FnSink<F> {
        FnSink(f, AtomicUsize::new(0))
    }

    #[test]
    fn concurrent_submitters_share_batches_and_all_get_results() {
        let group = Arc::new(GroupCommit::default());
        let committed = Arc::new(AtomicUsize::new(0));
        let batches = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..16)
            .map(|i| {
                let (group, committed, batches) =
                    (group.clone(), committed.clone(), batches.clone());
                std::thread::spawn(move || {
                    let log = sink(|b: Vec<Encoded>| {
                        std::thread::sleep(std::time::Duration::from_millis(1));
                        committed.fetch_add(b.len(), Ordering::SeqCst);
                        batches.fetch_add(1, Ordering::SeqCst);
                        Ok(())
                    });
                    for j in 0..50 {
                        let e = AuditEvent::new(&Actor::system(), "t", i * 1000 + j);
                        group.submit(&log, (e, Vec::new())).unwrap();
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(committed.load(Ordering::SeqCst), 800);
        assert!(batches.load(Ordering::SeqCst) < 800, "no batching happened");
    }

    #[test]
    fn a_failed_commit_fails_every_submitter_of_its_batch() {
        let group = GroupCommit::default();
        let e = (AuditEvent::new(&Actor::system(), "t", 1), Vec::new());
        let failing = sink(|_| Err(CoreError::AuditUnavailable));
        assert!(group.submit(&failing, e.clone()).is_err());
        assert!(group.submit(&sink(|_| Ok(())), e).is_ok());
    }
}
