//! One side of the comparison (a vault and its record ids) and the concurrent load
//! run against it: `threads` threads each loop over the operation until the time is up;
//! or, for deferred reads, `threads` tasks on a small tokio runtime, each awaiting its
//! read's durability ticket before the next, so that many reads wait on few threads.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Result;
use gembok_core::{Actor, Vault, View};
use gembok_types::RecordId;

/// Worker threads of the runtime that drives deferred reads: one per core here.
pub const RUNTIME_THREADS: usize = 2;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Op {
    /// `Vault::get` on many threads, each parked until its event is durable.
    Read,
    /// `Vault::get_deferred` on many tasks, awaiting the ticket.
    ReadDeferred,
    Write,
}

pub struct Side {
    pub name: &'static str,
    pub vault: Arc<Vault>,
    ids: Arc<Vec<RecordId>>,
}

impl Side {
    pub fn new(name: &'static str, vault: Arc<Vault>) -> Self {
        Side {
            name,
            vault,
            ids: Arc::new(Vec::new()),
        }
    }

    pub fn with_ids(self, ids: Vec<RecordId>) -> Self {
        Side {
            ids: Arc::new(ids),
            ..self
        }
    }

    /// Operations per second over `seconds` with `threads` threads.
    pub fn measure(
        &self,
        op: Op,
        threads: usize,
        seconds: f64,
        extra: &[serde_json::Value],
    ) -> Result<f64> {
        if let Op::ReadDeferred = op {
            return self.measure_deferred(threads, seconds);
        }
        let stop = Arc::new(AtomicBool::new(false));
        let done = Arc::new(AtomicU64::new(0));
        let extra = Arc::new(extra.to_vec());
        let start = Instant::now();
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                let (stop, done, vault, ids, extra) = (
                    stop.clone(),
                    done.clone(),
                    self.vault.clone(),
                    self.ids.clone(),
                    extra.clone(),
                );
                std::thread::spawn(move || -> Result<()> {
                    let actor = Actor {
                        principal: format!("key_t{t}"),
                        role: "app".into(),
                        purpose: Some("service".into()),
                        ..Actor::default()
                    };
                    let mut i = t.wrapping_mul(7919);
                    while !stop.load(Ordering::Relaxed) {
                        i = i.wrapping_add(104_729);
                        match op {
                            Op::Read => {
                                let id = ids[i % ids.len()];
                                std::hint::black_box(vault.get(
                                    &actor,
                                    "customers",
                                    id,
                                    None,
                                    View::Masked,
                                )?);
                            }
                            Op::ReadDeferred => unreachable!("measured on tasks"),
                            Op::Write => {
                                vault.create(&actor, "customers", &extra[i % extra.len()])?;
                            }
                        }
                        done.fetch_add(1, Ordering::Relaxed);
                    }
                    Ok(())
                })
            })
            .collect();
        std::thread::sleep(Duration::from_secs_f64(seconds));
        stop.store(true, Ordering::Relaxed);
        let elapsed = start.elapsed().as_secs_f64();
        for w in workers {
            w.join()
                .map_err(|_| anyhow::anyhow!("a load thread panicked"))??;
        }
        Ok(done.load(Ordering::Relaxed) as f64 / elapsed)
    }

    /// Deferred reads per second over `seconds`: `tasks` tasks on a runtime with
    /// [`RUNTIME_THREADS`] worker threads. The read itself runs on the worker (as it
    /// would on a blocking thread in the server); only the wait for durability is
    /// asynchronous. Every task yields after each read on both sides, so that the
    /// unaudited side, whose tickets are ready at once, shares the workers too.
    fn measure_deferred(&self, tasks: usize, seconds: f64) -> Result<f64> {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(RUNTIME_THREADS)
            .build()?;
        let stop = Arc::new(AtomicBool::new(false));
        let done = Arc::new(AtomicU64::new(0));
        let start = Instant::now();
        let workers: Vec<_> = (0..tasks)
            .map(|t| {
                let (stop, done, vault, ids) = (
                    stop.clone(),
                    done.clone(),
                    self.vault.clone(),
                    self.ids.clone(),
                );
                rt.spawn(async move {
                    let actor = Actor {
                        principal: format!("key_t{t}"),
                        role: "app".into(),
                        purpose: Some("service".into()),
                        ..Actor::default()
                    };
                    let mut i = t.wrapping_mul(7919);
                    while !stop.load(Ordering::Relaxed) {
                        i = i.wrapping_add(104_729);
                        let id = ids[i % ids.len()];
                        let pending =
                            vault.get_deferred(&actor, "customers", id, None, View::Masked)?;
                        std::hint::black_box(pending.await?);
                        done.fetch_add(1, Ordering::Relaxed);
                        tokio::task::yield_now().await;
                    }
                    Ok::<_, anyhow::Error>(())
                })
            })
            .collect();
        std::thread::sleep(Duration::from_secs_f64(seconds));
        stop.store(true, Ordering::Relaxed);
        let elapsed = start.elapsed().as_secs_f64();
        rt.block_on(async {
            for w in workers {
                w.await??;
            }
            Ok::<_, anyhow::Error>(())
        })?;
        Ok(done.load(Ordering::Relaxed) as f64 / elapsed)
    }
}
