//! A short-lived in-process memory of successful authentications.
//!
//! Without it every request costs two store reads (hash link, then key document), a
//! JSON decode and, in the server, a hop to a blocking thread and back; with it a busy
//! client's key is checked in memory, and [`ApiKeys::authenticate_cached`](super::ApiKeys::authenticate_cached) never
//! touches the store, so the server can call it on its async workers. Measured by
//! `gembok-bench api` (see `docs/BENCHMARKS.md`).
//!
//! What this trades, and what it does not:
//!
//! - Only successes are remembered, keyed by the SHA-256 of the key text (what the
//!   store keeps anyway), never the text. Failures always take the full path.
//! - An entry is used for at most [`TTL_MS`] (one second) after the store was read.
//!   On every use it is checked again against the key's expiry, grace period and
//!   revocation time and its address allowlist, as read from the store: expiry, the
//!   end of a rotation's grace period and allowlists are exact, not delayed.
//! - `revoke`, `rotate` and `revoke_all` through this same [`ApiKeys`](super::ApiKeys) empty the memory
//!   once their store write is done, and an authentication that read a key before
//!   such a change cannot store it afterwards (a generation counter): in one process,
//!   revocation takes effect at once, as before.
//! - A change made by **another process** sharing the store, such as `gembok apikey
//!   revoke` run while `gembok serve` is up, is seen here within [`TTL_MS`]: a key
//!   revoked there may still work here for up to one more second. That is the price.
//! - A hit that is due a last-use write is not served from memory, so last use is
//!   recorded exactly as before.
//! - At most [`MAX_ENTRIES`] keys are remembered; when full, stale entries are dropped,
//!   and if none is stale, nothing more is remembered until some are.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

use ipnet::IpNet;

use crate::access::Principal;

/// Longest time an entry is used after the store was read, in milliseconds.
pub const TTL_MS: i64 = 1_000;
/// Most keys remembered at once.
pub const MAX_ENTRIES: usize = 4_096;

/// What a successful authentication found, as of `read_at`.
pub(super) struct Entry {
    pub principal: Principal,
    pub expires_at: i64,
    pub grace_until: Option<i64>,
    pub revoked_at: Option<i64>,
    pub allow: Vec<IpNet>,
    pub read_at: i64,
}

impl Entry {
    fn fresh(&self, now_ms: i64) -> bool {
        now_ms >= self.read_at && now_ms - self.read_at < TTL_MS
    }

    /// The same checks as the full path, on the state read from the store.
    fn admits(&self, client: IpAddr, now_ms: i64) -> bool {
        let client = client.to_canonical();
        self.revoked_at.is_none_or(|t| now_ms < t)
            && now_ms < self.expires_at
            && self.grace_until.is_none_or(|t| now_ms < t)
            && (self.allow.is_empty() || self.allow.iter().any(|n| n.contains(&client)))
    }
}

#[derive(Default)]
struct Inner {
    /// Bumped by every [`AuthCache::clear`].
    generation: u64,
    entries: HashMap<[u8; 32], Entry>,
}

/// The memory itself; see the module documentation.
#[derive(Default)]
pub(super) struct AuthCache {
    inner: Mutex<Inner>,
}

