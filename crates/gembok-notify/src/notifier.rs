//! The notifier: one notification fanned out to every configured channel, either awaited
//! ([`Notifier::deliver`]) or handed to a background worker through a bounded queue
//! ([`Notifier::spawn`], [`NotifyHandle::send`]) so the server and the audit monitor never
//! wait on a slow receiver. When the queue is full, notifications are dropped and counted
//! rather than blocking the caller or growing memory without bound.
//!
//! A notification for one person ([`Notifier::deliver_to`], [`NotifyHandle::send_to`])
//! goes only to the e-mail channels, addressed to that person alone; webhooks never see
//! it, so the address cannot leak into a webhook body, and logs name its kind and id only.
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use tokio::sync::mpsc;

use crate::{Notification, NotifyError, Recipient, SmtpChannel, WebhookChannel};

/// Queue capacity of [`Notifier::spawn`].
pub const DEFAULT_QUEUE_CAPACITY: usize = 256;

/// One delivery channel.
#[derive(Debug)]
pub enum Channel {
    /// A signed HTTPS webhook.
    Webhook(WebhookChannel),
    /// TLS-only e-mail.
    Smtp(SmtpChannel),
}

impl Channel {
    /// The label used in outcomes and logs (host only, never a URL path or secret).
    pub fn label(&self) -> &str {
        match self {
            Channel::Webhook(c) => c.label(),
            Channel::Smtp(c) => c.label(),
        }
    }

    async fn deliver(&self, n: &Notification) -> Result<u32, NotifyError> {
        match self {
            Channel::Webhook(c) => c.deliver(n).await,
            Channel::Smtp(c) => c.deliver(n).await,
        }
    }
}

/// The result of delivering one notification over one channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryOutcome {
    /// The channel's label, e.g. `"webhook hooks.example.com"`, `"smtp mail.example.com:587"`.
    pub channel: String,
    /// `Ok(attempts)` when delivered, or why not (no secrets, no URLs).
    pub result: Result<u32, NotifyError>,
}

impl DeliveryOutcome {
    /// Whether the channel accepted the notification.
    pub fn is_ok(&self) -> bool {
        self.result.is_ok()
    }
}

/// Delivers notifications to a fixed list of channels.
#[derive(Debug)]
pub struct Notifier {
    channels: Vec<Channel>,
    queue_capacity: usize,
}

impl Notifier {
    /// A notifier over `channels` (which may be empty: then nothing is sent).
    pub fn new(channels: Vec<Channel>) -> Self {
        Self {
            channels,
            queue_capacity: DEFAULT_QUEUE_CAPACITY,
        }
    }

    /// Sets the background queue's capacity (at least 1) used by [`Notifier::spawn`].
    pub fn with_queue_capacity(mut self, capacity: usize) -> Self {
        self.queue_capacity = capacity.max(1);
        self
    }

    /// The configured channels.
    pub fn channels(&self) -> &[Channel] {
        &self.channels
    }

    /// Whether an e-mail channel is configured (so [`Notifier::deliver_to`] can send).
    pub fn has_email(&self) -> bool {
        self.channels.iter().any(|c| matches!(c, Channel::Smtp(_)))
    }

    /// Delivers `n` by e-mail to `recipient` alone, over every e-mail channel (webhooks
    /// are skipped), and reports each channel's outcome; no e-mail channel gives
    /// [`NotifyError::NoEmailChannel`].
    pub async fn deliver_to(
        &self,
        n: &Notification,
        recipient: &Recipient,
    ) -> Result<Vec<DeliveryOutcome>, NotifyError> {
        if !self.has_email() {
            return Err(NotifyError::NoEmailChannel);
        }
        let futures = self.channels.iter().filter_map(|c| match c {
            Channel::Smtp(smtp) => Some(async move {
                DeliveryOutcome {
                    channel: smtp.label().to_owned(),
                    result: smtp.deliver_to(n, recipient).await,
                }
            }),
            Channel::Webhook(_) => None,
        });
        Ok(join_all(futures).await)
    }

    /// Delivers `n` to every channel concurrently and reports each channel's outcome, in
    /// channel order. One channel failing does not stop the others.
    pub async fn deliver(&self, n: &Notification) -> Vec<DeliveryOutcome> {
        // The channels are borrowed, so they are driven in this task rather than spawned.
        let futures = self.channels.iter().map(|c| async move {
            DeliveryOutcome {
                channel: c.label().to_owned(),
                result: c.deliver(n).await,
            }
        });
        join_all(futures).await
    }

