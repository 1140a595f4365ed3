//! One side of the comparison (a vault and its record ids) and the concurrent load
//! run against it: `threads` threads each loop over the operation until the time is up.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Result;
use gembok_core::{Actor, Vault, View};
use gembok_types::RecordId;

#[derive(Clone, Copy, Debug)]
pub enum Op {
    Read,
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
}
