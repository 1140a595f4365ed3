//! The lifecycle's scheduled work, run by the server while it serves: retention against
//! the wall clock (first about a minute after start, so a server restarted daily still
//! enforces it, then every `retention_every`), and the check of open rights requests
//! against their deadlines (every `overdue_check_every`; each newly overdue request
//! raises one `request.overdue` audit event, which the monitor turns into an alert).
//!
//! The vault work is synchronous, so each run goes to a blocking thread; runs of one job
//! never overlap. Only counts are logged, never an id or a value of a subject's data.
//! [`Jobs::stop`] ends both loops and waits for a run in progress to finish, so a
//! shutdown never cuts a retention transaction short.

use std::sync::Arc;
use std::time::Duration;

use gembok_core::lifecycle::RetentionOptions;
use gembok_core::Gate;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio::time::{interval_at, Instant, MissedTickBehavior};

use crate::state::now_ms;
use crate::LifecycleConfig;

/// Delay before the first retention run after start.
const FIRST_RETENTION: Duration = Duration::from_secs(60);
/// Shortest period accepted, so a misconfigured zero cannot spin a core.
const MIN_PERIOD: Duration = Duration::from_millis(50);

/// The running jobs.
pub(crate) struct Jobs {
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Jobs {
    /// Start the jobs `config` asks for on the current runtime.
    pub fn start(gate: Arc<Gate>, config: &LifecycleConfig) -> Self {
        let (stop, _) = watch::channel(false);
        let mut tasks = Vec::new();
        if let Some(every) = config.retention_every {
            let every = every.max(MIN_PERIOD);
            let inactive_after = config.inactive_after;
            let gate = Arc::clone(&gate);
            tasks.push(spawn_loop(
                stop.subscribe(),
                FIRST_RETENTION.min(every),
                every,
                move || retention(&gate, inactive_after),
            ));
        }
        let every = config.overdue_check_every.max(MIN_PERIOD);
        tasks.push(spawn_loop(
            stop.subscribe(),
            Duration::ZERO,
            every,
            move || overdue(&gate),
        ));
        Jobs { stop, tasks }
    }

    /// End the loops, letting a run in progress finish.
    pub async fn stop(self) {
        self.stop.send_replace(true);
        for t in self.tasks {
            let _ = t.await;
        }
    }
}

/// Run `job` on a blocking thread after `first`, then every `every`, until stopped.
fn spawn_loop<F>(
    mut stop: watch::Receiver<bool>,
    first: Duration,
    every: Duration,
    job: F,
) -> JoinHandle<()>
where
    F: Fn() + Send + Sync + 'static,
{
    let job = Arc::new(job);
    tokio::spawn(async move {
        let mut tick = interval_at(Instant::now() + first, every);
        // A slow run is not followed by a burst of catch-up runs.
        tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = stopped(&mut stop) => break,
                _ = tick.tick() => {}
            }
            let job = Arc::clone(&job);
            if let Err(e) = tokio::task::spawn_blocking(move || job()).await {
                tracing::error!(error = %e, "a lifecycle job panicked");
            }
        }
    })
}

/// Resolves once stopping has been asked for (the guard `wait_for` returns is not
/// `Send`, so it is dropped here).
async fn stopped(rx: &mut watch::Receiver<bool>) {
    let _ = rx.wait_for(|s| *s).await;
}

fn retention(gate: &Gate, inactive_after: Option<gembok_core::schema::Retention>) {
    let opts = RetentionOptions {
        now: now_ms(),
        dry_run: false,
        inactive_after,
    };
    match gate.scheduled_retention(opts) {
        Ok(r) => tracing::info!(
            records = r.total_records(),
            fields = r.fields.values().sum::<u64>(),
            inactive_subjects = r.inactive_subjects,
            held = r.held,
            "scheduled retention done"
        ),
        // Core errors carry no personal data in their text.
        Err(e) => tracing::warn!(error = %e, "scheduled retention failed; retrying next period"),
    }
}

fn overdue(gate: &Gate) {
    match gate.flag_overdue_requests(now_ms()) {
        Ok(flagged) if flagged.is_empty() => {}
        Ok(flagged) => tracing::warn!(
            requests = flagged.len(),
            "rights requests past their deadline"
        ),
        Err(e) => tracing::warn!(error = %e, "overdue-request check failed"),
    }
}