    /// Moves the notifier onto a background task (requires a Tokio runtime) and returns the
    /// handle that feeds it. The worker delivers queued notifications one after another,
    /// logs failed channels with `tracing`, and stops when every handle has been dropped.
    pub fn spawn(self) -> NotifyHandle {
        let (tx, mut rx) = mpsc::channel::<Job>(self.queue_capacity);
        let stats = Arc::new(Stats::default());
        let worker_stats = Arc::clone(&stats);
        let has_email = self.has_email();
        tokio::spawn(async move {
            while let Some(job) = rx.recv().await {
                let (n, outcomes) = match job {
                    Job::All(n) => {
                        let outcomes = self.deliver(&n).await;
                        (n, outcomes)
                    }
                    Job::To(n, recipient) => {
                        let outcomes = self.deliver_to(&n, &recipient).await.unwrap_or_default();
                        (n, outcomes)
                    }
                };
                let mut all_ok = true;
                for o in &outcomes {
                    if let Err(e) = &o.result {
                        all_ok = false;
                        tracing::warn!(channel = %o.channel, kind = %n.kind, id = %n.id,
                            error = %e, "notification not delivered");
                    }
                }
                let counter = if all_ok {
                    &worker_stats.delivered
                } else {
                    &worker_stats.failed
                };
                counter.fetch_add(1, Ordering::Relaxed);
            }
        });
        NotifyHandle {
            tx,
            stats,
            has_email,
        }
    }
}

/// What the background worker delivers.
#[derive(Debug)]
enum Job {
    /// To every channel.
    All(Notification),
    /// By e-mail to one person only.
    To(Notification, Recipient),
}

/// Polls the futures together, keeping their order (a tiny `join_all`, to avoid a
/// dependency on `futures`).
async fn join_all<F: std::future::Future>(futures: impl Iterator<Item = F>) -> Vec<F::Output> {
    let mut futures: Vec<_> = futures.map(|f| Some(Box::pin(f))).collect();
    let mut outputs: Vec<Option<F::Output>> = futures.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut done = true;
        for (slot, out) in futures.iter_mut().zip(outputs.iter_mut()) {
            if let Some(f) = slot {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => {
                        *out = Some(v);
                        *slot = None;
                    }
                    std::task::Poll::Pending => done = false,
                }
            }
        }
        if done {
            std::task::Poll::Ready(())
        } else {
            std::task::Poll::Pending
        }
    })
    .await;
    outputs.into_iter().flatten().collect()
}

#[derive(Debug, Default)]
struct Stats {
    dropped: AtomicU64,
    delivered: AtomicU64,
    failed: AtomicU64,
}

/// Feeds a background [`Notifier`]. Cheap to clone; [`NotifyHandle::send`] never blocks.
#[derive(Debug, Clone)]
pub struct NotifyHandle {
    tx: mpsc::Sender<Job>,
    stats: Arc<Stats>,
    has_email: bool,
}

impl NotifyHandle {
    /// Queues `n` without waiting. When the queue is full ([`NotifyError::QueueFull`]) or
    /// the worker is gone ([`NotifyError::WorkerStopped`]) the notification is dropped and
    /// counted in [`NotifyHandle::dropped`]; callers may ignore the result.
    pub fn send(&self, n: Notification) -> Result<(), NotifyError> {
        self.queue(Job::All(n))
    }

    /// Queues `n` for e-mail to `recipient` alone (see [`Notifier::deliver_to`]), without
    /// waiting. Refused with [`NotifyError::NoEmailChannel`] when no e-mail channel is
    /// configured; otherwise as [`NotifyHandle::send`].
    pub fn send_to(&self, n: Notification, recipient: Recipient) -> Result<(), NotifyError> {
        if !self.has_email {
            return Err(NotifyError::NoEmailChannel);
        }
        self.queue(Job::To(n, recipient))
    }

    /// Whether the notifier behind this handle has an e-mail channel.
    pub fn has_email(&self) -> bool {
        self.has_email
    }

    fn queue(&self, job: Job) -> Result<(), NotifyError> {
        self.tx.try_send(job).map_err(|e| {
            self.stats.dropped.fetch_add(1, Ordering::Relaxed);
            match e {
                mpsc::error::TrySendError::Full(_) => NotifyError::QueueFull,
                mpsc::error::TrySendError::Closed(_) => NotifyError::WorkerStopped,
            }
        })
    }

    /// Notifications dropped because the queue was full or the worker had stopped.
    pub fn dropped(&self) -> u64 {
        self.stats.dropped.load(Ordering::Relaxed)
    }

    /// Notifications the worker delivered to every channel.
    pub fn delivered(&self) -> u64 {
        self.stats.delivered.load(Ordering::Relaxed)
    }

    /// Notifications the worker processed with at least one failed channel.
    pub fn failed(&self) -> u64 {
        self.stats.failed.load(Ordering::Relaxed)
    }
}
