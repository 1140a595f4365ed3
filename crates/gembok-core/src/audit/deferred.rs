//! Deferred audit events: queued without blocking, made durable by the log's committer
//! thread, awaited through a [`Durable`].
//!
//! A synchronous read parks its thread until the group commit holding its event is
//! durable. On a server that costs one blocked OS thread per read in flight and a
//! thread switch per wake-up. A deferred read instead queues its event with a
//! [`Ticket`] and returns at once with its result held back in a [`Durable`]; the
//! committer thread (one per log, started on first use, ended when the log is
//! dropped) commits whatever is queued as one batch and completes the tickets. The
//! fail-closed rule is unchanged: the result is released only after the commit, and a
//! failed commit drops it and gives [`CoreError::AuditUnavailable`].

use std::sync::{Arc, Weak};

use super::group::{BatchSink, Encoded, GroupCommit, Waiter};
use super::ticket::{Durable, Ticket};
use super::{AuditEvent, AuditLog};
use crate::CoreError;

/// Name of the committer thread (the bench counts it as server time).
pub const COMMITTER_THREAD: &str = "gembok-audit";

impl GroupCommit {
    /// Queue `event` without waiting; the returned ticket is completed with the
    /// outcome of the batch that holds it. The first call starts the committer thread,
    /// which commits through `sink` for as long as that lives.
    pub(crate) fn submit_deferred<S>(
        self: &Arc<Self>,
        sink: &Weak<S>,
        event: Encoded,
    ) -> Arc<Ticket>
    where
        S: BatchSink + Send + Sync + 'static,
    {
        let ticket = Arc::new(Ticket::default());
        let mut q = self.lock();
        if !q.closed && !q.committer_started {
            let (group, weak) = (Arc::clone(self), Weak::clone(sink));
            let spawned = std::thread::Builder::new()
                .name(COMMITTER_THREAD.into())
                .spawn(move || run(&group, &weak));
            q.committer_started = spawned.is_ok();
        }
        if q.closed || !q.committer_started {
            drop(q);
            if let Some(s) = sink.upgrade() {
                s.deferred_failed();
            }
            ticket.complete(false);
            return ticket;
        }
        q.items.push((event, Waiter::Ticket(Arc::clone(&ticket))));
        if !std::mem::replace(&mut q.leader, true) {
            q.committer_turn = true;
            self.turn.notify_one();
        }
        ticket
    }

    /// End the committer thread; events still queued for it fail.
    pub(crate) fn close(&self) {
        self.lock().closed = true;
        self.turn.notify_all();
    }

    fn fail_queued(&self) {
        let items = std::mem::take(&mut self.lock().items);
        for (_, w) in items {
            w.done(false);
        }
    }
}

/// The committer thread: lead whenever handed the baton, until the log is gone.
fn run<S: BatchSink>(group: &GroupCommit, sink: &Weak<S>) {
    loop {
        {
            let mut q = group.lock();
            while !q.committer_turn && !q.closed {
                q = group.turn.wait(q).unwrap_or_else(|p| p.into_inner());
            }
            if q.closed {
                drop(q);
                group.fail_queued();
                return;
            }
            q.committer_turn = false;
        }
        match sink.upgrade() {
            // Nobody waits on this thread: it commits until the queue is empty.
            Some(log) => group.lead(log.as_ref(), None),
            None => {
                group.fail_queued();
                return;
            }
        }
    }
}

impl BatchSink for AuditLog {
    fn commit_batch(&self, batch: Vec<Encoded>) -> Result<(), CoreError> {
        self.commit_encoded(Vec::new(), batch)
    }

    fn deferred_failed(&self) {
        self.tell_failed();
    }
}

impl AuditLog {
    /// Queue `event` (of a read, which changes nothing else) for the next group commit
    /// without waiting, and hold `value` back until it is durable: awaiting or waiting
    /// on the returned [`Durable`] gives `value` once the event is committed, or
    /// [`CoreError::AuditUnavailable`] and nothing when it could not be.
    pub fn record_deferred<T>(self: &Arc<Self>, event: AuditEvent, value: T) -> Durable<T> {
        if !self.enabled {
            return Durable::ready(Ok(value));
        }
        let body = event.encode();
        let ticket = self
            .group
            .submit_deferred(&Arc::downgrade(self), (event, body));
        Durable::pending(value, ticket)
    }

    /// Tell every observer that an event could not be written.
    pub(crate) fn tell_failed(&self) {
        for o in self.observers() {
            o.audit_failed();
        }
    }
}

impl Drop for AuditLog {
    fn drop(&mut self) {
        self.group.close();
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::Ordering;

    use super::*;
    use crate::audit::group::tests::sink;
    use crate::audit::Actor;

    fn event(i: i64) -> Encoded {
        (AuditEvent::new(&Actor::system(), "t", i), Vec::new())
    }

    #[test]
    fn deferred_events_are_committed_by_the_committer_thread() {
        let group = Arc::new(GroupCommit::default());
        let log = Arc::new(sink(|b: Vec<Encoded>| {
            assert!(std::thread::current().name() == Some(COMMITTER_THREAD));
            assert!(!b.is_empty());
            Ok(())
        }));
        let tickets: Vec<_> = (0..100)
            .map(|i| group.submit_deferred(&Arc::downgrade(&log), event(i)))
            .collect();
        for t in tickets {
            assert_eq!(Durable::pending((), t).wait().map_err(|_| ()), Ok(()));
        }
        group.close();
    }

    #[test]
    fn a_failed_deferred_commit_fails_its_tickets_and_tells_the_sink() {
        let group = Arc::new(GroupCommit::default());
        let log = Arc::new(sink(|_| Err(CoreError::AuditUnavailable)));
        let t = group.submit_deferred(&Arc::downgrade(&log), event(1));
        let got = Durable::pending("held", t).wait();
        assert!(matches!(got, Err(CoreError::AuditUnavailable)));
        assert_eq!(log.1.load(Ordering::SeqCst), 1);
        group.close();
    }

    #[test]
    fn a_closed_group_fails_new_deferred_events() {
        let group = Arc::new(GroupCommit::default());
        let log = Arc::new(sink(|_| Ok(())));
        group.close();
        let t = group.submit_deferred(&Arc::downgrade(&log), event(1));
        assert!(Durable::pending((), t).wait().is_err());
    }
}
