//! Group commit: many threads' events, one transaction.
//!
//! Each submitter queues its event with a slot of its own and waits on that slot.
//! Whoever finds no commit running becomes the leader: it takes everything queued,
//! commits it as one batch (one fsync for all), fills and wakes exactly the slots of
//! that batch, and goes on with whatever queued meanwhile, for a bounded number of
//! batches; then it hands the lead to the oldest thread still queued, if any. Only the
//! threads concerned are woken, so a batch costs one wake-up per event rather than one
//! per waiting thread.

use std::sync::{Arc, Condvar, Mutex};

use super::AuditEvent;
use crate::CoreError;

/// Batches one leader commits before handing over, so that its own caller is not
/// held up for long under steady load.
const MAX_BATCHES_PER_LEADER: usize = 16;

/// An event with its canonical body, encoded by its submitter.
pub(crate) type Encoded = (AuditEvent, Vec<u8>);

#[derive(Clone, Copy, PartialEq, Eq)]
enum SlotState {
    Waiting,
    /// This submitter is to commit the next batch.
    Lead,
    Done(bool),
}

struct Slot {
    state: Mutex<SlotState>,
    wake: Condvar,
}

impl Slot {
    fn set(&self, s: SlotState) {
        *self.state.lock().unwrap_or_else(|p| p.into_inner()) = s;
        self.wake.notify_one();
    }

    fn wait(&self) -> SlotState {
        let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        while *st == SlotState::Waiting {
            st = self.wake.wait(st).unwrap_or_else(|p| p.into_inner());
        }
        let out = *st;
        *st = SlotState::Waiting;
        out
    }
}

#[derive(Default)]
struct Queue {
    items: Vec<(Encoded, Arc<Slot>)>,
    leader: bool,
}

/// The queue and the baton.
#[derive(Default)]
pub(crate) struct GroupCommit {
    queue: Mutex<Queue>,
}

impl GroupCommit {
    /// Queue `event` and wait until a batch holding it was committed by `commit`.
    /// Returns `Err(())` when that commit failed.
    pub fn submit(
        &self,
        event: Encoded,
        commit: impl Fn(Vec<Encoded>) -> Result<(), CoreError>,
    ) -> Result<(), ()> {
        let slot = Arc::new(Slot {
            state: Mutex::new(SlotState::Waiting),
            wake: Condvar::new(),
        });
        let lead_now = {
            let mut q = self.queue.lock().unwrap_or_else(|p| p.into_inner());
            q.items.push((event, Arc::clone(&slot)));
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
                    self.lead(&commit);
                    state = slot.wait();
                }
                SlotState::Waiting => state = slot.wait(),
            }
        }
    }

    /// Commit batches while events keep arriving (up to [`MAX_BATCHES_PER_LEADER`]),
    /// report to their submitters, then pass the baton on. A leader already running
    /// keeps going: waking another thread to lead costs a scheduling delay per batch.
    fn lead(&self, commit: &impl Fn(Vec<Encoded>) -> Result<(), CoreError>) {
        for _ in 0..MAX_BATCHES_PER_LEADER {
            let batch =
                std::mem::take(&mut self.queue.lock().unwrap_or_else(|p| p.into_inner()).items);
            if batch.is_empty() {
                break;
            }
            let (events, slots): (Vec<Encoded>, Vec<Arc<Slot>>) = batch.into_iter().unzip();
            // A panic inside commit must not leave the baton taken forever.
            let ok = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| commit(events)))
                .map(|r| r.is_ok())
                .unwrap_or(false);
            for s in &slots {
                s.set(SlotState::Done(ok));
            }
        }
        let mut q = self.queue.lock().unwrap_or_else(|p| p.into_inner());
        match q.items.first() {
            Some((_, next)) => next.set(SlotState::Lead),
            None => q.leader = false,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use crate::audit::Actor;

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
                    for j in 0..50 {
                        let e = AuditEvent::new(&Actor::system(), "t", i * 1000 + j);
                        let e = (e, Vec::new());
                        group
                            .submit(e, |b| {
                                std::thread::sleep(std::time::Duration::from_millis(1));
                                committed.fetch_add(b.len(), Ordering::SeqCst);
                                batches.fetch_add(1, Ordering::SeqCst);
                                Ok(())
                            })
                            .unwrap();
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
        assert!(group
            .submit(e.clone(), |_| Err(CoreError::AuditUnavailable))
            .is_err());
        assert!(group.submit(e, |_| Ok(())).is_ok());
    }
}
