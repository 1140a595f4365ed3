//! Keeping the key ring in step with the store when several processes share it.
//!
//! Two servers on one PostgreSQL database each hold a snapshot of the unwrapped data
//! keys. When one of them (or `gembok keys rotate`) adds a data-key version, the
//! others must open values sealed under it and, before the rotation deletes the old
//! versions, must have stopped sealing under them. So a snapshot older than
//! [`KEY_RECHECK`] is compared with the store's key list before it is handed out (one
//! small query per second at most, by whichever caller comes first; the others go on
//! with the snapshot they have), and a read that meets a record naming a version the
//! ring lacks reloads the ring at once, once, under the same lock. A reload that loses
//! a race with a local change (a rotation swapping in its own ring) is dropped rather
//! than swapped in over it.
//!
//! The rotation side of the bargain is in `keys`: it waits [`ROTATION_GRACE`] after
//! adding the new versions before it deletes old ones, which covers the recheck
//! interval plus the time a write takes from sealing to commit, and it checks again
//! after deleting, putting the old keys back if a late write still used them.

use std::sync::{Arc, PoisonError};
use std::time::{Duration, Instant};

use gembok_store::SealedRecord;

use super::{State, Vault};
use crate::keyring::KeyRing;

/// Longest time a snapshot's key ring is used without asking the store.
pub(crate) const KEY_RECHECK: Duration = Duration::from_secs(1);

/// Time between adding new data-key versions and deleting old ones.
pub(crate) const ROTATION_GRACE: Duration = Duration::from_secs(3);

impl Vault {
    /// The snapshot to seal and open with, its key ring re-checked against the store
    /// when it is older than [`KEY_RECHECK`].
    pub(crate) fn snapshot(&self) -> Arc<State> {
        let state = self.current();
        let Ok(mut last) = self.key_check.try_lock() else {
            return state;
        };
        if last.elapsed() < KEY_RECHECK {
            return state;
        }
        *last = Instant::now();
        self.reload_keys(&state).unwrap_or(state)
    }

    /// `state`, or a reloaded one when `records` name a data-key version of
    /// `collection` that `state` does not hold (another process rotated).
    pub(crate) fn covering(
        &self,
        state: Arc<State>,
        collection: &str,
        records: &[SealedRecord],
    ) -> Arc<State> {
        if !missing_version(&state, collection, records) {
            return state;
        }
        let mut last = self
            .key_check
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        // Another caller may have reloaded while this one waited for the lock.
        let now = self.current();
        if !missing_version(&now, collection, records) {
            return now;
        }
        *last = Instant::now();
        self.reload_keys(&now).unwrap_or(now)
    }

    /// A snapshot with the store's keys if they differ from `state`'s; `None` when
    /// they do not, or they could not be read or unwrapped (the caller keeps `state`,
    /// and a value it cannot open fails as an integrity error as before).
    fn reload_keys(&self, state: &Arc<State>) -> Option<Arc<State>> {
        let records = self.store.keys().ok()?;
        if state.keys.holds_exactly(&records) {
            return None;
        }
        let ring = KeyRing::load(&state.master, &records, &state.schema).ok()?;
        let fresh = Arc::new(state.with_keys(ring));
        let mut slot = self.state.write().unwrap_or_else(PoisonError::into_inner);
        if !Arc::ptr_eq(&slot, state) {
            return Some(Arc::clone(&slot));
        }
        *slot = Arc::clone(&fresh);
        Some(fresh)
    }
}

fn missing_version(state: &State, collection: &str, records: &[SealedRecord]) -> bool {
    let known = state.keys.versions(collection);
    records
        .iter()
        .flat_map(|r| &r.fields)
        .any(|f| !known.contains(&f.key_version))
}
