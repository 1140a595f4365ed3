//! A small, bounded pool of synchronous `postgres` clients.
//!
//! The pool is a mutex around idle clients plus a count of open ones, bounded so a
//! busy server process cannot exhaust PostgreSQL's `max_connections`. It is written
//! here rather than taken from `r2d2` because the retry loop must decide itself when a
//! client is dead: a client that failed with a lost connection is dropped, and so are
//! all idle ones, since whatever killed one (a restart, a failover,
//! `pg_terminate_backend` of the application) has usually killed them all. Checkout
//! does no health query, so a healthy pool costs no extra round trip.

use crate::config::TlsMode;
use crate::errors::map;
use crate::session::Conn;
use gembok_store::StoreError;
use std::sync::atomic::AtomicU64;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;
use tokio_postgres_rustls::MakeRustlsConnect;

/// How long a caller waits for a free connection before giving up.
const CHECKOUT_WAIT: Duration = Duration::from_secs(30);

/// How connections are made: plain or through rustls.
enum Connector {
    Plain,
    Rustls(MakeRustlsConnect),
}

struct State {
    idle: Vec<Conn>,
    open: usize,
}

/// The pool.
pub(crate) struct Pool {
    config: postgres::Config,
    connector: Connector,
    max: usize,
    state: Mutex<State>,
    freed: Condvar,
    /// Attempts repeated after a conflict or a lost connection, for operators.
    pub(crate) retries: AtomicU64,
}

impl Pool {
    pub(crate) fn new(
        config: postgres::Config,
        tls: &TlsMode,
        max: usize,
    ) -> Result<Self, StoreError> {
        let connector = match tls {
            TlsMode::Plain => Connector::Plain,
            TlsMode::Verified { root_cert } => Connector::Rustls(MakeRustlsConnect::new(
                crate::config::rustls_config(root_cert.as_ref())?,
            )),
        };
        Ok(Self {
            config,
            connector,
            max: max.max(1),
            state: Mutex::new(State {
                idle: Vec::new(),
                open: 0,
            }),
            freed: Condvar::new(),
            retries: AtomicU64::new(0),
        })
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn connect(&self) -> Result<Conn, StoreError> {
        let client = match &self.connector {
            Connector::Plain => self.config.connect(postgres::NoTls),
            Connector::Rustls(tls) => self.config.connect(tls.clone()),
        }
        .map_err(|e| match e.as_db_error() {
            Some(_) => map(&e),
            // Connect-time driver errors (refused, timeout, TLS handshake) name the
            // cause, never a password or a value.
            None => StoreError::Unavailable(format!("cannot connect to PostgreSQL: {e}")),
        })?;
        Ok(Conn::new(client))
    }

    /// An idle connection, or a new one while fewer than `max` are open.
    pub(crate) fn get(&self) -> Result<Pooled<'_>, StoreError> {
        let mut state = self.lock();
        loop {
            if let Some(conn) = state.idle.pop() {
                return Ok(Pooled::new(self, conn));
            }
            if state.open < self.max {
                state.open += 1;
                drop(state);
                return match self.connect() {
                    Ok(conn) => Ok(Pooled::new(self, conn)),
                    Err(e) => {
                        self.lock().open -= 1;
                        self.freed.notify_one();
                        Err(e)
                    }
                };
            }
            let (next, timeout) = self
                .freed
                .wait_timeout(state, CHECKOUT_WAIT)
                .unwrap_or_else(PoisonError::into_inner);
            state = next;
            if timeout.timed_out() && state.idle.is_empty() && state.open >= self.max {
                return Err(StoreError::Unavailable(
                    "no PostgreSQL connection became free in time".into(),
                ));
            }
        }
    }

    fn give_back(&self, conn: Conn, broken: bool) {
        let mut state = self.lock();
        if broken || conn.is_closed() {
            state.open -= 1;
            let idle = std::mem::take(&mut state.idle);
            state.open -= idle.len();
            drop(state);
            drop(conn);
            drop(idle);
            self.freed.notify_all();
        } else {
            state.idle.push(conn);
            drop(state);
            self.freed.notify_one();
        }
    }

    /// Close every idle connection (open ones close when given back broken).
    pub(crate) fn clear_idle(&self) {
        let mut state = self.lock();
        let idle = std::mem::take(&mut state.idle);
        state.open -= idle.len();
        drop(state);
        drop(idle);
        self.freed.notify_all();
    }
}

/// A checked-out connection; it returns to the pool when dropped, or is closed if it
/// was marked broken (or panicked mid-use, when its state is unknown).
pub(crate) struct Pooled<'p> {
    pool: &'p Pool,
    conn: Option<Conn>,
    broken: bool,
}

impl<'p> Pooled<'p> {
    fn new(pool: &'p Pool, conn: Conn) -> Self {
        Self {
            pool,
            conn: Some(conn),
            broken: false,
        }
    }

    pub(crate) fn conn(&mut self) -> &mut Conn {
        self.conn.as_mut().expect("connection present until drop")
    }

    /// Close this connection (and the idle ones) instead of reusing it.
    pub(crate) fn mark_broken(&mut self) {
        self.broken = true;
    }
}

impl Drop for Pooled<'_> {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            self.pool
                .give_back(conn, self.broken || std::thread::panicking());
        }
    }
}