impl AuthCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Read before the store is; hand back to [`AuthCache::put`].
    pub fn generation(&self) -> u64 {
        self.lock().generation
    }

    /// The principal for `digest` if an entry is fresh and admits `client` at `now_ms`.
    pub fn get(&self, digest: &[u8; 32], client: IpAddr, now_ms: i64) -> Option<Principal> {
        let mut inner = self.lock();
        let entry = inner.entries.get(digest)?;
        if !entry.fresh(now_ms) {
            inner.entries.remove(digest);
            return None;
        }
        entry
            .admits(client, now_ms)
            .then(|| entry.principal.clone())
    }

    /// Remember `entry`, unless the memory was cleared since `generation` was read (the
    /// entry may then describe a key as it was before a revocation).
    pub fn put(&self, generation: u64, digest: [u8; 32], entry: Entry) {
        let mut inner = self.lock();
        if inner.generation != generation {
            return;
        }
        if inner.entries.len() >= MAX_ENTRIES && !inner.entries.contains_key(&digest) {
            let now = entry.read_at;
            inner.entries.retain(|_, e| e.fresh(now));
            if inner.entries.len() >= MAX_ENTRIES {
                return;
            }
        }
        inner.entries.insert(digest, entry);
    }

    /// Forget everything, and refuse entries read before now.
    pub fn clear(&self) {
        let mut inner = self.lock();
        inner.generation = inner.generation.wrapping_add(1);
        inner.entries.clear();
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.lock().entries.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::RoleName;

    const T: i64 = 1_800_000_000_000;

    fn entry(read_at: i64) -> Entry {
        Entry {
            principal: Principal {
                key_id: "key_0".into(),
                role: RoleName::parse("app").unwrap(),
                collections: None,
                purposes: None,
                origin: Default::default(),
            },
            expires_at: T + 10_000,
            grace_until: None,
            revoked_at: None,
            allow: Vec::new(),
            read_at,
        }
    }

    fn local() -> IpAddr {
        "127.0.0.1".parse().unwrap()
    }

    #[test]
    fn an_entry_lives_one_second_from_the_read() {
        let c = AuthCache::default();
        c.put(c.generation(), [1; 32], entry(T));
        // (now, served from memory?)
        for (now, want) in [(T, true), (T + TTL_MS - 1, true), (T + TTL_MS, false)] {
            assert_eq!(c.get(&[1; 32], local(), now).is_some(), want, "at {now}");
        }
        assert_eq!(c.len(), 0, "a stale entry is dropped when met");
        c.put(c.generation(), [1; 32], entry(T));
        assert!(c.get(&[2; 32], local(), T).is_none(), "another digest");
        assert!(
            c.get(&[1; 32], local(), T - 1).is_none(),
            "clock moved back"
        );
    }

    #[test]
    fn the_keys_own_limits_are_checked_on_every_hit() {
        type Change = fn(&mut Entry);
        let cases: [(&str, Change, IpAddr, bool); 6] = [
            ("plain", |_| {}, local(), true),
            ("expired", |e| e.expires_at = T + 5, local(), false),
            (
                "grace over",
                |e| e.grace_until = Some(T + 5),
                local(),
                false,
            ),
            ("revoked", |e| e.revoked_at = Some(T + 5), local(), false),
            (
                "allowlist, other address",
                |e| e.allow = vec!["10.0.0.0/8".parse().unwrap()],
                local(),
                false,
            ),
            (
                "allowlist, mapped IPv4 inside",
                |e| e.allow = vec!["10.0.0.0/8".parse().unwrap()],
                "::ffff:10.1.2.3".parse().unwrap(),
                true,
            ),
        ];
        for (name, change, client, want) in cases {
            let c = AuthCache::default();
            let mut e = entry(T);
            change(&mut e);
            c.put(c.generation(), [7; 32], e);
            assert_eq!(c.get(&[7; 32], client, T + 5).is_some(), want, "{name}");
        }
    }

    #[test]
    fn clear_forgets_and_refuses_reads_from_before_it() {
        let c = AuthCache::default();
        c.put(c.generation(), [1; 32], entry(T));
        let before = c.generation();
        c.clear();
        assert!(c.get(&[1; 32], local(), T).is_none());
        c.put(before, [1; 32], entry(T));
        assert!(
            c.get(&[1; 32], local(), T).is_none(),
            "read before the clear"
        );
        c.put(c.generation(), [1; 32], entry(T));
        assert!(c.get(&[1; 32], local(), T).is_some());
    }

    #[test]
    fn the_memory_is_bounded() {
        let c = AuthCache::default();
        let g = c.generation();
        for i in 0..MAX_ENTRIES {
            let mut d = [0u8; 32];
            d[..8].copy_from_slice(&(i as u64).to_le_bytes());
            c.put(g, d, entry(T));
        }
        assert_eq!(c.len(), MAX_ENTRIES);
        c.put(g, [0xff; 32], entry(T + 1));
        assert_eq!(
            c.len(),
            MAX_ENTRIES,
            "full of fresh entries: not remembered"
        );
        assert!(c.get(&[0xff; 32], local(), T + 1).is_none());
        c.put(g, [0xff; 32], entry(T + TTL_MS));
        assert_eq!(c.len(), 1, "stale entries make room");
        assert!(c.get(&[0xff; 32], local(), T + TTL_MS).is_some());
    }
}
