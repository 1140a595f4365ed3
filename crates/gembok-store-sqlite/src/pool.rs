//! A small fixed pool of read-only connections.
//!
//! In WAL mode readers work from a snapshot and never wait for the writer, but a
//! connection serves one thread at a time. Reads take any idle connection; when all are
//! busy they queue on one chosen round-robin, so waiting spreads evenly.

use rusqlite::Connection;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError, TryLockError};

pub(crate) struct ReaderPool {
    connections: Vec<Mutex<Connection>>,
    next: AtomicUsize,
}

impl ReaderPool {
    /// `connections` must not be empty.
    pub(crate) fn new(connections: Vec<Connection>) -> Self {
        assert!(!connections.is_empty(), "a reader pool needs a connection");
        Self {
            connections: connections.into_iter().map(Mutex::new).collect(),
            next: AtomicUsize::new(0),
        }
    }

    /// An idle connection if there is one, else the next one in turn once it frees up.
    pub(crate) fn get(&self) -> MutexGuard<'_, Connection> {
        for conn in &self.connections {
            match conn.try_lock() {
                Ok(guard) => return guard,
                // A poisoned lock still guards a usable connection: a reader holds no
                // transaction once its statement is dropped, even by a panic.
                Err(TryLockError::Poisoned(p)) => return p.into_inner(),
                Err(TryLockError::WouldBlock) => {}
            }
        }
        let i = self.next.fetch_add(1, Ordering::Relaxed) % self.connections.len();
        self.connections[i]
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Every connection in turn (waiting for each), for settings reports.
    pub(crate) fn each(&self) -> impl Iterator<Item = MutexGuard<'_, Connection>> {
        self.connections
            .iter()
            .map(|c| c.lock().unwrap_or_else(PoisonError::into_inner))
    }
}
