//! Running work against the pool with bounded retries.
//!
//! A write runs as one SERIALIZABLE transaction. PostgreSQL may abort it with a
//! serialization failure (40001) or a deadlock (40P01); both mean "nothing happened,
//! try again", so the whole transaction is repeated, up to [`ATTEMPTS`] times with a
//! jittered, growing pause so that the same two writers do not collide again in step.
//! A connection lost before `COMMIT` was sent is also safe to repeat on a new one. A
//! connection lost *during* `COMMIT` is not: the server may have committed, and
//! repeating could apply the slice twice, so that outcome is reported as
//! `Unavailable` and left to the caller. Reads are single statements and simply run
//! again on a new connection when theirs was lost.

use crate::errors::{kind, map, Failure, Kind};
use crate::pool::Pool;
use crate::session::{Conn, Tx};
use gembok_store::StoreError;
use std::sync::atomic::Ordering;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Tries per call, the first included.
pub(crate) const ATTEMPTS: u32 = 6;

/// What one attempt came to.
enum Outcome<T> {
    Done(T),
    Again { lost: bool, last: StoreError },
    Fail { lost: bool, err: StoreError },
}

fn classify<T>(failure: Failure) -> Outcome<T> {
    match failure {
        Failure::Store(err) => Outcome::Fail { lost: false, err },
        Failure::Race => Outcome::Again {
            lost: false,
            last: StoreError::Unavailable("a concurrent writer kept creating the same row".into()),
        },
        Failure::Pg(e) => match kind(&e) {
            Kind::Conflict => Outcome::Again {
                lost: false,
                last: map(&e),
            },
            Kind::Lost => Outcome::Again {
                lost: true,
                last: map(&e),
            },
            Kind::Final => Outcome::Fail {
                lost: false,
                err: map(&e),
            },
        },
    }
}

fn attempt<T>(
    conn: &mut Conn,
    work: &mut dyn FnMut(&mut Tx<'_>) -> Result<T, Failure>,
) -> Outcome<T> {
    let mut tx = match conn.serializable() {
        Ok(tx) => tx,
        Err(e) => return classify(Failure::Pg(e)),
    };
    let value = match work(&mut tx) {
        Ok(v) => v,
        // Dropping `tx` rolls back (or finds the connection already gone).
        Err(f) => return classify(f),
    };
    match tx.commit() {
        Ok(()) => Outcome::Done(value),
        Err(e) => match kind(&e) {
            // The server answered COMMIT with a rollback: nothing was written.
            Kind::Conflict => classify(Failure::Pg(e)),
            Kind::Lost => Outcome::Fail {
                lost: true,
                err: StoreError::Unavailable(
                    "the PostgreSQL connection was lost during COMMIT: the transaction may \
                     or may not have been applied; check before repeating it"
                        .into(),
                ),
            },
            Kind::Final => Outcome::Fail {
                lost: false,
                err: map(&e),
            },
        },
    }
}

/// Run `work` in one SERIALIZABLE transaction, repeating it on conflicts and lost
/// connections as described in the module documentation.
pub(crate) fn transaction<T>(
    pool: &Pool,
    mut work: impl FnMut(&mut Tx<'_>) -> Result<T, Failure>,
) -> Result<T, StoreError> {
    repeat(pool, |conn| attempt(conn, &mut work))
}

/// Run a read, repeating it on a new connection when the connection was lost.
pub(crate) fn read<T>(
    pool: &Pool,
    mut work: impl FnMut(&mut Conn) -> Result<T, Failure>,
) -> Result<T, StoreError> {
    repeat(pool, |conn| work(conn).map_or_else(classify, Outcome::Done))
}

/// Up to [`ATTEMPTS`] tries of `one`, each on a connection of its own and all but the
/// first after a pause. A connection an attempt lost is not returned to the pool.
fn repeat<T>(pool: &Pool, mut one: impl FnMut(&mut Conn) -> Outcome<T>) -> Result<T, StoreError> {
    let mut last = None;
    for n in 0..ATTEMPTS {
        if n > 0 {
            pool.retries.fetch_add(1, Ordering::Relaxed);
            pause(n);
        }
        let mut pooled = pool.get()?;
        match one(pooled.conn()) {
            Outcome::Done(v) => return Ok(v),
            Outcome::Again { lost, last: err } => {
                if lost {
                    pooled.mark_broken();
                }
                last = Some(err);
            }
            Outcome::Fail { lost, err } => {
                if lost {
                    pooled.mark_broken();
                }
                return Err(err);
            }
        }
    }
    Err(last.unwrap_or_else(|| StoreError::Unavailable("no attempt was made".into())))
}

/// Sleep before try `n` (1-based): 5 ms doubled per try, plus up to the same again
/// at random, so that colliding writers spread out.
fn pause(n: u32) {
    let base = 5u64 << n.min(6);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let jitter = u64::from(nanos) % base.max(1);
    std::thread::sleep(Duration::from_millis(base + jitter));
}
