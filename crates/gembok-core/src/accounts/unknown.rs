//! Throttling for addresses that have no account, kept in memory.
//!
//! Without it, an unknown address would never answer "too many attempts" while a known
//! one would after five failures, which tells an attacker which addresses exist. The
//! states live in memory rather than the store so that guessing addresses cannot fill
//! the database; the map is bounded and forgets the stalest entry first. A restart
//! forgets them, which only errs towards letting a few more guesses through, each still
//! costing a full Argon2id hash and bounded by the per-address limit at the edge.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::staff::throttle::{FailureState, ThrottlePolicy, Verdict};

const MAX_ENTRIES: usize = 10_000;

#[derive(Default)]
pub(crate) struct UnknownThrottle {
    states: Mutex<HashMap<String, FailureState>>,
}

impl UnknownThrottle {
    pub(crate) fn verdict(&self, key: &str, now: i64, policy: &ThrottlePolicy) -> Verdict {
        let states = self.states.lock().unwrap_or_else(|p| p.into_inner());
        states
            .get(key)
            .map_or(Verdict::Allowed, |s| s.verdict(now, policy))
    }

    pub(crate) fn record_failure(&self, key: &str, now: i64, policy: &ThrottlePolicy) {
        let mut states = self.states.lock().unwrap_or_else(|p| p.into_inner());
        if states.len() >= MAX_ENTRIES && !states.contains_key(key) {
            if let Some(stalest) = states
                .iter()
                .min_by_key(|(_, s)| s.last_failure)
                .map(|(k, _)| k.clone())
            {
                states.remove(&stalest);
            }
        }
        states
            .entry(key.to_owned())
            .or_default()
            .record_failure(now, policy);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_like_a_known_account_after_the_free_failures() {
        let t = UnknownThrottle::default();
        let p = ThrottlePolicy::default();
        for i in 0..5 {
            assert_eq!(t.verdict("a", 1_000 + i, &p), Verdict::Allowed);
            t.record_failure("a", 1_000 + i, &p);
        }
        assert_eq!(t.verdict("a", 1_005, &p), Verdict::Allowed);
        t.record_failure("a", 1_005, &p);
        assert!(matches!(t.verdict("a", 1_006, &p), Verdict::Wait { .. }));
        assert_eq!(t.verdict("b", 1_006, &p), Verdict::Allowed);
    }

    #[test]
    fn stays_bounded() {
        let t = UnknownThrottle::default();
        let p = ThrottlePolicy::default();
        for i in 0..(MAX_ENTRIES + 10) {
            t.record_failure(&format!("k{i}"), i as i64, &p);
        }
        let len = t.states.lock().unwrap().len();
        assert_eq!(len, MAX_ENTRIES);
    }
}
