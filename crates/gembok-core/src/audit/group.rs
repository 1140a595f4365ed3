//! Group commit: many threads' events, one transaction.
//!
//! Each submitter queues its event and waits. Whoever finds no commit running becomes
//! the leader: it takes everything queued, commits it as one batch (one fsync for all),
//! hands each submitter its result, and steps down, so the next leader is one of the
//! threads that queued meanwhile. A leader commits exactly one batch, so no thread
//! waits for more than the batch in flight and its own.

use std::collections::HashMap;
use std::sync::{Condvar, Mutex};

use super::AuditEvent;
use crate::CoreError;

#[derive(Default)]
struct State {
    queue: Vec<(u64, AuditEvent)>,
    next_ticket: u64,
    leader: bool,
    /// Results of committed batches not yet collected, by ticket.
    done: HashMap<u64, bool>,
}

/// The queue and the baton.
#[derive(Default)]
pub(crate) struct GroupCommit {
    state: Mutex<State>,
    changed: Condvar,
}

impl GroupCommit {
    /// Queue `event` and wait until a batch holding it was committed by `commit`.
    /// Returns `Err(())` when that commit failed.
    pub fn submit(
        &self,
        event: AuditEvent,
        commit: impl Fn(Vec<AuditEvent>) -> Result<(), CoreError>,
    ) -> Result<(), ()> {
        let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let ticket = st.next_ticket;
        st.next_ticket += 1;
        st.queue.push((ticket, event));
        loop {
            if let Some(ok) = st.done.remove(&ticket) {
                return if ok { Ok(()) } else { Err(()) };
            }
            if !st.leader {
                st.leader = true;
                let batch = std::mem::take(&mut st.queue);
                drop(st);
                let (tickets, events): (Vec<u64>, Vec<AuditEvent>) = batch.into_iter().unzip();
                // A panic inside commit must not leave the baton taken forever.
                let ok = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| commit(events)))
                    .map(|r| r.is_ok())
                    .unwrap_or(false);
                st = self.state.lock().unwrap_or_else(|p| p.into_inner());
                for t in tickets {
                    st.done.insert(t, ok);
                }
                st.leader = false;
                self.changed.notify_all();
                continue;
            }
            st = self.changed.wait(st).unwrap_or_else(|p| p.into_inner());
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

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
        let e = AuditEvent::new(&Actor::system(), "t", 1);
        assert!(group
            .submit(e.clone(), |_| Err(CoreError::AuditUnavailable))
            .is_err());
        assert!(group.submit(e, |_| Ok(())).is_ok());
    }
}
