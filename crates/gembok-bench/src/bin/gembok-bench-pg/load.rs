//! Concurrent load: `threads` threads each run their own worker in a loop until the
//! time is up; the result is completed operations per second.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Result;

/// A worker: called with a growing counter, does one operation.
pub type Worker = Box<dyn FnMut(usize) -> Result<()> + Send>;

/// Operations per second of `threads` workers made by `make` over `seconds`.
pub fn throughput(
    threads: usize,
    seconds: f64,
    make: &dyn Fn(usize) -> Result<Worker>,
) -> Result<f64> {
    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicU64::new(0));
    let mut workers = Vec::with_capacity(threads);
    for t in 0..threads {
        workers.push(make(t)?);
    }
    let start = Instant::now();
    let handles: Vec<_> = workers
        .into_iter()
        .enumerate()
        .map(|(t, mut work)| {
            let (stop, done) = (stop.clone(), done.clone());
            std::thread::spawn(move || -> Result<()> {
                let mut i = t.wrapping_mul(7919);
                while !stop.load(Ordering::Relaxed) {
                    i = i.wrapping_add(104_729);
                    work(i)?;
                    done.fetch_add(1, Ordering::Relaxed);
                }
                Ok(())
            })
        })
        .collect();
    std::thread::sleep(Duration::from_secs_f64(seconds));
    stop.store(true, Ordering::Relaxed);
    for h in handles {
        h.join()
            .map_err(|_| anyhow::anyhow!("a load thread panicked"))??;
    }
    Ok(done.load(Ordering::Relaxed) as f64 / start.elapsed().as_secs_f64())
}
