//! Durability tickets: a read's result held back until its audit event is durable.
//!
//! A deferred read ([`AuditLog::record_deferred`](super::AuditLog::record_deferred))
//! queues its event and returns at once with a [`Durable`]: the result together with a
//! [`Ticket`] that the group commit completes once the batch holding the event has been
//! committed, or has failed. The result leaves the [`Durable`] only when the ticket
//! says the commit succeeded; on failure it is dropped and the caller gets
//! [`CoreError::AuditUnavailable`], exactly as a synchronous read would. A [`Durable`]
//! is a future, so a server can keep many reads waiting on few threads, and it can
//! also be waited on by blocking the calling thread.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};

use crate::CoreError;

#[derive(Default)]
struct State {
    /// `Some(true)` once durable, `Some(false)` once the commit failed.
    done: Option<bool>,
    waker: Option<Waker>,
    /// A thread waits in [`Ticket::wait`]: only then is the condition variable woken.
    blocked: bool,
}

/// Completed once by the group commit with the outcome of the batch holding an event.
#[derive(Default)]
pub(crate) struct Ticket {
    state: Mutex<State>,
    wake: Condvar,
}

impl Ticket {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Record the outcome and wake whoever waits. Later calls change nothing.
    pub(crate) fn complete(&self, ok: bool) {
        let (waker, blocked) = {
            let mut s = self.lock();
            if s.done.is_some() {
                return;
            }
            s.done = Some(ok);
            (s.waker.take(), s.blocked)
        };
        if blocked {
            self.wake.notify_all();
        }
        if let Some(w) = waker {
            w.wake();
        }
    }

    fn poll_done(&self, cx: &mut Context<'_>) -> Poll<bool> {
        let mut s = self.lock();
        if let Some(ok) = s.done {
            return Poll::Ready(ok);
        }
        match &s.waker {
            Some(w) if w.will_wake(cx.waker()) => {}
            _ => s.waker = Some(cx.waker().clone()),
        }
        Poll::Pending
    }

    fn wait(&self) -> bool {
        let mut s = self.lock();
        loop {
            if let Some(ok) = s.done {
                return ok;
            }
            s.blocked = true;
            s = self.wake.wait(s).unwrap_or_else(|p| p.into_inner());
        }
    }
}

/// A result that is handed out only once the audit event of the operation that
/// produced it is durable. Await it (it is a future) or call [`Durable::wait`]; either
/// gives the result, or [`CoreError::AuditUnavailable`] and nothing when the event
/// could not be written. Dropping it unawaited discards the result; the event is
/// committed all the same.
#[must_use = "the result is only available by awaiting or waiting on it"]
pub struct Durable<T> {
    value: Option<Result<T, CoreError>>,
    /// `None` when there is nothing to wait for (auditing switched off in a bench build).
    ticket: Option<Arc<Ticket>>,
}

impl<T> Durable<T> {
    pub(crate) fn pending(value: T, ticket: Arc<Ticket>) -> Self {
        Durable {
            value: Some(Ok(value)),
            ticket: Some(ticket),
        }
    }

    pub(crate) fn ready(value: Result<T, CoreError>) -> Self {
        Durable {
            value: Some(value),
            ticket: None,
        }
    }

    /// Transform the held result now; the outcome stays held back like the original.
    /// Crate-private: a caller outside must not see the data before it is durable.
    pub(crate) fn and_then<U>(self, f: impl FnOnce(T) -> Result<U, CoreError>) -> Durable<U> {
        Durable {
            value: self.value.map(|v| v.and_then(f)),
            ticket: self.ticket,
        }
    }

    /// Block this thread until the event is durable, then give the result.
    pub fn wait(mut self) -> Result<T, CoreError> {
        let ok = self.ticket.as_ref().is_none_or(|t| t.wait());
        self.release(ok)
    }

    /// Whether the outcome is known already (awaiting would not wait).
    pub fn is_settled(&self) -> bool {
        self.ticket.as_ref().is_none_or(|t| t.lock().done.is_some())
    }

    fn release(&mut self, ok: bool) -> Result<T, CoreError> {
        let value = self
            .value
            .take()
            .expect("a Durable result is handed out once");
        if ok {
            value
        } else {
            // The event is not durable: the result is dropped unseen.
            drop(value);
            Err(CoreError::AuditUnavailable)
        }
    }
}

impl<T: Unpin> Future for Durable<T> {
    type Output = Result<T, CoreError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let ok = match &this.ticket {
            None => true,
            Some(t) => match t.poll_done(cx) {
                Poll::Ready(ok) => ok,
                Poll::Pending => return Poll::Pending,
            },
        };
        Poll::Ready(this.release(ok))
    }
}

impl<T> std::fmt::Debug for Durable<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the held result: it is personal data until released.
        f.debug_struct("Durable")
            .field("settled", &self.is_settled())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_result_is_released_only_after_a_successful_commit() {
        let ticket = Arc::new(Ticket::default());
        let d = Durable::pending(7, Arc::clone(&ticket));
        assert!(!d.is_settled());
        let t = Arc::clone(&ticket);
        let waiter = std::thread::spawn(move || d.wait());
        t.complete(true);
        assert_eq!(waiter.join().unwrap().unwrap(), 7);
    }

    #[test]
    fn a_failed_commit_gives_audit_unavailable_and_no_result() {
        let ticket = Arc::new(Ticket::default());
        let d = Durable::pending(String::from("x"), Arc::clone(&ticket)).and_then(Ok);
        ticket.complete(false);
        ticket.complete(true);
        assert!(matches!(d.wait(), Err(CoreError::AuditUnavailable)));
    }
}
